import { Typography } from 'antd';
import { useI18n, type I18n } from '../../i18n';

/** The text {@link QualityScore} shows, for a list's export. */
export function qualityScoreText(value: number | null, t: I18n['t']): string {
  return value === null ? t('quality.notMeasured') : `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

/** An overall quality score (a share in [0, 1]) as a percentage, coloured like the quality page. */
export function QualityScore({ value }: { value: number | null }) {
  const { t } = useI18n();
  if (value === null) return <Typography.Text type="secondary">{t('quality.notMeasured')}</Typography.Text>;
  const p = Math.round(value * 1000) / 10;
  return <Typography.Text type={p >= 90 ? 'success' : p >= 70 ? undefined : 'danger'}>{p.toFixed(1)}%</Typography.Text>;
}
