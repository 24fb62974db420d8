/**
 * The service API over HTTP (000 第八条, 第十四、十五条): 省市场监督管理局 (scj) asks 省公安厅 (gat)
 * for some fields of a people dataset by service API, gat approves, scj makes a key bound to the
 * grant and reads. Only granted fields leave, personal ones masked unless released in clear; query
 * filters on granted fields only; keyset pages stable and complete; JSON, NDJSON and CSV carry the
 * same fields; a suspended, revoked or expired grant refuses the very next page; a key of another
 * grant or entry is refused; every read is one usage row and one audit event.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import type { CatalogField } from '../catalog/tables.js';
import { makePublishedEntry, PEOPLE_FIELDS, personRow, rowsCsv } from '../ingest/factories.js';
import { ok, refused } from '../../../test/assert.js';

let env: TestEnv;
const db = () => env.k.db.kysely;
let gatClerk: Client;
let gatOfficer: Client;
let scjClerk: Client;
let scjOfficer: Client;
let sthjClerk: Client;

const ROWS = 250;
/** What scj asks for: not the bank card, not the employer's credit code. */
const GRANTED = ['id_number', 'name', 'mobile', 'region', 'birth', 'household', 'income', 'active', 'updated_at'];
const NOT_GRANTED = ['card', 'company'];

const E = { people: '', peopleCode: '', empty: '', emptyCode: '', demo: '', demoCode: '' };
const G = { people: '', empty: '', demo: '' };
let key = '';
let keyId = '';
let demoKey = '';

type Page = { items: Array<Record<string, unknown>>; next: string | null };

const people = Array.from({ length: ROWS }, (_, i) => personRow(i + 1));
const csvOf = (rows: Array<Record<string, string>>) => rowsCsv(rows);

/** A read with a key (or none), with extra headers. */
const read = (path: string, bearer: string | null = key, headers: Record<string, string> = {}) =>
  env.app.inject({ method: 'GET', url: path, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers } });
const dataUrl = (code: string, qs = '') => `/api/v1/data/${code}${qs ? `?${qs}` : ''}`;

const usageRows = (grantId: string) => db().selectFrom('delivery_usage').selectAll().where('grant_id', '=', grantId).orderBy('at').execute();
const readEvents = (grantId: string) => db().selectFrom('audit_events').selectAll().where('action', '=', 'delivery.read').where('grant_id', '=', grantId).orderBy('seq').execute();

async function setClear(fields: string[]) {
  await sql`UPDATE grants SET clear_fields = ${fields} WHERE id = ${G.people}`.execute(db());
}

/** scj asks for `fields` of an entry by `method`, its officer signs, gat approves: the grant id. */
async function approvedGrant(entryId: string, fields: string[], method = 'api'): Promise<string> {
  const r = ok(
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
  ) as { id: string };
  const signed = ok(await scjOfficer.post(`/api/v1/sharing/requests/${r.id}/sign`)) as { status: string; grantId: string | null };
  if (signed.status === 'approved' && signed.grantId) return signed.grantId;
  expect(signed.status).toBe('pending');
  const decided = ok(await gatOfficer.post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'approve' })) as { status: string; grantId: string };
  expect(decided.status).toBe('approved');
  // The grant is the provision by service API: the provide duty is met at once; batch waits for the export.
  const duty = await db().selectFrom('duties').select('status').where('case_type', '=', 'share_request').where('case_id', '=', r.id).where('duty', '=', 'provide').executeTakeFirstOrThrow();
  expect(duty.status).toBe(method === 'api' ? 'met' : 'open');
  return decided.grantId;
}

/** A published conditional entry of 省公安厅 with the people fields, provided by service API and batch. */
const publishedApiEntry = (name: string, fields: CatalogField[] = PEOPLE_FIELDS) => makePublishedEntry(env.k, '海南省公安厅', fields, name, { provisionMethods: ['api', 'batch'] });

