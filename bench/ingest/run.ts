/**
 * Ingest benchmark (issue 4, "Tests and benchmark").
 *
 *   npm run bench:ingest -- [--rows N] [--db pglite|postgres|both] [--url postgres://…] [--cpu-prof DIR]
 *
 * Generates a CSV of N rows (default 1,000,000) and 12 columns — valid resident ID numbers and
 * credit codes among them — into a temporary file, then, against a server in a child process
 * listening on a random port: the raw `COPY` of the same file into a table of the same shape (the
 * physical limit), and the same file streamed through `POST /api/v1/catalog/entries/{id}/loads`
 * (parse, validate every value, COPY into staging, commit as the live version, quality scores,
 * audit). Reports rows/s of both, their ratio (target ≥ 0.5 on PostgreSQL) and the server's peak
 * RSS during the load (target < 400 MB); then where the time went — the load's wall time split at
 * the end of its COPY (stream, then commit) and the CPU seconds of the server process and of the
 * PostgreSQL backends, which hold when the machine is shared. Prints the tables, then one
 * `BENCH_JSON {...}` line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseDatabases, fmt, machineFacts, parseCommandLine, positiveInt, printMachine } from '../common.js';
import { BENCH_HEADER, benchRow } from './shape.js';

const USAGE = 'usage: npm run bench:ingest -- [--rows N] [--db pglite|postgres|both] [--url postgres://…] [--cpu-prof DIR]';

function options(argv: string[]) {
  const { common, values } = parseCommandLine(argv, { rows: { type: 'string' }, 'cpu-prof': { type: 'string' } }, USAGE);
  return {
    ...common,
    // PostgreSQL alone unless asked: the target is PostgreSQL's.
    db: argv.some((a) => a === '--db' || a.startsWith('--db=')) ? common.db : ('postgres' as const),
    rows: positiveInt('rows', values.rows, 1_000_000),
    /** Directory for a CPU profile of the server process during the load, or null. */
    cpuProf: typeof values['cpu-prof'] === 'string' ? path.resolve(values['cpu-prof']) : null,
  };
}
type Options = ReturnType<typeof options>;

const mb = (b: number) => Math.round(b / 1024 / 1024);

async function generate(file: string, rows: number): Promise<number> {
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  out.write(BENCH_HEADER);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += benchRow(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once('finish', () => r()));
  return fs.statSync(file).size;
}

interface Ready {
  address: string;
  entryId: string;
  cookie: string;
  csrf: string;
  db: string;
}

