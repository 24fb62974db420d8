/**
 * The open catalog and CKAN's package_search counted, filtered, sorted and paged in SQL: on a
 * catalog of several pages, every answer is the one the in-process search gave (its rules kept in
 * rules.ts and ckan.ts: `applyFilters`, `facetsOf`, `sortCandidates`, `passesTerms`,
 * `sortPackages`), paging covers every match once with the counts the fixture implies, whether an
 * entry's files may be had is what the open data plane says, and a request runs a fixed number of
 * statements whatever the catalog's size.
 */
import { randomUUID } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { signIn } from '../../../test/assert.js';
import { beijingDate } from '../../kernel/clock.js';
import type { Kernel } from '../../kernel/context.js';
import type { CatalogField } from '../catalog/tables.js';
import { synthIdNumber } from '../ingest/synth.js';
import { nameRank, orgNameOf, parseSolr, parseSort, passesTerms, runAction, sortPackages, type IndexedPackage } from './ckan.js';
import { loadCsv, makeOpenEntry, statsCsv } from './factories.js';
import { openAccess } from './open-data.js';
import * as repo from './repo.js';
import { applyFilters, facetsOf, mayHaveFiles, OPEN_ATTR_LABELS, OPEN_SORTS, sortCandidates, UPDATE_FREQUENCY_LABELS, ZH, type Candidate, type OpenSort } from './rules.js';
import { ckanNameOf, listOpenEntries, openStats, summariesOf, type ListInput, type ListResult, type OpenEntrySummary } from './service.js';

let env: TestEnv;
const db = () => env.k.db.kysely;

const CATS = ['SQL测试甲', 'SQL测试乙', 'SQL测试丙'] as const;
const WORDS = ['珊瑚', '候鸟', '海岸', '湿地'] as const;
const FREQS = ['monthly', 'yearly', 'daily', 'irregular'] as const;
const N = 48;

/** The fixture: what each of the N entries is, decided here (the expected counts are read from it). */
interface Spec {
  i: number;
  org: number;
  category: (typeof CATS)[number];
  openAttr: 'unconditional' | 'conditional' | 'none';
  updateFrequency: (typeof FREQS)[number];
  priorityAreas: string[];
  name: string;
  id: string;
  code: string;
}
const specs: Spec[] = [];
const orgs: Array<{ id: string; name: string; uscc: string | null }> = [];
const ORG0 = '海南省生态环境厅';
const PII_FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'visits', label: '就诊次数', type: 'integer' },
];

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  const as = await signIn(env.app, ['sthj_clerk']);
  const first = await db().selectFrom('orgs').select(['id', 'name', 'uscc']).where('name', '=', ORG0).executeTakeFirstOrThrow();
  const others = await db().selectFrom('orgs').select(['id', 'name', 'uscc']).where('uscc', 'is not', null).where('name', '!=', ORG0).orderBy('name').limit(2).execute();
  orgs.push(first, ...others);
  for (let i = 0; i < N; i++) {
    const spec: Omit<Spec, 'id' | 'code'> = {
      i,
      org: i % 3,
      category: CATS[Math.floor(i / 4) % 3] ?? CATS[0],
      openAttr: i % 6 === 5 ? 'none' : i % 4 === 3 ? 'conditional' : 'unconditional',
      updateFrequency: FREQS[i % 4] ?? 'monthly',
      priorityAreas: i % 5 === 0 ? ['ecology'] : i % 7 === 0 ? ['industry', 'livelihood'] : [],
      // Some names repeat, so that orders by name fall back to the code.
      name: i % 10 === 0 ? '测试重名数据集' : `测试${WORDS[i % 4]}专题${String.fromCharCode(0x4e00 + ((i * 37) % 200))}${i}`,
    };
    const e = await makeOpenEntry(env.k, orgs[spec.org]?.name ?? ORG0, spec.name, undefined, {
      category: spec.category,
      openAttr: spec.openAttr,
      updateFrequency: spec.updateFrequency,
      priorityAreas: spec.priorityAreas,
      description: `${spec.name}的说明，${WORDS[(i + 1) % 4]}。`,
    });
    specs.push({ ...spec, id: e.id, code: e.code });
    // Several entries share a publication time: orders fall back to the code.
    env.clock.advance(60_000 * ((i * 13) % 3));
  }
  // Data of some of the first org's unconditional entries; one with personal information and no gate report, one passed.
  const clerk = as('sthj_clerk');
  const loaded = specs.filter((s) => s.org === 0 && s.openAttr === 'unconditional').slice(0, 4);
  for (const s of loaded) {
    await loadCsv(env.app, clerk, s.id, statsCsv(3 + s.i));
    env.clock.advance(30_000);
  }
  const people = `id_number,visits\n${[1, 2, 3, 4, 5, 6].map((n) => `${synthIdNumber('460105', '19900307', n)},${n}`).join('\n')}\n`;
  for (const gated of ['测试人员就诊甲', '测试人员就诊乙']) {
    const e = await makeOpenEntry(env.k, ORG0, gated, PII_FIELDS, { category: CATS[0], updateFrequency: 'daily' });
    await loadCsv(env.app, clerk, e.id, people);
    specs.push({ i: specs.length, org: 0, category: CATS[0], openAttr: 'unconditional', updateFrequency: 'daily', priorityAreas: [], name: gated, id: e.id, code: e.code });
  }
  const passed = specs[specs.length - 1];
  if (!passed) throw new Error('no gated entry');
  await db()
    .insertInto('opening_gate_reports')
    .values({
      id: randomUUID(),
      entry_id: passed.id,
      version_no: 1,
      status: 'passed',
      basis: 'plan',
      k: 5,
      rows: 6,
      plan: JSON.stringify({ treatments: { id_number: 'pseudonymise' }, quasiIdentifiers: [], sensitive: null, minL: null, consent: null }),
      trigger: 'manual',
      checked_at: env.clock.now(),
    } as never)
    .execute();
  // Usage with ties, for the orders by popularity.
  const day = beijingDate(env.clock.now());
  for (const s of specs.filter((x) => x.i % 3 !== 2)) {
    const downloads = (s.i * 3) % 5;
    const api = (s.i * 2) % 4;
    if (downloads) await db().insertInto('open_usage').values({ entry_id: s.id, day, kind: 'download', format: 'csv', count: downloads, rows: 0 }).execute();
    if (api) await db().insertInto('open_usage').values({ entry_id: s.id, day, kind: 'api', format: 'rows', count: api, rows: 0 }).execute();
  }
}, 180_000);

