/**
 * Data service API benchmark (issue 5): `GET /api/v1/data/{code}?limit=100` at 64 concurrent
 * connections against a bare Fastify route running the same SQL without checks, in the same run.
 *
 *   npm run bench:data-api -- [--rows N] [--connections N] [--duration S] [--warmup S] [--rounds N] [--calls N] [--url postgres://…]
 *
 * On PostgreSQL (the target's): a database of its own on the server (`--url`, else
 * BENCH_DATABASE_URL, else postgres://root@127.0.0.1:5432/test), dropped afterwards. A server in
 * a child process (server.ts) loads N rows (default 100,000) through the API, grants them by
 * service API and issues a key bound to the grant, then listens twice: the real app, and a bare
 * Fastify app whose one route runs the same SELECT (same projection, order, LIMIT 101, keyset on
 * the key after a query parameter) through a pg Pool of the same size as the app's. This process
 * drives both with autocannon — every connection cycling through 64 pages spread over the table —
 * for `--warmup` seconds unmeasured, then `--duration` seconds measured, bare and API in turn for
 * `--rounds` rounds, so drift on a shared machine hits both. Reports req/s, p50, p99 and the
 * ratio API / bare (target ≥ 0.5), the CPU seconds of the server process and of the PostgreSQL
 * backends per request, the audit group commit's batches, a verification of the chain after the
 * load, and the per-call breakdown (each step of one read timed alone, one caller at a time).
 * Prints the tables, then one `BENCH_JSON {...}` line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error autocannon ships no type declarations; its result is typed below.
import autocannon from 'autocannon';
import { cpuBetween } from './cpu.js';
import { chooseDatabases, machineFacts, parseCommandLine, positiveInt, printMachine, round, scratchDatabase, table, type MachineFacts } from '../common.js';

const USAGE =
  'usage: npm run bench:data-api -- [--rows N] [--connections N] [--duration S] [--warmup S] [--rounds N] [--calls N] [--url postgres://…]';

export function apiOptions(argv: string[]) {
  const { common, values } = parseCommandLine(
    argv,
    { rows: { type: 'string' }, connections: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, rounds: { type: 'string' }, calls: { type: 'string' } },
    USAGE,
  );
  return {
    ...common,
    rows: positiveInt('rows', values.rows, 100_000),
    connections: positiveInt('connections', values.connections, 64),
    duration: positiveInt('duration', values.duration, 10),
    warmup: positiveInt('warmup', values.warmup, 3),
    rounds: positiveInt('rounds', values.rounds, 1),
    /** Sequential calls per step of the per-call breakdown. */
    calls: positiveInt('calls', values.calls, 300),
  };
}
type Options = ReturnType<typeof apiOptions>;

interface Ready {
  appAddress: string;
  bareAddress: string;
  code: string;
  key: string;
  apiPaths: string[];
  barePaths: string[];
  rows: number;
  table: string;
}

type Step = { p50: number; p99: number; mean: number; node_cpu: number; db_cpu: number | null };
type Cpu = { node: number; db: Record<number, number> | null };

interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
  latency: { p50: number; p99: number; average: number };
  '2xx': number;
}

function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; ready: Ready; ask: <T>(m: object, type: string) => Promise<T> }> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // BENCH_SERVER_NODE_ARGS: extra node options for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const extra = (env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = fork(path.join(here, 'server.ts'), [], { execArgv: ['--import', 'tsx', ...extra], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters: Array<{ type: string; resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
  return new Promise((resolveReady, rejectReady) => {
    child.on('message', (raw) => {
      const m = raw as { type: string; message?: string } & Record<string, unknown>;
      if (m.type === 'ready') {
        resolveReady({
          child,
          ready: m as unknown as Ready,
          ask: <T>(msg: object, type: string) =>
            new Promise<T>((resolve, reject) => {
              waiters.push({ type, resolve: resolve as (v: unknown) => void, reject });
              child.send(msg);
            }),
        });
        return;
      }
      if (m.type === 'error') {
        const err = new Error(`benchmark server: ${m.message}`);
        const w = waiters.shift();
        if (w) w.reject(err);
        else rejectReady(err);
        return;
      }
      const i = waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    });
    child.once('exit', (code) => {
      const err = new Error(`benchmark server exited with code ${code}`);
      rejectReady(err);
      for (const w of waiters.splice(0)) w.reject(err);
    });
  });
}

