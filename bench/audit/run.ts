/**
 * Audit chain benchmark (issue 2, "Tests and benchmark").
 *
 *   npm run bench -- [--db pglite|postgres|both] [--events N] [--verify-events N] [--rounds N] [--reps N]
 *
 * Writes: one "use case" transaction = one business INSERT + its audit event through `audit()`,
 * against the baseline = the same transaction with the same business INSERT plus a plain INSERT
 * of the same event row into an unchained copy of `audit_events` (same columns and indexes). That
 * baseline is the physical limit of writing those rows on this machine. Rounds alternate between
 * the two so drift hits both alike. Target: audited / baseline ≥ 0.5.
 *
 * Verification: `verifyChain` over a chain of `--verify-events` events, next to the raw read
 * limit (the same query in the same batches through the same driver, no hashing), and the
 * in-memory cost of hashing the same rows (canonical JSON and SM3 separately). Target on
 * PostgreSQL: ≥ 100,000 events/s.
 *
 * Prints a table and then one `BENCH_JSON {...}` line. Timings never go into tests.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import pg from 'pg';
import { sql, type Kysely, type Transaction } from 'kysely';
import { loadConfig } from '../../src/kernel/config.js';
import { systemClock } from '../../src/kernel/clock.js';
import { sm3 } from '../../src/kernel/crypto.js';
import { openPglite, openPostgres, type Db } from '../../src/kernel/db.js';
import { bootKernel } from '../../src/kernel/boot.js';
import type { Actor, Kernel } from '../../src/kernel/context.js';
import type { Database } from '../../src/database.js';
import type { AuditEventsTable } from '../../src/kernel/tables.js';
import { audit, canonicalJson, eventHash, verifyChain, GENESIS_HASH, type StoredEvent } from '../../src/kernel/audit.js';

// ---------------------------------------------------------------------------------------------
// Options

type DbChoice = 'pglite' | 'postgres' | 'both';

interface Options {
  db: DbChoice;
  events: number;
  verifyEvents: number | undefined;
  rounds: number;
  reps: number;
  url: string;
  urlExplicit: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    db: 'both',
    events: 20_000,
    verifyEvents: undefined,
    rounds: 4,
    reps: 3,
    url: process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test',
    urlExplicit: Boolean(process.env.BENCH_DATABASE_URL),
  };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(String(v).replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got "${v}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    switch (flag) {
      case '--db': {
        const v = val();
        if (v !== 'pglite' && v !== 'postgres' && v !== 'both') throw new Error(`--db must be pglite, postgres or both, got "${v}"`);
        o.db = v;
        break;
      }
      case '--events':
        o.events = num(flag, val());
        break;
      case '--verify-events':
        o.verifyEvents = num(flag, val());
        break;
      case '--rounds':
        o.rounds = num(flag, val());
        break;
      case '--reps':
        o.reps = num(flag, val());
        break;
      case '--url':
        o.url = String(val());
        o.urlExplicit = true;
        break;
      case '--help':
      case '-h':
        console.log('usage: npm run bench -- [--db pglite|postgres|both] [--events N] [--verify-events N] [--rounds N] [--reps N] [--url postgres://…]');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument "${a}" (try --help)`);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Database set-up

interface BenchItemsTable {
  id: string;
  org_id: string;
  name: string;
  attrs: string | Record<string, unknown>;
  created_at: Date;
}
interface BenchDb extends Database {
  bench_items: BenchItemsTable;
  bench_plain_events: AuditEventsTable;
}
const bench = (x: Kysely<Database> | Transaction<Database>) => x as unknown as Kysely<BenchDb>;

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

interface Env {
  kind: 'pglite' | 'postgres';
  k: Kernel;
  serverFacts: Record<string, string>;
  close(): Promise<void>;
}

async function reachable(url: string): Promise<string | null> {
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

async function openEnv(kind: 'pglite' | 'postgres', serverUrl: string): Promise<Env> {
  if (kind === 'pglite') {
    const db = await openPglite(undefined);
    const k = await boot(db);
    const v = await sql<{ v: string }>`SELECT version() AS v`.execute(db.kysely);
    const req = createRequire(import.meta.url);
    const pgliteVersion = (req('@electric-sql/pglite/package.json') as { version: string }).version;
    return {
      kind,
      k,
      serverFacts: { server: `PGlite ${pgliteVersion} (${v.rows[0]?.v.split(' on ')[0] ?? '?'}), in memory` },
      close: () => db.close(),
    };
  }
  const name = `gongshu_bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  try {
    // The pool size the platform uses (openDb's default of 10): enough for 8 concurrent writers.
    const db = await openPostgres(url.toString());
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

const ACTOR: Actor = { userId: crypto.randomUUID(), orgId: crypto.randomUUID() };
const ORG_IDS = Array.from({ length: 50 }, () => crypto.randomUUID());
const PLAIN_HASH = 'f'.repeat(64);

/** A business row and the audit input describing it (the shape of `org.create`). */
function makeCase(i: number) {
  const id = crypto.randomUUID();
  const orgId = ORG_IDS[i % ORG_IDS.length]!;
  const name = `海南省数据资源目录条目 ${i}`;
  const attrs = { uscc: `91460000MA5T${String(i).padStart(6, '0')}`, regionCode: '460100', roles: ['provider', 'consumer'], level: i % 4 };
  return {
    item: { id, org_id: orgId, name, attrs: JSON.stringify(attrs), created_at: new Date() },
    input: { action: 'catalog.item_create', objectType: 'catalog_item', objectId: id, details: { name, orgId, ...attrs } },
  };
}

