/** The gate's routes (000 第十九条): the provider's plan, the check and its reports. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as gate from './gate.js';
import { GateParams, GatePlanBody } from './gate.schema.js';

const tags = ['opening'];

export const openingGateRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/open/entries/:code/gate',
    { schema: { tags, summary: '匿名化审查：处理方案、各数据项的处理方式与最近的审查报告（提供单位；主管部门可查看）', params: GateParams } },
    async (req) => gate.getGate(k, authOf(req), req.params.code),
  );

  r.put(
    '/api/v1/open/entries/:code/gate/plan',
    {
      schema: {
        tags,
        summary: '声明匿名化处理方案（提供单位）',
        description: '直接标识符须删除或假名化；准标识符处理后须满足 k-匿名（k 取自地区配置）；商业秘密须脱敏；或记录个人信息主体、权利人的授权同意（000 第十九条）。',
        params: GateParams,
        body: GatePlanBody,
      },
    },
    async (req) => gate.savePlan(k, authOf(req), req.params.code, req.body),
  );

  r.post(
    '/api/v1/open/entries/:code/gate/run',
    { schema: { tags, summary: '对现行数据版本进行匿名化审查并保存报告（提供单位）', params: GateParams } },
    async (req, reply) => reply.status(201).send(await gate.runGate(k, authOf(req), req.params.code)),
  );
};
