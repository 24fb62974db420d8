/**
 * Catalog search: Chinese words, ranking, every filter and facet, scopes, paging and highlights —
 * through `GET /api/v1/catalog/entries` on a database holding the demo orgs and users and only
 * this file's entries (the demo catalog is left out so that every count is known).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DEMO_PASSWORD, ADMIN_PASSWORD, loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { insertDemoIdentity } from '../identity/demo.js';
import type { Attr, CatalogField, Grade, VersionStatus } from './tables.js';
import { highlight, indexVersion, leadingPieces, parseQuery, searchVector, tsQueryText } from './search.js';
import type { FacetValue, SearchItem, SearchResult } from './search.service.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

interface Fixture {
  key: string;
  org: string;
  name: string;
  description?: string;
  fields?: Pick<CatalogField, 'name' | 'label'>[];
  category: string;
  grade: Grade;
  shareAttr: Attr;
  openAttr: Attr;
  operationAttr: boolean;
  provisionMethods: string[];
  updateFrequency: string;
  usage?: string;
  /** Versions oldest first; the entry's newest version is the last. Default: one published. */
  statuses?: VersionStatus[];
  /** Names of the older versions, when they differ. */
  oldNames?: string[];
}

const F = (name: string, label: string) => ({ name, label });

const FIXTURES: Fixture[] = [
  {
    key: 'licence',
    org: 'scj',
    name: '企业营业执照信息',
    description: '市场主体依法登记后核发的营业执照信息，包括统一社会信用代码、企业名称和成立日期。',
    fields: [F('uscc', '统一社会信用代码'), F('ent_name', '企业名称'), F('reg_date', '成立日期')],
    category: '市场监管',
    grade: 'general',
    shareAttr: 'conditional',
    openAttr: 'none',
    operationAttr: true,
    provisionMethods: ['api', 'batch'],
    updateFrequency: 'daily',
  },
  {
    key: 'individual',
    org: 'scj',
    name: '个体工商户登记信息',
    description: '个体工商户的登记、变更和注销信息，含营业执照编号。',
    fields: [F('owner', '经营者姓名'), F('address', '经营场所')],
    category: '市场监管',
    grade: 'general',
    shareAttr: 'unconditional',
    openAttr: 'conditional',
    operationAttr: false,
    provisionMethods: ['api'],
    updateFrequency: 'weekly',
  },
  {
    key: 'population',
    org: 'gat',
    name: '户籍人口基本信息',
    description: '全省户籍人口的姓名、公民身份号码和户籍地址。',
    fields: [F('name', '姓名'), F('id_number', '公民身份号码'), F('address', '户籍地址')],
    category: '公安',
    grade: 'important',
    shareAttr: 'conditional',
    openAttr: 'none',
    operationAttr: false,
    provisionMethods: ['api'],
    updateFrequency: 'realtime',
  },
  {
    key: 'air',
    org: 'sthj',
    name: '环境空气质量监测数据',
    description: '全省空气质量自动监测站点的小时数据，由生态环境厅会同公安部门核验站点位置。',
    fields: [F('station', '监测点位'), F('aqi', '空气质量指数')],
    category: '生态环境',
    grade: 'general',
    shareAttr: 'unconditional',
    openAttr: 'unconditional',
    operationAttr: true,
    provisionMethods: ['file', 'batch'],
    updateFrequency: 'daily',
  },
  {
    key: 'revenue',
    org: 'hkfgw',
    name: '海口市营业收入统计',
    description: '规模以上企业营业收入，不含驾驶执照考试收费。',
    fields: [F('period', '统计期'), F('amount', '营业收入')],
    category: '发展改革',
    grade: 'general',
    shareAttr: 'unconditional',
    openAttr: 'unconditional',
    operationAttr: false,
    provisionMethods: ['batch'],
    updateFrequency: 'monthly',
  },
  {
    key: 'annual',
    org: 'scj',
    name: '企业年报信息',
    oldNames: ['企业年度报告信息', '企业年报信息'],
    description: '企业年报公示信息。',
    fields: [F('uscc', '统一社会信用代码'), F('year', '年度')],
    category: '市场监管',
    grade: 'important',
    shareAttr: 'none',
    openAttr: 'none',
    operationAttr: false,
    provisionMethods: ['api', 'file'],
    updateFrequency: 'yearly',
    // v1 superseded, v2 in force, v3 a draft of the next change.
    statuses: ['superseded', 'published', 'draft'],
  },
  {
    key: 'food',
    org: 'scj',
    name: '食品经营许可证信息',
    description: '食品经营许可证核发信息。',
    category: '市场监管',
    grade: 'general',
    shareAttr: 'unconditional',
    openAttr: 'unconditional',
    operationAttr: false,
    provisionMethods: ['api'],
    updateFrequency: 'daily',
    statuses: ['draft'],
  },
  {
    key: 'check',
    org: 'gat',
    name: '营业执照核查记录',
    description: '公安机关核查营业执照的记录。',
    category: '公安',
    grade: 'important',
    shareAttr: 'none',
    openAttr: 'none',
    operationAttr: false,
    provisionMethods: ['api'],
    updateFrequency: 'daily',
    statuses: ['draft'],
  },
  {
    key: 'tourism',
    org: 'sy',
    name: '三亚旅游景区客流数据',
    description: '三亚市主要旅游景区的实时客流。',
    category: '文化旅游',
    grade: 'general',
    shareAttr: 'unconditional',
    openAttr: 'unconditional',
    operationAttr: true,
    provisionMethods: ['api'],
    updateFrequency: 'realtime',
    statuses: ['submitted'],
  },
];

