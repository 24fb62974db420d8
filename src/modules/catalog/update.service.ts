/**
 * The update duty of 000 第七条: when a law, administrative regulation or State Council decision
 * changes, or an institution's duties do, the provider updates its catalog within
 * `catalogUpdateDays` working days (extendable once by `catalogUpdateExtensionDays` with the
 * authority's consent) and submits it; the authority reviews the update within
 * `catalogUpdateReviewDays`. Each change is an update case with an `update` duty on the ledger.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requirePermission, ROLE_LABELS, type AuthContext } from '../../kernel/auth.js';
import { beijingDate, beijingStartOfDay } from '../../kernel/clock.js';
import { workingDaysBetween, type CalendarData } from '../../kernel/calendar.js';
import { loadCalendar } from '../../kernel/calendar-repo.js';
import { extendDuty, meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import type { DutiesTable } from '../../kernel/tables.js';
import type { Selectable } from 'kysely';
import { ART } from './model.js';
import { CAN_RECORD_CHANGE_NEEDS, canConsentExtension, canDraft, canRecordChange, isAuthorityReviewer, visibleStatuses } from './rules.js';
import type { ChangeBody, ExtendBody } from './schema.js';
import * as repo from './repo.js';

/** Ledger case type and duty of an update case. */
export const UPDATE_CASE = 'catalog_update';
export const UPDATE_DUTY = 'update';

const KIND_LABELS = { law: '法律、行政法规或国务院决定调整', duties: '机构职责变化' } as const;

export const entryLink = (entryId: string) => `/catalog/entries/${entryId}`;

/** A duty on the ledger as the catalog's pages show it. */
export interface DutySummary {
  id: string;
  status: 'open' | 'met' | 'cancelled';
  startedAt: string;
  workingDays: number | null;
  dueDate: string | null;
  dueAt: string | null;
  overdue: boolean;
  /** Working days after today left until due (0 = due today); null when overdue, met or untimed. */
  remainingWorkingDays: number | null;
  /** Working days since it started: how long a duty without deadline has waited. */
  ageWorkingDays: number;
  extensionCount: number;
  extendedDays: number;
  source: string;
}

export function dutySummary(d: Selectable<DutiesTable>, cal: CalendarData, now: Date): DutySummary {
  const today = beijingDate(now);
  const open = d.status === 'open';
  const overdue = open && d.due_at !== null && d.due_at.getTime() <= now.getTime();
  return {
    id: d.id,
    status: d.status,
    startedAt: d.started_at.toISOString(),
    workingDays: d.working_days,
    dueDate: d.due_date,
    dueAt: d.due_at?.toISOString() ?? null,
    overdue,
    remainingWorkingDays: open && !overdue && d.due_date ? workingDaysBetween(cal, today, d.due_date) : null,
    ageWorkingDays: workingDaysBetween(cal, beijingDate(d.started_at), open ? today : beijingDate(d.met_at ?? now)),
    extensionCount: d.extension_count,
    extendedDays: d.extended_days,
    source: d.source,
  };
}

export interface UpdateCaseView {
  id: string;
  entryId: string;
  kind: 'law' | 'duties';
  description: string;
  status: 'open' | 'submitted' | 'done' | 'cancelled';
  openedAt: string;
  closedAt: string | null;
  /** The version that answers the case, once submitted. */
  versionId: string | null;
  duty: DutySummary | null;
}

/** An entry's update cases with their update duty, oldest first. */
export async function listUpdateCases(k: Pick<Kernel, 'clock'>, db: Executor, entryId: string): Promise<UpdateCaseView[]> {
  const cases = await repo.listCases(db, entryId);
  if (cases.length === 0) return [];
  const [duties, cal] = await Promise.all([repo.dutiesOf(db, UPDATE_CASE, UPDATE_DUTY, cases.map((c) => c.id)), loadCalendar(db)]);
  const now = k.clock.now();
  return cases.map((c) => {
    const d = duties.find((x) => x.case_id === c.id);
    return {
      id: c.id,
      entryId: c.entry_id,
      kind: c.kind,
      description: c.description,
      status: c.status,
      openedAt: c.opened_at.toISOString(),
      closedAt: c.closed_at?.toISOString() ?? null,
      versionId: c.version_id,
      duty: d ? dutySummary(d, cal, now) : null,
    };
  });
}

