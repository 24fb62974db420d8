/**
 * Catalog entries over HTTP: the lifecycle draft → submitted → returned → resubmitted →
 * published → new version → published again, by every role that may take each step and refused
 * to every role that may not; visibility of each version; immutability of published versions,
 * down to the database trigger; the audit event of every change.
 */
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ART, type EntryInput } from './model.js';
import { ok, refused, type ErrorBody } from '../../../test/assert.js';
import { lookups } from '../../../test/lookups.js';

let env: TestEnv;
const clients = new Map<string, Client>();
const as = (login: string) => {
  const c = clients.get(login);
  if (!c) throw new Error(`not signed in: ${login}`);
  return c;
};
const db = () => env.k.db.kysely;
const { orgId } = lookups(db);

const LOGINS = ['gat_clerk', 'gat_officer', 'gat_admin', 'scj_clerk', 'scj_officer', 'yshj_reviewer', 'yshj_admin', 'sjj_reviewer', 'kaifa_dev', 'zhangsan', 'admin', 'auditor_wx'];

const errorOf = (res: LightMyRequestResponse) => (res.json() as ErrorBody).error;

const ASSESSED = { secrecyRisk: { conclusion: '不涉及国家秘密', date: '2026-09-10' }, piiImpact: { conclusion: '含身份证号码，按重要数据处理', date: '2026-09-10' } };

/** A valid draft of 省公安厅 (the example, adapted). */
function body(over: Partial<EntryInput> = {}): EntryInput {
  return {
    name: '暂住登记信息',
    description: '流动人口暂住登记和居住证办理信息',
    format: 'table',
    fields: [
      { name: 'id_number', label: '公民身份号码', type: 'string', required: true, piiKind: 'id_number', key: true },
      { name: 'reg_date', label: '登记日期', type: 'date' },
    ],
    shareAttr: 'conditional',
    shareConditions: { scope: '省内各级政务部门履行法定职责', usage: '仅用于人口服务管理' },
    noShareBasis: null,
    openAttr: 'none',
    notOpenReason: 'personal_info',
    operationAttr: false,
    provisionMethods: ['api', 'batch'],
    updateFrequency: 'daily',
    category: '人口',
    grade: 'important',
    ...over,
  };
}

async function eventsOf(entryId: string) {
  return db().selectFrom('audit_events').select(['action', 'actor_user_id', 'details']).where('object_id', '=', entryId).orderBy('seq').execute();
}

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
});

afterAll(async () => {
  await env?.close();
});

