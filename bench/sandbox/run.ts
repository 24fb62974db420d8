/**
 * Sandbox benchmark (issue 7, `bench/sandbox`): an accepted GROUP BY through the sandbox against
 * the same SQL run directly on the same table, in the same run.
 *
 *   npm run bench:sandbox -- [--rows N] [--rounds N] [--keep] [--url postgres://…]
 *
 * On PostgreSQL (`--url`, else BENCH_DATABASE_URL, else DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres; a database of its own there, `gongshu_bench_sandbox`,
 * dropped afterwards): the demo province, an entry of 海南省公安厅 shaped like 人口基础信息
 * (bench/sandbox/data.ts) whose live version holds N rows (default 1,000,000: one row loaded through
 * the API to make the version, then the table refilled by `COPY … FROM STDIN`), and a sandbox grant
 * of it to 省市场监督管理局 (identifying columns hidden; gender, birth date and region group keys).
 *
 * Each round runs, for each sandbox path in turn:
 * - direct: the query's SQL with the view's name replaced by the data table, through `pg` on a
 *   connection of its own — bare, and under the sandbox's row cap (`SELECT * FROM (…) LIMIT cap + 1`,
 *   which may lead PostgreSQL to another plan); the faster of the two is the physical limit;
 * - sandbox: the same SQL as an operator runs it (bench/sandbox/sandbox.ts): `service` is
 *   `runQuery`, the use case behind `POST /api/v1/sandbox/queries` (views of the org's grants,
 *   policy check, temporary views in a rolled-back read-only transaction under the restricted role
 *   with a statement timeout, probes, the capped query, group threshold, hidden columns stripped,
 *   the record and the audit event); `steps` is the same without the record, each part timed.
 * Before timing, every path's answer is compared with the direct one, cell by cell.
 * Ratio = faster direct time / sandbox time (median of the rounds' ratios; target ≥ 0.9). Prints a
 * table, then one `BENCH_JSON {...}` line. `--keep` leaves the database for inspection.
 */
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { machineFacts, parseCommandLine, positiveInt, printMachine, reachable, round, table, type MachineFacts } from '../common.js';
import { loadConfig } from '../../src/kernel/config.js';
import { systemClock } from '../../src/kernel/clock.js';
import { ephemeralKeys } from '../../src/kernel/crypto.js';
import { openPostgres } from '../../src/kernel/db.js';
import { bootKernel } from '../../src/kernel/boot.js';
import { buildApp } from '../../src/app.js';
import { seedDemo } from '../../src/demo/seed.js';
import { loginAs, type Client } from '../../test/harness.js';
import { authOf, makePublishedEntry } from '../../src/modules/ingest/factories.js';
import { quoteIdent } from '../../src/modules/ingest/copy.js';
import * as deliveryRepo from '../../src/modules/delivery/repo.js';
import { POPULATION_FIELDS, POPULATION_POLICIES, populationCsv, populationRow } from './data.js';
import { cappedSql as cappedQuery } from '../../src/modules/privacy/sandbox.run.js';
import { sandboxPaths, type SandboxPath } from './sandbox.js';

const USAGE = 'usage: npm run bench:sandbox -- [--rows N] [--rounds N] [--keep] [--url postgres://…]';
const DEFAULT_URL = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'gongshu_bench_sandbox';

/** The queries timed: `{view}` stands for the view's quoted name (the entry code), or the data table for the direct run. */
export const QUERIES = [
  {
    name: 'gender × year of birth, count(*)',
    sql: `SELECT gender, date_part('year', birth_date) AS y, count(*) AS n FROM {view} GROUP BY 1, 2`,
  },
  // Few groups: PostgreSQL may plan the bare SQL with parallel workers.
  {
    name: 'region, count(*)',
    sql: `SELECT region, count(*) AS n FROM {view} GROUP BY region`,
  },
];

