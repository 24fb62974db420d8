/** Kysely table types of the scheduled pull (migrations/0010). */
import type { ColumnType } from 'kysely';
import type { LoadMode } from './tables.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type PullFormat = 'csv' | 'ndjson' | 'xlsx';
export type PullRunStatus = 'running' | 'committed' | 'unchanged' | 'refused' | 'failed';
export type PullTrigger = 'schedule' | 'manual';

export interface IngestPullSourcesTable {
  id: string;
  entry_id: string;
  url: string;
  format: PullFormat;
  mode: LoadMode;
  headers_enc: string | null;
  header_names: ColumnType<string[], string, string>;
  schedule_kind: 'frequency' | 'interval';
  interval_minutes: number | null;
  hour: number;
  active: boolean;
  next_run_at: Timestamp | null;
  running_since: Timestamp | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  revision: ColumnType<number, number | undefined, number>;
  last_run_id: string | null;
  last_status: PullRunStatus | null;
  last_message: string | null;
  last_load_id: string | null;
  last_run_at: Timestamp | null;
  etag: string | null;
  last_modified: string | null;
  registered_by: string;
  provider_org_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IngestPullRunsTable {
  id: string;
  source_id: string;
  entry_id: string;
  trigger: PullTrigger;
  status: PullRunStatus;
  url: string;
  http_status: number | null;
  message: string | null;
  load_id: string | null;
  version_no: number | null;
  bytes: number | null;
  by_user_id: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export type PullTables = {
  ingest_pull_sources: IngestPullSourcesTable;
  ingest_pull_runs: IngestPullRunsTable;
};