describe('creating a draft', () => {
  it('gives an institution’s clerk a draft with a code of region, provider credit code and sequence', async () => {
    const gat = await db().selectFrom('orgs').select(['id', 'uscc', 'region_code']).where('name', '=', '海南省公安厅').executeTakeFirstOrThrow();
    const before = await db().selectFrom('catalog_entries').select((eb) => eb.fn.max('seq').as('max')).where('provider_org_id', '=', gat.id).executeTakeFirstOrThrow();
    const e = ok(await as('gat_clerk').post('/api/v1/catalog/entries', body()), 201);
    const seq = Number(before.max ?? 0) + 1;
    expect(e.code).toBe(`${gat.region_code}-${gat.uscc}-${String(seq).padStart(5, '0')}`);
    expect(e).toMatchObject({ version: 1, status: 'draft', publishedVersion: null, latestVersion: 1, provider: { id: gat.id, name: '海南省公安厅' }, regionCode: '460000' });
    // Personal information defaults to important handling.
    expect(e.fields[0]).toMatchObject({ name: 'id_number', piiKind: 'id_number', sensitivity: 'important' });
    const events = await eventsOf(e.id);
    expect(events.map((x) => x.action)).toEqual(['catalog.entry_create']);
    expect(events[0]?.details).toMatchObject({ code: e.code, version: 1, versionId: e.versionId });
    // The next draft takes the next number; a code never changes.
    const next = ok(await as('gat_officer').post('/api/v1/catalog/entries', body({ name: '居住证办理信息' })), 201);
    expect(next.code).toBe(`${gat.region_code}-${gat.uscc}-${String(seq + 1).padStart(5, '0')}`);
    ok(await as('gat_admin').post('/api/v1/catalog/entries', body({ name: '户政业务办理统计' })), 201);
  });

  it.each(['yshj_reviewer', 'yshj_admin', 'sjj_reviewer', 'kaifa_dev', 'zhangsan', 'admin', 'auditor_wx'])('is refused to %s (not an institution’s drafting role) with 403', async (login) => {
    const n = await db().selectFrom('catalog_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const e = refused(await as(login).post('/api/v1/catalog/entries', body()), 403, 'FORBIDDEN');
    expect(e.message).toContain('公共管理和服务机构');
    expect((await db().selectFrom('catalog_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n).toBe(n.n);
  });

  it('is refused without a session with 401', async () => {
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/catalog/entries', payload: body() })).statusCode).toBe(401);
  });

  it('refuses a rule breach with 422 citing the article, and a wrong shape with 400', async () => {
    const e = refused(await as('gat_clerk').post('/api/v1/catalog/entries', body({ shareConditions: null })), 422, 'RULE_VIOLATION', ART.shareAttr);
    expect(e.message).toContain('共享范围');
    expect(e.fields?.map((f) => f.field)).toEqual(['shareConditions/scope', 'shareConditions/usage']);
    refused(await as('gat_clerk').post('/api/v1/catalog/entries', body({ shareAttr: 'none', shareConditions: null, noShareBasis: '《海南省公共数据管理办法》' })), 422, 'RULE_VIOLATION', ART.shareAttr);
    refused(await as('gat_clerk').post('/api/v1/catalog/entries', body({ grade: 'core', operationAttr: true })), 422, 'RULE_VIOLATION', ART.operationScope);
    refused(await as('gat_clerk').post('/api/v1/catalog/entries', body({ name: ' ' })), 422, 'RULE_VIOLATION', ART.fields);
    const shape = refused(await as('gat_clerk').post('/api/v1/catalog/entries', { ...body(), updateFrequency: 'hourly' }), 400, 'VALIDATION');
    expect(shape.fields?.some((f) => f.field === 'updateFrequency')).toBe(true);
    refused(await as('gat_clerk').post('/api/v1/catalog/entries', { ...body(), fields: [{ name: 'x', label: '某', type: 'text' }] }), 400, 'VALIDATION');
  });
});

describe('the lifecycle of one entry', () => {
  let id = '';
  let v1 = '';
  const url = () => `/api/v1/catalog/entries/${id}`;

  it('starts as a draft that only the provider org reads', async () => {
    const e = ok(await as('gat_clerk').post('/api/v1/catalog/entries', body()), 201);
    id = e.id;
    v1 = e.versionId;
    const mine = ok(await as('gat_officer').get(url()));
    expect(mine).toMatchObject({ id, version: 1, status: 'draft', published: null, reviewDuty: null, updateCases: [] });
    expect(mine.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[1, 'draft']]);
    for (const login of ['scj_clerk', 'yshj_reviewer', 'zhangsan', 'kaifa_dev']) refused(await as(login).get(url()), 404, 'NOT_FOUND');
  });

  it('is edited by the provider only: another institution gets 404, the authority 403', async () => {
    const e = ok(await as('gat_clerk').put(url(), body({ name: '暂住人口登记信息' })));
    expect(e).toMatchObject({ name: '暂住人口登记信息', status: 'draft', version: 1 });
    refused(await as('scj_clerk').put(url(), body({ name: '越权修改' })), 404, 'NOT_FOUND');
    refused(await as('yshj_reviewer').put(url(), body({ name: '越权修改' })), 403, 'FORBIDDEN');
    refused(await as('gat_clerk').put(url(), body({ provisionMethods: [] })), 422, 'RULE_VIOLATION', ART.fields);
    expect(ok(await as('gat_clerk').get(url())).name).toBe('暂住人口登记信息');
  });

  it('is submitted only by the provider’s data officer, and only with both assessments recorded', async () => {
    for (const login of ['gat_clerk', 'gat_admin']) {
      const e = refused(await as(login).post(`${url()}/submit`), 403, 'FORBIDDEN');
      expect(e.message).toContain('data_officer');
    }
    // Those who cannot see the draft learn nothing of it.
    for (const login of ['scj_officer', 'yshj_reviewer']) refused(await as(login).post(`${url()}/submit`), 404, 'NOT_FOUND');
    const missing = refused(await as('gat_officer').post(`${url()}/submit`), 422, 'RULE_VIOLATION', ART.assessments);
    expect(missing.message).toContain('保密风险评估');
    expect(missing.fields?.map((f) => f.field)).toEqual(['assessments/secrecyRisk', 'assessments/piiImpact']);
    ok(await as('gat_clerk').put(url(), body({ name: '暂住人口登记信息', assessments: ASSESSED })));

    const s = ok(await as('gat_officer').post(`${url()}/submit`));
    expect(s).toMatchObject({ status: 'submitted', version: 1 });
    expect(s.submittedAt).toBe(env.clock.now().toISOString());
    refused(await as('gat_officer').post(`${url()}/submit`), 409, 'INVALID_STATE');
    refused(await as('gat_clerk').put(url(), body()), 409, 'INVALID_STATE', ART.review);
  });

  it('opens a first review for the authority without deadline, tracked with its age (000 第六条)', async () => {
    const yshj = await orgId('海南省营商环境建设厅');
    const duty = await db().selectFrom('duties').selectAll().where('case_type', '=', 'catalog_review').where('case_id', '=', v1).executeTakeFirstOrThrow();
    expect(duty).toMatchObject({ owner_org_id: yshj, duty: 'review', status: 'open', working_days: null, due_date: null });
    expect(duty.source).toBe(env.k.profile.params.catalogInitialReviewDays.source);
    const seen = ok(await as('yshj_reviewer').get(url()));
    expect(seen).toMatchObject({ status: 'submitted', reviewDuty: { dueDate: null, ageWorkingDays: 0, overdue: false } });
    refused(await as('scj_clerk').get(url()), 404, 'NOT_FOUND');
    const notes = await db().selectFrom('notifications').selectAll().where('org_id', '=', yshj).where('kind', '=', 'catalog.review_requested').execute();
    expect(notes.some((n) => n.title.includes('暂住人口登记信息'))).toBe(true);
  });

  it('appears in the authority’s review queue, which other orgs may not read', async () => {
    const q = ok(await as('yshj_reviewer').get('/api/v1/catalog/review-queue'));
    const item = q.items.find((i: { entryId: string }) => i.entryId === id);
    expect(item).toMatchObject({ version: 1, isUpdate: false, provider: { name: '海南省公安厅' }, duty: { dueDate: null, ageWorkingDays: 0 } });
    expect(q.total).toBeGreaterThanOrEqual(2); // and the demo's submitted entry
    for (const login of ['gat_officer', 'scj_clerk', 'zhangsan']) refused(await as(login).get('/api/v1/catalog/review-queue'), 403, 'FORBIDDEN');
  });

  it('may be reviewed only by the authority’s reviewers and admins', async () => {
    for (const login of ['gat_officer', 'gat_admin', 'scj_officer', 'sjj_reviewer', 'kaifa_dev', 'zhangsan', 'admin']) {
      refused(await as(login).post(`${url()}/review`, { decision: 'approve' }), 403, 'FORBIDDEN');
    }
    expect(ok(await as('gat_clerk').get(url())).status).toBe('submitted');
  });

  it('is returned with a comment, never without one', async () => {
    const bare = refused(await as('yshj_reviewer').post(`${url()}/review`, { decision: 'return', comment: ' ' }), 422, 'RULE_VIOLATION');
    expect(bare.message).toContain('审核意见');
    refused(await as('yshj_reviewer').post(`${url()}/review`, { decision: 'approve', version: 2 }), 409, 'INVALID_STATE');
    const r = ok(await as('yshj_reviewer').post(`${url()}/review`, { decision: 'return', comment: '请补充共享范围中的具体部门' }));
    expect(r).toMatchObject({ status: 'returned', reviewComment: '请补充共享范围中的具体部门', publishedVersion: null });
    const duty = await db().selectFrom('duties').selectAll().where('case_type', '=', 'catalog_review').where('case_id', '=', v1).executeTakeFirstOrThrow();
    expect(duty.status).toBe('met');
    const gat = await orgId('海南省公安厅');
    const note = await db().selectFrom('notifications').selectAll().where('org_id', '=', gat).where('kind', '=', 'catalog.returned').executeTakeFirstOrThrow();
    expect(note.body).toContain('请补充共享范围中的具体部门');
  });

  it('shows the provider the comment beside the returned version; others no longer see it', async () => {
    const e = ok(await as('gat_clerk').get(url()));
    expect(e.status).toBe('returned');
    expect(e.reviews).toEqual([
      expect.objectContaining({ version: 1, decision: 'return', comment: '请补充共享范围中的具体部门', reviewer: expect.objectContaining({ name: '陈静' }), org: expect.objectContaining({ name: '海南省营商环境建设厅' }) }),
    ]);
    refused(await as('yshj_reviewer').get(url()), 404, 'NOT_FOUND');
    refused(await as('zhangsan').get(url()), 404, 'NOT_FOUND');
  });

  it('is fixed by the clerk, resubmitted by the officer and published by the authority’s admin', async () => {
    env.clock.advance(3_600_000); // an hour later
    const fixed = ok(await as('gat_clerk').put(url(), body({ name: '暂住人口登记信息', assessments: ASSESSED, shareConditions: { scope: '省公安、民政、人社、卫健部门', usage: '仅用于人口服务管理' } })));
    expect(fixed.status).toBe('returned');
    expect(ok(await as('gat_officer').post(`${url()}/submit`)).status).toBe('submitted');
    const duties = await db().selectFrom('duties').select(['status']).where('case_type', '=', 'catalog_review').where('case_id', '=', v1).orderBy('started_at').execute();
    expect(duties.map((d) => d.status).sort()).toEqual(['met', 'open']);

    const p = ok(await as('yshj_admin').post(`${url()}/review`, { decision: 'approve', comment: '同意发布', version: 1 }));
    expect(p).toMatchObject({ status: 'published', version: 1, publishedVersion: 1, reviewComment: '同意发布' });
    expect(p.publishedAt).toBe(env.clock.now().toISOString());
    const open = await db().selectFrom('duties').select('id').where('case_type', '=', 'catalog_review').where('case_id', '=', v1).where('status', '=', 'open').execute();
    expect(open).toEqual([]);
    refused(await as('yshj_reviewer').post(`${url()}/review`, { decision: 'approve' }), 409, 'INVALID_STATE');
  });

  it('once published, is readable by every signed-in user with its history', async () => {
    for (const login of ['zhangsan', 'scj_clerk', 'kaifa_dev', 'yshj_reviewer', 'auditor_wx']) {
      const e = ok(await as(login).get(url()));
      expect(e).toMatchObject({ status: 'published', version: 1, published: { version: 1, status: 'published' }, reviewDuty: null });
      expect(e.versions.map((v: { status: string }) => v.status)).toEqual(['published']);
      // The return's comment was on the same version, now published: it stays part of its history.
      expect(e.reviews.map((r: { decision: string }) => r.decision)).toEqual(['return', 'approve']);
    }
    refused(await env.app.inject({ method: 'GET', url: url() }), 401, 'UNAUTHENTICATED');
  });

  it('is immutable when published: PUT is refused, and so is any UPDATE or DELETE in SQL', async () => {
    const e = refused(await as('gat_clerk').put(url(), body({ name: '直接改已发布版本' })), 409, 'INVALID_STATE', ART.update);
    expect(e.message).toContain('新建版本');
    await expect(sql`UPDATE catalog_versions SET name = '篡改' WHERE id = ${v1}`.execute(db())).rejects.toThrow(/immutable/);
    await expect(sql`UPDATE catalog_versions SET status = 'draft' WHERE id = ${v1}`.execute(db())).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM catalog_versions WHERE id = ${v1}`.execute(db())).rejects.toThrow(/never deleted/);
    expect(ok(await as('zhangsan').get(url())).name).toBe('暂住人口登记信息');
  });

  let v2 = '';
  it('changes through a new version, started by the provider only, one at a time', async () => {
    for (const login of ['scj_clerk', 'yshj_reviewer', 'zhangsan']) refused(await as(login).post(`${url()}/versions`, { changeNote: '越权' }), 403, 'FORBIDDEN');
    refused(await as('gat_clerk').post(`${url()}/versions`, {}), 400, 'VALIDATION');
    const n = ok(await as('gat_clerk').post(`${url()}/versions`, { changeNote: '增加居住地址数据项' }), 201);
    v2 = n.versionId;
    expect(n).toMatchObject({ version: 2, status: 'draft', changeNote: '增加居住地址数据项', publishedVersion: 1, latestVersion: 2, name: '暂住人口登记信息' });
    expect(n.shareConditions.scope).toBe('省公安、民政、人社、卫健部门');
    refused(await as('gat_officer').post(`${url()}/versions`, { changeNote: '再来一版' }), 409, 'INVALID_STATE');
  });

  it('keeps the draft version to the provider; everyone else still reads the published one', async () => {
    const mine = ok(await as('gat_clerk').get(url()));
    expect(mine).toMatchObject({ version: 2, status: 'draft', published: { version: 1 } });
    expect(mine.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    for (const login of ['zhangsan', 'yshj_reviewer']) {
      const e = ok(await as(login).get(url()));
      expect(e).toMatchObject({ version: 1, status: 'published' });
      expect(e.versions.map((v: { version: number }) => v.version)).toEqual([1]);
      refused(await as(login).get(`${url()}?version=2`), 404, 'NOT_FOUND');
    }
  });

  it('goes through review again, within 2 working days as an update (000 第七条)', async () => {
    const fields = [...body().fields, { name: 'address', label: '居住地址', type: 'string' as const, piiKind: 'address' }];
    ok(await as('gat_clerk').put(url(), body({ name: '暂住人口登记信息（含居住地址）', fields, assessments: ASSESSED, changeNote: '增加居住地址数据项' })));
    // Friday 2026-09-18: Saturday is a rest day, Sunday 09-20 a 调休 working day, so due Monday 09-21.
    ok(await as('gat_officer').post(`${url()}/submit`));
    const e = ok(await as('yshj_reviewer').get(url()));
    expect(e).toMatchObject({ version: 2, status: 'submitted', reviewDuty: { workingDays: 2, dueDate: '2026-09-21', source: ART.update, remainingWorkingDays: 2 } });
    const q = ok(await as('yshj_reviewer').get('/api/v1/catalog/review-queue'));
    expect(q.items[0]).toMatchObject({ entryId: id, version: 2, isUpdate: true, changeNote: '增加居住地址数据项', duty: { dueDate: '2026-09-21' } });
    expect(q.items.slice(1).every((i: { duty: { dueDate: string | null } | null }) => !i.duty || i.duty.dueDate === null || i.duty.dueDate >= '2026-09-21')).toBe(true);
    const second = ok(await as('yshj_reviewer').get('/api/v1/catalog/review-queue?limit=1&offset=1'));
    expect(second.total).toBe(q.total);
    expect(second.items.map((i: { versionId: string }) => i.versionId)).toEqual([q.items[1].versionId]);
  });

  it('supersedes the previous version on approval; the previous version stays readable and immutable', async () => {
    const p = ok(await as('yshj_reviewer').post(`${url()}/review`, { decision: 'approve' }));
    expect(p).toMatchObject({ version: 2, status: 'published', publishedVersion: 2 });
    const now = ok(await as('zhangsan').get(url()));
    expect(now).toMatchObject({ version: 2, name: '暂住人口登记信息（含居住地址）', published: { version: 2 } });
    expect(now.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'published'],
    ]);
    const old = ok(await as('zhangsan').get(`${url()}?version=1`));
    expect(old).toMatchObject({ version: 1, status: 'superseded', name: '暂住人口登记信息', publishedVersion: 2 });
    expect(old.fields).toHaveLength(2);
    refused(await as('zhangsan').get(`${url()}?version=3`), 404, 'NOT_FOUND');
    await expect(sql`UPDATE catalog_versions SET status = 'published' WHERE id = ${v1}`.execute(db())).rejects.toThrow(/immutable/);
    await expect(sql`UPDATE catalog_versions SET fields = '[]' WHERE id = ${v2}`.execute(db())).rejects.toThrow(/immutable/);
  });

  it('left one audit event per change, by whoever made it', async () => {
    const events = await eventsOf(id);
    expect(events.map((e) => e.action)).toEqual([
      'catalog.entry_create',
      'catalog.entry_update',
      'catalog.entry_update',
      'catalog.entry_submit',
      'catalog.entry_return',
      'catalog.entry_update',
      'catalog.entry_submit',
      'catalog.entry_approve',
      'catalog.version_create',
      'catalog.entry_update',
      'catalog.entry_submit',
      'catalog.entry_approve',
    ]);
    const users = await db().selectFrom('users').select(['id', 'login']).execute();
    const login = (uid: string | null) => users.find((u) => u.id === uid)?.login;
    expect(events.map((e) => login(e.actor_user_id))).toEqual([
      'gat_clerk',
      'gat_clerk',
      'gat_clerk',
      'gat_officer',
      'yshj_reviewer',
      'gat_clerk',
      'gat_officer',
      'yshj_admin',
      'gat_clerk',
      'gat_clerk',
      'gat_officer',
      'yshj_reviewer',
    ]);
    expect(events.at(-1)?.details).toMatchObject({ version: 2, supersededVersion: 1 });
  });

  it('indexed every version for search', async () => {
    const rows = await db().selectFrom('catalog_versions').select(['version', sql<boolean>`search_doc IS NOT NULL`.as('indexed')]).where('entry_id', '=', id).orderBy('version').execute();
    expect(rows).toEqual([
      { version: 1, indexed: true },
      { version: 2, indexed: true },
    ]);
    const hit = await sql<{ version: number }>`SELECT version FROM catalog_versions WHERE entry_id = ${id} AND search_doc @@ plainto_tsquery('simple', '地址')`.execute(db());
    expect(hit.rows.map((r) => r.version)).toEqual([2]);
  });
});

describe('reviews across orgs', () => {
  it('an authority never reviews its own org’s entry', async () => {
    // 营商环境建设厅 as an institution too: give it the role, then try to review its own entry.
    const yshj = await orgId('海南省营商环境建设厅');
    await db().updateTable('orgs').set({ roles: ['sharing_authority', 'institution'] }).where('id', '=', yshj).execute();
    try {
      const admin = await loginAs(env.app, 'yshj_admin');
      const e = ok(await admin.post('/api/v1/catalog/entries', body({ name: '营商环境评价指标', assessments: ASSESSED })), 201);
      expect(e.provider.name).toBe('海南省营商环境建设厅');
      const r = refused(await admin.post(`/api/v1/catalog/entries/${e.id}/review`, { decision: 'approve' }), 403, 'FORBIDDEN');
      expect(r.message).toContain('不能审核本机构');
    } finally {
      await db().updateTable('orgs').set({ roles: ['sharing_authority'] }).where('id', '=', yshj).execute();
    }
  });

  it('unknown entries and versions are 404, malformed ids 400', async () => {
    refused(await as('gat_clerk').get('/api/v1/catalog/entries/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    refused(await as('gat_clerk').get('/api/v1/catalog/entries/not-a-uuid'), 400, 'VALIDATION');
    refused(await as('gat_officer').post('/api/v1/catalog/entries/00000000-0000-4000-8000-000000000000/submit'), 404, 'NOT_FOUND');
  });
});
