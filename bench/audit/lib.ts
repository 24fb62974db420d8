/** Shared pieces of the audit benchmark: databases, the two write paths, the chain builder, the walks. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Kysely, sql, type Insertable, type Transaction } from 'kysely';
import { loadConfig } from '../../src/kernel/config.js';
import { systemClock } from '../../src/kernel/clock.js';
import { sm3 } from '../../src/kernel/crypto.js';
import { openPglite, openPostgres, type Db } from '../../src/kernel/db.js';
import { bootKernel } from '../../src/kernel/boot.js';
import type { Actor, Kernel } from '../../src/kernel/context.js';
import type { Database } from '../../src/database.js';
import type { AuditEventsTable } from '../../src/kernel/tables.js';
import { audit, canonicalJson, eventHash, EVENT_COLUMNS, GENESIS_HASH, type FetchedEvent } from '../../src/kernel/audit.js';
import { pgliteVersion, round, scratchDatabase } from '../common.js';

/**
 * Verification is measured as `gongshu audit verify` runs it: the compiled kernel in dist/ (built
 * by `npm run bench` first), whose worker threads start as plain JavaScript.
 */
const compiled = (await import(new URL('../../dist/kernel/audit.js', import.meta.url).href)) as typeof import('../../src/kernel/audit.js');
const { verifyChain, verifyOptionsFor } = compiled;

export { round } from '../common.js';

// ---------------------------------------------------------------------------------------------
// Database set-up

interface BenchItemsTable {
  id: string;
  org_id: string;
  name: string;
  attrs: string | Record<string, unknown>;
  created_at: Date;
}
export interface BenchDb extends Database {
  bench_items: BenchItemsTable;
  bench_plain_events: AuditEventsTable;
}
export const bench = (x: Kysely<Database> | Transaction<Database>) => x as unknown as Kysely<BenchDb>;

const BENCH_DDL = `
CREATE TABLE bench_items (
  id         uuid PRIMARY KEY,
  org_id     uuid NOT NULL,
  name       text NOT NULL,
  attrs      jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX bench_items_org_idx ON bench_items (org_id);
-- The same row as an audit event, same columns and indexes, no chain, no head, no trigger.
CREATE TABLE bench_plain_events (LIKE audit_events INCLUDING ALL);
`;

