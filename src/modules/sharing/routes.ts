/** Sharing routes: share requests (000 第十四条), instant-share conditions, grants, use requests (第十五条) and disputes (第十六条). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as requests from './service.js';
import * as grants from './grants.service.js';
import * as useRequests from './use-requests.js';
import * as disputes from './disputes.js';
import * as clearFields from './clear-fields.js';
import * as sandboxSettings from './sandbox-settings.js';
import * as masking from './masking.js';
import {
  ClearFieldsBody,
  MaskingBody,
  ExtensionQuery,
  CreateDisputeBody,
  CreateRequestBody,
  CreateUseRequestBody,
  DisputeParams,
  DisputeQuery,
  DisputeStepBody,
  UseRequestParams,
  UseRequestQuery,
  DecideBody,
  ExtendBody,
  GrantParams,
  GrantQuery,
  GrantStatusBody,
  InstantConditionsBody,
  InstantConditionsQuery,
  RequestParams,
  RequestQuery,
  SandboxSettingsBody,
} from './schema.js';

const tags = ['sharing'];

export const sharingRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/v1/sharing/requests',
    {
      schema: {
        tags,
        summary: '提出共享申请（数据需求单位）',
        description: '000 第十四条：按已发布目录申请全部或部分数据项，写明使用依据、场景、范围、共享方式和使用时限；须经本单位数据工作机构负责人签署后提交。返回 201，状态 awaiting_signature。',
        body: CreateRequestBody,
      },
    },
    async (req, reply) => reply.status(201).send(await requests.createRequest(k, authOf(req), req.body)),
  );

  r.get(
    '/api/v1/sharing/requests',
    {
      schema: {
        tags,
        summary: '共享申请列表：本单位提出的（requester）或向本单位提出的（provider）',
        description: '可按状态、目录（entryId）、对方单位（counterpartOrgId）、提出日期（from/to，北京时间，含当日）筛选；limit/offset 分页，返回 { items, total }。',
        querystring: RequestQuery,
      },
    },
    async (req) => requests.listRequests(k, authOf(req), req.query),
  );

  r.get(
    '/api/v1/sharing/extensions',
    {
      schema: {
        tags,
        summary: '共享答复延期申请（营商环境建设主管部门审核）',
        description:
          '000 第十四条：数据提供单位因特殊原因延长答复期限的，须经营商环境建设主管部门同意。status=requested（默认，待审核，按申请先后即审核期限先后）· consented（或 approved）· refused · moot · all；' +
          '每项为共享申请，含 extension（申请的天数、理由、审核结果）与 extensionDuty（审核期限）。审核用 POST /api/v1/sharing/requests/{id}/extend 的 decision。limit/offset 分页，返回 { items, total }。',
        querystring: ExtensionQuery,
      },
    },
    async (req) => requests.listExtensions(k, authOf(req), req.query),
  );

  r.get('/api/v1/sharing/requests/:id', { schema: { tags, summary: '共享申请详情（含答复时限与授权）', params: RequestParams } }, async (req) =>
    requests.getRequest(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/sharing/requests/:id/sign',
    {
      schema: {
        tags,
        summary: '签署并提交共享申请（申请单位数据工作机构负责人）',
        description: '无条件共享类即时同意并授权；不予共享类即时不同意并列明依据；有条件共享类待提供单位答复（符合即时共享条件的即时同意）。',
        params: RequestParams,
      },
    },
    async (req) => requests.signRequest(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/sharing/requests/:id/decide',
    { schema: { tags, summary: '答复共享申请（数据提供单位）：同意或不同意（须说明理由并提供依据）', params: RequestParams, body: DecideBody } },
    async (req) => requests.decideRequest(k, authOf(req), req.params.id, req.body),
  );

  r.post(
    '/api/v1/sharing/requests/:id/extend',
    {
      schema: {
        tags,
        summary: '延长答复期限：提供单位申请，营商环境建设主管部门同意或不同意',
        description: '000 第十四条：延长最长 5 个工作日（以辖区规则为准），须在原答复期限届满前申请；同意后告知申请单位。',
        params: RequestParams,
        body: ExtendBody,
      },
    },
    async (req) => requests.extendRequest(k, authOf(req), req.params.id, req.body),
  );

  r.get(
    '/api/v1/sharing/instant-conditions',
    { schema: { tags, summary: '目录的即时共享条件', querystring: InstantConditionsQuery } },
    async (req) => requests.getInstantConditions(k, authOf(req), req.query.entryId),
  );

  r.post(
    '/api/v1/sharing/instant-conditions',
    { schema: { tags, summary: '设置即时共享条件（数据提供单位，有条件共享类目录）', body: InstantConditionsBody } },
    async (req) => requests.setInstantConditions(k, authOf(req), req.body),
  );

  r.get(
    '/api/v1/grants',
    {
      schema: {
        tags,
        summary: '本单位的共享授权（作为被授权方或提供方）',
        description: '可按当前状态（status）、目录（entryId）、对方单位（counterpartOrgId）、生成日期（from/to）筛选；limit/offset 分页，返回 { items, total }。',
        querystring: GrantQuery,
      },
    },
    async (req) => grants.listGrants(k, authOf(req), req.query),
  );

  r.put(
    '/api/v1/grants/:id/clear-fields',
    {
      schema: {
        tags,
        summary: '设置以明文提供的个人信息数据项（数据提供单位，须说明理由）',
        description: '替换授权以明文提供的个人信息数据项（须在授权的数据项内且含个人信息）；空数组：个人信息一律脱敏。自下一次获取起生效，记入审计并通知被授权单位。',
        params: GrantParams,
        body: ClearFieldsBody,
      },
    },
    async (req) => clearFields.setClearFields(k, authOf(req), req.params.id, req.body),
  );

  r.put(
    '/api/v1/grants/:id/masking',
    {
      schema: {
        tags,
        summary: '设置个人信息数据项的脱敏方式（数据提供单位，须说明理由）',
        description:
          '替换授权各脱敏数据项的脱敏方式 { 数据项: 方式 }（部分遮盖、假名化、泛化、截断、不提供；须为授权内、含个人信息且未以明文提供的数据项，方式须适合其类型）；空对象：均按默认部分遮盖。自下一次获取起生效，记入审计并通知被授权单位。',
        params: GrantParams,
        body: MaskingBody,
      },
    },
    async (req) => masking.setMasking(k, authOf(req), req.params.id, req.body),
  );

  r.put(
    '/api/v1/grants/:id/sandbox',
    {
      schema: {
        tags,
        summary: '变更隐私沙箱授权的设置（数据提供单位，须说明理由）',
        description:
          '002 第十一条：变更列策略（只列出变更的数据项）、最小分组人数（不得低于本辖区规定；null 按本辖区规定）、差分隐私（null 停用；ε 预算只能经此变更调整，已消耗的 ε 保留并计入新预算）和结果出域审核。未给出的设置保持不变。自下一次查询起生效，记入审计并通知被授权单位。',
        params: GrantParams,
        body: SandboxSettingsBody,
      },
    },
    async (req) => sandboxSettings.setSandboxSettings(k, authOf(req), req.params.id, req.body),
  );

  r.get('/api/v1/grants/:id', { schema: { tags, summary: '共享授权详情', params: GrantParams } }, async (req) => grants.getGrant(k, authOf(req), req.params.id));

  for (const event of ['suspend', 'resume', 'revoke'] as const) {
    r.post(
      `/api/v1/grants/:id/${event}`,
      { schema: { tags, summary: { suspend: '暂停共享授权', resume: '恢复共享授权', revoke: '撤销共享授权' }[event] + '（数据提供单位，须说明理由）', params: GrantParams, body: GrantStatusBody } },
      async (req) => grants.changeGrant(k, authOf(req), req.params.id, event, req.body),
    );
  }

  // ── Use limits (000 第十五条) ──

  r.post(
    '/api/v1/grants/:id/use-requests',
    {
      schema: {
        tags,
        summary: '申请扩大使用范围或提供给第三方（被授权单位数据工作机构负责人）',
        description: '000 第十五条：确需扩大使用范围、用于其他目的或者提供给第三方的，应当经数据提供单位同意。返回 201，状态 pending。',
        params: GrantParams,
        body: CreateUseRequestBody,
      },
    },
    async (req, reply) => reply.status(201).send(await useRequests.createUseRequest(k, authOf(req), req.params.id, req.body)),
  );

  r.get(
    '/api/v1/use-requests',
    { schema: { tags, summary: '扩大使用/提供第三方申请列表：本单位提出的（requester）或向本单位提出的（provider）', querystring: UseRequestQuery } },
    async (req) => useRequests.listUseRequests(k, authOf(req), req.query),
  );

  r.get('/api/v1/use-requests/:id', { schema: { tags, summary: '扩大使用/提供第三方申请详情', params: UseRequestParams } }, async (req) =>
    useRequests.getUseRequest(k, authOf(req), req.params.id),
  );

  r.post(
    '/api/v1/use-requests/:id/decide',
    { schema: { tags, summary: '答复扩大使用/提供第三方申请（数据提供单位）：同意或不同意（须说明理由并提供依据）', params: UseRequestParams, body: DecideBody } },
    async (req) => useRequests.decideUseRequest(k, authOf(req), req.params.id, req.body),
  );

  // ── Disputes (000 第十六条) ──

  r.post(
    '/api/v1/disputes',
    {
      schema: {
        tags,
        summary: '提出共享争议（共享申请或授权的一方）',
        description: '000 第十六条：先行协商；协商不成由同级营商环境建设主管部门协调处理，仍未达成一致的报本级人民政府决定；跨层级、跨地域的争议由省营商环境建设主管部门协调处理。返回 201。',
        body: CreateDisputeBody,
      },
    },
    async (req, reply) => reply.status(201).send(await disputes.openDispute(k, authOf(req), req.body)),
  );

  r.get('/api/v1/disputes', { schema: { tags, summary: '共享争议列表（本单位为一方、本单位协调处理或全部）', querystring: DisputeQuery } }, async (req) =>
    disputes.listDisputes(k, authOf(req), req.query),
  );

  r.get('/api/v1/disputes/:id', { schema: { tags, summary: '共享争议详情（含各步记录）', params: DisputeParams } }, async (req) => disputes.getDispute(k, authOf(req), req.params.id));

  r.post(
    '/api/v1/disputes/:id/steps',
    { schema: { tags, summary: '记录争议处理的一步：resolve 达成一致 · escalate 提请协调/报请决定 · decide 记录政府决定', params: DisputeParams, body: DisputeStepBody } },
    async (req) => disputes.disputeStep(k, authOf(req), req.params.id, req.body),
  );
};
