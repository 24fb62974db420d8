import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Drawer, Empty, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { LineChartOutlined } from '@ant-design/icons';
import type { CatalogField } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { ingestApi, type DatasetVersion } from './api';
import { LoadReportView } from './LoadReportView';

const PAGE = 20;

const show = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The rows of one kept version, a page at a time, with the data items as columns. */
function RowsPreview({ entryId, version, fields }: { entryId: string; version: DatasetVersion; fields: readonly CatalogField[] }) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const { data, error, loading } = useAsync(() => ingestApi.rows(entryId, version.versionNo, { limit: PAGE, offset: (page - 1) * PAGE }), `${entryId}:${version.versionNo}:${page}`);
  const columns: TableColumnsType<Record<string, unknown>> = fields.map((f) => ({
    title: (
      <span>
        {f.label} <Typography.Text type="secondary" className="mono small">{f.name}</Typography.Text>
      </span>
    ),
    key: f.name,
    ellipsis: true,
    render: (_: unknown, r: Record<string, unknown>) => show(r[f.name]),
  }));
  if (error) return <Alert type="error" showIcon message={errorText(error, t)} />;
  return (
    <Table<Record<string, unknown>>
      rowKey={(_, i) => String(((page - 1) * PAGE) + (i ?? 0))}
      size="small"
      loading={loading}
      columns={columns}
      dataSource={data?.rows ?? []}
      scroll={{ x: Math.max(600, fields.length * 160) }}
      pagination={{ current: page, pageSize: PAGE, total: data?.total ?? version.rows, showSizeChanger: false, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
      data-testid={`version-rows-${version.versionNo}`}
    />
  );
}

/** The report of the load that made a version, in a drawer. */
export function ReportDrawer({ loadId, fields, onClose }: { loadId: string | null; fields: readonly CatalogField[]; onClose: () => void }) {
  const { t } = useI18n();
  const { data, error, loading } = useAsync(() => (loadId ? ingestApi.report(loadId) : Promise.resolve(undefined)), loadId ?? '');
  return (
    <Drawer open={!!loadId} onClose={onClose} width={880} title={t('ingest.report.title')} loading={loading && !data}>
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {data && <LoadReportView report={data} fields={fields} />}
    </Drawer>
  );
}

/**
 * 数据版本: the kept versions of the entry's data, newest first (how many is the platform's
 * setting), each with its rows and the report of the load that made it; and the quality trend.
 */
export function VersionsCard({ entryId, fields, refreshKey }: { entryId: string; fields: readonly CatalogField[]; refreshKey: number }) {
  const { t, dateTime } = useI18n();
  const { data, error, loading } = useAsync(() => ingestApi.versions(entryId), `${entryId}:${refreshKey}`);
  const [report, setReport] = useState<string | null>(null);
  const columns: TableColumnsType<DatasetVersion> = [
    {
      title: t('ingest.versions.version'),
      key: 'version',
      width: 140,
      render: (_, v) => (
        <Space>
          <span>v{v.versionNo}</span>
          {v.live && <Tag color="success">{t('ingest.versions.live')}</Tag>}
        </Space>
      ),
    },
    { title: t('ingest.versions.rows'), dataIndex: 'rows', key: 'rows', width: 120 },
    { title: t('ingest.versions.createdAt'), key: 'createdAt', width: 180, render: (_, v) => dateTime(v.createdAt) },
    { title: t('ingest.report.loadId'), key: 'load', render: (_, v) => <Typography.Text className="mono small" copyable>{v.loadId}</Typography.Text> },
    {
      key: 'actions',
      width: 120,
      render: (_, v) => (
        <Button size="small" onClick={() => setReport(v.loadId)} data-testid={`version-report-${v.versionNo}`}>
          {t('ingest.versions.report')}
        </Button>
      ),
    },
  ];
  return (
    <Card
      title={t('ingest.versions.title')}
      extra={
        <Link to={`/quality?entry=${encodeURIComponent(entryId)}`} data-testid="data-quality-link">
          <LineChartOutlined /> {t('ingest.versions.quality')}
        </Link>
      }
      data-testid="data-versions"
    >
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('ingest.versions.intro')}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<DatasetVersion>
          rowKey="versionNo"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ingest.versions.empty')} /> }}
          expandable={{ expandedRowRender: (v) => <RowsPreview entryId={entryId} version={v} fields={fields} />, expandRowByClick: false }}
        />
      </Space>
      <ReportDrawer loadId={report} fields={fields} onClose={() => setReport(null)} />
    </Card>
  );
}
