/**
 * Masking strategies per field and per grant, through the API (002 第十一条; 000 第十四条):
 * 省公安厅 (gat) approves 省市场监督管理局's (scj) requests choosing how each personal field
 * leaves — pseudonym, truncation, generalisation, suppression — and changes it later with
 * `PUT /api/v1/grants/{id}/masking` (audited, the subject notified, effective on the next read).
 * The service API (JSON, NDJSON, CSV) and exports (CSV, NDJSON; the stream path and, for a
 * pseudonym, the page path) deliver each field as chosen; pseudonyms differ between grants unless
 * platform-wide. A strategy on a field that is not personal, not granted, released in clear, or
 * of the wrong type is refused, naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, refused } from '../../../test/assert.js';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import type { CatalogField } from '../catalog/tables.js';
import { makePublishedEntry, PEOPLE_FIELDS, rowsCsv } from '../ingest/factories.js';
import { synthBankCard, synthIdNumber, synthUscc } from '../ingest/synth.js';
import { exportsSettled, type ExportView } from './export.js';

let env: TestEnv;
const db = () => env.k.db.kysely;
let gatClerk: Client;
let gatOfficer: Client;
let scjClerk: Client;
let scjOfficer: Client;

const ROWS = 60;
/** The people fields, with the date of birth and the income as personal information too. */
const FIELDS: CatalogField[] = PEOPLE_FIELDS.map((f) => (f.name === 'birth' ? { ...f, piiKind: 'birth_date' } : f.name === 'income' ? { ...f, piiKind: 'income' } : f));
const GRANTED = ['id_number', 'name', 'mobile', 'region', 'birth', 'household', 'income'];

const person = (i: number): Record<string, string> => ({
  id_number: synthIdNumber('460105', '19900307', i),
  name: `居民${i}`,
  mobile: `139${String(i).padStart(8, '0')}`,
  card: synthBankCard(i),
  region: i % 3 === 0 ? '460106' : '460105',
  company: synthUscc('460100', i),
  birth: `1990-0${(i % 9) + 1}-15`,
  household: String((i % 5) + 1),
  income: `${1000 + i * 37}.50`,
  active: i % 2 ? 'true' : 'false',
  updated_at: '2026-09-18T10:00:00+08:00',
});
const people = Array.from({ length: ROWS }, (_, i) => person(i + 1));
const csvOf = (rows: Array<Record<string, string>>) => rowsCsv(rows, FIELDS);

let entryId = '';
let code = '';

type Item = Record<string, unknown>;
type GrantView = { id: string; masking: Record<string, string>; maskDefaults: Array<{ field: string; type: string; piiKind: string; spec: string }>; clearFields: string[] };

/** scj asks for `fields` by `method`, its officer signs, gat decides with `decide` (approve by default): the response. */
async function decided(method: 'api' | 'batch' | 'sandbox', decide: Record<string, unknown>, fields = GRANTED) {
  const r = ok<{ id: string }>(
    await scjClerk.post('/api/v1/sharing/requests', {
      entryId,
      fields,
      basis: '《优化营商环境条例》第三十七条',
      scenario: '企业开办登记时核验经办人身份',
      scope: '省市场监督管理局登记注册处',
      method,
      validUntil: '2027-09-30',
    }),
    201,
  );
  expect(ok<{ status: string }>(await scjOfficer.post(`/api/v1/sharing/requests/${r.id}/sign`)).status).toBe('pending');
  return { requestId: r.id, res: await gatOfficer.post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'approve', ...decide }) };
}

async function approved(method: 'api' | 'batch', masking?: Record<string, string>): Promise<string> {
  const { res } = await decided(method, masking ? { masking } : {});
  return ok<{ grantId: string }>(res).grantId;
}

/** A key bound to the grant, made by scj. */
async function keyOf(grantId: string): Promise<string> {
  return ok<{ key: string }>(await scjClerk.post(`/api/v1/grants/${grantId}/keys`, { name: '核验' }), 201).key;
}

const read = (key: string, qs = '') => env.app.inject({ method: 'GET', url: `/api/v1/data/${code}?limit=1000${qs ? `&${qs}` : ''}`, headers: { authorization: `Bearer ${key}` } });
const items = async (key: string, qs = '') => ok<{ items: Item[] }>(await read(key, qs)).items;

