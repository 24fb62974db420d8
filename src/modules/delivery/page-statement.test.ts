/** The page query's fixed text per shape (repo.pageStatement): written once, values always parameters. */
import { describe, expect, it } from 'vitest';
import { pageStatement, type PageQuery } from './repo.js';
import type { FieldType } from './rules.js';

const types = new Map<string, FieldType>([
  ['id_number', 'string'],
  ['household', 'integer'],
  ['birth', 'date'],
]);
const base: PageQuery = {
  table: 'l_test',
  select: [
    { name: 'id_number', inTable: true },
    { name: 'added', inTable: false },
  ],
  order: [{ name: 'id_number', type: 'string' }],
  tieBreak: false,
  conditions: [],
  types,
  after: null,
  limit: 100,
};

describe('the page statement', () => {
  it('writes the first page: granted columns, missing ones as NULL, the key as __k0, LIMIT limit + 1', () => {
    const st = pageStatement(base);
    expect(st.text).toBe('SELECT "id_number", NULL AS "added", "id_number" AS "__k0" FROM datasets."l_test" ORDER BY "id_number" LIMIT $1');
    expect(st.params).toEqual([101]);
    expect(st.name).toMatch(/^delivery_page_[0-9a-f]{24}$/);
  });

  it('keeps one text per shape: other values, the same text and name', () => {
    const q = (v: number, after: string) => ({ ...base, conditions: [{ field: 'household', op: 'in' as const, values: [v, v + 1] }], after: [after] });
    const a = pageStatement(q(1, '460100'));
    const b = pageStatement(q(7, '460200'));
    expect(b.text).toBe(a.text);
    expect(b.name).toBe(a.name);
    expect(a.text).toContain('WHERE "household" IN ($1::bigint, $2::bigint) AND ("id_number") > ($3::text) ORDER BY "id_number" LIMIT $4');
    expect(a.params).toEqual([1, 2, '460100', 101]);
    expect(b.params).toEqual([7, 8, '460200', 101]);
  });

  it('writes another text when the shape changes: operator, number of values, first page or not', () => {
    const eq = pageStatement({ ...base, conditions: [{ field: 'birth', op: 'gte', values: ['1990-01-01'] }] });
    const lt = pageStatement({ ...base, conditions: [{ field: 'birth', op: 'lt', values: ['1990-01-01'] }] });
    const in3 = pageStatement({ ...base, conditions: [{ field: 'household', op: 'in', values: [1, 2, 3] }] });
    const next = pageStatement({ ...base, conditions: [{ field: 'birth', op: 'gte', values: ['1990-01-01'] }], after: ['x'] });
    expect(eq.text).toContain('WHERE "birth" >= $1::date ORDER BY');
    expect(lt.text).toContain('WHERE "birth" < $1::date ORDER BY');
    expect(new Set([eq.name, lt.name, in3.name, next.name]).size).toBe(4);
  });

  it('orders by the physical position last when the keys are not unique, and resumes after it', () => {
    const st = pageStatement({ ...base, tieBreak: true, after: ['460100', '(0,3)'], limit: 10 });
    expect(st.text).toBe(
      'SELECT "id_number", NULL AS "added", "id_number" AS "__k0", ctid::text AS "__ctid" FROM datasets."l_test" WHERE ("id_number", ctid) > ($1::text, $2::tid) ORDER BY "id_number", ctid LIMIT $3',
    );
    expect(st.params).toEqual(['460100', '(0,3)', 11]);
  });

  it('quotes names, so a column name is never SQL', () => {
    const st = pageStatement({ ...base, select: [{ name: 'a"b', inTable: true }], conditions: [] });
    expect(st.text).toContain('SELECT "a""b",');
  });
});
