/**
 * What every benchmark shares: its command line (node's `util.parseArgs`), the choice of
 * databases (PostgreSQL skipped with a note when it cannot be reached, unless asked for), a
 * database of its own on the server (dropped afterwards), the machine's facts, and the table.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pg from 'pg';

export type DbKind = 'pglite' | 'postgres';
export type DbChoice = DbKind | 'both';

export const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
export const fmt = (n: number) => n.toLocaleString('en-US');

export const DEFAULT_SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';

/** The options every benchmark takes: `--db`, `--url`, `--help`. */
export interface CommonOptions {
  db: DbChoice;
  url: string;
  /** The URL was given (flag or BENCH_DATABASE_URL): an unreachable server is then an error. */
  urlExplicit: boolean;
}

/**
 * Parses the command line: the common options plus the benchmark's own, given as
 * `util.parseArgs` options (all strings or booleans). Prints `usage` and exits on `--help`.
 */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  own: O,
  usage: string,
): { common: CommonOptions; values: Record<keyof O, string | boolean | undefined> } {
  const { values: parsed } = parseArgs({
    args: argv,
    options: { ...own, db: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  const values = parsed as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const db = values.db ?? 'both';
  if (db !== 'pglite' && db !== 'postgres' && db !== 'both') throw new Error(`--db must be pglite, postgres or both, got "${db}"`);
  const url = typeof values.url === 'string' ? values.url : undefined;
  return {
    common: { db, url: url ?? DEFAULT_SERVER_URL, urlExplicit: Boolean(url || process.env.BENCH_DATABASE_URL) },
    values: values as Record<keyof O, string | boolean | undefined>,
  };
}

/** A positive whole number from a flag's value (`1_000_000` and `1,000,000` read as 1000000), or the default. */
export function positiveInt(flag: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(String(v).replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} needs a positive whole number, got "${v}"`);
  return n;
}

/** Null when a connection to `url` opens, else why not. */
export async function reachable(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return null;
  } catch (err) {
    await c.end().catch(() => undefined);
    return (err as Error).message;
  }
}

/**
 * The databases to measure, PostgreSQL first. An unreachable server is skipped with a note (in
 * `skipped`) unless PostgreSQL alone or a URL was asked for, then it is an error.
 */
export async function chooseDatabases(o: CommonOptions): Promise<{ kinds: DbKind[]; skipped: Record<string, string> }> {
  const kinds: DbKind[] = o.db === 'both' ? ['postgres', 'pglite'] : [o.db];
  const skipped: Record<string, string> = {};
  if (kinds.includes('postgres')) {
    const why = await reachable(o.url);
    if (why) {
      const msg = `PostgreSQL at ${o.url.replace(/\/\/[^@]*@/, '//…@')} not reachable: ${why}`;
      if (o.db === 'postgres' || o.urlExplicit) throw new Error(msg);
      console.error(`${msg} — PostgreSQL skipped`);
      skipped.postgres = msg;
      kinds.splice(kinds.indexOf('postgres'), 1);
    }
  }
  return { kinds, skipped };
}

/** A fresh database on the server at `serverUrl`: its URL and a `drop` that removes it (ending open connections). */
export async function scratchDatabase(serverUrl: string): Promise<{ name: string; url: URL; drop(): Promise<void> }> {
  const name = `gongshu_bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The installed PGlite's version, for the report. */
export function pgliteVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export interface MachineFacts {
  node: string;
  platform: string;
  cpu_model: string;
  cores: number;
  memory_gb: number;
  openssl: string;
  load_avg_start: number[];
  load_avg_end: number[];
}

/** The machine, with its load average now: other work on it skews every number (ratios from the same rounds least). */
export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu_model: cpus[0]?.model.trim() ?? '?',
    cores: cpus.length,
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    openssl: process.versions.openssl,
    load_avg_start: os.loadavg().map((x) => round(x, 2)),
    load_avg_end: [],
  };
}

/** Prints the benchmark's heading: the machine and its load. */
export function printMachine(title: string, m: MachineFacts): void {
  console.log(`${title} — node ${m.node}, ${m.cpu_model}, ${m.cores} cores, ${m.memory_gb} GiB, ${m.platform}`);
  console.log(`load average at start: ${m.load_avg_start.join(' ')} (1/5/15 min) — other work on this machine skews the numbers`);
}

/** A plain-text table: first and last columns left-aligned, the others right-aligned; numbers with thousands separators. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) =>
    r.map((c, i) => (i === 0 || i === r.length - 1 ? String(c).padEnd(widths[i] as number) : String(c).padStart(widths[i] as number))).join('  ');
  return [line(cells[0] as (string | number)[]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
