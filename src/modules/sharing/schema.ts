/** TypeBox schemas of the sharing routes, with their static types. */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Text = (description: string) => Type.String({ maxLength: 2000, description });
const Day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

/** Server-side paging of every sharing list: `limit` (default 50, at most 500) and `offset`; the answer carries `total`. */
const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '每页条数（默认 50，最多 500）' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, description: '跳过的条数' })),
};
/** The list filters shared by requests, grants and use requests: entry, the org on the other side, creation date range (Beijing dates, inclusive). */
const ListFilters = {
  entryId: Type.Optional(Uuid),
  counterpartOrgId: Type.Optional(Type.String({ format: 'uuid', description: '对方单位：作为申请方时为提供单位，作为提供方时为申请单位' })),
  from: Type.Optional(Day('提出/生成日期起（含，北京时间）')),
  to: Type.Optional(Day('提出/生成日期止（含，北京时间）')),
  ...Paging,
};
export interface ListFilter {
  entryId?: string | undefined;
  counterpartOrgId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}
export const DEFAULT_PAGE = 50;

// ── Sandbox grants (隐私沙箱，数据可用不可见) ──

const ColumnPolicyName = Type.String({ maxLength: 20, description: 'plain 明文可见 · aggregate_only 仅可聚合 · group_key 分组键 · join_key 仅可关联 · filter_only 仅可筛选 · hidden 不可见' });

/** Differential privacy of a sandbox grant: ε budget per dataset, ε per query, clamps of summed fields, rows per subject. */
export const DpBody = Type.Object(
  {
    epsilonBudget: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'ε 总预算（每个数据集），用完即拒绝查询，不会自动恢复' }),
    epsilonPerQuery: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: '每次查询消耗的 ε，不超过总预算' }),
    bounds: Type.Optional(
      Type.Record(Type.String({ maxLength: 63 }), Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), { description: '数值型数据项的取值范围 { 字段: [下限, 上限] }，求和前截断到此范围' }),
    ),
    maxRowsPerSubject: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: '每个主体计入的行数上限（默认 1）' })),
  },
  { additionalProperties: false },
);
export type DpBody = Static<typeof DpBody>;

/** The settings a provider gives a sandbox grant when approving (each optional; defaults noted). */
const SandboxSettings = {
  columnPolicies: Type.Optional(
    Type.Record(Type.String({ maxLength: 63 }), ColumnPolicyName, { description: '仅沙箱申请：申请的数据项的列策略 { 字段: 策略 }；未列出的按个人信息类别取默认值' }),
  ),
  minGroupSize: Type.Optional(Type.Integer({ minimum: 2, maximum: 100000, description: '仅沙箱申请：聚合结果的最小分组人数，不得低于本辖区规定（不填：按本辖区规定）' })),
  dp: Type.Optional(Type.Union([DpBody, Type.Null()], { description: '仅沙箱申请：差分隐私设置；不填或 null：不启用' })),
  releaseApproval: Type.Optional(Type.Boolean({ description: '仅沙箱申请：结果出域须经实施机构审核（默认否）' })),
};

/** `PUT /api/v1/grants/{id}/sandbox`: the provider changes a sandbox grant's settings; what is left out stays as it is. */
export const SandboxSettingsBody = Type.Object(
  {
    columnPolicies: Type.Optional(Type.Record(Type.String({ maxLength: 63 }), ColumnPolicyName, { description: '要变更的列策略 { 字段: 策略 }（只列出变更的数据项）' })),
    minGroupSize: Type.Optional(Type.Union([Type.Integer({ minimum: 2, maximum: 100000 }), Type.Null()], { description: '最小分组人数，不得低于本辖区规定；null：按本辖区规定' })),
    dp: Type.Optional(Type.Union([DpBody, Type.Null()], { description: '差分隐私设置；null：停用。已消耗的 ε 保留在台账中，计入新的预算' })),
    releaseApproval: Type.Optional(Type.Boolean({ description: '结果出域须经实施机构审核' })),
    reason: Type.String({ minLength: 1, maxLength: 1000, description: '变更的理由' }),
  },
  { additionalProperties: false },
);
export type SandboxSettingsBody = Static<typeof SandboxSettingsBody>;

