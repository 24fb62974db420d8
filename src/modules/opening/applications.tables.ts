/** Kysely table types of conditional open applications (migrations/0021). */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: objects in, objects out (written as JSON text). */
type Json<T> = ColumnType<T, string | undefined, string>;

export type OpenMethod = 'api' | 'file';
export type OpenApplicationStatus = 'pending' | 'approved' | 'refused';
/** `moot`: the provider answered before every approver had decided on the extension. */
export type OpenExtensionStatus = 'requested' | 'consented' | 'refused' | 'moot';

/** One approver's vote on an extension application. */
export interface ExtensionVote {
  decision: 'consent' | 'refuse';
  comment: string;
  userId: string;
  userName: string;
  orgId: string;
  orgName: string;
  at: string;
}

/** Votes by the approver's org role (e.g. `sharing_authority`, `platform_admin`). */
export type ExtensionVotes = Record<string, ExtensionVote>;

export interface OpenApplicationsTable {
  id: string;
  entry_id: string;
  entry_version: number;
  provider_org_id: string;
  applicant_org_id: string;
  created_by: string;
  fields: string[];
  purpose: string;
  scenario: string;
  /** `date`: read as YYYY-MM-DD text. */
  valid_until: string;
  security_measures: string;
  method: OpenMethod;
  status: OpenApplicationStatus;
  decided_by: string | null;
  decided_at: Timestamp | null;
  reason: string | null;
  decision_basis: string | null;
  extension_status: OpenExtensionStatus | null;
  extension_days: number | null;
  extension_reason: string | null;
  extension_requested_by: string | null;
  extension_requested_at: Timestamp | null;
  extension_votes: Json<ExtensionVotes>;
  extension_decided_at: Timestamp | null;
  grant_id: string | null;
  created_at: Timestamp;
}

export interface OpenApplicationTables {
  open_applications: OpenApplicationsTable;
}