/** Parses CSV of simple cells (none of this data needs quoting). */
function parseCsv(body: string): Item[] {
  const lines = body.split('\n').filter(Boolean);
  const header = (lines[0] ?? '').split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i] as string, v === '' ? null : v])));
}

/** The path an export was written by (stream or pages), as its ready event records it. */
async function pathOf(exportId: string): Promise<unknown> {
  const ev = await db().selectFrom('audit_events').select('details').where('action', '=', 'delivery.export_ready').where('object_id', '=', exportId).executeTakeFirstOrThrow();
  return (ev.details as { path?: unknown }).path;
}

/** Asks for an export, waits for it and downloads it: its view and body. */
async function exported(grantId: string, format: 'csv' | 'ndjson'): Promise<{ x: ExportView; body: string }> {
  const made = ok<ExportView>(await scjClerk.post('/api/v1/exports', { grantId, format }), 202);
  await exportsSettled();
  const x = ok<ExportView>(await scjClerk.get(`/api/v1/exports/${made.id}`));
  expect(x.status, x.error ?? '').toBe('ready');
  const res = await scjClerk.get(x.download?.url ?? '');
  expect(res.statusCode, res.body).toBe(200);
  return { x, body: res.body };
}

const HEX16 = /^[0-9a-f]{16}$/;
const CHOSEN = { id_number: 'pseudonym:grant', name: 'truncate:1', region: 'generalise:city', mobile: 'suppress', birth: 'generalise:month', income: 'generalise:band:1000' };

let G = '';
let key = '';

beforeAll(async () => {
  env = await testEnv();
  gatClerk = await loginAs(env.app, 'gat_clerk');
  gatOfficer = await loginAs(env.app, 'gat_officer');
  scjClerk = await loginAs(env.app, 'scj_clerk');
  scjOfficer = await loginAs(env.app, 'scj_officer');
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '测试人口数据（脱敏方式）', { provisionMethods: ['api', 'batch', 'sandbox'] });
  code = (await db().selectFrom('catalog_entries').select('code').where('id', '=', entryId).executeTakeFirstOrThrow()).code;
  const load = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
    headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
    payload: csvOf(people),
  });
  expect(ok(load, 201)).toMatchObject({ status: 'committed', rowsAccepted: ROWS });
}, 120_000);

afterAll(async () => {
  await exportsSettled();
  await env?.close();
});

describe('approving with masking strategies', () => {
  it('the provider chooses a strategy per personal field; the grant shows them, the decision is audited with them', async () => {
    const { requestId, res } = await decided('api', { masking: { ...CHOSEN, name: ' truncate:1 ' } });
    G = ok<{ grantId: string }>(res).grantId;
    const g = ok<GrantView>(await gatOfficer.get(`/api/v1/grants/${G}`));
    expect(g.masking).toEqual(CHOSEN);
    expect(g.maskDefaults).toContainEqual({ field: 'id_number', type: 'string', piiKind: 'id_number', spec: 'partial:6:4' });
    expect(g.maskDefaults.map((d) => d.field)).not.toContain('household');
    const ev = await db().selectFrom('audit_events').select('details').where('action', '=', 'sharing.request_approve').where('object_id', '=', requestId).executeTakeFirstOrThrow();
    expect((ev.details as { masking?: unknown }).masking).toEqual(CHOSEN);
    key = await keyOf(G);
  });

  it('refuses a strategy on a field that is not personal, not requested, in clear, or of the wrong type, naming it', async () => {
    const household = refused((await decided('api', { masking: { household: 'suppress' } })).res, 400, 'VALIDATION', '000 第十四条');
    expect(household.message).toContain('household 不含个人信息');
    expect(household.fields).toEqual([{ field: 'masking/household', message: expect.stringContaining('household') }]);
    const card = refused((await decided('api', { masking: { card: 'suppress' } })).res, 400, 'VALIDATION');
    expect(card.message).toContain('card 不在授权的数据项内');
    const clear = refused((await decided('api', { clearFields: ['name'], clearReason: '登记需核对姓名', masking: { name: 'suppress' } })).res, 400, 'VALIDATION');
    expect(clear.message).toContain('name 以明文提供');
    const type = refused((await decided('api', { masking: { region: 'generalise:band:10' } })).res, 400, 'VALIDATION');
    expect(type.message).toContain('region 为文本类型，不能使用泛化方式 band:10');
    const spec = refused((await decided('api', { masking: { name: 'blur' } })).res, 400, 'VALIDATION');
    expect(spec.message).toContain('name：不认识的脱敏方式');
    const refusal = refused((await decided('api', { decision: 'refuse', reason: '不符合条件', basis: '000 第十四条', masking: { name: 'suppress' } })).res, 400, 'VALIDATION');
    expect(refusal.message).toContain('不同意共享时不能设置脱敏方式');
    // Without masking, the same request is approved and keeps the defaults.
    const plain = await approved('api');
    expect(ok<GrantView>(await gatOfficer.get(`/api/v1/grants/${plain}`)).masking).toEqual({});
  });
});

