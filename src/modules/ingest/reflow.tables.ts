/** Kysely table types of reflow (数据回流, migrations/0012). */
import type { ColumnType } from 'kysely';
import type { RegionCarrier } from './reflow.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type ReflowStatus = 'active' | 'cancelled';

export interface ReflowSubscriptionsTable {
  id: string;
  entry_id: string;
  provider_org_id: string;
  subscriber_org_id: string;
  region_field: string;
  region_field_label: string;
  carrier: RegionCarrier;
  region_code: string;
  status: ReflowStatus;
  created_by: string | null;
  created_by_org_id: string;
  created_at: Timestamp;
  cancelled_by: string | null;
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
}

export interface ReflowDeliveriesTable {
  id: string;
  subscription_id: string;
  entry_id: string;
  load_id: string;
  version_no: number;
  rows_delivered: number;
  problem: string | null;
  at: Timestamp;
}

export interface ReflowTables {
  reflow_subscriptions: ReflowSubscriptionsTable;
  reflow_deliveries: ReflowDeliveriesTable;
}
