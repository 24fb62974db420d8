/**
 * Sharing rules (000 第三章): who may ask, sign, answer and extend a share request; what a
 * request and a refusal must carry; the request's state machine; the provider's instant-share
 * conditions; and a grant's effective status. No I/O.
 */
import type { FieldError } from '../../kernel/errors.js';
import { hasOrgRole, hasUserRole, isPlatformAdmin, type AuthContext, type OrgRole } from '../../kernel/auth.js';
import { defineWorkflow } from '../../kernel/workflow.js';
import type { Attr } from '../catalog/tables.js';
import type { GrantStatus, ShareOutcome, ShareRequestStatus } from './tables.js';

/** The articles the sharing module rests on. */
export const ART = {
  classes: '000 第十二条',
  request: '000 第十四条',
  useLimits: '000 第十五条',
  /**
   * Operators and developers work on public data inside the platform, raw data never leaving it
   * (003 第三条 "原始数据不出域、数据可用不可见"; 004 第二十五条 "通过…平台对获取的公共数据资源进行加工处理").
   */
  sandbox: '003 第三条；004 第二十五条',
  /** The settings a provider gives a sandbox grant (002 第十一条 "数据可用不可见"、"数据可算不可识"). */
  sandboxSettings: '002 第十一条',
} as const;

/** The delivery methods a share request may name; `sandbox`: analysis inside the platform (隐私沙箱). */
export const SHARE_METHODS = ['api', 'batch', 'file', 'sandbox'] as const;

/** The org roles that may ask for a sandbox grant: institutions, and operators and developers who work inside the platform. */
export const SANDBOX_REQUESTER_ROLES = ['institution', 'operator', 'developer'] as const satisfies readonly OrgRole[];

// ── Who may do what ──

export const REQUEST_NEEDS = '数据需求单位（公共管理和服务机构）的经办人、数据工作机构负责人或机构管理员；运营机构、开发主体仅可申请隐私沙箱（sandbox）方式';
export const SIGN_NEEDS = '申请单位的数据工作机构负责人（data_officer）；运营机构、开发主体为其机构管理员（主要负责人）';
export const DECIDE_NEEDS = '数据提供单位的数据工作机构负责人或机构管理员';

/**
 * 数据需求单位 (000 第十四条): a user who handles data work (clerk, data officer, org admin) of a
 * public institution. Whether it is the provider itself is a rule, checked with the entry.
 */
export const canRequest = (auth: AuthContext, method?: string): boolean =>
  (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin')) &&
  (method === 'sandbox' ? SANDBOX_REQUESTER_ROLES.some((r) => hasOrgRole(auth, r)) : hasOrgRole(auth, 'institution'));

/**
 * "经本单位数据工作机构负责人同意" (000 第十四条): the requester's own data officer signs. An operator or
 * developer (a company asking for a sandbox grant) has no data office: its org admin signs, the
 * main responsible person answering for the data's security (003 第八条 "主要负责人是第一责任人").
 */
export const canSign = (auth: AuthContext, r: { requester_org_id: string }): boolean =>
  auth.org.id === r.requester_org_id && (hasUserRole(auth, 'data_officer') || (!hasOrgRole(auth, 'institution') && hasUserRole(auth, 'org_admin')));

/**
 * The provider's answer binds the unit (000 第十四条 "数据提供单位…作出是否同意共享的答复"): its
 * data officer or org admin gives it, as the data officer signs on the demand side; a clerk prepares
 * but does not answer. The same people apply for an extension and manage the grants it gave.
 */
export const canDecide = (auth: AuthContext, r: { provider_org_id: string }): boolean =>
  auth.org.id === r.provider_org_id && (hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));

/** The approver the profile names (e.g. `sharing_authority`) consents through a reviewer or its org admin. */
export const canConsentExtension = (auth: AuthContext, approvers: readonly OrgRole[] | null): boolean =>
  (approvers ?? []).some((r) => hasOrgRole(auth, r)) && (hasUserRole(auth, 'reviewer') || hasUserRole(auth, 'org_admin'));

/**
 * A request is read by its requester, the platform admin, and — once signed, when it has been
 * "提出" (000 第十四条) — by the provider and the sharing authority that runs the supply–demand
 * matching. Before the signature it is the requester's internal draft.
 */
export const canViewRequest = (auth: AuthContext, r: { provider_org_id: string; requester_org_id: string; status: ShareRequestStatus }): boolean =>
  auth.org.id === r.requester_org_id ||
  isPlatformAdmin(auth) ||
  (r.status !== 'awaiting_signature' && (auth.org.id === r.provider_org_id || hasOrgRole(auth, 'sharing_authority')));

