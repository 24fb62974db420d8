/**
 * Queries on the collections module's tables (collections, collection_leads, collection_members,
 * collection_source_updates), database handle first. Reads of `orgs`, `catalog_entries`,
 * `catalog_versions`, `loads`, `dataset_versions`, `quality_scores` and `duties` are for names,
 * published attributes and the freshness a page shows only; those tables are written by their
 * own modules.
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { TIMELINESS_CASE } from '../ingest/timeliness.js';
import { SOURCE_UPDATE_CASE } from './rules.js';
import type { CollectionsTable, CollectionSourceUpdatesTable } from './tables.js';

export type CollectionRow = Selectable<CollectionsTable>;
export type SourceUpdateRow = Selectable<CollectionSourceUpdatesTable>;

// ── Collections ──

export function listCollections(db: Executor, kind?: 'base' | 'theme') {
  let q = db.selectFrom('collections').selectAll();
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('kind').orderBy('seq').execute();
}

export function findByCode(db: Executor, code: string) {
  return db.selectFrom('collections').selectAll().where('code', '=', code).executeTakeFirst();
}

export function lockByCode(trx: Trx, code: string) {
  return trx.selectFrom('collections').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
}

export async function nameTaken(db: Executor, name: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom('collections').select('id').where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertCollection(trx: Trx, row: Insertable<CollectionsTable>): Promise<void> {
  await trx.insertInto('collections').values(row).execute();
}

export async function updateCollection(trx: Trx, id: string, set: Updateable<CollectionsTable>): Promise<void> {
  await trx.updateTable('collections').set(set).where('id', '=', id).execute();
}

export async function setLeads(trx: Trx, collectionId: string, orgIds: readonly string[]): Promise<void> {
  await trx.deleteFrom('collection_leads').where('collection_id', '=', collectionId).execute();
  if (orgIds.length > 0) await trx.insertInto('collection_leads').values(orgIds.map((org_id) => ({ collection_id: collectionId, org_id }))).execute();
}

export async function leadsOf(db: Executor, collectionIds: readonly string[]) {
  if (collectionIds.length === 0) return [];
  return db
    .selectFrom('collection_leads as l')
    .innerJoin('orgs as o', 'o.id', 'l.org_id')
    .select(['l.collection_id', 'o.id', 'o.name'])
    .where('l.collection_id', 'in', collectionIds)
    .orderBy('o.name')
    .execute();
}

/** The orgs among `ids` that exist. */
export async function existingOrgs(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  return new Set((await db.selectFrom('orgs').select('id').where('id', 'in', ids).execute()).map((o) => o.id));
}

// ── Members ──

export async function membersOf(db: Executor, collectionIds: readonly string[]) {
  if (collectionIds.length === 0) return [];
  return db.selectFrom('collection_members').selectAll().where('collection_id', 'in', collectionIds).orderBy('added_at').execute();
}

