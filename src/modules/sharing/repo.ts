/**
 * Queries on the sharing module's tables (share_requests, share_instant_conditions, grants),
 * database handle first. Reads of `orgs`, `users`, `catalog_entries`, `catalog_versions` and
 * `duties` are joins or checks for names, the published version and due dates only; those tables
 * are written by their own modules (duties through the kernel's ledger functions).
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { Attr, CatalogField } from '../catalog/tables.js';
import type { ExtensionStatus, GrantStatus, GrantsTable, ShareInstantConditionsTable, ShareRequestsTable, ShareRequestStatus } from './tables.js';

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

/** What a request list may be narrowed by (each optional). */
export interface RequestFilter {
  id?: string;
  requesterOrgId?: string;
  providerOrgId?: string;
  status?: ShareRequestStatus;
  signedOnly?: boolean;
  entryId?: string | undefined;
  /** The org on the other side of either party (requester or provider). */
  counterpartOrgId?: string | undefined;
  /** Created at or after / before. */
  createdFrom?: Date;
  createdBefore?: Date;
  /** Extension applications: their status ('any': every request with one), and the org that decides them. */
  extensionStatus?: ExtensionStatus | 'any';
  extensionOwnerOrgId?: string;
}

export interface Page {
  limit: number;
  offset: number;
}

function requestsFiltered(db: Executor, filter: RequestFilter) {
  let q = db
    .selectFrom('share_requests as r')
    .innerJoin('catalog_entries as e', 'e.id', 'r.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'r.entry_id').onRef('v.version', '=', 'r.entry_version'))
    .innerJoin('orgs as po', 'po.id', 'r.provider_org_id')
    .innerJoin('orgs as ro', 'ro.id', 'r.requester_org_id')
    .innerJoin('users as ru', 'ru.id', 'r.created_by');
  if (filter.id) q = q.where('r.id', '=', filter.id);
  if (filter.requesterOrgId) q = q.where('r.requester_org_id', '=', filter.requesterOrgId);
  if (filter.providerOrgId) q = q.where('r.provider_org_id', '=', filter.providerOrgId);
  if (filter.status) q = q.where('r.status', '=', filter.status);
  if (filter.signedOnly) q = q.where('r.status', '<>', 'awaiting_signature');
  if (filter.entryId) q = q.where('r.entry_id', '=', filter.entryId);
  const other = filter.counterpartOrgId;
  if (other) q = q.where((eb) => eb.or([eb('r.requester_org_id', '=', other), eb('r.provider_org_id', '=', other)]));
  if (filter.createdFrom) q = q.where('r.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('r.created_at', '<', filter.createdBefore);
  if (filter.extensionStatus === 'any') q = q.where('r.extension_status', 'is not', null);
  else if (filter.extensionStatus) q = q.where('r.extension_status', '=', filter.extensionStatus);
  const owner = filter.extensionOwnerOrgId;
  if (owner) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('duties as d')
          .select('d.id')
          .where('d.case_type', '=', 'share_request')
          .whereRef('d.case_id', '=', sql<string>`r.id::text`)
          .where('d.duty', '=', 'extension_decision')
          .where('d.owner_org_id', '=', owner),
      ),
    );
  }
  return q;
}

/**
 * Requests with the names a view shows, newest first (extension lists: oldest application first,
 * so the soonest due leads), one page of them (500 at most when no page is given).
 */
export function listRequests(db: Executor, filter: RequestFilter, page: Page = { limit: 500, offset: 0 }) {
  let q = requestsFiltered(db, filter)
    .selectAll('r')
    .select(['e.code as entry_code', 'v.name as entry_name', 'po.name as provider_name', 'ro.name as requester_org_name', 'ru.name as requester_user_name']);
  q = filter.extensionStatus ? q.orderBy('r.extension_requested_at', filter.extensionStatus === 'requested' ? 'asc' : 'desc') : q.orderBy('r.created_at', 'desc');
  return q.orderBy('r.id').limit(page.limit).offset(page.offset).execute();
}

export async function countRequests(db: Executor, filter: RequestFilter): Promise<number> {
  const r = await requestsFiltered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
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

/** What a grant list may be narrowed by (each optional). */
export interface GrantFilter {
  id?: string;
  subjectOrgId?: string;
  providerOrgId?: string;
  eitherOrgId?: string;
  /** The status a read sees at `at` (past `valid_until` reads as expired unless revoked). */
  status?: GrantStatus;
  at?: Date;
  entryId?: string | undefined;
  counterpartOrgId?: string | undefined;
  createdFrom?: Date;
  createdBefore?: Date;
}

function grantsFiltered(db: Executor, filter: GrantFilter) {
  let q = db
    .selectFrom('grants as g')
    .innerJoin('catalog_entries as e', 'e.id', 'g.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as po', 'po.id', 'g.provider_org_id')
    .innerJoin('orgs as so', 'so.id', 'g.subject_org_id');
  if (filter.id) q = q.where('g.id', '=', filter.id);
  if (filter.subjectOrgId) q = q.where('g.subject_org_id', '=', filter.subjectOrgId);
  if (filter.providerOrgId) q = q.where('g.provider_org_id', '=', filter.providerOrgId);
  const either = filter.eitherOrgId;
  if (either) q = q.where((eb) => eb.or([eb('g.subject_org_id', '=', either), eb('g.provider_org_id', '=', either)]));
  const other = filter.counterpartOrgId;
  if (other) q = q.where((eb) => eb.or([eb('g.subject_org_id', '=', other), eb('g.provider_org_id', '=', other)]));
  if (filter.entryId) q = q.where('g.entry_id', '=', filter.entryId);
  if (filter.createdFrom) q = q.where('g.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('g.created_at', '<', filter.createdBefore);
  const at = filter.at ?? new Date();
  // The same rule as effectiveGrantStatus (rules.ts), in SQL.
  switch (filter.status) {
    case 'revoked':
      q = q.where('g.status', '=', 'revoked');
      break;
    case 'expired':
      q = q.where('g.status', '<>', 'revoked').where('g.valid_until', '<=', at);
      break;
    case 'active':
    case 'suspended':
      q = q.where('g.status', '=', filter.status).where('g.valid_until', '>', at);
      break;
    default:
      break;
  }
  return q;
}

/** Grants with the names a view shows (and the published version's fields), newest first, one page of them. */
export function listGrants(db: Executor, filter: GrantFilter, page: Page = { limit: 500, offset: 0 }) {
  return grantsFiltered(db, filter)
    .selectAll('g')
    .select(['e.code as entry_code', 'v.name as entry_name', 'v.fields as entry_fields', 'po.name as provider_name', 'so.name as subject_name'])
    .orderBy('g.created_at', 'desc')
    .orderBy('g.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countGrants(db: Executor, filter: GrantFilter): Promise<number> {
  const r = await grantsFiltered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Grants still recorded active or suspended whose time limit has passed at `at`, oldest first: the expiry job's batch. */
export function lapsedGrants(trx: Trx, at: Date, limit: number) {
  return trx
    .selectFrom('grants as g')
    .innerJoin('catalog_entries as e', 'e.id', 'g.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['g.id', 'g.status', 'g.subject_org_id', 'g.provider_org_id', 'g.entry_id', 'g.valid_until', 'e.code as entry_code', 'v.name as entry_name'])
    .where('g.status', 'in', ['active', 'suspended'])
    .where('g.valid_until', '<=', at)
    .orderBy('g.valid_until')
    .orderBy('g.id')
    .limit(limit)
    .forUpdate('g')
    .execute();
}
export type GrantListRow = Awaited<ReturnType<typeof listGrants>>[number];
