/**
 * The update duty of 000 第七条 over HTTP, on the working-day calendar around National Day 2026
 * (10-01…10-07 off, Saturday 10-10 a 调休 working day): 10 working days to update after a change
 * of law or duties, one extension of at most 5 with the authority's consent before the window
 * ends, and the authority's 2 working days to review the update.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok, refused } from '../../../test/assert.js';
import { ART, type EntryInput } from './model.js';

let env: TestEnv;
const clients = new Map<string, Client>();
const as = (login: string) => {
  const c = clients.get(login);
  if (!c) throw new Error(`not signed in: ${login}`);
  return c;
};
const db = () => env.k.db.kysely;
const LOGINS = ['gat_clerk', 'gat_officer', 'scj_clerk', 'scj_officer', 'yshj_reviewer', 'yshj_admin', 'sjj_reviewer', 'zhangsan'];


function body(name: string): EntryInput {
  return {
    name,
    format: 'table',
    fields: [
      { name: 'hukou_no', label: '户号', type: 'string', key: true },
      { name: 'members', label: '户内人数', type: 'integer' },
    ],
    shareAttr: 'unconditional',
    openAttr: 'none',
    notOpenReason: 'law',
    operationAttr: false,
    provisionMethods: ['api'],
    updateFrequency: 'monthly',
    category: '人口',
    grade: 'general',
    assessments: { secrecyRisk: { conclusion: '不涉密' }, piiImpact: { conclusion: '不含个人信息' } },
  };
}

/** A published entry of 省公安厅. */
async function published(name: string): Promise<string> {
  const e = ok(await as('gat_clerk').post('/api/v1/catalog/entries', body(name)), 201);
  ok(await as('gat_officer').post(`/api/v1/catalog/entries/${e.id}/submit`));
  ok(await as('yshj_reviewer').post(`/api/v1/catalog/entries/${e.id}/review`, { decision: 'approve' }));
  return e.id as string;
}

const change = (login: string, entryId: string, b: Record<string, unknown> = {}) =>
  as(login).post(`/api/v1/catalog/entries/${entryId}/changes`, { kind: 'law', description: '《中华人民共和国户口登记条例》修订', ...b });
const extend = (login: string, entryId: string, caseId: string, days: number) =>
  as(login).post(`/api/v1/catalog/entries/${entryId}/changes/${caseId}/extend`, { days, reason: '涉及多部门数据项调整，需联合论证' });
const dutyOf = (caseType: string, caseId: string) => db().selectFrom('duties').selectAll().where('case_type', '=', caseType).where('case_id', '=', caseId).orderBy('started_at', 'desc').executeTakeFirstOrThrow();

