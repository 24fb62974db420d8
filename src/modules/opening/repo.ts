/**
 * Queries of the open data portal: its own tables (usage, featured datasets) and the read-only
 * view it takes of the published open catalog, the live data versions and the quality scores.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { parseQuery, tsQueryText } from '../catalog/search.js';
import type { CatalogField } from '../catalog/tables.js';
import { DOWNLOAD_FORMATS, FACET_NAMES, PRIORITY_AREA_LABELS, type Candidate, type FacetCount, type FacetName, type ListedAttr, type OpenFilters, type OpenSort, type SortKeys } from './rules.js';
import type { UsageFormat, UsageKind } from './tables.js';

/** Rank weights of D, C, B, A, as the catalog search uses them. */
const WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';

interface CandidateRow {
  entry_id: string;
  code: string;
  provider_org_id: string;
  provider_name: string;
  name: string;
  category: string;
  open_attr: ListedAttr;
  update_frequency: string;
  priority_areas: string[];
  published_at: Date;
  loaded_at: Date | null;
  rows: number | null;
  downloads: number | string;
  api_calls: number | string;
  score: number | string;
  downloadable: boolean | null;
}

/**
 * Whitespace as JavaScript's `trim()` sees it: a `piiKind` of these characters only is no
 * personal information (gate.rules.ts `hasPii`), whatever the database's locale says a space is.
 */
const BLANK = '^[ \t\n\u000b\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$';

/** A field (jsonb) holding personal information or a commercial secret. */
const marksField = (f: RawBuilder<unknown>) => sql`(NOT coalesce(${f}->>'piiKind', '') ~ ${BLANK} OR ${f}->'commercialSecret' = 'true'::jsonb)`;

/**
 * Whether the open data plane lets the public have the entry's files now, as open-data.ts
 * (`openAccess`) decides it for one entry, over every row at once: unconditionally open; a live
 * data version built from a catalog version (`liveSource`); and, when a field of that version's
 * table or of the published version holds personal information or a commercial secret
 * (`mergedFields`, `needsGate`), the live version's latest gate report passed (000 第十九条).
 * Kept beside `openAccess` by a test that compares the two on every state (catalog-sql.test.ts).
 */
const DOWNLOADABLE = sql<boolean>`(v.open_attr = 'unconditional' AND dv.entry_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM loads l JOIN catalog_versions lv ON lv.entry_id = dv.entry_id AND lv.version = l.catalog_version
    WHERE l.id = dv.load_id AND (
      NOT EXISTS (
        SELECT 1 FROM jsonb_array_elements(lv.fields) tf
        WHERE ${marksField(sql`tf`)} OR EXISTS (SELECT 1 FROM jsonb_array_elements(v.fields) pf WHERE pf->>'name' = tf->>'name' AND ${marksField(sql`pf`)})
      )
      OR (SELECT r.status FROM opening_gate_reports r WHERE r.entry_id = e.id AND r.version_no = dv.version_no ORDER BY r.seq DESC LIMIT 1) = 'passed'
    )
  ))`;

/** A timestamp to the millisecond: what a JavaScript `Date` of it holds and compares by. */
const toMs = (t: RawBuilder<unknown>) => sql`date_trunc('milliseconds', ${t})`;
/** A timestamp as milliseconds since the epoch (for a `Date` made from JSON). */
const epochMs = (t: RawBuilder<unknown>) => sql`floor(extract(epoch FROM ${t}) * 1000)::bigint`;

/**
 * A CKAN package name of an entry code in SQL, as `ckanNameOf` (service.ts) writes it: lower case,
 * runs of other characters as `-`, no leading or trailing `-`, at most 100 characters, `ds-`
 * before a name shorter than 2.
 */
const ckanNameSql = (code: RawBuilder<unknown>) => {
  const n = sql`left(btrim(regexp_replace(lower(${code}), '[^a-z0-9_-]+', '-', 'g'), '-'), 100)`;
  return sql`(CASE WHEN length(${n}) >= 2 THEN ${n} ELSE left('ds-' || ${n}, 100) END)`;
};

/** An organization's CKAN name in SQL, as `orgNameOf` (ckan.ts) writes it. */
const orgNameSql = sql`(CASE WHEN o.uscc IS NOT NULL AND o.uscc <> '' THEN lower(o.uscc) ELSE 'org-' || o.id::text END)`;

