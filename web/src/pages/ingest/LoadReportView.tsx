import { Alert, Card, Descriptions, Empty, Progress, Space, Table, Typography, type TableColumnsType } from 'antd';
import type { CatalogField } from '../../api/types';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { LawHint } from '../../components/LawHint';
import { useI18n, type MessageKey } from '../../i18n';
import type { LoadError, LoadReport, LoadStatus } from './api';

const TONE: Record<LoadStatus, Tone> = { received: 'progress', validating: 'progress', committed: 'approved', refused: 'refused', failed: 'refused' };
export const statusKey = (s: LoadStatus) => `ingest.status.${s}` as MessageKey;
/** The server lists at most this many rejected values per load (MAX_REPORTED_ERRORS). */
const MAX_LISTED_ERRORS = 1000;
export const pct = (rate: number) => `${(Math.round(rate * 10_000) / 100).toFixed(2)}%`;

export function LoadStatusTag({ status }: { status: LoadStatus }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={TONE[status]} testId="load-status">
      {t(statusKey(status))}
    </StatusTag>
  );
}

/**
 * 汇聚报告 (000 第八条): the outcome of a load — its status, the rows accepted and rejected, the
 * error rate against the refusal threshold, and each rejected value (line, field, masked value,
 * reason), paged.
 */
export function LoadReportView({ report, fields, refusal }: { report: LoadReport; fields: readonly CatalogField[]; refusal?: string | null }) {
  const { t, dateTime } = useI18n();
  const label = (name: string) => fields.find((f) => f.name === name)?.label;
  const columns: TableColumnsType<LoadError> = [
    { title: t('ingest.error.line'), dataIndex: 'line', key: 'line', width: 90 },
    {
      title: t('ingest.error.field'),
      key: 'field',
      width: 200,
      render: (_, e) => (
        <span>
          {label(e.field) ?? e.field} <Typography.Text type="secondary" className="mono small">{e.field}</Typography.Text>
        </span>
      ),
    },
    { title: t('ingest.error.value'), key: 'value', width: 220, render: (_, e) => (e.value === null ? <Typography.Text type="secondary">{t('ingest.error.empty')}</Typography.Text> : <span className="mono">{e.value}</span>) },
    { title: t('ingest.error.reason'), dataIndex: 'reason', key: 'reason' },
  ];
  const committed = report.status === 'committed';
  return (
    <Card
      size="small"
      title={
        <Space>
          {t('ingest.report.title')}
          <LoadStatusTag status={report.status} />
        </Space>
      }
      extra={<LawHint source="000 第八条" />}
      data-testid="load-report"
    >
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        {refusal && <Alert type="error" showIcon message={t('ingest.report.refused')} description={refusal} data-testid="load-refusal" />}
        {!refusal && report.message && <Alert type={committed ? 'info' : 'error'} showIcon message={report.message} />}
        {committed && (
          <Alert
            type={report.rowsRejected > 0 ? 'warning' : 'success'}
            showIcon
            message={t(report.rowsRejected > 0 ? 'ingest.report.committedWithErrors' : 'ingest.report.committed', { version: report.versionNo ?? '—', accepted: report.rowsAccepted, rejected: report.rowsRejected })}
            data-testid="load-committed"
          />
        )}
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} bordered>
          <Descriptions.Item label={t('ingest.report.total')}>{report.rowsTotal}</Descriptions.Item>
          <Descriptions.Item label={t('ingest.report.accepted')}>
            <span data-testid="load-accepted">{report.rowsAccepted}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('ingest.report.rejected')}>
            <span data-testid="load-rejected">{report.rowsRejected}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('ingest.report.errorRate')}>
            <Space direction="vertical" size={0}>
              <span data-testid="load-error-rate">{pct(report.errorRate)}</span>
              <Typography.Text type="secondary" className="small">
                {t(committed ? 'ingest.report.withinThreshold' : report.status === 'refused' && report.errorRate > report.errorThreshold ? 'ingest.report.overThreshold' : 'ingest.report.notCommitted', {
                  threshold: pct(report.errorThreshold),
                })}
              </Typography.Text>
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('ingest.report.mode')}>{t(report.mode === 'upsert' ? 'ingest.mode.upsert' : 'ingest.mode.replace')}</Descriptions.Item>
          <Descriptions.Item label={t('ingest.report.version')}>{report.versionNo ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('ingest.report.finishedAt')}>{dateTime(report.finishedAt ?? report.startedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('ingest.report.loadId')}>
            <Typography.Text className="mono small" copyable>
              {report.id}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
        {report.rowsTotal > 0 && (
          <Progress
            percent={100}
            success={{ percent: Math.round((report.rowsAccepted / report.rowsTotal) * 1000) / 10 }}
            strokeColor="#ff4d4f"
            showInfo={false}
            aria-label={t('ingest.report.accepted')}
          />
        )}
        {report.errors.length > 0 ? (
          <>
            <Typography.Text strong>
              {t('ingest.report.errors', { n: report.rowsRejected })}
              {report.errors.length >= MAX_LISTED_ERRORS ? t('ingest.report.errorsCapped', { n: report.errors.length }) : ''}
            </Typography.Text>
            <Table<LoadError>
              rowKey={(e) => `${e.line}:${e.field}:${e.reason}`}
              size="small"
              columns={columns}
              dataSource={report.errors}
              pagination={{ defaultPageSize: 10, showSizeChanger: true, showTotal: (total) => t('common.total', { total }) }}
              data-testid="load-errors"
            />
          </>
        ) : (
          report.rowsTotal > 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ingest.report.noErrors')} />
        )}
      </Space>
    </Card>
  );
}