/** A grant is read by its subject and its provider, the sharing authority and the platform admin. */
export const canViewGrant = (auth: AuthContext, g: { provider_org_id: string; subject_org_id: string }): boolean =>
  auth.org.id === g.provider_org_id || auth.org.id === g.subject_org_id || hasOrgRole(auth, 'sharing_authority') || isPlatformAdmin(auth);

// ── What a request carries (000 第十四条) ──

export interface RequestInput {
  fields: readonly string[];
  basis: string;
  scenario: string;
  scope: string;
  method: string;
  validUntil: string;
}

/**
 * The problems of a request against the entry's published version: the use basis, scenario and
 * scope stated; at least one field, each a data item of the published version, none twice; a
 * method the entry provides; a time limit after today. Empty when the request is acceptable.
 */
export function requestProblems(input: RequestInput, entry: { fields: readonly { name: string }[]; provision_methods: readonly string[] }, today: string): FieldError[] {
  const out: FieldError[] = [];
  if (!input.basis.trim()) out.push({ field: 'basis', message: '请说明使用依据' });
  if (!input.scenario.trim()) out.push({ field: 'scenario', message: '请说明使用场景' });
  if (!input.scope.trim()) out.push({ field: 'scope', message: '请说明使用范围' });
  if (input.fields.length === 0) out.push({ field: 'fields', message: '请至少选择一个数据项' });
  const names = new Set(entry.fields.map((f) => f.name));
  const seen = new Set<string>();
  input.fields.forEach((f, i) => {
    if (!names.has(f)) out.push({ field: `fields/${i}`, message: `${f} 不是该目录已发布版本的数据项` });
    else if (seen.has(f)) out.push({ field: `fields/${i}`, message: `数据项 ${f} 重复` });
    seen.add(f);
  });
  if (!(SHARE_METHODS as readonly string[]).includes(input.method)) {
    out.push({ field: 'method', message: `共享方式须为 ${SHARE_METHODS.join(' / ')}` });
  } else if (!entry.provision_methods.includes(input.method)) {
    out.push({ field: 'method', message: `该目录不以 ${input.method} 方式提供（可选：${entry.provision_methods.join(' / ')}）` });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.validUntil) || Number.isNaN(Date.parse(`${input.validUntil}T00:00:00Z`))) {
    out.push({ field: 'validUntil', message: '使用时限须为日期（YYYY-MM-DD）' });
  } else if (input.validUntil <= today) {
    out.push({ field: 'validUntil', message: `使用时限须晚于今天（${today}）` });
  }
  return out;
}

// ── Instant-share conditions (即时共享条件, 000 第十四条) ──

export interface InstantConditions {
  requester_org_ids: readonly string[];
  requester_org_roles: readonly string[];
  /** The fields a request may ask for; null: any. */
  fields: readonly string[] | null;
}

/** True when the provider has set at least one condition (an empty setting grants nothing at once). */
export const hasConditions = (c: InstantConditions): boolean => c.requester_org_ids.length > 0 || c.requester_org_roles.length > 0 || c.fields !== null;

/** A request meets the provider's instant-share conditions when it meets every one that is set. */
export function instantConditionsMet(c: InstantConditions | null | undefined, requester: { orgId: string; orgRoles: readonly string[] }, fields: readonly string[]): boolean {
  if (!c || !hasConditions(c)) return false;
  if (c.requester_org_ids.length > 0 && !c.requester_org_ids.includes(requester.orgId)) return false;
  if (c.requester_org_roles.length > 0 && !c.requester_org_roles.some((r) => requester.orgRoles.includes(r))) return false;
  const allowed = c.fields;
  if (allowed !== null && !fields.every((f) => allowed.includes(f))) return false;
  return true;
}

// ── The request's state machine ──

export type ShareEvent = 'sign_grant' | 'sign_refuse' | 'sign_pend' | 'approve' | 'refuse';

export interface ShareCtx {
  /** The actor may take the step (signer, or the provider's answerer). */
  mayAct: boolean;
  reason?: string | null;
  basis?: string | null;
}

const forbidden = (needs: string) => ({ code: 'FORBIDDEN' as const, message: `无权执行此操作：需要${needs}` });

/**
 * awaiting_signature → (signature) approved | refused | pending → (answer) approved | refused.
 * A refusal by the provider must state its reason and its basis (000 第十四条 "应当说明理由并提供依据").
 */
