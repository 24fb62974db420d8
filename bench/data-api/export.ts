/**
 * Batch export benchmark (issue 5, `bench/data-api`).
 *
 *   npm run bench:data-export -- [--rows N] [--rounds N] [--url postgres://…]
 *
 * On PostgreSQL (`--url`, else BENCH_DATABASE_URL, else postgres://root@127.0.0.1:5432/postgres;
 * a scratch database of its own there, dropped afterwards): the demo province, an entry of the 12
 * ingest-benchmark columns whose live version holds N rows (default 1,000,000; one row loaded
 * through the API to make the version, then the table refilled by `COPY … FROM STDIN`), and grants
 * to 省市场监督管理局 naming `batch` over all 12 columns — one with its personal information masked
 * (6 masked columns), one releasing it in clear. Each case is an export through the real service
 * (`createExport`, then waiting until the job is ready: survey, `COPY` of the rendered lines,
 * canaries, the file, the ready transaction and its audit event), set beside the physical limit
 * measured right before it: `COPY (SELECT <the same 12 columns> FROM <table> ORDER BY <key>) TO
 * STDOUT (FORMAT csv)` written into a file, no masking, no formats, no canaries. Ratio = raw time /
 * export time (target ≥ 0.5). Also: node CPU of this process and CPU of the database backends of
 * the scratch database (from /proc, the server being on this machine) for each. Prints a table;
 * standalone, then one `BENCH_JSON {...}` line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { machineFacts, parseCommandLine, positiveInt, printMachine, reachable, round, scratchDatabase, table, type MachineFacts } from '../common.js';
import { BENCH_FIELDS, benchRow } from '../ingest/shape.js';
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
import { createExport, exportsSettled, getExport } from '../../src/modules/delivery/export.js';

const USAGE = 'usage: npm run bench:data-export -- [--rows N] [--rounds N] [--url postgres://…]';
const DEFAULT_URL = process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/postgres';
const CLOCK_TICKS = 100;

export interface ExportBenchOptions {
  /** Rows of the live version (default 1,000,000). */
  rows: number;
  /** Rounds of every case, raw COPY and export alternating (default 1). */
  rounds: number;
  /** The PostgreSQL server; the benchmark makes a database of its own there. */
  url: string;
}

export interface ExportBenchRow {
  case: string;
  format: 'csv' | 'ndjson';
  masked_columns: number;
  rows: number;
  /** Median seconds of the raw COPY measured before each export of the case. */
  raw_s: number;
  raw_rows_per_s: number;
  raw_mb_per_s: number;
  raw_mb: number;
  /** Median seconds from createExport until the export is ready. */
  export_s: number;
  export_rows_per_s: number;
  export_mb_per_s: number;
  export_mb: number;
  /** raw_s / export_s (median of the rounds' ratios); target ≥ 0.5. */
  ratio: number;
  canaries: number;
  raw_db_cpu_s: number | null;
  export_node_cpu_s: number;
  export_db_cpu_s: number | null;
}

export interface ExportBenchResult {
  bench: 'data-export';
  machine: MachineFacts;
  rows: number;
  rounds: number;
  server: string;
  results: ExportBenchRow[];
}

const ok = (res: { statusCode: number; body: string; json(): unknown }, status: number, what: string) => {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds so far of every backend of the database (from /proc), or null when unreadable. */
async function backendCpu(pool: pg.Pool): Promise<Map<number, number> | null> {
  const r = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const out = new Map<number, number>();
  for (const { pid } of r.rows) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / CLOCK_TICKS);
    } catch {
      return null;
    }
  }
  return out;
}

/** CPU used by the backends between two readings (a backend new since the first counts from zero). */
function cpuSpent(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let s = 0;
  for (const [pid, t] of after) s += t - (before.get(pid) ?? 0);
  return s;
}

