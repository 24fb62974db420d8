/**
 * Chinese full-text search on the catalog: the index (what a version's search document holds), the
 * query language (what a search box's text means), the one SQL statement that finds a page of
 * versions with its total and facet counts, and the highlights.
 *
 * Text is cut into words with `Intl.Segmenter('zh', { granularity: 'word' })` in Node. The search
 * document is written as a `tsvector` literal built here — each word with its position and weight
 * — and queries as a `tsquery` literal built here, so no text-search parser or dictionary of the
 * database is involved: the index behaves the same on PGlite and PostgreSQL by construction.
 *
 * Matching. The segmenter cuts finely (营业执照 → 营业 / 执照, 海南省 → 海南 / 省), so a typed word
 * is matched as a phrase of its pieces — `'营业' <-> '执照'` — never as their loose AND: that keeps
 * 营业执照 finding 企业营业执照信息 but not an entry that says 营业 in one place and 执照 in
 * another, and keeps a single-character piece like 省 bound to its neighbour (海南省 ≠ every entry
 * of a provincial department). In context the segmenter sometimes cuts more coarsely than alone
 * (海口 alone, 海口市 inside 海口市发展和改革委员会), so every Chinese word of three characters or
 * more is also indexed under its leading pieces of two characters or more, at the same position:
 * 海口 finds 海口市, 管理 finds 管理局. (Doing this with prefix queries, `'海口':*`, costs the GIN
 * index five times as much on common words.) Words separated by spaces (or 、，;) must all match.
 * Sections of the document (name, description, each data item, …) are kept apart by a position gap
 * so that a phrase never runs from one into the next.
 */
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../../kernel/db.js';
import type { Attr, CatalogEntriesTable, CatalogField, CatalogVersionsTable, Grade, VersionStatus } from './tables.js';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The words of `text`, lower-cased, without punctuation or spaces. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (s.isWordLike) out.push(s.segment);
  }
  return out;
}

/** The words of `text` joined by spaces. */
export const tokenString = (text: string | null | undefined): string => (text ? tokenize(text).join(' ') : '');

/** One word quoted for `tsvector`/`tsquery` input: backslash and quote escaped inside '…'. */
const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

const HAN = /^\p{Script=Han}+$/u;

