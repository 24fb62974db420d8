/**
 * The statement of a batch export's stream path (000 第八条、第十五条): one `SELECT` over the live
 * version's table whose rows, as `COPY (…) TO STDOUT` writes them, are the rows of the file — the
 * grant's columns in their order, the masking and the value formats of the service API, CSV
 * quoting or NDJSON (`exportCopy`). COPY takes no bound parameters: the filter values are written
 * as escaped literals cast to the column's type (the same values and casts the service API binds).
 * No I/O.
 *
 * Each value's text is the text JavaScript gives the value the service API delivers
 * (`rules.ts` `outValue`, then `String`):
 *
 * - integer (`bigint`): its digits; in NDJSON a number within ±(2^53 − 1), else a string.
 * - number (`numeric`): with at most 15 significant digits (below 1e9, at most 6 decimals), the
 *   decimal with its trailing zeros cut (`trim_scale`) — the shortest text of its double; else
 *   `numeric::float8::text` — PostgreSQL (extra_float_digits 1, the default) and JavaScript both
 *   print the shortest text that reads back as the same double, in plain notation between 1e-4
 *   and 1e15. Outside that range the two notations differ (`1e-05` /
 *   `0.00001`, `1e+15` / `1000000000000000`): such values make the export take the page path.
 * - boolean: `true` / `false`.
 * - date: `YYYY-MM-DD`; date-time: ISO 8601 in UTC with milliseconds (`toISOString`), the
 *   microseconds cut as JavaScript's `Date` cuts them. Dates outside the years 1–9999 and
 *   date-times outside 1901–9998 (other notations, historical time-zone offsets) take the page path.
 * - masked, under the column's strategy (privacy/masking.ts): partial as `left(v, head) ||
 *   repeat('*', …) || right(v, tail)` over `char_length`, which count code points as `Array.from`
 *   does; truncation as `left(v, n)`; suppression as `'*'` or null; generalisations by the open
 *   data gate's SQL (opening/gate.sql.ts) over the column itself — a band over the double, as
 *   JavaScript divides. A pseudonym (keyed SM3) and month or year of a text column have no SQL form
 *   here: such a plan takes the page path (`sqlMaskable`).
 * - CSV: quoted when the text holds `,` `"` CR or LF, quotes doubled; NDJSON: `to_json(text)`
 *   escapes exactly as `JSON.stringify` (`\"`, `\\`, `\b\f\n\r\t`, other controls `\u00xx`).
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type RawBuilder } from 'kysely';
import { quoteIdent } from '../ingest/copy.js';
import { SQL_TYPES } from '../ingest/validators.js';
import { generaliseSql } from '../opening/gate.sql.js';
import { DEFAULT_KEEP, defaultStrategy, MASK_KEEP, type MaskStrategy } from '../privacy/masking.js';
import { OP_SQL, type Condition, type FieldType, type Scalar } from './rules.js';

export interface LineColumn {
  name: string;
  type: FieldType;
  /** The live table has it; a column it lacks is null in every row. */
  inTable: boolean;
  /** The kind of personal information it leaves masked as, or null when it leaves in clear. */
  mask: string | null;
  /** How it leaves masked (privacy/masking.ts); by default its kind's partial mask. */
  strategy?: MaskStrategy | undefined;
}

export interface ExportStatement {
  table: string;
  columns: readonly LineColumn[];
  format: 'csv' | 'ndjson';
  conditions: readonly Condition[];
  types: ReadonlyMap<string, FieldType>;
  /** The order columns (the entry's key fields). */
  order: readonly string[];
  /** Order by the physical position last (keys not unique, or none). */
  tieBreak: boolean;
  /**
   * The rows the canaries follow, by physical position (`ctid`): each of these lines also carries
   * the row's values before masking, after a 0x1F byte, as a JSON array of texts (the model of its
   * canary).
   */
  templates: readonly string[];
  /** Key ranges the rows keep to (a part of the selection streamed on its own). */
  range?: ReadonlyArray<{ keys: readonly string[]; types: readonly FieldType[]; op: '>=' | '<'; values: readonly Scalar[] }>;
}

