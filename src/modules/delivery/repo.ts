/**
 * Queries of the delivery module: its own table (delivery_usage), and the reads of the data plane
 * it exists for — a dataset table `datasets.l_<load id>` of an entry's live version. Reads of
 * `catalog_entries`, `catalog_versions`, `dataset_versions`, `loads` and `grants.clear_fields` are
 * look-ups of the entry, its fields and its live version; those tables are written by their own
 * modules.
 */
import { CompiledQuery, sql, type Insertable } from 'kysely';
import type { CatalogField } from '../catalog/tables.js';
import type { GrantRow } from '../sharing/repo.js';
import type { Db, Executor, Trx } from '../../kernel/db.js';
import { sm3 } from '../../kernel/crypto.js';
import { prepared, runPrepared } from '../../kernel/prepared.js';
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

/** What a read of an entry under one grant needs, read in one statement (`readSource`). */
export interface ReadSource {
  entry: { id: string; code: string; name: string | null; fields: CatalogField[] | null };
  /** The live version: its table and the fields of the catalog version it was built from; null before the first load. */
  live: { table_name: string; version_no: number; fields: CatalogField[] } | null;
  /** The grant asked for, whichever entry and org it belongs to; null when there is none. */
  grant: Pick<GrantRow, 'id' | 'subject_org_id' | 'provider_org_id' | 'entry_id' | 'fields' | 'row_filter' | 'purpose' | 'methods' | 'status' | 'valid_until' | 'clear_fields' | 'mask_strategies'> | null;
}

type ReadSourceRow = {
  entry_id: string;
  code: string;
  name: string | null;
  fields: CatalogField[] | null;
  table_name: string | null;
  version_no: number | null;
  live_fields: CatalogField[] | null;
  g_id: string | null;
  g_subject_org_id: string;
  g_provider_org_id: string;
  g_entry_id: string;
  g_fields: string[];
  g_row_filter: Record<string, unknown> | null;
  g_purpose: string;
  g_methods: string[];
  g_status: GrantRow['status'];
  g_valid_until: Date;
  g_clear_fields: string[] | null;
  g_mask_strategies: Record<string, string> | null;
};

/**
 * The statement of `readSource`: `findEntryByCode`, `liveSource`, the grant and its clear fields
 * joined. Fixed text, prepared once per connection: the service API runs it on every call.
 */
const READ_SOURCE = prepared<ReadSourceRow>(
  'delivery_read_source',
  `SELECT e.id AS entry_id, e.code, v.name, v.fields,
          d.table_name, d.version_no, lv.fields AS live_fields,
          g.id AS g_id, g.subject_org_id AS g_subject_org_id, g.provider_org_id AS g_provider_org_id, g.entry_id AS g_entry_id,
          g.fields AS g_fields, g.row_filter AS g_row_filter, g.purpose AS g_purpose, g.methods AS g_methods,
          g.status AS g_status, g.valid_until AS g_valid_until, g.clear_fields AS g_clear_fields,
          g.mask_strategies AS g_mask_strategies
     FROM catalog_entries e
     LEFT JOIN catalog_versions v ON v.entry_id = e.id AND v.version = e.published_version
     LEFT JOIN dataset_versions d ON d.entry_id = e.id AND d.live
     LEFT JOIN loads l ON l.id = d.load_id
     LEFT JOIN catalog_versions lv ON lv.entry_id = d.entry_id AND lv.version = l.catalog_version
     LEFT JOIN grants g ON g.id = $2::uuid
    WHERE e.code = $1`,
);

/**
 * An entry by its code with its live version and one grant (by id), in one round trip: what the
 * service API checks and reads by. Undefined when no entry has the code.
 */
export async function readSource(db: Db, code: string, grantId: string): Promise<ReadSource | undefined> {
  const [x] = await runPrepared(db, READ_SOURCE, [code, grantId]);
  if (!x) return undefined;
  return {
    entry: { id: x.entry_id, code: x.code, name: x.name, fields: x.fields },
    live: x.table_name !== null && x.version_no !== null && x.live_fields !== null ? { table_name: x.table_name, version_no: x.version_no, fields: x.live_fields } : null,
    grant: x.g_id
      ? {
          id: x.g_id,
          subject_org_id: x.g_subject_org_id,
          provider_org_id: x.g_provider_org_id,
          entry_id: x.g_entry_id,
          fields: x.g_fields,
          row_filter: x.g_row_filter,
          purpose: x.g_purpose,
          methods: x.g_methods,
          status: x.g_status,
          valid_until: x.g_valid_until,
          clear_fields: x.g_clear_fields ?? [],
          mask_strategies: x.g_mask_strategies ?? null,
        }
      : null,
  };
}

/** How a grant masks: the fields it releases in clear (migrations/0014) and the strategies of the others (migrations/0023). */
export async function grantMasking(db: Executor, grantId: string): Promise<{ clear: string[]; strategies: Record<string, string> | null }> {
  const r = await sql<{ clear_fields: string[]; mask_strategies: Record<string, string> | null }>`SELECT clear_fields, mask_strategies FROM grants WHERE id = ${grantId}`.execute(db);
  return { clear: r.rows[0]?.clear_fields ?? [], strategies: r.rows[0]?.mask_strategies ?? null };
}

