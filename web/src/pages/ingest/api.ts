/** Typed calls of the ingest API (src/modules/ingest/routes.ts): loads, their reports, dataset versions. */
import { ApiError, request, uploadFile } from '../../api/client';

export type LoadStatus = 'received' | 'validating' | 'committed' | 'refused' | 'failed';
export type LoadMode = 'replace' | 'upsert';

/** One rejected value of a load: its line in the file (header = 1), field, masked value and reason. */
export interface LoadError {
  line: number;
  field: string;
  value: string | null;
  reason: string;
}

export interface LoadReport {
  id: string;
  entryId: string;
  status: LoadStatus;
  mode: LoadMode;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Rejected rows over all rows, 0–1. */
  errorRate: number;
  /** The share of rejected rows above which a load is refused whole. */
  errorThreshold: number;
  versionNo: number | null;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
  errors: LoadError[];
}

export interface DatasetVersion {
  versionNo: number;
  loadId: string;
  rows: number;
  live: boolean;
  createdAt: string;
}

/** One load in an entry's history (its full report: `report(id)`). */
export interface LoadSummary {
  id: string;
  status: LoadStatus;
  mode: LoadMode;
  format: string;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  errorRate: number;
  versionNo: number | null;
  message: string | null;
  by: { userId: string | null; userName: string | null };
  startedAt: string;
  finishedAt: string | null;
}

export interface VersionRows {
  versionNo: number;
  total: number;
  rows: Array<Record<string, unknown>>;
}

/** The content types a load is accepted in, by file extension. */
export const LOAD_TYPES: Readonly<Record<string, string>> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The content type of a file by its extension; null when it is not a format a load takes. */
export function loadTypeOf(fileName: string): string | null {
  const ext = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return LOAD_TYPES[ext] ?? null;
}

/** The report a refused load carries in its 422 body (`error.details`), if `e` is one. */
export function refusedReport(e: unknown): LoadReport | null {
  if (!(e instanceof ApiError) || e.code !== 'IMPORT_REJECTED' || !e.details) return null;
  const d = e.details as Partial<LoadReport>;
  return typeof d.id === 'string' && typeof d.rowsTotal === 'number' && Array.isArray(d.errors) ? (d as LoadReport) : null;
}

const enc = encodeURIComponent;

export const ingestApi = {
  /** Streams `file` as the request body with the content type of its format. */
  load: (entryId: string, file: File, mode: LoadMode, type: string) =>
    uploadFile<LoadReport>(`/api/v1/catalog/entries/${enc(entryId)}/loads`, new Blob([file], { type }), { mode }),
  loads: (entryId: string, q: { limit: number; offset: number; status?: LoadStatus }) =>
    request<{ items: LoadSummary[]; total: number }>('GET', `/api/v1/catalog/entries/${enc(entryId)}/loads`, { query: q }),
  report: (loadId: string) => request<LoadReport>('GET', `/api/v1/loads/${enc(loadId)}`),
  versions: (entryId: string) => request<{ items: DatasetVersion[] }>('GET', `/api/v1/catalog/entries/${enc(entryId)}/versions`),
  rows: (entryId: string, versionNo: number, page: { limit: number; offset: number }) =>
    request<VersionRows>('GET', `/api/v1/catalog/entries/${enc(entryId)}/versions/${versionNo}/rows`, { query: page }),
};
