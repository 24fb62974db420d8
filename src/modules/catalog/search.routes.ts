/** Catalog routes: search (目录检索) with filters, facets and highlights. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import { searchEntries } from './search.service.js';
import { SearchQuery } from './search.schema.js';

export const searchRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/catalog/entries',
    {
      schema: {
        tags: ['catalog'],
        summary: '目录检索：中文全文检索、筛选与分面统计',
        description:
          '返回 { items, total, facets }。items 为条目在该版本的视图，另含 highlight（name、description 为 {text, hit} 片段数组，按文本渲染；fields 为命中的数据项名称）与 score（按相关度排序时）。facets 按维度给出 [{ value, label?, count }]，每个维度的计数应用了其他维度的筛选条件。',
        querystring: SearchQuery,
      },
    },
    async (req) => searchEntries(k, authOf(req), req.query),
  );
};
