/**
 * Conditional open applications (有条件开放申请, 000 第二十条): who may apply, answer, extend and
 * consent; what an application and a refusal must carry; the application's state machine and the
 * two-approver extension vote. No I/O.
 */
import type { FieldError } from '../../kernel/errors.js';
import { hasOrgRole, hasUserRole, isPlatformAdmin, type AuthContext, type OrgRole } from '../../kernel/auth.js';
import { defineWorkflow } from '../../kernel/workflow.js';
import type { Attr } from '../catalog/tables.js';
import type { ExtensionVotes, OpenApplicationStatus } from './applications.tables.js';

/** The articles conditional opening rests on. */
export const ART = {
  apply: '000 第二十条',
  classes: '000 第十九条',
} as const;

export const OPEN_METHODS = ['api', 'file'] as const;

export const DECIDE_NEEDS = '数据提供单位的审核人、数据工作机构负责人或机构管理员';

/**
 * 申请人 (000 第二十条 "自然人、法人和非法人组织"): anyone signed in, person or organisation,
 * except the provider applying for its own data.
 */
export const canApply = (auth: AuthContext, entry: { provider_org_id: string }): boolean => auth.org.id !== entry.provider_org_id;

/** The provider answers through its reviewer, data officer or org admin; the same people apply for an extension. */
export const canDecide = (auth: AuthContext, a: { provider_org_id: string }): boolean =>
  auth.org.id === a.provider_org_id && (hasUserRole(auth, 'reviewer') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));

/**
 * The approver roles (from the profile, e.g. 营商环境建设主管部门 and 平台运营机构) this user may vote
 * for: a reviewer or org admin of a sharing authority; any staff member (clerk, reviewer, org admin)
 * of the platform operator, which runs the platform day to day.
 */
export function approverRolesOf(auth: AuthContext, approvers: readonly OrgRole[] | null): OrgRole[] {
  return (approvers ?? []).filter((role) => {
    if (!hasOrgRole(auth, role)) return false;
    if (role === 'platform_admin') return hasUserRole(auth, 'org_admin') || hasUserRole(auth, 'clerk') || hasUserRole(auth, 'reviewer');
    return hasUserRole(auth, 'reviewer') || hasUserRole(auth, 'org_admin');
  });
}

/** An application is read by the applicant's org, the provider, the sharing authority and the platform operator. */
export const canViewApplication = (auth: AuthContext, a: { provider_org_id: string; applicant_org_id: string }): boolean =>
  auth.org.id === a.applicant_org_id || auth.org.id === a.provider_org_id || hasOrgRole(auth, 'sharing_authority') || hasOrgRole(auth, 'platform_admin') || isPlatformAdmin(auth);

// ── Whether an entry takes applications ──

export interface ApplicableEntry {
  code: string;
  open_attr: Attr;
  not_open_reason: string | null;
}

/**
 * Only a conditional entry takes applications (000 第二十条): unconditional data is open at once
 * and needs none (the refusal points to the download); data not open cannot be applied for (the
 * refusal names the entry's reason under 000 第十九条). Null when the entry takes applications.
 */
export function applicationRefusal(e: ApplicableEntry, notOpenLabel: (reason: string) => string): { message: string; source: string } | null {
  if (e.open_attr === 'conditional') return null;
  if (e.open_attr === 'unconditional') {
    return { message: `该数据为无条件开放，无需申请，可直接在开放平台下载：/open/datasets/${e.code}`, source: ART.apply };
  }
  const reason = e.not_open_reason ? notOpenLabel(e.not_open_reason) : '不予开放';
  return { message: `该数据属于不予开放类（${reason}），不接受开放申请`, source: ART.classes };
}

// ── What an application carries (000 第二十条) ──

export interface ApplicationInput {
  fields: readonly string[];
  purpose: string;
  scenario: string;
  validUntil: string;
  securityMeasures: string;
  method: string;
}

/**
 * The problems of an application: the data purpose, scenario, time limit and security measures
 * stated (000 第二十条 "说明数据用途、应用场景、使用期限和安全保障措施"); at least one field, each a
 * data item of the published version, none twice; a method of `api` or `file`; a time limit after today.
 */
