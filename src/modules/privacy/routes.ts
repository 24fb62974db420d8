/** Privacy routes: PII detection (002 第十一条). The sandbox's routes are in sandbox.routes.ts. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import { detectValues } from './detect.service.js';
import { DETECT_MAX_VALUES, DetectBody, DetectResponse } from './detect.schema.js';

const tags = ['privacy'];

export const privacyRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/privacy/detect',
    {
      schema: {
        tags,
        summary: '识别个人信息：每个值的类型、把握程度与依据（登录用户）',
        description:
          `每次至多 ${DETECT_MAX_VALUES} 个值（超出 422）。类型：id_number 公民身份号码（GB 11643 校验位、出生日期、地址码）· uscc 统一社会信用代码（GB 32100）· mobile 手机号码 · phone 固定电话 · ` +
          'bank_card 银行卡号（Luhn）· email 电子邮箱 · plate 车牌号码 · passport 护照号码 · permit 港澳台通行证 · name 姓名 · address 地址 · birth_date 出生日期（须有字段标签）。' +
          '结果按序号对应，不回显值本身；不读取平台数据，不写审计。',
        body: DetectBody,
        response: { 200: DetectResponse },
      },
    },
    async (req) => detectValues(k, authOf(req), req.body),
  );
};
