/**
 * The open catalog under CKAN's Action API (CKAN 2.10 shapes), so that existing open-data tools —
 * ckanapi, the CKAN harvester, portals that federate CKAN catalogs — work unchanged:
 *
 * - a package is an open entry (its name the entry code lower-cased to CKAN's `[a-z0-9_-]{2,100}`),
 *   an organization its provider (named by its credit code), tags its domain and priority areas;
 * - resources: one per download format (CSV, XLSX, JSON) when the public may download the data,
 *   each `datastore_active` so `datastore_search` reads the rows through the open data plane;
 *   otherwise one HTML resource — the application page of conditional data (000 第二十条), or the
 *   dataset page;
 * - `package_search` takes Solr's `q`, `fq` (`field:value`, `+`/`-`, quotes), `sort`, `rows`,
 *   `start`, `facet.field`; it runs on the portal's own search, not on Solr: terms, facets, sort
 *   and paging are SQL over the open catalog (repo.ts `searchOpen`), the package dicts are built
 *   for the page only.
 *
 * Errors have CKAN's envelope and statuses: 404 Not Found Error, 409 Validation Error (and Search
 * Query Error), 403 Authorization Error; an unknown action is CKAN's 400 "Bad request - Action
 * name not known: …" string.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import * as repo from './repo.js';
import { OPEN_COLUMNS as C, priorityTagSql, type FacetQuery } from './repo.js';
import { lastUpdate, OPEN_ATTR_LABELS, PRIORITY_AREA_LABELS, qualityPercent, tagsOf, UPDATE_FREQUENCY_LABELS, ZH, type Candidate, type DownloadFormat, type FacetCount, type SortKeys } from './rules.js';
import { candidatesIn, ckanNameOf, downloadUrl, readRows, type ReadMeta } from './service.js';

export const CKAN_VERSION = '2.10.4';

export type CkanErrorType = 'Not Found Error' | 'Validation Error' | 'Authorization Error' | 'Search Query Error';

/** A CKAN error: its `__type`, message and (for validation errors) the offending fields. */
export class CkanError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly type: CkanErrorType,
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'CkanError';
  }

  body(help: string) {
    return { help, success: false, error: { __type: this.type, message: this.message, ...this.fields } };
  }
}

const notFound = (what: string) => new CkanError(404, 'Not Found Error', `Not found: ${what}`);
const invalid = (field: string, message: string) => new CkanError(409, 'Validation Error', `${field}: ${message}`, { [field]: [message] });

// ---------------------------------------------------------------------------------------------
// Parameters: GET query strings are text; POST bodies are JSON values.

type Params = Record<string, unknown>;

function intParam(p: Params, name: string, dflt: number, min: number, max: number): number {
  const v = p[name];
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : Number(String(v));
  if (!Number.isInteger(n)) throw invalid(name, 'Invalid integer');
  if (n < min) throw invalid(name, `Must be a natural number${min > 0 ? ' greater than zero' : ''}`);
  return Math.min(n, max);
}

function boolParam(p: Params, name: string, dflt: boolean): boolean {
  const v = p[name];
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw invalid(name, 'Value must be one of: true, false');
}

function strParam(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(name, 'Must be a string');
}

function required(p: Params, name: string): string {
  const v = strParam(p, name);
  if (v === undefined || v.trim() === '') throw invalid(name, 'Missing value');
  return v.trim();
}

/** A parameter that is a JSON value, given as JSON text (GET) or as the value itself (POST). */
function jsonParam(p: Params, name: string): unknown {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw invalid(name, 'Cannot parse JSON');
  }
}

/** A list of names: a JSON list, a comma-separated text, or a list. */
function listParam(p: Params, name: string): string[] | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.map(String);
  const s = String(v).trim();
  if (s.startsWith('[')) {
    const parsed = jsonParam(p, name);
    if (!Array.isArray(parsed)) throw invalid(name, 'Must be a list');
    return parsed.map(String);
  }
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

// ---------------------------------------------------------------------------------------------
// Solr's query syntax, the part harvesters use

export interface FqTerm {
  field: string;
  value: string;
  negate: boolean;
}

/**
 * `fq` (and `field:value` words of `q`) as terms: `organization:abc +res_format:"CSV" -tags:交通`,
 * joined by spaces or AND. Returns the terms and the text left over.
 */
