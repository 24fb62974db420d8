/**
 * Delivery rules (000 第八条; ARCHITECTURE §4 "Data plane"): the service API's query filters and
 * the grant's row filter, the keyset cursor, masking on the way out, and the rendering of a page
 * as JSON, NDJSON or CSV. No I/O.
 */
import { hasUserRole, type AuthContext } from '../../kernel/auth.js';
import type { FieldError } from '../../kernel/errors.js';
import { canManageApiKeys } from '../identity/rules.js';
import type { CatalogField } from '../catalog/tables.js';
import type { DeliveryFormat } from './tables.js';
import { DEFAULT_KEEP, defaultStrategy, MASK_KEEP, masker, partialMask, readStrategies, type Masker, type MaskStrategy, type PseudonymKeys } from '../privacy/masking.js';

/** The articles delivery rests on. */
export const ART = {
  provision: '000 第八条',
  request: '000 第十四条',
  useLimits: '000 第十五条',
} as const;

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** Query parameters of the service API that are not field filters. */
export const RESERVED_PARAMS: readonly string[] = ['limit', 'after', 'format'];
/** At most this many values in one `in:` filter. */
export const MAX_IN_VALUES = 100;

export type FieldType = CatalogField['type'];
export type Scalar = string | number | boolean;
export type Op = 'eq' | 'in' | 'gte' | 'lte' | 'gt' | 'lt';
export const OPS: readonly Op[] = ['eq', 'in', 'gte', 'lte', 'gt', 'lt'];
/** The comparison each operator writes in SQL (`in` is written as a list). */
export const OP_SQL: Record<Exclude<Op, 'in'>, string> = { eq: '=', gte: '>=', lte: '<=', gt: '>', lt: '<' };

/** One condition on one column; values already typed for the column. */
export interface Condition {
  field: string;
  op: Op;
  values: Scalar[];
}

/** What the filters need to know of a column. */
export interface FilterField {
  type: FieldType;
  /** Leaves masked: only equality filters (`eq`, `in`) are allowed on it. */
  masked?: boolean;
  /** Not provided at all (strategy `suppress`): no filter on it. */
  suppressed?: boolean;
}

// ── Who may do what ──

export const KEY_NEEDS = '被授权单位的机构管理员、数据工作机构负责人或经办人';
export const READ_NEEDS = '被授权单位的经办人、数据工作机构负责人或机构管理员';

/**
 * A natural person (a public account of kind `person`, e.g. an approved conditional-open applicant,
 * 000 第二十条) is the only user of their account and acts for themselves on their own grants.
 */
export const isPersonAccount = (auth: AuthContext): boolean => auth.org.kind === 'person';

/** A grant's keys are made, listed and revoked by the people of its subject org who handle data work (a person: themselves). */
export const canManageGrantKeys = (auth: AuthContext, g: { subjectOrgId: string }): boolean =>
  auth.org.id === g.subjectOrgId && (canManageApiKeys(auth) || isPersonAccount(auth));

/** In a session or with an org key, the same people read through their org's grants (a person: their own). */
export const canReadThroughOrg = (auth: AuthContext): boolean =>
  hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin') || isPersonAccount(auth);

// ── The columns delivered ──

/** One column of a grant's delivery. */
export interface DeliveredColumn {
  name: string;
  type: FieldType;
  /** The kind of personal information it holds, if any. */
  piiKind: string | null;
  /** The live table has it (a data item published after the load comes back null). */
  inTable: boolean;
}

/**
 * The granted columns, in the published catalog order (then any column only the table still
 * has): the table's definition first — it is what was loaded — the published version's for an
 * item added since; personal information when either version says so. A granted name that
 * neither version knows any more is not delivered.
 */
export function deliveredColumns(granted: readonly string[], published: readonly CatalogField[], table: readonly CatalogField[]): DeliveredColumn[] {
  const inTable = new Map(table.map((f) => [f.name, f]));
  const inPublished = new Map(published.map((f) => [f.name, f]));
  const names = [...published.map((f) => f.name), ...table.map((f) => f.name).filter((n) => !inPublished.has(n))];
  const out: DeliveredColumn[] = [];
  for (const name of names) {
    if (!granted.includes(name)) continue;
    const t = inTable.get(name);
    const p = inPublished.get(name);
    const type = t?.type ?? p?.type;
    if (!type) continue;
    out.push({ name, type, piiKind: t?.piiKind?.trim() || p?.piiKind?.trim() || null, inTable: t !== undefined });
  }
  return out;
}

// ── Values ──