export interface Env {
  kind: 'pglite' | 'postgres';
  k: Kernel;
  serverFacts: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Keys go in through config as PEM/hex, exactly as in production (`loadKeys`). Not
 * `ephemeralKeys()`: a key pair made in-process signs checkpoints with a scheme that the
 * PEM-imported public key verifyChain uses does not accept, so every checkpoint would fail.
 */
const benchConfig = () => {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' });
  return loadConfig(
    {
      NODE_ENV: 'test',
      GONGSHU_ADMIN_PASSWORD: 'Bench-pass-2026',
      GONGSHU_SM4_KEY: crypto.randomBytes(16).toString('hex'),
      GONGSHU_HMAC_KEY: crypto.randomBytes(16).toString('hex'),
      GONGSHU_SM2_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    { pgliteMode: 'memory', dataDir: '/nonexistent-gongshu-bench' },
  );
};

async function boot(db: Db): Promise<Kernel> {
  const k = await bootKernel(benchConfig(), { db, clock: systemClock });
  await db.execScript(BENCH_DDL);
  return k;
}

export async function openEnv(kind: 'pglite' | 'postgres', serverUrl: string): Promise<Env> {
  if (kind === 'pglite') {
    const db = await openPglite(undefined);
    const k = await boot(db);
    const v = await sql<{ v: string }>`SELECT version() AS v`.execute(db.kysely);
    return {
      kind,
      k,
      serverFacts: { server: `PGlite ${pgliteVersion()} (${v.rows[0]?.v.split(' on ')[0] ?? '?'}), in memory` },
      close: () => db.close(),
    };
  }
  const { name, url, drop } = await scratchDatabase(serverUrl);
  try {
    // The pool size the platform uses (openDb's default of 10): enough for 8 concurrent writers.
    const db = await openPostgres(url.toString());
    // DROP DATABASE … WITH (FORCE) at the end ends any connection still open: not an error here.
    db.pool?.on('error', () => undefined);
    const k = await boot(db);
    const facts: Record<string, string> = {};
    for (const s of ['server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'commit_delay']) {
      const r = await sql<{ v: string }>`SELECT current_setting(${s}) AS v`.execute(db.kysely);
      facts[s] = r.rows[0]?.v ?? '?';
    }
    facts.server = `PostgreSQL ${facts.server_version} at ${url.host} (database ${name}, dropped afterwards)`;
    return {
      kind,
      k,
      serverFacts: facts,
      async close() {
        await db.close();
        await drop();
      },
    };
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Writes

export const ACTOR: Actor = { userId: crypto.randomUUID(), orgId: crypto.randomUUID() };
export const ORG_IDS = Array.from({ length: 50 }, () => crypto.randomUUID());
const PLAIN_HASH = 'f'.repeat(64);

/** A business row and the audit input describing it (the shape of `org.create`). */
export function makeCase(i: number) {
  const id = crypto.randomUUID();
  const orgId = ORG_IDS[i % ORG_IDS.length]!;
  const name = `海南省数据资源目录条目 ${i}`;
  const attrs = { uscc: `91460000MA5T${String(i).padStart(6, '0')}`, regionCode: '460100', roles: ['provider', 'consumer'], level: i % 4 };
  return {
    item: { id, org_id: orgId, name, attrs: JSON.stringify(attrs), created_at: new Date() },
    input: { action: 'catalog.item_create', objectType: 'catalog_item', objectId: id, details: { name, orgId, ...attrs } },
  };
}

export type Mode = 'audited' | 'baseline';

interface WriteStats {
  n: number;
  ms: number;
  lat: number[];
}

/** The use case: business INSERT + `audit()`, in one transaction, as every service does it. */
export async function auditedTx(k: Kernel, i: number, auditFn: AuditFn = audit) {
  const c = makeCase(i);
  await k.db.kysely.transaction().execute(async (trx) => {
    await bench(trx).insertInto('bench_items').values(c.item).execute();
    await auditFn(k, trx, ACTOR, c.input);
  });
}

let plainSeq = 0;
/** The baseline: the same business INSERT + a plain INSERT of the same event row, unchained. */
export async function baselineTx(k: Kernel, i: number) {
  const c = makeCase(i);
  const seq = ++plainSeq;
  await k.db.kysely.transaction().execute(async (trx) => {
    await bench(trx).insertInto('bench_items').values(c.item).execute();
    await bench(trx)
      .insertInto('bench_plain_events')
      .values({
        seq,
        at: new Date(),
        actor_user_id: ACTOR.userId,
        actor_org_id: ACTOR.orgId,
        action: c.input.action,
        object_type: c.input.objectType,
        object_id: c.input.objectId,
        purpose: null,
        grant_id: null,
        details: JSON.stringify(c.input.details),
        prev_hash: PLAIN_HASH,
        hash: PLAIN_HASH,
      })
      .execute();
  });
}

/** One audited use case: what `audit()` is measured through. */
export type AuditFn = (k: Kernel, trx: Transaction<Database>, actor: Actor, input: ReturnType<typeof makeCase>['input']) => Promise<unknown>;

let caseNo = 0;
async function runWrites(k: Kernel, mode: Mode, count: number, concurrency: number, stats: WriteStats, auditFn: AuditFn) {
  const fn = mode === 'audited' ? (kk: Kernel, i: number) => auditedTx(kk, i, auditFn) : baselineTx;
  let left = count;
  const t0 = performance.now();
  const worker = async () => {
    while (left > 0) {
      left--;
      const s = performance.now();
      await fn(k, ++caseNo);
      stats.lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  stats.ms += performance.now() - t0;
  stats.n += count;
}

export interface WriteResult {
  concurrency: number;
  events: number;
  audited_tx_s: number;
  baseline_tx_s: number;
  ratio: number;
  audited_p50_ms: number;
  audited_p99_ms: number;
  baseline_p50_ms: number;
  baseline_p99_ms: number;
  target: number;
  pass: boolean;
}

export const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export async function benchWrites(k: Kernel, events: number, concurrency: number, rounds: number, auditFn: AuditFn = audit): Promise<WriteResult> {
  // Warm-up: connections, plans, caches. Not counted.
  const warm: WriteStats = { n: 0, ms: 0, lat: [] };
  const w = Math.min(500, Math.max(50, Math.floor(events / 20)));
  await runWrites(k, 'baseline', w, concurrency, warm, auditFn);
  await runWrites(k, 'audited', w, concurrency, warm, auditFn);

  const a: WriteStats = { n: 0, ms: 0, lat: [] };
  const b: WriteStats = { n: 0, ms: 0, lat: [] };
  const per = Math.ceil(events / rounds);
  for (let r = 0; r < rounds; r++) {
    const n = Math.min(per, events - r * per);
    if (n <= 0) break;
    // Alternate the order so that drift (autovacuum, checkpoints, caches) hits both alike.
    if (r % 2 === 0) {
      await runWrites(k, 'baseline', n, concurrency, b, auditFn);
      await runWrites(k, 'audited', n, concurrency, a, auditFn);
    } else {
      await runWrites(k, 'audited', n, concurrency, a, auditFn);
      await runWrites(k, 'baseline', n, concurrency, b, auditFn);
    }
  }
  const at = (a.n / a.ms) * 1000;
  const bt = (b.n / b.ms) * 1000;
  return {
    concurrency,
    events,
    audited_tx_s: Math.round(at),
    baseline_tx_s: Math.round(bt),
    ratio: round(at / bt, 3),
    audited_p50_ms: round(pct(a.lat, 50), 3),
    audited_p99_ms: round(pct(a.lat, 99), 3),
    baseline_p50_ms: round(pct(b.lat, 50), 3),
    baseline_p99_ms: round(pct(b.lat, 99), 3),
    target: 0.5,
    pass: at / bt >= 0.5,
  };
}

// ---------------------------------------------------------------------------------------------
// Chain for verification

const ACTIONS = ['catalog.item_create', 'share.request', 'share.approve', 'open.download', 'auth.login', 'user.update'];

/**
 * Extends the chain to `target` events the fast way: hashes computed with `eventHash` exactly as
 * `audit()` does, rows bulk-inserted, head moved and SM2 checkpoints written every
 * `auditCheckpointEvery` events. `verifyChain` passing afterwards proves the rows are genuine.
 */
export async function extendChain(k: Kernel, target: number): Promise<{ added: number; ms: number }> {
  const t0 = performance.now();
  const every = k.config.auditCheckpointEvery;
  let added = 0;
  await k.db.kysely.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    let prev = head.hash;
    const base = Date.now() - (target - seq) * 5;
    const BATCH = 1000;
    while (seq < target) {
      const rows: Insertable<AuditEventsTable>[] = [];
      const cps: { seq: number; hash: string; at: Date }[] = [];
      for (let j = 0; j < BATCH && seq < target; j++) {
        seq++;
        const e = {
          seq,
          at: new Date(base + seq * 5),
          actor_user_id: ACTOR.userId,
          actor_org_id: ORG_IDS[seq % ORG_IDS.length]!,
          action: ACTIONS[seq % ACTIONS.length]!,
          object_type: 'catalog_item',
          object_id: crypto.randomUUID(),
          purpose: seq % 3 === 0 ? '政务服务办理' : null,
          grant_id: seq % 7 === 0 ? `G-${seq}` : null,
          details: { name: `海南省数据资源目录条目 ${seq}`, uscc: `91460000MA5T${String(seq).padStart(6, '0')}`, regionCode: '460100', roles: ['provider', 'consumer'], level: seq % 4 },
        };
        const hash = eventHash(prev, e);
        rows.push({ ...e, details: JSON.stringify(e.details), prev_hash: prev, hash });
        if (seq % every === 0) cps.push({ seq, hash, at: e.at });
        prev = hash;
      }
      await trx.insertInto('audit_events').values(rows).execute();
      for (const c of cps) {
        await trx
          .insertInto('audit_checkpoints')
          .values({
            seq: c.seq,
            hash: c.hash,
            at: c.at,
            key_id: k.crypto.keys.sm2KeyId,
            public_key: k.crypto.publicKeyPem(),
            // Same payload as audit.ts's checkpointPayload (not exported).
            signature: k.crypto.sign(`gongshu-audit-checkpoint:v1:${c.seq}:${c.hash}:${c.at.toISOString()}`),
          })
          .execute();
      }
      added += rows.length;
    }
    await trx.updateTable('audit_head').set({ seq, hash: prev }).execute();
  });
  if (k.db.kind === 'postgres') await sql`VACUUM ANALYZE audit_events`.execute(k.db.kysely);
  return { added, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------
// Verification

/** The read limit: verifyChain's query, batches and driver, without any hashing. */
export async function readAll(k: Kernel, keep: FetchedEvent[] | null, batch = 10_000): Promise<number> {
  let expected = 1;
  let n = 0;
  for (;;) {
    const rows = await sql<FetchedEvent>`SELECT ${sql.raw(EVENT_COLUMNS)} FROM audit_events WHERE seq >= ${expected} ORDER BY seq LIMIT ${batch}`.execute(k.db.kysely);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      expected = Number(r.seq) + 1;
      n++;
      if (keep) keep.push(r);
    }
  }
  return n;
}

/** The body verifyChain hashes for one stored row (eventHash's canonical form). */
const bodyOf = (r: FetchedEvent) =>
  canonicalJson([Number(r.seq), new Date(r.at).toISOString(), r.actor_user_id, r.actor_org_id, r.action, r.object_type, r.object_id, r.purpose, r.grant_id, r.details]);

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// CPU accounting. On a shared machine wall time includes waiting for a core; CPU time does not.
// Client: this process (all its threads, GC included). Server: the PostgreSQL backends serving this
// database, from /proc/<pid>/stat — only when the server runs on this machine and /proc is readable.

const CLK_TCK = 100; // Linux USER_HZ
function procCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime + stime
  } catch {
    return null;
  }
}

async function serverCpu(k: Kernel): Promise<Map<number, number> | null> {
  if (k.db.kind !== 'postgres') return null;
  const pids = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(k.db.kysely);
  const m = new Map<number, number>();
  for (const { pid } of pids.rows) {
    const c = procCpuMs(Number(pid));
    if (c === null) return null;
    m.set(Number(pid), c);
  }
  return m;
}

export interface Measured<T> {
  value: T;
  ms: number;
  clientCpuMs: number;
  serverCpuMs: number | null;
}

/** Wall time, this process's CPU time and the database backends' CPU time of one pass. */
export async function measure<T>(k: Kernel, f: () => Promise<T> | T): Promise<Measured<T>> {
  const s0 = await serverCpu(k);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const s1 = await serverCpu(k);
  let serverCpuMs: number | null = null;
  if (s0 && s1) {
    serverCpuMs = 0;
    for (const [pid, v] of s1) serverCpuMs += v - (s0.get(pid) ?? 0);
  }
  return { value, ms, clientCpuMs: (c.user + c.system) / 1000, serverCpuMs };
}

export interface StageResult {
  /** Median over the repetitions. */
  events_s: number;
  /** Fastest repetition: closest to what the code does on an idle machine. */
  best_events_s: number;
  client_cpu_us_per_event: number;
  server_cpu_us_per_event: number | null;
}

function stage(events: number, runs: Measured<unknown>[]): StageResult {
  const eps = (ms: number) => Math.round((events / ms) * 1000);
  const sv = runs.map((r) => r.serverCpuMs);
  return {
    events_s: eps(median(runs.map((r) => r.ms))),
    best_events_s: eps(Math.min(...runs.map((r) => r.ms))),
    client_cpu_us_per_event: round((median(runs.map((r) => r.clientCpuMs)) * 1000) / events, 2),
    server_cpu_us_per_event: sv.every((x) => x !== null) ? round((median(sv as number[]) * 1000) / events, 2) : null,
  };
}

export interface VerifyResultRow {
  events: number;
  chain_build_s: number;
  checkpoints_verified: number;
  avg_hashed_bytes: number;
  sm3_mb_s: number;
  verify: StageResult;
  read: StageResult;
  hash_in_memory: StageResult;
  canonical_json: StageResult;
  sm3: StageResult;
  workers: number;
  target: number | null;
  pass: boolean | null;
}

export async function benchVerify(env: Env, target: number, reps: number): Promise<VerifyResultRow> {
  const { k } = env;
  const built = await extendChain(k, target);
  const events = Number((await k.db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);

  // Warm the caches once (and check the chain we built is genuine).
  const first = await verifyChain(k.crypto, k.db.kysely, verifyOptionsFor(k.db));
  if (!first.ok || first.checked !== events) throw new Error(`chain does not verify: ${JSON.stringify(first)}`);

  const verify: Measured<unknown>[] = [];
  const read: Measured<unknown>[] = [];
  let cpVerified = 0;
  for (let i = 0; i < reps; i++) {
    // Interleaved so both see the same cache and machine state.
    const rd = await measure(k, () => readAll(k, null));
    if (rd.value !== events) throw new Error(`read ${rd.value} of ${events} events`);
    read.push(rd);
    const v = await measure(k, () => verifyChain(k.crypto, k.db.kysely, verifyOptionsFor(k.db)));
    if (!v.value.ok) throw new Error(`verify failed: ${v.value.reason}`);
    cpVerified = v.value.checkpoints.verified;
    verify.push(v);
  }

  // In memory, on the very same rows: the whole per-event hash check, then its two parts.
  const rows: FetchedEvent[] = [];
  await readAll(k, rows);
  const hash: Measured<unknown>[] = [];
  const canon: Measured<unknown>[] = [];
  const sm3s: Measured<unknown>[] = [];
  let inputs: string[] = [];
  for (let i = 0; i < reps; i++) {
    hash.push(
      await measure(k, () => {
        let prev = GENESIS_HASH;
        for (const r of rows) {
          const h = eventHash(prev, { ...r, seq: Number(r.seq), at: new Date(r.at) });
          if (h !== r.hash) throw new Error(`in-memory hash mismatch at ${r.seq}`);
          prev = h;
        }
      }),
    );
    const c = await measure(k, () => rows.map(bodyOf));
    canon.push(c);
    inputs = rows.map((r, j) => `${r.prev_hash}\n${c.value[j]}`);
    sm3s.push(await measure(k, () => {
      for (const x of inputs) sm3(x);
    }));
  }
  const bytes = inputs.reduce((a, x) => a + Buffer.byteLength(x), 0);
  const isPg = env.kind === 'postgres';
  const v = stage(events, verify);
  return {
    events,
    chain_build_s: round(built.ms / 1000, 1),
    checkpoints_verified: cpVerified,
    avg_hashed_bytes: Math.round(bytes / events),
    sm3_mb_s: round(bytes / 1e6 / (median(sm3s.map((x) => x.ms)) / 1000), 1),
    verify: v,
    read: stage(events, read),
    hash_in_memory: stage(events, hash),
    canonical_json: stage(events, canon),
    sm3: stage(events, sm3s),
    workers: verifyOptionsFor(k.db).workers?.count ?? 1,
    target: isPg ? 100_000 : null,
    pass: isPg ? v.events_s >= 100_000 : null,
  };
}
