/** Typed calls of the sharing API (src/modules/sharing/routes.ts): share requests, instant-share conditions, grants. */
import { request } from '../../api/client';
import type { ColumnPolicy } from '../../../../src/modules/privacy/sandbox.types';

export type ShareMethod = 'api' | 'batch' | 'file' | 'sandbox';
export const SHARE_METHODS: readonly ShareMethod[] = ['api', 'batch', 'file', 'sandbox'];
export type ShareRequestStatus = 'awaiting_signature' | 'pending' | 'approved' | 'refused';
export const REQUEST_STATUSES: readonly ShareRequestStatus[] = ['awaiting_signature', 'pending', 'approved', 'refused'];
export type ShareOutcome = 'automatic' | 'instant_conditions' | 'decision' | 'not_shared';
export type ExtensionStatus = 'requested' | 'consented' | 'refused' | 'moot';
export type GrantStatus = 'active' | 'suspended' | 'revoked' | 'expired';
export const GRANT_STATUSES: readonly GrantStatus[] = ['active', 'suspended', 'revoked', 'expired'];

/** A duty on the deadline ledger as the sharing API shows it (the server's DutySummary). */
export interface ShareDuty {
  id: string;
  status: 'open' | 'met' | 'cancelled';
  startedAt: string;
  workingDays: number | null;
  dueDate: string | null;
  dueAt: string | null;
  overdue: boolean;
  remainingWorkingDays: number | null;
  ageWorkingDays: number;
  extensionCount: number;
  extendedDays: number;
  source: string;
}

export interface ShareRequest {
  id: string;
  entry: { id: string; code: string; name: string | null; version: number };
  provider: { id: string; name: string };
  requester: { orgId: string; orgName: string; userId: string; userName: string };
  fields: string[];
  basis: string;
  scenario: string;
  scope: string;
  method: ShareMethod;
  validUntil: string;
  status: ShareRequestStatus;
  shareAttr: 'unconditional' | 'conditional' | 'none' | null;
  outcome: ShareOutcome | null;
  signedAt: string | null;
  decidedAt: string | null;
  reason: string | null;
  refusalBasis: string | null;
  late: boolean;
  extension: { status: ExtensionStatus; days: number | null; reason: string | null; requestedAt: string | null; decidedAt: string | null; comment: string | null } | null;
  grantId: string | null;
  createdAt: string;
  duty: ShareDuty | null;
  provideDuty: ShareDuty | null;
  extensionDuty: ShareDuty | null;
  /** A sandbox request's column policies: the defaults until answered, then as granted; null for other methods. */
  columnPolicies: Record<string, ColumnPolicy> | null;
}

/** Differential privacy of a sandbox grant (the server's DpSettings). */
export interface SandboxDp {
  epsilonBudget: number;
  epsilonPerQuery: number;
  bounds: Record<string, [number, number]>;
  maxRowsPerSubject: number;
}

/** A sandbox grant's settings (the server's SandboxGrantView). */
export interface SandboxGrantSettings {
  columnPolicies: Record<string, ColumnPolicy>;
  minGroupSize: number | null;
  effectiveMinGroupSize: number | null;
  minGroupSizeSource: string | null;
  dp: (SandboxDp & { epsilonSpent: number | null }) | null;
  releaseApproval: boolean;
}

/** What the provider sets on a sandbox request's approval or later on the grant. */
export interface SandboxSettingsInput {
  columnPolicies?: Record<string, ColumnPolicy>;
  minGroupSize?: number | null;
  dp?: { epsilonBudget: number; epsilonPerQuery: number; bounds?: Record<string, [number, number]>; maxRowsPerSubject?: number } | null;
  releaseApproval?: boolean;
}

export interface ShareRequestInput {
  entryId: string;
  fields: string[];
  basis: string;
  scenario: string;
  scope: string;
  method: ShareMethod;
  validUntil: string;
}

export interface InstantConditions {
  entryId: string;
  requesterOrgIds: string[];
  requesterOrgRoles: string[];
  fields: string[] | null;
  updatedAt: string | null;
}

export interface Grant {
  id: string;
  entry: { id: string; code: string; name: string | null };
  provider: { id: string; name: string };
  subject: { id: string; name: string };
  fields: string[];
  rowFilter: Record<string, unknown> | null;
  purpose: string;
  methods: string[];
  validFrom: string;
  validUntil: string;
  source: { caseType: string; caseId: string };
  status: GrantStatus;
  recordedStatus: GrantStatus;
  statusReason: string | null;
  statusChangedAt: string | null;
  createdAt: string;
  /** The personal-information fields released in clear; the rest of `piiFields` leave masked. */
  clearFields: string[];
  /** The grant's fields that hold personal information. */
  piiFields: string[];
  /** The masking strategy chosen per masked field (`partial:3:4`, `pseudonym:grant`…); a field not listed takes its default. */
  masking: Record<string, string>;
  /** Each personal-information field with its type and its kind's default strategy. */
  maskDefaults: Array<{ field: string; type: string; piiKind: string; spec: string }>;
  /** A sandbox grant's column policies, threshold, differential privacy and release approval; null for other grants. */
  sandbox: SandboxGrantSettings | null;
}

