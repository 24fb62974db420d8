import { useMemo } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table, type TableColumnsType } from 'antd';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import type { EChartsCoreOption } from 'echarts/core';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { qualityApi, type OrgScores } from './api';
import { EChart } from './EChart';
import { ALL, dimKey, EntryTrend, pct, scoreColumns, TrendChart } from './parts';

type Row = OrgScores['orgs'][number];
type EntryRow = Row['entries'][number];

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

  const orgColumns: ExportableColumns<Row> = [
    {
      title: t('quality.col.org'),
      key: 'org',
      width: 220,
      render: (_, o) => (
        <Link to={`/quality/orgs/${encodeURIComponent(o.orgId)}`} data-testid="quality-org-link">
          {o.orgName}
        </Link>
      ),
    },
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
      <Card title={t('quality.provinceTrend', { days: province?.trendDays ?? 180 })} loading={loading} data-testid="quality-province-trend">
        <TrendChart trend={province?.trend ?? []} testId="quality-province-chart" />
      </Card>
      <Card
        title={t('quality.byOrg')}
        loading={loading}
        extra={
          // The scores of every org come in one response: read once.
          <ExportXlsxButton title={t('quality.byOrg')} columns={orgColumns} pageSize={500} fetchPage={async () => ({ items: (await qualityApi.orgScores()).orgs, next: null })} />
        }
      >
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
