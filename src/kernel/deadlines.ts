/**
 * The deadline ledger (SLA): one row per timed duty, one sweeper that marks overdue duties and
 * notifies the owner and its supervising org. Extensions follow REQUIREMENTS Decisions 3:
 * requested before the window ends, bounded in days and in number, counted from the end of the
 * current window.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from './errors.js';
import { beijingDate, beijingEndOfDay } from './clock.js';
import { addWorkingDays, workingDaysBetween, type CalendarData } from './calendar.js';
import { loadCalendar } from './calendar-repo.js';
import { notify } from './notifications.js';
import type { Kernel } from './context.js';
import type { Executor, Trx } from './db.js';

export interface DutyInput {
  caseType: string;
  caseId: string;
  /** What is owed, e.g. `reply`, `deliver`, `review`. */
  duty: string;
  title: string;
  ownerOrgId: string;
  supervisorOrgId?: string | null;
  link?: string | null;
  /** The article that sets the deadline, e.g. `000 第十四条`. */
  source: string;
  /** Working days allowed; null when the regulation sets none (tracked with its age). */
  workingDays: number | null;
  /**
   * Calendar days allowed instead, for a period the regulation counts in days rather than working
   * days (e.g. 000 第十条 "数据更新后一日内"); pass `workingDays: null` with it.
   */
  calendarDays?: number;
  startedAt?: Date;
}

export interface DueDate {
  dueDate: string;
  dueAt: Date;
  fallback: boolean;
}

/** The due date of a period of `days` working days starting at `start` (Beijing time). */
export function dueFrom(cal: CalendarData, start: Date, days: number): DueDate {
  const r = addWorkingDays(cal, beijingDate(start), days);
  return { dueDate: r.date, dueAt: beijingEndOfDay(r.date), fallback: r.fallback };
}

/**
 * The due date of a period of `days` calendar days starting at `start`: the day of the start does
 * not count (as 民法典 第二百零一条 reckons periods in days) and the period ends at 24:00 Beijing time
 * of its last day. Unlike a working-day period, a weekend or holiday does not extend it: the
 * aggregation between information systems it times runs every day.
 */