export function parseSolr(text: string | undefined): { terms: FqTerm[]; rest: string } {
  const terms: FqTerm[] = [];
  const rest: string[] = [];
  const re = /([+-]?)([A-Za-z_][\w.]*):("(?:[^"\\]|\\.)*"|\S+)|(\S+)/gu;
  for (const m of (text ?? '').matchAll(re)) {
    if (m[4] !== undefined) {
      if (!/^(AND|\+)$/.test(m[4])) rest.push(m[4]);
      continue;
    }
    const raw = m[3] ?? '';
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    terms.push({ field: m[2] ?? '', value, negate: m[1] === '-' });
  }
  return { terms, rest: rest.join(' ') };
}

/** Fields of the package index that `fq`, `q` and `facet.field` understand. */
const INDEX_FIELDS = ['organization', 'owner_org', 'res_format', 'tags', 'name', 'id', 'license_id', 'open_attr', 'update_frequency', 'groups', 'dataset_type', 'type', 'capacity', 'state', 'title', 'text'] as const;

export interface IndexedPackage {
  c: Candidate;
  organization: string;
  formats: string[];
  licenseId: string;
}

/** The values a package has for an index field. */
function valuesOf(p: IndexedPackage, field: string): string[] {
  switch (field) {
    case 'organization':
      return [p.organization];
    case 'owner_org':
      return [p.c.providerId];
    case 'res_format':
      return p.formats;
    case 'tags':
      return tagsOf(p.c);
    case 'name':
      return [ckanNameOf(p.c.code)];
    case 'id':
      return [p.c.entryId];
    case 'license_id':
      return [p.licenseId];
    case 'open_attr':
      return [p.c.openAttr];
    case 'update_frequency':
      return [p.c.updateFrequency];
    case 'dataset_type':
    case 'type':
      return ['dataset'];
    case 'capacity':
      return ['public'];
    case 'state':
      return ['active'];
    case 'title':
      return [p.c.name];
    default:
      return [];
  }
}

const matchValue = (have: string[], want: string) => want === '*' || have.some((h) => h.toLowerCase() === want.toLowerCase());

/** Whether a package passes every term (each `+`/plain term must match, each `-` term must not). */
export function passesTerms(p: IndexedPackage, terms: readonly FqTerm[]): boolean {
  return terms.every((t) => matchValue(valuesOf(p, t.field), t.value) !== t.negate);
}

export function checkTerms(terms: readonly FqTerm[]): void {
  for (const t of terms) {
    if (!(INDEX_FIELDS as readonly string[]).includes(t.field)) throw new CkanError(409, 'Search Query Error', `Search error: undefined field ${t.field}`);
  }
}

/**
 * The values of an index field over the open catalog's rows in SQL (a `text[]`), as `valuesOf`
 * gives them for one package: the two must say the same (catalog-sql.test.ts compares them).
 */
function valuesSql(field: string): RawBuilder<unknown> {
  switch (field) {
    case 'organization':
      return sql`ARRAY[${C.orgName}]`;
    case 'owner_org':
      return sql`ARRAY[${C.providerId}::text]`;
    case 'res_format':
      return sql`(CASE WHEN ${C.downloadable} THEN ARRAY[${sql.join(FORMATS.map((f) => f.label))}]::text[] ELSE ARRAY['HTML']::text[] END)`;
    case 'tags':
      return sql`(ARRAY[${C.domain}] || ARRAY(SELECT ${priorityTagSql(sql`pa`)} FROM unnest(${C.priorityAreas}) pa))`;
    case 'name':
      return sql`ARRAY[${C.ckanName}]`;
    case 'id':
      return sql`ARRAY[${C.entryId}::text]`;
    case 'license_id':
      return sql`ARRAY[CASE ${C.openAttr} WHEN 'unconditional' THEN ${LICENSES.unconditional.id} ELSE ${LICENSES.conditional.id} END]`;
    case 'open_attr':
      return sql`ARRAY[${C.openAttr}]`;
    case 'update_frequency':
      return sql`ARRAY[${C.updateFrequency}]`;
    case 'dataset_type':
    case 'type':
      return sql`ARRAY['dataset']::text[]`;
    case 'capacity':
      return sql`ARRAY['public']::text[]`;
    case 'state':
      return sql`ARRAY['active']::text[]`;
    case 'title':
      return sql`ARRAY[${C.name}]`;
    default:
      return sql`ARRAY[]::text[]`;
  }
}

/** A term as a condition on the open catalog's rows, as `passesTerms` decides it (`*` matches anything; values compared in any case). */
export function termSql(t: FqTerm): RawBuilder<boolean> {
  const match = t.value === '*' ? sql<boolean>`true` : sql<boolean>`EXISTS (SELECT 1 FROM unnest(${valuesSql(t.field)}::text[]) fv WHERE lower(fv) = ${t.value.toLowerCase()})`;
  return t.negate ? sql<boolean>`NOT ${match}` : match;
}

