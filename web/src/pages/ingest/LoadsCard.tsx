import { useState } from 'react';
import { Alert, Button, Card, Empty, Select, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { CatalogField } from '../../api/types';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { ingestApi, type LoadStatus, type LoadSummary } from './api';
import { LoadStatusTag, pct, statusKey } from './LoadReportView';
import { ReportDrawer } from './VersionsCard';

const PAGE = 10;
const STATUSES: readonly LoadStatus[] = ['committed', 'refused', 'failed', 'validating'];

/**
 * 汇聚记录: every load of the entry, newest first — committed ones and also those refused whole or
 * failed, which made no version — with who loaded it, the counts, and its report.
 */
export function LoadsCard({ entryId, fields, refreshKey }: { entryId: string; fields: readonly CatalogField[]; refreshKey: number }) {
  const { t, dateTime } = useI18n();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<LoadStatus | undefined>(undefined);
  const { data, error, loading } = useAsync(
    () => ingestApi.loads(entryId, { limit: PAGE, offset: (page - 1) * PAGE, ...(status ? { status } : {}) }),
    `${entryId}:${refreshKey}:${page}:${status ?? ''}`,
  );
  const [report, setReport] = useState<string | null>(null);
  const columns: TableColumnsType<LoadSummary> = [
    { title: t('ingest.loads.startedAt'), key: 'at', width: 170, render: (_, l) => dateTime(l.startedAt) },
    {
      title: t('ingest.loads.status'),
      key: 'status',
      width: 110,
      render: (_, l) =>
        l.message ? (
          <Tooltip title={l.message}>
            <span>
              <LoadStatusTag status={l.status} />
            </span>
          </Tooltip>
        ) : (
          <LoadStatusTag status={l.status} />
        ),
    },
    { title: t('ingest.report.mode'), key: 'mode', width: 100, render: (_, l) => t(`ingest.mode.${l.mode}` as MessageKey) },
    { title: t('ingest.loads.format'), key: 'format', width: 80, render: (_, l) => l.format.toUpperCase() },
    { title: t('ingest.report.total'), dataIndex: 'rowsTotal', key: 'total', width: 100 },
    { title: t('ingest.report.rejected'), dataIndex: 'rowsRejected', key: 'rejected', width: 90 },
    { title: t('ingest.report.errorRate'), key: 'rate', width: 90, render: (_, l) => pct(l.errorRate) },
    { title: t('ingest.report.version'), key: 'version', width: 80, render: (_, l) => (l.versionNo === null ? '—' : `v${l.versionNo}`) },
    { title: t('ingest.loads.by'), key: 'by', width: 120, render: (_, l) => l.by.userName ?? '—' },
    {
      key: 'actions',
      width: 110,
      render: (_, l) => (
        <Button size="small" onClick={() => setReport(l.id)} data-testid="load-history-report">
          {t('ingest.versions.report')}
        </Button>
      ),
    },
  ];
  return (
    <Card
      title={t('ingest.loads.title')}
      data-testid="data-loads"
      extra={
        <Select<LoadStatus>
          allowClear
          style={{ width: 140 }}
          placeholder={t('ingest.loads.allStatuses')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={STATUSES.map((s) => ({ value: s, label: t(statusKey(s)) }))}
          data-testid="load-history-status"
        />
      }
    >
      <Typography.Paragraph type="secondary">{t('ingest.loads.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      <Table<LoadSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 1100 }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, hideOnSinglePage: true, showSizeChanger: false, onChange: setPage }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ingest.loads.empty')} /> }}
        data-testid="load-history"
      />
      <ReportDrawer loadId={report} fields={fields} onClose={() => setReport(null)} />
    </Card>
  );
}
