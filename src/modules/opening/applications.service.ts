/**
 * Conditional open applications (有条件开放申请, 000 第二十条): a registered person or organisation
 * applies for a conditional open entry stating the data purpose, scenario, time limit and security
 * measures; the provider answers within the profile's `conditionalOpenReplyDays` working days (the
 * `reply` duty on the ledger); it may extend once, by at most `conditionalOpenExtensionMaxDays`,
 * with the consent of every approver the profile names (营商环境建设主管部门 and 平台运营机构), and the
 * applicant is told; a refusal carries its reason and legal basis. An approval makes a grant
 * (source case `open_application`) served by the delivery module.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requireAuth, requirePermission, ROLE_LABELS, type AuthContext, type OrgRole } from '../../kernel/auth.js';
import { beijingDate, beijingStartOfDay } from '../../kernel/clock.js';
import { loadCalendar } from '../../kernel/calendar-repo.js';
import { cancelDuty, checkExtension, extendDuty, meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import { dutySummary, type DutySummary } from '../catalog/update.service.js';
import { NOT_OPEN_LABELS } from '../catalog/xlsx.js';
import { createGrant } from '../sharing/grants.service.js';
import {
  ART,
  DECIDE_NEEDS,
  applicationProblems,
  applicationRefusal,
  approverRolesOf,
  canApply,
  canDecide,
  canViewApplication,
  extensionOutcome,
  nextVoteRole,
  onTimeRate,
  openApplicationWorkflow,
} from './applications.rules.js';
import type { ApplicationQuery, CreateApplicationBody, DecideApplicationBody, ExtendApplicationBody, ExtensionDecisionBody } from './applications.schema.js';
import type { ExtensionVotes, OpenApplicationStatus, OpenExtensionStatus, OpenMethod } from './applications.tables.js';
import * as repo from './applications.repo.js';

/** Ledger and audit name of the case, and its duties. */
export const OPEN_APPLICATION_CASE = 'open_application';
export const REPLY_DUTY = 'reply';
/** One consent duty per approver role: `extension_consent:<org role>`. */
export const consentDuty = (role: string) => `extension_consent:${role}`;

export const applicationLink = (id: string) => `/opening/applications?case=${id}`;
export const applicantLink = (id: string) => `/open/applications?case=${id}`;

const METHOD_LABELS: Record<OpenMethod, string> = { api: '服务接口', file: '文件下载' };
const notOpenLabel = (r: string) => (NOT_OPEN_LABELS as Record<string, string>)[r] ?? r;

export interface OpenApplicationView {
  id: string;
  entry: { id: string; code: string; name: string | null; version: number };
  provider: { id: string; name: string };
  applicant: { orgId: string; orgName: string; kind: 'organization' | 'person'; userId: string; userName: string };
  fields: string[];
  purpose: string;
  scenario: string;
  validUntil: string;
  securityMeasures: string;
  method: OpenMethod;
  status: OpenApplicationStatus;
  decidedAt: string | null;
  reason: string | null;
  basis: string | null;
  /** Answered after the reply was due (or still pending past it). */
  late: boolean;
  extension: {
    status: OpenExtensionStatus;
    days: number | null;
    reason: string | null;
    requestedAt: string | null;
    decidedAt: string | null;
    approvers: Array<{ role: string; label: string; vote: ExtensionVotes[string] | null; duty: DutySummary | null }>;
  } | null;
  grantId: string | null;
  createdAt: string;
  /** The provider's reply duty. */
  duty: DutySummary | null;
  /** What the caller may do now. */
  can: { decide: boolean; extend: boolean; voteAs: string | null };
}

export interface TimelineItem {
  at: string;
  action: string;
  actor: string | null;
  org: string | null;
  details: unknown;
}

const approverList = (k: Kernel): OrgRole[] => [...(k.profile.params.conditionalOpenExtensionApprovers.value ?? [])];

