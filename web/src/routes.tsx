/** Every signed-in page: its path, menu entry, heading key and who may open it. */
import type { ReactNode } from 'react';
import {
  ApiOutlined,
  AuditOutlined,
  BankOutlined,
  CalendarOutlined,
  DesktopOutlined,
  FileProtectOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { Me } from './api/types';
import type { MessageKey } from './i18n';
import { canManageApiKeys, canManageUsers, canViewAudit, isPlatformAdmin } from './lib/roles';
import { WorkbenchPage } from './pages/workbench/WorkbenchPage';
import { OrgsPage } from './pages/orgs/OrgsPage';
import { UsersPage } from './pages/users/UsersPage';
import { CalendarPage } from './pages/calendar/CalendarPage';
import { AuditPage } from './pages/audit/AuditPage';
import { ApiKeysPage } from './pages/apiKeys/ApiKeysPage';
import { JurisdictionPage } from './pages/jurisdiction/JurisdictionPage';

export type MenuGroup = 'work' | 'admin' | 'oversight' | 'org' | 'rules';

export interface AppRoute {
  path: string;
  title: MessageKey;
  group: MenuGroup;
  icon: ReactNode;
  allowed: (me: Me) => boolean;
  element: ReactNode;
}

const everyone = () => true;

export const appRoutes: readonly AppRoute[] = [
  { path: '/', title: 'page.workbench', group: 'work', icon: <DesktopOutlined />, allowed: everyone, element: <WorkbenchPage /> },
  { path: '/admin/orgs', title: 'page.orgs', group: 'admin', icon: <BankOutlined />, allowed: isPlatformAdmin, element: <OrgsPage /> },
  { path: '/admin/users', title: 'page.users', group: 'admin', icon: <TeamOutlined />, allowed: canManageUsers, element: <UsersPage /> },
  { path: '/admin/calendar', title: 'page.calendar', group: 'admin', icon: <CalendarOutlined />, allowed: isPlatformAdmin, element: <CalendarPage /> },
  { path: '/audit', title: 'page.audit', group: 'oversight', icon: <AuditOutlined />, allowed: canViewAudit, element: <AuditPage /> },
  { path: '/api-keys', title: 'page.apiKeys', group: 'org', icon: <ApiOutlined />, allowed: canManageApiKeys, element: <ApiKeysPage /> },
  { path: '/jurisdiction', title: 'page.jurisdiction', group: 'rules', icon: <FileProtectOutlined />, allowed: everyone, element: <JurisdictionPage /> },
];

export const groupTitle: Record<MenuGroup, MessageKey> = {
  work: 'menu.group.work',
  admin: 'menu.group.admin',
  oversight: 'menu.group.oversight',
  org: 'menu.group.org',
  rules: 'menu.group.rules',
};

/** The route a location belongs to (exact match, then the longest prefix). */
export function routeFor(pathname: string): AppRoute | undefined {
  const exact = appRoutes.find((r) => r.path === pathname);
  if (exact) return exact;
  return [...appRoutes]
    .filter((r) => r.path !== '/' && pathname.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