export function calendarDueFrom(start: Date, days: number): DueDate {
  const startDay = beijingDate(start);
  const dueDate = new Date(Date.parse(`${startDay}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return { dueDate, dueAt: beijingEndOfDay(dueDate), fallback: false };
}

/** Opens a duty on the ledger inside the caller's transaction. */
export async function openDuty(k: Pick<Kernel, 'clock'>, trx: Trx, input: DutyInput) {
  const startedAt = input.startedAt ?? k.clock.now();
  const due =
    input.calendarDays !== undefined
      ? calendarDueFrom(startedAt, input.calendarDays)
      : input.workingDays === null
        ? null
        : dueFrom(await loadCalendar(trx), startedAt, input.workingDays);
  return trx
    .insertInto('duties')
    .values({
      id: randomUUID(),
      case_type: input.caseType,
      case_id: input.caseId,
      duty: input.duty,
      title: input.title,
      owner_org_id: input.ownerOrgId,
      supervisor_org_id: input.supervisorOrgId ?? null,
      link: input.link ?? null,
      source: input.source,
      started_at: startedAt,
      working_days: input.workingDays,
      due_date: due?.dueDate ?? null,
      due_at: due?.dueAt ?? null,
      met_at: null,
      overdue_at: null,
      calendar_fallback: due?.fallback ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks an open duty met (e.g. the provider replied). Returns false when none was open. */
export async function meetDuty(k: Pick<Kernel, 'clock'>, trx: Trx, caseType: string, caseId: string, duty: string): Promise<boolean> {
  const r = await trx
    .updateTable('duties')
    .set({ status: 'met', met_at: k.clock.now() })
    .where('case_type', '=', caseType)
    .where('case_id', '=', caseId)
    .where('duty', '=', duty)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Cancels an open duty that no longer applies (e.g. the case was withdrawn). */
export async function cancelDuty(trx: Trx, caseType: string, caseId: string, duty: string): Promise<void> {
  await trx
    .updateTable('duties')
    .set({ status: 'cancelled' })
    .where('case_type', '=', caseType)
    .where('case_id', '=', caseId)
    .where('duty', '=', duty)
    .where('status', '=', 'open')
    .execute();
}

/** Pure check of an extension request against Decisions 3; throws the refusal. */
export function checkExtension(
  duty: { status: string; due_at: Date | null; extension_count: number },
  now: Date,
  days: number,
  limits: { maxDays: number; maxExtensions: number; source: string },
): void {
  if (duty.status !== 'open') throw new AppError('INVALID_STATE', '该时限已办结，不能延期');
  if (!duty.due_at) throw new AppError('INVALID_STATE', '该事项没有法定时限，无需延期');
  if (now.getTime() >= duty.due_at.getTime()) {
    throw new AppError('RULE_VIOLATION', '延期须在原期限届满前申请', { source: limits.source });
  }
  if (duty.extension_count >= limits.maxExtensions) {
    throw new AppError('RULE_VIOLATION', `该时限已延期 ${duty.extension_count} 次，不能再延期`, { source: limits.source });
  }
  if (!Number.isInteger(days) || days < 1 || days > limits.maxDays) {
    throw new AppError('RULE_VIOLATION', `延长期限最长 ${limits.maxDays} 个工作日`, { source: limits.source });
  }
}

/** Extends an open duty by `days` working days from the end of its current window. */
export async function extendDuty(
  k: Pick<Kernel, 'clock'>,
  trx: Trx,
  dutyId: string,
  days: number,
  limits: { maxDays: number; maxExtensions: number; source: string },
) {
  const duty = await trx.selectFrom('duties').selectAll().where('id', '=', dutyId).forUpdate().executeTakeFirst();
  if (!duty) throw new AppError('NOT_FOUND', `时限不存在：${dutyId}`);
  checkExtension(duty, k.clock.now(), days, limits);
  const cal = await loadCalendar(trx);
  const r = addWorkingDays(cal, duty.due_date as string, days);
  return trx
    .updateTable('duties')
    .set({
      due_date: r.date,
      due_at: beijingEndOfDay(r.date),
      extension_count: duty.extension_count + 1,
      extended_days: duty.extended_days + days,
      calendar_fallback: duty.calendar_fallback || r.fallback,
    })
    .where('id', '=', dutyId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Marks every open duty whose window has ended as overdue, once, and notifies its owner and
 * supervising org (Decisions 4: silence is never consent). Returns how many were marked.
 */
export async function sweepOverdue(k: Pick<Kernel, 'clock'>, trx: Trx): Promise<number> {
  const now = k.clock.now();
  const due = await trx
    .updateTable('duties')
    .set({ overdue_at: now })
    .where('status', '=', 'open')
    .where('overdue_at', 'is', null)
    .where('due_at', '<=', now)
    .returning(['id', 'title', 'owner_org_id', 'supervisor_org_id', 'link', 'due_date', 'source'])
    .execute();
  for (const d of due) {
    const body = `期限 ${d.due_date} 已届满，依据 ${d.source}`;
    await notify(k, trx, { orgId: d.owner_org_id, kind: 'duty.overdue', title: `已逾期：${d.title}`, body, link: d.link });
    if (d.supervisor_org_id && d.supervisor_org_id !== d.owner_org_id) {
      await notify(k, trx, { orgId: d.supervisor_org_id, kind: 'duty.overdue_supervised', title: `下级事项逾期：${d.title}`, body, link: d.link });
    }
  }
  return due.length;
}

export interface DutyView {
  id: string;
  caseType: string;
  caseId: string;
  duty: string;
  title: string;
  link: string | null;
  source: string;
  startedAt: string;
  dueDate: string | null;
  dueAt: string | null;
  status: 'open' | 'met' | 'cancelled';
  overdue: boolean;
  /** How the period is counted: in working days, or in calendar days (e.g. 000 第十条 "一日内"). */
  dayKind: 'working' | 'calendar';
  /** Working days left after today (0 = due today); null when overdue, without deadline or counted in calendar days. */
  remainingWorkingDays: number | null;
  overdueWorkingDays: number | null;
  /** The same for a period counted in calendar days; null otherwise. */
  remainingCalendarDays: number | null;
  overdueCalendarDays: number | null;
  extensionCount: number;
  calendarFallback: boolean;
}

/** Whole days from one Beijing date (YYYY-MM-DD) to another. */
const calendarDaysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The duties of an org, soonest due first. `status`: open (incl. overdue), overdue, or all. */
export async function listDuties(k: Pick<Kernel, 'clock'>, db: Executor, orgId: string, status: 'open' | 'overdue' | 'all'): Promise<DutyView[]> {
  const now = k.clock.now();
  let q = db.selectFrom('duties').selectAll().where('owner_org_id', '=', orgId);
  if (status === 'open') q = q.where('status', '=', 'open');
  if (status === 'overdue') q = q.where('status', '=', 'open').where('due_at', '<=', now);
  const rows = await q.orderBy(sql`due_at IS NULL`).orderBy('due_at').orderBy('started_at').limit(500).execute();
  const cal = await loadCalendar(db);
  const today = beijingDate(now);
  return rows.map((r) => {
    const overdue = r.status === 'open' && r.due_at !== null && r.due_at.getTime() <= now.getTime();
    const open = r.status === 'open';
    // A dated duty without a working-day period was timed in calendar days (`calendarDays`).
    const calendar = r.working_days === null && r.due_date !== null;
    return {
      id: r.id,
      caseType: r.case_type,
      caseId: r.case_id,
      duty: r.duty,
      title: r.title,
      link: r.link,
      source: r.source,
      startedAt: r.started_at.toISOString(),
      dueDate: r.due_date,
      dueAt: r.due_at?.toISOString() ?? null,
      status: r.status,
      overdue,
      dayKind: calendar ? 'calendar' : 'working',
      remainingWorkingDays: !calendar && open && !overdue && r.due_date ? workingDaysBetween(cal, today, r.due_date) : null,
      overdueWorkingDays: !calendar && overdue && r.due_date ? Math.max(workingDaysBetween(cal, r.due_date, today), 0) : null,
      remainingCalendarDays: calendar && open && !overdue && r.due_date ? calendarDaysBetween(today, r.due_date) : null,
      overdueCalendarDays: calendar && overdue && r.due_date ? Math.max(calendarDaysBetween(r.due_date, today), 0) : null,
      extensionCount: r.extension_count,
      calendarFallback: r.calendar_fallback,
    };
  });
}
