/**
 * Open-data demand collection over HTTP (000 第十八条; 001 第三十一条): proposals by anyone signed
 * in, one support per user, the authority's public answers (a refusal needs its basis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import { demandFigures } from './demands.service.js';

let env: TestEnv;
let as: Awaited<ReturnType<typeof signIn>>;
const db = () => env.k.db.kysely;
const ART18 = '000 第十八条';
const anon = (url: string) => env.app.inject({ method: 'GET', url });

const propose = (login: string, extra: Record<string, unknown> = {}) =>
  as(login).post('/api/v1/open/demands', { title: '海口市充电桩分布', description: '充电桩位置、功率和收费标准', scenario: '新能源车主找桩的手机应用', contact: '13800000000', ...extra });

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  as = await signIn(env.app, ['zhangsan', 'yelin_admin', 'hkfgw_analyst', 'yshj_reviewer', 'sjj_reviewer', 'gat_admin']);
});

afterAll(async () => {
  await env?.close();
});

describe('proposing (000 第十八条)', () => {
  it('is open to anyone signed in and waits on the sharing authority’s ledger', async () => {
    const d = ok(await propose('zhangsan'), 201);
    expect(d).toMatchObject({ status: 'open', supportCount: 0, proposer: '张*', contact: '13800000000', mine: true });
    const duty = await db().selectFrom('duties').selectAll().where('case_type', '=', 'open_demand').where('case_id', '=', d.id).executeTakeFirstOrThrow();
    expect(duty).toMatchObject({ duty: 'answer', status: 'open', due_date: null });
    const events = await db().selectFrom('audit_events').select('action').where('object_id', '=', d.id).execute();
    expect(events.map((e) => e.action)).toEqual(['opening.demand_propose']);
  });

  it('needs a sign-in', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/open/demands', payload: { title: 't', description: 'd', scenario: 's' } });
    refused(res, 401, 'UNAUTHENTICATED');
  });

  it('refuses an unknown suggested provider and blank statements', async () => {
    refused(await propose('zhangsan', { provider: '00000000-0000-4000-8000-000000000000' }), 400, 'VALIDATION');
    const e = refused(await propose('zhangsan', { title: ' ', scenario: ' ' }), 400, 'VALIDATION');
    expect(e.fields?.map((f) => f.field)).toEqual(['title', 'scenario']);
  });
});

describe('supporting', () => {
  it('counts each user once, toggles off, and refuses a second support', async () => {
    const d = ok(await propose('yelin_admin', { title: '三亚市民宿登记信息' }), 201);
    const s1 = ok(await as('zhangsan').post(`/api/v1/open/demands/${d.id}/support`));
    expect(s1).toMatchObject({ supportCount: 1, supported: true });
    refused(await as('zhangsan').post(`/api/v1/open/demands/${d.id}/support`), 409, 'DUPLICATE');
    expect(ok(await as('hkfgw_analyst').post(`/api/v1/open/demands/${d.id}/support`)).supportCount).toBe(2);
    const off = ok(await as('zhangsan').del(`/api/v1/open/demands/${d.id}/support`));
    expect(off).toMatchObject({ supportCount: 1, supported: false });
    refused(await as('zhangsan').del(`/api/v1/open/demands/${d.id}/support`), 404, 'NOT_FOUND');
    ok(await as('zhangsan').post(`/api/v1/open/demands/${d.id}/support`));
    expect(ok(await anon(`/api/v1/open/demands/${d.id}`)).supportCount).toBe(2);
  });

  it('sorts the public list by support', async () => {
    const list = ok(await anon('/api/v1/open/demands?sort=support'));
    expect(list.items[0].title).toBe('三亚市民宿登记信息');
    expect(list.items[0].supported).toBe(false);
    expect(list.total).toBeGreaterThanOrEqual(2);
  });
});

describe('answering (000 第十八条): public, a refusal with its basis', () => {
  it('is for the sharing or data authority only', async () => {
    const d = ok(await propose('zhangsan', { title: '全省景区实时客流' }), 201);
    refused(await as('gat_admin').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'planned', reply: '好' }), 403, 'FORBIDDEN');
    refused(await as('zhangsan').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'planned', reply: '好' }), 403, 'FORBIDDEN');
    ok(await as('sjj_reviewer').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'planned', reply: '已列入 2027 年开放计划' }));
  });

  it('refuses a refusal without basis, then publishes it with one, and the proposer is told', async () => {
    const d = ok(await propose('zhangsan', { title: '个人社保缴费明细' }), 201);
    const e = refused(await as('yshj_reviewer').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'refused', reply: '涉及个人信息' }), 422, 'RULE_VIOLATION', ART18);
    expect(e.fields?.map((f) => f.field)).toEqual(['basis']);
    ok(await as('yshj_reviewer').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'refused', reply: '涉及个人信息', basis: '《海南省促进公共数据资源开发利用办法》第十九条第三项' }));
    const pub = ok(await anon(`/api/v1/open/demands/${d.id}`));
    expect(pub).toMatchObject({ status: 'refused', reply: '涉及个人信息', basis: '《海南省促进公共数据资源开发利用办法》第十九条第三项', answeredBy: '海南省营商环境建设厅', contact: null });
    const duty = await db().selectFrom('duties').select('status').where('case_type', '=', 'open_demand').where('case_id', '=', d.id).executeTakeFirstOrThrow();
    expect(duty.status).toBe('met');
    const proposer = await db().selectFrom('orgs').select('id').where('name', '=', '张三').executeTakeFirstOrThrow();
    expect(await db().selectFrom('notifications').select('id').where('org_id', '=', proposer.id).where('kind', '=', 'opening.demand_answered').where('title', 'like', '%个人社保缴费明细%').execute()).toHaveLength(1);
    refused(await as('zhangsan').post(`/api/v1/open/demands/${d.id}/support`), 409, 'INVALID_STATE', ART18);
    refused(await as('yshj_reviewer').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'planned', reply: '改为计划' }), 409, 'INVALID_STATE', ART18);
  });

  it('answers opened with an open entry, not one closed to the public', async () => {
    const d = ok(await propose('hkfgw_analyst', { title: '公共停车场泊位' }), 201);
    const entryOf = (name: string) =>
      db()
        .selectFrom('catalog_entries as e')
        .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
        .select(['e.id', 'e.code'])
        .where('v.name', '=', name)
        .executeTakeFirstOrThrow();
    const parking = await entryOf('海口市公共停车场信息');
    const population = await entryOf('人口基础信息');
    refused(await as('yshj_reviewer').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'opened', reply: '已开放' }), 422, 'RULE_VIOLATION', ART18);
    refused(await as('yshj_reviewer').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'opened', reply: '已开放', entryId: population.id }), 422, 'RULE_VIOLATION', ART18);
    const r = ok(await as('yshj_reviewer').post(`/api/v1/open/demands/${d.id}/answer`, { status: 'opened', reply: '已在开放平台开放', entryId: parking.id }));
    expect(r).toMatchObject({ status: 'opened', entry: { id: parking.id, code: parking.code, name: '海口市公共停车场信息' }, proposer: '海口市发展和改革委员会' });
    // The proposer and the authority see the contact; the public does not.
    expect(r.contact).toBe('13800000000');
    expect(ok(await anon(`/api/v1/open/demands/${d.id}`)).contact).toBeNull();
  });

  it('filters the public list by status and words, and counts the year', async () => {
    const refusedOnes = ok(await anon('/api/v1/open/demands?status=refused'));
    expect(refusedOnes.items.map((i: { title: string }) => i.title)).toEqual(['个人社保缴费明细']);
    const words = ok(await anon(`/api/v1/open/demands?q=${encodeURIComponent('民宿')}`));
    expect(words.total).toBe(1);
    const paged = ok(await anon('/api/v1/open/demands?limit=2&offset=0'));
    expect(paged.items).toHaveLength(2);
    expect(paged.total).toBe(5);
    const f = await demandFigures(db(), 2026);
    expect(f).toMatchObject({ year: 2026, total: 5, byStatus: { open: 2, planned: 1, opened: 1, refused: 1 }, answered: 3, supports: 2 });
    expect((await demandFigures(db(), 2027)).total).toBe(0);
  });
});

describe('the API document', () => {
  it('lists the demand and application routes, the public ones without security', async () => {
    const doc = ok(await anon('/api/openapi.json'));
    for (const path of ['/api/v1/open/demands', '/api/v1/open/demands/{id}/support', '/api/v1/open/demands/{id}/answer', '/api/v1/open/applications', '/api/v1/open/applications/{id}/extension-decision']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/v1/open/demands'].get.security).toEqual([]);
  });
});
