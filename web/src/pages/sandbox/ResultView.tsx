/**
 * A sandbox query's outcome: the result grid with what the output checks did (groups hidden below
 * the threshold, ε spent, truncation), or the refusal naming the rule, the column and the article;
 * and the release (出域审查) with its outcome — released (download), pending approval, or blocked with
 * the identifiers found.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Empty, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { CloudDownloadOutlined, ExportOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { findingsOfRefusal, sandboxApi, SandboxRefusal, type QueryRefusal, type ReleaseFinding, type SandboxQuery } from './api';
import { ART_SANDBOX } from './ViewsPanel';

/** The article behind release review: the agreement's security terms for what leaves the platform. */
export const ART_RELEASE = '000 第二十四条';

/** The rule in words; an unknown rule code is shown as it is. */
export function useRuleText(): (rule: string | null) => string {
  const { t, tMaybe } = useI18n();
  return (rule) => (rule ? tMaybe(`sandbox.rule.${rule}`) ?? rule : t('sandbox.rule.other'));
}

/** The refusal of a query: the rule in words, the column, the server's explanation and the article. */
export function RejectionAlert({ refusal }: { refusal: QueryRefusal }) {
  const { t } = useI18n();
  const ruleText = useRuleText();
  return (
    <Alert
      type="error"
      showIcon
      data-testid="sandbox-rejection"
      data-rule={refusal.rule ?? ''}
      message={<span data-testid="sandbox-rejection-rule">{t('sandbox.rejected.title', { rule: ruleText(refusal.rule) })}</span>}
      description={
        <Space direction="vertical" size={2}>
          {refusal.column && (
            <span data-testid="sandbox-rejection-column">
              {t('sandbox.rejected.column', { column: refusal.column })}
            </span>
          )}
          <span data-testid="sandbox-rejection-message">{refusal.message}</span>
          <Space size={8} wrap>
            <LawHint source={refusal.source || ART_SANDBOX} mode="line" />
          </Space>
          <Typography.Text type="secondary">{t('sandbox.rejected.fix')}</Typography.Text>
        </Space>
      }
    />
  );
}

function cellText(v: unknown, nullText: string): string {
  if (v === null || v === undefined) return nullText;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10000) / 10000);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function Findings({ findings }: { findings: ReleaseFinding[] }) {
  const { t, tMaybe } = useI18n();
  if (findings.length === 0) return null;
  return (
    <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }} data-testid="sandbox-release-findings">
      {findings.map((f) => (
        <li key={`${f.column}:${f.kind}`}>{t('sandbox.release.finding', { column: f.column, kind: tMaybe(`sandbox.kind.${f.kind}`) ?? f.kind, count: f.count })}</li>
      ))}
    </ul>
  );
}

/** Where a release stands, with the download once released. */
export function ReleaseOutcome({ q }: { q: SandboxQuery }) {
  const { t } = useI18n();
  if (!q.releaseStatus) return null;
  const status = q.releaseStatus;
  const type = status === 'released' ? 'success' : status === 'pending_approval' ? 'info' : 'error';
  return (
    <Alert
      type={type}
      showIcon
      data-testid="sandbox-release-outcome"
      data-status={status}
      message={t(`sandbox.release.${status}` as MessageKey)}
      description={
        status === 'released' ? (
          <Space size={12} wrap>
            <a href={sandboxApi.downloadUrl(q.id, 'csv')} download data-testid="sandbox-download">
              <CloudDownloadOutlined /> {t('sandbox.release.download')}
            </a>
            <a href={sandboxApi.downloadUrl(q.id, 'json')} download data-testid="sandbox-download-json">
              {t('sandbox.release.downloadJson')}
            </a>
          </Space>
        ) : status === 'blocked' ? (
          <Findings findings={q.releaseScan ?? []} />
        ) : status === 'refused' && q.releaseReason ? (
          t('sandbox.release.reason', { reason: q.releaseReason })
        ) : undefined
      }
    />
  );
}

