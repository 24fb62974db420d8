/** Ingest routes: loads of an entry's data, their reports, and the kept dataset versions (000 第八条). */
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { authOf } from '../../kernel/http.js';
import * as ingest from './service.js';
import type { LoadFormat, LoadMode } from './tables.js';
import { EntryParams, LoadBody, LoadParams, LoadQuery, LoadReportSchema, RowsQuery, RowsSchema, VersionParams, VersionsSchema } from './schema.js';

const tags = ['ingest'];
const CSV = 'text/csv';
const NDJSON = 'application/x-ndjson';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MULTIPART = 'multipart/form-data';

/** The body types a load is read from, by media type. */
const FORMAT_OF_TYPE: Record<string, LoadFormat> = { [CSV]: 'csv', [NDJSON]: 'ndjson', [XLSX]: 'xlsx' };
/** A form's file part whose type says nothing (application/octet-stream…) is known by its extension. */
const FORMAT_OF_EXTENSION: Record<string, LoadFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.xlsx': 'xlsx' };
const ACCEPTED = `${CSV}、${NDJSON}、${XLSX}（XLSX），或 ${MULTIPART}（一个 .csv / .ndjson / .jsonl / .xlsx 文件）`;

/** 415: the body is of a type a load cannot be read from. */
const unsupportedMediaType = (what: string) => new AppError('UNSUPPORTED_MEDIA_TYPE', `不支持的上传类型 ${what || '（未注明）'}：请以 ${ACCEPTED} 上传`);

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const parseMode = (v: unknown): LoadMode => {
  if (v === 'replace' || v === 'upsert') return v;
  throw new AppError('VALIDATION', `表单字段 mode 应为 replace（全量替换）或 upsert（按主键增量更新），收到“${String(v)}”`, { fields: [{ field: 'mode', message: '取值不在允许范围内' }] });
};

/** What a multipart load reads: the form's one file part, streamed, and the mode the form may set. */
async function formLoad(req: FastifyRequest, maxBytes: number, queryMode: LoadMode | undefined): Promise<ingest.LoadInput> {
  const parts = req.parts({ limits: { fileSize: maxBytes, fields: 20, parts: 40 } });
  let formMode: LoadMode | undefined;
  let file: MultipartFile | undefined;
  for (;;) {
    const next = await parts.next();
    if (next.done) break;
    const part = next.value;
    if (part.type === 'file') {
      file = part;
      break;
    }
    if (part.fieldname === 'mode') formMode = parseMode(part.value);
  }
  if (!file) throw new AppError('VALIDATION', '表单中没有文件：请以一个文件字段上传 .csv / .ndjson / .jsonl / .xlsx 文件');
  const extension = path.extname(file.filename || '').toLowerCase();
  const format = FORMAT_OF_TYPE[mediaType(file.mimetype)] ?? FORMAT_OF_EXTENSION[extension];
  if (!format) {
    file.file.resume();
    throw unsupportedMediaType(`${file.mimetype || '（未注明）'}（文件 ${file.filename || '未命名'}）`);
  }
  const stream = file.file;
  const limitMb = Math.round(maxBytes / (1024 * 1024));
  return {
    mode: queryMode ?? formMode ?? 'replace',
    format,
    body: stream,
    // The rest of the form is read before the commit: a cut-off file, or a second one, refuses the load.
    async afterBody() {
      if (!stream.readableEnded) {
        stream.resume();
        await new Promise<void>((resolve, reject) => {
          stream.once('end', resolve);
          stream.once('error', reject);
        });
      }
      if (stream.truncated) throw new AppError('VALIDATION', `文件超过上传上限 ${limitMb} MB，本批未汇聚`, { source: ingest.ART_AGGREGATE });
      for (;;) {
        const next = await parts.next();
        if (next.done) return;
        const part = next.value;
        if (part.type === 'file') {
          part.file.resume();
          throw new AppError('VALIDATION', `表单只能含一个文件，另有文件 ${part.filename || part.fieldname}；本批未汇聚，请分批上传`, { source: ingest.ART_AGGREGATE });
        }
        if (part.fieldname === 'mode' && queryMode === undefined) {
          throw new AppError('VALIDATION', '表单字段 mode 应放在文件之前（或使用查询参数 ?mode=）；本批未汇聚');
        }
      }
    },
  };
}

export const ingestRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const maxBytes = k.config.ingestMaxFileMb * 1024 * 1024;
  // Forms: the file part is handed over as a stream; its size is bounded by INGEST_MAX_FILE_MB, not
  // by the app's body limit (multipart bodies never go through it).
  await app.register(multipart, { limits: { fileSize: maxBytes } });
  // Other bodies are handed over as the raw stream: a load is never read whole into memory, and
  // the app's body limit (which applies to buffered bodies only) does not cut it.
  app.addContentTypeParser([CSV, NDJSON, XLSX], (_req, payload, done) => done(null, payload));
  app.addContentTypeParser('*', (req, _payload, done) => done(unsupportedMediaType(mediaType(req.headers['content-type']))));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/catalog/entries/:id/loads',
    {
      schema: {
        tags,
        summary: '汇聚数据：上传一批数据（CSV、NDJSON、XLSX 或表单文件，流式读取）',
        description: [
          '000 第八条（汇聚）。请求体类型：',
          `· ${CSV}：UTF-8 CSV，第一行为表头；`,
          `· ${NDJSON}：每行一个 JSON 对象，键为数据项名称；`,
          `· ${XLSX}：读取第一个工作表，第一行（第一个非空行）为表头，报告中的行号即工作表行号；日期单元格按日期（YYYY-MM-DD）或日期时间（北京时间）读取；`,
          `· ${MULTIPART}：一个文件字段（格式按该部分的类型或扩展名 .csv / .ndjson / .jsonl / .xlsx 判断，上限 INGEST_MAX_FILE_MB），可选字段 mode 须在文件之前，查询参数 ?mode= 优先。`,
          'CSV 与 XLSX 的表头可用数据项名称或中文名。全程流式读取，不整体载入内存，不受 10 MB 请求体上限限制；其他类型返回 415。',
          '模式：replace（默认）全量替换；upsert 按主键合并到现行版本——现行版本若按旧版目录建立，共有数据项合并、新增数据项在旧行中为空、删除的数据项不再保留；主键或共有数据项类型已变更时拒绝（409，应全量替换）。',
          '逐行校验类型、必填及个人信息（公民身份号码 GB 11643、统一社会信用代码 GB 32100、手机号、银行卡号 Luhn、行政区划代码）；被拒行报告行号、数据项、脱敏值和原因。',
          '错误率超过阈值（INGEST_ERROR_THRESHOLD，默认 5%，恰为阈值时接收）整批拒收（422 IMPORT_REJECTED，details 为报告）；否则合格行在一个事务中成为新的现行版本，之前现行版本在提交前不受影响。',
        ].join('\n'),
        params: EntryParams,
        querystring: LoadQuery,
        body: LoadBody,
        consumes: [CSV, NDJSON, XLSX, MULTIPART],
        response: { 201: LoadReportSchema },
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const type = mediaType(req.headers['content-type']);
      let input: ingest.LoadInput;
      if (type === MULTIPART) input = await formLoad(req, maxBytes, req.query.mode);
      else {
        const format = FORMAT_OF_TYPE[type];
        if (!format) throw unsupportedMediaType(type);
        input = { mode: req.query.mode ?? 'replace', format, body: req.body as Readable };
      }
      const report = await ingest.receiveLoad(k, auth, req.params.id, input);
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
