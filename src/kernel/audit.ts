/**
 * The audit chain. Every state change writes one event in the same transaction as the change.
 * Events form an SM3 hash chain (each hash covers the previous hash and the canonical event);
 * every `auditCheckpointEvery` events an SM2-signed checkpoint of the head is written.
 * Nothing updates or deletes an event (a trigger refuses it); `verifyChain` finds what bypassed it.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Actor, Kernel } from './context.js';
import type { Db, Executor, Trx } from './db.js';
import { sm3, type Crypto } from './crypto.js';

export interface AuditInput {
  /** Dotted verb, e.g. `org.create`, `auth.login_failed`. */
  action: string;
  objectType: string;
  objectId?: string | null;
  /** Purpose of use, for data reads. */
  purpose?: string | null;
  grantId?: string | null;
  details?: Record<string, unknown>;
}

export interface StoredEvent {
  seq: number;
  at: Date;
  actor_user_id: string | null;
  actor_org_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  purpose: string | null;
  grant_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so a value hashes the same after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** The hash of one event given its predecessor's hash. */
export function eventHash(prevHash: string, e: Omit<StoredEvent, 'hash' | 'prev_hash'>): string {
  // Same text as canonicalJson([seq, at, …, details]), written out: the top level is a fixed
  // array, so only `details` needs the generic walk. Verification hashes every event, so this
  // is the hot path of `gongshu audit verify`.
  const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
  const body = `[${e.seq},${str(e.at.toISOString())},${str(e.actor_user_id)},${str(e.actor_org_id)},${str(e.action)},${str(e.object_type)},${str(e.object_id)},${str(e.purpose)},${str(e.grant_id)},${canonicalJson(e.details)}]`;
  return sm3(`${prevHash}\n${body}`);
}

const checkpointPayload = (seq: number, hash: string, at: Date) =>
  `gongshu-audit-checkpoint:v1:${seq}:${hash}:${at.toISOString()}`;

/**
 * Appends one event to the chain inside `trx`. Locks the chain head row until the transaction
 * ends, so events are numbered and chained in commit order.
 */
export async function audit(k: Pick<Kernel, 'clock' | 'crypto' | 'config'>, trx: Trx, actor: Actor, input: AuditInput): Promise<number> {
  const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow();
  const event = eventOf(Number(head.seq) + 1, k.clock.now(), actor, input);
  const details = event.details;
  const hash = eventHash(head.hash, event);
  await trx
    .insertInto('audit_events')
    .values({ ...event, details: JSON.stringify(details), prev_hash: head.hash, hash })
    .execute();
  await trx.updateTable('audit_head').set({ seq: event.seq, hash }).execute();
  if (event.seq % k.config.auditCheckpointEvery === 0) {
    await insertCheckpoint(k.crypto, trx, event.seq, hash, event.at);
  }
  return event.seq;
}

/**
 * `JSON.parse(JSON.stringify(v))` without the text in between, for the plain data audit details
 * are (strings, numbers, booleans, null, arrays and plain objects of them): undefined, functions
 * and symbols dropped from objects and null in arrays, non-finite numbers null. Anything else (a
 * Date, an object with `toJSON`, a class instance, `__proto__` as a key) goes through the text.
 */
export function jsonCopy(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : jsonCopy(x);
    }
    return out;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if ((proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        if (key === '__proto__') return JSON.parse(JSON.stringify(v)) as unknown;
        const x = (v as Record<string, unknown>)[key];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        out[key] = jsonCopy(x);
      }
      return out;
    }
  }
  return JSON.parse(JSON.stringify(v)) as unknown;
}

/** The event numbered `seq` that `actor` and `input` make (details as they read back from jsonb). */
export function eventOf(seq: number, at: Date, actor: Actor, input: AuditInput): Omit<StoredEvent, 'hash' | 'prev_hash'> {
  const details = jsonCopy({ ...input.details, ...(actor.apiKeyId ? { apiKeyId: actor.apiKeyId } : {}) }) as Record<string, unknown>;
  return {
    seq,
    at,
    actor_user_id: actor.userId,
    actor_org_id: actor.orgId,
    action: input.action,
    object_type: input.objectType,
    object_id: input.objectId ?? null,
    purpose: input.purpose ?? null,
    grant_id: input.grantId ?? null,
    details,
  };
}

