/** TypeBox schemas of the scheduled-pull routes, with their static types. */
import { Type, type Static, type TSchema } from 'typebox';
import { MAX_HEADER_VALUE, MAX_HEADERS, MAX_URL_LENGTH } from './pull.js';
import { LoadReportSchema } from './schema.js';

const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);

export const PullEntryParams = Type.Object({ id: Uuid });

/** Formats a pull may declare: those a load reads (src/modules/ingest/tables.ts `LoadFormat`). */
export const PullFormatSchema = Type.Union([Type.Literal('csv'), Type.Literal('ndjson'), Type.Literal('xlsx')], { description: 'csv · ndjson · xlsx（第一个工作表；与上传汇聚相同的读取方式）' });

export const PullScheduleSchema = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('frequency'),
        hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23, description: '按日及更长周期拉取的时刻（北京时间，时），默认 2 点' })),
      },
      { additionalProperties: false, description: '按目录的更新频率：实时每 15 分钟；每日在所设时刻；每周一、每月 1 日、每季首月 1 日、每年 1 月 1 日在所设时刻；不定期每日检查一次' },
    ),
    Type.Object(
      { kind: Type.Literal('interval'), minutes: Type.Integer({ description: '拉取间隔（分钟），5 至 10080' }) },
      { additionalProperties: false, description: '按指定间隔' },
    ),
  ],
  { description: '拉取计划' },
);

export const PullSourceBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH + 100, description: '接口地址：只接受 http 或 https；凭据请放在请求头中' }),
    format: PullFormatSchema,
    mode: Type.Union([Type.Literal('replace'), Type.Literal('upsert')], { description: 'replace 全量替换 · upsert 按主键增量更新' }),
    headers: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64 }),
            value: Type.Optional(Type.String({ maxLength: MAX_HEADER_VALUE + 1, description: '省略则保留已登记的同名请求头的值' })),
          },
          { additionalProperties: false },
        ),
        { maxItems: MAX_HEADERS + 1, description: '请求头（如 Authorization），SM4 加密保存，任何接口都不返回其值；省略本字段则保留已登记的请求头' },
      ),
    ),
    schedule: PullScheduleSchema,
  },
  { additionalProperties: false },
);
export type PullSourceBody = Static<typeof PullSourceBody>;

export const PullRunsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});

const RunStatus = Type.Union([Type.Literal('running'), Type.Literal('committed'), Type.Literal('unchanged'), Type.Literal('refused'), Type.Literal('failed')], {
  description: 'running 进行中 · committed 已汇聚 · unchanged 接口数据未变化（304） · refused 整批拒收 · failed 失败',
});

export const PullRunSchema = Type.Object({
  id: Uuid,
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual')]),
  status: RunStatus,
  httpStatus: Nullable(Type.Integer()),
  message: Nullable(Type.String()),
  loadId: Nullable(Uuid),
  versionNo: Nullable(Type.Integer()),
  bytes: Nullable(Type.Integer()),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  byUser: Nullable(Type.Object({ id: Uuid, name: Nullable(Type.String()) })),
});

export const PullSourceSchema = Type.Object({
  entryId: Uuid,
  url: Type.String(),
  format: Type.String(),
  mode: Type.Union([Type.Literal('replace'), Type.Literal('upsert')]),
  headers: Type.Array(Type.Object({ name: Type.String(), set: Type.Literal(true) }), { description: '已登记的请求头名称；值不返回' }),
  schedule: Type.Union([Type.Object({ kind: Type.Literal('frequency'), hour: Type.Integer() }), Type.Object({ kind: Type.Literal('interval'), minutes: Type.Integer() })]),
  updateFrequency: Type.String({ description: '目录现行发布版本的更新频率' }),
  periodMinutes: Type.Integer({ description: '按计划两次拉取之间的分钟数（月、年按最短计）' }),
  active: Type.Boolean(),
  running: Type.Boolean(),
  nextRunAt: Nullable(Type.String()),
  consecutiveFailures: Type.Integer(),
  lastRun: Nullable(
    Type.Object({ id: Uuid, status: RunStatus, message: Nullable(Type.String()), loadId: Nullable(Uuid), at: Nullable(Type.String()) }),
  ),
  etag: Nullable(Type.String()),
  lastModified: Nullable(Type.String()),
  registeredBy: Type.Object({ id: Uuid, name: Nullable(Type.String()) }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PullRunsSchema = Type.Object({ items: Type.Array(PullRunSchema), total: Type.Integer() });

export const PullRunResultSchema = Type.Object({ run: PullRunSchema, load: Nullable(LoadReportSchema) });