afterAll(async () => {
  await env?.close();
});

// ---------------------------------------------------------------------------------------------
// The in-process search, as the portal and the CKAN API ran it before: every open entry read,
// the open data plane asked per entry, then filtered, counted, sorted and cut in memory.

async function referenceList(k: Kernel, input: ListInput): Promise<ListResult> {
  // Without the query's own answer, so that summaries ask the open data plane per entry.
  let all: Candidate[] = (await repo.openCandidates(k.db.kysely, input.q)).map(({ downloadable: _d, ...c }) => c);
  if (input.format?.length) {
    const refused = new Set<string>();
    await Promise.all(all.filter(mayHaveFiles).map(async (c) => (await openAccess(k.db.kysely, c.code)).ok || refused.add(c.entryId)));
    all = all.map((c) => (refused.has(c.entryId) ? { ...c, filesRefused: true } : c));
  }
  const matched = applyFilters(all, input);
  const sort: OpenSort = input.sort ?? (input.q?.trim() ? 'relevance' : 'updated');
  const offset = input.offset ?? 0;
  const page = sortCandidates(matched, sort)
    .slice(offset, offset + (input.limit ?? 20))
    .map(({ filesRefused: _f, ...c }) => c);
  return { items: await summariesOf(k, page), total: matched.length, facets: facetsOf(all, input) };
}

/** The home page as it was: every open entry read, figures and lists made in memory. */
async function referenceStats(k: Kernel) {
  const all = (await repo.openCandidates(k.db.kysely, null)).map(({ downloadable: _d, ...c }) => c);
  const featuredIds = await repo.featuredEntryIds(k.db.kysely);
  const byId = new Map(all.map((c) => [c.entryId, c]));
  let featured = featuredIds.map((id) => byId.get(id)).filter((c): c is Candidate => c !== undefined);
  if (featured.length === 0) featured = sortCandidates(all.filter(mayHaveFiles), 'popular').slice(0, 6);
  const newest = sortCandidates(all, 'newest').slice(0, 6);
  const popular = sortCandidates(all, 'popular').slice(0, 6);
  const union = [...new Map([...featured, ...newest, ...popular].map((c) => [c.entryId, c])).values()];
  const views = new Map((await summariesOf(k, union)).map((v) => [v.id, v]));
  const viewsOf = (cs: Candidate[]) => cs.map((c) => views.get(c.entryId)).filter((v): v is OpenEntrySummary => v !== undefined);
  return {
    datasets: all.length,
    unconditional: all.filter((c) => c.openAttr === 'unconditional').length,
    conditional: all.filter((c) => c.openAttr === 'conditional').length,
    providers: new Set(all.map((c) => c.providerId)).size,
    rows: all.reduce((s, c) => s + (c.rows ?? 0), 0),
    downloads: all.reduce((s, c) => s + c.downloads, 0),
    apiCalls: all.reduce((s, c) => s + c.apiCalls, 0),
    featured: viewsOf(featured),
    newest: viewsOf(newest),
    popular: viewsOf(popular),
    domains: facetsOf(all, {}).domain,
  };
}

