/**
 * TypeBox schemas of the catalog's entry routes, with their static types. A wrong shape (an
 * unknown enum value, a missing key) is a 400 here; whether the content satisfies the
 * regulation (empty name, missing legal basis…) is a 422 from rules.ts, citing its article.
 */
import { Type, type Static, type TSchema } from 'typebox';
import {
  ATTRS,
  FIELD_TYPES,
  FORMATS,
  GRADES,
  NOT_OPEN_REASONS,
  OPEN_SAFEGUARDS,
  PRIORITY_AREAS,
  PROVISION_METHODS,
  UPDATE_FREQUENCIES,
  type EntryInput,
} from './model.js';

const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$', description: '日期 YYYY-MM-DD', examples: ['2026-09-18'] });
const Uuid = Type.String({ format: 'uuid' });

export const AttrSchema = oneOf(ATTRS, '属性：unconditional 无条件 · conditional 有条件 · none 不予');
export const GradeSchema = oneOf(GRADES, '分级（GB/T 43697）：general 一般 · important 重要 · core 核心');

/** One data item (数据项). */
export const FieldSchema = Type.Object(
  {
    name: Type.String({ maxLength: 63, description: '字段名：小写字母开头，只含小写字母、数字和下划线', examples: ['uscc'] }),
    label: Type.String({ maxLength: 100, description: '中文名称', examples: ['统一社会信用代码'] }),
    type: oneOf(FIELD_TYPES, '字段类型'),
    required: Type.Optional(Type.Boolean()),
    key: Type.Optional(Type.Boolean({ description: '主键（唯一标识一条记录）' })),
    piiKind: Type.Optional(Nullable(Type.String({ maxLength: 50, description: '个人信息类别，如 id_number、name、phone；不含个人信息时为 null' }))),
    commercialSecret: Type.Optional(Type.Boolean({ description: '含商业秘密（000 第十九条第三项）' })),
    sensitivity: Type.Optional(GradeSchema),
    downgradeReason: Type.Optional(Nullable(Type.String({ maxLength: 500, description: '个人信息项降为一般处理的理由' }))),
  },
  { additionalProperties: false },
);

/** A recorded assessment (保密风险评估 / 个人信息保护影响评估, 000 第六条). */
export const AssessmentSchema = Type.Object(
  {
    done: Type.Optional(Type.Boolean()),
    conclusion: Type.String({ maxLength: 2000, description: '评估结论' }),
    date: Type.Optional(IsoDate),
    by: Type.Optional(Type.String({ maxLength: 100, description: '评估人或评估机构' })),
  },
  { additionalProperties: false },
);

export const AssessmentsSchema = Type.Object(
  { secrecyRisk: Type.Optional(AssessmentSchema), piiImpact: Type.Optional(AssessmentSchema) },
  { additionalProperties: false, description: '报送审核前须记录两项评估（000 第六条）' },
);

/** The body of `POST /api/v1/catalog/entries` and `PUT /api/v1/catalog/entries/{id}` (a full replacement). */
export const EntryBody = Type.Object(
  {
    name: Type.String({ maxLength: 200, description: '目录名称', examples: ['企业营业执照信息'] }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    format: oneOf(FORMATS, '数据格式'),
    fields: Type.Array(FieldSchema, { maxItems: 500, description: '数据项' }),
    shareAttr: AttrSchema,
    shareConditions: Type.Optional(
      Nullable(Type.Object({ scope: Type.String({ maxLength: 1000, description: '共享范围' }), usage: Type.String({ maxLength: 1000, description: '使用用途等共享使用条件' }) }, { additionalProperties: false })),
    ),
    noShareBasis: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: '不予共享的理由及法律、行政法规或国务院决定依据' }))),
    openAttr: AttrSchema,
    openConditions: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown(), { description: '有条件开放的条件和使用要求' }))),
    notOpenReason: Type.Optional(Nullable(oneOf(NOT_OPEN_REASONS, '不予开放情形（000 第十九条）'))),
    openSafeguards: Type.Optional(Type.Array(oneOf(OPEN_SAFEGUARDS), { maxItems: 3, description: '匿名化、脱敏脱密、授权同意（000 第十九条）' })),
    operationAttr: Type.Boolean({ description: '授权运营属性' }),
    provisionMethods: Type.Array(oneOf(PROVISION_METHODS), { maxItems: 4, description: '提供方式：服务接口、批量交换、文件下载（000 第八条），或在平台内分析（sandbox，数据可用不可见）' }),
    usageConditions: Type.Optional(Type.String({ maxLength: 2000, description: '使用条件' })),
    updateFrequency: oneOf(UPDATE_FREQUENCIES, '更新频率'),
    category: Type.String({ maxLength: 100, description: '数据分类', examples: ['市场监管'] }),
    grade: GradeSchema,
    priorityAreas: Type.Optional(Type.Array(oneOf(PRIORITY_AREAS), { maxItems: 4, description: '正面清单优先领域（000 第十八条）' })),
    assessments: Type.Optional(AssessmentsSchema),
    changeNote: Type.Optional(Nullable(Type.String({ maxLength: 2000, description: '新版本的变更说明' }))),
  },
  { additionalProperties: false },
);
export type EntryBody = Static<typeof EntryBody>;
// The route body is the service's input: keep the two in step.
const _entryBodyIsInput = (b: EntryBody): EntryInput => b;
void _entryBodyIsInput;

export const EntryParams = Type.Object({ id: Uuid });
export const CaseParams = Type.Object({ id: Uuid, caseId: Uuid });

export const EntryQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, description: '读取某一历史版本' })) });

export const ReviewBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('return')], { description: 'approve 通过并发布 · return 退回修改' }),
    comment: Type.Optional(Type.String({ maxLength: 4000, description: '审核意见；退回时必填' })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: '所审核的版本号；与最新版本不符时拒绝（防止审核过期版本）' })),
  },
  { additionalProperties: false },
);
export type ReviewBody = Static<typeof ReviewBody>;

export const NewVersionBody = Type.Object({ changeNote: Type.String({ minLength: 1, maxLength: 2000, description: '变更内容和原因' }) }, { additionalProperties: false });
export type NewVersionBody = Static<typeof NewVersionBody>;

export const ChangeBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('law'), Type.Literal('duties')], { description: 'law 法律、行政法规、国务院决定调整 · duties 机构职责变化（000 第七条）' }),
    description: Type.String({ minLength: 1, maxLength: 2000, description: '调整或变化的内容' }),
    occurredOn: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type ChangeBody = Static<typeof ChangeBody>;

export const ExtendBody = Type.Object(
  {
    days: Type.Integer({ minimum: 1, description: '延长的工作日数（上限见辖区规则，海南 5 个工作日）' }),
    reason: Type.String({ minLength: 1, maxLength: 2000, description: '延期的特殊原因' }),
  },
  { additionalProperties: false },
);
export type ExtendBody = Static<typeof ExtendBody>;

export const QueueQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