type SortKey = { key: 'score' | 'metadata_modified' | 'metadata_created' | 'name' | 'title_string' | 'views_recent' | 'views_total'; desc: boolean };

/** CKAN's `sort`: `score desc, metadata_modified desc` (the default), `name asc`, `metadata_modified desc`… */
export function parseSort(sort: string | undefined): SortKey[] {
  const text = sort?.trim() ? sort : 'score desc, metadata_modified desc';
  return text.split(',').map((part) => {
    const [key, dir = 'asc', extra] = part.trim().split(/\s+/);
    if (extra !== undefined || !['asc', 'desc'].includes(dir.toLowerCase())) throw new CkanError(409, 'Search Query Error', `Search error: Can't determine a Sort Order (asc or desc) in sort spec '${part.trim()}'`);
    if (!['score', 'metadata_modified', 'metadata_created', 'name', 'title_string', 'views_recent', 'views_total'].includes(key ?? '')) {
      throw new CkanError(409, 'Search Query Error', `Search error: sort param field can't be found: ${key}`);
    }
    return { key: key as SortKey['key'], desc: dir.toLowerCase() === 'desc' };
  });
}

/** Orders packages by the sort keys, then by name. */
export function sortPackages<P extends { c: SortKeys }>(ps: readonly P[], keys: readonly SortKey[]): P[] {
  const value = (p: P, k: SortKey['key']): number | string => {
    switch (k) {
      case 'score':
        return p.c.score;
      case 'metadata_modified':
        return lastUpdate(p.c).getTime();
      case 'metadata_created':
        return p.c.publishedAt.getTime();
      case 'name':
        return ckanNameOf(p.c.code);
      case 'title_string':
        return p.c.name;
      case 'views_recent':
      case 'views_total':
        return p.c.downloads + p.c.apiCalls;
    }
  };
  return [...ps].sort((a, b) => {
    for (const k of keys) {
      const x = value(a, k.key);
      const y = value(b, k.key);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : ZH.compare(String(x), String(y));
      if (c !== 0) return k.desc ? -c : c;
    }
    return ckanNameOf(a.c.code) < ckanNameOf(b.c.code) ? -1 : 1;
  });
}

/**
 * CKAN package names sort in Chinese collation as their characters do in this order (checked in
 * rules.test.ts and catalog-sql.test.ts): `_`, `-`, digits, letters. Mapped onto letters in byte order, SQL sorts them the
 * same on both engines without a collation of its own.
 */
const NAME_CHARS = '_-0123456789abcdefghijklmnopqrstuvwxyz';
const NAME_RANKS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl';

/** A package name as the letters its characters rank as: what `sortSql` compares (SQL's `translate`). */
export const nameRank = (name: string) => [...name].map((ch) => NAME_RANKS[NAME_CHARS.indexOf(ch)] ?? ch).join('');

/** The order of the sort keys in SQL, then by name; `keys` where a key needs Chinese collation (titles), sorted by `sortPackages`. */
function sortSql(keys: readonly SortKey[]): RawBuilder<unknown> | 'keys' {
  if (keys.some((k) => k.key === 'title_string')) return 'keys';
  const expr = (k: SortKey['key']): RawBuilder<unknown> => {
    switch (k) {
      case 'score':
        return C.score;
      case 'metadata_modified':
        return C.updatedMs;
      case 'metadata_created':
        return C.publishedMs;
      case 'name':
        return sql`translate(${C.ckanName}, ${NAME_CHARS}, ${NAME_RANKS}) COLLATE "C"`;
      case 'views_recent':
      case 'views_total':
      case 'title_string':
        return sql`(${C.downloads} + ${C.apiCalls})`;
    }
  };
  return sql.join([...keys.map((k) => sql`${expr(k.key)} ${sql.raw(k.desc ? 'DESC' : 'ASC')}`), sql`${C.ckanName} COLLATE "C"`, C.entryId]);
}

/** CKAN's timestamps: UTC, no zone, microseconds. */
export const ckanTime = (d: Date) => `${d.toISOString().slice(0, 23)}000`;

/** An organization's CKAN name: its credit code lower-cased, else `org-<id>`. */
export const orgNameOf = (o: { id: string; uscc: string | null }) => (o.uscc ? o.uscc.toLowerCase() : `org-${o.id}`);

const LICENSES = {
  unconditional: { id: 'other-open', title: 'Other (Open)' },
  conditional: { id: 'other-closed', title: 'Other (Not Open)' },
} as const;