export function ResultView({ q, onChanged }: { q: SandboxQuery; onChanged: (q: SandboxQuery) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [releasing, setReleasing] = useState(false);
  const nullText = t('sandbox.result.null');

  const columns: TableColumnsType<{ key: number; cells: unknown[] }> = q.columns.map((c, i) => ({
    key: `${i}`,
    title: (
      <Space size={4}>
        <span className="mono">{c.name}</span>
        {c.kind === 'aggregate' && c.aggregate && <Tag bordered={false}>{c.aggregate.toUpperCase()}</Tag>}
      </Space>
    ),
    align: c.kind === 'aggregate' ? ('right' as const) : undefined,
    render: (_: unknown, r: { cells: unknown[] }) => <span className="sandbox-result-cell">{cellText(r.cells[i], nullText)}</span>,
    sorter: (a: { cells: unknown[] }, b: { cells: unknown[] }) => {
      const x = a.cells[i];
      const y = b.cells[i];
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return cellText(x, '').localeCompare(cellText(y, ''), 'zh-CN');
    },
  }));
  const data = q.rows.map((cells, key) => ({ key, cells }));

  const release = async () => {
    setReleasing(true);
    try {
      const r = await sandboxApi.release(q.id);
      onChanged({ ...q, releaseStatus: r.releaseStatus ?? 'released', releaseScan: r.releaseScan ?? q.releaseScan, releaseReason: r.releaseReason });
    } catch (e) {
      if (e instanceof SandboxRefusal && e.status === 422 && e.code === 'output_contains_identifiers') {
        onChanged({ ...q, releaseStatus: 'blocked', releaseScan: findingsOfRefusal(e) });
      } else {
        message.error(errorText(e, t));
      }
    } finally {
      setReleasing(false);
    }
  };

  const mayRelease = q.releaseStatus === null || q.releaseStatus === 'refused';
  const suppressed =
    q.suppressedGroups > 0
      ? q.minGroupSize
        ? t('sandbox.result.suppressed', { n: q.suppressedGroups, k: q.minGroupSize })
        : t('sandbox.result.suppressedNoK', { n: q.suppressedGroups })
      : t('sandbox.result.noneSuppressed');

  return (
    <Card
      size="small"
      title={t('sandbox.result.title')}
      data-testid="sandbox-result"
      data-query-id={q.id}
      extra={
        <Typography.Text type="secondary" className="small mono">
          {t('sandbox.result.queryId', { id: q.id.slice(0, 8) })}
        </Typography.Text>
      }
    >
      <Space direction="vertical" size={10} style={{ width: '100%' }}>
        <Space size={[8, 4]} wrap data-testid="sandbox-result-summary">
          <Tag color="blue" data-testid="sandbox-row-count">
            {t('sandbox.result.rows', { n: q.rowCount })}
          </Tag>
          <Tag color={q.suppressedGroups > 0 ? 'orange' : 'default'} data-testid="sandbox-suppressed">
            {suppressed}
          </Tag>
          {q.epsilonSpent > 0 && (
            <Tag color="geekblue" data-testid="sandbox-epsilon">
              {t('sandbox.result.epsilon', { e: Math.round(q.epsilonSpent * 1000) / 1000 })}
            </Tag>
          )}
        </Space>
        {q.truncated && <Alert type="warning" showIcon data-testid="sandbox-truncated" message={t('sandbox.result.truncated', { n: q.rows.length })} />}
        <Table
          size="small"
          bordered
          data-testid="sandbox-grid"
          columns={columns}
          dataSource={data}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sandbox.result.noRows')} /> }}
          pagination={data.length > 50 ? { pageSize: 50, showSizeChanger: false, showTotal: (n) => t('common.total', { total: n }) } : false}
          scroll={{ x: 'max-content', y: 360 }}
        />
        <Space direction="vertical" size={6} style={{ width: '100%' }}>
          <Space size={8} wrap>
            {mayRelease && (
              <Tooltip title={t('sandbox.release.intro')}>
                <Button icon={<ExportOutlined />} loading={releasing} disabled={q.rows.length === 0} onClick={release} data-testid="sandbox-release">
                  {q.releaseStatus === 'refused' ? t('sandbox.release.again') : t('sandbox.release.button')}
                </Button>
              </Tooltip>
            )}
            <LawHint source={ART_RELEASE} />
          </Space>
          <ReleaseOutcome q={q} />
        </Space>
      </Space>
    </Card>
  );
}
