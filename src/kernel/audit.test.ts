import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../test/harness.js';
import { audit, canonicalJson, checkpointHead, eventHash, GENESIS_HASH, jsonCopy, splitRange, verifyChain, type StoredEvent } from './audit.js';
import { SYSTEM_ACTOR } from './context.js';
import { Crypto, ephemeralKeys } from './crypto.js';

const EVERY = 3;

let env: TestEnv;
let admin: Client;
let auditor: Client;

const db = () => env.k.db.kysely;
const run = (text: string) => sql.raw(text).execute(db());
/**
 * Verifies in one walk and in ranges joined end to end (as the worker threads' ranges are), small
 * enough that every test's fault lands inside some range and at the edge of another: all agree.
 */
async function verify() {
  const one = await verifyChain(env.k.crypto, db());
  for (const ranges of [2, 3, 5]) expect(await verifyChain(env.k.crypto, db(), { batch: 2, ranges })).toEqual(one);
  return one;
}
const headSeq = async () => Number((await db().selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);

/** Runs `fn` with the append-only triggers off, as someone with direct database access could. */
async function withTriggersDisabled(fn: () => Promise<unknown>): Promise<void> {
  await run('ALTER TABLE audit_events DISABLE TRIGGER audit_events_immutable');
  await run('ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_immutable');
  try {
    await fn();
  } finally {
    await run('ALTER TABLE audit_events ENABLE TRIGGER audit_events_immutable');
    await run('ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_immutable');
  }
}

/** Writes one audited change through the kernel, in its own transaction. */
const auditOne = (action: string, details: Record<string, unknown> = {}) =>
  db()
    .transaction()
    .execute((trx) => audit(env.k, trx, SYSTEM_ACTOR, { action, objectType: 'test', objectId: action, details }));

type Snapshot = Awaited<ReturnType<typeof snapshot>>;
async function snapshot() {
  return {
    events: await db().selectFrom('audit_events').selectAll().orderBy('seq').execute(),
    checkpoints: await db().selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute(),
    head: await db().selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow(),
  };
}

/** Puts the three audit tables back exactly as `s` holds them. */
async function restore(s: Snapshot): Promise<void> {
  await withTriggersDisabled(() =>
    db()
      .transaction()
      .execute(async (trx) => {
        await trx.deleteFrom('audit_events').execute();
        await trx.deleteFrom('audit_checkpoints').execute();
        await trx.insertInto('audit_events').values(s.events.map((e) => ({ ...e, details: JSON.stringify(e.details) }))).execute();
        if (s.checkpoints.length > 0) await trx.insertInto('audit_checkpoints').values(s.checkpoints).execute();
        await trx.updateTable('audit_head').set({ seq: s.head.seq, hash: s.head.hash }).execute();
      }),
  );
}

/** Recomputes every hash from `fromSeq` on and the head, as a forger who rewrote an event would. */
async function rehashFrom(fromSeq: number): Promise<void> {
  const rows = await sql<StoredEvent>`SELECT * FROM audit_events ORDER BY seq`.execute(db());
  let prev = GENESIS_HASH;
  for (const r of rows.rows) {
    const seq = Number(r.seq);
    if (seq >= fromSeq) {
      const hash = eventHash(prev, { ...r, seq, at: new Date(r.at) });
      await db().updateTable('audit_events').set({ prev_hash: prev, hash }).where('seq', '=', seq).execute();
      prev = hash;
    } else {
      prev = r.hash;
    }
  }
  await db().updateTable('audit_head').set({ hash: prev }).execute();
}

beforeAll(async () => {
  env = await testEnv({ config: { auditCheckpointEvery: EVERY } });
  admin = await loginAs(env.app, 'admin');
  auditor = await loginAs(env.app, 'auditor_wx');
  // Audited writes through the API and through the kernel.
  const put = await admin.put('/api/v1/calendar/days/2027-01-01', { kind: 'holiday', name: '元旦' });
  expect(put.statusCode).toBe(200);
  const put2 = await admin.put('/api/v1/calendar/days/2027-01-02', { kind: 'holiday', name: '元旦' });
  expect(put2.statusCode).toBe(200);
  for (let i = 0; i < 10; i++) await auditOne('test.write', { i, nested: { b: [1, 'two', null], a: '中文' } });
});

afterAll(async () => {
  await env?.close();
});

describe('the audit chain', () => {
  it('verifies intact after several audited writes, every event and checkpoint checked', async () => {
    const head = await headSeq();
    expect(head).toBeGreaterThanOrEqual(14);
    const r = await verify();
    expect(r).toMatchObject({ ok: true, checked: head, headSeq: head, firstBadSeq: null, reason: null });
    expect(r.checkpoints.count).toBe(Math.floor(head / EVERY));
    expect(r.checkpoints.verified).toBe(r.checkpoints.count);
    expect(r.checkpoints.latest?.seq).toBe(Math.floor(head / EVERY) * EVERY);
  });

  it('numbers events 1, 2, 3… without gaps, each holding its predecessor hash', async () => {
    const rows = await db().selectFrom('audit_events').select(['seq', 'prev_hash', 'hash']).orderBy('seq').execute();
    rows.forEach((r, i) => {
      expect(Number(r.seq)).toBe(i + 1);
      expect(r.prev_hash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]?.hash);
    });
    const head = await db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(head.hash).toBe(rows.at(-1)?.hash);
  });

  it('writes a checkpoint at every multiple of auditCheckpointEvery, signed by the platform key', async () => {
    const cps = await db().selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
    expect(cps.map((c) => Number(c.seq))).toEqual(Array.from({ length: cps.length }, (_, i) => (i + 1) * EVERY));
    for (const cp of cps) {
      expect(cp.key_id).toBe(env.k.crypto.keys.sm2KeyId);
      const ev = await db().selectFrom('audit_events').select('hash').where('seq', '=', cp.seq).executeTakeFirstOrThrow();
      expect(cp.hash).toBe(ev.hash);
    }
  });

  it('records the event in the same transaction as the change: a rolled-back change leaves no event', async () => {
    const before = await headSeq();
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await audit(env.k, trx, SYSTEM_ACTOR, { action: 'test.rolled_back', objectType: 'test' });
          throw new Error('the change failed');
        }),
    ).rejects.toThrow('the change failed');
    expect(await headSeq()).toBe(before);
    expect(await db().selectFrom('audit_events').select('seq').where('action', '=', 'test.rolled_back').execute()).toEqual([]);
    expect((await verify()).ok).toBe(true);
  });

  it('chains concurrent writers in commit order without gaps', async () => {
    const before = await headSeq();
    const seqs = await Promise.all(Array.from({ length: 8 }, (_, i) => auditOne('test.concurrent', { i })));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => before + i + 1));
    const r = await verify();
    expect(r.ok).toBe(true);
    expect(r.headSeq).toBe(before + 8);
  });

  it('hashes details canonically, so key order after the jsonb round trip does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    const e = { seq: 1, at: new Date('2026-09-18T02:00:00Z'), actor_user_id: null, actor_org_id: null, action: 'a', object_type: 't', object_id: null, purpose: null, grant_id: null };
    expect(eventHash(GENESIS_HASH, { ...e, details: { x: 1, y: 2 } })).toBe(eventHash(GENESIS_HASH, { ...e, details: { y: 2, x: 1 } }));
    expect(eventHash(GENESIS_HASH, { ...e, details: { x: 1 } })).not.toBe(eventHash(GENESIS_HASH, { ...e, details: { x: 2 } }));
  });

  it('hashes exactly the previous hash, a newline and the canonical JSON of the event fields in order', () => {
    const e = {
      seq: 42,
      at: new Date('2026-09-18T02:00:00.123Z'),
      actor_user_id: crypto.randomUUID(),
      actor_org_id: null,
      action: 'share.approve',
      object_type: '"quoted"\\ and \n newline',
      object_id: '海南省',
      purpose: '政务服务办理',
      grant_id: null,
      details: { b: [1, 'x', null, { d: true, c: 1.5 }], a: '省数据局' },
    };
    const prev = 'a'.repeat(64);
    const body = canonicalJson([e.seq, e.at.toISOString(), e.actor_user_id, e.actor_org_id, e.action, e.object_type, e.object_id, e.purpose, e.grant_id, e.details]);
    const expected = crypto.createHash('sm3').update(`${prev}\n${body}`).digest('hex');
    expect(eventHash(prev, e)).toBe(expected);
  });

  it('splits the chain into ranges that cover it once, in order', () => {
    expect(splitRange(10, 3)).toEqual([[1, 4], [5, 8], [9, 10]]);
    expect(splitRange(2, 5)).toEqual([[1, 1], [2, 2]]);
    expect(splitRange(0, 4)).toEqual([]);
  });
});

