/** Sandbox routes (数据可用不可见; 002 第十一条): views, queries, results and their release (出域审查). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as sandbox from './sandbox.service.js';
import { DecideReleaseBody, DownloadQuery, QueryBody, QueryListQuery, QueryParams, ReleaseListQuery } from './sandbox.schema.js';

const tags = ['sandbox'];

export const sandboxRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/sandbox/views',
    {
      schema: {
        tags,
        summary: '沙箱视图：本单位有效的沙箱授权数据集、各列的类型、名称与策略、最小分组人数、差分隐私预算与剩余 ε',
        description: '每个授权数据集以目录编码为视图名（SQL 中加双引号）。列策略：plain 明文可见 · aggregate_only 仅可聚合 · group_key 分组键 · join_key 仅可关联 · filter_only 仅可筛选 · hidden 不可见。unavailable 列出暂不能分析的授权及原因。',
      },
    },
    async (req) => sandbox.listViews(k, authOf(req)),
  );

  r.post(
    '/api/v1/sandbox/queries',
    {
      schema: {
        tags,
        summary: '在沙箱中运行一条查询（数据可用不可见）',
        description:
          '查询先按列策略检查（PostgreSQL 解析器），违反即 422 { error: { code: "policy_violation", message, column, rule, source, queryId } }；通过后只读运行（语句时限、行数上限），' +
          '少于最小分组人数的分组被删除并计数（suppressedGroups），差分隐私授权加噪并扣减 ε。结果留在平台内，出域须申请审查。每次查询（含被拒绝的）均记录并写入审计。',
        body: QueryBody,
      },
    },
    async (req, reply) => reply.status(201).send(await sandbox.runQuery(k, authOf(req), req.body.sql)),
  );

  r.get('/api/v1/sandbox/queries', { schema: { tags, summary: '本单位的沙箱查询记录（不含结果行）', querystring: QueryListQuery } }, async (req) =>
    sandbox.listQueries(k, authOf(req), req.query),
  );

  r.get('/api/v1/sandbox/queries/:id', { schema: { tags, summary: '一条沙箱查询及其结果（本单位；实施机构可查看已申请出域的结果）', params: QueryParams } }, async (req) =>
    sandbox.getQuery(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/sandbox/queries/:id/release',
    {
      schema: {
        tags,
        summary: '申请结果出域（出域审查）',
        description: '逐值扫描结果中的身份证号、手机号、统一社会信用代码等标识，发现即拦截（422 output_contains_identifiers，列出列与类型）；授权要求审核的，待实施机构同意后出域。',
        params: QueryParams,
      },
    },
    async (req) => sandbox.requestRelease(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/sandbox/queries/:id/release/decide',
    { schema: { tags, summary: '实施机构审核结果出域：同意或不同意（须说明理由）', params: QueryParams, body: DecideReleaseBody } },
    async (req) => sandbox.decideRelease(k, authOf(req), req.params.id, req.body),
  );

  r.get('/api/v1/sandbox/releases', { schema: { tags, summary: '申请出域的沙箱结果（实施机构；status 筛选，不填为全部）', querystring: ReleaseListQuery } }, async (req) =>
    sandbox.listReleases(k, authOf(req), req.query),
  );

  r.get(
    '/api/v1/sandbox/queries/:id/download',
    { schema: { tags, summary: '下载已出域的结果（CSV 或 JSON）', params: QueryParams, querystring: DownloadQuery } },
    async (req, reply) => {
      const file = await sandbox.downloadResult(k, authOf(req), req.params.id, req.query.format ?? 'csv');
      return reply.type(file.contentType).header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
    },
  );
};
