import { useState } from 'react';
import { Alert, Button, Card, Space, Table, Tabs, Typography } from 'antd';
import { ThunderboltOutlined } from '@ant-design/icons';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { REQUEST_STATUSES, sharingApi, type ShareRequest } from './api';
import { ART_REQUEST, ReplyCell, RequestStatusTag, dutyLineText, isProviderAnswerer } from './parts';
import { RequestDrawer } from './RequestsPage';
import { InstantConditionsModal } from './InstantConditionsModal';
import { LIST_KEYS, ListFilters, listQueryOf, usePagination } from './ListFilters';

/** Soonest due first; requests without an open reply duty after them, newest first. */
function byDue(a: ShareRequest, b: ShareRequest): number {
  const due = (r: ShareRequest) => (r.duty?.status === 'open' && r.duty.dueAt ? Date.parse(r.duty.dueAt) : Number.POSITIVE_INFINITY);
  const da = due(a);
  const db = due(b);
  if (da !== db) return da < db ? -1 : 1;
  return b.createdAt.localeCompare(a.createdAt);
}

/**
 * 共享申请答复 (数据提供单位): the signed requests to my org's entries, pending ones soonest due
 * first with their working-day countdowns; a row opens the case to approve, refuse (reason and
 * basis) or apply for an extension. The instant-share conditions are set from here too.
 */
export function InboxPage() {
  const me = useMe();
  const i18n = useI18n();
  const { t, dateTime, date } = i18n;
  const [query, setQuery, queryKey] = useUrlState(['status', 'case', ...LIST_KEYS] as const);
  const status = query.status === 'all' ? undefined : (REQUEST_STATUSES.find((s) => s === query.status) ?? 'pending');
  const { data, error, loading, reload } = useAsync(
    () => sharingApi.list({ role: 'provider', ...(status ? { status } : {}), ...listQueryOf(query) }),
    queryKey.replace(/(^|&)case=[^&]*/, ''),
  );
  const pagination = usePagination(query, data?.total, setQuery);
  const [conditions, setConditions] = useState(false);
  const answerer = isProviderAnswerer(me, me.org.id);
  const items = [...(data?.items ?? [])].sort(byDue);

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
            {`${t(`sharing.method.${r.method}`)} · ${t('sharing.fieldsCount', { n: r.fields.length })} · ${t('sharing.col.validUntil')} ${date(r.validUntil)}`}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('sharing.col.requester'), key: 'requester', width: 220, render: (_, r) => r.requester.orgName },
    { title: t('sharing.scenario'), key: 'scenario', ellipsis: true, render: (_, r) => r.scenario },
    { title: t('sharing.signedAt'), key: 'signedAt', width: 170, render: (_, r) => dateTime(r.signedAt) },
    { title: t('sharing.col.status'), key: 'status', width: 110, exportText: (r) => t(`sharing.status.${r.status}`), render: (_, r) => <RequestStatusTag status={r.status} /> },
    { title: t('sharing.col.due'), key: 'due', width: 280, exportText: (r) => dutyLineText(r.duty, r.late, i18n), render: (_, r) => <ReplyCell r={r} /> },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.shareInbox')}
        description={
          <>
            {t('sharing.inbox.description')} <LawHint source={ART_REQUEST} />
          </>
        }
        extra={
          answerer && (
            <Button icon={<ThunderboltOutlined />} onClick={() => setConditions(true)} data-testid="share-conditions">
              {t('sharing.conditions')}
            </Button>
          )
        }
      />
      <Card>
        <Tabs
          activeKey={status ?? 'all'}
          onChange={(k) => setQuery({ status: k === 'pending' ? null : k, case: null, page: null })}
          items={[
            { key: 'pending', label: t('sharing.inbox.pending') },
            ...REQUEST_STATUSES.filter((s) => s === 'approved' || s === 'refused').map((s) => ({ key: s, label: t(`sharing.status.${s}`) })),
            { key: 'all', label: t('sharing.filter.all') },
          ]}
        />
        <ListFilters
          q={query}
          set={setQuery}
          orgLabel={t('sharing.list.requester')}
          extra={
            <ExportXlsxButton
              title={t('page.shareInbox')}
              columns={columns}
              pageSize={500}
              fetchPage={({ limit, offset }) => sharingApi.list({ role: 'provider', ...(status ? { status } : {}), ...listQueryOf(query), limit, offset })}
            />
          }
        />
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<ShareRequest>
          data-testid="share-inbox-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={items}
          locale={{ emptyText: status === 'pending' ? t('sharing.inbox.empty') : undefined }}
          scroll={{ x: 1100 }}
          pagination={pagination}
          style={{ marginTop: 12 }}
        />
      </Card>
      <RequestDrawer id={query.case} onClose={() => setQuery({ case: null })} onChanged={reload} />
      <InstantConditionsModal open={conditions} onClose={() => setConditions(false)} />
    </Space>
  );
}