/** The signed checkpoint of the head at `seq`. */
export function checkpointRow(crypto: Crypto, seq: number, hash: string, at: Date) {
  return { seq, hash, at, key_id: crypto.keys.sm2KeyId, public_key: crypto.publicKeyPem(), signature: crypto.sign(checkpointPayload(seq, hash, at)) };
}

async function insertCheckpoint(crypto: Crypto, trx: Trx, seq: number, hash: string, at: Date) {
  await trx
    .insertInto('audit_checkpoints')
    .values(checkpointRow(crypto, seq, hash, at))
    .onConflict((oc) => oc.column('seq').doNothing())
    .execute();
}

/** Signs the current head if it has moved since the last checkpoint (the periodic job). */
export async function checkpointHead(k: Pick<Kernel, 'clock' | 'crypto'>, trx: Trx): Promise<number | null> {
  const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow();
  if (Number(head.seq) === 0) return null;
  const last = await trx.selectFrom('audit_checkpoints').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last && Number(last.seq) >= Number(head.seq)) return null;
  await insertCheckpoint(k.crypto, trx, Number(head.seq), head.hash, k.clock.now());
  return Number(head.seq);
}

export interface Checkpoint {
  seq: number;
  hash: string;
  at: Date;
  keyId: string;
  publicKey: string;
  signature: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  headSeq: number;
  /** The first sequence number at which the chain is broken. */
  firstBadSeq: number | null;
  reason: string | null;
  checkpoints: { count: number; verified: number; latest: Checkpoint | null };
}

/** A walk over the events `[from, to]`, in order; `verifyChain` joins walks end to end. */
export interface SegmentResult {
  from: number;
  to: number;
  /** `prev_hash` of event `from`, once the walk found it in place; joined to the walk before. */
  firstPrev: string | null;
  /** Recomputed hashes at the signed checkpoints' positions, for their signatures. */
  cpHashes: Array<[number, string]>;
  lastHash: string | null;
  /** The first fault in the walk. `rank` orders faults at the same position as one walk would. */
  failure: Fault | null;
}

interface Fault {
  seq: number;
  rank: number;
  reason: string;
}

const RANK = { gap: 0, link: 1, hash: 2, checkpoint: 3, tail: 4 } as const;

/**
 * Reads up to `limit` events from `from` on, by seq: `WHERE seq >= from ORDER BY seq LIMIT n`.
 * Bounded below only, on purpose: that is an index scan whatever the statistics say, where a
 * two-sided range on a table never analysed (PGlite has no autovacuum) is planned as a bitmap
 * scan and an on-disk sort, three times slower. The walk drops events above its head.
 */
export type FetchEvents = (from: number, limit: number) => Promise<FetchedEvent[]>;

/** A stored event as the walk reads it: `at` in epoch milliseconds. */
export type FetchedEvent = Omit<StoredEvent, 'at'> & { at: number };

/**
 * The columns the walk reads. `at` comes as epoch milliseconds (the precision the hash covers),
 * which the driver reads as a plain number instead of parsing a timestamp text per row.
 */
export const EVENT_COLUMNS =
  'seq, round(extract(epoch FROM at) * 1000)::float8 AS at, actor_user_id, actor_org_id, action, object_type, object_id, purpose, grant_id, details, prev_hash, hash';

/**
 * Checks events `[from, to]`: none missing, each one's hash recomputed from its own content and
 * `prev_hash`, each `prev_hash` equal to the hash before it. The next batch is read while this
 * one is hashed, so the database and the hashing overlap.
 */