describe('details copied as they read back from JSON', () => {
  it('gives what JSON.parse(JSON.stringify(…)) gives', () => {
    class Thing {
      a = 1;
    }
    const samples: unknown[] = [
      { entryCode: 'A001', rows: 100, bytes: 20_480, fields: ['id_number', 'name'], masked: [], filters: ['a:eq'], page: 'first', nothing: null },
      { a: undefined, f: () => 1, s: Symbol('x'), n: NaN, i: Infinity, z: -0, nested: { deep: [1, undefined, () => 2, Symbol('y'), { b: undefined }] } },
      { at: new Date('2026-09-18T02:00:00Z'), bad: new Date(NaN), json: { toJSON: () => 'as json' }, thing: new Thing(), map: new Map([[1, 2]]) },
      Object.assign(Object.create(null) as object, { k: 'v' }),
      JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as unknown,
      { 中文: '张三', '1': 'one', b: true, e: '' },
    ];
    for (const v of samples) {
      const copy = jsonCopy(v);
      expect(copy).toStrictEqual(JSON.parse(JSON.stringify(v)));
      expect(canonicalJson(copy)).toBe(canonicalJson(JSON.parse(JSON.stringify(v))));
    }
    expect(Object.is(jsonCopy(-0), 0)).toBe(true);
    expect(() => jsonCopy({ big: 1n })).toThrow();
  });
});

