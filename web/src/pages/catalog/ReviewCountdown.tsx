import { Space, Typography } from 'antd';
import type { CatalogDuty } from '../../api/types';
import { useI18n } from '../../i18n';
import { DutyCountdown } from '../../components/DutyCountdown';

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
