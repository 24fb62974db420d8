/** Typed calls of the collections API (src/modules/collections/routes.ts). */
import { request } from '../../api/client';

export type CollectionKind = 'base' | 'theme';

export interface CollectionMember {
  entryId: string;
  code: string;
  name: string;
  provider: { id: string; name: string };
  published: boolean;
  updateFrequency: string;
  addedAt: string;
  lastLoadAt: string | null;
  liveRows: number | null;
  nextDueAt: string | null;
  overdue: boolean;
  fresh: boolean;
  pendingSourceUpdates: number;
  /** Latest overall quality score in [0, 1]. */
  qualityOverall: number | null;
  qualityAt: string | null;
}

export interface CollectionSummary {
  id: string;
  code: string;
  kind: CollectionKind;
  kindLabel: string;
  name: string;
  description: string;
  leads: Array<{ id: string; name: string }>;
  memberCount: number;
  loadedCount: number;
  freshCount: number;
  overdueCount: number;
  freshShare: number | null;
  averageQuality: number | null;
  updatedAt: string;
}

export interface CollectionDetail extends CollectionSummary {
  members: CollectionMember[];
}

export interface CollectionInput {
  code: string;
  kind: CollectionKind;
  name: string;
  description?: string;
  leadOrgIds?: string[];
}

export type CollectionPatch = Partial<Pick<CollectionInput, 'name' | 'description' | 'leadOrgIds'>>;

const path = (code: string) => `/api/v1/collections/${encodeURIComponent(code)}`;

export const collectionsApi = {
  list: (kind?: CollectionKind) => request<{ items: CollectionSummary[] }>('GET', '/api/v1/collections', { query: kind ? { kind } : {} }),
  get: (code: string) => request<CollectionDetail>('GET', path(code)),
  create: (body: CollectionInput) => request<CollectionDetail>('POST', '/api/v1/collections', { body }),
  update: (code: string, body: CollectionPatch) => request<CollectionDetail>('PATCH', path(code), { body }),
  addMembers: (code: string, entryIds: string[]) => request<CollectionDetail>('POST', `${path(code)}/members`, { body: { entryIds } }),
  removeMember: (code: string, entryId: string) => request<CollectionDetail>('DELETE', `${path(code)}/members/${encodeURIComponent(entryId)}`),
};
