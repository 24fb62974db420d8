/** Scheduled-pull routes: an entry's registered HTTP endpoint, running it now, and its runs (000 第八条). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as pull from './pull.service.js';
import { PullEntryParams, PullRunResultSchema, PullRunsQuery, PullRunsSchema, PullSourceBody, PullSourceSchema } from './pull.schema.js';

const tags = ['ingest'];

export const pullRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.put(
    '/api/v1/catalog/entries/:id/pull-source',
    {
      schema: {
        tags,
        summary: '登记或替换定时拉取来源（提供单位）',
        description:
          '000 第八条（服务接口）。只接受 http/https 地址；请求头（如 Authorization）SM4 加密保存、不再返回；计划按目录更新频率（实时每 15 分钟，每日在所设北京时间，每周一、每月 1 日……）或指定间隔（5–10080 分钟）。拉取以登记人的身份汇聚，登记人停用或失去权限时拉取暂停。',
        params: PullEntryParams,
        body: PullSourceBody,
        response: { 200: PullSourceSchema },
      },
    },
    async (req) => pull.putPullSource(k, authOf(req), req.params.id, req.body),
  );

  r.get(
    '/api/v1/catalog/entries/:id/pull-source',
    { schema: { tags, summary: '查看定时拉取来源（提供单位；请求头只显示名称）', params: PullEntryParams, response: { 200: PullSourceSchema } } },
    async (req) => pull.getPullSource(k, authOf(req), req.params.id),
  );

  r.delete(
    '/api/v1/catalog/entries/:id/pull-source',
    { schema: { tags, summary: '停用定时拉取（登记与拉取记录保留）', params: PullEntryParams, response: { 200: PullSourceSchema } } },
    async (req) => pull.deactivatePullSource(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/catalog/entries/:id/pull-source/run',
    {
      schema: {
        tags,
        summary: '立即拉取一次（提供单位）',
        description: '返回本次拉取记录与汇聚报告（若有）：committed 已汇聚、unchanged 未变化（304）、refused 整批拒收、failed 失败。',
        params: PullEntryParams,
        response: { 200: PullRunResultSchema },
      },
    },
    async (req) => pull.runPullNow(k, authOf(req), req.params.id),
  );

  r.get(
    '/api/v1/catalog/entries/:id/pull-runs',
    { schema: { tags, summary: '定时拉取记录（最新在前；提供单位）', params: PullEntryParams, querystring: PullRunsQuery, response: { 200: PullRunsSchema } } },
    async (req) => pull.listPullRuns(k, authOf(req), req.params.id, { limit: req.query.limit ?? 20, offset: req.query.offset ?? 0 }),
  );
};
