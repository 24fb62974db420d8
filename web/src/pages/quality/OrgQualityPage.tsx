import { Link, useParams } from 'react-router';
import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table } from 'antd';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { qualityApi, type OrgQuality } from './api';
import { ALL, dimKey, EntryTrend, pct, scoreColumns, TrendChart } from './parts';

type EntryRow = OrgQuality['entries'][number];

/**
 * One institution's data quality (000 第四十一条): the average of its entries' latest scores, the
 * daily trend, and each entry's latest score — the weakest first, since those need work — with
 * the trend of any one of them.
 */
export function OrgQualityPage() {
  const { orgId = '' } = useParams();
  const { t, dateTime } = useI18n();
  const [query, setQuery] = useUrlState(['entry'] as const);
  const { data, error, loading } = useAsync(() => qualityApi.orgQuality(orgId), orgId);

  const columns: ExportableColumns<EntryRow> = [
    {
      title: t('quality.col.entry'),
      key: 'entry',
      render: (_, e) => <Link to={`/catalog/entries/${encodeURIComponent(e.entryId)}`}>{e.name ?? e.code}</Link>,
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

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={data ? t('quality.orgTitle', { name: data.org.name }) : t('page.qualityOrg')} description={t('quality.orgDescription')} />
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      <Card loading={loading} data-testid="quality-org-summary">
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6} lg={3}>
            <Statistic title={t('quality.scoredEntries')} value={data?.scoredEntries ?? 0} />
          </Col>
          {ALL.map((d) => (
            <Col xs={12} md={6} lg={3} key={d}>
              <Statistic title={t(dimKey(d))} value={pct(data?.average[d]) ?? '—'} suffix={pct(data?.average[d]) === null ? undefined : '%'} />
            </Col>
          ))}
        </Row>
      </Card>
      <Card title={t('quality.orgTrend', { days: data?.trendDays ?? 180 })} loading={loading} data-testid="quality-org-trend">
        <TrendChart trend={data?.trend ?? []} testId="quality-org-trend-chart" />
      </Card>
      <Card
        title={t('quality.orgEntries')}
        loading={loading}
        extra={
          // The org's entries come in one response: read once.
          <ExportXlsxButton
            title={data ? `${t('quality.orgTitle', { name: data.org.name })}_${t('quality.orgEntries')}` : t('quality.orgEntries')}
            columns={columns}
            pageSize={500}
            fetchPage={async () => ({ items: (await qualityApi.orgQuality(orgId)).entries, next: null })}
          />
        }
      >
        {data && data.entries.length === 0 ? (
          <Empty description={t('quality.empty')} />
        ) : (
          <Table<EntryRow>
            data-testid="quality-org-entries"
            rowKey="entryId"
            size="middle"
            columns={columns}
            dataSource={data?.entries ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 1100 }}
          />
        )}
      </Card>
      {query.entry && <EntryTrend entryId={query.entry} />}
    </Space>
  );
}
