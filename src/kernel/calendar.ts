/**
 * The working-day calendar (工作日). Pure rules over calendar data: statutory holidays and
 * adjusted working days (调休) for the years the State Council's notices cover; other years fall
 * back to Monday–Friday and say so. Periods count from the day after the starting day
 * (民法典 第二百零一条): N working days from a date end at the end of the Nth working day after it.
 */

export type DayKind = 'holiday' | 'workday';

export interface CalendarData {
  readonly coveredYears: ReadonlySet<number>;
  /** Exceptions to Monday–Friday, by `YYYY-MM-DD`. */
  readonly days: ReadonlyMap<string, DayKind>;
}

export const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** True when `s` is a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The date `n` calendar days after `date` (negative goes back). */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const yearOf = (date: string) => Number(date.slice(0, 4));

/** Whether `date` is a working day, and whether the answer had to fall back to Monday–Friday. */
export function isWorkingDay(cal: CalendarData, date: string): { working: boolean; fallback: boolean } {
  const fallback = !cal.coveredYears.has(yearOf(date));
  const kind = cal.days.get(date);
  if (kind) return { working: kind === 'workday', fallback };
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return { working: weekday !== 0 && weekday !== 6, fallback };
}

export interface WorkingDayResult {
  date: string;
  /** True when some day counted lies in a year the calendar does not cover. */
  fallback: boolean;
  fallbackYears: number[];
}

/** The end date of a period of `n` working days starting after `from` (n = 0 gives `from`). */
export function addWorkingDays(cal: CalendarData, from: string, n: number): WorkingDayResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('working days must be a whole number ≥ 0');
  let date = from;
  let left = n;
  const years = new Set<number>();
  while (left > 0) {
    date = addDays(date, 1);
    const { working, fallback } = isWorkingDay(cal, date);
    if (fallback) years.add(yearOf(date));
    if (working) left--;
  }
  return { date, fallback: years.size > 0, fallbackYears: [...years].sort() };
}

/** The number of working days in the interval (from, to]; 0 when `to` ≤ `from`. */
export function workingDaysBetween(cal: CalendarData, from: string, to: string): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
    if (isWorkingDay(cal, d).working) count++;
  }
  return count;
}

/** The sentence shown with an answer that fell back to Monday–Friday. */
export function fallbackNote(years: number[]): string | null {
  if (years.length === 0) return null;
  return `日历未收录 ${years.join('、')} 年的节假日安排，该年按周一至周五为工作日计算`;
}
