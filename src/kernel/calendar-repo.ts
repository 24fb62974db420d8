/** Reads the calendar tables into the pure `CalendarData` the rules work on. */
import type { CalendarData, DayKind } from './calendar.js';
import type { Executor } from './db.js';

export async function loadCalendar(db: Executor): Promise<CalendarData> {
  const [years, days] = await Promise.all([
    db.selectFrom('calendar_years').select('year').execute(),
    db.selectFrom('calendar_days').select(['day', 'kind']).execute(),
  ]);
  return {
    coveredYears: new Set(years.map((y) => Number(y.year))),
    days: new Map(days.map((d) => [d.day, d.kind as DayKind])),
  };
}
