/**
 * Pushed-file routes (批量文件推送, 000 第八条): declare a file, send it in chunks that resume where
 * they stopped, complete it into a load; and the lookup of an entry by its code that a push
 * starts from.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { authOf } from '../../kernel/http.js';
import { LoadReportSchema } from './schema.js';
import * as uploads from './uploads.js';
import { ChunkParams, ChunkResultSchema, CreatedUploadSchema, EntryCodeParams, EntryRefSchema, UploadBody, UploadEntryParams, UploadParams, UploadSchema } from './uploads.schema.js';

const tags = ['ingest'];
const OCTET = 'application/octet-stream';
/** Room above the chunk size, so an oversized chunk is answered by the service in words, not cut off. */
const CHUNK_BODY_LIMIT = uploads.UPLOAD_CHUNK_SIZE + 64 * 1024;

export const uploadRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  app.addContentTypeParser(OCTET, { parseAs: 'buffer', bodyLimit: CHUNK_BODY_LIMIT }, (_req, body, done) => done(null, body));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/catalog/entries/by-code/:code',
    {
      schema: {
        tags,
        summary: '按目录编码查找目录（id、编码、名称）',
        description: '可见范围与目录详情相同：已发布的目录所有登录用户可见，未发布的仅提供单位可见；看不到的为 404。',
        params: EntryCodeParams,
        response: { 200: EntryRefSchema },
      },
    },
    async (req) => uploads.findEntryByCode(k, authOf(req), req.params.code),
  );

  r.post(
    '/api/v1/catalog/entries/:id/uploads',
    {
      schema: {
        tags,
        summary: '推送文件：声明一个分块上传（可续传）',
        description:
          '000 第八条。声明文件名、大小、整个文件的 SM3 摘要、格式与汇聚方式；同一机构对同一目录推送同一文件（摘要与大小相同）且尚未完成时返回原推送（200，resumed=true，从 received 续传），否则新建（201）。',
        params: UploadEntryParams,
        body: UploadBody,
        response: { 200: CreatedUploadSchema, 201: CreatedUploadSchema },
      },
    },
    async (req, reply) => {
      const u = await uploads.createUpload(k, authOf(req), req.params.id, req.body);
      return reply.status(u.resumed ? 200 : 201).send(u);
    },
  );

  r.get(
    '/api/v1/uploads/:id',
    { schema: { tags, summary: '推送文件的进度：状态、已收到字节数、汇聚批次', params: UploadParams, response: { 200: UploadSchema } } },
    async (req) => uploads.getUpload(k, authOf(req), req.params.id),
  );

  r.put(
    '/api/v1/uploads/:id/chunks/:offset',
    {
      bodyLimit: CHUNK_BODY_LIMIT,
      schema: {
        tags,
        summary: '推送文件：发送一个分块（application/octet-stream）',
        description: `分块不超过 chunkSize 字节，offset 须等于已收到的字节数，否则 409，details.expectedOffset 为应续传的偏移；重发已收到的分块原样应答。`,
        params: ChunkParams,
        response: { 200: ChunkResultSchema },
      },
    },
    async (req) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (type !== OCTET || !Buffer.isBuffer(req.body)) throw new AppError('VALIDATION', `分块请以 ${OCTET} 发送`);
      return uploads.putChunk(k, authOf(req), req.params.id, req.params.offset, req.body);
    },
  );

  r.post(
    '/api/v1/uploads/:id/complete',
    {
      schema: {
        tags,
        summary: '推送文件：完成并汇聚',
        description:
          '000 第八条。核对已收到全部字节且内容的 SM3 摘要与声明一致（否则 422，推送保持未完成），再按顺序逐块流式汇聚，返回汇聚报告（201）；错误率超过阈值整批拒收（422，details 为报告）。',
        params: UploadParams,
        response: { 201: LoadReportSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await uploads.completeUpload(k, authOf(req), req.params.id)),
  );
};