/** scj asks for all 12 columns by batch exchange, its officer signs, gat approves: the grant id. */
async function batchGrant(scjClerk: Client, scjOfficer: Client, gatOfficer: Client, entryId: string): Promise<string> {
  const r = ok(
    await scjClerk.post('/api/v1/sharing/requests', {
      entryId,
      fields: BENCH_FIELDS.map((f) => f.name),
      basis: '《优化营商环境条例》第三十七条',
      scenario: '企业开办登记时核验经办人身份',
      scope: '省市场监督管理局登记注册处',
      method: 'batch',
      validUntil: '2099-12-31',
    }),
    201,
    'share request',
  ) as { id: string };
  const signed = ok(await scjOfficer.post(`/api/v1/sharing/requests/${r.id}/sign`), 200, 'sign') as { status: string; grantId: string | null };
  if (signed.status === 'approved' && signed.grantId) return signed.grantId;
  const decided = ok(await gatOfficer.post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'approve' }), 200, 'decide') as { grantId: string };
  return decided.grantId;
}

/** Rows `from`…`to - 1` of the ingest benchmark's CSV, as a stream. */
function csvRows(from: number, to: number): Readable {
  let i = from;
  return new Readable({
    read() {
      let chunk = '';
      while (i < to && chunk.length < 1 << 20) chunk += benchRow(i++);
      this.push(chunk === '' ? null : chunk);
    },
  });
}

/** The physical limit: the same columns of the same rows in key order, by COPY into a file. */
async function rawCopy(pool: pg.Pool, tableName: string, file: string): Promise<{ seconds: number; bytes: number; dbCpu: number | null }> {
  const client = await pool.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
    const cpu = () => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
      } catch {
        return null;
      }
    };
    const cols = BENCH_FIELDS.map((f) => quoteIdent(f.name)).join(', ');
    const c0 = cpu();
    const t0 = performance.now();
    await pipeline(client.query(copyTo(`COPY (SELECT ${cols} FROM datasets.${quoteIdent(tableName)} ORDER BY ${quoteIdent('id_number')}) TO STDOUT (FORMAT csv)`)), fs.createWriteStream(file));
    const seconds = (performance.now() - t0) / 1000;
    const c1 = cpu();
    return { seconds, bytes: fs.statSync(file).size, dbCpu: c0 === null || c1 === null ? null : c1 - c0 };
  } finally {
    client.release();
  }
}

