/**
 * Sharing disputes (000 第十六条): who may raise one, which authority coordinates it and which
 * government decides it, who may take each step, and the dispute's state machine. No I/O.
 *
 * "公共管理和服务机构发生公共数据共享争议的，应当协商解决；协商不成的，应当按照程序向同级负责公共数据共享的
 * 主管部门申请协调处理；经协调处理仍未达成一致意见的，报本级人民政府决定。跨层级、跨地域的公共数据共享发生争议的，
 * 由省人民政府营商环境建设主管部门协调处理；经协调处理仍未达成一致意见的，报省人民政府决定。"
 *
 * Decisions:
 * - The government at that level is not an account on the platform; the sharing authority that
 *   coordinated the dispute submits it ("报本级人民政府决定") and records the government's decision
 *   (its document in `text`). The decision closes the dispute.
 * - A cross-level or cross-region dispute starts at the provincial authority's coordination: the
 *   article gives it no negotiation step.
 * - When no sharing authority of the parties' own region is registered on the platform, the
 *   nearest one up the region tree coordinates (the service looks it up); the government that
 *   decides is still the one of the dispute's level.
 */
import { AppError } from '../../kernel/errors.js';
import { hasUserRole, isPlatformAdmin, type AuthContext } from '../../kernel/auth.js';
import { defineWorkflow, type Refusal } from '../../kernel/workflow.js';
import type { DisputeRoute, DisputeStatus } from './tables.js';

export const ART_DISPUTES = '000 第十六条';

export const OPEN_DISPUTE_NEEDS = '争议一方（共享申请或共享授权的双方机构）的数据工作机构负责人或机构管理员';
export const PARTY_NEEDS = '争议双方的数据工作机构负责人或机构管理员';
export const AUTHORITY_NEEDS = '负责协调处理的营商环境建设主管部门的审核人或机构管理员';

/** Data officer or org admin: who speaks for an institution in a dispute. */
const speaksForOrg = (auth: AuthContext): boolean => hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin');

/** Either institution of the share request or grant may raise a dispute, through its data officer or org admin. */
export const canOpenDispute = (auth: AuthContext, orgs: readonly string[]): boolean => orgs.includes(auth.org.id) && speaksForOrg(auth);

/** A party takes the negotiation steps. */
export const isDisputeParty = (auth: AuthContext, d: { claimant_org_id: string; respondent_org_id: string }): boolean =>
  (auth.org.id === d.claimant_org_id || auth.org.id === d.respondent_org_id) && speaksForOrg(auth);

/** The coordinating authority's reviewer or org admin takes the coordination and decision steps. */
export const isDisputeAuthority = (auth: AuthContext, d: { authority_org_id: string }): boolean =>
  auth.org.id === d.authority_org_id && (hasUserRole(auth, 'reviewer') || hasUserRole(auth, 'org_admin'));

/** A dispute is read by the two parties, the coordinating authority and the platform admin; others get 404. */
export const canViewDispute = (auth: AuthContext, d: { claimant_org_id: string; respondent_org_id: string; authority_org_id: string }): boolean =>
  auth.org.id === d.claimant_org_id || auth.org.id === d.respondent_org_id || auth.org.id === d.authority_org_id || isPlatformAdmin(auth);

// ── Route ──

export interface RegionRef {
  code: string;
  level: number;
}

/**
 * The route of a dispute by the parties' regions: the same region → the authority and government
 * of that region, starting with negotiation; different levels → cross-level, different regions at
 * one level → cross-region, both to the provincial authority and government, starting with its
 * coordination.
 */
export function disputeRoute(a: RegionRef, b: RegionRef, provinceCode: string): { route: DisputeRoute; levelRegionCode: string; initial: DisputeStatus } {
  if (a.code === b.code) return { route: 'same_level', levelRegionCode: a.code, initial: 'negotiation' };
  return { route: a.level !== b.level ? 'cross_level' : 'cross_region', levelRegionCode: provinceCode, initial: 'coordination' };
}

