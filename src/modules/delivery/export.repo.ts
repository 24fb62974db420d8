/**
 * Queries of batch export: its own tables (delivery_exports, delivery_export_canaries), the row
 * count of an export's selection in the live version's table `datasets.l_<load id>`, and the
 * selection itself streamed out by `COPY (…) TO STDOUT` (PostgreSQL) or `TO '/dev/blob'` (PGlite).
 */
import { sql, type Insertable, type RawBuilder, type Updateable } from 'kysely';
import { to as copyTo } from 'pg-copy-streams';
import type { Db, Executor, Trx } from '../../kernel/db.js';
import { quoteIdent } from '../ingest/copy.js';
import { SQL_TYPES } from '../ingest/validators.js';
import { OP_SQL, type Condition, type FieldType, type Scalar } from './rules.js';
import { surveyQuery, type LineColumn } from './export.sql.js';
import type { DeliveryExportCanariesTable, DeliveryExportsTable } from './export.tables.js';

export async function insertExport(trx: Trx, row: Insertable<DeliveryExportsTable>): Promise<void> {
  await trx.insertInto('delivery_exports').values(row).execute();
}

export async function updateExport(db: Executor, id: string, set: Updateable<DeliveryExportsTable>): Promise<void> {
  await db.updateTable('delivery_exports').set(set).where('id', '=', id).execute();
}

/** An export with its entry code and the names of its two orgs. */
function exportsQuery(db: Executor) {
  return db
    .selectFrom('delivery_exports as x')
    .innerJoin('catalog_entries as e', 'e.id', 'x.entry_id')
    .innerJoin('orgs as so', 'so.id', 'x.subject_org_id')
    .innerJoin('orgs as po', 'po.id', 'x.provider_org_id')
    .selectAll('x')
    .select(['e.code as entry_code', 'so.name as subject_name', 'po.name as provider_name']);
}
export type ExportRow = Awaited<ReturnType<typeof findExport>> & object;

export function findExport(db: Executor, id: string) {
  return exportsQuery(db).where('x.id', '=', id).executeTakeFirst();
}

/** A grant's exports, newest first. */
export function exportsOfGrant(db: Executor, grantId: string, limit = 50) {
  return exportsQuery(db).where('x.grant_id', '=', grantId).orderBy('x.created_at', 'desc').limit(limit).execute();
}

/** Whether the grant had an export ready before this one. */
export async function hadReadyExport(db: Executor, grantId: string, exceptId: string): Promise<boolean> {
  const r = await db.selectFrom('delivery_exports').select('id').where('grant_id', '=', grantId).where('status', '=', 'ready').where('id', '!=', exceptId).limit(1).executeTakeFirst();
  return r !== undefined;
}

export async function insertCanaries(trx: Trx, rows: Insertable<DeliveryExportCanariesTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('delivery_export_canaries').values(rows).execute();
}

/** The canaries among `fingerprints`, with their export. */
export function canariesByFingerprint(db: Executor, fingerprints: readonly string[]) {
  if (fingerprints.length === 0) return Promise.resolve([]);
  return db.selectFrom('delivery_export_canaries').select(['export_id', 'ordinal', 'fingerprint']).where('fingerprint', 'in', [...fingerprints]).execute();
}

const col = (name: string) => sql.raw(quoteIdent(name));
const typed = (v: Scalar, type: FieldType) => sql`${v}::${sql.raw(SQL_TYPES[type])}`;

/** One condition as SQL, every value a bound parameter cast to the column's type (as the service API reads). */
function conditionSql(c: Condition, type: FieldType): RawBuilder<unknown> {
  if (c.op === 'in') return sql`${col(c.field)} IN (${sql.join(c.values.map((v) => typed(v, type)))})`;
  const v = c.values[0];
  if (v === undefined) throw new Error(`condition on ${c.field} without a value`);
  return sql`${col(c.field)} ${sql.raw(OP_SQL[c.op])} ${typed(v, type)}`;
}

/** How many rows of a version table meet all the conditions. */
export async function countRows(db: Executor, table: string, conditions: readonly Condition[], types: ReadonlyMap<string, FieldType>): Promise<number> {
  const where = conditions.map((c) => conditionSql(c, types.get(c.field) ?? 'string'));
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.raw(`datasets.${quoteIdent(table)}`)}
    ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** How many rows of a version table meet the conditions, and whether one holds a value only the page path renders (export.sql.ts). */