async function caseView(k: Pick<Kernel, 'clock'>, db: Executor, entryId: string, caseId: string): Promise<UpdateCaseView> {
  const v = (await listUpdateCases(k, db, entryId)).find((c) => c.id === caseId);
  if (!v) throw notFound('目录更新事项', caseId);
  return v;
}

/**
 * Records a change of law or duties on a published entry (000 第七条): an update case and, on
 * the ledger, the provider's duty to update within `catalogUpdateDays` working days of the
 * change, supervised by the authority. A pending draft of the entry is linked to the case.
 */
export async function recordChange(k: Kernel, auth: AuthContext, entryId: string, body: ChangeBody): Promise<UpdateCaseView> {
  requirePermission(canDraft(auth) || isAuthorityReviewer(auth), CAN_RECORD_CHANGE_NEEDS);
  const now = k.clock.now();
  if (body.occurredOn && body.occurredOn > beijingDate(now)) {
    throw new AppError('VALIDATION', '调整或变化发生日期（occurredOn）不能晚于今天', { fields: [{ field: 'occurredOn', message: '不能晚于今天' }] });
  }
  const description = body.description.trim();
  if (!description) throw new AppError('VALIDATION', '请说明调整或变化的内容（description）', { fields: [{ field: 'description', message: '必填' }] });
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await repo.lockEntry(trx, entryId);
    if (!e || !(await repo.hasVersionIn(trx, e.id, visibleStatuses(auth, e)))) throw notFound('目录', entryId);
    requirePermission(canRecordChange(auth, e), CAN_RECORD_CHANGE_NEEDS);
    if (e.published_version === null) {
      throw new AppError('INVALID_STATE', '目录尚未发布：发布前的修改直接在草稿中进行，无需登记更新事项', { source: ART.update });
    }
    const published = await repo.findVersion(trx, e.id, e.published_version);
    const authority = await repo.reviewingAuthority(trx, k.profile.region.code);
    const period = k.profile.params.catalogUpdateDays;
    const id = randomUUID();
    await repo.insertCase(trx, { id, entry_id: e.id, kind: body.kind, description, status: 'open', version_id: null, opened_by: auth.user.id, opened_at: now, closed_at: null });
    const duty = await openDuty(k, trx, {
      caseType: UPDATE_CASE,
      caseId: id,
      duty: UPDATE_DUTY,
      title: `更新目录：${published?.name ?? e.code}（${KIND_LABELS[body.kind]}）`,
      ownerOrgId: e.provider_org_id,
      supervisorOrgId: authority?.id ?? null,
      link: entryLink(e.id),
      source: period.source,
      workingDays: period.value,
      // "自调整、变化发生之日起": the period runs from the day of the change.
      startedAt: body.occurredOn ? beijingStartOfDay(body.occurredOn) : now,
    });
    // A draft already under way is the update that answers this case.
    const latest = await repo.findVersion(trx, e.id, e.latest_version);
    const linked = latest && (latest.status === 'draft' || latest.status === 'returned') && latest.update_case_id === null ? latest : null;
    if (linked) await repo.updateVersion(trx, linked.id, { update_case_id: id });
    const due = duty.due_date ? `，须于 ${duty.due_date} 前完成更新并报送审核` : '';
    await notify(k, trx, {
      orgId: e.provider_org_id,
      kind: 'catalog.update_required',
      title: `目录须更新：${published?.name ?? e.code}`,
      body: `${KIND_LABELS[body.kind]}：${description}${due}（依据 ${period.source}）`,
      link: entryLink(e.id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.change_record',
      objectType: 'catalog_entry',
      objectId: e.id,
      details: { caseId: id, kind: body.kind, description, occurredOn: body.occurredOn ?? null, dutyId: duty.id, dueDate: duty.due_date, linkedVersion: linked?.version ?? null },
    });
    return caseView(k, trx, e.id, id);
  });
}

