/** Ingest routes: loads of an entry's data, their reports, and the kept dataset versions (000 第八条). */
import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { authOf } from '../../kernel/http.js';
import * as ingest from './service.js';
import { EntryParams, LoadParams, LoadQuery, LoadReportSchema, RowsQuery, RowsSchema, VersionParams, VersionsSchema } from './schema.js';

const tags = ['ingest'];
const CSV = 'text/csv';
const NDJSON = 'application/x-ndjson';

export const ingestRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  // The body is handed over as the raw stream: a load is never read whole into memory.
  app.addContentTypeParser([CSV, NDJSON], (_req, payload, done) => done(null, payload));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/catalog/entries/:id/loads',
    {
      schema: {
        tags,
        summary: '汇聚数据：上传一批数据（text/csv 或 application/x-ndjson，流式）',
        description:
          '000 第八条。逐行校验（类型、必填、身份证号、统一社会信用代码、手机号、银行卡号、行政区划代码）；错误率超过阈值整批拒收（422，details 为报告）；否则合格行在一个事务中成为新的现行版本（replace）或按主键合并（upsert）。',
        params: EntryParams,
        querystring: LoadQuery,
        response: { 201: LoadReportSchema },
      },
    },
    async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      const format = type === CSV ? 'csv' : type === NDJSON ? 'ndjson' : null;
      if (!format) throw new AppError('VALIDATION', `请以 ${CSV} 或 ${NDJSON} 上传`);
      const report = await ingest.receiveLoad(k, authOf(req), req.params.id, { mode: req.query.mode ?? 'replace', format, body: req.body as Readable });
      return reply.status(201).send(report);
    },
  );

  r.get(
    '/api/v1/loads/:id',
    { schema: { tags, summary: '汇聚批次的报告（提供单位）', params: LoadParams, response: { 200: LoadReportSchema } } },
    async (req) => ingest.getLoad(k, authOf(req), req.params.id),
  );

  r.get(
    '/api/v1/catalog/entries/:id/versions',
    { schema: { tags, summary: '数据版本（保留的各版本，最新在前；提供单位）', params: EntryParams, response: { 200: VersionsSchema } } },
    async (req) => ingest.listDatasetVersions(k, authOf(req), req.params.id),
  );

  r.get(
    '/api/v1/catalog/entries/:id/versions/:n/rows',
    { schema: { tags, summary: '读取某一数据版本的行（提供单位）', params: VersionParams, querystring: RowsQuery, response: { 200: RowsSchema } } },
    async (req) => ingest.readVersionRows(k, authOf(req), req.params.id, req.params.n, { limit: req.query.limit ?? 100, offset: req.query.offset ?? 0 }),
  );
};