async function views(k: Kernel, auth: AuthContext | null, db: Executor, rows: repo.ApplicationListRow[]): Promise<OpenApplicationView[]> {
  if (rows.length === 0) return [];
  const [duties, cal] = await Promise.all([
    repo.dutiesOf(
      db,
      OPEN_APPLICATION_CASE,
      rows.map((r) => r.id),
    ),
    loadCalendar(db),
  ]);
  const now = k.clock.now();
  const approvers = approverList(k);
  const mine = auth ? approverRolesOf(auth, approvers) : [];
  return rows.map((r) => {
    const of = (duty: string) => duties.filter((d) => d.case_id === r.id && d.duty === duty).sort((a, b) => b.started_at.getTime() - a.started_at.getTime())[0];
    const reply = of(REPLY_DUTY);
    const dueAt = reply?.due_at?.getTime();
    // The window ends at 24:00 of its last day: an answer at that instant or later is late.
    const late = dueAt !== undefined && (r.decided_at ? r.decided_at.getTime() >= dueAt : r.status === 'pending' && now.getTime() >= dueAt);
    const votes = r.extension_votes ?? {};
    const voteAs = r.status === 'pending' && r.extension_status === 'requested' ? nextVoteRole(mine, votes) : null;
    return {
      id: r.id,
      entry: { id: r.entry_id, code: r.entry_code, name: r.entry_name, version: r.entry_version },
      provider: { id: r.provider_org_id, name: r.provider_name },
      applicant: { orgId: r.applicant_org_id, orgName: r.applicant_org_name, kind: r.applicant_kind, userId: r.created_by, userName: r.applicant_user_name },
      fields: r.fields,
      purpose: r.purpose,
      scenario: r.scenario,
      validUntil: r.valid_until,
      securityMeasures: r.security_measures,
      method: r.method,
      status: r.status,
      decidedAt: r.decided_at?.toISOString() ?? null,
      reason: r.reason,
      basis: r.decision_basis,
      late,
      extension: r.extension_status
        ? {
            status: r.extension_status,
            days: r.extension_days,
            reason: r.extension_reason,
            requestedAt: r.extension_requested_at?.toISOString() ?? null,
            decidedAt: r.extension_decided_at?.toISOString() ?? null,
            approvers: approvers.map((role) => {
              const d = of(consentDuty(role));
              return { role, label: ROLE_LABELS[role], vote: votes[role] ?? null, duty: d ? dutySummary(d, cal, now) : null };
            }),
          }
        : null,
      grantId: r.grant_id,
      createdAt: r.created_at.toISOString(),
      duty: reply ? dutySummary(reply, cal, now) : null,
      can: {
        decide: !!auth && r.status === 'pending' && canDecide(auth, r),
        // Before the window ends and within the number of extensions (Decision 3); the server checks again.
        extend:
          !!auth &&
          r.status === 'pending' &&
          canDecide(auth, r) &&
          r.extension_status !== 'requested' &&
          reply?.status === 'open' &&
          reply.due_at !== null &&
          now.getTime() < reply.due_at.getTime() &&
          reply.extension_count < k.profile.params.maxExtensionsPerDuty.value,
        voteAs,
      },
    };
  });
}

async function viewOf(k: Kernel, auth: AuthContext | null, db: Executor, id: string): Promise<OpenApplicationView> {
  const [v] = await views(k, auth, db, await repo.listApplications(db, { id }));
  if (!v) throw notFound('开放申请', id);
  return v;
}

/**
 * Files an application for a conditional open entry (000 第二十条). Unconditional entries need
 * none (refused with the way to the download); entries not open are refused citing their reason
 * (000 第十九条). The provider's reply duty opens at once, supervised by the sharing authority.
 */
