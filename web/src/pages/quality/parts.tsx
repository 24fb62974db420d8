/** What the quality pages share: score cells and columns, an entry's trend, and a daily trend chart. */
import { useMemo } from 'react';
import { Alert, Card, Empty, Typography } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { DIMENSIONS, qualityApi, type Dimension, type ScoreValues, type TrendPoint } from './api';
import { EChart } from './EChart';
import type { ExportableColumns } from '../../components/ExportXlsxButton';

export const ALL: ReadonlyArray<Dimension | 'overall'> = ['overall', ...DIMENSIONS];
export const dimKey = (d: Dimension | 'overall') => `quality.dim.${d}` as MessageKey;
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

export function Score({ value }: { value: number | null }) {
  const { t } = useI18n();
  const p = pct(value);
  if (p === null) return <Typography.Text type="secondary">{t('quality.notMeasured')}</Typography.Text>;
  return <Typography.Text type={p >= 90 ? 'success' : p >= 70 ? undefined : 'danger'}>{p.toFixed(1)}%</Typography.Text>;
}

/** The text {@link Score} shows, for a list's export. */
export function scoreText(value: number | null, t: (k: MessageKey) => string): string {
  const p = pct(value);
  return p === null ? t('quality.notMeasured') : `${p.toFixed(1)}%`;
}

/** One column per score, read from each row by `pick`. */
export function scoreColumns<T>(t: (k: MessageKey) => string, pick: (r: T) => ScoreValues): ExportableColumns<T> {
  return ALL.map((d) => ({
    title: t(dimKey(d)),
    key: d,
    width: 110,
    exportText: (r: T) => scoreText(pick(r)[d], t),
    render: (_: unknown, r: T) => <Score value={pick(r)[d]} />,
  }));
}

/** The history of one entry's scores as a line per dimension. */
export function EntryTrend({ entryId }: { entryId: string }) {
  const { t, date } = useI18n();
  const { data, error, loading } = useAsync(() => qualityApi.entryScores(entryId), entryId);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—') },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: (data?.history ?? []).map((h) => `${date(h.at)} v${h.versionNo}`) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: ALL.map((d) => ({ name: t(dimKey(d)), type: 'line', connectNulls: false, data: (data?.history ?? []).map((h) => pct(h[d])) })),
    }),
    [data, t, date],
  );
  return (
    <Card title={t('quality.history', { name: data?.entry.name ?? '' })} loading={loading} data-testid="quality-entry-trend">
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {data && data.history.length === 0 ? <Empty description={t('quality.empty')} /> : <EChart option={option} testId="quality-entry-chart" />}
    </Card>
  );
}


/** A daily trend (an institution's or the province's): a line per dimension. */
export function TrendChart({ trend, testId }: { trend: readonly TrendPoint[]; testId: string }) {
  const { t } = useI18n();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—') },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: trend.map((p) => p.date) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: ALL.map((d) => ({ name: t(dimKey(d)), type: 'line', connectNulls: false, data: trend.map((p) => pct(p[d])) })),
    }),
    [trend, t],
  );
  if (trend.length === 0) return <Empty description={t('quality.empty')} />;
  return <EChart option={option} testId={testId} />;
}
