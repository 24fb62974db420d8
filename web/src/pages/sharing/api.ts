/** Typed calls of the sharing API (src/modules/sharing/routes.ts): share requests, instant-share conditions, grants. */
import { request } from '../../api/client';

export type ShareMethod = 'api' | 'batch' | 'file';
export const SHARE_METHODS: readonly ShareMethod[] = ['api', 'batch', 'file'];
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
  list: (q: { role: 'requester' | 'provider'; status?: ShareRequestStatus }) => request<{ items: ShareRequest[] }>('GET', '/api/v1/sharing/requests', { query: q }),
  get: (requestId: string) => request<ShareRequest>('GET', `/api/v1/sharing/requests/${id(requestId)}`),
  create: (body: ShareRequestInput) => request<ShareRequest>('POST', '/api/v1/sharing/requests', { body }),
  sign: (requestId: string) => request<ShareRequest>('POST', `/api/v1/sharing/requests/${id(requestId)}/sign`),
  decide: (requestId: string, body: { decision: 'approve' | 'refuse'; reason?: string; basis?: string }) =>
    request<ShareRequest>('POST', `/api/v1/sharing/requests/${id(requestId)}/decide`, { body }),
  /** The provider applies (days, reason); the sharing authority consents (possibly fewer days) or refuses. */
  extend: (requestId: string, body: { days: number; reason: string; decision?: 'consent' | 'refuse' }) =>
    request<ShareRequest>('POST', `/api/v1/sharing/requests/${id(requestId)}/extend`, { body }),
  instantConditions: (entryId: string) => request<InstantConditions>('GET', '/api/v1/sharing/instant-conditions', { query: { entryId } }),
  setInstantConditions: (body: { entryId: string; requesterOrgIds?: string[]; requesterOrgRoles?: string[]; fields?: string[] | null }) =>
    request<InstantConditions>('POST', '/api/v1/sharing/instant-conditions', { body }),
  grants: (role?: 'subject' | 'provider') => request<{ items: Grant[] }>('GET', '/api/v1/grants', { query: { role } }),
  grant: (grantId: string) => request<Grant>('GET', `/api/v1/grants/${id(grantId)}`),
  keys: (grantId: string) => request<{ items: GrantKey[] }>('GET', `/api/v1/grants/${id(grantId)}/keys`),
  createKey: (grantId: string, name: string) => request<GrantKey & { key: string; entryCode: string }>('POST', `/api/v1/grants/${id(grantId)}/keys`, { body: { name } }),
  revokeKey: (grantId: string, keyId: string) => request<unknown>('DELETE', `/api/v1/grants/${id(grantId)}/keys/${id(keyId)}`),
  usage: (grantId: string) => request<GrantUsage>('GET', `/api/v1/grants/${id(grantId)}/usage`),
  changeGrant: (grantId: string, event: 'suspend' | 'resume' | 'revoke', reason: string) =>
    request<Grant>('POST', `/api/v1/grants/${id(grantId)}/${event}`, { body: { reason } }),
};
