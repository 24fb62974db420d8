/**
 * Queries of the lists: the published entries the negative, open and positive lists are derived
 * from, the joint review's seats and sign-offs, the operation catalog and its registrations.
 * Database handle first; a function that must run in a transaction takes `Trx`.
 */
import { sql } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { NEGATIVE_LIST_SEATS, type Seat } from './model.js';
import { NEGATIVE_SHARE_ATTRS, OPEN_LIST_ATTRS, type JointReviewState } from './lists.rules.js';
import { entryView, type EntryView } from './views.js';
import type { Attr, CatalogOperationItemsTable } from './tables.js';

export interface Page {
  limit: number;
  offset: number;
}

/** Published entries: each entry joined to the version in force and its provider. */
function published(db: Executor) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .where('v.status', '=', 'published');
}

/** Entry views of these versions, by version id. */
export async function viewsOfVersions(db: Executor, versionIds: readonly string[]): Promise<Map<string, EntryView>> {
  const out = new Map<string, EntryView>();
  if (versionIds.length === 0) return out;
  const versions = await db.selectFrom('catalog_versions').selectAll().where('id', 'in', versionIds).execute();
  if (versions.length === 0) return out;
  const entries = await db
    .selectFrom('catalog_entries as e')
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .selectAll('e')
    .select('o.name as provider_name')
    .where('e.id', 'in', [...new Set(versions.map((v) => v.entry_id))])
    .execute();
  const byId = new Map(entries.map((e) => [e.id, e]));
  for (const v of versions) {
    const e = byId.get(v.entry_id);
    if (e) out.set(v.id, entryView(e, v, { id: e.provider_org_id, name: e.provider_name }));
  }
  return out;
}

/** Entry views of the versions in force of these entries, by entry id. */
export async function publishedViews(db: Executor, entryIds: readonly string[]): Promise<Map<string, EntryView>> {
  if (entryIds.length === 0) return new Map();
  const rows = await published(db).select(['e.id as entry_id', 'v.id as version_id']).where('e.id', 'in', entryIds).execute();
  const views = await viewsOfVersions(db, rows.map((r) => r.version_id));
  const out = new Map<string, EntryView>();
  for (const r of rows) {
    const v = views.get(r.version_id);
    if (v) out.set(r.entry_id, v);
  }
  return out;
}