/** A filter value typed for its column, or why it is not one. */
export function typedValue(type: FieldType, raw: unknown): { ok: true; value: Scalar } | { ok: false; reason: string } {
  if (typeof raw === 'number' || typeof raw === 'boolean') raw = String(raw);
  if (typeof raw !== 'string') return { ok: false, reason: '取值应为文本、数值或布尔值' };
  const s = raw.trim();
  switch (type) {
    case 'string':
      return { ok: true, value: raw };
    case 'integer':
      // Beyond 2^53 a JS number would round: such a value stays text, cast to bigint in SQL.
      return /^[-+]?\d{1,18}$/.test(s) ? { ok: true, value: Number.isSafeInteger(Number(s)) ? Number(s) : s } : { ok: false, reason: `“${raw}”不是整数` };
    case 'number':
      return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s) && Number.isFinite(Number(s)) ? { ok: true, value: s } : { ok: false, reason: `“${raw}”不是数值` };
    case 'boolean':
      return s === 'true' || s === 'false' ? { ok: true, value: s === 'true' } : { ok: false, reason: `“${raw}”不是布尔值（true / false）` };
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? { ok: true, value: s } : { ok: false, reason: `“${raw}”不是日期（YYYY-MM-DD）` };
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s) && !Number.isNaN(Date.parse(s))
        ? { ok: true, value: s }
        : { ok: false, reason: `“${raw}”不是日期时间（ISO 8601）` };
  }
}

// ── Query filters ──

/**
 * One query parameter's value: `v` (equals), `eq:v`, `in:a,b,c`, `gte:x`, `lte:x`, `gt:x`, `lt:x`.
 * A value that itself starts with an operator and a colon is written `eq:<value>`.
 */
export function parseFilterValue(raw: string): { op: Op; values: string[] } {
  const m = /^(eq|in|gte|lte|gt|lt):([\s\S]*)$/.exec(raw);
  if (!m) return { op: 'eq', values: [raw] };
  const op = m[1] as Op;
  const rest = m[2] ?? '';
  return op === 'in' ? { op, values: rest === '' ? [] : rest.split(',') } : { op, values: [rest] };
}

/**
 * The query filters of a request on the granted fields. Every parameter that is not reserved
 * (`limit`, `after`, `format`) names a field: one outside the grant is refused, naming it (000
 * 第十五条: the grant's fields are the whole of the use); a field that leaves masked takes only
 * `eq` / `in`, so ranges cannot recover what the mask hides. A repeated parameter is several
 * conditions on the field (e.g. `gte:` and `lte:`).
 */
export function parseQueryFilters(query: Record<string, unknown>, granted: ReadonlyMap<string, FilterField>): { conditions: Condition[]; problems: FieldError[] } {
  const conditions: Condition[] = [];
  const problems: FieldError[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (RESERVED_PARAMS.includes(name) || value === undefined) continue;
    const field = granted.get(name);
    if (!field) {
      problems.push({ field: name, message: `${name} 不是共享授权的数据项，不能作为筛选条件` });
      continue;
    }
    if (field.suppressed) {
      problems.push({ field: name, message: `${name} 的脱敏方式为不提供，不能作为筛选条件` });
      continue;
    }
    for (const raw of Array.isArray(value) ? value : [value]) {
      const { op, values } = parseFilterValue(String(raw));
      if (field.masked && op !== 'eq' && op !== 'in') {
        problems.push({ field: name, message: `${name} 以脱敏形式提供，只能按等值（eq / in）筛选` });
        continue;
      }
      if (op === 'in' && (values.length === 0 || values.length > MAX_IN_VALUES)) {
        problems.push({ field: name, message: `in: 须列出 1 至 ${MAX_IN_VALUES} 个取值，以逗号分隔` });
        continue;
      }
      const typed: Scalar[] = [];
      for (const v of values) {
        const t = typedValue(field.type, v);
        if (t.ok) typed.push(t.value);
        else problems.push({ field: name, message: t.reason });
      }
      if (typed.length === values.length) conditions.push({ field: name, op, values: typed });
    }
  }
  return { conditions, problems };
}

// ── The grant's row filter ──

/**
 * A grant's row filter (grants.row_filter), set by the grant's source case: an object whose keys
 * are column names of the entry (granted or not: the provider may restrict rows by a column it
 * does not release) and whose values are a scalar (equals), an array (in), or an object of
 * operators, e.g. `{ "region": { "in": ["460100", "460200"] }, "active": true,
 * "household": { "gte": 2, "lt": 6 } }`. Null: every row. Conditions are ANDed. A filter that
 * names an unknown column or is malformed fails closed: no read runs under it.
 */
