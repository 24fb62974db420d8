/**
 * Catalog routes: interchange — the published catalog as DCAT (JSON-LD), the XLSX import template,
 * the import of a filled-in template, and the annual-review export.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { authOf } from '../../kernel/http.js';
import { exportCatalog, importEntries, importTemplate, publishedCatalogDcat } from './interchange.js';
import { XLSX_MIME } from './xlsx.js';

const tags = ['catalog'];
/** An import file may be this large (a few thousand entries fit in well under 1 MB). */
const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
const IMPORT_TYPES = [XLSX_MIME, 'application/octet-stream'];

const DcatQuery = Type.Object({
  format: Type.Optional(Type.Literal('jsonld', { description: '输出格式：jsonld（JSON-LD，默认）' })),
});
const ImportQuery = Type.Object({
  partial: Type.Optional(Type.Boolean({ description: 'true：仅导入无误的行，并列出有误的行；默认任一行有误则整个文件不导入' })),
});

/** `attachment` with the Chinese name for browsers and an ASCII one for older clients. */
const attachment = (fileName: string, ascii: string) => `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

/** The platform's external address as the caller reached it (scheme and host, behind the proxy too). */
const baseUrlOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

export const interchangeRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  // The import takes the file itself as the body (`fetch(url, { body: file })`), not multipart:
  // simpler for API clients and the web app alike. Scoped to this plugin's routes.
  app.addContentTypeParser(IMPORT_TYPES, { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));

  r.get(
    '/api/v1/catalog/dcat',
    {
      schema: {
        tags,
        summary: '已发布目录的 DCAT 描述（JSON-LD，DCAT-AP 3），无需登录',
        description:
          '每个目录的现行发布版本为一个 dcat:Dataset：编码、名称、摘要、提供单位（foaf:Agent）、分类（dcat:theme/keyword）、更新频率（EU frequency 代码表）、开放属性（EU access-right 代码表）、按提供方式的 dcat:Distribution（接口为 dcat:accessService）、数据项（dct:conformsTo 一个 csvw:Schema）与适用法规（dcatap:applicableLegislation）。响应类型 application/ld+json。',
        querystring: DcatQuery,
        produces: ['application/ld+json'],
      },
    },
    async (req, reply: FastifyReply) => {
      const doc = await publishedCatalogDcat(k, baseUrlOf(req));
      return reply.type('application/ld+json; charset=utf-8').header('cache-control', 'public, max-age=60').send(JSON.stringify(doc));
    },
  );

  r.get(
    '/api/v1/catalog/import/template',
    {
      schema: {
        tags,
        summary: '下载目录批量导入模板（XLSX）',
        description: '工作表：目录（每行一个目录）、数据项（每行一个字段，用目录序号关联）、填写说明（每列的取值、规则与依据）。枚举列带中文下拉选项。',
        produces: [XLSX_MIME],
      },
    },
    async (_req, reply) => {
      const file = await importTemplate(k);
      return reply.type(XLSX_MIME).header('content-disposition', attachment('公共数据目录导入模板.xlsx', 'catalog-import-template.xlsx')).send(file);
    },
  );

  r.post(
    '/api/v1/catalog/import',
    {
      bodyLimit: MAX_IMPORT_BYTES,
      schema: {
        tags,
        summary: '批量导入目录草稿（上传填好的 XLSX 模板）',
        description:
          '请求体为 XLSX 文件本身（Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet 或 application/octet-stream）。逐行按目录规则校验并生成草稿（000 第六、十三、十九条）。任一行有误时整个文件不导入：422 IMPORT_REJECTED，error.details.rejected 列出每处错误 { sheet, row, column, message, source }；?partial=true 时仅导入无误的行。成功为 201 { importId, partial, entryRows, imported: [{ row, ref, id, code, versionId, name }], rejected }。',
        querystring: ImportQuery,
        consumes: IMPORT_TYPES,
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new AppError('VALIDATION', `请求体应为 XLSX 文件本身（Content-Type: ${XLSX_MIME}）`);
      }
      const result = await importEntries(k, auth, req.body, { partial: req.query.partial === true });
      return reply.status(201).send(result);
    },
  );

  r.get(
    '/api/v1/catalog/export.xlsx',
    {
      schema: {
        tags,
        summary: '导出目录（XLSX，年度审核用）',
        description: '所有目录的现行发布版本，另含本机构未发布的版本；营商环境建设主管部门另含报送审核中的版本。工作表：目录（全部属性为中文）、数据项。',
        produces: [XLSX_MIME],
      },
    },
    async (req, reply) => {
      const { stream, fileName } = await exportCatalog(k, authOf(req));
      return reply.type(XLSX_MIME).header('content-disposition', attachment(fileName, 'catalog-export.xlsx')).header('cache-control', 'no-store').send(stream);
    },
  );
};
