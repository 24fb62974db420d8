import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyDp,
  budgetDecision,
  chargeDecision,
  dpNumber,
  epsilonPerOutput,
  epsilonRemaining,
  formatEpsilon,
  laplace,
  queryEpsilonMicro,
  secureUniform,
  toMicroEpsilon,
  uniformOfBits,
  type EpsilonLedger,
  type Uniform,
} from './dp.js';
import { checkSandboxQuery } from './sandbox.policy.js';
import type { CheckedQuery, OutputColumn, SandboxView } from './sandbox.types.js';

const LN2 = Math.log(2);
const constant = (u: number): Uniform => () => u;
/** The uniforms (i + ½) / n for i = 0 … n − 1, in turn: a deterministic, evenly spread sequence. */
const grid = (n: number): Uniform => {
  let i = 0;
  return () => (i++ % n + 0.5) / n;
};
const draws = (n: number, scale: number, uniform: Uniform = secureUniform) => Array.from({ length: n }, () => laplace(scale, uniform));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('laplace', () => {
  it('inverts the CDF exactly at known points', () => {
    expect(laplace(2, constant(0.5))).toBe(0);
    expect(laplace(2, constant(0.75))).toBeCloseTo(2 * LN2, 14);
    expect(laplace(2, constant(0.25))).toBeCloseTo(-2 * LN2, 14);
    // P(X ≤ −b ln 10) = 0.05 and P(X ≤ b ln 10) = 0.95.
    expect(laplace(3, constant(0.05))).toBeCloseTo(-3 * Math.log(10), 12);
    expect(laplace(3, constant(0.95))).toBeCloseTo(3 * Math.log(10), 12);
  });

  it('guards the endpoints: a uniform of 0 or 1 gives a large finite value, never ±Infinity', () => {
    const low = laplace(1, constant(0));
    const high = laplace(1, constant(1));
    expect(Number.isFinite(low)).toBe(true);
    expect(Number.isFinite(high)).toBe(true);
    expect(low).toBeCloseTo(-52 * LN2, 10); // ln(2 · 2⁻⁵³)
    expect(high).toBeCloseTo(52 * LN2, 10);
    expect(Number.isFinite(laplace(1, constant(-0.5)))).toBe(true);
    expect(Number.isFinite(laplace(1, constant(1.5)))).toBe(true);
    expect(Number.isFinite(laplace(1, constant(Number.MIN_VALUE)))).toBe(true);
    expect(Number.isFinite(laplace(1, constant(1 - 2 ** -53)))).toBe(true);
  });

  it('refuses a bad scale or a NaN uniform; scale 0 adds nothing', () => {
    expect(() => laplace(-1)).toThrow(RangeError);
    expect(() => laplace(Number.NaN)).toThrow(RangeError);
    expect(() => laplace(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => laplace(1, constant(Number.NaN))).toThrow(RangeError);
    expect(laplace(0, constant(0.99))).toBe(0);
  });

  it('over an evenly spread sequence of uniforms: mean 0 and mean |x| = scale', () => {
    const n = 100_000;
    for (const scale of [0.5, 1, 20]) {
      const xs = draws(n, scale, grid(n));
      expect(Math.abs(mean(xs))).toBeLessThan(1e-9 * scale);
      expect(mean(xs.map(Math.abs)) / scale).toBeCloseTo(1, 3);
      // Half of the mass lies within b ln 2 of 0.
      expect(xs.filter((x) => Math.abs(x) <= scale * LN2).length / n).toBeCloseTo(0.5, 4);
    }
  });

  it('from the secure source: mean ~0, mean |x| ≈ scale, variance ≈ 2·scale²', () => {
    const n = 200_000;
    const scale = 4;
    const xs = draws(n, scale);
    // Standard errors: mean √2·b/√n ≈ 0.013, mean |x| b/√n ≈ 0.009, variance √20·b²/√n ≈ 0.16.
    expect(Math.abs(mean(xs))).toBeLessThan(0.1);
    expect(Math.abs(mean(xs.map(Math.abs)) - scale)).toBeLessThan(0.1);
    expect(Math.abs(mean(xs.map((x) => x * x)) - 2 * scale * scale)).toBeLessThan(1.6);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('the secure uniform stays inside (0, 1) and does not repeat itself', () => {
    // Its extremes, all bits 0 and all bits 1, are exact doubles strictly inside.
    expect(uniformOfBits(0)).toBe(2 ** -53);
    expect(uniformOfBits(2 ** 52 - 1)).toBe(1 - 2 ** -53);
    expect(uniformOfBits(2 ** 52 - 1)).toBeLessThan(1);
    const us = Array.from({ length: 50_000 }, () => secureUniform());
    expect(us.every((u) => u > 0 && u < 1)).toBe(true);
    expect(new Set(us).size).toBe(us.length);
    expect(Math.abs(mean(us) - 0.5)).toBeLessThan(0.01);
  });
});

const count = (name: string, value: string, sensitivity = 1): OutputColumn => ({ name, kind: 'aggregate', aggregate: 'count', dp: { aggregate: 'count', value, sensitivity } });
const sum = (name: string, value: string, sensitivity: number): OutputColumn => ({ name, kind: 'aggregate', aggregate: 'sum', dp: { aggregate: 'sum', value, sensitivity } });
const avg = (name: string, s: string, c: string, sumSensitivity: number, countSensitivity = 1): OutputColumn => ({
  name,
  kind: 'aggregate',
  aggregate: 'avg',
  dp: { aggregate: 'avg', sum: s, count: c, sumSensitivity, countSensitivity },
});
const gender: OutputColumn = { name: 'gender', kind: 'group_key' };

describe('applyDp', () => {
  const columns = ['gender', 'n', '__gs_dp_n', '__gs_subjects'];
  const outputs = [gender, count('n', '__gs_dp_n')];

  it('noises a count from its hidden column: round(value + Lap(sensitivity / ε)), other cells untouched', () => {
    const rows = [
      ['1', null, '10', '10'],
      ['2', null, 25, '25'],
    ];
    // u = 0.75 draws +b ln 2: ε = 1 → 10.69 → 11; ε = 0.5 → +1.39 → 26.39 → 26.
    expect(applyDp(columns, rows, outputs, 1, constant(0.75)).rows).toEqual([
      ['1', 11, '10', '10'],
      ['2', 26, 25, '25'],
    ]);
    expect(applyDp(columns, rows, outputs, 0.5, constant(0.75)).rows[0]).toEqual(['1', 11, '10', '10']); // 10 + 1.386 → 11
    expect(applyDp(columns, rows, outputs, 0.25, constant(0.75)).rows[0]).toEqual(['1', 13, '10', '10']); // 10 + 2.77 → 13
    // A sensitivity of m = 3 rows per subject triples the scale.
    expect(applyDp(columns, rows, [gender, count('n', '__gs_dp_n', 3)], 1, constant(0.75)).rows[0]?.[1]).toBe(12); // 10 + 2.08
  });

  it('keeps the hidden columns in place and does not modify the rows given', () => {
    const rows = [['1', 7, '9', '9']];
    const out = applyDp(columns, rows, outputs, 1, constant(0.5)).rows;
    expect(out).toEqual([['1', 9, '9', '9']]);
    expect(out[0]).not.toBe(rows[0]);
    expect(rows).toEqual([['1', 7, '9', '9']]);
  });

  it('never gives a negative count, and counts are whole numbers', () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => [String(i % 2), null, i % 3, '0']);
    const noisy = applyDp(columns, rows, outputs, 0.1).rows.map((r) => r[1] as number);
    expect(noisy.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    expect(noisy.some((v) => v === 0)).toBe(true);
    expect(noisy.some((v) => v > 3)).toBe(true); // scale 10: noise does show
    // A large negative draw clamps at 0.
    expect(applyDp(columns, [['1', null, 5, '5']], outputs, 1, constant(1e-6)).rows[0]?.[1]).toBe(0);
  });

  it('noises a sum without rounding: value + Lap(sensitivity / ε); numeric text and null read as numbers', () => {
    const cols = ['region', 's', '__gs_dp_s'];
    const outs = [{ name: 'region', kind: 'group_key' as const }, sum('s', '__gs_dp_s', 100)];
    const out = applyDp(cols, [['460105', null, '1234.5'], ['460106', null, null]], outs, 2, constant(0.25)).rows;
    expect(out[0]?.[1]).toBeCloseTo(1234.5 - 50 * LN2, 9);
    expect(out[1]?.[1]).toBeCloseTo(-50 * LN2, 9);
  });

  it('splits ε evenly across the noisy outputs (sequential composition)', () => {
    const cols = ['gender', 'n', 's', '__gs_dp_n', '__gs_dp_s'];
    const outs = [gender, count('n', '__gs_dp_n'), sum('s', '__gs_dp_s', 10)];
    expect(epsilonPerOutput(outs, 1)).toBe(0.5);
    expect(epsilonPerOutput([gender], 1)).toBe(0);
    // ε = 1 over two outputs: each has 0.5, so scales 2 and 20; u = 0.9 draws +b ln 5.
    const [row] = applyDp(cols, [['1', 0, 0, 100, 1000]], outs, 1, constant(0.9)).rows;
    expect(row?.[1]).toBe(103); // 100 + 3.22 (unsplit it would be 100 + 1.61 → 102)
    expect(row?.[2]).toBeCloseTo(1000 + 20 * Math.log(5), 9);
    // And over many rows the mean |noise| of each output is its sensitivity × n / ε.
    const many = applyDp(cols, Array.from({ length: 40_000 }, () => ['1', 0, 0, 1000, 0]), outs, 1).rows;
    expect(mean(many.map((r) => Math.abs((r[2] as number) - 0)))).toBeGreaterThan(19);
    expect(mean(many.map((r) => Math.abs((r[2] as number) - 0)))).toBeLessThan(21);
    expect(mean(many.map((r) => Math.abs((r[1] as number) - 1000)))).toBeGreaterThan(1.8);
    expect(mean(many.map((r) => Math.abs((r[1] as number) - 1000)))).toBeLessThan(2.2);
  });

  it('builds an average as noisy sum / max(1, noisy count), each with half of its ε, clamped to the bound', () => {
    const cols = ['gender', 'a', '__gs_dp_a_sum', '__gs_dp_a_count'];
    // Bounds [0, 100], m = 1: sum sensitivity 100, count sensitivity 1.
    const outs = [gender, avg('a', '__gs_dp_a_sum', '__gs_dp_a_count', 100)];
    // ε = 1 for this one output, ε/2 for each part: +200 ln 2 on the sum, +2 ln 2 on the count.
    const [row] = applyDp(cols, [['1', null, '5000', '100']], outs, 1, constant(0.75)).rows;
    expect(row?.[1]).toBeCloseTo((5000 + 200 * LN2) / (100 + 2 * LN2), 9);
    // A count that noise takes below 1 divides by 1; the result cannot leave [−100, 100].
    const [small] = applyDp(cols, [['1', null, '80', '0']], outs, 1, constant(0.25)).rows;
    expect(small?.[1]).toBeCloseTo(80 - 200 * LN2, 9);
    const [big] = applyDp(cols, [['1', null, '100', '1']], outs, 1, constant(0.999999)).rows;
    expect(big?.[1]).toBe(100);
    // With the field's bounds [0, 100] carried, a mean noise takes below 0 stops at 0.
    const bounded = [gender, { ...avg('a', '__gs_dp_a_sum', '__gs_dp_a_count', 100), dp: { aggregate: 'avg' as const, sum: '__gs_dp_a_sum', count: '__gs_dp_a_count', sumSensitivity: 100, countSensitivity: 1, bounds: [0, 100] as const } }];
    expect(applyDp(cols, [['1', null, '80', '0']], bounded, 1, constant(0.25)).rows[0]?.[1]).toBe(0);
    expect(applyDp(cols, [['1', null, '100', '1']], bounded, 1, constant(0.999999)).rows[0]?.[1]).toBe(100);
  });

  it('draws fresh noise for every row and output', () => {
    let calls = 0;
    const u: Uniform = () => {
      calls++;
      return 0.5;
    };
    const cols = ['gender', 'n', 'a', '__gs_dp_n', '__gs_dp_a_sum', '__gs_dp_a_count'];
    const outs = [gender, count('n', '__gs_dp_n'), avg('a', '__gs_dp_a_sum', '__gs_dp_a_count', 10)];
    applyDp(cols, [['1', 0, 0, 1, 1, 1], ['2', 0, 0, 1, 1, 1], ['3', 0, 0, 1, 1, 1]], outs, 1, u);
    expect(calls).toBe(3 * 3);
  });

  it('without noisy outputs returns copies of the rows as they were, whatever ε', () => {
    const rows = [['a', 1]];
    const out = applyDp(['x', 'y'], rows, [{ name: 'x', kind: 'plain' }, { name: 'y', kind: 'plain' }], 0).rows;
    expect(out).toEqual(rows);
    expect(out[0]).not.toBe(rows[0]);
  });

  it('refuses ε ≤ 0, an output out of place and a missing hidden column', () => {
    const rows = [['1', null, '10', '10']];
    expect(() => applyDp(columns, rows, outputs, 0)).toThrow(RangeError);
    expect(() => applyDp(columns, rows, outputs, -1)).toThrow(RangeError);
    expect(() => applyDp(['n', 'gender', '__gs_dp_n'], rows, outputs, 1)).toThrow(/output 2 is "n"/);
    expect(() => applyDp(['gender', 'n'], rows, outputs, 1)).toThrow(/hidden column "__gs_dp_n"/);
    expect(() => applyDp(columns, [['1', null, 'x', '1']], outputs, 1)).toThrow(TypeError);
  });

  it('reads database numbers: numbers, bigints, numeric text; null as 0', () => {
    expect(dpNumber(3, 'c')).toBe(3);
    expect(dpNumber(3n, 'c')).toBe(3);
    expect(dpNumber('12.50', 'c')).toBe(12.5);
    expect(dpNumber(null, 'c')).toBe(0);
    expect(() => dpNumber('', 'c')).toThrow(TypeError);
    expect(() => dpNumber({}, 'c')).toThrow(TypeError);
  });
});

describe('the ε budget', () => {
  it('accepts a query that spends exactly what remains, refuses one micro-ε more', () => {
    expect(budgetDecision(0.3, 1, 0.7)).toEqual({ ok: true, remaining: 0 });
    const over = budgetDecision(0.3, 1, 0.700001);
    expect(over.ok).toBe(false);
    expect(over.remaining).toBe(0.7);
    if (!over.ok) expect(over.message).toBe('差分隐私预算不足：预算 ε=1，已用 ε=0.3，剩余 ε=0.7，本次查询需 ε=0.700001；预算用尽后不再自动恢复，需由授权方调整授权');
    // Binary fractions do not upset the edge: 0.1 + 0.2 spent of 0.6 leaves exactly 0.3.
    expect(budgetDecision(0.1 + 0.2, 0.6, 0.3)).toEqual({ ok: true, remaining: 0 });
    expect(budgetDecision(0.1 + 0.2, 0.6, 0.300001).ok).toBe(false);
    expect(budgetDecision(0, 1, 1)).toEqual({ ok: true, remaining: 0 });
    expect(budgetDecision(0, 1, 0.25)).toEqual({ ok: true, remaining: 0.75 });
  });

  it('ten queries of 0.1 spend a budget of 1, the eleventh is refused', () => {
    let spent = 0;
    for (let i = 0; i < 10; i++) {
      const d = budgetDecision(spent, 1, 0.1);
      expect(d.ok).toBe(true);
      spent += 0.1; // 0.9999999999999999 after ten
    }
    expect(budgetDecision(spent, 1, 0.1)).toMatchObject({ ok: false, remaining: 0 });
    expect(budgetDecision(spent, 1, 0.000001)).toMatchObject({ ok: false, remaining: 0 });
  });

  it('a ledger already past a budget since lowered has nothing left', () => {
    expect(budgetDecision(2, 1, 0.1)).toMatchObject({ ok: false, remaining: 0 });
  });

  it('refuses to decide on a query asking for no ε or a bad number', () => {
    expect(() => budgetDecision(0, 1, 0)).toThrow(RangeError);
    expect(() => budgetDecision(0, 1, 0.0000004)).toThrow(RangeError); // rounds to 0 micro-ε
    expect(() => budgetDecision(0, 1, -0.1)).toThrow(RangeError);
    expect(() => budgetDecision(Number.NaN, 1, 0.1)).toThrow(RangeError);
    expect(() => budgetDecision(0, Number.POSITIVE_INFINITY, 0.1)).toThrow(RangeError);
  });

  it('tells what remains exactly, never below 0', () => {
    expect(epsilonRemaining('1', '0.7')).toBe(0.3); // 1 − 0.7 is 0.30000000000000004 in doubles
    expect(epsilonRemaining(0.6, 0.1 + 0.2)).toBe(0.3);
    expect(epsilonRemaining('1', '1.5')).toBe(0);
    expect(epsilonRemaining('2', '0')).toBe(2);
  });

  it('counts in micro-ε and writes exact decimals', () => {
    expect(toMicroEpsilon('0.3')).toBe(300_000);
    expect(toMicroEpsilon(0.1 + 0.2)).toBe(300_000);
    expect(toMicroEpsilon('1.2345675')).toBe(1_234_568);
    expect(() => toMicroEpsilon('abc')).toThrow(RangeError);
    expect(() => toMicroEpsilon(-1)).toThrow(RangeError);
    expect(formatEpsilon(300_000)).toBe('0.3');
    expect(formatEpsilon(1_234_567)).toBe('1.234567');
    expect(formatEpsilon(2_000_000)).toBe('2');
    expect(formatEpsilon(50)).toBe('0.00005');
    expect(formatEpsilon(0)).toBe('0');
    expect(() => formatEpsilon(0.5)).toThrow(RangeError);
  });
});

describe('charging the ledgers a query reads', () => {
  const ledger = (o: Partial<EpsilonLedger>): EpsilonLedger => ({ grantId: 'g1', entryId: 'e1', entryCode: 'HN-GAT-0001', budget: '1', perQuery: '0.1', spent: '0', ...o });

  it('spends the smallest per-query ε of the grants read on each ledger', () => {
    expect(queryEpsilonMicro([])).toBeNull();
    expect(queryEpsilonMicro([{ perQuery: '0.1' }, { perQuery: 0.05 }])).toBe(50_000);
    const d = chargeDecision([ledger({}), ledger({ grantId: 'g2', entryId: 'e2', entryCode: 'HN-WJW-0002', perQuery: '0.05', spent: '0.5' })]);
    expect(d).toEqual({
      ok: true,
      epsilon: 0.05,
      epsilonText: '0.05',
      charges: [
        { grantId: 'g1', entryId: 'e1', remaining: 0.95 },
        { grantId: 'g2', entryId: 'e2', remaining: 0.45 },
      ],
    });
  });

  it('reads no DP ledger: nothing to charge', () => {
    expect(chargeDecision([])).toEqual({ ok: true, epsilon: 0, epsilonText: '0', charges: [] });
  });

  it('refuses the whole query when one ledger cannot afford it, naming that dataset; exactly the rest is accepted', () => {
    const edge = chargeDecision([ledger({}), ledger({ grantId: 'g2', entryId: 'e2', entryCode: 'HN-WJW-0002', spent: '0.9' })]);
    expect(edge.ok).toBe(true);
    const d = chargeDecision([ledger({}), ledger({ grantId: 'g2', entryId: 'e2', entryCode: 'HN-WJW-0002', spent: '0.900001' })]);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.entryCode).toBe('HN-WJW-0002');
      expect(d.remaining).toBe(0.099999);
      expect(d.message).toMatch(/^数据集 HN-WJW-0002 的差分隐私预算不足：.*剩余 ε=0\.099999，本次查询需 ε=0\.1/);
    }
  });
});

