/** TypeBox schemas of the collections routes, with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Kind = Type.Union([Type.Literal('base'), Type.Literal('theme')], { description: 'base 基础数据库 · theme 主题数据库' });

export const CollectionParams = Type.Object({ code: Type.String({ maxLength: 48 }) });
export const MemberParams = Type.Object({ code: Type.String({ maxLength: 48 }), entryId: Uuid });
export const EntryParams = Type.Object({ id: Uuid });

export const ListQuery = Type.Object({ kind: Type.Optional(Kind) });
export type ListQuery = Static<typeof ListQuery>;

/** `POST /api/v1/collections`. */
export const CreateBody = Type.Object(
  {
    code: Type.String({ maxLength: 48, description: '编码，如 base-population' }),
    kind: Kind,
    name: Type.String({ maxLength: 100, description: '名称，如 人口基础库' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    leadOrgIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, description: '牵头建设单位' })),
  },
  { additionalProperties: false },
);
export type CreateBody = Static<typeof CreateBody>;

/** `PATCH /api/v1/collections/{code}`: code and kind are fixed once created. */
export const UpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    leadOrgIds: Type.Optional(Type.Array(Uuid, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type UpdateBody = Static<typeof UpdateBody>;

/** `POST /api/v1/collections/{code}/members`. */
export const MembersBody = Type.Object({ entryIds: Type.Array(Uuid, { minItems: 1, maxItems: 200 }) }, { additionalProperties: false });
export type MembersBody = Static<typeof MembersBody>;

/** `POST /api/v1/catalog/entries/{id}/source-updates`: the data changed in the provider's own system. */
export const SourceUpdateBody = Type.Object(
  {
    updatedAt: Type.String({ format: 'date-time', description: '数据在本单位系统中更新的时间（ISO 8601）' }),
    note: Type.Optional(Type.String({ maxLength: 1000, description: '更新说明' })),
  },
  { additionalProperties: false },
);
export type SourceUpdateBody = Static<typeof SourceUpdateBody>;