async function codeOf(id: string) {
  return (await db().selectFrom('catalog_entries').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
}

beforeAll(async () => {
  env = await testEnv();
  gatClerk = await loginAs(env.app, 'gat_clerk');
  gatOfficer = await loginAs(env.app, 'gat_officer');
  scjClerk = await loginAs(env.app, 'scj_clerk');
  scjOfficer = await loginAs(env.app, 'scj_officer');
  sthjClerk = await loginAs(env.app, 'sthj_clerk');
  // Two entries of 省公安厅 provided by service API: one loaded, one never loaded.
  E.people = await publishedApiEntry('测试人口数据');
  E.empty = await publishedApiEntry('测试未入库数据');
  E.peopleCode = await codeOf(E.people);
  E.emptyCode = await codeOf(E.empty);
  const load = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${E.people}/loads?mode=replace`,
    headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
    payload: csvOf(people),
  });
  expect(ok(load, 201)).toMatchObject({ status: 'committed', rowsAccepted: ROWS });
  // Another loaded entry, for a key of another grant and entry.
  E.demo = await publishedApiEntry('测试人口数据（二）');
  E.demoCode = await codeOf(E.demo);
  const other = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${E.demo}/loads?mode=replace`,
    headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
    payload: csvOf(people.slice(0, 5)),
  });
  expect(ok(other, 201)).toMatchObject({ status: 'committed', rowsAccepted: 5 });

  G.people = await approvedGrant(E.people, GRANTED);
  G.empty = await approvedGrant(E.empty, ['id_number', 'household']);
  G.demo = await approvedGrant(E.demo, ['id_number', 'household']);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('grant keys', () => {
  it('the subject org makes a key bound to the grant, shown once, stored as a hash, audited', async () => {
    const made = ok(await scjClerk.post(`/api/v1/grants/${G.people}/keys`, { name: '登记系统', expiresInDays: 365 }), 201) as { id: string; key: string; grantId: string; expiresAt: string; entryCode: string };
    expect(made.key).toMatch(/^gsk_/);
    expect(made).toMatchObject({ grantId: G.people, entryCode: E.peopleCode });
    // Never beyond the grant's time limit (2027-09-30, end of the day in Beijing).
    expect(Date.parse(made.expiresAt)).toBeLessThanOrEqual(Date.parse('2027-10-01T00:00:00+08:00'));
    key = made.key;
    keyId = made.id;
    const row = await db().selectFrom('api_keys').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(row.grant_id).toBe(G.people);
    expect(row.key_hash).not.toContain(made.key);
    const list = ok(await scjClerk.get(`/api/v1/grants/${G.people}/keys`)) as { items: Array<Record<string, unknown>> };
    expect(list.items).toEqual([expect.objectContaining({ id: made.id, grantId: G.people, status: 'active' })]);
    expect(JSON.stringify(list)).not.toContain(made.key);
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'delivery.key_create').where('object_id', '=', made.id).executeTakeFirstOrThrow();
    expect(ev.grant_id).toBe(G.people);
    demoKey = (ok(await scjClerk.post(`/api/v1/grants/${G.demo}/keys`, { name: '人口核验' }), 201) as { key: string }).key;
  });

  it('only the subject org makes keys; a grant without the api method gets none', async () => {
    refused(await gatOfficer.post(`/api/v1/grants/${G.people}/keys`, { name: 'x' }), 403, 'FORBIDDEN');
    refused(await gatOfficer.get(`/api/v1/grants/${G.people}/keys`), 403, 'FORBIDDEN');
    refused(await gatOfficer.del(`/api/v1/grants/${G.people}/keys/${keyId}`), 403, 'FORBIDDEN');
    refused(await sthjClerk.post(`/api/v1/grants/${G.people}/keys`, { name: 'x' }), 404, 'NOT_FOUND');
    const batch = await approvedGrant(E.people, ['household'], 'batch');
    const e = refused(await scjClerk.post(`/api/v1/grants/${batch}/keys`, { name: 'x' }), 422, 'RULE_VIOLATION');
    expect(e.source).toBe('000 第十四条');
  });

  it('a grant key opens the data path only', async () => {
    const e = refused(await read('/api/v1/grants'), 403, 'FORBIDDEN');
    expect(e.message).toContain('只能用于读取该授权的数据');
    for (const path of ['/api/v1/data/../grants', '/api/v1/data/%2E%2E/grants', '/api/v1/api-keys']) expect((await read(path)).statusCode).not.toBe(200);
  });
});

