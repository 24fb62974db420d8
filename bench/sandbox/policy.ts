/**
 * Sandbox policy check benchmark (issue 7, "Tests and benchmark": policy checking alone per query,
 * target < 2 ms p95).
 *
 *   npm run bench:sandbox-policy -- [--iterations N] [--warmup N]
 *
 * Times `checkSandboxQuery` (parse, walk against the column policies, rewrite, deparse of the query
 * and of its differencing probes) over a mix of 20 realistic queries — accepted aggregates, joins,
 * CTEs, differential privacy, and refused attacks — cycling through the mix for `--iterations`
 * checks (default 10,000) after `--warmup` (default 2,000). The physical floor, measured on the
 * same queries in the same run: `parseSync` alone (PostgreSQL's parser compiled to WASM), which
 * every check must pay. No database is involved. Beside the wall time of each check, its process
 * CPU time: on a loaded machine the wall time's tail is time spent waiting for a core.
 *
 * Prints a table and then one `BENCH_JSON {...}` line. Timings never go into tests.
 */
import { performance } from 'node:perf_hooks';
import { parseSync } from 'libpg-query';
import { fmt, machineFacts, parseCommandLine, positiveInt, printMachine, round, table } from '../common.js';
import { checkSandboxQuery, loadPolicyParser } from '../../src/modules/privacy/sandbox.policy.js';
import { POP, SSB, VIS } from '../../src/modules/privacy/sandbox.fixtures.js';
import type { SandboxView } from '../../src/modules/privacy/sandbox.types.js';

const USAGE = 'usage: npm run bench:sandbox-policy -- [--iterations N] [--warmup N]';
const TARGET_P95_MS = 2;

/** The policy tests' views; the population also has an education column, which the mix groups by. */
const VIEWS: SandboxView[] = [{ ...POP, columns: [...POP.columns, { name: 'education', type: 'string', policy: 'plain' }] }, VIS, SSB];

const P = '"HN-GAT-0001"';
const V = '"HN-WJW-0002"';
const S = '"HN-SBJ-0004"';
/** The mix: what operators write in the sandbox, accepted and refused. */
const QUERIES: string[] = [
  `SELECT region, count(*) AS people, avg(income) FROM ${P} GROUP BY region`,
  `SELECT region, gender, count(*), sum(income), min(income), max(income) FROM ${P} WHERE birth_date >= '1980-01-01' AND gender = 'F' GROUP BY region, gender ORDER BY region`,
  `SELECT left(region, 4) AS city, date_trunc('year', birth_date) AS cohort, count(*) FROM ${P} GROUP BY 1, 2 ORDER BY 1, 2`,
  `SELECT a.region, count(*) AS visits, sum(b.cost), avg(b.cost) FROM ${P} a JOIN ${V} b ON a.person_key = b.person_key WHERE b.diagnosis IN ('J10', 'J11') GROUP BY a.region`,
  `WITH v AS (SELECT hospital, cost, visit_date FROM ${V}) SELECT hospital, date_trunc('month', visit_date) AS m, avg(cost) FROM v GROUP BY 1, 2 ORDER BY 2`,
  `SELECT hospital, visit_date FROM ${V} WHERE diagnosis = 'J10' ORDER BY visit_date DESC LIMIT 100`,
  `SELECT gender, education, count(*) FROM ${P} WHERE id_number IS NOT NULL AND region BETWEEN '460100' AND '460199' GROUP BY gender, education HAVING count(*) > 20`,
  `SELECT extract(year FROM visit_date) AS y, count(DISTINCT person_key) AS patients, round(avg(cost), 2) AS mean_cost FROM ${V} GROUP BY 1`,
  `SELECT city, count(*), sum(amount), avg(amount) AS mean FROM ${S} GROUP BY city`,
  `SELECT kind, count(*) FROM ${S} WHERE city = '海口' GROUP BY kind`,
  `SELECT g.region, sum(g.income * 12) AS yearly FROM (SELECT region, income FROM ${P}) g GROUP BY g.region`,
  `SELECT gender AS v FROM ${P} UNION SELECT hospital FROM ${V} ORDER BY 1`,
  // refused: the attack suite's shapes
  `SELECT min(x) FROM (SELECT income AS x FROM ${P} WHERE id_number = '460100199001011234') s`,
  `SELECT sum(CASE WHEN id_number = '460100199001011234' THEN income ELSE 0 END) FROM ${P}`,
  `SELECT string_agg(gender, ',') FROM ${P}`,
  `SELECT gender FROM ${P} ORDER BY income DESC LIMIT 1`,
  `SELECT count(*) FROM ${P} WHERE id_number LIKE '4601%'`,
  `SELECT relname FROM pg_catalog.pg_class`,
  `SELECT gender FROM ${P}; SELECT set_config('role', 'postgres', false)`,
  `SELECT count(*) FROM ${P} a JOIN ${V} b ON a.name = b.hospital`,
];

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { p50: round(at(0.5), 4), p95: round(at(0.95), 4), p99: round(at(0.99), 4), mean: round(s.reduce((a, b) => a + b, 0) / s.length, 4) };
}

