/**
 * The stream path of batch export writes the same bytes as the page path (the service API's
 * conversion, masking and rendering in JavaScript) on a table of tricky values: commas, quotes,
 * line breaks, tabs, backslashes and control characters, NULL against empty text, CJK and emoji
 * in masked fields, dates, date-times with microseconds, numerics of every scale, integers beyond
 * 2^53, booleans — in CSV and NDJSON, masked and in clear, with filters whose literals hold quotes
 * and backslashes, ordered by a key or by physical position; the same canaries at the same rows.
 * Values SQL cannot print as JavaScript does send the export down the page path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { streamable, writeExport, type ExportPlan } from './export.js';
import { surveyRows } from './export.repo.js';
import type { LineColumn } from './export.sql.js';
import { deliveredColumns, type Condition, type FieldType } from './rules.js';
import type { CatalogField } from '../catalog/tables.js';
import { sm3Hmac } from '../privacy/anonymity.js';
import { parseStrategy, pseudonymKeys, type MaskStrategy } from '../privacy/masking.js';

let env: TestEnv;
let dir: string;

const FIELDS: CatalogField[] = [
  { name: 'k', label: '序号', type: 'integer', key: true },
  { name: 's', label: '文本', type: 'string' },
  { name: 'name', label: '姓名', type: 'string', piiKind: 'name' },
  { name: 'id_number', label: '公民身份号码', type: 'string', piiKind: 'id_number' },
  { name: 'mobile', label: '手机号码', type: 'string', piiKind: 'mobile' },
  { name: 'note', label: '备注', type: 'string', piiKind: 'address' },
  { name: 'n', label: '金额', type: 'number' },
  { name: 'i', label: '数量', type: 'integer' },
  { name: 'b', label: '有效', type: 'boolean' },
  { name: 'd', label: '日期', type: 'date' },
  { name: 't', label: '时间', type: 'datetime' },
  { name: 'mi', label: '脱敏整数', type: 'integer', piiKind: 'other' },
  { name: 'mn', label: '脱敏数值', type: 'number', piiKind: 'other' },
  { name: 'md', label: '脱敏日期', type: 'date', piiKind: 'other' },
  { name: 'mb', label: '脱敏布尔', type: 'boolean', piiKind: 'other' },
  { name: 'mt', label: '脱敏时间', type: 'datetime', piiKind: 'other' },
  { name: '2024', label: '数字名', type: 'string' },
];
/** A data item published after the load: not in the table, null in every row. */
const LATER: CatalogField = { name: 'later', label: '新增项', type: 'string' };

const TEXTS = [
  'plain',
  'a,b',
  'say "hi"',
  'line1\nline2',
  'crlf\r\nend',
  'tab\there',
  'back\\slash',
  'ctl\u0001\u001f\u0008\u000b\u000c',
  '',
  '  spaced  ',
  '海南省海口市美兰区',
  '😀 emoji 👨‍👩‍👧',
  'u2028\u2028x',
  ':null',
  '{"json":"like"}',
  'null',
];
const NAMES = ['张三', '欧阳娜娜', '😀', '😀张', 'A', '', '𠀀𠀁𠀂', 'a,"b"'];
const IDS = ['460105199003070012', '46010519900307001X', '12345', '😀😀😀😀😀😀😀😀😀😀😀'];
const NUMBERS = ['0', '-0.00', '1.50', '123456.789', '0.0001', '999999999999999.9', '3.14159265358979323846264', '-2.5', '100000000000000', '0.1', '1000.00', '12.345678901234567890'];
const INTS = ['0', '-1', '9007199254740991', '9007199254740992', '-9007199254740993', '9223372036854775807', '-9223372036854775808', '42'];
const DATES = ['2026-01-05', '0999-12-31', '1900-02-28', '2000-02-29', '9999-12-31'];
const TIMES = ['2026-03-04 05:06:07.123456+08', '1999-12-31T23:59:59.999999Z', '1970-01-01T00:00:00Z', '2026-09-18T10:00:00+08:00', '1950-06-01T12:00:00.5Z', '2038-01-19T03:14:07.001Z', '9000-01-01T00:00:00.000999Z'];

const pick = <T>(xs: readonly T[], i: number, nulls = true): T | null => (nulls && i % 7 === 3 ? null : (xs[i % xs.length] as T));

