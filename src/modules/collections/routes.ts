/** Collections routes: base and theme databases and declared changes at the source (000 第十条). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as collections from './service.js';
import * as sourceUpdates from './source-updates.service.js';
import { CollectionParams, CreateBody, EntryParams, ListQuery, MemberParams, MembersBody, SourceUpdateBody, UpdateBody } from './schema.js';

const tags = ['collections'];

export const collectionsRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/collections',
    {
      schema: {
        tags,
        summary: '基础数据库和主题数据库：成员目录数、按时汇聚的比例、逾期数',
        description: '000 第十条。fresh：已汇聚且无逾期的汇聚时限。',
        querystring: ListQuery,
      },
    },
    async (req) => collections.listCollections(k, authOf(req), req.query),
  );

  r.post(
    '/api/v1/collections',
    { schema: { tags, summary: '新建基础库或主题库（平台管理员）', body: CreateBody } },
    async (req, reply) => reply.status(201).send(await collections.createCollection(k, authOf(req), req.body)),
  );

  r.get(
    '/api/v1/collections/:code',
    {
      schema: {
        tags,
        summary: '基础库或主题库详情：各成员目录的最近汇聚、现行行数、下次应汇聚时间、是否逾期、最新质量总分',
        params: CollectionParams,
      },
    },
    async (req) => collections.getCollection(k, authOf(req), req.params.code),
  );

  r.patch(
    '/api/v1/collections/:code',
    { schema: { tags, summary: '修改名称、说明或牵头单位（平台管理员）', params: CollectionParams, body: UpdateBody } },
    async (req) => collections.updateCollection(k, authOf(req), req.params.code, req.body),
  );

  r.post(
    '/api/v1/collections/:code/members',
    { schema: { tags, summary: '纳入已发布的目录（平台管理员）', params: CollectionParams, body: MembersBody } },
    async (req) => collections.addMembers(k, authOf(req), req.params.code, req.body),
  );

  r.delete(
    '/api/v1/collections/:code/members/:entryId',
    { schema: { tags, summary: '移出目录（平台管理员）', params: MemberParams } },
    async (req) => collections.removeMember(k, authOf(req), req.params.code, req.params.entryId),
  );

  r.post(
    '/api/v1/catalog/entries/:id/source-updates',
    {
      schema: {
        tags,
        summary: '登记数据在本单位系统中已更新（提供单位）：须在更新后一日内汇聚',
        description:
          '000 第十条：基础数据库、主题数据库的数据在更新后一日内归集。登记后在时限台账上生成“一日内归集”时限（更新时间次日 24:00 届满），该目录下一次成功汇聚即办结。未纳入基础库或主题库的目录拒绝登记（按更新频率汇聚即可）。',
        params: EntryParams,
        body: SourceUpdateBody,
      },
    },
    async (req, reply) => reply.status(201).send(await sourceUpdates.declareSourceUpdate(k, authOf(req), req.params.id, req.body)),
  );

  r.get(
    '/api/v1/catalog/entries/:id/source-updates',
    { schema: { tags, summary: '目录的数据更新登记及其归集时限（新到旧）', params: EntryParams } },
    async (req) => sourceUpdates.listSourceUpdates(k, authOf(req), req.params.id),
  );
};