/** `POST /api/v1/sharing/requests` (000 第十四条). */
export const CreateRequestBody = Type.Object(
  {
    entryId: Uuid,
    fields: Type.Array(Type.String({ maxLength: 63 }), { maxItems: 500, description: '申请的数据项（字段名），全部或部分' }),
    basis: Text('使用依据'),
    scenario: Text('使用场景'),
    scope: Text('使用范围'),
    method: Type.Union([Type.Literal('api'), Type.Literal('batch'), Type.Literal('file'), Type.Literal('sandbox')], {
      description: '共享方式：api 服务接口 · batch 批量交换 · file 文件下载 · sandbox 在平台隐私沙箱内分析（数据可用不可见，运营机构、开发主体仅可申请此方式）',
    }),
    validUntil: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '使用时限（含当日，北京时间）' }),
  },
  { additionalProperties: false },
);
export type CreateRequestBody = Static<typeof CreateRequestBody>;

/**
 * Masking strategies by field (脱敏方式): `{ "<field>": "<spec>" }`, spec one of `partial:<前>:<后>`,
 * `pseudonym:grant`, `pseudonym:platform`, `generalise:<方式>`, `truncate:<n>`, `suppress`, `suppress:null`.
 */
export const MaskingMap = Type.Record(Type.String({ maxLength: 63 }), Type.String({ maxLength: 40 }), {
  maxProperties: 500,
  description:
    '仅同意时：个人信息数据项的脱敏方式 { 数据项: 方式 }。方式：partial:<前留位数>:<后留位数> 部分遮盖 · pseudonym:grant 假名化（本授权） · pseudonym:platform 假名化（全平台，可跨数据集关联） · generalise:month|year|band:<宽度>|city|province|birth_year|id_region:<2|4|6> 泛化 · truncate:<n> 截断 · suppress / suppress:null 不提供。未列出的按其个人信息类别默认部分遮盖',
});

export const DecideBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]),
    reason: Type.Optional(Text('理由；不同意共享时必填')),
    basis: Type.Optional(Text('依据；不同意共享时必填')),
    clearFields: Type.Optional(
      Type.Array(Type.String({ maxLength: 63 }), { maxItems: 500, description: '仅同意时：以明文提供的个人信息数据项（须在申请的数据项内）；不填：个人信息一律脱敏' }),
    ),
    clearReason: Type.Optional(Text('以明文提供个人信息的理由和依据；clearFields 非空时必填')),
    masking: Type.Optional(MaskingMap),
    ...SandboxSettings,
  },
  { additionalProperties: false },
);
export type DecideBody = Static<typeof DecideBody>;

export const ExtendBody = Type.Object(
  {
    days: Type.Integer({ minimum: 1, maximum: 60, description: '延长的工作日数（提供单位申请；主管部门同意时可核减）' }),
    reason: Type.String({ minLength: 1, maxLength: 1000, description: '提供单位：延期的特殊原因；主管部门：审核意见' }),
    decision: Type.Optional(Type.Union([Type.Literal('consent'), Type.Literal('refuse')], { description: '仅主管部门：consent 同意（默认）· refuse 不同意' })),
  },
  { additionalProperties: false },
);
export type ExtendBody = Static<typeof ExtendBody>;

export const RequestParams = Type.Object({ id: Uuid });

export const RequestQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('requester'), Type.Literal('provider')], { description: 'requester 本单位提出的（默认）· provider 向本单位提出的' })),
  status: Type.Optional(Type.Union([Type.Literal('awaiting_signature'), Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')])),
  ...ListFilters,
});
export type RequestQuery = Static<typeof RequestQuery>;

/** `POST /api/v1/sharing/instant-conditions`: the provider's instant-share conditions for one entry. */
export const InstantConditionsBody = Type.Object(
  {
    entryId: Uuid,
    requesterOrgIds: Type.Optional(Type.Array(Uuid, { maxItems: 200, description: '申请单位须为其中之一（如公安机关）' })),
    requesterOrgRoles: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20, description: '申请单位须具有其中一个机构角色' })),
    fields: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 63 }), { maxItems: 500 }), Type.Null()], { description: '申请的数据项须在此范围内；null 不限' })),
  },
  { additionalProperties: false },
);
export type InstantConditionsBody = Static<typeof InstantConditionsBody>;

export const InstantConditionsQuery = Type.Object({ entryId: Uuid });

/** `GET /api/v1/sharing/extensions`: the extension applications the caller (the sharing authority) decides. */
export const ExtensionQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('requested'), Type.Literal('consented'), Type.Literal('approved'), Type.Literal('refused'), Type.Literal('moot'), Type.Literal('all')], {
      description: 'requested 待审核（默认）· consented（或 approved）已同意 · refused 不同意 · moot 审核前提供单位已答复 · all 全部',
    }),
  ),
  ...ListFilters,
});
export type ExtensionQuery = Static<typeof ExtensionQuery>;

export const GrantParams = Type.Object({ id: Uuid });
export const GrantStatusBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });
export type GrantStatusBody = Static<typeof GrantStatusBody>;

