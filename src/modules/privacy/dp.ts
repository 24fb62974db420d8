/**
 * Differential privacy in the sandbox (数据可算不可识; 002 第十一条): Laplace noise on the COUNT, SUM
 * and AVG outputs of an accepted query, and the ε budget of each (grant, dataset). Pure: no I/O but
 * the operating system's random source, which every function lets the caller replace.
 *
 * The mechanism. A query under differential privacy has been rewritten by the policy check
 * (sandbox.policy.ts) so that every subject contributes at most `m` rows and every summed value is
 * clamped to its bounds [lo, hi]; each aggregate output then has a known L1 sensitivity over the
 * whole result (all its groups together): a COUNT changes by at most `m` when one subject is added
 * or removed, a SUM by at most `m · max(|lo|, |hi|)`. Adding Laplace noise of scale
 * `b = sensitivity / ε` to every group's value makes that output ε-differentially private (Dwork,
 * McSherry, Nissim, Smith 2006); because the sensitivity already counts a subject's rows in every
 * group, the groups need no further split.
 *
 * Sequential composition. A query with n noisy outputs spends its ε as n parts of ε / n each, so the
 * query as a whole is ε-DP (the privacy losses of mechanisms run on the same data add up). An AVG
 * is a noisy SUM over a noisy COUNT: it takes its share ε / n in two halves. Every step after the
 * noise (rounding, clamping, dividing) is post-processing and costs nothing.
 *
 * What this does not cover, by design of the sandbox: the groups shown are those of the data (a
 * group key appears because some subject has it) and groups are dropped on their exact number of
 * subjects (the group threshold), so which groups appear is not itself noised. The noisy values
 * are IEEE doubles, not snapped to a grid (Mironov 2012 shows low-order bits of naive
 * floating-point Laplace samples can leak); COUNTs are rounded to whole numbers.
 */
import crypto from 'node:crypto';
import type { DpOutput, OutputColumn } from './sandbox.types.js';

/** The article behind the budget refusal and the noise: data usable but not identifiable. */
export const DP_SOURCE = '002 第十一条';

/** A draw from the uniform distribution on the open interval (0, 1). */
export type Uniform = () => number;

// ── Randomness ──

const POOL_DRAWS = 1024;
let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * A cryptographically secure uniform draw in (0, 1): 52 random bits `k` from node:crypto give
 * `(k + ½) / 2⁵²`, the midpoints of 2⁵² equal cells — exact in doubles (k + ½ < 2⁵²), from 2⁻⁵³ to
 * 1 − 2⁻⁵³, so neither 0 nor 1 is ever returned.
 */
export const secureUniform: Uniform = () => {
  if (poolAt + 8 > pool.length) {
    pool = crypto.randomBytes(POOL_DRAWS * 8);
    poolAt = 0;
  }
  const k = pool.readBigUInt64BE(poolAt) >> 12n;
  poolAt += 8;
  return uniformOfBits(Number(k));
};

/** The uniform of 52 random bits `k` (0 ≤ k < 2⁵²): the midpoint `(k + ½) / 2⁵²` of its cell. */
export const uniformOfBits = (k: number): number => (k + 0.5) / 2 ** 52;

/** The smallest distance kept from 0 and 1 (2⁻⁵³): a draw at either end is moved in by this much. */
const EDGE = 2 ** -53;

/**
 * One draw from the Laplace distribution of mean 0 and scale `b` (density `e^(−|x|/b) / 2b`,
 * E|X| = b, Var X = 2b²), by the inverse of its CDF: for U uniform in (0, 1),
 * `X = −b · sgn(U − ½) · ln(1 − 2|U − ½|)`, i.e. `b · ln 2U` below ½ and `−b · ln 2(1 − U)`
 * above. A uniform at 0 or 1 or beyond (which an injected source may return) is moved 2⁻⁵³
 * inwards, so the logarithm stays finite (|X| ≤ 37·b) and no ±Infinity comes out. Scale 0
 * (nothing to hide) gives 0.
 */
export function laplace(scale: number, uniform: Uniform = secureUniform): number {
  if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`Laplace scale must be a finite number ≥ 0, got ${scale}`);
  if (scale === 0) return 0;
  let u = uniform();
  if (Number.isNaN(u)) throw new RangeError('uniform source returned NaN');
  u = Math.min(Math.max(u, EDGE), 1 - EDGE);
  // The two halves written apart: 2u and 2(1 − u) are exact in doubles, so no precision is lost
  // near either end (u − ½ would round for small u).
  if (u < 0.5) return scale * Math.log(2 * u);
  if (u > 0.5) return -scale * Math.log(2 * (1 - u));
  return 0;
}

// ── Noisy outputs ──

