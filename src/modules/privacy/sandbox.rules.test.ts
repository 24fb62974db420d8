/** The sandbox's pure rules at their edges: views of grants, temporary view text, the group threshold, probes, the release scan. */
import { describe, expect, it } from 'vitest';
import type { CatalogField } from '../catalog/tables.js';
import { parseRowFilter } from '../delivery/rules.js';
import { cappedSql } from './sandbox.run.js';
import { detectKind } from './detectors.js';
import {
  computedNumber,
  filterTypes,
  grantView,
  isolates,
  literal,
  policyOf,
  resultCsv,
  scanMessage,
  scanOutput,
  subjectOf,
  suppressSmallGroups,
  tempViewSql,
  visibleWidth,
  type SandboxGrantSource,
  type ScannedColumn,
} from './sandbox.rules.js';

const FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, piiKind: 'id_number' },
  { name: 'name', label: '姓名', type: 'string', piiKind: 'name' },
  { name: 'region', label: '区划', type: 'string' },
  { name: 'income', label: '月收入', type: 'number' },
];

type Source = SandboxGrantSource & { live: NonNullable<SandboxGrantSource['live']> };
const source = (over: Partial<Source> = {}): Source => ({
  grantId: 'g1',
  entryId: 'e1',
  entryCode: 'HN-GAT-0001',
  entryName: '人口',
  fields: ['id_number', 'region', 'income'],
  rowFilter: null,
  columnPolicies: { id_number: 'join_key', region: 'group_key', income: 'aggregate_only' },
  minGroupSize: null,
  dpEpsilonBudget: null,
  dpEpsilonPerQuery: null,
  dpBounds: null,
  dpMaxRowsPerSubject: null,
  releaseApproval: false,
  published: FIELDS,
  live: { table: 'l_abc', fields: FIELDS },
  ...over,
});

describe('a grant as a view', () => {
  it('gives each granted field its policy, hidden when none or an unknown one is set, and no field outside the grant', () => {
    const v = grantView(source({ columnPolicies: { region: 'group_key', income: 'everything' } }), [], 10);
    expect(v.view.columns).toEqual([
      { name: 'id_number', type: 'string', policy: 'hidden', piiKind: 'id_number' },
      { name: 'region', type: 'string', policy: 'group_key', piiKind: null },
      { name: 'income', type: 'number', policy: 'hidden', piiKind: null },
    ]);
    expect(v.columns.map((c) => c.label)).toEqual(['公民身份号码', '区划', '月收入']);
    expect(policyOf(null, 'x')).toBe('hidden');
  });

  it('takes the grant’s threshold, else the profile’s; differential privacy only with a budget', () => {
    expect(grantView(source(), [], 10).view.minGroupSize).toBe(10);
    expect(grantView(source({ minGroupSize: 25 }), [], 10).view.minGroupSize).toBe(25);
    expect(grantView(source(), [], 10).view.dp).toBeNull();
    const dp = grantView(source({ dpEpsilonBudget: '2', dpEpsilonPerQuery: '0.5', dpBounds: { income: [0, 5000], bad: [3, 1] }, dpMaxRowsPerSubject: 2 }), [], 10);
    expect(dp.view.dp).toEqual({ bounds: { income: [0, 5000] }, maxRowsPerSubject: 2 });
    expect(dp.dp).toEqual({ budget: '2', perQuery: '0.5' });
  });

  it('names the subject by the personal key, else the first key; unique only for a one-column key', () => {
    expect(subjectOf(FIELDS)).toEqual({ column: 'id_number', unique: true });
    expect(subjectOf(FIELDS.map((f) => ({ ...f, key: f.name === 'region' || f.name === 'id_number' })))).toEqual({ column: 'id_number', unique: false });
    expect(subjectOf(FIELDS.map((f) => ({ ...f, key: f.name === 'region', piiKind: null })))).toEqual({ column: 'region', unique: true });
    expect(subjectOf(FIELDS.map((f) => ({ ...f, key: false })))).toEqual({ column: null, unique: false });
  });

  it('carries the subject column in the view even when the grant does not release it', () => {
    const v = grantView(source({ fields: ['region', 'income'] }), [], 10);
    expect(v.view.subjectColumn).toBe('id_number');
    expect(v.view.columns.map((c) => c.name)).toEqual(['region', 'income']);
    expect(v.extraColumns).toEqual([{ name: 'id_number', type: 'string', inTable: true }]);
    expect(tempViewSql(v)).toBe('CREATE TEMP VIEW "HN-GAT-0001" AS SELECT "region", "income", "id_number" FROM datasets."l_abc"');
  });
});

