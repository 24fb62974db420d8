/**
 * Queries on `open_applications`, database handle first. Reads of `orgs`, `users`,
 * `catalog_entries`, `catalog_versions`, `duties` and `audit_events` are joins for names, the
 * published version, due dates and the timeline only; those tables are written by their owners.
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { Attr, CatalogField } from '../catalog/tables.js';
import type { OpenApplicationsTable, OpenApplicationStatus } from './applications.tables.js';

/** A catalog entry at its published version: what an application needs of it. */
export interface PublishedEntry {
  id: string;
  code: string;
  provider_org_id: string;
  provider_name: string;
  version: number;
  name: string;
  fields: CatalogField[];
  open_attr: Attr;
  not_open_reason: string | null;
}

export function findPublishedEntry(db: Executor, entryId: string): Promise<PublishedEntry | undefined> {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .select(['e.id', 'e.code', 'e.provider_org_id', 'o.name as provider_name', 'v.version', 'v.name', 'v.fields', 'v.open_attr', 'v.not_open_reason'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

export async function insertApplication(trx: Trx, row: Insertable<OpenApplicationsTable>): Promise<void> {
  await trx.insertInto('open_applications').values(row).execute();
}

export async function updateApplication(trx: Trx, id: string, set: Updateable<OpenApplicationsTable>): Promise<void> {
  await trx.updateTable('open_applications').set(set).where('id', '=', id).execute();
}

export function lockApplication(trx: Trx, id: string) {
  return trx.selectFrom('open_applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export interface ApplicationFilter {
  id?: string;
  applicantOrgId?: string;
  providerOrgId?: string;
  /** Applications with an extension awaiting approvers. */
  extensionRequested?: boolean;
  status?: OpenApplicationStatus;
}

function base(db: Executor, f: ApplicationFilter) {
  let q = db
    .selectFrom('open_applications as a')
    .innerJoin('catalog_entries as e', 'e.id', 'a.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'a.entry_id').onRef('v.version', '=', 'a.entry_version'))
    .innerJoin('orgs as po', 'po.id', 'a.provider_org_id')
    .innerJoin('orgs as ao', 'ao.id', 'a.applicant_org_id')
    .innerJoin('users as au', 'au.id', 'a.created_by');
  if (f.id) q = q.where('a.id', '=', f.id);
  if (f.applicantOrgId) q = q.where('a.applicant_org_id', '=', f.applicantOrgId);
  if (f.providerOrgId) q = q.where('a.provider_org_id', '=', f.providerOrgId);
  if (f.extensionRequested) q = q.where('a.extension_status', '=', 'requested');
  if (f.status) q = q.where('a.status', '=', f.status);
  return q;
}

/** Applications with the names a view shows, newest first, one page. */
export function listApplications(db: Executor, f: ApplicationFilter, page: { limit: number; offset: number } = { limit: 1, offset: 0 }) {
  return base(db, f)
    .selectAll('a')
    .select(['e.code as entry_code', 'v.name as entry_name', 'po.name as provider_name', 'ao.name as applicant_org_name', 'ao.kind as applicant_kind', 'au.name as applicant_user_name'])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
export type ApplicationListRow = Awaited<ReturnType<typeof listApplications>>[number];

export async function countApplications(db: Executor, f: ApplicationFilter): Promise<number> {
  const r = await base(db, f).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function dutiesOf(db: Executor, caseType: string, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db.selectFrom('duties').selectAll().where('case_type', '=', caseType).where('case_id', 'in', caseIds).execute();
}

export function openDutyOf(trx: Trx, caseType: string, caseId: string, duty: string) {
  return trx.selectFrom('duties').selectAll().where('case_type', '=', caseType).where('case_id', '=', caseId).where('duty', '=', duty).where('status', '=', 'open').executeTakeFirst();
}

/** The org holding an org role, the province's own first (e.g. the sharing authority, the platform operator). */
export function orgWithRole(db: Executor, role: string, provinceCode: string) {
  return db
    .selectFrom('orgs')
    .select(['id', 'name'])
    .where(sql<boolean>`${role} = ANY(roles)`)
    .orderBy(sql`region_code = ${provinceCode}`, 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** The audit events of one application, oldest first, with the actor's names: its timeline. */
export function timelineOf(db: Executor, id: string) {
  return db
    .selectFrom('audit_events as ev')
    .leftJoin('users as u', 'u.id', 'ev.actor_user_id')
    .leftJoin('orgs as o', 'o.id', 'ev.actor_org_id')
    .select(['ev.seq', 'ev.at', 'ev.action', 'ev.details', 'u.name as user_name', 'o.name as org_name'])
    .where('ev.object_type', '=', 'open_application')
    .where('ev.object_id', '=', id)
    .orderBy('ev.seq')
    .execute();
}

/** Applications filed in a year (Beijing time) with their reply duty's due instant, for the report. */
export function applicationsOfYear(db: Executor, from: Date, to: Date, caseType: string, duty: string) {
  return db
    .selectFrom('open_applications as a')
    // duties.case_id is text (every module's ids); the uuid is compared as text.
    .leftJoin('duties as d', (j) => j.on(sql<boolean>`d.case_id = a.id::text`).on('d.case_type', '=', caseType).on('d.duty', '=', duty))
    .select(['a.id', 'a.status', 'a.decided_at', 'd.due_at'])
    .where('a.created_at', '>=', from)
    .where('a.created_at', '<', to)
    .execute();
}