export interface SandboxBenchRow {
  query: string;
  rows: number;
  groups: number;
  /** Median seconds of the direct runs of the SQL as written. */
  direct_s: number;
  /** Median seconds of the direct runs under the sandbox's row cap (`SELECT * FROM (…) LIMIT cap + 1`). */
  direct_capped_s: number;
  /** Median seconds of the sandbox runs. */
  sandbox_s: number;
  /** Median over the rounds of (the faster direct run) / sandbox; target ≥ 0.9. */
  ratio: number;
  /** How the sandbox was run (bench/sandbox/sandbox.ts): `service` (the use case the API calls), `steps` (its parts timed one by one), `no cursor`. */
  path: SandboxPath;
  /** Median milliseconds of the sandbox's own steps, where the path reports them. */
  steps: Record<string, number>;
}

export interface SandboxBenchResult {
  bench: 'sandbox';
  machine: MachineFacts;
  rows: number;
  rounds: number;
  server: string;
  results: SandboxBenchRow[];
}

const ok = (res: { statusCode: number; body: string; json(): unknown }, status: number, what: string) => {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
};

/** A result as comparable text: each row's cells as text, the rows sorted. */
const canonical = (rows: readonly (readonly unknown[])[]) =>
  rows
    .map((r) => JSON.stringify(r.map((c) => (c === null ? null : String(c)))))
    .sort()
    .join('\n');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Rows `from`…`to - 1` in COPY text format, as a stream. */
function copyRows(from: number, to: number): Readable {
  let i = from;
  return new Readable({
    read() {
      let chunk = '';
      while (i < to && chunk.length < 1 << 20) chunk += populationRow(i++);
      this.push(chunk === '' ? null : chunk);
    },
  });
}

/** A database of the benchmark's own on the server (one left by an interrupted run is dropped first). */
async function ownDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const run = async (text: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  await run(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await run(`CREATE DATABASE ${DB_NAME}`);
  const url = new URL(serverUrl);
  url.pathname = `/${DB_NAME}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`) };
}

/**
 * The sandbox grant: the subject org asks for the entry (method `api`, the request path every
 * method shares), its officer signs, 公安厅 approves; the grant then carries what the provider's
 * approval of a sandbox request sets — method `sandbox` and the column policies.
 */
async function sandboxGrant(k: Awaited<ReturnType<typeof bootKernel>>, clerk: Client, officer: Client, gatOfficer: Client, entryId: string): Promise<string> {
  const r = ok(
    await clerk.post('/api/v1/sharing/requests', {
      entryId,
      fields: POPULATION_FIELDS.map((f) => f.name),
      basis: '《海南省公共数据产品开发利用暂行管理办法》第十一条',
      scenario: '人口结构统计分析（数据可用不可见）',
      scope: '人口年龄结构分析产品',
      method: 'api',
      validUntil: '2099-12-31',
    }),
    201,
    'share request',
  ) as { id: string };
  const signed = ok(await officer.post(`/api/v1/sharing/requests/${r.id}/sign`), 200, 'sign') as { status: string; grantId: string | null };
  const grantId =
    signed.status === 'approved' && signed.grantId
      ? signed.grantId
      : (ok(await gatOfficer.post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'approve' }), 200, 'decide') as { grantId: string }).grantId;
  await sql`UPDATE grants SET methods = ${['sandbox']}, column_policies = ${JSON.stringify(POPULATION_POLICIES)}::jsonb WHERE id = ${grantId}`.execute(k.db.kysely);
  return grantId;
}