/** What the rows of the open catalog carry beyond their fixed columns. */
interface OpenRowsNeeds {
  /** Relevance to the words (else 0). */
  score?: boolean;
  /** The open data plane's answer (else null). */
  downloadable?: boolean;
  /** Downloads and API calls, all time (else 0). */
  usage?: boolean;
  /** The CKAN names of the entry and of its provider (else null). */
  ckan?: boolean;
}

/**
 * The open catalog, one row per entry: the version in force of every published entry that is
 * unconditionally or conditionally open, holding every searched word (the catalog search's own
 * index and query language, `parseQuery`, `tsQueryText`), with its provider, its live data's load
 * and rows, and — as asked — its relevance (a name holding every word ranks first, then cover
 * density), whether its files may be had, its usage and its CKAN names. Times also come cut to
 * the millisecond (`published_ms`, `loaded_ms`, `updated_ms`: the last change the public sees,
 * `lastUpdate`), so that SQL orders them exactly as the portal's rules compare dates.
 */
function openRowsSql(q: string | null | undefined, needs: OpenRowsNeeds): RawBuilder<unknown> {
  const terms = parseQuery(q);
  const hasWords = terms.length > 0;
  const tsq = hasWords ? sql`${tsQueryText(terms)}::tsquery` : null;
  const tsqName = hasWords ? sql`${tsQueryText(terms, 'A')}::tsquery` : null;
  const score = hasWords && needs.score ? sql`(CASE WHEN v.search_doc @@ ${tsqName} THEN 1 ELSE 0 END + ts_rank_cd(${WEIGHTS}::float4[], v.search_doc, ${tsq}, 32))` : sql`0`;
  const published = toMs(sql`coalesce(v.published_at, 'epoch'::timestamptz)`);
  const loaded = toMs(sql`dv.created_at`);
  return sql`
    SELECT e.id AS entry_id, e.code, e.provider_org_id, o.name AS provider_name,
      ${needs.ckan ? sql`${orgNameSql}` : sql`NULL::text`} AS org_name, ${needs.ckan ? ckanNameSql(sql`e.code`) : sql`NULL::text`} AS ckan_name,
      v.name, v.category, v.open_attr, v.update_frequency, v.priority_areas, v.published_at, dv.created_at AS loaded_at, dv.rows,
      ${published} AS published_ms, ${loaded} AS loaded_ms, CASE WHEN ${loaded} > ${published} THEN ${loaded} ELSE ${published} END AS updated_ms,
      ${needs.usage ? sql`coalesce(u.downloads, 0)` : sql`0`} AS downloads, ${needs.usage ? sql`coalesce(u.api_calls, 0)` : sql`0`} AS api_calls,
      ${score} AS score, ${needs.downloadable ? DOWNLOADABLE : sql`NULL::boolean`} AS downloadable
    FROM catalog_versions v
    JOIN catalog_entries e ON e.id = v.entry_id AND e.published_version = v.version
    JOIN orgs o ON o.id = e.provider_org_id
    LEFT JOIN dataset_versions dv ON dv.entry_id = e.id AND dv.live
    ${
      needs.usage
        ? sql`LEFT JOIN open_usage_totals u ON u.entry_id = e.id`
        : sql``
    }
    WHERE v.status = 'published' AND v.open_attr IN ('unconditional', 'conditional')
      ${hasWords ? sql`AND v.search_doc @@ ${tsq}` : sql``}`;
}

const candidateOf = (x: CandidateRow): Candidate => ({
  entryId: x.entry_id,
  code: x.code,
  providerId: x.provider_org_id,
  providerName: x.provider_name,
  name: x.name,
  domain: x.category,
  openAttr: x.open_attr,
  updateFrequency: x.update_frequency,
  priorityAreas: x.priority_areas ?? [],
  publishedAt: new Date(x.published_at),
  loadedAt: x.loaded_at ? new Date(x.loaded_at) : null,
  rows: x.rows === null ? null : Number(x.rows),
  downloads: Number(x.downloads),
  apiCalls: Number(x.api_calls),
  score: Number(x.score),
  ...(x.downloadable === null ? {} : { downloadable: x.downloadable }),
});

