/**
 * The catalog browser's state in the URL: the words, the tab, each facet's chosen values
 * (comma-separated), the sort and the page — so a search can be bookmarked and shared.
 */
import type { CatalogFacet, CatalogScope, CatalogSearchQuery } from '../../api/types';
import { readPaging, type UrlPatch, type UrlValues } from '../../lib/urlState';
import { FACETS } from './vocab';

export const BROWSER_KEYS = ['q', 'tab', 'sort', 'page', 'size', ...FACETS] as const;
export type BrowserKey = (typeof BROWSER_KEYS)[number];

export const SCOPES: readonly CatalogScope[] = ['published', 'mine', 'review'];
export const SORTS = ['relevance', 'updated', 'name'] as const;
export type Sort = (typeof SORTS)[number];

export const splitValues = (v: string | undefined): string[] => (v ? v.split(',').filter((x) => x !== '') : []);

/** The URL's values as the search API's query. */
export function searchQueryOf(v: UrlValues<BrowserKey>, scope: CatalogScope): CatalogSearchQuery {
  const paging = readPaging(v.page, v.size);
  const sort = SORTS.find((s) => s === v.sort);
  const op = v.operationAttr === 'true' ? true : v.operationAttr === 'false' ? false : undefined;
  return {
    q: v.q?.trim() || undefined,
    scope,
    provider: splitValues(v.provider),
    region: splitValues(v.region),
    category: splitValues(v.category),
    grade: splitValues(v.grade),
    shareAttr: splitValues(v.shareAttr),
    openAttr: splitValues(v.openAttr),
    operationAttr: op,
    provisionMethod: splitValues(v.provisionMethod),
    updateFrequency: splitValues(v.updateFrequency),
    status: scope === 'mine' ? splitValues(v.status) : [],
    ...(sort ? { sort } : {}),
    limit: paging.limit,
    offset: paging.offset,
  };
}

/** Adds or removes one value of a facet (operationAttr holds one value at most); back to page 1. */
export function toggleFacet(v: UrlValues<BrowserKey>, facet: CatalogFacet, value: string): UrlPatch<BrowserKey> {
  if (facet === 'operationAttr') return { operationAttr: v.operationAttr === value ? undefined : value, page: undefined };
  const current = splitValues(v[facet]);
  const next = current.includes(value) ? current.filter((x) => x !== value) : [...current, value];
  return { [facet]: next.join(',') || undefined, page: undefined };
}

/** Clears every facet (keeps the words and the tab). */
export function clearFacets(): UrlPatch<BrowserKey> {
  const patch: UrlPatch<BrowserKey> = { page: undefined };
  for (const f of FACETS) patch[f] = undefined;
  return patch;
}

export const activeFacetCount = (v: UrlValues<BrowserKey>): number => FACETS.reduce((n, f) => n + splitValues(v[f]).length, 0);