/** The published fixtures: what the default scope holds. */
const PUBLISHED = FIXTURES.filter((f) => (f.statuses ?? ['published']).includes('published'));

let env: TestEnv;
const orgIds = new Map<string, string>();
/** Fixture key → entry id, and entry id → key. */
const entryIds = new Map<string, string>();
const keyOfEntry = new Map<string, string>();
let scj: Client;
let gat: Client;
let reviewer: Client;
let analyst: Client;

async function insertFixture(f: Fixture, seq: number, at: Date) {
  const db = env.k.db.kysely;
  const providerId = orgIds.get(f.org);
  if (!providerId) throw new Error(`no org ${f.org}`);
  const org = await db.selectFrom('orgs').select(['region_code']).where('id', '=', providerId).executeTakeFirstOrThrow();
  const statuses = f.statuses ?? ['published'];
  const entryId = randomUUID();
  const publishedAt = statuses.lastIndexOf('published');
  await db
    .insertInto('catalog_entries')
    .values({
      id: entryId,
      code: `${org.region_code}-T-${String(seq).padStart(4, '0')}`,
      provider_org_id: providerId,
      region_code: org.region_code,
      seq,
      published_version: publishedAt >= 0 ? publishedAt + 1 : null,
      latest_version: statuses.length,
      created_at: at,
      updated_at: at,
    })
    .execute();
  for (const [i, status] of statuses.entries()) {
    const id = randomUUID();
    const fields: CatalogField[] = (f.fields ?? [F('item', '数据项')]).map((x) => ({ ...x, type: 'string' }));
    await db
      .insertInto('catalog_versions')
      .values({
        id,
        entry_id: entryId,
        version: i + 1,
        status,
        name: f.oldNames?.[i] ?? f.name,
        description: f.description ?? '',
        format: 'table',
        fields: JSON.stringify(fields),
        share_attr: f.shareAttr,
        share_conditions: f.shareAttr === 'conditional' ? JSON.stringify({ scope: '政务部门', usage: '履职' }) : null,
        no_share_basis: f.shareAttr === 'none' ? '《中华人民共和国测试法》' : null,
        open_attr: f.openAttr,
        open_conditions: null,
        not_open_reason: f.openAttr === 'none' ? 'law' : null,
        open_safeguards: '[]',
        operation_attr: f.operationAttr,
        provision_methods: f.provisionMethods,
        usage_conditions: f.usage ?? '',
        update_frequency: f.updateFrequency,
        category: f.category,
        grade: f.grade,
        priority_areas: [],
        assessments: '{}',
        change_note: null,
        update_case_id: null,
        created_by: null,
        // Versions of one entry a minute apart, entries an hour apart: a known "updated" order.
        created_at: new Date(at.getTime() + i * 60_000),
        updated_at: new Date(at.getTime() + i * 60_000),
        submitted_by: null,
        submitted_at: status === 'draft' ? null : at,
        reviewed_by: null,
        reviewed_at: null,
        review_comment: null,
        published_at: status === 'published' || status === 'superseded' ? at : null,
      })
      .execute();
    await indexVersion(db, id);
  }
  entryIds.set(f.key, entryId);
  keyOfEntry.set(entryId, f.key);
}

