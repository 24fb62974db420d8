/** Kysely table types of batch export (migrations/0015). */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: objects in, objects out (written as JSON text). */
type Json<T> = ColumnType<T, string, string>;

export type ExportMethod = 'batch' | 'file';
export type ExportFormat = 'csv' | 'ndjson';
export type ExportStatus = 'queued' | 'running' | 'ready' | 'failed';

export interface DeliveryExportsTable {
  id: string;
  grant_id: string;
  subject_org_id: string;
  provider_org_id: string;
  entry_id: string;
  requested_by: string | null;
  method: ExportMethod;
  format: ExportFormat;
  filters: Json<Record<string, string> | null> | null;
  status: ExportStatus;
  version_no: number | null;
  fields: string[];
  masked: string[];
  rows_total: number | null;
  rows_done: number;
  canaries: number;
  /** bigint: read back as a number (db.ts). */
  bytes: number;
  file_name: string | null;
  error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  expires_at: Timestamp | null;
}

export interface DeliveryExportCanariesTable {
  export_id: string;
  ordinal: number;
  /** The canary follows this many real rows of the file. */
  position: number;
  fingerprint: string;
}

export interface ExportTables {
  delivery_exports: DeliveryExportsTable;
  delivery_export_canaries: DeliveryExportCanariesTable;
}