/**
 * The authority consents to extend an update (000 第七条): only an org the profile names as
 * approver, before the window ends, at most `maxExtensionsPerDuty` times, by at most
 * `catalogUpdateExtensionDays` working days counted from the end of the current window.
 */
export async function extendUpdate(k: Kernel, auth: AuthContext, entryId: string, caseId: string, body: ExtendBody): Promise<UpdateCaseView> {
  const approvers = k.profile.params.catalogUpdateExtensionApprovers;
  if (!canConsentExtension(auth, approvers.value)) {
    const who = (approvers.value ?? []).map((r) => ROLE_LABELS[r]).join('、') || '（本辖区规则未规定）';
    throw new AppError('FORBIDDEN', `无权同意延期：目录更新延期须经${who}的审核人或机构管理员同意`, { source: approvers.source });
  }
  const maxDays = k.profile.params.catalogUpdateExtensionDays;
  const maxExtensionDays = maxDays.value;
  if (maxExtensionDays === null) throw new AppError('RULE_VIOLATION', '本辖区规则未规定目录更新可以延期', { source: maxDays.source });
  const reason = body.reason.trim();
  if (!reason) throw new AppError('VALIDATION', '请说明延期的特殊原因（reason）', { fields: [{ field: 'reason', message: '必填' }] });
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await repo.lockEntry(trx, entryId);
    if (!e) throw notFound('目录', entryId);
    const c = await repo.findCase(trx, entryId, caseId);
    if (!c) throw notFound('目录更新事项', caseId);
    const [duty] = await repo.dutiesOf(trx, UPDATE_CASE, UPDATE_DUTY, [c.id]);
    if (!duty) throw notFound('目录更新时限', caseId);
    const before = duty.due_date;
    const after = await extendDuty(k, trx, duty.id, body.days, {
      maxDays: maxExtensionDays,
      maxExtensions: k.profile.params.maxExtensionsPerDuty.value,
      source: maxDays.source,
    });
    await notify(k, trx, {
      orgId: e.provider_org_id,
      kind: 'catalog.update_extended',
      title: `目录更新期限已延长至 ${after.due_date}`,
      body: `${auth.org.name}同意延长 ${body.days} 个工作日：${reason}（依据 ${maxDays.source}）`,
      link: entryLink(e.id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.update_extend',
      objectType: 'catalog_entry',
      objectId: e.id,
      details: { caseId: c.id, dutyId: duty.id, days: body.days, reason, dueBefore: before, dueAfter: after.due_date },
    });
    return caseView(k, trx, e.id, c.id);
  });
}

/**
 * At submission of an update: every open case of the entry is answered by this version — its
 * update duty is met and it waits for the review. Returns the case the version is linked to.
 */
export async function answerUpdateCases(k: Pick<Kernel, 'clock'>, trx: Trx, entryId: string, version: { id: string; update_case_id: string | null }): Promise<string | null> {
  const answered = await repo.updateCases(trx, { entryId, status: 'open' }, { status: 'submitted', version_id: version.id });
  for (const c of answered) await meetDuty(k, trx, UPDATE_CASE, c.id, UPDATE_DUTY);
  const linked = version.update_case_id ?? [...answered].sort((a, b) => a.opened_at.getTime() - b.opened_at.getTime())[0]?.id ?? null;
  return linked;
}

/** At approval: the cases this version answered are done. */
export async function closeUpdateCases(k: Pick<Kernel, 'clock'>, trx: Trx, versionId: string): Promise<number> {
  const closed = await repo.updateCases(trx, { versionId, status: 'submitted' }, { status: 'done', closed_at: k.clock.now() });
  return closed.length;
}

/**
 * At a return: the cases wait for the corrected version again. Their update duty stays met —
 * 000 第七条 times the first submission, not the corrections a review asks for.
 */
export async function reopenUpdateCases(trx: Trx, versionId: string): Promise<number> {
  const reopened = await repo.updateCases(trx, { versionId, status: 'submitted' }, { status: 'open' });
  return reopened.length;
}
