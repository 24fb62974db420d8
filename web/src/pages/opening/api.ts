/** Typed calls of the open data portal API (src/modules/opening): no login needed, a 401 is an answer. */
import { request } from '../../api/client';

export type OpenAttr = 'unconditional' | 'conditional' | 'none';
export type OpenSort = 'relevance' | 'newest' | 'popular' | 'updated';
export const OPEN_SORTS: readonly OpenSort[] = ['relevance', 'newest', 'popular', 'updated'];
export type DownloadFormat = 'csv' | 'xlsx' | 'json';
export const DOWNLOAD_FORMATS: readonly DownloadFormat[] = ['csv', 'xlsx', 'json'];

export interface Facet {
  value: string;
  label: string;
  count: number;
}

export interface OpenEntrySummary {
  id: string;
  code: string;
  name: string;
  summary: string | null;
  provider: { id: string; name: string };
  openAttr: OpenAttr;
  domain: string | null;
  updateFrequency: string | null;
  publishedAt: string | null;
  /** The last load of data. */
  updatedAt: string | null;
  rows: number | null;
  fieldCount: number;
  qualityScore: number | null;
  downloads: number;
  apiCalls: number;
  downloadable: boolean;
}

export interface OpenFacets {
  provider: Facet[];
  domain: Facet[];
  openAttr: Facet[];
  updateFrequency: Facet[];
}

export interface OpenEntryList {
  items: OpenEntrySummary[];
  total: number;
  facets: OpenFacets;
}

export interface OpenEntryQuery {
  q?: string;
  provider?: string;
  domain?: string;
  openAttr?: string;
  updateFrequency?: string;
  format?: string;
  sort?: OpenSort;
  limit?: number;
  offset?: number;
}

export interface OpenField {
  name: string;
  label: string;
  type: string;
  description: string | null;
  piiKind: string | null;
  /** The gate's treatment code (`pseudonymise`, `generalise:<how>`) or a word (不开放); null: served as it is. */
  treatment?: string | null;
  /** The treatment in words, when the server gives it. */
  treatmentLabel?: string | null;
  /** False when the column is not in the open data. */
  open?: boolean;
}

export type GateStatus = 'not_needed' | 'passed' | 'failed' | 'pending';

export interface OpenEntryDetail extends OpenEntrySummary {
  description: string | null;
  /** 开放条件 as the catalog records them (e.g. `{ conditions, useRequirements }`). */
  openConditions: string | Record<string, unknown> | null;
  basis: string | null;
  usageConditions?: string | null;
  fields: OpenField[];
  preview: { columns: string[]; rows: Record<string, unknown>[] } | null;
  history: Array<{ versionNo: number; loadedAt: string; rows: number; live?: boolean }>;
  /** Scores 0–100. */
  quality: { score: number | null; at?: string; versionNo?: number; dimensions: Record<string, number | null> } | null;
  usage: { downloads: number; apiCalls: number; byMonth: Array<{ month: string; downloads: number; apiCalls: number }> };
  notDownloadableReason: string | null;
  gate: { status: GateStatus; checkedAt: string | null; k: number | null; reason: string | null } | null;
  links: { dcat: string; ckan: string; page?: string; api?: string; downloads?: Record<DownloadFormat, string> | null; apply?: string | null };
}

export interface OpenStats {
  datasets: number;
  providers: number;
  rows: number;
  downloads: number;
  apiCalls: number;
  featured: OpenEntrySummary[];
  newest: OpenEntrySummary[];
  popular: OpenEntrySummary[];
  domains: Facet[];
}

export interface OpenReportProvider {
  id: string;
  name: string;
  datasets: number;
  unconditional: number;
  conditional: number;
  downloads: number;
  apiCalls: number;
}

export interface OpenReportDataset {
  id: string;
  code: string;
  name: string;
  provider: { id: string; name: string };
  openAttr: OpenAttr;
  domain: string | null;
  downloads: number;
  apiCalls: number;
}

/** 有条件开放申请 of the year (000 第二十条). onTimeRate: a share in [0, 1], null when none was timed. */
export interface ApplicationFigures {
  year: number;
  total: number;
  byStatus: { pending: number; approved: number; refused: number };
  answered: number;
  onTimeRate: number | null;
}

/** 开放需求 proposed in the year (000 第十八条). */
export interface DemandFigures {
  year: number;
  total: number;
  byStatus: { open: number; planned: number; opened: number; refused: number };
  answered: number;
  supports: number;
}

/** The province-wide open data report of a year. */
export interface OpenReport {
  year: number;
  generatedAt: string;
  totals: { datasets: number; unconditional: number; conditional: number; openedInYear: number; providers: number; downloads: number; apiCalls: number };
  byMonth: Array<{ month: string; downloads: number; apiCalls: number }>;
  providers: OpenReportProvider[];
  datasets: OpenReportDataset[];
  applications?: ApplicationFigures | null;
  demands?: DemandFigures | null;
}

const NO_REDIRECT = { redirectOn401: false } as const;

export const openApi = {
  entries: (q: OpenEntryQuery) =>
    request<OpenEntryList>('GET', '/api/v1/open/entries', { ...NO_REDIRECT, query: { ...q } }),
  entry: (code: string) => request<OpenEntryDetail>('GET', `/api/v1/open/entries/${encodeURIComponent(code)}`, NO_REDIRECT),
  stats: () => request<OpenStats>('GET', '/api/v1/open/stats', NO_REDIRECT),
  report: (year?: number) => request<OpenReport>('GET', '/api/v1/open/report', { ...NO_REDIRECT, query: { year } }),
};

/** Where a download is served: a plain link, so the browser saves it and crawlers see it. */
/** The download route of an open dataset, without its query. */
export const openDownloadPath = (code: string): string => `/api/v1/open/entries/${encodeURIComponent(code)}/download`;

export function downloadUrl(code: string, format: DownloadFormat): string {
  return `${openDownloadPath(code)}?format=${format}`;
}

/** The open data API of an entry (rows), as the snippet shows it. */
export function rowsUrl(code: string): string {
  return `/api/v1/open/entries/${encodeURIComponent(code)}/rows`;
}
