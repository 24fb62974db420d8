/** Pieces of the catalog search benchmark: databases, the generated catalog, its bulk load, the queries, the timings. */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../../src/kernel/config.js';
import { systemClock } from '../../src/kernel/clock.js';
import { ephemeralKeys } from '../../src/kernel/crypto.js';
import { openPglite, openPostgres, type Db } from '../../src/kernel/db.js';
import { bootKernel } from '../../src/kernel/boot.js';
import type { Kernel } from '../../src/kernel/context.js';
import type { AuthContext } from '../../src/kernel/auth.js';
import { demoUscc } from '../../src/modules/identity/demo.js';
import { ATTRS, PROVISION_METHODS, UPDATE_FREQUENCIES } from '../../src/modules/catalog/model.js';
import { parseQuery, searchDocSql, searchVector, tsQueryText } from '../../src/modules/catalog/search.js';
import type { Attr, Grade } from '../../src/modules/catalog/tables.js';
import { DEPARTMENTS, SUFFIXES, USAGES, pick, pickSome, rng, type Department } from './vocab.js';
import { pgliteVersion, round, scratchDatabase } from '../common.js';

export { round } from '../common.js';

export const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

// ---------------------------------------------------------------------------------------------
// Databases

export interface Env {
  kind: 'pglite' | 'postgres';
  k: Kernel;
  server: string;
  close(): Promise<void>;
}

const config = () =>
  loadConfig({ NODE_ENV: 'test', GONGSHU_ADMIN_PASSWORD: 'Bench-pass-2026' }, { pgliteMode: 'memory', dataDir: '/nonexistent-gongshu-bench' });

const boot = (db: Db) => bootKernel(config(), { db, clock: systemClock, keys: ephemeralKeys() });

