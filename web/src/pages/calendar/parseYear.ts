/** Parses the pasted lines of a year's calendar: `YYYY-MM-DD,holiday|workday,名称`. */
import type { CalendarDay, CalendarDayKind } from '../../api/types';

export type ParseProblem = 'format' | 'date' | 'kind' | 'name' | 'year' | 'duplicate';

export interface ParseResult {
  days: CalendarDay[];
  /** 1-based line numbers with what is wrong on them. */
  problems: { line: number; problem: ParseProblem; text: string }[];
}

const KIND_ALIASES: Record<string, CalendarDayKind> = {
  holiday: 'holiday',
  workday: 'workday',
  休: 'holiday',
  班: 'workday',
  节假日: 'holiday',
  调休上班: 'workday',
};

function isRealDate(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Blank lines and lines starting with `#` are skipped; full-width commas are accepted. */
export function parseYearLines(text: string, year: number): ParseResult {
  const days: CalendarDay[] = [];
  const problems: ParseResult['problems'] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (problem: ParseProblem) => problems.push({ line: i + 1, problem, text: line });
    const parts = line.split(/[,，\t]/).map((p) => p.trim());
    if (parts.length < 3) return fail('format');
    const [day = '', kindText = '', ...nameParts] = parts;
    const name = nameParts.join(',').trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !isRealDate(day)) return fail('date');
    if (Number(day.slice(0, 4)) !== year) return fail('year');
    const kind = KIND_ALIASES[kindText.toLowerCase()] ?? KIND_ALIASES[kindText];
    if (!kind) return fail('kind');
    if (!name) return fail('name');
    if (seen.has(day)) return fail('duplicate');
    seen.add(day);
    days.push({ day, kind, name });
  });
  days.sort((a, b) => a.day.localeCompare(b.day));
  return { days, problems };
}
