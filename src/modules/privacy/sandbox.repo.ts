/**
 * Queries of the sandbox: its own tables (sandbox_queries, sandbox_epsilon_ledger), and the
 * look-ups it exists for — an org's sandbox grants with their entries and live data tables, and the
 * implementing agencies to notify. Grants, entries, versions and loads are written by their own
 * modules; the sandbox reads them as delivery does (delivery/repo.ts).
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { CatalogField } from '../catalog/tables.js';
import type { GrantStatus } from '../sharing/tables.js';
import type { ReleaseStatus, SandboxQueriesTable } from './sandbox.tables.js';

/** A grant naming `sandbox` among its methods, with its entry and the entry's live data. */
export interface SandboxGrantRow {
  grant_id: string;
  entry_id: string;
  entry_code: string;
  entry_name: string | null;
  provider_org_id: string;
  purpose: string;
  fields: string[];
  row_filter: Record<string, unknown> | null;
  status: GrantStatus;
  valid_until: Date;
  column_policies: Record<string, unknown> | null;
  min_group_size: number | null;
  dp_epsilon_budget: string | null;
  dp_epsilon_per_query: string | null;
  dp_bounds: Record<string, unknown> | null;
  dp_max_rows_per_subject: number | null;
  release_approval: boolean;
  published_fields: CatalogField[] | null;
  table_name: string | null;
  live_fields: CatalogField[] | null;
  created_at: Date;
}

/**
 * The org's grants with method `sandbox`, whatever their status (the caller reads the status as
 * a read sees it now), newest first: each with its entry's code and published name and fields, and
 * the live version's table and the fields that table was built from (null before the first load).
 */
export async function sandboxGrantsOf(db: Executor, orgId: string): Promise<SandboxGrantRow[]> {
  const r = await sql<SandboxGrantRow>`
    SELECT g.id AS grant_id, g.entry_id, e.code AS entry_code, v.name AS entry_name, g.provider_org_id, g.purpose,
           g.fields, g.row_filter, g.status, g.valid_until, g.column_policies, g.min_group_size,
           g.dp_epsilon_budget::text AS dp_epsilon_budget, g.dp_epsilon_per_query::text AS dp_epsilon_per_query,
           g.dp_bounds, g.dp_max_rows_per_subject, g.release_approval,
           v.fields AS published_fields, d.table_name, lv.fields AS live_fields, g.created_at
      FROM grants g
      JOIN catalog_entries e ON e.id = g.entry_id
      LEFT JOIN catalog_versions v ON v.entry_id = e.id AND v.version = e.published_version
      LEFT JOIN dataset_versions d ON d.entry_id = e.id AND d.live
      LEFT JOIN loads l ON l.id = d.load_id
      LEFT JOIN catalog_versions lv ON lv.entry_id = d.entry_id AND lv.version = l.catalog_version
     WHERE g.subject_org_id = ${orgId} AND 'sandbox' = ANY(g.methods)
     ORDER BY g.created_at DESC, g.id`.execute(db);
  return r.rows;
}

/** The release settings of some grants (a query's own, read when its release is asked). */
export async function releaseApprovals(db: Executor, grantIds: readonly string[]): Promise<Array<{ id: string; release_approval: boolean }>> {
  if (grantIds.length === 0) return [];
  const r = await sql<{ id: string; release_approval: boolean }>`SELECT id, release_approval FROM grants WHERE id = ANY(${[...grantIds]}::uuid[])`.execute(db);
  return r.rows;
}

/** Locks grants (in id order, so two queries never wait on each other crosswise) while their ε is charged. */
export async function lockGrants(trx: Trx, grantIds: readonly string[]): Promise<void> {
  if (grantIds.length === 0) return;
  await sql`SELECT id FROM grants WHERE id = ANY(${[...grantIds].sort()}::uuid[]) ORDER BY id FOR UPDATE`.execute(trx);
}

// ── The ε ledger ──

