/**
 * Catalog routes: the negative list and its joint review, the open catalog and positive lists,
 * the authorized-operation catalog and registrations. HTTP only: parse, call the service, present.
 * The open catalog, positive lists and registration lookup are public (`req.auth` may be null).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import * as lists from './lists.service.js';
import {
  ConsentBody,
  ItemParams,
  NegativeListQuery,
  OpenListQuery,
  OperationListBody,
  OperationListQuery,
  OrgParams,
  PositiveListQuery,
  QueryCodeParams,
  RemoveBody,
  SeatsBody,
  SignoffBody,
  VersionParams,
} from './lists.schema.js';

const tags = ['catalog'];

export const listRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  // 负面清单 (000 第十一条)
  r.get('/api/v1/catalog/review-seats', { schema: { tags, summary: '负面清单联合审查席位及其持有机构' } }, async (req) => lists.listSeats(k, req.auth));
  r.put('/api/v1/catalog/review-seats', { schema: { tags, summary: '分配联合审查席位（平台管理员）', body: SeatsBody } }, async (req) => lists.assignSeats(k, req.auth, req.body));
  r.get('/api/v1/catalog/negative-list', { schema: { tags, summary: '共享负面清单（有条件共享、不予共享）及联合审查状态', querystring: NegativeListQuery } }, async (req) =>
    lists.negativeList(k, req.auth, req.query),
  );
  r.get('/api/v1/catalog/negative-list/:versionId', { schema: { tags, summary: '负面清单中的一个目录版本及其联合审查', params: VersionParams } }, async (req) =>
    lists.negativeListItem(k, req.auth, req.params.versionId),
  );
  r.post('/api/v1/catalog/negative-list/:versionId/signoffs', { schema: { tags, summary: '联合审查签署意见（席位持有机构）', params: VersionParams, body: SignoffBody } }, async (req, reply) =>
    reply.status(201).send(await lists.signNegativeList(k, req.auth, req.params.versionId, req.body)),
  );

  // 开放目录与正面清单 (000 第十八、十九条) — public
  r.get('/api/v1/catalog/open-list', { schema: { tags, summary: '公共数据开放目录（无条件开放、有条件开放）；无需登录', querystring: OpenListQuery } }, async (req) =>
    lists.openList(k, req.query),
  );
  r.get('/api/v1/catalog/positive-lists', { schema: { tags, summary: '各单位开放正面清单概览（含优先领域统计）；无需登录' } }, async () => lists.positiveLists(k));
  r.get('/api/v1/catalog/positive-lists/:orgId', { schema: { tags, summary: '一个单位的开放正面清单，优先领域在前；无需登录', params: OrgParams, querystring: PositiveListQuery } }, async (req) =>
    lists.positiveList(k, req.params.orgId, req.query),
  );

  // 授权运营目录 (000 第二十七、二十八条)
  r.get('/api/v1/catalog/operation-list', { schema: { tags, summary: '授权运营目录（默认已列入；其他状态仅相关单位与监管机构可见）', querystring: OperationListQuery } }, async (req) =>
    lists.operationList(k, req.auth, req.query),
  );
  r.post('/api/v1/catalog/operation-list', { schema: { tags, summary: '将目录纳入授权运营目录', body: OperationListBody } }, async (req, reply) =>
    reply.status(201).send(await lists.listForOperation(k, req.auth, req.body)),
  );
  r.get('/api/v1/catalog/operation-list/:itemId', { schema: { tags, summary: '授权运营目录条目', params: ItemParams } }, async (req) => lists.operationItem(k, req.auth, req.params.itemId));
  r.post('/api/v1/catalog/operation-list/:itemId/consent', { schema: { tags, summary: '数据提供单位同意或不同意纳入授权运营', params: ItemParams, body: ConsentBody } }, async (req) =>
    lists.decideConsent(k, req.auth, req.params.itemId, req.body),
  );
  r.post('/api/v1/catalog/operation-list/:itemId/remove', { schema: { tags, summary: '移出授权运营目录', params: ItemParams, body: RemoveBody } }, async (req) =>
    lists.removeFromOperation(k, req.auth, req.params.itemId, req.body.reason),
  );
  r.delete('/api/v1/catalog/operation-list/:itemId', { schema: { tags, summary: '移出授权运营目录（同 …/remove，无理由）', params: ItemParams } }, async (req) =>
    lists.removeFromOperation(k, req.auth, req.params.itemId, undefined),
  );

  // 登记 (000 第二十九条)
  r.post('/api/v1/catalog/operation-list/:itemId/registration', { schema: { tags, summary: '登记授权运营目录中的公共数据资源', params: ItemParams } }, async (req, reply) =>
    reply.status(201).send(await lists.register(k, req.auth, req.params.itemId)),
  );
  r.get('/api/v1/catalog/registrations/:queryCode', { schema: { tags, summary: '按查询码查询登记信息；无需登录', params: QueryCodeParams } }, async (req) =>
    lists.lookupRegistration(k, req.params.queryCode),
  );
};
