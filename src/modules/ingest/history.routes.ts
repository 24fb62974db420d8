/** The load history of an entry (000 第八条): what was loaded, when, by whom, and how it ended. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import { loadHistory } from './history.js';

const Uuid = Type.String({ format: 'uuid' });
const Status = Type.Union([Type.Literal('received'), Type.Literal('validating'), Type.Literal('committed'), Type.Literal('refused'), Type.Literal('failed')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const LoadSummarySchema = Type.Object({
  id: Uuid,
  status: Status,
  mode: Type.Union([Type.Literal('replace'), Type.Literal('upsert')]),
  format: Type.String(),
  rowsTotal: Type.Integer(),
  rowsAccepted: Type.Integer(),
  rowsRejected: Type.Integer(),
  errorRate: Type.Number(),
  versionNo: Nullable(Type.Integer()),
  message: Nullable(Type.String()),
  by: Type.Object({ userId: Nullable(Uuid), userName: Nullable(Type.String()) }),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});

export const loadHistoryRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/v1/catalog/entries/:id/loads',
    {
      schema: {
        tags: ['ingest'],
        summary: '汇聚记录：本目录的各批次（含被拒收和失败的），最新在前（提供单位）',
        description: '每批的完整报告（含被拒收的行）见 GET /api/v1/loads/{id}。',
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({
          status: Type.Optional(Status),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(LoadSummarySchema), total: Type.Integer() }) },
      },
    },
    async (req) => loadHistory(k, authOf(req), req.params.id, { limit: req.query.limit ?? 20, offset: req.query.offset ?? 0, status: req.query.status }),
  );
};