export async function surveyRows(
  db: Executor,
  table: string,
  columns: readonly LineColumn[],
  conditions: readonly Condition[],
  types: ReadonlyMap<string, FieldType>,
): Promise<{ total: number; exotic: boolean }> {
  const r = await sql<{ n: number | string; exotic: boolean }>`${sql.raw(surveyQuery(table, columns, conditions, types))}`.execute(db);
  const row = r.rows[0];
  return { total: Number(row?.n ?? 0), exotic: row?.exotic === true };
}

/** Bytes of a PGlite COPY output handed on at a time. */
const PGLITE_SLICE = 1024 * 1024;

/**
 * Runs `COPY (<query>) TO STDOUT` (text format) and hands its output to `take` chunk by chunk,
 * waiting for each: on PostgreSQL streamed from a pooled connection (the socket is read only as
 * fast as `take` goes); on PGlite the whole output comes as one blob, handed on in slices of a
 * megabyte. Float output is set to the shortest exact text and dates to ISO for the statement
 * (both the defaults, and what the platform reads values in).
 */
export async function copyOut(db: Db, query: string, options: string, take: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  const statement = `COPY (${query}) TO STDOUT${options}`;
  if (db.pool) {
    const client = await db.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("SET extra_float_digits = 1; SET DateStyle = ISO");
      // Chunks of up to a megabyte: fewer turns of the reader per row.
      const stream = client.query(copyTo(statement, { highWaterMark: 1024 * 1024 }));
      try {
        for await (const chunk of stream) await take(chunk as Buffer);
      } catch (err) {
        // Left mid-COPY: the connection is handed back broken so the pool discards it.
        stream.destroy();
        broken = err as Error;
        throw err;
      }
      await client.query('RESET extra_float_digits; RESET DateStyle');
    } catch (err) {
      broken ??= err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
    return;
  }
  const pglite = db.pglite;
  if (!pglite) throw new Error('no database engine for COPY');
  // The embedded database is one session the whole process shares: these are its settings already.
  await pglite.exec("SET extra_float_digits = 1; SET DateStyle = ISO");
  const r = await pglite.query(`COPY (${query}) TO '/dev/blob'${options}`);
  if (!r.blob) return;
  const all = Buffer.from(await r.blob.arrayBuffer());
  for (let at = 0; at < all.length; at += PGLITE_SLICE) await take(all.subarray(at, Math.min(all.length, at + PGLITE_SLICE)));
}

/**
 * Rows of the selection by their number in export order (1-based): each one's physical position
 * (`ctid`, stable: a live version's table never changes) and, when `key` is named, its key as
 * text. One pass over the selection in order with only the position and the key in the window.
 */
export async function locateRows(
  db: Executor,
  q: { table: string; order: readonly string[]; tieBreak: boolean; conditions: readonly Condition[]; types: ReadonlyMap<string, FieldType>; key: string | null },
  numbers: readonly number[],
): Promise<Map<number, { ctid: string; key: string | null }>> {
  const out = new Map<number, { ctid: string; key: string | null }>();
  if (numbers.length === 0) return out;
  const where = q.conditions.map((c) => conditionSql(c, q.types.get(c.field) ?? 'string'));
  const order = [...q.order.map((n) => sql`src.${col(n)}`), ...(q.tieBreak ? [sql.raw('src.ctid')] : [])];
  const r = await sql<{ rn: number | string; c: string; k: string | null }>`SELECT rn, c, k FROM (
      SELECT src.ctid::text AS c, ${q.key ? sql`src.${col(q.key)}::text` : sql`NULL::text`} AS k, row_number() OVER (ORDER BY ${sql.join(order)}) AS rn
        FROM ${sql.raw(`datasets.${quoteIdent(q.table)}`)} AS src
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
    ) s WHERE rn IN (${sql.join([...new Set(numbers)].map((n) => sql.lit(Math.trunc(n))))})`.execute(db);
  for (const row of r.rows) out.set(Number(row.rn), { ctid: row.c, key: row.k });
  return out;
}

/** Whether some row of the table has a null key (it would fall outside both halves of a split). */
export async function hasNullKey(db: Executor, table: string, key: string): Promise<boolean> {
  const r = await sql<{ n: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.raw(`datasets.${quoteIdent(table)}`)} WHERE ${col(key)} IS NULL) AS n`.execute(db);
  return r.rows[0]?.n === true;
}