/**
 * The open catalog's entries matching the searched words (all of them without words), as narrow
 * rows with their relevance, usage totals and whether their files may be had (see `openRowsSql`).
 * Lists read a page of ids from `searchOpen` first and then these rows of the page only; the home
 * page and the yearly report read them all.
 */
export async function openCandidates(db: Executor, q: string | null | undefined, only?: { entryIds?: string[]; providerId?: string }): Promise<Candidate[]> {
  const ids = only?.entryIds;
  if (ids && ids.length === 0) return [];
  const r = await sql<CandidateRow>`
    SELECT m.* FROM (${openRowsSql(q, { score: true, downloadable: true, usage: true })}) m
    WHERE true
      ${ids ? sql`AND m.entry_id IN (${sql.join(ids)})` : sql``}
      ${only?.providerId ? sql`AND m.provider_org_id = ${only.providerId}` : sql``}
  `.execute(db);
  return r.rows.map(candidateOf);
}

/** Columns of the open catalog's rows (`openRowsSql`), by name, for the conditions and orders of `searchOpen`. */
export const OPEN_COLUMNS = {
  entryId: sql.ref('entry_id'),
  code: sql.ref('code'),
  providerId: sql.ref('provider_org_id'),
  providerName: sql.ref('provider_name'),
  /** The provider's CKAN organization name. */
  orgName: sql.ref('org_name'),
  /** The entry's CKAN package name. */
  ckanName: sql.ref('ckan_name'),
  name: sql.ref('name'),
  domain: sql.ref('category'),
  openAttr: sql.ref('open_attr'),
  updateFrequency: sql.ref('update_frequency'),
  priorityAreas: sql.ref('priority_areas'),
  /** The live data's rows; null: never loaded. */
  rows: sql.ref('rows'),
  publishedMs: sql.ref('published_ms'),
  updatedMs: sql.ref('updated_ms'),
  downloads: sql.ref('downloads'),
  apiCalls: sql.ref('api_calls'),
  score: sql.ref('score'),
  downloadable: sql.ref('downloadable'),
} as const;

/** A priority area's tag in SQL: its Chinese name, as `tagsOf` (rules.ts) gives it. */
export const priorityTagSql = (p: RawBuilder<unknown>): RawBuilder<string> =>
  sql<string>`(CASE ${p} ${sql.join(
    Object.entries(PRIORITY_AREA_LABELS).map(([code, label]) => sql`WHEN ${code} THEN ${label}`),
    sql` `,
  )} ELSE ${p} END)`;

const C = OPEN_COLUMNS;

/** All of these conditions (true when none). */
export const andAll = (xs: readonly RawBuilder<boolean>[]): RawBuilder<boolean> => (xs.length ? sql<boolean>`(${sql.join(xs, sql` AND `)})` : sql<boolean>`true`);

const anyOf = (col: RawBuilder<unknown>, values: readonly string[] | undefined): RawBuilder<boolean> | null =>
  values && values.length ? sql<boolean>`${col} IN (${sql.join(values)})` : null;

/** The portal's filters over the open catalog's rows, each as `passes` (rules.ts) decides it; null where none is asked. */
export function openFilterSql(f: OpenFilters): Record<FacetName | 'format' | 'tags', RawBuilder<boolean> | null> {
  const formats = f.format ?? [];
  const formatAsked = formats.length > 0;
  const knownFormat = formats.some((x) => (DOWNLOAD_FORMATS as readonly string[]).includes(x.toLowerCase()));
  return {
    // Ids compared as text: a value that is no uuid matches nothing, as in `passes`.
    provider: anyOf(sql`${C.providerId}::text`, f.provider),
    domain: anyOf(C.domain, f.domain),
    openAttr: anyOf(C.openAttr, f.openAttr),
    updateFrequency: anyOf(C.updateFrequency, f.updateFrequency),
    format: formatAsked ? (knownFormat ? sql<boolean>`coalesce(${C.downloadable}, false)` : sql<boolean>`false`) : null,
    tags: f.tags && f.tags.length ? andAll(f.tags.map((t) => sql<boolean>`(${C.domain} = ${t} OR ${t} = ANY(${C.priorityAreas}) OR EXISTS (SELECT 1 FROM unnest(${C.priorityAreas}) pa WHERE ${priorityTagSql(sql`pa`)} = ${t}))`)) : null,
  };
}