export async function addMember(trx: Trx, row: { collection_id: string; entry_id: string; added_at: Date; added_by: string | null }): Promise<boolean> {
  const r = await trx
    .insertInto('collection_members')
    .values(row)
    .onConflict((oc) => oc.columns(['collection_id', 'entry_id']).doNothing())
    .returning('entry_id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function removeMember(trx: Trx, collectionId: string, entryId: string): Promise<boolean> {
  const r = await trx.deleteFrom('collection_members').where('collection_id', '=', collectionId).where('entry_id', '=', entryId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The base and theme databases an entry belongs to. */
export function collectionsOfEntry(db: Executor, entryId: string) {
  return db
    .selectFrom('collection_members as m')
    .innerJoin('collections as c', 'c.id', 'm.collection_id')
    .select(['c.id', 'c.code', 'c.kind', 'c.name'])
    .where('m.entry_id', '=', entryId)
    .orderBy('c.kind')
    .orderBy('c.code')
    .execute();
}

// ── What the pages show of each member entry ──

/** Entries at their published version (or latest, for one withdrawn since), with the provider's name. */
export async function entriesOf(db: Executor, entryIds: readonly string[]) {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').on(sql<boolean>`v.version = coalesce(e.published_version, e.latest_version)`))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .select(['e.id', 'e.code', 'e.provider_org_id', 'e.published_version', 'o.name as provider_name', 'v.name', 'v.update_frequency'])
    .where('e.id', 'in', entryIds)
    .execute();
}

/** Each entry's last committed load. */
export async function lastLoads(db: Executor, entryIds: readonly string[]) {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('loads')
    .select(['entry_id', (eb) => eb.fn.max('finished_at').as('at')])
    .where('entry_id', 'in', entryIds)
    .where('status', '=', 'committed')
    .groupBy('entry_id')
    .execute();
}

/** The rows of each entry's live dataset version. */
export async function liveRows(db: Executor, entryIds: readonly string[]) {
  if (entryIds.length === 0) return [];
  return db.selectFrom('dataset_versions').select(['entry_id', 'rows']).where('entry_id', 'in', entryIds).where('live', '=', true).execute();
}

/** Each entry's latest overall quality score (000 第四十一条). */
export async function latestQuality(db: Executor, entryIds: readonly string[]) {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('quality_scores')
    .distinctOn('entry_id')
    .select(['entry_id', 'overall', 'at'])
    .where('entry_id', 'in', entryIds)
    .orderBy('entry_id')
    .orderBy('at', 'desc')
    .orderBy('version_no', 'desc')
    .execute();
}

/** The open aggregation duties of the entries: the next load by frequency, and each pending source update. */
export async function openDuties(db: Executor, entryIds: readonly string[]) {
  if (entryIds.length === 0) return [];
  const timely = await db
    .selectFrom('duties')
    .select(['case_id as entry_id', 'case_type', 'due_at'])
    .where('case_type', '=', TIMELINESS_CASE)
    .where('status', '=', 'open')
    .where('case_id', 'in', entryIds)
    .execute();
  const source = await db
    .selectFrom('duties as d')
    .innerJoin('collection_source_updates as s', (j) => j.on(sql<boolean>`d.case_id = s.id::text`))
    .select(['s.entry_id', 'd.case_type', 'd.due_at'])
    .where('d.case_type', '=', SOURCE_UPDATE_CASE)
    .where('d.status', '=', 'open')
    .where('s.entry_id', 'in', entryIds)
    .execute();
  return [...timely, ...source];
}

// ── Source updates ──

/** The platform operator (省大数据建设运营机构) that supervises aggregation: the province's own first. */
export async function platformOperatorOrg(db: Executor, provinceCode: string): Promise<string | null> {
  const o = await db
    .selectFrom('orgs')
    .select('id')
    .where(sql<boolean>`'platform_admin' = ANY(roles)`)
    .orderBy(sql`region_code = ${provinceCode}`, 'desc')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return o?.id ?? null;
}

export async function insertSourceUpdate(trx: Trx, row: Insertable<CollectionSourceUpdatesTable>): Promise<void> {
  await trx.insertInto('collection_source_updates').values(row).execute();
}

/** Declarations of the entry not yet met, made up to `before`. Locked: the load that meets them is committing. */
export function pendingSourceUpdates(trx: Trx, entryId: string, before: Date) {
  return trx
    .selectFrom('collection_source_updates')
    .selectAll()
    .where('entry_id', '=', entryId)
    .where('met_at', 'is', null)
    .where('declared_at', '<=', before)
    .forUpdate()
    .execute();
}

export async function markSourceUpdatesMet(trx: Trx, ids: readonly string[], loadId: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('collection_source_updates').set({ met_load_id: loadId, met_at: at }).where('id', 'in', ids).execute();
}

/** An entry's declarations, newest first, with their duties. */
export function listSourceUpdates(db: Executor, entryId: string) {
  return db
    .selectFrom('collection_source_updates as s')
    .leftJoin('duties as d', (j) => j.on(sql<boolean>`d.case_id = s.id::text`).on('d.case_type', '=', SOURCE_UPDATE_CASE))
    .selectAll('s')
    .select(['d.id as duty_id', 'd.due_date', 'd.due_at', 'd.status as duty_status', 'd.overdue_at', 'd.source'])
    .where('s.entry_id', '=', entryId)
    .orderBy('s.declared_at', 'desc')
    .limit(200)
    .execute();
}