describe('the temporary view', () => {
  it('selects the granted columns of the live table under the row filter, constants quoted and cast', () => {
    const f = parseRowFilter({ region: { in: ['460105', "46'0"] }, income: { gte: 100, lt: 5000 } }, filterTypes(FIELDS));
    if (!f.ok) throw new Error(f.reason);
    const v = grantView(source(), f.conditions, 10);
    expect(tempViewSql(v)).toBe(
      `CREATE TEMP VIEW "HN-GAT-0001" AS SELECT "id_number", "region", "income" FROM datasets."l_abc" WHERE "region" IN ('460105'::text, '46''0'::text) AND "income" >= '100'::numeric AND "income" < '5000'::numeric`,
    );
  });

  it('reads a granted item the live table lacks as a typed null, and quotes names', () => {
    const published: CatalogField[] = [...FIELDS, { name: 'score"x', label: '评分', type: 'integer' }];
    const v = grantView(source({ published, fields: ['id_number', 'score"x'], entryCode: 'HN"1' }), [], 10);
    expect(tempViewSql(v)).toBe('CREATE TEMP VIEW "HN""1" AS SELECT "id_number", NULL::bigint AS "score""x" FROM datasets."l_abc"');
    expect(literal(true, 'boolean')).toBe("'true'::boolean");
  });

  it('limits the query to one row past the cap, whatever its trailing semicolon or comment', () => {
    expect(cappedSql('SELECT 1;', 10)).toBe('SELECT * FROM (SELECT 1\n) AS sandbox_result LIMIT 11');
    expect(cappedSql('SELECT 1 -- note', 10)).toBe('SELECT * FROM (SELECT 1 -- note\n) AS sandbox_result LIMIT 11');
  });
});

describe('the group threshold', () => {
  it('keeps a group of exactly k subjects and drops k − 1, counting the dropped', () => {
    const rows: Array<[string, number, number | string]> = [
      ['a', 100, 10],
      ['b', 9, 9],
      ['c', 50, '12'],
      ['d', 1, 1],
    ];
    const r = suppressSmallGroups(rows, 2, 10);
    expect(r.rows.map((x) => x[0])).toEqual(['a', 'c']);
    expect(r.suppressed).toBe(2);
  });

  it('keeps every row of a query that does not aggregate', () => {
    expect(suppressSmallGroups([[1], [2]], null, 10)).toEqual({ rows: [[1], [2]], suppressed: 0 });
  });
});

describe('differencing probes', () => {
  const k = 10;
  it('isolate when a released group differs from the unconditioned one by 1 to k − 1 subjects', () => {
    expect(isolates([{ base: 200, kept: 199 }], k)).toBe(true);
    expect(isolates([{ base: 200, kept: 191 }], k)).toBe(true);
    expect(isolates([{ base: '20', kept: '10' }], k)).toBe(false);
  });
  it('do not isolate when nothing differs, when k or more differ, or when the kept group is itself suppressed', () => {
    expect(isolates([{ base: 200, kept: 200 }], k)).toBe(false);
    expect(isolates([{ base: 200, kept: 190 }], k)).toBe(false);
    expect(isolates([{ base: 12, kept: 9 }], k)).toBe(false);
    expect(isolates([], k)).toBe(false);
  });
});

