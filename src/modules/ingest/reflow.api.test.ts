/**
 * Reflow over HTTP (000 第九条): a provincial entry with rows of Haikou (4601) and Sanya (4602)
 * reflows to each city only its own rows, as each load lands; cancelled subscriptions get nothing;
 * other orgs cannot read; the territorial rule refuses subscribers not below the provider; a
 * delivery whose version is no longer kept answers 410 naming the newer delivery.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok } from '../../../test/assert.js';
import { makePublishedEntry, PEOPLE_FIELDS } from './factories.js';
import { synthBankCard, synthIdNumber, synthUscc } from './synth.js';

let env: TestEnv;
let gatAdmin: Client;
let gatOfficer: Client;
let gatClerk: Client;
let hk: Client;
let hkfgw: Client;
let sy: Client;
let scj: Client;
let admin: Client;
let entryId: string;
const KEPT = 2;
const orgIds = new Map<string, string>();

const HEADER = PEOPLE_FIELDS.map((f) => f.name).join(',');
/** A valid person `i` registered in `region`, with an ID number of `idRegion`. */
const person = (i: number, region: string, idRegion = region) => {
  const row: Record<string, string> = {
    id_number: synthIdNumber(idRegion, '19900307', i),
    name: `居民${i}`,
    mobile: `139${String(i).padStart(8, '0')}`,
    card: synthBankCard(i),
    region,
    company: synthUscc(region, i),
    birth: '1990-03-07',
    household: '2',
    income: '1000.50',
    active: 'true',
    updated_at: '2026-09-18T10:00:00+08:00',
  };
  return PEOPLE_FIELDS.map((f) => row[f.name] ?? '').join(',');
};
/** `n` people of each region given, numbered from `from`. */
const people = (from: number, counts: Record<string, number>) => {
  const out: string[] = [];
  let i = from;
  for (const [region, n] of Object.entries(counts)) for (let j = 0; j < n; j++) out.push(person(i++, region));
  return `${HEADER}\n${out.join('\n')}\n`;
};


const load = async (body: string, id = entryId) =>
  ok(
    await env.app.inject({
      method: 'POST',
      url: `/api/v1/catalog/entries/${id}/loads`,
      headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
      payload: body,
    }),
    201,
  ) as { id: string; versionNo: number };

interface Sub {
  id: string;
  status: string;
  deliveries: number;
  regionCode: string;
  lastDelivery: { id: string; rowsDelivered: number; versionNo: number } | null;
}
interface Delivery {
  id: string;
  versionNo: number;
  rowsDelivered: number;
  loadId: string;
  available: boolean;
  latest: boolean;
}

const subscribe = (c: Client, body: Record<string, unknown>) => c.post('/api/v1/reflow/subscriptions', { entryId, regionField: 'region', ...body });
const deliveries = async (c: Client, subId: string) => (ok(await c.get(`/api/v1/reflow/subscriptions/${subId}/deliveries`)) as { items: Delivery[] }).items;
const rows = async (c: Client, deliveryId: string, q = 'limit=1000') =>
  ok(await c.get(`/api/v1/reflow/deliveries/${deliveryId}/rows?${q}`)) as { total: number; versionNo: number; rows: Array<Record<string, unknown>>; fields: Array<{ name: string }> };

let hkSub: Sub;
let sySub: Sub;

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000, datasetVersionsKept: KEPT } });
  gatAdmin = await loginAs(env.app, 'gat_admin');
  gatOfficer = await loginAs(env.app, 'gat_officer');
  gatClerk = await loginAs(env.app, 'gat_clerk');
  hk = await loginAs(env.app, 'hk_admin');
  hkfgw = await loginAs(env.app, 'hkfgw_officer');
  sy = await loginAs(env.app, 'sy_clerk');
  scj = await loginAs(env.app, 'scj_officer');
  admin = await loginAs(env.app, 'admin');
  for (const o of await env.k.db.kysely.selectFrom('orgs').select(['id', 'name']).execute()) orgIds.set(o.name, o.id);
  entryId = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS, '全省户籍人口');
});

afterAll(async () => {
  await env?.close();
});

const org = (name: string) => {
  const id = orgIds.get(name);
  if (!id) throw new Error(`no org ${name}`);
  return id;
};

