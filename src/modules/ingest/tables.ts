/** Kysely table types of the ingest module (migrations/0006, 0008). Dataset tables themselves are dynamic. */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type LoadMode = 'replace' | 'upsert';
export type LoadFormat = 'csv' | 'ndjson' | 'xlsx';
export type LoadStatus = 'received' | 'validating' | 'committed' | 'refused' | 'failed';

export interface LoadsTable {
  id: string;
  entry_id: string;
  catalog_version: number;
  mode: LoadMode;
  format: LoadFormat;
  status: LoadStatus;
  rows_total: ColumnType<number, number | undefined, number>;
  rows_accepted: ColumnType<number, number | undefined, number>;
  rows_rejected: ColumnType<number, number | undefined, number>;
  error_rate: ColumnType<number, number | undefined, number>;
  message: string | null;
  version_no: number | null;
  by_user_id: string | null;
  by_org_id: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  /** Last heartbeat of a load in progress (null until the first one). */
  seen_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface LoadErrorsTable {
  load_id: string;
  n: number;
  line: number;
  field: string;
  value: string | null;
  reason: string;
}

export interface DatasetVersionsTable {
  entry_id: string;
  version_no: number;
  table_name: string;
  load_id: string;
  rows: number;
  created_at: Timestamp;
  live: boolean;
  dropped_at: Timestamp | null;
}

export interface IngestTables {
  loads: LoadsTable;
  load_errors: LoadErrorsTable;
  dataset_versions: DatasetVersionsTable;
}