async function referencePackages(k: Kernel, words: string | null): Promise<IndexedPackage[]> {
  const cands = await repo.openCandidates(k.db.kysely, words);
  const byId = new Map((await repo.providerOrgs(k.db.kysely)).map((o) => [o.id, o]));
  const downloadable = await Promise.all(cands.map(async (c) => c.openAttr === 'unconditional' && c.rows !== null && (await openAccess(k.db.kysely, c.code)).ok));
  return cands.map((c, i) => {
    const org = byId.get(c.providerId);
    return {
      c,
      organization: org ? orgNameOf(org) : `org-${c.providerId}`,
      formats: downloadable[i] ? ['CSV', 'XLSX', 'JSON'] : ['HTML'],
      licenseId: c.openAttr === 'unconditional' ? 'other-open' : 'other-closed',
    };
  });
}

/** package_search as it was: names of the page, count, facets. */
async function referenceSearch(k: Kernel, p: { q: string; fq: string; sort: string; rows: number; start: number; facets: string[]; facetLimit: number }) {
  const keys = parseSort(p.sort);
  const q = parseSolr(p.q);
  const terms = [...q.terms, ...parseSolr(p.fq).terms];
  const words = [q.rest, ...q.terms.filter((t) => t.field === 'text').map((t) => t.value)].join(' ').trim();
  const packages = await referencePackages(k, words || null);
  const matched = packages.filter((x) => passesTerms(x, terms.filter((t) => t.field !== 'text')));
  const ordered = sortPackages(matched, words ? keys : keys.filter((x) => x.key !== 'score'));
  const facets: Record<string, Record<string, number>> = {};
  const display: Record<string, string[]> = {};
  for (const field of p.facets) {
    const counts = new Map<string, number>();
    for (const x of matched) for (const v of new Set(referenceValues(x, field))) counts.set(v, (counts.get(v) ?? 0) + 1);
    const items = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, p.facetLimit);
    facets[field] = Object.fromEntries(items);
    display[field] = items.map(([v]) =>
      field === 'organization' ? (matched.find((x) => x.organization === v)?.c.providerName ?? v) : field === 'open_attr' ? (OPEN_ATTR_LABELS[v as 'unconditional'] ?? v) : field === 'update_frequency' ? (UPDATE_FREQUENCY_LABELS[v] ?? v) : v,
    );
  }
  return { count: matched.length, names: ordered.slice(p.start, p.start + p.rows).map((x) => ckanNameOf(x.c.code)), facets, display };
}

/** `valuesOf` of ckan.ts for the fields the facets here ask. */
function referenceValues(x: IndexedPackage, field: string): string[] {
  const labels: Record<string, string> = { industry: '产业发展', ecology: '生态环境', livelihood: '民生服务', business_environment: '营商环境' };
  switch (field) {
    case 'organization':
      return [x.organization];
    case 'res_format':
      return x.formats;
    case 'tags':
      return [x.c.domain, ...x.c.priorityAreas.map((a) => labels[a] ?? a)];
    case 'open_attr':
      return [x.c.openAttr];
    case 'license_id':
      return [x.licenseId];
    case 'update_frequency':
      return [x.c.updateFrequency];
    default:
      throw new Error(`no reference for ${field}`);
  }
}

const ctx = (k: Kernel = env.k) => ({ k, auth: null, base: 'http://open.example.gov.cn', meta: { ip: '127.0.0.1' } });

/** The kernel with every statement it runs counted. */
function counted(): { k: Kernel; count: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      n++;
      return args.result;
    },
  };
  const k: Kernel = { ...env.k, db: { ...env.k.db, kysely: env.k.db.kysely.withPlugin(plugin) } };
  return { k, count: () => n };
}

