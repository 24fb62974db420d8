/** Kysely table types of open-data demand collection (migrations/0021). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** `open`: awaiting the authority's answer; the others are its answers. */
export type DemandStatus = 'open' | 'planned' | 'opened' | 'refused';

export interface OpenDemandsTable {
  id: string;
  title: string;
  description: string;
  provider_org_id: string | null;
  scenario: string;
  contact: string | null;
  created_by: string;
  proposer_org_id: string;
  status: DemandStatus;
  reply: string | null;
  reply_basis: string | null;
  entry_id: string | null;
  answered_by: string | null;
  answered_org_id: string | null;
  answered_at: Timestamp | null;
  support_count: Generated<number>;
  created_at: Timestamp;
}

export interface OpenDemandSupportsTable {
  demand_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface OpenDemandTables {
  open_demands: OpenDemandsTable;
  open_demand_supports: OpenDemandSupportsTable;
}