/** The leading pieces a word is also indexed under: 海口市 → 海口; 管理局 → 管理. Chinese words only. */
export function leadingPieces(word: string): string[] {
  const chars = [...word];
  if (chars.length < 3 || !HAN.test(word)) return [];
  const out: string[] = [];
  for (let n = 2; n < chars.length; n++) out.push(chars.slice(0, n).join(''));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The index

export interface SearchSource {
  name: string;
  description: string;
  fields: Pick<CatalogField, 'label' | 'name'>[];
  category: string;
  usageConditions: string;
  provider: string;
  region: string;
  code: string;
}

/** PostgreSQL's limits: positions 1–16383, at most 256 positions per word. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_WORD = 256;

/**
 * A version's search document as a `tsvector` literal: name (weight A); description and each data
 * item's label and column name (B); category, provider, region, usage conditions and code (C).
 * A gap of one position separates sections.
 */
export function searchVector(v: SearchSource): string {
  const words = new Map<string, string[]>();
  let pos = 0;
  const put = (word: string, at: string) => {
    const ps = words.get(word);
    if (!ps) words.set(word, [at]);
    else if (ps.length < MAX_POSITIONS_PER_WORD) ps.push(at);
  };
  const section = (text: string | null | undefined, weight: 'A' | 'B' | 'C') => {
    if (!text) return;
    for (const w of tokenize(text)) {
      if (pos >= MAX_POSITION) return;
      pos++;
      put(w, `${pos}${weight}`);
      for (const p of leadingPieces(w)) put(p, `${pos}${weight}`);
    }
    pos++;
  };
  section(v.name, 'A');
  section(v.description, 'B');
  for (const f of v.fields) {
    section(f.label, 'B');
    section(f.name, 'B');
  }
  for (const c of [v.category, v.provider, v.region, v.usageConditions, v.code]) section(c, 'C');
  return [...words].map(([w, ps]) => `${quote(w)}:${ps.join(',')}`).join(' ');
}

/** The search document from its literal: one expression for `indexVersion` and the benchmark's bulk loader. */
export const searchDocSql = (literal: unknown): RawBuilder<unknown> => sql`${literal}::tsvector`;

/**
 * Rewrites one version's search document (see `searchVector`). Called after every write of a
 * version; a published version's document may be rewritten (the immutability trigger allows it).
 */
export async function indexVersion(db: Executor, versionId: string): Promise<void> {
  const v = await db
    .selectFrom('catalog_versions as v')
    .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .leftJoin('regions as r', 'r.code', 'e.region_code')
    .select(['v.name', 'v.description', 'v.fields', 'v.category', 'v.usage_conditions', 'o.name as provider', 'r.name as region', 'e.code'])
    .where('v.id', '=', versionId)
    .executeTakeFirst();
  if (!v) return;
  const doc = searchVector({ ...v, usageConditions: v.usage_conditions, region: v.region ?? '' });
  await sql`UPDATE catalog_versions SET search_doc = ${searchDocSql(doc)} WHERE id = ${versionId}`.execute(db);
}

// ---------------------------------------------------------------------------------------------
// The query language

/** Bounds on what one search may ask, so that a pasted paragraph cannot make a huge query. */
const MAX_TERMS = 8;
const MAX_TOKENS = 24;

/**
 * The words of a search box's text: each space- (or 、，;|) separated word cut into its pieces.
 * `营业执照 海口` → `[['营业', '执照'], ['海口']]`. Duplicates and empty words are dropped.
 */
export function parseQuery(q: string | null | undefined): string[][] {
  if (!q) return [];
  const terms: string[][] = [];
  const seen = new Set<string>();
  let tokens = 0;
  for (const word of q.normalize('NFKC').split(/[\s,;|、，；。]+/u)) {
    const t = tokenize(word);
    if (t.length === 0) continue;
    const key = t.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    if (terms.length >= MAX_TERMS || tokens + t.length > MAX_TOKENS) break;
    tokens += t.length;
    terms.push(t);
  }
  return terms;
}

/**
 * The `tsquery` literal of the words: each word a phrase of its pieces, all words required.
 * `weight` restricts every piece to that weight (`A`: all words in the name).
 */
export function tsQueryText(terms: string[][], weight: '' | 'A' = ''): string {
  return terms.map((t) => `(${t.map((x) => `${quote(x)}${weight ? `:${weight}` : ''}`).join(' <-> ')})`).join(' & ');
}

// ---------------------------------------------------------------------------------------------
// Highlights

/** A run of text, marked when it matched a searched word. Rendered as text: never as HTML. */
export interface Segment {
  text: string;
  hit: boolean;
}

/** As the index matches: the word itself, or one of its leading pieces. */
const pieceMatches = (word: string, piece: string) =>
  word === piece || (word.length > piece.length && word.startsWith(piece) && [...piece].length >= 2 && HAN.test(word));

/**
 * [start, end) offsets in `text` of every match of the words. Where normalising the text keeps its
 * length (nearly always), a word is found as written — its pieces joined — which is what a reader
 * expects to see marked; otherwise the text is cut into words and matched as the index matches.
 */
function hitRanges(text: string, terms: string[][]): [number, number][] {
  if (terms.length === 0 || text === '') return [];
  const plain = text.normalize('NFKC').toLowerCase();
  // A match needs its first piece somewhere in the text: most texts are ruled out here.
  if (!terms.some((t) => t[0] !== undefined && plain.includes(t[0]))) return [];
  const ranges: [number, number][] = [];
  if (plain.length === text.length) {
    for (const t of terms) {
      const w = t.join('');
      for (let i = plain.indexOf(w); i >= 0; i = plain.indexOf(w, i + 1)) ranges.push([i, i + w.length]);
    }
  } else {
    const words: { start: number; end: number; key: string }[] = [];
    for (const s of segmenter.segment(text)) {
      if (s.isWordLike) words.push({ start: s.index, end: s.index + s.segment.length, key: s.segment.normalize('NFKC').toLowerCase() });
    }
    words.forEach((first, i) => {
      for (const t of terms) {
        const last = words[i + t.length - 1];
        if (last && t.every((piece, j) => pieceMatches(words[i + j]?.key ?? '', piece))) ranges.push([first.start, last.end]);
      }
    });
  }
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** True when any searched word occurs in `text`. */
export const matches = (text: string, terms: string[][]): boolean => hitRanges(text, terms).length > 0;

/**
 * `text` cut into segments, the searched words marked. With `maxLength`, a long text is cut to a
 * window around its first match, with `…` where it was cut.
 */
export function highlight(text: string, terms: string[][], maxLength?: number): Segment[] {
  const ranges = hitRanges(text, terms);
  let from = 0;
  let to = text.length;
  if (maxLength !== undefined && text.length > maxLength) {
    const first = ranges[0]?.[0] ?? 0;
    from = Math.max(0, Math.min(first - Math.floor(maxLength / 4), text.length - maxLength));
    to = from + maxLength;
    // Never split a surrogate pair.
    if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from--;
    if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to++;
  }
  const out: Segment[] = [];
  const push = (s: string, hit: boolean) => {
    if (s === '') return;
    const last = out[out.length - 1];
    if (last && last.hit === hit) last.text += s;
    else out.push({ text: s, hit });
  };
  if (from > 0) push('…', false);
  let at = from;
  for (const [s, e] of ranges) {
    if (e <= from || s >= to) continue;
    const cs = Math.max(s, from);
    const ce = Math.min(e, to);
    push(text.slice(at, cs), false);
    push(text.slice(cs, ce), true);
    at = ce;
  }
  push(text.slice(at, to), false);
  if (to < text.length) push('…', false);
  return out;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

// ---------------------------------------------------------------------------------------------
// The search statement

/** The facets, in the order the API returns them. Each is also a filter. */
export const FACETS = ['provider', 'region', 'category', 'grade', 'shareAttr', 'openAttr', 'operationAttr', 'provisionMethod', 'updateFrequency', 'status'] as const;
export type Facet = (typeof FACETS)[number];

/** Filters: several values of one facet are alternatives (OR); facets combine with AND. */
export interface SearchFilters {
  provider?: string[] | undefined;
  region?: string[] | undefined;
  category?: string[] | undefined;
  grade?: Grade[] | undefined;
  shareAttr?: Attr[] | undefined;
  openAttr?: Attr[] | undefined;
  operationAttr?: boolean | undefined;
  provisionMethod?: string[] | undefined;
  updateFrequency?: string[] | undefined;
  status?: VersionStatus[] | undefined;
}

/** Which versions a search looks at. */
export type SearchScope =
  /** The version in force of every published entry. */
  | { kind: 'published' }
  /** An org's own entries, each at its newest version, any status. */
  | { kind: 'mine'; orgId: string }
  /** Versions waiting for the authority's review. */
  | { kind: 'review' };

export type SearchSort = 'relevance' | 'updated' | 'name';

export interface SearchSpec {
  scope: SearchScope;
  terms: string[][];
  filters: SearchFilters;
  sort: SearchSort;
  limit: number;
  offset: number;
}

/** One version of the page with its entry and provider, and its relevance (0 without words). */
export interface SearchHit {
  score: number;
  entry: Selectable<CatalogEntriesTable>;
  version: Selectable<CatalogVersionsTable>;
  provider: { id: string; name: string };
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /** Count of each facet value among the matches, all the other facets' filters applied. */
  counts: { facet: Facet; value: string; count: number }[];
  /** Names of the providers and regions in the counts and the filters, by id and code. */
  labels: { orgs: Map<string, string>; regions: Map<string, string> };
}

/** Rank weights of D, C, B, A (`ts_rank_cd`): a name counts 2.5× a description, 5× a category. */
const WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';

/** Each facet's column, and its filter. Filters compare the base columns (uuid, char(6)) as they are. */
const COLUMNS: Record<Facet, { col: RawBuilder<unknown>; filter: (f: SearchFilters) => RawBuilder<boolean> | null }> = {
  provider: { col: sql`e.provider_org_id`, filter: (f) => anyOf(sql`e.provider_org_id`, f.provider) },
  region: { col: sql`e.region_code`, filter: (f) => anyOf(sql`e.region_code`, f.region) },
  category: { col: sql`v.category`, filter: (f) => anyOf(sql`v.category`, f.category) },
  grade: { col: sql`v.grade`, filter: (f) => anyOf(sql`v.grade`, f.grade) },
  shareAttr: { col: sql`v.share_attr`, filter: (f) => anyOf(sql`v.share_attr`, f.shareAttr) },
  openAttr: { col: sql`v.open_attr`, filter: (f) => anyOf(sql`v.open_attr`, f.openAttr) },
  operationAttr: { col: sql`v.operation_attr`, filter: (f) => (f.operationAttr === undefined ? null : sql<boolean>`v.operation_attr = ${f.operationAttr}`) },
  // Several methods per entry: the facet counts entries offering each; the filter wants any of them.
  provisionMethod: {
    col: sql`v.provision_methods`,
    filter: (f) => (f.provisionMethod?.length ? sql<boolean>`v.provision_methods && ARRAY[${sql.join(f.provisionMethod)}]::text[]` : null),
  },
  updateFrequency: { col: sql`v.update_frequency`, filter: (f) => anyOf(sql`v.update_frequency`, f.updateFrequency) },
  status: { col: sql`v.status`, filter: (f) => anyOf(sql`v.status`, f.status) },
};

function anyOf(col: RawBuilder<unknown>, values: readonly string[] | undefined): RawBuilder<boolean> | null {
  if (!values || values.length === 0) return null;
  return values.length === 1 ? sql<boolean>`${col} = ${values[0]}` : sql<boolean>`${col} IN (${sql.join(values)})`;
}

const and = (xs: RawBuilder<unknown>[]) => (xs.length === 0 ? sql`true` : sql.join(xs, sql` AND `));

/** The scope as a condition on the version alone (the index scan's filter). */
function scopeSql(s: SearchScope): RawBuilder<boolean> {
  switch (s.kind) {
    case 'published':
      return sql`v.status = 'published'`;
    case 'mine':
      return sql`(v.entry_id, v.version) IN (SELECT id, latest_version FROM catalog_entries WHERE provider_org_id = ${s.orgId})`;
    case 'review':
      return sql`v.status = 'submitted'`;
  }
}

/** Facets whose column is the entry's, not the version's. */
const ON_ENTRY: readonly Facet[] = ['provider', 'region'];

/** A version's columns, all but the search document (never read back: its text form is costly). */
const VERSION_COLUMNS = [
  'id', 'entry_id', 'version', 'status', 'name', 'description', 'format', 'fields', 'share_attr', 'share_conditions', 'no_share_basis', 'open_attr',
  'open_conditions', 'not_open_reason', 'open_safeguards', 'operation_attr', 'provision_methods', 'usage_conditions', 'update_frequency', 'category',
  'grade', 'priority_areas', 'assessments', 'change_note', 'update_case_id', 'created_by', 'created_at', 'updated_at', 'submitted_by', 'submitted_at',
  'reviewed_by', 'reviewed_at', 'review_comment', 'published_at',
] as const satisfies readonly (keyof CatalogVersionsTable)[];
// A column added to the table and not to the list fails to compile here.
const everyColumnListed: Exclude<keyof CatalogVersionsTable, (typeof VERSION_COLUMNS)[number] | 'search_doc'> extends never ? true : never = true;
void everyColumnListed;
const VERSION_JSON = sql.join(VERSION_COLUMNS.map((c) => sql`${sql.lit(c)}, v.${sql.ref(c)}`));

/** `GROUPING(c_provider, …, c_status)` of the grouping set of facet `i`: every bit set but the facet's own. */
const ALL_BITS = (1 << FACETS.length) - 1;
const maskOf = (i: number) => ALL_BITS ^ (1 << (FACETS.length - 1 - i));

/**
 * One statement. `m` is the matched set: the versions in scope holding every word (through the
 * GIN index), with their facet columns and one flag per active filter; relevance is computed
 * only for the rows that pass every filter. From `m`: the page, and — in one pass, one grouping
 * set per facet — every facet's counts, each with all the other filters applied (standard
 * faceted-search counts, so choosing a value never hides its siblings), and the total.
 */
export async function searchVersions(db: Executor, spec: SearchSpec): Promise<SearchPage> {
  const hasWords = spec.terms.length > 0;
  const tsq = hasWords ? sql`${tsQueryText(spec.terms)}::tsquery` : null;
  const tsqName = hasWords ? sql`${tsQueryText(spec.terms, 'A')}::tsquery` : null;
  const relevance = hasWords && spec.sort === 'relevance';

  const active = FACETS.map((f) => [f, COLUMNS[f].filter(spec.filters)] as const).filter((x): x is readonly [Facet, RawBuilder<boolean>] => x[1] !== null);
  const flag = (f: Facet) => sql.ref(`f_${f}`);
  const col = (f: Facet) => sql.ref(`c_${f}`);
  const allFlags = and(active.map(([f]) => flag(f)));
  const othersOf = (f: Facet) => and(active.filter(([g]) => g !== f).map(([g]) => flag(g)));

  // A version whose name holds every word ranks above any that does not; then cover density.
  // Ranked in the scan of the versions, before the join, for the rows that pass the version's filters.
  const score = relevance
    ? sql`CASE WHEN ${and(active.filter(([f]) => !ON_ENTRY.includes(f)).map(([, p]) => p))} THEN (CASE WHEN v.search_doc @@ ${tsqName} THEN 1 ELSE 0 END + ts_rank_cd(${WEIGHTS}::float4[], v.search_doc, ${tsq}, 32)) END`
    : sql`0`;
  const orderOf = (t: string) => {
    const c = (name: string) => sql.ref(`${t}.${name}`);
    return spec.sort === 'name'
      ? sql`${c('name')} COLLATE "C" ASC, ${c('id')} ASC`
      : relevance
        ? sql`${c('score')} DESC, ${c('updated_at')} DESC, ${c('id')} ASC`
        : sql`${c('updated_at')} DESC, ${c('id')} ASC`;
  };
  const labelsOf = (f: 'provider' | 'region') => {
    const chosen = spec.filters[f] ?? [];
    const inCounts = sql`SELECT value${f === 'provider' ? sql`::uuid` : sql``} FROM counts WHERE g = ${sql.lit(maskOf(FACETS.indexOf(f)))}`;
    return chosen.length ? sql`(${inCounts}) OR x.${sql.ref(f === 'provider' ? 'id' : 'code')} IN (${sql.join(chosen)})` : sql`(${inCounts})`;
  };

  const grouping = sql`GROUPING(${sql.join(FACETS.map(col))})`;
  const facetValue = sql`CASE ${grouping} ${sql.join(
    FACETS.map((f, i) => sql`WHEN ${sql.lit(maskOf(i))} THEN ${f === 'provisionMethod' ? sql`array_to_string(${col(f)}, ',')` : sql`${col(f)}::text`}`),
    sql` `,
  )} END`;
  // Rows failing two filters or more count nowhere.
  const countsSomewhere = active.length >= 2 ? sql`WHERE ${sql.join(active.map(([f]) => sql`(NOT ${flag(f)})::int`), sql` + `)} <= 1` : sql``;

  const r = await sql<{ page: [number, VersionJson, EntryJson, string][] | null; counts: (number | string | null)[][] | null; orgs: Record<string, string> | null; regions: Record<string, string> | null }>`
    WITH m AS (
      SELECT v.id, v.updated_at, v.name, v.score,
        ${sql.join(FACETS.map((f) => sql`${COLUMNS[f].col} AS ${col(f)}`))}
        ${active.length ? sql`, ${sql.join(active.map(([f, pred]) => sql`(${pred}) AS ${flag(f)}`))}` : sql``}
      FROM (
        -- OFFSET 0 keeps this a subquery: the rank is computed on the scan, and the join carries narrow rows, not documents.
        SELECT v.id, v.entry_id, v.updated_at, ${spec.sort === 'name' ? sql`v.name` : sql`NULL::text AS name`}, ${score} AS score,
          ${sql.join(FACETS.filter((f) => !ON_ENTRY.includes(f)).map((f) => COLUMNS[f].col))}
        FROM catalog_versions v
        WHERE ${scopeSql(spec.scope)} ${hasWords ? sql`AND v.search_doc @@ ${tsq}` : sql``}
        OFFSET 0
      ) v JOIN catalog_entries e ON e.id = v.entry_id
    ),
    page AS (
      SELECT m.id, m.name, m.updated_at, m.score FROM m WHERE ${allFlags} ORDER BY ${orderOf('m')} LIMIT ${spec.limit} OFFSET ${spec.offset}
    ),
    counts AS (
      SELECT ${grouping} AS g, ${facetValue} AS value, count(*) FILTER (WHERE ${allFlags}) AS n
        ${active.length ? sql`, ${sql.join(active.map(([f]) => sql`count(*) FILTER (WHERE ${othersOf(f)}) AS ${sql.ref(`n_${f}`)}`))}` : sql``}
      FROM m ${countsSomewhere}
      GROUP BY GROUPING SETS ((), ${sql.join(FACETS.map((f) => sql`(${col(f)})`))})
    )
    SELECT
      (SELECT json_agg(json_build_array(p.score, json_build_object(${VERSION_JSON}), to_jsonb(e), o.name) ORDER BY ${orderOf('p')})
        FROM page p JOIN catalog_versions v ON v.id = p.id JOIN catalog_entries e ON e.id = v.entry_id JOIN orgs o ON o.id = e.provider_org_id) AS page,
      (SELECT json_agg(json_build_array(g, value, n ${active.length ? sql`, ${sql.join(active.map(([f]) => sql.ref(`n_${f}`)))}` : sql``})) FROM counts) AS counts,
      (SELECT json_object_agg(x.id, x.name) FROM orgs x WHERE x.id IN ${labelsOf('provider')}) AS orgs,
      (SELECT json_object_agg(x.code, x.name) FROM regions x WHERE x.code IN ${labelsOf('region')}) AS regions
  `.execute(db);
  const row = r.rows[0];

  let total = 0;
  const counts = new Map<string, { facet: Facet; value: string; count: number }>();
  for (const c of row?.counts ?? []) {
    const g = Number(c[0]);
    if (g === ALL_BITS) {
      total = Number(c[2]);
      continue;
    }
    const i = FACETS.findIndex((_, j) => maskOf(j) === g);
    const facet = FACETS[i];
    if (facet === undefined) continue;
    const own = active.findIndex(([f]) => f === facet);
    const count = Number(own >= 0 ? c[3 + own] : c[2]);
    // provision methods come grouped by their combination: each method counts every combination holding it.
    const values = facet === 'provisionMethod' ? String(c[1] ?? '').split(',').filter((x) => x !== '') : [String(c[1])];
    for (const value of values) {
      const key = `${facet}\u0000${value}`;
      const prev = counts.get(key);
      if (prev) prev.count += count;
      else counts.set(key, { facet, value, count });
    }
  }
  return {
    hits: (row?.page ?? []).map(([score, v, e, providerName]) => ({
      score: Number(score),
      entry: entryFromJson(e),
      version: versionFromJson(v),
      provider: { id: e.provider_org_id, name: providerName },
    })),
    total,
    counts: [...counts.values()].filter((c) => c.count > 0),
    labels: { orgs: new Map(Object.entries(row?.orgs ?? {})), regions: new Map(Object.entries(row?.regions ?? {})) },
  };
}

// Rows come back as JSON (one round trip for the whole search): timestamps as ISO strings.
type Timestamps<T, K extends keyof T> = Omit<T, K> & { [P in K]: null extends T[P] ? string | null : string };
type VersionJson = Timestamps<Omit<Selectable<CatalogVersionsTable>, 'search_doc'>, 'created_at' | 'updated_at' | 'submitted_at' | 'reviewed_at' | 'published_at'>;
type EntryJson = Timestamps<Selectable<CatalogEntriesTable>, 'created_at' | 'updated_at'>;
const date = (x: string | null) => (x === null ? null : new Date(x));

const versionFromJson = (v: VersionJson): Selectable<CatalogVersionsTable> => ({
  ...v,
  search_doc: null,
  created_at: new Date(v.created_at),
  updated_at: new Date(v.updated_at),
  submitted_at: date(v.submitted_at),
  reviewed_at: date(v.reviewed_at),
  published_at: date(v.published_at),
});

const entryFromJson = (e: EntryJson): Selectable<CatalogEntriesTable> => ({ ...e, created_at: new Date(e.created_at), updated_at: new Date(e.updated_at) });
