/** TypeBox schemas of the sandbox routes (数据可用不可见; 002 第十一条), with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

/** `POST /api/v1/sandbox/queries`. */
export const QueryBody = Type.Object(
  {
    sql: Type.String({ minLength: 1, maxLength: 20_000, description: '一条 SELECT 语句；授权数据集以目录编码为视图名，写作 "HN-…"（加双引号）' }),
  },
  { additionalProperties: false },
);
export type QueryBody = Static<typeof QueryBody>;

export const QueryParams = Type.Object({ id: Uuid });
export type QueryParams = Static<typeof QueryParams>;

export const QueryListQuery = Type.Object({
  decision: Type.Optional(Type.Union([Type.Literal('accepted'), Type.Literal('rejected')], { description: 'accepted 已执行 · rejected 被拒绝' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type QueryListQuery = Static<typeof QueryListQuery>;

export const ReleaseStatusSchema = Type.Union([Type.Literal('pending_approval'), Type.Literal('released'), Type.Literal('refused'), Type.Literal('blocked')], {
  description: 'pending_approval 待实施机构审核 · released 已出域 · refused 实施机构不同意 · blocked 含标识被拦截',
});

export const ReleaseListQuery = Type.Object({
  status: Type.Optional(ReleaseStatusSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type ReleaseListQuery = Static<typeof ReleaseListQuery>;

/** `POST /api/v1/sandbox/queries/{id}/release/decide`. */
export const DecideReleaseBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')], { description: 'approve 同意出域 · refuse 不同意' }),
    reason: Type.Optional(Type.String({ maxLength: 2000, description: '审核意见；不同意时必填' })),
  },
  { additionalProperties: false },
);
export type DecideReleaseBody = Static<typeof DecideReleaseBody>;

export const DownloadQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })),
});
export type DownloadQuery = Static<typeof DownloadQuery>;
