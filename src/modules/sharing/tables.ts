/** Kysely table types of the sharing module (migrations/0013, 0016). */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: objects in, objects out (written as JSON text). */
type Json<T> = ColumnType<T, string, string>;

/** `sandbox`: analysed inside the platform under column policies, never handed out (migrations/0022). */
export type ShareMethod = 'api' | 'batch' | 'file' | 'sandbox';
export type ShareRequestStatus = 'awaiting_signature' | 'pending' | 'approved' | 'refused';
/** How a request reached its outcome: on signature by the entry's attribute, by the provider's instant conditions, or by its decision. */
export type ShareOutcome = 'automatic' | 'instant_conditions' | 'decision' | 'not_shared';
/** `moot`: the provider answered before the approver decided on the extension. */
export type ExtensionStatus = 'requested' | 'consented' | 'refused' | 'moot';
export type GrantStatus = 'active' | 'suspended' | 'revoked' | 'expired';

export interface ShareRequestsTable {
  id: string;
  entry_id: string;
  entry_version: number;
  provider_org_id: string;
  requester_org_id: string;
  created_by: string;
  fields: string[];
  basis: string;
  scenario: string;
  scope: string;
  method: ShareMethod;
  /** `date`: read as YYYY-MM-DD text (the db layer keeps dates as strings). */
  valid_until: string;
  status: ShareRequestStatus;
  share_attr: 'unconditional' | 'conditional' | 'none' | null;
  outcome: ShareOutcome | null;
  signed_by: string | null;
  signed_at: Timestamp | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  reason: string | null;
  refusal_basis: string | null;
  extension_status: ExtensionStatus | null;
  extension_days: number | null;
  extension_reason: string | null;
  extension_requested_by: string | null;
  extension_requested_at: Timestamp | null;
  extension_decided_by: string | null;
  extension_decided_at: Timestamp | null;
  extension_comment: string | null;
  grant_id: string | null;
  created_at: Timestamp;
  /** A sandbox request's column policies: proposed (the defaults) until approved, then as granted (migrations/0022). */
  column_policies: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
}

export interface ShareInstantConditionsTable {
  entry_id: string;
  provider_org_id: string;
  requester_org_ids: string[];
  requester_org_roles: string[];
  fields: string[] | null;
  updated_by: string;
  updated_at: Timestamp;
}

export interface GrantsTable {
  id: string;
  subject_org_id: string;
  provider_org_id: string;
  entry_id: string;
  fields: string[];
  row_filter: Json<Record<string, unknown> | null> | null;
  purpose: string;
  methods: string[];
  valid_from: Timestamp;
  valid_until: Timestamp;
  source_case_type: string;
  source_case_id: string;
  status: GrantStatus;
  status_reason: string | null;
  status_changed_by: string | null;
  status_changed_at: Timestamp | null;
  created_at: Timestamp;
  /** The personal-information fields released in clear (migrations/0014); the others leave masked. */
  clear_fields: ColumnType<string[], string[] | undefined, string[]>;
  /** How each masked field leaves, `{ field: spec }` (privacy/masking.ts; migrations/0023); unlisted fields take their kind's default. */
  mask_strategies: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  /** A sandbox grant's settings (migrations/0022): column policies, group threshold, differential privacy, release approval. */
  column_policies: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  min_group_size: ColumnType<number | null, number | null | undefined, number | null>;
  /** numeric: text on PostgreSQL (read with Number()). */
  dp_epsilon_budget: ColumnType<string | number | null, number | null | undefined, number | null>;
  dp_epsilon_per_query: ColumnType<string | number | null, number | null | undefined, number | null>;
  dp_bounds: ColumnType<Record<string, [number, number]> | null, string | null | undefined, string | null>;
  dp_max_rows_per_subject: ColumnType<number | null, number | null | undefined, number | null>;
  release_approval: ColumnType<boolean, boolean | undefined, boolean>;
}

export type UseRequestKind = 'widen' | 'transfer';
export type UseRequestStatus = 'pending' | 'approved' | 'refused';

/** A request to widen a grant's use or pass its data to a third org (000 第十五条; migrations/0016). */
export interface UseRequestsTable {
  id: string;
  grant_id: string;
  kind: UseRequestKind;
  requester_org_id: string;
  provider_org_id: string;
  created_by: string;
  purpose: string;
  scope: string;
  fields: string[] | null;
  /** `date`, YYYY-MM-DD text. */
  valid_until: string | null;
  third_org_id: string | null;
  reason: string;
  status: UseRequestStatus;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  refusal_basis: string | null;
  new_grant_id: string | null;
  created_at: Timestamp;
}

export type DisputeStatus = 'negotiation' | 'coordination' | 'decision' | 'resolved' | 'decided';
export type DisputeRoute = 'same_level' | 'cross_level' | 'cross_region';
export type DisputeCaseType = 'share_request' | 'grant';

/** A sharing dispute (000 第十六条; migrations/0016). */
export interface DisputesTable {
  id: string;
  case_type: DisputeCaseType;
  case_id: string;
  claimant_org_id: string;
  respondent_org_id: string;
  created_by: string;
  subject: string;
  claim: string;
  route: DisputeRoute;
  level_region_code: string;
  authority_org_id: string;
  status: DisputeStatus;
  created_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface DisputeStepsTable {
  id: string;
  dispute_id: string;
  seq: number;
  action: 'open' | 'resolve' | 'escalate' | 'decide';
  from_status: DisputeStatus | null;
  to_status: DisputeStatus;
  actor_user_id: string;
  actor_org_id: string;
  outcome: string;
  text: string;
  at: Timestamp;
}

export interface SharingTables {
  share_requests: ShareRequestsTable;
  share_instant_conditions: ShareInstantConditionsTable;
  grants: GrantsTable;
  use_requests: UseRequestsTable;
  disputes: DisputesTable;
  dispute_steps: DisputeStepsTable;
}