/** A migrated, empty database: PGlite in memory, or a database of its own on the server (dropped by `close`). */
export async function openEnv(kind: 'pglite' | 'postgres', serverUrl: string): Promise<Env> {
  if (kind === 'pglite') {
    const db = await openPglite(undefined);
    const k = await boot(db);
    const v = await sql<{ v: string }>`SELECT version() AS v`.execute(db.kysely);
    return { kind, k, server: `PGlite ${pgliteVersion()} (${v.rows[0]?.v.split(' on ')[0] ?? '?'}), in memory`, close: () => db.close() };
  }
  const { name, url, drop } = await scratchDatabase(serverUrl);
  try {
    const db = await openPostgres(url.toString());
    db.pool?.on('error', () => undefined);
    const k = await boot(db);
    const v = await sql<{ v: string; sb: string; wm: string }>`SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm`.execute(db.kysely);
    const f = v.rows[0];
    return {
      kind,
      k,
      server: `PostgreSQL ${f?.v ?? '?'} at ${url.host} (shared_buffers=${f?.sb ?? '?'}, work_mem=${f?.wm ?? '?'}; database ${name}, dropped afterwards)`,
      async close() {
        await db.close();
        await drop();
      },
    };
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// The generated catalog

export interface Provider {
  id: string;
  name: string;
  region: string;
  regionName: string;
  dept: Department;
}

/** The province, its cities and its county-level divisions: where providers sit. */
async function hainanRegions(k: Kernel) {
  return k.db.kysely
    .selectFrom('regions')
    .select(['code', 'name', 'level'])
    .where((w) => w.or([w('code', '=', '460000'), w('parent_code', '=', '460000')]))
    .orderBy('code')
    .execute();
}

/** One org per department in the province and in each city and county: 360 providers. */
export async function insertProviders(k: Kernel): Promise<Provider[]> {
  const regions = await hainanRegions(k);
  const providers: Provider[] = [];
  for (const r of regions) {
    for (const d of DEPARTMENTS) {
      const region = r.code.trim();
      const name = `${r.name}${region === '460000' ? (d.provincial ?? d.name) : d.name}`;
      providers.push({ id: crypto.randomUUID(), name, region, regionName: r.name, dept: d });
    }
  }
  const now = new Date();
  await k.db.kysely
    .insertInto('orgs')
    .values(providers.map((p, i) => ({ id: p.id, name: p.name, uscc: demoUscc('11', p.region, 900_000 + i), kind: 'organization' as const, region_code: p.region, parent_id: null, roles: ['institution'], created_at: now })))
    .execute();
  return providers;
}

interface GeneratedVersion {
  id: string;
  entry_id: string;
  version: number;
  status: 'published' | 'superseded' | 'draft' | 'submitted';
  name: string;
  description: string;
  fields: { name: string; label: string; type: 'string' }[];
  share_attr: Attr;
  share_conditions: string | null;
  no_share_basis: string | null;
  open_attr: Attr;
  not_open_reason: string | null;
  operation_attr: boolean;
  provision_methods: string[];
  usage_conditions: string;
  update_frequency: string;
  category: string;
  grade: Grade;
  updated_at: string;
  /** The search document's `tsvector` literal. */
  doc: string;
}

interface GeneratedEntry {
  id: string;
  code: string;
  provider_org_id: string;
  region_code: string;
  seq: number;
  published_version: number | null;
  latest_version: number;
  updated_at: string;
}

const FIELD_NAMES = ['f_id', 'f_name', 'f_code', 'f_date', 'f_time', 'f_addr', 'f_status', 'f_value', 'f_type', 'f_org', 'f_no', 'f_note'];

/** Entry `i` of the generated catalog: names from department, subject, data word and suffix, sometimes with the region. */
export function generateEntry(r: () => number, i: number, providers: Provider[], seqs: Map<string, number>, t0: number): { entry: GeneratedEntry; versions: GeneratedVersion[] } {
  const p = pick(r, providers);
  const d = p.dept;
  const seq = (seqs.get(p.id) ?? 0) + 1;
  seqs.set(p.id, seq);
  const subject = pick(r, d.subjects);
  const word = pick(r, d.dataWords);
  const regionPrefix = r() < 0.25 ? p.regionName : '';
  const name = `${regionPrefix}${subject}${word}${pick(r, SUFFIXES)}`;
  const labels = pickSome(r, d.labels, 3 + Math.floor(r() * 9));
  const usage = pick(r, USAGES);
  const description = `${p.name}在履行${d.category}职责中产生的${subject}${word}数据，包括${labels.slice(0, 4).join('、')}等数据项，用于${usage}。`;
  const fields = labels.map((label, j) => ({ name: `${FIELD_NAMES[j % FIELD_NAMES.length] ?? 'f'}${j >= FIELD_NAMES.length ? String(j) : ''}`, label, type: 'string' as const }));
  const x = r();
  const grade: Grade = x < 0.7 ? 'general' : x < 0.95 ? 'important' : 'core';
  const y = r();
  const share: Attr = y < 0.5 ? 'unconditional' : y < 0.9 ? 'conditional' : 'none';
  const z = r();
  const open: Attr = grade === 'core' || z < 0.6 ? 'none' : z < 0.8 ? 'conditional' : 'unconditional';
  const operation = grade !== 'core' && r() < 0.2;
  const methods = PROVISION_METHODS.filter(() => r() < 0.5);
  if (methods.length === 0) methods.push(pick(r, PROVISION_METHODS));
  const freq = pick(r, UPDATE_FREQUENCIES);
  const code = `${p.region}${String(i).padStart(8, '0')}`;
  // 92% one published version; 5% an older superseded one too; 3% never published (draft or submitted).
  const s = r();
  const statuses: GeneratedVersion['status'][] = s < 0.92 ? ['published'] : s < 0.97 ? ['superseded', 'published'] : [r() < 0.5 ? 'draft' : 'submitted'];
  const entryId = crypto.randomUUID();
  const updated = new Date(t0 - Math.floor(r() * 3 * 365 * 86_400_000));
  const doc = searchVector({ name, description, fields, category: d.category, usageConditions: usage, provider: p.name, region: p.regionName, code });
  const versions = statuses.map((status, j) => ({
    id: crypto.randomUUID(),
    entry_id: entryId,
    version: j + 1,
    status,
    name,
    description,
    fields,
    share_attr: share,
    share_conditions: share === 'conditional' ? JSON.stringify({ scope: '全省政务部门', usage }) : null,
    no_share_basis: share === 'none' ? '《中华人民共和国数据安全法》' : null,
    open_attr: open,
    not_open_reason: open === 'none' ? 'law' : null,
    operation_attr: operation,
    provision_methods: methods,
    usage_conditions: usage,
    update_frequency: freq,
    category: d.category,
    grade,
    updated_at: new Date(updated.getTime() + j * 86_400_000).toISOString(),
    doc,
  }));
  const published = statuses.indexOf('published');
  return {
    entry: { id: entryId, code, provider_org_id: p.id, region_code: p.region, seq, published_version: published >= 0 ? published + 1 : null, latest_version: statuses.length, updated_at: updated.toISOString() },
    versions,
  };
}

export interface LoadResult {
  entries: number;
  versions: number;
  generate_s: number;
  load_s: number;
  analyze_s: number;
}

/**
 * Generates and loads `count` entries in batches: each batch one multi-row INSERT of entries and
 * one of versions from `json_to_recordset`, the search document built by the same `searchVector`
 * and written by the same expression as `indexVersion`.
 */
export async function loadCatalog(k: Kernel, providers: Provider[], count: number, seed: number, progress: (done: number) => void): Promise<LoadResult> {
  const r = rng(seed);
  const seqs = new Map<string, number>();
  const t0 = Date.parse('2026-09-18T02:00:00Z');
  const db = k.db.kysely;
  const BATCH = k.db.kind === 'pglite' ? 2000 : 5000;
  let genMs = 0;
  let loadMs = 0;
  let versions = 0;
  for (let done = 0; done < count; ) {
    const g0 = performance.now();
    const entries: GeneratedEntry[] = [];
    const vs: GeneratedVersion[] = [];
    for (let j = 0; j < BATCH && done < count; j++, done++) {
      const e = generateEntry(r, done + 1, providers, seqs, t0);
      entries.push(e.entry);
      vs.push(...e.versions);
    }
    const l0 = performance.now();
    genMs += l0 - g0;
    await db.transaction().execute(async (trx) => {
      await sql`INSERT INTO catalog_entries (id, code, provider_org_id, region_code, seq, published_version, latest_version, created_at, updated_at)
        SELECT id, code, provider_org_id, region_code, seq, published_version, latest_version, updated_at, updated_at
        FROM json_to_recordset(${JSON.stringify(entries)}::json) AS x(id uuid, code text, provider_org_id uuid, region_code char(6), seq int, published_version int, latest_version int, updated_at timestamptz)`.execute(trx);
      await sql`INSERT INTO catalog_versions (id, entry_id, version, status, name, description, format, fields, share_attr, share_conditions, no_share_basis,
          open_attr, not_open_reason, operation_attr, provision_methods, usage_conditions, update_frequency, category, grade, search_doc, created_at, updated_at,
          submitted_at, published_at)
        SELECT x.id, x.entry_id, x.version, x.status, x.name, x.description, 'table', x.fields, x.share_attr, x.share_conditions, x.no_share_basis,
          x.open_attr, x.not_open_reason, x.operation_attr, x.provision_methods, x.usage_conditions, x.update_frequency, x.category, x.grade,
          ${searchDocSql(sql.ref('x.doc'))}, x.updated_at, x.updated_at,
          CASE WHEN x.status = 'draft' THEN NULL ELSE x.updated_at END, CASE WHEN x.status IN ('published', 'superseded') THEN x.updated_at END
        FROM json_to_recordset(${JSON.stringify(vs)}::json) AS x(id uuid, entry_id uuid, version int, status text, name text, description text, fields jsonb,
          share_attr text, share_conditions jsonb, no_share_basis text, open_attr text, not_open_reason text, operation_attr boolean, provision_methods text[],
          usage_conditions text, update_frequency text, category text, grade text, updated_at timestamptz, doc text)`.execute(trx);
    });
    loadMs += performance.now() - l0;
    versions += vs.length;
    progress(done);
  }
  const a0 = performance.now();
  // What a server's autovacuum does after a bulk load: statistics for the planner, the GIN pending list merged.
  await sql`VACUUM ANALYZE catalog_versions`.execute(db);
  await sql`VACUUM ANALYZE catalog_entries`.execute(db);
  await sql`ANALYZE orgs`.execute(db);
  return { entries: count, versions, generate_s: round(genMs / 1000, 1), load_s: round(loadMs / 1000, 1), analyze_s: round((performance.now() - a0) / 1000, 1) };
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface BenchQuery {
  q: string;
  words: [string, string];
  /** One facet filter, on some queries. */
  filter: Record<string, string[]> | null;
}

/**
 * Two-word Chinese queries as people type them: subject + data word (食品经营 许可证), region +
 * subject (海口 营业执照), data word + data-item label (登记 法定代表人); a third of them with one
 * facet filter on top.
 */
export function generateQueries(n: number, seed: number, providers: Provider[]): BenchQuery[] {
  const r = rng(seed);
  const regions = [...new Set(providers.map((p) => p.regionName.replace(/(市|县|黎族自治县|黎族苗族自治县)$/, '')))];
  const out: BenchQuery[] = [];
  for (let i = 0; i < n; i++) {
    const d = pick(r, DEPARTMENTS);
    const kind = r();
    const words: [string, string] = kind < 0.5 ? [pick(r, d.subjects), pick(r, d.dataWords)] : kind < 0.75 ? [pick(r, regions), pick(r, d.subjects)] : [pick(r, d.dataWords), pick(r, d.labels)];
    const f = r();
    const filter: Record<string, string[]> | null = f < 0.1 ? { grade: ['general'] } : f < 0.2 ? { shareAttr: [pick(r, ATTRS)] } : f < 0.3 ? { region: [pick(r, providers).region] } : null;
    out.push({ q: words.join(' '), words, filter });
  }
  return out;
}

/**
 * The text a plain scan looks in: `name_description` — the name and description only, the
 * cheapest scan anyone would write; `indexed_text` — every text of the version the search
 * document holds (name, description, data items, category, usage conditions), i.e. the same
 * search done by scanning.
 */
export type ScanText = 'name_description' | 'indexed_text';

const scanText = (t: ScanText) =>
  t === 'name_description' ? sql`(v.name || ' ' || v.description)` : sql`concat_ws(' ', v.name, v.description, v.fields::text, v.category, v.usage_conditions)`;

const like = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The same two words as a plain scan: `ILIKE '%w1%' AND ILIKE '%w2%'` over the published versions, total and the newest 20. */
export async function ilikeScan(k: Kernel, words: [string, string], text: ScanText) {
  const t = scanText(text);
  const r = await sql<{ id: string; total: number | string }>`
    SELECT v.id, count(*) OVER () AS total FROM catalog_versions v
    WHERE v.status = 'published' AND ${t} ILIKE ${like(words[0])} AND ${t} ILIKE ${like(words[1])}
    ORDER BY v.updated_at DESC LIMIT 20`.execute(k.db.kysely);
  return { total: Number(r.rows[0]?.total ?? 0), rows: r.rows.length };
}

/** What the index alone costs: the GIN match of the same words, counted, nothing else. */
export async function indexOnly(k: Kernel, q: string) {
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM catalog_versions v WHERE v.status = 'published' AND v.search_doc @@ ${tsQueryText(parseQuery(q))}::tsquery`.execute(k.db.kysely);
  return Number(r.rows[0]?.n ?? 0);
}

/** ILIKE matches the full-text search does not find: the segmentation's misses. */
export async function recallGap(k: Kernel, words: [string, string], text: ScanText) {
  const t = scanText(text);
  const r = await sql<{ scan: number | string; missed: number | string }>`
    SELECT count(*) AS scan, count(*) FILTER (WHERE NOT v.search_doc @@ ${tsQueryText(parseQuery(words.join(' ')))}::tsquery) AS missed
    FROM catalog_versions v
    WHERE v.status = 'published' AND ${t} ILIKE ${like(words[0])} AND ${t} ILIKE ${like(words[1])}`.execute(k.db.kysely);
  return { scan: Number(r.rows[0]?.scan ?? 0), missed: Number(r.rows[0]?.missed ?? 0) };
}

/** A signed-in clerk of one of the generated institutions: who the searches run as. */
export function benchAuth(p: Provider): AuthContext {
  return {
    user: { id: crypto.randomUUID(), login: 'bench', name: '压测用户', orgId: p.id, roles: ['clerk'] },
    org: { id: p.id, name: p.name, uscc: null, kind: 'organization', regionCode: p.region, roles: ['institution'] },
    roles: ['institution', 'clerk'],
    via: 'session',
    apiKeyId: null,
  };
}

/** Wall times (ms) of `f` over each item, in order. */
export async function timeEach<T>(items: T[], f: (x: T) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (const x of items) {
    const t = performance.now();
    await f(x);
    out.push(performance.now() - t);
  }
  return out;
}

export interface Latency {
  n: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  mean_ms: number;
}

export const latency = (xs: number[]): Latency => ({
  n: xs.length,
  p50_ms: round(pct(xs, 50), 2),
  p95_ms: round(pct(xs, 95), 2),
  max_ms: round(Math.max(...xs), 2),
  mean_ms: round(xs.reduce((a, b) => a + b, 0) / xs.length, 2),
});