export async function walkSegment(fetch: FetchEvents, from: number, to: number, headSeq: number, cpSeqs: ReadonlySet<number>, batch: number): Promise<SegmentResult> {
  let expected = from;
  let prev: string | null = null;
  let firstPrev: string | null = null;
  const cpHashes: Array<[number, string]> = [];
  const fail = (seq: number, rank: number, reason: string): SegmentResult => ({ from, to, firstPrev, cpHashes, lastHash: prev, failure: { seq, rank, reason } });
  const read = (f: number) => {
    const q = fetch(f, Math.min(batch, to - f + 1));
    q.catch(() => undefined); // awaited below, or abandoned after a fault
    return q;
  };
  let pending = read(expected);
  while (expected <= to) {
    let rows = await pending;
    if (rows.length > 0 && Number(rows.at(-1)!.seq) > headSeq) rows = rows.filter((r) => Number(r.seq) <= headSeq); // appended since
    if (rows.length === 0) return fail(expected, RANK.gap, `链尾缺失：链头记录到 ${headSeq}，事件只到 ${expected - 1}`);
    const lastRead = Number(rows.at(-1)!.seq);
    if (lastRead < to) pending = read(lastRead + 1);
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expected) return fail(expected, RANK.gap, `事件 ${expected} 缺失（序号跳到 ${seq}）`);
      if (prev === null) firstPrev = r.prev_hash;
      else if (r.prev_hash !== prev) return fail(seq, RANK.link, `事件 ${seq} 的前序哈希与链不符`);
      const h = eventHash(r.prev_hash, { ...r, seq, at: new Date(r.at) });
      if (h !== r.hash) return fail(seq, RANK.hash, `事件 ${seq} 的内容与其哈希不符（已被修改）`);
      if (cpSeqs.has(seq)) cpHashes.push([seq, h]);
      prev = h;
      expected = seq + 1;
      if (expected > to) break;
    }
  }
  return { from, to, firstPrev, cpHashes, lastHash: prev, failure: null };
}

export interface VerifyOptions {
  /** Events read per query. */
  batch?: number;
  /**
   * PostgreSQL only: split the chain into `count` ranges walked at once by worker threads, each
   * on its own connection to `url`, when the chain has at least `minEvents` events.
   */
  workers?: { url: string; count: number; minEvents?: number };
  /**
   * Without workers: walk the chain as this many ranges, one after another, joined exactly as
   * the workers' ranges are. Gives the same result as one walk (the tests hold it to that).
   */
  ranges?: number;
}

/** The verify options that suit `db`: worker threads on PostgreSQL, one walk on PGlite. */
export function verifyOptionsFor(db: Db): VerifyOptions {
  if (db.kind !== 'postgres' || !db.url) return {};
  return { workers: { url: db.url, count: Math.min(os.availableParallelism(), 4) } };
}

/**
 * Walks the whole chain up to the head, recomputing every hash, and checks the head and every
 * signed checkpoint against it, with the platform's own SM2 key. Detects any event changed,
 * removed (gap or truncated tail) or reordered, and names the first position at fault — the same
 * position and reason whether the chain was walked in one piece or in parallel ranges. Events
 * appended while it runs are left for the next run.
 */
