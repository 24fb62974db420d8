/**
 * Queries of the delivery module: its own table (delivery_usage), and the reads of the data plane
 * it exists for — a dataset table `datasets.l_<load id>` of an entry's live version. Reads of
 * `catalog_entries`, `catalog_versions`, `dataset_versions`, `loads` and `grants.clear_fields` are
 * look-ups of the entry, its fields and its live version; those tables are written by their own
 * modules.
 */
import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { quoteIdent } from '../ingest/copy.js';
import { SQL_TYPES } from '../ingest/validators.js';
import { OP_SQL, type Condition, type FieldType, type Scalar } from './rules.js';
import type { DeliveryUsageTable } from './tables.js';

/** An entry by its code, with its published version's name and fields. */
export function findEntryByCode(db: Executor, code: string) {
  return db
    .selectFrom('catalog_entries as e')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.code', 'e.provider_org_id', 'v.name', 'v.fields'])
    .where('e.code', '=', code)
    .executeTakeFirst();
}

/** The live version of an entry's data: its table, and the fields of the catalog version that table was built from. */
export function liveSource(db: Executor, entryId: string) {
  return db
    .selectFrom('dataset_versions as d')
    .innerJoin('loads as l', 'l.id', 'd.load_id')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'd.entry_id').onRef('v.version', '=', 'l.catalog_version'))
    .select(['d.table_name', 'd.version_no', 'v.fields'])
    .where('d.entry_id', '=', entryId)
    .where('d.live', '=', true)
    .executeTakeFirst();
}

/** The fields a grant releases in clear (migrations/0014). */
export async function clearFields(db: Executor, grantId: string): Promise<string[]> {
  const r = await sql<{ clear_fields: string[] }>`SELECT clear_fields FROM grants WHERE id = ${grantId}`.execute(db);
  return r.rows[0]?.clear_fields ?? [];
}

const col = (name: string) => sql.raw(quoteIdent(name));
const typed = (v: Scalar, type: FieldType) => sql`${v}::${sql.raw(SQL_TYPES[type])}`;

/** One condition as SQL, every value a bound parameter cast to the column's type. */
function conditionSql(c: Condition, type: FieldType): RawBuilder<unknown> {
  if (c.op === 'in') return sql`${col(c.field)} IN (${sql.join(c.values.map((v) => typed(v, type)))})`;
  return sql`${col(c.field)} ${sql.raw(OP_SQL[c.op])} ${typed(valueAt(c.values, 0), type)}`;
}

/** The i-th value of a list whose length the caller has checked. */
function valueAt(values: readonly Scalar[], i: number): Scalar {
  const v = values[i];
  if (v === undefined) throw new Error(`missing value ${i}`);
  return v;
}

export interface PageQuery {
  table: string;
  /** The columns to deliver; those the table lacks (a data item added since) come back null. */
  select: Array<{ name: string; inTable: boolean }>;
  /** The order columns (the entry's key fields), with their types. */
  order: Array<{ name: string; type: FieldType }>;
  /** Order by the row's physical position last, when the key fields are not unique (or there are none). */
  tieBreak: boolean;
  conditions: Condition[];
  types: ReadonlyMap<string, FieldType>;
  /** The order values of the last row already delivered (and its position when `tieBreak`). */
  after: Scalar[] | null;
  limit: number;
}

export type PageRow = { row: Record<string, unknown>; order: Scalar[] };

/**
 * A page of a dataset table in keyset order: rows after `after`, at most `limit` + 1 (the extra
 * row tells there is a next page). The table of a version never changes once live (a new load
 * makes a new table), so the physical position is a stable tie-break within it.
 */
export async function readPage(db: Executor, q: PageQuery): Promise<PageRow[]> {
  const cols = q.select.map((c) => (c.inTable ? col(c.name) : sql`NULL AS ${col(c.name)}`));
  const orderCols = q.order.map((o, i) => sql`${col(o.name)} AS ${col(`__k${i}`)}`);
  if (q.tieBreak) orderCols.push(sql`ctid::text AS "__ctid"`);
  const where: RawBuilder<unknown>[] = q.conditions.map((c) => conditionSql(c, q.types.get(c.field) ?? 'string'));
  const keys = [...q.order.map((o) => col(o.name)), ...(q.tieBreak ? [sql.raw('ctid')] : [])];
  const after = q.after;
  if (after) {
    const values = [...q.order.map((o, i) => typed(valueAt(after, i), o.type)), ...(q.tieBreak ? [sql`${valueAt(after, q.order.length)}::tid`] : [])];
    where.push(sql`(${sql.join(keys)}) > (${sql.join(values)})`);
  }
  const r = await sql<Record<string, unknown>>`SELECT ${sql.join([...cols, ...orderCols])} FROM ${sql.raw(`datasets.${quoteIdent(q.table)}`)}
    ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
    ORDER BY ${sql.join(keys)} LIMIT ${q.limit + 1}`.execute(db);
  return r.rows.map((row) => {
    const order: Scalar[] = q.order.map((o, i) => orderValue(row[`__k${i}`]));
    if (q.tieBreak) order.push(String(row.__ctid));
    return { row, order };
  });
}

/** An order value as the cursor keeps it (read back as a parameter cast to the column's type). */
function orderValue(v: unknown): Scalar {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return String(v);
}

export async function insertUsage(trx: Trx, row: Insertable<DeliveryUsageTable>): Promise<void> {
  await trx.insertInto('delivery_usage').values(row).execute();
}

/** A grant's deliveries since `since`, per day (Beijing time, which keeps no daylight saving). */
export async function usagePerDay(db: Executor, grantId: string, since: Date) {
  const r = await sql<{ day: string; calls: number | string; rows: number | string; bytes: number | string }>`
    SELECT to_char((at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD') AS day,
           count(*) AS calls, coalesce(sum(rows), 0) AS rows, coalesce(sum(bytes), 0) AS bytes
      FROM delivery_usage
     WHERE grant_id = ${grantId} AND at >= ${since}
     GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows.map((x) => ({ day: x.day, calls: Number(x.calls), rows: Number(x.rows), bytes: Number(x.bytes) }));
}

