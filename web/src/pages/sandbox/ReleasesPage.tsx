/**
 * 出域审查 for the implementing agency (实施机构): sandbox results whose grant requires approval, once
 * their identifier scan has passed. Each shows who asked, the SQL, what the output checks did and a
 * preview of the result; the agency approves (the requester may then download) or refuses with a
 * reason. Tabs by status keep their state in the URL.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { sandboxApi, type ReleaseStatus, type SandboxQuery } from './api';
import { ReleaseStatusTag } from './HistoryCard';
import { ART_RELEASE } from './ResultView';
import './sandbox.css';

const TABS: readonly (ReleaseStatus | 'all')[] = ['pending_approval', 'released', 'refused', 'all'];
const PREVIEW = 10;

/** The result of a release, loaded when its row is opened (the list carries no rows). */
function Preview({ id }: { id: string }) {
  const { t } = useI18n();
  const { data: q, error, loading } = useAsync(() => sandboxApi.get(id), id);
  if (error) return <Alert type="error" showIcon message={errorText(error, t)} />;
  const rows = (q?.rows ?? []).slice(0, PREVIEW).map((cells, key) => ({ key, cells }));
  return (
    <Space direction="vertical" size={6} style={{ width: '100%' }} data-testid="release-preview">
      <pre className="mono small" style={{ margin: 0, whiteSpace: 'pre-wrap' }} data-testid="release-sql">
        {q?.sql ?? ''}
      </pre>
      <Typography.Text type="secondary" className="small">
        {t('sandbox.releases.preview', { n: rows.length })}
      </Typography.Text>
      <Table
        size="small"
        bordered
        loading={loading}
        pagination={false}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={(q?.columns ?? []).map((c, i) => ({
          key: `${i}`,
          title: <span className="mono">{c.name}</span>,
          render: (_: unknown, r: { cells: unknown[] }) => (r.cells[i] === null || r.cells[i] === undefined ? '—' : String(r.cells[i])),
        }))}
      />
    </Space>
  );
}

export function ReleasesPage() {
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const [query, setQuery, queryKey] = useUrlState(['status', 'page', 'query'] as const);
  // `query` (from the notification's link) only opens that row: it does not change the list.
  const key = queryKey.replace(/(^|&)query=[^&]*/, '');
  const status = TABS.find((s) => s === query.status) ?? 'pending_approval';
  const paging = readPaging(query.page, undefined);
  const { data, error, loading, reload } = useAsync(
    () => sandboxApi.releases({ ...(status === 'all' ? {} : { status }), limit: paging.limit, offset: paging.offset }),
    key,
  );
  const [refusing, setRefusing] = useState<SandboxQuery | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const decide = async (q: SandboxQuery, decision: 'approve' | 'refuse', reason?: string) => {
    setBusy(q.id);
    try {
      await sandboxApi.decide(q.id, { decision, ...(reason ? { reason } : {}) });
      message.success(t(decision === 'approve' ? 'sandbox.releases.approved' : 'sandbox.releases.refused'));
      setRefusing(undefined);
      form.resetFields();
      reload();
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };

  const columns: TableColumnsType<SandboxQuery> = [
    {
      title: t('sandbox.col.org'),
      key: 'org',
      width: 220,
      render: (_, q) => (
        <Space direction="vertical" size={0}>
          <span>{q.orgName ?? '—'}</span>
          <Typography.Text type="secondary" className="small">
            {q.userName ?? ''}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('sandbox.col.sql'),
      key: 'sql',
      render: (_, q) => (
        <Typography.Text className="mono sandbox-sql-cell" title={q.sql}>
          {q.sql.replace(/\s+/g, ' ')}
        </Typography.Text>
      ),
    },
    {
      title: t('sandbox.result.title'),
      key: 'result',
      width: 220,
      render: (_, q) => (
        <Space size={[4, 4]} wrap>
          <Tag color="blue">{t('sandbox.result.rows', { n: q.rowCount })}</Tag>
          {q.suppressedGroups > 0 && <Tag color="orange">{q.minGroupSize ? t('sandbox.result.suppressed', { n: q.suppressedGroups, k: q.minGroupSize }) : t('sandbox.result.suppressedNoK', { n: q.suppressedGroups })}</Tag>}
          {q.epsilonSpent > 0 && <Tag color="geekblue">{t('sandbox.result.epsilon', { e: q.epsilonSpent })}</Tag>}
        </Space>
      ),
    },
    {
      title: t('sandbox.col.scan'),
      key: 'scan',
      width: 150,
      render: (_, q) => (q.releaseScan && q.releaseScan.length > 0 ? q.releaseScan.map((f) => `${f.column}:${f.kind}`).join('，') : <Tag color="green">{t('sandbox.releases.scanClean')}</Tag>),
    },
    { title: t('sandbox.col.time'), key: 'time', width: 170, render: (_, q) => (q.createdAt ? dateTime(q.createdAt) : '—') },
    {
      title: t('common.status'),
      key: 'status',
      width: 200,
      render: (_, q) => (
        <Space direction="vertical" size={0}>
          <ReleaseStatusTag status={q.releaseStatus} />
          {q.releaseReason && (
            <Typography.Text type="secondary" className="small">
              {t('sandbox.release.reason', { reason: q.releaseReason })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      key: 'actions',
      width: 170,
      render: (_, q) =>
        q.releaseStatus === 'pending_approval' ? (
          <Space size={4}>
            <Popconfirm title={t('sandbox.releases.approveConfirm')} onConfirm={() => decide(q, 'approve')} okButtonProps={{ 'data-testid': 'release-approve-confirm' }}>
              <Button type="primary" size="small" loading={busy === q.id} data-testid="release-approve">
                {t('sandbox.releases.approve')}
              </Button>
            </Popconfirm>
            <Button danger size="small" disabled={busy === q.id} onClick={() => setRefusing(q)} data-testid="release-refuse">
              {t('sandbox.releases.refuse')}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.sandboxReleases')}
        description={
          <>
            {t('sandbox.releases.description')} <LawHint source={ART_RELEASE} />
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={status}
          onChange={(k) => setQuery({ status: k === 'pending_approval' ? null : k, page: null, query: null })}
          items={TABS.map((s) => ({ key: s, label: s === 'all' ? t('sandbox.releases.all') : t(`sandbox.status.${s}`) }))}
        />
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<SandboxQuery>
          data-testid="releases-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          expandable={{ expandedRowRender: (q) => <Preview id={q.id} />, defaultExpandedRowKeys: query.query ? [query.query] : [] }}
          locale={{ emptyText: t(status === 'pending_approval' ? 'sandbox.releases.empty' : 'sandbox.releases.none') }}
          scroll={{ x: 1200 }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (n) => t('common.total', { total: n }),
            onChange: (p) => setQuery({ page: p === 1 ? null : p }),
          }}
        />
      </Card>
      <Modal
        open={!!refusing}
        title={t('sandbox.releases.refuseTitle')}
        okText={t('sandbox.releases.refuse')}
        okButtonProps={{ danger: true, loading: !!refusing && busy === refusing.id, 'data-testid': 'release-refuse-submit' }}
        onCancel={() => {
          setRefusing(undefined);
          form.resetFields();
        }}
        onOk={async () => {
          const { reason } = await form.validateFields();
          if (refusing) await decide(refusing, 'refuse', reason.trim());
        }}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('sandbox.releases.reason')}
            rules={[{ required: true, whitespace: true, message: t('sandbox.releases.reason.required') }]}
          >
            <Input.TextArea rows={3} placeholder={t('sandbox.releases.reason.placeholder')} data-testid="release-refuse-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