export async function createApplication(k: Kernel, authOrNull: AuthContext | null, body: CreateApplicationBody): Promise<OpenApplicationView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await repo.findPublishedEntry(trx, body.entryId);
    if (!e) throw notFound('已发布的目录', body.entryId);
    const refusal = applicationRefusal(e, notOpenLabel);
    if (refusal) throw new AppError('RULE_VIOLATION', refusal.message, { source: refusal.source, details: { openAttr: e.open_attr, code: e.code } });
    if (!canApply(auth, e)) throw new AppError('RULE_VIOLATION', '数据提供单位不能申请开放本单位的数据', { source: ART.apply });
    const now = k.clock.now();
    const fields = body.fields && body.fields.length > 0 ? body.fields : e.fields.map((f) => f.name);
    const input = { fields, purpose: body.purpose, scenario: body.scenario, validUntil: body.validUntil, securityMeasures: body.securityMeasures, method: body.method };
    const problems = applicationProblems(input, e, beijingDate(now));
    if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { fields: problems, source: ART.apply });
    const id = randomUUID();
    await repo.insertApplication(trx, {
      id,
      entry_id: e.id,
      entry_version: e.version,
      provider_org_id: e.provider_org_id,
      applicant_org_id: auth.org.id,
      created_by: auth.user.id,
      fields,
      purpose: body.purpose.trim(),
      scenario: body.scenario.trim(),
      valid_until: body.validUntil,
      security_measures: body.securityMeasures.trim(),
      method: body.method,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      reason: null,
      decision_basis: null,
      extension_status: null,
      extension_days: null,
      extension_reason: null,
      extension_requested_by: null,
      extension_requested_at: null,
      extension_votes: '{}',
      extension_decided_at: null,
      grant_id: null,
      created_at: now,
    });
    const period = k.profile.params.conditionalOpenReplyDays;
    const authority = await repo.orgWithRole(trx, 'sharing_authority', k.profile.region.code);
    const duty = await openDuty(k, trx, {
      caseType: OPEN_APPLICATION_CASE,
      caseId: id,
      duty: REPLY_DUTY,
      title: `答复开放申请：「${e.name}」（${auth.org.name}申请）`,
      ownerOrgId: e.provider_org_id,
      supervisorOrgId: authority?.id ?? null,
      link: applicationLink(id),
      source: period.source,
      workingDays: period.value,
      startedAt: now,
    });
    await notify(k, trx, {
      orgId: e.provider_org_id,
      kind: 'opening.application_received',
      title: `有条件开放申请：「${e.name}」（${auth.org.name}）`,
      body: `${duty.due_date ? `须于 ${duty.due_date} 前答复是否同意开放` : '请及时答复是否同意开放'}（依据 ${period.source}）`,
      link: applicationLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'opening.application_create',
      objectType: 'open_application',
      objectId: id,
      purpose: body.purpose.trim(),
      details: { entryId: e.id, version: e.version, fields, method: body.method, validUntil: body.validUntil, dutyId: duty.id, dueDate: duty.due_date },
    });
    return viewOf(k, auth, trx, id);
  });
}

/**
 * The provider answers a pending application (000 第二十条): approve (makes the grant — the
 * applicant's org, the entry, the fields, the method, the purpose and scenario, the time limit)
 * or refuse (must state reason and legal basis). Either meets the reply duty — a late answer is
 * taken and shows as late — moots a pending extension, and the applicant is notified.
 */
export async function decideApplication(k: Kernel, authOrNull: AuthContext | null, id: string, body: DecideApplicationBody): Promise<OpenApplicationView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const a = await repo.lockApplication(trx, id);
    if (!a || !canViewApplication(auth, a)) throw notFound('开放申请', id);
    const reason = body.reason?.trim() || null;
    const basis = body.basis?.trim() || null;
    const event = body.decision === 'approve' ? 'approve' : 'refuse';
    const next = openApplicationWorkflow.apply(a.status, event, { mayAct: canDecide(auth, a), reason, basis });
    const e = await repo.findPublishedEntry(trx, a.entry_id);
    const name = e?.name ?? a.entry_id;
    if (event === 'approve' && (!e || e.open_attr === 'none')) {
      // The entry was withdrawn or reclassified as not open since the application: it can only be refused.
      throw new AppError('RULE_VIOLATION', `目录「${name}」现属于不予开放类，不能同意开放，请答复不同意并说明理由和法律依据`, { source: ART.classes });
    }
    const now = k.clock.now();
    await meetDuty(k, trx, OPEN_APPLICATION_CASE, id, REPLY_DUTY);
    for (const role of approverList(k)) await cancelDuty(trx, OPEN_APPLICATION_CASE, id, consentDuty(role));
    if (a.extension_status === 'requested') await repo.updateApplication(trx, id, { extension_status: 'moot', extension_decided_at: now });
    let grantId: string | null = null;
    if (event === 'approve') {
      grantId = await createGrant(k, trx, {
        subjectOrgId: a.applicant_org_id,
        providerOrgId: a.provider_org_id,
        entryId: a.entry_id,
        fields: a.fields,
        purpose: `${a.purpose}；应用场景：${a.scenario}`,
        methods: [a.method],
        validUntil: a.valid_until,
        sourceCaseType: OPEN_APPLICATION_CASE,
        sourceCaseId: a.id,
      });
      await repo.updateApplication(trx, id, { status: next, decided_by: auth.user.id, decided_at: now, reason, decision_basis: basis, grant_id: grantId });
      await notify(k, trx, {
        orgId: a.applicant_org_id,
        kind: 'opening.application_approved',
        title: `开放申请已同意：「${name}」`,
        body: `${auth.org.name}同意开放，可在使用期限 ${a.valid_until} 前以${METHOD_LABELS[a.method]}方式获取（依据 ${ART.apply}）`,
        link: applicantLink(id),
      });
    } else {
      await repo.updateApplication(trx, id, { status: next, decided_by: auth.user.id, decided_at: now, reason, decision_basis: basis });
      await notify(k, trx, {
        orgId: a.applicant_org_id,
        kind: 'opening.application_refused',
        title: `开放申请未获同意：「${name}」`,
        body: `${auth.org.name}：${reason}。法律依据：${basis}`,
        link: applicantLink(id),
      });
    }
    await audit(k, trx, actorOf(auth), {
      action: `opening.application_${event}`,
      objectType: 'open_application',
      objectId: id,
      ...(grantId ? { grantId } : {}),
      details: { entryId: a.entry_id, decision: body.decision, reason, basis, grantId },
    });
    return viewOf(k, auth, trx, id);
  });
}

