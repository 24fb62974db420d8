import { useMemo } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table, Typography, type TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { DIMENSIONS, qualityApi, type Dimension, type OrgScores, type ScoreValues } from './api';
import { EChart } from './EChart';

type Row = OrgScores['orgs'][number];
type EntryRow = Row['entries'][number];
const ALL: ReadonlyArray<Dimension | 'overall'> = ['overall', ...DIMENSIONS];
const dimKey = (d: Dimension | 'overall') => `quality.dim.${d}` as MessageKey;
const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

function Score({ value }: { value: number | null }) {
  const { t } = useI18n();
  const p = pct(value);
  if (p === null) return <Typography.Text type="secondary">{t('quality.notMeasured')}</Typography.Text>;
  return <Typography.Text type={p >= 90 ? 'success' : p >= 70 ? undefined : 'danger'}>{p.toFixed(1)}%</Typography.Text>;
}

/** One column per score, read from each row by `pick`. */
function scoreColumns<T>(t: (k: MessageKey) => string, pick: (r: T) => ScoreValues): TableColumnsType<T> {
  return ALL.map((d) => ({ title: t(dimKey(d)), key: d, width: 110, render: (_: unknown, r: T) => <Score value={pick(r)[d]} /> }));
}

/** The history of one entry's scores as a line per dimension. */
function EntryTrend({ entryId }: { entryId: string }) {
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

/**
 * 数据质量: the province's summary, each institution's average of its entries' latest scores as a
 * bar chart and a table, and one entry's trend over its loads (000 第四十一条).
 */
export function QualityPage() {
  const { t, dateTime } = useI18n();
  const [query, setQuery] = useUrlState(['entry'] as const);
  const { data, error, loading } = useAsync(() => qualityApi.orgScores(), 'orgs');

  const barOption = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—') },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 64 },
      xAxis: { type: 'category', data: (data?.orgs ?? []).map((o) => o.orgName), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: ALL.map((d) => ({ name: t(dimKey(d)), type: 'bar', data: (data?.orgs ?? []).map((o) => pct(o.average[d])) })),
    }),
    [data, t],
  );

  const orgColumns: TableColumnsType<Row> = [
    { title: t('quality.col.org'), dataIndex: 'orgName', key: 'org', width: 220 },
    { title: t('quality.scoredEntries'), dataIndex: 'scoredEntries', key: 'n', width: 110 },
    ...scoreColumns<Row>(t, (r) => r.average),
  ];
  const entryColumns: TableColumnsType<EntryRow> = [
    {
      title: t('quality.col.entry'),
      key: 'entry',
      render: (_, e) => <Link to={`/catalog/entries/${encodeURIComponent(e.entryId)}`}>{e.name ?? e.entryId}</Link>,
    },
    { title: t('quality.col.at'), key: 'at', width: 160, render: (_, e) => dateTime(e.at) },
    ...scoreColumns<EntryRow>(t, (e) => e),
    {
      key: 'trend',
      width: 100,
      render: (_, e) => (
        <Button size="small" type="link" onClick={() => setQuery({ entry: e.entryId })} data-testid="quality-trend-button">
          {t('quality.trend')}
        </Button>
      ),
    },
  ];

  const province = data?.province;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={t('page.quality')} description={t('quality.description')} />
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      <Card title={t('quality.province')} loading={loading} data-testid="quality-province">
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6} lg={3}>
            <Statistic title={t('quality.scoredEntries')} value={province?.scoredEntries ?? 0} />
          </Col>
          <Col xs={12} md={6} lg={3}>
            <Statistic title={t('quality.orgCount')} value={province?.orgs ?? 0} />
          </Col>
          {ALL.map((d) => (
            <Col xs={12} md={6} lg={3} key={d}>
              <Statistic title={t(dimKey(d))} value={pct(province?.average[d]) ?? '—'} suffix={pct(province?.average[d]) === null ? undefined : '%'} />
            </Col>
          ))}
        </Row>
      </Card>
      <Card title={t('quality.byOrg')} loading={loading}>
        {data && data.orgs.length === 0 ? (
          <Empty description={t('quality.empty')} />
        ) : (
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <EChart option={barOption} testId="quality-org-chart" />
            <Table<Row>
              data-testid="quality-org-table"
              rowKey="orgId"
              size="middle"
              columns={orgColumns}
              dataSource={data?.orgs ?? []}
              pagination={false}
              scroll={{ x: 1100 }}
              expandable={{
                expandedRowRender: (o) => <Table<EntryRow> rowKey="entryId" size="small" columns={entryColumns} dataSource={o.entries} pagination={false} />,
              }}
            />
          </Space>
        )}
      </Card>
      {query.entry && <EntryTrend entryId={query.entry} />}
    </Space>
  );
}