async function main() {
  const { values } = parseCommandLine(process.argv.slice(2), { iterations: { type: 'string' }, warmup: { type: 'string' } }, USAGE);
  const iterations = positiveInt('iterations', values.iterations, 10_000);
  const warmup = positiveInt('warmup', values.warmup, 2_000);
  const machine = machineFacts();
  printMachine('Sandbox policy check', machine);
  await loadPolicyParser();

  let accepted = 0;
  for (const q of QUERIES) if ((await checkSandboxQuery(q, VIEWS)).ok) accepted++;
  console.log(`${QUERIES.length} queries in the mix: ${accepted} accepted, ${QUERIES.length - accepted} refused; ${fmt(iterations)} checks after ${fmt(warmup)} warm-up`);

  for (let i = 0; i < warmup; i++) {
    const q = QUERIES[i % QUERIES.length] as string;
    await checkSandboxQuery(q, VIEWS);
    try {
      parseSync(q);
    } catch {
      // the mix parses; a refusal is still timed below
    }
  }

  const check: number[] = [];
  const checkCpu: number[] = [];
  const parse: number[] = [];
  const perQuery = QUERIES.map(() => [] as number[]);
  // Alternate the two measurements so drift in the machine's load hits both.
  for (let i = 0; i < iterations; i++) {
    const k = i % QUERIES.length;
    const q = QUERIES[k] as string;
    const cpu = process.cpuUsage();
    let t = performance.now();
    await checkSandboxQuery(q, VIEWS);
    const c = performance.now() - t;
    const used = process.cpuUsage(cpu);
    check.push(c);
    checkCpu.push((used.user + used.system) / 1000);
    (perQuery[k] as number[]).push(c);
    t = performance.now();
    parseSync(q);
    parse.push(performance.now() - t);
  }
  machine.load_avg_end = machineFacts().load_avg_start;

  const sc = stats(check);
  const sp = stats(parse);
  const su = stats(checkCpu);
  console.log('');
  console.log(
    table(
      ['measure', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'note'],
      [
        ['checkSandboxQuery', sc.p50.toFixed(4), sc.p95.toFixed(4), sc.p99.toFixed(4), sc.mean.toFixed(4), `target p95 < ${TARGET_P95_MS} ms: ${sc.p95 < TARGET_P95_MS ? 'met' : 'NOT met'}`],
        ['checkSandboxQuery, CPU time', su.p50.toFixed(4), su.p95.toFixed(4), su.p99.toFixed(4), su.mean.toFixed(4), 'process CPU per check (µs clock): unaffected by waiting for a core'],
        ['parseSync alone (floor)', sp.p50.toFixed(4), sp.p95.toFixed(4), sp.p99.toFixed(4), sp.mean.toFixed(4), `check / parse at p50: ${round(sc.p50 / sp.p50, 2)}×`],
      ],
    ),
  );
  console.log('');
  console.log(
    table(
      ['#', 'p50 ms', 'p95 ms', 'query'],
      perQuery.map((ms, k) => {
        const s = stats(ms);
        const q = QUERIES[k] as string;
        return [String(k + 1), s.p50.toFixed(4), s.p95.toFixed(4), q.length > 90 ? `${q.slice(0, 87)}…` : q];
      }),
    ),
  );
  const result = {
    benchmark: 'sandbox-policy',
    machine,
    queries: QUERIES.length,
    accepted,
    iterations,
    warmup,
    target_p95_ms: TARGET_P95_MS,
    check_ms: sc,
    check_cpu_ms: su,
    parse_ms: sp,
    met: sc.p95 < TARGET_P95_MS,
  };
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
}



main().catch((err) => {
  console.error(err);
  process.exit(1);
});