describe('setting up reflow (000 第九条)', () => {
  it('the provider subscribes Haikou and Sanya to their own regions', async () => {
    hkSub = ok(await subscribe(gatAdmin, { subscriberOrgId: org('海口市人民政府') }), 201) as Sub;
    expect(hkSub).toMatchObject({ status: 'active', regionCode: '460100', regionName: '海口市', deliveries: 0, lastDelivery: null, mayCancel: true, regionField: { name: 'region', label: '户籍地区划' } });
    sySub = ok(await subscribe(gatOfficer, { subscriberOrgId: org('三亚市政务服务数据管理局') }), 201) as Sub;
    expect(sySub).toMatchObject({ regionCode: '460200', carrier: 'region_code' });
    const ev = await env.k.db.kysely.selectFrom('audit_events').select(['action', 'actor_org_id']).where('object_id', '=', hkSub.id).execute();
    expect(ev).toEqual([{ action: 'reflow.subscribe', actor_org_id: org('海南省公安厅') }]);
    const note = await env.k.db.kysely.selectFrom('notifications').select('kind').where('org_id', '=', org('海口市人民政府')).where('kind', '=', 'reflow.subscribed').execute();
    expect(note).toHaveLength(1);
  });

  it('offers the region fields, the lower-level institutions and the regions below the provider', async () => {
    const o = ok(await gatAdmin.get(`/api/v1/reflow/options?entryId=${entryId}`)) as { regionFields: Array<{ name: string; carrier: string }>; orgs: Array<{ name: string }>; regions: Array<{ code: string }> };
    expect(o.regionFields.map((f) => [f.name, f.carrier])).toEqual([
      ['id_number', 'id_number'],
      ['region', 'region_code'],
      ['company', 'uscc'],
    ]);
    const names = o.orgs.map((x) => x.name);
    expect(names).toContain('海口市人民政府');
    expect(names).toContain('三亚市政务服务数据管理局');
    expect(names).not.toContain('海南省市场监督管理局');
    expect(names).not.toContain('海南数据运营有限公司');
    expect(o.regions.map((r) => r.code)).toContain('460105');
    expect(o.regions.map((r) => r.code)).not.toContain('460000');
    expect((await gatClerk.get(`/api/v1/reflow/options?entryId=${entryId}`)).statusCode).toBe(403);
  });

  it('refuses a subscriber whose region is not below the provider’s, citing 000 第九条', async () => {
    const res = await subscribe(gatAdmin, { subscriberOrgId: org('海南省市场监督管理局') });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第九条', message: expect.stringContaining('不低于提供单位') });
  });

  it('refuses a subscriber from another branch of the region tree', async () => {
    const haikouEntry = await makePublishedEntry(env.k, '海口市人民政府', PEOPLE_FIELDS, '海口市人口');
    const res = await hk.post('/api/v1/reflow/subscriptions', { entryId: haikouEntry, regionField: 'region', subscriberOrgId: org('三亚市政务服务数据管理局') });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ source: '000 第九条', message: expect.stringContaining('不在提供单位的区划') });
  });

  it('refuses a region beyond the subscriber’s own, and a field that carries no region', async () => {
    const beyond = await subscribe(gatAdmin, { subscriberOrgId: org('海口市人民政府'), regionCode: '460200' });
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json().error).toMatchObject({ source: '000 第九条', fields: [{ field: 'regionCode' }] });
    const field = await subscribe(gatAdmin, { subscriberOrgId: org('海口市人民政府'), regionField: 'mobile' });
    expect(field.statusCode).toBe(422);
    expect(field.json().error).toMatchObject({ source: '000 第九条', fields: [{ field: 'regionField' }] });
  });

  it('refuses an entry not yet published, a company, a duplicate, and a clerk', async () => {
    const draft = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS, '未发布');
    await env.k.db.kysely.updateTable('catalog_entries').set({ published_version: null }).where('id', '=', draft).execute();
    const unpublished = await gatAdmin.post('/api/v1/reflow/subscriptions', { entryId: draft, regionField: 'region', subscriberOrgId: org('海口市人民政府') });
    expect(unpublished.statusCode).toBe(422);
    expect(unpublished.json().error).toMatchObject({ source: '000 第九条', message: expect.stringContaining('尚未发布') });
    const company = await subscribe(gatAdmin, { subscriberOrgId: org('海南数据运营有限公司') });
    expect(company.statusCode).toBe(422);
    expect(company.json().error.message).toContain('不是公共管理和服务机构');
    expect((await subscribe(gatAdmin, { subscriberOrgId: org('海口市人民政府') })).statusCode).toBe(409);
    expect((await subscribe(gatClerk, { subscriberOrgId: org('海口市发展和改革委员会') })).statusCode).toBe(403);
    expect((await subscribe(hk, { subscriberOrgId: org('海口市发展和改革委员会') })).statusCode).toBe(403);
  });
});