/**
 * The provider applies to extend its reply (000 第二十条 "因特殊原因需要延长答复期限的，应当经省营商环境
 * 建设主管部门和省大数据建设运营机构同意，并告知申请人，延长的期限最长不得超过五个工作日"): while the
 * application is pending and before the reply window ends (Decision 3), within the profile's maximum
 * days and number of extensions. Each approver's consent becomes a duty of `extensionDecisionDays`.
 */
export async function extendApplication(k: Kernel, authOrNull: AuthContext | null, id: string, body: ExtendApplicationBody): Promise<OpenApplicationView> {
  const auth = requireAuth(authOrNull);
  const maxDays = k.profile.params.conditionalOpenExtensionMaxDays;
  const approvers = approverList(k);
  return k.db.kysely.transaction().execute(async (trx) => {
    const a = await repo.lockApplication(trx, id);
    if (!a || !canViewApplication(auth, a)) throw notFound('开放申请', id);
    requirePermission(canDecide(auth, a), `${DECIDE_NEEDS}（延期由数据提供单位申请）`);
    if (a.status !== 'pending') throw new AppError('INVALID_STATE', `开放申请当前状态为 ${a.status}，只有待答复的申请可以延期`, { source: ART.apply });
    if (maxDays.value === null || approvers.length === 0) throw new AppError('RULE_VIOLATION', '本辖区规则未规定开放答复期限可以延长', { source: maxDays.source });
    if (a.extension_status === 'requested') throw new AppError('CONFLICT', '已有待同意的延期申请', { source: maxDays.source });
    const duty = await repo.openDutyOf(trx, OPEN_APPLICATION_CASE, id, REPLY_DUTY);
    if (!duty) throw new AppError('INVALID_STATE', '该开放申请没有待履行的答复时限');
    const now = k.clock.now();
    checkExtension(duty, now, body.days, { maxDays: maxDays.value, maxExtensions: k.profile.params.maxExtensionsPerDuty.value, source: maxDays.source });
    const orgs: Array<{ role: OrgRole; id: string; name: string }> = [];
    for (const role of approvers) {
      const o = await repo.orgWithRole(trx, role, k.profile.region.code);
      if (!o) throw new AppError('RULE_VIOLATION', `本辖区没有可同意延期的${ROLE_LABELS[role]}`, { source: maxDays.source });
      orgs.push({ role, ...o });
    }
    const reason = body.reason.trim();
    await repo.updateApplication(trx, id, {
      extension_status: 'requested',
      extension_days: body.days,
      extension_reason: reason,
      extension_requested_by: auth.user.id,
      extension_requested_at: now,
      extension_votes: '{}',
      extension_decided_at: null,
    });
    const e = await repo.findPublishedEntry(trx, a.entry_id);
    const name = e?.name ?? a.entry_id;
    const decision = k.profile.params.extensionDecisionDays;
    for (const o of orgs) {
      await openDuty(k, trx, {
        caseType: OPEN_APPLICATION_CASE,
        caseId: id,
        duty: consentDuty(o.role),
        title: `同意开放答复延期：「${name}」（${auth.org.name}申请延长 ${body.days} 个工作日）`,
        ownerOrgId: o.id,
        link: applicationLink(id),
        source: decision.source,
        workingDays: decision.value,
        startedAt: now,
      });
      await notify(k, trx, {
        orgId: o.id,
        kind: 'opening.extension_requested',
        title: `开放答复延期申请：「${name}」`,
        body: `${auth.org.name}申请延长 ${body.days} 个工作日：${reason}（原期限 ${duty.due_date ?? '—'}，须${orgs.map((x) => x.name).join('和')}均同意，依据 ${maxDays.source}）`,
        link: applicationLink(id),
      });
    }
    await audit(k, trx, actorOf(auth), {
      action: 'opening.extension_request',
      objectType: 'open_application',
      objectId: id,
      details: { dutyId: duty.id, days: body.days, reason, dueDate: duty.due_date, approvers: orgs.map((o) => o.role) },
    });
    return viewOf(k, auth, trx, id);
  });
}