/** Paging and the common filters of the sharing lists (server-side). */
export type ListQuery = {
  entryId?: string;
  counterpartOrgId?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
};
export interface PageOf<T> {
  items: T[];
  total: number;
}
export type ExtensionFilter = 'requested' | 'consented' | 'refused' | 'moot' | 'all';
export const EXTENSION_FILTERS: readonly ExtensionFilter[] = ['requested', 'consented', 'refused', 'moot', 'all'];

export type ExportFormat = 'csv' | 'ndjson';
export type ExportStatus = 'queued' | 'running' | 'ready' | 'failed';
/** A batch export of a grant's data (the server's ExportView, src/modules/delivery/export.ts). */
export interface DataExport {
  id: string;
  grantId: string;
  entry: { id: string; code: string };
  method: string;
  format: ExportFormat;
  filters: Record<string, string> | null;
  status: ExportStatus;
  progress: { done: number; total: number | null };
  rows: number;
  bytes: number;
  fields: string[];
  masked: string[];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  download: { url: string; expiresAt: string } | null;
  expired: boolean;
}

/** An API key bound to a grant (its secret only when just created). */
export interface GrantKey {
  id: string;
  name: string;
  prefix: string;
  grantId: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'revoked' | 'expired';
}

export interface GrantUsageDay {
  date: string;
  calls: number;
  rows: number;
  bytes: number;
}

export interface GrantUsage {
  totals: { calls: number; rows: number; bytes: number };
  days: GrantUsageDay[];
}

const id = encodeURIComponent;

export const sharingApi = {
  list: (q: { role: 'requester' | 'provider'; status?: ShareRequestStatus } & ListQuery) => request<PageOf<ShareRequest>>('GET', '/api/v1/sharing/requests', { query: q }),
  /** The sharing authority's extension applications (pending ones first due first). */
  extensions: (q: { status?: ExtensionFilter } & ListQuery) => request<PageOf<ShareRequest>>('GET', '/api/v1/sharing/extensions', { query: q }),
  get: (requestId: string) => request<ShareRequest>('GET', `/api/v1/sharing/requests/${id(requestId)}`),
  create: (body: ShareRequestInput) => request<ShareRequest>('POST', '/api/v1/sharing/requests', { body }),
  sign: (requestId: string) => request<ShareRequest>('POST', `/api/v1/sharing/requests/${id(requestId)}/sign`),
  decide: (requestId: string, body: { decision: 'approve' | 'refuse'; reason?: string; basis?: string; clearFields?: string[]; clearReason?: string; masking?: Record<string, string> } & SandboxSettingsInput) =>
    request<ShareRequest>('POST', `/api/v1/sharing/requests/${id(requestId)}/decide`, { body }),
  /** The provider applies (days, reason); the sharing authority consents (possibly fewer days) or refuses. */
  extend: (requestId: string, body: { days: number; reason: string; decision?: 'consent' | 'refuse' }) =>
    request<ShareRequest>('POST', `/api/v1/sharing/requests/${id(requestId)}/extend`, { body }),
  instantConditions: (entryId: string) => request<InstantConditions>('GET', '/api/v1/sharing/instant-conditions', { query: { entryId } }),
  setInstantConditions: (body: { entryId: string; requesterOrgIds?: string[]; requesterOrgRoles?: string[]; fields?: string[] | null }) =>
    request<InstantConditions>('POST', '/api/v1/sharing/instant-conditions', { body }),
  grants: (q: { role?: 'subject' | 'provider'; status?: GrantStatus } & ListQuery = {}) => request<PageOf<Grant>>('GET', '/api/v1/grants', { query: q }),
  setClearFields: (grantId: string, body: { fields: string[]; reason: string }) => request<Grant>('PUT', `/api/v1/grants/${id(grantId)}/clear-fields`, { body }),
  /** The provider replaces the masking strategies of a grant's masked fields (empty: the defaults). */
  setMasking: (grantId: string, body: { masking: Record<string, string>; reason: string }) => request<Grant>('PUT', `/api/v1/grants/${id(grantId)}/masking`, { body }),
  /** The provider changes a sandbox grant's settings (what is left out stays). */
  setSandbox: (grantId: string, body: SandboxSettingsInput & { reason: string }) => request<Grant>('PUT', `/api/v1/grants/${id(grantId)}/sandbox`, { body }),
  exports: (grantId: string) => request<{ items: DataExport[] }>('GET', '/api/v1/exports', { query: { grantId } }),
  exportOf: (exportId: string) => request<DataExport>('GET', `/api/v1/exports/${id(exportId)}`),
  createExport: (body: { grantId: string; format: ExportFormat; filters?: Record<string, string> }) => request<DataExport>('POST', '/api/v1/exports', { body }),
  grant: (grantId: string) => request<Grant>('GET', `/api/v1/grants/${id(grantId)}`),
  keys: (grantId: string) => request<{ items: GrantKey[] }>('GET', `/api/v1/grants/${id(grantId)}/keys`),
  createKey: (grantId: string, name: string) => request<GrantKey & { key: string; entryCode: string }>('POST', `/api/v1/grants/${id(grantId)}/keys`, { body: { name } }),
  revokeKey: (grantId: string, keyId: string) => request<unknown>('DELETE', `/api/v1/grants/${id(grantId)}/keys/${id(keyId)}`),
  usage: (grantId: string) => request<GrantUsage>('GET', `/api/v1/grants/${id(grantId)}/usage`),
  changeGrant: (grantId: string, event: 'suspend' | 'resume' | 'revoke', reason: string) =>
    request<Grant>('POST', `/api/v1/grants/${id(grantId)}/${event}`, { body: { reason } }),
};

