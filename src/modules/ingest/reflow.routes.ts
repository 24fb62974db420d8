/** Reflow routes (数据回流, 000 第九条): subscriptions by region, their deliveries, and the delivered rows. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as reflow from './reflow.service.js';
import {
  CancelBody,
  DeliveryListSchema,
  IdParams,
  OptionsQuery,
  OptionsSchema,
  RowsQuery,
  SubscriptionBody,
  SubscriptionListSchema,
  SubscriptionQuery,
  SubscriptionSchema,
} from './reflow.schema.js';

const tags = ['ingest'];

export const reflowRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/reflow/subscriptions',
    { schema: { tags, summary: '数据回流订阅：本单位设立的（provider）或接收的（subscriber）', querystring: SubscriptionQuery, response: { 200: SubscriptionListSchema } } },
    async (req) => reflow.listSubscriptions(k, authOf(req), req.query),
  );

  r.get(
    '/api/v1/reflow/options',
    { schema: { tags, summary: '设立回流的可选项：承载属地的数据项、下级公共管理和服务机构、下级区划（提供单位）', querystring: OptionsQuery, response: { 200: OptionsSchema } } },
    async (req) => reflow.reflowOptions(k, authOf(req), req.query.entryId),
  );

  r.post(
    '/api/v1/reflow/subscriptions',
    {
      schema: {
        tags,
        summary: '设立数据回流（提供单位的机构管理员或数据工作机构负责人，或平台管理员）',
        description:
          '000 第九条：按属地原则向下级公共管理和服务机构回流。订阅单位的区划须严格低于提供单位的区划；回流区划默认且最大为订阅单位的区划；行过滤为区划数据项的区划部分以回流区划的有效前缀开头（460000 → 46，460100 → 4601）。目录已有现行版本的，立即回流一次。',
        body: SubscriptionBody,
        response: { 201: SubscriptionSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await reflow.createSubscription(k, authOf(req), req.body)),
  );

  r.post(
    '/api/v1/reflow/subscriptions/:id/cancel',
    { schema: { tags, summary: '取消数据回流：此后不再回流，已回流的数据不再可读取', params: IdParams, body: CancelBody, response: { 200: SubscriptionSchema } } },
    async (req) => reflow.cancelSubscription(k, authOf(req), req.params.id, req.body ?? {}),
  );

  r.get(
    '/api/v1/reflow/subscriptions/:id/deliveries',
    { schema: { tags, summary: '回流记录：每次汇聚后回流的版本与行数（最新在前）', params: IdParams, response: { 200: DeliveryListSchema } } },
    async (req) => reflow.listDeliveries(k, authOf(req), req.params.id),
  );

  r.get(
    '/api/v1/reflow/deliveries/:id/rows',
    {
      schema: {
        tags,
        summary: '读取回流的数据（订阅单位）：仅本辖区的行，仅该次回流的版本',
        // No response schema: the same path answers JSON (RowsSchema) or a CSV stream.
        description: '版本已不再保留时返回 410 并指明更新的回流。每次读取记入审计（数据读取）。format=csv 时流式下载（text/csv）；否则为 JSON：{ deliveryId, versionNo, regionCode, regionField, total, limit, offset, problem, fields, rows }。',
        params: IdParams,
        querystring: RowsQuery,
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (req.query.format === 'csv') {
        const { filename, body } = await reflow.streamDeliveryCsv(k, auth, req.params.id, { limit: req.query.limit ?? null, offset: req.query.offset ?? 0 });
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(body);
      }
      return reflow.readDeliveryRows(k, auth, req.params.id, { limit: req.query.limit ?? 100, offset: req.query.offset ?? 0 });
    },
  );
};