/** The published version in force of an entry, with its provider; undefined when none is. */
export function findPublished(db: Executor, entryId: string) {
  return published(db)
    .select(['e.id as entry_id', 'e.provider_org_id', 'e.published_version', 'v.id as version_id', 'v.grade', 'v.operation_attr', 'v.name', 'o.name as provider_name'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

export const entryExists = async (db: Executor, entryId: string) =>
  !!(await db.selectFrom('catalog_entries').select('id').where('id', '=', entryId).executeTakeFirst());

// ── Negative list (000 第十一条) ─────────────────────────────────────────────────────────────

export interface NegativeFilter extends Page {
  providerId?: string | undefined;
  state?: JointReviewState | undefined;
  shareAttr?: Extract<Attr, 'conditional' | 'none'> | undefined;
}

const seatList = sql.join(NEGATIVE_LIST_SEATS.map((s) => sql.lit(s)));
const hasDisagreement = sql<boolean>`EXISTS (SELECT 1 FROM catalog_negative_signoffs s WHERE s.version_id = v.id AND s.decision = 'disagree')`;
const agreedSeats = sql<number>`(SELECT count(DISTINCT s.seat) FROM catalog_negative_signoffs s WHERE s.version_id = v.id AND s.decision = 'agree' AND s.seat IN (${seatList}))`;

/** One page of the negative list: published versions whose share attribute is conditional or none. */
export async function negativeListPage(db: Executor, f: NegativeFilter) {
  let q = published(db).where('v.share_attr', 'in', f.shareAttr ? [f.shareAttr] : [...NEGATIVE_SHARE_ATTRS]);
  if (f.providerId) q = q.where('e.provider_org_id', '=', f.providerId);
  if (f.state === 'disputed') q = q.where(hasDisagreement);
  if (f.state === 'confirmed') q = q.where(sql<boolean>`NOT ${hasDisagreement} AND ${agreedSeats} = ${NEGATIVE_LIST_SEATS.length}`);
  if (f.state === 'pending') q = q.where(sql<boolean>`NOT ${hasDisagreement} AND ${agreedSeats} < ${NEGATIVE_LIST_SEATS.length}`);
  const [rows, total] = await Promise.all([
    q.select(['v.id as version_id']).orderBy('o.name').orderBy('e.code').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { versionIds: rows.map((r) => r.version_id), total: Number(total.n) };
}

export interface SignoffRow {
  id: string;
  version_id: string;
  seat: string;
  decision: 'agree' | 'disagree';
  comment: string;
  user_id: string;
  user_name: string;
  org_id: string;
  org_name: string;
  at: Date;
}

/** Sign-offs of these versions, in seat order of signing. */
export async function signoffsOf(db: Executor, versionIds: readonly string[]): Promise<SignoffRow[]> {
  if (versionIds.length === 0) return [];
  const rows = await db
    .selectFrom('catalog_negative_signoffs as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('orgs as o', 'o.id', 's.org_id')
    .select(['s.id', 's.version_id', 's.seat', 's.decision', 's.comment', 's.user_id', 'u.name as user_name', 's.org_id', 'o.name as org_name', 's.at'])
    .where('s.version_id', 'in', versionIds)
    .orderBy('s.at')
    .execute();
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}

export function findVersion(db: Executor, versionId: string) {
  return db
    .selectFrom('catalog_versions as v')
    .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
    .select(['v.id', 'v.entry_id', 'v.version', 'v.status', 'v.share_attr', 'v.name', 'e.published_version', 'e.provider_org_id'])
    .where('v.id', '=', versionId)
    .executeTakeFirst();
}

export function findSignoff(db: Executor, versionId: string, seat: Seat) {
  return db.selectFrom('catalog_negative_signoffs').select(['id', 'decision']).where('version_id', '=', versionId).where('seat', '=', seat).executeTakeFirst();
}

export async function insertSignoff(trx: Trx, row: { id: string; versionId: string; seat: Seat; decision: 'agree' | 'disagree'; comment: string; userId: string; orgId: string; at: Date }) {
  await trx
    .insertInto('catalog_negative_signoffs')
    .values({ id: row.id, version_id: row.versionId, seat: row.seat, decision: row.decision, comment: row.comment, user_id: row.userId, org_id: row.orgId, at: row.at })
    .execute();
}

// ── Joint-review seats ──────────────────────────────────────────────────────────────────────

export function listSeats(db: Executor) {
  return db.selectFrom('catalog_review_seats as s').innerJoin('orgs as o', 'o.id', 's.org_id').select(['s.seat', 's.org_id', 'o.name as org_name', 'o.roles as org_roles']).execute();
}

/** The org holding a seat, its row share-locked until the caller's transaction ends (a sign-off and a reassignment do not cross). */
export async function seatHolder(db: Executor, seat: Seat): Promise<string | null> {
  const r = await db.selectFrom('catalog_review_seats').select('org_id').where('seat', '=', seat).forShare().executeTakeFirst();
  return r?.org_id ?? null;
}

/** Sets (or, with null, clears) the holder of each seat given. */
export async function setSeats(trx: Trx, seats: ReadonlyArray<{ seat: Seat; orgId: string | null }>) {
  for (const { seat, orgId } of seats) {
    if (orgId === null) await trx.deleteFrom('catalog_review_seats').where('seat', '=', seat).execute();
    else await trx.insertInto('catalog_review_seats').values({ seat, org_id: orgId }).onConflict((oc) => oc.column('seat').doUpdateSet({ org_id: orgId })).execute();
  }
}

export function findOrgs(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('orgs').select(['id', 'name', 'roles']).where('id', 'in', ids).execute();
}

// ── Open list and positive lists (000 第十八、十九条) ─────────────────────────────────────────

export interface OpenFilter extends Page {
  providerId?: string | undefined;
  openAttr?: Extract<Attr, 'unconditional' | 'conditional'> | undefined;
  priorityArea?: string | undefined;
  category?: string | undefined;
  /** Put entries with a priority area first (the positive list's order). */
  priorityFirst?: boolean;
}

function openList(db: Executor, f: Omit<OpenFilter, keyof Page | 'priorityFirst'>) {
  let q = published(db).where('v.open_attr', 'in', f.openAttr ? [f.openAttr] : [...OPEN_LIST_ATTRS]);
  if (f.providerId) q = q.where('e.provider_org_id', '=', f.providerId);
  if (f.priorityArea) q = q.where(sql<boolean>`${f.priorityArea} = ANY(v.priority_areas)`);
  if (f.category) q = q.where('v.category', '=', f.category);
  return q;
}

/** One page of the open catalog: published versions open unconditionally or on conditions. */
export async function openListPage(db: Executor, f: OpenFilter) {
  const q = openList(db, f);
  let page = q.select(['v.id as version_id']);
  if (f.priorityFirst) page = page.orderBy(sql`cardinality(v.priority_areas) > 0`, 'desc');
  const [rows, total] = await Promise.all([
    page.orderBy('o.name').orderBy('e.code').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { versionIds: rows.map((r) => r.version_id), total: Number(total.n) };
}

/** Per provider: its open entries, how many carry a priority area, and how many each area. */
export async function positiveListSummary(db: Executor, providerId?: string) {
  const base = openList(db, { providerId });
  const [totals, areas] = await Promise.all([
    base
      .select(['o.id', 'o.name', (eb) => eb.fn.countAll<number>().as('total'), sql<number>`count(*) FILTER (WHERE cardinality(v.priority_areas) > 0)`.as('priority')])
      .groupBy(['o.id', 'o.name'])
      .orderBy('o.name')
      .execute(),
    base
      .select(['o.id', sql<string>`unnest(v.priority_areas)`.as('area')])
      .execute(),
  ]);
  const byOrg = new Map<string, Map<string, number>>();
  for (const a of areas) {
    const m = byOrg.get(a.id) ?? new Map<string, number>();
    m.set(a.area, (m.get(a.area) ?? 0) + 1);
    byOrg.set(a.id, m);
  }
  return totals.map((t) => ({ id: t.id, name: t.name, total: Number(t.total), priority: Number(t.priority), areas: byOrg.get(t.id) ?? new Map<string, number>() }));
}

export function findOrg(db: Executor, id: string) {
  return db.selectFrom('orgs').select(['id', 'name', 'roles']).where('id', '=', id).executeTakeFirst();
}

// ── The authorized-operation catalog (000 第二十七、二十八条) ─────────────────────────────────

export type OperationStatus = CatalogOperationItemsTable['status'];

const itemColumns = [
  'i.id',
  'i.entry_id',
  'i.listed_by_org',
  'lo.name as listed_by_name',
  'i.via_sharing',
  'i.status',
  'i.consent_by',
  'cu.name as consent_by_name',
  'i.consent_at',
  'i.consent_comment',
  'i.note',
  'i.created_by',
  'i.created_at',
  'i.listed_at',
  'e.provider_org_id',
] as const;

function items(db: Executor) {
  return db
    .selectFrom('catalog_operation_items as i')
    .innerJoin('catalog_entries as e', 'e.id', 'i.entry_id')
    .innerJoin('orgs as lo', 'lo.id', 'i.listed_by_org')
    .leftJoin('users as cu', 'cu.id', 'i.consent_by');
}

export type ItemRow = NonNullable<Awaited<ReturnType<typeof findItem>>>;

export function findItem(db: Executor, id: string) {
  return items(db).select(itemColumns).where('i.id', '=', id).executeTakeFirst();
}

/** The same row, locked until the transaction ends (two decisions on one item serialise). */
export function lockItem(trx: Trx, id: string) {
  return trx.selectFrom('catalog_operation_items').select(['id', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The item of an entry that is awaiting consent or listed, if any (at most one: a unique index). */
export function liveItemOfEntry(db: Executor, entryId: string) {
  return db.selectFrom('catalog_operation_items').select(['id', 'status']).where('entry_id', '=', entryId).where('status', 'in', ['awaiting_consent', 'listed']).executeTakeFirst();
}

export interface ItemFilter extends Page {
  status: OperationStatus;
  providerId?: string | undefined;
  entryId?: string | undefined;
  /** When set, only items this org listed or provides. */
  involvedOrgId?: string | undefined;
}

export async function itemPage(db: Executor, f: ItemFilter) {
  let q = items(db).where('i.status', '=', f.status);
  if (f.providerId) q = q.where('e.provider_org_id', '=', f.providerId);
  if (f.entryId) q = q.where('i.entry_id', '=', f.entryId);
  const involved = f.involvedOrgId;
  if (involved) q = q.where((eb) => eb.or([eb('e.provider_org_id', '=', involved), eb('i.listed_by_org', '=', involved)]));
  const [rows, total] = await Promise.all([
    q.select(itemColumns).orderBy('i.created_at', 'desc').orderBy('i.id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function insertItem(
  trx: Trx,
  row: { id: string; entryId: string; listedByOrg: string; viaSharing: boolean; status: 'awaiting_consent' | 'listed'; note: string; createdBy: string; at: Date },
) {
  await trx
    .insertInto('catalog_operation_items')
    .values({
      id: row.id,
      entry_id: row.entryId,
      listed_by_org: row.listedByOrg,
      via_sharing: row.viaSharing,
      status: row.status,
      consent_by: null,
      consent_at: null,
      consent_comment: null,
      note: row.note,
      created_by: row.createdBy,
      created_at: row.at,
      listed_at: row.status === 'listed' ? row.at : null,
    })
    .execute();
}

export async function recordConsent(trx: Trx, id: string, c: { status: 'listed' | 'refused'; userId: string; at: Date; comment: string }) {
  await trx
    .updateTable('catalog_operation_items')
    .set({ status: c.status, consent_by: c.userId, consent_at: c.at, consent_comment: c.comment, ...(c.status === 'listed' ? { listed_at: c.at } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function markRemoved(trx: Trx, id: string) {
  await trx.updateTable('catalog_operation_items').set({ status: 'removed' }).where('id', '=', id).execute();
}

// ── Registrations (登记, 000 第二十九条) ───────────────────────────────────────────────────────

const registrationColumns = ['r.id', 'r.entry_id', 'r.operation_item_id', 'r.registration_code', 'r.query_code', 'r.version', 'r.registered_by', 'r.registered_at'] as const;

/** The newest registration of each of these operation items. */
export async function latestRegistrations(db: Executor, itemIds: readonly string[]) {
  const out = new Map<string, { id: string; registration_code: string; query_code: string; version: number; registered_at: Date }>();
  if (itemIds.length === 0) return out;
  const rows = await db.selectFrom('catalog_registrations as r').select(registrationColumns).where('r.operation_item_id', 'in', itemIds).orderBy('r.registered_at').orderBy('r.registration_code').execute();
  for (const r of rows) out.set(r.operation_item_id, { ...r, registered_at: new Date(r.registered_at) });
  return out;
}

export function findRegistration(db: Executor, itemId: string, version: number) {
  return db.selectFrom('catalog_registrations').select(['id', 'registration_code']).where('operation_item_id', '=', itemId).where('version', '=', version).executeTakeFirst();
}

export const queryCodeTaken = async (db: Executor, code: string) =>
  !!(await db.selectFrom('catalog_registrations').select('id').where('query_code', '=', code).executeTakeFirst());

/**
 * The next sequence number for registration codes with this prefix. Takes a transaction-scoped
 * advisory lock first, so concurrent registrations on several instances number one after another.
 */
export async function nextRegistrationSeq(trx: Trx, prefix: string): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`gongshu:catalog_registration:${prefix}`}))`.execute(trx);
  const r = await sql<{ n: number | null }>`SELECT max(CAST(substr(registration_code, ${prefix.length + 1}::int) AS integer)) AS n
      FROM catalog_registrations WHERE starts_with(registration_code, ${prefix})`.execute(trx);
  return Number(r.rows[0]?.n ?? 0) + 1;
}

export async function insertRegistration(
  trx: Trx,
  row: { id: string; entryId: string; itemId: string; registrationCode: string; queryCode: string; version: number; userId: string; at: Date },
) {
  await trx
    .insertInto('catalog_registrations')
    .values({
      id: row.id,
      entry_id: row.entryId,
      operation_item_id: row.itemId,
      registration_code: row.registrationCode,
      query_code: row.queryCode,
      version: row.version,
      registered_by: row.userId,
      registered_at: row.at,
    })
    .execute();
}

/** A registration by its public query code, with the registered version's name and the item's state. */
export function findRegistrationByQueryCode(db: Executor, queryCode: string) {
  return db
    .selectFrom('catalog_registrations as r')
    .innerJoin('catalog_entries as e', 'e.id', 'r.entry_id')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'r.entry_id').onRef('v.version', '=', 'r.version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .innerJoin('catalog_operation_items as i', 'i.id', 'r.operation_item_id')
    .innerJoin('orgs as lo', 'lo.id', 'i.listed_by_org')
    .select([
      'r.id',
      'r.registration_code',
      'r.query_code',
      'r.version',
      'r.registered_at',
      'e.id as entry_id',
      'e.code as entry_code',
      'e.published_version',
      'v.name',
      'v.category',
      'v.grade',
      'v.format',
      'v.update_frequency',
      'v.provision_methods',
      'o.id as provider_id',
      'o.name as provider_name',
      'i.id as item_id',
      'i.status as item_status',
      'lo.id as listed_by_id',
      'lo.name as listed_by_name',
    ])
    .where('r.query_code', '=', queryCode)
    .executeTakeFirst();
}
