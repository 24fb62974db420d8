/**
 * Queries on `open_demands` and `open_demand_supports`, database handle first. `orgs`, `users`,
 * `catalog_entries` and `catalog_versions` are joined for names only.
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { DemandStatus, OpenDemandsTable } from './demands.tables.js';

export async function insertDemand(trx: Trx, row: Insertable<OpenDemandsTable>): Promise<void> {
  await trx.insertInto('open_demands').values(row).execute();
}

export async function updateDemand(trx: Trx, id: string, set: Updateable<OpenDemandsTable>): Promise<void> {
  await trx.updateTable('open_demands').set(set).where('id', '=', id).execute();
}

export function lockDemand(trx: Trx, id: string) {
  return trx.selectFrom('open_demands').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface DemandFilter {
  id?: string;
  status?: DemandStatus;
  q?: string;
}

function base(db: Executor, f: DemandFilter) {
  let q = db
    .selectFrom('open_demands as d')
    .leftJoin('orgs as po', 'po.id', 'd.provider_org_id')
    .innerJoin('orgs as pr', 'pr.id', 'd.proposer_org_id')
    .leftJoin('orgs as ao', 'ao.id', 'd.answered_org_id')
    .leftJoin('catalog_entries as e', 'e.id', 'd.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'));
  if (f.id) q = q.where('d.id', '=', f.id);
  if (f.status) q = q.where('d.status', '=', f.status);
  if (f.q?.trim()) {
    const like = `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('d.title', 'ilike', like), eb('d.description', 'ilike', like), eb('d.scenario', 'ilike', like)]));
  }
  return q;
}

export function listDemands(db: Executor, f: DemandFilter, page: { limit: number; offset: number; sort: 'support' | 'newest' } = { limit: 1, offset: 0, sort: 'newest' }) {
  let q = base(db, f)
    .selectAll('d')
    .select(['po.name as provider_name', 'pr.name as proposer_name', 'pr.kind as proposer_kind', 'ao.name as answered_org_name', 'e.code as entry_code', 'v.name as entry_name']);
  q = page.sort === 'support' ? q.orderBy('d.support_count', 'desc').orderBy('d.created_at', 'desc') : q.orderBy('d.created_at', 'desc');
  return q.orderBy('d.id').limit(page.limit).offset(page.offset).execute();
}
export type DemandListRow = Awaited<ReturnType<typeof listDemands>>[number];

export async function countDemands(db: Executor, f: DemandFilter): Promise<number> {
  const r = await base(db, f).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Which of these demands the user supports. */
export async function supportedBy(db: Executor, userId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('open_demand_supports').select('demand_id').where('user_id', '=', userId).where('demand_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.demand_id));
}

/** Adds a support; false when the user already supports the demand. */
export async function addSupport(trx: Trx, demandId: string, userId: string, at: Date): Promise<boolean> {
  const r = await trx.insertInto('open_demand_supports').values({ demand_id: demandId, user_id: userId, created_at: at }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  const added = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  if (added) await trx.updateTable('open_demands').set({ support_count: sql`support_count + 1` }).where('id', '=', demandId).execute();
  return added;
}

/** Removes a support; false when the user did not support the demand. */
export async function removeSupport(trx: Trx, demandId: string, userId: string): Promise<boolean> {
  const r = await trx.deleteFrom('open_demand_supports').where('demand_id', '=', demandId).where('user_id', '=', userId).executeTakeFirst();
  const removed = Number(r.numDeletedRows) > 0;
  if (removed) await trx.updateTable('open_demands').set({ support_count: sql`support_count - 1` }).where('id', '=', demandId).execute();
  return removed;
}

export function findOrg(db: Executor, id: string) {
  return db.selectFrom('orgs').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}

export function findPublishedEntry(db: Executor, id: string) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.code', 'v.name', 'v.open_attr'])
    .where('e.id', '=', id)
    .executeTakeFirst();
}

export function sharingAuthority(db: Executor, provinceCode: string) {
  return db
    .selectFrom('orgs')
    .select(['id', 'name'])
    .where(sql<boolean>`'sharing_authority' = ANY(roles)`)
    .orderBy(sql`region_code = ${provinceCode}`, 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** Demands proposed in [from, to) with their status and support count, for the report. */
export function demandsBetween(db: Executor, from: Date, to: Date) {
  return db.selectFrom('open_demands').select(['status', 'support_count', 'answered_at']).where('created_at', '>=', from).where('created_at', '<', to).execute();
}