describe('the result and its release scan', () => {
  it('shows the outputs and refuses a result of another width', () => {
    const outputs = [{ name: 'region', kind: 'group_key' as const }];
    expect(visibleWidth(['region', '__gs_subjects'], outputs, ['__gs_subjects'])).toBe(1);
    expect(() => visibleWidth(['region'], outputs, ['__gs_subjects'])).toThrow();
  });

  it('finds identifiers per column and kind, and names them', () => {
    const detect = (v: string) => (/^\d{17}[\dX]$/.test(v) ? 'id_number' : null);
    const f = scanOutput(['id', 'n'], [['110101199003070011', 5], ['110101199003070012', 6], [null, true]], detect);
    expect(f).toEqual([{ column: 'id', kind: 'id_number', count: 2 }]);
    expect(scanMessage(f)).toContain('id（身份证件号码 2 个）');
    expect(scanOutput(['n'], [[1]], detect)).toEqual([]);
  });

  it('writes CSV with quoting and empty nulls', () => {
    expect(resultCsv(['a', 'b'], [['x,y', null], [1.5, 'q"']])).toBe('a,b\n"x,y",\n1.5,"q"""\n');
  });
});

describe('the release scan and the numbers aggregates compute', () => {
  const names = ['region', 'total', 'top', 'first_name', 'mean', 'who'];
  const outputs: ScannedColumn[] = [
    { kind: 'group_key' },
    { kind: 'aggregate', aggregate: 'sum' },
    { kind: 'aggregate', aggregate: 'max', numeric: true },
    { kind: 'aggregate', aggregate: 'min' },
    { kind: 'aggregate', numeric: true },
    { kind: 'plain' },
  ];

  it('does not read a SUM, a numeric MAX or arithmetic on aggregates as a mobile or card number, as number or numeric text', () => {
    const rows = [
      ['460100', 13800138000, '4111111111111111', null, '13800138000', null],
      ['460200', '13800138000', 4111111111111111n, null, 13800138000, null],
    ];
    expect(scanOutput(names, rows, detectKind, outputs)).toEqual([]);
    expect(computedNumber({ kind: 'aggregate', aggregate: 'count' })).toBe(true);
    expect(computedNumber({ kind: 'aggregate', aggregate: 'avg' })).toBe(true);
  });

  it('still finds identifiers in MIN/MAX of text, in plain and group-key columns, and without the check’s column facts', () => {
    const rows = [['110101199003070011', null, null, '13800138000', null, '4111111111111111']];
    expect(scanOutput(names, rows, detectKind, outputs)).toEqual([
      { column: 'region', kind: 'id_number', count: 1 },
      { column: 'first_name', kind: 'mobile', count: 1 },
      { column: 'who', kind: 'bank_card', count: 1 },
    ]);
    // a MIN/MAX the check did not mark numeric is a value of the data, number or not
    expect(scanOutput(['m'], [[13800138000]], detectKind, [{ kind: 'aggregate', aggregate: 'max' }])).toEqual([{ column: 'm', kind: 'mobile', count: 1 }]);
    // a plain or group-key number is scanned as its text
    expect(scanOutput(['n'], [[13800138000]], detectKind, [{ kind: 'plain' }])).toEqual([{ column: 'n', kind: 'mobile', count: 1 }]);
    // without the outputs (an older record), every value is scanned
    expect(scanOutput(['total'], [['13800138000']], detectKind)).toEqual([{ column: 'total', kind: 'mobile', count: 1 }]);
    expect(computedNumber({ kind: 'group_key', numeric: true })).toBe(false);
  });

  it('scans a value of a numeric aggregate column that is not a number', () => {
    expect(scanOutput(['total'], [['13800138000x'], ['138 0013 8000']], (v) => (v.startsWith('138') ? 'mobile' : null), [{ kind: 'aggregate', aggregate: 'sum' }])).toEqual([
      { column: 'total', kind: 'mobile', count: 2 },
    ]);
  });
});