/** autocannon at `connections` connections on `base`, each connection cycling through `paths`. */
function cannon(base: string, paths: string[], headers: Record<string, string>, connections: number, seconds: number): Promise<CannonResult> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        headers,
        requests: [
          {
            method: 'GET',
            setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[next++ % paths.length] }),
          },
        ],
      },
      (err: Error | null, result: CannonResult) => (err ? reject(err) : resolve(result)),
    );
  });
}


interface RunResult {
  target: 'bare' | 'api';
  round: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  requests: number;
  non2xx: number;
  errors: number;
  node_cpu_ms_per_req: number;
  db_cpu_ms_per_req: number | null;
}

export interface ApiBenchResult {
  benchmark: 'data-api';
  machine: MachineFacts;
  options: Omit<Options, 'url' | 'db' | 'urlExplicit'>;
  skipped: Record<string, string>;
  runs: RunResult[];
  summary: { bare_rps: number; api_rps: number; ratio: number; bare_p99_ms: number; api_p99_ms: number; target_ratio: 0.5; meets_target: boolean } | null;
  group_commit: { batches: number; events: number; mean_batch: number; largest: number; failed: number } | null;
  chain: { ok: boolean; head_seq: number; verify_seconds: number } | null;
  breakdown_ms: Record<string, Step> | null;
}

