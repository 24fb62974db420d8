/** Typed calls of the reflow API (src/modules/ingest/reflow.routes.ts, 数据回流, 000 第九条). */
import type { Me } from '../../api/types';
import { downloadFile, request } from '../../api/client';
import { isPlatformAdmin } from '../../lib/roles';

export type RegionCarrier = 'region_code' | 'id_number' | 'uscc';
export type ReflowStatus = 'active' | 'cancelled';

export interface ReflowDelivery {
  id: string;
  subscriptionId: string;
  entryId: string;
  loadId: string;
  versionNo: number;
  rowsDelivered: number;
  problem: string | null;
  at: string;
  /** The delivered version is still kept and can be read. */
  available: boolean;
  latest: boolean;
}

export interface ReflowSubscription {
  id: string;
  entry: { id: string; code: string; name: string | null };
  provider: { id: string; name: string };
  subscriber: { id: string; name: string; regionCode: string };
  regionField: { name: string; label: string };
  carrier: RegionCarrier;
  regionCode: string;
  regionName: string | null;
  status: ReflowStatus;
  createdAt: string;
  createdBy: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  deliveries: number;
  lastDelivery: ReflowDelivery | null;
  mayCancel: boolean;
}

export interface ReflowOptions {
  entry: { id: string; code: string; name: string | null; published: boolean };
  provider: { id: string; name: string; regionCode: string; regionName: string | null };
  regionFields: Array<{ name: string; label: string; carrier: RegionCarrier; carrierLabel: string }>;
  orgs: Array<{ id: string; name: string; regionCode: string; regionName: string | null }>;
  regions: Array<{ code: string; name: string; parentCode: string | null; level: number }>;
}

export interface ReflowRows {
  deliveryId: string;
  versionNo: number;
  regionCode: string;
  regionField: string;
  total: number;
  limit: number;
  offset: number;
  problem: string | null;
  fields: Array<{ name: string; label: string; type: string }>;
  rows: Array<Record<string, unknown>>;
}

export interface NewSubscription {
  entryId: string;
  subscriberOrgId: string;
  regionField: string;
  regionCode?: string;
}

const enc = encodeURIComponent;

export const reflowApi = {
  list: (q: { role?: 'provider' | 'subscriber'; entryId?: string; status?: ReflowStatus }) =>
    request<{ items: ReflowSubscription[] }>('GET', '/api/v1/reflow/subscriptions', { query: q }),
  options: (entryId: string) => request<ReflowOptions>('GET', '/api/v1/reflow/options', { query: { entryId } }),
  create: (body: NewSubscription) => request<ReflowSubscription>('POST', '/api/v1/reflow/subscriptions', { body }),
  cancel: (id: string, reason?: string) => request<ReflowSubscription>('POST', `/api/v1/reflow/subscriptions/${enc(id)}/cancel`, { body: reason ? { reason } : {} }),
  deliveries: (id: string) => request<{ subscription: ReflowSubscription; items: ReflowDelivery[] }>('GET', `/api/v1/reflow/subscriptions/${enc(id)}/deliveries`),
  rows: (deliveryId: string, page: { limit: number; offset: number }) => request<ReflowRows>('GET', `/api/v1/reflow/deliveries/${enc(deliveryId)}/rows`, { query: page }),
  downloadCsv: (deliveryId: string) => downloadFile(`/api/v1/reflow/deliveries/${enc(deliveryId)}/rows`, { format: 'csv' }, `reflow-${deliveryId}.csv`),
};

/** Reflow is between public institutions (and seen by the platform administrator). */
export function canSeeReflow(me: Me): boolean {
  return me.org.roles.includes('institution') || isPlatformAdmin(me);
}

/** A region as people say it: 海口市（460100）. */
export const regionText = (name: string | null | undefined, code: string) => (name ? `${name}（${code}）` : code);
