/** Queries on the ingest module's tables and on the dynamic dataset tables of schema `datasets`. */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import type { CatalogField } from '../catalog/tables.js';
import { quoteIdent } from './copy.js';
import type { DatasetVersionsTable, LoadErrorsTable, LoadsTable } from './tables.js';
import { SQL_TYPES } from './validators.js';

export type LoadRow = Selectable<LoadsTable>;
export type DatasetVersionRow = Selectable<DatasetVersionsTable>;

const table = (name: string) => sql.raw(`datasets.${quoteIdent(name)}`);

/** Creates the typed table of one dataset version from the entry's fields. */
export async function createDatasetTable(db: Executor, name: string, fields: readonly CatalogField[]): Promise<void> {
  const cols = fields.map((f) => `${quoteIdent(f.name)} ${SQL_TYPES[f.type]}`).join(', ');
  await sql`CREATE TABLE ${table(name)} (${sql.raw(cols)})`.execute(db);
}

export async function dropDatasetTable(db: Executor, name: string): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${table(name)}`.execute(db);
}

/**
 * Index on the key fields, used by an upsert's merge (and by reads by key later). With
 * `tryUnique`, a unique index is built when the keys are unique — tried under a savepoint, a
 * repeated key falls back to a plain index — so the uniqueness score need not sort the keys again.
 * Returns whether the index is unique.
 */
export async function indexKeys(trx: Trx, name: string, keys: readonly string[], tryUnique: boolean): Promise<boolean> {
  const index = sql.raw(quoteIdent(`${name}_key`));
  const cols = sql.raw(keys.map(quoteIdent).join(', '));
  if (tryUnique) {
    await sql`SAVEPOINT index_keys`.execute(trx);
    try {
      await sql`CREATE UNIQUE INDEX ${index} ON ${table(name)} (${cols}) NULLS NOT DISTINCT`.execute(trx);
      await sql`RELEASE SAVEPOINT index_keys`.execute(trx);
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code !== '23505') throw err;
      await sql`ROLLBACK TO SAVEPOINT index_keys`.execute(trx);
    }
  }
  await sql`CREATE INDEX ${index} ON ${table(name)} (${cols})`.execute(trx);
  return false;
}

/** Whether a dataset table's key index is unique (its keys were unique when it was loaded). */
export async function hasUniqueKeys(db: Executor, name: string): Promise<boolean> {
  const r = await sql<{ u: boolean }>`
    SELECT i.indisunique AS u
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'datasets' AND c.relname = ${`${name}_key`}`.execute(db);
  return r.rows[0]?.u === true;
}

/**
 * Upsert: copies into `target` the rows of `previous` whose key is not among the rows just loaded,
 * so `target` = previous live version with the loaded rows replacing those of the same key.
 * `columns` are the columns both tables have (the previous version may have been built from an
 * older catalog version): the others stay null in the copied rows.
 */
export async function mergePrevious(trx: Trx, target: string, previous: string, columns: readonly string[], keys: readonly string[]): Promise<void> {
  const cols = columns.map(quoteIdent).join(', ');
  const match = keys.map((k) => `n.${quoteIdent(k)} = p.${quoteIdent(k)}`).join(' AND ');
  await sql`INSERT INTO ${table(target)} (${sql.raw(cols)}) SELECT ${sql.raw(columns.map((c) => `p.${quoteIdent(c)}`).join(', '))} FROM ${table(previous)} p WHERE NOT EXISTS (SELECT 1 FROM ${table(target)} n WHERE ${sql.raw(match)})`.execute(trx);
}

export async function countRows(db: Executor, name: string): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${table(name)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function readRows(db: Executor, name: string, limit: number, offset: number): Promise<Record<string, unknown>[]> {
  const r = await sql<Record<string, unknown>>`SELECT * FROM ${table(name)} LIMIT ${limit} OFFSET ${offset}`.execute(db);
  return r.rows;
}

export async function insertLoad(db: Executor, row: Insertable<LoadsTable>): Promise<void> {
  await db.insertInto('loads').values(row).execute();
}

export async function updateLoad(db: Executor, id: string, set: Updateable<LoadsTable>): Promise<void> {
  await db.updateTable('loads').set(set).where('id', '=', id).execute();
}

export function findLoad(db: Executor, id: string) {
  return db.selectFrom('loads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The load row, locked until the transaction ends: whoever ends a load (commit, refusal, sweep) holds it. */
export function lockLoad(trx: Trx, id: string) {
  return trx.selectFrom('loads').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Heartbeat of a load in progress. */
export async function touchLoad(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('loads').set({ seen_at: at }).where('id', '=', id).where('status', '=', 'validating').execute();
}

/**
 * Loads still 'validating' with no sign of life since `before`, locked; a load whose row another
 * transaction holds (being committed or ended right now) is skipped.
 */
export function lockStaleLoads(trx: Trx, before: Date) {
  return trx
    .selectFrom('loads')
    .selectAll()
    .where('status', '=', 'validating')
    .where((eb) => eb(eb.fn.coalesce('seen_at', 'started_at'), '<', before))
    .orderBy('started_at')
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Name of the table a load writes into: `l_<load id without dashes>` in schema `datasets`. */
export const loadTableName = (loadId: string) => `l_${loadId.replace(/-/g, '')}`;

/**
 * Tables `datasets.l_*` that belong to no kept dataset version and to no load in progress. One
 * statement, so the catalog of tables, the versions and the loads are read from one snapshot: a
 * load commits its status and its version row together, and creates its table with its row.
 */
export async function orphanTables(db: Executor): Promise<string[]> {
  const r = await sql<{ name: string }>`
    SELECT c.relname AS name
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
     WHERE s.nspname = 'datasets' AND c.relkind = 'r' AND c.relname ~ '^l_[0-9a-f]{32}$'
       AND NOT EXISTS (SELECT 1 FROM dataset_versions v WHERE v.table_name = c.relname AND v.dropped_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM loads l WHERE l.status = 'validating' AND 'l_' || replace(l.id::text, '-', '') = c.relname)
     ORDER BY c.relname`.execute(db);
  return r.rows.map((row) => row.name);
}

export async function insertErrors(db: Executor, rows: Insertable<LoadErrorsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('load_errors').values(rows.slice(i, i + 500)).execute();
}

export function loadErrors(db: Executor, loadId: string) {
  return db.selectFrom('load_errors').select(['line', 'field', 'value', 'reason']).where('load_id', '=', loadId).orderBy('n').execute();
}

/** Serialises commits of one entry's loads (the version number and the live flag). */
export async function lockEntryData(trx: Trx, entryId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`ingest:${entryId}`}))`.execute(trx);
}

