/**
 * The remaining pieces of sharing over HTTP: fields released in clear (set on approval and changed
 * later, 000 第十四条), the sharing authority's list of extension applications, server-side paging
 * and filters of the request, grant, use-request and dispute lists, and the `sharing.expire` job
 * that writes expiry into grants at the end of their last valid day (Beijing time).
 * Demo entries: 人口基础信息 (省公安厅, conditional; id_number, name, birth_date, address hold
 * personal information, gender does not), 机动车登记信息 (省公安厅, conditional), 企业营业执照信息
 * (省市场监管局, unconditional).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import { runJobsOnce } from '../../kernel/jobs.js';
import { clearFields as deliveryClearFields } from '../delivery/repo.js';
import { sharingJobs } from './jobs.js';
import { lookups } from '../../../test/lookups.js';

let env: TestEnv;
let as: Awaited<ReturnType<typeof signIn>>;
const db = () => env.k.db.kysely;
const { orgId, notes, audits } = lookups(db);
const ART14 = '000 第十四条';
const LOGINS = ['gat_clerk', 'gat_officer', 'gat_admin', 'scj_clerk', 'scj_officer', 'sthj_clerk', 'sthj_officer', 'hkfgw_analyst', 'hkfgw_officer', 'yshj_reviewer', 'sjj_reviewer', 'admin'];

async function entryId(name: string): Promise<string> {
  const r = await db()
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.id')
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
  return r.id;
}

const E = { population: '', vehicles: '', licences: '' };
const O = { gat: '', scj: '', sthj: '', hkfgw: '', yshj: '' };

const body = (entry: string, extra: Record<string, unknown> = {}) => ({
  entryId: entry,
  fields: ['id_number', 'name', 'gender'],
  basis: '《中华人民共和国行政许可法》第三十一条',
  scenario: '企业开办登记时核验法定代表人身份',
  scope: '本单位登记注册处',
  method: 'api',
  validUntil: '2027-09-30',
  ...extra,
});
async function signed(requester: string, officer: string, b: Record<string, unknown>) {
  const r = ok(await as(requester).post('/api/v1/sharing/requests', b), 201);
  return ok(await as(officer).post(`/api/v1/sharing/requests/${r.id}/sign`));
}
const decide = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/sharing/requests/${id}/decide`, b);
const putClear = (login: string, id: string, b: Record<string, unknown>) => as(login).put(`/api/v1/grants/${id}/clear-fields`, b);
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((x) => x.id);

beforeAll(async () => {
  // Tuesday 29 September 2026, one minute before midnight in Beijing.
  env = await testEnv({ now: '2026-09-29T23:59:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 900 } });
  as = await signIn(env.app, LOGINS);
  E.population = await entryId('人口基础信息');
  E.vehicles = await entryId('机动车登记信息');
  E.licences = await entryId('企业营业执照信息');
  O.gat = await orgId('海南省公安厅');
  O.scj = await orgId('海南省市场监督管理局');
  O.sthj = await orgId('海南省生态环境厅');
  O.hkfgw = await orgId('海口市发展和改革委员会');
  O.yshj = await orgId('海南省营商环境建设厅');
});

afterAll(async () => {
  await env?.close();
});

describe('paging and filters of the request list (JOURNEYS: lists page on the server)', () => {
  const R: string[] = [];

  it('pages with limit/offset and gives the total; filters by entry, the other org, status and Beijing dates on both sides of midnight', async () => {
    // 23:59 on 09-29, then 00:00 and 00:01 on 09-30 (Beijing time).
    R.push(ok(await as('sthj_clerk').post('/api/v1/sharing/requests', body(E.vehicles, { fields: ['plate_no', 'status'] })), 201).id);
    env.clock.set('2026-09-30T00:00:00+08:00');
    R.push(ok(await as('sthj_clerk').post('/api/v1/sharing/requests', body(E.vehicles, { fields: ['plate_no', 'vehicle_type'] })), 201).id);
    env.clock.set('2026-09-30T00:01:00+08:00');
    R.push(ok(await as('sthj_clerk').post('/api/v1/sharing/requests', body(E.vehicles, { fields: ['plate_no'] })), 201).id);
    env.clock.set('2026-09-30T00:02:00+08:00');
    R.push(ok(await as('sthj_clerk').post('/api/v1/sharing/requests', body(E.licences, { fields: ['uscc', 'name'] })), 201).id);

    const all = ok(await as('sthj_clerk').get('/api/v1/sharing/requests?role=requester'));
    expect(all.total).toBe(4);
    // Newest first.
    expect(ids(all)).toEqual([R[3], R[2], R[1], R[0]]);
    const p1 = ok(await as('sthj_clerk').get('/api/v1/sharing/requests?limit=3&offset=0'));
    const p2 = ok(await as('sthj_clerk').get('/api/v1/sharing/requests?limit=3&offset=3'));
    expect(p1.total).toBe(4);
    expect(p2.total).toBe(4);
    expect([...ids(p1), ...ids(p2)]).toEqual(ids(all));
    expect(ok(await as('sthj_clerk').get('/api/v1/sharing/requests?offset=4')).items).toEqual([]);

    const byEntry = ok(await as('sthj_clerk').get(`/api/v1/sharing/requests?entryId=${E.vehicles}`));
    expect(byEntry.total).toBe(3);
    const byOrg = ok(await as('sthj_clerk').get(`/api/v1/sharing/requests?counterpartOrgId=${O.scj}`));
    expect(ids(byOrg)).toEqual([R[3]]);
    expect(ok(await as('sthj_clerk').get('/api/v1/sharing/requests?status=pending')).total).toBe(0);
    expect(ok(await as('sthj_clerk').get('/api/v1/sharing/requests?status=awaiting_signature')).total).toBe(4);

    // `to` 09-29 ends at 24:00 Beijing: the 23:59 request only; `from` 09-30 starts at 00:00: the other three.
    expect(ids(ok(await as('sthj_clerk').get('/api/v1/sharing/requests?to=2026-09-29')))).toEqual([R[0]]);
    expect(ids(ok(await as('sthj_clerk').get('/api/v1/sharing/requests?from=2026-09-30')))).toEqual([R[3], R[2], R[1]]);
    expect(ok(await as('sthj_clerk').get('/api/v1/sharing/requests?from=2026-09-29&to=2026-09-30')).total).toBe(4);
    expect(ok(await as('sthj_clerk').get('/api/v1/sharing/requests?from=2026-10-01')).total).toBe(0);
  });

  it('refuses a reversed date range, a bad date, and a page size over 500', async () => {
    expect(refused(await as('sthj_clerk').get('/api/v1/sharing/requests?from=2026-09-30&to=2026-09-29'), 400, 'VALIDATION').fields?.[0]?.field).toBe('from');
    ok(await as('sthj_clerk').get('/api/v1/sharing/requests?from=2026-09-30&to=2026-09-30'));
    refused(await as('sthj_clerk').get('/api/v1/sharing/requests?from=30.09.2026'), 400, 'VALIDATION');
    ok(await as('sthj_clerk').get('/api/v1/sharing/requests?limit=500'));
    refused(await as('sthj_clerk').get('/api/v1/sharing/requests?limit=501'), 400, 'VALIDATION');
    refused(await as('sthj_clerk').get('/api/v1/sharing/requests?limit=0'), 400, 'VALIDATION');
    refused(await as('sthj_clerk').get('/api/v1/sharing/requests?offset=-1'), 400, 'VALIDATION');
  });

  it('keeps the provider’s view to signed requests, with the same paging', async () => {
    const before = ok(await as('gat_officer').get(`/api/v1/sharing/requests?role=provider&counterpartOrgId=${O.sthj}`));
    expect(before.total).toBe(0);
    ok(await as('sthj_officer').post(`/api/v1/sharing/requests/${R[1]}/sign`));
    const after = ok(await as('gat_officer').get(`/api/v1/sharing/requests?role=provider&counterpartOrgId=${O.sthj}&status=pending`));
    expect(ids(after)).toEqual([R[1]]);
    expect(after.total).toBe(1);
  });
});

describe('fields released in clear (明文提供)', () => {
  let pending = '';
  let grantId = '';

  it('are offered on approval: only requested fields holding personal information, with a reason', async () => {
    env.clock.set('2026-09-30T10:00:00+08:00');
    pending = (await signed('scj_clerk', 'scj_officer', body(E.population, { fields: ['id_number', 'name', 'gender', 'birth_date'] }))).id;
    const notRequested = refused(await decide('gat_officer', pending, { decision: 'approve', clearFields: ['address'], clearReason: '核验需要' }), 400, 'VALIDATION', ART14);
    expect(notRequested.fields?.map((f) => f.field)).toEqual(['clearFields/0']);
    // gender is not personal information: it leaves in clear anyway.
    const notPii = refused(await decide('gat_officer', pending, { decision: 'approve', clearFields: ['name', 'gender'], clearReason: '核验需要' }), 400, 'VALIDATION', ART14);
    expect(notPii.fields?.map((f) => f.field)).toEqual(['clearFields/1']);
    const twice = refused(await decide('gat_officer', pending, { decision: 'approve', clearFields: ['name', 'name'], clearReason: '核验需要' }), 400, 'VALIDATION');
    expect(twice.fields?.map((f) => f.field)).toEqual(['clearFields/1']);
    const noReason = refused(await decide('gat_officer', pending, { decision: 'approve', clearFields: ['name'], clearReason: '  ' }), 400, 'VALIDATION');
    expect(noReason.fields?.map((f) => f.field)).toEqual(['clearReason']);
    refused(await decide('gat_officer', pending, { decision: 'refuse', reason: '不符合', basis: '第十四条', clearFields: ['name'] }), 400, 'VALIDATION', ART14);
    // Nothing was written by the refused calls.
    expect((ok(await as('gat_officer').get(`/api/v1/sharing/requests/${pending}`)) as { status: string }).status).toBe('pending');

    const approved = ok(await decide('gat_officer', pending, { decision: 'approve', reason: '同意', clearFields: ['name', 'id_number'], clearReason: '身份核验须比对姓名和公民身份号码原文' }));
    grantId = approved.grantId;
    const g = ok(await as('scj_clerk').get(`/api/v1/grants/${grantId}`));
    expect(g.clearFields).toEqual(['name', 'id_number']);
    expect(g.piiFields).toEqual(['id_number', 'name', 'birth_date']);
    expect(await deliveryClearFields(db(), grantId)).toEqual(['name', 'id_number']);
    const [a] = await audits('sharing.request_approve', pending);
    expect(a?.details).toMatchObject({ clearFields: ['name', 'id_number'], clearReason: '身份核验须比对姓名和公民身份号码原文' });
  });

  it('default to none: an approval without them masks every personal field', async () => {
    const r = await signed('hkfgw_analyst', 'hkfgw_officer', body(E.population, { fields: ['id_number', 'gender'] }));
    const approved = ok(await decide('gat_admin', r.id, { decision: 'approve' }));
    const g = ok(await as('gat_officer').get(`/api/v1/grants/${approved.grantId}`));
    expect(g.clearFields).toEqual([]);
    expect(g.piiFields).toEqual(['id_number']);
  });

  it('are changed later by the provider only, with a reason, audited, the subject told, effective on the next read', async () => {
    refused(await putClear('scj_officer', grantId, { fields: [], reason: '不需要' }), 403, 'FORBIDDEN');
    refused(await putClear('gat_clerk', grantId, { fields: [], reason: '不需要' }), 403, 'FORBIDDEN');
    refused(await putClear('sthj_officer', grantId, { fields: [], reason: '不需要' }), 404, 'NOT_FOUND');
    refused(await putClear('gat_officer', grantId, { fields: ['name'] }), 400, 'VALIDATION');
    refused(await putClear('gat_officer', grantId, { fields: ['name'], reason: '' }), 400, 'VALIDATION');
    expect(refused(await putClear('gat_officer', grantId, { fields: ['gender'], reason: '需要' }), 400, 'VALIDATION', ART14).fields?.map((f) => f.field)).toEqual(['fields/0']);
    expect(refused(await putClear('gat_officer', grantId, { fields: ['address'], reason: '需要' }), 400, 'VALIDATION').fields?.map((f) => f.field)).toEqual(['fields/0']);

    const g = ok(await putClear('gat_officer', grantId, { fields: ['birth_date'], reason: '按最小必要原则收窄：仅出生日期明文' }));
    expect(g.clearFields).toEqual(['birth_date']);
    expect(await deliveryClearFields(db(), grantId)).toEqual(['birth_date']);
    const [a] = await audits('sharing.grant_clear_fields', grantId);
    expect(a?.details).toMatchObject({ before: ['name', 'id_number'], after: ['birth_date'] });
    expect(a?.grant_id).toBe(grantId);
    expect((await notes(O.scj, 'sharing.grant_clear_fields')).length).toBeGreaterThan(0);

    // Empty: mask them all again.
    expect(ok(await putClear('gat_admin', grantId, { fields: [], reason: '停止明文提供' })).clearFields).toEqual([]);
    expect(await deliveryClearFields(db(), grantId)).toEqual([]);
  });

  it('can be changed while suspended, not once revoked', async () => {
    ok(await as('gat_officer').post(`/api/v1/grants/${grantId}/suspend`, { reason: '核查使用情况' }));
    ok(await putClear('gat_officer', grantId, { fields: ['name'], reason: '核查后恢复姓名明文' }));
    ok(await as('gat_officer').post(`/api/v1/grants/${grantId}/revoke`, { reason: '超范围使用' }));
    refused(await putClear('gat_officer', grantId, { fields: [], reason: '停止' }), 409, 'INVALID_STATE', ART14);
  });
});

describe('the sharing authority’s list of extension applications (000 第十四条)', () => {
  let requestId = '';

  it('lists the pending applications to the authority with the decision due date; 403 to others', async () => {
    requestId = (await signed('hkfgw_analyst', 'hkfgw_officer', body(E.vehicles, { fields: ['plate_no', 'owner_name'] }))).id;
    const none = ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions'));
    expect(ids(none)).not.toContain(requestId);
    ok(await as('gat_officer').post(`/api/v1/sharing/requests/${requestId}/extend`, { days: 3, reason: '需会同交警总队核查数据项' }));

    const list = ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions'));
    expect(list.total).toBe(list.items.length);
    const item = list.items.find((x: { id: string }) => x.id === requestId);
    expect(item).toMatchObject({ status: 'pending', extension: { status: 'requested', days: 3, reason: '需会同交警总队核查数据项' } });
    expect(item.extensionDuty).toMatchObject({ status: 'open', source: env.k.profile.params.extensionDecisionDays.source });
    expect(item.extensionDuty.dueDate).toEqual(expect.any(String));
    expect(item.duty).toMatchObject({ status: 'open', dueDate: '2026-10-09' });
    expect(ids(ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions?status=requested')))).toContain(requestId);
    expect(ids(ok(await as('admin').get('/api/v1/sharing/extensions')))).toContain(requestId);

    refused(await as('gat_officer').get('/api/v1/sharing/extensions'), 403, 'FORBIDDEN');
    refused(await as('hkfgw_analyst').get('/api/v1/sharing/extensions'), 403, 'FORBIDDEN');
    refused(await as('sjj_reviewer').get('/api/v1/sharing/extensions'), 403, 'FORBIDDEN');
    refused(await as('yshj_reviewer').get('/api/v1/sharing/extensions?status=maybe'), 400, 'VALIDATION');
  });

  it('moves a decided application to consented (alias approved), off the pending list', async () => {
    const decided = ok(await as('yshj_reviewer').post(`/api/v1/sharing/requests/${requestId}/extend`, { days: 2, reason: '同意延长 2 个工作日', decision: 'consent' }));
    expect(decided.extension).toMatchObject({ status: 'consented', days: 2 });
    expect(ids(ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions')))).not.toContain(requestId);
    const consented = ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions?status=consented'));
    expect(ids(consented)).toContain(requestId);
    expect(ids(ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions?status=approved')))).toEqual(ids(consented));
    expect(ids(ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions?status=refused')))).not.toContain(requestId);
    expect(ids(ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions?status=all')))).toContain(requestId);
    const page = ok(await as('yshj_reviewer').get('/api/v1/sharing/extensions?status=all&limit=1'));
    expect(page.items).toHaveLength(1);
    expect(page.total).toBeGreaterThanOrEqual(1);
  });
});

describe('paging and filters of grants, use requests and disputes', () => {
  it('filters grants by role, status as read now, entry and the other org, with the total', async () => {
    const mine = ok(await as('gat_officer').get('/api/v1/grants?role=provider'));
    expect(mine.total).toBeGreaterThanOrEqual(2);
    const revoked = ok(await as('gat_officer').get('/api/v1/grants?role=provider&status=revoked'));
    expect(revoked.items.every((g: { status: string }) => g.status === 'revoked')).toBe(true);
    expect(revoked.total).toBe(1);
    const scj = ok(await as('gat_officer').get(`/api/v1/grants?role=provider&counterpartOrgId=${O.scj}&entryId=${E.population}`));
    expect(scj.items.every((g: { subject: { id: string } }) => g.subject.id === O.scj)).toBe(true);
    const page = ok(await as('gat_officer').get('/api/v1/grants?role=provider&limit=1&offset=1'));
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(mine.total);
    expect(page.items[0].id).toBe(mine.items[1].id);
    expect(ok(await as('gat_officer').get('/api/v1/grants?from=2099-01-01')).total).toBe(0);
  });

  it('pages use requests and disputes with their totals', async () => {
    const s = await signed('gat_clerk', 'gat_officer', body(E.licences, { fields: ['uscc', 'name'] }));
    const g = s.grantId;
    for (const purpose of ['企业信用联合惩戒', '企业涉案核查']) {
      ok(await as('gat_officer').post(`/api/v1/grants/${g}/use-requests`, { kind: 'widen', purpose, scope: '省公安厅各业务警种', reason: '工作需要' }), 201);
    }
    const all = ok(await as('scj_officer').get('/api/v1/use-requests?role=provider'));
    expect(all.total).toBe(2);
    const p = ok(await as('scj_officer').get(`/api/v1/use-requests?role=provider&limit=1&offset=1&counterpartOrgId=${O.gat}`));
    expect(p.total).toBe(2);
    expect(p.items[0].id).toBe(all.items[1].id);
    expect(ok(await as('scj_officer').get('/api/v1/use-requests?role=provider&status=approved')).total).toBe(0);
    // Fields in clear are set on the grant, not in the answer to a use request.
    refused(await as('scj_officer').post(`/api/v1/use-requests/${all.items[0].id}/decide`, { decision: 'approve', clearFields: ['legal_rep'], clearReason: '需要' }), 400, 'VALIDATION');
    expect(ok(await as('scj_officer').get('/api/v1/use-requests?role=provider&status=pending')).total).toBe(2);

    ok(await as('gat_officer').post('/api/v1/disputes', { grantId: g, subject: '数据项范围', claim: '未按授权提供' }), 201);
    ok(await as('gat_officer').post('/api/v1/disputes', { shareRequestId: s.id, subject: '提供时限', claim: '未按时提供' }), 201);
    const d = ok(await as('scj_officer').get('/api/v1/disputes?limit=1'));
    expect(d.total).toBe(2);
    expect(d.items).toHaveLength(1);
    expect(ok(await as('scj_officer').get('/api/v1/disputes?status=open')).total).toBe(2);
    expect(ok(await as('scj_officer').get('/api/v1/disputes?status=closed')).total).toBe(0);
    expect(ok(await as('scj_officer').get(`/api/v1/disputes?counterpartOrgId=${O.sthj}`)).total).toBe(0);
  });
});

describe('the sharing.expire job: expiry written into grants (Beijing time, the last valid day)', () => {
  const G = { lastDay: '', suspended: '', revoked: '', nextDay: '' };

  beforeAll(async () => {
    env.clock.set('2026-10-08T10:00:00+08:00');
    const grant = async (validUntil: string, fields: string[]) => (await signed('sthj_clerk', 'sthj_officer', body(E.licences, { fields, validUntil }))).grantId as string;
    G.lastDay = await grant('2026-10-09', ['uscc']);
    G.suspended = await grant('2026-10-09', ['uscc', 'name']);
    G.revoked = await grant('2026-10-09', ['uscc', 'type']);
    G.nextDay = await grant('2026-10-10', ['uscc', 'reg_date']);
    ok(await as('scj_officer').post(`/api/v1/grants/${G.suspended}/suspend`, { reason: '核查' }));
    ok(await as('scj_officer').post(`/api/v1/grants/${G.revoked}/revoke`, { reason: '超范围使用' }));
  });

  const recorded = async (id: string) => (await db().selectFrom('grants').select(['status', 'status_reason']).where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('leaves a grant alone through the last second of its last valid day', async () => {
    env.clock.set('2026-10-09T23:59:59.999+08:00');
    const [run] = await runJobsOnce(env.k, sharingJobs);
    expect(run?.name).toBe('sharing.expire');
    expect(await recorded(G.lastDay)).toBe('active');
    expect(await recorded(G.suspended)).toBe('suspended');
    expect(ok(await as('sthj_officer').get(`/api/v1/grants/${G.lastDay}`)).status).toBe('active');
    expect(await audits('sharing.grant_expire', G.lastDay)).toHaveLength(0);
  });

  it('marks it expired from 00:00 of the next day, suspended ones too, revoked ones left revoked; both orgs told, each audited', async () => {
    env.clock.set('2026-10-10T00:00:00+08:00');
    const [run] = await runJobsOnce(env.k, sharingJobs);
    expect(run?.result).toMatch(/^\d+ grants expired/);
    expect(await recorded(G.lastDay)).toBe('expired');
    expect(await recorded(G.suspended)).toBe('expired');
    expect(await recorded(G.revoked)).toBe('revoked');
    expect(await recorded(G.nextDay)).toBe('active');
    const g = ok(await as('sthj_officer').get(`/api/v1/grants/${G.lastDay}`));
    expect(g).toMatchObject({ status: 'expired', recordedStatus: 'expired', statusReason: '已过使用时限' });
    const [a] = await audits('sharing.grant_expire', G.lastDay);
    expect(a).toMatchObject({ actor_user_id: null, grant_id: G.lastDay });
    expect(a?.details).toMatchObject({ from: 'active', to: 'expired', lastDay: '2026-10-09' });
    expect((await audits('sharing.grant_expire', G.suspended))[0]?.details).toMatchObject({ from: 'suspended' });
    expect(await audits('sharing.grant_expire', G.revoked)).toHaveLength(0);
    const told = async (org: string) => (await notes(org, 'sharing.grant_expired')).filter((n) => n.link?.includes(G.lastDay));
    expect(await told(O.sthj)).toHaveLength(1);
    expect(await told(O.scj)).toHaveLength(1);

    // A second run finds nothing more to do for them.
    await runJobsOnce(env.k, sharingJobs);
    expect(await audits('sharing.grant_expire', G.lastDay)).toHaveLength(1);

    // Lists filter by it; a provider can no longer change it.
    const expired = ok(await as('sthj_officer').get('/api/v1/grants?role=subject&status=expired'));
    expect(ids(expired)).toEqual(expect.arrayContaining([G.lastDay, G.suspended]));
    expect(ids(expired)).not.toContain(G.nextDay);
    expect(ids(ok(await as('sthj_officer').get('/api/v1/grants?role=subject&status=active')))).toContain(G.nextDay);
    refused(await as('scj_officer').post(`/api/v1/grants/${G.lastDay}/resume`, { reason: '恢复' }), 409, 'INVALID_STATE');
    refused(await putClear('scj_officer', G.lastDay, { fields: [], reason: '停止' }), 409, 'INVALID_STATE');
  });

  it('expires the next day’s grant at its own midnight, not before', async () => {
    env.clock.set('2026-10-10T23:59:59.999+08:00');
    await runJobsOnce(env.k, sharingJobs);
    expect(await recorded(G.nextDay)).toBe('active');
    env.clock.set('2026-10-11T00:00:00+08:00');
    await runJobsOnce(env.k, sharingJobs);
    expect(await recorded(G.nextDay)).toBe('expired');
  });
});