describe('the service API delivers each field as chosen', () => {
  it('JSON: pseudonym, truncation, generalisations, suppression; fields not personal as they are', async () => {
    const got = await items(key);
    expect(got).toHaveLength(ROWS);
    for (const it of got) {
      expect(it.id_number).toMatch(HEX16);
      expect(Array.from(String(it.name))).toHaveLength(1);
      expect(it.name).toBe('居');
      expect(it.region).toBe('460100');
      expect(it.mobile).toBe('*');
      expect(it.birth).toMatch(/^1990-0[1-9]$/);
      expect(it.income).toMatch(/^\d+000-\d+999$/);
      expect(typeof it.household).toBe('number');
    }
    // One pseudonym per person, stable from read to read.
    expect(new Set(got.map((i) => i.id_number)).size).toBe(ROWS);
    expect((await items(key)).map((i) => i.id_number)).toEqual(got.map((i) => i.id_number));
    const body = (await read(key)).body;
    for (const p of people) {
      expect(body).not.toContain(p.id_number);
      expect(body).not.toContain(p.mobile);
    }
  });

  it('NDJSON and CSV carry the same values', async () => {
    const json = await items(key);
    const nd = (await read(key, 'format=ndjson')).body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Item);
    expect(nd).toEqual(json);
    const csv = parseCsv((await read(key, 'format=csv')).body);
    expect(csv.map((r) => [r.id_number, r.name, r.region, r.mobile, r.birth, r.income])).toEqual(json.map((r) => [r.id_number, r.name, r.region, r.mobile, r.birth, r.income]));
  });

  it('equality on a pseudonymised field still verifies by the value; a suppressed field takes no filter', async () => {
    const target = people[7] as Record<string, string>;
    const hit = await items(key, `id_number=${target.id_number}`);
    expect(hit).toHaveLength(1);
    expect(hit[0]?.id_number).toMatch(HEX16);
    const e = refused(await read(key, `mobile=${target.mobile}`), 400, 'VALIDATION');
    expect(e.message).toContain('mobile 的脱敏方式为不提供');
    // A field masked by default still takes equality.
    expect(await items(key, `household=3`)).toHaveLength(people.filter((p) => p.household === '3').length);
  });

  it('pseudonyms differ between grants; platform-wide ones are equal across grants', async () => {
    const other = await approved('api', { id_number: 'pseudonym:grant' });
    const mine = (await items(key)).map((i) => i.id_number);
    const theirs = (await items(await keyOf(other))).map((i) => i.id_number);
    expect(theirs).toHaveLength(ROWS);
    for (const p of theirs) expect(mine).not.toContain(p);
    const p1 = await approved('api', { id_number: 'pseudonym:platform' });
    const p2 = await approved('api', { id_number: 'pseudonym:platform', name: 'suppress:null' });
    const a = (await items(await keyOf(p1))).map((i) => i.id_number);
    const b = await items(await keyOf(p2));
    expect(b.map((i) => i.id_number)).toEqual(a);
    expect(b.every((i) => i.name === null)).toBe(true);
    for (const p of a) expect(mine).not.toContain(p);
  });
});