type Mode = 'audited' | 'baseline';

interface WriteStats {
  n: number;
  ms: number;
  lat: number[];
}

/** The use case: business INSERT + `audit()`, in one transaction, as every service does it. */
async function auditedTx(k: Kernel, i: number) {
  const c = makeCase(i);
  await k.db.kysely.transaction().execute(async (trx) => {
    await bench(trx).insertInto('bench_items').values(c.item).execute();
    await audit(k, trx, ACTOR, c.input);
  });
}

let plainSeq = 0;
/** The baseline: the same business INSERT + a plain INSERT of the same event row, unchained. */
async function baselineTx(k: Kernel, i: number) {
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

let caseNo = 0;
async function runWrites(k: Kernel, mode: Mode, count: number, concurrency: number, stats: WriteStats) {
  const fn = mode === 'audited' ? auditedTx : baselineTx;
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

interface WriteResult {
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

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function benchWrites(k: Kernel, events: number, concurrency: number, rounds: number): Promise<WriteResult> {
  // Warm-up: connections, plans, caches. Not counted.
  const warm: WriteStats = { n: 0, ms: 0, lat: [] };
  const w = Math.min(500, Math.max(50, Math.floor(events / 20)));
  await runWrites(k, 'baseline', w, concurrency, warm);
  await runWrites(k, 'audited', w, concurrency, warm);

  const a: WriteStats = { n: 0, ms: 0, lat: [] };
  const b: WriteStats = { n: 0, ms: 0, lat: [] };
  const per = Math.ceil(events / rounds);
  for (let r = 0; r < rounds; r++) {
    const n = Math.min(per, events - r * per);
    if (n <= 0) break;
    // Alternate the order so that drift (autovacuum, checkpoints, caches) hits both alike.
    if (r % 2 === 0) {
      await runWrites(k, 'baseline', n, concurrency, b);
      await runWrites(k, 'audited', n, concurrency, a);
    } else {
      await runWrites(k, 'audited', n, concurrency, a);
      await runWrites(k, 'baseline', n, concurrency, b);
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
async function extendChain(k: Kernel, target: number): Promise<{ added: number; ms: number }> {
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
      const rows: AuditEventsTable[] = [];
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
        rows.push({ ...e, details: JSON.stringify(e.details) as never, prev_hash: prev, hash });
        if (seq % every === 0) cps.push({ seq, hash, at: e.at });
        prev = hash;
      }
      await trx.insertInto('audit_events').values(rows as never).execute();
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
async function readAll(k: Kernel, keep: StoredEvent[] | null, batch = 10_000): Promise<number> {
  let expected = 1;
  let n = 0;
  for (;;) {
    const rows = await sql<StoredEvent>`SELECT seq, at, actor_user_id, actor_org_id, action, object_type, object_id,
        purpose, grant_id, details, prev_hash, hash FROM audit_events WHERE seq >= ${expected} ORDER BY seq LIMIT ${batch}`.execute(k.db.kysely);
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
const bodyOf = (r: StoredEvent) =>
  canonicalJson([Number(r.seq), new Date(r.at).toISOString(), r.actor_user_id, r.actor_org_id, r.action, r.object_type, r.object_id, r.purpose, r.grant_id, r.details]);

interface VerifyResultRow {
  events: number;
  chain_build_s: number;
  verify_events_s: number;
  verify_ms: number;
  read_events_s: number;
  read_ms: number;
  hash_in_memory_events_s: number;
  canonical_json_events_s: number;
  sm3_events_s: number;
  sm3_mb_s: number;
  avg_hashed_bytes: number;
  checkpoints_verified: number;
  target: number | null;
  pass: boolean | null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchVerify(env: Env, target: number, reps: number): Promise<VerifyResultRow> {
  const { k } = env;
  const built = await extendChain(k, target);
  const events = Number((await k.db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);

  // Warm the caches once (and check the chain we built is genuine).
  const first = await verifyChain(k.crypto, k.db.kysely);
  if (!first.ok || first.checked !== events) throw new Error(`chain does not verify: ${JSON.stringify(first)}`);

  const vMs: number[] = [];
  const rMs: number[] = [];
  let cpVerified = 0;
  for (let i = 0; i < reps; i++) {
    // Interleave so both see the same cache and machine state.
    let t = performance.now();
    const n = await readAll(k, null);
    rMs.push(performance.now() - t);
    if (n !== events) throw new Error(`read ${n} of ${events} events`);
    t = performance.now();
    const r = await verifyChain(k.crypto, k.db.kysely);
    vMs.push(performance.now() - t);
    if (!r.ok) throw new Error(`verify failed: ${r.reason}`);
    cpVerified = r.checkpoints.verified;
  }

  // In memory, on the very same rows: the whole per-event hash check, then its two parts.
  const rows: StoredEvent[] = [];
  await readAll(k, rows);
  const hashMs: number[] = [];
  const canonMs: number[] = [];
  const sm3Ms: number[] = [];
  let inputs: string[] = [];
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const h = eventHash(prev, { ...r, seq: Number(r.seq), at: new Date(r.at) });
      if (h !== r.hash) throw new Error(`in-memory hash mismatch at ${r.seq}`);
      prev = h;
    }
    hashMs.push(performance.now() - t);

    t = performance.now();
    const bodies = rows.map(bodyOf);
    canonMs.push(performance.now() - t);
    inputs = rows.map((r, j) => `${r.prev_hash}\n${bodies[j]}`);

    t = performance.now();
    for (const s of inputs) sm3(s);
    sm3Ms.push(performance.now() - t);
  }
  const bytes = inputs.reduce((s, x) => s + Buffer.byteLength(x), 0);
  const eps = (ms: number) => Math.round((events / ms) * 1000);
  const v = median(vMs);
  const isPg = env.kind === 'postgres';
  return {
    events,
    chain_build_s: round(built.ms / 1000, 1),
    verify_events_s: eps(v),
    verify_ms: Math.round(v),
    read_events_s: eps(median(rMs)),
    read_ms: Math.round(median(rMs)),
    hash_in_memory_events_s: eps(median(hashMs)),
    canonical_json_events_s: eps(median(canonMs)),
    sm3_events_s: eps(median(sm3Ms)),
    sm3_mb_s: round(bytes / 1e6 / (median(sm3Ms) / 1000), 1),
    avg_hashed_bytes: Math.round(bytes / events),
    checkpoints_verified: cpVerified,
    target: isPg ? 100_000 : null,
    pass: isPg ? eps(v) >= 100_000 : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Output

function round(x: number, d: number) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
const fmt = (n: number) => n.toLocaleString('en-US');

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const kinds: ('pglite' | 'postgres')[] = o.db === 'both' ? ['postgres', 'pglite'] : [o.db];
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

  const cpus = os.cpus();
  const machine = {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu_model: cpus[0]?.model.trim() ?? '?',
    cores: cpus.length,
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    openssl: process.versions.openssl,
  };
  console.log(`Gongshu audit benchmark — node ${machine.node}, ${machine.cpu_model}, ${machine.cores} cores, ${machine.memory_gb} GiB, ${machine.platform}`);
  console.log(`writes: ${fmt(o.events)} transactions per mode and concurrency, ${o.rounds} alternating rounds; verification reps: ${o.reps} (median)\n`);

  const results: Record<string, unknown> = {};
  for (const kind of kinds) {
    const env = await openEnv(kind, o.url);
    try {
      console.log(`== ${env.serverFacts.server}`);
      if (kind === 'postgres') {
        const f = env.serverFacts;
        console.log(`   fsync=${f.fsync} synchronous_commit=${f.synchronous_commit} wal_sync_method=${f.wal_sync_method} shared_buffers=${f.shared_buffers} commit_delay=${f.commit_delay}`);
      }
      const conc = kind === 'postgres' ? [1, 8] : [1];
      const writes: WriteResult[] = [];
      for (const c of conc) {
        process.stderr.write(`   writes, concurrency ${c}…\n`);
        writes.push(await benchWrites(env.k, o.events, c, o.rounds));
      }
      console.log('\n   Writes: business INSERT + audit() vs business INSERT + plain INSERT of the same event row (one transaction each)');
      console.log(
        table(
          ['   concurrency', 'audited tx/s', 'baseline tx/s', 'ratio', 'target', 'audited p50/p99 ms', 'baseline p50/p99 ms', ''],
          writes.map((w) => [
            `   ${w.concurrency}`,
            w.audited_tx_s,
            w.baseline_tx_s,
            w.ratio.toFixed(2),
            '≥ 0.50',
            `${w.audited_p50_ms.toFixed(2)} / ${w.audited_p99_ms.toFixed(2)}`,
            `${w.baseline_p50_ms.toFixed(2)} / ${w.baseline_p99_ms.toFixed(2)}`,
            w.pass ? 'PASS' : 'FAIL',
          ]),
        ),
      );

      const target = o.verifyEvents ?? 200_000;
      process.stderr.write(`   building a ${fmt(target)}-event chain and verifying…\n`);
      const v = await benchVerify(env, target, o.reps);
      console.log(`\n   Verification: chain of ${fmt(v.events)} events (${fmt(v.checkpoints_verified)} SM2 checkpoints), built in ${v.chain_build_s} s`);
      const us = (eps: number) => (1e6 / eps).toFixed(2);
      console.log(
        table(
          ['   stage', 'events/s', 'µs/event', 'note'],
          [
            ['   verifyChain (whole chain)', v.verify_events_s, us(v.verify_events_s), v.target ? `target ≥ ${fmt(v.target)}: ${v.pass ? 'PASS' : 'FAIL'}` : 'no target on PGlite'],
            ['   read limit: same query + batches, no hashing', v.read_events_s, us(v.read_events_s), 'physical limit of the walk'],
            ['   hash check in memory (eventHash per row)', v.hash_in_memory_events_s, us(v.hash_in_memory_events_s), 'verifyChain minus the database'],
            ['     of which canonical JSON of the body', v.canonical_json_events_s, us(v.canonical_json_events_s), ''],
            ['     of which raw SM3 of the same payloads', v.sm3_events_s, us(v.sm3_events_s), `${v.sm3_mb_s} MB/s, ${v.avg_hashed_bytes} B/event`],
          ],
        ),
      );
      console.log('');
      results[kind] = { server: env.serverFacts, writes, verify: v };
    } finally {
      await env.close();
    }
  }
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'audit', at: new Date().toISOString(), machine, options: { db: o.db, events: o.events, verify_events: o.verifyEvents ?? 200_000, rounds: o.rounds, reps: o.reps }, skipped, results })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
