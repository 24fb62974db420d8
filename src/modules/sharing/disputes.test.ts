/**
 * Sharing disputes over HTTP (000 第十六条). Grants between demo institutions: 省公安厅 ⇐ 省市场监管局
 * (both provincial: same level), 海口市发改委 ⇐ 省市场监管局 (cross-level), 海口市发改委 ⇐ 三亚市数据局
 * (cross-region), 海口市发改委 ⇐ 海口市人民政府 (both municipal: same level in 海口市).
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { demoUscc } from '../identity/demo.js';
import { ok, refused } from '../../../test/assert.js';
import { lookups } from '../../../test/lookups.js';

let env: TestEnv;
const clients = new Map<string, Client>();
const as = (login: string) => {
  const c = clients.get(login);
  if (!c) throw new Error(`not signed in: ${login}`);
  return c;
};
const db = () => env.k.db.kysely;
const { orgId, notes, audits, entryId } = lookups(db);
const LOGINS = ['gat_clerk', 'gat_officer', 'gat_admin', 'scj_clerk', 'scj_officer', 'sthj_officer', 'hkfgw_analyst', 'hkfgw_officer', 'hk_admin', 'yshj_reviewer', 'yshj_admin', 'sjj_reviewer', 'admin'];
const ART16 = '000 第十六条';

const duty = (caseId: string, name: string) => db().selectFrom('duties').selectAll().where('case_type', '=', 'dispute').where('case_id', '=', caseId).where('duty', '=', name).executeTakeFirst();

const O = { gat: '', scj: '', hkfgw: '', hk: '', sy: '', yshj: '' };
const G = { province: '', crossLevel: '', crossRegion: '', haikou: '' };

/** A request filed by `clerk`, signed by `officer`; unconditional entries are granted on signature. */
async function request(clerk: string, officer: string, entry: string, fields: string[], sign = true) {
  const r = ok(
    await as(clerk).post('/api/v1/sharing/requests', { entryId: entry, fields, basis: '《优化营商环境条例》', scenario: '政务服务', scope: '本单位', method: 'api', validUntil: '2027-06-30' }),
    201,
  );
  return sign ? ok(await as(officer).post(`/api/v1/sharing/requests/${r.id}/sign`)) : r;
}
const open = (login: string, b: Record<string, unknown>) => as(login).post('/api/v1/disputes', { subject: '共享数据项范围', claim: '提供单位未按授权范围提供数据', ...b });
const step = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/disputes/${id}/steps`, { outcome: '未达成一致', text: '经双方会商，意见分歧', ...b });

beforeAll(async () => {
  env = await testEnv({ now: '2026-09-30T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 90 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
  O.gat = await orgId('海南省公安厅');
  O.scj = await orgId('海南省市场监督管理局');
  O.hkfgw = await orgId('海口市发展和改革委员会');
  O.hk = await orgId('海口市人民政府');
  O.sy = await orgId('三亚市政务服务数据管理局');
  O.yshj = await orgId('海南省营商环境建设厅');
  G.province = (await request('gat_clerk', 'gat_officer', await entryId('企业营业执照信息'), ['uscc', 'name'])).grantId;
  G.crossLevel = (await request('hkfgw_analyst', 'hkfgw_officer', await entryId('企业经营异常名录'), ['uscc', 'name'])).grantId;
  G.crossRegion = (await request('hkfgw_analyst', 'hkfgw_officer', await entryId('三亚市旅游接待统计'), ['month', 'visitors'])).grantId;
  G.haikou = (await request('hkfgw_analyst', 'hkfgw_officer', await entryId('海口市公共停车场信息'), ['lot_code', 'name'])).grantId;
  for (const g of Object.values(G)) expect(g).toBeTruthy();
});

afterAll(async () => {
  await env?.close();
});

describe('raising a dispute (000 第十六条)', () => {
  it('needs a signed-in user', async () => {
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/disputes', payload: { grantId: G.province, subject: 'x', claim: 'y' } })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/disputes' })).statusCode).toBe(401);
  });

  it('is open to either party’s data officer or org admin only', async () => {
    refused(await open('gat_clerk', { grantId: G.province }), 403, 'FORBIDDEN');
    refused(await open('scj_clerk', { grantId: G.province }), 403, 'FORBIDDEN');
    // The sharing authority may read the grant but is no party to it.
    refused(await open('yshj_reviewer', { grantId: G.province }), 403, 'FORBIDDEN');
    // A stranger learns nothing of the grant.
    refused(await open('sthj_officer', { grantId: G.province }), 404, 'NOT_FOUND');
    refused(await open('gat_officer', { grantId: randomUUID() }), 404, 'NOT_FOUND');
  });

  it('names one case: a share request or a grant', async () => {
    refused(await open('gat_officer', {}), 400, 'VALIDATION');
    const [r] = await db().selectFrom('share_requests').select('id').where('grant_id', '=', G.province).execute();
    refused(await open('gat_officer', { grantId: G.province, shareRequestId: r?.id }), 400, 'VALIDATION');
  });
});

describe('a dispute at one level: negotiation → coordination → the government’s decision', () => {
  let id = '';

  it('starts with negotiation between the two, behind the same-level authority and government', async () => {
    const d = ok(await open('gat_officer', { grantId: G.province }), 201);
    id = d.id;
    expect(d).toMatchObject({
      case: { type: 'grant', id: G.province },
      claimant: { id: O.gat },
      respondent: { id: O.scj },
      route: 'same_level',
      level: { code: '460000', name: '海南省' },
      authority: { id: O.yshj },
      government: '海南省人民政府',
      status: 'negotiation',
      nextActor: 'parties',
      actions: ['resolve', 'escalate'],
      closedAt: null,
    });
    expect(d.steps).toHaveLength(1);
    expect(d.steps[0]).toMatchObject({ seq: 1, action: 'open', from: null, to: 'negotiation', actor: { orgId: O.gat, userName: '周强' }, text: '提供单位未按授权范围提供数据' });
    expect(await notes(O.gat, 'sharing.dispute_opened')).toHaveLength(1);
    expect(await notes(O.scj, 'sharing.dispute_opened')).toHaveLength(1);
    expect(await notes(O.yshj, 'sharing.dispute_opened')).toHaveLength(0);
    expect(await audits('sharing.dispute_open', id)).toHaveLength(1);
    expect(await duty(id, 'coordinate')).toBeUndefined();
  });

  it('allows one open dispute per case', async () => {
    refused(await open('scj_officer', { grantId: G.province }), 409, 'CONFLICT', ART16);
  });

  it('is shown to the parties, the authority and the platform admin; 404 to others', async () => {
    for (const login of ['gat_clerk', 'scj_clerk', 'yshj_reviewer', 'admin']) ok(await as(login).get(`/api/v1/disputes/${id}`));
    for (const login of ['sthj_officer', 'sjj_reviewer', 'hkfgw_officer']) refused(await as(login).get(`/api/v1/disputes/${id}`), 404, 'NOT_FOUND');
    refused(await step('sthj_officer', id, { action: 'resolve' }), 404, 'NOT_FOUND');
    refused(await as('gat_officer').get(`/api/v1/disputes/${randomUUID()}`), 404, 'NOT_FOUND');
    expect(ok(await as('yshj_reviewer').get(`/api/v1/disputes/${id}`)).actions).toEqual([]);
  });

  it('takes in negotiation only the parties’ data officers and org admins, with outcome and text', async () => {
    refused(await step('gat_clerk', id, { action: 'escalate' }), 403, 'FORBIDDEN', ART16);
    refused(await step('yshj_reviewer', id, { action: 'escalate' }), 403, 'FORBIDDEN', ART16);
    refused(await step('gat_officer', id, { action: 'decide' }), 409, 'INVALID_STATE', ART16);
    refused(await step('gat_officer', id, { action: 'escalate', outcome: ' ' }), 422, 'RULE_VIOLATION', ART16);
    refused(await step('gat_officer', id, { action: 'escalate', text: '' }), 422, 'RULE_VIOLATION', ART16);
  });

  it('goes to the authority’s coordination when negotiation fails, notifying both parties and the authority', async () => {
    const d = ok(await step('scj_officer', id, { action: 'escalate', outcome: '协商不成', text: '双方对数据项范围理解不一致' }));
    expect(d).toMatchObject({ status: 'coordination', nextActor: 'authority', actions: [] });
    expect(d.steps[1]).toMatchObject({ seq: 2, action: 'escalate', from: 'negotiation', to: 'coordination', actor: { orgId: O.scj }, outcome: '协商不成' });
    for (const org of [O.gat, O.scj, O.yshj]) expect(await notes(org, 'sharing.dispute_coordination')).toHaveLength(1);
    expect(await duty(id, 'coordinate')).toMatchObject({ owner_org_id: O.yshj, status: 'open', source: ART16, due_at: null });
    expect(ok(await as('yshj_reviewer').get(`/api/v1/disputes/${id}`)).actions).toEqual(['resolve', 'escalate']);
  });

  it('takes in coordination only the authority’s reviewer or org admin', async () => {
    refused(await step('gat_officer', id, { action: 'resolve' }), 403, 'FORBIDDEN', ART16);
    refused(await step('gat_admin', id, { action: 'escalate' }), 403, 'FORBIDDEN', ART16);
    refused(await step('yshj_reviewer', id, { action: 'decide' }), 409, 'INVALID_STATE', ART16);
  });

  it('is submitted to the government when coordination fails', async () => {
    const d = ok(await step('yshj_reviewer', id, { action: 'escalate', outcome: '经协调处理仍未达成一致', text: '报海南省人民政府决定' }));
    expect(d).toMatchObject({ status: 'decision', nextActor: 'authority', actions: ['decide'] });
    expect(await duty(id, 'coordinate')).toMatchObject({ status: 'met' });
    expect(await duty(id, 'decision')).toMatchObject({ owner_org_id: O.yshj, status: 'open' });
    for (const org of [O.gat, O.scj]) expect(await notes(org, 'sharing.dispute_decision')).toHaveLength(1);
    refused(await step('yshj_reviewer', id, { action: 'resolve' }), 409, 'INVALID_STATE', ART16);
    refused(await step('yshj_reviewer', id, { action: 'escalate' }), 409, 'INVALID_STATE', ART16);
    refused(await step('scj_officer', id, { action: 'decide' }), 403, 'FORBIDDEN', ART16);
  });

  it('closes with the government’s decision, recorded by the authority', async () => {
    env.clock.set('2026-10-12T09:00:00+08:00');
    const d = ok(await step('yshj_admin', id, { action: 'decide', outcome: '按原授权范围共享', text: '琼府函〔2026〕1号' }));
    expect(d).toMatchObject({ status: 'decided', nextActor: null, actions: [], closedAt: '2026-10-12T01:00:00.000Z' });
    expect(d.steps.map((s: { action: string }) => s.action)).toEqual(['open', 'escalate', 'escalate', 'decide']);
    expect(d.steps[3]).toMatchObject({ actor: { orgId: O.yshj, userName: '王海' }, outcome: '按原授权范围共享', text: '琼府函〔2026〕1号', at: '2026-10-12T01:00:00.000Z' });
    expect(await duty(id, 'decision')).toMatchObject({ status: 'met' });
    for (const org of [O.gat, O.scj]) expect(await notes(org, 'sharing.dispute_decided')).toHaveLength(1);
    for (const a of ['sharing.dispute_escalate', 'sharing.dispute_decide']) expect((await audits(a, id)).length).toBeGreaterThan(0);
    refused(await step('yshj_admin', id, { action: 'decide' }), 409, 'INVALID_STATE', ART16);
  });

  it('is listed for each side', async () => {
    const mine = (res: LightMyRequestResponse) => (ok(res).items as Array<{ id: string }>).map((x) => x.id);
    expect(mine(await as('gat_clerk').get('/api/v1/disputes'))).toContain(id);
    expect(mine(await as('scj_officer').get('/api/v1/disputes?role=party'))).toContain(id);
    expect(mine(await as('yshj_reviewer').get('/api/v1/disputes?role=authority'))).toContain(id);
    expect(mine(await as('yshj_reviewer').get('/api/v1/disputes?role=party'))).not.toContain(id);
    expect(mine(await as('sthj_officer').get('/api/v1/disputes'))).not.toContain(id);
    expect(mine(await as('admin').get('/api/v1/disputes?role=all'))).toContain(id);
    refused(await as('gat_officer').get('/api/v1/disputes?role=all'), 403, 'FORBIDDEN');
  });
});

describe('a dispute over a share request, settled by negotiation', () => {
  it('waits for the request to be signed and submitted', async () => {
    const r = await request('scj_clerk', 'scj_officer', await entryId('人口基础信息'), ['id_number', 'name'], false);
    refused(await open('scj_officer', { shareRequestId: r.id }), 409, 'INVALID_STATE', ART16);
    // Before the signature the provider does not see the request at all.
    refused(await open('gat_officer', { shareRequestId: r.id }), 404, 'NOT_FOUND');
    const signed = ok(await as('scj_officer').post(`/api/v1/sharing/requests/${r.id}/sign`));
    expect(signed.status).toBe('pending');
    const d = ok(await open('scj_officer', { shareRequestId: r.id }), 201);
    expect(d).toMatchObject({ case: { type: 'share_request', id: r.id }, claimant: { id: O.scj }, respondent: { id: O.gat }, status: 'negotiation' });
    const done = ok(await step('gat_admin', d.id, { action: 'resolve', outcome: '达成一致', text: '双方同意缩小申请的数据项' }));
    expect(done).toMatchObject({ status: 'resolved', nextActor: null });
    expect(done.closedAt).not.toBeNull();
    for (const org of [O.gat, O.scj]) expect(await notes(org, 'sharing.dispute_resolved')).not.toHaveLength(0);
    refused(await step('gat_admin', d.id, { action: 'escalate' }), 409, 'INVALID_STATE', ART16);
  });
});

describe('cross-level and cross-region disputes go straight to the provincial authority', () => {
  it('cross-level (海口市 ⇄ 省): coordination by the provincial authority, decision by the provincial government', async () => {
    const d = ok(await open('hkfgw_officer', { grantId: G.crossLevel }), 201);
    expect(d).toMatchObject({ route: 'cross_level', status: 'coordination', level: { code: '460000' }, authority: { id: O.yshj }, government: '海南省人民政府', nextActor: 'authority' });
    expect(d.steps[0]).toMatchObject({ action: 'open', from: null, to: 'coordination' });
    expect(await duty(d.id, 'coordinate')).toMatchObject({ owner_org_id: O.yshj, status: 'open' });
    expect(await notes(O.yshj, 'sharing.dispute_opened')).not.toHaveLength(0);
    // No negotiation step: the parties cannot record one.
    refused(await step('hkfgw_officer', d.id, { action: 'resolve' }), 403, 'FORBIDDEN', ART16);
    const done = ok(await step('yshj_reviewer', d.id, { action: 'resolve', outcome: '经协调达成一致', text: '按批量方式补充提供' }));
    expect(done.status).toBe('resolved');
    expect(await duty(d.id, 'coordinate')).toMatchObject({ status: 'met' });
  });

  it('cross-region (海口市 ⇄ 三亚市): coordination by the provincial authority', async () => {
    const d = ok(await open('hkfgw_officer', { grantId: G.crossRegion }), 201);
    expect(d).toMatchObject({ route: 'cross_region', status: 'coordination', claimant: { id: O.hkfgw }, respondent: { id: O.sy }, level: { code: '460000' }, authority: { id: O.yshj }, government: '海南省人民政府' });
  });
});

describe('a dispute within 海口市', () => {
  it('is decided by 海口市人民政府 and coordinated by the nearest authority when the city has none on the platform', async () => {
    const d = ok(await open('hk_admin', { grantId: G.haikou }), 201);
    expect(d).toMatchObject({ route: 'same_level', status: 'negotiation', claimant: { id: O.hk }, respondent: { id: O.hkfgw }, level: { code: '460100', name: '海口市' }, government: '海口市人民政府', authority: { id: O.yshj } });
    ok(await step('hkfgw_officer', d.id, { action: 'resolve', outcome: '达成一致', text: '已补充停车场数据' }));
  });

  it('goes to the city’s own authority when there is one', async () => {
    const city = randomUUID();
    await db()
      .insertInto('orgs')
      .values({ id: city, name: '海口市营商环境建设局', uscc: demoUscc('11', '460100', 990), kind: 'organization', region_code: '460100', parent_id: null, roles: ['sharing_authority'], created_at: new Date() })
      .execute();
    const d = ok(await open('hkfgw_officer', { grantId: G.haikou }), 201);
    expect(d).toMatchObject({ route: 'same_level', level: { code: '460100' }, authority: { id: city, name: '海口市营商环境建设局' }, government: '海口市人民政府' });
    const e = ok(await step('hk_admin', d.id, { action: 'escalate', outcome: '协商不成', text: '对停车场收费字段是否共享有分歧' }));
    expect(e.status).toBe('coordination');
    expect(await notes(city, 'sharing.dispute_coordination')).toHaveLength(1);
    // The provincial authority does not coordinate it and does not see it.
    refused(await step('yshj_reviewer', d.id, { action: 'resolve' }), 404, 'NOT_FOUND');
  });
});

describe('API description', () => {
  it('lists the use-limit and dispute paths', async () => {
    const doc = ok(await env.app.inject({ method: 'GET', url: '/api/openapi.json' })) as { paths: Record<string, unknown> };
    for (const p of ['/api/v1/grants/{id}/use-requests', '/api/v1/use-requests', '/api/v1/use-requests/{id}', '/api/v1/use-requests/{id}/decide', '/api/v1/disputes', '/api/v1/disputes/{id}', '/api/v1/disputes/{id}/steps']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});