function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; ready: Ready; ask: <T>(m: object, type: string) => Promise<T> }> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'server.ts'), [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters: Array<{ type: string; resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
  let readyResolve: (r: Ready) => void = () => undefined;
  let readyReject: (e: Error) => void = () => undefined;
  const ready = new Promise<Ready>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  child.on('message', (raw) => {
    const m = raw as { type: string; message?: string } & Record<string, unknown>;
    if (m.type === 'ready') return readyResolve(m as unknown as Ready);
    if (m.type === 'error') {
      const err = new Error(m.message);
      readyReject(err);
      waiters.shift()?.reject(err);
      return;
    }
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(m);
  });
  child.on('exit', (code) => readyReject(new Error(`benchmark server exited (${code})`)));
  const ask = <T>(m: object, type: string) =>
    new Promise<T>((resolve, reject) => {
      waiters.push({ type, resolve: resolve as (v: unknown) => void, reject });
      child.send(m);
    });
  return ready.then((r) => ({ child, ready: r, ask }));
}

function upload(r: Ready, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/api/v1/catalog/entries/${r.entryId}/loads?mode=replace`, r.address);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/csv', cookie: r.cookie, 'x-csrf-token': r.csrf } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    fs.createReadStream(file, { highWaterMark: 1 << 16 }).pipe(req);
  });
}

interface Result {
  db: string;
  rows: number;
  raw_copy_s: number;
  raw_rows_per_s: number;
  api_s: number;
  api_rows_per_s: number;
  /** Of the API time: reading, validating and COPY of the rows (to the end of the COPY; null on PGlite). */
  api_stream_s: number | null;
  /** Of the API time: the rest — key index, quality scores, audit, commit, the report. */
  api_commit_s: number | null;
  ratio: number;
  /** CPU seconds of the PostgreSQL backends during the raw COPY (null when not measurable). */
  raw_db_cpu_s: number | null;
  /** CPU seconds of the server process (all threads) during the API load. */
  api_node_cpu_s: number;
  /** CPU seconds of the PostgreSQL backends during the API load. */
  api_db_cpu_s: number | null;
  server_peak_rss_mb: number;
  server_rss_before_mb: number;
}

async function runOne(kind: 'pglite' | 'postgres', o: Options, file: string): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  delete env.TEST_DATABASE_URL;
  if (kind === 'postgres') env.TEST_DATABASE_URL = o.url;
  const { child, ready, ask } = await startServer(env);
  try {
    const raw = await ask<{ seconds: number; nodeCpu: number; dbCpu: number | null }>({ type: 'raw', file, table: 'bench_raw' }, 'raw');
    const before = await ask<{ rss: number }>({ type: 'peak' }, 'peak');
    if (o.cpuProf) await ask({ type: 'prof-start' }, 'ok');
    await ask({ type: 'peak-reset' }, 'ok');
    const started = Date.now();
    const t0 = performance.now();
    const res = await upload(ready, file);
    const apiS = (performance.now() - t0) / 1000;
    if (o.cpuProf) {
      fs.mkdirSync(o.cpuProf, { recursive: true });
      const out = path.join(o.cpuProf, `load-${kind}-${o.rows}.cpuprofile`);
      await ask({ type: 'prof-stop', file: out }, 'ok');
      console.log(`CPU profile of the server during the load: ${out}`);
    }
    if (res.status !== 201) throw new Error(`load failed: ${res.status} ${res.body.slice(0, 500)}`);
    const report = JSON.parse(res.body) as { rowsAccepted: number; rowsRejected: number };
    if (report.rowsAccepted !== o.rows || report.rowsRejected !== 0) throw new Error(`load accepted ${report.rowsAccepted} of ${o.rows} rows, rejected ${report.rowsRejected}`);
    const peak = await ask<{ rss: number; copyEnd: number; nodeCpu: number; dbCpu: number | null }>({ type: 'peak' }, 'peak');
    // PostgreSQL: the load's own COPY was watched; before its end the rows streamed, after it the commit ran.
    const streamS = peak.copyEnd > 0 ? Math.min(apiS, (peak.copyEnd - started) / 1000) : null;
    const count = await ask<{ rows: number }>({ type: 'count', entryId: ready.entryId }, 'count');
    if (count.rows !== o.rows) throw new Error(`live version has ${count.rows} rows, expected ${o.rows}`);
    return {
      db: kind,
      rows: o.rows,
      raw_copy_s: Number(raw.seconds.toFixed(3)),
      raw_rows_per_s: Math.round(o.rows / raw.seconds),
      api_s: Number(apiS.toFixed(3)),
      api_rows_per_s: Math.round(o.rows / apiS),
      api_stream_s: streamS === null ? null : Number(streamS.toFixed(2)),
      api_commit_s: streamS === null ? null : Number((apiS - streamS).toFixed(2)),
      ratio: Number((raw.seconds / apiS).toFixed(3)),
      raw_db_cpu_s: raw.dbCpu === null ? null : Number(raw.dbCpu.toFixed(2)),
      api_node_cpu_s: Number(peak.nodeCpu.toFixed(2)),
      api_db_cpu_s: peak.dbCpu === null ? null : Number(peak.dbCpu.toFixed(2)),
      server_peak_rss_mb: mb(peak.rss),
      server_rss_before_mb: mb(before.rss),
    };
  } finally {
    await ask({ type: 'close' }, 'closed').catch(() => undefined);
    child.kill();
  }
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const chosen = await chooseDatabases(o).catch((err: Error) => {
    // PostgreSQL alone was asked for (the default) and cannot be reached: measure PGlite instead, saying so.
    console.error(`${err.message} — PostgreSQL skipped`);
    return { kinds: ['pglite' as const], skipped: { postgres: err.message } };
  });
  const kinds = chosen.kinds.length > 0 ? chosen.kinds : ['pglite' as const];
  const machine = machineFacts();
  printMachine('Gongshu ingest benchmark', machine);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-ingest-')), 'bench.csv');
  const g0 = performance.now();
  const bytes = await generate(file, o.rows);
  console.log(`generated ${fmt(o.rows)} rows × 12 columns, ${mb(bytes)} MB in ${((performance.now() - g0) / 1000).toFixed(1)} s: ${file}\n`);
  const results: Result[] = [];
  try {
    for (const kind of kinds) {
      const r = await runOne(kind, o, file);
      results.push(r);
    }
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  console.log('db        rows        raw COPY rows/s   API load rows/s   ratio (≥0.5)   server peak RSS (<400 MB)');
  for (const r of results) {
    console.log(
      `${r.db.padEnd(9)} ${fmt(r.rows).padStart(10)}  ${fmt(r.raw_rows_per_s).padStart(16)}  ${fmt(r.api_rows_per_s).padStart(16)}   ${r.ratio.toFixed(3).padStart(11)}   ${String(r.server_peak_rss_mb).padStart(8)} MB (before ${r.server_rss_before_mb} MB)`,
    );
  }
  const s = (x: number | null) => (x === null ? '–' : `${x.toFixed(2)} s`);
  console.log('\nwhere the time goes    raw COPY: wall / db CPU      API: wall = stream + commit      API CPU: node / db');
  for (const r of results) {
    console.log(
      `${r.db.padEnd(22)} ${s(r.raw_copy_s).padStart(9)} / ${s(r.raw_db_cpu_s).padEnd(9)}   ${s(r.api_s).padStart(9)} = ${s(r.api_stream_s)} + ${s(r.api_commit_s)}   ${s(r.api_node_cpu_s).padStart(9)} / ${s(r.api_db_cpu_s)}`,
    );
  }
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'ingest', machine, rows: o.rows, columns: 12, file_mb: mb(bytes), skipped: chosen.skipped, results })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