/** The fixture table: `rows` rows of every kind of value, NULLs sprinkled. */
async function makeTable(name: string, rows: number, extra: (i: number) => Partial<Record<string, string | null>> = () => ({})): Promise<void> {
  const db = env.k.db.kysely;
  await sql
    .raw(
      `CREATE TABLE datasets."${name}" (k bigint, s text, name text, id_number text, mobile text, note text, n numeric, i bigint, b boolean, d date, t timestamptz,
        mi bigint, mn numeric, md date, mb boolean, mt timestamptz, "2024" text)`,
    )
    .execute(db);
  for (let i = 0; i < rows; i++) {
    const v: Record<string, string | null> = {
      k: String(i + 1),
      s: pick(TEXTS, i, false),
      name: pick(NAMES, i),
      id_number: pick(IDS, i + 1),
      mobile: i % 5 === 0 ? null : `139${String(i).padStart(8, '0')}`,
      note: pick(TEXTS, i + 5),
      n: pick(NUMBERS, i),
      i: pick(INTS, i + 2),
      b: i % 7 === 3 ? null : i % 2 ? 'true' : 'false',
      d: pick(DATES, i),
      t: pick(TIMES, i),
      mi: pick(INTS, i + 1),
      mn: pick(NUMBERS, i + 3),
      md: pick(DATES, i + 1),
      mb: i % 3 === 0 ? 'true' : 'false',
      mt: pick(TIMES, i + 2),
      '2024': pick(TEXTS, i + 9),
      ...extra(i),
    };
    const names = Object.keys(v);
    await sql
      .raw(`INSERT INTO datasets."${name}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map((n) => (v[n] === null ? 'NULL' : `E'${(v[n] as string).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`)).join(', ')})`)
      .execute(db);
  }
}

/** Strategies from their spec texts. */
function strategiesOf(specs: Record<string, string>): Map<string, MaskStrategy> {
  return new Map(
    Object.entries(specs).map(([f, spec]) => {
      const p = parseStrategy(spec);
      if (!p.ok) throw new Error(p.reason);
      return [f, p.value];
    }),
  );
}

function planOf(
  table: string,
  format: 'csv' | 'ndjson',
  opts: { clear?: boolean; conditions?: Condition[]; keyed?: boolean; total: number; exotic?: boolean; seed?: string; strategies?: Record<string, string> },
): ExportPlan {
  const columns = deliveredColumns(
    [...FIELDS, LATER].map((f) => f.name),
    [...FIELDS, LATER],
    FIELDS,
  );
  const masked = new Map<string, string>(opts.clear ? [] : FIELDS.filter((f) => f.piiKind).map((f) => [f.name, f.piiKind as string]));
  return {
    table,
    format,
    columns,
    masked,
    conditions: opts.conditions ?? [],
    types: new Map<string, FieldType>(FIELDS.map((f) => [f.name, f.type])),
    keys: opts.keyed === false ? [] : [{ name: 'k', type: 'integer' }],
    tieBreak: opts.keyed === false,
    total: opts.total,
    seed: opts.seed ?? 'a-fixed-seed-for-the-test',
    exotic: opts.exotic ?? false,
    ...(opts.strategies ? { strategies: strategiesOf(opts.strategies), pseudonyms: pseudonymKeys(sm3Hmac('0123456789abcdef0123456789abcdef'), 'grant-of-the-test') } : {}),
  };
}

async function written(plan: ExportPlan, mode: 'auto' | 'pages') {
  const file = path.join(dir, `${plan.table}-${plan.format}-${mode}-${Math.random().toString(36).slice(2)}`);
  const out = fs.createWriteStream(file, { flags: 'wx' });
  const closed = once(out, 'close');
  const ticks: number[] = [];
  const w = await writeExport(env.k.db, plan, out, async (rows) => void ticks.push(rows), mode);
  out.end();
  await closed;
  const bytes = fs.readFileSync(file);
  expect(bytes.length).toBe(w.bytes);
  return { ...w, text: bytes.toString('utf8'), ticks };
}

/** Both paths on the same plan: the same file, byte for byte, and the same canaries. */
async function agree(plan: ExportPlan) {
  const fast = await written(plan, 'auto');
  const slow = await written(plan, 'pages');
  expect(fast.path).toBe(plan.exotic || !streamable(plan) ? 'pages' : 'stream');
  expect(slow.path).toBe('pages');
  expect(fast.text).toBe(slow.text);
  expect(fast.rows).toBe(slow.rows);
  expect(fast.canaries).toEqual(slow.canaries);
  return fast;
}

const lineColumns = (plan: ExportPlan): LineColumn[] =>
  plan.columns.map((c) => ({ name: c.name, type: c.type, inTable: c.inTable, mask: plan.masked.get(c.name) ?? null, strategy: plan.strategies?.get(c.name) }));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-export-stream-'));
  env = await testEnv({ seed: false });
  await makeTable('x_tricky', 300);
  await makeTable('x_exotic', 20, (i) => (i === 11 ? { n: '0.00001' } : {}));
  await makeTable('x_bc', 12, (i) => (i === 4 ? { d: '0044-03-15 BC' } : {}));
}, 120_000);