/** `mayHaveFiles` (rules.ts) before the open data plane is asked: unconditionally open and loaded. */
export const MAY_HAVE_FILES = sql<boolean>`(${C.openAttr} = 'unconditional' AND ${C.rows} IS NOT NULL)`;

/** Each portal facet's value of a row. */
export const OPEN_FACET_VALUES: Record<FacetName, RawBuilder<unknown>> = {
  provider: sql`${C.providerId}::text`,
  domain: C.domain,
  openAttr: C.openAttr,
  updateFrequency: C.updateFrequency,
};

/** The order of each portal sort in SQL, as `sortCandidates` (rules.ts) orders; `keys`: by name in Chinese collation, sorted by the service. */
export const OPEN_ORDERS: Record<OpenSort, RawBuilder<unknown> | 'keys'> = {
  relevance: sql`${C.score} DESC, ${C.updatedMs} DESC, ${C.code} COLLATE "C"`,
  newest: sql`${C.publishedMs} DESC, ${C.code} COLLATE "C"`,
  popular: sql`(${C.downloads} + ${C.apiCalls}) DESC, ${C.downloads} DESC, ${C.code} COLLATE "C"`,
  updated: sql`${C.updatedMs} DESC, ${C.code} COLLATE "C"`,
  name: 'keys',
};

/**
 * The portal's facets (`facetsOf`): each counted over the entries passing every other filter, so
 * that choosing a value never hides its siblings; its chosen values come back even when counted 0.
 */
export function openFacetQueries(f: OpenFilters, filters: Record<FacetName | 'format' | 'tags', RawBuilder<boolean> | null>): FacetQuery[] {
  return FACET_NAMES.map((facet) => ({
    name: facet,
    values: { one: OPEN_FACET_VALUES[facet] },
    where: andAll(Object.entries(filters).flatMap(([name, p]) => (name === facet || p === null ? [] : [p]))),
    keep: f[facet] ?? [],
  }));
}

/** A facet to count: its values per row over the open catalog's columns, counted over the rows meeting `where`. */
export interface FacetQuery {
  name: string;
  /** One value per row (`one`), or several (`many`, a `text[]`, each counted once per row). */
  values: { one: RawBuilder<unknown> } | { many: RawBuilder<unknown> };
  where: RawBuilder<boolean>;
  /** Values come back counted at least this many times (default 1)… */
  minCount?: number;
  /** …and these, whatever their count. */
  keep?: readonly string[];
  /** At most this many, by count then value. */
  limit?: number;
}

export interface OpenSearchSpec {
  q?: string | null | undefined;
  /** Conditions every listed row meets (each a boolean over `OPEN_COLUMNS`). */
  where: RawBuilder<boolean>[];
  needs: OpenRowsNeeds;
  /**
   * The order of the page, by SQL; or `keys`: every matching row's sort keys come back instead of
   * a page, for orders SQL cannot give on both engines (names in Chinese collation).
   */
  order: RawBuilder<unknown> | 'keys';
  /** null: no limit. */
  limit: number | null;
  offset: number;
  facets?: FacetQuery[];
}

/** A matching row's id and the columns an order reads. */
export type RowKeys = SortKeys & Pick<Candidate, 'entryId'>;

export interface OpenSearchResult {
  total: number;
  /** The page's entry ids, in order (none with `order: 'keys'`). */
  ids: string[];
  /** Their codes. */
  codes: string[];
  /** Every matching row's sort keys (with `order: 'keys'` only). */
  keys: RowKeys[];
  /** Counts by facet, with the providers' names (min of the group) as labels. */
  facets: FacetCount[];
}

/**
 * One statement for a list of the open catalog: the rows holding the words (`m`, computed once),
 * those meeting every condition counted, their page (ids, ordered and cut in SQL), and each facet's
 * counts over the rows meeting its own conditions. Nothing is read per entry: a request costs this
 * statement and the reads of the page's rows, whatever the catalog's size.
 */
