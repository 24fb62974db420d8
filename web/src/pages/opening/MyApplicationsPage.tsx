/**
 * 我的申请 (/open/applications): the signed-in visitor's conditional open applications with their
 * status, the provider's due date, the decision with its reason and basis, and — once approved —
 * the grant's API keys (organisations) through the sharing module's key card.
 */
import { useEffect, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Alert, App, Button, Card, Flex, Space, Spin, Table, Tabs, Typography } from 'antd';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { GrantKeysCard } from '../sharing/GrantAccess';
import { sharingApi, type DataExport } from '../sharing/api';
import { APPLICATION_STATUSES, applicationsApi, type OpenApplication } from './applicationsApi';
import { ART_OPEN_APPLY, ApplicationDrawer, ApplicationStatusTag, ReplyDue, replyDueText } from './applicationParts';

export function MyApplicationsPage() {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Spin />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <MyApplications />;
}

/**
 * What an approved application gives: API keys of the grant (method api) or an export of the
 * granted data (method file) — for an organisation's data staff, or a natural person for themselves.
 */
function GrantAccess({ a }: { a: OpenApplication }) {
  const { t } = useI18n();
  const { data, error } = useAsync(() => (a.grantId && a.method === 'api' ? sharingApi.grant(a.grantId) : Promise.resolve(undefined)), `${a.grantId ?? ''}`);
  if (a.status !== 'approved' || !a.grantId) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="oa-grant">
      <Alert type="success" showIcon message={t('oa.approved.message', { date: a.validUntil })} description={<LawHint source={ART_OPEN_APPLY} mode="line" />} />
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {a.method === 'api' && data && <GrantKeysCard grant={data} />}
      {a.method === 'file' && <FileExportCard grantId={a.grantId} />}
    </Space>
  );
}

/** 文件下载: an export of the granted data through the delivery module, polled until its file is ready. */
function FileExportCard({ grantId }: { grantId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [exp, setExp] = useState<DataExport>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!exp || exp.status === 'ready' || exp.status === 'failed') return undefined;
    const timer = window.setTimeout(() => {
      sharingApi.exportOf(exp.id).then(setExp, (e: unknown) => message.error(errorText(e, t)));
    }, 1500);
    return () => window.clearTimeout(timer);
  }, [exp, message, t]);
  const start = async () => {
    setBusy(true);
    try {
      setExp(await sharingApi.createExport({ grantId, format: 'csv' }));
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('oa.approved.file')} data-testid="oa-export">
      <Space wrap>
        <Button type="primary" onClick={start} loading={busy || (!!exp && (exp.status === 'queued' || exp.status === 'running'))} data-testid="oa-export-start">
          {t('oa.export.start')}
        </Button>
        {exp?.status === 'ready' && exp.download && (
          <a href={exp.download.url} data-testid="oa-export-download">
            {t('oa.export.download', { rows: exp.rows })}
          </a>
        )}
        {exp?.status === 'failed' && <Typography.Text type="danger">{exp.error ?? ''}</Typography.Text>}
      </Space>
    </Card>
  );
}

function MyApplications() {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const [query, setQuery, queryKey] = useUrlState(['status', 'page', 'size', 'case'] as const);
  const status = APPLICATION_STATUSES.find((s) => s === query.status);
  const paging = readPaging(query.page, query.size);
  const { data, error, loading } = useAsync(
    () => applicationsApi.list({ role: 'applicant', ...(status ? { status } : {}), limit: paging.limit, offset: paging.offset }),
    queryKey.replace(/(^|&)case=[^&]*/, ''),
  );

  const columns: ExportableColumns<OpenApplication> = [
    {
      title: t('oa.col.entry'),
      key: 'entry',
      exportText: (a) => a.entry.name ?? a.entry.code,
      render: (_, a) => (
        <Button type="link" size="small" style={{ padding: 0, whiteSpace: 'normal', textAlign: 'left' }} onClick={() => setQuery({ case: a.id })} data-testid="oa-open">
          {a.entry.name ?? a.entry.code}
        </Button>
      ),
    },
    { title: t('oa.col.provider'), key: 'provider', render: (_, a) => a.provider.name, responsive: ['md'] },
    { title: t('oa.col.submitted'), key: 'created', render: (_, a) => dateTime(a.createdAt), responsive: ['lg'] },
    { title: t('oa.col.status'), key: 'status', width: 110, exportText: (a) => t(`oa.status.${a.status}`), render: (_, a) => <ApplicationStatusTag status={a.status} /> },
    { title: t('oa.col.due'), key: 'due', exportText: (a) => replyDueText(a, i18n), render: (_, a) => <ReplyDue a={a} />, responsive: ['md'] },
    { title: t('oa.col.decision'), key: 'decision', ellipsis: true, render: (_, a) => (a.status === 'refused' ? `${a.reason ?? ''}（${a.basis ?? ''}）` : a.status === 'approved' ? t('oa.col.decision.approved') : '—') },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('page.openMyApplications')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('oa.mine.description')} <LawHint source={ART_OPEN_APPLY} />
      </Typography.Paragraph>
      <Card>
        <Tabs
          activeKey={status ?? 'all'}
          onChange={(k) => setQuery({ status: k === 'all' ? null : k, page: null, case: null })}
          items={[{ key: 'all', label: t('oa.filter.all') }, ...APPLICATION_STATUSES.map((s) => ({ key: s, label: t(`oa.status.${s}`) }))]}
        />
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <ExportXlsxButton
            title={t('page.openMyApplications')}
            columns={columns}
            pageSize={200}
            fetchPage={({ limit, offset }) => applicationsApi.list({ role: 'applicant', ...(status ? { status } : {}), limit, offset })}
          />
        </Flex>
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<OpenApplication>
          data-testid="oa-mine-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('oa.mine.empty') }}
          pagination={{ current: paging.page, pageSize: paging.pageSize, total: data?.total ?? 0, onChange: (page, size) => setQuery({ page, size }) }}
        />
      </Card>
      <ApplicationDrawer id={query.case} tick={0} onClose={() => setQuery({ case: null })}>
        {(a) => <GrantAccess a={a} />}
      </ApplicationDrawer>
    </Space>
  );
}
