/** Batch export routes: create an export job, its status and progress, the download by expiring link. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as exportService from './export.js';
import { DownloadQuery, ExportBody, ExportListQuery, ExportParams } from './export.schema.js';

const tags = ['delivery'];

export const exportRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/exports',
    {
      schema: {
        tags,
        summary: '批量交换：按共享授权创建导出任务（被授权单位）',
        description:
          '授权须有效且含批量交换（batch）或文件下载（file）方式。任务在后台运行（queued → running → ready | failed），只含授权的数据项，个人信息按授权脱敏，并带有本次提供的水印（少量仿真校验行），' +
          '可用 `gongshu trace <文件>` 查明泄露文件出自哪一次提供。完成后 GET /api/v1/exports/{id} 给出 24 小时内有效的下载链接。',
        body: ExportBody,
      },
    },
    async (req, reply) => reply.status(202).send(await exportService.createExport(k, authOf(req), req.body)),
  );

  r.get('/api/v1/exports', { schema: { tags, summary: '共享授权的导出任务（最近 50 个）', querystring: ExportListQuery } }, async (req) =>
    exportService.listExports(k, authOf(req), req.query.grantId),
  );

  r.get('/api/v1/exports/:id', { schema: { tags, summary: '导出任务：状态、进度、行数、字节数，完成后的下载链接', params: ExportParams } }, async (req) =>
    exportService.getExport(k, authOf(req), req.params.id),
  );

  r.get(
    '/api/v1/exports/:id/download',
    {
      schema: {
        tags,
        summary: '下载导出文件（下载链接 24 小时内有效；下载时再次校验授权，计量并记入审计）',
        params: ExportParams,
        querystring: DownloadQuery,
      },
    },
    async (req, reply) => {
      const d = await exportService.downloadExport(k, authOf(req), req.params.id, req.query.token);
      reply
        .type(d.contentType)
        .header('cache-control', 'no-store')
        .header('content-length', String(d.bytes))
        .header('content-disposition', `attachment; filename="${d.fileName}"`);
      return reply.send(d.stream);
    },
  );
};
