/** Kysely table types of the sandbox (migrations/0022): the queries put to it and the ε ledger. */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: values in as JSON text, out as parsed values. */
type Json<T> = ColumnType<T, string, string>;
/** numeric: read back as text (exact), written as a number or decimal text. */
type Numeric = ColumnType<string, number | string | undefined, number | string>;

export type SandboxDecision = 'accepted' | 'rejected';
/** 出域审查: null until asked. */
export type ReleaseStatus = 'pending_approval' | 'released' | 'refused' | 'blocked';

/** One output column as recorded. */
export interface RecordedColumn {
  name: string;
  kind: 'plain' | 'group_key' | 'aggregate';
  aggregate?: string;
  /** A number computed over the group (OutputColumn's `numeric`): the release scan skips its numbers. */
  numeric?: boolean;
}

/** One finding of the identifier scan at release. */
export interface ScanFinding {
  column: string;
  kind: string;
  count: number;
}

export interface SandboxQueriesTable {
  id: string;
  org_id: string;
  user_id: string;
  sql: string;
  decision: SandboxDecision;
  violation: Json<{ rule: string; column: string | null; message: string } | null> | null;
  grant_ids: ColumnType<string[], string[] | undefined, string[]>;
  entry_ids: ColumnType<string[], string[] | undefined, string[]>;
  executed_sql: string | null;
  columns: Json<RecordedColumn[] | null> | null;
  rows: Json<unknown[][] | null> | null;
  row_count: number | null;
  truncated: ColumnType<boolean, boolean | undefined, boolean>;
  suppressed_groups: ColumnType<number, number | undefined, number>;
  epsilon_spent: Numeric;
  output_hash: string | null;
  duration_ms: number | null;
  release_status: ReleaseStatus | null;
  release_scan: Json<ScanFinding[] | null> | null;
  release_requested_by: string | null;
  release_requested_at: Timestamp | null;
  release_decided_by: string | null;
  release_decided_at: Timestamp | null;
  release_reason: string | null;
  created_at: Timestamp;
}

export interface SandboxEpsilonLedgerTable {
  grant_id: string;
  entry_id: string;
  query_id: string;
  epsilon: ColumnType<string, number | string, number | string>;
  created_at: Timestamp;
}

export interface SandboxTables {
  sandbox_queries: SandboxQueriesTable;
  sandbox_epsilon_ledger: SandboxEpsilonLedgerTable;
}
