import { Space, Typography } from 'antd';
import type { CatalogDuty } from '../../api/types';
import { useI18n, type I18n } from '../../i18n';
import { DutyCountdown, countdown } from '../../components/DutyCountdown';

/** The text {@link ReviewCountdown} shows, for a list's export. */
export function reviewCountdownText(duty: CatalogDuty | null, t: I18n['t']): string {
  if (!duty) return '—';
  if (!duty.dueAt) return `${t('duty.noDeadline')} ${t('catalog.queue.age', { n: duty.ageWorkingDays })}`;
  const c = countdown({ ...duty, overdueWorkingDays: null });
  return t(c.key, c.vars);
}

/** A review duty's countdown as the workbench shows it; a duty without deadline shows how long it waited. */
export function ReviewCountdown({ duty }: { duty: CatalogDuty | null }) {
  const { t } = useI18n();
  if (!duty) return <span className="muted">—</span>;
  if (!duty.dueAt) {
    return (
      <Space direction="vertical" size={0}>
        <Typography.Text type="secondary">{t('duty.noDeadline')}</Typography.Text>
        <Typography.Text className="small" data-testid="review-age">
          {t('catalog.queue.age', { n: duty.ageWorkingDays })}
        </Typography.Text>
      </Space>
    );
  }
  return <DutyCountdown duty={{ ...duty, overdueWorkingDays: null }} />;
}