/** A database value read as a number: numbers, bigints and numeric text (node-pg gives bigint and numeric as text); null as 0. */
export function dpNumber(v: unknown, what: string): number {
  if (v === null || v === undefined) return 0; // SUM over no rows is NULL: noised as 0, so emptiness does not show
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new TypeError(`${what} is not a number: ${String(v)}`);
  return n;
}

/** The noisy value of one output from its row, given the ε this output may spend. */
function noisyValue(dp: DpOutput, row: readonly unknown[], at: ReadonlyMap<string, number>, epsilon: number, uniform: Uniform): number {
  const cell = (name: string) => row[at.get(name) as number];
  switch (dp.aggregate) {
    case 'count': {
      const noisy = dpNumber(cell(dp.value), dp.value) + laplace(dp.sensitivity / epsilon, uniform);
      return Math.max(0, Math.round(noisy));
    }
    case 'sum':
      return dpNumber(cell(dp.value), dp.value) + laplace(dp.sensitivity / epsilon, uniform);
    case 'avg': {
      const half = epsilon / 2;
      const sum = dpNumber(cell(dp.sum), dp.sum) + laplace(dp.sumSensitivity / half, uniform);
      const count = dpNumber(cell(dp.count), dp.count) + laplace(dp.countSensitivity / half, uniform);
      const avg = sum / Math.max(1, count);
      // The true mean lies in [lo, hi] ⊂ [−B, B] with B = max(|lo|, |hi|) = sumSensitivity / countSensitivity
      // (both carry the same m): clamping there is post-processing and keeps small groups sane.
      const bound = dp.countSensitivity > 0 ? dp.sumSensitivity / dp.countSensitivity : Number.POSITIVE_INFINITY;
      const [lo, hi] = dp.bounds ?? [-bound, bound];
      return Math.min(hi, Math.max(lo, avg));
    }
  }
}

/** The result columns a DP output is built from. */
export function dpSourceColumns(dp: DpOutput): string[] {
  return dp.aggregate === 'avg' ? [dp.sum, dp.count] : [dp.value];
}

/** The ε each noisy output of a query spends: the query's ε split evenly (sequential composition); 0 when none is noisy. */
export function epsilonPerOutput(outputs: readonly OutputColumn[], epsilon: number): number {
  const n = outputs.filter((o) => o.dp).length;
  return n === 0 ? 0 : epsilon / n;
}

/**
 * Replaces every differentially private output of an accepted query by its noisy value.
 *
 * `columns` are the result's column names in order: first the outputs (`outputs[i]` is
 * `columns[i]`, as the policy check writes the query), then the hidden columns the check appended.
 * Each output with `dp` is rebuilt from its hidden columns, whatever its own cell held:
 * - count: `round(value + Lap(sensitivity / εᵢ))`, never below 0;
 * - sum: `value + Lap(sensitivity / εᵢ)`;
 * - avg: `(sum + Lap(sumSensitivity / (εᵢ/2))) / max(1, count + Lap(countSensitivity / (εᵢ/2)))`,
 *   clamped to the field's `bounds` when the output carries them, else to ±max(|lo|, |hi|);
 * with `εᵢ = epsilon / n` for the n DP outputs (see `epsilonPerOutput`). Fresh noise per row.
 *
 * The rows keep every column, the hidden ones included, in the same order: the caller drops
 * small groups by the subjects column and then strips `CheckedQuery.hiddenColumns`, as it does
 * without differential privacy. The rows given are not modified; new arrays are returned.
 */
export function applyDp(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  outputs: readonly OutputColumn[],
  epsilon: number,
  uniform: Uniform = secureUniform,
): { rows: unknown[][] } {
  const noisy = outputs.flatMap((o, i) => (o.dp ? [{ i, name: o.name, dp: o.dp }] : []));
  if (noisy.length === 0) return { rows: rows.map((r) => [...r]) };
  if (!Number.isFinite(epsilon) || epsilon <= 0) throw new RangeError(`ε must be a finite number > 0, got ${epsilon}`);
  const at = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!at.has(c)) at.set(c, i);
  });
  for (const o of noisy) {
    // Outputs are matched by position (two aggregates may both be called "count"), checked by name.
    if (columns[o.i] !== o.name) throw new Error(`output ${o.i + 1} is "${o.name}" but the result's column ${o.i + 1} is "${columns[o.i] ?? '(none)'}"`);
    for (const c of dpSourceColumns(o.dp)) if (!at.has(c)) throw new Error(`hidden column "${c}" of output "${o.name}" is not in the result`);
  }
  const each = epsilon / noisy.length;
  return {
    rows: rows.map((row) => {
      const out = [...row];
      for (const o of noisy) out[o.i] = noisyValue(o.dp, row, at, each, uniform);
      return out;
    }),
  };
}

// ── The ε budget ──

