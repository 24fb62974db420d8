/**
 * Samples of an entry's live data version for the catalog's PII proposal: the live version, the
 * catalog version its load was built from, and up to n non-empty values of a column as text.
 * Read-only; the caller checks who may read and audits the read.
 */
import { sql } from 'kysely';
import type { Executor } from '../../kernel/db.js';
import { quoteIdent } from './copy.js';

export interface LiveDataVersion {
  versionNo: number;
  tableName: string;
  rows: number;
  /** The catalog version whose data items the table was built from. */
  catalogVersion: number;
}

/** The entry's live data version, or null when no load has been committed. */
export async function liveDataVersion(db: Executor, entryId: string): Promise<LiveDataVersion | null> {
  const v = await db
    .selectFrom('dataset_versions as v')
    .innerJoin('loads as l', 'l.id', 'v.load_id')
    .select(['v.version_no', 'v.table_name', 'v.rows', 'l.catalog_version'])
    .where('v.entry_id', '=', entryId)
    .where('v.live', '=', true)
    .executeTakeFirst();
  return v ? { versionNo: v.version_no, tableName: v.table_name, rows: v.rows, catalogVersion: v.catalog_version } : null;
}

/** Up to `limit` non-empty values of `column` of a dataset table, as text, in storage order. */
export async function sampleColumn(db: Executor, tableName: string, column: string, limit: number): Promise<string[]> {
  const col = sql.raw(quoteIdent(column));
  const r = await sql<{ v: string }>`SELECT ${col}::text AS v FROM ${sql.raw(`datasets.${quoteIdent(tableName)}`)} WHERE ${col} IS NOT NULL LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.v).filter((v) => v !== '');
}
