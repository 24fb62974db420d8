/**
 * Catalog search (目录检索): Chinese full-text search over the catalog with filters, facet counts,
 * relevance ranking and highlights. Who sees what is the module's rule (rules.ts): every signed-in
 * user the published catalog; an org its own entries at any status; the sharing authority what is
 * submitted for its review (000 第六条).
 */
import { AppError } from '../../kernel/errors.js';
import type { AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import { ART } from './model.js';
import { canReadReviewQueue } from './rules.js';
import { entryView, type EntryView } from './views.js';
import {
  highlight,
  matches,
  parseQuery,
  searchVersions,
  type Facet,
  type SearchFilters,
  type SearchScope,
  type SearchSort,
  type Segment,
} from './search.js';

export interface SearchInput extends SearchFilters {
  q?: string | undefined;
  scope?: 'published' | 'mine' | 'review' | undefined;
  sort?: SearchSort | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Where the searched words were found in an item, as text segments safe to render as text. */
export interface SearchHighlight {
  name: Segment[];
  /** A window of at most `DESCRIPTION_SNIPPET` characters around the first match. */
  description: Segment[];
  /** Labels of the data items where a word was found. */
  fields: string[];
}

export type SearchItem = EntryView & { highlight: SearchHighlight; score: number | null };

export interface FacetValue {
  /** An org id, region code, enum value, category, or `true`/`false` for operationAttr. */
  value: string | boolean;
  /** The org's or region's name (provider and region facets). */
  label?: string;
  count: number;
}

export interface SearchResult {
  items: SearchItem[];
  total: number;
  facets: Record<Facet, FacetValue[]>;
}

export const SEARCH_DEFAULT_LIMIT = 20;
const DESCRIPTION_SNIPPET = 160;

export const REVIEW_SCOPE_NEEDS = '营商环境建设主管部门（sharing_authority）的用户';

function scopeOf(auth: AuthContext, scope: SearchInput['scope']): SearchScope {
  switch (scope ?? 'published') {
    case 'published':
      return { kind: 'published' };
    case 'mine':
      return { kind: 'mine', orgId: auth.org.id };
    case 'review':
      if (!canReadReviewQueue(auth)) throw new AppError('FORBIDDEN', `无权查看待审核目录：需要${REVIEW_SCOPE_NEEDS}`, { source: ART.review });
      return { kind: 'review' };
  }
}

/**
 * Searches the catalog: the versions in scope that contain every searched word, filtered, ranked
 * (name hits first) and paged, with per-facet counts (each counted with the other filters applied).
 */
export async function searchEntries(k: Kernel, auth: AuthContext, input: SearchInput): Promise<SearchResult> {
  const scope = scopeOf(auth, input.scope);
  const terms = parseQuery(input.q);
  const sort: SearchSort = input.sort ?? (terms.length ? 'relevance' : 'updated');
  const filters: SearchFilters = {
    provider: input.provider,
    region: input.region,
    category: input.category,
    grade: input.grade,
    shareAttr: input.shareAttr,
    openAttr: input.openAttr,
    operationAttr: input.operationAttr,
    provisionMethod: input.provisionMethod,
    updateFrequency: input.updateFrequency,
    status: input.status,
  };
  const page = await searchVersions(k.db.kysely, { scope, terms, filters, sort, limit: input.limit ?? SEARCH_DEFAULT_LIMIT, offset: input.offset ?? 0 });
  const items = page.hits.map((h): SearchItem => {
    const view = entryView(h.entry, h.version, h.provider);
    return {
      ...view,
      highlight: {
        name: highlight(view.name, terms),
        description: highlight(view.description, terms, DESCRIPTION_SNIPPET),
        fields: terms.length ? view.fields.filter((f) => matches(f.label, terms) || matches(f.name, terms)).map((f) => f.label) : [],
      },
      score: sort === 'relevance' ? h.score : null,
    };
  });
  return { items, total: page.total, facets: facetsOf(page.counts, filters, page.labels) };
}

/** Facet values by count (then value); a chosen value with no matches is still listed, with 0. */
function facetsOf(counts: { facet: Facet; value: string; count: number }[], f: SearchFilters, labels: { orgs: Map<string, string>; regions: Map<string, string> }): Record<Facet, FacetValue[]> {
  const chosen: Record<Facet, readonly string[]> = {
    provider: f.provider ?? [],
    region: f.region ?? [],
    category: f.category ?? [],
    grade: f.grade ?? [],
    shareAttr: f.shareAttr ?? [],
    openAttr: f.openAttr ?? [],
    operationAttr: f.operationAttr === undefined ? [] : [String(f.operationAttr)],
    provisionMethod: f.provisionMethod ?? [],
    updateFrequency: f.updateFrequency ?? [],
    status: f.status ?? [],
  };
  const list = (facet: Facet): FacetValue[] => {
    const values = new Map<string, number>();
    for (const c of counts) if (c.facet === facet) values.set(c.value, c.count);
    for (const v of chosen[facet]) if (!values.has(v)) values.set(v, 0);
    return [...values]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([value, count]): FacetValue => {
        if (facet === 'operationAttr') return { value: value === 'true', count };
        const label = facet === 'provider' ? labels.orgs.get(value) : facet === 'region' ? labels.regions.get(value) : undefined;
        return label === undefined ? { value, count } : { value, label, count };
      });
  };
  return {
    provider: list('provider'),
    region: list('region'),
    category: list('category'),
    grade: list('grade'),
    shareAttr: list('shareAttr'),
    openAttr: list('openAttr'),
    operationAttr: list('operationAttr'),
    provisionMethod: list('provisionMethod'),
    updateFrequency: list('updateFrequency'),
    status: list('status'),
  };
}