describe('changing the strategies on the grant', () => {
  it('the provider replaces them with a reason: audited, the subject notified, the next read changes', async () => {
    const before = await items(key);
    const g = ok<GrantView>(await gatOfficer.put(`/api/v1/grants/${G}/masking`, { masking: { id_number: 'generalise:birth_year', region: 'generalise:province', birth: 'generalise:year' }, reason: '核验只需出生年份和省份' }));
    expect(g.masking).toEqual({ id_number: 'generalise:birth_year', region: 'generalise:province', birth: 'generalise:year' });
    const after = await items(key);
    expect(after).toHaveLength(ROWS);
    for (const it of after) {
      expect(it.id_number).toBe('1990');
      expect(it.region).toBe('460000');
      expect(it.birth).toBe('1990');
      // No longer chosen: back to the defaults of their kinds.
      expect(it.name).toMatch(/^居\*+$/);
      expect(it.mobile).toMatch(/^139\*{4}\d{4}$/);
      expect(it.income).toMatch(/^\d\*+\d$/);
    }
    expect(after).not.toEqual(before);
    const ev = await db().selectFrom('audit_events').select(['details', 'grant_id']).where('action', '=', 'sharing.grant_masking').where('object_id', '=', G).executeTakeFirstOrThrow();
    expect(ev.grant_id).toBe(G);
    expect(ev.details).toMatchObject({ before: CHOSEN, after: g.masking, reason: '核验只需出生年份和省份' });
    const scj = await db().selectFrom('orgs').select('id').where('name', '=', '海南省市场监督管理局').executeTakeFirstOrThrow();
    const note = await db().selectFrom('notifications').select(['title', 'body']).where('org_id', '=', scj.id).where('kind', '=', 'sharing.grant_masking').executeTakeFirstOrThrow();
    expect(note.body).toContain('证件号码取出生年份');
    expect(note.body).toContain('自下一次获取起生效');
    // The read audit names the strategies it ran under.
    const read = await db().selectFrom('audit_events').select('details').where('action', '=', 'delivery.read').where('grant_id', '=', G).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect((read.details as { masking?: unknown }).masking).toEqual(g.masking);
  });

  it('refuses, naming the field: not personal, not granted, in clear, wrong type; and another org, and no reason', async () => {
    const put = (c: Client, masking: Record<string, string>, reason = '调整') => c.put(`/api/v1/grants/${G}/masking`, { masking, reason });
    const household = refused(await put(gatOfficer, { household: 'generalise:band:2' }), 400, 'VALIDATION', '000 第十四条');
    expect(household.message).toBe('household 不含个人信息，无须设置脱敏方式');
    const card = refused(await put(gatOfficer, { card: 'suppress' }), 400, 'VALIDATION');
    expect(card.message).toContain('card 不在授权的数据项内');
    const type = refused(await put(gatOfficer, { income: 'generalise:city', id_number: 'truncate:0' }), 400, 'VALIDATION');
    expect(type.fields?.map((f) => f.field)).toEqual(['masking/income', 'masking/id_number']);
    refused(await put(scjClerk, { name: 'suppress' }), 403, 'FORBIDDEN');
    refused(await put(gatClerk, { name: 'suppress' }), 403, 'FORBIDDEN');
    refused(await put(gatOfficer, { name: 'suppress' }, ''), 400, 'VALIDATION');
    refused(await put(gatOfficer, { name: 'suppress' }, '   '), 400, 'VALIDATION');
    // A field released in clear has no strategy: releasing it drops its strategy, and a new one is refused.
    ok(await gatOfficer.put(`/api/v1/grants/${G}/clear-fields`, { fields: ['id_number'], reason: '登记需核对身份' }));
    expect(ok<GrantView>(await gatOfficer.get(`/api/v1/grants/${G}`)).masking).toEqual({ region: 'generalise:province', birth: 'generalise:year' });
    const clear = refused(await put(gatOfficer, { id_number: 'suppress' }), 400, 'VALIDATION');
    expect(clear.message).toBe('id_number 以明文提供，不设脱敏方式');
    expect((await items(key))[0]?.id_number).toMatch(/^460105\d{11}[\dX]$/);
    ok(await gatOfficer.put(`/api/v1/grants/${G}/clear-fields`, { fields: [], reason: '恢复脱敏' }));
    // Empty: every field back to its default.
    expect(ok<GrantView>(await put(gatOfficer, {}, '恢复默认')).masking).toEqual({});
    expect((await items(key))[0]?.region).toMatch(/^4\*{4}[56]$/);
  });
});

