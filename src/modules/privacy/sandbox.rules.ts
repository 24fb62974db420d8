/**
 * Sandbox rules (数据可用不可见; 002 第十一条): who may query and decide releases, how a sandbox
 * grant becomes a view, the text of the temporary views, the group threshold, the differencing
 * probes, the identifier scan of a release (出域审查) and the rendering of a released result. No I/O.
 */
import { hasOrgRole, hasUserRole, type AuthContext } from '../../kernel/auth.js';
import { quoteIdent } from '../ingest/copy.js';
import { SQL_TYPES } from '../ingest/validators.js';
import { canReadThroughOrg, csvCell, OP_SQL, type Condition, type Scalar } from '../delivery/rules.js';
import type { CatalogField } from '../catalog/tables.js';
import { DETECTED_KIND_LABELS } from './detectors.js';
import { COLUMN_POLICIES, type ColumnPolicy, type OutputColumn, type SandboxView } from './sandbox.types.js';
import type { ScanFinding } from './sandbox.tables.js';

/** The articles the sandbox rests on. */
export const ART = {
  /** 数据可用不可见、可算不可识: no output may identify a person. */
  sandbox: '002 第十一条',
  /** A grant is the only way to data (as delivery). */
  request: '000 第十四条',
  /** The agreement's security review of what leaves the platform. */
  release: '000 第二十四条',
} as const;

// ── Who may do what ──

export const QUERY_NEEDS = '沙箱授权的被授权单位的经办人、数据工作机构负责人或机构管理员';
export const DECIDE_NEEDS = '实施机构的经办人、审核人、数据工作机构负责人或机构管理员';

/** The people of a sandbox grant's subject org who handle data work query its views (as delivery reads). */
export const canQuery = (auth: AuthContext): boolean => canReadThroughOrg(auth);

/** The implementing agency (实施机构) reviews results that wait for its approval; its experts only advise. */
export const canDecideRelease = (auth: AuthContext): boolean =>
  hasOrgRole(auth, 'implementing_agency') && (['clerk', 'reviewer', 'data_officer', 'org_admin'] as const).some((r) => hasUserRole(auth, r));

// ── A sandbox grant as a view ──

/** What the view of a grant needs of the grant, its entry and the entry's live data. */
export interface SandboxGrantSource {
  grantId: string;
  entryId: string;
  entryCode: string;
  entryName: string | null;
  /** The grant's fields. */
  fields: readonly string[];
  rowFilter: unknown;
  /** `{ field: policy }` from the provider's approval; a field without one is hidden. */
  columnPolicies: Readonly<Record<string, unknown>> | null;
  minGroupSize: number | null;
  dpEpsilonBudget: string | null;
  dpEpsilonPerQuery: string | null;
  dpBounds: Readonly<Record<string, unknown>> | null;
  dpMaxRowsPerSubject: number | null;
  releaseApproval: boolean;
  /** The published version's fields. */
  published: readonly CatalogField[];
  /** The live version's table (in schema `datasets`) and the fields it was built from; null before the first load. */
  live: { table: string; fields: readonly CatalogField[] } | null;
}

/** One column of a view as the editor and the policy panel show it. */
export interface ViewColumn {
  name: string;
  label: string;
  type: CatalogField['type'];
  policy: ColumnPolicy;
  piiKind: string | null;
  /** The live table has it (a data item published since reads as null). */
  inTable: boolean;
}

/** A sandbox grant's view: what the policy check sees, and what the executor and the panel need. */
export interface GrantView {
  view: SandboxView;
  grantId: string;
  entryId: string;
  entryName: string | null;
  columns: ViewColumn[];
  /** The table the temporary view reads, in schema `datasets`. */
  table: string;
  /** The grant's row filter, parsed (conditions ANDed). */
  conditions: Condition[];
  /** The subject column when the grant does not release it: the view carries it for counting subjects only. */
  extraColumns: Array<{ name: string; type: CatalogField['type']; inTable: boolean }>;
  releaseApproval: boolean;
  dp: { budget: string; perQuery: string } | null;
}

const isPolicy = (v: unknown): v is ColumnPolicy => typeof v === 'string' && (COLUMN_POLICIES as readonly string[]).includes(v);

/** A field's policy under a grant: the one the provider set, else hidden (deny by default). */
export const policyOf = (policies: Readonly<Record<string, unknown>> | null, field: string): ColumnPolicy => {
  const p = policies?.[field];
  return isPolicy(p) ? p : 'hidden';
};

/**
 * The column naming the data subject: the entry's key field that holds personal information
 * (e.g. `id_number`), else its first key field; null without a key. `unique` when the key is that
 * one column (a row per subject).
 */
export function subjectOf(fields: readonly CatalogField[]): { column: string | null; unique: boolean } {
  const keys = fields.filter((f) => f.key);
  const subject = keys.find((f) => !!f.piiKind?.trim()) ?? keys[0];
  return { column: subject?.name ?? null, unique: !!subject && keys.length === 1 };
}

