/** Delivery rules without a database: filters, the row filter, the cursor payload, masking, formats. */
import { describe, expect, it } from 'vitest';
import {
  chooseFormat,
  converterFor,
  csvCell,
  cursorPayload,
  deliveredColumns,
  maskedFields,
  maskValue,
  MAX_IN_VALUES,
  outColumns,
  outRows,
  outValue,
  parseFilterValue,
  parseQueryFilters,
  parseRowFilter,
  readCursorPayload,
  renderPage,
  typedValue,
  type FieldType,
  type FilterField,
} from './rules.js';

const granted = new Map<string, FilterField>([
  ['id_number', { type: 'string', masked: true }],
  ['household', { type: 'integer' }],
  ['income', { type: 'number' }],
  ['birth', { type: 'date' }],
  ['active', { type: 'boolean' }],
  ['updated_at', { type: 'datetime' }],
  ['region', { type: 'string' }],
]);

describe('filter values', () => {
  it('reads the operator prefix, equality by default', () => {
    expect(parseFilterValue('460105')).toEqual({ op: 'eq', values: ['460105'] });
    expect(parseFilterValue('eq:in:x')).toEqual({ op: 'eq', values: ['in:x'] });
    expect(parseFilterValue('in:1,2,3')).toEqual({ op: 'in', values: ['1', '2', '3'] });
    expect(parseFilterValue('gte:5')).toEqual({ op: 'gte', values: ['5'] });
    expect(parseFilterValue('lt:2026-01-01')).toEqual({ op: 'lt', values: ['2026-01-01'] });
    expect(parseFilterValue('foo:bar')).toEqual({ op: 'eq', values: ['foo:bar'] });
  });

  it('types a value for its column, and refuses one that is not of it', () => {
    expect(typedValue('integer', '42')).toEqual({ ok: true, value: 42 });
    expect(typedValue('integer', '4.2').ok).toBe(false);
    expect(typedValue('integer', '123456789012345678')).toEqual({ ok: true, value: '123456789012345678' });
    expect(typedValue('number', '1000.50')).toEqual({ ok: true, value: '1000.50' });
    expect(typedValue('number', 'abc').ok).toBe(false);
    expect(typedValue('boolean', 'true')).toEqual({ ok: true, value: true });
    expect(typedValue('boolean', 'yes').ok).toBe(false);
    expect(typedValue('date', '2026-09-18')).toEqual({ ok: true, value: '2026-09-18' });
    expect(typedValue('date', '2026-13-45').ok).toBe(false);
    expect(typedValue('datetime', '2026-09-18T10:00:00+08:00').ok).toBe(true);
    expect(typedValue('datetime', 'yesterday').ok).toBe(false);
    expect(typedValue('string', ' a b ')).toEqual({ ok: true, value: ' a b ' });
  });
});

describe('query filters', () => {
  it('parses eq, in and ranges on granted fields; reserved parameters are not filters', () => {
    const r = parseQueryFilters({ limit: 10, after: 'x', format: 'csv', region: '460105', household: ['gte:2', 'lt:5'], income: 'in:1000.5,1001.5' }, granted);
    expect(r.problems).toEqual([]);
    expect(r.conditions).toEqual([
      { field: 'region', op: 'eq', values: ['460105'] },
      { field: 'household', op: 'gte', values: [2] },
      { field: 'household', op: 'lt', values: [5] },
      { field: 'income', op: 'in', values: ['1000.5', '1001.5'] },
    ]);
  });

  it('refuses a filter on a field outside the grant, naming it', () => {
    const r = parseQueryFilters({ name: '居民1', region: '460105' }, granted);
    expect(r.problems).toEqual([{ field: 'name', message: expect.stringContaining('name 不是共享授权的数据项') }]);
    expect(r.conditions).toHaveLength(1);
  });

  it('allows only equality on a masked field, so a range cannot recover what the mask hides', () => {
    expect(parseQueryFilters({ id_number: 'in:a,b' }, granted).problems).toEqual([]);
    expect(parseQueryFilters({ id_number: '110105199003071234' }, granted).problems).toEqual([]);
    expect(parseQueryFilters({ id_number: 'gte:4601' }, granted).problems[0]?.message).toContain('只能按等值');
  });

  it('refuses an empty or too long in-list and an ill-typed value', () => {
    expect(parseQueryFilters({ region: 'in:' }, granted).problems).toHaveLength(1);
    const many = `in:${Array.from({ length: MAX_IN_VALUES + 1 }, (_, i) => i).join(',')}`;
    expect(parseQueryFilters({ household: many }, granted).problems).toHaveLength(1);
    const exactly = `in:${Array.from({ length: MAX_IN_VALUES }, (_, i) => i).join(',')}`;
    expect(parseQueryFilters({ household: exactly }, granted).problems).toEqual([]);
    expect(parseQueryFilters({ household: 'gte:two' }, granted).problems[0]).toEqual({ field: 'household', message: '“two”不是整数' });
  });
});