describe('delivery as each load lands', () => {
  let hkFirst: Delivery;
  let syFirst: Delivery;

  it('delivers Haikou only its 4601 rows and Sanya only its 4602 rows', async () => {
    const l = await load(people(0, { '460105': 5, '460106': 3, '460202': 4, '469001': 2 }));
    const hkDeliveries = await deliveries(hk, hkSub.id);
    expect(hkDeliveries).toHaveLength(1);
    hkFirst = hkDeliveries[0] as Delivery;
    expect(hkFirst).toMatchObject({ loadId: l.id, versionNo: 1, rowsDelivered: 8, available: true, latest: true });
    const hkRows = await rows(hk, hkFirst.id);
    expect(hkRows.total).toBe(8);
    expect(hkRows.rows).toHaveLength(8);
    expect(hkRows.rows.every((r) => String(r.region).startsWith('4601'))).toBe(true);
    expect(hkRows.fields.map((f) => f.name)).toEqual(PEOPLE_FIELDS.map((f) => f.name));

    syFirst = (await deliveries(sy, sySub.id))[0] as Delivery;
    expect(syFirst).toMatchObject({ versionNo: 1, rowsDelivered: 4 });
    const syRows = await rows(sy, syFirst.id);
    expect(syRows.rows.map((r) => r.region)).toEqual(['460202', '460202', '460202', '460202']);
  });

  it('notifies the subscriber and audits the delivery in the load’s transaction', async () => {
    const notes = await env.k.db.kysely.selectFrom('notifications').select(['title', 'body']).where('org_id', '=', org('海口市人民政府')).where('kind', '=', 'reflow.delivered').execute();
    expect(notes).toEqual([{ title: '数据回流：全省户籍人口 第 1 版', body: expect.stringContaining('8 行') }]);
    const ev = await env.k.db.kysely.selectFrom('audit_events').select(['details']).where('object_id', '=', hkSub.id).where('action', '=', 'reflow.deliver').execute();
    expect(ev.map((e) => e.details)).toEqual([expect.objectContaining({ deliveryId: hkFirst.id, versionNo: 1, rows: 8, regionCode: '460100' })]);
  });

  it('audits every read as a data read: who, which delivery, how many rows', async () => {
    await rows(hk, hkFirst.id, 'limit=3&offset=2');
    const ev = await env.k.db.kysely
      .selectFrom('audit_events')
      .select(['actor_org_id', 'purpose', 'details'])
      .where('object_id', '=', hkFirst.id)
      .where('action', '=', 'reflow.read')
      .orderBy('seq')
      .execute();
    expect(ev).toHaveLength(2);
    expect(ev[1]).toMatchObject({ actor_org_id: org('海口市人民政府'), purpose: expect.stringContaining('000 第九条'), details: { format: 'json', offset: 2, rows: 3, versionNo: 1 } });
  });

  it('pages in a stable order', async () => {
    const all = (await rows(hk, hkFirst.id)).rows.map((r) => r.id_number);
    const page = (await rows(hk, hkFirst.id, 'limit=3&offset=2')).rows.map((r) => r.id_number);
    expect(page).toEqual(all.slice(2, 5));
  });

  it('streams the rows as CSV', async () => {
    const res = await hk.get(`/api/v1/reflow/deliveries/${hkFirst.id}/rows?format=csv`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(9);
    expect(lines.slice(1).every((l) => l.split(',')[4]?.startsWith('4601'))).toBe(true);
    const ev = await env.k.db.kysely.selectFrom('audit_events').select('details').where('object_id', '=', hkFirst.id).where('action', '=', 'reflow.read').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ format: 'csv', rows: 8 });
  });

  it('another org cannot read a delivery (403), nor list its deliveries', async () => {
    expect((await sy.get(`/api/v1/reflow/deliveries/${hkFirst.id}/rows`)).statusCode).toBe(403);
    expect((await hkfgw.get(`/api/v1/reflow/deliveries/${hkFirst.id}/rows`)).statusCode).toBe(403);
    expect((await scj.get(`/api/v1/reflow/subscriptions/${hkSub.id}/deliveries`)).statusCode).toBe(403);
  });

  it('a subscription set up after a load delivers the live version at once, here by ID number and narrowed to a district', async () => {
    const s = ok(await subscribe(admin, { subscriberOrgId: org('海口市发展和改革委员会'), regionField: 'id_number', regionCode: '460105' }), 201) as Sub;
    expect(s).toMatchObject({ deliveries: 1, lastDelivery: { versionNo: 1, rowsDelivered: 5 } });
    const got = await rows(hkfgw, (s.lastDelivery as { id: string }).id);
    expect(got.rows.every((r) => String(r.id_number).startsWith('460105'))).toBe(true);
    expect(got.rows).toHaveLength(5);
  });

  it('a second load creates a second delivery; a cancelled subscription gets none and can no longer be read', async () => {
    const cancelled = ok(await gatAdmin.post(`/api/v1/reflow/subscriptions/${sySub.id}/cancel`, { reason: '三亚已接入本行业系统' })) as Sub;
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: '三亚已接入本行业系统', mayCancel: false });
    expect((await gatAdmin.post(`/api/v1/reflow/subscriptions/${sySub.id}/cancel`, {})).statusCode).toBe(409);

    await load(people(100, { '460107': 6, '460202': 7 }));
    const hkDeliveries = await deliveries(hk, hkSub.id);
    expect(hkDeliveries.map((d) => [d.versionNo, d.rowsDelivered, d.latest])).toEqual([
      [2, 6, true],
      [1, 8, false],
    ]);
    expect((await rows(hk, (hkDeliveries[0] as Delivery).id)).rows.map((r) => r.region)).toEqual(Array(6).fill('460107'));
    expect((await deliveries(sy, sySub.id)).map((d) => d.versionNo)).toEqual([1]);
    const read = await sy.get(`/api/v1/reflow/deliveries/${syFirst.id}/rows`);
    expect(read.statusCode).toBe(409);
    const ev = await env.k.db.kysely.selectFrom('audit_events').select('action').where('object_id', '=', sySub.id).orderBy('seq').execute();
    expect(ev.map((e) => e.action)).toEqual(['reflow.subscribe', 'reflow.deliver', 'reflow.cancel']);
  });

  it('a delivery whose version is no longer kept answers 410, naming the newer delivery', async () => {
    // KEPT = 2: the third version drops the first.
    await load(people(200, { '460108': 2 }));
    const res = await hk.get(`/api/v1/reflow/deliveries/${hkFirst.id}/rows`);
    expect(res.statusCode).toBe(410);
    const latest = (await deliveries(hk, hkSub.id))[0] as Delivery;
    expect(res.json().error).toMatchObject({ code: 'GONE', message: expect.stringContaining('已有更新的回流：第 3 版'), details: { latestDeliveryId: latest.id, latestVersionNo: 3 } });
    expect((await deliveries(hk, hkSub.id)).map((d) => [d.versionNo, d.available])).toEqual([
      [3, true],
      [2, true],
      [1, false],
    ]);
    expect((await rows(hk, latest.id)).total).toBe(2);
  });
});

