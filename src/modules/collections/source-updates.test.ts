/**
 * "在数据更新后一日内向省大数据公共服务平台归集" (000 第十条): a provider declares a change at the
 * source of a base-database entry; the one-day duty is overdue only after 24:00 of the next
 * Beijing day; the next committed load meets it; who may declare; entries outside every base or
 * theme database are refused.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { sweepOverdue } from '../../kernel/deadlines.js';
import { synthUscc } from '../ingest/synth.js';
import { SOURCE_UPDATE_CASE } from './rules.js';
import type { SourceUpdateView } from './source-updates.service.js';

let env: TestEnv;
let scj: Client;
let gat: Client;
let licences: string;
const db = () => env.k.db.kysely;
const refused = (res: LightMyRequestResponse, status: number) => {
  expect(res.statusCode, res.body).toBe(status);
  return (res.json() as { error: { code: string; message: string; source?: string } }).error;
};
const ok = (res: LightMyRequestResponse, status = 201) => {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
};

async function entryId(name: string): Promise<string> {
  const e = await db()
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.latest_version'))
    .select('e.id')
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
  return e.id;
}

const declare = (c: Client, id: string, body: Record<string, unknown>) => c.post(`/api/v1/catalog/entries/${id}/source-updates`, body);
const dutyOf = (sourceUpdateId: string) => db().selectFrom('duties').selectAll().where('case_type', '=', SOURCE_UPDATE_CASE).where('case_id', '=', sourceUpdateId).executeTakeFirstOrThrow();
const sweep = () => db().transaction().execute((trx) => sweepOverdue(env.k, trx));
const licencesCsv = (from: number, n: number) => `uscc,name\n${Array.from({ length: n }, (_, i) => `${synthUscc('460100', from + i)},海南测试企业${from + i}有限公司`).join('\n')}\n`;

beforeAll(async () => {
  env = await testEnv({ now: '2026-09-18T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 30 } });
  scj = await loginAs(env.app, 'scj_clerk');
  gat = await loginAs(env.app, 'gat_clerk');
  licences = await entryId('企业营业执照信息');
});

afterAll(async () => {
  await env?.close();
});

describe('declaring a change at the source', () => {
  let first: SourceUpdateView & { collections: Array<{ code: string }> };

  it('opens a one-day duty for an entry of the legal-person base database', async () => {
    first = ok(await declare(scj, licences, { updatedAt: '2026-09-18T09:30:00+08:00', note: '新增企业登记 12 户' }));
    expect(first).toMatchObject({ entryId: licences, note: '新增企业登记 12 户', metLoadId: null, collections: [{ code: 'base-legal-person' }] });
    expect(first.duty).toMatchObject({ dueDate: '2026-09-19', dueAt: new Date('2026-09-20T00:00:00+08:00').toISOString(), status: 'open', overdue: false, source: '000 第十条' });
    const d = await dutyOf(first.id);
    expect(d).toMatchObject({ duty: 'aggregate', working_days: null, started_at: new Date('2026-09-18T09:30:00+08:00') });
    const ev = await db().selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'collection.source_update').execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]?.details).toMatchObject({ sourceUpdateId: first.id, collections: ['base-legal-person'] });
  });

  it('is not overdue at 23:59:59 of the next day', async () => {
    env.clock.set('2026-09-19T23:59:59+08:00');
    await sweep();
    expect((await dutyOf(first.id)).overdue_at).toBeNull();
  });

  it('is overdue once that day has ended', async () => {
    env.clock.set('2026-09-20T00:00:01+08:00');
    await sweep();
    expect((await dutyOf(first.id)).overdue_at).not.toBeNull();
    const listed = ok(await scj.get(`/api/v1/catalog/entries/${licences}/source-updates`), 200) as { items: SourceUpdateView[] };
    expect(listed.items[0]?.duty).toMatchObject({ status: 'open', overdue: true });
  });

  it('is met by the next committed load of the entry, which is linked to it', async () => {
    env.clock.set('2026-09-20T08:00:00+08:00');
    const second = ok(await declare(scj, licences, { updatedAt: '2026-09-20T07:00:00+08:00' })) as SourceUpdateView;
    const load = ok(
      await env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${licences}/loads`, headers: { cookie: scj.cookie, 'x-csrf-token': scj.csrf, 'content-type': 'text/csv' }, payload: licencesCsv(1, 5) }),
    ) as { id: string };
    for (const s of [first, second]) expect(await dutyOf(s.id)).toMatchObject({ status: 'met', met_at: new Date('2026-09-20T08:00:00+08:00') });
    const listed = ok(await scj.get(`/api/v1/catalog/entries/${licences}/source-updates`), 200) as { items: SourceUpdateView[] };
    expect(listed.items.map((s) => [s.id, s.metLoadId, s.duty?.status])).toEqual([
      [second.id, load.id, 'met'],
      [first.id, load.id, 'met'],
    ]);
  });

  it('may be declared by an API key of the provider (its own system reporting the change)', async () => {
    const key = (ok(await (await loginAs(env.app, 'scj_officer')).post('/api/v1/api-keys', { name: '登记系统', expiresInDays: 30 })) as { key: string }).key;
    const res = await env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${licences}/source-updates`, headers: { authorization: `Bearer ${key}` }, payload: { updatedAt: '2026-09-20T07:30:00+08:00' } });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('a declaration is refused', () => {
  it('to another org than the provider', async () => {
    expect(refused(await declare(gat, licences, { updatedAt: '2026-09-20T07:00:00+08:00' }), 403).message).toContain('提供单位');
  });

  it('for an entry in no base or theme database, citing 000 第十条', async () => {
    const annual = await entryId('企业年度报告信息');
    const err = refused(await declare(scj, annual, { updatedAt: '2026-09-20T07:00:00+08:00' }), 422);
    expect(err).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第十条' });
    expect(err.message).toContain('未纳入基础数据库或主题数据库');
  });

  it('for a time still to come (now is accepted)', async () => {
    expect(refused(await declare(scj, licences, { updatedAt: '2026-09-20T08:00:01+08:00' }), 400).code).toBe('VALIDATION');
    ok(await declare(scj, licences, { updatedAt: '2026-09-20T08:00:00+08:00' }));
  });

  it('for an unknown entry', async () => {
    expect(refused(await declare(scj, '00000000-0000-4000-8000-000000000000', { updatedAt: '2026-09-20T07:00:00+08:00' }), 404).code).toBe('NOT_FOUND');
  });
});
