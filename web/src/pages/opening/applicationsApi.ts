/** Typed calls of conditional open applications (000 第二十条) and open-data demands (000 第十八条). */
import { request } from '../../api/client';
import type { ShareDuty } from '../sharing/api';

export type OpenMethod = 'api' | 'file';
export type OpenApplicationStatus = 'pending' | 'approved' | 'refused';
export const APPLICATION_STATUSES: readonly OpenApplicationStatus[] = ['pending', 'approved', 'refused'];
export type OpenExtensionStatus = 'requested' | 'consented' | 'refused' | 'moot';

export interface ExtensionVote {
  decision: 'consent' | 'refuse';
  comment: string;
  userName: string;
  orgName: string;
  at: string;
}

/** The server's OpenApplicationView (src/modules/opening/applications.service.ts). */
export interface OpenApplication {
  id: string;
  entry: { id: string; code: string; name: string | null; version: number };
  provider: { id: string; name: string };
  applicant: { orgId: string; orgName: string; kind: 'organization' | 'person'; userId: string; userName: string };
  fields: string[];
  purpose: string;
  scenario: string;
  validUntil: string;
  securityMeasures: string;
  method: OpenMethod;
  status: OpenApplicationStatus;
  decidedAt: string | null;
  reason: string | null;
  basis: string | null;
  late: boolean;
  extension: {
    status: OpenExtensionStatus;
    days: number | null;
    reason: string | null;
    requestedAt: string | null;
    decidedAt: string | null;
    approvers: Array<{ role: string; label: string; vote: ExtensionVote | null; duty: ShareDuty | null }>;
  } | null;
  grantId: string | null;
  createdAt: string;
  duty: ShareDuty | null;
  can: { decide: boolean; extend: boolean; voteAs: string | null };
}

export interface TimelineItem {
  at: string;
  action: string;
  actor: string | null;
  org: string | null;
  details: Record<string, unknown> | null;
}

export interface ApplicationInput {
  entryId: string;
  fields?: string[];
  purpose: string;
  scenario: string;
  validUntil: string;
  securityMeasures: string;
  method: OpenMethod;
}

export type DemandStatus = 'open' | 'planned' | 'opened' | 'refused';
export const DEMAND_STATUSES: readonly DemandStatus[] = ['open', 'planned', 'opened', 'refused'];

/** The server's DemandView (src/modules/opening/demands.service.ts). */
export interface OpenDemand {
  id: string;
  title: string;
  description: string;
  scenario: string;
  provider: { id: string; name: string } | null;
  proposer: string;
  contact: string | null;
  status: DemandStatus;
  reply: string | null;
  basis: string | null;
  entry: { id: string; code: string; name: string | null } | null;
  answeredBy: string | null;
  answeredAt: string | null;
  supportCount: number;
  supported: boolean;
  mine: boolean;
  createdAt: string;
}

export interface DemandInput {
  title: string;
  description: string;
  scenario: string;
  provider?: string | null;
  contact?: string | null;
}

export interface DemandAnswer {
  status: 'planned' | 'opened' | 'refused';
  reply: string;
  entryId?: string | null;
  basis?: string | null;
}

const id = encodeURIComponent;

export const applicationsApi = {
  list: (q: { role?: 'applicant' | 'provider' | 'approver'; status?: OpenApplicationStatus; limit?: number; offset?: number }) =>
    request<{ items: OpenApplication[]; total: number }>('GET', '/api/v1/open/applications', { query: q }),
  get: (appId: string) => request<OpenApplication & { timeline: TimelineItem[] }>('GET', `/api/v1/open/applications/${id(appId)}`),
  create: (body: ApplicationInput) => request<OpenApplication>('POST', '/api/v1/open/applications', { body }),
  decide: (appId: string, body: { decision: 'approve' | 'refuse'; reason?: string; basis?: string }) =>
    request<OpenApplication>('POST', `/api/v1/open/applications/${id(appId)}/decide`, { body }),
  extend: (appId: string, body: { days: number; reason: string }) => request<OpenApplication>('POST', `/api/v1/open/applications/${id(appId)}/extend`, { body }),
  extensionDecision: (appId: string, body: { decision: 'consent' | 'refuse'; comment: string }) =>
    request<OpenApplication>('POST', `/api/v1/open/applications/${id(appId)}/extension-decision`, { body }),
};

export const demandsApi = {
  list: (q: { status?: DemandStatus; q?: string; sort?: 'support' | 'newest'; limit?: number; offset?: number }) =>
    request<{ items: OpenDemand[]; total: number }>('GET', '/api/v1/open/demands', { query: q, redirectOn401: false }),
  get: (demandId: string) => request<OpenDemand>('GET', `/api/v1/open/demands/${id(demandId)}`, { redirectOn401: false }),
  propose: (body: DemandInput) => request<OpenDemand>('POST', '/api/v1/open/demands', { body }),
  support: (demandId: string) => request<OpenDemand>('POST', `/api/v1/open/demands/${id(demandId)}/support`),
  unsupport: (demandId: string) => request<OpenDemand>('DELETE', `/api/v1/open/demands/${id(demandId)}/support`),
  answer: (demandId: string, body: DemandAnswer) => request<OpenDemand>('POST', `/api/v1/open/demands/${id(demandId)}/answer`, { body }),
};