const mine = (s: Spec) => s.openAttr !== 'none';

// ---------------------------------------------------------------------------------------------

describe('the open catalog in SQL', () => {
  it('answers every sort, filter, word and page exactly as the in-process search did', async () => {
    const filterSets: Array<Partial<ListInput>> = [
      {},
      { domain: [CATS[0], CATS[1]] },
      { openAttr: ['conditional'], provider: [orgs[0]?.id ?? ''] },
      { format: ['csv'] },
      { format: ['pdf'] },
      { updateFrequency: ['yearly', 'daily'], domain: [CATS[2], '没有的领域'], provider: [orgs[1]?.id ?? '', 'not-a-uuid'] },
      { tags: ['生态环境'] },
      { tags: [CATS[1], 'industry'] },
    ];
    let compared = 0;
    for (const q of [undefined, '珊瑚', '测试 专题']) {
      for (const sort of [undefined, ...OPEN_SORTS]) {
        for (const f of filterSets) {
          const input: ListInput = { q, sort, limit: 7, offset: 5, ...f };
          const got = await listOpenEntries(env.k, input);
          expect(got, JSON.stringify(input)).toEqual(await referenceList(env.k, input));
          compared++;
        }
      }
    }
    expect(compared).toBe(3 * 6 * filterSets.length);
  }, 300_000);

  it('pages through a filtered catalog larger than one page, each match once, with the counts the fixture implies', async () => {
    const filters: { domain: string[]; openAttr: string[] } = { domain: [CATS[0], CATS[1]], openAttr: ['unconditional'] };
    const expected = specs.filter((s) => mine(s) && filters.domain.includes(s.category) && s.openAttr === 'unconditional');
    expect(expected.length).toBeGreaterThan(15);
    for (const sort of OPEN_SORTS) {
      const seen: string[] = [];
      let total = -1;
      for (let offset = 0; offset < 100; offset += 6) {
        const r = await listOpenEntries(env.k, { ...filters, sort, limit: 6, offset });
        total = r.total;
        if (r.items.length === 0) break;
        seen.push(...r.items.map((x) => x.id));
        // Facets: each counted with the other filters only.
        const domainCounts = Object.fromEntries(r.facets.domain.map((x) => [x.value, x.count]));
        for (const cat of CATS) {
          const n = specs.filter((s) => s.category === cat && s.openAttr === 'unconditional').length;
          expect(domainCounts[cat], `${sort} ${cat}`).toBe(n);
        }
        const attrCounts = Object.fromEntries(r.facets.openAttr.map((x) => [x.value, x.count]));
        expect(attrCounts).toMatchObject({
          unconditional: expected.length,
          conditional: specs.filter((s) => s.openAttr === 'conditional' && filters.domain.includes(s.category)).length,
        });
      }
      expect(total).toBe(expected.length);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(expected.map((s) => s.id).sort());
    }
  });

  it('orders by name in Chinese collation, ties by code, across pages', async () => {
    const all: string[] = [];
    for (let offset = 0; offset < N; offset += 10) {
      all.push(...(await listOpenEntries(env.k, { domain: [...CATS], sort: 'name', limit: 10, offset })).items.map((x) => x.code));
    }
    const expected = specs.filter(mine).sort((a, b) => ZH.compare(a.name, b.name) || (a.code < b.code ? -1 : 1));
    expect(all).toEqual(expected.map((s) => s.code));
  });

  it('a chosen value without matches is listed with 0; a chosen provider is named only when it has open entries', async () => {
    const none = await listOpenEntries(env.k, { domain: [CATS[0]], provider: [orgs[0]?.id ?? '', randomUUID()], updateFrequency: ['realtime'] });
    expect(none.total).toBe(0);
    expect(none.facets.updateFrequency.find((x) => x.value === 'realtime')).toEqual({ value: 'realtime', label: '实时', count: 0 });
    const providers = none.facets.provider;
    expect(providers.find((x) => x.value === orgs[0]?.id)?.label).toBe(orgs[0]?.name);
    expect(providers.filter((x) => x.label === x.value)).toHaveLength(1);
  });

  it("says an entry's files may be had exactly when the open data plane lets them out", async () => {
    const cands = await repo.openCandidates(db(), null);
    const states = { yes: 0, no: 0 };
    for (const c of cands) {
      const plane = c.openAttr === 'unconditional' && c.rows !== null && (await openAccess(db(), c.code)).ok;
      expect(c.downloadable, c.name).toBe(plane);
      states[plane ? 'yes' : 'no']++;
    }
    expect(states.yes).toBeGreaterThanOrEqual(5);
    expect(states.no).toBeGreaterThan(0);
    // Both gated entries are loaded: only the one whose live version passed the gate opens.
    const gated = specs.slice(-2).map((s) => cands.find((c) => c.entryId === s.id)?.downloadable);
    expect(gated).toEqual([false, true]);
  });
});