export async function searchOpen(db: Executor, spec: OpenSearchSpec): Promise<OpenSearchResult> {
  const all = andAll(spec.where);
  const facets = spec.facets ?? [];
  const facetSql = facets.map(
    (f) => sql`(SELECT ${f.name}::text AS facet, fv.value::text AS value, count(*) FILTER (WHERE ${f.where}) AS n, min(provider_name) AS label
      FROM m CROSS JOIN LATERAL ${'one' in f.values ? sql`(SELECT ${f.values.one}::text)` : sql`(SELECT DISTINCT x FROM unnest(${f.values.many}::text[]) x)`} fv(value)
      GROUP BY fv.value
      HAVING count(*) FILTER (WHERE ${f.where}) >= ${f.minCount ?? 1} ${f.keep?.length ? sql`OR fv.value IN (${sql.join(f.keep)})` : sql``}
      ${f.limit !== undefined ? sql`ORDER BY n DESC, fv.value COLLATE "C" LIMIT ${f.limit}` : sql``})`,
  );
  const limit = spec.limit === null ? sql`ALL` : sql`${spec.limit}`;
  const page =
    spec.order === 'keys'
      ? sql`(SELECT json_agg(json_build_array(entry_id, code, name, score, ${epochMs(sql`published_ms`)}, ${epochMs(sql`loaded_ms`)}, downloads, api_calls)) FROM m WHERE ${all})`
      : sql`(SELECT json_agg(json_build_array(entry_id, code) ORDER BY ${spec.order}) FROM (SELECT * FROM m WHERE ${all} ORDER BY ${spec.order} LIMIT ${limit} OFFSET ${spec.offset}) p)`;
  const r = await sql<{ total: number | string; page: unknown[] | null; facets: Array<[string, string, number | string, string | null]> | null }>`
    WITH m AS (${openRowsSql(spec.q, spec.needs)})
    SELECT (SELECT count(*) FROM m WHERE ${all}) AS total, ${page} AS page,
      ${facetSql.length ? sql`(SELECT json_agg(json_build_array(f.facet, f.value, f.n, f.label)) FROM (${sql.join(facetSql, sql` UNION ALL `)}) f)` : sql`NULL::json`} AS facets
  `.execute(db);
  const row = r.rows[0];
  const rows = row?.page ?? [];
  return {
    total: Number(row?.total ?? 0),
    ids: spec.order === 'keys' ? [] : (rows as Array<[string, string]>).map((x) => x[0]),
    codes: spec.order === 'keys' ? [] : (rows as Array<[string, string]>).map((x) => x[1]),
    keys:
      spec.order === 'keys'
        ? (rows as Array<[string, string, string, number, number, number | null, number | string, number | string]>).map(([entryId, code, name, score, published, loaded, downloads, apiCalls]) => ({
            entryId,
            code,
            name,
            score: Number(score),
            publishedAt: new Date(Number(published)),
            loadedAt: loaded === null ? null : new Date(Number(loaded)),
            downloads: Number(downloads),
            apiCalls: Number(apiCalls),
          }))
        : [],
    facets: (row?.facets ?? []).map(([facet, value, n, label]) => ({ facet, value, count: Number(n), label })),
  };
}

/** The open catalog's figures for the home page: entries by open attribute, providers, rows of live data, usage. */
export async function openFigures(db: Executor) {
  const r = await sql<{ datasets: number | string; unconditional: number | string; conditional: number | string; providers: number | string; rows: number | string; downloads: number | string; api_calls: number | string }>`
    SELECT count(*) AS datasets, count(*) FILTER (WHERE open_attr = 'unconditional') AS unconditional, count(*) FILTER (WHERE open_attr = 'conditional') AS conditional,
      count(DISTINCT provider_org_id) AS providers, coalesce(sum(rows), 0) AS rows, coalesce(sum(downloads), 0) AS downloads, coalesce(sum(api_calls), 0) AS api_calls
    FROM (${openRowsSql(null, { usage: true })}) m
  `.execute(db);
  const x = r.rows[0];
  return {
    datasets: Number(x?.datasets ?? 0),
    unconditional: Number(x?.unconditional ?? 0),
    conditional: Number(x?.conditional ?? 0),
    providers: Number(x?.providers ?? 0),
    rows: Number(x?.rows ?? 0),
    downloads: Number(x?.downloads ?? 0),
    apiCalls: Number(x?.api_calls ?? 0),
  };
}