describe('reading the data', () => {
  it('returns the granted fields only, in catalog order, personal ones masked', async () => {
    const res = await read(dataUrl(E.peopleCode));
    const page = ok(res) as Page;
    expect(res.headers['content-type']).toContain('application/json');
    expect(page.items).toHaveLength(100);
    expect(page.next).toEqual(expect.any(String));
    expect(res.headers['x-next-cursor']).toBe(page.next);
    for (const item of page.items) expect(Object.keys(item)).toEqual(GRANTED);
    for (const f of NOT_GRANTED) expect(res.body).not.toContain(`"${f}"`);
    // No raw value of a field outside the grant, nor of a masked one, anywhere in the body.
    for (const p of people) {
      expect(res.body).not.toContain(p.card);
      expect(res.body).not.toContain(p.company);
      expect(res.body).not.toContain(p.id_number);
      expect(res.body).not.toContain(p.mobile);
    }
    const first = page.items[0] as Record<string, unknown>;
    expect(first.id_number).toMatch(/^460105\*{8}[0-9X]{4}$/);
    expect(first.mobile).toMatch(/^139\*{4}\d{4}$/);
    expect(first.name).toMatch(/^居\*+$/);
    expect(first.region).toMatch(/^4\*{4}[56]$/);
    expect(first.birth).toBe('1990-03-07');
    expect(typeof first.household).toBe('number');
    expect(typeof first.income).toBe('number');
    expect(typeof first.active).toBe('boolean');
    expect(first.updated_at).toBe('2026-09-18T02:00:00.000Z');
  });

  it('releases in clear the fields the grant names, masking the rest', async () => {
    await setClear(['name', 'id_number']);
    try {
      const page = ok(await read(dataUrl(E.peopleCode, 'limit=5'))) as Page;
      const byId = new Map(people.map((p) => [p.id_number, p]));
      for (const item of page.items) {
        const p = byId.get(String(item.id_number));
        expect(p).toBeDefined();
        expect(item.name).toBe(p?.name);
        expect(item.mobile).toMatch(/^139\*{4}\d{4}$/);
      }
    } finally {
      await setClear([]);
    }
  });

  it('filters on granted fields: eq, in and ranges, values bound and typed', async () => {
    const all = async (qs: string) => {
      const items: Array<Record<string, unknown>> = [];
      let after: string | null = null;
      do {
        const page = ok(await read(dataUrl(E.peopleCode, `${qs}&limit=1000${after ? `&after=${after}` : ''}`))) as Page;
        items.push(...page.items);
        after = page.next;
      } while (after);
      return items;
    };
    const incomes = (rows: Array<Record<string, unknown>>) => rows.map((r) => Number(r.income)).sort((a, b) => a - b);
    const expected = (pred: (p: Record<string, string>) => boolean) => incomes(people.filter(pred).map((p) => ({ income: p.income })));

    expect(incomes(await all('household=3'))).toEqual(expected((p) => p.household === '3'));
    expect(incomes(await all('household=in:1,5'))).toEqual(expected((p) => p.household === '1' || p.household === '5'));
    expect(incomes(await all('household=gte:2&household=lte:3'))).toEqual(expected((p) => +p.household! >= 2 && +p.household! <= 3));
    expect(incomes(await all('income=gt:1100&income=lt:1120.5'))).toEqual(expected((p) => +p.income! > 1100 && +p.income! < 1120.5));
    expect(incomes(await all('active=true&household=5'))).toEqual(expected((p) => p.active === 'true' && p.household === '5'));
    // Equality on a masked field: verification by ID number, the row still masked on the way out.
    const target = people[41] as Record<string, string>;
    const hit = await all(`id_number=${target.id_number}`);
    expect(hit).toHaveLength(1);
    expect(hit[0]?.income).toBe(Number(target.income));
    expect(hit[0]?.id_number).not.toBe(target.id_number);
    expect(await all(`region=in:460106`)).toHaveLength(people.filter((p) => p.region === '460106').length);
  });

  it('refuses a filter on a field outside the grant, naming it, and a range on a masked field', async () => {
    const e = refused(await read(dataUrl(E.peopleCode, `card=${people[0]?.card}`)), 400, 'VALIDATION');
    expect(e.message).toContain('card');
    expect(e.fields).toEqual([{ field: 'card', message: expect.stringContaining('不是共享授权的数据项') }]);
    expect(e.source).toBe('000 第十五条');
    const r = refused(await read(dataUrl(E.peopleCode, 'id_number=gte:460105')), 400, 'VALIDATION');
    expect(r.message).toContain('只能按等值');
    refused(await read(dataUrl(E.peopleCode, 'household=gte:many')), 400, 'VALIDATION');
    refused(await read(dataUrl(E.peopleCode, 'limit=1001')), 400, 'VALIDATION');
    refused(await read(dataUrl(E.peopleCode, 'after=bm9wZQ')), 400, 'VALIDATION');
  });

  it('applies the grant row filter, whatever the query asks', async () => {
    await sql`UPDATE grants SET row_filter = ${JSON.stringify({ region: '460106', household: { gte: 2 } })}::jsonb WHERE id = ${G.people}`.execute(db());
    try {
      const page = ok(await read(dataUrl(E.peopleCode, 'limit=1000'))) as Page;
      const want = people.filter((p) => p.region === '460106' && +p.household! >= 2);
      expect(page.items.map((i) => Number(i.income)).sort((a, b) => a - b)).toEqual(want.map((p) => Number(p.income)).sort((a, b) => a - b));
      // A row filter that names no column of the data fails closed.
      await sql`UPDATE grants SET row_filter = ${JSON.stringify({ nope: 1 })}::jsonb WHERE id = ${G.people}`.execute(db());
      refused(await read(dataUrl(E.peopleCode)), 409, 'INVALID_STATE');
    } finally {
      await sql`UPDATE grants SET row_filter = NULL WHERE id = ${G.people}`.execute(db());
    }
  });

  it('pages by key: stable, complete, no row twice, the last page without next', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    do {
      const page = ok(await read(dataUrl(E.peopleCode, `limit=70${after ? `&after=${after}` : ''}`))) as Page;
      sizes.push(page.items.length);
      seen.push(...page.items.map((i) => Number(i.income)));
      after = page.next;
    } while (after);
    expect(sizes).toEqual([70, 70, 70, 40]);
    expect(new Set(seen).size).toBe(ROWS);
    const keyOrder = [...people].sort((a, b) => (a.id_number! < b.id_number! ? -1 : 1)).map((p) => Number(p.income));
    expect(seen).toEqual(keyOrder);
    // The same page again gives the same rows.
    const p1 = ok(await read(dataUrl(E.peopleCode, 'limit=70'))) as Page;
    const again = ok(await read(dataUrl(E.peopleCode, `limit=70&after=${p1.next}`))) as Page;
    expect(again.items.map((i) => Number(i.income))).toEqual(seen.slice(70, 140));
    // A cursor serves its own grant only.
    refused(await read(dataUrl(E.demoCode, `after=${p1.next}`), demoKey), 400, 'VALIDATION');
    // A cursor this process handed out, altered by one character, is not the one it kept: refused.
    const next = p1.next as string;
    const altered = `${next.slice(0, -2)}${next.at(-2) === 'A' ? 'B' : 'A'}${next.at(-1)}`;
    refused(await read(dataUrl(E.peopleCode, `limit=70&after=${altered}`)), 400, 'VALIDATION');
  });

  it.each([
    ['without key fields', PEOPLE_FIELDS.map(({ key: _key, ...f }) => f)],
    ['with repeated keys', PEOPLE_FIELDS],
  ])('pages a dataset %s completely, each row once (keys, then the position in the version)', async (label, fields) => {
    const entry = await publishedApiEntry(`测试数据（${label}）`, fields);
    const rows = [...people.slice(0, 20), ...people.slice(0, 10)];
    const load = await env.app.inject({
      method: 'POST',
      url: `/api/v1/catalog/entries/${entry}/loads?mode=replace`,
      headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
      payload: csvOf(rows),
    });
    expect(ok(load, 201)).toMatchObject({ status: 'committed', rowsAccepted: 30 });
    await approvedGrant(entry, ['name', 'income']);
    const code = await codeOf(entry);
    const seen: number[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    do {
      const page = ok(await scjClerk.get(dataUrl(code, `limit=7${after ? `&after=${after}` : ''}`))) as Page;
      sizes.push(page.items.length);
      seen.push(...page.items.map((i) => Number(i.income)));
      after = page.next;
    } while (after);
    expect(sizes).toEqual([7, 7, 7, 7, 2]);
    expect(seen.sort((a, b) => a - b)).toEqual(rows.map((r) => Number(r.income)).sort((a, b) => a - b));
  });

  it('NDJSON and CSV carry the same fields only, streamed', async () => {
    const json = ok(await read(dataUrl(E.peopleCode, 'limit=50'))) as Page;
    const nd = await read(dataUrl(E.peopleCode, 'limit=50'), key, { accept: 'application/x-ndjson' });
    expect(nd.statusCode).toBe(200);
    expect(nd.headers['content-type']).toContain('application/x-ndjson');
    const lines = nd.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual(json.items);
    expect(nd.headers['x-next-cursor']).toEqual(expect.any(String));
    const nd2 = await read(dataUrl(E.peopleCode, 'limit=50&format=ndjson'));
    expect(nd2.body).toBe(nd.body);

    const csv = await read(dataUrl(E.peopleCode, 'limit=50&format=csv'));
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.body.trimEnd().split('\n');
    expect(rows[0]).toBe(GRANTED.join(','));
    expect(rows).toHaveLength(51);
    expect(rows[1]?.split(',')).toEqual(GRANTED.map((f) => String(json.items[0]?.[f])));
    for (const body of [nd.body, csv.body]) {
      for (const f of NOT_GRANTED) expect(body).not.toContain(f);
      for (const p of people.slice(0, 60)) {
        expect(body).not.toContain(p.card);
        expect(body).not.toContain(p.id_number);
      }
    }
  });

  it('a session user of the subject org reads through its active grant; other orgs have none', async () => {
    const page = ok(await scjClerk.get(dataUrl(E.peopleCode, 'limit=3'))) as Page;
    expect(page.items).toHaveLength(3);
    expect(Object.keys(page.items[0] ?? {})).toEqual(GRANTED);
    const e = refused(await sthjClerk.get(dataUrl(E.peopleCode)), 403, 'FORBIDDEN');
    expect(e.details).toMatchObject({ reason: 'none' });
    refused(await read(dataUrl(E.peopleCode), null), 401, 'UNAUTHENTICATED');
  });

  it('refuses a key of another grant or entry', async () => {
    const e = refused(await read(dataUrl(E.peopleCode), demoKey), 403, 'FORBIDDEN');
    expect(e.message).toContain(E.peopleCode);
    expect(e.details).toMatchObject({ reason: 'other_grant' });
    // The demo key reads its own entry.
    const own = ok(await read(dataUrl(E.demoCode, 'limit=2'), demoKey)) as Page;
    expect(Object.keys(own.items[0] ?? {})).toEqual(['id_number', 'household']);
  });

  it('an entry without live data is a 404 saying so; an unknown code is a 404', async () => {
    const e = refused(await scjClerk.get(dataUrl(E.emptyCode)), 404, 'NOT_FOUND');
    expect(e.message).toContain('尚无可提供的数据');
    refused(await read(dataUrl('460000-000000000000000000-99999')), 404, 'NOT_FOUND');
  });
});