/**
 * One approver decides the pending extension (000 第二十条). Granted only when every approver the
 * profile names has consented — then the reply duty is extended from the end of its window (timed
 * as of the application, Decision 3) and the applicant and provider are told; refused as soon as
 * one refuses — the other approvers' duties are cancelled and the provider is told.
 */
export async function decideExtension(k: Kernel, authOrNull: AuthContext | null, id: string, body: ExtensionDecisionBody): Promise<OpenApplicationView> {
  const auth = requireAuth(authOrNull);
  const maxDays = k.profile.params.conditionalOpenExtensionMaxDays;
  const approvers = approverList(k);
  return k.db.kysely.transaction().execute(async (trx) => {
    const a = await repo.lockApplication(trx, id);
    if (!a || !canViewApplication(auth, a)) throw notFound('开放申请', id);
    const mine = approverRolesOf(auth, approvers);
    if (mine.length === 0) {
      throw new AppError('FORBIDDEN', `无权执行此操作：开放答复延期须经${approvers.map((r) => ROLE_LABELS[r]).join('和')}同意（营商环境建设主管部门的审核人或机构管理员；平台运营机构的工作人员）`, { source: maxDays.source });
    }
    if (a.status !== 'pending' || a.extension_status !== 'requested' || !a.extension_requested_at || a.extension_days === null) {
      throw new AppError('INVALID_STATE', '没有待同意的延期申请：延期须由数据提供单位先行申请', { source: maxDays.source });
    }
    const votes: ExtensionVotes = { ...(a.extension_votes ?? {}) };
    const role = nextVoteRole(mine, votes);
    if (!role) throw new AppError('CONFLICT', '本机构已就该延期申请表态', { source: maxDays.source });
    const now = k.clock.now();
    const comment = body.comment.trim();
    votes[role] = { decision: body.decision, comment, userId: auth.user.id, userName: auth.user.name, orgId: auth.org.id, orgName: auth.org.name, at: now.toISOString() };
    await meetDuty(k, trx, OPEN_APPLICATION_CASE, id, consentDuty(role));
    const outcome = extensionOutcome(votes, approvers);
    const e = await repo.findPublishedEntry(trx, a.entry_id);
    const name = e?.name ?? a.entry_id;
    await repo.updateApplication(trx, id, {
      extension_votes: JSON.stringify(votes),
      extension_status: outcome,
      extension_decided_at: outcome === 'requested' ? null : now,
    });
    let dueAfter: string | null = null;
    if (outcome === 'refused') {
      for (const r of approvers) await cancelDuty(trx, OPEN_APPLICATION_CASE, id, consentDuty(r));
      await notify(k, trx, {
        orgId: a.provider_org_id,
        kind: 'opening.extension_refused',
        title: `开放答复延期未获同意：「${name}」`,
        body: `${auth.org.name}：${comment}。请在原期限内答复（依据 ${maxDays.source}）`,
        link: applicationLink(id),
      });
    } else if (outcome === 'consented') {
      const duty = await repo.openDutyOf(trx, OPEN_APPLICATION_CASE, id, REPLY_DUTY);
      if (!duty) throw new AppError('INVALID_STATE', '该开放申请没有待履行的答复时限');
      const requestedAt = a.extension_requested_at;
      const limits = { maxDays: maxDays.value ?? 0, maxExtensions: k.profile.params.maxExtensionsPerDuty.value, source: maxDays.source };
      const after = await extendDuty({ clock: { now: () => requestedAt } }, trx, duty.id, a.extension_days, limits);
      dueAfter = after.due_date;
      const names = approvers.map((r) => votes[r]?.orgName ?? ROLE_LABELS[r]).join('和');
      await notify(k, trx, {
        orgId: a.applicant_org_id,
        kind: 'opening.reply_extended',
        title: `开放申请答复期限延长至 ${after.due_date}：「${name}」`,
        body: `经${names}同意，数据提供单位的答复期限延长 ${a.extension_days} 个工作日（依据 ${maxDays.source}）`,
        link: applicantLink(id),
      });
      await notify(k, trx, {
        orgId: a.provider_org_id,
        kind: 'opening.extension_consented',
        title: `开放答复延期已同意，答复期限至 ${after.due_date}：「${name}」`,
        body: `经${names}同意（依据 ${maxDays.source}）`,
        link: applicationLink(id),
      });
    }
    await audit(k, trx, actorOf(auth), {
      action: body.decision === 'consent' ? 'opening.extension_consent' : 'opening.extension_refuse',
      objectType: 'open_application',
      objectId: id,
      details: { as: role, comment, outcome, days: a.extension_days, dueAfter },
    });
    return viewOf(k, auth, trx, id);
  });
}

