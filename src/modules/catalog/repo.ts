/**
 * Queries on the catalog's entry tables (catalog_entries, catalog_versions, catalog_reviews,
 * catalog_update_cases), database handle first. Reads of `orgs`, `users` and `duties` are joins
 * for names and due dates only; those tables are written by their own modules.
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { EntryInput } from './model.js';
import type { CatalogEntriesTable, CatalogUpdateCasesTable, CatalogVersionsTable, VersionStatus } from './tables.js';

export type EntryRow = Selectable<CatalogEntriesTable>;
export type VersionRow = Selectable<CatalogVersionsTable>;
export type UpdateCaseRow = Selectable<CatalogUpdateCasesTable>;

/** An entry with its provider's name. */
export function findEntry(db: Executor, id: string) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .selectAll('e')
    .select('o.name as provider_name')
    .where('e.id', '=', id)
    .executeTakeFirst();
}

/** Locks an entry's row for the rest of the transaction: its transitions run one at a time. */
export function lockEntry(trx: Trx, id: string) {
  return trx.selectFrom('catalog_entries').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function providerOf(db: Executor, orgId: string): Promise<{ id: string; name: string }> {
  const o = await db.selectFrom('orgs').select(['id', 'name']).where('id', '=', orgId).executeTakeFirstOrThrow();
  return { id: o.id, name: o.name };
}

/**
 * The next sequence number of a provider's entries. A transaction-scoped advisory lock per
 * provider keeps two concurrent drafts from taking the same number (released at commit).
 */
export async function nextSeq(trx: Trx, providerOrgId: string): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`catalog_entries:${providerOrgId}`}))`.execute(trx);
  const r = await trx
    .selectFrom('catalog_entries')
    .select((eb) => eb.fn.max('seq').as('max'))
    .where('provider_org_id', '=', providerOrgId)
    .executeTakeFirst();
  return Number(r?.max ?? 0) + 1;
}

export async function insertEntry(trx: Trx, row: Insertable<CatalogEntriesTable>): Promise<void> {
  await trx.insertInto('catalog_entries').values(row).execute();
}

export async function updateEntry(trx: Trx, id: string, set: Updateable<CatalogEntriesTable>): Promise<void> {
  await trx.updateTable('catalog_entries').set(set).where('id', '=', id).execute();
}

/** The columns of a version that carry the entry's content, from a (normalized) input. */
export function versionColumns(i: EntryInput) {
  return {
    name: i.name,
    description: i.description ?? '',
    format: i.format,
    fields: JSON.stringify(i.fields),
    share_attr: i.shareAttr,
    share_conditions: i.shareConditions ? JSON.stringify(i.shareConditions) : null,
    no_share_basis: i.noShareBasis ?? null,
    open_attr: i.openAttr,
    open_conditions: i.openConditions ? JSON.stringify(i.openConditions) : null,
    not_open_reason: i.notOpenReason ?? null,
    open_safeguards: JSON.stringify(i.openSafeguards ?? []),
    operation_attr: i.operationAttr,
    provision_methods: i.provisionMethods,
    usage_conditions: i.usageConditions ?? '',
    update_frequency: i.updateFrequency,
    category: i.category,
    grade: i.grade,
    priority_areas: i.priorityAreas ?? [],
    assessments: JSON.stringify(i.assessments ?? {}),
  } satisfies Updateable<CatalogVersionsTable>;
}

/** A stored version read back as the input that would produce it (rules run on this). */
export function inputOf(v: VersionRow): EntryInput {
  return {
    name: v.name,
    description: v.description,
    format: v.format,
    fields: v.fields,
    shareAttr: v.share_attr,
    shareConditions: v.share_conditions ?? null,
    noShareBasis: v.no_share_basis,
    openAttr: v.open_attr,
    openConditions: v.open_conditions ?? null,
    notOpenReason: v.not_open_reason,
    openSafeguards: v.open_safeguards,
    operationAttr: v.operation_attr,
    provisionMethods: v.provision_methods as EntryInput['provisionMethods'],
    usageConditions: v.usage_conditions,
    updateFrequency: v.update_frequency as EntryInput['updateFrequency'],
    category: v.category,
    grade: v.grade,
    priorityAreas: v.priority_areas,
    assessments: v.assessments,
    changeNote: v.change_note,
  };
}

export async function insertVersion(trx: Trx, row: Insertable<CatalogVersionsTable>): Promise<void> {
  await trx.insertInto('catalog_versions').values(row).execute();
}

/** Updates a version row. The trigger refuses any change to a published one but its superseding. */
export async function updateVersion(trx: Trx, id: string, set: Updateable<CatalogVersionsTable>): Promise<void> {
  await trx.updateTable('catalog_versions').set(set).where('id', '=', id).execute();
}

export function findVersion(db: Executor, entryId: string, version: number) {
  return db.selectFrom('catalog_versions').selectAll().where('entry_id', '=', entryId).where('version', '=', version).executeTakeFirst();
}

/** The newest version of an entry whose status is one of `statuses`. */
export function latestVersionIn(db: Executor, entryId: string, statuses: readonly VersionStatus[]) {
  return db
    .selectFrom('catalog_versions')
    .selectAll()
    .where('entry_id', '=', entryId)
    .where('status', 'in', [...statuses])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** True when the entry has a version in one of `statuses` (i.e. the caller may know it exists). */
export async function hasVersionIn(db: Executor, entryId: string, statuses: readonly VersionStatus[]): Promise<boolean> {
  const r = await db.selectFrom('catalog_versions').select('id').where('entry_id', '=', entryId).where('status', 'in', [...statuses]).limit(1).executeTakeFirst();
  return r !== undefined;
}

/** The version history (without content), oldest first, limited to `statuses`. */
export function listVersions(db: Executor, entryId: string, statuses: readonly VersionStatus[]) {
  return db
    .selectFrom('catalog_versions')
    .select(['id', 'version', 'status', 'change_note', 'update_case_id', 'created_at', 'submitted_at', 'reviewed_at', 'published_at'])
    .where('entry_id', '=', entryId)
    .where('status', 'in', [...statuses])
    .orderBy('version')
    .execute();
}

/** The submitted versions awaiting review, with their entry and provider. */
/**
 * Submitted versions awaiting review, the earliest due first (then the earliest started, then by
 * code), one page of them and the total. The due date is the open review duty's.
 */
export async function listSubmitted(db: Executor, caseType: string, duty: string, page: { limit: number; offset: number }) {
  const base = db
    .selectFrom('catalog_versions as v')
    .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
    .where('v.status', '=', 'submitted');
  const [rows, count] = await Promise.all([
    base
      .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
      .leftJoin('duties as d', (j) =>
        j.on((eb) => eb.and([eb('d.case_type', '=', caseType), eb('d.duty', '=', duty), eb('d.status', '=', 'open'), eb('d.case_id', '=', sql<string>`v.id::text`)])),
      )
      .select([
        'v.id',
        'v.version',
        'v.name',
        'v.change_note',
        'v.update_case_id',
        'v.submitted_at',
        'e.id as entry_id',
        'e.code',
        'e.published_version',
        'o.id as provider_id',
        'o.name as provider_name',
      ])
      .orderBy(sql`d.due_at ASC NULLS LAST`)
      .orderBy(sql`coalesce(d.started_at, v.submitted_at) ASC NULLS LAST`)
      .orderBy('e.code')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

export async function insertReview(
  trx: Trx,
  row: { id: string; version_id: string; decision: 'approve' | 'return'; comment: string; user_id: string; org_id: string; at: Date },
): Promise<void> {
  await trx.insertInto('catalog_reviews').values(row).execute();
}

/** Review decisions on these versions, oldest first, with the reviewer's and org's names. */
export async function listReviews(db: Executor, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  return db
    .selectFrom('catalog_reviews as r')
    .innerJoin('catalog_versions as v', 'v.id', 'r.version_id')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('orgs as o', 'o.id', 'r.org_id')
    .select(['r.id', 'r.version_id', 'v.version', 'r.decision', 'r.comment', 'r.user_id', 'u.name as user_name', 'r.org_id', 'o.name as org_name', 'r.at'])
    .where('r.version_id', 'in', versionIds)
    .orderBy('r.at')
    .orderBy('v.version')
    .execute();
}

/**
 * The sharing authority that reviews catalogs: the province's own (region = the profile's
 * province) before any other, then the oldest. Null when none is registered.
 */
export function reviewingAuthority(db: Executor, provinceCode: string) {
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

// ── Update cases (000 第七条) ──

export async function insertCase(trx: Trx, row: Insertable<CatalogUpdateCasesTable>): Promise<void> {
  await trx.insertInto('catalog_update_cases').values(row).execute();
}

export function findCase(db: Executor, entryId: string, caseId: string) {
  return db.selectFrom('catalog_update_cases').selectAll().where('id', '=', caseId).where('entry_id', '=', entryId).executeTakeFirst();
}

/** An entry's update cases, oldest first, optionally only those in `statuses`. */
export function listCases(db: Executor, entryId: string, statuses?: ReadonlyArray<UpdateCaseRow['status']>) {
  let q = db.selectFrom('catalog_update_cases').selectAll().where('entry_id', '=', entryId);
  if (statuses) q = q.where('status', 'in', [...statuses]);
  return q.orderBy('opened_at').orderBy('id').execute();
}

export async function updateCases(
  trx: Trx,
  where: { entryId?: string; versionId?: string; status: UpdateCaseRow['status'] },
  set: Updateable<CatalogUpdateCasesTable>,
): Promise<UpdateCaseRow[]> {
  let q = trx.updateTable('catalog_update_cases').set(set).where('status', '=', where.status);
  if (where.entryId) q = q.where('entry_id', '=', where.entryId);
  if (where.versionId) q = q.where('version_id', '=', where.versionId);
  return q.returningAll().execute();
}

// ── Duties of the catalog's cases (read; written through kernel/deadlines.ts) ──

/** The duties of these cases, newest first per case. */
export async function dutiesOf(db: Executor, caseType: string, duty: string, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('duties')
    .selectAll()
    .where('case_type', '=', caseType)
    .where('duty', '=', duty)
    .where('case_id', 'in', caseIds)
    .orderBy('started_at', 'desc')
    .execute();
}
