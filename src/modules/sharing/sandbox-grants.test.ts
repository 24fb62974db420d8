/**
 * Sandbox grants over HTTP (数据可用不可见; 002 第十一条; 003 第三条; 004 第二十五条): the demo operator
 * 海南数据运营有限公司 (yy) asks 省公安厅 (gat) for in-platform analysis of 人口基础信息; gat answers
 * with column policies, the group threshold, differential privacy and release approval, each checked
 * on both sides of its limit; fields without a policy take the default by their personal-information
 * kind; the provider changes the settings later (audited, never refreshing spent ε); and no delivery
 * path hands out the rows of a grant that is only for the sandbox.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import type { Client } from '../../../test/harness.js';
import { makePublishedEntry } from '../ingest/factories.js';
import { lookups } from '../../../test/lookups.js';

let env: TestEnv;
let as: (login: string) => Client;
const db = () => env.k.db.kysely;
const { orgId, notes, audits } = lookups(db);
const LOGINS = ['yunying_engineer', 'yunying_admin', 'kaifa_dev', 'goumai_buyer', 'zhangsan', 'gat_clerk', 'gat_officer', 'scj_clerk', 'scj_officer', 'sthj_officer'];

const ART_SANDBOX = '003 第三条；004 第二十五条';
const ART_SETTINGS = '002 第十一条';
let PROFILE_MIN = 0;
let PROFILE_SOURCE = '';

const E = { population: '', populationCode: '', people: '', vehicles: '', licences: '' };
const O = { gat: '', yy: '', scj: '' };
/** The demo operator's sandbox grant on 人口基础信息 made by the demo seed. */
const POPULATION_FIELDS = ['id_number', 'name', 'gender', 'birth_date', 'address'];
const DEFAULTS = { id_number: 'join_key', name: 'hidden', gender: 'plain', birth_date: 'group_key', address: 'group_key' };