/** Largest integer JavaScript holds exactly: beyond it the service API delivers an integer as text. */
const SAFE = '9007199254740991';
/** The separator between a template row's line and its values before masking. */
export const TEMPLATE_SEPARATOR = 0x1f;

/** A string literal, whatever `standard_conforming_strings` says. */
export function sqlString(s: string): string {
  if (s.includes('\u0000')) throw new Error('text with a NUL character cannot be a literal');
  return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A value as a literal cast to the column's type (as the service API binds it). */
export const sqlLiteral = (v: Scalar, type: FieldType): string => `${sqlString(String(v))}::${SQL_TYPES[type]}`;

const col = (name: string) => quoteIdent(name);

/** One condition with literal values. */
export function conditionText(c: Condition, type: FieldType): string {
  if (c.op === 'in') return `${col(c.field)} IN (${c.values.map((v) => sqlLiteral(v, type)).join(', ')})`;
  const v = c.values[0];
  if (v === undefined) throw new Error(`condition on ${c.field} without a value`);
  return `${col(c.field)} ${OP_SQL[c.op]} ${sqlLiteral(v, type)}`;
}

export function whereText(conditions: readonly Condition[], types: ReadonlyMap<string, FieldType>): string {
  return conditions.length ? ` WHERE ${conditions.map((c) => conditionText(c, types.get(c.field) ?? 'string')).join(' AND ')}` : '';
}

/** The delivered text of a column (before masking), or `NULL`. */
export function valueText(c: Pick<LineColumn, 'name' | 'type' | 'inTable'>): string {
  if (!c.inTable) return 'NULL::text';
  const x = col(c.name);
  switch (c.type) {
    case 'string':
      return x;
    case 'integer':
      return `${x}::text`;
    case 'number':
      // At most 15 significant digits: the decimal itself, trailing zeros cut, is the shortest text of its double.
      return `(CASE WHEN abs(${x}) < 1e9 AND min_scale(${x}) <= 6 THEN trim_scale(${x})::text ELSE ${x}::float8::text END)`;
    case 'boolean':
      return `(CASE ${x} WHEN true THEN 'true' WHEN false THEN 'false' END)`;
    case 'date':
      // DateStyle ISO (set for the statement, and what the platform reads dates in).
      return `${x}::text`;
    case 'datetime':
      return `to_char(${x} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  }
}

/** `maskValue` in SQL over the text `t` (null stays null): the default partial mask of the kind. */
export function maskText(kind: string, t: string): string {
  const { head, tail } = MASK_KEEP[kind] ?? DEFAULT_KEEP;
  return partialText(head, tail, t);
}

/** `partialMask` in SQL over the text `t` (null stays null); the common case (long enough to keep both ends) first. */
export function partialText(head: number, tail: number, t: string): string {
  const n = `char_length(${t})`;
  return (
    `(CASE WHEN ${n} > ${head + tail} THEN left(${t}, ${head}) || repeat('*', ${n} - ${head + tail})${tail > 0 ? ` || right(${t}, ${tail})` : ''} ` +
    `WHEN ${n} > 1 THEN left(${t}, 1) || repeat('*', ${n} - 1) WHEN ${n} = 1 THEN '*' ELSE ${t} END)`
  );
}

/** Compiles the gate's generalisation SQL (literals only, no parameters) to text. */
const cold = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
function rawSql(b: RawBuilder<unknown>): string {
  const q = b.compile(cold);
  if (q.parameters.length > 0) throw new Error('generalisation SQL with parameters');
  return q.sql;
}

/** A column's strategy: the one chosen, else its kind's default. */
const strategyOf = (c: Pick<LineColumn, 'mask' | 'strategy'>): MaskStrategy | null => (c.mask === null ? null : (c.strategy ?? defaultStrategy(c.mask)));

/**
 * Whether the SQL here renders a masked column as JavaScript does (`masker` over the delivered
 * value): every strategy but a pseudonym (keyed SM3, not in SQL) and month or year of a text
 * column (JavaScript reads a date-time in the text in Beijing time).
 */
export function sqlMaskable(c: Pick<LineColumn, 'type' | 'mask' | 'strategy'>): boolean {
  const s = strategyOf(c);
  if (!s) return true;
  if (s.kind === 'pseudonym') return false;
  if (s.kind === 'generalise' && (s.how.kind === 'month' || s.how.kind === 'year')) return c.type === 'date' || c.type === 'datetime';
  return true;
}

/** The masked text of a column under its strategy (null stays null); the column must be `sqlMaskable`. */
export function maskedText(c: LineColumn): string {
  const s = strategyOf(c);
  const t = valueText(c);
  if (!s) return t;
  switch (s.kind) {
    case 'partial':
      return partialText(s.head, s.tail, t);
    case 'truncate':
      return `left(${t}, ${s.length})`;
    case 'suppress':
      return s.to === null ? 'NULL::text' : `(CASE WHEN ${t} IS NULL THEN NULL ELSE ${sqlString(s.to)} END)`;
    case 'generalise': {
      if (!sqlMaskable(c)) throw new Error(`no SQL form of ${c.name}`);
      if (s.how.kind === 'band' && c.type === 'number') {
        // Over the double, as JavaScript divides the number it delivers (outValue).
        const lo = `(floor(${col(c.name)}::float8 / ${s.how.width}) * ${s.how.width})`;
        return `(${lo}::bigint::text || '-' || (${lo} + ${s.how.width - 1})::bigint::text)`;
      }
      return `(${rawSql(generaliseSql(s.how, sql.raw(col(c.name)), c.type))})`;
    }
    case 'pseudonym':
      throw new Error(`no SQL form of ${c.name}`);
  }
}

/** A text as a CSV cell (`csvCell`): quoted when it holds a comma, a quote or a line break. */
const csvQuoted = (t: string) => `(CASE WHEN ${t} ~ '[",\\r\\n]' THEN '"' || replace(${t}, '"', '""') || '"' ELSE ${t} END)`;

/** A column's CSV cell; null is empty. */
export function csvCellText(c: LineColumn): string {
  if (!c.inTable) return "''";
  const t = valueText(c);
  if (c.mask) {
    const m = maskedText(c);
    // Only text can hold what needs quoting; a mask keeps some of the text's characters (or digits).
    return c.type === 'string' ? `coalesce(CASE WHEN ${t} ~ '[",\\r\\n]' THEN ${csvQuoted(m)} ELSE ${m} END, '')` : `coalesce(${m}, '')`;
  }
  return c.type === 'string' ? `coalesce(${csvQuoted(t)}, '')` : `coalesce(${t}, '')`;
}

/** A column's NDJSON value; null is `null`. */
export function jsonValueText(c: LineColumn): string {
  if (!c.inTable) return "'null'";
  const t = valueText(c);
  if (c.mask) return `coalesce(to_json(${maskedText(c)})::text, 'null')`;
  const x = col(c.name);
  switch (c.type) {
    case 'string':
      return `coalesce(to_json(${x})::text, 'null')`;
    case 'integer':
      return `coalesce(CASE WHEN ${x} BETWEEN -${SAFE} AND ${SAFE} THEN ${x}::text ELSE '"' || ${x}::text || '"' END, 'null')`;
    case 'number':
    case 'boolean':
      return `coalesce(${t}, 'null')`;
    case 'date':
    case 'datetime':
      return `coalesce('"' || ${t} || '"', 'null')`;
  }
}

/** The order NDJSON keys come out in: `JSON.stringify` of an object puts integer-like keys first. */
export function jsonKeyOrder(names: readonly string[]): string[] {
  return Object.keys(Object.fromEntries(names.map((n) => [n, null])));
}

/** `concat` of any number of texts (a function takes at most 100 arguments). */
export function concatText(parts: readonly string[]): string {
  if (parts.length <= 90) return `concat(${parts.join(', ')})`;
  const groups: string[] = [];
  for (let i = 0; i < parts.length; i += 90) groups.push(concatText(parts.slice(i, i + 90)));
  return concatText(groups);
}

/** One row as its line of the file, without the line break. */
export function lineText(columns: readonly LineColumn[], format: 'csv' | 'ndjson'): string {
  if (columns.length === 0) return format === 'csv' ? "''" : "'{}'";
  if (format === 'csv') return concatText(columns.flatMap((c, i) => (i === 0 ? [csvCellText(c)] : ["','", csvCellText(c)])));
  const byName = new Map(columns.map((c) => [c.name, c]));
  const parts = jsonKeyOrder(columns.map((c) => c.name)).flatMap((n, i) => [sqlString(`${i === 0 ? '{' : ','}${JSON.stringify(n)}:`), jsonValueText(byName.get(n) as LineColumn)]);
  return concatText([...parts, "'}'"]);
}

/** The values of a row before masking, as a JSON array of texts (nulls as null). */
export function rawText(columns: readonly LineColumn[]): string {
  return `to_json(ARRAY[${columns.map((c) => `${valueText(c)}`).join(', ')}]::text[])::text`;
}

/** The table's alias in the export statement. */
const SRC = 'src';

/**
 * The ORDER BY list, qualified: a bare name in ORDER BY would mean the output column of that name
 * (here the column's text), ordering `10` before `9`.
 */
export function orderText(order: readonly string[], tieBreak: boolean): string {
  return [...order.map((n) => `${SRC}.${col(n)}`), ...(tieBreak ? [`${SRC}.ctid`] : [])].join(', ');
}

function fromText(s: Pick<ExportStatement, 'table' | 'conditions' | 'types' | 'range'>): string {
  const where = whereText(s.conditions, s.types);
  const ranges = (s.range ?? []).map(
    (r) => `(${r.keys.map((k) => `${SRC}.${col(k)}`).join(', ')}) ${r.op} (${r.values.map((v, i) => sqlLiteral(v, r.types[i] ?? 'string')).join(', ')})`,
  );
  const all = [where.replace(/^ WHERE /, ''), ...ranges].filter(Boolean);
  return `FROM datasets.${col(s.table)} AS ${SRC}${all.length ? ` WHERE ${all.join(' AND ')}` : ''}`;
}

/**
 * A column's CSV cell for `COPY … (FORMAT csv)`: PostgreSQL quotes a value holding a comma, a
 * quote, CR or LF (quotes doubled) and an empty text, as `csvCell` does except for the empty text,
 * which therefore goes out as NULL (written empty, unquoted — as `csvCell` writes both).
 */
export function csvColumnText(c: LineColumn): string {
  if (!c.inTable) return 'NULL::text';
  const t = valueText(c);
  if (c.mask) return `nullif(${maskedText(c)}, '')`;
  return c.type === 'string' ? `nullif(${t}, '')` : t;
}

export type CopyMode = 'csv' | 'json' | 'lines';

/**
 * A column's NDJSON fragment: its key (with the opening brace for the first) and its value (with
 * the closing brace for the last). COPY joins the fragments with commas into the line.
 */
function jsonFragmentText(c: LineColumn, i: number, n: number): string {
  return `${sqlString(`${i === 0 ? '{' : ''}${JSON.stringify(c.name)}:`)} || ${jsonValueText(c)}${i === n - 1 ? ` || '}'` : ''}`;
}

/**
 * The query whose rows are the file's lines in export order, and how COPY writes them: CSV of two
 * columns or more as columns in COPY's CSV format (its quoting is `csvCell`'s; one row may span
 * lines); NDJSON as one fragment a column in COPY's CSV format with 0x01 for quote (`json`: one
 * row a line); else one text column per row in COPY's text format (`lines`: one row a line, a
 * few characters escaped). A template row carries its values before masking after a 0x1F byte: at
 * the end of the line, or of its last cell.
 */
export function exportCopy(s: ExportStatement): { query: string; mode: CopyMode; options: string } {
  const json = s.format === 'ndjson';
  if (json ? s.columns.length === 0 : s.columns.length < 2) return { query: exportQuery(s), mode: 'lines', options: '' };
  const order = orderText(s.order, s.tieBreak);
  const from = fromText(s);
  const orderBy = order ? ` ORDER BY ${order}` : '';
  const byName = new Map(s.columns.map((c) => [c.name, c]));
  const cells = json
    ? jsonKeyOrder(s.columns.map((c) => c.name)).map((n, i, all) => jsonFragmentText(byName.get(n) as LineColumn, i, all.length))
    : s.columns.map(csvColumnText);
  if (s.templates.length > 0) {
    const last = cells.length - 1;
    cells[last] = `CASE WHEN ${templateTest(s.templates)} THEN coalesce(${cells[last]}, '') || chr(${TEMPLATE_SEPARATOR}) || ${rawText(s.columns)} ELSE ${cells[last]} END`;
  }
  // NDJSON: no fragment is empty or holds a raw line break or 0x01 (JSON escapes them); a fragment
  // holding a comma comes out between 0x01 bytes, which are taken out again.
  if (json) return { query: `SELECT ${cells.join(', ')} ${from}${orderBy}`, mode: 'json', options: ` (FORMAT csv, QUOTE E'\\x01')` };
  return { query: `SELECT ${cells.join(', ')} ${from}${orderBy}`, mode: 'csv', options: ' (FORMAT csv)' };
}

/** Whether a row is one of the template rows (by physical position; a numbering window would hold every row). */
function templateTest(tids: readonly string[]): string {
  for (const t of tids) if (!/^\(\d+,\d+\)$/.test(t)) throw new Error(`not a row position: ${t}`);
  return `${SRC}.ctid = ANY(${sqlString(`{${[...new Set(tids)].map((t) => `"${t}"`).join(',')}}`)}::tid[])`;
}

/** The query whose rows are the file's lines, in export order (one text column). */
export function exportQuery(s: ExportStatement): string {
  const line = lineText(s.columns, s.format);
  const order = orderText(s.order, s.tieBreak);
  const from = fromText(s);
  const orderBy = order ? ` ORDER BY ${order}` : '';
  if (s.templates.length === 0) return `SELECT ${line} ${from}${orderBy}`;
  return `SELECT CASE WHEN ${templateTest(s.templates)} THEN ${line} || chr(${TEMPLATE_SEPARATOR}) || ${rawText(s.columns)} ELSE ${line} END ${from}${orderBy}`;
}

/**
 * Whether a row holds a value whose text the SQL above cannot give as JavaScript does (see the
 * head of this file); null when no column can.
 */
export function exoticText(columns: readonly LineColumn[]): string | null {
  const tests: string[] = [];
  for (const c of columns) {
    if (!c.inTable) continue;
    const x = col(c.name);
    if (c.type === 'number') tests.push(`(${x} <> 0 AND (abs(${x}) < 0.0001 OR abs(${x}) >= 1e15))`);
    // A band whose bounds pass 2^53 is computed over rounded doubles in JavaScript.
    const s = strategyOf(c);
    if (c.type === 'integer' && s?.kind === 'generalise' && s.how.kind === 'band') {
      const edge = (BigInt(SAFE) - BigInt(s.how.width)).toString();
      tests.push(`(${x} > ${edge} OR ${x} < -${edge})`);
    }
    if (c.type === 'date') tests.push(`(${x} < '0001-01-01'::date OR ${x} >= '10000-01-01'::date)`);
    if (c.type === 'datetime') tests.push(`(${x} < '1901-01-01T00:00:00Z'::timestamptz OR ${x} >= '9999-01-01T00:00:00Z'::timestamptz)`);
  }
  return tests.length ? tests.join(' OR ') : null;
}

/** The count of the selection, and whether any of its rows holds an exotic value. */
export function surveyQuery(table: string, columns: readonly LineColumn[], conditions: readonly Condition[], types: ReadonlyMap<string, FieldType>): string {
  const exotic = exoticText(columns);
  return `SELECT count(*) AS n, ${exotic ? `coalesce(bool_or(${exotic}), false)` : 'false'} AS exotic FROM datasets.${col(table)}${whereText(conditions, types)}`;
}