describe('metering and audit', () => {
  it('records one usage row and one delivery.read event per successful read, none for a refused one', async () => {
    const before = { usage: (await usageRows(G.people)).length, events: (await readEvents(G.people)).length };
    const res = await read(dataUrl(E.peopleCode, 'limit=7&format=csv'));
    expect(res.statusCode).toBe(200);
    refused(await read(dataUrl(E.peopleCode, 'card=1')), 400, 'VALIDATION');
    const usage = await usageRows(G.people);
    const events = await readEvents(G.people);
    expect(usage).toHaveLength(before.usage + 1);
    expect(events).toHaveLength(before.events + 1);
    const u = usage[usage.length - 1];
    const orgs = await db().selectFrom('orgs').select(['id', 'name']).where('name', 'in', ['海南省公安厅', '海南省市场监督管理局']).execute();
    const org = (n: string) => orgs.find((o) => o.name === n)?.id;
    expect(u).toMatchObject({ grant_id: G.people, subject_org_id: org('海南省市场监督管理局'), provider_org_id: org('海南省公安厅'), entry_id: E.people, api_key_id: keyId, method: 'api', format: 'csv', rows: 7, bytes: Buffer.byteLength(res.body) });
    const ev = events[events.length - 1];
    expect(ev).toMatchObject({ object_id: E.people, grant_id: G.people, actor_org_id: org('海南省市场监督管理局') });
    expect(ev?.purpose).toContain('企业开办登记');
    expect(ev?.details).toMatchObject({ entryCode: E.peopleCode, rows: 7, format: 'csv', apiKeyId: keyId, bytes: Buffer.byteLength(res.body) });
  });

  it('GET /grants/{id}/usage: totals and per-day figures for the last 30 days, to subject and provider', async () => {
    const usage = await usageRows(G.people);
    const want = { calls: usage.length, rows: usage.reduce((n, u) => n + u.rows, 0), bytes: usage.reduce((n, u) => n + Number(u.bytes), 0) };
    for (const c of [scjClerk, gatOfficer]) {
      const body = ok(await c.get(`/api/v1/grants/${G.people}/usage`)) as { totals: typeof want; days: Array<{ date: string } & typeof want>; from: string; to: string };
      expect(body.totals).toEqual(want);
      expect(body.days).toHaveLength(30);
      expect(body.to).toBe('2026-09-18');
      expect(body.from).toBe('2026-08-20');
      expect(body.days[29]).toEqual({ date: '2026-09-18', ...want });
      expect(body.days[0]).toEqual({ date: '2026-08-20', calls: 0, rows: 0, bytes: 0 });
    }
    refused(await sthjClerk.get(`/api/v1/grants/${G.people}/usage`), 404, 'NOT_FOUND');
  });
});

