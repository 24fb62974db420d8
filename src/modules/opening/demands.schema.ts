/** TypeBox schemas of the open-data demand routes (000 第十八条), with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const CreateDemandBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200, description: '希望开放的数据' }),
    description: Type.String({ minLength: 1, maxLength: 4000, description: '需求说明：所需数据项、范围、更新频率等' }),
    provider: Type.Optional(Type.Union([Uuid, Type.Null()], { description: '建议的数据提供单位（机构 ID）' })),
    scenario: Type.String({ minLength: 1, maxLength: 2000, description: '应用场景' }),
    contact: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()], { description: '联系方式（仅答复机关可见）' })),
  },
  { additionalProperties: false },
);
export type CreateDemandBody = Static<typeof CreateDemandBody>;

export const AnswerDemandBody = Type.Object(
  {
    status: Type.Union([Type.Literal('planned'), Type.Literal('opened'), Type.Literal('refused')], { description: 'planned 已列入开放计划 · opened 已开放 · refused 不予开放' }),
    reply: Type.String({ maxLength: 2000, description: '答复内容（公开）' }),
    entryId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: '已开放的目录（opened 时必填）' })),
    basis: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], { description: '依据（refused 时必填）' })),
  },
  { additionalProperties: false },
);
export type AnswerDemandBody = Static<typeof AnswerDemandBody>;

export const DemandParams = Type.Object({ id: Uuid });

export const DemandQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('planned'), Type.Literal('opened'), Type.Literal('refused')])),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  sort: Type.Optional(Type.Union([Type.Literal('support'), Type.Literal('newest')], { default: 'newest' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type DemandQuery = Static<typeof DemandQuery>;