describe('grants made from a grant', () => {
  it('a transfer to a third party carries the strategies of the fields it passes on', async () => {
    const g = await approved('api', { id_number: 'suppress', name: 'pseudonym:grant' });
    const sthj = await db().selectFrom('orgs').select('id').where('name', '=', '海南省生态环境厅').executeTakeFirstOrThrow();
    const u = ok<{ id: string }>(
      await scjOfficer.post(`/api/v1/grants/${g}/use-requests`, { kind: 'transfer', purpose: '环境执法核查', scope: '省生态环境厅执法总队', reason: '联合执法', thirdOrgId: sthj.id, fields: ['id_number', 'household'] }),
      201,
    );
    const decidedUse = ok<{ status: string; newGrantId: string }>(await gatOfficer.post(`/api/v1/use-requests/${u.id}/decide`, { decision: 'approve' }));
    expect(decidedUse.status).toBe('approved');
    const row = await db().selectFrom('grants').select(['mask_strategies', 'fields']).where('id', '=', decidedUse.newGrantId).executeTakeFirstOrThrow();
    expect(row.fields).toEqual(['id_number', 'household']);
    expect(row.mask_strategies).toEqual({ id_number: 'suppress' });
  });

  it('a sandbox request takes column policies, not masking strategies', async () => {
    const { res } = await decided('sandbox', { masking: { name: 'suppress' } });
    const e = refused(res, 400, 'VALIDATION', '000 第十四条');
    expect(e.message).toContain('隐私沙箱方式的授权按列策略使用数据，不设脱敏方式');
  });
});

describe('exports deliver each field as chosen', () => {
  it('CSV and NDJSON by the stream path, masked as chosen', async () => {
    const batch = await approved('batch', { name: 'truncate:1', region: 'generalise:city', mobile: 'suppress', birth: 'generalise:month', income: 'generalise:band:1000', id_number: 'generalise:birth_year' });
    const csv = await exported(batch, 'csv');
    expect(await pathOf(csv.x.id)).toBe('stream');
    const rows = parseCsv(csv.body);
    expect(csv.x.rows).toBe(ROWS);
    expect(rows.length).toBeGreaterThanOrEqual(ROWS);
    for (const r of rows) {
      expect(r.id_number).toBe('1990');
      expect(r.name).toBe('居');
      expect(r.region).toBe('460100');
      expect(r.mobile).toBe('*');
      expect(r.birth).toMatch(/^1990-0[1-9]$/);
      expect(r.income).toMatch(/^\d+000-\d+999$/);
    }
    const nd = await exported(batch, 'ndjson');
    expect(await pathOf(nd.x.id)).toBe('stream');
    const lines = nd.body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Item);
    expect(lines.length).toBe(rows.length);
    for (const l of lines) expect([l.id_number, l.name, l.region, l.mobile]).toEqual(['1990', '居', '460100', '*']);
  });

  it('a pseudonym takes the page path: the same pseudonyms as the service API under the platform key', async () => {
    const batch = await approved('batch', { id_number: 'pseudonym:platform', name: 'suppress:null' });
    const api = await approved('api', { id_number: 'pseudonym:platform' });
    const viaApi = new Set((await items(await keyOf(api))).map((i) => i.id_number));
    for (const format of ['csv', 'ndjson'] as const) {
      const { x, body } = await exported(batch, format);
      expect(await pathOf(x.id)).toBe('pages');
      const rows = format === 'csv' ? parseCsv(body) : body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item);
      expect(rows.length).toBeGreaterThanOrEqual(ROWS);
      for (const r of rows) {
        expect(r.id_number).toMatch(HEX16);
        expect(r.name).toBeNull();
      }
      // Every person's pseudonym is the one the API gives (a canary may borrow a real ID number, so counted from the API's side).
      const inFile = new Set(rows.map((r) => r.id_number));
      expect(viaApi.size).toBe(ROWS);
      for (const p of viaApi) expect(inFile.has(p)).toBe(true);
      expect(x.masked).toContain('id_number');
    }
  });
});
