/**
 * Sharing disputes (共享争议, 000 第十六条) between the two institutions of a share request or a
 * grant: negotiation between them, coordination by the sharing authority of their level, and the
 * decision of the government of that level, which the authority records; a cross-level or
 * cross-region dispute goes straight to the provincial authority's coordination. Every step is a
 * row of `dispute_steps` (who, when, outcome, record), notifies both parties and is audited; the
 * authority's coordination and the decision it awaits are duties on the ledger, with no period
 * (the article sets none) so they are tracked by age on its workbench. Rules in disputes.rules.ts.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, isPlatformAdmin, requirePermission, PLATFORM_ADMIN_NEEDS, type AuthContext } from '../../kernel/auth.js';
import { meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import {
  ART_DISPUTES,
  OPEN_DISPUTE_NEEDS,
  canOpenDispute,
  canViewDispute,
  disputeActions,
  disputeEvent,
  disputeRoute,
  disputeWorkflow,
  governmentOf,
  isClosed,
  isDisputeAuthority,
  isDisputeParty,
  nextActor,
  type DisputeAction,
} from './disputes.rules.js';
import { canViewGrant, canViewRequest } from './rules.js';
import { listFilter, pageOf } from './lists.js';
import type { CreateDisputeBody, DisputeQuery, DisputeStepBody } from './schema.js';
import type { DisputeCaseType, DisputeRoute, DisputeStatus, DisputeStepsTable } from './tables.js';

/** Ledger and audit name of a dispute. */
export const DISPUTE_CASE = 'dispute';
/** The authority's duties: coordinate, then submit for and record the government's decision. */
export const COORDINATE_DUTY = 'coordinate';
export const DECISION_DUTY = 'decision';

export const disputeLink = (id: string) => `/sharing/disputes?case=${id}`;

const STATUS_LABELS: Record<DisputeStatus, string> = { negotiation: '协商', coordination: '协调处理', decision: '报请政府决定', resolved: '已解决', decided: '已决定' };

export interface DisputeStepView {
  seq: number;
  action: DisputeStepsTable['action'];
  from: DisputeStatus | null;
  to: DisputeStatus;
  actor: { userId: string; userName: string; orgId: string; orgName: string };
  outcome: string;
  text: string;
  at: string;
}

export interface DisputeView {
  id: string;
  case: { type: DisputeCaseType; id: string };
  claimant: { id: string; name: string };
  respondent: { id: string; name: string };
  subject: string;
  claim: string;
  route: DisputeRoute;
  /** The region whose authority coordinates and whose government decides. */
  level: { code: string; name: string };
  authority: { id: string; name: string };
  /** "本级人民政府" that decides when coordination fails. */
  government: string;
  status: DisputeStatus;
  /** Who acts next: the two parties or the authority; null once closed. */
  nextActor: 'parties' | 'authority' | null;
  /** The actions the caller may take now. */
  actions: DisputeAction[];
  createdAt: string;
  closedAt: string | null;
  steps: DisputeStepView[];
}

interface DisputeFilter {
  id?: string;
  partyOrgId?: string;
  authorityOrgId?: string;
  /** `open`: not yet closed; `closed`: resolved or decided; or one status. */
  status?: DisputeStatus | 'open' | 'closed';
  counterpartOrgId?: string;
  createdFrom?: Date;
  createdBefore?: Date;
}

