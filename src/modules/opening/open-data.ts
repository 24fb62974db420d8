/**
 * The open data plane (000 第十七、十九条): what the public may read of an entry's data, and the
 * reads themselves — the live version of an unconditionally open entry, through the gate's
 * treatments when its fields hold personal information or commercial secrets. Used by the
 * portal's preview and downloads, the open data API and CKAN's datastore_search.
 *
 * Only `unconditional` entries are read here; `conditional` data goes through an application and
 * a grant (000 第二十条, served by delivery), `none` never. A gated entry is read only while the
 * live version's latest gate report passed, and through the plan that report checked.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import { AppError, type ErrorCode } from '../../kernel/errors.js';
import { liveSource } from '../delivery/repo.js';
import { outValue, typedValue, type FieldType } from '../delivery/rules.js';
import { quoteIdent } from '../ingest/copy.js';
import { SQL_TYPES } from '../ingest/validators.js';
import { pseudonym, type Keyed } from '../privacy/anonymity.js';
import { gateKeyed } from './gate.keys.js';
import { findPlan, latestReport, planOf, publishedEntry, versionRows } from './gate.repo.js';
import { ART_GATE, mergedFields, needsGate, treatedColumns, treatmentLabel, treatmentText, type TreatedColumn } from './gate.rules.js';
import { colRef, treatedSql } from './gate.sql.js';
import type { GatePlan } from './gate.tables.js';

/** The latest gate report of a version of an entry (for the portal's dataset page). */
export { latestReport };

export interface OpenColumn {
  name: string;
  label: string;
  type: FieldType;
  /** `pseudonymise`, `generalise:<how>`, or null when the value is served as it is. */
  treatment: string | null;
  /** The treatment in words (e.g. 泛化（日期泛化到月）), null when none. */
  treatmentLabel?: string | null;
}

export type OpenAccess =
  | { ok: true; entryId: string; versionNo: number; columns: OpenColumn[]; total: number }
  | { ok: false; status: 403 | 404 | 409; code: string; reason: string; source?: string };

export const ART_OPEN = '000 第十七条';
export const ART_CONDITIONAL = '000 第二十条';

/** Everything a read needs about an entry whose data the public may read now. */
interface OpenSource {
  entryId: string;
  versionNo: number;
  table: string;
  total: number;
  columns: TreatedColumn[];
  keys: string[];
  /** The plan's pseudonym nonce when a column is pseudonymised (the key also needs the platform secret). */
  nonce: string | null;
}

/** An open source with the keyed function of its pseudonyms, for reads that deliver rows. */
interface KeyedSource extends OpenSource {
  keyed: Keyed | null;
}

type Resolved = { ok: true; source: OpenSource } | Extract<OpenAccess, { ok: false }>;

async function resolve(db: Executor, code: string): Promise<Resolved> {
  const entry = await publishedEntry(db, code);
  if (!entry) return { ok: false, status: 404, code: 'not_found', reason: `没有已发布的数据目录 ${code}` };
  const name = entry.name;
  if (entry.open_attr === 'none') return { ok: false, status: 403, code: 'not_open', reason: `「${name}」属于不予开放类数据，不向社会开放`, source: ART_GATE };
  if (entry.open_attr === 'conditional') {
    return { ok: false, status: 403, code: 'conditional', reason: `「${name}」属于有条件开放类数据，须提交开放申请，经提供单位同意后按授权获取`, source: ART_CONDITIONAL };
  }
  const live = await liveSource(db, entry.id);
  if (!live) return { ok: false, status: 409, code: 'no_data', reason: `「${name}」尚无可开放的数据：提供单位还没有汇聚入库`, source: ART_OPEN };
  const fields = mergedFields(live.fields, entry.fields);
  const planRow = await findPlan(db, entry.id);
  let plan: Pick<GatePlan, 'treatments'> | null = planRow ? planOf(planRow) : null;
  if (needsGate(fields)) {
    const report = await latestReport(db, entry.id, live.version_no);
    if (!report) {
      return { ok: false, status: 409, code: 'gate_required', reason: `「${name}」含个人信息或商业秘密，当前数据版本（第 ${live.version_no} 版）尚未通过匿名化审查，暂不能开放`, source: ART_GATE };
    }
    if (report.status !== 'passed') {
      return { ok: false, status: 409, code: 'gate_failed', reason: `「${name}」当前数据版本（第 ${live.version_no} 版）未通过匿名化审查：${report.reason}`, source: ART_GATE };
    }
    // The public reads through the plan the passing report checked, not one edited since.
    plan = report.plan;
  }
  const columns = treatedColumns(fields, plan);
  const kept = new Set(columns.filter((c) => c.treatment.kind === 'keep').map((c) => c.name));
  const keys = fields.filter((f) => f.key).map((f) => f.name);
  return {
    ok: true,
    source: {
      entryId: entry.id,
      versionNo: live.version_no,
      table: live.table_name,
      total: await versionRows(db, entry.id, live.version_no),
      columns,
      // Rows follow the key while every key field is served as it is; else the table's own order.
      keys: keys.length > 0 && keys.every((kf) => kept.has(kf)) ? keys : [],
      nonce: columns.some((c) => c.treatment.kind === 'pseudonymise') && planRow ? planRow.pseudonym_nonce : null,
    },
  };
}