/** ε spent so far per (grant, dataset), as exact decimal text. */
export async function epsilonSpent(db: Executor, grantIds: readonly string[]): Promise<Map<string, string>> {
  if (grantIds.length === 0) return new Map();
  const r = await sql<{ grant_id: string; entry_id: string; spent: string }>`
    SELECT grant_id, entry_id, sum(epsilon)::text AS spent FROM sandbox_epsilon_ledger
     WHERE grant_id = ANY(${[...grantIds]}::uuid[]) GROUP BY grant_id, entry_id`.execute(db);
  return new Map(r.rows.map((x) => [ledgerKey(x.grant_id, x.entry_id), x.spent]));
}

export const ledgerKey = (grantId: string, entryId: string) => `${grantId}/${entryId}`;

export async function chargeEpsilon(trx: Trx, rows: Array<{ grantId: string; entryId: string; queryId: string; epsilon: string; at: Date }>): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('sandbox_epsilon_ledger')
    .values(rows.map((r) => ({ grant_id: r.grantId, entry_id: r.entryId, query_id: r.queryId, epsilon: r.epsilon, created_at: r.at })))
    .execute();
}

// ── Queries ──

export async function insertQuery(trx: Trx, row: Insertable<SandboxQueriesTable>): Promise<void> {
  await trx.insertInto('sandbox_queries').values(row).execute();
}

export async function updateQuery(trx: Trx, id: string, set: Updateable<SandboxQueriesTable>): Promise<void> {
  await trx.updateTable('sandbox_queries').set(set).where('id', '=', id).execute();
}

export function findQuery(db: Executor, id: string) {
  return db.selectFrom('sandbox_queries').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockQuery(trx: Trx, id: string) {
  return trx.selectFrom('sandbox_queries').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** What a query list may be narrowed by. */
export interface QueryFilter {
  id?: string;
  orgId?: string;
  decision?: 'accepted' | 'rejected';
  releaseStatus?: ReleaseStatus;
  /** Only queries whose release was asked. */
  releaseAsked?: boolean;
}

function filtered(db: Executor, f: QueryFilter) {
  let q = db.selectFrom('sandbox_queries as q').innerJoin('users as u', 'u.id', 'q.user_id').innerJoin('orgs as o', 'o.id', 'q.org_id');
  if (f.id) q = q.where('q.id', '=', f.id);
  if (f.orgId) q = q.where('q.org_id', '=', f.orgId);
  if (f.decision) q = q.where('q.decision', '=', f.decision);
  if (f.releaseStatus) q = q.where('q.release_status', '=', f.releaseStatus);
  if (f.releaseAsked) q = q.where('q.release_status', 'is not', null);
  return q;
}

/** Queries without their rows, newest first (releases: oldest asked first), one page of them. */
export function listQueries(db: Executor, f: QueryFilter, page: { limit: number; offset: number }) {
  let q = filtered(db, f).select([
    'q.id',
    'q.org_id',
    'o.name as org_name',
    'q.user_id',
    'u.name as user_name',
    'q.sql',
    'q.decision',
    'q.violation',
    'q.columns',
    'q.row_count',
    'q.truncated',
    'q.suppressed_groups',
    'q.epsilon_spent',
    'q.output_hash',
    'q.duration_ms',
    'q.release_status',
    'q.release_scan',
    'q.release_requested_at',
    'q.release_decided_at',
    'q.release_reason',
    'q.created_at',
  ]);
  q = f.releaseAsked ? q.orderBy('q.release_requested_at', 'asc') : q.orderBy('q.created_at', 'desc');
  return q.orderBy('q.id').limit(page.limit).offset(page.offset).execute();
}
export type QueryListRow = Awaited<ReturnType<typeof listQueries>>[number];

export async function countQueries(db: Executor, f: QueryFilter): Promise<number> {
  const r = await filtered(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The orgs acting as implementing agency (实施机构), to be told of a result waiting for approval. */
export async function implementingAgencies(db: Executor): Promise<string[]> {
  const r = await sql<{ id: string }>`SELECT id FROM orgs WHERE 'implementing_agency' = ANY(roles) ORDER BY id`.execute(db);
  return r.rows.map((x) => x.id);
}
