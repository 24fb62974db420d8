/** TypeBox schemas of the conditional open application routes (000 第二十条), with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Text = (description: string) => Type.String({ maxLength: 2000, description });

/** `POST /api/v1/open/applications`. */
export const CreateApplicationBody = Type.Object(
  {
    entryId: Uuid,
    fields: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 500, description: '申请的数据项（字段名）；不填为全部数据项' })),
    purpose: Text('数据用途'),
    scenario: Text('应用场景'),
    validUntil: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '使用期限（含当日，北京时间）' }),
    securityMeasures: Text('安全保障措施'),
    method: Type.Union([Type.Literal('api'), Type.Literal('file')], { description: '获取方式：api 服务接口 · file 文件下载' }),
  },
  { additionalProperties: false },
);
export type CreateApplicationBody = Static<typeof CreateApplicationBody>;

export const DecideApplicationBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]),
    reason: Type.Optional(Text('理由；不同意开放时必填')),
    basis: Type.Optional(Text('法律依据；不同意开放时必填')),
  },
  { additionalProperties: false },
);
export type DecideApplicationBody = Static<typeof DecideApplicationBody>;

export const ExtendApplicationBody = Type.Object(
  {
    days: Type.Integer({ minimum: 1, maximum: 60, description: '延长的工作日数（最长 5 个，以辖区规则为准）' }),
    reason: Type.String({ minLength: 1, maxLength: 1000, description: '延期的特殊原因' }),
  },
  { additionalProperties: false },
);
export type ExtendApplicationBody = Static<typeof ExtendApplicationBody>;

export const ExtensionDecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('consent'), Type.Literal('refuse')], { description: 'consent 同意 · refuse 不同意' }),
    comment: Type.String({ minLength: 1, maxLength: 1000, description: '审核意见' }),
  },
  { additionalProperties: false },
);
export type ExtensionDecisionBody = Static<typeof ExtensionDecisionBody>;

export const ApplicationParams = Type.Object({ id: Uuid });

export const ApplicationQuery = Type.Object({
  role: Type.Optional(
    Type.Union([Type.Literal('applicant'), Type.Literal('provider'), Type.Literal('approver')], {
      description: 'applicant 本单位提出的（默认）· provider 向本单位提出的 · approver 待本单位同意延期的（营商环境建设主管部门、平台运营机构）',
    }),
  ),
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type ApplicationQuery = Static<typeof ApplicationQuery>;
