/** Kysely table types of the delivery module (migrations/0014). */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type DeliveryMethod = 'api' | 'batch' | 'file';
export type DeliveryFormat = 'json' | 'ndjson' | 'csv';

export interface DeliveryUsageTable {
  id: string;
  at: Timestamp;
  grant_id: string;
  subject_org_id: string;
  provider_org_id: string;
  entry_id: string;
  api_key_id: string | null;
  user_id: string | null;
  method: DeliveryMethod;
  format: DeliveryFormat;
  version_no: number;
  rows: number;
  /** bigint: read back as a number (db.ts). */
  bytes: number;
}

export interface DeliveryTables {
  delivery_usage: DeliveryUsageTable;
}
