/**
 * `GET /api/v1/catalog/entries/{id}/pii-proposal`: each field's kind of personal information
 * proposed from a sample of the live data, beside the kind the catalog declares; the provider and
 * the platform administrator only; audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import { makePublishedEntry, publishNextVersion } from '../ingest/factories.js';
import { synthIdNumber } from '../ingest/synth.js';
import type { CatalogField } from './tables.js';

let env: TestEnv;
let as: (login: string) => Client;
let entryId: string;

const FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'contact', label: '联系人', type: 'string' },
  { name: 'tel', label: '联系电话', type: 'string' },
  { name: 'mail', label: '电子邮箱', type: 'string' },
  { name: 'home', label: '住址', type: 'string' },
  { name: 'plate_no', label: '号牌号码', type: 'string' },
  { name: 'birth', label: '出生日期', type: 'date' },
  { name: 'status', label: '办理状态', type: 'string' },
  { name: 'fee', label: '金额', type: 'number' },
];
const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '欧阳华', '杨帆', '黄磊', '赵敏', '周杰'];
const STREETS = ['滨海大道', '龙昆南路', '国兴大道', '海秀中路', '白龙南路'];

function csv(n: number): string {
  const lines = [FIELDS.map((f) => f.name).join(',')];
  for (let i = 0; i < n; i++) {
    lines.push(
      [
        synthIdNumber('460105', '19900307', i),
        NAMES[i % NAMES.length],
        // Three in four mobiles, one in four fixed lines: the proposal is the kind most values are.
        i % 4 === 3 ? `0898-6${String(6000000 + i).slice(-7)}` : `139${String(i).padStart(8, '0')}`,
        `user${i}@example.cn`,
        `海南省海口市龙华区${STREETS[i % STREETS.length]}${i + 1}号`,
        `琼A${String(10000 + i)}`,
        '1990-03-07',
        i % 2 ? '已办结' : '办理中',
        `${100 + i}.5`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  env = await testEnv();
  as = await signIn(env.app, ['gat_clerk', 'gat_admin', 'scj_clerk', 'admin']);
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '个人信息识别测试');
  const c = as('gat_clerk');
  const res = await env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' }, payload: csv(40) });
  expect(res.statusCode, res.body).toBe(201);
});
afterAll(async () => env.close());

const proposal = (c: Client, id = entryId, query = '') => c.get(`/api/v1/catalog/entries/${id}/pii-proposal${query}`);
type Field = { name: string; kind: string | null; currentKind: string | null; share: number; sampled: number; matched: number; confidence: string | null; notLoaded: boolean };
const byName = (fields: Field[]) => new Map(fields.map((f) => [f.name, f]));

describe('the PII proposal of a catalog entry', () => {
  it('proposes each field’s kind from its data, beside the kind the catalog declares', async () => {
    const body = ok(await proposal(as('gat_clerk')));
    expect(body).toMatchObject({ entryId, catalogVersion: 1, dataVersion: { versionNo: 1, rows: 40 }, sampleSize: 1000 });
    const f = byName(body.fields as Field[]);
    expect(f.get('id_number')).toMatchObject({ kind: 'id_number', currentKind: 'id_number', share: 1, sampled: 40, confidence: 'certain' });
    expect(f.get('contact')).toMatchObject({ kind: 'name', currentKind: null, share: 1, confidence: 'likely' });
    expect(f.get('tel')).toMatchObject({ kind: 'mobile', share: 0.75, matched: 30 });
    expect(f.get('mail')).toMatchObject({ kind: 'email', share: 1 });
    expect(f.get('home')).toMatchObject({ kind: 'address', confidence: 'certain' });
    expect(f.get('plate_no')).toMatchObject({ kind: 'plate' });
    expect(f.get('birth')).toMatchObject({ kind: 'birth_date' });
    expect(f.get('status')).toMatchObject({ kind: null, share: 0, sampled: 40 });
    expect(f.get('fee')).toMatchObject({ kind: null, sampled: 40 });
  });

  it('samples at most the size asked for (1–1000), and refuses a size outside it', async () => {
    const body = ok(await proposal(as('gat_clerk'), entryId, '?sample=10'));
    expect(byName(body.fields).get('contact')).toMatchObject({ sampled: 10, kind: 'name' });
    ok(await proposal(as('gat_clerk'), entryId, '?sample=1000'));
    refused(await proposal(as('gat_clerk'), entryId, '?sample=1001'), 400, 'VALIDATION');
    refused(await proposal(as('gat_clerk'), entryId, '?sample=0'), 400, 'VALIDATION');
  });

  it('does not propose a kind that covers less than half of the values', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', [{ name: 'code', label: '编号', type: 'string', key: true }], '少数匹配');
    const c = as('gat_clerk');
    const rows = Array.from({ length: 10 }, (_, i) => (i < 4 ? `139${String(i).padStart(8, '0')}` : `A-${i}`));
    const res = await env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${id}/loads?mode=replace`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' }, payload: `code\n${rows.join('\n')}\n` });
    expect(res.statusCode, res.body).toBe(201);
    expect(byName(ok(await proposal(c, id)).fields).get('code')).toMatchObject({ kind: null, matched: 4, share: 0.4, sampled: 10 });
    const rows6 = Array.from({ length: 10 }, (_, i) => (i < 5 ? `139${String(i).padStart(8, '0')}` : `A-${i}`));
    const res2 = await env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${id}/loads?mode=replace`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' }, payload: `code\n${rows6.join('\n')}\n` });
    expect(res2.statusCode, res2.body).toBe(201);
    expect(byName(ok(await proposal(c, id)).fields).get('code')).toMatchObject({ kind: 'mobile', share: 0.5 });
  });

  it('proposes for the latest catalog version: a field added since the load is marked not loaded', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '新增数据项');
    const c = as('gat_clerk');
    const res = await env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${id}/loads?mode=replace`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' }, payload: csv(5) });
    expect(res.statusCode, res.body).toBe(201);
    await publishNextVersion(env.k, id, [...FIELDS, { name: 'wechat', label: '微信号', type: 'string' }], '新增数据项');
    const body = ok(await proposal(c, id));
    expect(body.catalogVersion).toBe(2);
    expect(byName(body.fields).get('wechat')).toMatchObject({ notLoaded: true, sampled: 0, kind: null });
    expect(byName(body.fields).get('contact')).toMatchObject({ notLoaded: false, kind: 'name' });
  });

  it('answers with no data version when nothing has been loaded', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '未汇聚');
    const body = ok(await proposal(as('gat_clerk'), id));
    expect(body.dataVersion).toBeNull();
    expect((body.fields as Field[]).every((f) => f.sampled === 0 && f.kind === null && !f.notLoaded)).toBe(true);
  });

  it('is for the providing institution and the platform administrator only', async () => {
    ok(await proposal(as('gat_admin')));
    ok(await proposal(as('admin')));
    refused(await proposal(as('scj_clerk')), 403, 'FORBIDDEN');
    refused(await env.app.inject({ method: 'GET', url: `/api/v1/catalog/entries/${entryId}/pii-proposal` }), 401, 'UNAUTHENTICATED');
    refused(await proposal(as('gat_clerk'), '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
  });

  it('audits the sampling, with the fields sampled and not their values', async () => {
    ok(await proposal(as('gat_clerk')));
    const e = await env.k.db.kysely
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'catalog.pii_proposal')
      .where('object_id', '=', entryId)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const details = (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as { dataVersion: number; fields: Array<{ name: string; proposed: string | null }> };
    expect(details.dataVersion).toBe(1);
    expect(details.fields).toContainEqual({ name: 'contact', sampled: 40, proposed: 'name' });
    expect(JSON.stringify(details)).not.toContain('张伟');
  });
});