const body = (entryId: string, extra: Record<string, unknown> = {}) => ({
  entryId,
  fields: POPULATION_FIELDS,
  basis: '《海南省公共数据资源授权运营协议》第三条',
  scenario: '人口结构统计分析产品研发',
  scope: '海南数据运营有限公司数据产品研发部',
  method: 'sandbox',
  validUntil: '2027-09-30',
  ...extra,
});
const create = (login: string, b: Record<string, unknown>) => as(login).post('/api/v1/sharing/requests', b);
const sign = (login: string, id: string) => as(login).post(`/api/v1/sharing/requests/${id}/sign`);
const decide = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/sharing/requests/${id}/decide`, { decision: 'approve', reason: '同意在平台内分析', ...b });
const putSandbox = (login: string, id: string, b: Record<string, unknown>) => as(login).put(`/api/v1/grants/${id}/sandbox`, b);
const grant = async (id: string) => ok(await as('gat_officer').get(`/api/v1/grants/${id}`));

/** A signed sandbox request waiting for the provider's answer: by yy's engineer, signed by its admin. */
async function pending(entryId = E.population, extra: Record<string, unknown> = {}, requester = 'yunying_engineer', signer = 'yunying_admin') {
  const r = ok(await create(requester, body(entryId, extra)), 201);
  const s = ok(await sign(signer, r.id));
  expect(s.status).toBe('pending');
  return s;
}

async function entryOf(name: string): Promise<{ id: string; code: string }> {
  return db()
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.code'])
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  as = await signIn(env.app, LOGINS);
  const population = await entryOf('人口基础信息');
  E.population = population.id;
  E.populationCode = population.code;
  E.vehicles = (await entryOf('机动车登记信息')).id;
  E.licences = (await entryOf('企业营业执照信息')).id;
  // A test entry of gat with numbers (household, income) for the DP bounds, provided only in the sandbox.
  E.people = await makePublishedEntry(env.k, '海南省公安厅', undefined, '测试人口收入数据', { provisionMethods: ['sandbox'] });
  O.gat = await orgId('海南省公安厅');
  O.yy = await orgId('海南数据运营有限公司');
  O.scj = await orgId('海南省市场监督管理局');
  PROFILE_MIN = env.k.profile.params.sandboxMinGroupSize.value;
  PROFILE_SOURCE = env.k.profile.params.sandboxMinGroupSize.source;
});

afterAll(async () => {
  await env?.close();
});

describe('the demo’s sandbox grants', () => {
  it('gives the operator 人口基础信息 with the default policies, no DP, no release approval, through request, signature and answer', async () => {
    const list = ok(await as('yunying_engineer').get(`/api/v1/grants?role=subject&entryId=${E.population}`));
    expect(list.total).toBe(1);
    const g = list.items[0];
    expect(g.provider.id).toBe(O.gat);
    expect(g.methods).toEqual(['sandbox']);
    expect(g.status).toBe('active');
    expect(g.sandbox).toMatchObject({ columnPolicies: DEFAULTS, minGroupSize: null, effectiveMinGroupSize: PROFILE_MIN, dp: null, releaseApproval: false });
    const requestId = g.source.caseId;
    for (const action of ['sharing.request_create', 'sharing.request_sign', 'sharing.request_approve']) expect(await audits(action, requestId), action).toHaveLength(1);
  });

  it('gives the operator 企业营业执照信息 at once, with differential privacy set by the provider', async () => {
    const list = ok(await as('yunying_engineer').get(`/api/v1/grants?role=subject&entryId=${E.licences}`));
    expect(list.total).toBe(1);
    const g = list.items[0];
    expect(g.sandbox.columnPolicies).toEqual({ uscc: 'plain', type: 'plain', reg_date: 'plain', reg_capital: 'aggregate_only' });
    expect(g.sandbox.dp).toEqual({ epsilonBudget: 5, epsilonPerQuery: 0.5, bounds: { reg_capital: [0, 100000] }, maxRowsPerSubject: 1, epsilonSpent: 0 });
    expect(await audits('sharing.grant_sandbox_settings', g.id)).toHaveLength(1);
  });
});

describe('who may ask for in-platform analysis (003 第三条; 004 第二十五条)', () => {
  it('takes a sandbox request from an operator, signed by its org admin, and shows the default policies', async () => {
    const r = ok(await create('yunying_engineer', body(E.population)), 201);
    expect(r.method).toBe('sandbox');
    expect(r.requester.orgId).toBe(O.yy);
    expect(r.columnPolicies).toEqual(DEFAULTS);
    // The engineer (a clerk) cannot sign; the operator's org admin, its main responsible person, does.
    refused(await sign('yunying_engineer', r.id), 403, 'FORBIDDEN');
    const s = ok(await sign('yunying_admin', r.id));
    expect(s.status).toBe('pending');
    expect(s.duty?.dueDate).toBeTruthy();
  });

  it('takes one from a developer and from an institution too', async () => {
    ok(await create('kaifa_dev', body(E.population)), 201);
    ok(await create('scj_clerk', body(E.population, { fields: ['gender', 'birth_date'] })), 201);
  });

  it('refuses an operator any method that hands data out, citing the articles', async () => {
    for (const method of ['api', 'batch', 'file']) {
      const e = refused(await create('yunying_engineer', body(E.population, { method })), 403, 'FORBIDDEN', ART_SANDBOX);
      expect(e.message).toContain('sandbox');
    }
  });

  it('refuses buyers and the public, whatever the method', async () => {
    refused(await create('goumai_buyer', body(E.population)), 403, 'FORBIDDEN');
    refused(await create('zhangsan', body(E.population)), 403, 'FORBIDDEN');
  });

  it('refuses the sandbox method for an entry that does not provide it', async () => {
    const e = refused(await create('yunying_engineer', body(E.vehicles, { fields: ['plate_no'] })), 400, 'VALIDATION');
    expect(e.fields?.map((f) => f.field)).toEqual(['method']);
  });
});

describe('the provider’s answer with column policies (002 第十一条)', () => {
  it('grants with the policies given, the defaults for the rest, the jurisdiction’s threshold exactly, and release approval', async () => {
    const r = await pending();
    const d = ok(await decide('gat_officer', r.id, { columnPolicies: { gender: 'group_key', address: 'filter_only' }, minGroupSize: PROFILE_MIN, releaseApproval: true }));
    expect(d.status).toBe('approved');
    const want = { ...DEFAULTS, gender: 'group_key', address: 'filter_only' };
    expect(d.columnPolicies).toEqual(want);
    // The data is in the sandbox at once: the provide duty is met with the grant.
    expect(d.provideDuty?.status).toBe('met');
    const g = await grant(d.grantId);
    expect(g.methods).toEqual(['sandbox']);
    expect(g.sandbox).toEqual({
      columnPolicies: want,
      minGroupSize: PROFILE_MIN,
      effectiveMinGroupSize: PROFILE_MIN,
      minGroupSizeSource: '数据提供单位设置',
      dp: null,
      releaseApproval: true,
    });
    const row = await db().selectFrom('grants').selectAll().where('id', '=', d.grantId).executeTakeFirstOrThrow();
    expect(row.column_policies).toEqual(want);
    expect(row.release_approval).toBe(true);
    const [event] = await audits('sharing.request_approve', r.id);
    expect((event?.details as { sandbox?: unknown }).sandbox).toMatchObject({ columnPolicies: want, minGroupSize: PROFILE_MIN, releaseApproval: true });
    expect(await notes(O.yy, 'sharing.request_approved')).not.toHaveLength(0);
  });

  it('gives every field its default when no policy is named, and the jurisdiction’s threshold', async () => {
    const r = await pending();
    const d = ok(await decide('gat_officer', r.id, {}));
    expect(d.columnPolicies).toEqual(DEFAULTS);
    const g = await grant(d.grantId);
    expect(g.sandbox).toMatchObject({ columnPolicies: DEFAULTS, minGroupSize: null, effectiveMinGroupSize: PROFILE_MIN, minGroupSizeSource: PROFILE_SOURCE, dp: null, releaseApproval: false });
    // The list shows the same settings; a grant by another method has none.
    const list = ok(await as('yunying_engineer').get('/api/v1/grants?role=subject'));
    expect(list.items.find((x: { id: string }) => x.id === d.grantId)?.sandbox?.columnPolicies).toEqual(DEFAULTS);
  });

  it('refuses a policy that is not one of the six, naming the field', async () => {
    const r = await pending();
    const e = refused(await decide('gat_officer', r.id, { columnPolicies: { name: 'hidden', gender: 'visible' } }), 400, 'VALIDATION', ART_SETTINGS);
    expect(e.fields?.map((f) => f.field)).toEqual(['columnPolicies/gender']);
    expect(e.message).toContain('gender');
    // Refused as a whole: still pending, nothing granted.
    expect(ok(await as('gat_officer').get(`/api/v1/sharing/requests/${r.id}`)).status).toBe('pending');
  });

  it('refuses a policy for a field that was not requested, naming it', async () => {
    const r = await pending(E.population, { fields: ['gender', 'birth_date'] });
    const e = refused(await decide('gat_officer', r.id, { columnPolicies: { gender: 'plain', address: 'plain' } }), 400, 'VALIDATION', ART_SETTINGS);
    expect(e.fields?.map((f) => f.field)).toEqual(['columnPolicies/address']);
    expect(e.message).toContain('address');
    const d = ok(await decide('gat_officer', r.id, { columnPolicies: { gender: 'plain' } }));
    expect(d.columnPolicies).toEqual({ gender: 'plain', birth_date: 'group_key' });
  });

  it('refuses a threshold below the jurisdiction’s and takes one above it', async () => {
    const r = await pending();
    const e = refused(await decide('gat_officer', r.id, { minGroupSize: PROFILE_MIN - 1 }), 422, 'RULE_VIOLATION', PROFILE_SOURCE);
    expect(e.fields?.map((f) => f.field)).toEqual(['minGroupSize']);
    const d = ok(await decide('gat_officer', r.id, { minGroupSize: PROFILE_MIN + 5 }));
    expect((await grant(d.grantId)).sandbox.effectiveMinGroupSize).toBe(PROFILE_MIN + 5);
  });

  it('refuses sandbox settings on a request of another method and on a refusal', async () => {
    const api = ok(await create('scj_clerk', { ...body(E.population, { method: 'api', fields: ['id_number', 'name'] }) }), 201);
    ok(await sign('scj_officer', api.id));
    const e = refused(await decide('gat_officer', api.id, { columnPolicies: { name: 'plain' } }), 400, 'VALIDATION', ART_SETTINGS);
    expect(e.fields?.map((f) => f.field)).toEqual(['columnPolicies']);
    const r = await pending();
    refused(await as('gat_officer').post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'refuse', reason: '不同意', basis: '依据', releaseApproval: true }), 400, 'VALIDATION', ART_SETTINGS);
    // Without them the refusal goes through.
    expect(ok(await as('gat_officer').post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'refuse', reason: '不同意', basis: '依据' })).status).toBe('refused');
  });
});

describe('differential privacy of a sandbox grant', () => {
  const PEOPLE = ['id_number', 'region', 'household', 'income'];
  const dp = (extra: Record<string, unknown> = {}) => ({ epsilonBudget: 1, epsilonPerQuery: 0.1, bounds: { income: [0, 50000] }, maxRowsPerSubject: 1, ...extra });
  const people = () => pending(E.people, { fields: PEOPLE });

  it('refuses an ε per query above the budget and takes one equal to it', async () => {
    const r = await people();
    const e = refused(await decide('gat_officer', r.id, { dp: dp({ epsilonPerQuery: 1.01 }) }), 400, 'VALIDATION', ART_SETTINGS);
    expect(e.fields?.map((f) => f.field)).toEqual(['dp/epsilonPerQuery']);
    const d = ok(await decide('gat_officer', r.id, { dp: dp({ epsilonPerQuery: 1 }) }));
    expect((await grant(d.grantId)).sandbox.dp).toEqual({ epsilonBudget: 1, epsilonPerQuery: 1, bounds: { income: [0, 50000] }, maxRowsPerSubject: 1, epsilonSpent: 0 });
  });

  it('refuses bounds whose low end is not below the high end, and takes lo < hi', async () => {
    const r = await people();
    const e = refused(await decide('gat_officer', r.id, { dp: dp({ bounds: { income: [100, 100] } }) }), 400, 'VALIDATION');
    expect(e.fields?.map((f) => f.field)).toEqual(['dp/bounds/income']);
    refused(await decide('gat_officer', r.id, { dp: dp({ bounds: { household: [10, 1] } }) }), 400, 'VALIDATION');
    const d = ok(await decide('gat_officer', r.id, { dp: dp({ bounds: { income: [100, 100.5], household: [1, 10] } }) }));
    expect((await grant(d.grantId)).sandbox.dp.bounds).toEqual({ income: [100, 100.5], household: [1, 10] });
  });

  it('refuses bounds on a field that is not numeric or not requested', async () => {
    const r = await people();
    const e = refused(await decide('gat_officer', r.id, { dp: dp({ bounds: { region: [0, 1], name: [0, 1] } }) }), 400, 'VALIDATION');
    expect(e.fields?.map((f) => f.field)).toEqual(['dp/bounds/region', 'dp/bounds/name']);
    expect(e.message).toContain('region');
    ok(await decide('gat_officer', r.id, { dp: dp() }));
  });

  it('refuses a non-positive budget at the schema', async () => {
    const r = await people();
    refused(await decide('gat_officer', r.id, { dp: dp({ epsilonBudget: 0 }) }), 400, 'VALIDATION');
    refused(await decide('gat_officer', r.id, { dp: dp({ maxRowsPerSubject: 0 }) }), 400, 'VALIDATION');
  });
});

describe('granted at once on signature (unconditional entries, instant conditions)', () => {
  it('takes the default policies on an unconditional entry', async () => {
    // 企业营业执照信息 (省市场监管局): unconditional, provided by api, batch and sandbox.
    const r = ok(await create('yunying_engineer', body(E.licences, { fields: ['uscc', 'name', 'legal_rep', 'reg_date', 'reg_capital'] })), 201);
    const s = ok(await sign('yunying_admin', r.id));
    expect(s.status).toBe('approved');
    const want = { uscc: 'plain', name: 'plain', legal_rep: 'hidden', reg_date: 'plain', reg_capital: 'aggregate_only' };
    expect(s.columnPolicies).toEqual(want);
    expect(ok(await as('scj_officer').get(`/api/v1/grants/${s.grantId}`)).sandbox).toMatchObject({ columnPolicies: want, minGroupSize: null, dp: null, releaseApproval: false });
  });

  it('takes the default policies when the provider’s instant-share conditions are met', async () => {
    ok(await as('gat_officer').post('/api/v1/sharing/instant-conditions', { entryId: E.people, requesterOrgRoles: ['operator'] }));
    const r = ok(await create('yunying_engineer', body(E.people, { fields: ['id_number', 'name', 'mobile', 'region', 'company', 'birth', 'household', 'income', 'active'] })), 201);
    const s = ok(await sign('yunying_admin', r.id));
    expect(s.status).toBe('approved');
    expect(s.outcome).toBe('instant_conditions');
    const want = { id_number: 'join_key', name: 'hidden', mobile: 'hidden', region: 'group_key', company: 'group_key', birth: 'plain', household: 'aggregate_only', income: 'aggregate_only', active: 'plain' };
    expect(s.columnPolicies).toEqual(want);
    expect((await grant(s.grantId)).sandbox).toMatchObject({ columnPolicies: want, minGroupSize: null, dp: null, releaseApproval: false });
    ok(await as('gat_officer').post('/api/v1/sharing/instant-conditions', { entryId: E.people, requesterOrgRoles: [] }));
  });
});

describe('changing a sandbox grant’s settings (PUT /api/v1/grants/{id}/sandbox)', () => {
  let grantId = '';
  beforeAll(async () => {
    const r = await pending(E.people, { fields: ['id_number', 'region', 'income'] });
    grantId = ok(await decide('gat_officer', r.id, { dp: { epsilonBudget: 1, epsilonPerQuery: 0.5, bounds: { income: [0, 10000] } } })).grantId;
  });

  it('is the provider’s: the subject and others are refused', async () => {
    refused(await putSandbox('yunying_admin', grantId, { releaseApproval: true, reason: '自行放宽' }), 403, 'FORBIDDEN');
    refused(await putSandbox('scj_officer', grantId, { releaseApproval: true, reason: '无关单位' }), 404, 'NOT_FOUND');
  });

  it('changes the policies named, keeps the rest, audits before and after, and tells the subject', async () => {
    const g = ok(await putSandbox('gat_officer', grantId, { columnPolicies: { region: 'filter_only' }, releaseApproval: true, reason: '区划仅作筛选' }));
    expect(g.sandbox.columnPolicies).toEqual({ id_number: 'join_key', region: 'filter_only', income: 'aggregate_only' });
    expect(g.sandbox.releaseApproval).toBe(true);
    expect(g.sandbox.dp).toMatchObject({ epsilonBudget: 1, epsilonPerQuery: 0.5 });
    const [event] = await audits('sharing.grant_sandbox_settings', grantId);
    const details = event?.details as { before: { columnPolicies: Record<string, string> }; after: { columnPolicies: Record<string, string> }; reason: string };
    expect(details.before.columnPolicies.region).toBe('group_key');
    expect(details.after.columnPolicies.region).toBe('filter_only');
    expect(details.reason).toBe('区划仅作筛选');
    expect((await notes(O.yy, 'sharing.grant_sandbox_settings')).filter((n) => n.link?.includes(grantId))).toHaveLength(1);
  });

  it('refuses a bad policy, a threshold below the jurisdiction’s and invalid DP, changing nothing', async () => {
    const before = await grant(grantId);
    refused(await putSandbox('gat_officer', grantId, { columnPolicies: { income: 'everything' }, reason: 'x' }), 400, 'VALIDATION', ART_SETTINGS);
    refused(await putSandbox('gat_officer', grantId, { minGroupSize: PROFILE_MIN - 1, reason: 'x' }), 422, 'RULE_VIOLATION', PROFILE_SOURCE);
    refused(await putSandbox('gat_officer', grantId, { dp: { epsilonBudget: 1, epsilonPerQuery: 2 }, reason: 'x' }), 400, 'VALIDATION', ART_SETTINGS);
    refused(await putSandbox('gat_officer', grantId, { releaseApproval: false }), 400, 'VALIDATION');
    expect((await grant(grantId)).sandbox).toEqual(before.sandbox);
    ok(await putSandbox('gat_officer', grantId, { minGroupSize: PROFILE_MIN, reason: '等于本辖区规定' }));
  });

  it('grows the ε budget only by this audited change, and never refreshes what was spent', async () => {
    // Two queries spent 0.5 each: the budget of 1 is used up.
    const user = await db().selectFrom('users').select('id').where('login', '=', 'yunying_engineer').executeTakeFirstOrThrow();
    for (let i = 0; i < 2; i++) {
      const q = randomUUID();
      await db()
        .insertInto('sandbox_queries')
        .values({ id: q, org_id: O.yy, user_id: user.id, sql: 'SELECT count(*) FROM "x"', decision: 'accepted', epsilon_spent: 0.5, created_at: env.k.clock.now() })
        .execute();
      await db().insertInto('sandbox_epsilon_ledger').values({ grant_id: grantId, entry_id: E.people, query_id: q, epsilon: 0.5, created_at: env.k.clock.now() }).execute();
    }
    expect((await grant(grantId)).sandbox.dp.epsilonSpent).toBe(1);
    const g = ok(await putSandbox('gat_officer', grantId, { dp: { epsilonBudget: 3, epsilonPerQuery: 0.5, bounds: { income: [0, 10000] } }, reason: '新增研发阶段，增加预算' }));
    expect(g.sandbox.dp).toMatchObject({ epsilonBudget: 3, epsilonSpent: 1 });
    const ledger = await db().selectFrom('sandbox_epsilon_ledger').selectAll().where('grant_id', '=', grantId).execute();
    expect(ledger).toHaveLength(2);
    const events = await audits('sharing.grant_sandbox_settings', grantId);
    const last = events.map((e) => e.details as { before: { dp: { epsilonBudget: number } | null }; after: { dp: { epsilonBudget: number } | null }; epsilonSpent: number }).at(-1);
    expect(last?.before.dp?.epsilonBudget).toBe(1);
    expect(last?.after.dp?.epsilonBudget).toBe(3);
    expect(last?.epsilonSpent).toBe(1);
  });

  it('is refused on a grant that is not a sandbox grant and on a revoked one', async () => {
    const api = ok(await create('scj_clerk', body(E.population, { method: 'api', fields: ['gender'] })), 201);
    ok(await sign('scj_officer', api.id));
    const apiGrant = ok(await decide('gat_officer', api.id, {})).grantId;
    expect((await grant(apiGrant)).sandbox).toBeNull();
    refused(await putSandbox('gat_officer', apiGrant, { releaseApproval: true, reason: 'x' }), 422, 'RULE_VIOLATION', ART_SETTINGS);
    ok(await as('gat_officer').post(`/api/v1/grants/${grantId}/revoke`, { reason: '测试撤销' }));
    refused(await putSandbox('gat_officer', grantId, { releaseApproval: false, reason: 'x' }), 409, 'INVALID_STATE');
  });
});

describe('raw data never leaves (原始数据不出域)', () => {
  let grantId = '';
  beforeAll(async () => {
    // The developer (kf) holds only this sandbox grant on the entry; its org admin signs.
    const r = ok(await create('kaifa_dev', body(E.population, { fields: ['gender', 'birth_date'] })), 201);
    ok(await sign('kaifa_dev', r.id));
    grantId = ok(await decide('gat_officer', r.id, {})).grantId;
  });

  it('refuses the data API to a sandbox-only grant, naming the method', async () => {
    const e = refused(await as('kaifa_dev').get(`/api/v1/data/${encodeURIComponent(E.populationCode)}`), 403, 'FORBIDDEN');
    expect(e.details?.reason).toBe('method');
    expect(e.details?.grantId).toBe(grantId);
    expect(e.message).toContain('原始数据不出域');
    const y = refused(await as('yunying_engineer').get(`/api/v1/data/${encodeURIComponent(E.populationCode)}`), 403, 'FORBIDDEN');
    expect(y.details?.reason).toBe('method');
  });

  it('gives a sandbox-only grant no API key', async () => {
    refused(await as('kaifa_dev').post(`/api/v1/grants/${grantId}/keys`, { name: '沙箱授权的密钥' }), 422, 'RULE_VIOLATION');
  });

  it('refuses an export of a sandbox-only grant, naming the method', async () => {
    const e = refused(await as('kaifa_dev').post('/api/v1/exports', { grantId, format: 'csv' }), 403, 'FORBIDDEN');
    expect(e.details?.reason).toBe('method');
    expect(e.message).toContain('原始数据不出域');
  });
});