beforeAll(async () => {
  // Wednesday 30 September 2026, the eve of National Day.
  // Sessions outlive the clock's jumps across the holiday (a month at most).
  env = await testEnv({ now: '2026-09-30T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 30 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
});

afterAll(async () => {
  await env?.close();
});

describe('the update duty (000 第七条)', () => {
  let a = ''; // the entry whose change is followed through
  let caseA = '';

  it('opens 10 working days for the provider when a change of law is recorded, skipping National Day', async () => {
    a = await published('户籍家庭户信息');
    const c = ok(await change('gat_clerk', a), 201);
    caseA = c.id;
    expect(c).toMatchObject({ entryId: a, kind: 'law', status: 'open', versionId: null });
    // 10-08 Thu, 10-09 Fri, 10-10 Sat (调休), 10-12 … 10-16, 10-19, 10-20.
    expect(c.duty).toMatchObject({ status: 'open', workingDays: 10, dueDate: '2026-10-20', source: ART.update, remainingWorkingDays: 10, overdue: false, extensionCount: 0 });
    const row = await dutyOf('catalog_update', caseA);
    const orgId = async (name: string) => (await db().selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const gat = await orgId('海南省公安厅');
    const yshj = await orgId('海南省营商环境建设厅');
    expect(row).toMatchObject({ duty: 'update', owner_org_id: gat, supervisor_org_id: yshj, due_date: '2026-10-20' });
    expect(row.due_at?.toISOString()).toBe('2026-10-20T16:00:00.000Z');
    const note = await db().selectFrom('notifications').selectAll().where('org_id', '=', gat).where('kind', '=', 'catalog.update_required').executeTakeFirstOrThrow();
    expect(note.body).toContain('2026-10-20');
    expect(ok(await as('gat_clerk').get(`/api/v1/catalog/entries/${a}`)).updateCases.map((x: { id: string }) => x.id)).toEqual([caseA]);
    expect(ok(await as('yshj_reviewer').get(`/api/v1/catalog/entries/${a}`)).updateCases).toHaveLength(1);
    expect(ok(await as('zhangsan').get(`/api/v1/catalog/entries/${a}`)).updateCases).toEqual([]);
  });

  it('is recorded by the provider or the authority only, and only on a published entry', async () => {
    const other = await published('户籍迁入统计');
    for (const login of ['scj_clerk', 'zhangsan', 'sjj_reviewer']) refused(await change(login, other), 403, 'FORBIDDEN');
    const byAuthority = ok(await change('yshj_reviewer', other, { kind: 'duties', description: '户籍管理职责调整至新设机构' }), 201);
    expect(byAuthority.duty).toMatchObject({ dueDate: '2026-10-20' });
    const draft = ok(await as('gat_clerk').post('/api/v1/catalog/entries', body('未发布的目录')), 201);
    refused(await change('gat_clerk', draft.id), 409, 'INVALID_STATE', ART.update);
    refused(await change('scj_clerk', draft.id), 404, 'NOT_FOUND');
    refused(await change('gat_clerk', a, { occurredOn: '2026-10-01' }), 400, 'VALIDATION');
    refused(await change('gat_clerk', a, { kind: 'mood' }), 400, 'VALIDATION');
  });

  it('runs from the day the change occurred when that is given', async () => {
    const e = await published('集体户信息');
    const c = ok(await change('gat_clerk', e, { occurredOn: '2026-09-24' }), 201);
    // 09-25…09-27 中秋 off, 09-28 Mon (1), 09-29, 09-30 (3), 10-08 (4), 10-09, 10-10, 10-12 … 10-15 (10).
    expect(c.duty).toMatchObject({ dueDate: '2026-10-15', startedAt: '2026-09-23T16:00:00.000Z' });
  });

  it('is extended only with the consent of the sharing authority', async () => {
    for (const login of ['gat_officer', 'gat_clerk', 'scj_officer', 'sjj_reviewer']) {
      const e = refused(await extend(login, a, caseA, 5), 403, 'FORBIDDEN', ART.update);
      expect(e.message).toContain('营商环境建设主管部门');
    }
  });

  it('is extended by at most 5 working days: 6 refused, 5 accepted', async () => {
    const six = refused(await extend('yshj_reviewer', a, caseA, 6), 422, 'RULE_VIOLATION', ART.update);
    expect(six.message).toContain('最长 5 个工作日');
    refused(await extend('yshj_reviewer', a, caseA, 0), 400, 'VALIDATION');
    const c = ok(await extend('yshj_reviewer', a, caseA, 5));
    // From the end of the window: 10-21, 10-22, 10-23, 10-26, 10-27.
    expect(c.duty).toMatchObject({ dueDate: '2026-10-27', extensionCount: 1, extendedDays: 5, workingDays: 10 });
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'catalog.update_extend').where('object_id', '=', a).executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ caseId: caseA, days: 5, dueBefore: '2026-10-20', dueAfter: '2026-10-27' });
  });

  it('is extended once only', async () => {
    const e = refused(await extend('yshj_admin', a, caseA, 1), 422, 'RULE_VIOLATION', ART.update);
    expect(e.message).toContain('已延期 1 次');
    expect((await dutyOf('catalog_update', caseA)).due_date).toBe('2026-10-27');
  });

  it('is met by submitting the new version that answers the case, which opens a 2-working-day review', async () => {
    env.clock.set('2026-10-09T09:00:00+08:00'); // Friday
    const v2 = ok(await as('gat_clerk').post(`/api/v1/catalog/entries/${a}/versions`, { changeNote: '按户口登记条例修订调整数据项' }), 201);
    expect(v2.version).toBe(2);
    const mine = ok(await as('gat_clerk').get(`/api/v1/catalog/entries/${a}`));
    expect(mine.versions.find((v: { version: number }) => v.version === 2).updateCaseId).toBe(caseA);
    ok(await as('gat_clerk').put(`/api/v1/catalog/entries/${a}`, { ...body('户籍家庭户信息'), fields: [...body('').fields, { name: 'head_name', label: '户主姓名', type: 'string', piiKind: 'name' }] }));
    ok(await as('gat_officer').post(`/api/v1/catalog/entries/${a}/submit`));

    const upd = await dutyOf('catalog_update', caseA);
    expect(upd.status).toBe('met');
    expect(upd.met_at?.toISOString()).toBe('2026-10-09T01:00:00.000Z');
    const seen = ok(await as('yshj_reviewer').get(`/api/v1/catalog/entries/${a}`));
    expect(seen.updateCases[0]).toMatchObject({ id: caseA, status: 'submitted', versionId: v2.versionId, duty: { status: 'met' } });
    // 10-10 is a 调休 Saturday: the review is due Monday 10-12.
    expect(seen.reviewDuty).toMatchObject({ workingDays: 2, dueDate: '2026-10-12', source: ART.update });
    refused(await extend('yshj_reviewer', a, caseA, 1), 409, 'INVALID_STATE');
  });

  it('shows the review overdue in the queue once its window has ended', async () => {
    env.clock.set('2026-10-13T09:00:00+08:00');
    const q = ok(await as('yshj_reviewer').get('/api/v1/catalog/review-queue'));
    expect(q.items[0]).toMatchObject({ entryId: a, isUpdate: true, duty: { dueDate: '2026-10-12', overdue: true, remainingWorkingDays: null } });
  });

  it('returns the case to the provider on a return and closes it on approval', async () => {
    ok(await as('yshj_reviewer').post(`/api/v1/catalog/entries/${a}/review`, { decision: 'return', comment: '户主姓名应标注个人信息处理方式' }));
    expect(ok(await as('gat_clerk').get(`/api/v1/catalog/entries/${a}`)).updateCases[0]).toMatchObject({ status: 'open' });
    ok(await as('gat_officer').post(`/api/v1/catalog/entries/${a}/submit`));
    // A resubmission after a return is not an update's first submission: still reviewed within 2 WD.
    expect(ok(await as('yshj_reviewer').get(`/api/v1/catalog/entries/${a}`)).reviewDuty).toMatchObject({ dueDate: '2026-10-15' });
    ok(await as('yshj_reviewer').post(`/api/v1/catalog/entries/${a}/review`, { decision: 'approve' }));
    const done = ok(await as('gat_clerk').get(`/api/v1/catalog/entries/${a}`));
    expect(done).toMatchObject({ version: 2, status: 'published' });
    expect(done.updateCases[0]).toMatchObject({ id: caseA, status: 'done', closedAt: env.clock.now().toISOString() });
    const c = await db().selectFrom('catalog_update_cases').selectAll().where('id', '=', caseA).executeTakeFirstOrThrow();
    expect(c.status).toBe('done');
  });

  it('links a draft already under way to a change recorded afterwards', async () => {
    const e = await published('户籍注销信息');
    ok(await as('gat_clerk').post(`/api/v1/catalog/entries/${e}/versions`, { changeNote: '字段说明完善' }), 201);
    const c = ok(await change('yshj_reviewer', e, { kind: 'duties', description: '注销登记职责调整' }), 201);
    const v = ok(await as('gat_clerk').get(`/api/v1/catalog/entries/${e}`));
    expect(v.versions.map((x: { version: number; updateCaseId: string | null }) => [x.version, x.updateCaseId])).toEqual([
      [1, null],
      [2, c.id],
    ]);
  });
});