afterAll(async () => {
  await env?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the stream path writes what the page path writes', () => {
  it('CSV, masked', async () => {
    const plan = planOf('x_tricky', 'csv', { total: 300 });
    expect(await surveyRows(env.k.db.kysely, 'x_tricky', lineColumns(plan), [], plan.types)).toEqual({ total: 300, exotic: false });
    const w = await agree(plan);
    expect(w.canaries.length).toBe(4);
    expect(w.text).toContain('"a,b"');
    expect(w.text).toContain('"say ""hi"""');
    expect(w.text).toContain('"line1\nline2"');
    expect(w.text).toContain('back\\slash');
    expect(w.text).toContain('😀**');
    // The first call waits for a full progress interval; the last is the whole file.
    expect(w.ticks.every((n) => n <= 300)).toBe(true);
  });

  it('CSV in clear', async () => {
    await agree(planOf('x_tricky', 'csv', { total: 300, clear: true }));
  });

  it('NDJSON, masked and in clear', async () => {
    const masked = await agree(planOf('x_tricky', 'ndjson', { total: 300 }));
    const lines = masked.text.split('\n').filter(Boolean);
    expect(lines).toHaveLength(304);
    for (const l of lines) expect(Object.keys(JSON.parse(l) as object)[0]).toBe('2024');
    const clear = await agree(planOf('x_tricky', 'ndjson', { total: 300, clear: true, seed: 'another seed' }));
    expect(clear.text).toContain('"i":9007199254740991,');
    expect(clear.text).toContain('"i":"9007199254740992"');
    expect(clear.text).toContain('"n":3.141592653589793,');
  });

  it('with filters whose literals hold quotes and backslashes, by every operator', async () => {
    const conditions: Condition[] = [
      { field: 's', op: 'in', values: ['plain', 'say "hi"', 'back\\slash', "it's", 'a,b', '', "x') TO STDOUT; --"] },
      { field: 'k', op: 'gte', values: [2] },
      { field: 'k', op: 'lt', values: ['250'] },
      { field: 'd', op: 'lte', values: ['9999-12-31'] },
      { field: 'b', op: 'eq', values: [true] },
    ];
    const plan = planOf('x_tricky', 'csv', { total: 0, conditions });
    const { total } = await surveyRows(env.k.db.kysely, 'x_tricky', lineColumns(plan), conditions, plan.types);
    expect(total).toBeGreaterThan(5);
    const w = await agree({ ...plan, total });
    expect(w.rows).toBe(total);
    await agree({ ...planOf('x_tricky', 'ndjson', { total: 0, conditions }), total });
  });

  it('in two halves at once (PostgreSQL, a unique key): the same file', async () => {
    const w = await agree({ ...planOf('x_tricky', 'csv', { total: 300 }), splitRows: 10 });
    // PGlite is one session: no second stream there.
    expect(w.streams).toBe(process.env.TEST_DATABASE_URL ? 2 : 1);
    await agree({ ...planOf('x_tricky', 'ndjson', { total: 300, seed: 'split' }), splitRows: 10 });
    const conditions: Condition[] = [{ field: 'k', op: 'gte', values: [40] }];
    await agree({ ...planOf('x_tricky', 'csv', { total: 261, conditions, seed: 'split, filtered' }), splitRows: 10 });
  });

  it('ordered by physical position when there is no key', async () => {
    expect((await agree({ ...planOf('x_tricky', 'csv', { total: 300, keyed: false }), splitRows: 10 })).streams).toBe(1);
    await agree(planOf('x_tricky', 'csv', { total: 300, keyed: false }));
  });

  it('an empty selection: the header only, no canary', async () => {
    const conditions: Condition[] = [{ field: 'k', op: 'gt', values: [100000] }];
    const w = await agree(planOf('x_tricky', 'csv', { total: 0, conditions }));
    expect(w.rows).toBe(0);
    expect(w.canaries).toEqual([]);
    expect(w.text.split('\n')).toHaveLength(2);
  });

  it('a numeric or a date SQL cannot print as JavaScript does: the page path', async () => {
    for (const table of ['x_exotic', 'x_bc']) {
      const plan = planOf(table, 'csv', { total: 0 });
      const s = await surveyRows(env.k.db.kysely, table, lineColumns(plan), [], plan.types);
      expect(s.exotic).toBe(true);
      await agree({ ...plan, total: s.total, exotic: true });
    }
    // Without the exotic row, the same table takes the stream path.
    const plan = planOf('x_exotic', 'csv', { total: 0 });
    const conditions: Condition[] = [{ field: 'k', op: 'lt', values: [12] }];
    const s = await surveyRows(env.k.db.kysely, 'x_exotic', lineColumns(plan), conditions, plan.types);
    expect(s).toEqual({ total: 11, exotic: false });
    await agree({ ...plan, conditions, total: s.total });
  });
});

