/** Audit trail routes (auditors and platform admins). */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as service from './service.js';

const EventQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 64, description: '操作人账号' })),
  org: Type.Optional(Type.String({ format: 'uuid', description: '操作人所属机构' })),
  action: Type.Optional(Type.String({ maxLength: 100, description: '操作，如 org.create；以 . 或 * 结尾按前缀匹配' })),
  objectType: Type.Optional(Type.String({ maxLength: 64 })),
  objectId: Type.Optional(Type.String({ maxLength: 200 })),
  grantId: Type.Optional(Type.String({ maxLength: 200 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const auditRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/audit/events', { schema: { tags: ['audit'], summary: '查询审计事件（新到旧）', querystring: EventQuery } }, async (req) =>
    service.listEvents(k, authOf(req), { ...req.query, limit: req.query.limit ?? 100 }),
  );
  r.get('/api/v1/audit/verify', { schema: { tags: ['audit'], summary: '验证审计哈希链与签名检查点' } }, async (req) => service.verify(k, authOf(req)));
  r.get('/api/v1/audit/checkpoints/latest', { schema: { tags: ['audit'], summary: '最新的 SM2 签名检查点' } }, async (req) => service.latestCheckpoint(k, authOf(req)));
};
