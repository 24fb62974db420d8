/** `/open/report`: the province-wide open data report of a year (GET /api/v1/open/report). */
import { useMemo } from 'react';
import { Link } from 'react-router';
import { Card, Col, Descriptions, Row, Select, Skeleton, Space, Statistic, Table, Typography } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { useUrlState } from '../../lib/urlState';
import { LawHint } from '../../components/LawHint';
import { EChart } from '../quality/EChart';
import { openApi, type ApplicationFigures, type DemandFigures, type OpenReport, type OpenReportDataset, type OpenReportProvider } from './api';
import { datasetPath, LoadError, OpenAttrTag, useNumber } from './parts';
import { usePageMeta } from './meta';

/** The current year in Beijing time. */
function beijingYear(): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
}

function Applications({ f }: { f: ApplicationFigures }) {
  const { t } = useI18n();
  const num = useNumber();
  return (
    <Card
      size="small"
      title={
        <h2 className="portal-card-h2">
          {t('portal.report.applications')} <LawHint source={t('portal.openAttr.sourceConditional')} />
        </h2>
      }
      className="portal-section"
      data-testid="report-applications"
    >
      <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
        <Descriptions.Item label={t('portal.report.fig.total')}>{num(f.total)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.pending')}>{num(f.byStatus.pending)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.approved')}>{num(f.byStatus.approved)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.refused')}>{num(f.byStatus.refused)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.answered')}>{num(f.answered)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.onTimeRate')}>{f.onTimeRate === null ? '—' : `${Math.round(f.onTimeRate * 1000) / 10}%`}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function Demands({ f }: { f: DemandFigures }) {
  const { t } = useI18n();
  const num = useNumber();
  return (
    <Card
      size="small"
      title={
        <h2 className="portal-card-h2">
          {t('portal.report.demands')} <LawHint source={t('portal.report.demandsSource')} />
        </h2>
      }
      className="portal-section"
      data-testid="report-demands"
    >
      <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
        <Descriptions.Item label={t('portal.report.fig.total')}>{num(f.total)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.open')}>{num(f.byStatus.open)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.planned')}>{num(f.byStatus.planned)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.opened')}>{num(f.byStatus.opened)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.refused')}>{num(f.byStatus.refused)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.report.fig.supports')}>{num(f.supports)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function MonthChart({ months }: { months: OpenReport['byMonth'] }) {
  const { t } = useI18n();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [t('portal.report.downloads'), t('portal.report.apiCalls')], bottom: 0 },
      grid: { left: 48, right: 12, top: 16, bottom: 40 },
      xAxis: { type: 'category', data: months.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('portal.report.downloads'), type: 'bar', data: months.map((m) => m.downloads) },
        { name: t('portal.report.apiCalls'), type: 'bar', data: months.map((m) => m.apiCalls) },
      ],
    }),
    [months, t],
  );
  return <EChart option={option} height={240} testId="report-month-chart" />;
}