describe('the home page in SQL', () => {
  it('gives the figures and lists the in-process home page gave, with and without featured datasets', async () => {
    const got = await openStats(env.k);
    expect(JSON.stringify(got)).toBe(JSON.stringify(await referenceStats(env.k)));
    expect(got.datasets).toBeGreaterThan(N / 2);
    expect(got.featured.length).toBeGreaterThan(0);
    // Featured by the operator, one of them no longer open: left out, the others in their order.
    const chosen = [specs[7], specs[5], specs[2]].map((s) => s?.id ?? '');
    const by = await db().selectFrom('users').select('id').limit(1).executeTakeFirstOrThrow();
    await db().transaction().execute((trx) => repo.replaceFeatured(trx, chosen, by.id, env.clock.now()));
    try {
      const featured = await openStats(env.k);
      expect(JSON.stringify(featured)).toBe(JSON.stringify(await referenceStats(env.k)));
      expect(featured.featured.map((x) => x.id)).toEqual([specs[7]?.id, specs[2]?.id]);
    } finally {
      await db().deleteFrom('open_featured').execute();
    }
  });
});

describe("CKAN's package_search in SQL", () => {
  const fqs = ['', `tags:${CATS[0]}`, '-open_attr:conditional res_format:CSV', '+update_frequency:MONTHLY -tags:生态环境', 'tags:生态环境', 'license_id:other-closed', 'res_format:html', 'groups:*', 'title:测试重名数据集'];
  const sorts = ['', 'name asc', 'name desc, metadata_created asc', 'title_string desc, metadata_modified desc', 'views_total desc', 'metadata_created asc', 'score desc, views_recent asc'];
  const facets = ['organization', 'res_format', 'tags', 'open_attr', 'license_id', 'update_frequency'];

  it('answers count, page, order and facets exactly as the in-process search did', async () => {
    let compared = 0;
    for (const q of ['', '珊瑚', `organization:${orgs[1] ? orgNameOf(orgs[1]) : ''} 测试`]) {
      for (const fq of fqs) {
        for (const sort of sorts) {
          const p = { q, fq, sort, rows: 6, start: 3, facets, facetLimit: 3 };
          const got = (await runAction(ctx(), 'package_search', { q, fq, sort, rows: '6', start: '3', 'facet.field': JSON.stringify(facets), 'facet.limit': '3' })) as {
            count: number;
            results: Array<{ name: string }>;
            facets: Record<string, Record<string, number>>;
            search_facets: Record<string, { items: Array<{ display_name: string; name: string; count: number }> }>;
          };
          const want = await referenceSearch(env.k, p);
          const label = JSON.stringify({ q, fq, sort });
          expect(got.count, label).toBe(want.count);
          expect(got.results.map((r) => r.name), label).toEqual(want.names);
          expect(got.facets, label).toEqual(want.facets);
          // Same order of keys too: the JSON is the same text.
          expect(JSON.stringify(got.facets), label).toBe(JSON.stringify(want.facets));
          for (const f of facets) expect(got.search_facets[f]?.items.map((x) => x.display_name), label).toEqual(want.display[f]);
          compared++;
        }
      }
    }
    expect(compared).toBe(3 * fqs.length * sorts.length);
  }, 300_000);

  it('pages through every package once with rows and start', async () => {
    const fq = `tags:${CATS[1]}`;
    const expected = specs.filter((s) => mine(s) && s.category === CATS[1]).length;
    const names: string[] = [];
    for (let start = 0; start < 60; start += 4) {
      const r = (await runAction(ctx(), 'package_search', { fq, rows: '4', start: String(start), sort: 'name asc' })) as { count: number; results: Array<{ name: string }> };
      expect(r.count).toBe(expected);
      names.push(...r.results.map((x) => x.name));
    }
    expect(names).toHaveLength(expected);
    expect(names).toEqual([...names].sort((a, b) => ZH.compare(a, b)));
  });

  it('package_list and organization_list answer as before: names in order, counts per provider', async () => {
    const all = await referencePackages(env.k, null);
    const names = all.map((x) => ckanNameOf(x.c.code)).sort();
    expect(await runAction(ctx(), 'package_list', {})).toEqual(names);
    expect(await runAction(ctx(), 'package_list', { limit: '5', offset: '7' })).toEqual(names.slice(7, 12));
    const orgList = (await runAction(ctx(), 'organization_list', { all_fields: 'true', sort: 'package_count desc' })) as Array<{ id: string; package_count: number }>;
    const counts = new Map<string, number>();
    for (const x of all) counts.set(x.c.providerId, (counts.get(x.c.providerId) ?? 0) + 1);
    expect(new Map(orgList.map((o) => [o.id, o.package_count]))).toEqual(counts);
    expect(orgList.map((o) => o.package_count)).toEqual([...counts.values()].sort((a, b) => b - a));
    const one = (await runAction(ctx(), 'organization_show', { id: orgs[2] ? orgNameOf(orgs[2]).toUpperCase() : '', include_datasets: 'true' })) as { package_count: number; packages: Array<{ name: string }> };
    expect(one.package_count).toBe(specs.filter((s) => mine(s) && s.org === 2).length);
    expect(one.packages.map((x) => x.name)).toEqual(specs.filter((s) => mine(s) && s.org === 2).map((s) => ckanNameOf(s.code)).sort((a, b) => ZH.compare(a, b)));
  });

  it('sorts package names as Chinese collation does, by the rank of their characters', () => {
    const chars = '_-0123456789abcdefghijklmnopqrstuvwxyz';
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const word = () => Array.from({ length: 1 + rand(6) }, () => chars[rand(rand(2) ? 4 : chars.length)] ?? 'a').join('');
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = word();
      const byRank = nameRank(a) < nameRank(b) ? -1 : nameRank(a) > nameRank(b) ? 1 : 0;
      expect(byRank, `${a} ${b}`).toBe(Math.sign(ZH.compare(a, b)));
    }
  });
});

