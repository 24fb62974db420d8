/**
 * Queries of the gate: its own tables (opening_gate_plans, opening_gate_reports), the published
 * entry it judges (catalog tables, read only), and the aggregates of the check over a dataset
 * table of the entry's live version — class sizes and l counted in SQL, never rows in the process.
 */
import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { quoteIdent } from '../ingest/copy.js';
import type { GatePlan, OpeningGatePlansTable, OpeningGateReportsTable } from './gate.tables.js';

/** The entry by its code with its published version's name, open attribute and fields. */
export function publishedEntry(db: Executor, code: string) {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.code', 'e.provider_org_id', 'v.name', 'v.open_attr', 'v.fields'])
    .where('e.code', '=', code)
    .executeTakeFirst();
}

/** The entry by its id with its published version's fields (none while unpublished). */
export function publishedFieldsById(db: Executor, entryId: string) {
  return db
    .selectFrom('catalog_entries as e')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.code', 'v.fields'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

/** The rows of a dataset version of an entry. */
export async function versionRows(db: Executor, entryId: string, versionNo: number): Promise<number> {
  const v = await db.selectFrom('dataset_versions').select('rows').where('entry_id', '=', entryId).where('version_no', '=', versionNo).executeTakeFirst();
  return Number(v?.rows ?? 0);
}

export function findPlan(db: Executor, entryId: string) {
  return db.selectFrom('opening_gate_plans').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

/** A plan row as the plan it declares. */
export const planOf = (row: { treatments: Record<string, string>; quasi_identifiers: string[]; sensitive: string | null; min_l: number | null; consent: GatePlan['consent'] | null }): GatePlan => ({
  treatments: row.treatments ?? {},
  quasiIdentifiers: row.quasi_identifiers ?? [],
  sensitive: row.sensitive,
  minL: row.min_l,
  consent: row.consent ?? null,
});

/** Declares or replaces an entry's plan; its pseudonym nonce is made once, with the first plan. */
export async function upsertPlan(trx: Trx, row: Insertable<OpeningGatePlansTable>): Promise<void> {
  const { entry_id: _entry, pseudonym_nonce: _nonce, ...update } = row;
  await trx
    .insertInto('opening_gate_plans')
    .values(row)
    .onConflict((oc) => oc.column('entry_id').doUpdateSet(update))
    .execute();
}

/** The latest gate report of a version of an entry. */
export function latestReport(db: Executor, entryId: string, versionNo: number) {
  return db.selectFrom('opening_gate_reports').selectAll().where('entry_id', '=', entryId).where('version_no', '=', versionNo).orderBy('seq', 'desc').executeTakeFirst();
}

/** An entry's latest reports, of every version, newest first. */
export function recentReports(db: Executor, entryId: string, limit: number) {
  return db.selectFrom('opening_gate_reports').selectAll().where('entry_id', '=', entryId).orderBy('seq', 'desc').limit(limit).execute();
}

export async function insertReport(trx: Trx, row: Insertable<OpeningGateReportsTable>) {
  return trx.insertInto('opening_gate_reports').values(row).returningAll().executeTakeFirstOrThrow();
}

// ── The check's aggregates over a dataset table ──

const tableRef = (table: string) => sql.raw(`datasets.${quoteIdent(table)}`);
const groupBy = (exprs: readonly RawBuilder<unknown>[]) => (exprs.length ? sql`GROUP BY ${sql.join(exprs)}` : sql``);
const num = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export async function countRows(db: Executor, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${tableRef(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The equivalence classes of the quasi-identifier expressions: rows, classes, the smallest, and
 * how many classes (and their rows) have fewer than k. Without expressions all rows are one class.
 */
export async function classStats(db: Executor, table: string, exprs: readonly RawBuilder<unknown>[], k: number) {
  const r = await sql<{ rows: number | string | null; classes: number | string; smallest: number | string | null; below: number | string; rows_below: number | string | null }>`
    SELECT sum(n) AS rows, count(*) AS classes, min(n) AS smallest,
           count(*) FILTER (WHERE n < ${k}) AS below, sum(n) FILTER (WHERE n < ${k}) AS rows_below
      FROM (SELECT count(*) AS n FROM ${tableRef(table)} ${groupBy(exprs)}) g
     WHERE n > 0`.execute(db);
  const s = r.rows[0];
  return {
    rows: num(s?.rows) ?? 0,
    classes: num(s?.classes) ?? 0,
    smallest: num(s?.smallest),
    classesBelowK: num(s?.below) ?? 0,
    rowsBelowK: num(s?.rows_below) ?? 0,
  };
}

/** The classes below k, smallest first then by their values, at most `limit`: each its values (in expression order) and size. */
export async function classesBelow(db: Executor, table: string, exprs: readonly RawBuilder<unknown>[], k: number, limit: number): Promise<Array<{ values: unknown[]; size: number }>> {
  const alias = (i: number) => sql.raw(quoteIdent(`q${i}`));
  const cols = exprs.map((e, i) => sql`${e} AS ${alias(i)}`);
  const order = [sql.raw('"__n"'), ...exprs.map((_, i) => alias(i))];
  const r = await sql<Record<string, unknown>>`
    SELECT ${sql.join([...cols, sql`count(*) AS "__n"`])} FROM ${tableRef(table)} ${groupBy(exprs)}
    HAVING count(*) < ${k} ORDER BY ${sql.join(order)} LIMIT ${limit}`.execute(db);
  return r.rows.map((row) => ({ values: exprs.map((_, i) => row[`q${i}`] ?? null), size: Number(row.__n) }));
}

/** Distinct l: the fewest distinct values of the sensitive expression in any class (null without rows). */
export async function distinctL(db: Executor, table: string, exprs: readonly RawBuilder<unknown>[], sensitive: RawBuilder<unknown>): Promise<number | null> {
  const r = await sql<{ l: number | string | null }>`SELECT min(l) AS l FROM (SELECT count(DISTINCT ${sensitive}) AS l FROM ${tableRef(table)} ${groupBy(exprs)}) g`.execute(db);
  return num(r.rows[0]?.l);
}