describe('the grant’s masking strategies, on both paths', () => {
  /** Every strategy with an SQL form, on every type it fits. */
  const SQL_FORMS = {
    name: 'truncate:1',
    id_number: 'generalise:birth_year',
    mobile: 'partial:2:2',
    note: 'suppress',
    mi: 'partial:0:2',
    mn: 'generalise:band:100',
    md: 'generalise:month',
    mb: 'suppress:null',
    mt: 'generalise:year',
  };
  const OTHER_FORMS = {
    name: 'partial:0:0',
    id_number: 'generalise:id_region:4',
    mobile: 'truncate:7',
    note: 'truncate:3',
    mi: 'suppress',
    mn: 'truncate:4',
    md: 'generalise:year',
    mb: 'partial:1:0',
    mt: 'generalise:month',
  };

  it('strategies with an SQL form take the stream path, CSV and NDJSON alike, masked as chosen', async () => {
    for (const [i, strategies] of [SQL_FORMS, OTHER_FORMS].entries()) {
      for (const format of ['csv', 'ndjson'] as const) {
        const plan = planOf('x_tricky', format, { total: 300, strategies, seed: `strategies ${i} ${format}` });
        expect(streamable(plan)).toBe(true);
        expect(await surveyRows(env.k.db.kysely, 'x_tricky', lineColumns(plan), [], plan.types)).toEqual({ total: 300, exotic: false });
        const w = await agree(plan);
        if (format === 'ndjson' && i === 0) {
          const rows = w.text
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>);
          expect(rows.some((r) => r.id_number === '1990')).toBe(true);
          expect(rows.every((r) => r.note === null || r.note === '*')).toBe(true);
          expect(rows.every((r) => r.mb === null)).toBe(true);
          expect(rows.some((r) => typeof r.md === 'string' && /^\d{4}-\d{2}$/.test(r.md))).toBe(true);
          expect(rows.some((r) => typeof r.mn === 'string' && /^-?\d+--?\d+$/.test(r.mn))).toBe(true);
          expect(rows.every((r) => r.name === null || Array.from(String(r.name)).length <= 1)).toBe(true);
        }
        if (format === 'csv' && i === 1) expect(w.text).toContain('460100');
      }
    }
  });

  it('a pseudonym has no SQL form: the page path, 16-hex pseudonyms, the same file twice', async () => {
    const strategies = { ...SQL_FORMS, name: 'pseudonym:grant', id_number: 'pseudonym:platform' };
    const plan = planOf('x_tricky', 'ndjson', { total: 300, strategies });
    expect(streamable(plan)).toBe(false);
    const w = await agree(plan);
    expect(w.path).toBe('pages');
    const rows = w.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.every((r) => r.name === null || /^[0-9a-f]{16}$/.test(String(r.name)))).toBe(true);
    expect(rows.every((r) => r.id_number === null || /^[0-9a-f]{16}$/.test(String(r.id_number)))).toBe(true);
    await agree(planOf('x_tricky', 'csv', { total: 300, strategies }));
    // Month of a text column: JavaScript reads date-times in Beijing time; the page path too.
    expect(streamable(planOf('x_tricky', 'csv', { total: 300, strategies: { note: 'generalise:month' } }))).toBe(false);
  });

  it('a band over integers beyond 2^53 is exotic: the page path', async () => {
    const plan = planOf('x_tricky', 'csv', { total: 0, strategies: { ...SQL_FORMS, mi: 'generalise:band:10' } });
    const s = await surveyRows(env.k.db.kysely, 'x_tricky', lineColumns(plan), [], plan.types);
    expect(s).toEqual({ total: 300, exotic: true });
    await agree({ ...plan, total: s.total, exotic: true });
    // Bands within ±2^53 (and the column's extremes left out): the stream path writes the same bands.
    const conditions: Condition[] = [
      { field: 'mi', op: 'lte', values: ['9007199254740000'] },
      { field: 'mi', op: 'gte', values: ['-9007199254740000'] },
    ];
    const safe = await surveyRows(env.k.db.kysely, 'x_tricky', lineColumns(plan), conditions, plan.types);
    expect(safe.exotic).toBe(false);
    expect(safe.total).toBeGreaterThan(50);
    const w = await agree({ ...plan, conditions, total: safe.total });
    expect(w.text).toContain(',40-49,');
  });
});
