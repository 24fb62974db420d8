import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsDir } from './migrate.js';
import {
  addDays,
  addWorkingDays,
  fallbackNote,
  isIsoDate,
  isWorkingDay,
  workingDaysBetween,
  type CalendarData,
  type DayKind,
} from './calendar.js';

/** The calendar exactly as migration 0003 seeds it, read from its INSERT rows. */
function calendarFromMigration(): CalendarData {
  const text = fs.readFileSync(path.join(migrationsDir, '0003_calendar_2024_2026.sql'), 'utf8');
  const years = [...text.matchAll(/INSERT INTO calendar_years \(year, source\) VALUES \((\d{4}),/g)].map((m) => Number(m[1]));
  const days = [...text.matchAll(/\('(\d{4}-\d{2}-\d{2})', '(holiday|workday)', '[^']*'\)/g)].map((m) => [m[1] as string, m[2] as DayKind] as const);
  return { coveredYears: new Set(years), days: new Map(days) };
}

const cal = calendarFromMigration();
const working = (date: string) => isWorkingDay(cal, date).working;
const add = (from: string, n: number) => addWorkingDays(cal, from, n);

/** Every date from `from` to `to`, both included. */
function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

describe('the seeded calendar data', () => {
  it('covers exactly 2024, 2025 and 2026', () => {
    expect([...cal.coveredYears].sort()).toEqual([2024, 2025, 2026]);
  });

  it('holds only real dates, each once', () => {
    const text = fs.readFileSync(path.join(migrationsDir, '0003_calendar_2024_2026.sql'), 'utf8');
    const rows = [...text.matchAll(/\('(\d{4}-\d{2}-\d{2})', '(holiday|workday)'/g)].map((m) => m[1] as string);
    expect(rows.length).toBe(cal.days.size);
    for (const d of rows) expect(isIsoDate(d), d).toBe(true);
  });

  it('marks as adjusted working days only weekend days', () => {
    for (const [day, kind] of cal.days) {
      if (kind !== 'workday') continue;
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      expect([0, 6], day).toContain(weekday);
    }
  });
});

// The State Council's notice for 2026 (国办发明电〔2025〕7号).
const HOLIDAYS_2026 = [
  { name: '元旦', first: '2026-01-01', last: '2026-01-03', before: '2025-12-31', after: '2026-01-04' },
  { name: '春节', first: '2026-02-15', last: '2026-02-23', before: '2026-02-14', after: '2026-02-24' },
  { name: '清明节', first: '2026-04-04', last: '2026-04-06', before: '2026-04-03', after: '2026-04-07' },
  { name: '劳动节', first: '2026-05-01', last: '2026-05-05', before: '2026-04-30', after: '2026-05-06' },
  { name: '端午节', first: '2026-06-19', last: '2026-06-21', before: '2026-06-18', after: '2026-06-22' },
  { name: '中秋节', first: '2026-09-25', last: '2026-09-27', before: '2026-09-24', after: '2026-09-28' },
  { name: '国庆节', first: '2026-10-01', last: '2026-10-07', before: '2026-09-30', after: '2026-10-08' },
];

describe.each(HOLIDAYS_2026)('2026 $name ($first – $last)', ({ first, last, before, after }) => {
  it('has no working day inside the block', () => {
    const inside = datesFrom(first, last);
    expect(inside.length).toBeGreaterThan(0);
    for (const d of inside) expect(isWorkingDay(cal, d), d).toEqual({ working: false, fallback: false });
  });

  it('is bounded by working days on the day before and the day after', () => {
    expect(isWorkingDay(cal, before)).toEqual({ working: true, fallback: false });
    expect(isWorkingDay(cal, after)).toEqual({ working: true, fallback: false });
  });

  it('ends a 1-working-day period started on the day before it on the day after it', () => {
    expect(add(before, 1)).toEqual({ date: after, fallback: false, fallbackYears: [] });
  });

  it('counts no working day from the day before to its last day', () => {
    expect(workingDaysBetween(cal, before, last)).toBe(0);
    expect(workingDaysBetween(cal, before, after)).toBe(1);
  });
});

describe('2026 adjusted working days (调休上班)', () => {
  it.each(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])('%s is a weekend day and a working day', (day) => {
    expect([0, 6]).toContain(new Date(`${day}T00:00:00Z`).getUTCDay());
    expect(isWorkingDay(cal, day)).toEqual({ working: true, fallback: false });
  });

  it('leaves ordinary 2026 weekends non-working', () => {
    expect(working('2026-09-19')).toBe(false); // Saturday
    expect(working('2026-10-11')).toBe(false); // Sunday after the 10-10 workday
    expect(working('2026-01-10')).toBe(false); // Saturday
  });

  it('counts the adjusted Saturday 2026-10-10 in a period', () => {
    // 10-08 Thu, 10-09 Fri, 10-10 Sat (adjusted), then 10-12 Mon.
    expect(add('2026-10-07', 3).date).toBe('2026-10-10');
    expect(add('2026-10-07', 4).date).toBe('2026-10-12');
  });
});

describe('addWorkingDays counts from the day after the starting day (民法典 第二百零一条)', () => {
  it('gives 2026-10-09 for 2 working days from 2026-09-30 (the issue example)', () => {
    expect(add('2026-09-30', 2)).toEqual({ date: '2026-10-09', fallback: false, fallbackYears: [] });
  });

  it('ends 1 working day from a Friday on the Monday', () => {
    expect(add('2026-09-11', 1).date).toBe('2026-09-14');
    expect(add('2026-03-13', 1).date).toBe('2026-03-16');
  });

  it('does not count the starting day even when it is a working day', () => {
    expect(add('2026-09-14', 1).date).toBe('2026-09-15');
  });

  it('counts from a holiday to the first working day after the block', () => {
    expect(add('2026-10-03', 1).date).toBe('2026-10-08');
    expect(add('2026-02-18', 1).date).toBe('2026-02-24');
  });

  it('counts from a weekend day to the next working day', () => {
    expect(add('2026-09-12', 1).date).toBe('2026-09-14'); // Saturday → Monday
    expect(add('2026-09-13', 1).date).toBe('2026-09-14'); // Sunday → Monday
    // From Friday 09-18 or Saturday 09-19, the Sunday 09-20 is an adjusted working day.
    expect(add('2026-09-18', 1).date).toBe('2026-09-20');
    expect(add('2026-09-19', 1).date).toBe('2026-09-20');
  });

  it('crosses the 2025/2026 year boundary onto the adjusted Sunday 2026-01-04', () => {
    // 01-01..01-03 are 元旦; Sunday 01-04 is a working day (元旦调休上班).
    expect(add('2025-12-31', 1)).toEqual({ date: '2026-01-04', fallback: false, fallbackYears: [] });
    expect(add('2025-12-31', 2)).toEqual({ date: '2026-01-05', fallback: false, fallbackYears: [] });
  });

  it('crosses the 2024/2025 year boundary over the 元旦 holiday', () => {
    expect(add('2024-12-31', 1).date).toBe('2025-01-02');
  });

  it('returns the starting date for 0 working days, even on a holiday', () => {
    expect(add('2026-09-30', 0)).toEqual({ date: '2026-09-30', fallback: false, fallbackYears: [] });
    expect(add('2026-10-01', 0)).toEqual({ date: '2026-10-01', fallback: false, fallbackYears: [] });
    expect(add('2027-06-05', 0)).toEqual({ date: '2027-06-05', fallback: false, fallbackYears: [] });
  });

  it('throws a RangeError for negative or fractional days', () => {
    expect(() => add('2026-09-30', -1)).toThrow(RangeError);
    expect(() => add('2026-09-30', 1.5)).toThrow(RangeError);
    expect(() => add('2026-09-30', Number.NaN)).toThrow(RangeError);
  });

  it('spans the whole 2026 国庆 block for a long period', () => {
    // 09-21..09-24 (4), 09-28..09-30 (3) → 7 working days from 09-20 (itself a workday).
    expect(add('2026-09-20', 7).date).toBe('2026-09-30');
    expect(add('2026-09-20', 8).date).toBe('2026-10-08');
  });
});

describe('2024 and 2025 samples', () => {
  it('treats Sunday 2025-09-28 and Saturday 2025-10-11 as working days', () => {
    expect(isWorkingDay(cal, '2025-09-28')).toEqual({ working: true, fallback: false });
    expect(isWorkingDay(cal, '2025-10-11')).toEqual({ working: true, fallback: false });
  });

  it('treats 2025-10-01 to 2025-10-08 (国庆节、中秋节) as holidays', () => {
    for (const d of datesFrom('2025-10-01', '2025-10-08')) expect(working(d), d).toBe(false);
    expect(add('2025-09-30', 1).date).toBe('2025-10-09');
  });

  it('treats the 2025 春节 block as holidays, with Sunday 01-26 and Saturday 02-08 working', () => {
    for (const d of datesFrom('2025-01-28', '2025-02-04')) expect(working(d), d).toBe(false);
    expect(working('2025-01-26')).toBe(true);
    expect(working('2025-02-08')).toBe(true);
  });

  it('treats Sunday 2024-02-18 and Sunday 2024-02-04 as working days', () => {
    expect(isWorkingDay(cal, '2024-02-18')).toEqual({ working: true, fallback: false });
    expect(working('2024-02-04')).toBe(true);
  });

  it('treats the 2024 春节 block (02-10 – 02-17) as holidays', () => {
    for (const d of datesFrom('2024-02-10', '2024-02-17')) expect(working(d), d).toBe(false);
    expect(add('2024-02-09', 1).date).toBe('2024-02-18');
  });

  it('treats 2024-10-01 to 2024-10-07 as holidays with Saturday 10-12 working', () => {
    expect(add('2024-09-30', 1).date).toBe('2024-10-08');
    expect(working('2024-10-12')).toBe(true);
  });
});

describe('years the calendar does not cover', () => {
  it('falls back to Monday–Friday in 2027 and says so', () => {
    // 2027-01-01 is a Friday: a holiday in reality, but the calendar does not know 2027.
    expect(isWorkingDay(cal, '2027-01-01')).toEqual({ working: true, fallback: true });
    expect(isWorkingDay(cal, '2027-01-02')).toEqual({ working: false, fallback: true });
    expect(add('2027-01-01', 1)).toEqual({ date: '2027-01-04', fallback: true, fallbackYears: [2027] });
    expect(add('2027-03-05', 5)).toEqual({ date: '2027-03-12', fallback: true, fallbackYears: [2027] });
  });

  it('reports fallback for a span crossing from 2026 into 2027', () => {
    expect(add('2026-12-31', 1)).toEqual({ date: '2027-01-01', fallback: true, fallbackYears: [2027] });
    expect(add('2026-12-30', 3)).toEqual({ date: '2027-01-04', fallback: true, fallbackYears: [2027] });
  });

  it('does not report fallback when the period ends before the uncovered year', () => {
    expect(add('2026-12-30', 1)).toEqual({ date: '2026-12-31', fallback: false, fallbackYears: [] });
  });

  it('reports each uncovered year once, in order', () => {
    expect(add('2023-12-29', 1)).toEqual({ date: '2024-01-02', fallback: true, fallbackYears: [2023] });
    const long = add('2026-12-01', 300);
    expect(long.fallbackYears).toEqual([2027, 2028]);
  });

  it('explains the fallback in a sentence naming the years, and says nothing without one', () => {
    expect(fallbackNote([2027])).toContain('2027');
    expect(fallbackNote([2027])).toContain('周一至周五');
    expect(fallbackNote([2027, 2028])).toContain('2027、2028');
    expect(fallbackNote([])).toBeNull();
  });
});

describe('workingDaysBetween counts the interval (from, to]', () => {
  it('gives 0 when to equals from or comes before it', () => {
    expect(workingDaysBetween(cal, '2026-09-14', '2026-09-14')).toBe(0);
    expect(workingDaysBetween(cal, '2026-09-15', '2026-09-14')).toBe(0);
  });

  it('counts the end day but not the start day', () => {
    expect(workingDaysBetween(cal, '2026-09-14', '2026-09-15')).toBe(1);
    expect(workingDaysBetween(cal, '2026-09-11', '2026-09-14')).toBe(1);
    expect(workingDaysBetween(cal, '2026-09-11', '2026-09-13')).toBe(0);
  });

  it('gives 2 from 2026-09-30 to 2026-10-09, matching addWorkingDays', () => {
    expect(workingDaysBetween(cal, '2026-09-30', '2026-10-09')).toBe(2);
    expect(workingDaysBetween(cal, '2026-09-30', '2026-10-08')).toBe(1);
  });

  it('is the inverse of addWorkingDays from a working day', () => {
    for (const n of [1, 2, 5, 10, 20, 60]) {
      const end = add('2026-09-28', n).date;
      expect(workingDaysBetween(cal, '2026-09-28', end), `n=${n}`).toBe(n);
    }
  });

  it('counts the 2026 working days of a whole year: 365 days less weekends and holidays plus adjusted days', () => {
    // 2026 has 261 Mon–Fri days; weekday holidays: 元旦 2, 春节 6, 清明 1, 劳动 3, 端午 1, 中秋 1, 国庆 5 = 19;
    // adjusted working weekend days: 6.
    expect(workingDaysBetween(cal, '2025-12-31', '2026-12-31')).toBe(261 - 19 + 6);
  });
});

describe('date helpers', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-9-1')).toBe(false);
    expect(isIsoDate('20260901')).toBe(false);
  });

  it('adds calendar days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
