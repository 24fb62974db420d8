/**
 * Use limits over HTTP (000 第十五条): 省公安厅 holds grants from 省市场监管局 and asks to widen their
 * use or to pass data to 省生态环境厅. Filed on Wednesday 30 September 2026, the eve of National
 * Day: the provider's reply (the conditional share reply period, 2 working days) is due Friday 10-09.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { lastValidDay, useRequestProblems, useRequestWorkflow } from './use-requests.js';
import { AppError } from '../../kernel/errors.js';
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
const LOGINS = ['gat_clerk', 'gat_officer', 'gat_admin', 'scj_clerk', 'scj_officer', 'sthj_officer', 'yshj_reviewer', 'sjj_reviewer', 'admin'];
const ART15 = '000 第十五条';

const grantRow = (id: string) => db().selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const O = { gat: '', scj: '', sthj: '', yy: '' };
const G = { licences: '', abnormal: '' };

async function grant(entry: string, fields: string[]) {
  const r = ok(
    await as('gat_clerk').post('/api/v1/sharing/requests', { entryId: entry, fields, basis: '《居民身份证法》', scenario: '办案核查', scope: '省公安厅经侦总队', method: 'api', validUntil: '2027-06-30' }),
    201,
  );
  return ok(await as('gat_officer').post(`/api/v1/sharing/requests/${r.id}/sign`)).grantId as string;
}
const widen = (extra: Record<string, unknown> = {}) => ({ kind: 'widen', purpose: '企业信用联合惩戒', scope: '省公安厅各业务警种', reason: '联合惩戒工作需要', ...extra });
const transfer = (extra: Record<string, unknown> = {}) => ({ kind: 'transfer', purpose: '环境执法核查企业主体', scope: '省生态环境厅执法总队', reason: '联合执法', thirdOrgId: O.sthj, ...extra });
const ask = (login: string, grantId: string, b: Record<string, unknown>) => as(login).post(`/api/v1/grants/${grantId}/use-requests`, b);
const decide = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/use-requests/${id}/decide`, b);

beforeAll(async () => {
  env = await testEnv({ now: '2026-09-30T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 90 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
  O.gat = await orgId('海南省公安厅');
  O.scj = await orgId('海南省市场监督管理局');
  O.sthj = await orgId('海南省生态环境厅');
  O.yy = await orgId('海南数据运营有限公司');
  G.licences = await grant(await entryId('企业营业执照信息'), ['uscc', 'name']);
  G.abnormal = await grant(await entryId('企业经营异常名录'), ['uscc', 'name', 'reason']);
});

afterAll(async () => {
  await env?.close();
});

describe('rules', () => {
  it('reads a grant’s last valid day in Beijing time', () => {
    expect(lastValidDay(new Date('2027-07-01T00:00:00+08:00'))).toBe('2027-06-30');
  });
  it('checks fields, time limit and third org by kind', () => {
    const g = { fields: ['uscc', 'name'], valid_until: new Date('2027-07-01T00:00:00+08:00') };
    const entry = ['uscc', 'name', 'legal_rep'];
    const fields = (input: Parameters<typeof useRequestProblems>[0]) => useRequestProblems(input, g, entry, '2026-09-30').map((p) => p.field);
    expect(fields({ kind: 'widen', purpose: 'p', scope: 's', fields: ['uscc', 'legal_rep'], validUntil: '2027-07-01' })).toEqual([]);
    expect(fields({ kind: 'widen', purpose: ' ', scope: '', fields: ['x', 'uscc', 'uscc'], validUntil: '2027-06-30', thirdOrgId: 'o' })).toEqual(['purpose', 'scope', 'fields/0', 'fields/2', 'validUntil', 'thirdOrgId']);
    expect(fields({ kind: 'transfer', purpose: 'p', scope: 's', fields: ['legal_rep'], thirdOrgId: 'o' })).toEqual(['fields/0']);
    expect(fields({ kind: 'transfer', purpose: 'p', scope: 's', validUntil: '2026-09-30' })).toEqual(['validUntil', 'thirdOrgId']);
    expect(fields({ kind: 'transfer', purpose: 'p', scope: 's', validUntil: '2026-10-01', thirdOrgId: 'o' })).toEqual([]);
  });
  it('lets only the provider answer, and a refusal needs reason and basis', () => {
    expect(useRequestWorkflow.apply('pending', 'approve', { mayAct: true })).toBe('approved');
    expect(useRequestWorkflow.apply('pending', 'refuse', { mayAct: true, reason: 'r', basis: 'b' })).toBe('refused');
    for (const ctx of [{ mayAct: true, reason: 'r' }, { mayAct: true, basis: 'b' }]) {
      try {
        useRequestWorkflow.apply('pending', 'refuse', ctx);
        throw new Error('expected a refusal');
      } catch (e) {
        expect((e as AppError).source).toBe(ART15);
      }
    }
    expect(() => useRequestWorkflow.apply('pending', 'approve', { mayAct: false })).toThrow(AppError);
    expect(() => useRequestWorkflow.apply('approved', 'refuse', { mayAct: true, reason: 'r', basis: 'b' })).toThrow(/approved/);
  });
});

describe('asking (000 第十五条)', () => {
  it('needs a signed-in user', async () => {
    expect((await env.app.inject({ method: 'POST', url: `/api/v1/grants/${G.licences}/use-requests`, payload: widen() })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/use-requests' })).statusCode).toBe(401);
  });

  it('is for the subject org’s data officer only', async () => {
    refused(await ask('gat_clerk', G.licences, widen()), 403, 'FORBIDDEN');
    refused(await ask('gat_admin', G.licences, widen()), 403, 'FORBIDDEN');
    refused(await ask('scj_officer', G.licences, widen()), 403, 'FORBIDDEN');
    refused(await ask('yshj_reviewer', G.licences, widen()), 403, 'FORBIDDEN');
    refused(await ask('sthj_officer', G.licences, widen()), 404, 'NOT_FOUND');
    refused(await ask('gat_officer', randomUUID(), widen()), 404, 'NOT_FOUND');
  });

  it('checks what is asked for', async () => {
    refused(await ask('gat_officer', G.licences, widen({ fields: ['uscc', 'nope'] })), 400, 'VALIDATION');
    refused(await ask('gat_officer', G.licences, widen({ validUntil: '2027-01-01' })), 400, 'VALIDATION');
    refused(await ask('gat_officer', G.licences, widen({ thirdOrgId: O.sthj })), 400, 'VALIDATION');
    refused(await ask('gat_officer', G.licences, transfer({ thirdOrgId: undefined })), 400, 'VALIDATION');
    refused(await ask('gat_officer', G.licences, transfer({ fields: ['uscc', 'legal_rep'] })), 400, 'VALIDATION');
    refused(await ask('gat_officer', G.licences, transfer({ thirdOrgId: randomUUID() })), 400, 'VALIDATION');
    refused(await ask('gat_officer', G.licences, transfer({ thirdOrgId: O.scj })), 422, 'RULE_VIOLATION', ART15);
    refused(await ask('gat_officer', G.licences, transfer({ thirdOrgId: O.gat })), 422, 'RULE_VIOLATION', ART15);
    refused(await ask('gat_officer', G.licences, transfer({ thirdOrgId: O.yy })), 422, 'RULE_VIOLATION', '000 第十一条');
  });
});

describe('widening the use', () => {
  let id = '';

  it('waits for the provider’s reply, a duty due in the conditional share reply period', async () => {
    const u = ok(await ask('gat_officer', G.licences, widen({ fields: ['uscc', 'name', 'legal_rep'], validUntil: '2027-12-31' })), 201);
    id = u.id;
    expect(u).toMatchObject({ kind: 'widen', status: 'pending', grant: { id: G.licences }, requester: { orgId: O.gat }, provider: { id: O.scj }, thirdOrg: null, fields: ['uscc', 'name', 'legal_rep'], validUntil: '2027-12-31', late: false });
    expect(u.duty).toMatchObject({ status: 'open', dueDate: '2026-10-09', workingDays: 2, source: '000 第十四条' });
    expect(await notes(O.scj, 'sharing.use_request_received')).toHaveLength(1);
    expect(await audits('sharing.use_request_create', id)).toHaveLength(1);
  });

  it('is shown to the two sides, the sharing authority and the platform admin; 404 to others', async () => {
    for (const login of ['gat_clerk', 'scj_clerk', 'yshj_reviewer', 'admin']) ok(await as(login).get(`/api/v1/use-requests/${id}`));
    for (const login of ['sthj_officer', 'sjj_reviewer']) refused(await as(login).get(`/api/v1/use-requests/${id}`), 404, 'NOT_FOUND');
    const ids = async (login: string, q: string) => (ok(await as(login).get(`/api/v1/use-requests${q}`)).items as Array<{ id: string }>).map((x) => x.id);
    expect(await ids('gat_clerk', '')).toContain(id);
    expect(await ids('gat_clerk', '?role=requester&status=pending')).toContain(id);
    expect(await ids('gat_clerk', '?role=provider')).not.toContain(id);
    expect(await ids('scj_clerk', '?role=provider')).toContain(id);
    expect(await ids('scj_clerk', '?role=provider&status=refused')).not.toContain(id);
  });

  it('is answered by the provider’s data officer or org admin only', async () => {
    refused(await decide('gat_officer', id, { decision: 'approve' }), 403, 'FORBIDDEN');
    refused(await decide('scj_clerk', id, { decision: 'approve' }), 403, 'FORBIDDEN');
    refused(await decide('yshj_reviewer', id, { decision: 'approve' }), 403, 'FORBIDDEN');
    refused(await decide('sthj_officer', id, { decision: 'approve' }), 404, 'NOT_FOUND');
    refused(await decide('scj_officer', randomUUID(), { decision: 'approve' }), 404, 'NOT_FOUND');
  });

  it('refuses a refusal without reason or basis', async () => {
    refused(await decide('scj_officer', id, { decision: 'refuse', reason: '超出履职需要' }), 422, 'RULE_VIOLATION', ART15);
    refused(await decide('scj_officer', id, { decision: 'refuse', basis: '《数据安全法》第三十八条' }), 422, 'RULE_VIOLATION', ART15);
    expect(ok(await as('gat_officer').get(`/api/v1/use-requests/${id}`)).status).toBe('pending');
  });

  it('amends the grant on consent, audited with before and after', async () => {
    const before = await grantRow(G.licences);
    const u = ok(await decide('scj_officer', id, { decision: 'approve', reason: '同意' }));
    expect(u).toMatchObject({ status: 'approved', decisionReason: '同意', refusalBasis: null, newGrantId: null, late: false });
    expect(u.duty.status).toBe('met');
    const after = await grantRow(G.licences);
    expect(after.fields).toEqual(['uscc', 'name', 'legal_rep']);
    expect(after.purpose).toBe('企业信用联合惩戒；使用范围：省公安厅各业务警种');
    expect(after.valid_until.toISOString()).toBe(new Date('2028-01-01T00:00:00+08:00').toISOString());
    expect(after.subject_org_id).toBe(before.subject_org_id);
    const [ev] = await audits('sharing.grant_amend', G.licences);
    expect(ev?.details).toMatchObject({
      useRequestId: id,
      before: { fields: ['uscc', 'name'], purpose: before.purpose, validUntil: before.valid_until.toISOString() },
      after: { fields: ['uscc', 'name', 'legal_rep'], purpose: after.purpose, validUntil: after.valid_until.toISOString() },
    });
    expect(await audits('sharing.use_request_approve', id)).toHaveLength(1);
    expect(await notes(O.gat, 'sharing.use_request_approved')).toHaveLength(1);
    // The grant the subject reads shows the wider use.
    expect(ok(await as('gat_clerk').get(`/api/v1/grants/${G.licences}`)).fields).toEqual(['uscc', 'name', 'legal_rep']);
    refused(await decide('scj_officer', id, { decision: 'refuse', reason: 'r', basis: 'b' }), 409, 'INVALID_STATE');
  });

  it('leaves the grant as it was on refusal, telling the requester why', async () => {
    const u0 = ok(await ask('gat_officer', G.abnormal, widen()), 201);
    const before = await grantRow(G.abnormal);
    const u = ok(await decide('scj_officer', u0.id, { decision: 'refuse', reason: '超出履职需要', basis: '《数据安全法》第三十八条' }));
    expect(u).toMatchObject({ status: 'refused', decisionReason: '超出履职需要', refusalBasis: '《数据安全法》第三十八条' });
    expect(await grantRow(G.abnormal)).toEqual(before);
    const [n] = await notes(O.gat, 'sharing.use_request_refused');
    expect(n?.body).toContain('《数据安全法》第三十八条');
  });
});

describe('passing data to a third org', () => {
  it('makes a new grant for the third org on consent, its source case the use request', async () => {
    const u0 = ok(await ask('gat_officer', G.licences, transfer({ fields: ['uscc'], validUntil: '2027-03-31' })), 201);
    expect(u0).toMatchObject({ kind: 'transfer', thirdOrg: { id: O.sthj, name: '海南省生态环境厅' } });
    const u = ok(await decide('scj_officer', u0.id, { decision: 'approve' }));
    expect(u.status).toBe('approved');
    expect(u.newGrantId).toBeTruthy();
    const g = await grantRow(u.newGrantId);
    expect(g).toMatchObject({
      subject_org_id: O.sthj,
      provider_org_id: O.scj,
      fields: ['uscc'],
      methods: ['api'],
      purpose: '环境执法核查企业主体；使用范围：省生态环境厅执法总队',
      source_case_type: 'use_request',
      source_case_id: u0.id,
      status: 'active',
    });
    expect(g.valid_until.toISOString()).toBe(new Date('2027-04-01T00:00:00+08:00').toISOString());
    // The original grant is not touched; the third org sees its own grant.
    expect((await grantRow(G.licences)).subject_org_id).toBe(O.gat);
    const theirs = ok(await as('sthj_officer').get('/api/v1/grants?role=subject')).items as Array<{ id: string; source: { caseType: string } }>;
    expect(theirs.find((x) => x.id === u.newGrantId)?.source.caseType).toBe('use_request');
    expect(await notes(O.sthj, 'sharing.grant_created')).toHaveLength(1);
    const [ev] = await audits('sharing.use_request_approve', u0.id);
    expect(ev?.grant_id).toBe(u.newGrantId);
  });
});

describe('a grant no longer in force', () => {
  it('takes no use request, and no consent once suspended', async () => {
    const u0 = ok(await ask('gat_officer', G.abnormal, widen({ purpose: '另一用途' })), 201);
    ok(await as('scj_officer').post(`/api/v1/grants/${G.abnormal}/suspend`, { reason: '核查使用情况' }));
    refused(await ask('gat_officer', G.abnormal, widen()), 409, 'INVALID_STATE', ART15);
    refused(await decide('scj_officer', u0.id, { decision: 'approve' }), 409, 'INVALID_STATE', ART15);
    // A refusal is still possible.
    ok(await decide('scj_officer', u0.id, { decision: 'refuse', reason: '授权已暂停', basis: '000 第十五条' }));
  });
});

describe('the reply deadline, on both sides of its edge', () => {
  it('is met up to the end of Friday 10-09 and late after it', async () => {
    env.clock.set('2026-09-30T10:00:00+08:00');
    const u0 = ok(await ask('gat_officer', G.licences, widen({ purpose: '第三个用途' })), 201);
    env.clock.set('2026-10-09T23:59:00+08:00');
    const before = ok(await as('scj_officer').get(`/api/v1/use-requests/${u0.id}`));
    expect(before).toMatchObject({ late: false, duty: { overdue: false, dueDate: '2026-10-09' } });
    env.clock.set('2026-10-10T00:00:01+08:00');
    const after = ok(await as('scj_officer').get(`/api/v1/use-requests/${u0.id}`));
    expect(after).toMatchObject({ late: true, duty: { overdue: true } });
    const answered = ok(await decide('scj_officer', u0.id, { decision: 'refuse', reason: '用途不明确', basis: '000 第十五条' }));
    expect(answered).toMatchObject({ status: 'refused', late: true });
  });
});
