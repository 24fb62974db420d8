/** TypeBox schemas of the lists API (negative, open, positive and operation lists; registrations). */
import { Type, type Static } from 'typebox';
import { NEGATIVE_LIST_SEATS, PRIORITY_AREAS, type Seat } from './model.js';

const Uuid = Type.String({ format: 'uuid' });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '每页条数，默认 50' }));
const Offset = Type.Optional(Type.Integer({ minimum: 0 }));
const Comment = Type.String({ maxLength: 2000 });

export const SeatSchema = Type.Union(NEGATIVE_LIST_SEATS.map((s) => Type.Literal(s)), { description: '联合审查席位（000 第十一条）' });
export const PriorityAreaSchema = Type.Union(PRIORITY_AREAS.map((a) => Type.Literal(a)), { description: '正面清单优先领域（000 第十八条）' });

/** `PUT /review-seats`: seat → holder org id (null clears the seat); seats not given stay as they are. */
const Holder = Type.Optional(Type.Union([Uuid, Type.Null()], { description: '持有该席位的机构 id；null 表示撤销' }));
export const SeatsBody = Type.Object(
  {
    sharing_authority: Holder,
    cyberspace: Holder,
    staffing: Holder,
    secrecy: Holder,
    public_security: Holder,
    state_security: Holder,
    platform_operator: Holder,
  } satisfies Record<Seat, typeof Holder>,
  { additionalProperties: false, minProperties: 1 },
);
export type SeatsBody = Static<typeof SeatsBody>;

export const NegativeListQuery = Type.Object({
  provider: Type.Optional(Uuid),
  state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('disputed')])),
  shareAttr: Type.Optional(Type.Union([Type.Literal('conditional'), Type.Literal('none')])),
  limit: Limit,
  offset: Offset,
});
export type NegativeListQuery = Static<typeof NegativeListQuery>;

export const VersionParams = Type.Object({ versionId: Uuid });

export const SignoffBody = Type.Object(
  {
    seat: SeatSchema,
    decision: Type.Union([Type.Literal('agree'), Type.Literal('disagree')]),
    comment: Type.Optional(Comment),
  },
  { additionalProperties: false },
);
export type SignoffBody = Static<typeof SignoffBody>;

export const OpenListQuery = Type.Object({
  provider: Type.Optional(Uuid),
  openAttr: Type.Optional(Type.Union([Type.Literal('unconditional'), Type.Literal('conditional')])),
  priorityArea: Type.Optional(PriorityAreaSchema),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Limit,
  offset: Offset,
});
export type OpenListQuery = Static<typeof OpenListQuery>;

export const PositiveListQuery = Type.Object({
  priorityArea: Type.Optional(PriorityAreaSchema),
  limit: Limit,
  offset: Offset,
});

export const OrgParams = Type.Object({ orgId: Uuid });

export const OperationListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('listed'), Type.Literal('awaiting_consent'), Type.Literal('refused'), Type.Literal('removed')], { description: '默认 listed' })),
  provider: Type.Optional(Uuid),
  entryId: Type.Optional(Uuid),
  limit: Limit,
  offset: Offset,
});
export type OperationListQuery = Static<typeof OperationListQuery>;

export const OperationListBody = Type.Object(
  {
    entryId: Uuid,
    viaSharing: Type.Optional(Type.Boolean({ description: '是否通过共享获得（非数据提供单位列入时为 true；省略则按列入机构推定）' })),
    note: Type.Optional(Comment),
  },
  { additionalProperties: false },
);
export type OperationListBody = Static<typeof OperationListBody>;

export const ItemParams = Type.Object({ itemId: Uuid });

export const ConsentBody = Type.Object(
  { decision: Type.Union([Type.Literal('give'), Type.Literal('refuse')]), comment: Type.Optional(Comment) },
  { additionalProperties: false },
);
export type ConsentBody = Static<typeof ConsentBody>;

export const RemoveBody = Type.Object({ reason: Type.Optional(Comment) }, { additionalProperties: false });

export const QueryCodeParams = Type.Object({ queryCode: Type.String({ minLength: 4, maxLength: 32, pattern: '^[0-9A-Za-z -]+$', description: '登记查询码' }) });
