/**
 * Share requests and grants over HTTP (000 第十四条), on the working-day calendar around National
 * Day 2026 (10-01…10-07 off, Saturday 10-10 a 调休 working day). Requests are signed on Wednesday
 * 30 September, the eve of the holiday: a conditional entry's 2 working days run to Friday 10-09.
 * Demo entries: 企业营业执照信息 (省市场监管局, unconditional), 人口基础信息 and 机动车登记信息
 * (省公安厅, conditional), 在逃人员信息 (省公安厅, not shared).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { AppError } from '../../kernel/errors.js';
import { checkGrant } from './grants.service.js';
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
const { orgId, notes, audits } = lookups(db);
const LOGINS = [
  'gat_clerk',
  'gat_officer',
  'gat_admin',
  'scj_clerk',
  'scj_officer',
  'sthj_clerk',
  'sthj_officer',
  'hkfgw_analyst',
  'hkfgw_officer',
  'yshj_reviewer',
  'sjj_reviewer',
  'admin',
  'dsj_clerk',
  'zhangsan',
  'yunying_admin',
];
const ART14 = '000 第十四条';

async function entryId(name: string): Promise<string> {
  const r = await db()
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.id')
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
  return r.id;
}

const E = { licences: '', abnormal: '', population: '', vehicles: '', fugitives: '' };
const O = { gat: '', scj: '', sthj: '', hkfgw: '', yshj: '' };

const body = (entry: string, extra: Record<string, unknown> = {}) => ({
  entryId: entry,
  fields: ['id_number', 'name'],
  basis: '《中华人民共和国行政许可法》第三十一条',
  scenario: '企业开办登记时核验法定代表人身份',
  scope: '省市场监督管理局登记注册处',
  method: 'api',
  validUntil: '2027-09-30',
  ...extra,
});
const create = (login: string, b: Record<string, unknown>) => as(login).post('/api/v1/sharing/requests', b);
const sign = (login: string, id: string) => as(login).post(`/api/v1/sharing/requests/${id}/sign`);
const decide = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/sharing/requests/${id}/decide`, b);
const extend = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/sharing/requests/${id}/extend`, b);
const get = (login: string, id: string) => as(login).get(`/api/v1/sharing/requests/${id}`);
async function signed(requester: string, officer: string, b: Record<string, unknown>) {
  const r = ok(await create(requester, b), 201);
  return ok(await sign(officer, r.id));
}

beforeAll(async () => {
  // Wednesday 30 September 2026, the eve of National Day.
  env = await testEnv({ now: '2026-09-30T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 90 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
  E.licences = await entryId('企业营业执照信息');
  E.abnormal = await entryId('企业经营异常名录');
  E.population = await entryId('人口基础信息');
  E.vehicles = await entryId('机动车登记信息');
  E.fugitives = await entryId('在逃人员信息');
  O.gat = await orgId('海南省公安厅');
  O.scj = await orgId('海南省市场监督管理局');
  O.sthj = await orgId('海南省生态环境厅');
  O.hkfgw = await orgId('海口市发展和改革委员会');
  O.yshj = await orgId('海南省营商环境建设厅');
});

afterAll(async () => {
  await env?.close();
});

describe('filing a request (000 第十四条)', () => {
  it('is open to a demand institution’s clerk and waits for its data officer’s signature', async () => {
    const r = ok(await create('scj_clerk', body(E.population)), 201);
    expect(r.status).toBe('awaiting_signature');
    expect(r.grantId).toBeNull();
    expect(r.duty).toBeNull();
    expect(r.fields).toEqual(['id_number', 'name']);
    expect(r.requester.orgId).toBe(O.scj);
    expect(r.provider.id).toBe(O.gat);
    expect(await notes(O.scj, 'sharing.request_to_sign')).not.toHaveLength(0);
    expect(await audits('sharing.request_create', r.id)).toHaveLength(1);
  });

  it('needs a signed-in user on every route', async () => {
    for (const [method, url] of [
      ['POST', '/api/v1/sharing/requests'],
      ['GET', '/api/v1/sharing/requests'],
      ['GET', '/api/v1/grants'],
    ] as const) {
      const res = await env.app.inject({ method, url, ...(method === 'POST' ? { payload: body(E.population) } : {}) });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('is refused to anyone but a public institution’s data staff', async () => {
    refused(await create('zhangsan', body(E.population)), 403, 'FORBIDDEN');
    refused(await create('yunying_admin', body(E.population)), 403, 'FORBIDDEN');
    refused(await create('yshj_reviewer', body(E.population)), 403, 'FORBIDDEN');
  });

  it('is refused to the provider for its own entry', async () => {
    refused(await create('gat_clerk', body(E.population)), 422, 'RULE_VIOLATION', ART14);
  });

  it('names the published entry, its fields and one of its provision methods', async () => {
    refused(await create('scj_clerk', body('00000000-0000-4000-8000-000000000000')), 404, 'NOT_FOUND');
    const bad = refused(await create('scj_clerk', body(E.population, { fields: ['id_number', 'salary'] })), 400, 'VALIDATION');
    expect(bad.fields?.map((f) => f.field)).toEqual(['fields/1']);
    // 人口基础信息 is provided by service API only.
    expect(refused(await create('scj_clerk', body(E.population, { method: 'batch' })), 400, 'VALIDATION').fields?.[0]?.field).toBe('method');
    expect(refused(await create('scj_clerk', body(E.population, { validUntil: '2026-09-30' })), 400, 'VALIDATION').fields?.[0]?.field).toBe('validUntil');
    expect(refused(await create('scj_clerk', body(E.population, { basis: '  ' })), 400, 'VALIDATION').fields?.[0]?.field).toBe('basis');
  });

  it('takes the sandbox method only for an entry that provides it (sandbox-grants.test.ts covers the rest)', async () => {
    const e = refused(await create('scj_clerk', body(E.vehicles, { fields: ['plate_no'], method: 'sandbox' })), 400, 'VALIDATION');
    expect(e.fields?.map((f) => f.field)).toEqual(['method']);
    expect(e.message).toContain('sandbox');
  });
});

describe('signing (000 第十四条 经本单位数据工作机构负责人同意)', () => {
  it('needs the requester’s own data officer; before it the request is unknown to the provider and the authority', async () => {
    const r = ok(await create('gat_clerk', body(E.licences, { fields: ['uscc', 'name'] })), 201);
    refused(await sign('gat_clerk', r.id), 403, 'FORBIDDEN');
    refused(await sign('gat_admin', r.id), 403, 'FORBIDDEN');
    refused(await sign('scj_officer', r.id), 404, 'NOT_FOUND');
    refused(await sign('sthj_officer', r.id), 404, 'NOT_FOUND');
    refused(await get('yshj_reviewer', r.id), 404, 'NOT_FOUND');
    ok(await get('admin', r.id));
    expect((ok(await as('scj_officer').get('/api/v1/sharing/requests?role=provider')).items as Array<{ id: string }>).some((x) => x.id === r.id)).toBe(false);
    const s = ok(await sign('gat_officer', r.id));
    expect(s.status).toBe('approved');
    refused(await sign('gat_officer', r.id), 409, 'INVALID_STATE');
  });

  it('grants an unconditional entry at once; by API the provision is met at once', async () => {
    const s = await signed('gat_clerk', 'gat_officer', body(E.licences, { fields: ['uscc', 'name', 'legal_rep'] }));
    expect(s.status).toBe('approved');
    expect(s.shareAttr).toBe('unconditional');
    expect(s.outcome).toBe('automatic');
    expect(s.grantId).toEqual(expect.any(String));
    expect(s.duty).toBeNull();
    expect(s.provideDuty).toMatchObject({ status: 'met', workingDays: 10, source: env.k.profile.params.deliveryAfterConsentDays.source });
    const g = await db().selectFrom('grants').selectAll().where('id', '=', s.grantId).executeTakeFirstOrThrow();
    expect(g).toMatchObject({ subject_org_id: O.gat, provider_org_id: O.scj, entry_id: E.licences, fields: ['uscc', 'name', 'legal_rep'], methods: ['api'], status: 'active', source_case_type: 'share_request', source_case_id: s.id });
    // The end of 2027-09-30 in Beijing: 24:00, i.e. 16:00 UTC.
    expect(g.valid_until.toISOString()).toBe('2027-09-30T16:00:00.000Z');
    expect(await notes(O.gat, 'sharing.request_approved')).not.toHaveLength(0);
    expect(await notes(O.scj, 'sharing.request_auto_approved')).not.toHaveLength(0);
    expect((await audits('sharing.request_sign', s.id))[0]?.grant_id).toBe(s.grantId);
  });

  it('by batch leaves the provide duty open for 10 working days after consent (000 第十四条)', async () => {
    const s = await signed('hkfgw_analyst', 'hkfgw_officer', body(E.licences, { fields: ['uscc', 'name'], method: 'batch', validUntil: '2026-10-31' }));
    expect(s.status).toBe('approved');
    // 10-08, 10-09, 10-10 (调休), 10-12 … 10-20: ten working days after 09-30.
    expect(s.provideDuty).toMatchObject({ status: 'open', dueDate: '2026-10-20', overdue: false, workingDays: 10 });
  });

  it('refuses a not-shared entry at once, citing the entry’s legal basis (000 第十二条)', async () => {
    const s = await signed('scj_clerk', 'scj_officer', body(E.fugitives));
    expect(s.status).toBe('refused');
    expect(s.outcome).toBe('not_shared');
    expect(s.reason).toContain('不予共享');
    expect(s.refusalBasis).toContain('《中华人民共和国人民警察法》第二十二条');
    expect(s.grantId).toBeNull();
    expect(s.duty).toBeNull();
    expect(await notes(O.scj, 'sharing.request_refused')).not.toHaveLength(0);
  });
});

describe('a conditional entry: the provider replies within 2 working days (000 第十四条)', () => {
  const ids = { a: '', onTime: '', late: '', tooLate: '', lateConsent: '', vehicles: '' };

  beforeAll(async () => {
    env.clock.set('2026-09-30T10:00:00+08:00');
    ids.a = (await signed('scj_clerk', 'scj_officer', body(E.population))).id;
    ids.onTime = (await signed('scj_clerk', 'scj_officer', body(E.population, { fields: ['id_number'] }))).id;
    ids.late = (await signed('scj_clerk', 'scj_officer', body(E.population, { fields: ['name'] }))).id;
    ids.tooLate = (await signed('hkfgw_analyst', 'hkfgw_officer', body(E.population))).id;
    ids.lateConsent = (await signed('hkfgw_analyst', 'hkfgw_officer', body(E.population, { fields: ['gender'] }))).id;
    ids.vehicles = (await signed('scj_clerk', 'scj_officer', body(E.vehicles, { fields: ['plate_no', 'owner_name'], method: 'batch' }))).id;
  });

  it('is pending with the reply duty due on Friday 10-09, across National Day, supervised by the authority', async () => {
    const r = ok(await get('scj_clerk', ids.a));
    expect(r.status).toBe('pending');
    expect(r.shareAttr).toBe('conditional');
    expect(r.duty).toMatchObject({ status: 'open', dueDate: '2026-10-09', workingDays: 2, remainingWorkingDays: 2, overdue: false, source: ART14 });
    expect(r.late).toBe(false);
    const d = await db().selectFrom('duties').selectAll().where('case_id', '=', ids.a).where('duty', '=', 'reply').executeTakeFirstOrThrow();
    expect(d.owner_org_id).toBe(O.gat);
    expect(d.supervisor_org_id).toBe(O.yshj);
    expect((await notes(O.gat, 'sharing.request_received')).length).toBeGreaterThanOrEqual(6);
  });

  it('is answered by the provider’s data officer or org admin only; others get 403 or 404', async () => {
    refused(await decide('gat_clerk', ids.a, { decision: 'approve' }), 403, 'FORBIDDEN');
    refused(await decide('scj_officer', ids.a, { decision: 'approve' }), 403, 'FORBIDDEN');
    refused(await decide('yshj_reviewer', ids.a, { decision: 'approve' }), 403, 'FORBIDDEN');
    refused(await decide('sthj_officer', ids.a, { decision: 'approve' }), 404, 'NOT_FOUND');
  });

  it('refuses a refusal without its basis or its reason (000 第十四条)', async () => {
    const e = refused(await decide('gat_officer', ids.a, { decision: 'refuse', reason: '申请用途与履职无关' }), 422, 'RULE_VIOLATION', ART14);
    expect(e.message).toContain('依据');
    refused(await decide('gat_officer', ids.a, { decision: 'refuse', basis: '《居民身份证法》第六条', reason: ' ' }), 422, 'RULE_VIOLATION', ART14);
    expect(ok(await get('gat_officer', ids.a)).status).toBe('pending');
  });

  describe('extending the reply (000 第十四条: at most 5 working days, with the authority’s consent)', () => {
    it('refuses 6 days, takes the provider’s application for 5, and gives the authority a decision duty', async () => {
      env.clock.set('2026-10-08T09:00:00+08:00');
      refused(await extend('gat_officer', ids.a, { days: 6, reason: '需核实申请单位职责' }), 422, 'RULE_VIOLATION', ART14);
      refused(await extend('scj_officer', ids.a, { days: 5, reason: '代为申请' }), 403, 'FORBIDDEN');
      refused(await extend('gat_clerk', ids.a, { days: 5, reason: '需核实' }), 403, 'FORBIDDEN');
      refused(await extend('sthj_officer', ids.a, { days: 5, reason: '需核实' }), 404, 'NOT_FOUND');
      refused(await extend('yshj_reviewer', ids.a, { days: 5, reason: '同意' }), 409, 'INVALID_STATE');
      const r = ok(await extend('gat_officer', ids.a, { days: 5, reason: '需会同户籍管理部门核实申请单位职责' }));
      expect(r.extension).toMatchObject({ status: 'requested', days: 5 });
      expect(r.duty.dueDate).toBe('2026-10-09');
      expect(r.extensionDuty).toMatchObject({ status: 'open', workingDays: 1, dueDate: '2026-10-09' });
      const d = await db().selectFrom('duties').selectAll().where('case_id', '=', ids.a).where('duty', '=', 'extension_decision').executeTakeFirstOrThrow();
      expect(d.owner_org_id).toBe(O.yshj);
      refused(await extend('gat_officer', ids.a, { days: 3, reason: '再次申请' }), 409, 'CONFLICT');
      expect(await notes(O.yshj, 'sharing.extension_requested')).toHaveLength(1);
    });

    it('is consented by the authority only, and the requester is told of the new due date', async () => {
      refused(await extend('sjj_reviewer', ids.a, { days: 5, reason: '同意' }), 404, 'NOT_FOUND');
      refused(await extend('yshj_reviewer', ids.a, { days: 6, reason: '同意' }), 422, 'RULE_VIOLATION', ART14);
      const r = ok(await extend('yshj_reviewer', ids.a, { days: 5, reason: '特殊原因属实，同意延期' }));
      expect(r.extension).toMatchObject({ status: 'consented', days: 5, comment: '特殊原因属实，同意延期' });
      // From the end of the window: 10-10 (调休), 10-12, 10-13, 10-14, 10-15.
      expect(r.duty).toMatchObject({ dueDate: '2026-10-15', extensionCount: 1, extendedDays: 5, overdue: false });
      expect(r.extensionDuty.status).toBe('met');
      const told = await notes(O.scj, 'sharing.reply_extended');
      expect(told).toHaveLength(1);
      expect(told[0]?.title).toContain('2026-10-15');
      expect(await notes(O.gat, 'sharing.extension_consented')).toHaveLength(1);
      expect(await audits('sharing.extension_consent', ids.a)).toHaveLength(1);
    });

    it('allows no second extension (Decision 3: one per duty)', async () => {
      refused(await extend('gat_officer', ids.a, { days: 1, reason: '仍需核实' }), 422, 'RULE_VIOLATION', ART14);
    });

    it('counts an application made before the window ends even when the consent comes after it', async () => {
      env.clock.set('2026-10-09T22:00:00+08:00');
      ok(await extend('gat_admin', ids.lateConsent, { days: 3, reason: '系统升级' }));
      env.clock.set('2026-10-10T09:00:00+08:00');
      const r = ok(await extend('yshj_reviewer', ids.lateConsent, { days: 2, reason: '同意延长 2 个工作日' }));
      expect(r.extension).toMatchObject({ status: 'consented', days: 2 });
      expect(r.duty).toMatchObject({ dueDate: '2026-10-12', overdue: false });
    });

    it('refuses an application after the window has ended', async () => {
      env.clock.set('2026-10-10T09:00:00+08:00');
      const e = refused(await extend('gat_officer', ids.tooLate, { days: 5, reason: '来不及' }), 422, 'RULE_VIOLATION', ART14);
      expect(e.message).toContain('届满前');
    });

    it('may be refused by the authority, and the provider is told', async () => {
      env.clock.set('2026-10-09T09:00:00+08:00');
      ok(await extend('gat_officer', ids.vehicles, { days: 2, reason: '数据量大' }));
      const r = ok(await extend('yshj_reviewer', ids.vehicles, { days: 2, reason: '理由不充分', decision: 'refuse' }));
      expect(r.extension).toMatchObject({ status: 'refused' });
      expect(r.duty).toMatchObject({ dueDate: '2026-10-09', extensionCount: 0 });
      expect(await notes(O.gat, 'sharing.extension_refused')).toHaveLength(1);
    });
  });

  it('takes an answer on the last day, at 23:00, as on time; an extension still awaiting the authority becomes moot', async () => {
    env.clock.set('2026-10-09T10:00:00+08:00');
    expect(ok(await extend('gat_officer', ids.onTime, { days: 2, reason: '需补充核实' })).extension).toMatchObject({ status: 'requested' });
    env.clock.set('2026-10-09T23:00:00+08:00');
    const r = ok(await decide('gat_officer', ids.onTime, { decision: 'approve' }));
    expect(r.status).toBe('approved');
    expect(r.extension).toMatchObject({ status: 'moot', days: 2 });
    expect(r.extensionDuty.status).toBe('cancelled');
    expect(r.late).toBe(false);
    expect(r.duty.status).toBe('met');
    expect(r.provideDuty.status).toBe('met');
    expect(r.grantId).toEqual(expect.any(String));
  });

  it('shows an unanswered request as overdue on both sides, and a late answer as late', async () => {
    env.clock.set('2026-10-10T10:00:00+08:00');
    const before = ok(await get('scj_officer', ids.late));
    expect(before.duty.overdue).toBe(true);
    expect(before.late).toBe(true);
    const inbox = ok(await as('gat_officer').get('/api/v1/sharing/requests?role=provider&status=pending'));
    expect(inbox.items.find((x: { id: string }) => x.id === ids.late)?.duty.overdue).toBe(true);
    const r = ok(await decide('gat_admin', ids.late, { decision: 'refuse', reason: '申请的数据项超出履职需要', basis: '《中华人民共和国个人信息保护法》第三十四条' }));
    expect(r).toMatchObject({ status: 'refused', outcome: 'decision', late: true, reason: '申请的数据项超出履职需要', refusalBasis: '《中华人民共和国个人信息保护法》第三十四条' });
    expect(r.duty.status).toBe('met');
    expect(r.grantId).toBeNull();
    expect(await audits('sharing.request_refuse', ids.late)).toHaveLength(1);
    refused(await decide('gat_admin', ids.late, { decision: 'approve' }), 409, 'INVALID_STATE');
    refused(await extend('gat_officer', ids.late, { days: 1, reason: '已答复' }), 409, 'INVALID_STATE');
  });

  it('approves within the extended window, and batch provision stays open for the delivery', async () => {
    env.clock.set('2026-10-14T10:00:00+08:00');
    const a = ok(await decide('gat_officer', ids.a, { decision: 'approve', reason: '符合共享条件' }));
    expect(a).toMatchObject({ status: 'approved', late: false, outcome: 'decision' });
    const v = ok(await decide('gat_officer', ids.vehicles, { decision: 'approve' }));
    expect(v.late).toBe(true);
    // 10 working days after 10-14: 10-15 … 10-28.
    expect(v.provideDuty).toMatchObject({ status: 'open', dueDate: '2026-10-28' });
  });
});

describe('instant-share conditions (000 第十四条 即时共享条件)', () => {
  it('are set by the provider’s data officer or org admin, for a conditional entry only', async () => {
    env.clock.set('2026-10-14T10:00:00+08:00');
    const b = { entryId: E.population, requesterOrgIds: [O.sthj], fields: ['id_number', 'name'] };
    refused(await as('gat_clerk').post('/api/v1/sharing/instant-conditions', b), 403, 'FORBIDDEN');
    refused(await as('scj_officer').post('/api/v1/sharing/instant-conditions', b), 403, 'FORBIDDEN');
    refused(await as('scj_officer').post('/api/v1/sharing/instant-conditions', { entryId: E.licences, fields: ['uscc'] }), 422, 'RULE_VIOLATION', ART14);
    refused(await as('gat_officer').post('/api/v1/sharing/instant-conditions', { ...b, fields: ['wage'] }), 400, 'VALIDATION');
    const c = ok(await as('gat_officer').post('/api/v1/sharing/instant-conditions', b));
    expect(c).toMatchObject({ requesterOrgIds: [O.sthj], fields: ['id_number', 'name'] });
    expect(ok(await as('sthj_clerk').get(`/api/v1/sharing/instant-conditions?entryId=${E.population}`)).requesterOrgIds).toEqual([O.sthj]);
  });

  it('grant a request that meets them at once, and leave others pending', async () => {
    const met = await signed('sthj_clerk', 'sthj_officer', body(E.population, { fields: ['name'] }));
    expect(met).toMatchObject({ status: 'approved', outcome: 'instant_conditions' });
    expect(met.duty).toBeNull();
    expect(met.grantId).toEqual(expect.any(String));
    const wider = await signed('sthj_clerk', 'sthj_officer', body(E.population, { fields: ['name', 'address'] }));
    expect(wider.status).toBe('pending');
    const other = await signed('hkfgw_analyst', 'hkfgw_officer', body(E.population, { fields: ['name'] }));
    expect(other.status).toBe('pending');
  });
});

describe('reading requests', () => {
  it('lists by role and status', async () => {
    const mine = ok(await as('scj_clerk').get('/api/v1/sharing/requests')).items as Array<{ requester: { orgId: string } }>;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x) => x.requester.orgId === O.scj)).toBe(true);
    const refusedOnes = ok(await as('scj_clerk').get('/api/v1/sharing/requests?role=requester&status=refused')).items as Array<{ status: string }>;
    expect(refusedOnes.length).toBe(2);
    const inbox = ok(await as('gat_officer').get('/api/v1/sharing/requests?role=provider')).items as Array<{ provider: { id: string } }>;
    expect(inbox.every((x) => x.provider.id === O.gat)).toBe(true);
  });

  it('documents the routes in the OpenAPI description', async () => {
    const doc = ok(await env.app.inject({ method: 'GET', url: '/api/openapi.json' })) as { paths: Record<string, unknown> };
    for (const p of ['/api/v1/sharing/requests', '/api/v1/sharing/requests/{id}/sign', '/api/v1/sharing/requests/{id}/decide', '/api/v1/sharing/requests/{id}/extend', '/api/v1/grants', '/api/v1/grants/{id}/revoke']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });

  it('shows a request to both sides, the authority and the platform admin; 404 to others', async () => {
    // A signed one: before signature only the requester's org sees it (the test clock stands still, so the list order among equal times is not relied on).
    const r = (ok(await as('scj_clerk').get('/api/v1/sharing/requests')).items as Array<{ id: string; status: string }>).find((x) => x.status !== 'awaiting_signature');
    const id = r?.id ?? '';
    for (const login of ['scj_clerk', 'gat_clerk', 'yshj_reviewer', 'admin']) ok(await get(login, id));
    for (const login of ['sthj_clerk', 'dsj_clerk', 'zhangsan', 'sjj_reviewer']) refused(await get(login, id), 404, 'NOT_FOUND');
  });
});

describe('grants', () => {
  let grantId = '';
  let expiring = '';

  beforeAll(async () => {
    env.clock.set('2026-10-14T10:00:00+08:00');
    const s = await signed('sthj_clerk', 'sthj_officer', body(E.licences, { fields: ['uscc', 'name'], validUntil: '2026-12-31' }));
    grantId = s.grantId;
    const x = await signed('sthj_clerk', 'sthj_officer', body(E.abnormal, { fields: ['uscc', 'reason'], validUntil: '2026-10-20' }));
    expiring = x.grantId;
  });

  it('are listed to their subject and their provider', async () => {
    const sthj = ok(await as('sthj_clerk').get('/api/v1/grants?role=subject')).items as Array<{ id: string; subject: { id: string } }>;
    expect(sthj.some((g) => g.id === grantId)).toBe(true);
    expect(sthj.every((g) => g.subject.id === O.sthj)).toBe(true);
    const scj = ok(await as('scj_clerk').get('/api/v1/grants?role=provider')).items as Array<{ id: string }>;
    expect(scj.some((g) => g.id === grantId)).toBe(true);
    const both = ok(await as('gat_clerk').get('/api/v1/grants')).items as Array<{ provider: { id: string }; subject: { id: string } }>;
    expect(both.some((g) => g.provider.id === O.gat)).toBe(true);
    expect(both.some((g) => g.subject.id === O.gat)).toBe(true);
    expect((ok(await as('hkfgw_analyst').get('/api/v1/grants?role=subject')).items as Array<{ id: string }>).some((g) => g.id === grantId)).toBe(false);
    refused(await as('hkfgw_analyst').get(`/api/v1/grants/${grantId}`), 404, 'NOT_FOUND');
    expect(ok(await as('sthj_clerk').get(`/api/v1/grants/${grantId}`)).status).toBe('active');
  });

  it('are suspended, resumed and revoked by the provider only, with a reason; checkGrant follows at once', async () => {
    const at = () => env.clock.now();
    expect((await checkGrant(env.k, db(), { grantId }, at())).id).toBe(grantId);
    expect((await checkGrant(env.k, db(), { subjectOrgId: O.sthj, entryId: E.licences }, at())).status).toBe('active');

    refused(await as('sthj_officer').post(`/api/v1/grants/${grantId}/suspend`, { reason: '自行暂停' }), 403, 'FORBIDDEN');
    refused(await as('scj_clerk').post(`/api/v1/grants/${grantId}/suspend`, { reason: '经办人暂停' }), 403, 'FORBIDDEN');
    refused(await as('hkfgw_officer').post(`/api/v1/grants/${grantId}/suspend`, { reason: '无关' }), 404, 'NOT_FOUND');
    refused(await as('scj_officer').post(`/api/v1/grants/${grantId}/suspend`, { reason: '  ' }), 422, 'RULE_VIOLATION');
    refused(await as('scj_officer').post(`/api/v1/grants/${grantId}/resume`, { reason: '恢复' }), 409, 'INVALID_STATE');

    const s = ok(await as('scj_officer').post(`/api/v1/grants/${grantId}/suspend`, { reason: '发现超范围使用，暂停核查' }));
    expect(s).toMatchObject({ status: 'suspended', statusReason: '发现超范围使用，暂停核查' });
    await expectRefusal({ grantId }, 'suspended');
    await expectRefusal({ subjectOrgId: O.sthj, entryId: E.licences }, 'suspended');
    expect(await notes(O.sthj, 'sharing.grant_suspend')).toHaveLength(1);
    expect(await audits('sharing.grant_suspend', grantId)).toHaveLength(1);

    expect(ok(await as('scj_officer').post(`/api/v1/grants/${grantId}/resume`, { reason: '核查无误' })).status).toBe('active');
    expect((await checkGrant(env.k, db(), { grantId }, at())).id).toBe(grantId);

    for (const event of ['resume', 'revoke']) {
      refused(await as('sthj_officer').post(`/api/v1/grants/${grantId}/${event}`, { reason: '被授权方' }), 403, 'FORBIDDEN');
      refused(await as('hkfgw_officer').post(`/api/v1/grants/${grantId}/${event}`, { reason: '无关单位' }), 404, 'NOT_FOUND');
    }
    expect(ok(await as('scj_officer').post(`/api/v1/grants/${grantId}/revoke`, { reason: '申请单位违规提供给第三方' })).status).toBe('revoked');
    await expectRefusal({ grantId }, 'revoked');
    await expectRefusal({ subjectOrgId: O.sthj, entryId: E.licences }, 'revoked');
    refused(await as('scj_officer').post(`/api/v1/grants/${grantId}/resume`, { reason: '恢复' }), 409, 'INVALID_STATE');
    expect(await notes(O.sthj, 'sharing.grant_revoke')).toHaveLength(1);
  });

  it('expire at the end of their last day (Beijing time), read at once as expired', async () => {
    env.clock.set('2026-10-20T23:59:00+08:00');
    expect((await checkGrant(env.k, db(), { grantId: expiring })).id).toBe(expiring);
    env.clock.set('2026-10-21T00:00:00+08:00');
    await expectRefusal({ grantId: expiring }, 'expired');
    await expectRefusal({ subjectOrgId: O.sthj, entryId: E.abnormal }, 'expired');
    expect(ok(await as('sthj_clerk').get(`/api/v1/grants/${expiring}`))).toMatchObject({ status: 'expired', recordedStatus: 'active' });
    refused(await as('scj_officer').post(`/api/v1/grants/${expiring}/suspend`, { reason: '过期' }), 409, 'INVALID_STATE');
  });

  it('refuse a read where there is no grant at all', async () => {
    await expectRefusal({ subjectOrgId: O.hkfgw, entryId: E.vehicles }, 'none');
    await expectRefusal({ grantId: '00000000-0000-4000-8000-000000000000' }, 'none');
  });
});

async function expectRefusal(ref: Parameters<typeof checkGrant>[2], reason: string) {
  const e = await checkGrant(env.k, db(), ref).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AppError);
  if (!(e instanceof AppError)) return;
  expect(e.code).toBe('FORBIDDEN');
  expect(e.details?.reason).toBe(reason);
  expect(e.source).toBe(ART14);
}
