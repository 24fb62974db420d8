/**
 * The CKAN-compatible Action API, checked field by field against CKAN 2.10's documented shapes
 * (https://docs.ckan.org/en/2.10/api/): the envelope, package and resource and organization
 * dicts, package_search's paging (`rows`/`start`, `count`), `fq`, `sort` and facets,
 * datastore_search's `fields`/`records`/`total`/`_links`, and CKAN's errors and statuses.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { signIn } from '../../../test/assert.js';
import { loadCsv, makeOpenEntry, statsCsv } from './factories.js';

let env: TestEnv;
const db = () => env.k.db.kysely;
const ANON_LIMIT = 6;
const ORG = '海南省生态环境厅';
let orgName = '';
let orgId = '';
const E = { open: { id: '', code: '' }, cond: { id: '', code: '' }, none: { id: '', code: '' }, empty: { id: '', code: '' } };
const nameOf = (code: string) => code.toLowerCase();

let ipSeq = 0;
const nextIp = () => `10.2.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
const HOST = 'open.example.gov.cn';
const BASE = `http://${HOST}`;
const call = (url: string, opts: Partial<InjectOptions> = {}): Promise<LightMyRequestResponse> =>
  env.app.inject({ method: 'GET', url, remoteAddress: nextIp(), ...opts, headers: { host: HOST, ...(opts.headers ?? {}) } } as InjectOptions);
const action = (name: string, qs = '') => call(`/api/3/action/${name}${qs ? `?${qs}` : ''}`);
const post = (name: string, body: unknown, prefix = '/api/3/action') => call(`${prefix}/${name}`, { method: 'POST', payload: body as InjectOptions['payload'] });

/** A successful CKAN answer: 200, `{ help, success: true, result }`; returns the result. */
function success<T = any>(res: LightMyRequestResponse, name: string): T {
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { help: string; success: boolean; result: T };
  expect(Object.keys(body).sort()).toEqual(['help', 'result', 'success']);
  expect(body.success).toBe(true);
  expect(body.help).toBe(`${BASE}/api/3/action/help_show?name=${name}`);
  return body.result;
}

/** A CKAN error: its status and `{ help, success: false, error: { __type, message, … } }`. */
function failure(res: LightMyRequestResponse, status: number, type: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { help: string; success: boolean; error: { __type: string; message: string } & Record<string, unknown> };
  expect(body.success).toBe(false);
  expect(typeof body.help).toBe('string');
  expect(body.error.__type).toBe(type);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000, openApiRateLimitPerMinute: ANON_LIMIT } });
  const as = await signIn(env.app, ['sthj_clerk']);
  const org = await db().selectFrom('orgs').select(['id', 'uscc']).where('name', '=', ORG).executeTakeFirstOrThrow();
  orgId = org.id;
  orgName = (org.uscc ?? '').toLowerCase();
  E.open = await makeOpenEntry(env.k, ORG, '测试珊瑚礁监测统计', undefined, { category: '海洋', priorityAreas: ['ecology'], description: '珊瑚礁覆盖率的月度监测统计。' });
  E.cond = await makeOpenEntry(env.k, ORG, '测试珊瑚礁有条件数据', undefined, { openAttr: 'conditional', category: '海洋' });
  E.none = await makeOpenEntry(env.k, ORG, '测试珊瑚礁不开放数据', undefined, { openAttr: 'none', category: '海洋' });
  E.empty = await makeOpenEntry(env.k, ORG, '测试珊瑚礁未入库数据', undefined, { category: '海洋' });
  await loadCsv(env.app, as('sthj_clerk'), E.open.id, statsCsv(25));
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const PACKAGE_KEYS = [
  'author', 'author_email', 'creator_user_id', 'extras', 'groups', 'id', 'isopen', 'license_id', 'license_title', 'license_url', 'maintainer', 'maintainer_email',
  'metadata_created', 'metadata_modified', 'name', 'notes', 'num_resources', 'num_tags', 'organization', 'owner_org', 'private', 'relationships_as_object',
  'relationships_as_subject', 'resources', 'state', 'tags', 'title', 'type', 'url', 'version',
];
const RESOURCE_KEYS = [
  'cache_last_updated', 'cache_url', 'created', 'datastore_active', 'description', 'format', 'hash', 'id', 'last_modified', 'metadata_modified', 'mimetype',
  'mimetype_inner', 'name', 'package_id', 'position', 'resource_type', 'size', 'state', 'url', 'url_type',
];
const PACKAGE_ORG_KEYS = ['approval_status', 'created', 'description', 'id', 'image_url', 'is_organization', 'name', 'state', 'title', 'type'];
const ORG_KEYS = ['approval_status', 'created', 'description', 'display_name', 'id', 'image_display_url', 'image_url', 'is_organization', 'name', 'num_followers', 'package_count', 'state', 'title', 'type'];

