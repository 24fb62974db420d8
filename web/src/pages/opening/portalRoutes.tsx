/**
 * The public open data portal's pages: rendered by App.tsx inside PortalLayout, outside the sign-in
 * guard. `title` is the page's default heading key (the page may refine document.title); `description`
 * its default meta description.
 */
import type { ReactNode } from 'react';
import type { MessageKey } from '../../i18n';
import { PortalHomePage } from './PortalHomePage';
import { DatasetsPage } from './DatasetsPage';
import { ApplyPage } from './ApplyPage';
import { DemandsPage } from './DemandsPage';
import { lazyPage } from '../../lib/lazyPage';

// The pages that draw charts are fetched on first visit, with ECharts: the portal's home and lists
// do not download it.
const DatasetPage = lazyPage(() => import('./DatasetPage'), 'DatasetPage');
const OpenReportPage = lazyPage(() => import('./OpenReportPage'), 'OpenReportPage');
const MyApplicationsPage = lazyPage(() => import('./MyApplicationsPage'), 'MyApplicationsPage');

export interface PortalRoute {
  path: string;
  element: ReactNode;
  title: MessageKey;
  description?: MessageKey;
}

export const portalRoutes: PortalRoute[] = [
  { path: '/open', element: <PortalHomePage />, title: 'page.openHome', description: 'portal.meta.home' },
  { path: '/open/datasets', element: <DatasetsPage />, title: 'page.openDatasets', description: 'portal.meta.datasets' },
  { path: '/open/datasets/:code', element: <DatasetPage />, title: 'page.openDataset', description: 'portal.meta.datasets' },
  { path: '/open/report', element: <OpenReportPage />, title: 'page.openReport', description: 'portal.meta.report' },
  { path: '/open/datasets/:code/apply', element: <ApplyPage />, title: 'page.openApply' },
  { path: '/open/applications', element: <MyApplicationsPage />, title: 'page.openMyApplications' },
  { path: '/open/demands', element: <DemandsPage />, title: 'page.openDemands', description: 'od.meta' },
];