export function applicationProblems(input: ApplicationInput, entry: { fields: readonly { name: string }[] }, today: string): FieldError[] {
  const out: FieldError[] = [];
  if (!input.purpose.trim()) out.push({ field: 'purpose', message: '请说明数据用途' });
  if (!input.scenario.trim()) out.push({ field: 'scenario', message: '请说明应用场景' });
  if (!input.securityMeasures.trim()) out.push({ field: 'securityMeasures', message: '请说明安全保障措施' });
  if (input.fields.length === 0) out.push({ field: 'fields', message: '请至少选择一个数据项' });
  const names = new Set(entry.fields.map((f) => f.name));
  const seen = new Set<string>();
  input.fields.forEach((f, i) => {
    if (!names.has(f)) out.push({ field: `fields/${i}`, message: `${f} 不是该目录已发布版本的数据项` });
    else if (seen.has(f)) out.push({ field: `fields/${i}`, message: `数据项 ${f} 重复` });
    seen.add(f);
  });
  if (!(OPEN_METHODS as readonly string[]).includes(input.method)) out.push({ field: 'method', message: `获取方式须为 ${OPEN_METHODS.join(' / ')}` });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.validUntil) || Number.isNaN(Date.parse(`${input.validUntil}T00:00:00Z`))) {
    out.push({ field: 'validUntil', message: '使用期限须为日期（YYYY-MM-DD）' });
  } else if (input.validUntil <= today) {
    out.push({ field: 'validUntil', message: `使用期限须晚于今天（${today}）` });
  }
  return out;
}

// ── The application's state machine ──

export type ApplicationEvent = 'approve' | 'refuse';

const forbidden = (needs: string) => ({ code: 'FORBIDDEN' as const, message: `无权执行此操作：需要${needs}` });

/**
 * pending → approved | refused. A refusal must state its reason and its legal basis
 * (000 第二十条 "不予开放的，应当说明理由并提供法律依据").
 */
export const openApplicationWorkflow = defineWorkflow<OpenApplicationStatus, ApplicationEvent, { mayAct: boolean; reason?: string | null; basis?: string | null }>('开放申请', {
  approve: { from: ['pending'], to: 'approved', guard: (c) => (c.mayAct ? null : forbidden(DECIDE_NEEDS)) },
  refuse: {
    from: ['pending'],
    to: 'refused',
    guard: (c) => {
      if (!c.mayAct) return forbidden(DECIDE_NEEDS);
      const missing = [!c.reason?.trim() && '理由（reason）', !c.basis?.trim() && '法律依据（basis）'].filter(Boolean);
      return missing.length > 0 ? { message: `不同意开放的，应当说明理由并提供法律依据：缺少${missing.join('和')}`, source: ART.apply } : null;
    },
  },
});

// ── The extension vote ──

/**
 * Where an extension stands once the votes are in (000 第二十条 "经省营商环境建设主管部门和省大数据
 * 建设运营机构同意"): refused as soon as one approver refuses; consented only when every approver
 * the profile names has consented; otherwise still requested.
 */
export function extensionOutcome(votes: ExtensionVotes, approvers: readonly string[]): 'requested' | 'consented' | 'refused' {
  if (Object.values(votes).some((v) => v.decision === 'refuse')) return 'refused';
  if (approvers.length > 0 && approvers.every((r) => votes[r]?.decision === 'consent')) return 'consented';
  return 'requested';
}

/** The approver role a user votes for now: the first of theirs that has not voted yet, or null. */
export function nextVoteRole(mine: readonly OrgRole[], votes: ExtensionVotes): OrgRole | null {
  return mine.find((r) => !votes[r]) ?? null;
}

/** On-time share of answered applications (0–1): answered before the window ended (24:00 of its last day); null when none was timed. */
export function onTimeRate(answered: ReadonlyArray<{ decidedAt: Date; dueAt: Date | null }>): number | null {
  let timed = 0;
  let onTime = 0;
  for (const a of answered) {
    if (a.dueAt === null) continue;
    timed += 1;
    if (a.decidedAt.getTime() < a.dueAt.getTime()) onTime += 1;
  }
  return timed === 0 ? null : onTime / timed;
}
