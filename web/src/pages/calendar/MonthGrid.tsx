import { Typography } from 'antd';
import type { CalendarDay } from '../../api/types';
import { useI18n } from '../../i18n';

const pad = (n: number) => String(n).padStart(2, '0');

interface MonthGridProps {
  year: number;
  /** 0 = January. */
  month: number;
  special: ReadonlyMap<string, CalendarDay>;
  today: string;
  onPick: (day: string) => void;
}

/** One month, Monday first: holidays red, adjusted working days orange, weekends grey. */
export function MonthGrid({ year, month, special, today, onPick }: MonthGridProps) {
  const { t, lang } = useI18n();
  const first = new Date(Date.UTC(year, month, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const count = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const weekdays = t('calendar.weekdays').split(',');
  const cells: (number | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length: count }, (_, i) => i + 1)];

  return (
    <div className="cal-month">
      <Typography.Text strong className="cal-month-title">
        {lang === 'zh-CN' ? `${month + 1}月` : first.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })}
      </Typography.Text>
      <div className="cal-grid" role="grid">
        {weekdays.map((w) => (
          <div key={w} className="cal-weekday" role="columnheader">
            {w}
          </div>
        ))}
        {cells.map((d, i) => {
          if (d === null) return <div key={`blank-${i}`} className="cal-blank" />;
          const day = `${year}-${pad(month + 1)}-${pad(d)}`;
          const entry = special.get(day);
          const weekend = (lead + d - 1) % 7 >= 5;
          const cls = ['cal-day', entry ? `cal-${entry.kind}` : weekend ? 'cal-weekend' : '', day === today ? 'cal-today' : '']
            .filter(Boolean)
            .join(' ');
          const label = entry ? `${day} ${t(entry.kind === 'holiday' ? 'calendar.kind.holiday' : 'calendar.kind.workday')}：${entry.name}` : day;
          return (
            <button key={day} type="button" className={cls} title={label} aria-label={label} data-day={day} onClick={() => onPick(day)}>
              <span className="cal-num">{d}</span>
              {entry && <span className="cal-tag">{entry.kind === 'holiday' ? t('calendar.mark.holiday') : t('calendar.mark.workday')}</span>}
            </button>
          );
        })}
      </div>
    </div>
  );
}