/** `PUT /api/v1/grants/{id}/clear-fields`: the personal-information fields released in clear (replaces the list; empty: mask them all). */
export const ClearFieldsBody = Type.Object(
  {
    fields: Type.Array(Type.String({ maxLength: 63 }), { maxItems: 500, description: '以明文提供的个人信息数据项（须在授权的数据项内）' }),
    reason: Type.String({ minLength: 1, maxLength: 1000, description: '变更的理由和依据' }),
  },
  { additionalProperties: false },
);
export type ClearFieldsBody = Static<typeof ClearFieldsBody>;

/** `PUT /api/v1/grants/{id}/masking`: the masking strategies by field (replaces them; empty: each field's default). */
export const MaskingBody = Type.Object(
  {
    masking: MaskingMap,
    reason: Type.String({ minLength: 1, maxLength: 1000, description: '变更的理由和依据' }),
  },
  { additionalProperties: false },
);
export type MaskingBody = Static<typeof MaskingBody>;

export const GrantQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('subject'), Type.Literal('provider')], { description: '不填：本单位作为被授权方或提供方的全部授权' })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('revoked'), Type.Literal('expired')], { description: '按当前状态（过使用时限的即为 expired）' })),
  ...ListFilters,
});
export type GrantQuery = Static<typeof GrantQuery>;

// ── Use limits (000 第十五条) ──

/** `POST /api/v1/grants/{id}/use-requests`: widen a grant's use, or pass its data to a third org. */
export const CreateUseRequestBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('widen'), Type.Literal('transfer')], { description: 'widen 扩大使用范围/用于其他目的 · transfer 提供给第三方' }),
    purpose: Text('新的使用目的/场景（widen）或第三方的使用目的（transfer）'),
    scope: Text('使用范围'),
    fields: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 500, description: 'widen：变更后的全部数据项；transfer：提供给第三方的数据项（须在授权范围内）；不填：授权的数据项' })),
    validUntil: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'widen：延长后的使用时限；transfer：第三方的使用时限；不填：授权的使用时限' })),
    thirdOrgId: Type.Optional(Uuid),
    reason: Type.String({ minLength: 1, maxLength: 2000, description: '确需扩大使用或提供给第三方的理由' }),
  },
  { additionalProperties: false },
);
export type CreateUseRequestBody = Static<typeof CreateUseRequestBody>;

export const UseRequestParams = Type.Object({ id: Uuid });
export const UseRequestQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('requester'), Type.Literal('provider')], { description: 'requester 本单位提出的（默认）· provider 向本单位提出的' })),
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')])),
  ...ListFilters,
});
export type UseRequestQuery = Static<typeof UseRequestQuery>;

// ── Disputes (000 第十六条) ──

export const CreateDisputeBody = Type.Object(
  {
    shareRequestId: Type.Optional(Uuid),
    grantId: Type.Optional(Uuid),
    subject: Type.String({ minLength: 1, maxLength: 200, description: '争议事项' }),
    claim: Type.String({ minLength: 1, maxLength: 4000, description: '主张及事实理由' }),
  },
  { additionalProperties: false },
);
export type CreateDisputeBody = Static<typeof CreateDisputeBody>;

export const DisputeStepBody = Type.Object(
  {
    action: Type.Union([Type.Literal('resolve'), Type.Literal('escalate'), Type.Literal('decide')], {
      description: 'resolve 协商/协调达成一致 · escalate 协商不成提请协调、协调不成报请政府决定 · decide 记录政府决定',
    }),
    outcome: Type.String({ maxLength: 500, description: '本步结果' }),
    text: Type.String({ maxLength: 4000, description: '情况记录（协议内容、协调意见或决定文书）' }),
  },
  { additionalProperties: false },
);
export type DisputeStepBody = Static<typeof DisputeStepBody>;

export const DisputeParams = Type.Object({ id: Uuid });
export const DisputeQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('party'), Type.Literal('authority'), Type.Literal('all')], { description: 'party 本单位为一方（默认）· authority 本单位协调处理 · all 全部（平台管理员）' })),
  status: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('negotiation'), Type.Literal('coordination'), Type.Literal('decision'), Type.Literal('resolved'), Type.Literal('decided')], {
      description: 'open 处理中（协商、协调、待决定）· closed 已结束 · 或具体状态',
    }),
  ),
  counterpartOrgId: Type.Optional(Type.String({ format: 'uuid', description: '争议的另一方或任一方单位' })),
  from: Type.Optional(Day('提出日期起（含，北京时间）')),
  to: Type.Optional(Day('提出日期止（含，北京时间）')),
  ...Paging,
});
export type DisputeQuery = Static<typeof DisputeQuery>;