/** DP bounds as the view carries them: `{ field: [lo, hi] }` with lo ≤ hi, others dropped. */
function boundsOf(raw: Readonly<Record<string, unknown>> | null): Record<string, readonly [number, number]> {
  const out: Record<string, readonly [number, number]> = {};
  for (const [name, v] of Object.entries(raw ?? {})) {
    if (Array.isArray(v) && v.length === 2) {
      const lo = Number(v[0]);
      const hi = Number(v[1]);
      if (Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi) out[name] = [lo, hi] as const;
    }
  }
  return out;
}

/**
 * The view of a sandbox grant on an entry with live data: the granted fields, in catalog order, as
 * the live table has them (types from the table's version; a field published since reads null),
 * each with its policy; the subject column and the group threshold (the grant's, else
 * `defaultMinGroupSize`); differential privacy when the grant sets a budget. `conditions` is the
 * grant's row filter, parsed by the caller (delivery's `parseRowFilter`).
 */
export function grantView(src: SandboxGrantSource & { live: NonNullable<SandboxGrantSource['live']> }, conditions: Condition[], defaultMinGroupSize: number): GrantView {
  const inTable = new Map(src.live.fields.map((f) => [f.name, f]));
  const inPublished = new Map(src.published.map((f) => [f.name, f]));
  const names = [...src.published.map((f) => f.name), ...src.live.fields.map((f) => f.name).filter((n) => !inPublished.has(n))];
  const columns: ViewColumn[] = [];
  for (const name of names) {
    if (!src.fields.includes(name)) continue;
    const t = inTable.get(name);
    const p = inPublished.get(name);
    const type = t?.type ?? p?.type;
    if (!type) continue;
    columns.push({
      name,
      label: p?.label ?? t?.label ?? name,
      type,
      policy: policyOf(src.columnPolicies, name),
      piiKind: t?.piiKind?.trim() || p?.piiKind?.trim() || null,
      inTable: t !== undefined,
    });
  }
  const subject = subjectOf(src.live.fields);
  const extraColumns: GrantView['extraColumns'] = [];
  if (subject.column && !columns.some((c) => c.name === subject.column)) {
    const f = inTable.get(subject.column);
    if (f) extraColumns.push({ name: f.name, type: f.type, inTable: true });
  }
  const dpOn = src.dpEpsilonBudget !== null && src.dpEpsilonPerQuery !== null;
  return {
    view: {
      name: src.entryCode,
      columns: columns.map((c) => ({ name: c.name, type: c.type, policy: c.policy, piiKind: c.piiKind })),
      subjectColumn: subject.column,
      subjectUnique: subject.unique,
      minGroupSize: src.minGroupSize ?? defaultMinGroupSize,
      dp: dpOn ? { bounds: boundsOf(src.dpBounds), maxRowsPerSubject: src.dpMaxRowsPerSubject ?? 1 } : null,
    },
    grantId: src.grantId,
    entryId: src.entryId,
    entryName: src.entryName,
    columns,
    table: src.live.table,
    conditions,
    extraColumns,
    releaseApproval: src.releaseApproval,
    dp: dpOn && src.dpEpsilonBudget !== null && src.dpEpsilonPerQuery !== null ? { budget: src.dpEpsilonBudget, perQuery: src.dpEpsilonPerQuery } : null,
  };
}

// ── The temporary views ──

/** A constant as SQL text (standard-conforming strings), cast to the column's type. */
export function literal(v: Scalar, type: CatalogField['type']): string {
  const text = typeof v === 'string' ? v : String(v);
  return `'${text.replace(/'/g, "''")}'::${SQL_TYPES[type]}`;
}

/**
 * `CREATE TEMP VIEW "<entry code>" AS SELECT <granted columns> FROM datasets.<table> WHERE <row
 * filter>`: the query sees only the granted columns (and the subject column, for counting) and only
 * the rows the grant allows. A granted item the live table lacks reads as a typed null.
 */