describe('the append-only triggers', () => {
  it('refuse an UPDATE of an audit event', async () => {
    await expect(run(`UPDATE audit_events SET action = 'x' WHERE seq = 2`)).rejects.toThrow(/append-only/);
  });

  it('refuse a DELETE of an audit event', async () => {
    await expect(run(`DELETE FROM audit_events WHERE seq = 2`)).rejects.toThrow(/append-only/);
  });

  it('refuse an UPDATE or DELETE of a checkpoint', async () => {
    await expect(run(`UPDATE audit_checkpoints SET signature = 'x' WHERE seq = ${EVERY}`)).rejects.toThrow(/append-only/);
    await expect(run(`DELETE FROM audit_checkpoints WHERE seq = ${EVERY}`)).rejects.toThrow(/append-only/);
  });

  it('leave the chain intact after the refused statements', async () => {
    expect((await verify()).ok).toBe(true);
  });
});

describe('tampering is detected with the first bad sequence number', () => {
  let saved: Snapshot;
  beforeEach(async () => {
    saved = await snapshot();
  });
  afterEach(async () => {
    await restore(saved);
    // The restore itself is checked, so that one test's tampering cannot hide in the next.
    expect((await verify()).ok).toBe(true);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('finds the same fault with worker threads over ranges on PostgreSQL', async () => {
    const workers = { url: env.k.db.url!, count: 3, minEvents: 0 };
    const intact = await verifyChain(env.k.crypto, db(), { workers });
    expect(intact).toMatchObject({ ok: true, checked: await headSeq() });
    expect(intact).toEqual(await verifyChain(env.k.crypto, db()));
    await withTriggersDisabled(() => run(`UPDATE audit_events SET action = 'test.harmless' WHERE seq = 9`));
    const broken = await verifyChain(env.k.crypto, db(), { batch: 2, workers });
    expect(broken).toMatchObject({ ok: false, firstBadSeq: 9 });
    expect(broken).toEqual(await verifyChain(env.k.crypto, db()));
  });

  it('names the edited event when its details were changed', async () => {
    await withTriggersDisabled(() => run(`UPDATE audit_events SET details = jsonb_set(details, '{i}', '99') WHERE seq = 7`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 7, reason: expect.stringContaining('已被修改') });
  });

  it('names the edited event when its action or time was changed', async () => {
    await withTriggersDisabled(() => run(`UPDATE audit_events SET action = 'test.harmless' WHERE seq = 8`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 8 });
    await restore(saved);
    await withTriggersDisabled(() => run(`UPDATE audit_events SET at = at + interval '1 second' WHERE seq = 5`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('names the first edited event when several were changed', async () => {
    await withTriggersDisabled(() => run(`UPDATE audit_events SET object_id = 'x' WHERE seq IN (4, 9, 11)`));
    expect((await verify()).firstBadSeq).toBe(4);
  });

  it('names the missing event when a middle event was deleted', async () => {
    await withTriggersDisabled(() => run(`DELETE FROM audit_events WHERE seq = 6`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 6, reason: expect.stringContaining('缺失') });
  });

  it('names the first event when the first event was deleted', async () => {
    await withTriggersDisabled(() => run(`DELETE FROM audit_events WHERE seq = 1`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('names the first missing event when the tail event was deleted', async () => {
    const head = await headSeq();
    await withTriggersDisabled(() => run(`DELETE FROM audit_events WHERE seq = ${head}`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: head, reason: expect.stringContaining('链尾缺失') });
  });

  it('names the first missing event when several tail events were deleted', async () => {
    const head = await headSeq();
    await withTriggersDisabled(() => run(`DELETE FROM audit_events WHERE seq > ${head - 3}`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: head - 2 });
  });

  it('catches a deleted tail with the head rewound by the later signed checkpoint', async () => {
    const lastCp = Math.floor((await headSeq()) / EVERY) * EVERY;
    await withTriggersDisabled(() => run(`DELETE FROM audit_events WHERE seq >= ${lastCp - 1}`));
    const newLast = await db().selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await db().updateTable('audit_head').set({ seq: newLast.seq, hash: newLast.hash }).execute();
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: lastCp - 1, reason: expect.stringContaining(`检查点 ${lastCp}`) });
  });

  it('names the lower position when two events were swapped', async () => {
    await withTriggersDisabled(async () => {
      await run(`UPDATE audit_events SET seq = -1 WHERE seq = 4`);
      await run(`UPDATE audit_events SET seq = 4 WHERE seq = 10`);
      await run(`UPDATE audit_events SET seq = 10 WHERE seq = -1`);
    });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('names the lower position when two neighbouring events were swapped', async () => {
    await withTriggersDisabled(async () => {
      await run(`UPDATE audit_events SET seq = -1 WHERE seq = 8`);
      await run(`UPDATE audit_events SET seq = 8 WHERE seq = 9`);
      await run(`UPDATE audit_events SET seq = 9 WHERE seq = -1`);
    });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 8 });
  });

  it('names the event whose prev_hash was edited', async () => {
    await withTriggersDisabled(() => run(`UPDATE audit_events SET prev_hash = repeat('a', 64) WHERE seq = 5`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 5, reason: expect.stringContaining('前序哈希') });
  });

  it('names the first event above the head when events were slipped in past it', async () => {
    const head = await headSeq();
    const last = await db().selectFrom('audit_events').selectAll().where('seq', '=', head).executeTakeFirstOrThrow();
    const forged = { ...last, seq: head + 1, at: new Date(), action: 'test.slipped_in', details: {} };
    const hash = eventHash(last.hash, forged);
    await db().insertInto('audit_events').values({ ...forged, details: '{}', prev_hash: last.hash, hash }).execute();
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: head + 1, reason: expect.stringContaining('不在链头记录之内') });
  });

  it('names the last event when only the chain head hash was changed', async () => {
    const head = await headSeq();
    await db().updateTable('audit_head').set({ hash: 'b'.repeat(64) }).execute();
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: head });
  });

  it('catches an edit re-hashed through the whole chain at the next signed checkpoint', async () => {
    await withTriggersDisabled(async () => {
      await run(`UPDATE audit_events SET details = '{"forged": true}' WHERE seq = 4`);
      await rehashFrom(4);
    });
    const r = await verify();
    expect(r).toMatchObject({ ok: false, firstBadSeq: 6, reason: expect.stringContaining('检查点') });
  });
});

describe('signed checkpoints', () => {
  let saved: Snapshot;
  beforeEach(async () => {
    saved = await snapshot();
  });
  afterEach(async () => {
    await restore(saved);
    expect((await verify()).ok).toBe(true);
  });

  it('detects a checkpoint signature replaced by a signature over another payload', async () => {
    const forged = env.k.crypto.sign('gongshu-audit-checkpoint:v1:6:forged');
    await withTriggersDisabled(() => db().updateTable('audit_checkpoints').set({ signature: forged }).where('seq', '=', 6).execute());
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 6, reason: expect.stringContaining('SM2 签名无效') });
  });

  it('detects a garbled checkpoint signature', async () => {
    await withTriggersDisabled(() => db().updateTable('audit_checkpoints').set({ signature: Buffer.from('not a signature').toString('base64') }).where('seq', '=', 3).execute());
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('detects a rewritten chain whose checkpoints were re-signed with another SM2 key', async () => {
    const forger = new Crypto(ephemeralKeys());
    await withTriggersDisabled(async () => {
      await run(`UPDATE audit_events SET details = '{"forged": true}' WHERE seq = 4`);
      await rehashFrom(4);
      const cps = await db().selectFrom('audit_checkpoints').selectAll().execute();
      for (const cp of cps) {
        const ev = await db().selectFrom('audit_events').select('hash').where('seq', '=', cp.seq).executeTakeFirstOrThrow();
        const at = new Date(cp.at);
        await db()
          .updateTable('audit_checkpoints')
          .set({
            hash: ev.hash,
            key_id: forger.keys.sm2KeyId,
            public_key: forger.publicKeyPem(),
            signature: forger.sign(`gongshu-audit-checkpoint:v1:${cp.seq}:${ev.hash}:${at.toISOString()}`),
          })
          .where('seq', '=', cp.seq)
          .execute();
      }
    });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: EVERY, reason: expect.stringContaining('本平台') });
  });

  it('detects a checkpoint that claims the platform key id but carries another public key', async () => {
    const forger = new Crypto(ephemeralKeys());
    const cp = await db().selectFrom('audit_checkpoints').selectAll().where('seq', '=', 6).executeTakeFirstOrThrow();
    const payload = `gongshu-audit-checkpoint:v1:6:${cp.hash}:${new Date(cp.at).toISOString()}`;
    await withTriggersDisabled(() =>
      db().updateTable('audit_checkpoints').set({ public_key: forger.publicKeyPem(), signature: forger.sign(payload) }).where('seq', '=', 6).execute(),
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 6 });
  });

  it('checkpointHead signs the head when it moved, and only then', async () => {
    let head = await headSeq();
    if (head % EVERY === 0) head = await auditOne('test.move_head');
    const signed = await db().transaction().execute((trx) => checkpointHead(env.k, trx));
    expect(signed).toBe(head);
    expect(await db().transaction().execute((trx) => checkpointHead(env.k, trx))).toBeNull();
    const r = await verify();
    expect(r.ok).toBe(true);
    expect(r.checkpoints.latest?.seq).toBe(head);
  });

  it('serves the latest checkpoint with a public key that verifies it offline', async () => {
    const res = await auditor.get('/api/v1/audit/checkpoints/latest');
    expect(res.statusCode).toBe(200);
    const cp = res.json() as { seq: number; hash: string; at: string; publicKey: string; signature: string; keyId: string };
    expect(cp.seq % EVERY).toBe(0);
    expect(cp.keyId).toBe(env.k.crypto.keys.sm2KeyId);
    const payload = `gongshu-audit-checkpoint:v1:${cp.seq}:${cp.hash}:${cp.at}`;
    const key = crypto.createPublicKey(cp.publicKey);
    expect(crypto.verify('sm3', Buffer.from(payload), key, Buffer.from(cp.signature, 'base64'))).toBe(true);
    expect(crypto.verify('sm3', Buffer.from(`${payload}x`), key, Buffer.from(cp.signature, 'base64'))).toBe(false);
  });
});

describe('GET /api/v1/audit/verify', () => {
  let saved: Snapshot;
  beforeAll(async () => {
    saved = await snapshot();
  });
  afterAll(async () => {
    await restore(saved);
  });

  it('reports ok on the intact chain', async () => {
    const res = await auditor.get('/api/v1/audit/verify');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ok: true, firstBadSeq: null, headSeq: await headSeq() });
    expect(body.checkpoints.latest).toMatchObject({ keyId: env.k.crypto.keys.sm2KeyId });
  });

  it('reports ok:false with firstBadSeq after an event was tampered with', async () => {
    await withTriggersDisabled(() => run(`UPDATE audit_events SET details = '{}' WHERE seq = 9`));
    const res = await auditor.get('/api/v1/audit/verify');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, firstBadSeq: 9, reason: expect.stringContaining('9') });
    const asAdmin = await admin.get('/api/v1/audit/verify');
    expect(asAdmin.json()).toMatchObject({ ok: false, firstBadSeq: 9 });
  });
});