function filtered(db: Executor, filter: DisputeFilter) {
  let q = db
    .selectFrom('disputes as d')
    .innerJoin('orgs as co', 'co.id', 'd.claimant_org_id')
    .innerJoin('orgs as ro', 'ro.id', 'd.respondent_org_id')
    .innerJoin('orgs as ao', 'ao.id', 'd.authority_org_id')
    .innerJoin('regions as rg', 'rg.code', 'd.level_region_code');
  if (filter.id) q = q.where('d.id', '=', filter.id);
  const party = filter.partyOrgId;
  if (party) q = q.where((eb) => eb.or([eb('d.claimant_org_id', '=', party), eb('d.respondent_org_id', '=', party)]));
  if (filter.authorityOrgId) q = q.where('d.authority_org_id', '=', filter.authorityOrgId);
  const other = filter.counterpartOrgId;
  if (other) q = q.where((eb) => eb.or([eb('d.claimant_org_id', '=', other), eb('d.respondent_org_id', '=', other)]));
  if (filter.status === 'open') q = q.where('d.status', 'in', ['negotiation', 'coordination', 'decision']);
  else if (filter.status === 'closed') q = q.where('d.status', 'in', ['resolved', 'decided']);
  else if (filter.status) q = q.where('d.status', '=', filter.status);
  if (filter.createdFrom) q = q.where('d.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('d.created_at', '<', filter.createdBefore);
  return q;
}

function listRows(db: Executor, filter: DisputeFilter, page = { limit: 500, offset: 0 }) {
  return filtered(db, filter)
    .selectAll('d')
    .select(['co.name as claimant_name', 'ro.name as respondent_name', 'ao.name as authority_name', 'rg.name as level_name'])
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

async function countRows(db: Executor, filter: DisputeFilter): Promise<number> {
  const r = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
type DisputeRow = Awaited<ReturnType<typeof listRows>>[number];

async function views(db: Executor, auth: AuthContext, rows: DisputeRow[]): Promise<DisputeView[]> {
  if (rows.length === 0) return [];
  const steps = await db
    .selectFrom('dispute_steps as s')
    .innerJoin('users as u', 'u.id', 's.actor_user_id')
    .innerJoin('orgs as o', 'o.id', 's.actor_org_id')
    .selectAll('s')
    .select(['u.name as user_name', 'o.name as org_name'])
    .where(
      's.dispute_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('s.seq')
    .execute();
  return rows.map((d) => ({
    id: d.id,
    case: { type: d.case_type, id: d.case_id },
    claimant: { id: d.claimant_org_id, name: d.claimant_name },
    respondent: { id: d.respondent_org_id, name: d.respondent_name },
    subject: d.subject,
    claim: d.claim,
    route: d.route,
    level: { code: d.level_region_code, name: d.level_name },
    authority: { id: d.authority_org_id, name: d.authority_name },
    government: governmentOf(d.level_name),
    status: d.status,
    nextActor: nextActor(d.status),
    actions: disputeActions(d.status).filter((a) => (nextActor(d.status) === 'parties' ? isDisputeParty(auth, d) : isDisputeAuthority(auth, d))),
    createdAt: d.created_at.toISOString(),
    closedAt: d.closed_at?.toISOString() ?? null,
    steps: steps
      .filter((s) => s.dispute_id === d.id)
      .map((s) => ({
        seq: s.seq,
        action: s.action,
        from: s.from_status,
        to: s.to_status,
        actor: { userId: s.actor_user_id, userName: s.user_name, orgId: s.actor_org_id, orgName: s.org_name },
        outcome: s.outcome,
        text: s.text,
        at: s.at.toISOString(),
      })),
  }));
}

async function viewOf(db: Executor, auth: AuthContext, id: string): Promise<DisputeView> {
  const [v] = await views(db, auth, await listRows(db, { id }));
  if (!v) throw notFound('共享争议', id);
  return v;
}

/** An org's region with its level. */
async function regionOf(db: Executor, orgId: string) {
  return db.selectFrom('orgs as o').innerJoin('regions as r', 'r.code', 'o.region_code').select(['o.id', 'o.name', 'r.code', 'r.level']).where('o.id', '=', orgId).executeTakeFirstOrThrow();
}

/**
 * The sharing authority (营商环境建设主管部门) of a region, or — when none of that region is on the
 * platform — of the nearest region above it (Decision in disputes.rules.ts).
 */
async function authorityFor(db: Executor, regionCode: string): Promise<{ id: string; name: string } | undefined> {
  let code: string | null = regionCode;
  for (let hops = 0; code && hops < 6; hops++) {
    const found = await db
      .selectFrom('orgs')
      .select(['id', 'name'])
      .where('region_code', '=', code)
      .where(sql<boolean>`'sharing_authority' = ANY(roles)`)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (found) return found;
    const region: { parent_code: string | null } | undefined = await db.selectFrom('regions').select('parent_code').where('code', '=', code).executeTakeFirst();
    code = region?.parent_code ?? null;
  }
  return undefined;
}

async function insertStep(
  trx: Trx,
  d: { id: string },
  step: { action: DisputeStepsTable['action']; from: DisputeStatus | null; to: DisputeStatus; auth: AuthContext; outcome: string; text: string; at: Date },
): Promise<void> {
  const last = await trx.selectFrom('dispute_steps').select((eb) => eb.fn.max('seq').as('seq')).where('dispute_id', '=', d.id).executeTakeFirst();
  await trx
    .insertInto('dispute_steps')
    .values({
      id: randomUUID(),
      dispute_id: d.id,
      seq: Number(last?.seq ?? 0) + 1,
      action: step.action,
      from_status: step.from,
      to_status: step.to,
      actor_user_id: step.auth.user.id,
      actor_org_id: step.auth.org.id,
      outcome: step.outcome,
      text: step.text,
      at: step.at,
    })
    .execute();
}

/** Opens the authority's duty for the stage a dispute enters (coordination or decision). */
async function openAuthorityDuty(k: Kernel, trx: Trx, d: { id: string; authority_org_id: string; subject: string }, stage: 'coordination' | 'decision', government: string, at: Date) {
  await openDuty(k, trx, {
    caseType: DISPUTE_CASE,
    caseId: d.id,
    duty: stage === 'coordination' ? COORDINATE_DUTY : DECISION_DUTY,
    title: stage === 'coordination' ? `协调处理共享争议：${d.subject}` : `报请${government}决定共享争议：${d.subject}`,
    ownerOrgId: d.authority_org_id,
    link: disputeLink(d.id),
    source: ART_DISPUTES,
    // 000 第十六条 sets no period for coordination or decision: tracked by its age.
    workingDays: null,
    startedAt: at,
  });
}

/**
 * Either institution of a share request or grant raises a dispute (000 第十六条) through its data
 * officer or org admin. The route follows the parties' regions: the same region → negotiation,
 * with that region's authority and government behind it; cross-level or cross-region → the
 * provincial authority's coordination at once. One open dispute per case.
 */
export async function openDispute(k: Kernel, auth: AuthContext, body: CreateDisputeBody): Promise<DisputeView> {
  const hasRequest = !!body.shareRequestId;
  if (hasRequest === !!body.grantId) {
    throw new AppError('VALIDATION', '请指明争议所涉的共享申请（shareRequestId）或共享授权（grantId），二者选一', { fields: [{ field: 'shareRequestId', message: '二者选一' }] });
  }
  const subject = body.subject.trim();
  const claim = body.claim.trim();
  if (!subject || !claim) throw new AppError('VALIDATION', '请写明争议事项（subject）和主张（claim）', { source: ART_DISPUTES });
  return k.db.kysely.transaction().execute(async (trx) => {
    let caseType: DisputeCaseType;
    let caseId: string;
    let orgs: [string, string];
    if (hasRequest) {
      caseType = 'share_request';
      caseId = body.shareRequestId as string;
      const r = await trx.selectFrom('share_requests').select(['id', 'requester_org_id', 'provider_org_id', 'status']).where('id', '=', caseId).executeTakeFirst();
      if (!r || !canViewRequest(auth, r)) throw notFound('共享申请', caseId);
      orgs = [r.requester_org_id, r.provider_org_id];
      requirePermission(canOpenDispute(auth, orgs), OPEN_DISPUTE_NEEDS);
      if (r.status === 'awaiting_signature') throw new AppError('INVALID_STATE', '共享申请尚未签署提交，数据提供单位尚未收到，不存在共享争议', { source: ART_DISPUTES });
    } else {
      caseType = 'grant';
      caseId = body.grantId as string;
      const g = await trx.selectFrom('grants').select(['id', 'subject_org_id', 'provider_org_id']).where('id', '=', caseId).executeTakeFirst();
      if (!g || !canViewGrant(auth, g)) throw notFound('共享授权', caseId);
      orgs = [g.subject_org_id, g.provider_org_id];
      requirePermission(canOpenDispute(auth, orgs), OPEN_DISPUTE_NEEDS);
    }
    const open = await trx
      .selectFrom('disputes')
      .select('id')
      .where('case_type', '=', caseType)
      .where('case_id', '=', caseId)
      .where('status', 'not in', ['resolved', 'decided'])
      .executeTakeFirst();
    if (open) throw new AppError('CONFLICT', `该${caseType === 'grant' ? '共享授权' : '共享申请'}已有未办结的共享争议`, { source: ART_DISPUTES, details: { disputeId: open.id } });
    const claimant = auth.org.id;
    const respondent = orgs[0] === claimant ? orgs[1] : orgs[0];
    const [a, b] = await Promise.all([regionOf(trx, claimant), regionOf(trx, respondent)]);
    const { route, levelRegionCode, initial } = disputeRoute(a, b, k.profile.region.code);
    const authority = await authorityFor(trx, levelRegionCode);
    if (!authority) throw new AppError('RULE_VIOLATION', '没有可协调处理该争议的营商环境建设主管部门', { source: ART_DISPUTES });
    const level = await trx.selectFrom('regions').select('name').where('code', '=', levelRegionCode).executeTakeFirstOrThrow();
    const government = governmentOf(level.name);
    const now = k.clock.now();
    const id = randomUUID();
    const d = {
      id,
      case_type: caseType,
      case_id: caseId,
      claimant_org_id: claimant,
      respondent_org_id: respondent,
      created_by: auth.user.id,
      subject,
      claim,
      route,
      level_region_code: levelRegionCode,
      authority_org_id: authority.id,
      status: initial,
      created_at: now,
      closed_at: null,
    };
    await trx.insertInto('disputes').values(d).execute();
    const cross = route !== 'same_level';
    await insertStep(trx, d, {
      action: 'open',
      from: null,
      to: initial,
      auth,
      outcome: cross ? `跨${route === 'cross_level' ? '层级' : '地域'}共享争议，由${authority.name}协调处理` : '提出争议，双方协商解决',
      text: claim,
      at: now,
    });
    if (initial === 'coordination') await openAuthorityDuty(k, trx, d, 'coordination', government, now);
    const body2 = cross
      ? `${auth.org.name}提出跨${route === 'cross_level' ? '层级' : '地域'}共享争议：${subject}。由${authority.name}协调处理；仍未达成一致的，报${government}决定（依据 ${ART_DISPUTES}）`
      : `${auth.org.name}提出共享争议：${subject}。请双方协商解决；协商不成的，向${authority.name}申请协调处理（依据 ${ART_DISPUTES}）`;
    for (const orgId of [claimant, respondent, ...(cross ? [authority.id] : [])]) {
      await notify(k, trx, { orgId, kind: 'sharing.dispute_opened', title: `共享争议：${subject}`, body: body2, link: disputeLink(id) });
    }
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.dispute_open',
      objectType: 'dispute',
      objectId: id,
      details: { caseType, caseId, claimant, respondent, route, levelRegionCode, authorityOrgId: authority.id, status: initial, subject },
    });
    return viewOf(trx, auth, id);
  });
}

/**
 * A step of a dispute (000 第十六条): the parties record the negotiation's outcome (resolved, or
 * failed → coordination); the authority records the coordination's (resolved, or no agreement →
 * submitted to the government) and then the government's decision. Each step is recorded with
 * who, when, outcome and text, notifies both parties, and is audited.
 */
export async function disputeStep(k: Kernel, auth: AuthContext, id: string, body: DisputeStepBody): Promise<DisputeView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const d = await trx.selectFrom('disputes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!d || !canViewDispute(auth, d)) throw notFound('共享争议', id);
    const event = disputeEvent(body.action, d.status);
    const outcome = body.outcome.trim();
    const text = body.text.trim();
    const next = disputeWorkflow.apply(d.status, event, { isParty: isDisputeParty(auth, d), isAuthority: isDisputeAuthority(auth, d), outcome, text });
    const now = k.clock.now();
    const closed = isClosed(next);
    await trx
      .updateTable('disputes')
      .set({ status: next, closed_at: closed ? now : null })
      .where('id', '=', id)
      .execute();
    await insertStep(trx, d, { action: body.action, from: d.status, to: next, auth, outcome, text, at: now });
    const level = await trx.selectFrom('regions').select('name').where('code', '=', d.level_region_code).executeTakeFirstOrThrow();
    const government = governmentOf(level.name);
    if (d.status === 'coordination') await meetDuty(k, trx, DISPUTE_CASE, id, COORDINATE_DUTY);
    if (d.status === 'decision') await meetDuty(k, trx, DISPUTE_CASE, id, DECISION_DUTY);
    if (next === 'coordination' || next === 'decision') await openAuthorityDuty(k, trx, d, next, government, now);
    const what =
      next === 'resolved'
        ? `经${d.status === 'negotiation' ? '协商' : '协调处理'}已解决`
        : next === 'coordination'
          ? '协商不成，已提请营商环境建设主管部门协调处理'
          : next === 'decision'
            ? `经协调处理仍未达成一致，已报${government}决定`
            : `${government}已作出决定`;
    // Both parties always; the authority too when the parties bring the dispute to it.
    for (const orgId of [d.claimant_org_id, d.respondent_org_id, ...(next === 'coordination' ? [d.authority_org_id] : [])]) {
      await notify(k, trx, {
        orgId,
        kind: `sharing.dispute_${next}`,
        title: `共享争议${STATUS_LABELS[next]}：${d.subject}`,
        body: `${auth.org.name}：${what}。结果：${outcome}（依据 ${ART_DISPUTES}）`,
        link: disputeLink(id),
      });
    }
    await audit(k, trx, actorOf(auth), {
      action: `sharing.dispute_${body.action}`,
      objectType: 'dispute',
      objectId: id,
      details: { from: d.status, to: next, event, outcome, text },
    });
    return viewOf(trx, auth, id);
  });
}

