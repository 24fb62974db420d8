/**
 * The open data portal over HTTP (000 第十七至二十条): anyone, without logging in, searches the open
 * catalog with facets, reads a dataset page, downloads unconditionally open data as CSV, XLSX and
 * JSON and reads it through the open data API; conditional data is refused to the anonymous (401)
 * and to the signed-in without a grant (403), citing 第二十条; data not open is not found; data
 * with personal information waits for the gate (409, 第十九条). Every download and API call is
 * counted per entry per day and audited; the API's rate limits hold on both sides; portal pages
 * carry their title and description for search engines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import { beijingDate } from '../../kernel/clock.js';
import type { CatalogField } from '../catalog/tables.js';
import { synthIdNumber } from '../ingest/synth.js';
import { loadCsv, makeOpenEntry, statsCsv } from './factories.js';

let env: TestEnv;
let as: Awaited<ReturnType<typeof signIn>>;
const db = () => env.k.db.kysely;
const ANON_LIMIT = 5;
const KEY_LIMIT = 12;
const ROWS = 30;
const ART19 = '000 第十九条';
const ART20 = '000 第二十条';

const E = {
  open: { id: '', code: '' },
  cond: { id: '', code: '' },
  none: { id: '', code: '' },
  empty: { id: '', code: '' },
  pii: { id: '', code: '' },
  odd: { id: '', code: '' },
};
const ORG = '海南省生态环境厅';
let orgId = '';
let webDir = '';

/** Each anonymous request from its own address, so the rate limit tests alone exhaust one. */
let ipSeq = 0;
const nextIp = () => `10.1.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
const anon = (url: string, opts: Partial<InjectOptions> = {}): Promise<LightMyRequestResponse> =>
  env.app.inject({ method: 'GET', url, remoteAddress: nextIp(), ...opts } as InjectOptions);

const PII_FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'visits', label: '就诊次数', type: 'integer' },
];

beforeAll(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-open-web-'));
  fs.writeFileSync(
    path.join(webDir, 'index.html'),
    '<!doctype html>\n<html lang="zh-CN">\n  <head>\n    <meta charset="UTF-8" />\n    <meta name="description" content="公数 — 平台" />\n    <title>公数 · 公共数据资源开发利用平台</title>\n  </head>\n  <body><div id="root"></div></body>\n</html>\n',
  );
  env = await testEnv({ webDir, config: { loginRateLimitPerMinute: 100_000, openApiRateLimitPerMinute: ANON_LIMIT, openApiKeyRateLimitPerMinute: KEY_LIMIT } });
  as = await signIn(env.app, ['sthj_clerk', 'zhangsan', 'yelin_admin', 'admin', 'gat_clerk']);
  orgId = (await db().selectFrom('orgs').select('id').where('name', '=', ORG).executeTakeFirstOrThrow()).id;
  E.open = await makeOpenEntry(env.k, ORG, '测试红树林观测统计', undefined, { category: '测试领域', description: '全省红树林保护区月度观测统计，按区划汇总。', priorityAreas: ['ecology'] });
  E.cond = await makeOpenEntry(env.k, ORG, '测试湿地有条件统计', undefined, { openAttr: 'conditional', category: '测试领域' });
  E.none = await makeOpenEntry(env.k, ORG, '测试红树林不开放统计', undefined, { openAttr: 'none', category: '测试领域' });
  E.empty = await makeOpenEntry(env.k, ORG, '测试红树林未入库统计', undefined, { category: '测试领域', updateFrequency: 'yearly' });
  E.pii = await makeOpenEntry(env.k, ORG, '测试就诊人次', PII_FIELDS, { category: '卫生健康' });
  E.odd = await makeOpenEntry(env.k, ORG, '测试<b>标记</b>&"引号"数据', undefined, { category: '测试领域', description: '描述含 <script>alert(1)</script> 与 & 符号。' });
  const clerk = as('sthj_clerk');
  expect(await loadCsv(env.app, clerk, E.open.id, statsCsv(ROWS))).toMatchObject({ status: 'committed', rowsAccepted: ROWS });
  await loadCsv(env.app, clerk, E.cond.id, statsCsv(5));
  await loadCsv(env.app, clerk, E.none.id, statsCsv(5));
  // Six people: enough for k = 5 once the identifiers are pseudonymised.
  await loadCsv(env.app, clerk, E.pii.id, `id_number,visits\n${[1, 2, 3, 4, 5, 6].map((i) => `${synthIdNumber('460105', '19900307', i)},${i}`).join('\n')}\n`);
}, 120_000);

afterAll(async () => {
  await env?.close();
  if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
});

type Summary = { id: string; code: string; name: string; openAttr: string; downloadable: boolean; downloads: number; apiCalls: number; rows: number | null; fieldCount: number; provider: { id: string; name: string }; updatedAt: string | null; summary: string };
type Facet = { value: string; label: string; count: number };
type ListBody = { items: Summary[]; total: number; facets: Record<'provider' | 'domain' | 'openAttr' | 'updateFrequency', Facet[]> };

describe('the open catalog', () => {
  it('lists unconditionally and conditionally open entries to anyone, never those not open', async () => {
    const all = ok<ListBody>(await anon('/api/v1/open/entries?limit=100'));
    const codes = all.items.map((i) => i.code);
    expect(codes).toContain(E.open.code);
    expect(codes).toContain(E.cond.code);
    expect(codes).not.toContain(E.none.code);
    expect(all.items.every((i) => i.openAttr === 'unconditional' || i.openAttr === 'conditional')).toBe(true);
    // The demo's open entries are there too (none of their data is loaded under tests).
    expect(all.items.some((i) => i.name === '企业营业执照信息' && i.downloadable === false)).toBe(true);
    expect(all.total).toBe(all.items.length);
    expect(all.facets.openAttr.map((f) => f.value).sort()).toEqual(['conditional', 'unconditional']);
  });

  it('shows the summary shape: provider, rows, field count, last load, downloadable only when the data may be had', async () => {
    const body = ok<ListBody>(await anon(`/api/v1/open/entries?q=${encodeURIComponent('红树林')}&sort=name`));
    const open = body.items.find((i) => i.code === E.open.code)!;
    expect(open).toMatchObject({ id: E.open.id, name: '测试红树林观测统计', openAttr: 'unconditional', provider: { id: orgId, name: ORG }, domain: '测试领域', updateFrequency: 'monthly', rows: ROWS, fieldCount: 5, downloadable: true, qualityScore: expect.any(Number) });
    expect(open.summary).toBe('全省红树林保护区月度观测统计，按区划汇总。');
    expect(open.updatedAt).not.toBeNull();
    const empty = body.items.find((i) => i.code === E.empty.code)!;
    expect(empty).toMatchObject({ rows: null, updatedAt: null, downloadable: false });
    // The word search found the entries naming it, and not the one not open.
    expect(body.items.map((i) => i.code).sort()).toEqual([E.open.code, E.empty.code].sort());
  });

  it('filters by facet and counts each facet with the other filters applied', async () => {
    const body = ok<ListBody>(await anon(`/api/v1/open/entries?provider=${orgId}&domain=${encodeURIComponent('测试领域')}&openAttr=conditional`));
    expect(body.items.map((i) => i.code)).toEqual([E.cond.code]);
    expect(body.total).toBe(1);
    // openAttr counted over this provider's test-domain entries (its own filter left out): open, empty, odd; and cond.
    const counts = Object.fromEntries(body.facets.openAttr.map((f) => [f.value, f.count]));
    expect(counts).toEqual({ unconditional: 3, conditional: 1 });
    expect(body.facets.openAttr.find((f) => f.value === 'conditional')?.label).toBe('有条件开放');
    // The provider facet counts conditional entries of every provider, with the org's name.
    const mine = body.facets.provider.find((f) => f.value === orgId);
    expect(mine).toMatchObject({ label: ORG, count: 1 });
    const domain = ok<ListBody>(await anon(`/api/v1/open/entries?domain=${encodeURIComponent('测试领域')}&updateFrequency=yearly`));
    expect(domain.items.map((i) => i.code)).toEqual([E.empty.code]);
  });

  it('format=csv keeps only data the public may download', async () => {
    const body = ok<ListBody>(await anon(`/api/v1/open/entries?provider=${orgId}&format=csv`));
    // pii is loaded and unconditional, but the open data plane holds it back until the gate passes.
    expect(body.items.map((i) => i.code)).toEqual([E.open.code]);
    expect(body.items[0]?.downloadable).toBe(true);
    const pii = ok<ListBody>(await anon(`/api/v1/open/entries?provider=${orgId}&q=${encodeURIComponent('就诊人次')}`));
    expect(pii.items.map((i) => [i.code, i.downloadable])).toEqual([[E.pii.code, false]]);
  });

  it('pages stably: limit and offset cover every match once', async () => {
    const all = ok<ListBody>(await anon('/api/v1/open/entries?sort=newest&limit=100'));
    const seen: string[] = [];
    for (let offset = 0; offset < all.total; offset += 7) {
      const page = ok<ListBody>(await anon(`/api/v1/open/entries?sort=newest&limit=7&offset=${offset}`));
      expect(page.total).toBe(all.total);
      seen.push(...page.items.map((i) => i.code));
    }
    expect(seen).toEqual(all.items.map((i) => i.code));
    const past = ok<ListBody>(await anon(`/api/v1/open/entries?limit=7&offset=${all.total}`));
    expect(past.items).toEqual([]);
  });

  it('the routes are in the OpenAPI document', async () => {
    const doc = ok<{ paths: Record<string, unknown> }>(await anon('/api/openapi.json'));
    for (const p of ['/api/v1/open/entries', '/api/v1/open/entries/{code}', '/api/v1/open/entries/{code}/download', '/api/v1/open/entries/{code}/rows', '/api/v1/open/stats', '/api/v1/open/report', '/api/3/action/{action}']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });

  it('refuses a bad sort or limit with 400', async () => {
    refused(await anon('/api/v1/open/entries?sort=random'), 400, 'VALIDATION');
    refused(await anon('/api/v1/open/entries?limit=101'), 400, 'VALIDATION');
    ok(await anon('/api/v1/open/entries?limit=100'));
  });
});

type Detail = Summary & {
  description: string;
  basis: string;
  fields: Array<{ name: string; label: string; type: string; piiKind: string | null; treatment: string | null; open: boolean }>;
  preview: { columns: string[]; rows: Array<Record<string, unknown>> } | null;
  history: Array<{ versionNo: number; loadedAt: string; rows: number }>;
  quality: { score: number | null; dimensions: Record<string, number | null> } | null;
  usage: { downloads: number; apiCalls: number; byMonth: Array<{ month: string; downloads: number; apiCalls: number }>; byFormat: Array<{ kind: string; format: string; count: number }> };
  notDownloadableReason: string | null;
  gate: { status: string; checkedAt: string | null; k: number | null; reason: string | null } | null;
  links: { dcat: string; ckan: string; api: string; downloads: Record<string, string> | null; apply: string | null };
};

describe('the dataset page', () => {
  it('shows the data dictionary, the first 10 rows, the update history, quality and links', async () => {
    const d = ok<Detail>(await anon(`/api/v1/open/entries/${E.open.code}`));
    expect(d.fields.map((f) => f.name)).toEqual(['month', 'region', 'visitors', 'revenue', 'note']);
    expect(d.fields[0]).toMatchObject({ label: '统计月份', type: 'string', piiKind: null, treatment: null, open: true });
    expect(d.preview?.columns).toEqual(['month', 'region', 'visitors', 'revenue', 'note']);
    expect(d.preview?.rows).toHaveLength(10);
    expect(d.preview?.rows[0]).toMatchObject({ month: '2026-01', region: '460200', visitors: 1001 });
    expect(d.history).toEqual([expect.objectContaining({ versionNo: 1, rows: ROWS, live: true })]);
    expect(d.quality?.score).toEqual(expect.any(Number));
    expect(d.quality!.score!).toBeGreaterThanOrEqual(0);
    expect(d.quality!.score!).toBeLessThanOrEqual(100);
    expect(d.gate).toEqual({ status: 'not_needed', checkedAt: null, k: null, reason: null });
    expect(d.notDownloadableReason).toBeNull();
    expect(d.links.dcat).toBe(`/api/v1/catalog/dcat#dataset-${encodeURIComponent(E.open.code)}`);
    expect(d.links.ckan).toBe(`/api/3/action/package_show?id=${E.open.code.toLowerCase()}`);
    expect(d.links.downloads).toEqual({
      csv: `/api/v1/open/entries/${encodeURIComponent(E.open.code)}/download?format=csv`,
      xlsx: `/api/v1/open/entries/${encodeURIComponent(E.open.code)}/download?format=xlsx`,
      json: `/api/v1/open/entries/${encodeURIComponent(E.open.code)}/download?format=json`,
    });
    expect(d.basis).toContain(ART19);
    // Codes are found whatever their case.
    ok(await anon(`/api/v1/open/entries/${E.open.code.toLowerCase()}`));
  });

  it('a conditional entry has no preview and says how to apply (第二十条)', async () => {
    const d = ok<Detail>(await anon(`/api/v1/open/entries/${E.cond.code}`));
    expect(d.preview).toBeNull();
    expect(d.downloadable).toBe(false);
    expect(d.notDownloadableReason).toContain(ART20);
    expect(d.links.downloads).toBeNull();
    expect(d.links.apply).toBe(`/open/datasets/${encodeURIComponent(E.cond.code)}/apply`);
    expect(d.basis).toContain(ART20);
  });

  it('an entry with personal information shows the gate pending and no preview (第十九条)', async () => {
    const d = ok<Detail>(await anon(`/api/v1/open/entries/${E.pii.code}`));
    expect(d.preview).toBeNull();
    expect(d.gate).toMatchObject({ status: 'pending', checkedAt: null });
    expect(d.notDownloadableReason).toContain('匿名化');
    expect(d.fields[0]).toMatchObject({ name: 'id_number', piiKind: 'id_number' });
  });

  it('an entry not open, or unknown, is not found', async () => {
    refused(await anon(`/api/v1/open/entries/${E.none.code}`), 404, 'NOT_FOUND', ART19);
    refused(await anon('/api/v1/open/entries/NO-SUCH-CODE'), 404, 'NOT_FOUND');
  });
});