export function OpenReportPage() {
  const { t, dateTime } = useI18n();
  const num = useNumber();
  const [values, update] = useUrlState(['year'] as const);
  const thisYear = beijingYear();
  const year = Number.parseInt(values.year ?? '', 10) || thisYear;
  const { data, error, loading } = useAsync(() => openApi.report(year), String(year));
  usePageMeta(`${t('portal.report.title')}（${year}） · ${t('portal.brand')}`, t('portal.meta.report'));

  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);
  const totals = data?.totals;
  const summary = totals
    ? [
        { key: 'datasets', title: t('portal.report.datasets'), value: totals.datasets },
        { key: 'unconditional', title: t('portal.openAttr.unconditional'), value: totals.unconditional },
        { key: 'conditional', title: t('portal.openAttr.conditional'), value: totals.conditional },
        { key: 'opened', title: t('portal.report.opened'), value: totals.openedInYear },
        { key: 'providers', title: t('portal.report.providers'), value: totals.providers },
        { key: 'downloads', title: t('portal.report.downloads'), value: totals.downloads },
        { key: 'apiCalls', title: t('portal.report.apiCalls'), value: totals.apiCalls },
      ]
    : [];

  return (
    <div data-testid="portal-report">
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('portal.report.title')}（{year}） <LawHint source={t('portal.report.source')} />
        </Typography.Title>
        <Select<number>
          value={year}
          aria-label={t('portal.report.year')}
          onChange={(y) => update({ year: y === thisYear ? null : y })}
          options={years.map((y) => ({ value: y, label: String(y) }))}
          style={{ minWidth: 100 }}
          data-testid="report-year"
        />
      </Space>
      {data?.generatedAt && (
        <Typography.Paragraph type="secondary" className="small" style={{ marginTop: 8 }}>
          {t('portal.report.generatedAt', { at: dateTime(data.generatedAt) })}
        </Typography.Paragraph>
      )}
      {error && <LoadError text={errorText(error, t)} />}
      {loading && !data ? (
        <Skeleton active />
      ) : (
        data && (
          <>
            <section className="portal-section" style={{ marginTop: 16 }}>
              <Typography.Title level={2} className="visually-hidden-title">
                {t('portal.report.summary')}
              </Typography.Title>
              <Row gutter={[12, 12]} data-testid="report-summary">
                {summary.map((s) => (
                  <Col xs={12} sm={8} lg={6} xl={3} key={s.key} flex="auto">
                    <Card size="small">
                      <Statistic className="portal-stat" title={s.title} value={num(s.value)} />
                    </Card>
                  </Col>
                ))}
              </Row>
            </section>
            {data.byMonth.length > 0 && (
              <Card size="small" title={<h2 className="portal-card-h2">{t('portal.report.byMonth')}</h2>} className="portal-section">
                <MonthChart months={data.byMonth} />
              </Card>
            )}
            <Card size="small" title={<h2 className="portal-card-h2">{t('portal.report.byProvider')}</h2>} className="portal-section">
              <Table<OpenReportProvider>
                size="small"
                rowKey="id"
                dataSource={data.providers}
                pagination={data.providers.length > 20 ? { pageSize: 20 } : false}
                scroll={{ x: 'max-content' }}
                data-testid="report-providers"
                columns={[
                  { title: t('portal.report.col.provider'), dataIndex: 'name' },
                  { title: t('portal.report.col.datasets'), dataIndex: 'datasets', align: 'right', render: (v: number) => num(v) },
                  { title: t('portal.openAttr.unconditional'), dataIndex: 'unconditional', align: 'right', render: (v: number) => num(v) },
                  { title: t('portal.openAttr.conditional'), dataIndex: 'conditional', align: 'right', render: (v: number) => num(v) },
                  { title: t('portal.report.col.downloads'), dataIndex: 'downloads', align: 'right', render: (v: number) => num(v) },
                  { title: t('portal.report.col.apiCalls'), dataIndex: 'apiCalls', align: 'right', render: (v: number) => num(v) },
                ]}
              />
            </Card>
            <Card size="small" title={<h2 className="portal-card-h2">{t('portal.report.byDataset')}</h2>} className="portal-section">
              <Table<OpenReportDataset>
                size="small"
                rowKey="id"
                dataSource={data.datasets}
                pagination={data.datasets.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
                scroll={{ x: 'max-content' }}
                data-testid="report-datasets"
                columns={[
                  { title: t('portal.report.col.dataset'), render: (_, r) => <Link to={datasetPath(r.code)}>{r.name}</Link> },
                  { title: t('portal.report.col.provider'), render: (_, r) => r.provider.name },
                  { title: t('portal.ds.openAttr'), dataIndex: 'openAttr', render: (v: OpenReportDataset['openAttr']) => <OpenAttrTag value={v} /> },
                  { title: t('portal.report.col.downloads'), dataIndex: 'downloads', align: 'right', render: (v: number) => num(v) },
                  { title: t('portal.report.col.apiCalls'), dataIndex: 'apiCalls', align: 'right', render: (v: number) => num(v) },
                ]}
              />
            </Card>
            {data.applications && <Applications f={data.applications} />}
            {data.demands && <Demands f={data.demands} />}
          </>
        )
      )}
    </div>
  );
}
