/**
 * Pure rules of the open data portal (000 第四章): which open entries a search finds and in which
 * order, its facet counts, the files a download writes, usage months, and the page titles the
 * portal gives search engines. No I/O.
 */
import type { Attr } from '../catalog/tables.js';

/** The articles the portal's refusals and pages cite. */
export const ART = {
  /** 通过省政府数据统一开放平台向社会开放 */
  open: '000 第十七条',
  /** 开放属性：无条件开放、有条件开放、不予开放 */
  classes: '000 第十九条',
  /** 有条件开放须申请 */
  conditional: '000 第二十条',
} as const;

export const DOWNLOAD_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

export const DOWNLOAD_MIME: Record<DownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

export const OPEN_SORTS = ['relevance', 'newest', 'popular', 'updated', 'name'] as const;
export type OpenSort = (typeof OPEN_SORTS)[number];

/** The open attributes the portal lists: `none` is never public (000 第十九条). */
export const LISTED_ATTRS = ['unconditional', 'conditional'] as const satisfies readonly Attr[];
export type ListedAttr = (typeof LISTED_ATTRS)[number];

export const OPEN_ATTR_LABELS: Record<ListedAttr, string> = { unconditional: '无条件开放', conditional: '有条件开放' };

export const UPDATE_FREQUENCY_LABELS: Record<string, string> = {
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  yearly: '每年',
  irregular: '不定期',
};

export const PRIORITY_AREA_LABELS: Record<string, string> = {
  industry: '产业发展',
  ecology: '生态环境',
  livelihood: '民生服务',
  business_environment: '营商环境',
};

/** One open entry as search, sorting and facets see it (a narrow row of the matched set). */
export interface Candidate {
  entryId: string;
  code: string;
  providerId: string;
  providerName: string;
  name: string;
  /** 领域 — the catalog category. */
  domain: string;
  openAttr: ListedAttr;
  updateFrequency: string;
  priorityAreas: string[];
  publishedAt: Date;
  /** When the live data was loaded; null: never loaded. */
  loadedAt: Date | null;
  rows: number | null;
  downloads: number;
  apiCalls: number;
  /** Relevance to the searched words (0 without words). */
  score: number;
  /** Set once the open data plane was asked and refused its files (e.g. the gate not passed). */
  filesRefused?: boolean;
  /** Whether the open data plane lets the public have its files now, when the catalog's query worked it out (repo.ts). */
  downloadable?: boolean;
}

export interface OpenFilters {
  provider?: string[] | undefined;
  domain?: string[] | undefined;
  openAttr?: string[] | undefined;
  updateFrequency?: string[] | undefined;
  /** A download format (csv, xlsx, json): only data that may be downloaded has them. */
  format?: string[] | undefined;
  /** Tags: a domain or a priority area (its code or its Chinese name). */
  tags?: string[] | undefined;
}

