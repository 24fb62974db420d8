/** Delivery routes: the service API over the data plane, grant-bound API keys, a grant's usage. */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as delivery from './service.js';
import { DataParams, DataQuery, GrantKeyBody, GrantKeyParams, GrantParams } from './schema.js';

const tags = ['delivery'];

export const deliveryRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/data/:code',
    {
      schema: {
        tags,
        summary: '服务接口：按共享授权读取目录数据',
        description:
          '以绑定共享授权的 API 密钥（Authorization: Bearer gsk_…）调用。每次请求即时校验授权（暂停、撤销、过期即拒绝）；只返回授权的数据项，个人信息未经授权明文提供的脱敏；' +
          '筛选 ?字段=值、?字段=in:a,b、?字段=gte:x / lte: / gt: / lt:（仅限授权的数据项）；按主键翻页（limit ≤ 1000，after = 上一页的 next）；' +
          '格式 JSON（默认，{ items, next }）、NDJSON（Accept: application/x-ndjson 或 ?format=ndjson）、CSV（?format=csv）。下一页游标也在响应头 x-next-cursor 中。每次调用计量并记入审计。',
        params: DataParams,
        querystring: DataQuery,
      },
    },
    async (req, reply) => {
      const page = await delivery.readData(k, authOf(req), req.params.code, req.query as Record<string, unknown>, req.headers.accept);
      reply.type(page.contentType).header('cache-control', 'no-store').header('x-row-count', String(page.rows));
      if (page.next) reply.header('x-next-cursor', page.next);
      if (page.format === 'json') return reply.send(page.chunks[0]);
      return reply.send(Readable.from(page.chunks));
    },
  );

  r.post(
    '/api/v1/grants/:id/keys',
    {
      schema: {
        tags,
        summary: '为共享授权创建 API 密钥（被授权单位；仅返回一次）',
        description: '密钥只能读取该授权的数据（/api/v1/data/…），有效期不晚于授权的使用时限；授权须有效且含服务接口（api）方式。',
        params: GrantParams,
        body: GrantKeyBody,
      },
    },
    async (req, reply) => reply.status(201).send(await delivery.createGrantKey(k, authOf(req), req.params.id, req.body)),
  );

  r.get('/api/v1/grants/:id/keys', { schema: { tags, summary: '共享授权的 API 密钥（不含密钥本身）', params: GrantParams } }, async (req) =>
    delivery.listGrantKeys(k, authOf(req), req.params.id),
  );

  r.delete('/api/v1/grants/:id/keys/:keyId', { schema: { tags, summary: '吊销共享授权的 API 密钥', params: GrantKeyParams } }, async (req) =>
    delivery.revokeGrantKey(k, authOf(req), req.params.id, req.params.keyId),
  );

  r.get(
    '/api/v1/grants/:id/usage',
    { schema: { tags, summary: '共享授权近 30 天的调用量：合计与逐日调用次数、行数、字节数（被授权单位与提供单位）', params: GrantParams } },
    async (req) => delivery.grantUsage(k, authOf(req), req.params.id),
  );
};