export function parseRowFilter(filter: unknown, columns: ReadonlyMap<string, FieldType>): { ok: true; conditions: Condition[] } | { ok: false; reason: string } {
  if (filter === null || filter === undefined) return { ok: true, conditions: [] };
  if (typeof filter !== 'object' || Array.isArray(filter)) return { ok: false, reason: '行过滤条件应为对象' };
  const conditions: Condition[] = [];
  for (const [name, spec] of Object.entries(filter as Record<string, unknown>)) {
    const type = columns.get(name);
    if (!type) return { ok: false, reason: `行过滤条件中的 ${name} 不是该目录数据的列` };
    const parts: Array<[Op, unknown]> =
      spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? Object.entries(spec as Record<string, unknown>).map(([op, v]) => [op as Op, v]) : [[Array.isArray(spec) ? 'in' : 'eq', spec]];
    if (parts.length === 0) return { ok: false, reason: `行过滤条件中的 ${name} 没有条件` };
    for (const [op, v] of parts) {
      if (!OPS.includes(op)) return { ok: false, reason: `行过滤条件中的 ${name} 使用了未知的运算 ${op}` };
      const list = op === 'in' ? v : [v];
      if (!Array.isArray(list) || list.length === 0) return { ok: false, reason: `行过滤条件中的 ${name} 的 in 应为非空数组` };
      const values: Scalar[] = [];
      for (const one of list) {
        const t = typedValue(type, one);
        if (!t.ok) return { ok: false, reason: `行过滤条件中的 ${name}：${t.reason}` };
        values.push(t.value);
      }
      conditions.push({ field: name, op, values });
    }
  }
  return { ok: true, conditions };
}

// ── Keyset cursor ──

/**
 * The payload of an `after` cursor: the grant it was issued under and the last row's values of
 * the order columns. The service seals it (SM4, then base64url) so that a key value the grant
 * masks or does not release never travels in clear, and a cursor serves only its own grant.
 */
export const cursorPayload = (grantId: string, values: readonly Scalar[]): string => JSON.stringify({ g: grantId, k: values });

/** The order values of a cursor payload, or null when it is not one of this grant with `n` values. */
export function readCursorPayload(text: string, grantId: string, n: number): Scalar[] | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const { g, k } = v as { g?: unknown; k?: unknown };
  if (g !== grantId || !Array.isArray(k) || k.length !== n) return null;
  if (!k.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return null;
  return k as Scalar[];
}

// ── Masking ──

/** How many characters a mask keeps at each end, by kind of personal information (privacy/masking.ts). */
export { MASK_KEEP };

/**
 * A partial mask of a personal value: the default strategy of its kind (privacy/masking.ts
 * `defaultStrategy`) — ID number 6 + 4, mobile or phone 3 + 4, name the first character, any other
 * kind 1 + 1 — `*` for the rest, one `*` per character. A value too short to keep both ends keeps
 * at most its first character. Null stays null; other types are masked as their text.
 */
export function maskValue(kind: string, value: unknown): string | null {
  const { head, tail } = MASK_KEEP[kind] ?? DEFAULT_KEEP;
  return partialMask(value, head, tail);
}

/** The fields that leave masked: those holding personal information, less those the grant releases in clear. */
export function maskedFields(fields: readonly Pick<CatalogField, 'name' | 'piiKind'>[], clear: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fields) {
    const kind = f.piiKind?.trim();
    if (kind && !clear.includes(f.name)) out.set(f.name, kind);
  }
  return out;
}

/**
 * The strategy each masked field leaves under (privacy/masking.ts): the one the grant chose
 * (`grants.mask_strategies`, `{ field: spec }`), else its kind's default partial mask. A stored
 * spec that no longer fits its field fails closed to `suppress`; one on a field in clear is moot.
 */
export function maskStrategies(columns: readonly { name: string; type: FieldType }[], masked: ReadonlyMap<string, string>, stored: unknown): Map<string, MaskStrategy> {
  const types = new Map(columns.filter((c) => masked.has(c.name)).map((c) => [c.name, c.type]));
  const chosen = stored && typeof stored === 'object' && !Array.isArray(stored) ? readStrategies(stored as Record<string, unknown>, types) : new Map<string, MaskStrategy>();
  const out = new Map<string, MaskStrategy>();
  for (const [name, kind] of masked) out.set(name, chosen.get(name) ?? defaultStrategy(kind));
  return out;
}

/** Whether any strategy needs the pseudonym keys. */
export const needsPseudonymKeys = (strategies: ReadonlyMap<string, MaskStrategy>): boolean => [...strategies.values()].some((s) => s.kind === 'pseudonym');

/** One masking function per masked field, made once per page or export. */
export function maskersOf(strategies: ReadonlyMap<string, MaskStrategy>, keys?: PseudonymKeys): Map<string, Masker> {
  return new Map([...strategies].map(([name, s]) => [name, masker(s, keys)]));
}

