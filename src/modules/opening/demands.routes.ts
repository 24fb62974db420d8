/** Open-data demand routes (000 第十八条; 001 第三十一条). The list and answers are public (`req.auth` may be null). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import * as demands from './demands.service.js';
import { AnswerDemandBody, CreateDemandBody, DemandParams, DemandQuery } from './demands.schema.js';

const tags = ['opening'];

export const openDemandRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/open/demands',
    { schema: { tags, summary: '提出开放需求（登录用户）', description: '000 第十八条：定期征集开放需求。返回 201。', body: CreateDemandBody } },
    async (req, reply) => reply.status(201).send(await demands.proposeDemand(k, req.auth, req.body)),
  );

  r.get('/api/v1/open/demands', { schema: { tags, summary: '开放需求及答复（公开，无需登录）', security: [], querystring: DemandQuery } }, async (req) =>
    demands.listDemands(k, req.auth, req.query),
  );

  r.get('/api/v1/open/demands/:id', { schema: { tags, summary: '开放需求详情及答复（公开）', security: [], params: DemandParams } }, async (req) => demands.getDemand(k, req.auth, req.params.id));

  r.post('/api/v1/open/demands/:id/support', { schema: { tags, summary: '支持开放需求（每人一次）', params: DemandParams } }, async (req) => demands.supportDemand(k, req.auth, req.params.id));

  r.delete('/api/v1/open/demands/:id/support', { schema: { tags, summary: '取消支持', params: DemandParams } }, async (req) => demands.unsupportDemand(k, req.auth, req.params.id));

  r.post(
    '/api/v1/open/demands/:id/answer',
    { schema: { tags, summary: '答复开放需求（营商环境建设主管部门或数据主管部门）：已列入计划、已开放或不予开放（须说明依据）', params: DemandParams, body: AnswerDemandBody } },
    async (req) => demands.answerDemand(k, req.auth, req.params.id, req.body),
  );
};
