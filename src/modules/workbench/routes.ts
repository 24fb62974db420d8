/** The workbench (工作台): my org's duties on the deadline ledger, and notifications. */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import { listDuties } from '../../kernel/deadlines.js';
import { listNotifications, markRead } from '../../kernel/notifications.js';
import { describeSource } from '../../jurisdictions/profile.js';

export const workbenchRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/duties',
    {
      schema: {
        tags: ['workbench'],
        summary: '本机构的待办时限（默认仅未办结的，最早到期在前）',
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('overdue'), Type.Literal('all')])) }),
      },
    },
    async (req) => {
      const auth = authOf(req);
      const items = await listDuties(k, k.db.kysely, auth.org.id, req.query.status ?? 'open');
      return { items: items.map((d) => ({ ...d, sourceText: describeSource(k.profile, d.source) })) };
    },
  );
  r.get('/api/v1/notifications', { schema: { tags: ['workbench'], summary: '本机构与本人的通知（新到旧）' } }, async (req) => {
    const auth = authOf(req);
    const items = await listNotifications(k.db.kysely, auth.org.id, auth.user.id);
    return { items, unread: items.filter((n) => !n.readAt).length };
  });
  r.post(
    '/api/v1/notifications/:id/read',
    { schema: { tags: ['workbench'], summary: '标记已读', params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (req, reply) => {
      const auth = authOf(req);
      await markRead(k, k.db.kysely, auth.org.id, auth.user.id, req.params.id);
      return reply.status(204).send();
    },
  );
  r.post('/api/v1/notifications/read-all', { schema: { tags: ['workbench'], summary: '全部标记已读' } }, async (req, reply) => {
    const auth = authOf(req);
    await markRead(k, k.db.kysely, auth.org.id, auth.user.id, null);
    return reply.status(204).send();
  });
};