/** What a dataset page and a CKAN package show beyond the candidate's columns. */
export interface OpenVersionDetail {
  entryId: string;
  code: string;
  description: string;
  fields: CatalogField[];
  openConditions: Record<string, unknown> | null;
  openSafeguards: string[];
  provisionMethods: string[];
  usageConditions: string;
  format: string;
  version: number;
  createdAt: Date;
  versionUpdatedAt: Date;
  entryCreatedAt: Date;
  providerUscc: string | null;
  providerCreatedAt: Date;
}

/** The versions in force of these entries, by entry id. */
export async function versionDetails(db: Executor, entryIds: string[]): Promise<Map<string, OpenVersionDetail>> {
  if (entryIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('catalog_versions as v')
    .innerJoin('catalog_entries as e', (j) => j.onRef('e.id', '=', 'v.entry_id').onRef('e.published_version', '=', 'v.version'))
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .select([
      'e.id as entry_id', 'e.code', 'e.created_at as entry_created_at', 'v.description', 'v.fields', 'v.open_conditions', 'v.open_safeguards', 'v.provision_methods',
      'v.usage_conditions', 'v.format', 'v.version', 'v.created_at', 'v.updated_at', 'o.uscc', 'o.created_at as org_created_at',
    ])
    .where('e.id', 'in', entryIds)
    .where('v.status', '=', 'published')
    .execute();
  return new Map(
    rows.map((r) => [
      r.entry_id,
      {
        entryId: r.entry_id,
        code: r.code,
        description: r.description,
        fields: r.fields,
        openConditions: r.open_conditions ?? null,
        openSafeguards: r.open_safeguards,
        provisionMethods: r.provision_methods,
        usageConditions: r.usage_conditions,
        format: r.format,
        version: r.version,
        createdAt: r.created_at,
        versionUpdatedAt: r.updated_at,
        entryCreatedAt: r.entry_created_at,
        providerUscc: r.uscc,
        providerCreatedAt: r.org_created_at,
      },
    ]),
  );
}

/** The entry id of a code (any case), if it is a published entry. */
export async function entryIdOfCode(db: Executor, code: string): Promise<string | null> {
  // The code as written (the unique index), else in any case (CKAN names are lower-cased codes).
  const exact = await db.selectFrom('catalog_entries').select('id').where('code', '=', code).where('published_version', 'is not', null).executeTakeFirst();
  if (exact) return exact.id;
  const r = await db.selectFrom('catalog_entries').select('id').where(sql`lower(code)`, '=', code.toLowerCase()).where('published_version', 'is not', null).executeTakeFirst();
  return r?.id ?? null;
}

/** Latest quality score of each entry (0–1 values, as the quality module keeps them). */
export async function latestScores(db: Executor, entryIds: string[]) {
  if (entryIds.length === 0) return new Map<string, LatestScore>();
  const r = await sql<LatestScore & { entry_id: string }>`
    SELECT DISTINCT ON (entry_id) entry_id, at, version_no, overall, completeness, validity, uniqueness, consistency, timeliness
    FROM quality_scores WHERE entry_id IN (${sql.join(entryIds)}) ORDER BY entry_id, at DESC
  `.execute(db);
  return new Map(r.rows.map((x) => [x.entry_id, x]));
}

export interface LatestScore {
  at: Date;
  version_no: number;
  overall: number | null;
  completeness: number | null;
  validity: number | null;
  uniqueness: number | null;
  consistency: number | null;
  timeliness: number | null;
}

/** The kept data versions of an entry, newest first. */
export function dataHistory(db: Executor, entryId: string, limit = 20) {
  return db
    .selectFrom('dataset_versions')
    .select(['version_no', 'created_at', 'rows', 'live'])
    .where('entry_id', '=', entryId)
    .orderBy('version_no', 'desc')
    .limit(limit)
    .execute();
}

/** Adds one use (and the rows it carried) to the entry's count of the day, kind and format. */
export async function countUse(trx: Trx, row: { entryId: string; day: string; kind: UsageKind; format: UsageFormat; rows: number }): Promise<void> {
  await sql`
    INSERT INTO open_usage (entry_id, day, kind, format, count, rows) VALUES (${row.entryId}, ${row.day}, ${row.kind}, ${row.format}, 1, ${row.rows})
    ON CONFLICT (entry_id, day, kind, format) DO UPDATE SET count = open_usage.count + 1, rows = open_usage.rows + excluded.rows
  `.execute(trx);
}

/** An entry's usage by month since `fromDay`. */
export async function usageMonths(db: Executor, entryId: string, fromDay: string) {
  const r = await sql<{ month: string; downloads: number | string; api_calls: number | string }>`
    SELECT to_char(day, 'YYYY-MM') AS month, coalesce(sum(count) FILTER (WHERE kind = 'download'), 0) AS downloads, coalesce(sum(count) FILTER (WHERE kind = 'api'), 0) AS api_calls
    FROM open_usage WHERE entry_id = ${entryId} AND day >= ${fromDay} GROUP BY 1 ORDER BY 1
  `.execute(db);
  return r.rows.map((x) => ({ month: x.month, downloads: Number(x.downloads), apiCalls: Number(x.api_calls) }));
}

/** An entry's usage by kind and format, all time. */
export async function usageByFormat(db: Executor, entryId: string) {
  const r = await db.selectFrom('open_usage').select(['kind', 'format', sql<string>`sum(count)`.as('n')]).where('entry_id', '=', entryId).groupBy(['kind', 'format']).execute();
  return r.map((x) => ({ kind: x.kind, format: x.format, count: Number(x.n) }));
}

/** Usage per entry within [fromDay, toDay]. */
export async function usagePerEntry(db: Executor, fromDay: string, toDay: string) {
  const r = await sql<{ entry_id: string; downloads: number | string; api_calls: number | string }>`
    SELECT entry_id, coalesce(sum(count) FILTER (WHERE kind = 'download'), 0) AS downloads, coalesce(sum(count) FILTER (WHERE kind = 'api'), 0) AS api_calls
    FROM open_usage WHERE day BETWEEN ${fromDay} AND ${toDay} GROUP BY entry_id
  `.execute(db);
  return new Map(r.rows.map((x) => [x.entry_id, { downloads: Number(x.downloads), apiCalls: Number(x.api_calls) }]));
}

/** The featured entries, in order. */
export async function featuredEntryIds(db: Executor): Promise<string[]> {
  const r = await db.selectFrom('open_featured').select('entry_id').orderBy('position').orderBy('featured_at').execute();
  return r.map((x) => x.entry_id);
}

/** Replaces the featured list. */
export async function replaceFeatured(trx: Trx, entryIds: string[], by: string, at: Date): Promise<void> {
  await trx.deleteFrom('open_featured').execute();
  if (entryIds.length) await trx.insertInto('open_featured').values(entryIds.map((id, i) => ({ entry_id: id, position: i, featured_by: by, featured_at: at }))).execute();
}

/** The providers of open entries (orgs), by id, with their credit code. */
export async function providerOrgs(db: Executor, ids?: string[]) {
  let q = db.selectFrom('orgs').select(['id', 'name', 'uscc', 'created_at', 'region_code']);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', ids);
  }
  return q.execute();
}