describe('a grant changed mid-pagination', () => {
  it('suspended between page 1 and page 2: page 2 refused at once; resumed: it reads again', async () => {
    const p1 = ok(await read(dataUrl(E.peopleCode, 'limit=100'))) as Page;
    ok(await gatOfficer.post(`/api/v1/grants/${G.people}/suspend`, { reason: '核查使用范围' }));
    const before = (await usageRows(G.people)).length;
    const e = refused(await read(dataUrl(E.peopleCode, `limit=100&after=${p1.next}`)), 403, 'FORBIDDEN');
    expect(e.message).toContain('暂停');
    expect(e.source).toBe('000 第十四条');
    expect(e.details).toMatchObject({ reason: 'suspended', grantId: G.people });
    refused(await scjClerk.get(dataUrl(E.peopleCode)), 403, 'FORBIDDEN');
    expect(await usageRows(G.people)).toHaveLength(before);
    ok(await gatOfficer.post(`/api/v1/grants/${G.people}/resume`, { reason: '核查完毕' }));
    const p2 = ok(await read(dataUrl(E.peopleCode, `limit=100&after=${p1.next}`))) as Page;
    expect(p2.items).toHaveLength(100);
  });

  it('expired (the clock past valid_until) refused', async () => {
    const now = env.k.clock.now();
    const until = (await db().selectFrom('grants').select('valid_until').where('id', '=', G.people).executeTakeFirstOrThrow()).valid_until;
    await db().updateTable('grants').set({ valid_until: new Date(now.getTime() + 3_600_000) }).where('id', '=', G.people).execute();
    try {
      env.clock.set(new Date(now.getTime() + 3_600_000 - 1000).toISOString());
      ok(await read(dataUrl(E.peopleCode, 'limit=1')));
      env.clock.set(new Date(now.getTime() + 3_600_000).toISOString());
      const e = refused(await read(dataUrl(E.peopleCode, 'limit=1')), 403, 'FORBIDDEN');
      expect(e.details).toMatchObject({ reason: 'expired' });
      expect(e.message).toContain('过使用时限');
    } finally {
      env.clock.set(now.toISOString());
      await db().updateTable('grants').set({ valid_until: until }).where('id', '=', G.people).execute();
    }
  });

  it('a revoked key is refused; a revoked grant refuses every read', async () => {
    const spare = ok(await scjClerk.post(`/api/v1/grants/${G.people}/keys`, { name: '备用' }), 201) as { id: string; key: string };
    ok(await read(dataUrl(E.peopleCode, 'limit=1'), spare.key));
    ok(await scjClerk.del(`/api/v1/grants/${G.people}/keys/${spare.id}`));
    refused(await read(dataUrl(E.peopleCode, 'limit=1'), spare.key), 401, 'UNAUTHENTICATED');
    refused(await scjClerk.del(`/api/v1/grants/${G.demo}/keys/${spare.id}`), 404, 'NOT_FOUND');

    ok(await gatOfficer.post(`/api/v1/grants/${G.people}/revoke`, { reason: '超出使用范围' }));
    const e = refused(await read(dataUrl(E.peopleCode)), 403, 'FORBIDDEN');
    expect(e.details).toMatchObject({ reason: 'revoked' });
    expect(e.message).toContain('撤销');
    refused(await scjClerk.post(`/api/v1/grants/${G.people}/keys`, { name: 'x' }), 403, 'FORBIDDEN');
  });
});