/** Runs the benchmark; prints its table and returns its result. */
export async function runSandboxBench(opts: { rows?: number; rounds?: number; url?: string; keep?: boolean } = {}): Promise<SandboxBenchResult> {
  const o = { rows: opts.rows ?? 1_000_000, rounds: opts.rounds ?? 5, url: opts.url ?? DEFAULT_URL, keep: opts.keep ?? false };
  const why = await reachable(o.url);
  if (why) throw new Error(`PostgreSQL at ${o.url.replace(/\/\/[^@]*@/, '//…@')} not reachable: ${why}`);
  const machine = machineFacts();
  printMachine('Gongshu sandbox benchmark', machine);
  const own = await ownDatabase(o.url);
  const db = await openPostgres(own.url);
  const pool = new pg.Pool({ connectionString: own.url, max: 2 });
  try {
    const config = loadConfig(
      { NODE_ENV: 'test', GONGSHU_ADMIN_PASSWORD: 'Admin-pass-2026', GONGSHU_DEMO_PASSWORD: 'Gongshu@2026' },
      { databaseUrl: own.url, loginRateLimitPerMinute: 100_000 },
    );
    const k = await bootKernel(config, { db, clock: systemClock, keys: ephemeralKeys() });
    await seedDemo(k);
    const app = await buildApp(k, { webDir: null, logger: false });
    await app.ready();

    // The entry and its live version: one row through the API, then the table refilled by COPY.
    const t0 = performance.now();
    const gatClerk = await loginAs(app, 'gat_clerk');
    const entryId = await makePublishedEntry(k, '海南省公安厅', POPULATION_FIELDS, '人口基础信息（沙箱基准测试）', { provisionMethods: ['api'] });
    const load = ok(
      await app.inject({
        method: 'POST',
        url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
        headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
        payload: `${POPULATION_FIELDS.map((f) => f.name).join(',')}\n${populationCsv(0)}`,
      }),
      201,
      'load',
    ) as { rowsAccepted: number };
    if (load.rowsAccepted !== 1) throw new Error(`load accepted ${load.rowsAccepted} rows: ${JSON.stringify(load)}`);
    const live = await deliveryRepo.liveSource(k.db.kysely, entryId);
    if (!live) throw new Error('no live version');
    const target = `datasets.${quoteIdent(live.table_name)}`;
    {
      const client = await pool.connect();
      try {
        await client.query(`TRUNCATE ${target}`);
        await pipeline(copyRows(0, o.rows), client.query(copyFrom(`COPY ${target} (${POPULATION_FIELDS.map((f) => quoteIdent(f.name)).join(', ')}) FROM STDIN`)));
        await client.query(`VACUUM ANALYZE ${target}`);
      } finally {
        client.release();
      }
    }
    const n = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(target)}`.execute(k.db.kysely)).rows[0]?.n);
    if (n !== o.rows) throw new Error(`the live version holds ${n} rows, expected ${o.rows}`);
    const entry = await k.db.kysely.selectFrom('catalog_entries').select('code').where('id', '=', entryId).executeTakeFirstOrThrow();
    console.log(`seeded ${o.rows.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (database ${DB_NAME}, entry ${entry.code})`);

    const [clerk, officer, gatOfficer] = [await loginAs(app, 'scj_clerk'), await loginAs(app, 'scj_officer'), await loginAs(app, 'gat_officer')];
    const grantId = await sandboxGrant(k, clerk, officer, gatOfficer, entryId);
    const auth = await authOf(k, 'scj_clerk');
    const paths = sandboxPaths(k, auth);
    const order: SandboxPath[] = ['service', 'steps'];

    const results: SandboxBenchRow[] = [];
    // The direct runs on a connection of their own, opened now (not the one that loaded the table).
    const direct = new pg.Client({ connectionString: own.url });
    await direct.connect();
    try {
      for (const q of QUERIES) {
        const viewSql = q.sql.replaceAll('{view}', quoteIdent(entry.code));
        const bareSql = q.sql.replaceAll('{view}', target);
        // The sandbox runs its query under `LIMIT cap + 1`, which can lead PostgreSQL to another plan
        // (a LIMIT makes it weigh start-up cost, and parallel workers with it): the same SQL is run
        // directly both ways, and the faster of the two is the physical limit.
        const cappedSql = cappedQuery(bareSql, k.config.sandboxRowCap);
        const timeDirect = async (text: string) => {
          const a = performance.now();
          const r = await direct.query<unknown[]>({ text, rowMode: 'array' });
          return { s: (performance.now() - a) / 1000, rows: r.rows };
        };
        // Warm the cache, and check every path gives the very groups and counts of the direct run.
        const d0 = await timeDirect(bareSql);
        const expected = canonical(d0.rows);
        if (canonical((await timeDirect(cappedSql)).rows) !== expected) throw new Error(`${q.name}: the capped direct query answers differently`);
        for (const p of order) {
          const s0 = await paths[p](viewSql);
          if (canonical(s0.rows) !== expected) throw new Error(`${q.name}: ${p} answered ${s0.rows.length} groups (suppressed ${s0.suppressed}), not the direct query's ${d0.rows.length}`);
        }
        // Each round, for each path: the bare and the capped direct run, then the sandbox run.
        const samples = new Map<SandboxPath, Array<{ bare: number; capped: number; sandbox: number; steps: Record<string, number> }>>();
        for (let r = 0; r < o.rounds; r++) {
          for (const p of order) {
            const bare = (await timeDirect(bareSql)).s;
            const capped = (await timeDirect(cappedSql)).s;
            const b = performance.now();
            const out = await paths[p](viewSql);
            const list = samples.get(p) ?? [];
            list.push({ bare, capped, sandbox: (performance.now() - b) / 1000, steps: out.steps });
            samples.set(p, list);
          }
        }
        for (const p of order) {
          const l = samples.get(p) ?? [];
          const stepNames = [...new Set(l.flatMap((x) => Object.keys(x.steps)))];
          results.push({
            query: q.name,
            path: p,
            rows: o.rows,
            groups: d0.rows.length,
            direct_s: round(median(l.map((x) => x.bare)), 4),
            direct_capped_s: round(median(l.map((x) => x.capped)), 4),
            sandbox_s: round(median(l.map((x) => x.sandbox)), 4),
            ratio: round(median(l.map((x) => Math.min(x.bare, x.capped) / x.sandbox)), 3),
            steps: Object.fromEntries(stepNames.map((name) => [name, round(median(l.map((x) => x.steps[name] ?? 0)), 2)])),
          });
        }
      }
    } finally {
      await direct.end();
    }
    await app.close();

    machine.load_avg_end = os.loadavg().map((x) => round(x, 2));
    console.log(
      table(
        ['query', 'sandbox path', 'rows', 'groups', 'direct ms', 'direct capped ms', 'sandbox ms', 'ratio (≥0.9)', 'steps (median ms)'],
        results.map((r) => [
          r.query,
          r.path,
          r.rows,
          r.groups,
          (r.direct_s * 1000).toFixed(1),
          (r.direct_capped_s * 1000).toFixed(1),
          (r.sandbox_s * 1000).toFixed(1),
          r.ratio.toFixed(3),
          Object.entries(r.steps)
            .map(([k2, v]) => `${k2} ${v.toFixed(2)}`)
            .join(', '),
        ]),
      ),
    );
    console.log(`(${o.rounds} rounds; each sandbox run right after the same SQL run directly, bare and under the sandbox's LIMIT; ratio = median of the faster direct / sandbox; load average at end ${machine.load_avg_end.join(' ')})`);
    return { bench: 'sandbox', machine, rows: o.rows, rounds: o.rounds, server: o.url.replace(/\/\/[^@]*@/, '//…@'), results };
  } finally {
    await pool.end().catch(() => undefined);
    await db.close().catch(() => undefined);
    if (o.keep) console.log(`database ${DB_NAME} kept (--keep): drop it with DROP DATABASE ${DB_NAME}`);
    else await own.drop().catch((err: Error) => console.error(`could not drop ${DB_NAME}: ${err.message}`));
  }
}

async function main(): Promise<void> {
  const { common, values } = parseCommandLine(process.argv.slice(2), { rows: { type: 'string' }, rounds: { type: 'string' }, keep: { type: 'boolean' } }, USAGE);
  const url = common.urlExplicit ? common.url : DEFAULT_URL;
  const result = await runSandboxBench({ rows: positiveInt('rows', values.rows, 1_000_000), rounds: positiveInt('rounds', values.rounds, 5), url, keep: values.keep === true });
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
