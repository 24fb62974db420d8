/** TypeBox schemas of the delivery routes, with their static types. */
import { Type, type Static } from 'typebox';
import { MAX_LIMIT } from './rules.js';

const Uuid = Type.String({ format: 'uuid' });

export const GrantParams = Type.Object({ id: Uuid });
export const GrantKeyParams = Type.Object({ id: Uuid, keyId: Uuid });

/** `POST /api/v1/grants/{id}/keys`. */
export const GrantKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '密钥名称，便于区分用途' }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: '有效天数（默认 90，且不晚于授权的使用时限）' })),
  },
  { additionalProperties: false },
);
export type GrantKeyBody = Static<typeof GrantKeyBody>;

export const DataParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z-]+$', description: '目录编码' }) });

/**
 * `GET /api/v1/data/{code}`: paging and format; every other parameter is a filter on a granted
 * field: `?f=v` (等于), `?f=in:a,b`, `?f=gte:x` / `lte:` / `gt:` / `lt:`.
 */
export const DataQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: `每页行数（默认 100，最多 ${MAX_LIMIT}）` })),
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: '上一页返回的 next 游标' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('ndjson'), Type.Literal('csv')], { description: '格式；也可用 Accept: application/x-ndjson 或 text/csv' })),
  },
  { additionalProperties: true },
);
export type DataQuery = Static<typeof DataQuery>;
