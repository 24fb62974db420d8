/** TypeBox schemas of the ingest routes, with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const EntryParams = Type.Object({ id: Uuid });
export const LoadParams = Type.Object({ id: Uuid });
export const VersionParams = Type.Object({ id: Uuid, n: Type.Integer({ minimum: 1 }) });

export const LoadQuery = Type.Object({
  mode: Type.Optional(Type.Union([Type.Literal('replace'), Type.Literal('upsert')], { description: 'replace 全量替换（默认）· upsert 按主键增量更新' })),
});
export type LoadQuery = Static<typeof LoadQuery>;

/**
 * The body of a load: read as a stream by its content type (text/csv, application/x-ndjson, XLSX,
 * multipart/form-data), never parsed whole, so the schema only documents it.
 */
export const LoadBody = Type.Unknown({ description: 'CSV / NDJSON / XLSX 文件本身，或含一个文件字段（及可选 mode 字段）的表单' });

export const RowsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const LoadErrorSchema = Type.Object({
  line: Type.Integer({ description: '文件中的行号（CSV、NDJSON 为物理行号，表头为第 1 行；XLSX 为工作表行号）' }),
  field: Type.String(),
  value: Type.Union([Type.String(), Type.Null()], { description: '出错的值；个人信息已脱敏' }),
  reason: Type.String(),
});

export const LoadReportSchema = Type.Object({
  id: Uuid,
  entryId: Uuid,
  status: Type.Union([Type.Literal('received'), Type.Literal('validating'), Type.Literal('committed'), Type.Literal('refused'), Type.Literal('failed')]),
  mode: Type.Union([Type.Literal('replace'), Type.Literal('upsert')]),
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson'), Type.Literal('xlsx')]),
  rowsTotal: Type.Integer(),
  rowsAccepted: Type.Integer(),
  rowsRejected: Type.Integer(),
  errorRate: Type.Number(),
  errorThreshold: Type.Number({ description: '拒收阈值：错误率超过它的批次整批拒收（平台设置 INGEST_ERROR_THRESHOLD）' }),
  versionNo: Type.Union([Type.Integer(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(LoadErrorSchema, { description: '被拒收的行（最多 1000 条）' }),
});

export const VersionsSchema = Type.Object({
  items: Type.Array(Type.Object({ versionNo: Type.Integer(), loadId: Uuid, rows: Type.Integer(), live: Type.Boolean(), createdAt: Type.String() })),
});

export const RowsSchema = Type.Object({
  versionNo: Type.Integer(),
  total: Type.Integer(),
  rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
});