const FORMATS: Array<{ format: DownloadFormat; label: string; mimetype: string }> = [
  { format: 'csv', label: 'CSV', mimetype: 'text/csv' },
  { format: 'xlsx', label: 'XLSX', mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { format: 'json', label: 'JSON', mimetype: 'application/json' },
];

/** A resource id: the entry id and the resource kind. */
export const resourceId = (entryId: string, kind: DownloadFormat | 'apply' | 'page') => `${entryId}-${kind}`;
const RESOURCE_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(csv|xlsx|json|apply|page)$/i;
export const parseResourceId = (id: string) => {
  const m = RESOURCE_ID.exec(id.trim());
  return m?.[1] && m[2] ? { entryId: m[1].toLowerCase(), kind: m[2].toLowerCase() as DownloadFormat | 'apply' | 'page' } : null;
};

// ---------------------------------------------------------------------------------------------
// The catalog as CKAN sees it

interface Org {
  id: string;
  name: string;
  uscc: string | null;
  created_at: Date;
}

/** Packages and their providers. */
interface CkanPage {
  packages: IndexedPackage[];
  orgs: Map<string, Org>;
}

/** The packages of these entry ids, in this order, with their providers: reads of the page only. */
async function packagesIn(k: Kernel, ids: readonly string[]): Promise<CkanPage> {
  const cands = await candidatesIn(k, ids);
  const orgs = new Map((await repo.providerOrgs(k.db.kysely, [...new Set(cands.map((c) => c.providerId))])).map((o) => [o.id, o]));
  const packages = cands.map((c) => {
    const org = orgs.get(c.providerId);
    return {
      c,
      organization: org ? orgNameOf(org) : `org-${c.providerId}`,
      formats: c.downloadable === true ? FORMATS.map((f) => f.label) : ['HTML'],
      licenseId: LICENSES[c.openAttr].id,
    };
  });
  return { packages, orgs };
}

/** The one package meeting `where` (an id, a name…), or none. */
async function onePackage(k: Kernel, where: RawBuilder<boolean>): Promise<{ pkg: IndexedPackage; orgs: Map<string, Org> } | null> {
  const r = await repo.searchOpen(k.db.kysely, { where: [where], needs: { ckan: true }, order: sql`${C.code} COLLATE "C"`, limit: 1, offset: 0 });
  const page = await packagesIn(k, r.ids);
  const pkg = page.packages[0];
  return pkg ? { pkg, orgs: page.orgs } : null;
}

/** Package counts of the providers of open data: one count per provider, made in SQL. */
async function countsByOrg(k: Kernel, where: RawBuilder<boolean>[] = []): Promise<Map<string, number>> {
  const r = await repo.searchOpen(k.db.kysely, { where, needs: { ckan: true }, order: C.entryId, limit: 0, offset: 0, facets: [{ name: 'owner_org', values: { one: sql`${C.providerId}::text` }, where: repo.andAll(where) }] });
  return new Map(r.facets.map((f) => [f.value, f.count]));
}

function organizationView(o: Org, packageCount: number, base: string) {
  return {
    approval_status: 'approved',
    created: ckanTime(o.created_at),
    description: '',
    display_name: o.name,
    id: o.id,
    image_display_url: '',
    image_url: '',
    is_organization: true,
    name: orgNameOf(o),
    num_followers: 0,
    package_count: packageCount,
    state: 'active',
    title: o.name,
    type: 'organization',
    // Not in CKAN's core shape: where the organization's datasets are on the portal.
    url: `${base}/open/datasets?provider=${o.id}`,
  };
}

/** The organization as a package carries it (CKAN's narrower dict: no counts or display fields). */
function packageOrgView(o: Org) {
  return {
    approval_status: 'approved',
    created: ckanTime(o.created_at),
    description: '',
    id: o.id,
    image_url: '',
    is_organization: true,
    name: orgNameOf(o),
    state: 'active',
    title: o.name,
    type: 'organization',
  };
}

function tagView(name: string) {
  return { display_name: name, id: name, name, state: 'active', vocabulary_id: null };
}

/** The package dicts of these packages (CKAN 2.10 `package_show` shape). */
async function packageViews(k: Kernel, ps: readonly IndexedPackage[], orgs: Map<string, Org>, base: string) {
  const details = await repo.versionDetails(k.db.kysely, ps.map((p) => p.c.entryId));
  const scores = await repo.latestScores(k.db.kysely, ps.map((p) => p.c.entryId));
  return ps.map((p) => {
    const c = p.c;
    const d = details.get(c.entryId);
    const org = orgs.get(c.providerId);
    const created = d?.entryCreatedAt ?? c.publishedAt;
    const modified = lastUpdate(c);
    const page = `${base}/open/datasets/${encodeURIComponent(c.code)}`;
    const downloadable = p.formats[0] !== 'HTML';
    const resources = downloadable
      ? FORMATS.map((f, position) => ({
          cache_last_updated: null,
          cache_url: null,
          created: ckanTime(c.loadedAt ?? created),
          datastore_active: true,
          description: `${c.name}（${f.label}，${c.rows ?? 0} 行）。也可用 datastore_search 或开放数据接口 /api/v1/open/entries/${c.code}/rows 按页读取。`,
          format: f.label,
          hash: '',
          id: resourceId(c.entryId, f.format),
          last_modified: c.loadedAt ? ckanTime(c.loadedAt) : null,
          metadata_modified: ckanTime(modified),
          mimetype: f.mimetype,
          mimetype_inner: null,
          name: `${c.name}（${f.label}）`,
          package_id: c.entryId,
          position,
          resource_type: null,
          size: null,
          state: 'active',
          url: `${base}${downloadUrl(c.code, f.format)}`,
          url_type: null,
        }))
      : [
          {
            cache_last_updated: null,
            cache_url: null,
            created: ckanTime(created),
            datastore_active: false,
            description: c.openAttr === 'conditional' ? '有条件开放数据：登录开放平台提交申请，经数据提供单位同意后获取（000 第二十条）。' : '数据集页面（暂无可公开下载的数据）。',
            format: 'HTML',
            hash: '',
            id: resourceId(c.entryId, c.openAttr === 'conditional' ? 'apply' : 'page'),
            last_modified: null,
            metadata_modified: ckanTime(modified),
            mimetype: 'text/html',
            mimetype_inner: null,
            name: c.openAttr === 'conditional' ? '申请使用' : '数据集页面',
            package_id: c.entryId,
            position: 0,
            resource_type: null,
            size: null,
            state: 'active',
            url: c.openAttr === 'conditional' ? `${page}/apply` : page,
            url_type: null,
          },
        ];
    const tags = [...new Set(tagsOf(c))].map(tagView);
    const quality = qualityPercent(scores.get(c.entryId)?.overall);
    const extras = [
      { key: 'code', value: c.code },
      { key: 'dcat', value: `${base}/api/v1/catalog/dcat#dataset-${encodeURIComponent(c.code)}` },
      { key: 'domain', value: c.domain },
      { key: 'open_attr', value: c.openAttr },
      { key: 'open_attr_label', value: OPEN_ATTR_LABELS[c.openAttr] },
      { key: 'priority_areas', value: c.priorityAreas.map((a) => PRIORITY_AREA_LABELS[a] ?? a).join('、') },
      { key: 'quality_score', value: quality === null ? '' : String(quality) },
      { key: 'rows', value: c.rows === null ? '' : String(c.rows) },
      { key: 'update_frequency', value: UPDATE_FREQUENCY_LABELS[c.updateFrequency] ?? c.updateFrequency },
    ].sort((a, b) => (a.key < b.key ? -1 : 1));
    return {
      author: c.providerName,
      author_email: null,
      creator_user_id: null,
      extras,
      groups: [],
      id: c.entryId,
      isopen: c.openAttr === 'unconditional',
      license_id: LICENSES[c.openAttr].id,
      license_title: LICENSES[c.openAttr].title,
      license_url: '',
      maintainer: c.providerName,
      maintainer_email: null,
      metadata_created: ckanTime(created),
      metadata_modified: ckanTime(modified),
      name: ckanNameOf(c.code),
      notes: d?.description ?? '',
      num_resources: resources.length,
      num_tags: tags.length,
      organization: org ? packageOrgView(org) : null,
      owner_org: c.providerId,
      private: false,
      relationships_as_object: [],
      relationships_as_subject: [],
      resources,
      state: 'active',
      tags,
      title: c.name,
      type: 'dataset',
      url: page,
      version: d ? String(d.version) : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Actions

export interface CkanContext {
  k: Kernel;
  auth: AuthContext | null;
  base: string;
  meta: ReadMeta;
}

const FACET_FIELDS_DEFAULT: string[] = [];

/**
 * Facet counts over the result set (as Solr counts them): `facets` and `search_facets`. Counted in
 * SQL (repo.ts `searchOpen`, at most `limit` values each); ordered here as before, by count then value.
 */
function facetQueries(fields: readonly string[], matched: RawBuilder<boolean>, limit: number, mincount: number): FacetQuery[] {
  return fields.map((field) => ({
    name: field,
    values: { many: valuesSql(field) },
    where: matched,
    minCount: Math.max(mincount, 1),
    ...(limit < 0 ? {} : { limit }),
  }));
}

function facetsView(fields: readonly string[], counts: readonly FacetCount[]) {
  const facets: Record<string, Record<string, number>> = {};
  const search: Record<string, { items: Array<{ count: number; display_name: string; name: string }>; title: string }> = {};
  for (const field of fields) {
    const mine = counts.filter((c) => c.facet === field);
    const items = mine.map((c): [string, number] => [c.value, c.count]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    facets[field] = Object.fromEntries(items);
    const display = (v: string) => {
      if (field === 'organization') return mine.find((c) => c.value === v)?.label ?? v;
      if (field === 'open_attr') return OPEN_ATTR_LABELS[v as 'unconditional'] ?? v;
      if (field === 'update_frequency') return UPDATE_FREQUENCY_LABELS[v] ?? v;
      return v;
    };
    search[field] = { items: items.map(([name, count]) => ({ count, display_name: display(name), name })), title: field };
  }
  return { facets, search_facets: search };
}

export const ACTIONS = ['package_list', 'package_search', 'package_show', 'organization_list', 'organization_show', 'resource_show', 'datastore_search', 'status_show', 'site_read', 'help_show'] as const;
export type CkanAction = (typeof ACTIONS)[number];
export const isAction = (a: string): a is CkanAction => (ACTIONS as readonly string[]).includes(a);

const HELP: Record<CkanAction, string> = {
  package_list: 'Return a list of the names of the site\'s datasets (packages). limit, offset.',
  package_search: 'Searches for packages satisfying the given search criteria: q, fq, sort, rows, start, facet.field, facet.limit, facet.mincount.',
  package_show: 'Return the metadata of a dataset (package) and its resources: id (id or name).',
  organization_list: 'Return a list of the names of the site\'s organizations: all_fields, sort, limit, offset.',
  organization_show: 'Return the details of an organization: id (id or name), include_datasets.',
  resource_show: 'Return the metadata of a resource: id.',
  datastore_search: 'Search a DataStore resource: resource_id, filters, q, limit, offset, fields, sort, include_total.',
  status_show: 'Return a dictionary with information about the site\'s configuration.',
  site_read: 'Return True.',
  help_show: 'Return the help string for a particular API action: name.',
};

export async function runAction(ctx: CkanContext, action: CkanAction, p: Params): Promise<unknown> {
  const { k, base } = ctx;
  switch (action) {
    case 'site_read':
      return true;
    case 'status_show':
      return { ckan_version: CKAN_VERSION, site_title: '公数 开放平台', site_description: '省政府数据统一开放平台（公共数据开放，000 第十七条）', site_url: base, extensions: ['datastore'], locale_default: 'zh_Hans_CN' };
    case 'help_show': {
      const name = required(p, 'name');
      if (!isAction(name)) throw notFound(`Action function not found: ${name}`);
      return HELP[name];
    }
    case 'package_list': {
      const limit = intParam(p, 'limit', Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER);
      const offset = intParam(p, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      // Names are [a-z0-9_-]: their byte order is `sort()`'s.
      const r = await repo.searchOpen(k.db.kysely, { where: [], needs: { ckan: true }, order: sql`${C.ckanName} COLLATE "C", ${C.entryId}`, limit: limit >= Number.MAX_SAFE_INTEGER ? null : limit, offset });
      return r.codes.map(ckanNameOf);
    }
    case 'package_search': {
      const rows = intParam(p, 'rows', 10, 0, 1000);
      const start = intParam(p, 'start', 0, 0, Number.MAX_SAFE_INTEGER);
      const sortText = strParam(p, 'sort');
      const keys = parseSort(sortText);
      const qText = strParam(p, 'q')?.trim() ?? '';
      const q = parseSolr(qText === '*:*' ? '' : qText);
      const fq = parseSolr(strParam(p, 'fq'));
      const fqList = listParam(p, 'fq_list') ?? [];
      const terms = [...q.terms, ...fq.terms, ...fqList.flatMap((x) => parseSolr(x).terms)];
      checkTerms(terms);
      if (fq.rest.trim() && fq.rest.trim() !== '*:*') throw new CkanError(409, 'Search Query Error', `Search error: fq must be field:value terms, got '${fq.rest}'`);
      const words = [q.rest, ...q.terms.filter((t) => t.field === 'text').map((t) => t.value)].join(' ').trim();
      // Without words there is no relevance: the default then falls back to the next key.
      const sortKeys = words ? keys : keys.filter((x) => x.key !== 'score');
      const facetFields = listParam(p, 'facet.field') ?? FACET_FIELDS_DEFAULT;
      for (const f of facetFields) if (!(INDEX_FIELDS as readonly string[]).includes(f)) throw new CkanError(409, 'Search Query Error', `Search error: undefined field ${f}`);
      const facetLimit = intParam(p, 'facet.limit', 50, -1, 1000);
      const facetMin = intParam(p, 'facet.mincount', 1, 0, 1_000_000);
      const where = terms.filter((t) => t.field !== 'text').map(termSql);
      const order = sortSql(sortKeys);
      const fieldsRead = [...terms.map((t) => t.field), ...facetFields];
      const r = await repo.searchOpen(k.db.kysely, {
        q: words || null,
        where,
        needs: {
          ckan: true,
          score: sortKeys.some((x) => x.key === 'score'),
          usage: sortKeys.some((x) => x.key === 'views_recent' || x.key === 'views_total'),
          downloadable: fieldsRead.includes('res_format'),
        },
        order,
        limit: rows,
        offset: start,
        facets: facetQueries(facetFields, repo.andAll(where), facetLimit, facetMin),
      });
      const ids = order === 'keys' ? sortPackages(r.keys.map((c) => ({ c })), sortKeys).slice(start, start + rows).map((x) => x.c.entryId) : r.ids;
      const page = await packagesIn(k, ids);
      const { facets, search_facets } = facetsView(facetFields, r.facets);
      const results = await packageViews(k, page.packages, page.orgs, base);
      return { count: r.total, facets, results, sort: sortText?.trim() || 'score desc, metadata_modified desc', search_facets };
    }
    case 'package_show': {
      const id = required(p, 'id');
      const want = id.trim();
      const found = await onePackage(k, sql<boolean>`(${C.entryId}::text = ${want.toLowerCase()} OR ${C.ckanName} = ${want.toLowerCase()} OR ${C.code} = ${want})`);
      if (!found) throw notFound('Dataset not found');
      const [view] = await packageViews(k, [found.pkg], found.orgs, base);
      return view;
    }
    case 'organization_list': {
      const allFields = boolParam(p, 'all_fields', false);
      const limit = intParam(p, 'limit', 1000, 0, 1000);
      const offset = intParam(p, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      const [key = 'title', dir = 'asc'] = (strParam(p, 'sort') ?? 'title asc').trim().split(/\s+/);
      if (!['name', 'title', 'package_count'].includes(key) || !['asc', 'desc'].includes(dir)) throw invalid('sort', 'Cannot sort by field `' + key + '`');
      const counts = await countsByOrg(k);
      const orgs = (await repo.providerOrgs(k.db.kysely, [...counts.keys()])).sort((a, b) => {
        const c = key === 'package_count' ? (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0) : key === 'name' ? (orgNameOf(a) < orgNameOf(b) ? -1 : 1) : a.name.localeCompare(b.name, 'zh-CN');
        return dir === 'desc' ? -c : c;
      });
      const page = orgs.slice(offset, offset + limit);
      return allFields ? page.map((o) => organizationView(o, counts.get(o.id) ?? 0, base)) : page.map(orgNameOf);
    }
    case 'organization_show': {
      const id = required(p, 'id');
      const includeDatasets = boolParam(p, 'include_datasets', false);
      // Among the providers of open data, by id or name.
      const want = id.trim().toLowerCase();
      const counts = await countsByOrg(k, [sql<boolean>`(${C.providerId}::text = ${want} OR ${C.orgName} = ${want})`]);
      const [org] = await repo.providerOrgs(k.db.kysely, [...counts.keys()]);
      if (!org) throw notFound('Organization was not found.');
      const view = { ...organizationView(org, counts.get(org.id) ?? 0, base), extras: [], groups: [], tags: [], users: [] };
      if (!includeDatasets) return view;
      const mine = await repo.searchOpen(k.db.kysely, { where: [sql<boolean>`${C.providerId} = ${org.id}`], needs: { ckan: true }, order: sortSql([{ key: 'name', desc: false }]), limit: 1000, offset: 0 });
      const page = await packagesIn(k, mine.ids);
      const packages = await packageViews(k, page.packages, page.orgs, base);
      return { ...view, packages };
    }
    case 'resource_show': {
      const id = required(p, 'id');
      const parsed = parseResourceId(id);
      if (!parsed) throw notFound('Resource was not found.');
      const found = await onePackage(k, sql<boolean>`${C.entryId}::text = ${parsed.entryId}`);
      if (!found) throw notFound('Resource was not found.');
      const [view] = await packageViews(k, [found.pkg], found.orgs, base);
      const res = view?.resources.find((r) => r.id === resourceId(parsed.entryId, parsed.kind));
      if (!res) throw notFound('Resource was not found.');
      return res;
    }
    case 'datastore_search':
      return datastoreSearch(ctx, p);
  }
}

/** CKAN datastore field types of the catalog's types. */
const DATASTORE_TYPE: Record<string, string> = { string: 'text', integer: 'int', number: 'numeric', boolean: 'bool', date: 'date', datetime: 'timestamp' };

/** `field desc, other` → sort keys. */
function datastoreSort(text: string | undefined): Array<{ field: string; desc: boolean }> {
  if (!text?.trim()) return [];
  return text.split(',').map((part) => {
    const [field = '', dir = 'asc'] = part.trim().replace(/^"|"$/g, '').split(/\s+/);
    if (!['asc', 'desc'].includes(dir.toLowerCase())) throw invalid('sort', `Invalid sort direction: ${dir}`);
    return { field: field.replace(/^"|"$/g, ''), desc: dir.toLowerCase() === 'desc' };
  });
}

/**
 * `datastore_search` on a download resource: a page of the rows through the open data plane,
 * counted and audited as an open API call (its own rate limit is the route's).
 */
async function datastoreSearch(ctx: CkanContext, p: Params) {
  const id = required(p, 'resource_id');
  const parsed = parseResourceId(id);
  if (!parsed) throw notFound(`Resource "${id}" was not found.`);
  const limit = intParam(p, 'limit', 100, 0, 32_000);
  const offset = intParam(p, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const filtersValue = jsonParam(p, 'filters') ?? {};
  if (typeof filtersValue !== 'object' || filtersValue === null || Array.isArray(filtersValue)) throw invalid('filters', 'Must be a dict');
  const filters: Record<string, string> = {};
  for (const [key, v] of Object.entries(filtersValue as Record<string, unknown>)) {
    if (Array.isArray(v) || (typeof v === 'object' && v !== null)) throw invalid('filters', `Only one value per field is supported: ${key}`);
    filters[key] = String(v);
  }
  const qValue = p.q;
  if (qValue !== undefined && typeof qValue !== 'string') throw invalid('q', 'Only a text q is supported');
  const fields = listParam(p, 'fields');
  const sort = datastoreSort(strParam(p, 'sort'));
  const includeTotal = boolParam(p, 'include_total', true);
  const pkg = (await onePackage(ctx.k, sql<boolean>`${C.entryId}::text = ${parsed.entryId}`))?.pkg;
  if (!pkg || pkg.formats[0] === 'HTML') {
    if (pkg?.c.openAttr === 'conditional') throw new CkanError(403, 'Authorization Error', `Access denied: 有条件开放数据须经申请并获同意后获取（000 第二十条）`);
    throw notFound(`Resource "${id}" was not found.`);
  }
  if (!['csv', 'xlsx', 'json'].includes(parsed.kind)) throw notFound(`Resource "${id}" was not found.`);
  const page = await readRows(ctx.k, ctx.auth, pkg.c.code, { limit: Math.min(limit, 1000), offset, q: qValue?.trim() || undefined, fields: fields ?? undefined, filters, sort }, ctx.meta, 'ckan');
  const link = (o: number) => {
    const qs = new URLSearchParams();
    if (o) qs.set('offset', String(o));
    qs.set('resource_id', id);
    if (Object.keys(filters).length) qs.set('filters', JSON.stringify(filters));
    if (qValue) qs.set('q', qValue);
    if (p.limit !== undefined) qs.set('limit', String(limit));
    return `/api/3/action/datastore_search?${qs.toString()}`;
  };
  return {
    include_total: includeTotal,
    resource_id: id,
    fields: [{ id: '_id', type: 'int' }, ...page.columns.map((c) => ({ id: c.name, type: c.treatment && c.treatment !== 'keep' && c.treatment.startsWith('generalise') ? 'text' : (DATASTORE_TYPE[c.type] ?? 'text'), info: { label: c.label, notes: c.treatmentLabel ?? '' } }))],
    records_format: 'objects',
    records: page.items.map((r, i) => ({ _id: offset + i + 1, ...r })),
    limit,
    offset,
    ...(qValue ? { q: qValue } : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    ...(sort.length ? { sort: sort.map((s) => `${s.field} ${s.desc ? 'desc' : 'asc'}`).join(', ') } : {}),
    _links: { start: link(0), next: link(offset + limit) },
    ...(includeTotal ? { total: page.total, total_was_estimated: false } : {}),
  };
}