/** Usage of all entries by month within [fromDay, toDay]. */
export async function usageMonthsAll(db: Executor, fromDay: string, toDay: string) {
  const r = await sql<{ month: string; downloads: number | string; api_calls: number | string }>`
    SELECT to_char(day, 'YYYY-MM') AS month, coalesce(sum(count) FILTER (WHERE kind = 'download'), 0) AS downloads, coalesce(sum(count) FILTER (WHERE kind = 'api'), 0) AS api_calls
    FROM open_usage WHERE day BETWEEN ${fromDay} AND ${toDay} GROUP BY 1 ORDER BY 1
  `.execute(db);
  return r.rows.map((x) => ({ month: x.month, downloads: Number(x.downloads), apiCalls: Number(x.api_calls) }));
}

/** When each entry was first published open (its earliest published or superseded version that was open). */
export async function firstOpened(db: Executor): Promise<Map<string, Date>> {
  const r = await sql<{ entry_id: string; at: Date }>`
    SELECT entry_id, min(published_at) AS at FROM catalog_versions
    WHERE status IN ('published', 'superseded') AND open_attr IN ('unconditional', 'conditional') AND published_at IS NOT NULL
    GROUP BY entry_id
  `.execute(db);
  return new Map(r.rows.map((x) => [x.entry_id, new Date(x.at)]));
}