describe('the extension window (Decisions 3)', () => {
  it('accepts an extension on the last day of the window and refuses one after it', async () => {
    env.clock.set('2026-09-30T10:00:00+08:00');
    const b = await published('户籍变更信息');
    const c = await published('户籍补录信息');
    const caseB = ok(await change('gat_clerk', b), 201);
    const caseC = ok(await change('gat_clerk', c), 201);
    expect([caseB.duty.dueDate, caseC.duty.dueDate]).toEqual(['2026-10-20', '2026-10-20']);

    env.clock.set('2026-10-20T23:30:00+08:00');
    expect(ok(await extend('yshj_reviewer', b, caseB.id, 1)).duty.dueDate).toBe('2026-10-21');

    env.clock.set('2026-10-21T00:00:00+08:00');
    const late = refused(await extend('yshj_reviewer', c, caseC.id, 1), 422, 'RULE_VIOLATION', ART.update);
    expect(late.message).toContain('届满前');
    expect((await dutyOf('catalog_update', caseC.id)).due_date).toBe('2026-10-20');
  });

  it('refuses an unknown case with 404', async () => {
    const e = await published('户籍档案目录');
    refused(await extend('yshj_reviewer', e, '00000000-0000-4000-8000-000000000000', 1), 404, 'NOT_FOUND');
  });
});
