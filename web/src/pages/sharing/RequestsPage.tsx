import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Button, Card, Drawer, Space, Table, Tabs, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { REQUEST_STATUSES, sharingApi, type ShareRequest, type ShareRequestStatus } from './api';
import { ART_REQUEST, ReplyCell, RequestStatusTag, canRequestShare, dutyLineText } from './parts';
import { RequestDetail } from './RequestDetail';
import { LIST_KEYS, ListFilters, listQueryOf, usePagination } from './ListFilters';

/** The drawer every sharing list opens for `?case=<id>` (the link of the ledger's duties and notifications). */
export function RequestDrawer({ id, onClose, onChanged }: { id: string | undefined; onClose: () => void; onChanged?: () => void }) {
  const { t } = useI18n();
  return (
    <Drawer open={!!id} onClose={onClose} width={720} title={t('page.shareRequest')} destroyOnHidden>
      {id && <RequestDetail id={id} onChanged={onChanged} />}
    </Drawer>
  );
}

/**
 * 我的共享申请: the requests my org filed, by status, with the provider's reply countdown; a row
 * opens the case (and the data officer signs there).
 */
export function RequestsPage() {
  const me = useMe();
  const i18n = useI18n();
  const { t, date, dateTime } = i18n;
  const [query, setQuery, queryKey] = useUrlState(['status', 'case', ...LIST_KEYS] as const);
  const status = REQUEST_STATUSES.find((s) => s === query.status);
  const requester = me.org.roles.includes('institution');
  const { data, error, loading, reload } = useAsync(
    () => (requester ? sharingApi.list({ role: 'requester', ...(status ? { status } : {}), ...listQueryOf(query) }) : Promise.resolve({ items: [] as ShareRequest[], total: 0 })),
    queryKey.replace(/(^|&)case=[^&]*/, ''),
  );
  const pagination = usePagination(query, data?.total, setQuery);

  const columns: ExportableColumns<ShareRequest> = [
    {
      title: t('sharing.col.entry'),
      key: 'entry',
      exportText: (r) => r.entry.name ?? r.entry.code,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQuery({ case: r.id })} data-testid="share-open">
            {r.entry.name ?? r.entry.code}
          </Button>
          <Typography.Text type="secondary" className="small">
            {`${t(`sharing.method.${r.method}`)} · ${t('sharing.fieldsCount', { n: r.fields.length })}`}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('sharing.col.provider'), key: 'provider', width: 200, render: (_, r) => r.provider.name },
    { title: t('sharing.col.createdAt'), key: 'createdAt', width: 170, render: (_, r) => dateTime(r.createdAt) },
    { title: t('sharing.col.validUntil'), key: 'validUntil', width: 140, render: (_, r) => date(r.validUntil) },
    { title: t('sharing.col.status'), key: 'status', width: 110, exportText: (r) => t(`sharing.status.${r.status}`), render: (_, r) => <RequestStatusTag status={r.status} /> },
    { title: t('sharing.col.due'), key: 'due', width: 260, exportText: (r) => dutyLineText(r.duty, r.late, i18n), render: (_, r) => <ReplyCell r={r} /> },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.shareRequests')}
        description={
          <>
            {t('sharing.requests.description')} <LawHint source={ART_REQUEST} />
          </>
        }
        extra={
          canRequestShare(me) && (
            <Link to="/sharing/requests/new">
              <Button type="primary" icon={<PlusOutlined />} data-testid="share-new">
                {t('sharing.new')}
              </Button>
            </Link>
          )
        }
      />
      {!requester && <Alert type="info" showIcon message={t('sharing.requests.authorityHint')} />}
      {requester && (
        <Card>
          <Tabs
            activeKey={status ?? 'all'}
            onChange={(k) => setQuery({ status: k === 'all' ? null : k, case: null, page: null })}
            items={[{ key: 'all', label: t('sharing.filter.all') }, ...REQUEST_STATUSES.map((s: ShareRequestStatus) => ({ key: s, label: t(`sharing.status.${s}`) }))]}
          />
          <ListFilters
            q={query}
            set={setQuery}
            orgLabel={t('sharing.list.provider')}
            extra={
              <ExportXlsxButton
                title={t('page.shareRequests')}
                columns={columns}
                pageSize={500}
                fetchPage={({ limit, offset }) => sharingApi.list({ role: 'requester', ...(status ? { status } : {}), ...listQueryOf(query), limit, offset })}
              />
            }
          />
          {error && <Alert type="error" showIcon message={errorText(error, t)} />}
          <Table<ShareRequest>
            data-testid="share-requests-table"
            rowKey="id"
            size="middle"
            loading={loading}
            columns={columns}
            dataSource={data?.items ?? []}
            scroll={{ x: 1100 }}
            pagination={pagination}
            style={{ marginTop: 12 }}
          />
        </Card>
      )}
      <RequestDrawer id={query.case} onClose={() => setQuery({ case: null })} onChanged={reload} />
    </Space>
  );
}

/** `/sharing/requests/:id`: one request on its own page. */
export function RequestPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={t('page.shareRequest')} extra={<Button onClick={() => navigate('/sharing/requests')}>{t('page.shareRequests')}</Button>} />
      <Card>
        <RequestDetail id={id} />
      </Card>
    </Space>
  );
}
