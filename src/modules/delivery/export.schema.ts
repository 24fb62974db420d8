/** TypeBox schemas of the batch export routes, with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

/** `POST /api/v1/exports`. */
export const ExportBody = Type.Object(
  {
    grantId: Uuid,
    format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { description: '文件格式' }),
    filters: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ maxLength: 4000 }), {
        description: '授权数据项上的筛选，写法同服务接口：{"region":"460105"}、{"region":"in:460105,460106"}、{"income":"gte:1000"}',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExportBody = Static<typeof ExportBody>;

export const ExportParams = Type.Object({ id: Uuid });
export const ExportListQuery = Type.Object({ grantId: Uuid });
export const DownloadQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200, description: '导出任务给出的下载令牌' }) });
