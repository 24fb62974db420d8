/** Queries of reflow (数据回流): subscriptions, deliveries, and the region-filtered reads of dataset tables. */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { quoteIdent } from './copy.js';
import type { RegionCarrier } from './reflow.js';
import { regionFilter } from './reflow.js';
import type { ReflowDeliveriesTable, ReflowStatus, ReflowSubscriptionsTable } from './reflow.tables.js';

export type SubscriptionRow = Selectable<ReflowSubscriptionsTable>;
export type DeliveryRow = Selectable<ReflowDeliveriesTable>;

/** `datasets.<table>` from a bare or schema-qualified dataset table name. */
const datasetTable = (name: string) => sql.raw(`datasets.${quoteIdent(name.replace(/^datasets\./, ''))}`);

/** The WHERE clause of a subscription's row filter on a dataset table. */
function regionWhere(column: string, carrier: RegionCarrier, regionCode: string) {
  const f = regionFilter(carrier, regionCode);
  return sql`substr(CAST(${sql.raw(quoteIdent(column))} AS text), ${f.start}, ${f.length}) = ${f.prefix}`;
}

/** Rows of a dataset table whose region field lies in the region. */
export async function countInRegion(db: Executor, table: string, column: string, carrier: RegionCarrier, regionCode: string): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${datasetTable(table)} WHERE ${regionWhere(column, carrier, regionCode)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** One page of the rows in the region, in a stable order (`orderBy` columns, then every column). */
export async function readInRegion(
  db: Executor,
  q: { table: string; column: string; carrier: RegionCarrier; regionCode: string; columns: readonly string[]; orderBy: readonly string[]; limit: number; offset: number },
): Promise<Record<string, unknown>[]> {
  const cols = sql.raw(q.columns.map(quoteIdent).join(', '));
  const order = sql.raw([...q.orderBy, ...q.columns.filter((c) => !q.orderBy.includes(c))].map(quoteIdent).join(', '));
  const r = await sql<Record<string, unknown>>`SELECT ${cols} FROM ${datasetTable(q.table)} WHERE ${regionWhere(q.column, q.carrier, q.regionCode)} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db);
  return r.rows;
}

/** The region tree: each code's parent, and its name. */
export async function regionTree(db: Executor): Promise<{ parentOf: Map<string, string | null>; names: Map<string, string>; levels: Map<string, number> }> {
  const rows = await db.selectFrom('regions').select(['code', 'name', 'parent_code', 'level']).execute();
  const parentOf = new Map<string, string | null>();
  const names = new Map<string, string>();
  const levels = new Map<string, number>();
  for (const r of rows) {
    const code = r.code.trim();
    parentOf.set(code, r.parent_code?.trim() ?? null);
    names.set(code, r.name);
    levels.set(code, r.level);
  }
  return { parentOf, names, levels };
}

export function findOrg(db: Executor, id: string) {
  return db.selectFrom('orgs').select(['id', 'name', 'kind', 'region_code', 'roles']).where('id', '=', id).executeTakeFirst();
}

/** Organisations that are public institutions (公共管理和服务机构), the candidates for reflow. */
export function institutionOrgs(db: Executor) {
  return db
    .selectFrom('orgs')
    .select(['id', 'name', 'region_code', 'parent_id'])
    .where('kind', '=', 'organization')
    .where(sql<boolean>`'institution' = ANY(roles)`)
    .orderBy('region_code')
    .orderBy('name')
    .execute();
}

export async function insertSubscription(trx: Trx, row: Insertable<ReflowSubscriptionsTable>): Promise<void> {
  await trx.insertInto('reflow_subscriptions').values(row).execute();
}

export function findActiveDuplicate(db: Executor, s: { entryId: string; subscriberOrgId: string; regionField: string; regionCode: string }) {
  return db
    .selectFrom('reflow_subscriptions')
    .select('id')
    .where('entry_id', '=', s.entryId)
    .where('subscriber_org_id', '=', s.subscriberOrgId)
    .where('region_field', '=', s.regionField)
    .where('region_code', '=', s.regionCode)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** Locks a subscription's row for the rest of the transaction. */
export function lockSubscription(trx: Trx, id: string) {
  return trx.selectFrom('reflow_subscriptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findSubscription(db: Executor, id: string) {
  return db.selectFrom('reflow_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function cancelSubscription(trx: Trx, id: string, by: { userId: string; at: Date; reason: string | null }): Promise<void> {
  await trx
    .updateTable('reflow_subscriptions')
    .set({ status: 'cancelled', cancelled_by: by.userId, cancelled_at: by.at, cancel_reason: by.reason })
    .where('id', '=', id)
    .execute();
}

export function activeSubscriptionsOf(db: Executor, entryId: string) {
  return db.selectFrom('reflow_subscriptions').selectAll().where('entry_id', '=', entryId).where('status', '=', 'active').orderBy('created_at').execute();
}

/** A subscription with the names the views show. */
export interface SubscriptionListRow extends SubscriptionRow {
  entry_code: string;
  entry_name: string | null;
  provider_name: string;
  subscriber_name: string;
  subscriber_region: string;
  region_name: string | null;
  created_by_name: string | null;
}

export interface SubscriptionFilter {
  ids?: readonly string[];
  providerOrgId?: string;
  subscriberOrgId?: string;
  /** Either side: subscriptions this org set up as provider or receives. */
  partyOrgId?: string;
  entryId?: string;
  status?: ReflowStatus;
}

export async function listSubscriptions(db: Executor, f: SubscriptionFilter): Promise<SubscriptionListRow[]> {
  let q = db
    .selectFrom('reflow_subscriptions as s')
    .innerJoin('catalog_entries as e', 'e.id', 's.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 's.entry_id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as p', 'p.id', 's.provider_org_id')
    .innerJoin('orgs as o', 'o.id', 's.subscriber_org_id')
    .leftJoin('regions as r', 'r.code', 's.region_code')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .selectAll('s')
    .select(['e.code as entry_code', 'v.name as entry_name', 'p.name as provider_name', 'o.name as subscriber_name', 'o.region_code as subscriber_region', 'r.name as region_name', 'u.name as created_by_name']);
  if (f.ids) q = q.where('s.id', 'in', f.ids.length ? [...f.ids] : ['00000000-0000-0000-0000-000000000000']);
  if (f.providerOrgId) q = q.where('s.provider_org_id', '=', f.providerOrgId);
  if (f.subscriberOrgId) q = q.where('s.subscriber_org_id', '=', f.subscriberOrgId);
  const party = f.partyOrgId;
  if (party) q = q.where((eb) => eb.or([eb('s.provider_org_id', '=', party), eb('s.subscriber_org_id', '=', party)]));
  if (f.entryId) q = q.where('s.entry_id', '=', f.entryId);
  if (f.status) q = q.where('s.status', '=', f.status);
  return q.orderBy('s.created_at', 'desc').orderBy('s.id').limit(1000).execute();
}

export async function insertDelivery(trx: Trx, row: Insertable<ReflowDeliveriesTable>): Promise<void> {
  await trx.insertInto('reflow_deliveries').values(row).execute();
}

/** A delivery with whether its dataset version is still kept. */
export interface DeliveryListRow extends DeliveryRow {
  dropped_at: Date | null;
  table_name: string | null;
}

const deliveriesWithVersion = (db: Executor) =>
  db
    .selectFrom('reflow_deliveries as d')
    .leftJoin('dataset_versions as dv', (j) => j.onRef('dv.entry_id', '=', 'd.entry_id').onRef('dv.version_no', '=', 'd.version_no'))
    .selectAll('d')
    .select(['dv.dropped_at', 'dv.table_name']);

export function listDeliveries(db: Executor, subscriptionId: string): Promise<DeliveryListRow[]> {
  return deliveriesWithVersion(db).where('d.subscription_id', '=', subscriptionId).orderBy('d.version_no', 'desc').orderBy('d.at', 'desc').limit(1000).execute();
}

/** Per subscription: the number of deliveries and the newest one. */
export async function deliverySummaries(db: Executor, subscriptionIds: readonly string[]): Promise<Map<string, { count: number; last: DeliveryListRow }>> {
  const out = new Map<string, { count: number; last: DeliveryListRow }>();
  if (subscriptionIds.length === 0) return out;
  const rows = await deliveriesWithVersion(db)
    .where('d.subscription_id', 'in', [...subscriptionIds])
    .orderBy('d.subscription_id')
    .orderBy('d.version_no', 'desc')
    .orderBy('d.at', 'desc')
    .execute();
  for (const r of rows) {
    const s = out.get(r.subscription_id);
    if (s) s.count++;
    else out.set(r.subscription_id, { count: 1, last: r });
  }
  return out;
}

export function findDelivery(db: Executor, id: string): Promise<DeliveryListRow | undefined> {
  return deliveriesWithVersion(db).where('d.id', '=', id).executeTakeFirst();
}

/** The newest delivery of a subscription. */
export function latestDelivery(db: Executor, subscriptionId: string) {
  return db.selectFrom('reflow_deliveries').selectAll().where('subscription_id', '=', subscriptionId).orderBy('version_no', 'desc').orderBy('at', 'desc').limit(1).executeTakeFirst();
}