describe('statements per request', () => {
  it('a fixed number, whatever the size of the catalog or the page (no statement per entry)', async () => {
    const measure = async () => {
      const out: number[] = [];
      for (const run of [
        (k: Kernel) => listOpenEntries(k, { q: '测试', format: ['csv'], domain: [CATS[0]], sort: 'popular', limit: 100 }),
        (k: Kernel) => listOpenEntries(k, { sort: 'name', limit: 100 }),
        (k: Kernel) => runAction(ctx(k), 'package_search', { rows: '1000', fq: '-res_format:PDF', 'facet.field': '["res_format","organization"]' }),
        (k: Kernel) => runAction(ctx(k), 'package_search', { rows: '1000', sort: 'title_string asc' }),
        (k: Kernel) => runAction(ctx(k), 'package_list', {}),
        (k: Kernel) => runAction(ctx(k), 'organization_list', { all_fields: 'true' }),
        (k: Kernel) => openStats(k),
      ]) {
        const c = counted();
        await run(c.k);
        out.push(c.count());
      }
      return out;
    };
    const before = await measure();
    // The portal list: the search statement, the page's rows, their versions and quality scores.
    expect(before[0]).toBeLessThanOrEqual(4);
    expect(before[1]).toBeLessThanOrEqual(4);
    // package_search: the search, the page's rows, their providers, versions and scores.
    expect(before[2]).toBeLessThanOrEqual(5);
    expect(before[3]).toBeLessThanOrEqual(5);
    expect(before[4]).toBe(1);
    expect(before[5]).toBeLessThanOrEqual(2);
    // The home page: figures, featured ids, three short lists (one with the domains), their rows, versions and scores.
    expect(before[6]).toBeLessThanOrEqual(8);
    // Ten more open entries, some loaded: the same statements.
    const as = await signIn(env.app, ['sthj_clerk']);
    for (let i = 0; i < 10; i++) {
      const e = await makeOpenEntry(env.k, ORG0, `测试追加数据${i}`, undefined, { category: CATS[0] });
      if (i < 3) await loadCsv(env.app, as('sthj_clerk'), e.id, statsCsv(2));
    }
    expect(await measure()).toEqual(before);
  }, 120_000);
});