beforeAll(async () => {
  env = await testEnv({ seed: false });
  const ids = await env.k.db.kysely.transaction().execute((trx) => insertDemoIdentity(env.k, trx, { admin: ADMIN_PASSWORD, demo: DEMO_PASSWORD }));
  for (const [k, v] of ids) orgIds.set(k, v);
  const base = new Date('2026-01-05T02:00:00Z').getTime();
  for (const [i, f] of FIXTURES.entries()) await insertFixture(f, i + 1, new Date(base + i * 3_600_000));
  [scj, gat, reviewer, analyst] = await Promise.all([loginAs(env.app, 'scj_clerk'), loginAs(env.app, 'gat_clerk'), loginAs(env.app, 'yshj_reviewer'), loginAs(env.app, 'hkfgw_analyst')]);
});
afterAll(async () => {
  await env?.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function search(c: Client, query: Record<string, string | number | boolean | (string | number | boolean)[]> = {}): Promise<SearchResult> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, String(x));
  const res = await c.get(`/api/v1/catalog/entries?${qs.toString()}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as SearchResult;
}

const keys = (r: SearchResult) => r.items.map((i) => keyOfEntry.get(i.id));
const sortedKeys = (r: SearchResult) => keys(r).sort();
const facetMap = (values: FacetValue[]) => Object.fromEntries(values.map((v) => [String(v.value), v.count]));
const text = (segments: { text: string }[]) => segments.map((s) => s.text).join('');
const hits = (segments: { text: string; hit: boolean }[]) => segments.filter((s) => s.hit).map((s) => s.text);

// ---------------------------------------------------------------------------------------------

describe('the query language', () => {
  it('cuts each typed word into its pieces and drops punctuation and repeats', () => {
    expect(parseQuery('营业执照 海口')).toEqual([['营业', '执照'], ['海口']]);
    expect(parseQuery(' 营业执照，营业执照、 ')).toEqual([['营业', '执照']]);
    expect(parseQuery('！？')).toEqual([]);
    expect(parseQuery(undefined)).toEqual([]);
  });

  it('makes each word a phrase of its pieces, all words required, quotes escaped', () => {
    expect(tsQueryText([['营业', '执照'], ['海口']])).toBe("('营业' <-> '执照') & ('海口')");
    expect(tsQueryText([['营业', '执照']], 'A')).toBe("('营业':A <-> '执照':A)");
    expect(tsQueryText([["it's", 'a\\b']])).toBe("('it''s' <-> 'a\\\\b')");
  });

  it('indexes Chinese words of three characters or more under their leading pieces too', () => {
    expect(leadingPieces('海口市')).toEqual(['海口']);
    expect(leadingPieces('统一社会')).toEqual(['统一', '统一社']);
    expect(leadingPieces('营业')).toEqual([]);
    expect(leadingPieces('reg_date')).toEqual([]);
    const doc = searchVector({ name: '海口市营业收入', description: '', fields: [], category: '', usageConditions: '', provider: '', region: '', code: '' });
    expect(doc).toBe("'海口市':1A '海口':1A '营业':2A '收入':3A");
    expect(searchVector({ name: "it's a\\b", description: '', fields: [], category: '', usageConditions: '', provider: '', region: '', code: '' })).toBe("'it''s':1A 'a':2A 'b':3A");
  });

  it('highlights as text segments that put the text back together', () => {
    const s = highlight('企业营业执照信息', [['营业', '执照']]);
    expect(s).toEqual([
      { text: '企业', hit: false },
      { text: '营业执照', hit: true },
      { text: '信息', hit: false },
    ]);
    const long = `${'很长的说明文字'.repeat(40)}营业执照${'结尾'.repeat(40)}`;
    const cut = highlight(long, [['营业', '执照']], 60);
    expect(hits(cut)).toEqual(['营业执照']);
    expect(cut[0]?.text.startsWith('…')).toBe(true);
    expect(cut[cut.length - 1]?.text.endsWith('…')).toBe(true);
    expect(text(cut).length).toBeLessThanOrEqual(62);
    // Text whose normalisation changes its length (… → ...) is cut into words instead: same marks.
    expect(highlight('企业…营业执照', [['营业', '执照']])).toEqual([
      { text: '企业…', hit: false },
      { text: '营业执照', hit: true },
    ]);
    expect(highlight('海口市…税务', [['海口']])).toEqual([
      { text: '海口市', hit: true },
      { text: '…税务', hit: false },
    ]);
    const markup = '<b>营业执照</b><script>alert(1)</script>';
    expect(text(highlight(markup, [['营业', '执照']]))).toBe(markup);
  });
});

describe('GET /api/v1/catalog/entries — words', () => {
  it('finds 企业营业执照信息 for 营业执照, and not entries that only have 营业 and 执照 apart', async () => {
    const r = await search(analyst, { q: '营业执照' });
    // licence: in the name; individual: in the description. revenue says 营业收入 … 驾驶执照: no.
    expect(keys(r)).toEqual(['licence', 'individual']);
    expect(r.total).toBe(2);
    expect(keys(await search(analyst, { q: '营业' })).sort()).toEqual(['individual', 'licence', 'revenue']);
  });

  it('ranks a hit in the name above a hit in the description', async () => {
    const r = await search(analyst, { q: '营业执照' });
    const [first, second] = r.items as [SearchItem, SearchItem];
    expect(first.name).toBe('企业营业执照信息');
    expect(first.score).toBeGreaterThan(second.score ?? Infinity);
    expect(second.score).toBeGreaterThan(0);
  });

  it('keeps single-character pieces bound to their neighbours (公安厅 is not 公安 … 厅)', async () => {
    // population's provider is 海南省公安厅; air's description has 生态环境厅 … 公安部门.
    expect(keys(await search(analyst, { q: '公安厅' }))).toEqual(['population']);
    expect(sortedKeys(await search(analyst, { q: '公安' }))).toEqual(['air', 'population']);
  });

  it('finds a word the segmenter cut more coarsely in context: 海口 finds the 海口市 entry', async () => {
    expect(keys(await search(analyst, { q: '海口' }))).toEqual(['revenue']);
  });

  it('requires every space-separated word', async () => {
    expect(keys(await search(analyst, { q: '营业执照 统一社会信用代码' }))).toEqual(['licence']);
    expect(keys(await search(analyst, { q: '空气 监测' }))).toEqual(['air']);
    expect(keys(await search(analyst, { q: '空气 营业执照' }))).toEqual([]);
  });

  it('searches data-item labels, category and provider, and says which data items matched', async () => {
    const r = await search(analyst, { q: '公民身份号码' });
    expect(keys(r)).toEqual(['population']);
    expect(r.items[0]?.highlight.fields).toEqual(['公民身份号码']);
    expect(keys(await search(analyst, { q: '生态环境' }))).toEqual(['air']);
    expect(sortedKeys(await search(analyst, { q: '市场监督管理局' }))).toEqual(['annual', 'individual', 'licence']);
  });

  it('highlights the name and a description snippet as {text, hit} segments', async () => {
    const r = await search(analyst, { q: '营业执照' });
    const [licence, individual] = r.items as [SearchItem, SearchItem];
    expect(licence.highlight.name).toEqual([
      { text: '企业', hit: false },
      { text: '营业执照', hit: true },
      { text: '信息', hit: false },
    ]);
    expect(hits(individual.highlight.name)).toEqual([]);
    expect(hits(individual.highlight.description)).toEqual(['营业执照']);
    expect(text(individual.highlight.description)).toBe(individual.description);
  });

  it('survives query syntax and quotes typed into the box', async () => {
    for (const q of ["it's", "'&|!():*<->", '\\', '营业执照:*', '%_']) {
      const res = await analyst.get(`/api/v1/catalog/entries?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
    }
  });

  it('treats a query without words as no query', async () => {
    expect((await search(analyst, { q: '！？' })).total).toBe(PUBLISHED.length);
  });
});