describe('listing', () => {
  it('shows the subscriber its own subscriptions and the provider those it set up', async () => {
    const mine = ok(await hk.get('/api/v1/reflow/subscriptions?role=subscriber')) as { items: Sub[] };
    expect(mine.items.map((s) => s.id)).toEqual([hkSub.id]);
    expect(mine.items[0]).toMatchObject({ deliveries: 3, mayCancel: false, entry: { name: '全省户籍人口' }, provider: { name: '海南省公安厅' } });
    const provided = ok(await gatClerk.get(`/api/v1/reflow/subscriptions?role=provider&entryId=${entryId}`)) as { items: Sub[] };
    expect(provided.items).toHaveLength(3);
    expect(provided.items.every((s) => s.status === 'active' || s.id === sySub.id)).toBe(true);
    const syOwn = ok(await sy.get('/api/v1/reflow/subscriptions')) as { items: Sub[] };
    expect(syOwn.items.map((s) => [s.id, s.status])).toEqual([[sySub.id, 'cancelled']]);
    const other = ok(await scj.get('/api/v1/reflow/subscriptions')) as { items: Sub[] };
    expect(other.items).toEqual([]);
  });
});

describe('credit codes as the region carrier', () => {
  it('filters by characters 3–8 of the credit code', async () => {
    // The live version (v3) holds 2 rows of 460108; v2 is kept with 6 rows of 460107 and 7 of 460202.
    const s = ok(await subscribe(gatAdmin, { subscriberOrgId: org('海口市人民政府'), regionField: 'company' }), 201) as Sub;
    expect(s).toMatchObject({ carrier: 'uscc', deliveries: 1, lastDelivery: { versionNo: 3, rowsDelivered: 2 } });
    const got = await rows(hk, (s.lastDelivery as { id: string }).id);
    expect(got.rows.map((r) => String(r.company).slice(2, 8))).toEqual(['460108', '460108']);
  });
});

describe('the OpenAPI document', () => {
  it('describes the reflow paths', async () => {
    const doc = ok(await env.app.inject({ method: 'GET', url: '/api/openapi.json' })) as { paths: Record<string, unknown> };
    for (const p of ['/api/v1/reflow/subscriptions', '/api/v1/reflow/subscriptions/{id}/cancel', '/api/v1/reflow/subscriptions/{id}/deliveries', '/api/v1/reflow/deliveries/{id}/rows', '/api/v1/reflow/options']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});