/** The government that decides at a level: "本级人民政府" / "省人民政府". */
export const governmentOf = (regionName: string): string => `${regionName}人民政府`;

// ── State machine ──

export type DisputeAction = 'resolve' | 'escalate' | 'decide';
export type DisputeEvent = 'resolve_by_negotiation' | 'escalate_to_coordination' | 'resolve_by_coordination' | 'escalate_to_decision' | 'decide';

export interface DisputeCtx {
  isParty: boolean;
  isAuthority: boolean;
  outcome: string | null;
  text: string | null;
}

function recordProblems(c: DisputeCtx): Refusal | null {
  const missing = [!c.outcome?.trim() && '结果（outcome）', !c.text?.trim() && '情况记录（text）'].filter(Boolean);
  return missing.length > 0 ? { message: `争议处理的每一步须记录结果和情况：缺少${missing.join('和')}`, source: ART_DISPUTES } : null;
}
const byParty = (c: DisputeCtx): Refusal | null => (c.isParty ? recordProblems(c) : { code: 'FORBIDDEN', message: `无权执行此操作：协商由${PARTY_NEEDS}记录`, source: ART_DISPUTES });
const byAuthority = (c: DisputeCtx): Refusal | null =>
  c.isAuthority ? recordProblems(c) : { code: 'FORBIDDEN', message: `无权执行此操作：协调处理和报请决定由${AUTHORITY_NEEDS}记录`, source: ART_DISPUTES };

/**
 * negotiation —(parties: agreed)→ resolved · —(parties: failed)→ coordination
 * coordination —(authority: agreed)→ resolved · —(authority: no agreement)→ decision
 * decision —(authority records the government's decision)→ decided
 */
export const disputeWorkflow = defineWorkflow<DisputeStatus, DisputeEvent, DisputeCtx>('共享争议', {
  resolve_by_negotiation: { from: ['negotiation'], to: 'resolved', guard: byParty },
  escalate_to_coordination: { from: ['negotiation'], to: 'coordination', guard: byParty },
  resolve_by_coordination: { from: ['coordination'], to: 'resolved', guard: byAuthority },
  escalate_to_decision: { from: ['coordination'], to: 'decision', guard: byAuthority },
  decide: { from: ['decision'], to: 'decided', guard: byAuthority },
});

const EVENTS: Record<DisputeStatus, Partial<Record<DisputeAction, DisputeEvent>>> = {
  negotiation: { resolve: 'resolve_by_negotiation', escalate: 'escalate_to_coordination' },
  coordination: { resolve: 'resolve_by_coordination', escalate: 'escalate_to_decision' },
  decision: { decide: 'decide' },
  resolved: {},
  decided: {},
};

/** The actions a dispute in `status` allows (ignoring who asks). */
export const disputeActions = (status: DisputeStatus): DisputeAction[] => Object.keys(EVENTS[status]) as DisputeAction[];

/** The event an action means in `status`, or INVALID_STATE naming what the status allows. */
export function disputeEvent(action: DisputeAction, status: DisputeStatus): DisputeEvent {
  const e = EVENTS[status][action];
  if (e) return e;
  const allowed = disputeActions(status);
  throw new AppError(
    'INVALID_STATE',
    allowed.length === 0 ? `共享争议已办结（${status}），不能再处理` : `共享争议处于 ${status} 阶段，不能执行 ${action}（可执行：${allowed.join(' / ')}）`,
    { source: ART_DISPUTES },
  );
}

/** The party who acts next: the two institutions, or the authority. Null once closed. */
export const nextActor = (status: DisputeStatus): 'parties' | 'authority' | null =>
  status === 'negotiation' ? 'parties' : status === 'coordination' || status === 'decision' ? 'authority' : null;

export const isClosed = (status: DisputeStatus): boolean => status === 'resolved' || status === 'decided';