const downloadUrl = (code: string, format?: string) => `/api/v1/open/entries/${encodeURIComponent(code)}/download${format ? `?format=${format}` : ''}`;

describe('downloads', () => {
  it('CSV: UTF-8 with BOM, the field names as header, every row, quoted cells, file name code + name', async () => {
    const res = await anon(downloadUrl(E.open.code, 'csv'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`${E.open.code}测试红树林观测统计.csv`)}`);
    expect(disposition).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.csv"/);
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = raw.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('month,region,visitors,revenue,note');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[1]).toBe('2026-01,460200,1001,1.5,"备注1，含""引号"", 和逗号"');
  });

  it('CSV is the default format', async () => {
    const res = await anon(downloadUrl(E.open.code));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  });

  it('XLSX: a 数据 sheet with the labels as header and every row, and a 数据项 sheet', async () => {
    const res = await anon(downloadUrl(E.open.code, 'xlsx'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const data = wb.getWorksheet('数据')!;
    expect(data.getRow(1).values).toEqual([undefined, '统计月份', '区划', '接待人次', '收入（万元）', '备注']);
    expect(data.actualRowCount).toBe(ROWS + 1);
    expect(data.getRow(2).getCell(3).value).toBe(1001);
    expect(wb.getWorksheet('数据项')!.actualRowCount).toBe(6);
  });

  it('JSON: the fields and every row as items', async () => {
    const res = await anon(downloadUrl(E.open.code, 'json'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json() as { code: string; versionNo: number; total: number; fields: Array<{ name: string }>; items: Array<Record<string, unknown>> };
    expect(body).toMatchObject({ code: E.open.code, versionNo: 1, total: ROWS });
    expect(body.fields.map((f) => f.name)).toEqual(['month', 'region', 'visitors', 'revenue', 'note']);
    expect(body.items).toHaveLength(ROWS);
    expect(body.items[0]).toEqual({ month: '2026-01', region: '460200', visitors: 1001, revenue: 1.5, note: '备注1，含"引号", 和逗号' });
  });

  it('refuses an unknown format with 400', async () => {
    refused(await anon(downloadUrl(E.open.code, 'pdf')), 400, 'VALIDATION');
  });

  it('conditional data: 401 to the anonymous, 403 to a signed-in user without a grant, citing 第二十条', async () => {
    refused(await anon(downloadUrl(E.cond.code, 'csv')), 401, 'UNAUTHENTICATED', ART20);
    refused(await as('zhangsan').get(downloadUrl(E.cond.code, 'csv')), 403, 'FORBIDDEN', ART20);
    refused(await as('yelin_admin').get(downloadUrl(E.cond.code, 'json')), 403, 'FORBIDDEN', ART20);
  });

  it('data not open is not found; data not loaded or not through the gate is refused with 409', async () => {
    refused(await anon(downloadUrl(E.none.code, 'csv')), 404, 'NOT_FOUND');
    refused(await as('zhangsan').get(downloadUrl(E.none.code, 'csv')), 404, 'NOT_FOUND');
    refused(await anon(downloadUrl(E.empty.code, 'csv')), 409, 'INVALID_STATE');
    refused(await anon(downloadUrl(E.pii.code, 'csv')), 409, 'INVALID_STATE', ART19);
  });
});

type RowsBody = { items: Array<Record<string, unknown>>; total: number; next: string | null; fields: Array<{ name: string }> };
const rowsUrl = (code: string, qs = '') => `/api/v1/open/entries/${encodeURIComponent(code)}/rows${qs ? `?${qs}` : ''}`;

describe('the open data API', () => {
  it('pages the rows with a link to the next page, and filters by exact values', async () => {
    const first = ok<RowsBody>(await anon(rowsUrl(E.open.code, 'limit=12')));
    expect(first.items).toHaveLength(12);
    expect(first.total).toBe(ROWS);
    expect(first.next).toBe(`/api/v1/open/entries/${encodeURIComponent(E.open.code)}/rows?limit=12&offset=12`);
    const last = ok<RowsBody>(await anon(rowsUrl(E.open.code, 'limit=12&offset=24')));
    expect(last.items).toHaveLength(6);
    expect(last.next).toBeNull();
    const filtered = ok<RowsBody>(await anon(rowsUrl(E.open.code, 'month=2026-03')));
    expect(filtered.total).toBe(3);
    expect(filtered.items.every((r) => r.month === '2026-03')).toBe(true);
    const two = ok<RowsBody>(await anon(rowsUrl(E.open.code, 'month=2026-03&region=460201&fields=month,visitors')));
    expect(two.items).toEqual([{ month: '2026-03', visitors: 1015 }]);
    const sorted = ok<RowsBody>(await anon(rowsUrl(E.open.code, 'sort=-visitors&limit=2')));
    expect(sorted.items.map((r) => r.visitors)).toEqual([1030, 1029]);
  });

  it('refuses a filter on a field that is not open with 400, and conditional data as downloads are', async () => {
    const e = refused(await anon(rowsUrl(E.open.code, 'secret=1')), 400, 'VALIDATION');
    expect(e.message).toContain('secret');
    refused(await anon(rowsUrl(E.cond.code)), 401, 'UNAUTHENTICATED', ART20);
    refused(await as('zhangsan').get(rowsUrl(E.cond.code)), 403, 'FORBIDDEN', ART20);
    refused(await anon(rowsUrl(E.none.code)), 404, 'NOT_FOUND');
  });
});

describe('usage', () => {
  it('counts every download and API call per entry per day by format, and shows them on the page', async () => {
    const today = beijingDate(env.k.clock.now());
    const before = ok<Detail>(await anon(`/api/v1/open/entries/${E.open.code}`)).usage;
    await anon(downloadUrl(E.open.code, 'json'));
    await anon(rowsUrl(E.open.code, 'limit=3'));
    await anon(rowsUrl(E.open.code, 'limit=3'));
    const d = ok<Detail>(await anon(`/api/v1/open/entries/${E.open.code}`));
    expect(d.usage.downloads).toBe(before.downloads + 1);
    expect(d.usage.apiCalls).toBe(before.apiCalls + 2);
    expect(d.downloads).toBe(d.usage.downloads);
    const month = d.usage.byMonth.at(-1)!;
    expect(month).toEqual({ month: today.slice(0, 7), downloads: d.usage.downloads, apiCalls: d.usage.apiCalls });
    expect(d.usage.byMonth).toHaveLength(12);
    const rows = await db().selectFrom('open_usage').selectAll().where('entry_id', '=', E.open.id).execute();
    expect(rows.every((r) => r.day === today)).toBe(true);
    const byFormat = Object.fromEntries(rows.map((r) => [`${r.kind}:${r.format}`, Number(r.count)]));
    // csv twice (explicit and default), xlsx once, json twice.
    expect(byFormat).toMatchObject({ 'download:csv': 2, 'download:xlsx': 1, 'download:json': 2 });
    expect(byFormat['api:rows']).toBe(d.usage.apiCalls);
    // Refused reads count nothing.
    const cond = await db().selectFrom('open_usage').selectAll().where('entry_id', 'in', [E.cond.id, E.none.id, E.pii.id, E.empty.id]).execute();
    expect(cond).toEqual([]);
  });

  it('audits every download and API call: the anonymous as the platform with the IP, the signed-in as themselves', async () => {
    await env.app.inject({ method: 'GET', url: downloadUrl(E.open.code, 'csv'), remoteAddress: '10.9.9.9' });
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'open.download').where('object_id', '=', E.open.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ actor_user_id: null, actor_org_id: null, object_type: 'catalog_entry', purpose: '公共数据开放' });
    expect(ev.details).toMatchObject({ code: E.open.code, format: 'csv', ip: '10.9.9.9', anonymous: true, rows: ROWS, versionNo: 1 });
    ok(await as('zhangsan').get(rowsUrl(E.open.code, 'limit=1')));
    const call = await db().selectFrom('audit_events').selectAll().where('action', '=', 'open.api_call').where('object_id', '=', E.open.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    const zs = await db().selectFrom('users').select(['id', 'org_id']).where('login', '=', 'zhangsan').executeTakeFirstOrThrow();
    expect(call).toMatchObject({ actor_user_id: zs.id, actor_org_id: zs.org_id });
    expect(call.details).toMatchObject({ rows: 1, anonymous: false, format: 'rows' });
  });

  it('sorts by popularity', async () => {
    const body = ok<ListBody>(await anon(`/api/v1/open/entries?provider=${orgId}&sort=popular`));
    expect(body.items[0]?.code).toBe(E.open.code);
  });
});

describe('rate limits of the open data API', () => {
  it(`anonymous: ${ANON_LIMIT} calls a minute per IP, the next one 429 naming the limit; another IP unaffected`, async () => {
    const ip = '10.200.0.1';
    const call = (remoteAddress: string) => env.app.inject({ method: 'GET', url: rowsUrl(E.open.code, 'limit=1'), remoteAddress });
    for (let i = 0; i < ANON_LIMIT; i++) ok(await call(ip));
    const e = refused(await call(ip), 429, 'RATE_LIMITED');
    expect(e.message).toContain(`每分钟最多 ${ANON_LIMIT} 次`);
    expect(e.details).toMatchObject({ limitPerMinute: ANON_LIMIT, by: 'ip' });
    ok(await call('10.200.0.2'));
  });

  it(`with a registered API key: ${KEY_LIMIT} calls a minute, counted by key not by IP`, async () => {
    const made = ok<{ key: string }>(await as('yelin_admin').post('/api/v1/api-keys', { name: '开放数据调用', expiresInDays: 30 }), 201);
    const ip = '10.201.0.1';
    const call = () => env.app.inject({ method: 'GET', url: rowsUrl(E.open.code, 'limit=1'), remoteAddress: ip, headers: { authorization: `Bearer ${made.key}` } });
    for (let i = 0; i < KEY_LIMIT; i++) ok(await call());
    const e = refused(await call(), 429, 'RATE_LIMITED');
    expect(e.message).toContain(`每分钟最多 ${KEY_LIMIT} 次`);
    expect(e.details).toMatchObject({ limitPerMinute: KEY_LIMIT, by: 'api_key' });
    // The same IP without the key has its own, untouched allowance.
    ok(await env.app.inject({ method: 'GET', url: rowsUrl(E.open.code, 'limit=1'), remoteAddress: ip }));
  });

  it('the default limits are 60 and 600 a minute', async () => {
    const { loadConfig } = await import('../../kernel/config.js');
    const c = loadConfig({ NODE_ENV: 'test' }, {});
    expect([c.openApiRateLimitPerMinute, c.openApiKeyRateLimitPerMinute]).toEqual([60, 600]);
  });
});

describe('home page figures, featured datasets and the report', () => {
  type Stats = { datasets: number; providers: number; rows: number; downloads: number; apiCalls: number; featured: Summary[]; newest: Summary[]; popular: Summary[]; domains: Facet[] };

  it('counts datasets, providers, rows and usage; without a choice features the most used downloadable data', async () => {
    const s = ok<Stats>(await anon('/api/v1/open/stats'));
    const all = ok<ListBody>(await anon('/api/v1/open/entries?limit=100'));
    expect(s.datasets).toBe(all.total);
    expect(s.providers).toBe(new Set(all.items.map((i) => i.provider.id)).size);
    expect(s.rows).toBe(all.items.reduce((n, i) => n + (i.rows ?? 0), 0));
    expect(s.downloads).toBe(all.items.reduce((n, i) => n + i.downloads, 0));
    expect(s.apiCalls).toBe(all.items.reduce((n, i) => n + i.apiCalls, 0));
    expect(s.featured[0]?.code).toBe(E.open.code);
    expect(s.popular[0]?.code).toBe(E.open.code);
    expect(s.newest.length).toBeGreaterThan(0);
    expect(s.domains.find((d) => d.value === '测试领域')?.count).toBe(4);
  });

  it('the operator sets the featured datasets, in order; only open entries; others may not', async () => {
    ok(await as('admin').put('/api/v1/open/featured', { entryIds: [E.cond.id, E.open.id] }));
    const s = ok<Stats>(await anon('/api/v1/open/stats'));
    expect(s.featured.map((f) => f.code)).toEqual([E.cond.code, E.open.code]);
    refused(await as('admin').put('/api/v1/open/featured', { entryIds: [E.none.id] }), 422, 'RULE_VIOLATION');
    refused(await as('zhangsan').put('/api/v1/open/featured', { entryIds: [E.open.id] }), 403, 'FORBIDDEN');
    refused(await anon('/api/v1/open/featured', { method: 'PUT', payload: { entryIds: [] } }), 401, 'UNAUTHENTICATED');
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'open.featured.set').executeTakeFirstOrThrow();
    expect(ev.details).toEqual({ entryIds: [E.cond.id, E.open.id] });
  });

  it('the report of the year: per provider and per dataset downloads and API calls, applications and demands', async () => {
    type Report = {
      year: number;
      totals: { datasets: number; downloads: number; apiCalls: number; openedInYear: number; providers: number };
      providers: Array<{ id: string; name: string; datasets: number; downloads: number; apiCalls: number }>;
      datasets: Array<{ code: string; downloads: number; apiCalls: number }>;
      byMonth: Array<{ month: string; downloads: number; apiCalls: number }>;
      applications: unknown;
      demands: unknown;
    };
    const r = ok<Report>(await anon('/api/v1/open/report?year=2026'));
    const s = ok<Stats>(await anon('/api/v1/open/stats'));
    expect(r.year).toBe(2026);
    expect(r.totals).toMatchObject({ datasets: s.datasets, downloads: s.downloads, apiCalls: s.apiCalls });
    // Every entry was published open during 2026 (the demo and the tests both publish at the clock's time).
    expect(r.totals.openedInYear).toBe(r.totals.datasets);
    const mine = r.providers.find((p) => p.id === orgId)!;
    expect(mine).toMatchObject({ name: ORG, datasets: ok<ListBody>(await anon(`/api/v1/open/entries?provider=${orgId}`)).total });
    const open = r.datasets.find((d) => d.code === E.open.code)!;
    expect(mine.downloads).toBe(open.downloads);
    expect(open.downloads).toBeGreaterThan(0);
    expect(r.byMonth.reduce((n, m) => n + m.downloads, 0)).toBe(r.totals.downloads);
    expect(r.byMonth.every((m) => m.month.startsWith('2026-'))).toBe(true);
    expect(r.applications).toBeDefined();
    expect(r.demands).toBeDefined();
    // The year before: nothing was open yet.
    const last = ok<Report>(await anon('/api/v1/open/report?year=2025'));
    expect(last.totals).toMatchObject({ datasets: 0, downloads: 0, apiCalls: 0 });
    refused(await anon('/api/v1/open/report?year=2027'), 400, 'VALIDATION');
  });
});

describe('titles and descriptions for search engines', () => {
  const page = async (url: string) => {
    const res = await anon(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const title = /<title>([\s\S]*?)<\/title>/.exec(res.body)?.[1];
    const description = /<meta name="description" content="([^"]*)" \/>/.exec(res.body)?.[1];
    return { body: res.body, title, description };
  };

  it('a dataset page carries the dataset name, provider and summary', async () => {
    const p = await page(`/open/datasets/${encodeURIComponent(E.open.code)}`);
    expect(p.title).toBe(`测试红树林观测统计 · ${ORG} · 公数 开放平台`);
    expect(p.description).toBe(`测试红树林观测统计（${ORG}提供，无条件开放，每月更新）：全省红树林保护区月度观测统计，按区划汇总。`);
    expect(p.body.match(/<title>/g)).toHaveLength(1);
    expect(p.body.match(/name="description"/g)).toHaveLength(1);
  });

  it('escapes what the dataset says', async () => {
    const p = await page(`/open/datasets/${encodeURIComponent(E.odd.code)}`);
    expect(p.title).toBe(`测试&lt;b&gt;标记&lt;/b&gt;&amp;&quot;引号&quot;数据 · ${ORG} · 公数 开放平台`);
    expect(p.description).toContain('&lt;script&gt;alert(1)&lt;/script&gt; 与 &amp; 符号');
    expect(p.body).not.toContain('<script>alert');
  });

  it('the portal pages have their own titles; others keep the app title', async () => {
    expect((await page('/open')).title).toBe('公数 开放平台 · 公共数据开放');
    expect((await page('/open/datasets')).title).toBe('数据目录 · 公数 开放平台');
    expect((await page('/open/report')).title).toBe('开放报告 · 公数 开放平台');
    // An unknown or unopened dataset gets the catalog's title, never its name.
    const none = await page(`/open/datasets/${encodeURIComponent(E.none.code)}`);
    expect(none.title).toBe('数据目录 · 公数 开放平台');
    expect(none.body).not.toContain('不开放统计');
    expect((await page('/catalog')).title).toBe('公数 · 公共数据资源开发利用平台');
  });
});

describe('once the anonymisation gate passes (第十九条)', () => {
  it('the page shows the report and the treatments, and the data opens through them', async () => {
    const clerk = as('sthj_clerk');
    const enc = encodeURIComponent(E.pii.code);
    ok(await clerk.put(`/api/v1/open/entries/${enc}/gate/plan`, { treatments: { id_number: 'pseudonymise', visits: 'keep' }, quasiIdentifiers: [] }));
    const run = ok<{ status: string }>(await clerk.post(`/api/v1/open/entries/${enc}/gate/run`), 201);
    expect(run.status).toBe('passed');
    const d = ok<Detail & { fields: Array<{ treatmentLabel: string | null }> }>(await anon(`/api/v1/open/entries/${enc}`));
    expect(d.gate).toMatchObject({ status: 'passed', k: env.k.profile.params.kAnonymityK.value });
    expect(d.gate?.checkedAt).toEqual(expect.any(String));
    expect(d.downloadable).toBe(true);
    expect(d.fields[0]).toMatchObject({ name: 'id_number', treatment: 'pseudonymise', treatmentLabel: '假名化', open: true });
    const raw = synthIdNumber('460105', '19900307', 1);
    const csv = await anon(downloadUrl(E.pii.code, 'csv'));
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain(raw);
    expect(d.preview?.rows[0]?.id_number).not.toBe(raw);
  });
});
