/**
 * Queries on the quality module's tables (quality_corrections, quality_scores,
 * quality_references), database handle first. Reads of `orgs`, `users`, `catalog_entries`,
 * `catalog_versions`, `duties` and `loads` are joins or checks for names, published data items and due dates only;
 * those tables are written by their own modules.
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { CatalogField } from '../catalog/tables.js';
import type { CorrectionStatus, QualityCorrectionsTable, QualityScoresTable } from './tables.js';

export type CorrectionRow = Selectable<QualityCorrectionsTable>;
export type ScoreRow = Selectable<QualityScoresTable>;

/** A catalog entry at its published version: what a correction or a score needs of it. */
export interface PublishedEntry {
  id: string;
  code: string;
  provider_org_id: string;
  provider_name: string;
  name: string;
  fields: CatalogField[];
  update_frequency: string;
}

export function findPublishedEntry(db: Executor, entryId: string): Promise<PublishedEntry | undefined> {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .select(['e.id', 'e.code', 'e.provider_org_id', 'o.name as provider_name', 'v.name', 'v.fields', 'v.update_frequency'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

// ── Corrections ──

export async function insertCorrection(trx: Trx, row: Insertable<QualityCorrectionsTable>): Promise<void> {
  await trx.insertInto('quality_corrections').values(row).execute();
}

export async function updateCorrection(trx: Trx, id: string, set: Updateable<QualityCorrectionsTable>): Promise<void> {
  await trx.updateTable('quality_corrections').set(set).where('id', '=', id).execute();
}

export function lockCorrection(trx: Trx, id: string) {
  return trx.selectFrom('quality_corrections').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Cases with the names a view shows, newest first. */
export function listCorrections(db: Executor, filter: { id?: string; reporterOrgId?: string; providerOrgId?: string; status?: CorrectionStatus }) {
  let q = db
    .selectFrom('quality_corrections as c')
    .innerJoin('catalog_entries as e', 'e.id', 'c.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as po', 'po.id', 'c.provider_org_id')
    .innerJoin('orgs as ro', 'ro.id', 'c.reporter_org_id')
    .innerJoin('users as ru', 'ru.id', 'c.reporter_user_id')
    .selectAll('c')
    .select(['e.code as entry_code', 'v.name as entry_name', 'v.fields as entry_fields', 'po.name as provider_name', 'ro.name as reporter_org_name', 'ru.name as reporter_user_name']);
  if (filter.id) q = q.where('c.id', '=', filter.id);
  if (filter.reporterOrgId) q = q.where('c.reporter_org_id', '=', filter.reporterOrgId);
  if (filter.providerOrgId) q = q.where('c.provider_org_id', '=', filter.providerOrgId);
  if (filter.status) q = q.where('c.status', '=', filter.status);
  return q.orderBy('c.created_at', 'desc').orderBy('c.id').limit(500).execute();
}

export async function dutiesOf(db: Executor, caseType: string, duty: string, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db.selectFrom('duties').selectAll().where('case_type', '=', caseType).where('duty', '=', duty).where('case_id', 'in', caseIds).execute();
}

/** The sharing authority that coordinates corrections (统筹, 000 第四十二条): the province's own first. */
export function coordinatingAuthority(db: Executor, provinceCode: string) {
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

// ── Scores ──

export async function insertScore(trx: Trx, row: Insertable<QualityScoresTable>): Promise<void> {
  await trx.insertInto('quality_scores').values(row).execute();
}

/** The entry's newest score before `at`. */
export function previousScore(db: Executor, entryId: string, at: Date) {
  return db.selectFrom('quality_scores').selectAll().where('entry_id', '=', entryId).where('at', '<', at).orderBy('at', 'desc').limit(1).executeTakeFirst();
}

/** The entry's scores, oldest first (for charting). */
export function scoreHistory(db: Executor, entryId: string, limit = 1000) {
  return db.selectFrom('quality_scores').selectAll().where('entry_id', '=', entryId).orderBy('at').orderBy('version_no').limit(limit).execute();
}

/**
 * The newest score of every scored entry (of one org's entries, when given; before `before`, when
 * given), with the entry's name and provider.
 */
export function latestScores(db: Executor, filter: { orgId?: string; before?: Date } = {}) {
  let q = db
    .selectFrom('quality_scores as s')
    .innerJoin('catalog_entries as e', 'e.id', 's.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .distinctOn('s.entry_id')
    .selectAll('s')
    .select(['v.name as entry_name', 'e.code as entry_code', 'e.provider_org_id', 'o.name as provider_name']);
  if (filter.orgId) q = q.where('e.provider_org_id', '=', filter.orgId);
  if (filter.before) q = q.where('s.at', '<', filter.before);
  return q.orderBy('s.entry_id').orderBy('s.at', 'desc').orderBy('s.version_no', 'desc').execute();
}

/**
 * Scores since `since`, oldest first, of the entries an org provides (or of every entry when
 * `orgId` is null): what a trend is drawn from.
 */
export function scoresSince(db: Executor, orgId: string | null, since: Date, limit = 50_000) {
  let q = db
    .selectFrom('quality_scores as s')
    .innerJoin('catalog_entries as e', 'e.id', 's.entry_id')
    .select(['s.entry_id', 's.at', 's.completeness', 's.validity', 's.uniqueness', 's.consistency', 's.timeliness', 's.overall'])
    .where('s.at', '>=', since);
  if (orgId) q = q.where('e.provider_org_id', '=', orgId);
  return q.orderBy('s.at').orderBy('s.version_no').limit(limit).execute();
}

export function findOrg(db: Executor, id: string) {
  return db.selectFrom('orgs').select(['id', 'name', 'region_code']).where('id', '=', id).executeTakeFirst();
}

export function findReference(db: Executor, kind: string) {
  return db.selectFrom('quality_references').selectAll().where('kind', '=', kind).executeTakeFirst();
}

export async function upsertReference(trx: Trx, row: { kind: string; entry_id: string; field: string; updated_at: Date }): Promise<void> {
  await trx
    .insertInto('quality_references')
    .values(row)
    .onConflict((oc) => oc.column('kind').doUpdateSet({ entry_id: row.entry_id, field: row.field, updated_at: row.updated_at }))
    .execute();
}

/** A load of the entry's data (written by the ingest module): what an answer that names it checks. */
export function findLoad(db: Executor, id: string) {
  return db.selectFrom('loads').select(['id', 'entry_id', 'status', 'finished_at']).where('id', '=', id).executeTakeFirst();
}