export function liveVersion(db: Executor, entryId: string) {
  return db.selectFrom('dataset_versions').selectAll().where('entry_id', '=', entryId).where('live', '=', true).executeTakeFirst();
}

export async function nextVersionNo(trx: Trx, entryId: string): Promise<number> {
  const r = await trx.selectFrom('dataset_versions').select((eb) => eb.fn.max('version_no').as('v')).where('entry_id', '=', entryId).executeTakeFirst();
  return Number(r?.v ?? 0) + 1;
}

export function listVersions(db: Executor, entryId: string) {
  return db.selectFrom('dataset_versions').selectAll().where('entry_id', '=', entryId).where('dropped_at', 'is', null).orderBy('version_no', 'desc').execute();
}

export function findVersion(db: Executor, entryId: string, versionNo: number) {
  return db.selectFrom('dataset_versions').selectAll().where('entry_id', '=', entryId).where('version_no', '=', versionNo).executeTakeFirst();
}

export async function insertVersion(trx: Trx, row: Insertable<DatasetVersionsTable>): Promise<void> {
  await trx.updateTable('dataset_versions').set({ live: false }).where('entry_id', '=', row.entry_id).where('live', '=', true).execute();
  await trx.insertInto('dataset_versions').values(row).execute();
}

/** Marks dropped every kept version beyond the newest `keep`, returning their tables to drop. */
export async function retireVersions(trx: Trx, entryId: string, keep: number, at: Date): Promise<string[]> {
  const old = await trx
    .selectFrom('dataset_versions')
    .select(['version_no', 'table_name'])
    .where('entry_id', '=', entryId)
    .where('dropped_at', 'is', null)
    .where('live', '=', false)
    .orderBy('version_no', 'desc')
    .offset(Math.max(keep - 1, 0))
    .limit(1_000_000)
    .execute();
  if (old.length === 0) return [];
  await trx
    .updateTable('dataset_versions')
    .set({ dropped_at: at })
    .where('entry_id', '=', entryId)
    .where(
      'version_no',
      'in',
      old.map((o) => o.version_no),
    )
    .execute();
  return old.map((o) => o.table_name);
}
