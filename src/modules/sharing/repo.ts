/**
 * Queries on the sharing module's tables (share_requests, share_instant_conditions, grants),
 * database handle first. Reads of `orgs`, `users`, `catalog_entries`, `catalog_versions` and
 * `duties` are joins or checks for names, the published version and due dates only; those tables
 * are written by their own modules (duties through the kernel's ledger functions).
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { Attr, CatalogField } from '../catalog/tables.js';
import type { GrantsTable, ShareInstantConditionsTable, ShareRequestsTable, ShareRequestStatus } from './tables.js';

export type ShareRequestRow = Selectable<ShareRequestsTable>;
export type GrantRow = Selectable<GrantsTable>;
export type InstantConditionsRow = Selectable<ShareInstantConditionsTable>;

/** A catalog entry at its published version: what a share request needs of it. */
export interface PublishedEntry {
  id: string;
  code: string;
  provider_org_id: string;
  provider_name: string;
  version: number;
  name: string;
  fields: CatalogField[];
  share_attr: Attr;
  no_share_basis: string | null;
  provision_methods: string[];
}

export function findPublishedEntry(db: Executor, entryId: string): Promise<PublishedEntry | undefined> {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .select(['e.id', 'e.code', 'e.provider_org_id', 'o.name as provider_name', 'v.version', 'v.name', 'v.fields', 'v.share_attr', 'v.no_share_basis', 'v.provision_methods'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

/** Whether an entry exists at all (to tell "not published" from "no such entry"). */
export async function entryExists(db: Executor, entryId: string): Promise<boolean> {
  return !!(await db.selectFrom('catalog_entries').select('id').where('id', '=', entryId).executeTakeFirst());
}

// ── Requests ──

export async function insertRequest(trx: Trx, row: Insertable<ShareRequestsTable>): Promise<void> {
  await trx.insertInto('share_requests').values(row).execute();
}

export async function updateRequest(trx: Trx, id: string, set: Updateable<ShareRequestsTable>): Promise<void> {
  await trx.updateTable('share_requests').set(set).where('id', '=', id).execute();
}

export function lockRequest(trx: Trx, id: string) {
  return trx.selectFrom('share_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Requests with the names a view shows, newest first. */
export function listRequests(db: Executor, filter: { id?: string; requesterOrgId?: string; providerOrgId?: string; status?: ShareRequestStatus; signedOnly?: boolean }) {
  let q = db
    .selectFrom('share_requests as r')
    .innerJoin('catalog_entries as e', 'e.id', 'r.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'r.entry_id').onRef('v.version', '=', 'r.entry_version'))
    .innerJoin('orgs as po', 'po.id', 'r.provider_org_id')
    .innerJoin('orgs as ro', 'ro.id', 'r.requester_org_id')
    .innerJoin('users as ru', 'ru.id', 'r.created_by')
    .selectAll('r')
    .select(['e.code as entry_code', 'v.name as entry_name', 'po.name as provider_name', 'ro.name as requester_org_name', 'ru.name as requester_user_name']);
  if (filter.id) q = q.where('r.id', '=', filter.id);
  if (filter.requesterOrgId) q = q.where('r.requester_org_id', '=', filter.requesterOrgId);
  if (filter.providerOrgId) q = q.where('r.provider_org_id', '=', filter.providerOrgId);
  if (filter.status) q = q.where('r.status', '=', filter.status);
  if (filter.signedOnly) q = q.where('r.status', '<>', 'awaiting_signature');
  return q.orderBy('r.created_at', 'desc').orderBy('r.id').limit(500).execute();
}
export type RequestListRow = Awaited<ReturnType<typeof listRequests>>[number];

export async function dutiesOf(db: Executor, caseType: string, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db.selectFrom('duties').selectAll().where('case_type', '=', caseType).where('case_id', 'in', caseIds).execute();
}

export function openDutyOf(trx: Trx, caseType: string, caseId: string, duty: string) {
  return trx.selectFrom('duties').selectAll().where('case_type', '=', caseType).where('case_id', '=', caseId).where('duty', '=', duty).where('status', '=', 'open').executeTakeFirst();
}

/** The sharing authority that supervises sharing deadlines (供需对接, 000 第十四条): the province's own first. */
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

export function findOrg(db: Executor, id: string) {
  return db.selectFrom('orgs').select(['id', 'name', 'roles']).where('id', '=', id).executeTakeFirst();
}

// ── Instant-share conditions ──

export function findInstantConditions(db: Executor, entryId: string) {
  return db.selectFrom('share_instant_conditions').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

export async function upsertInstantConditions(trx: Trx, row: Insertable<ShareInstantConditionsTable>): Promise<void> {
  await trx
    .insertInto('share_instant_conditions')
    .values(row)
    .onConflict((oc) =>
      oc.column('entry_id').doUpdateSet({
        requester_org_ids: row.requester_org_ids ?? [],
        requester_org_roles: row.requester_org_roles ?? [],
        fields: row.fields ?? null,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

// ── Grants ──

export async function insertGrant(trx: Trx, row: Insertable<GrantsTable>): Promise<void> {
  await trx.insertInto('grants').values(row).execute();
}

export async function updateGrant(trx: Trx, id: string, set: Updateable<GrantsTable>): Promise<void> {
  await trx.updateTable('grants').set(set).where('id', '=', id).execute();
}

export function lockGrant(trx: Trx, id: string) {
  return trx.selectFrom('grants').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findGrant(db: Executor, id: string) {
  return db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A subject's grants on one entry, newest first. */
export function grantsOf(db: Executor, subjectOrgId: string, entryId: string) {
  return db.selectFrom('grants').selectAll().where('subject_org_id', '=', subjectOrgId).where('entry_id', '=', entryId).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Grants with the names a view shows, newest first. */
export function listGrants(db: Executor, filter: { id?: string; subjectOrgId?: string; providerOrgId?: string; eitherOrgId?: string }) {
  let q = db
    .selectFrom('grants as g')
    .innerJoin('catalog_entries as e', 'e.id', 'g.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as po', 'po.id', 'g.provider_org_id')
    .innerJoin('orgs as so', 'so.id', 'g.subject_org_id')
    .selectAll('g')
    .select(['e.code as entry_code', 'v.name as entry_name', 'po.name as provider_name', 'so.name as subject_name']);
  if (filter.id) q = q.where('g.id', '=', filter.id);
  if (filter.subjectOrgId) q = q.where('g.subject_org_id', '=', filter.subjectOrgId);
  if (filter.providerOrgId) q = q.where('g.provider_org_id', '=', filter.providerOrgId);
  const either = filter.eitherOrgId;
  if (either) q = q.where((eb) => eb.or([eb('g.subject_org_id', '=', either), eb('g.provider_org_id', '=', either)]));
  return q.orderBy('g.created_at', 'desc').orderBy('g.id').limit(500).execute();
}
export type GrantListRow = Awaited<ReturnType<typeof listGrants>>[number];