/** Runs the benchmark and prints its tables; returns what it measured (BENCH_JSON is printed by run.ts). */
export async function runApiBench(argv: string[]): Promise<ApiBenchResult> {
  const o = apiOptions(argv);
  const machine = machineFacts();
  printMachine('data service API benchmark', machine);
  const { url: _url, db: _db, urlExplicit: _explicit, ...shown } = o;
  const out: ApiBenchResult = { benchmark: 'data-api', machine, options: shown, skipped: {}, runs: [], summary: null, group_commit: null, chain: null, breakdown_ms: null };
  const { kinds, skipped } = await chooseDatabases({ ...o, db: 'postgres', urlExplicit: o.urlExplicit });
  out.skipped = skipped;
  if (!kinds.includes('postgres')) {
    console.log('PostgreSQL not reachable: the data service API benchmark needs it (the target is PostgreSQL\'s).');
    return out;
  }
  const scratch = await scratchDatabase(o.url);
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    console.log(`\nloading ${o.rows.toLocaleString('en-US')} rows through the API into ${scratch.name}…`);
    const t0 = performance.now();
    server = await startServer({ ...process.env, BENCH_DB_URL: scratch.url.toString(), BENCH_ROWS: String(o.rows) });
    const { ready, ask } = server;
    console.log(`ready in ${round((performance.now() - t0) / 1000, 1)} s: app ${ready.appAddress}, bare ${ready.bareAddress}, ${ready.apiPaths.length} pages spread over the table`);

    const auth = { authorization: `Bearer ${ready.key}` };
    const targets = {
      bare: { base: ready.bareAddress, paths: ready.barePaths, headers: {} as Record<string, string> },
      api: { base: ready.appAddress, paths: ready.apiPaths, headers: auth },
    };
    const stats0 = (await ask<{ stats: { batches: number; events: number; largest: number; failed: number } }>({ type: 'stats' }, 'stats')).stats;
    for (let r = 1; r <= o.rounds; r++) {
      for (const target of ['bare', 'api'] as const) {
        const t = targets[target];
        await cannon(t.base, t.paths, t.headers, o.connections, o.warmup);
        const c0 = await ask<Cpu>({ type: 'cpu' }, 'cpu');
        const res = await cannon(t.base, t.paths, t.headers, o.connections, o.duration);
        const c1 = await ask<Cpu>({ type: 'cpu' }, 'cpu');
        const n = res.requests.total;
        const dbCpu = cpuBetween(c0.db, c1.db);
        out.runs.push({
          target,
          round: r,
          rps: round(res['2xx'] / res.duration, 1),
          p50: res.latency.p50,
          p99: res.latency.p99,
          mean: round(res.latency.average, 2),
          requests: n,
          non2xx: res.non2xx,
          errors: res.errors + res.timeouts,
          node_cpu_ms_per_req: round(((c1.node - c0.node) * 1000) / Math.max(1, n), 3),
          db_cpu_ms_per_req: dbCpu === null ? null : round((dbCpu * 1000) / Math.max(1, n), 3),
        });
        console.log(`  round ${r} ${target}: ${round(res['2xx'] / res.duration, 0)} req/s, p99 ${res.latency.p99} ms${res.non2xx || res.errors ? `, ${res.non2xx} non-2xx, ${res.errors} errors` : ''}`);
      }
    }
    const stats1 = (await ask<{ stats: { batches: number; events: number; largest: number; failed: number } }>({ type: 'stats' }, 'stats')).stats;
    const batches = stats1.batches - stats0.batches;
    const events = stats1.events - stats0.events;
    out.group_commit = { batches, events, mean_batch: round(events / Math.max(1, batches), 1), largest: stats1.largest, failed: stats1.failed - stats0.failed };

    const v = await ask<{ ok: boolean; headSeq: number; reason: string | null; seconds: number }>({ type: 'verify' }, 'verify');
    out.chain = { ok: v.ok, head_seq: v.headSeq, verify_seconds: round(v.seconds, 2) };
    if (!v.ok) console.error(`audit chain does not verify after the load: ${v.reason}`);

    console.log(`\nper-call breakdown: ${o.calls} sequential calls per step…`);
    out.breakdown_ms = (await ask<{ steps: Record<string, Step> }>({ type: 'breakdown', calls: o.calls }, 'breakdown')).steps;

    const med = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
    };
    const of = (t: 'bare' | 'api') => out.runs.filter((x) => x.target === t);
    const bareRps = med(of('bare').map((x) => x.rps));
    const apiRps = med(of('api').map((x) => x.rps));
    const ratio = round(apiRps / bareRps, 3);
    out.summary = { bare_rps: bareRps, api_rps: apiRps, ratio, bare_p99_ms: med(of('bare').map((x) => x.p99)), api_p99_ms: med(of('api').map((x) => x.p99)), target_ratio: 0.5, meets_target: ratio >= 0.5 };

    machine.load_avg_end = (await import('node:os')).loadavg().map((x) => round(x, 2));
    console.log(`\nGET /api/v1/data/{code}?limit=${100} — ${o.connections} connections, ${o.duration} s per run after ${o.warmup} s warm-up, ${ready.rows.toLocaleString('en-US')} rows, PostgreSQL`);
    console.log(
      table(
        ['run', 'req/s', 'p50 ms', 'p99 ms', 'mean ms', 'requests', 'non-2xx', 'node CPU ms/req', 'db CPU ms/req', 'note'],
        out.runs.map((x) => [
          `${x.target} #${x.round}`,
          x.rps,
          x.p50,
          x.p99,
          x.mean,
          x.requests,
          x.non2xx,
          x.node_cpu_ms_per_req,
          x.db_cpu_ms_per_req ?? '-',
          x.target === 'bare' ? 'same SELECT, pg Pool, no checks' : 'key, grant, masking, usage row + audit (group commit)',
        ]),
      ),
    );
    console.log(`\nratio API / bare (req/s, median of rounds): ${ratio} — target ≥ 0.5: ${out.summary.meets_target ? 'met' : 'NOT met'}`);
    console.log(`p99: API ${out.summary.api_p99_ms} ms, bare ${out.summary.bare_p99_ms} ms`);
    console.log(
      `audit group commit during the runs: ${events.toLocaleString('en-US')} events in ${batches.toLocaleString('en-US')} transactions (mean ${out.group_commit.mean_batch}, largest ${stats1.largest}); chain ${v.ok ? 'verifies' : 'BROKEN'} (${v.headSeq.toLocaleString('en-US')} events, ${out.chain.verify_seconds} s)`,
    );
    console.log(`\nper-call breakdown (one caller at a time, ${o.calls} calls each; wall ms, then CPU ms per call)`);
    const labels: Record<string, string> = {
      bare_sql: 'the page SELECT alone (pg Pool)',
      bare_http: 'bare route (inject: HTTP handling + SELECT + JSON)',
      auth_key: 'API key resolution (auth hook)',
      read_source: 'entry + live version + grant + clear fields (one statement)',
      read_page: 'the page SELECT (repo.readServicePage, prepared per shape)',
      usage_audit_group_commit: 'usage row + audit event (group commit, alone)',
      usage_audit_own_trx: 'usage row + audit() in its own transaction (before)',
      read_data: 'readData (the whole use case)',
      api_http: 'API request (inject: hook + readData + reply)',
    };
    console.log(
      table(
        ['step', 'p50', 'p99', 'mean', 'node CPU', 'db CPU', 'what'],
        Object.entries(out.breakdown_ms).map(([k, s]) => [k, round(s.p50, 3), round(s.p99, 3), round(s.mean, 3), round(s.node_cpu, 3), s.db_cpu === null ? '-' : round(s.db_cpu, 3), labels[k] ?? '']),
      ),
    );
  } finally {
    const child = server?.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'close' });
      await exited;
    }
    await scratch.drop();
  }
  return out;
}