describe('envelope and errors', () => {
  it('an unknown action is 400 with CKAN\'s "Bad request - Action name not known" string', async () => {
    for (const prefix of ['/api/3/action', '/api/action']) {
      const res = await call(`${prefix}/package_destroy`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toBe('Bad request - Action name not known: package_destroy');
    }
  });

  it('/api/3 gives the API version; status_show the site', async () => {
    expect((await call('/api/3')).json()).toEqual({ version: 3 });
    const s = success<{ ckan_version: string; site_url: string; extensions: string[] }>(await action('status_show'), 'status_show');
    expect(s.ckan_version).toMatch(/^2\.10\./);
    expect(s.extensions).toContain('datastore');
  });

  it('a missing package is 404 Not Found Error; a missing id is 409 Validation Error naming the field', async () => {
    const e = failure(await action('package_show', 'id=no-such-dataset'), 404, 'Not Found Error');
    expect(e.message).toBe('Not found: Dataset not found');
    const v = failure(await action('package_show'), 409, 'Validation Error');
    expect(v.id).toEqual(['Missing value']);
    const rows = failure(await action('package_search', 'rows=many'), 409, 'Validation Error');
    expect(rows.rows).toEqual(['Invalid integer']);
  });

  it('an entry not open is not a package', async () => {
    failure(await action('package_show', `id=${nameOf(E.none.code)}`), 404, 'Not Found Error');
    failure(await action('package_show', `id=${E.none.id}`), 404, 'Not Found Error');
  });

  it('POST with a JSON body answers as GET does, on both paths (ckanapi posts to /api/action/…)', async () => {
    const viaGet = success(await action('package_show', `id=${nameOf(E.open.code)}`), 'package_show');
    const viaPost = success(await post('package_show', { id: nameOf(E.open.code) }, '/api/action'), 'package_show');
    expect(viaPost).toEqual(viaGet);
    const form = await call('/api/3/action/package_show', { method: 'POST', payload: `id=${nameOf(E.open.code)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(success(form, 'package_show')).toEqual(viaGet);
    const bad = await call('/api/3/action/package_show', { method: 'POST', payload: '{"id":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(String(bad.json())).toMatch(/^Bad request - JSON Error/);
  });
});

type Pkg = Record<string, any> & { name: string; resources: Array<Record<string, any>>; organization: Record<string, any> };

describe('package_list and package_show', () => {
  it('package_list: the names of every open package, sorted, paged by limit and offset', async () => {
    const names = success<string[]>(await action('package_list'), 'package_list');
    expect(names).toEqual([...names].sort());
    expect(names).toContain(nameOf(E.open.code));
    expect(names).toContain(nameOf(E.cond.code));
    expect(names).not.toContain(nameOf(E.none.code));
    expect(names.every((n) => /^[a-z0-9_-]{2,100}$/.test(n))).toBe(true);
    const page = success<string[]>(await action('package_list', 'limit=3&offset=2'), 'package_list');
    expect(page).toEqual(names.slice(2, 5));
  });

  it('package_show: every key of a CKAN package, with the entry mapped field by field', async () => {
    const p = success<Pkg>(await action('package_show', `id=${nameOf(E.open.code)}`), 'package_show');
    expect(Object.keys(p).sort()).toEqual([...PACKAGE_KEYS].sort());
    expect(p).toMatchObject({
      id: E.open.id,
      name: nameOf(E.open.code),
      title: '测试珊瑚礁监测统计',
      notes: '珊瑚礁覆盖率的月度监测统计。',
      type: 'dataset',
      state: 'active',
      private: false,
      isopen: true,
      license_id: 'other-open',
      license_title: 'Other (Open)',
      owner_org: orgId,
      maintainer: ORG,
      version: '1',
      num_resources: 3,
      groups: [],
      relationships_as_object: [],
      relationships_as_subject: [],
    });
    expect(p.metadata_created).toMatch(TIMESTAMP);
    expect(p.metadata_modified).toMatch(TIMESTAMP);
    expect(p.url).toBe(`${BASE}/open/datasets/${encodeURIComponent(E.open.code)}`);
    // Organization dict.
    expect(Object.keys(p.organization).sort()).toEqual(PACKAGE_ORG_KEYS);
    expect(p.organization).toMatchObject({ id: orgId, name: orgName, title: ORG, type: 'organization', is_organization: true, state: 'active', approval_status: 'approved' });
    // Tags from the domain and priority areas.
    expect(p.tags).toEqual([
      { display_name: '海洋', id: '海洋', name: '海洋', state: 'active', vocabulary_id: null },
      { display_name: '生态环境', id: '生态环境', name: '生态环境', state: 'active', vocabulary_id: null },
    ]);
    expect(p.num_tags).toBe(2);
    // Extras: key/value strings, sorted by key.
    const extras = p.extras as Array<{ key: string; value: string }>;
    expect(extras.map((x) => x.key)).toEqual([...extras.map((x) => x.key)].sort());
    expect(extras.every((x) => typeof x.value === 'string')).toBe(true);
    expect(Object.fromEntries(extras.map((x) => [x.key, x.value]))).toMatchObject({ code: E.open.code, open_attr: 'unconditional', rows: '25', domain: '海洋' });
  });

  it('resources: one per download format, datastore active, each url downloading that format', async () => {
    const p = success<Pkg>(await action('package_show', `id=${E.open.id}`), 'package_show');
    expect(p.resources.map((r) => r.format)).toEqual(['CSV', 'XLSX', 'JSON']);
    for (const [i, r] of p.resources.entries()) {
      expect(Object.keys(r).sort()).toEqual([...RESOURCE_KEYS].sort());
      expect(r).toMatchObject({ package_id: E.open.id, position: i, state: 'active', datastore_active: true });
      expect(r.created).toMatch(TIMESTAMP);
      const url = new URL(r.url);
      const res = await call(url.pathname + url.search);
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-type'])).toContain(r.mimetype);
    }
  });

  it('a conditional package has one HTML resource, the application page; package_show also takes the entry code', async () => {
    const p = success<Pkg>(await action('package_show', `id=${encodeURIComponent(E.cond.code)}`), 'package_show');
    expect(p).toMatchObject({ isopen: false, license_id: 'other-closed', num_resources: 1 });
    expect(p.resources[0]).toMatchObject({ format: 'HTML', datastore_active: false, name: '申请使用', url: `${BASE}/open/datasets/${encodeURIComponent(E.cond.code)}/apply` });
  });

  it('resource_show: a resource by id, 404 for an unknown one', async () => {
    const p = success<Pkg>(await action('package_show', `id=${E.open.id}`), 'package_show');
    const r = success(await action('resource_show', `id=${p.resources[1]!.id}`), 'resource_show');
    expect(r).toEqual(p.resources[1]);
    failure(await action('resource_show', 'id=nothing'), 404, 'Not Found Error');
    failure(await action('resource_show', `id=${E.none.id}-csv`), 404, 'Not Found Error');
  });
});

type Search = { count: number; results: Pkg[]; sort: string; facets: Record<string, Record<string, number>>; search_facets: Record<string, { title: string; items: Array<{ name: string; display_name: string; count: number }> }> };

describe('package_search', () => {
  it('the result shape, 10 rows by default, count of every match', async () => {
    const r = success<Search>(await action('package_search'), 'package_search');
    expect(Object.keys(r).sort()).toEqual(['count', 'facets', 'results', 'search_facets', 'sort']);
    expect(r.sort).toBe('score desc, metadata_modified desc');
    const all = success<string[]>(await action('package_list'), 'package_list');
    expect(r.count).toBe(all.length);
    expect(r.results).toHaveLength(10);
    expect(Object.keys(r.results[0]!).sort()).toEqual([...PACKAGE_KEYS].sort());
    expect(r.facets).toEqual({});
    expect(r.search_facets).toEqual({});
  });

  it('pages with rows and start: every package once, in the same order', async () => {
    const all = success<Search>(await action('package_search', 'rows=1000&sort=name%20asc'), 'package_search');
    expect(all.results.map((p) => p.name)).toEqual([...all.results.map((p) => p.name)].sort());
    const seen: string[] = [];
    for (let start = 0; start < all.count; start += 4) {
      const page = success<Search>(await action('package_search', `rows=4&start=${start}&sort=name%20asc`), 'package_search');
      expect(page.count).toBe(all.count);
      seen.push(...page.results.map((p) => p.name));
    }
    expect(seen).toEqual(all.results.map((p) => p.name));
    expect(success<Search>(await action('package_search', `rows=4&start=${all.count}`), 'package_search').results).toEqual([]);
    expect(success<Search>(await action('package_search', 'rows=0'), 'package_search')).toMatchObject({ count: all.count, results: [] });
  });

  it('q searches the words; *:* is everything', async () => {
    const r = success<Search>(await action('package_search', `q=${encodeURIComponent('珊瑚礁')}`), 'package_search');
    expect(r.results.map((p) => p.name).sort()).toEqual([E.open.code, E.cond.code, E.empty.code].map(nameOf).sort());
    expect(r.count).toBe(3);
    const all = success<Search>(await action('package_search', 'q=*:*'), 'package_search');
    expect(all.count).toBe(success<string[]>(await action('package_list'), 'package_list').length);
  });

  it('fq: organization, res_format, tags, negation; an undefined field is a Search Query Error', async () => {
    const byOrg = success<Search>(await action('package_search', `fq=${encodeURIComponent(`organization:${orgName}`)}&rows=1000`), 'package_search');
    expect(byOrg.results.every((p) => p.organization.name === orgName)).toBe(true);
    expect(byOrg.results.map((p) => p.name)).toContain(nameOf(E.open.code));
    const csv = success<Search>(await action('package_search', `fq=${encodeURIComponent('res_format:CSV')}&rows=1000`), 'package_search');
    expect(csv.results.map((p) => p.name)).toEqual([nameOf(E.open.code)]);
    const tagged = success<Search>(await action('package_search', `fq=${encodeURIComponent('tags:"海洋" -res_format:CSV')}`), 'package_search');
    expect(tagged.results.map((p) => p.name).sort()).toEqual([E.cond.code, E.empty.code].map(nameOf).sort());
    const both = success<Search>(await post('package_search', { q: `organization:${orgName} 珊瑚礁`, fq: '+dataset_type:dataset' }), 'package_search');
    expect(both.count).toBe(3);
    failure(await action('package_search', `fq=${encodeURIComponent('colour:blue')}`), 409, 'Search Query Error');
  });

  it('sort: metadata_modified desc puts the latest load first; an unknown field is a Search Query Error', async () => {
    const r = success<Search>(await action('package_search', `sort=${encodeURIComponent('metadata_modified desc')}&rows=1000`), 'package_search');
    const times = r.results.map((p) => p.metadata_modified as string);
    expect(times).toEqual([...times].sort().reverse());
    expect(r.sort).toBe('metadata_modified desc');
    const named = success<Search>(await action('package_search', `sort=${encodeURIComponent('name desc')}&rows=1000`), 'package_search');
    expect(named.results.map((p) => p.name)).toEqual([...named.results.map((p) => p.name)].sort().reverse());
    failure(await action('package_search', `sort=${encodeURIComponent('colour desc')}`), 409, 'Search Query Error');
    failure(await action('package_search', `sort=${encodeURIComponent('name sideways')}`), 409, 'Search Query Error');
  });

  it('facet.field (a JSON list): facets and search_facets over the result set', async () => {
    const qs = `q=${encodeURIComponent('珊瑚礁')}&facet.field=${encodeURIComponent(JSON.stringify(['organization', 'res_format', 'tags']))}`;
    const r = success<Search>(await action('package_search', qs), 'package_search');
    expect(r.facets).toEqual({ organization: { [orgName]: 3 }, res_format: { HTML: 2, CSV: 1, JSON: 1, XLSX: 1 }, tags: { 海洋: 3, 生态环境: 1 } });
    expect(r.search_facets.organization).toEqual({ title: 'organization', items: [{ name: orgName, display_name: ORG, count: 3 }] });
    expect(r.search_facets.tags!.items[0]).toEqual({ name: '海洋', display_name: '海洋', count: 3 });
    const limited = success<Search>(await action('package_search', `${qs}&facet.limit=1`), 'package_search');
    expect(Object.keys(limited.facets.res_format!)).toEqual(['HTML']);
  });
});

describe('organizations', () => {
  it('organization_list: names by default; all_fields gives the dicts with package counts', async () => {
    const names = success<string[]>(await action('organization_list'), 'organization_list');
    expect(names).toContain(orgName);
    const full = success<Array<Record<string, any>>>(await action('organization_list', 'all_fields=true&sort=package_count%20desc'), 'organization_list');
    for (const o of full) expect(Object.keys(o).sort()).toEqual([...ORG_KEYS, 'url'].sort());
    const counts = full.map((o) => o.package_count as number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const mine = full.find((o) => o.id === orgId)!;
    const byOrg = success<Search>(await action('package_search', `fq=organization:${orgName}`), 'package_search');
    expect(mine.package_count).toBe(byOrg.count);
    expect(success<string[]>(await action('organization_list', 'limit=2&offset=1'), 'organization_list')).toEqual(names.slice(1, 3));
  });

  it('organization_show by name or id, with its datasets on request; 404 otherwise', async () => {
    const o = success<Record<string, any>>(await action('organization_show', `id=${orgName}`), 'organization_show');
    expect(o).toMatchObject({ id: orgId, name: orgName, title: ORG, extras: [], groups: [], tags: [], users: [] });
    expect(o.packages).toBeUndefined();
    const withSets = success<Record<string, any>>(await post('organization_show', { id: orgId, include_datasets: true }), 'organization_show');
    expect((withSets.packages as Pkg[]).map((p) => p.name)).toContain(nameOf(E.open.code));
    expect((withSets.packages as Pkg[]).length).toBe(o.package_count);
    failure(await action('organization_show', 'id=nobody'), 404, 'Not Found Error');
  });
});

type Datastore = { fields: Array<{ id: string; type: string }>; records: Array<Record<string, unknown>>; total: number; limit: number; offset: number; resource_id: string; _links: { start: string; next: string }; records_format: string; include_total: boolean };

describe('datastore_search', () => {
  const rid = () => `${E.open.id}-csv`;

  it('fields with id and type, records, total, limit, offset and _links', async () => {
    const r = success<Datastore>(await action('datastore_search', `resource_id=${rid()}&limit=10`), 'datastore_search');
    expect(r.fields.map((f) => [f.id, f.type])).toEqual([
      ['_id', 'int'],
      ['month', 'text'],
      ['region', 'text'],
      ['visitors', 'int'],
      ['revenue', 'numeric'],
      ['note', 'text'],
    ]);
    expect(r).toMatchObject({ resource_id: rid(), total: 25, limit: 10, offset: 0, records_format: 'objects', include_total: true });
    expect(r.records).toHaveLength(10);
    expect(r.records[0]).toMatchObject({ _id: 1, month: '2026-01', region: '460200', visitors: 1001 });
    expect(r._links).toEqual({ start: `/api/3/action/datastore_search?resource_id=${rid()}&limit=10`, next: `/api/3/action/datastore_search?offset=10&resource_id=${rid()}&limit=10` });
    const next = new URL(r._links.next, BASE);
    const second = success<Datastore>(await call(next.pathname + next.search), 'datastore_search');
    // In key order (month, region): the 11th row is 2026-05 / 460201.
    expect(second.records[0]).toMatchObject({ _id: 11, month: '2026-05', region: '460201', visitors: 1017 });
  });

  it('filters (JSON), q, fields and sort, by GET and POST', async () => {
    const f = success<Datastore>(await action('datastore_search', `resource_id=${rid()}&filters=${encodeURIComponent('{"month":"2026-02"}')}`), 'datastore_search');
    expect(f.total).toBe(2);
    expect(f.records.every((x) => x.month === '2026-02')).toBe(true);
    const p = success<Datastore>(await post('datastore_search', { resource_id: rid(), filters: { month: '2026-02' }, fields: ['month', 'visitors'], sort: 'visitors desc' }), 'datastore_search');
    expect(p.records.map((x) => x.visitors)).toEqual([1014, 1002]);
    expect(p.fields.map((x) => x.id)).toEqual(['_id', 'month', 'visitors']);
    const q = success<Datastore>(await action('datastore_search', `resource_id=${rid()}&q=${encodeURIComponent('备注2')}`), 'datastore_search');
    expect(q.total).toBe(7); // 备注2, 备注20…备注25
  });

  it('errors: unknown resource 404, conditional 403 Authorization Error, a field not open 409, bad filters 409', async () => {
    failure(await action('datastore_search', `resource_id=${E.none.id}-csv`), 404, 'Not Found Error');
    failure(await action('datastore_search', 'resource_id=nothing'), 404, 'Not Found Error');
    failure(await action('datastore_search', `resource_id=${E.cond.id}-apply`), 403, 'Authorization Error');
    failure(await action('datastore_search', `resource_id=${E.empty.id}-page`), 404, 'Not Found Error');
    const v = failure(await action('datastore_search', `resource_id=${rid()}&filters=${encodeURIComponent('{"secret":"x"}')}`), 409, 'Validation Error');
    expect(v.secret).toEqual(['不是开放字段']);
    failure(await action('datastore_search', `resource_id=${rid()}&filters=notjson`), 409, 'Validation Error');
    const m = failure(await action('datastore_search'), 409, 'Validation Error');
    expect(m.resource_id).toEqual(['Missing value']);
  });

  it('is counted as an open API call of the entry', async () => {
    const before = await db().selectFrom('open_usage').select('count').where('entry_id', '=', E.open.id).where('format', '=', 'ckan').executeTakeFirst();
    success(await action('datastore_search', `resource_id=${rid()}&limit=1`), 'datastore_search');
    const after = await db().selectFrom('open_usage').select('count').where('entry_id', '=', E.open.id).where('format', '=', 'ckan').executeTakeFirstOrThrow();
    expect(Number(after.count)).toBe(Number(before?.count ?? 0) + 1);
  });

  it(`has the open data API's rate limit: ${ANON_LIMIT} a minute per IP, then 429`, async () => {
    const ip = '10.250.0.1';
    const once = () => env.app.inject({ method: 'GET', url: `/api/3/action/datastore_search?resource_id=${rid()}&limit=1`, remoteAddress: ip });
    for (let i = 0; i < ANON_LIMIT; i++) expect((await once()).statusCode).toBe(200);
    const res = await once();
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ success: false, error: { __type: 'Rate Limit Error', limitPerMinute: ANON_LIMIT } });
    // Metadata actions are not limited.
    expect((await env.app.inject({ method: 'GET', url: '/api/3/action/package_list', remoteAddress: ip })).statusCode).toBe(200);
  });
});
