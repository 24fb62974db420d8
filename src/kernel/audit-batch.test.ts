/**
 * Group commit of audit appends: concurrent callers are chained in the order they came, each
 * with its own rows, in as few transactions as the commits allow; the chain verifies, with its
 * checkpoints where `audit()` puts them; a failing batch rejects every caller in it and writes
 * nothing of it, and the appender goes on. On PGlite by default, on PostgreSQL with TEST_DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../test/harness.js';
import { audit, verifyChain } from './audit.js';
import { appendAudited, auditBatchStats, MAX_BATCH, type AuditedAppend } from './audit-batch.js';
import { SYSTEM_ACTOR } from './context.js';

const EVERY = 3;

let env: TestEnv;
const db = () => env.k.db.kysely;
const head = async () => Number((await db().selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
const orgId = randomUUID();

/** An append whose own row is a notification with the given id (a bad id makes its batch fail). */
const item = (n: string, id: string = randomUUID()): AuditedAppend => ({
  actor: { userId: null, orgId, apiKeyId: null },
  input: { action: 'test.batch', objectType: 'test', objectId: n, details: { n } },
  rows: [{ into: 'notifications', values: { id, org_id: orgId, kind: 'test.batch', title: n, body: '', link: null, created_at: env.k.clock.now() } }],
});

const eventsOf = (names: string[]) =>
  db().selectFrom('audit_events').select(['seq', 'object_id', 'prev_hash', 'hash']).where('action', '=', 'test.batch').where('object_id', 'in', names).orderBy('seq').execute();
const rowsOf = (names: string[]) => db().selectFrom('notifications').select('title').where('org_id', '=', orgId).where('title', 'in', names).execute();

beforeAll(async () => {
  env = await testEnv({ seed: false, config: { auditCheckpointEvery: EVERY } });
});
afterAll(async () => env?.close());

describe('audit group commit', () => {
  it('chains concurrent callers in the order they came, each with its own rows, in fewer transactions', async () => {
    const before = await head();
    const stats0 = auditBatchStats(env.k.db);
    const names = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const seqs = await Promise.all(names.map((n) => appendAudited(env.k, item(n))));
    // One order, no gaps, the callers' order.
    expect(seqs).toEqual(names.map((_, i) => before + 1 + i));
    expect(await head()).toBe(before + names.length);
    const events = await eventsOf(names);
    expect(events.map((e) => e.object_id)).toEqual(names);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prev_hash).toBe(events[i - 1]!.hash);
    expect((await rowsOf(names)).length).toBe(names.length);
    // The first caller commits alone; the 39 who came while it did go in the next transaction.
    const stats = auditBatchStats(env.k.db);
    expect(stats.batches - stats0.batches).toBe(2);
    expect(stats.largest).toBe(names.length - 1);
    const v = await verifyChain(env.k.crypto, db());
    expect(v.ok, v.reason ?? '').toBe(true);
    expect(v.headSeq).toBe(before + names.length);
  });

  it('writes the signed checkpoints at multiples of auditCheckpointEvery, as audit() does', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `cp${i}`);
    const seqs = await Promise.all(names.map((n) => appendAudited(env.k, item(n))));
    const cps = await db().selectFrom('audit_checkpoints').select('seq').where('seq', '>=', seqs[0]!).where('seq', '<=', seqs.at(-1)!).orderBy('seq').execute();
    expect(cps.map((c) => Number(c.seq))).toEqual(seqs.filter((s) => s % EVERY === 0));
    const v = await verifyChain(env.k.crypto, db());
    expect(v.ok, v.reason ?? '').toBe(true);
    expect(v.checkpoints.verified).toBe(v.checkpoints.count);
  });

  it('a failing batch rejects every caller in it and writes nothing of it; the next batch goes on', async () => {
    const before = await head();
    const failedBefore = auditBatchStats(env.k.db).failed;
    // "a" finds the appender idle and commits alone; b, c, d queue behind it as one batch, in
    // which c's row cannot be written (its id is no uuid).
    const a = appendAudited(env.k, item('fa'));
    const rest = [appendAudited(env.k, item('fb')), appendAudited(env.k, item('fc', 'not-a-uuid')), appendAudited(env.k, item('fd'))];
    expect(await a).toBe(before + 1);
    const outcomes = await Promise.allSettled(rest);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : null));
    expect(reasons[0]).toBe(reasons[1]);
    expect(reasons[1]).toBe(reasons[2]);
    expect(auditBatchStats(env.k.db).failed).toBe(failedBefore + 1);
    // Nothing of the failed batch: no events, no rows, the head where "a" left it.
    expect(await head()).toBe(before + 1);
    expect((await eventsOf(['fb', 'fc', 'fd'])).length).toBe(0);
    expect((await rowsOf(['fb', 'fc', 'fd'])).map((r) => r.title)).toEqual([]);
    expect((await rowsOf(['fa'])).length).toBe(1);
    // The appender goes on.
    expect(await appendAudited(env.k, item('fe'))).toBe(before + 2);
    const v = await verifyChain(env.k.crypto, db());
    expect(v.ok, v.reason ?? '').toBe(true);
  });

  it('an event without rows of its own is appended alone; its details carry the API key as audit() records it', async () => {
    const seq = await appendAudited(env.k, { actor: { userId: null, orgId, apiKeyId: randomUUID() }, input: { action: 'test.batch', objectType: 'test', objectId: 'solo' } });
    const e = await db().selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
    expect(e.object_id).toBe('solo');
    expect(Object.keys(e.details)).toEqual(['apiKeyId']);
  });

  it('interleaves with audit() in other transactions: one chain, no gaps, verified', async () => {
    const before = await head();
    const names = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const work: Promise<unknown>[] = [];
    names.forEach((n, i) => {
      work.push(appendAudited(env.k, item(n)));
      if (i % 5 === 0) work.push(db().transaction().execute((trx) => audit(env.k, trx, SYSTEM_ACTOR, { action: 'test.single', objectType: 'test', objectId: n })));
    });
    await Promise.all(work);
    expect(await head()).toBe(before + names.length + names.length / 5);
    expect((await eventsOf(names)).map((e) => e.object_id)).toEqual(names);
    const v = await verifyChain(env.k.crypto, db());
    expect(v.ok, v.reason ?? '').toBe(true);
  });

  it('splits a queue longer than MAX_BATCH into several transactions, in order', async () => {
    const before = await head();
    const stats0 = auditBatchStats(env.k.db);
    const n = MAX_BATCH + 20;
    const names = Array.from({ length: n }, (_, i) => `big${i}`);
    const seqs = await Promise.all(names.map((x) => appendAudited(env.k, item(x))));
    expect(seqs).toEqual(names.map((_, i) => before + 1 + i));
    const stats = auditBatchStats(env.k.db);
    expect(stats.batches - stats0.batches).toBe(3); // 1 alone, then MAX_BATCH, then the rest
    expect(stats.largest).toBe(MAX_BATCH);
    const v = await verifyChain(env.k.crypto, db());
    expect(v.ok, v.reason ?? '').toBe(true);
  });
});
