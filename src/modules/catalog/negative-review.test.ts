/**
 * The negative list's joint review on the deadline ledger (000 第十一条, Decisions 7): publishing
 * a conditional or not-shared version opens one sign-off duty per seat, with no due date; a
 * sign-off meets its seat's duty; a newer version in force cancels the old version's duties; an
 * unconditionally shared version opens none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { NEGATIVE_LIST_SEATS, type EntryInput } from './model.js';
import { NEGATIVE_REVIEW_CASE } from './negative-review.js';

let env: TestEnv;
const c: Record<string, Client> = {};
const db = () => env.k.db.kysely;

const ASSESSED = { secrecyRisk: { conclusion: '不涉及国家秘密' }, piiImpact: { conclusion: '不含个人信息' } };
const body = (over: Partial<EntryInput> = {}): EntryInput => ({
  name: '暂住登记统计',
  description: '按月统计的暂住登记数量',
  format: 'table',
  fields: [{ name: 'month', label: '月份', type: 'string', key: true }, { name: 'count', label: '登记数', type: 'integer' }],
  shareAttr: 'conditional',
  shareConditions: { scope: '省内政务部门', usage: '人口服务管理' },
  openAttr: 'none',
  notOpenReason: 'law',
  operationAttr: false,
  provisionMethods: ['api'],
  updateFrequency: 'monthly',
  category: '人口',
  grade: 'general',
  assessments: ASSESSED,
  ...over,
});

async function publish(input: EntryInput): Promise<{ id: string; versionId: string }> {
  const created = await c.gat_clerk!.post('/api/v1/catalog/entries', input);
  expect(created.statusCode, created.body).toBe(201);
  const { id } = created.json() as { id: string };
  expect((await c.gat_officer!.post(`/api/v1/catalog/entries/${id}/submit`)).statusCode).toBe(200);
  const approved = await c.yshj_reviewer!.post(`/api/v1/catalog/entries/${id}/review`, { decision: 'approve', comment: '' });
  expect(approved.statusCode, approved.body).toBe(200);
  return { id, versionId: (approved.json() as { versionId: string }).versionId };
}

const dutiesOf = (versionId: string) =>
  db().selectFrom('duties').select(['duty', 'status', 'due_date', 'source', 'owner_org_id']).where('case_type', '=', NEGATIVE_REVIEW_CASE).where('case_id', '=', versionId).orderBy('duty').execute();

beforeAll(async () => {
  env = await testEnv();
  for (const login of ['gat_clerk', 'gat_officer', 'yshj_reviewer', 'wx_reviewer']) c[login] = await loginAs(env.app, login);
});
afterAll(async () => {
  await env.close();
});

describe('the negative list joint review on the ledger', () => {
  it('opens one sign-off duty per seat, without a due date, when a conditional version is published', async () => {
    const { versionId } = await publish(body());
    const duties = await dutiesOf(versionId);
    expect(duties.map((d) => d.duty).sort()).toEqual(NEGATIVE_LIST_SEATS.map((s) => `signoff:${s}`).sort());
    expect(duties.every((d) => d.status === 'open' && d.due_date === null && d.source === '000 第十一条')).toBe(true);
    const wx = await db().selectFrom('catalog_review_seats').select('org_id').where('seat', '=', 'cyberspace').executeTakeFirstOrThrow();
    expect(duties.find((d) => d.duty === 'signoff:cyberspace')!.owner_org_id).toBe(wx.org_id);
  });

  it('meets the seat duty when its holder signs, leaving the other seats open', async () => {
    const { versionId } = await publish(body({ name: '居住证办理统计' }));
    const res = await c.wx_reviewer!.post(`/api/v1/catalog/negative-list/${versionId}/signoffs`, { seat: 'cyberspace', decision: 'agree' });
    expect(res.statusCode, res.body).toBe(201);
    const duties = await dutiesOf(versionId);
    expect(duties.find((d) => d.duty === 'signoff:cyberspace')!.status).toBe('met');
    expect(duties.filter((d) => d.status === 'open')).toHaveLength(NEGATIVE_LIST_SEATS.length - 1);
  });

  it('cancels the open duties of a version superseded by a newer one', async () => {
    const { id, versionId } = await publish(body({ name: '流动人口统计' }));
    const v2 = await c.gat_clerk!.post(`/api/v1/catalog/entries/${id}/versions`, { changeNote: '改为无条件共享' });
    expect(v2.statusCode, v2.body).toBe(201);
    const put = await c.gat_clerk!.put(`/api/v1/catalog/entries/${id}`, body({ name: '流动人口统计', shareAttr: 'unconditional', shareConditions: null }));
    expect(put.statusCode, put.body).toBe(200);
    expect((await c.gat_officer!.post(`/api/v1/catalog/entries/${id}/submit`)).statusCode).toBe(200);
    const approved = await c.yshj_reviewer!.post(`/api/v1/catalog/entries/${id}/review`, { decision: 'approve', comment: '' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await dutiesOf(versionId)).every((d) => d.status === 'cancelled')).toBe(true);
    // The new version is shared unconditionally: not on the negative list, no duties.
    expect(await dutiesOf((approved.json() as { versionId: string }).versionId)).toEqual([]);
  });

  it('shows on the seat holder’s workbench', async () => {
    const res = await c.wx_reviewer!.get('/api/v1/duties');
    expect(res.statusCode, res.body).toBe(200);
    // The demo leaves joint reviews open too: look for this test's own entry.
    const titles = (res.json() as { items: Array<{ title: string }> }).items.map((d) => d.title);
    expect(titles).toContain('负面清单联合审查（网信部门）：暂住登记统计');
  });
});