/** Runs the benchmark; prints its table and returns its result. */
export async function runExportBench(opts: Partial<ExportBenchOptions> = {}): Promise<ExportBenchResult> {
  const o: ExportBenchOptions = { rows: opts.rows ?? 1_000_000, rounds: opts.rounds ?? 1, url: opts.url ?? DEFAULT_URL };
  const why = await reachable(o.url);
  if (why) throw new Error(`PostgreSQL at ${o.url.replace(/\/\/[^@]*@/, '//…@')} not reachable: ${why}`);
  const machine = machineFacts();
  printMachine('Gongshu batch export benchmark', machine);
  const scratch = await scratchDatabase(o.url);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-export-bench-'));
  const url = scratch.url.toString();
  const db = await openPostgres(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const config = loadConfig(
      { NODE_ENV: 'test', GONGSHU_ADMIN_PASSWORD: 'Admin-pass-2026', GONGSHU_DEMO_PASSWORD: 'Gongshu@2026' },
      { databaseUrl: url, dataDir, loginRateLimitPerMinute: 100_000 },
    );
    const k = await bootKernel(config, { db, clock: systemClock, keys: ephemeralKeys() });
    await seedDemo(k);
    const app = await buildApp(k, { webDir: null, logger: false });
    await app.ready();

    // The entry and its live version: one row through the API, then the table refilled by COPY.
    const t0 = performance.now();
    const gatClerk = await loginAs(app, 'gat_clerk');
    const entryId = await makePublishedEntry(k, '海南省公安厅', BENCH_FIELDS, '导出基准测试数据', { provisionMethods: ['batch', 'file'] });
    const load = ok(
      await app.inject({
        method: 'POST',
        url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
        headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
        payload: `${BENCH_FIELDS.map((f) => f.name).join(',')}\n${benchRow(0)}`,
      }),
      201,
      'load',
    ) as { rowsAccepted: number };
    if (load.rowsAccepted !== 1) throw new Error(`load accepted ${load.rowsAccepted} rows`);
    const live = await deliveryRepo.liveSource(k.db.kysely, entryId);
    if (!live) throw new Error('no live version');
    const target = `datasets.${quoteIdent(live.table_name)}`;
    {
      const client = await pool.connect();
      try {
        await client.query(`TRUNCATE ${target}`);
        await pipeline(csvRows(0, o.rows), client.query(copyFrom(`COPY ${target} (${BENCH_FIELDS.map((f) => quoteIdent(f.name)).join(', ')}) FROM STDIN (FORMAT csv)`)));
        await client.query(`VACUUM ANALYZE ${target}`);
      } finally {
        client.release();
      }
    }
    const n = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(target)}`.execute(k.db.kysely)).rows[0]?.n);
    if (n !== o.rows) throw new Error(`the live version holds ${n} rows, expected ${o.rows}`);
    console.log(`seeded ${o.rows.toLocaleString('en-US')} rows × ${BENCH_FIELDS.length} columns in ${((performance.now() - t0) / 1000).toFixed(1)} s (scratch database ${scratch.name})\n`);

    const [scjClerk, scjOfficer, gatOfficer] = [await loginAs(app, 'scj_clerk'), await loginAs(app, 'scj_officer'), await loginAs(app, 'gat_officer')];
    const masked = await batchGrant(scjClerk, scjOfficer, gatOfficer, entryId);
    const clear = await batchGrant(scjClerk, scjOfficer, gatOfficer, entryId);
    const pii = BENCH_FIELDS.filter((f) => f.piiKind).map((f) => f.name);
    await sql`UPDATE grants SET clear_fields = ${pii} WHERE id = ${clear}`.execute(k.db.kysely);
    const auth = await authOf(k, 'scj_clerk');
    const cases = [
      { name: 'CSV, personal information masked', format: 'csv' as const, grantId: masked, masked: pii.length },
      { name: 'NDJSON, personal information masked', format: 'ndjson' as const, grantId: masked, masked: pii.length },
      { name: 'CSV, all in clear', format: 'csv' as const, grantId: clear, masked: 0 },
    ];
    const rawFile = path.join(dataDir, 'raw.csv');
    // Warm the cache: the first read of the table is not what either side pays.
    await rawCopy(pool, live.table_name, rawFile);

    const samples = new Map<string, Array<{ raw: Awaited<ReturnType<typeof rawCopy>>; s: number; bytes: number; canaries: number; nodeCpu: number; dbCpu: number | null }>>();
    for (let round = 0; round < o.rounds; round++) {
      for (const c of cases) {
        const raw = await rawCopy(pool, live.table_name, rawFile);
        const cpu0 = ownCpu();
        const db0 = await backendCpu(pool);
        const e0 = performance.now();
        const made = await createExport(k, auth, { grantId: c.grantId, format: c.format });
        await exportsSettled();
        const s = (performance.now() - e0) / 1000;
        const db1 = await backendCpu(pool);
        const nodeCpu = ownCpu() - cpu0;
        const x = await getExport(k, auth, made.id);
        if (x.status !== 'ready') throw new Error(`export ${x.id} ${x.status}: ${x.error ?? ''}`);
        if (x.rows !== o.rows) throw new Error(`export wrote ${x.rows} rows, expected ${o.rows}`);
        const file = path.join(dataDir, 'exports', `${x.id}.${c.format}`);
        const bytes = fs.statSync(file).size;
        if (bytes !== x.bytes) throw new Error(`export file has ${bytes} bytes, the export says ${x.bytes}`);
        const canaries = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM delivery_export_canaries WHERE export_id = ${x.id}`.execute(k.db.kysely)).rows[0]?.n);
        fs.rmSync(file);
        const list = samples.get(c.name) ?? [];
        list.push({ raw, s, bytes, canaries, nodeCpu, dbCpu: cpuSpent(db0, db1) });
        samples.set(c.name, list);
      }
    }
    await app.close();

    const mbOf = (b: number) => b / 1024 / 1024;
    const results: ExportBenchRow[] = cases.map((c) => {
      const l = samples.get(c.name) ?? [];
      const rawS = median(l.map((x) => x.raw.seconds));
      const expS = median(l.map((x) => x.s));
      const rawBytes = median(l.map((x) => x.raw.bytes));
      const expBytes = median(l.map((x) => x.bytes));
      const rawCpu = l.map((x) => x.raw.dbCpu).filter((x): x is number => x !== null);
      const dbCpu = l.map((x) => x.dbCpu).filter((x): x is number => x !== null);
      return {
        case: c.name,
        format: c.format,
        masked_columns: c.masked,
        rows: o.rows,
        raw_s: round(rawS, 3),
        raw_rows_per_s: Math.round(o.rows / rawS),
        raw_mb_per_s: round(mbOf(rawBytes) / rawS, 1),
        raw_mb: round(mbOf(rawBytes), 1),
        export_s: round(expS, 3),
        export_rows_per_s: Math.round(o.rows / expS),
        export_mb_per_s: round(mbOf(expBytes) / expS, 1),
        export_mb: round(mbOf(expBytes), 1),
        ratio: round(median(l.map((x) => x.raw.seconds / x.s)), 3),
        canaries: median(l.map((x) => x.canaries)),
        raw_db_cpu_s: rawCpu.length ? round(median(rawCpu), 2) : null,
        export_node_cpu_s: round(median(l.map((x) => x.nodeCpu)), 2),
        export_db_cpu_s: dbCpu.length ? round(median(dbCpu), 2) : null,
      };
    });
    machine.load_avg_end = os.loadavg().map((x) => round(x, 2));
    const s = (x: number | null) => (x === null ? '–' : x.toFixed(2));
    console.log(
      table(
        ['export case', 'rows', 'raw COPY rows/s', 'raw MB/s', 'export rows/s', 'export MB/s', 'ratio (≥0.5)', 'raw db CPU s', 'export node / db CPU s'],
        results.map((r) => [
          r.case,
          r.rows,
          r.raw_rows_per_s,
          r.raw_mb_per_s.toFixed(1),
          r.export_rows_per_s,
          r.export_mb_per_s.toFixed(1),
          r.ratio.toFixed(3),
          s(r.raw_db_cpu_s),
          `${s(r.export_node_cpu_s)} / ${s(r.export_db_cpu_s)}`,
        ]),
      ),
    );
    console.log(`(raw COPY: ${results[0]?.raw_mb ?? 0} MB of CSV; files: ${results.map((r) => `${r.export_mb} MB`).join(', ')}; load average at end ${machine.load_avg_end.join(' ')})`);
    return { bench: 'data-export', machine, rows: o.rows, rounds: o.rounds, server: o.url.replace(/\/\/[^@]*@/, '//…@'), results };
  } finally {
    await exportsSettled();
    await pool.end().catch(() => undefined);
    await db.close().catch(() => undefined);
    await scratch.drop().catch((err: Error) => console.error(`could not drop ${scratch.name}: ${err.message}`));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { common, values } = parseCommandLine(process.argv.slice(2), { rows: { type: 'string' }, rounds: { type: 'string' } }, USAGE);
  const url = common.urlExplicit ? common.url : DEFAULT_URL;
  const result = await runExportBench({ rows: positiveInt('rows', values.rows, 1_000_000), rounds: positiveInt('rounds', values.rounds, 1), url });
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
