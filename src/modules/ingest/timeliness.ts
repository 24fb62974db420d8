/**
 * Timeliness of aggregation (及时, 000 第八条): from a published entry's update frequency, when
 * its next load is due. Pure rules, no I/O; the ledger duty that tracks it is opened and met by
 * timeliness.service.ts.
 */
import { calendarDueFrom, type DueDate } from '../../kernel/deadlines.js';
import { frequencyDays } from '../quality/rules.js';

/** The article behind the "next load due" duty. */
export const ART_TIMELY = '000 第八条';

/** Ledger case type and duty of an entry's next load: one open duty per entry (case id = entry id). */
export const TIMELINESS_CASE = 'ingest_timeliness';
export const TIMELINESS_DUTY = 'load';

/** Chinese names of the update frequencies, for duty titles and messages. */
export const FREQUENCY_LABELS: Readonly<Record<string, string>> = {
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  yearly: '每年',
  irregular: '不定期',
};

export const frequencyLabel = (freq: string): string => FREQUENCY_LABELS[freq] ?? freq;

/**
 * When the next load of an entry with update frequency `freq` is due, counted from `from` (the
 * last committed load, or the publication for the first): the period of the frequency in Beijing
 * calendar days, ending at 24:00 of its last day. Null for an irregular frequency — no period,
 * so nothing is ever late.
 */
export function nextLoadDue(freq: string, from: Date): DueDate | null {
  const days = loadPeriodDays(freq);
  return days === null ? null : calendarDueFrom(from, days);
}

/** Calendar days between loads the frequency allows (the quality module's timeliness uses the same); null when irregular. */
export const loadPeriodDays = (freq: string): number | null => frequencyDays(freq);

/** The title of the duty on the provider's workbench. */
export function timelinessTitle(entryName: string, freq: string): string {
  return `按更新频率汇聚数据：${entryName}（${frequencyLabel(freq)}更新）`;
}