export async function verifyChain(crypto: Crypto, db: Executor, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const batch = opts.batch ?? 10_000;
  // Checkpoints before the head: every checkpoint read then is at or below the head read after.
  const cps = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
  const headSeq = Number(head.seq);
  const cpSeqs = new Set(cps.map((c) => Number(c.seq)));
  const latestRow = cps.at(-1);
  const latest: Checkpoint | null = latestRow
    ? { seq: Number(latestRow.seq), hash: latestRow.hash, at: latestRow.at, keyId: latestRow.key_id, publicKey: latestRow.public_key, signature: latestRow.signature }
    : null;
  const result = (fault: Fault | null): VerifyResult => ({
    ok: fault === null,
    checked: fault ? fault.seq - 1 : headSeq,
    headSeq,
    firstBadSeq: fault?.seq ?? null,
    reason: fault?.reason ?? null,
    checkpoints: { count: cps.length, verified: cps.filter((c) => Number(c.seq) < (fault?.seq ?? headSeq + 1)).length, latest },
  });

  const w = opts.workers;
  const parallel = w && w.count > 1 && headSeq >= (w.minEvents ?? 50_000);
  const fetch: FetchEvents = async (from, limit) =>
    (await sql<FetchedEvent>`SELECT ${sql.raw(EVENT_COLUMNS)} FROM audit_events WHERE seq >= ${from} ORDER BY seq LIMIT ${limit}`.execute(db)).rows;
  const segments: SegmentResult[] = [];
  if (parallel) segments.push(...(await walkInWorkers(w.url, splitRange(headSeq, w.count), headSeq, cpSeqs, batch)));
  else for (const [from, to] of splitRange(headSeq, opts.ranges ?? 1)) segments.push(await walkSegment(fetch, from, to, headSeq, cpSeqs, batch));

  const cpBySeq = new Map(cps.map((c) => [Number(c.seq), c]));
  const checkCheckpoint = (seq: number, h: string): Fault | null => {
    const cp = cpBySeq.get(seq)!;
    const fault = (reason: string) => ({ seq, rank: RANK.checkpoint, reason });
    if (cp.hash !== h) return fault(`事件 ${seq} 与已签名检查点的哈希不符`);
    // Checked against the platform's own key, never the key stored beside the signature:
    // whoever can rewrite the tables could store a key of their own there.
    if (cp.key_id !== crypto.keys.sm2KeyId) return fault(`检查点 ${seq} 不是用本平台的 SM2 密钥签名的（密钥 ${cp.key_id}）`);
    if (!crypto.verify(checkpointPayload(seq, cp.hash, new Date(cp.at)), cp.signature)) return fault(`检查点 ${seq} 的 SM2 签名无效`);
    return null;
  };
  let prev = GENESIS_HASH;
  for (const s of segments) {
    const faults: Fault[] = [];
    if (s.firstPrev !== null && s.firstPrev !== prev) faults.push({ seq: s.from, rank: RANK.link, reason: `事件 ${s.from} 的前序哈希与链不符` });
    if (s.failure) faults.push(s.failure);
    for (const [seq, h] of s.cpHashes) {
      const f = checkCheckpoint(seq, h);
      if (f) {
        faults.push(f);
        break;
      }
    }
    if (faults.length > 0) return result(faults.reduce((a, b) => (b.seq < a.seq || (b.seq === a.seq && b.rank < a.rank) ? b : a)));
    prev = s.lastHash!;
  }

  const tail = (seq: number, reason: string) => result({ seq, rank: RANK.tail, reason });
  if (headSeq > 0 && head.hash !== prev) return tail(headSeq, '链头哈希与最后一个事件不符');
  const orphan = cps.find((c) => Number(c.seq) > headSeq);
  if (orphan) return tail(headSeq + 1, `已签名检查点 ${orphan.seq} 之前的事件缺失`);
  // Events above the head the chain now has: appended since the walk began only if the head
  // (read in the same statement) covers them.
  const now = await sql<{ head: number; last: number | null }>`SELECT (SELECT seq FROM audit_head) AS head, (SELECT max(seq) FROM audit_events) AS last`.execute(db);
  const { head: nowHead, last } = now.rows[0]!;
  if (last !== null && Number(last) > Number(nowHead)) return tail(Number(nowHead) + 1, `事件 ${Number(nowHead) + 1} 起不在链头记录之内`);
  return result(null);
}

/** `[1, n]` cut into `parts` ranges of (nearly) equal length. */
export function splitRange(n: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const size = Math.ceil(n / parts);
  for (let from = 1; from <= n; from += size) out.push([from, Math.min(n, from + size - 1)]);
  return out;
}

/** Runs one `walkSegment` per range, each in a worker thread with its own connection. */
async function walkInWorkers(url: string, ranges: Array<[number, number]>, headSeq: number, cpSeqs: ReadonlySet<number>, batch: number): Promise<SegmentResult[]> {
  // Run from source (tests, tsx), the worker is TypeScript: it registers tsx's loader first.
  const fromSource = import.meta.url.endsWith('.ts');
  const file = new URL(fromSource ? './audit-worker.ts' : './audit-worker.js', import.meta.url);
  const entry: [string | URL, { eval?: boolean }] = fromSource
    ? [`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`, { eval: true }]
    : [file, {}];
  return Promise.all(
    ranges.map(
      ([from, to]) =>
        new Promise<SegmentResult>((resolve, reject) => {
          const workerData: WalkJob = { url, from, to, headSeq, batch, cpSeqs: [...cpSeqs].filter((s) => s >= from && s <= to) };
          const worker = new Worker(entry[0], { ...entry[1], workerData });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`audit verify worker for events ${from}–${to} exited with code ${code}`)));
        }),
    ),
  );
}

/** What a worker thread is asked to walk. */
export interface WalkJob {
  url: string;
  from: number;
  to: number;
  headSeq: number;
  batch: number;
  cpSeqs: number[];
}