/**
 * Disputes the caller's org is a party to (`party`, default), those it coordinates (`authority`),
 * or every dispute (`all`, platform admin only).
 */
export async function listDisputes(k: Kernel, auth: AuthContext, q: DisputeQuery): Promise<{ items: DisputeView[]; total: number }> {
  const db = k.db.kysely;
  if (q.role === 'all') requirePermission(isPlatformAdmin(auth), PLATFORM_ADMIN_NEEDS);
  const { entryId: _entry, ...dates } = listFilter(q);
  const filter: DisputeFilter = {
    ...(q.role === 'authority' ? { authorityOrgId: auth.org.id } : q.role === 'all' ? {} : { partyOrgId: auth.org.id }),
    ...(q.status ? { status: q.status } : {}),
    ...dates,
  };
  const [rows, total] = await Promise.all([listRows(db, filter, pageOf(q)), countRows(db, filter)]);
  return { items: await views(db, auth, rows), total };
}

/** One dispute with its steps, to the parties, the coordinating authority and the platform admin; 404 to others. */
export async function getDispute(k: Kernel, auth: AuthContext, id: string): Promise<DisputeView> {
  const db = k.db.kysely;
  const [row] = await listRows(db, { id });
  if (!row || !canViewDispute(auth, row)) throw notFound('共享争议', id);
  return (await views(db, auth, [row]))[0] as DisputeView;
}