describe('noise on what the policy check writes (run on PGlite)', () => {
  // 40 people, one row each: 20 F with incomes 1000…20000, 20 M with 500…10000; one income past the bound.
  const view: SandboxView = {
    name: 'HN-GAT-0009',
    columns: [
      { name: 'id_number', type: 'string', policy: 'hidden' },
      { name: 'gender', type: 'string', policy: 'group_key' },
      { name: 'income', type: 'integer', policy: 'aggregate_only' },
    ],
    subjectColumn: 'id_number',
    subjectUnique: true,
    minGroupSize: 10,
    dp: { bounds: { income: [0, 15000] }, maxRowsPerSubject: 1 },
  };
  let db: PGlite;
  const run = async (q: CheckedQuery) => {
    const r = await db.query<unknown[]>(`${q.sql} ORDER BY 1`, [], { rowMode: 'array' });
    return { columns: r.fields.map((f) => f.name), rows: r.rows };
  };
  const accepted = async (sql: string) => {
    const d = await checkSandboxQuery(sql, [view]);
    if (!d.ok) throw new Error(`${d.violation.rule}: ${d.violation.message}`);
    return d.query;
  };

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`
      CREATE TABLE "HN-GAT-0009" (id_number text, gender text, income integer);
      INSERT INTO "HN-GAT-0009" SELECT 'p' || i, CASE WHEN i <= 20 THEN 'F' ELSE 'M' END, CASE WHEN i <= 20 THEN i * 1000 ELSE (i - 20) * 500 END FROM generate_series(1, 40) AS i;
    `);
  });
  afterAll(async () => {
    await db.close();
  });

  it('rebuilds COUNT, SUM and AVG from the hidden columns: with zero noise, the clamped true values', async () => {
    const q = await accepted('SELECT gender, count(*) AS n, sum(income) AS s, avg(income) AS a FROM "HN-GAT-0009" GROUP BY gender');
    expect(q.dp).toBe(true);
    const { columns, rows } = await run(q);
    expect(columns.slice(0, 4)).toEqual(['gender', 'n', 's', 'a']);
    // The outputs' own cells hold nothing until the noise is added.
    expect(rows.map((r) => r.slice(1, 4))).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    const out = applyDp(columns, rows, q.outputs, 1, constant(0.5)).rows;
    // F: incomes 1000…20000 clamped to 15000: 1000+…+15000 + 5 × 15000 = 195000.
    expect(out.map((r) => r.slice(0, 4))).toEqual([
      ['F', 20, 195_000, 9_750],
      ['M', 20, 105_000, 5_250],
    ]);
    // The hidden columns are still there for the caller to strip.
    expect(out[0]).toHaveLength(columns.length);
    expect(columns.slice(4).every((c) => q.hiddenColumns.includes(c))).toBe(true);
  });

  it('noise follows the sensitivities the check declares and the ε split over three outputs', async () => {
    const q = await accepted('SELECT gender, count(*) AS n, sum(income) AS s, avg(income) AS a FROM "HN-GAT-0009" GROUP BY gender');
    expect(q.outputs.map((o) => o.dp)).toEqual([
      undefined,
      expect.objectContaining({ aggregate: 'count', sensitivity: 1 }),
      expect.objectContaining({ aggregate: 'sum', sensitivity: 15000 }),
      expect.objectContaining({ aggregate: 'avg', sumSensitivity: 15000, countSensitivity: 1, bounds: [0, 15000] }),
    ]);
    const { columns, rows } = await run(q);
    // ε = 3: 1 per output; u = 0.75 draws +b ln 2.
    const [f] = applyDp(columns, rows, q.outputs, 3, constant(0.75)).rows;
    expect(f?.[1]).toBe(Math.round(20 + LN2));
    expect(f?.[2]).toBeCloseTo(195_000 + 15000 * LN2, 6);
    expect(f?.[3]).toBeCloseTo((195_000 + 30000 * LN2) / (20 + 2 * LN2), 6);
    // Noise far below zero: the count stops at 0 and the mean at the field's lower bound.
    const [low] = applyDp(columns, rows, q.outputs, 3, constant(1e-9)).rows;
    expect(low?.[1]).toBe(0);
    expect(low?.[3]).toBe(0);
  });
});
