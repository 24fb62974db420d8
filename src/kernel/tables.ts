/** Kysely table types of the kernel's own tables (migrations/0001). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type JsonValue = ColumnType<Record<string, unknown>, string, string>;

export interface RegionsTable {
  code: string;
  name: string;
  parent_code: string | null;
  level: number;
}

export interface CalendarYearsTable {
  year: number;
  source: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CalendarDaysTable {
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface AuditEventsTable {
  seq: number;
  at: Timestamp;
  actor_user_id: string | null;
  actor_org_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  purpose: string | null;
  grant_id: string | null;
  details: JsonValue;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: Generated<boolean>;
  seq: number;
  hash: string;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: Timestamp;
  key_id: string;
  public_key: string;
  signature: string;
}

export interface DutiesTable {
  id: string;
  case_type: string;
  case_id: string;
  duty: string;
  title: string;
  owner_org_id: string;
  supervisor_org_id: string | null;
  link: string | null;
  source: string;
  started_at: Timestamp;
  working_days: number | null;
  due_date: string | null;
  due_at: Timestamp | null;
  status: Generated<'open' | 'met' | 'cancelled'>;
  met_at: Timestamp | null;
  overdue_at: Timestamp | null;
  extension_count: Generated<number>;
  extended_days: Generated<number>;
  calendar_fallback: Generated<boolean>;
}

export interface NotificationsTable {
  id: string;
  org_id: string;
  user_id: string | null;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface JobRunsTable {
  name: string;
  last_run_at: Timestamp;
  last_result: string;
}

export interface KernelTables {
  regions: RegionsTable;
  calendar_years: CalendarYearsTable;
  calendar_days: CalendarDaysTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  audit_checkpoints: AuditCheckpointsTable;
  duties: DutiesTable;
  notifications: NotificationsTable;
  job_runs: JobRunsTable;
}
