/** TypeBox schemas of the quality routes, with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const KeyValue = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]);

/** `POST /api/v1/quality/corrections`: a data user's verification request (000 第四十二条). */
export const ReportBody = Type.Object(
  {
    entryId: Uuid,
    rowKey: Type.Optional(Type.Record(Type.String({ maxLength: 63 }), KeyValue, { description: '有误记录的主键字段值，如 { "uscc": "91460000…" }' })),
    line: Type.Optional(Type.Integer({ minimum: 1, description: '或：所获数据文件中的行号' })),
    field: Type.Optional(Type.String({ maxLength: 63, description: '有误的数据项（字段名）' })),
    reportedValue: Type.Optional(Type.String({ maxLength: 2000, description: '平台上的现值' })),
    expectedValue: Type.Optional(Type.String({ maxLength: 2000, description: '应为的值' })),
    description: Type.String({ maxLength: 2000, description: '数据不准确或不完整的情况' }),
  },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;

export const AnswerBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('corrected'), Type.Literal('not_wrong')], { description: 'corrected 已更正 · not_wrong 核实无误' }),
    reason: Type.Optional(Type.String({ maxLength: 2000, description: '处理说明；核实无误时必填' })),
    loadId: Type.Optional(Type.String({ format: 'uuid', description: '更正数据的批次（汇聚批次 id）' })),
  },
  { additionalProperties: false },
);
export type AnswerBody = Static<typeof AnswerBody>;

export const ExtendBody = Type.Object(
  { days: Type.Integer({ minimum: 1, maximum: 30 }), reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type ExtendBody = Static<typeof ExtendBody>;

export const CorrectionParams = Type.Object({ id: Uuid });

export const CorrectionQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('provider')], { description: 'mine 本单位提出的（默认）· provider 针对本单位目录的' })),
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('corrected'), Type.Literal('not_wrong')])),
});
export type CorrectionQuery = Static<typeof CorrectionQuery>;

export const ScoresQuery = Type.Object({ entryId: Uuid });
export const OrgParams = Type.Object({ orgId: Uuid });

export const ReferenceParams = Type.Object({ kind: Type.Literal('uscc') });
export const ReferenceBody = Type.Object(
  { entryId: Uuid, field: Type.String({ maxLength: 63, description: '参照目录中的字段名，如 uscc' }) },
  { additionalProperties: false },
);
export type ReferenceBody = Static<typeof ReferenceBody>;
