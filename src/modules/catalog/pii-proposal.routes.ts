/** Catalog route of the PII proposal: each field's kind of personal information, proposed from a sample of its data. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import { PII_SAMPLE_MAX, proposePiiKinds } from './pii-proposal.service.js';
import { EntryParams } from './schema.js';

const PiiProposalQuery = Type.Object(
  { sample: Type.Optional(Type.Integer({ minimum: 1, maximum: PII_SAMPLE_MAX, description: `每个数据项抽样的值数（默认且至多 ${PII_SAMPLE_MAX}）` })) },
  { additionalProperties: false },
);

export const piiProposalRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/catalog/entries/:id/pii-proposal',
    {
      schema: {
        tags: ['catalog'],
        summary: '识别个人信息：按当前数据版本抽样，建议每个数据项的个人信息类型（提供单位、平台管理员）',
        description:
          '000 第六条。对目录最新版本的每个数据项，从已汇聚的当前数据版本中抽取至多 1000 个非空值，以个人信息识别器判断类型，返回建议类型（kind）、匹配比例（share）与目录当前填写的类型（currentKind）。' +
          '匹配不足一半（仅凭字形判断的姓名不足八成）时不建议。尚未汇聚数据时 dataVersion 为 null。抽样读取数据，记入审计。',
        params: EntryParams,
        querystring: PiiProposalQuery,
      },
    },
    async (req) => proposePiiKinds(k, authOf(req), req.params.id, { sample: req.query.sample }),
  );
};