/** ε is counted in whole micro-ε (10⁻⁶), so sums of decimals such as 0.1 + 0.2 compare exactly. */
export const MICRO = 1_000_000;

/** ε (a number or numeric text, as the ledger's `numeric` column reads) in whole micro-ε, rounded to the nearest. */
export function toMicroEpsilon(v: number | string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`ε must be a finite number ≥ 0, got ${String(v)}`);
  return Math.round(n * MICRO);
}

/** Micro-ε as exact decimal text for a `numeric` column or a message: 300000 → "0.3". */
export function formatEpsilon(micro: number): string {
  if (!Number.isSafeInteger(micro) || micro < 0) throw new RangeError(`micro-ε must be a whole number ≥ 0, got ${micro}`);
  const whole = Math.floor(micro / MICRO);
  const frac = String(micro % MICRO).padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

export type BudgetDecision = { ok: true; remaining: number } | { ok: false; remaining: number; message: string };

/**
 * Whether a query asking `ask` of ε may run on a ledger that has spent `spent` of `budget`
 * (an ε ledger is never refreshed silently; 002 第十一条). Counted in whole micro-ε: a query
 * that spends exactly what remains is accepted, one micro-ε more is refused. `remaining` is what
 * is left after the query when accepted, what is left now when refused.
 */
export function budgetDecision(spent: number, budget: number, ask: number): BudgetDecision {
  const s = toMicroEpsilon(spent);
  const b = toMicroEpsilon(budget);
  const a = toMicroEpsilon(ask);
  if (a === 0) throw new RangeError(`a query must ask for ε > 0, got ${ask}`);
  const left = Math.max(0, b - s);
  if (a <= left) return { ok: true, remaining: (left - a) / MICRO };
  return {
    ok: false,
    remaining: left / MICRO,
    message: `差分隐私预算不足：预算 ε=${formatEpsilon(b)}，已用 ε=${formatEpsilon(s)}，剩余 ε=${formatEpsilon(left)}，本次查询需 ε=${formatEpsilon(a)}；预算用尽后不再自动恢复，需由授权方调整授权`,
  };
}

/** What is left of a budget after `spent` (numbers or numeric text), exactly to the micro-ε, never below 0: for the policy panel. */
export function epsilonRemaining(budget: number | string, spent: number | string): number {
  return Math.max(0, toMicroEpsilon(budget) - toMicroEpsilon(spent)) / MICRO;
}

/** One (grant, dataset) ledger a query reads under differential privacy. */
export interface EpsilonLedger {
  grantId: string;
  entryId: string;
  /** The entry's code, for messages. */
  entryCode: string;
  /** The grant's `dp_epsilon_budget`. */
  budget: number | string;
  /** The grant's `dp_epsilon_per_query`. */
  perQuery: number | string;
  /** The sum of the ledger's rows so far. */
  spent: number | string;
}

/**
 * The ε a query spends when it reads the given DP ledgers: the smallest `perQuery` among them
 * (its noise then satisfies every grant read, and each dataset loses exactly that much), or null
 * when none is read. In micro-ε.
 */
export function queryEpsilonMicro(ledgers: readonly Pick<EpsilonLedger, 'perQuery'>[]): number | null {
  if (ledgers.length === 0) return null;
  return Math.min(...ledgers.map((l) => toMicroEpsilon(l.perQuery)));
}

export type ChargeDecision =
  | { ok: true; epsilon: number; epsilonText: string; charges: Array<{ grantId: string; entryId: string; remaining: number }> }
  | { ok: false; entryCode: string; remaining: number; message: string };

/**
 * Decides the ε charge of a query over every DP ledger it reads, before anything runs: the query
 * spends `queryEpsilonMicro` on each ledger; if any ledger cannot afford it the whole query is
 * refused (nothing is charged anywhere), naming the first such dataset. `epsilon` is the ε to give
 * `applyDp`; `epsilonText` the exact decimal to write in each ledger row and the query record.
 */
export function chargeDecision(ledgers: readonly EpsilonLedger[]): ChargeDecision {
  const ask = queryEpsilonMicro(ledgers);
  if (ask === null) return { ok: true, epsilon: 0, epsilonText: '0', charges: [] };
  const charges: Array<{ grantId: string; entryId: string; remaining: number }> = [];
  for (const l of ledgers) {
    const d = budgetDecision(Number(l.spent), Number(l.budget), ask / MICRO);
    if (!d.ok) return { ok: false, entryCode: l.entryCode, remaining: d.remaining, message: `数据集 ${l.entryCode} 的${d.message}` };
    charges.push({ grantId: l.grantId, entryId: l.entryId, remaining: d.remaining });
  }
  return { ok: true, epsilon: ask / MICRO, epsilonText: formatEpsilon(ask), charges };
}