/** The fields a grant releases in clear (migrations/0014). */
export async function clearFields(db: Executor, grantId: string): Promise<string[]> {
  return (await grantMasking(db, grantId)).clear;
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

/** The text of a page query and its parameters; the text depends only on the query's shape. */
export interface PageStatement {
  /** Name of the prepared statement: the same text always has the same name. */
  name: string;
  text: string;
  params: Scalar[];
}

/**
 * The text of each page-query shape (table, projection, order, filter operators and value counts,
 * first page or not), so a read does not compile its SQL again: the service API reads the same few
 * shapes over and over. Bounded; a shape not kept is simply written again.
 */
const pageTexts = new Map<string, { name: string; text: string }>();
const PAGE_TEXTS_MAX = 1000;

/** What decides a page query's text. */
function pageShape(q: PageQuery): string {
  let s = `${q.table}|${q.tieBreak ? 1 : 0}|${q.after ? 1 : 0}|`;
  for (const c of q.select) s += `${c.name}:${c.inTable ? 1 : 0},`;
  s += '|';
  for (const o of q.order) s += `${o.name}:${o.type},`;
  s += '|';
  for (const c of q.conditions) s += `${c.field}:${c.op}:${q.types.get(c.field) ?? 'string'}:${c.values.length},`;
  return s;
}

/**
 * The page query as fixed text with `$n` parameters: the selected columns (null for those the
 * table lacks), the order columns as `__k0…` (and `ctid` as `__ctid` when `tieBreak`), the
 * conditions ANDed with every value a parameter cast to its column's type, the keyset condition
 * `(keys) > (after)`, `ORDER BY` the keys, `LIMIT limit + 1`.
 */
export function pageStatement(q: PageQuery): PageStatement {
  const params: Scalar[] = [];
  for (const c of q.conditions) for (const v of c.values) params.push(v);
  const after = q.after;
  if (after) {
    q.order.forEach((_, i) => params.push(valueAt(after, i)));
    if (q.tieBreak) params.push(valueAt(after, q.order.length));
  }
  params.push(q.limit + 1);
  const shape = pageShape(q);
  let t = pageTexts.get(shape);
  if (!t) {
    let n = 0;
    const p = (type: string) => `$${++n}::${type}`;
    const cols = q.select.map((c) => (c.inTable ? quoteIdent(c.name) : `NULL AS ${quoteIdent(c.name)}`));
    q.order.forEach((o, i) => cols.push(`${quoteIdent(o.name)} AS ${quoteIdent(`__k${i}`)}`));
    if (q.tieBreak) cols.push('ctid::text AS "__ctid"');
    const where = q.conditions.map((c) => {
      const type = SQL_TYPES[q.types.get(c.field) ?? 'string'];
      if (c.op === 'in') return `${quoteIdent(c.field)} IN (${c.values.map(() => p(type)).join(', ')})`;
      return `${quoteIdent(c.field)} ${OP_SQL[c.op]} ${p(type)}`;
    });
    const keys = [...q.order.map((o) => quoteIdent(o.name)), ...(q.tieBreak ? ['ctid'] : [])];
    if (q.after) where.push(`(${keys.join(', ')}) > (${[...q.order.map((o) => p(SQL_TYPES[o.type])), ...(q.tieBreak ? [p('tid')] : [])].join(', ')})`);
    const text = `SELECT ${cols.join(', ')} FROM datasets.${quoteIdent(q.table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keys.join(', ')} LIMIT $${++n}`;
    t = { name: `delivery_page_${sm3(text).slice(0, 24)}`, text };
    if (pageTexts.size >= PAGE_TEXTS_MAX) pageTexts.clear();
    pageTexts.set(shape, t);
  }
  return { name: t.name, text: t.text, params };
}

/** The rows of a page as read back: the row, and its order values for the cursor. */
function pageRows(q: PageQuery, rows: Record<string, unknown>[]): PageRow[] {
  const n = q.order.length;
  return rows.map((row) => {
    const order: Scalar[] = new Array<Scalar>(n);
    for (let i = 0; i < n; i++) order[i] = orderValue(row[`__k${i}`]);
    if (q.tieBreak) order.push(String(row.__ctid));
    return { row, order };
  });
}

/**
 * A page of a dataset table in keyset order: rows after `after`, at most `limit` + 1 (the extra
 * row tells there is a next page). The table of a version never changes once live (a new load
 * makes a new table), so the physical position is a stable tie-break within it.
 */
export async function readPage(db: Executor, q: PageQuery): Promise<PageRow[]> {
  const st = pageStatement(q);
  return pageRows(q, (await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(st.text, st.params))).rows);
}

/**
 * `readPage` for the service API, outside any transaction: on PostgreSQL the page query of each
 * shape runs as a named prepared statement (parsed and planned once per pooled connection).
 */
export async function readServicePage(db: Db, q: PageQuery): Promise<PageRow[]> {
  const st = pageStatement(q);
  return pageRows(q, await runPrepared<Record<string, unknown>>(db, prepared(st.name, st.text), st.params));
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