export function tempViewSql(g: Pick<GrantView, 'view' | 'columns' | 'extraColumns' | 'table' | 'conditions'>): string {
  const types = new Map<string, CatalogField['type']>([...g.columns, ...g.extraColumns].map((c) => [c.name, c.type]));
  const cols = [...g.columns, ...g.extraColumns].map((c) => (c.inTable ? quoteIdent(c.name) : `NULL::${SQL_TYPES[c.type]} AS ${quoteIdent(c.name)}`));
  const where = g.conditions.map((c) => {
    const type = types.get(c.field) ?? 'string';
    if (c.op === 'in') return `${quoteIdent(c.field)} IN (${c.values.map((v) => literal(v, type)).join(', ')})`;
    return `${quoteIdent(c.field)} ${OP_SQL[c.op]} ${literal(c.values[0] ?? '', type)}`;
  });
  const select = cols.length > 0 ? cols.join(', ') : 'NULL AS "(none)"';
  return `CREATE TEMP VIEW ${quoteIdent(g.view.name)} AS SELECT ${select} FROM datasets.${quoteIdent(g.table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
}

/**
 * The types of the row-filter columns, for `parseRowFilter`: every column of the live table (a
 * provider may restrict rows by a column it does not release).
 */
export const filterTypes = (fields: readonly CatalogField[]): Map<string, CatalogField['type']> => new Map(fields.map((f) => [f.name, f.type]));

// ── The group threshold and the differencing probes ──

/** A whole number from a database value (count(*) and count(DISTINCT) come back as numbers or text). */
export function countOf(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

/**
 * Drops the groups that cover fewer than `minGroupSize` distinct subjects (the value in the
 * column at `subjectsAt`); returns the rows kept and how many were dropped. Rows of a query that
 * does not aggregate are kept as they are.
 */
export function suppressSmallGroups<R extends readonly unknown[]>(rows: readonly R[], subjectsAt: number | null, minGroupSize: number): { rows: R[]; suppressed: number } {
  if (subjectsAt === null) return { rows: [...rows], suppressed: 0 };
  const kept: R[] = [];
  let suppressed = 0;
  for (const r of rows) {
    if (countOf(r[subjectsAt]) >= minGroupSize) kept.push(r);
    else suppressed++;
  }
  return { rows: kept, suppressed };
}

/**
 * Whether a differencing probe isolates a few subjects: a group released with the condition
 * (kept ≥ k) that differs from the group without it by 1 to k − 1 subjects — the difference of
 * two released counts would describe fewer than k people.
 */
export function isolates(probeRows: ReadonlyArray<{ base: unknown; kept: unknown }>, minGroupSize: number): boolean {
  return probeRows.some((r) => {
    const base = countOf(r.base);
    const kept = countOf(r.kept);
    const diff = base - kept;
    return kept >= minGroupSize && diff >= 1 && diff < minGroupSize;
  });
}

// ── The result ──

/**
 * How many leading columns of a result are shown: the check writes the outputs first and appends
 * its hidden columns, so a result of any other width was not built by the check and is refused.
 */
export function visibleWidth(columns: readonly string[], outputs: readonly OutputColumn[], hidden: readonly string[]): number {
  if (columns.length !== outputs.length + hidden.length) throw new Error(`sandbox result has ${columns.length} columns, expected ${outputs.length} outputs and ${hidden.length} hidden`);
  return outputs.length;
}

/** A result value as JSON keeps it: numbers and booleans as they are, dates as ISO text, bigints as numbers when safe. */
export function jsonValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** A result as CSV (RFC 4180): a header of the column names, then one line per row. */
export function resultCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (cells: readonly unknown[]) => `${cells.map((c) => csvCell(jsonValue(c) as Scalar | null)).join(',')}\n`;
  return line(columns) + rows.map(line).join('');
}

// ── The identifier scan of a release (出域审查) ──

/** A kind of identifier as messages name it. */
export const kindLabel = (kind: string): string => (DETECTED_KIND_LABELS as Record<string, string>)[kind] ?? kind;

/** What the policy check said of a result column, as a query's recorded columns keep it. */
export interface ScannedColumn {
  kind: OutputColumn['kind'];
  aggregate?: string;
  numeric?: boolean;
}

/**
 * Whether a result column holds numbers computed over each group rather than values of the data:
 * COUNT, SUM and AVG, and the aggregates the check marked `numeric` (MIN/MAX of a numeric column,
 * arithmetic on aggregates). MIN and MAX of text are values of the data (MIN(name) is a name).
 */
export const computedNumber = (c: ScannedColumn | undefined): boolean =>
  c?.kind === 'aggregate' && (c.numeric === true || c.aggregate === 'count' || c.aggregate === 'sum' || c.aggregate === 'avg');

/** A number, or a number's text as PostgreSQL writes numeric, bigint and float results. */
const isNumber = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint' || (typeof v === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(v.trim()));

/**
 * Scans every output value with `detect` (the PII detectors): the columns and kinds found, with
 * how many values of each. Numbers are scanned as their text (an ID number may come out as one),
 * except the numbers of columns `outputs` (the policy check's view of each column, in order) says
 * are computed over a group: a sum that happens to have 11 digits is no mobile number.
 */
export function scanOutput(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  detect: (value: string) => string | null,
  outputs: readonly ScannedColumn[] = [],
): ScanFinding[] {
  const found = new Map<string, ScanFinding>();
  const computed = columns.map((_, i) => computedNumber(outputs[i]));
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      const v = row[i];
      if (v === null || v === undefined || typeof v === 'boolean') continue;
      if (computed[i] && isNumber(v)) continue;
      const kind = detect(String(v).trim());
      if (!kind) continue;
      const column = columns[i] ?? String(i);
      const key = `${column}\u0000${kind}`;
      const f = found.get(key);
      if (f) f.count++;
      else found.set(key, { column, kind, count: 1 });
    }
  }
  return [...found.values()];
}

/** The release refusal's message: each column and the kinds found in it. */
export const scanMessage = (findings: readonly ScanFinding[]): string =>
  `结果含有可识别个人或单位的标识，不能出域：${findings.map((f) => `${f.column}（${kindLabel(f.kind)} ${f.count} 个）`).join('、')}`;