export const FACET_NAMES = ['provider', 'domain', 'openAttr', 'updateFrequency'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export interface Facet {
  value: string;
  label: string;
  count: number;
}

/** Whether the entry's data may be public for download: unconditionally open, loaded, not refused by the open data plane (which has the last word). */
export const mayHaveFiles = (c: Pick<Candidate, 'openAttr' | 'rows' | 'filesRefused'>) => c.openAttr === 'unconditional' && c.rows !== null && c.filesRefused !== true;

/** The tags of an entry: its domain and the Chinese names of its priority areas. */
export const tagsOf = (c: Pick<Candidate, 'domain' | 'priorityAreas'>): string[] => [c.domain, ...c.priorityAreas.map((p) => PRIORITY_AREA_LABELS[p] ?? p)];

const has = (values: readonly string[] | undefined, v: string) => !values || values.length === 0 || values.includes(v);

/** Whether a candidate passes one filter. */
function passes(c: Candidate, f: OpenFilters, facet: FacetName | 'format' | 'tags'): boolean {
  switch (facet) {
    case 'provider':
      return has(f.provider, c.providerId);
    case 'domain':
      return has(f.domain, c.domain);
    case 'openAttr':
      return has(f.openAttr, c.openAttr);
    case 'updateFrequency':
      return has(f.updateFrequency, c.updateFrequency);
    case 'format':
      return !f.format || f.format.length === 0 || (mayHaveFiles(c) && f.format.some((x) => (DOWNLOAD_FORMATS as readonly string[]).includes(x.toLowerCase())));
    case 'tags': {
      if (!f.tags || f.tags.length === 0) return true;
      const tags = new Set([...tagsOf(c), ...c.priorityAreas]);
      return f.tags.every((t) => tags.has(t));
    }
  }
}

const ALL_FILTERS = [...FACET_NAMES, 'format', 'tags'] as const;

/** The candidates passing every filter. */
export const applyFilters = (cs: readonly Candidate[], f: OpenFilters): Candidate[] => cs.filter((c) => ALL_FILTERS.every((x) => passes(c, f, x)));

/**
 * Facet counts: each facet counted over the candidates passing every other filter (so choosing a
 * value never hides its siblings); a chosen value with no matches is still listed, with 0.
 */
export function facetsOf(cs: readonly Candidate[], f: OpenFilters): Record<FacetName, Facet[]> {
  const out = {} as Record<FacetName, Facet[]>;
  for (const facet of FACET_NAMES) {
    const counts = new Map<string, { label: string; count: number }>();
    for (const c of cs) {
      if (!ALL_FILTERS.every((x) => x === facet || passes(c, f, x))) continue;
      const { value, label } = facetValue(c, facet);
      const prev = counts.get(value);
      if (prev) prev.count++;
      else counts.set(value, { label, count: 1 });
    }
    for (const v of f[facet] ?? []) if (!counts.has(v)) counts.set(v, { label: labelOf(facet, v, cs), count: 0 });
    out[facet] = [...counts]
      .map(([value, x]) => ({ value, label: x.label, count: x.count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return out;
}

function facetValue(c: Candidate, facet: FacetName): { value: string; label: string } {
  switch (facet) {
    case 'provider':
      return { value: c.providerId, label: c.providerName };
    case 'domain':
      return { value: c.domain, label: c.domain };
    case 'openAttr':
      return { value: c.openAttr, label: OPEN_ATTR_LABELS[c.openAttr] };
    case 'updateFrequency':
      return { value: c.updateFrequency, label: UPDATE_FREQUENCY_LABELS[c.updateFrequency] ?? c.updateFrequency };
  }
}

function labelOf(facet: FacetName, v: string, cs: readonly Candidate[]): string {
  if (facet === 'openAttr') return OPEN_ATTR_LABELS[v as ListedAttr] ?? v;
  if (facet === 'updateFrequency') return UPDATE_FREQUENCY_LABELS[v] ?? v;
  if (facet === 'provider') return cs.find((c) => c.providerId === v)?.providerName ?? v;
  return v;
}

/** One facet value as the open catalog's query counted it (repo.ts `searchOpen`); `label` is the provider's name. */
export interface FacetCount {
  facet: string;
  value: string;
  count: number;
  label: string | null;
}

/**
 * The facets of `facetsOf` from counts made in SQL: each facet's values counted over the entries
 * passing every other filter, plus the chosen values (counted 0 when nothing matches; a chosen
 * provider is named when it has any entry holding the words), in `facetsOf`'s order.
 */
export function facetsFromCounts(counts: readonly FacetCount[], f: OpenFilters): Record<FacetName, Facet[]> {
  const out = {} as Record<FacetName, Facet[]>;
  for (const facet of FACET_NAMES) {
    const mine = counts.filter((c) => c.facet === facet);
    const facets = new Map<string, Facet>();
    for (const c of mine) if (c.count > 0) facets.set(c.value, { value: c.value, label: countedLabel(facet, c), count: c.count });
    for (const v of f[facet] ?? []) {
      if (facets.has(v)) continue;
      const seen = mine.find((c) => c.value === v);
      facets.set(v, { value: v, label: seen ? countedLabel(facet, seen) : labelOf(facet, v, []), count: 0 });
    }
    out[facet] = [...facets.values()].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return out;
}

function countedLabel(facet: FacetName, c: FacetCount): string {
  if (facet === 'provider') return c.label ?? c.value;
  return labelOf(facet, c.value, []);
}

/** The columns an order of the open catalog reads. */
export type SortKeys = Pick<Candidate, 'code' | 'name' | 'score' | 'publishedAt' | 'loadedAt' | 'downloads' | 'apiCalls'>;

/** Chinese collation, as `localeCompare(…, 'zh-CN')` compares (one collator, not one per comparison). */
export const ZH = new Intl.Collator('zh-CN');

const time = (d: Date | null) => (d ? d.getTime() : 0);
/** Last change of an entry as the public sees it: its data's last load, else its catalog publication. */
export const lastUpdate = (c: Pick<Candidate, 'loadedAt' | 'publishedAt'>): Date => (c.loadedAt && c.loadedAt > c.publishedAt ? c.loadedAt : c.publishedAt);

/**
 * Orders candidates. relevance: name hits and cover density first (then most recently updated);
 * newest: most recently published; popular: most downloads and API calls; updated: most recent
 * load; name: by name. Ties by code, so pages are stable.
 */
export function sortCandidates<C extends SortKeys>(cs: readonly C[], sort: OpenSort): C[] {
  const byCode = (a: SortKeys, b: SortKeys) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const cmp: Record<OpenSort, (a: SortKeys, b: SortKeys) => number> = {
    relevance: (a, b) => b.score - a.score || time(lastUpdate(b)) - time(lastUpdate(a)) || byCode(a, b),
    newest: (a, b) => time(b.publishedAt) - time(a.publishedAt) || byCode(a, b),
    popular: (a, b) => b.downloads + b.apiCalls - (a.downloads + a.apiCalls) || b.downloads - a.downloads || byCode(a, b),
    updated: (a, b) => time(lastUpdate(b)) - time(lastUpdate(a)) || byCode(a, b),
    name: (a, b) => ZH.compare(a.name, b.name) || byCode(a, b),
  };
  return [...cs].sort(cmp[sort]);
}

/** A short summary of a description for lists and search-engine snippets. */
export function summaryOf(description: string, max = 120): string {
  const text = description.replace(/\s+/g, ' ').trim();
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A quality score of 0–1 as a percentage (0–100), or null. */
export const qualityPercent = (overall: number | null | undefined): number | null =>
  overall === null || overall === undefined ? null : Math.round(Number(overall) * 100);

// ---------------------------------------------------------------------------------------------
// Downloads

/** The download's file name: code and name, without characters file systems refuse. */
export function downloadFileName(code: string, name: string, format: DownloadFormat): string {
  const clean = `${code}${name}`.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_');
  return `${clean}.${format}`;
}

/** `attachment` with the Chinese name for browsers and an ASCII one for older clients. */
export const attachmentHeader = (fileName: string, format: DownloadFormat, code: string) =>
  `attachment; filename="${code.replace(/[^A-Za-z0-9._-]/g, '_')}.${format}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

/** UTF-8 byte order mark: Excel reads a CSV as UTF-8 only with it. */
export const CSV_BOM = '\uFEFF';

/** One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (values: readonly unknown[]) => `${values.map(csvCell).join(',')}\r\n`;

// ---------------------------------------------------------------------------------------------
// Usage

/** `YYYY-MM` months from `from` to `to` inclusive (both `YYYY-MM`). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** The last `n` months up to the month of `today` (`YYYY-MM-DD`), each with its figures (0 where none). */
export function usageByMonth(rows: ReadonlyArray<{ month: string; downloads: number; apiCalls: number }>, today: string, n = 12) {
  const [y, m] = today.slice(0, 7).split('-').map(Number) as [number, number];
  const startIndex = y * 12 + (m - 1) - (n - 1);
  const from = `${Math.floor(startIndex / 12)}-${String((startIndex % 12) + 1).padStart(2, '0')}`;
  const by = new Map(rows.map((r) => [r.month, r]));
  return monthsBetween(from, today.slice(0, 7)).map((month) => ({ month, downloads: by.get(month)?.downloads ?? 0, apiCalls: by.get(month)?.apiCalls ?? 0 }));
}

// ---------------------------------------------------------------------------------------------
// Rate limits of the open data API

export interface RateLimits {
  anonymousPerMinute: number;
  keyPerMinute: number;
}

/** The limit of a caller: by API key when it has one, by IP otherwise. */
export const limitFor = (limits: RateLimits, rateKey: string) => (rateKey.startsWith('key:') ? limits.keyPerMinute : limits.anonymousPerMinute);

/** The message of a 429: names the limit the caller reached and the other one. */
export function rateLimitMessage(limits: RateLimits, rateKey: string, retryAfterSeconds: number): string {
  return rateKey.startsWith('key:')
    ? `开放数据接口调用过于频繁：使用 API 密钥每分钟最多 ${limits.keyPerMinute} 次，请 ${retryAfterSeconds} 秒后再试`
    : `开放数据接口调用过于频繁：未使用 API 密钥时每个 IP 每分钟最多 ${limits.anonymousPerMinute} 次（使用 API 密钥每分钟 ${limits.keyPerMinute} 次），请 ${retryAfterSeconds} 秒后再试`;
}

// ---------------------------------------------------------------------------------------------
// Page titles and descriptions for search engines

export interface PageMeta {
  title: string;
  description: string;
}

export const PORTAL_NAME = '公数 开放平台';

/** The static pages of the portal: title and description by path. */
export function staticPageMeta(path: string): PageMeta | null {
  const p = path.replace(/\/+$/, '') || '/';
  switch (p) {
    case '/open':
      return { title: `${PORTAL_NAME} · 公共数据开放`, description: '省政府数据统一开放平台：检索、预览和下载无条件开放的公共数据，通过开放接口调用数据，申请有条件开放数据，提出数据开放需求。' };
    case '/open/datasets':
      return { title: `数据目录 · ${PORTAL_NAME}`, description: '公共数据开放目录：按提供单位、领域、开放属性和更新频率筛选，查看数据项、质量评分和更新记录，下载 CSV、XLSX、JSON。' };
    case '/open/demands':
      return { title: `需求征集 · ${PORTAL_NAME}`, description: '公共数据开放需求征集：提出希望开放的数据，支持他人的需求，查看主管部门的公开答复。' };
    case '/open/report':
      return { title: `开放报告 · ${PORTAL_NAME}`, description: '全省公共数据开放报告：各提供单位和各数据集的下载量、接口调用量与开放数据集数量。' };
    case '/open/applications':
      return { title: `我的申请 · ${PORTAL_NAME}`, description: '有条件开放数据的申请与答复。' };
    default:
      return p.startsWith('/open/') ? { title: PORTAL_NAME, description: staticPageMeta('/open')!.description } : null;
  }
}

/** The dataset code of a portal dataset page path (`/open/datasets/{code}` and its sub-pages), or null. */
export function datasetCodeOf(path: string): string | null {
  const m = /^\/open\/datasets\/([^/?#]+)/.exec(path);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/**
 * The page's HTML with its `<title>` and `<meta name="description">` replaced (or added to the
 * head), escaped. Everything else is left as it is.
 */
export function injectPageMeta(html: string, meta: PageMeta): string {
  const title = `<title>${escapeHtml(meta.title)}</title>`;
  const description = `<meta name="description" content="${escapeHtml(meta.description)}" />`;
  let out = /<title>[\s\S]*?<\/title>/i.test(html) ? html.replace(/<title>[\s\S]*?<\/title>/i, () => title) : html.replace(/<\/head>/i, () => `  ${title}\n  </head>`);
  out = /<meta\s+name="description"[^>]*>/i.test(out)
    ? out.replace(/<meta\s+name="description"[^>]*>/i, () => description)
    : out.replace(/<\/head>/i, () => `  ${description}\n  </head>`);
  return out;
}
