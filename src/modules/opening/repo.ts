/**
 * Queries of the open data portal: its own tables (usage, featured datasets) and the read-only
 * view it takes of the published open catalog, the live data versions and the quality scores.
 */
import { sql } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { parseQuery, tsQueryText } from '../catalog/search.js';
import type { CatalogField } from '../catalog/tables.js';
import type { Candidate, ListedAttr } from './rules.js';
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
}

/**
 * The open catalog's entries matching the searched words (all of them without words), as narrow
 * rows: the version in force of every published entry that is unconditionally or conditionally
 * open, with its live data's load time and rows and its usage totals. Words are matched with the
 * catalog search's own index and query language (`parseQuery`, `tsQueryText`): a name holding
 * every word ranks first, then cover density. Filtering, facets, sorting and paging are done on
 * these rows (rules.ts): the open catalog is a few thousand entries at most, and sorting by usage
 * or by last load needs these columns anyway.
 */
export async function openCandidates(db: Executor, q: string | null | undefined, only?: { entryIds?: string[]; providerId?: string }): Promise<Candidate[]> {
  const terms = parseQuery(q);
  const hasWords = terms.length > 0;
  const tsq = hasWords ? sql`${tsQueryText(terms)}::tsquery` : null;
  const tsqName = hasWords ? sql`${tsQueryText(terms, 'A')}::tsquery` : null;
  const score = hasWords ? sql`(CASE WHEN v.search_doc @@ ${tsqName} THEN 1 ELSE 0 END + ts_rank_cd(${WEIGHTS}::float4[], v.search_doc, ${tsq}, 32))` : sql`0`;
  const ids = only?.entryIds;
  if (ids && ids.length === 0) return [];
  const r = await sql<CandidateRow>`
    SELECT e.id AS entry_id, e.code, e.provider_org_id, o.name AS provider_name, v.name, v.category, v.open_attr, v.update_frequency,
      v.priority_areas, v.published_at, dv.created_at AS loaded_at, dv.rows,
      coalesce(u.downloads, 0) AS downloads, coalesce(u.api_calls, 0) AS api_calls, ${score} AS score
    FROM catalog_versions v
    JOIN catalog_entries e ON e.id = v.entry_id AND e.published_version = v.version
    JOIN orgs o ON o.id = e.provider_org_id
    LEFT JOIN dataset_versions dv ON dv.entry_id = e.id AND dv.live
    LEFT JOIN LATERAL (
      SELECT sum(count) FILTER (WHERE kind = 'download') AS downloads, sum(count) FILTER (WHERE kind = 'api') AS api_calls
      FROM open_usage WHERE entry_id = e.id
    ) u ON true
    WHERE v.status = 'published' AND v.open_attr IN ('unconditional', 'conditional')
      ${hasWords ? sql`AND v.search_doc @@ ${tsq}` : sql``}
      ${ids ? sql`AND e.id IN (${sql.join(ids)})` : sql``}
      ${only?.providerId ? sql`AND e.provider_org_id = ${only.providerId}` : sql``}
  `.execute(db);
  return r.rows.map((x) => ({
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
  }));
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
