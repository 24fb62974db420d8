/** Kysely table types of the quality module (migrations/0007). */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: objects in, objects out (written as JSON text). */
type Json<T> = ColumnType<T, string, string>;

export type CorrectionStatus = 'open' | 'corrected' | 'not_wrong';

export interface QualityCorrectionsTable {
  id: string;
  entry_id: string;
  provider_org_id: string;
  reporter_org_id: string;
  reporter_user_id: string;
  row_key: Json<Record<string, string | number | boolean | null> | null> | null;
  line: number | null;
  field: string | null;
  reported_value: string | null;
  expected_value: string | null;
  description: string;
  status: CorrectionStatus;
  reason: string | null;
  load_id: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
  created_at: Timestamp;
}

export interface QualityScoresTable {
  id: string;
  entry_id: string;
  load_id: string;
  version_no: number;
  table_name: string;
  at: Timestamp;
  rows_total: number;
  completeness: number | null;
  validity: number | null;
  uniqueness: number | null;
  consistency: number | null;
  timeliness: number | null;
  overall: number | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface QualityReferencesTable {
  kind: string;
  entry_id: string;
  field: string;
  updated_at: Timestamp;
}

export interface QualityTables {
  quality_corrections: QualityCorrectionsTable;
  quality_scores: QualityScoresTable;
  quality_references: QualityReferencesTable;
}