const defaultMaskers = new Map<string, Masker>();
/** The default masking function of a kind of personal information (kept per kind). */
function defaultMasker(kind: string): Masker {
  let m = defaultMaskers.get(kind);
  if (!m) {
    m = masker(defaultStrategy(kind));
    defaultMaskers.set(kind, m);
  }
  return m;
}

// ── Values out ──

/** A column value as delivered: numbers as numbers, dates as `YYYY-MM-DD`, date-times as ISO 8601. */
export function outValue(type: FieldType, v: unknown): Scalar | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer':
    case 'number': {
      if (typeof v === 'number') return v;
      const n = Number(v);
      return Number.isFinite(n) && (type === 'number' || Number.isSafeInteger(n)) ? n : String(v);
    }
    case 'boolean':
      return typeof v === 'boolean' ? v : String(v) === 'true' || String(v) === 't';
    case 'date':
      return v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    case 'datetime':
      return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
    case 'string':
      return String(v);
  }
}

/** A column's value as delivered (`outValue` of one type, chosen once per column). */
export type Converter = (v: unknown) => Scalar | null;

const toNumber = (v: unknown): Scalar | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isFinite(n) ? n : String(v);
};
const toInteger = (v: unknown): Scalar | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : String(v);
};
const toBoolean = (v: unknown): Scalar | null => (v === null || v === undefined ? null : typeof v === 'boolean' ? v : String(v) === 'true' || String(v) === 't');
const toDate = (v: unknown): Scalar | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
const toDatetime = (v: unknown): Scalar | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const toText = (v: unknown): Scalar | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v));

const CONVERTERS: Record<FieldType, Converter> = { integer: toInteger, number: toNumber, boolean: toBoolean, date: toDate, datetime: toDatetime, string: toText };

/** The converter of a column type: the same values as `outValue(type, v)`. */
export const converterFor = (type: FieldType): Converter => CONVERTERS[type];

/** A column of a page as delivered: its name, its converter, and the mask it leaves under, if any. */
export interface OutColumn {
  name: string;
  convert: Converter;
  /** Masks its delivered value (its strategy's `masker`). */
  mask?: Masker | undefined;
}

/**
 * The plan of a page's columns, made once per page: each masked column (`masked`: name → kind)
 * under its masker (`maskers`, from the grant's strategies), else its kind's default partial mask.
 */
export const outColumns = (columns: readonly { name: string; type: FieldType }[], masked: ReadonlyMap<string, string>, maskers?: ReadonlyMap<string, Masker>): OutColumn[] =>
  columns.map((c) => {
    const kind = masked.get(c.name);
    return { name: c.name, convert: converterFor(c.type), mask: kind === undefined ? undefined : (maskers?.get(c.name) ?? defaultMasker(kind)) };
  });

/**
 * The rows as delivered: one object per row holding the columns in order, converted and masked
 * (what `outValue` and `maskValue` per cell give), ready for `renderPage`.
 */
export function outRows(columns: readonly OutColumn[], rows: readonly Record<string, unknown>[]): Array<Record<string, Scalar | null>> {
  const n = columns.length;
  const out = new Array<Record<string, Scalar | null>>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    const item: Record<string, Scalar | null> = {};
    for (let i = 0; i < n; i++) {
      const c = columns[i] as OutColumn;
      const v = c.convert(row[c.name]);
      item[c.name] = c.mask ? c.mask(v) : v;
    }
    out[r] = item;
  }
  return out;
}

// ── Formats ──

export const CONTENT_TYPES: Record<DeliveryFormat, string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** `?format=` first, then the Accept header; JSON by default. */
export function chooseFormat(param: string | undefined, accept: string | undefined): DeliveryFormat {
  if (param === 'json' || param === 'ndjson' || param === 'csv') return param;
  const a = (accept ?? '').toLowerCase();
  if (a.includes('application/x-ndjson') || a.includes('application/ndjson')) return 'ndjson';
  if (a.includes('text/csv')) return 'csv';
  return 'json';
}

/** One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break; null is empty. */
export function csvCell(v: Scalar | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A page as the chunks to send: JSON `{ items, next }` in one chunk; NDJSON one line per row; CSV
 * a header of the field names, then one line per row. Only `names` are written, in that order.
 */
export function renderPage(format: DeliveryFormat, names: readonly string[], items: readonly Record<string, Scalar | null>[], next: string | null): string[] {
  if (format === 'json') return [JSON.stringify({ items, next })];
  if (format === 'ndjson') return items.map((it) => `${JSON.stringify(Object.fromEntries(names.map((n) => [n, it[n] ?? null])))}\n`);
  return [`${names.map((n) => csvCell(n)).join(',')}\n`, ...items.map((it) => `${names.map((n) => csvCell(it[n] ?? null)).join(',')}\n`)];
}

