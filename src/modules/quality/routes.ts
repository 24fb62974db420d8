/** Quality routes: corrections (000 第四十二条; 003 第十六条) and quality scores (000 第四十一条). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as corrections from './corrections.service.js';
import * as scores from './scores.service.js';
import { AnswerBody, CorrectionParams, CorrectionQuery, ExtendBody, ReferenceBody, ReferenceParams, OrgParams, ReportBody, ScoresQuery } from './schema.js';

const tags = ['quality'];

export const qualityRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/quality/corrections',
    {
      schema: {
        tags,
        summary: '提出校核申请（数据需求单位）',
        description: '000 第四十二条：提供单位须自收到之日起在辖区规定的工作日内（海南 5 个、河南 7 个）核实、更正并反馈。返回 201 与校核申请。',
        body: ReportBody,
      },
    },
    async (req, reply) => reply.status(201).send(await corrections.reportCorrection(k, authOf(req), req.body)),
  );

  r.get(
    '/api/v1/quality/corrections',
    { schema: { tags, summary: '校核申请列表：本单位提出的（mine）或针对本单位目录的（provider）', querystring: CorrectionQuery } },
    async (req) => corrections.listCorrections(k, authOf(req), req.query),
  );

  r.get('/api/v1/quality/corrections/:id', { schema: { tags, summary: '校核申请详情', params: CorrectionParams } }, async (req) =>
    corrections.getCorrection(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/quality/corrections/:id/answer',
    {
      schema: {
        tags,
        summary: '反馈校核结果（提供单位）：已更正或核实无误（须说明理由）',
        description: '000 第四十二条。已更正的可关联更正数据的汇聚批次（loadId）。',
        params: CorrectionParams,
        body: AnswerBody,
      },
    },
    async (req) => corrections.answerCorrection(k, authOf(req), req.params.id, req.body),
  );

  r.post(
    '/api/v1/quality/corrections/:id/extend',
    { schema: { tags, summary: '申请延长校核答复期限（本辖区规则未规定延期时拒绝）', params: CorrectionParams, body: ExtendBody } },
    async (req) => corrections.extendCorrection(k, authOf(req), req.params.id, req.body),
  );

  r.get(
    '/api/v1/quality/scores',
    { schema: { tags, summary: '目录数据质量评分：历次汇聚的得分（供图表）与最新得分', description: '各维度与总分均为 0–1 的比例；无法客观计量的维度为 null。', querystring: ScoresQuery } },
    async (req) => scores.entryScores(k, authOf(req), req.query.entryId),
  );

  r.get('/api/v1/quality/scores/orgs', { schema: { tags, summary: '各单位数据质量（所辖目录最新得分的平均）与全省汇总及趋势' } }, async (req) => scores.orgScores(k, authOf(req)));

  r.get(
    '/api/v1/quality/scores/orgs/:orgId',
    {
      schema: {
        tags,
        summary: '一个单位的数据质量：所辖目录的最新得分、平均与逐日趋势',
        description: '000 第四十一条。趋势为近 180 天内每个有评分的日期，当日结束时各目录最新得分的平均。',
        params: OrgParams,
      },
    },
    async (req) => scores.orgQuality(k, authOf(req), req.params.orgId),
  );

  r.put(
    '/api/v1/quality/references/:kind',
    { schema: { tags, summary: '登记一致性校验的参照基础数据（如法人库的统一社会信用代码）', params: ReferenceParams, body: ReferenceBody } },
    async (req) => scores.setReference(k, authOf(req), req.params.kind, req.body),
  );
};