describe('row filter', () => {
  const cols = new Map([
    ['region', 'string' as const],
    ['household', 'integer' as const],
    ['active', 'boolean' as const],
  ]);
  it('null is every row; scalars, arrays and operator objects become conditions', () => {
    expect(parseRowFilter(null, cols)).toEqual({ ok: true, conditions: [] });
    expect(parseRowFilter({ region: ['460105', '460106'], active: true, household: { gte: 2, lt: 6 } }, cols)).toEqual({
      ok: true,
      conditions: [
        { field: 'region', op: 'in', values: ['460105', '460106'] },
        { field: 'active', op: 'eq', values: [true] },
        { field: 'household', op: 'gte', values: [2] },
        { field: 'household', op: 'lt', values: [6] },
      ],
    });
  });
  it('fails closed on an unknown column, operator or ill-typed value', () => {
    expect(parseRowFilter({ nope: 1 }, cols).ok).toBe(false);
    expect(parseRowFilter({ household: { between: [1, 2] } }, cols).ok).toBe(false);
    expect(parseRowFilter({ household: 'many' }, cols).ok).toBe(false);
    expect(parseRowFilter({ region: [] }, cols).ok).toBe(false);
    expect(parseRowFilter([1], cols).ok).toBe(false);
  });
});

describe('cursor payload', () => {
  it('round-trips for its grant and the number of order values only', () => {
    const p = cursorPayload('g1', ['460105199003070011', 3]);
    expect(readCursorPayload(p, 'g1', 2)).toEqual(['460105199003070011', 3]);
    expect(readCursorPayload(p, 'g2', 2)).toBeNull();
    expect(readCursorPayload(p, 'g1', 1)).toBeNull();
    expect(readCursorPayload('not json', 'g1', 2)).toBeNull();
    expect(readCursorPayload(JSON.stringify({ g: 'g1', k: [{}, 1] }), 'g1', 2)).toBeNull();
  });
});

describe('masking', () => {
  it('keeps 6 + 4 of an ID number, 3 + 4 of a mobile, the first character of a name, 1 + 1 otherwise', () => {
    expect(maskValue('id_number', '460105199003070011')).toBe('460105********0011');
    expect(maskValue('mobile', '13900000001')).toBe('139****0001');
    expect(maskValue('phone', '089866668888')).toBe('089*****8888');
    expect(maskValue('name', '欧阳华')).toBe('欧**');
    expect(maskValue('name', '张三')).toBe('张*');
    expect(maskValue('address', '海口市龙华区滨海大道')).toBe('海********道');
    expect(maskValue('birth_date', '1990-03-07')).toBe('1********7');
  });
  it('never shows a short value whole; null stays null', () => {
    expect(maskValue('id_number', '4601')).toBe('4***');
    expect(maskValue('mobile', '1234567')).toBe('1******');
    expect(maskValue('other', 'ab')).toBe('a*');
    expect(maskValue('name', '张')).toBe('*');
    expect(maskValue('other', '')).toBe('');
    expect(maskValue('other', null)).toBeNull();
    expect(maskValue('other', 12345)).toBe('1***5');
  });
  it('masks every personal field the grant covers unless released in clear', () => {
    const fields = [
      { name: 'id_number', piiKind: 'id_number' },
      { name: 'name', piiKind: 'name' },
      { name: 'household', piiKind: null },
      { name: 'blank', piiKind: ' ' },
    ];
    expect([...maskedFields(fields, [])]).toEqual([
      ['id_number', 'id_number'],
      ['name', 'name'],
    ]);
    expect([...maskedFields(fields, ['name'])]).toEqual([['id_number', 'id_number']]);
  });
});

