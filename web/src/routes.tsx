/** Every signed-in page: its path, menu entry, heading key and who may open it. */
import type { ReactNode } from 'react';
import { matchPath } from 'react-router';
import {
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  DatabaseOutlined,
  DesktopOutlined,
  FileAddOutlined,
  FileDoneOutlined,
  FileProtectOutlined,
  FormOutlined,
  GlobalOutlined,
  InboxOutlined,
  IssuesCloseOutlined,
  KeyOutlined,
  RetweetOutlined,
  LineChartOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  StopOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { Me } from './api/types';
import type { MessageKey } from './i18n';
import {
  canBrowseCatalog,
  canManageApiKeys,
  canManageUsers,
  canRegisterCatalog,
  canViewAudit,
  canReadCatalogQueue,
  isPlatformAdmin,
} from './lib/roles';
import { WorkbenchPage } from './pages/workbench/WorkbenchPage';
import { OrgsPage } from './pages/orgs/OrgsPage';
import { UsersPage } from './pages/users/UsersPage';
import { CalendarPage } from './pages/calendar/CalendarPage';
import { AuditPage } from './pages/audit/AuditPage';
import { ApiKeysPage } from './pages/apiKeys/ApiKeysPage';
import { JurisdictionPage } from './pages/jurisdiction/JurisdictionPage';
import { CatalogPage } from './pages/catalog/CatalogPage';
import { EntryDetailPage } from './pages/catalog/detail/EntryDetailPage';
import { RegisterWizardPage } from './pages/catalog/wizard/RegisterWizardPage';
import { ReviewQueuePage } from './pages/catalog/ReviewQueuePage';
import { NegativeListPage } from './pages/catalog/lists/NegativeListPage';
import { OpenListPage } from './pages/catalog/lists/OpenListPage';
import { OperationListPage } from './pages/catalog/lists/OperationListPage';
import { RegistrationPage } from './pages/catalog/lists/RegistrationPage';
import { CollectionsPage } from './pages/collections/CollectionsPage';
import { CollectionDetailPage } from './pages/collections/CollectionDetailPage';
import { CorrectionsPage } from './pages/quality/CorrectionsPage';
import { ReflowPage } from './pages/ingest/ReflowPage';
import { canSeeReflow } from './pages/ingest/reflowApi';
import { EntryDataPage } from './pages/ingest/EntryDataPage';
import { RequestWizardPage as ShareRequestWizardPage } from './pages/sharing/RequestWizardPage';
import { RequestPage as ShareRequestPage, RequestsPage as ShareRequestsPage } from './pages/sharing/RequestsPage';
import { InboxPage as ShareInboxPage } from './pages/sharing/InboxPage';
import { canRequestShare, canSeeSharing } from './pages/sharing/parts';
import { UseRequestsPage } from './pages/sharing/UseRequestsPage';
import { DisputesPage } from './pages/sharing/DisputesPage';
import { ExtensionsPage as ShareExtensionsPage } from './pages/sharing/ExtensionsPage';
import { FieldTimeOutlined } from '@ant-design/icons';
import { ProviderApplicationsPage, canSeeOpenApplications } from './pages/opening/ProviderApplicationsPage';
import { DemandAnswersPage } from './pages/opening/DemandsPage';
import { FlagOutlined, NodeExpandOutlined } from '@ant-design/icons';
import { CodeOutlined, ExportOutlined } from '@ant-design/icons';
import { canReviewReleases, canUseSandbox } from './pages/sandbox/access';
import { lazyPage } from './lib/lazyPage';

// Pages fetched on first visit, each with the large library only it uses: the SQL editor
// (CodeMirror) of the sandbox, the charts (ECharts) of quality and grant usage.
const SandboxPage = lazyPage(() => import('./pages/sandbox/SandboxPage'), 'SandboxPage');
const SandboxReleasesPage = lazyPage(() => import('./pages/sandbox/ReleasesPage'), 'ReleasesPage');
const QualityPage = lazyPage(() => import('./pages/quality/QualityPage'), 'QualityPage');
const OrgQualityPage = lazyPage(() => import('./pages/quality/OrgQualityPage'), 'OrgQualityPage');
const ShareGrantsPage = lazyPage(() => import('./pages/sharing/GrantsPage'), 'GrantsPage');

export type MenuGroup = 'work' | 'catalog' | 'admin' | 'oversight' | 'org' | 'rules';

export interface AppRoute {
  /** A react-router path pattern (`/catalog/entries/:id`). */
  path: string;
  /** False for pages reached from another page (an entry's detail), not from the menu. */
  menu?: boolean;
  /** For a page outside the menu: the menu entry it belongs under (highlighted, and in the breadcrumb). */
  parent?: string;
  title: MessageKey;
  group: MenuGroup;
  icon: ReactNode;
  allowed: (me: Me) => boolean;
  element: ReactNode;
}

const everyone = () => true;

export const appRoutes: readonly AppRoute[] = [
  { path: '/', title: 'page.workbench', group: 'work', icon: <DesktopOutlined />, allowed: everyone, element: <WorkbenchPage /> },
  { path: '/catalog', title: 'page.catalog', group: 'catalog', icon: <DatabaseOutlined />, allowed: canBrowseCatalog, element: <CatalogPage /> },
  { path: '/catalog/register', title: 'page.catalogRegister', group: 'catalog', icon: <FormOutlined />, allowed: canRegisterCatalog, element: <RegisterWizardPage /> },
  { path: '/catalog/review', title: 'page.catalogReview', group: 'catalog', icon: <FileDoneOutlined />, allowed: canReadCatalogQueue, element: <ReviewQueuePage /> },
  { path: '/catalog/negative-list', title: 'page.negativeList', group: 'catalog', icon: <StopOutlined />, allowed: canBrowseCatalog, element: <NegativeListPage /> },
  { path: '/catalog/open-list', title: 'page.openList', group: 'catalog', icon: <GlobalOutlined />, allowed: canBrowseCatalog, element: <OpenListPage /> },
  { path: '/catalog/operation-list', title: 'page.operationList', group: 'catalog', icon: <SafetyCertificateOutlined />, allowed: canBrowseCatalog, element: <OperationListPage /> },
  { path: '/collections', title: 'page.collections', group: 'catalog', icon: <AppstoreOutlined />, allowed: canBrowseCatalog, element: <CollectionsPage /> },
  { path: '/collections/:code', menu: false, parent: '/collections', title: 'page.collection', group: 'catalog', icon: <AppstoreOutlined />, allowed: canBrowseCatalog, element: <CollectionDetailPage /> },
  { path: '/catalog/registrations/:queryCode', menu: false, parent: '/catalog/operation-list', title: 'page.registration', group: 'catalog', icon: <SafetyCertificateOutlined />, allowed: canBrowseCatalog, element: <RegistrationPage /> },
  { path: '/catalog/entries/:id', menu: false, parent: '/catalog', title: 'page.catalogEntry', group: 'catalog', icon: <DatabaseOutlined />, allowed: canBrowseCatalog, element: <EntryDetailPage /> },
  { path: '/catalog/entries/:id/data', menu: false, parent: '/catalog', title: 'page.entryData', group: 'catalog', icon: <CloudUploadOutlined />, allowed: canBrowseCatalog, element: <EntryDataPage /> },
  { path: '/catalog/entries/:id/edit', menu: false, parent: '/catalog', title: 'page.catalogEdit', group: 'catalog', icon: <FormOutlined />, allowed: canRegisterCatalog, element: <RegisterWizardPage /> },
  { path: '/admin/orgs', title: 'page.orgs', group: 'admin', icon: <BankOutlined />, allowed: isPlatformAdmin, element: <OrgsPage /> },
  { path: '/admin/users', title: 'page.users', group: 'admin', icon: <TeamOutlined />, allowed: canManageUsers, element: <UsersPage /> },
  { path: '/admin/calendar', title: 'page.calendar', group: 'admin', icon: <CalendarOutlined />, allowed: isPlatformAdmin, element: <CalendarPage /> },
  { path: '/quality/corrections', title: 'page.corrections', group: 'work', icon: <IssuesCloseOutlined />, allowed: everyone, element: <CorrectionsPage /> },
  { path: '/sharing/requests', title: 'page.shareRequests', group: 'work', icon: <SendOutlined />, allowed: canSeeSharing, element: <ShareRequestsPage /> },
  { path: '/sharing/requests/new', title: 'page.shareRequestNew', group: 'work', icon: <FileAddOutlined />, allowed: canRequestShare, element: <ShareRequestWizardPage /> },
  { path: '/sharing/requests/:id', menu: false, parent: '/sharing/requests', title: 'page.shareRequest', group: 'work', icon: <SendOutlined />, allowed: canSeeSharing, element: <ShareRequestPage /> },
  { path: '/sharing/inbox', title: 'page.shareInbox', group: 'work', icon: <InboxOutlined />, allowed: (me) => me.org.roles.includes('institution'), element: <ShareInboxPage /> },
  { path: '/sharing/grants', title: 'page.shareGrants', group: 'work', icon: <KeyOutlined />, allowed: canSeeSharing, element: <ShareGrantsPage /> },
  { path: '/sharing/use-requests', title: 'page.useRequests', group: 'work', icon: <NodeExpandOutlined />, allowed: (me) => me.org.roles.includes('institution'), element: <UseRequestsPage /> },
  { path: '/sharing/extensions', title: 'page.shareExtensions', group: 'work', icon: <FieldTimeOutlined />, allowed: (me) => me.org.roles.includes('sharing_authority') || me.org.roles.includes('platform_admin'), element: <ShareExtensionsPage /> },
  { path: '/sharing/disputes', title: 'page.disputes', group: 'work', icon: <FlagOutlined />, allowed: (me) => canSeeSharing(me) || me.org.roles.includes('platform_admin'), element: <DisputesPage /> },
  { path: '/opening/applications', title: 'page.openingApplications', group: 'work', icon: <GlobalOutlined />, allowed: canSeeOpenApplications, element: <ProviderApplicationsPage /> },
  { path: '/opening/demands', title: 'page.openingDemands', group: 'work', icon: <GlobalOutlined />, allowed: (me) => me.org.roles.includes('sharing_authority') || me.org.roles.includes('data_authority'), element: <DemandAnswersPage /> },
  { path: '/sandbox', title: 'page.sandbox', group: 'work', icon: <CodeOutlined />, allowed: canUseSandbox, element: <SandboxPage /> },
  { path: '/sandbox/releases', title: 'page.sandboxReleases', group: 'work', icon: <ExportOutlined />, allowed: canReviewReleases, element: <SandboxReleasesPage /> },
  { path: '/reflow', title: 'page.reflow', group: 'work', icon: <RetweetOutlined />, allowed: canSeeReflow, element: <ReflowPage /> },
  { path: '/quality', title: 'page.quality', group: 'oversight', icon: <LineChartOutlined />, allowed: everyone, element: <QualityPage /> },
  { path: '/quality/orgs/:orgId', menu: false, parent: '/quality', title: 'page.qualityOrg', group: 'oversight', icon: <LineChartOutlined />, allowed: everyone, element: <OrgQualityPage /> },
  { path: '/audit', title: 'page.audit', group: 'oversight', icon: <AuditOutlined />, allowed: canViewAudit, element: <AuditPage /> },
  { path: '/api-keys', title: 'page.apiKeys', group: 'org', icon: <ApiOutlined />, allowed: canManageApiKeys, element: <ApiKeysPage /> },
  { path: '/jurisdiction', title: 'page.jurisdiction', group: 'rules', icon: <FileProtectOutlined />, allowed: everyone, element: <JurisdictionPage /> },
];

export const groupTitle: Record<MenuGroup, MessageKey> = {
  work: 'menu.group.work',
  catalog: 'menu.group.catalog',
  admin: 'menu.group.admin',
  oversight: 'menu.group.oversight',
  org: 'menu.group.org',
  rules: 'menu.group.rules',
};

/** The route a location belongs to (its pattern matches, then the longest prefix). */
export function routeFor(pathname: string): AppRoute | undefined {
  const exact = appRoutes.find((r) => matchPath(r.path, pathname));
  if (exact) return exact;
  return [...appRoutes]
    .filter((r) => r.path !== '/' && !r.path.includes(':') && pathname.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** The menu entry a location highlights: its own, or for a page outside the menu its group's first. */
export function menuKeyFor(pathname: string): string | undefined {
  const route = routeFor(pathname);
  if (!route) return undefined;
  if (route.menu !== false) return route.path;
  return route.parent ?? appRoutes.find((r) => r.group === route.group && r.menu !== false)?.path;
}
