/**
 * Routes of the open data portal (000 第四章). HTTP only: parse, call the service, present. All
 * but the featured list's update are public (`req.auth` may be null).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { openApiRateLimit, openDownloadRateLimit } from './rate-limit.js';
import { attachmentHeader } from './rules.js';
import { CodeParams, DownloadQuery, EntriesQuery, FeaturedBody, ReportQuery, RowsQuery } from './schema.js';
import * as open from './service.js';

const tags = ['opening'];
const ROWS_RESERVED = new Set(['limit', 'offset', 'q', 'fields', 'sort']);
const ROWS_DEFAULT_LIMIT = 100;

/** `a,-b` → a ascending, b descending. */
const parseSort = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map((x) => (x.startsWith('-') ? { field: x.slice(1), desc: true } : { field: x, desc: false }));

export const openingRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/open/entries', { schema: { tags, summary: '开放目录检索（分面、排序、分页）；无需登录', querystring: EntriesQuery } }, async (req) => open.listOpenEntries(k, req.query));

  r.get('/api/v1/open/entries/:code', { schema: { tags, summary: '开放数据集详情：数据项、预览、更新记录、质量、使用量；无需登录', params: CodeParams } }, async (req) =>
    open.getOpenEntry(k, req.params.code),
  );

  r.get(
    '/api/v1/open/entries/:code/download',
    {
      schema: {
        tags,
        summary: '下载无条件开放数据（CSV/XLSX/JSON）；无需登录',
        description: `有条件开放数据须申请（000 第二十条）：未登录 401，已登录 403；未通过匿名化审查或尚无数据 409（000 第十九条）。每次下载计入使用量并留痕。限流（与开放数据接口分别计数）：未登录且未使用 API 密钥时每个 IP 每分钟 ${k.config.openDownloadRateLimitPerMinute} 次；登录或使用 API 密钥每分钟 ${k.config.openDownloadKeyRateLimitPerMinute} 次；超出返回 429 并带 Retry-After 响应头。`,
        params: CodeParams,
        querystring: DownloadQuery,
      },
      config: openDownloadRateLimit(k),
    },
    async (req, reply) => {
      const format = req.query.format ?? 'csv';
      const d = await open.download(k, req.auth, req.params.code, format, { ip: req.ip });
      return reply.type(d.mime).header('content-disposition', attachmentHeader(d.fileName, format, req.params.code)).header('cache-control', 'no-store').send(d.stream);
    },
  );

  r.get(
    '/api/v1/open/entries/:code/rows',
    {
      schema: {
        tags,
        summary: '开放数据接口：按页读取无条件开放数据，可按字段精确筛选；无需登录',
        description: `限流：未使用 API 密钥时每个 IP 每分钟 ${k.config.openApiRateLimitPerMinute} 次；使用 API 密钥（Authorization: Bearer gsk_…）每分钟 ${k.config.openApiKeyRateLimitPerMinute} 次；超出返回 429。`,
        params: CodeParams,
        querystring: RowsQuery,
      },
      config: openApiRateLimit(k),
    },
    async (req) => {
      const q = req.query as RowsQuery & Record<string, string>;
      const filters: Record<string, string> = {};
      for (const [key, v] of Object.entries(q)) if (!ROWS_RESERVED.has(key) && typeof v === 'string') filters[key] = v;
      const fields = q.fields ? q.fields.split(',').map((f) => f.trim()).filter((f) => f !== '') : undefined;
      const page = await open.readRows(k, req.auth, req.params.code, { limit: q.limit ?? ROWS_DEFAULT_LIMIT, offset: q.offset ?? 0, q: q.q, fields, filters, sort: parseSort(q.sort) }, { ip: req.ip });
      return { items: page.items, total: page.total, next: page.next, fields: page.fields };
    },
  );

  r.get('/api/v1/open/stats', { schema: { tags, summary: '开放平台首页：数据集、提供单位、数据量、下载与调用总量，推荐、最新、热门数据集；无需登录' } }, async () => open.openStats(k));

  r.get('/api/v1/open/report', { schema: { tags, summary: '全省公共数据开放报告（按年度）：各单位、各数据集的下载与调用，开放申请与需求征集情况；无需登录', querystring: ReportQuery } }, async (req) =>
    open.openReport(k, req.query.year),
  );

  r.put('/api/v1/open/featured', { schema: { tags, summary: '设置首页推荐数据集（平台管理员或营商环境建设主管部门）', body: FeaturedBody } }, async (req) => open.setFeatured(k, req.auth, req.body.entryIds));
};