describe('values and formats', () => {
  it('delivers numbers as numbers, dates as dates, date-times as ISO', () => {
    expect(outValue('integer', '3')).toBe(3);
    expect(outValue('number', '1000.50')).toBe(1000.5);
    expect(outValue('boolean', true)).toBe(true);
    expect(outValue('date', '1990-03-07')).toBe('1990-03-07');
    expect(outValue('datetime', new Date('2026-09-18T02:00:00Z'))).toBe('2026-09-18T02:00:00.000Z');
    expect(outValue('string', null)).toBeNull();
  });
  it('chooses the format from ?format=, then Accept, JSON by default', () => {
    expect(chooseFormat(undefined, undefined)).toBe('json');
    expect(chooseFormat(undefined, 'application/x-ndjson')).toBe('ndjson');
    expect(chooseFormat(undefined, 'text/csv')).toBe('csv');
    expect(chooseFormat('csv', 'application/x-ndjson')).toBe('csv');
    expect(chooseFormat(undefined, 'application/json, */*')).toBe('json');
  });
  it('quotes CSV cells that need it and writes only the named fields', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
    const items = [{ a: 1, b: 'x', secret: 's' }];
    expect(renderPage('csv', ['a', 'b'], items, null)).toEqual(['a,b\n', '1,x\n']);
    expect(renderPage('ndjson', ['a', 'b'], items, null)).toEqual(['{"a":1,"b":"x"}\n']);
    expect(renderPage('json', ['a', 'b'], [{ a: 1, b: 'x' }], 'c')).toEqual(['{"items":[{"a":1,"b":"x"}],"next":"c"}']);
  });
});

describe('the page converted with one converter per column', () => {
  const samples: Record<FieldType, unknown[]> = {
    integer: [null, undefined, 3, '3', '-12', '9007199254740993', 'x', NaN],
    number: [null, 1.5, '1000.50', '1e3', 'abc', '-0', Infinity],
    boolean: [null, true, false, 't', 'f', 'true', 'false', 'x'],
    date: [null, '1990-03-07', new Date('2026-09-18T00:00:00Z')],
    datetime: [null, new Date('2026-09-18T02:00:00Z'), '2026-09-18T10:00:00+08:00'],
    string: [null, '', 'x', '张三', 'a,"b"\n', 7, true, '𠀀 surrogate'],
  };
  it('converts each type exactly as outValue does', () => {
    for (const [type, values] of Object.entries(samples) as Array<[FieldType, unknown[]]>) {
      for (const v of values) expect(converterFor(type)(v)).toEqual(outValue(type, v));
    }
  });
  it('converts and masks rows as the per-cell path does', () => {
    const columns = [
      { name: 'id_number', type: 'string' as const },
      { name: 'name', type: 'string' as const },
      { name: 'household', type: 'integer' as const },
      { name: 'birth', type: 'date' as const },
    ];
    const masked = new Map([
      ['id_number', 'id_number'],
      ['name', 'name'],
    ]);
    const rows = [
      { id_number: '460100199003071234', name: '张三丰', household: '4', birth: '1990-03-07', other: 'not delivered' },
      { id_number: null, name: '李', household: null, birth: null },
    ];
    const expected = rows.map((row) =>
      Object.fromEntries(columns.map((c) => [c.name, masked.has(c.name) ? maskValue(masked.get(c.name) as string, outValue(c.type, row[c.name as keyof typeof row])) : outValue(c.type, row[c.name as keyof typeof row])])),
    );
    expect(outRows(outColumns(columns, masked), rows)).toEqual(expected);
    expect(expected[0]).toEqual({ id_number: '460100********1234', name: '张**', household: 4, birth: '1990-03-07' });
    expect(Object.keys(outRows(outColumns(columns, masked), rows)[0] ?? {})).toEqual(columns.map((c) => c.name));
  });
});

describe('delivered columns', () => {
  const published = [
    { name: 'id_number', label: '身份证号', type: 'string' as const, key: true, piiKind: 'id_number' },
    { name: 'name', label: '姓名', type: 'string' as const },
    { name: 'score', label: '评分', type: 'integer' as const },
  ];
  const table = [
    { name: 'id_number', label: '身份证号', type: 'string' as const, key: true },
    { name: 'name', label: '姓名', type: 'string' as const, piiKind: 'name' },
    { name: 'legacy', label: '旧列', type: 'date' as const },
  ];
  it('keeps the granted names in catalog order, typed by the table, PII by either version', () => {
    expect(deliveredColumns(['legacy', 'score', 'name', 'id_number', 'gone'], published, table)).toEqual([
      { name: 'id_number', type: 'string', piiKind: 'id_number', inTable: true },
      { name: 'name', type: 'string', piiKind: 'name', inTable: true },
      { name: 'score', type: 'integer', piiKind: null, inTable: false },
      { name: 'legacy', type: 'date', piiKind: null, inTable: true },
    ]);
    expect(deliveredColumns(['name'], published, table).map((c) => c.name)).toEqual(['name']);
  });
});
