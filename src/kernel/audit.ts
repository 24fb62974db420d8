/**
 * The audit chain. Every state change writes one event in the same transaction as the change.
 * Events form an SM3 hash chain (each hash covers the previous hash and the canonical event);
 * every `auditCheckpointEvery` events an SM2-signed checkpoint of the head is written.
 * Nothing updates or deletes an event (a trigger refuses it); `verifyChain` finds what bypassed it.
 */
import { sql } from 'kysely';
import type { Actor, Kernel } from './context.js';
import type { Executor, Trx } from './db.js';
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
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The hash of one event given its predecessor's hash. */
export function eventHash(prevHash: string, e: Omit<StoredEvent, 'hash' | 'prev_hash'>): string {
  const body = canonicalJson([
    e.seq,
    e.at.toISOString(),
    e.actor_user_id,
    e.actor_org_id,
    e.action,
    e.object_type,
    e.object_id,
    e.purpose,
    e.grant_id,
    e.details,
  ]);
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
  const details = JSON.parse(JSON.stringify({ ...input.details, ...(actor.apiKeyId ? { apiKeyId: actor.apiKeyId } : {}) })) as Record<string, unknown>;
  const event = {
    seq: Number(head.seq) + 1,
    at: k.clock.now(),
    actor_user_id: actor.userId,
    actor_org_id: actor.orgId,
    action: input.action,
    object_type: input.objectType,
    object_id: input.objectId ?? null,
    purpose: input.purpose ?? null,
    grant_id: input.grantId ?? null,
    details,
  };
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

async function insertCheckpoint(crypto: Crypto, trx: Trx, seq: number, hash: string, at: Date) {
  await trx
    .insertInto('audit_checkpoints')
    .values({
      seq,
      hash,
      at,
      key_id: crypto.keys.sm2KeyId,
      public_key: crypto.publicKeyPem(),
      signature: crypto.sign(checkpointPayload(seq, hash, at)),
    })
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

/**
 * Walks the whole chain in order, recomputing every hash, and checks the head and every signed
 * checkpoint against it, with the platform's own SM2 key. Detects any event changed, removed
 * (gap or truncated tail) or reordered.
 */
export async function verifyChain(crypto: Crypto, db: Executor, batch = 10_000): Promise<VerifyResult> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
  const cps = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const cpBySeq = new Map(cps.map((c) => [Number(c.seq), c]));
  const headSeq = Number(head.seq);
  let expected = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  let cpVerified = 0;
  const latestRow = cps.at(-1);
  const latest: Checkpoint | null = latestRow
    ? { seq: Number(latestRow.seq), hash: latestRow.hash, at: latestRow.at, keyId: latestRow.key_id, publicKey: latestRow.public_key, signature: latestRow.signature }
    : null;
  const fail = (seq: number, reason: string): VerifyResult => ({
    ok: false,
    checked,
    headSeq,
    firstBadSeq: seq,
    reason,
    checkpoints: { count: cps.length, verified: cpVerified, latest },
  });

  for (;;) {
    const rows = await sql<StoredEvent>`SELECT seq, at, actor_user_id, actor_org_id, action, object_type, object_id,
        purpose, grant_id, details, prev_hash, hash FROM audit_events WHERE seq >= ${expected} ORDER BY seq LIMIT ${batch}`.execute(db);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      const seq = Number(r.seq);
      if (seq !== expected) return fail(expected, `事件 ${expected} 缺失（序号跳到 ${seq}）`);
      if (r.prev_hash !== prev) return fail(seq, `事件 ${seq} 的前序哈希与链不符`);
      const h = eventHash(prev, { ...r, seq, at: new Date(r.at) });
      if (h !== r.hash) return fail(seq, `事件 ${seq} 的内容与其哈希不符（已被修改）`);
      const cp = cpBySeq.get(seq);
      if (cp) {
        if (cp.hash !== h) return fail(seq, `事件 ${seq} 与已签名检查点的哈希不符`);
        // Checked against the platform's own key, never the key stored beside the signature:
        // whoever can rewrite the tables could store a key of their own there.
        if (cp.key_id !== crypto.keys.sm2KeyId) return fail(seq, `检查点 ${seq} 不是用本平台的 SM2 密钥签名的（密钥 ${cp.key_id}）`);
        if (!crypto.verify(checkpointPayload(seq, cp.hash, new Date(cp.at)), cp.signature)) {
          return fail(seq, `检查点 ${seq} 的 SM2 签名无效`);
        }
        cpVerified++;
      }
      prev = h;
      expected = seq + 1;
      checked++;
    }
  }
  const last = expected - 1;
  if (last < headSeq) return fail(last + 1, `链尾缺失：链头记录到 ${headSeq}，事件只到 ${last}`);
  if (last > headSeq) return fail(headSeq + 1, `事件 ${headSeq + 1} 起不在链头记录之内`);
  if (last > 0 && head.hash !== prev) return fail(last, '链头哈希与最后一个事件不符');
  const orphan = cps.find((c) => Number(c.seq) > last);
  if (orphan) return fail(last + 1, `已签名检查点 ${orphan.seq} 之前的事件缺失`);
  return { ok: true, checked, headSeq, firstBadSeq: null, reason: null, checkpoints: { count: cps.length, verified: cpVerified, latest } };
}