const openColumn = (c: TreatedColumn): OpenColumn => ({
  name: c.name,
  label: c.label,
  type: c.type,
  treatment: c.treatment.kind === 'keep' ? null : treatmentText(c.treatment),
  treatmentLabel: c.treatment.kind === 'keep' ? null : treatmentLabel(c.treatment),
});

/** Whether the public may read this entry's data now, and its open columns (after the gate's treatments). */
export async function openAccess(db: Executor, code: string): Promise<OpenAccess> {
  const r = await resolve(db, code);
  if (!r.ok) return r;
  return { ok: true, entryId: r.source.entryId, versionNo: r.source.versionNo, columns: r.source.columns.map(openColumn), total: r.source.total };
}

const ERROR_CODES: Record<403 | 404 | 409, ErrorCode> = { 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'INVALID_STATE' };

/** A refusal as the error a route renders: the status's code, the reason, the article, `details.reason` naming the case. */
export const accessError = (r: Extract<OpenAccess, { ok: false }>): AppError =>
  new AppError(ERROR_CODES[r.status], r.reason, { ...(r.source ? { source: r.source } : {}), details: { reason: r.code } });

async function mustResolve(k: Pick<Kernel, 'crypto'>, db: Executor, code: string): Promise<KeyedSource> {
  const r = await resolve(db, code);
  if (!r.ok) throw accessError(r);
  return { ...r.source, keyed: r.source.nonce === null ? null : gateKeyed(k, r.source.entryId, r.source.nonce) };
}

/** A row as it leaves: kept values typed, generalised ones as text, pseudonymised ones replaced. */
function outRow(src: KeyedSource, cols: readonly TreatedColumn[], row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) {
    const v = row[c.name];
    if (c.treatment.kind === 'pseudonymise') out[c.name] = src.keyed ? pseudonym(src.keyed, outValue(c.sourceType, v)) : null;
    else if (c.treatment.kind === 'generalise') out[c.name] = v === null || v === undefined ? null : String(v);
    else out[c.name] = outValue(c.sourceType, v);
  }
  return out;
}

const selectList = (cols: readonly TreatedColumn[]) => cols.map((c) => sql`${treatedSql(c.name, c.sourceType, c.treatment)} AS ${colRef(c.name)}`);
const tableRef = (table: string) => sql.raw(`datasets.${quoteIdent(table)}`);

export interface OpenRowsOptions {
  fields?: string[];
  filters?: Record<string, string | number | boolean | null>;
  q?: string;
  sort?: Array<{ field: string; desc: boolean }>;
  limit: number;
  offset: number;
}

const invalid = (field: string, message: string) => new AppError('VALIDATION', `${field}：${message}`, { fields: [{ field, message }] });

/**
 * Rows of the open version, treatments applied, in key order. filters: exact match on open
 * columns; q: full-text-ish contains over string columns. `k` brings the platform secret the
 * pseudonyms are keyed with.
 */