describe('GET /api/v1/catalog/entries — filters and facets', () => {
  type Key = 'provider' | 'region' | 'category' | 'grade' | 'shareAttr' | 'openAttr' | 'operationAttr' | 'provisionMethod' | 'updateFrequency';
  const regionOf = (f: Fixture) => ({ scj: '460000', gat: '460000', sthj: '460000', hkfgw: '460100', sy: '460200' })[f.org] as string;
  /** The values of a fixture under each facet. */
  const valuesOf = (f: Fixture, k: Key): string[] => {
    switch (k) {
      case 'provider':
        return [orgIds.get(f.org) as string];
      case 'region':
        return [regionOf(f)];
      case 'operationAttr':
        return [String(f.operationAttr)];
      case 'provisionMethod':
        return f.provisionMethods;
      default:
        return [f[k]];
    }
  };
  const FACET_KEYS: Key[] = ['provider', 'region', 'category', 'grade', 'shareAttr', 'openAttr', 'operationAttr', 'provisionMethod', 'updateFrequency'];
  /** Expected facet counts: the published fixtures passing every filter but the facet's own. */
  function expected(filters: Partial<Record<Key, string>>) {
    const passes = (f: Fixture, except?: Key) => Object.entries(filters).every(([k, v]) => k === except || valuesOf(f, k as Key).includes(v));
    const facets: Record<string, Record<string, number>> = {};
    for (const k of FACET_KEYS) {
      const m: Record<string, number> = {};
      for (const f of PUBLISHED.filter((x) => passes(x, k))) for (const v of valuesOf(f, k)) m[v] = (m[v] ?? 0) + 1;
      facets[k] = m;
    }
    return { keys: PUBLISHED.filter((f) => passes(f)).map((f) => f.key).sort(), facets };
  }

  async function check(filters: Partial<Record<Key, string>>) {
    const r = await search(analyst, { ...filters, limit: 100 });
    const want = expected(filters);
    expect(sortedKeys(r), JSON.stringify(filters)).toEqual(want.keys);
    expect(r.total).toBe(want.keys.length);
    for (const k of FACET_KEYS) {
      const got = facetMap(r.facets[k]);
      // A chosen value is listed even when nothing else allows it (count 0).
      const chosen = filters[k];
      const wantFacet = { ...want.facets[k] };
      if (chosen !== undefined && !(chosen in wantFacet)) wantFacet[chosen] = 0;
      expect(got, `${k} with ${JSON.stringify(filters)}`).toEqual(wantFacet);
    }
  }

  it('counts every facet over the published catalog', async () => {
    const r = await search(analyst);
    expect(r.total).toBe(PUBLISHED.length);
    expect(facetMap(r.facets.category)).toEqual({ 市场监管: 3, 公安: 1, 生态环境: 1, 发展改革: 1 });
    expect(facetMap(r.facets.provisionMethod)).toEqual({ api: 4, batch: 3, file: 2 });
    expect(r.facets.operationAttr).toEqual([
      { value: false, count: 4 },
      { value: true, count: 2 },
    ]);
    expect(r.facets.provider.find((p) => p.value === orgIds.get('scj'))).toEqual({ value: orgIds.get('scj'), label: '海南省市场监督管理局', count: 3 });
    expect(r.facets.region.find((p) => p.value === '460100')).toEqual({ value: '460100', label: '海口市', count: 1 });
    expect(facetMap(r.facets.status)).toEqual({ published: PUBLISHED.length });
    await check({});
  });

  it('applies each filter, counting each facet with the other filters only', async () => {
    for (const k of FACET_KEYS) {
      const values = new Set(PUBLISHED.flatMap((f) => valuesOf(f, k)));
      for (const v of values) await check({ [k]: v });
    }
  });

  it('combines filters (AND across facets) and keeps a chosen value with no matches at 0', async () => {
    await check({ category: '市场监管', grade: 'important' });
    await check({ shareAttr: 'unconditional', provisionMethod: 'batch', operationAttr: 'false' });
    await check({ category: '公安', openAttr: 'unconditional' });
    await check({ region: '460000', updateFrequency: 'daily', provisionMethod: 'api' });
  });

  it('takes several values of one facet as alternatives', async () => {
    const r = await search(analyst, { category: ['公安', '生态环境'] });
    expect(sortedKeys(r)).toEqual(['air', 'population']);
    expect(facetMap(r.facets.category)).toEqual({ 市场监管: 3, 公安: 1, 生态环境: 1, 发展改革: 1 });
    expect(facetMap(r.facets.grade)).toEqual({ general: 1, important: 1 });
  });

  it('combines words and facets: counts only among the matches', async () => {
    const r = await search(analyst, { q: '营业', category: '市场监管' });
    expect(sortedKeys(r)).toEqual(['individual', 'licence']);
    expect(facetMap(r.facets.category)).toEqual({ 市场监管: 2, 发展改革: 1 });
    expect(facetMap(r.facets.shareAttr)).toEqual({ conditional: 1, unconditional: 1 });
  });

  it('documents its query parameters in the OpenAPI document', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json() as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    const names = doc.paths['/api/v1/catalog/entries']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['q', 'scope', 'provider', 'region', 'category', 'grade', 'shareAttr', 'openAttr', 'operationAttr', 'provisionMethod', 'updateFrequency', 'status', 'sort', 'limit', 'offset']));
  });

  it('refuses values outside the vocabulary (400)', async () => {
    for (const q of ['grade=secret', 'shareAttr=maybe', 'provisionMethod=fax', 'limit=0', 'limit=101', 'offset=-1', 'sort=random', 'scope=all', 'provider=x', 'region=46']) {
      const res = await analyst.get(`/api/v1/catalog/entries?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });
});

describe('GET /api/v1/catalog/entries — scopes', () => {
  it('needs a signed-in user', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/catalog/entries' });
    expect(res.statusCode).toBe(401);
  });

  it('shows the version in force of each published entry, never drafts, submissions or old versions', async () => {
    for (const c of [analyst, scj, gat, reviewer]) {
      const r = await search(c, { limit: 100 });
      expect(sortedKeys(r)).toEqual(PUBLISHED.map((f) => f.key).sort());
      const annual = r.items.find((i) => keyOfEntry.get(i.id) === 'annual');
      expect(annual).toMatchObject({ version: 2, status: 'published', publishedVersion: 2, latestVersion: 3 });
    }
    // gat's draft 营业执照核查记录 is nobody's search result but gat's own.
    for (const c of [analyst, scj, reviewer]) {
      for (const scope of ['published', 'mine']) expect(keys(await search(c, { q: '营业执照核查', scope }))).toEqual([]);
    }
    expect(keys(await search(gat, { q: '营业执照核查' }))).toEqual([]);
    expect(keys(await search(gat, { q: '营业执照核查', scope: 'mine' }))).toEqual(['check']);
    // The old name of v1 is no longer found.
    expect(keys(await search(analyst, { q: '年度报告' }))).toEqual([]);
  });

  it('scope=mine: the caller org’s entries at their newest version, any status', async () => {
    const r = await search(scj, { scope: 'mine' });
    expect(sortedKeys(r)).toEqual(['annual', 'food', 'individual', 'licence']);
    expect(r.items.find((i) => keyOfEntry.get(i.id) === 'annual')).toMatchObject({ version: 3, status: 'draft' });
    expect(facetMap(r.facets.status)).toEqual({ published: 2, draft: 2 });
    const drafts = await search(scj, { scope: 'mine', status: 'draft' });
    expect(sortedKeys(drafts)).toEqual(['annual', 'food']);
    expect(facetMap(drafts.facets.status)).toEqual({ published: 2, draft: 2 });
    expect(sortedKeys(await search(gat, { scope: 'mine' }))).toEqual(['check', 'population']);
  });

  it('scope=review: submitted versions, for the sharing authority only (403 otherwise, citing 000 第六条)', async () => {
    expect(keys(await search(reviewer, { scope: 'review' }))).toEqual(['tourism']);
    expect(keys(await search(reviewer, { scope: 'review', q: '三亚 客流' }))).toEqual(['tourism']);
    for (const c of [scj, gat, analyst]) {
      const res = await c.get('/api/v1/catalog/entries?scope=review');
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'FORBIDDEN', source: '000 第六条' } });
    }
  });
});

describe('GET /api/v1/catalog/entries — paging and sorting', () => {
  it('pages on the server: pages join up to the whole list, total unchanged', async () => {
    const all = await search(analyst, { sort: 'name', limit: 100 });
    expect(all.items.map((i) => i.name)).toEqual([...all.items.map((i) => i.name)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const seen: string[] = [];
    for (let offset = 0; offset < PUBLISHED.length + 2; offset += 2) {
      const p = await search(analyst, { sort: 'name', limit: 2, offset });
      expect(p.total).toBe(PUBLISHED.length);
      expect(p.items.length).toBe(Math.max(0, Math.min(2, PUBLISHED.length - offset)));
      seen.push(...p.items.map((i) => i.id));
    }
    expect(seen).toEqual(all.items.map((i) => i.id));
  });

  it('sorts by last update, newest first, by default without words', async () => {
    const r = await search(analyst, { limit: 100 });
    const order = PUBLISHED.map((f) => f.key).reverse();
    expect(keys(r)).toEqual(order);
    expect(r.items.every((i) => i.score === null)).toBe(true);
  });

  it('returns the entry view with its highlight on every item', async () => {
    const r = await search(analyst, { q: '户籍' });
    expect(r.items[0]).toMatchObject({
      id: entryIds.get('population'),
      name: '户籍人口基本信息',
      provider: { id: orgIds.get('gat'), name: '海南省公安厅' },
      regionCode: '460000',
      status: 'published',
      category: '公安',
      grade: 'important',
      provisionMethods: ['api'],
      highlight: { name: [{ text: '户籍', hit: true }, { text: '人口基本信息', hit: false }] },
    });
  });
});

describe('the search document', () => {
  it('is rewritten by indexVersion and weights name A, description B, category C', async () => {
    const v = await env.k.db.kysely
      .selectFrom('catalog_versions')
      .select(['id'])
      .where('entry_id', '=', entryIds.get('licence') as string)
      .executeTakeFirstOrThrow();
    const doc = await sql<{ d: string }>`SELECT search_doc::text AS d FROM catalog_versions WHERE id = ${v.id}`.execute(env.k.db.kysely);
    const d = doc.rows[0]?.d ?? '';
    // '企业':1A,22B,34B — the name's pieces are A, and the same word elsewhere keeps its own weight.
    expect(d).toMatch(/'营业':2A,/);
    expect(d).toMatch(/'管理局':\d+C/);
    expect(d).toMatch(/'管理':\d+C/);
    expect(d).toMatch(/'统一':\d+B/);
    expect(d).toMatch(/'监管':\d+C/);
    // Sections are kept apart: the description starts two positions after the name ends.
    expect(d).toMatch(/'信息':4A,/);
    expect(d).toMatch(/'市场':6B/);
  });
});
