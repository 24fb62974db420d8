/** Conditional open application routes (000 第二十条). HTTP only: parse, call the service, present. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import * as applications from './applications.service.js';
import { ApplicationParams, ApplicationQuery, CreateApplicationBody, DecideApplicationBody, ExtendApplicationBody, ExtensionDecisionBody } from './applications.schema.js';

const tags = ['opening'];

export const openApplicationRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/open/applications',
    {
      schema: {
        tags,
        summary: '申请有条件开放数据（已注册的自然人、法人或非法人组织）',
        description:
          '000 第二十条：说明数据用途、应用场景、使用期限和安全保障措施；数据提供单位须在 2 个工作日内答复。无条件开放的数据无需申请，不予开放的数据不接受申请。返回 201，状态 pending。',
        body: CreateApplicationBody,
      },
    },
    async (req, reply) => reply.status(201).send(await applications.createApplication(k, req.auth, req.body)),
  );

  r.get(
    '/api/v1/open/applications',
    { schema: { tags, summary: '开放申请列表：本单位提出的（applicant）、向本单位提出的（provider）或待本机构同意延期的（approver）', querystring: ApplicationQuery } },
    async (req) => applications.listApplications(k, req.auth, req.query),
  );

  r.get('/api/v1/open/applications/:id', { schema: { tags, summary: '开放申请详情（含答复时限、延期、授权与时间线）', params: ApplicationParams } }, async (req) =>
    applications.getApplication(k, req.auth, req.params.id),
  );

  r.post(
    '/api/v1/open/applications/:id/decide',
    { schema: { tags, summary: '答复开放申请（数据提供单位）：同意（生成授权）或不同意（须说明理由并提供法律依据）', params: ApplicationParams, body: DecideApplicationBody } },
    async (req) => applications.decideApplication(k, req.auth, req.params.id, req.body),
  );

  r.post(
    '/api/v1/open/applications/:id/extend',
    {
      schema: {
        tags,
        summary: '申请延长答复期限（数据提供单位）',
        description: '000 第二十条：最长 5 个工作日，须在原答复期限届满前申请，经营商环境建设主管部门和平台运营机构均同意后生效，并告知申请人。',
        params: ApplicationParams,
        body: ExtendApplicationBody,
      },
    },
    async (req) => applications.extendApplication(k, req.auth, req.params.id, req.body),
  );

  r.post(
    '/api/v1/open/applications/:id/extension-decision',
    { schema: { tags, summary: '同意或不同意延期（营商环境建设主管部门、平台运营机构各自表态；任一不同意即不延期）', params: ApplicationParams, body: ExtensionDecisionBody } },
    async (req) => applications.decideExtension(k, req.auth, req.params.id, req.body),
  );
};