export async function openRows(k: Pick<Kernel, 'crypto'>, db: Executor, code: string, opts: OpenRowsOptions): Promise<{ columns: OpenColumn[]; rows: Record<string, unknown>[]; total: number }> {
  const src = await mustResolve(k, db, code);
  const byName = new Map(src.columns.map((c) => [c.name, c]));
  const known = (field: string) => {
    const c = byName.get(field);
    if (!c) throw invalid(field, '不是该数据开放的数据项');
    return c;
  };
  const cols = opts.fields && opts.fields.length > 0 ? opts.fields.map(known) : src.columns;

  const where: RawBuilder<unknown>[] = [];
  for (const [field, value] of Object.entries(opts.filters ?? {})) {
    const c = known(field);
    if (c.treatment.kind === 'pseudonymise') throw invalid(field, '假名化的数据项不能作为筛选条件');
    const expr = treatedSql(c.name, c.sourceType, c.treatment);
    if (value === null) {
      where.push(sql`${expr} IS NULL`);
      continue;
    }
    if (c.treatment.kind === 'generalise') {
      where.push(sql`${expr} = ${String(value)}`);
      continue;
    }
    const t = typedValue(c.sourceType, value);
    if (!t.ok) throw invalid(field, t.reason);
    where.push(sql`${expr} = ${t.value}::${sql.raw(SQL_TYPES[c.sourceType])}`);
  }
  const q = opts.q?.trim();
  if (q) {
    const texts = src.columns.filter((c) => c.type === 'string' && c.treatment.kind !== 'pseudonymise').map((c) => treatedSql(c.name, c.sourceType, c.treatment));
    where.push(texts.length ? sql`(${sql.join(texts.map((e) => sql`strpos(lower(${e}), lower(${q})) > 0`), sql` OR `)})` : sql`false`);
  }
  const order: RawBuilder<unknown>[] = [];
  for (const s of opts.sort ?? []) {
    const c = known(s.field);
    if (c.treatment.kind === 'pseudonymise') throw invalid(s.field, '假名化的数据项不能作为排序依据');
    order.push(sql`${treatedSql(c.name, c.sourceType, c.treatment)} ${sql.raw(s.desc ? 'DESC' : 'ASC')} NULLS LAST`);
  }
  order.push(...src.keys.map((kf) => colRef(kf)), sql.raw('ctid'));

  const whereSql = where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
  const select = cols.length ? selectList(cols) : [sql`1 AS "__none"`];
  const r = await sql<Record<string, unknown>>`SELECT ${sql.join(select)} FROM ${tableRef(src.table)} ${whereSql}
    ORDER BY ${sql.join(order)} LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(db);
  let total = src.total;
  if (where.length) {
    const n = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${tableRef(src.table)} ${whereSql}`.execute(db);
    total = Number(n.rows[0]?.n ?? 0);
  }
  return { columns: cols.map(openColumn), rows: r.rows.map((row) => outRow(src, cols, row)), total };
}

export const STREAM_BATCH = 1000;

/** All rows, streamed in batches, for downloads (`k`: the platform secret of the pseudonyms). */
export async function* openRowStream(k: Pick<Kernel, 'crypto'>, db: Executor, code: string): AsyncIterable<Record<string, unknown>[]> {
  const src = await mustResolve(k, db, code);
  const select = selectList(src.columns);
  let after: string | null = null;
  for (;;) {
    const cond: RawBuilder<unknown> = after === null ? sql`` : sql`WHERE ctid > ${after}::tid`;
    const r: { rows: Record<string, unknown>[] } = await sql<Record<string, unknown>>`SELECT ${sql.join([...select, sql`ctid::text AS "__ctid"`])} FROM ${tableRef(src.table)} ${cond}
      ORDER BY ctid LIMIT ${STREAM_BATCH}`.execute(db);
    if (r.rows.length === 0) return;
    yield r.rows.map((row) => outRow(src, src.columns, row));
    if (r.rows.length < STREAM_BATCH) return;
    after = String(r.rows[r.rows.length - 1]?.__ctid);
  }
}
