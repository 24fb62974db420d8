/** Countdown of a duty in working days (剩余 2 个工作日 / 今日到期 / 已逾期 3 个工作日), or in calendar days for a period counted so. */
import { Tooltip, Typography } from 'antd';
import type { Duty } from '../api/types';
import { useI18n, type MessageKey, type Vars } from '../i18n';

type CountdownDuty = Pick<Duty, 'status' | 'overdue' | 'remainingWorkingDays' | 'overdueWorkingDays' | 'dueAt' | 'dueDate'> &
  Partial<Pick<Duty, 'dayKind' | 'remainingCalendarDays' | 'overdueCalendarDays'>>;

type Kind = 'overdue' | 'today' | 'soon' | 'later' | 'none' | 'closed';

export function countdown(duty: CountdownDuty): { kind: Kind; key: MessageKey; vars?: Vars } {
  if (duty.status !== 'open') return { kind: 'closed', key: duty.status === 'met' ? 'duty.met' : 'duty.cancelled' };
  const calendar = duty.dayKind === 'calendar';
  if (duty.overdue) {
    const n = calendar ? duty.overdueCalendarDays : duty.overdueWorkingDays;
    return n && n > 0 ? { kind: 'overdue', key: calendar ? 'duty.overdueCalendarDays' : 'duty.overdueDays', vars: { n } } : { kind: 'overdue', key: 'duty.overdue' };
  }
  const left = (calendar ? duty.remainingCalendarDays : duty.remainingWorkingDays) ?? null;
  if (left === null) return { kind: 'none', key: 'duty.noDeadline' };
  if (left <= 0) return { kind: 'today', key: 'duty.dueToday' };
  return { kind: left <= 2 ? 'soon' : 'later', key: calendar ? 'duty.remainingCalendarDays' : 'duty.remainingDays', vars: { n: left } };
}

const TEXT_TYPE: Record<Kind, 'danger' | 'warning' | 'secondary' | undefined> = {
  overdue: 'danger',
  today: 'warning',
  soon: 'warning',
  later: undefined,
  none: 'secondary',
  closed: 'secondary',
};

export function DutyCountdown({ duty }: { duty: CountdownDuty }) {
  const { t, deadline } = useI18n();
  const c = countdown(duty);
  const text = (
    <Typography.Text type={TEXT_TYPE[c.kind]} strong={c.kind === 'overdue' || c.kind === 'today'} data-countdown={c.kind}>
      {t(c.key, c.vars)}
    </Typography.Text>
  );
  if (!duty.dueAt) return text;
  return <Tooltip title={t('duty.dueAt', { at: deadline(duty.dueAt) })}>{text}</Tooltip>;
}