/**
 * Applications by the caller's org (`applicant`, default), to it (`provider`), or awaiting its
 * consent to an extension (`approver`: the sharing authority and the platform operator), one page.
 */
export async function listApplications(k: Kernel, authOrNull: AuthContext | null, q: ApplicationQuery): Promise<{ items: OpenApplicationView[]; total: number }> {
  const auth = requireAuth(authOrNull);
  const db = k.db.kysely;
  let filter: repo.ApplicationFilter;
  if (q.role === 'provider') filter = { providerOrgId: auth.org.id };
  else if (q.role === 'approver') {
    requirePermission(approverRolesOf(auth, approverList(k)).length > 0, '营商环境建设主管部门或平台运营机构');
    filter = { extensionRequested: true };
  } else filter = { applicantOrgId: auth.org.id };
  if (q.status) filter.status = q.status;
  const page = { limit: q.limit ?? 20, offset: q.offset ?? 0 };
  const [rows, total] = await Promise.all([repo.listApplications(db, filter, page), repo.countApplications(db, filter)]);
  return { items: await views(k, auth, db, rows), total };
}

/** One application with its timeline (from the audit chain), to whoever may see it; 404 to others. */
export async function getApplication(k: Kernel, authOrNull: AuthContext | null, id: string): Promise<OpenApplicationView & { timeline: TimelineItem[] }> {
  const auth = requireAuth(authOrNull);
  const db = k.db.kysely;
  const [row] = await repo.listApplications(db, { id });
  if (!row || !canViewApplication(auth, row)) throw notFound('开放申请', id);
  const [view] = await views(k, auth, db, [row]);
  if (!view) throw notFound('开放申请', id);
  const events = await repo.timelineOf(db, id);
  return {
    ...view,
    timeline: events.map((ev) => ({ at: ev.at.toISOString(), action: ev.action, actor: ev.user_name, org: ev.org_name, details: ev.details })),
  };
}

export interface ApplicationFigures {
  year: number;
  total: number;
  byStatus: Record<OpenApplicationStatus, number>;
  answered: number;
  /** Share of answered applications answered by their (possibly extended) due date; null when none. */
  onTimeRate: number | null;
}

/** Figures of the year's conditional open applications (filed in that Beijing-time year) for the open data report. */
export async function applicationFigures(db: Executor, year: number): Promise<ApplicationFigures> {
  const rows = await repo.applicationsOfYear(db, beijingStartOfDay(`${year}-01-01`), beijingStartOfDay(`${year + 1}-01-01`), OPEN_APPLICATION_CASE, REPLY_DUTY);
  const byStatus: Record<OpenApplicationStatus, number> = { pending: 0, approved: 0, refused: 0 };
  const answered: Array<{ decidedAt: Date; dueAt: Date | null }> = [];
  for (const r of rows) {
    byStatus[r.status] += 1;
    if (r.decided_at) answered.push({ decidedAt: r.decided_at, dueAt: r.due_at });
  }
  return { year, total: rows.length, byStatus, answered: answered.length, onTimeRate: onTimeRate(answered) };
}

