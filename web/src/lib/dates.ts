/**
 * Dates are shown in Beijing time (UTC+08:00) whatever the browser's zone: 2026年9月21日 in
 * Chinese, ISO 8601 in English.
 */
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import customParseFormat from 'dayjs/plugin/customParseFormat';

dayjs.extend(utc);
dayjs.extend(customParseFormat);

export type Lang = 'zh-CN' | 'en-US';

const BEIJING_OFFSET_MINUTES = 8 * 60;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** An instant seen on a Beijing wall clock. */
export function beijing(instant: string | number | Date | Dayjs): Dayjs {
  return dayjs(instant).utcOffset(BEIJING_OFFSET_MINUTES);
}

/** Today's calendar date in Beijing, `YYYY-MM-DD`. */
export function todayInBeijing(): string {
  return beijing(Date.now()).format('YYYY-MM-DD');
}

/** A calendar day (`YYYY-MM-DD`) or an instant, as a date in the reader's language. */
export function formatDate(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const d = DAY_RE.test(value) ? dayjs(value, 'YYYY-MM-DD', true) : beijing(value);
  if (!d.isValid()) return value;
  return lang === 'zh-CN' ? d.format('YYYY年M月D日') : d.format('YYYY-MM-DD');
}

/** An instant as date and Beijing time of day. */
export function formatDateTime(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const d = beijing(value);
  if (!d.isValid()) return value;
  return lang === 'zh-CN' ? d.format('YYYY年M月D日 HH:mm') : d.format('YYYY-MM-DD HH:mm');
}

/**
 * A deadline instant. The server stores "by the end of day D" as the next Beijing midnight; that
 * reads as D 24:00, not as the following day 00:00.
 */
export function formatDeadline(value: string | null | undefined, lang: Lang): string {
  if (!value) return '—';
  const d = beijing(value);
  if (!d.isValid()) return value;
  if (d.hour() === 0 && d.minute() === 0 && d.second() === 0 && d.millisecond() === 0) {
    const day = d.subtract(1, 'day');
    return lang === 'zh-CN' ? `${day.format('YYYY年M月D日')} 24:00` : `${day.format('YYYY-MM-DD')} 24:00`;
  }
  return formatDateTime(value, lang);
}

/** The instant a Beijing calendar day starts (`end` false) or ends (`end` true), as ISO UTC. */
export function beijingDayBoundary(day: string, end: boolean): string {
  const time = end ? 'T23:59:59.999+08:00' : 'T00:00:00.000+08:00';
  return dayjs(`${day}${time}`).toISOString();
}

/** A picker value (a calendar date, zone-free) as `YYYY-MM-DD`. */
export function pickerDay(value: Dayjs): string {
  return value.format('YYYY-MM-DD');
}

/** A `YYYY-MM-DD` string as a picker value, or null if malformed. */
export function dayToPicker(day: string | null | undefined): Dayjs | null {
  if (!day || !DAY_RE.test(day)) return null;
  const d = dayjs(day, 'YYYY-MM-DD', true);
  return d.isValid() ? d : null;
}

/** True when an instant is still in the future. */
export function isFuture(instant: string | null | undefined): boolean {
  return !!instant && dayjs(instant).valueOf() > Date.now();
}
