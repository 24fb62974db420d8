/**
 * Base and theme databases (000 第十条): the demo collections, who reads and who manages them,
 * the freshness of each member (last load, live rows, next due, overdue, quality) and the
 * summary counts, and the audited management actions.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { synthUscc } from '../ingest/synth.js';
import { DEMO_COLLECTIONS } from './demo.js';
import type { CollectionDetail, CollectionSummary, MemberView } from './service.js';
import { ok } from '../../../test/assert.js';

let env: TestEnv;
let admin: Client;
let analyst: Client;
let scj: Client;
const db = () => env.k.db.kysely;
const refused = (res: LightMyRequestResponse, status: number) => {
  expect(res.statusCode, res.body).toBe(status);
  return (res.json() as { error: { code: string; message: string; source?: string } }).error;
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

const licencesCsv = (n: number) => `uscc,name\n${Array.from({ length: n }, (_, i) => `${synthUscc('460100', i + 1)},海南测试企业${i + 1}有限公司`).join('\n')}\n`;
const upload = (c: Client, id: string, body: string) =>
  env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${id}/loads`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' }, payload: body });
const detail = async (code: string) => ok(await analyst.get(`/api/v1/collections/${code}`)) as CollectionDetail;
const member = (d: CollectionDetail, name: string) => d.members.find((m) => m.name === name) as MemberView;

beforeAll(async () => {
  env = await testEnv({ now: '2026-09-18T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 30 } });
  admin = await loginAs(env.app, 'admin');
  analyst = await loginAs(env.app, 'hkfgw_analyst');
  scj = await loginAs(env.app, 'scj_clerk');
});

afterAll(async () => {
  await env?.close();
});

describe('reading the collections', () => {
  it('lists the demo base databases first, then the themes, with member counts and leads', async () => {
    const { items } = ok(await analyst.get('/api/v1/collections')) as { items: CollectionSummary[] };
    expect(items.map((c) => c.code)).toEqual(DEMO_COLLECTIONS.map((c) => c.code));
    expect(items.slice(0, 5).map((c) => c.name)).toEqual(['人口基础库', '法人基础库', '电子证照库', '信用信息库', '自然资源和空间地理基础库']);
    const population = items.find((c) => c.code === 'base-population');
    // 户籍迁移登记信息 is still a draft in the demo: only published entries join.
    expect(population).toMatchObject({ kind: 'base', kindLabel: '基础数据库', memberCount: 2, loadedCount: 0, freshCount: 0, overdueCount: 0, freshShare: 0, leads: [{ name: '海南省公安厅' }] });
    expect(items.find((c) => c.code === 'theme-state-assets')).toMatchObject({ kind: 'theme', memberCount: 0, freshShare: null });
    const themes = ok(await analyst.get('/api/v1/collections?kind=theme')) as { items: CollectionSummary[] };
    expect(themes.items.every((c) => c.kind === 'theme')).toBe(true);
    expect(themes.items).toHaveLength(8);
  });

  it('shows a collection’s members with provider and frequency, none loaded yet', async () => {
    const d = await detail('base-legal-person');
    expect(d.members.map((m) => m.name).sort()).toEqual(['个体工商户登记信息', '企业营业执照信息']);
    expect(member(d, '企业营业执照信息')).toMatchObject({
      provider: { name: '海南省市场监督管理局' },
      updateFrequency: 'daily',
      lastLoadAt: null,
      liveRows: null,
      nextDueAt: null,
      overdue: false,
      fresh: false,
      qualityOverall: null,
    });
  });

  it('is refused to the public (404 for an unknown code)', async () => {
    const citizen = await loginAs(env.app, 'zhangsan');
    expect(refused(await citizen.get('/api/v1/collections'), 403).code).toBe('FORBIDDEN');
    expect(refused(await citizen.get('/api/v1/collections/base-population'), 403).code).toBe('FORBIDDEN');
    expect(refused(await analyst.get('/api/v1/collections/no-such'), 404).code).toBe('NOT_FOUND');
  });
});

describe('freshness of a member', () => {
  it('a committed load shows its time, live rows, next due and quality score, and makes the member fresh', async () => {
    const id = await entryId('企业营业执照信息');
    ok(await upload(scj, id, licencesCsv(8)), 201);
    const d = await detail('base-legal-person');
    const m = member(d, '企业营业执照信息');
    expect(m).toMatchObject({ lastLoadAt: new Date('2026-09-18T10:00:00+08:00').toISOString(), liveRows: 8, overdue: false, fresh: true, pendingSourceUpdates: 0 });
    // Daily: due at 24:00 of the next Beijing day.
    expect(m.nextDueAt).toBe(new Date('2026-09-20T00:00:00+08:00').toISOString());
    expect(m.qualityOverall).toBeGreaterThan(0);
    expect(d).toMatchObject({ memberCount: 2, loadedCount: 1, freshCount: 1, overdueCount: 0, freshShare: 0.5 });
    expect(d.averageQuality).toBe(m.qualityOverall);
  });

  it('is overdue once the due instant has passed, not before', async () => {
    env.clock.set('2026-09-19T23:59:59+08:00');
    expect(member(await detail('base-legal-person'), '企业营业执照信息')).toMatchObject({ overdue: false, fresh: true });
    env.clock.set('2026-09-20T00:00:00+08:00');
    expect(member(await detail('base-legal-person'), '企业营业执照信息')).toMatchObject({ overdue: true, fresh: false });
    const { items } = ok(await analyst.get('/api/v1/collections')) as { items: CollectionSummary[] };
    expect(items.find((c) => c.code === 'base-legal-person')).toMatchObject({ overdueCount: 1, freshCount: 0 });
  });
});

describe('managing the collections', () => {
  it('the platform administrator creates a collection, audited; others may not', async () => {
    const body = { code: 'theme-tourism', kind: 'theme', name: '文化旅游', description: '旅游接待与消费', leadOrgIds: [] as string[] };
    expect(refused(await analyst.post('/api/v1/collections', body), 403).message).toContain('平台管理员');
    const sy = await db().selectFrom('orgs').select('id').where('name', '=', '三亚市政务服务数据管理局').executeTakeFirstOrThrow();
    const c = ok(await admin.post('/api/v1/collections', { ...body, leadOrgIds: [sy.id] }), 201) as CollectionDetail;
    expect(c).toMatchObject({ code: 'theme-tourism', kind: 'theme', name: '文化旅游', memberCount: 0, leads: [{ id: sy.id, name: '三亚市政务服务数据管理局' }] });
    const ev = await db().selectFrom('audit_events').select(['action', 'actor_user_id']).where('object_id', '=', c.id).execute();
    expect(ev.map((e) => e.action)).toEqual(['collection.create']);
  });

  it('refuses a taken code or name and a malformed code', async () => {
    expect(refused(await admin.post('/api/v1/collections', { code: 'theme-tourism', kind: 'theme', name: '另一个' }), 409).code).toBe('DUPLICATE');
    expect(refused(await admin.post('/api/v1/collections', { code: 'theme-tourism-2', kind: 'theme', name: '人口基础库' }), 409).code).toBe('DUPLICATE');
    const bad = refused(await admin.post('/api/v1/collections', { code: 'Theme Tourism', kind: 'theme', name: '新主题' }), 400) as { fields?: Array<{ field: string }> };
    expect(bad.fields?.[0]?.field).toBe('code');
  });

  it('adds published entries as members and removes them, each audited', async () => {
    const tourism = await entryId('三亚市旅游接待统计');
    const d = ok(await admin.post('/api/v1/collections/theme-tourism/members', { entryIds: [tourism, tourism] })) as CollectionDetail;
    expect(d.members.map((m) => m.name)).toEqual(['三亚市旅游接待统计']);
    // Adding again changes nothing.
    expect((ok(await admin.post('/api/v1/collections/theme-tourism/members', { entryIds: [tourism] })) as CollectionDetail).memberCount).toBe(1);
    expect(refused(await analyst.post('/api/v1/collections/theme-tourism/members', { entryIds: [tourism] }), 403).code).toBe('FORBIDDEN');
    const removed = ok(await admin.del(`/api/v1/collections/theme-tourism/members/${tourism}`)) as CollectionDetail;
    expect(removed.memberCount).toBe(0);
    expect(refused(await admin.del(`/api/v1/collections/theme-tourism/members/${tourism}`), 404).code).toBe('NOT_FOUND');
    const c = await db().selectFrom('collections').select('id').where('code', '=', 'theme-tourism').executeTakeFirstOrThrow();
    const ev = await db().selectFrom('audit_events').select('action').where('object_id', '=', c.id).orderBy('seq').execute();
    expect(ev.map((e) => e.action)).toEqual(['collection.create', 'collection.member_add', 'collection.member_remove']);
  });

  it('refuses an unpublished entry, citing 000 第十条', async () => {
    const draft = await entryId('户籍迁移登记信息');
    const err = refused(await admin.post('/api/v1/collections/base-population/members', { entryIds: [draft] }), 422);
    expect(err).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第十条' });
    expect(err.message).toContain('户籍迁移登记信息');
  });

  it('edits the name, description and leads', async () => {
    const c = ok(await admin.patch('/api/v1/collections/theme-tourism', { name: '文化旅游主题库', description: '更新说明', leadOrgIds: [] })) as CollectionDetail;
    expect(c).toMatchObject({ name: '文化旅游主题库', description: '更新说明', leads: [] });
    expect(refused(await admin.patch('/api/v1/collections/theme-tourism', { name: '  ' }), 400).code).toBe('VALIDATION');
    expect(refused(await analyst.patch('/api/v1/collections/theme-tourism', { name: 'x' }), 403).code).toBe('FORBIDDEN');
  });
});
