/** Catalog routes: entries, their lifecycle, the review queue and the update duty (000 第六、七条). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as entries from './entries.service.js';
import * as updates from './update.service.js';
import { CaseParams, ChangeBody, EntryBody, EntryParams, EntryQuery, ExtendBody, NewVersionBody, QueueQuery, ReviewBody } from './schema.js';

const tags = ['catalog'];

export const entryRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const updateDays = k.profile.params.catalogUpdateDays;
  const extensionDays = k.profile.params.catalogUpdateExtensionDays;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/catalog/entries',
    { schema: { tags, summary: '编制目录草稿（公共管理和服务机构）', description: '000 第六条。返回 201 与该条目第 1 版的视图。', body: EntryBody } },
    async (req, reply) => reply.status(201).send(await entries.createDraft(k, authOf(req), req.body)),
  );

  r.get(
    '/api/v1/catalog/entries/:id',
    {
      schema: {
        tags,
        summary: '目录详情：当前可见的最新版本、版本历史、审核意见与已发布版本',
        description: '已发布的目录所有登录用户可见；草稿与退回的版本仅提供单位可见；报送审核中的版本另对营商环境建设主管部门可见。?version=N 读取历史版本。',
        params: EntryParams,
        querystring: EntryQuery,
      },
    },
    async (req) => entries.getEntry(k, authOf(req), req.params.id, { version: req.query.version }),
  );

  r.put(
    '/api/v1/catalog/entries/:id',
    { schema: { tags, summary: '修改草稿或被退回的版本（提供单位）', description: '整体替换最新版本的内容；已报送或已发布的版本不可修改（409）。', params: EntryParams, body: EntryBody } },
    async (req) => entries.updateDraft(k, authOf(req), req.params.id, req.body),
  );

  r.post(
    '/api/v1/catalog/entries/:id/submit',
    { schema: { tags, summary: '报送审核（提供单位数据工作机构负责人签发）', description: '000 第六、七条：须已记录保密风险评估和个人信息保护影响评估。', params: EntryParams } },
    async (req) => entries.submitEntry(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/catalog/entries/:id/review',
    { schema: { tags, summary: '审核目录：通过并发布，或退回修改（营商环境建设主管部门）', params: EntryParams, body: ReviewBody } },
    async (req) => entries.reviewEntry(k, authOf(req), req.params.id, req.body),
  );

  r.post(
    '/api/v1/catalog/entries/:id/versions',
    { schema: { tags, summary: '新建版本：复制已发布版本为草稿，修改后重新报送审核', description: '000 第七条。返回 201 与新版本的视图。', params: EntryParams, body: NewVersionBody } },
    async (req, reply) => reply.status(201).send(await entries.createVersion(k, authOf(req), req.params.id, req.body)),
  );

  r.get(
    '/api/v1/catalog/review-queue',
    { schema: { tags, summary: '待审核目录（营商环境建设主管部门），最早到期在前', querystring: QueueQuery } },
    async (req) => entries.reviewQueue(k, authOf(req), { limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }),
  );

  r.post(
    '/api/v1/catalog/entries/:id/changes',
    {
      schema: {
        tags,
        summary: '登记法律法规调整或职责变化，开启目录更新时限',
        description: `${updateDays.source}：提供单位须自调整、变化发生之日起${updateDays.value === null ? '及时' : ` ${updateDays.value} 个工作日内`}完成更新并报送审核（本辖区规则）。返回 201 与更新事项。`,
        params: EntryParams,
        body: ChangeBody,
      },
    },
    async (req, reply) => reply.status(201).send(await updates.recordChange(k, authOf(req), req.params.id, req.body)),
  );

  r.post(
    '/api/v1/catalog/entries/:id/changes/:caseId/extend',
    { schema: { tags, summary: '同意延长目录更新期限（营商环境建设主管部门）', description: extensionDays.value === null ? `${extensionDays.source}：本辖区规则未规定延长。` : `${extensionDays.source}：限 ${k.profile.params.maxExtensionsPerDuty.value} 次，最长 ${extensionDays.value} 个工作日，须在期限届满前。`, params: CaseParams, body: ExtendBody } },
    async (req) => updates.extendUpdate(k, authOf(req), req.params.id, req.params.caseId, req.body),
  );
};
