/**
 * Conditional open applications over HTTP (000 第二十条), on the working-day calendar around
 * National Day 2026 (10-01…10-07 off, Saturday 10-10 a 调休 working day). Applications are filed
 * on Wednesday 30 September, the eve of the holiday: the provider's 2 working days run to Friday
 * 10-09, and a 5-day extension from the end of that window to Thursday 10-15.
 * Demo entries: 个体工商户登记信息 (省市场监管局, conditional open), 机动车登记信息 (省公安厅,
 * conditional open), 企业营业执照信息 (unconditional), 人口基础信息 (not open, personal information).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import { synthUscc } from '../ingest/synth.js';
import { publishNextVersion } from '../ingest/factories.js';
import { applicationFigures } from './applications.service.js';
import { lookups } from '../../../test/lookups.js';

let env: TestEnv;
let as: Awaited<ReturnType<typeof signIn>>;
const db = () => env.k.db.kysely;
const { orgId, notes } = lookups(db);
const ART20 = '000 第二十条';
const LOGINS = ['zhangsan', 'yelin_admin', 'scj_clerk', 'scj_officer', 'gat_officer', 'gat_admin', 'yshj_reviewer', 'sjj_reviewer', 'admin', 'dsj_clerk', 'hkfgw_analyst'];

async function entry(name: string) {
  return db()
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.code'])
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
}
const duty = (caseId: string, name: string) => db().selectFrom('duties').selectAll().where('case_type', '=', 'open_application').where('case_id', '=', caseId).where('duty', '=', name).executeTakeFirstOrThrow();

const E = { individual: { id: '', code: '' }, vehicles: { id: '', code: '' }, licences: { id: '', code: '' }, population: { id: '', code: '' } };
const O = { scj: '', zs: '', gs: '', yshj: '', dsj: '' };

const body = (entryId: string, extra: Record<string, unknown> = {}) => ({
  entryId,
  purpose: '研究个体工商户的地区分布',
  scenario: '高校课题：海南自贸港市场主体发展报告',
  validUntil: '2027-06-30',
  securityMeasures: '数据存放于单位内网服务器，专人管理，不向第三方提供',
  method: 'api',
  ...extra,
});
const apply = (login: string, b: Record<string, unknown>) => as(login).post('/api/v1/open/applications', b);
const decide = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/open/applications/${id}/decide`, b);
const extend = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/open/applications/${id}/extend`, b);
const vote = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/open/applications/${id}/extension-decision`, b);
const pending = async (login = 'zhangsan', extra: Record<string, unknown> = {}) => ok(await apply(login, body(E.individual.id, extra)), 201);

beforeAll(async () => {
  // Wednesday 30 September 2026, the eve of National Day.
  env = await testEnv({ now: '2026-09-30T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 90 } });
  as = await signIn(env.app, LOGINS);
  E.individual = await entry('个体工商户登记信息');
  E.vehicles = await entry('机动车登记信息');
  E.licences = await entry('企业营业执照信息');
  E.population = await entry('人口基础信息');
  O.scj = await orgId('海南省市场监督管理局');
  O.zs = await orgId('张三');
  O.gs = await orgId('海南椰林食品有限公司');
  O.yshj = await orgId('海南省营商环境建设厅');
  O.dsj = await orgId('海南省大数据管理局');
  // Live data of 个体工商户登记信息, for reads under the grant an approval makes.
  const csv = `uscc,name,operator,address,reg_date\n${[1, 2, 3].map((n) => `${synthUscc('460100', n)},个体户${n},经营者${n},海口市龙华区${n}号,2024-0${n}-01`).join('\n')}\n`;
  const scjClerk = as('scj_clerk');
  const load = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${E.individual.id}/loads?mode=replace`,
    headers: { cookie: scjClerk.cookie, 'x-csrf-token': scjClerk.csrf, 'content-type': 'text/csv' },
    payload: csv,
  });
  expect(ok(load, 201)).toMatchObject({ status: 'committed', rowsAccepted: 3 });
});

afterAll(async () => {
  await env?.close();
});

describe('applying (000 第二十条)', () => {
  it('files a conditional application with the provider’s reply due in 2 working days across National Day', async () => {
    const a = await pending();
    expect(a).toMatchObject({ status: 'pending', method: 'api', grantId: null, provider: { id: O.scj }, applicant: { orgId: O.zs, kind: 'person' } });
    expect(a.fields).toEqual(['uscc', 'name', 'operator', 'address', 'reg_date']);
    expect(a.duty).toMatchObject({ dueDate: '2026-10-09', workingDays: 2, source: ART20, status: 'open', remainingWorkingDays: 2 });
    const d = await duty(a.id, 'reply');
    expect(d).toMatchObject({ owner_org_id: O.scj, supervisor_org_id: O.yshj, due_date: '2026-10-09' });
    expect(await notes(O.scj, 'opening.application_received')).not.toHaveLength(0);
    const events = await db().selectFrom('audit_events').selectAll().where('action', '=', 'opening.application_create').where('object_id', '=', a.id).execute();
    expect(events).toHaveLength(1);
  });

  it('keeps the chosen fields', async () => {
    const a = await pending('zhangsan', { fields: ['name', 'reg_date'] });
    expect(a.fields).toEqual(['name', 'reg_date']);
  });

  it('needs a signed-in applicant', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/open/applications', payload: body(E.individual.id) });
    refused(res, 401, 'UNAUTHENTICATED');
  });

  it('refuses an unconditional entry, pointing to the download', async () => {
    const e = refused(await apply('zhangsan', body(E.licences.id)), 422, 'RULE_VIOLATION', ART20);
    expect(e.message).toContain(`/open/datasets/${E.licences.code}`);
  });

  it('refuses an entry not open, citing its reason', async () => {
    const e = refused(await apply('zhangsan', body(E.population.id)), 422, 'RULE_VIOLATION', '000 第十九条');
    expect(e.message).toContain('涉及个人信息');
  });

  it('refuses the provider applying for its own data', async () => {
    refused(await apply('scj_officer', body(E.individual.id)), 422, 'RULE_VIOLATION', ART20);
  });

  it('needs the purpose, scenario and security measures stated', async () => {
    const e = refused(await apply('zhangsan', body(E.individual.id, { securityMeasures: ' ', purpose: '' })), 400, 'VALIDATION', ART20);
    expect(e.fields?.map((f) => f.field)).toEqual(['purpose', 'securityMeasures']);
  });

  it('takes a time limit of tomorrow and refuses one of today', async () => {
    refused(await apply('zhangsan', body(E.individual.id, { validUntil: '2026-09-30' })), 400, 'VALIDATION', ART20);
    ok(await apply('zhangsan', body(E.individual.id, { validUntil: '2026-10-01' })), 201);
  });

  it('refuses a field the entry does not have', async () => {
    const e = refused(await apply('zhangsan', body(E.individual.id, { fields: ['nope'] })), 400, 'VALIDATION');
    expect(e.message).toContain('nope');
  });
});

describe('answering (000 第二十条)', () => {
  it('refuses a refusal without reason and legal basis, then takes one with both and tells the applicant', async () => {
    const a = await pending();
    refused(await decide('scj_officer', a.id, { decision: 'refuse' }), 422, 'RULE_VIOLATION', ART20);
    const e = refused(await decide('scj_officer', a.id, { decision: 'refuse', reason: '数据正在治理' }), 422, 'RULE_VIOLATION', ART20);
    expect(e.message).toContain('法律依据');
    refused(await decide('scj_officer', a.id, { decision: 'refuse', basis: '《个人信息保护法》第十三条' }), 422, 'RULE_VIOLATION', ART20);
    const r = ok(await decide('scj_officer', a.id, { decision: 'refuse', reason: '经营者姓名属于个人信息，申请用途无需逐户明细', basis: '《个人信息保护法》第六条' }));
    expect(r).toMatchObject({ status: 'refused', reason: '经营者姓名属于个人信息，申请用途无需逐户明细', basis: '《个人信息保护法》第六条', grantId: null, late: false });
    expect((await duty(a.id, 'reply')).status).toBe('met');
    expect(await notes(O.zs, 'opening.application_refused')).not.toHaveLength(0);
    refused(await decide('scj_officer', a.id, { decision: 'approve' }), 409, 'INVALID_STATE');
  });

  it('is given by the provider’s data officer, not its clerk; another org does not see it', async () => {
    const a = await pending();
    refused(await decide('scj_clerk', a.id, { decision: 'approve' }), 403, 'FORBIDDEN');
    refused(await decide('gat_officer', a.id, { decision: 'approve' }), 404, 'NOT_FOUND');
    refused(await as('gat_officer').get(`/api/v1/open/applications/${a.id}`), 404, 'NOT_FOUND');
    refused(await decide('zhangsan', a.id, { decision: 'approve' }), 403, 'FORBIDDEN');
  });

  it('cannot approve once the entry has become not open, only refuse', async () => {
    const a = ok(await apply('zhangsan', body(E.vehicles.id, { fields: ['plate_no', 'vehicle_type'] })), 201);
    // The provider publishes a new version of the entry that is not open (the factory's versions are `none`).
    const v = await db()
      .selectFrom('catalog_entries as e')
      .innerJoin('catalog_versions as cv', (j) => j.onRef('cv.entry_id', '=', 'e.id').onRef('cv.version', '=', 'e.published_version'))
      .select(['cv.fields', 'cv.name'])
      .where('e.id', '=', E.vehicles.id)
      .executeTakeFirstOrThrow();
    await publishNextVersion(env.k, E.vehicles.id, v.fields, v.name);
    refused(await decide('gat_officer', a.id, { decision: 'approve' }), 422, 'RULE_VIOLATION', '000 第十九条');
    expect(ok(await decide('gat_officer', a.id, { decision: 'refuse', reason: '该目录已调整为不予开放', basis: '000 第十九条第三项' })).status).toBe('refused');
    refused(await apply('zhangsan', body(E.vehicles.id, { fields: ['plate_no'] })), 422, 'RULE_VIOLATION', '000 第十九条');
  });

  it('lists the provider’s inbox and the applicant’s own, with paging', async () => {
    const inbox = ok(await as('scj_officer').get('/api/v1/open/applications?role=provider&status=pending&limit=2'));
    expect(inbox.items).toHaveLength(2);
    expect(inbox.total).toBeGreaterThan(2);
    expect(inbox.items.every((i: { status: string; can: { decide: boolean } }) => i.status === 'pending' && i.can.decide)).toBe(true);
    const mine = ok(await as('zhangsan').get('/api/v1/open/applications'));
    expect(mine.items.every((i: { applicant: { orgId: string }; can: { decide: boolean } }) => i.applicant.orgId === O.zs && !i.can.decide)).toBe(true);
    expect(ok(await as('yelin_admin').get('/api/v1/open/applications')).items.filter((i: { applicant: { orgId: string } }) => i.applicant.orgId === O.zs)).toHaveLength(0);
  });
});

describe('an approval becomes a grant served by delivery', () => {
  let grantId = '';
  it('approves, makes the grant and tells the applicant', async () => {
    const a = ok(await apply('yelin_admin', body(E.individual.id, { fields: ['uscc', 'name', 'reg_date'] })), 201);
    const r = ok(await decide('scj_officer', a.id, { decision: 'approve', reason: '用途明确，安全措施充分' }));
    expect(r.status).toBe('approved');
    grantId = r.grantId;
    const g = await db().selectFrom('grants').selectAll().where('id', '=', grantId).executeTakeFirstOrThrow();
    expect(g).toMatchObject({ subject_org_id: O.gs, provider_org_id: O.scj, entry_id: E.individual.id, fields: ['uscc', 'name', 'reg_date'], methods: ['api'], source_case_type: 'open_application', source_case_id: a.id, status: 'active' });
    expect(g.valid_until.toISOString()).toBe('2027-06-30T16:00:00.000Z');
    expect(await notes(O.gs, 'opening.application_approved')).not.toHaveLength(0);
    const detail = ok(await as('yelin_admin').get(`/api/v1/open/applications/${a.id}`));
    expect(detail.timeline.map((t: { action: string }) => t.action)).toEqual(['opening.application_create', 'opening.application_approve']);
    expect(detail.timeline[1]).toMatchObject({ actor: '何军', org: '海南省市场监督管理局' });
  });

  it('is readable through /api/v1/data/{code} with a key of the grant, granted fields only', async () => {
    const key = ok(await as('yelin_admin').post(`/api/v1/grants/${grantId}/keys`, { name: '课题数据' }), 201);
    const res = await env.app.inject({ method: 'GET', url: `/api/v1/data/${E.individual.code}`, headers: { authorization: `Bearer ${key.key}` } });
    const page = ok(res);
    expect(page.items).toHaveLength(3);
    expect(Object.keys(page.items[0]).sort()).toEqual(['name', 'reg_date', 'uscc']);
  });

  it('is refused to anonymous callers and to an applicant without a grant', async () => {
    refused(await env.app.inject({ method: 'GET', url: `/api/v1/data/${E.individual.code}` }), 401, 'UNAUTHENTICATED');
    // 张三 applied but was not approved; 海口市发改委 never applied.
    refused(await as('zhangsan').get(`/api/v1/data/${E.individual.code}`), 403, 'FORBIDDEN');
    refused(await as('hkfgw_analyst').get(`/api/v1/data/${E.individual.code}`), 403, 'FORBIDDEN');
    // Nor is conditional data downloadable from the portal: anonymous → 401, an applicant without a grant → 403.
    const download = `/api/v1/open/entries/${E.individual.code}/download?format=csv`;
    refused(await env.app.inject({ method: 'GET', url: download }), 401, 'UNAUTHENTICATED', ART20);
    refused(await as('zhangsan').get(download), 403, 'FORBIDDEN', ART20);
  });

  it('serves a natural person’s grant to that person: a key of the grant and reads in the session', async () => {
    const a = ok(await apply('zhangsan', body(E.individual.id, { fields: ['uscc', 'name'] })), 201);
    const g = ok(await decide('scj_officer', a.id, { decision: 'approve', reason: '个人研究用途明确' }));
    const key = ok(await as('zhangsan').post(`/api/v1/grants/${g.grantId}/keys`, { name: '个人研究' }), 201);
    const byKey = ok(await env.app.inject({ method: 'GET', url: `/api/v1/data/${E.individual.code}`, headers: { authorization: `Bearer ${key.key}` } }));
    expect(Object.keys(byKey.items[0]).sort()).toEqual(['name', 'uscc']);
    const inSession = ok(await as('zhangsan').get(`/api/v1/data/${E.individual.code}`));
    expect(inSession.items).toHaveLength(byKey.items.length);
    // Another public account holds no grant on it.
    refused(await as('yelin_admin').post(`/api/v1/grants/${g.grantId}/keys`, { name: '借用' }), 404, 'NOT_FOUND');
  });
});

describe('extending the reply (000 第二十条: ≤ 5 working days, both the authority and the platform operator consent)', () => {
  it('refuses more than 5 days, and a clerk or the applicant applying', async () => {
    const a = await pending();
    refused(await extend('scj_officer', a.id, { days: 6, reason: '需核查数据' }), 422, 'RULE_VIOLATION', ART20);
    refused(await extend('scj_clerk', a.id, { days: 5, reason: '需核查数据' }), 403, 'FORBIDDEN');
    refused(await extend('zhangsan', a.id, { days: 5, reason: '需核查数据' }), 403, 'FORBIDDEN');
  });

  it('is granted only when both consent, from the end of the window, and the applicant is told', async () => {
    const a = await pending();
    expect(ok(await as('scj_officer').get(`/api/v1/open/applications/${a.id}`)).can).toEqual({ decide: true, extend: true, voteAs: null });
    const x = ok(await extend('scj_officer', a.id, { days: 5, reason: '需会同区县核查经营者信息' }));
    expect(x.can.extend).toBe(false);
    expect(x.extension).toMatchObject({ status: 'requested', days: 5 });
    expect(x.extension.approvers.map((p: { role: string }) => p.role)).toEqual(['sharing_authority', 'platform_admin']);
    expect((await duty(a.id, 'extension_consent:sharing_authority')).owner_org_id).toBe(O.yshj);
    expect((await duty(a.id, 'extension_consent:platform_admin')).owner_org_id).toBe(O.dsj);
    refused(await extend('scj_officer', a.id, { days: 2, reason: '再次' }), 409, 'CONFLICT');
    // Neither the data authority (it does not even see the case) nor the provider may consent.
    refused(await vote('sjj_reviewer', a.id, { decision: 'consent', comment: '同意' }), 404, 'NOT_FOUND');
    refused(await vote('scj_officer', a.id, { decision: 'consent', comment: '同意' }), 403, 'FORBIDDEN', ART20);
    const one = ok(await vote('yshj_reviewer', a.id, { decision: 'consent', comment: '同意延期' }));
    expect(one.extension.status).toBe('requested');
    expect(one.duty.dueDate).toBe('2026-10-09');
    refused(await vote('yshj_reviewer', a.id, { decision: 'consent', comment: '再次同意' }), 409, 'CONFLICT');
    expect(await notes(O.zs, 'opening.reply_extended')).toHaveLength(0);
    const both = ok(await vote('dsj_clerk', a.id, { decision: 'consent', comment: '同意' }));
    expect(both.extension.status).toBe('consented');
    // 10-09 + 5 working days: Sat 10-10 (调休), Mon 10-12 … Thu 10-15.
    expect(both.duty).toMatchObject({ dueDate: '2026-10-15', extensionCount: 1, extendedDays: 5 });
    expect(ok(await as('scj_officer').get(`/api/v1/open/applications/${a.id}`)).can).toEqual({ decide: true, extend: false, voteAs: null });
    expect((await duty(a.id, 'extension_consent:platform_admin')).status).toBe('met');
    expect(await notes(O.zs, 'opening.reply_extended')).toHaveLength(1);
    // At most one extension per duty (Decision 3).
    refused(await extend('scj_officer', a.id, { days: 1, reason: '还需时间' }), 422, 'RULE_VIOLATION', ART20);
  });

  it('is refused when one approver refuses, the other’s duty cancelled and the window unchanged', async () => {
    const a = await pending();
    ok(await extend('scj_officer', a.id, { days: 3, reason: '需核查' }));
    const r = ok(await vote('admin', a.id, { decision: 'refuse', comment: '理由不充分' }));
    expect(r.extension.status).toBe('refused');
    expect(r.duty.dueDate).toBe('2026-10-09');
    expect((await duty(a.id, 'extension_consent:sharing_authority')).status).toBe('cancelled');
    expect(await notes(O.scj, 'opening.extension_refused')).not.toHaveLength(0);
    refused(await vote('yshj_reviewer', a.id, { decision: 'consent', comment: '同意' }), 409, 'INVALID_STATE', ART20);
  });

  it('is moot once the provider answers', async () => {
    const a = await pending();
    ok(await extend('scj_officer', a.id, { days: 2, reason: '需核查' }));
    const r = ok(await decide('scj_officer', a.id, { decision: 'approve' }));
    expect(r.extension.status).toBe('moot');
    expect((await duty(a.id, 'extension_consent:sharing_authority')).status).toBe('cancelled');
  });

  it('is listed for the approvers', async () => {
    const a = await pending();
    ok(await extend('scj_officer', a.id, { days: 1, reason: '需核查' }));
    const list = ok(await as('yshj_reviewer').get('/api/v1/open/applications?role=approver'));
    expect(list.items.find((i: { id: string }) => i.id === a.id)?.can.voteAs).toBe('sharing_authority');
    refused(await as('zhangsan').get('/api/v1/open/applications?role=approver'), 403, 'FORBIDDEN');
  });
});

describe('deadline edges on the calendar', () => {
  let a: { id: string } = { id: '' };
  it('takes an extension request at the last minute of the window and refuses one after it', async () => {
    a = await pending();
    const b = await pending();
    env.clock.set('2026-10-09T23:59:00+08:00');
    ok(await extend('scj_officer', b.id, { days: 1, reason: '需核查' }));
    env.clock.set('2026-10-10T00:00:00+08:00');
    expect(ok(await as('scj_officer').get(`/api/v1/open/applications/${a.id}`)).can.extend).toBe(false);
    const e = refused(await extend('scj_officer', a.id, { days: 1, reason: '需核查' }), 422, 'RULE_VIOLATION', ART20);
    expect(e.message).toContain('届满前');
  });

  it('shows an answer after the window as late, and the figures count it', async () => {
    const view = ok(await as('scj_officer').get(`/api/v1/open/applications/${a.id}`));
    expect(view.late).toBe(true);
    expect(view.duty.overdue).toBe(true);
    const r = ok(await decide('scj_officer', a.id, { decision: 'approve' }));
    expect(r.late).toBe(true);
    const f = await applicationFigures(db(), 2026);
    expect(f.total).toBeGreaterThan(10);
    expect(f.byStatus.approved).toBeGreaterThanOrEqual(3);
    expect(f.byStatus.refused).toBe(2);
    expect(f.answered).toBe(f.byStatus.approved + f.byStatus.refused);
    expect(f.onTimeRate).toBeGreaterThan(0);
    expect(f.onTimeRate).toBeLessThan(1);
    expect((await applicationFigures(db(), 2025)).total).toBe(0);
  });
});
