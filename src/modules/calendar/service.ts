/**
 * The working-day calendar as a service: the calculator, and the platform admin's edits
 * (one day, or a whole year from the State Council's notice).
 */
import { audit } from '../../kernel/audit.js';
import { actorOf, isPlatformAdmin, PLATFORM_ADMIN_NEEDS, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { addWorkingDays, fallbackNote, isIsoDate, type DayKind } from '../../kernel/calendar.js';
import { loadCalendar } from '../../kernel/calendar-repo.js';
import { beijingEndOfDay } from '../../kernel/clock.js';
import { AppError, invalidField } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/context.js';

/** The end of a period of `days` working days starting after `from` (民法典 第二百零一条). */
export async function addWorkingDaysFrom(k: Kernel, from: string, days: number) {
  if (!isIsoDate(from)) throw invalidField('from', `不是有效日期：${from}（格式 YYYY-MM-DD）`);
  const r = addWorkingDays(await loadCalendar(k.db.kysely), from, days);
  return { date: r.date, from, days, dueAt: beijingEndOfDay(r.date).toISOString(), fallback: r.fallback, fallbackYears: r.fallbackYears, note: fallbackNote(r.fallbackYears) };
}

export async function listYears(k: Kernel) {
  const rows = await k.db.kysely.selectFrom('calendar_years').select(['year', 'source']).orderBy('year').execute();
  return { items: rows.map((r) => ({ year: Number(r.year), source: r.source })) };
}

export async function listDays(k: Kernel, year: number) {
  const [y, days] = await Promise.all([
    k.db.kysely.selectFrom('calendar_years').select('source').where('year', '=', year).executeTakeFirst(),
    k.db.kysely.selectFrom('calendar_days').selectAll().where('day', '>=', `${year}-01-01`).where('day', '<=', `${year}-12-31`).orderBy('day').execute(),
  ]);
  return { year, covered: !!y, source: y?.source ?? null, items: days.map((d) => ({ day: d.day, kind: d.kind, name: d.name })) };
}

function checkDay(day: string, kind: DayKind) {
  if (!isIsoDate(day)) throw invalidField('day', `不是有效日期：${day}`);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  if (kind === 'workday' && !weekend) throw invalidField('kind', `${day} 是工作日（周一至周五），只有周末才能设为调休上班`);
}

/** Marks one day a holiday or an adjusted working day (调休上班). */
export async function setDay(k: Kernel, auth: AuthContext, day: string, input: { kind: DayKind; name: string }) {
  requirePermission(isPlatformAdmin(auth), PLATFORM_ADMIN_NEEDS);
  checkDay(day, input.kind);
  return k.db.kysely.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('calendar_days').selectAll().where('day', '=', day).executeTakeFirst();
    await trx
      .insertInto('calendar_days')
      .values({ day, kind: input.kind, name: input.name })
      .onConflict((oc) => oc.column('day').doUpdateSet({ kind: input.kind, name: input.name }))
      .execute();
    await audit(k, trx, actorOf(auth), { action: 'calendar.set_day', objectType: 'calendar_day', objectId: day, details: { before: before ?? null, after: input } });
    return { day, kind: input.kind, name: input.name };
  });
}

/** Returns a day to the Monday–Friday rule. */
export async function clearDay(k: Kernel, auth: AuthContext, day: string) {
  requirePermission(isPlatformAdmin(auth), PLATFORM_ADMIN_NEEDS);
  if (!isIsoDate(day)) throw invalidField('day', `不是有效日期：${day}`);
  await k.db.kysely.transaction().execute(async (trx) => {
    const before = await trx.deleteFrom('calendar_days').where('day', '=', day).returningAll().executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', `${day} 没有节假日或调休记录`);
    await audit(k, trx, actorOf(auth), { action: 'calendar.clear_day', objectType: 'calendar_day', objectId: day, details: { before } });
  });
}

/**
 * Replaces a whole year with the State Council's notice: the year becomes covered (no more
 * Monday–Friday fallback) and its exceptions are exactly `days`.
 */
export async function importYear(k: Kernel, auth: AuthContext, year: number, input: { source: string; days: Array<{ day: string; kind: DayKind; name: string }> }) {
  requirePermission(isPlatformAdmin(auth), PLATFORM_ADMIN_NEEDS);
  const seen = new Set<string>();
  input.days.forEach((d, i) => {
    if (!d.day.startsWith(`${year}-`)) throw invalidField(`days/${i}/day`, `${d.day} 不在 ${year} 年内`);
    checkDay(d.day, d.kind);
    if (seen.has(d.day)) throw invalidField(`days/${i}/day`, `${d.day} 重复`);
    seen.add(d.day);
  });
  return k.db.kysely.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('calendar_days').where('day', '>=', `${year}-01-01`).where('day', '<=', `${year}-12-31`).returningAll().execute();
    if (input.days.length > 0) await trx.insertInto('calendar_days').values(input.days).execute();
    await trx
      .insertInto('calendar_years')
      .values({ year, source: input.source, updated_at: k.clock.now() })
      .onConflict((oc) => oc.column('year').doUpdateSet({ source: input.source, updated_at: k.clock.now() }))
      .execute();
    await audit(k, trx, actorOf(auth), { action: 'calendar.import_year', objectType: 'calendar_year', objectId: String(year), details: { source: input.source, count: input.days.length, replaced: removed.length } });
    return { year, source: input.source, count: input.days.length };
  });
}
