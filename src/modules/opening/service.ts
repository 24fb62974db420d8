/**
 * The open data portal's use cases (000 第四章): the open catalog with search and facets, the
 * dataset page, downloads and the open data API (each counted and audited), the home page's
 * figures, the province-wide open data report and the featured datasets.
 *
 * Who may read what: anyone (no login) browses the open catalog; the data of an unconditionally
 * open entry is public once the open data plane lets it out (open-data.ts: loaded, and through
 * the anonymisation gate where it holds personal information, 000 第十九条); conditionally open
 * data is only had by application (000 第二十条) and served by the delivery module under the grant.
 */
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { RawBuilder } from 'kysely';
import { audit } from '../../kernel/audit.js';
import { actorOf, hasOrgRole, isPlatformAdmin, requireAuth, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { beijingDate } from '../../kernel/clock.js';
import { SYSTEM_ACTOR, type Actor, type Kernel } from '../../kernel/context.js';
import { AppError, notFound } from '../../kernel/errors.js';
import type { CatalogField } from '../catalog/tables.js';
import { applicationFigures } from './applications.service.js';
import { demandFigures } from './demands.service.js';
import { ART_GATE } from './gate.rules.js';
import { accessError, latestReport, openAccess, openRows, openRowStream, type OpenAccess, type OpenColumn } from './open-data.js';
import * as repo from './repo.js';
import {
  ART,
  csvLine,
  CSV_BOM,
  DOWNLOAD_MIME,
  downloadFileName,
  facetsFromCounts,
  mayHaveFiles,
  qualityPercent,
  sortCandidates,
  summaryOf,
  usageByMonth,
  type Candidate,
  type DownloadFormat,
  type Facet,
  type FacetName,
  type OpenFilters,
  type OpenSort,
} from './rules.js';

/** One open entry in lists (the portal's catalog, home page, CKAN). */
export interface OpenEntrySummary {
  id: string;
  code: string;
  name: string;
  summary: string;
  provider: { id: string; name: string };
  openAttr: 'unconditional' | 'conditional';
  domain: string;
  updateFrequency: string;
  publishedAt: string;
  /** The last load of its data; null when never loaded. */
  updatedAt: string | null;
  rows: number | null;
  fieldCount: number;
  /** 0–100, the latest quality score of its data. */
  qualityScore: number | null;
  downloads: number;
  apiCalls: number;
  downloadable: boolean;
}

export interface ListInput extends OpenFilters {
  q?: string | undefined;
  sort?: OpenSort | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface ListResult {
  items: OpenEntrySummary[];
  total: number;
  facets: Record<FacetName, Facet[]>;
}

export const LIST_DEFAULT_LIMIT = 20;

/** Who reads: a signed-in caller, or the public (the platform actor, with the IP in the event's details). */
const readerOf = (auth: AuthContext | null): Actor => (auth ? actorOf(auth) : SYSTEM_ACTOR);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The open catalog: search, filters, facets, sort and page. No login. Filtering, counting, sorting
 * and paging are done by one statement (repo.ts `searchOpen`), then the page's rows are read: the
 * cost of a request does not grow with the catalog. Only the order by name is made here, over the
 * matching entries' names (PGlite has no Chinese collation).
 */
export async function listOpenEntries(k: Kernel, input: ListInput): Promise<ListResult> {
  const sort: OpenSort = input.sort ?? (input.q?.trim() ? 'relevance' : 'updated');
  const offset = input.offset ?? 0;
  const limit = input.limit ?? LIST_DEFAULT_LIMIT;
  const filters = repo.openFilterSql(input);
  const active = Object.values(filters).filter((x) => x !== null);
  const r = await repo.searchOpen(k.db.kysely, {
    q: input.q,
    where: active,
    needs: { score: sort === 'relevance', usage: sort === 'popular', downloadable: filters.format !== null },
    order: repo.OPEN_ORDERS[sort],
    limit,
    offset,
    facets: repo.openFacetQueries(input, filters),
  });
  const ids = repo.OPEN_ORDERS[sort] === 'keys' ? sortCandidates(r.keys, sort).slice(offset, offset + limit).map((c) => c.entryId) : r.ids;
  return { items: await summariesOf(k, await candidatesIn(k, ids)), total: r.total, facets: facetsFromCounts(r.facets, input) };
}

/** The open entries of these ids, in this order. */
export async function candidatesIn(k: Kernel, ids: readonly string[]): Promise<Candidate[]> {
  const byId = new Map((await repo.openCandidates(k.db.kysely, null, { entryIds: [...ids] })).map((c) => [c.entryId, c]));
  return ids.map((id) => byId.get(id)).filter((c): c is Candidate => c !== undefined);
}

/** The list view of these candidates, in their order. */
export async function summariesOf(k: Kernel, cs: readonly Candidate[]): Promise<OpenEntrySummary[]> {
  const ids = cs.map((c) => c.entryId);
  const [details, scores, downloadable] = await Promise.all([
    repo.versionDetails(k.db.kysely, ids),
    repo.latestScores(k.db.kysely, ids),
    // The catalog's query answers for the open data plane; a candidate made without it asks the plane.
    Promise.all(cs.map(async (c) => c.downloadable ?? (mayHaveFiles(c) && (await openAccess(k.db.kysely, c.code)).ok))),
  ]);
  return cs.map((c, i) => summaryView(c, details.get(c.entryId), scores.get(c.entryId), downloadable[i] === true));
}

function summaryView(c: Candidate, d: repo.OpenVersionDetail | undefined, score: repo.LatestScore | undefined, downloadable: boolean): OpenEntrySummary {
  return {
    id: c.entryId,
    code: c.code,
    name: c.name,
    summary: summaryOf(d?.description ?? ''),
    provider: { id: c.providerId, name: c.providerName },
    openAttr: c.openAttr,
    domain: c.domain,
    updateFrequency: c.updateFrequency,
    publishedAt: c.publishedAt.toISOString(),
    updatedAt: iso(c.loadedAt),
    rows: c.rows,
    fieldCount: d?.fields.length ?? 0,
    qualityScore: qualityPercent(score?.overall),
    downloads: c.downloads,
    apiCalls: c.apiCalls,
    downloadable,
  };
}

/** The open entry of a code (any case), or 404: entries not open to the public are not found here. */
export async function findOpenEntry(k: Kernel, code: string): Promise<Candidate> {
  const id = await repo.entryIdOfCode(k.db.kysely, code);
  const c = id ? (await repo.openCandidates(k.db.kysely, null, { entryIds: [id] }))[0] : undefined;
  if (!c) throw new AppError('NOT_FOUND', `开放目录中没有这个数据集：${code}`, { source: ART.classes });
  return c;
}

export interface OpenField {
  name: string;
  label: string;
  type: CatalogField['type'];
  description: string;
  piiKind: string | null;
  /** How the open version treats the column (the gate's treatment), or null when published as is. */
  treatment: string | null;
  /** The treatment in words (e.g. 泛化（日期泛化到月）), null when published as is. */
  treatmentLabel: string | null;
  /** Whether the public sees the column at all. */
  open: boolean;
}

export interface GateView {
  status: 'not_needed' | 'passed' | 'failed' | 'pending';
  checkedAt: string | null;
  k: number | null;
  reason: string | null;
}

export type OpenEntryDetail = OpenEntrySummary & {
  description: string;
  openConditions: Record<string, unknown> | null;
  basis: string;
  usageConditions: string;
  provisionMethods: string[];
  priorityAreas: string[];
  fields: OpenField[];
  preview: { columns: string[]; rows: Record<string, unknown>[] } | null;
  history: Array<{ versionNo: number; loadedAt: string; rows: number; live: boolean }>;
  quality: { score: number | null; at: string; versionNo: number; dimensions: Record<string, number | null> } | null;
  usage: { downloads: number; apiCalls: number; byMonth: Array<{ month: string; downloads: number; apiCalls: number }>; byFormat: Array<{ kind: string; format: string; count: number }> };
  notDownloadableReason: string | null;
  gate: GateView | null;
  links: { page: string; dcat: string; ckan: string; api: string; downloads: Record<DownloadFormat, string> | null; apply: string | null };
};

const PREVIEW_ROWS = 10;

/** The dataset page: description, data dictionary, preview, history, quality, usage, links. No login. */
export async function getOpenEntry(k: Kernel, code: string): Promise<OpenEntryDetail> {
  const db = k.db.kysely;
  const c = await findOpenEntry(k, code);
  const [details, scores, access, history, months, byFormat] = await Promise.all([
    repo.versionDetails(db, [c.entryId]),
    repo.latestScores(db, [c.entryId]),
    c.openAttr === 'unconditional' ? openAccess(db, c.code) : Promise.resolve(null),
    repo.dataHistory(db, c.entryId),
    repo.usageMonths(db, c.entryId, `${Number(beijingDate(k.clock.now()).slice(0, 4)) - 1}-01-01`),
    repo.usageByFormat(db, c.entryId),
  ]);
  const d = details.get(c.entryId);
  if (!d) throw notFound('开放数据集', code);
  const score = scores.get(c.entryId);
  const downloadable = access?.ok === true;
  const preview = downloadable ? await openRows(k, db, c.code, { limit: PREVIEW_ROWS, offset: 0 }) : null;
  const columns = access?.ok ? new Map(access.columns.map((col) => [col.name, col])) : null;
  const enc = encodeURIComponent(c.code);
  return {
    ...summaryView(c, d, score, downloadable),
    description: d.description,
    openConditions: d.openConditions,
    basis:
      c.openAttr === 'unconditional'
        ? `无条件开放：数据提供单位即时开放，公众无需申请即可获取（${ART.classes}、${ART.conditional}）`
        : `有条件开放：须向开放平台提交数据用途、应用场景、使用时限和安全保障措施，数据提供单位二个工作日内答复（${ART.conditional}）`,
    usageConditions: d.usageConditions,
    provisionMethods: d.provisionMethods,
    priorityAreas: c.priorityAreas,
    fields: d.fields.map((f) => fieldView(f, columns)),
    preview: preview ? { columns: preview.columns.map((col) => col.name), rows: preview.rows } : null,
    history: history.map((h) => ({ versionNo: h.version_no, loadedAt: new Date(h.created_at).toISOString(), rows: Number(h.rows), live: h.live })),
    quality: score
      ? {
          score: qualityPercent(score.overall),
          at: new Date(score.at).toISOString(),
          versionNo: score.version_no,
          dimensions: {
            completeness: qualityPercent(score.completeness),
            validity: qualityPercent(score.validity),
            uniqueness: qualityPercent(score.uniqueness),
            consistency: qualityPercent(score.consistency),
            timeliness: qualityPercent(score.timeliness),
          },
        }
      : null,
    usage: { downloads: c.downloads, apiCalls: c.apiCalls, byMonth: usageByMonth(months, beijingDate(k.clock.now())), byFormat },
    notDownloadableReason: downloadable ? null : notDownloadableReason(c, access),
    gate: c.openAttr === 'unconditional' ? await gateView(k, c.entryId, d.fields, history.find((h) => h.live)?.version_no ?? null) : null,
    links: {
      page: `/open/datasets/${enc}`,
      dcat: `/api/v1/catalog/dcat#dataset-${enc}`,
      ckan: `/api/3/action/package_show?id=${encodeURIComponent(ckanNameOf(c.code))}`,
      api: `/api/v1/open/entries/${enc}/rows`,
      downloads: downloadable ? { csv: downloadUrl(c.code, 'csv'), xlsx: downloadUrl(c.code, 'xlsx'), json: downloadUrl(c.code, 'json') } : null,
      apply: c.openAttr === 'conditional' ? `/open/datasets/${enc}/apply` : null,
    },
  };
}

export const downloadUrl = (code: string, format: DownloadFormat) => `/api/v1/open/entries/${encodeURIComponent(code)}/download?format=${format}`;

/** CKAN's package name of an entry code: lower case, `[a-z0-9_-]`, 2–100 characters. */
export function ckanNameOf(code: string): string {
  const name = code.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return name.length >= 2 ? name : `ds-${name}`.slice(0, 100);
}

const PII_NOTE = '个人信息';

function fieldView(f: CatalogField, columns: Map<string, OpenColumn> | null): OpenField {
  const col = columns?.get(f.name);
  const notes = [f.key ? '主键' : null, f.required ? '必填' : null, f.piiKind ? `${PII_NOTE}（${f.piiKind}）` : null, f.commercialSecret ? '商业秘密' : null].filter((x): x is string => x !== null);
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    description: notes.join('；'),
    piiKind: f.piiKind ?? null,
    treatment: col ? col.treatment : columns ? 'drop' : null,
    treatmentLabel: col ? (col.treatmentLabel ?? null) : columns ? '不开放（已删除）' : null,
    open: columns ? col !== undefined : true,
  };
}

function notDownloadableReason(c: Candidate, access: OpenAccess | null): string {
  if (c.openAttr === 'conditional') return `有条件开放数据不提供公开下载：请登录后提交开放申请，经数据提供单位同意后获取（${ART.conditional}）`;
  if (access && !access.ok) return access.reason;
  return '该数据集尚未汇聚数据，暂无可下载的文件';
}

/**
 * The anonymisation gate as the dataset page shows it (000 第十九条): not needed for an entry
 * without personal information or commercial secrets; else the latest report on the live data
 * version (passed or failed, with its k and reason), or pending while none was made.
 */
async function gateView(k: Kernel, entryId: string, fields: readonly CatalogField[], liveVersion: number | null): Promise<GateView | null> {
  const needs = fields.some((f) => !!f.piiKind?.trim() || f.commercialSecret === true);
  if (!needs) return { status: 'not_needed', checkedAt: null, k: null, reason: null };
  if (liveVersion === null) return null;
  const report = await latestReport(k.db.kysely, entryId, liveVersion);
  if (!report) return { status: 'pending', checkedAt: null, k: null, reason: `当前数据版本（第 ${liveVersion} 版）尚未经匿名化审查（${ART_GATE}）` };
  return {
    status: report.status === 'passed' ? 'passed' : 'failed',
    checkedAt: new Date(report.checked_at).toISOString(),
    k: report.k,
    reason: report.reason || null,
  };
}

/**
 * Conditionally open data is had by application only (000 第二十条), never from the portal: the
 * anonymous are asked to sign in (401), the signed-in to apply (403); a granted applicant reads it
 * through the delivery module.
 */
function conditionalRefusal(c: Candidate, auth: AuthContext | null): AppError {
  return auth
    ? new AppError('FORBIDDEN', `有条件开放数据须经申请并获数据提供单位同意后，通过数据服务接口获取；不提供公开下载（${c.name}）`, { source: ART.conditional })
    : new AppError('UNAUTHENTICATED', `有条件开放数据须登录后提交开放申请（${c.name}）`, { source: ART.conditional });
}

/** What the open data plane lets the public read of this entry, or its refusal (not loaded, gate not passed…). */
async function requireOpenData(k: Kernel, auth: AuthContext | null, code: string): Promise<{ c: Candidate; access: OpenAccess & { ok: true } }> {
  const c = await findOpenEntry(k, code);
  if (c.openAttr === 'conditional') throw conditionalRefusal(c, auth);
  const access = await openAccess(k.db.kysely, c.code);
  if (!access.ok) throw accessError(access);
  return { c, access };
}

export interface ReadMeta {
  ip: string;
}

/** Counts one use and audits it, in one transaction. */
async function recordUse(
  k: Kernel,
  auth: AuthContext | null,
  c: Candidate,
  use: { kind: 'download' | 'api'; format: 'csv' | 'xlsx' | 'json' | 'rows' | 'ckan'; rows: number; versionNo: number; details: Record<string, unknown> },
  meta: ReadMeta,
): Promise<void> {
  await k.db.kysely.transaction().execute(async (trx) => {
    await repo.countUse(trx, { entryId: c.entryId, day: beijingDate(k.clock.now()), kind: use.kind, format: use.format, rows: use.rows });
    await audit(k, trx, readerOf(auth), {
      action: use.kind === 'download' ? 'open.download' : 'open.api_call',
      objectType: 'catalog_entry',
      objectId: c.entryId,
      purpose: '公共数据开放',
      details: { code: c.code, format: use.format, versionNo: use.versionNo, rows: use.rows, ip: meta.ip, anonymous: auth === null, ...use.details },
    });
  });
}

export interface Download {
  fileName: string;
  mime: string;
  stream: Readable;
}

/**
 * A download of an unconditionally open dataset (000 第二十条: opened at once, no application):
 * counted and audited when it starts, then streamed batch by batch from the open data plane —
 * CSV with a UTF-8 BOM (so Excel reads it), XLSX by the streaming writer, JSON.
 */
export async function download(k: Kernel, auth: AuthContext | null, code: string, format: DownloadFormat, meta: ReadMeta): Promise<Download> {
  const { c, access } = await requireOpenData(k, auth, code);
  await recordUse(k, auth, c, { kind: 'download', format, rows: access.total, versionNo: access.versionNo, details: {} }, meta);
  const batches = openRowStream(k, k.db.kysely, c.code);
  const fileName = downloadFileName(c.code, c.name, format);
  const stream = format === 'csv' ? Readable.from(csvChunks(access.columns, batches)) : format === 'json' ? Readable.from(jsonChunks(c, access, batches)) : xlsxStream(c, access.columns, batches);
  return { fileName, mime: DOWNLOAD_MIME[format], stream };
}

async function* csvChunks(columns: readonly OpenColumn[], batches: AsyncIterable<Record<string, unknown>[]>): AsyncGenerator<string> {
  yield CSV_BOM + csvLine(columns.map((col) => col.name));
  for await (const batch of batches) {
    let chunk = '';
    for (const row of batch) chunk += csvLine(columns.map((col) => row[col.name]));
    if (chunk) yield chunk;
  }
}

async function* jsonChunks(c: Candidate, access: OpenAccess & { ok: true }, batches: AsyncIterable<Record<string, unknown>[]>): AsyncGenerator<string> {
  const head = {
    code: c.code,
    name: c.name,
    provider: c.providerName,
    versionNo: access.versionNo,
    total: access.total,
    fields: access.columns.map((col) => ({ name: col.name, label: col.label, type: col.type, treatment: col.treatment })),
  };
  yield `${JSON.stringify(head).slice(0, -1)},"items":[`;
  let first = true;
  for await (const batch of batches) {
    let chunk = '';
    for (const row of batch) {
      const item: Record<string, unknown> = {};
      for (const col of access.columns) item[col.name] = row[col.name] ?? null;
      chunk += (first ? '\n' : ',\n') + JSON.stringify(item);
      first = false;
    }
    if (chunk) yield chunk;
  }
  yield '\n]}\n';
}

function xlsxStream(c: Candidate, columns: readonly OpenColumn[], batches: AsyncIterable<Record<string, unknown>[]>): Readable {
  const out = new PassThrough();
  // No styles and fast compression: a download is written as fast as the rows are read (styles halve the speed).
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  wb.creator = 'Gongshu';
  wb.title = c.name;
  const write = async () => {
    const ws = wb.addWorksheet('数据', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((col) => ({ header: col.label || col.name, key: col.name, width: Math.min(40, Math.max(10, [...(col.label || col.name)].length * 2 + 2)) }));
    ws.getRow(1).commit();
    for await (const batch of batches) {
      for (const row of batch) {
        const values: Record<string, unknown> = {};
        for (const col of columns) values[col.name] = xlsxValue(row[col.name]);
        ws.addRow(values).commit();
      }
    }
    ws.commit();
    const dict = wb.addWorksheet('数据项');
    dict.columns = [
      { header: '字段名', key: 'name', width: 24 },
      { header: '名称', key: 'label', width: 24 },
      { header: '类型', key: 'type', width: 12 },
      { header: '开放处理', key: 'treatment', width: 24 },
    ];
    for (const col of columns) dict.addRow({ name: col.name, label: col.label, type: col.type, treatment: col.treatment ?? '' }).commit();
    dict.commit();
    await wb.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

const xlsxValue = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);

export interface RowsInput {
  limit: number;
  offset: number;
  q?: string | undefined;
  fields?: string[] | undefined;
  filters: Record<string, string>;
  sort?: Array<{ field: string; desc: boolean }> | undefined;
}

export interface RowsPage {
  items: Record<string, unknown>[];
  total: number;
  next: string | null;
  fields: Array<{ name: string; label: string; type: string; treatment: string | null }>;
}

export const ROWS_MAX_LIMIT = 1000;

/**
 * The open data API: a page of an unconditionally open dataset's rows, filtered by exact values of
 * its open columns. Counted and audited as one API call.
 */
export async function readRows(k: Kernel, auth: AuthContext | null, code: string, input: RowsInput, meta: ReadMeta, via: 'rows' | 'ckan' = 'rows'): Promise<RowsPage & { columns: OpenColumn[]; entry: Candidate }> {
  const { c, access } = await requireOpenData(k, auth, code);
  const open = new Set(access.columns.map((col) => col.name));
  const unknown = [...Object.keys(input.filters), ...(input.fields ?? []), ...(input.sort ?? []).map((s) => s.field)].filter((f) => !open.has(f));
  if (unknown.length) {
    throw new AppError('VALIDATION', `没有这些开放字段：${[...new Set(unknown)].join('、')}（可用：${[...open].join('、')}）`, { fields: [...new Set(unknown)].map((f) => ({ field: f, message: '不是开放字段' })) });
  }
  const page = await openRows(k, k.db.kysely, c.code, {
    ...(input.fields?.length ? { fields: input.fields } : {}),
    filters: input.filters,
    ...(input.q ? { q: input.q } : {}),
    ...(input.sort?.length ? { sort: input.sort } : {}),
    limit: input.limit,
    offset: input.offset,
  });
  await recordUse(k, auth, c, { kind: 'api', format: via, rows: page.rows.length, versionNo: access.versionNo, details: { offset: input.offset, limit: input.limit, filters: input.filters, q: input.q ?? null } }, meta);
  const nextOffset = input.offset + page.rows.length;
  const params = new URLSearchParams({ ...input.filters, limit: String(input.limit), offset: String(nextOffset) });
  if (input.q) params.set('q', input.q);
  return {
    items: page.rows,
    total: page.total,
    next: nextOffset < page.total && page.rows.length > 0 ? `/api/v1/open/entries/${encodeURIComponent(c.code)}/rows?${params.toString()}` : null,
    fields: page.columns.map((col) => ({ name: col.name, label: col.label, type: col.type, treatment: col.treatment })),
    columns: page.columns,
    entry: c,
  };
}

// ---------------------------------------------------------------------------------------------
// Home page and report

const HOME_LIST = 6;

/**
 * The home page's figures and lists. No login. Figures, lists and the domains are counted and
 * ordered in SQL; only the entries the lists show are read.
 */
export async function openStats(k: Kernel) {
  const db = k.db.kysely;
  const top = (where: RawBuilder<boolean>[], sort: OpenSort, facets: repo.FacetQuery[] = []) =>
    repo.searchOpen(db, { where, needs: { usage: sort === 'popular' }, order: repo.OPEN_ORDERS[sort], limit: HOME_LIST, offset: 0, facets });
  const [figures, featuredIds, newest, popular, mostUsedFiles] = await Promise.all([
    repo.openFigures(db),
    repo.featuredEntryIds(db),
    top([], 'newest', [{ name: 'domain', values: { one: repo.OPEN_FACET_VALUES.domain }, where: repo.andAll([]) }]),
    top([], 'popular'),
    // Without a choice of the operator: the most used unconditionally open data that is loaded.
    top([repo.MAY_HAVE_FILES], 'popular'),
  ]);
  // One look-up for the lists (they overlap); a featured entry no longer open is left out.
  const byId = new Map((await candidatesIn(k, [...new Set([...featuredIds, ...newest.ids, ...popular.ids, ...mostUsedFiles.ids])])).map((c) => [c.entryId, c]));
  const candidatesOf = (ids: readonly string[]) => ids.map((id) => byId.get(id)).filter((c): c is Candidate => c !== undefined);
  let featured = candidatesOf(featuredIds);
  if (featured.length === 0) featured = candidatesOf(mostUsedFiles.ids);
  const union = [...new Map([...featured, ...candidatesOf(newest.ids), ...candidatesOf(popular.ids)].map((c) => [c.entryId, c])).values()];
  const views = new Map((await summariesOf(k, union)).map((v) => [v.id, v]));
  const viewsOf = (cs: Candidate[]) => cs.map((c) => views.get(c.entryId)).filter((v): v is OpenEntrySummary => v !== undefined);
  return {
    ...figures,
    featured: viewsOf(featured),
    newest: viewsOf(candidatesOf(newest.ids)),
    popular: viewsOf(candidatesOf(popular.ids)),
    domains: facetsFromCounts(newest.facets, {}).domain,
  };
}

/**
 * The province-wide open data report of a year (000 第四章): datasets open at the end of it (and
 * opened during it), and per provider and per dataset the downloads and API calls of the year,
 * with the applications and demands figures. No login: the report is public.
 */
export async function openReport(k: Kernel, year: number | undefined) {
  const today = beijingDate(k.clock.now());
  const y = year ?? Number(today.slice(0, 4));
  if (y < 2000 || y > Number(today.slice(0, 4))) throw new AppError('VALIDATION', `报告年度应在 2000 至 ${today.slice(0, 4)} 之间`, { fields: [{ field: 'year', message: '年度不在范围内' }] });
  const from = `${y}-01-01`;
  const to = `${y}-12-31`;
  const [all, opened, usage, months, applications, demands] = await Promise.all([
    repo.openCandidates(k.db.kysely, null),
    repo.firstOpened(k.db.kysely),
    repo.usagePerEntry(k.db.kysely, from, to),
    repo.usageMonthsAll(k.db.kysely, from, to),
    applicationFigures(k.db.kysely, y),
    demandFigures(k.db.kysely, y),
  ]);
  const startOfYear = new Date(`${y}-01-01T00:00:00+08:00`);
  const endOfYear = new Date(`${y + 1}-01-01T00:00:00+08:00`);
  const openedAt = (c: Candidate) => opened.get(c.entryId) ?? c.publishedAt;
  // The entries open now that were opened by the end of the year.
  const open = all.filter((c) => openedAt(c) < endOfYear);
  const datasets = open
    .map((c) => ({ id: c.entryId, code: c.code, name: c.name, provider: { id: c.providerId, name: c.providerName }, openAttr: c.openAttr, domain: c.domain, downloads: usage.get(c.entryId)?.downloads ?? 0, apiCalls: usage.get(c.entryId)?.apiCalls ?? 0 }))
    .sort((a, b) => b.downloads + b.apiCalls - (a.downloads + a.apiCalls) || (a.code < b.code ? -1 : 1));
  const providers = new Map<string, { id: string; name: string; datasets: number; unconditional: number; conditional: number; downloads: number; apiCalls: number }>();
  for (const d of datasets) {
    const p = providers.get(d.provider.id) ?? { id: d.provider.id, name: d.provider.name, datasets: 0, unconditional: 0, conditional: 0, downloads: 0, apiCalls: 0 };
    p.datasets++;
    p[d.openAttr]++;
    p.downloads += d.downloads;
    p.apiCalls += d.apiCalls;
    providers.set(p.id, p);
  }
  const openedInYear = open.filter((c) => openedAt(c) >= startOfYear).length;
  return {
    year: y,
    generatedAt: k.clock.now().toISOString(),
    totals: {
      datasets: open.length,
      unconditional: open.filter((c) => c.openAttr === 'unconditional').length,
      conditional: open.filter((c) => c.openAttr === 'conditional').length,
      openedInYear,
      providers: providers.size,
      downloads: datasets.reduce((s, d) => s + d.downloads, 0),
      apiCalls: datasets.reduce((s, d) => s + d.apiCalls, 0),
    },
    byMonth: usageByMonth(months, y === Number(today.slice(0, 4)) ? today : to, 12).filter((m) => m.month.startsWith(String(y))),
    providers: [...providers.values()].sort((a, b) => b.downloads + b.apiCalls - (a.downloads + a.apiCalls) || b.datasets - a.datasets || a.name.localeCompare(b.name, 'zh-CN')),
    datasets,
    applications,
    demands,
  };
}

/** Who chooses the home page's featured datasets: the platform operator or the opening authority. */
export const FEATURE_NEEDS = '平台管理员或营商环境建设主管部门（sharing_authority）的用户';
const mayFeature = (auth: AuthContext) => isPlatformAdmin(auth) || hasOrgRole(auth, 'sharing_authority');

/** Sets the featured datasets (in order). Only open entries may be featured. */
export async function setFeatured(k: Kernel, authOrNull: AuthContext | null, entryIds: string[]) {
  const auth = requireAuth(authOrNull);
  requirePermission(mayFeature(auth), FEATURE_NEEDS);
  const ids = [...new Set(entryIds)];
  const found = await repo.openCandidates(k.db.kysely, null, { entryIds: ids });
  const missing = ids.filter((id) => !found.some((c) => c.entryId === id));
  if (missing.length) throw new AppError('RULE_VIOLATION', `只能推荐开放目录中的数据集：${missing.join('、')}`, { source: ART.open });
  await k.db.kysely.transaction().execute(async (trx) => {
    await repo.replaceFeatured(trx, ids, auth.user.id, k.clock.now());
    await audit(k, trx, actorOf(auth), { action: 'open.featured.set', objectType: 'open_featured', details: { entryIds: ids } });
  });
  return { entryIds: ids };
}