export const shareRequestWorkflow = defineWorkflow<ShareRequestStatus, ShareEvent, ShareCtx>('共享申请', {
  sign_grant: { from: ['awaiting_signature'], to: 'approved', guard: (c) => (c.mayAct ? null : forbidden(SIGN_NEEDS)) },
  sign_refuse: { from: ['awaiting_signature'], to: 'refused', guard: (c) => (c.mayAct ? null : forbidden(SIGN_NEEDS)) },
  sign_pend: { from: ['awaiting_signature'], to: 'pending', guard: (c) => (c.mayAct ? null : forbidden(SIGN_NEEDS)) },
  approve: { from: ['pending'], to: 'approved', guard: (c) => (c.mayAct ? null : forbidden(DECIDE_NEEDS)) },
  refuse: {
    from: ['pending'],
    to: 'refused',
    guard: (c) => {
      if (!c.mayAct) return forbidden(DECIDE_NEEDS);
      const missing = [!c.reason?.trim() && '理由（reason）', !c.basis?.trim() && '依据（basis）'].filter(Boolean);
      return missing.length > 0 ? { message: `不同意共享的，应当说明理由并提供依据：缺少${missing.join('和')}`, source: ART.request } : null;
    },
  },
});

/**
 * What a signature leads to, by the entry's share attribute at that moment (000 第十二、十四条):
 * unconditional → granted at once (unless the profile says the sharing is not immediate);
 * not shared → refused at once; conditional → granted at once when the provider's instant-share
 * conditions are met, else pending the provider's reply.
 */
export function onSignature(attr: Attr, opts: { instantMet: boolean; unconditionalImmediate: boolean | null }): { event: ShareEvent; outcome: ShareOutcome | null } {
  if (attr === 'none') return { event: 'sign_refuse', outcome: 'not_shared' };
  if (attr === 'unconditional' && opts.unconditionalImmediate !== false) return { event: 'sign_grant', outcome: 'automatic' };
  if (opts.instantMet) return { event: 'sign_grant', outcome: 'instant_conditions' };
  return { event: 'sign_pend', outcome: null };
}

// ── Grants ──

/**
 * A grant's status as a read sees it: a grant past its `valid_until` reads as `expired` whatever
 * it was, unless revoked (revocation is final and says more).
 */
export function effectiveGrantStatus(g: { status: GrantStatus; valid_until: Date }, at: Date): GrantStatus {
  if (g.status === 'revoked') return 'revoked';
  if (at.getTime() >= g.valid_until.getTime()) return 'expired';
  return g.status;
}

export type GrantEvent = 'suspend' | 'resume' | 'revoke';

/** active ⇄ suspended; either → revoked (final). Each step needs the provider and a reason. */
export const grantWorkflow = defineWorkflow<GrantStatus, GrantEvent, { mayAct: boolean; reason: string | null }>('共享授权', {
  suspend: { from: ['active'], to: 'suspended', guard: (c) => grantGuard(c) },
  resume: { from: ['suspended'], to: 'active', guard: (c) => grantGuard(c) },
  revoke: { from: ['active', 'suspended'], to: 'revoked', guard: (c) => grantGuard(c) },
});

function grantGuard(c: { mayAct: boolean; reason: string | null }) {
  if (!c.mayAct) return forbidden(DECIDE_NEEDS);
  return c.reason?.trim() ? null : { message: '请说明理由（reason）', source: ART.useLimits };
}

// ── Fields released in clear ──

/**
 * The problems of a list of fields to release in clear: each must be one of the grant's fields
 * (or the request's) and hold personal information — every other field leaves in clear anyway —
 * and none may appear twice. A non-empty list needs its stated reason. Empty when acceptable.
 */
export function clearFieldsProblems(fields: readonly string[], granted: readonly string[], pii: readonly string[], reason: string | null | undefined, at = 'clearFields'): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (!granted.includes(f)) out.push({ field: `${at}/${i}`, message: `${f} 不在授权的数据项内` });
    else if (!pii.includes(f)) out.push({ field: `${at}/${i}`, message: `${f} 不含个人信息，无须设置明文提供` });
    else if (seen.has(f)) out.push({ field: `${at}/${i}`, message: `数据项 ${f} 重复` });
    seen.add(f);
  });
  if (fields.length > 0 && !reason?.trim()) out.push({ field: at === 'clearFields' ? 'clearReason' : 'reason', message: '以明文提供个人信息的，须说明理由和依据' });
  return out;
}

/** Why a read is refused, by the grant's effective status (or none at all). */
export function grantRefusal(status: GrantStatus | 'none'): string {
  switch (status) {
    case 'suspended':
      return '共享授权已暂停，暂不能获取数据';
    case 'revoked':
      return '共享授权已撤销，不能获取数据';
    case 'expired':
      return '共享授权已过使用时限，不能获取数据';
    case 'none':
      return '没有该目录数据的共享授权';
    case 'active':
      return '';
  }
}