// ── Use limits (000 第十五条) and disputes (000 第十六条) ──

export type UseRequestKind = 'widen' | 'transfer';
export type UseRequestStatus = 'pending' | 'approved' | 'refused';
export const USE_REQUEST_STATUSES: readonly UseRequestStatus[] = ['pending', 'approved', 'refused'];

/** A request to widen a grant's use or pass its data to a third org (the server's UseRequestView). */
export interface UseRequest {
  id: string;
  grant: { id: string; entry: { id: string; code: string; name: string | null } };
  kind: UseRequestKind;
  requester: { orgId: string; orgName: string; userId: string; userName: string };
  provider: { id: string; name: string };
  thirdOrg: { id: string; name: string } | null;
  purpose: string;
  scope: string;
  fields: string[] | null;
  validUntil: string | null;
  reason: string;
  status: UseRequestStatus;
  decidedAt: string | null;
  decisionReason: string | null;
  refusalBasis: string | null;
  newGrantId: string | null;
  createdAt: string;
  late: boolean;
  duty: ShareDuty | null;
}

export interface UseRequestInput {
  kind: UseRequestKind;
  purpose: string;
  scope: string;
  fields?: string[];
  validUntil?: string;
  thirdOrgId?: string;
  reason: string;
}

export type DisputeStatus = 'negotiation' | 'coordination' | 'decision' | 'resolved' | 'decided';
export type DisputeRoute = 'same_level' | 'cross_level' | 'cross_region';
export type DisputeAction = 'resolve' | 'escalate' | 'decide';

export interface DisputeStep {
  seq: number;
  action: DisputeAction | 'open';
  from: DisputeStatus | null;
  to: DisputeStatus;
  actor: { userId: string; userName: string; orgId: string; orgName: string };
  outcome: string;
  text: string;
  at: string;
}

/** A sharing dispute with its steps; `actions` are what the caller may do now (the server's DisputeView). */
export interface Dispute {
  id: string;
  case: { type: 'share_request' | 'grant'; id: string };
  claimant: { id: string; name: string };
  respondent: { id: string; name: string };
  subject: string;
  claim: string;
  route: DisputeRoute;
  level: { code: string; name: string };
  authority: { id: string; name: string };
  government: string;
  status: DisputeStatus;
  nextActor: 'parties' | 'authority' | null;
  actions: DisputeAction[];
  createdAt: string;
  closedAt: string | null;
  steps: DisputeStep[];
}

export const useLimitApi = {
  create: (grantId: string, body: UseRequestInput) => request<UseRequest>('POST', `/api/v1/grants/${id(grantId)}/use-requests`, { body }),
  list: (q: { role: 'requester' | 'provider'; status?: UseRequestStatus } & ListQuery) => request<PageOf<UseRequest>>('GET', '/api/v1/use-requests', { query: q }),
  get: (useRequestId: string) => request<UseRequest>('GET', `/api/v1/use-requests/${id(useRequestId)}`),
  decide: (useRequestId: string, body: { decision: 'approve' | 'refuse'; reason?: string; basis?: string }) =>
    request<UseRequest>('POST', `/api/v1/use-requests/${id(useRequestId)}/decide`, { body }),
};

export const disputesApi = {
  open: (body: { shareRequestId?: string; grantId?: string; subject: string; claim: string }) => request<Dispute>('POST', '/api/v1/disputes', { body }),
  list: (role: 'party' | 'authority' | 'all', q: { status?: string; counterpartOrgId?: string; from?: string; to?: string; limit?: number; offset?: number } = {}) =>
    request<PageOf<Dispute>>('GET', '/api/v1/disputes', { query: { role, ...q } }),
  get: (disputeId: string) => request<Dispute>('GET', `/api/v1/disputes/${id(disputeId)}`),
  step: (disputeId: string, body: { action: DisputeAction; outcome: string; text: string }) => request<Dispute>('POST', `/api/v1/disputes/${id(disputeId)}/steps`, { body }),
};
