/** TypeBox schemas of the open data portal's routes, with their static types. */
import { Type, type Static } from 'typebox';
import { DOWNLOAD_FORMATS, OPEN_SORTS } from './rules.js';

const Many = (description: string) => Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50, description }));

export const EntriesQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: '检索词（名称、摘要、数据项、提供单位等；空格分隔的词须全部出现）' })),
  provider: Many('提供单位 id（可多个）'),
  domain: Many('领域（目录分类，可多个）'),
  openAttr: Type.Optional(Type.Array(Type.Union([Type.Literal('unconditional'), Type.Literal('conditional')]), { maxItems: 2, description: '开放属性：unconditional 无条件开放、conditional 有条件开放' })),
  updateFrequency: Many('更新频率（realtime、daily、weekly、monthly、quarterly、yearly、irregular）'),
  format: Many('可下载格式（csv、xlsx、json）：只列可公开下载的数据'),
  sort: Type.Optional(Type.Union(OPEN_SORTS.map((s) => Type.Literal(s)), { description: 'relevance 相关度（有检索词时默认）、newest 最新发布、popular 下载与调用最多、updated 最近更新（默认）、name 名称' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: '每页条数（默认 20，最多 100）' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, description: '跳过的条数' })),
});
export type EntriesQuery = Static<typeof EntriesQuery>;

export const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100, description: '目录编码' }) });

export const DownloadQuery = Type.Object({
  format: Type.Optional(Type.Union(DOWNLOAD_FORMATS.map((f) => Type.Literal(f)), { description: '文件格式：csv（默认，UTF-8 带 BOM）、xlsx、json' })),
});

/** The rows API: paging, words, fields and sort; any other parameter is an exact-match filter on an open column. */
export const RowsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: '每页行数（默认 100，最多 1000）' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, description: '跳过的行数' })),
    q: Type.Optional(Type.String({ maxLength: 200, description: '在文本字段中查找（包含即可）' })),
    fields: Type.Optional(Type.String({ maxLength: 2000, description: '只返回这些字段，逗号分隔' })),
    sort: Type.Optional(Type.String({ maxLength: 500, description: '排序字段，逗号分隔；字段前加 - 为降序，如 -reg_date,uscc' })),
  },
  { description: '其余参数为字段精确筛选，如 ?uscc=91460000…' },
);
export type RowsQuery = Static<typeof RowsQuery>;

export const ReportQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: '报告年度（默认今年）' })) });

export const FeaturedBody = Type.Object({ entryIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50, description: '首页推荐的开放数据集（按顺序）' }) }, { additionalProperties: false });
