/** TypeBox schema of the catalog search (`GET /api/v1/catalog/entries`), with its static type. */
import { Type, type Static } from 'typebox';
import { ATTRS, GRADES, PROVISION_METHODS, UPDATE_FREQUENCIES } from './model.js';

const oneOf = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)));
/** A filter that takes one value or several (`?grade=general&grade=important`): any of them. */
const many = <T extends ReturnType<typeof Type.String> | ReturnType<typeof oneOf>>(item: T, description: string) =>
  Type.Optional(Type.Array(item, { maxItems: 50, description: `${description}；可重复，取值之一即可` }));

export const VERSION_STATUSES = ['draft', 'submitted', 'returned', 'published', 'superseded'] as const;

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: '检索词：中文分词后按词组匹配；空格分隔的多个词须同时出现', examples: ['营业执照 海口'] })),
    scope: Type.Optional(
      Type.Union([Type.Literal('published'), Type.Literal('mine'), Type.Literal('review')], {
        description: 'published（默认）：现行发布版本；mine：本机构目录的最新版本（任意状态）；review：待审核版本（营商环境建设主管部门）',
      }),
    ),
    provider: many(Type.String({ format: 'uuid' }), '提供机构 id'),
    region: many(Type.String({ pattern: '^[1-9][0-9]{5}$' }), '行政区划代码'),
    category: many(Type.String({ minLength: 1, maxLength: 100 }), '分类'),
    grade: many(oneOf(GRADES), '分级'),
    shareAttr: many(oneOf(ATTRS), '共享属性'),
    openAttr: many(oneOf(ATTRS), '开放属性'),
    operationAttr: Type.Optional(Type.Boolean({ description: '授权运营属性' })),
    provisionMethod: many(oneOf(PROVISION_METHODS), '提供方式'),
    updateFrequency: many(oneOf(UPDATE_FREQUENCIES), '更新频率'),
    status: many(oneOf(VERSION_STATUSES), '版本状态（scope=mine 时有用）'),
    sort: Type.Optional(Type.Union([Type.Literal('relevance'), Type.Literal('updated'), Type.Literal('name')], { description: '有检索词时默认 relevance，否则 updated' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, default: 0 })),
  },
);
export type SearchQuery = Static<typeof SearchQuery>;
