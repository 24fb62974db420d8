/**
 * My org's sandbox queries, newest first, paged on the server: each with its policy decision, rows,
 * hidden groups, ε and release status. Clicking one loads its SQL and its result (or refusal).
 */
import { useState, type HTMLAttributes } from 'react';
import { Alert, Button, Card, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { sandboxApi, type ReleaseStatus, type SandboxQuery } from './api';
import { useRuleText } from './ResultView';

export const RELEASE_TONE: Record<ReleaseStatus, Tone> = { pending_approval: 'waiting', released: 'approved', refused: 'refused', blocked: 'refused' };

export function ReleaseStatusTag({ status }: { status: ReleaseStatus | null }) {
  const { t } = useI18n();
  if (!status) return <Typography.Text type="secondary">{t('sandbox.status.none')}</Typography.Text>;
  return (
    <StatusTag tone={RELEASE_TONE[status]} testId="sandbox-release-status">
      {t(`sandbox.status.${status}` as MessageKey)}
    </StatusTag>
  );
}

const PAGE = 10;

export function HistoryCard({ refreshKey, selected, onOpen }: { refreshKey: number; selected: string | undefined; onOpen: (id: string) => void }) {
  const { t, dateTime } = useI18n();
  const ruleText = useRuleText();
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useAsync(() => sandboxApi.history({ limit: PAGE, offset: (page - 1) * PAGE }), `${page}:${refreshKey}:${tick}`);

  const columns: TableColumnsType<SandboxQuery> = [
    { title: t('sandbox.col.time'), key: 'time', width: 170, render: (_, q) => (q.createdAt ? dateTime(q.createdAt) : '—') },
    {
      title: t('sandbox.col.sql'),
      key: 'sql',
      render: (_, q) => (
        <Tooltip title={<pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{q.sql}</pre>} placement="topLeft">
          <Typography.Link className="mono sandbox-sql-cell" onClick={() => onOpen(q.id)} data-testid="sandbox-history-open">
            {q.sql.replace(/\s+/g, ' ')}
          </Typography.Link>
        </Tooltip>
      ),
    },
    {
      title: t('sandbox.col.decision'),
      key: 'decision',
      width: 200,
      render: (_, q) =>
        q.decision === 'accepted' ? (
          <Tag color="green" data-testid="sandbox-history-decision">
            {t('sandbox.decision.accepted')}
          </Tag>
        ) : (
          <Tooltip title={q.violation ? `${q.violation.message}${q.violation.column ? `（${q.violation.column}）` : ''}` : undefined}>
            <Tag color="red" data-testid="sandbox-history-decision">
              {`${t('sandbox.decision.rejected')} · ${ruleText(q.violation?.rule ?? null)}`}
            </Tag>
          </Tooltip>
        ),
    },
    { title: t('sandbox.col.rows'), key: 'rows', width: 70, align: 'right', render: (_, q) => (q.decision === 'accepted' ? q.rowCount : '—') },
    { title: t('sandbox.col.suppressed'), key: 'suppressed', width: 90, align: 'right', render: (_, q) => (q.decision === 'accepted' ? q.suppressedGroups : '—') },
    { title: t('sandbox.col.epsilon'), key: 'eps', width: 60, align: 'right', render: (_, q) => (q.epsilonSpent > 0 ? Math.round(q.epsilonSpent * 1000) / 1000 : '—') },
    { title: t('sandbox.col.release'), key: 'release', width: 110, render: (_, q) => (q.decision === 'accepted' ? <ReleaseStatusTag status={q.releaseStatus} /> : '—') },
  ];

  return (
    <Card
      size="small"
      title={t('sandbox.history.title')}
      extra={<Button size="small" type="text" icon={<ReloadOutlined />} onClick={() => setTick((n) => n + 1)} aria-label={t('common.retry')} />}
      data-testid="sandbox-history"
    >
      {error && <Alert type="error" showIcon message={errorText(error, t)} style={{ marginBottom: 8 }} />}
      <Table<SandboxQuery>
        size="small"
        rowKey="id"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        rowClassName={(q) => (q.id === selected ? 'ant-table-row-selected' : '')}
        onRow={(q) => ({ 'data-testid': 'sandbox-history-row', 'data-query-id': q.id }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('sandbox.history.empty') }}
        scroll={{ x: 900 }}
        pagination={{
          current: page,
          pageSize: PAGE,
          total: data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => t('common.total', { total: n }),
          onChange: setPage,
        }}
      />
    </Card>
  );
}
