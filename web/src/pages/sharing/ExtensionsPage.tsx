/**
 * 共享答复延期审核 (营商环境建设主管部门): the providers' applications to extend their reply to a share
 * request (000 第十四条: at most 5 working days, with the authority's consent, the requester told).
 * Pending ones come first, the oldest application — the soonest due — first, each with the
 * decision's countdown and the reply's current due date; a row opens the case, or is decided here.
 */
import { useState } from 'react';
import { Alert, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { EXTENSION_FILTERS, sharingApi, type ExtensionFilter, type ShareRequest } from './api';
import { ART_REQUEST, DutyLine, canConsentExtension, dutyLineText } from './parts';
import { ConsentModal } from './Dialogs';
import { RequestDrawer } from './RequestsPage';
import { LIST_KEYS, ListFilters, listQueryOf, usePagination } from './ListFilters';

const EXT_COLOR: Record<string, string> = { requested: 'orange', consented: 'green', refused: 'red', moot: 'default' };

export function ExtensionsPage() {
  const me = useMe();
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const [query, setQuery, queryKey] = useUrlState(['status', 'case', ...LIST_KEYS] as const);
  const status: ExtensionFilter = EXTENSION_FILTERS.find((s) => s === query.status) ?? 'requested';
  const { data, error, loading, reload } = useAsync(() => sharingApi.extensions({ status, ...listQueryOf(query) }), queryKey.replace(/(^|&)case=[^&]*/, ''));
  const pagination = usePagination(query, data?.total, setQuery);
  const [deciding, setDeciding] = useState<ShareRequest | undefined>(undefined);
  const mayDecide = canConsentExtension(me);

  const columns: ExportableColumns<ShareRequest> = [
    {
      title: t('sharing.col.entry'),
      key: 'entry',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQuery({ case: r.id })} data-testid="share-open">
            {r.entry.name ?? r.entry.code}
          </Button>
          <Typography.Text type="secondary" className="small">{`${r.requester.orgName} → ${r.provider.name}`}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('sharing.ext.col.application'),
      key: 'application',
      width: 300,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Space size={4}>
            <Tag color={EXT_COLOR[r.extension?.status ?? 'requested']} data-testid="extension-status">
              {t(`sharing.ext.${r.extension?.status ?? 'requested'}`)}
            </Tag>
            {r.extension?.days != null && <span>{t('sharing.extension.days', { n: r.extension.days })}</span>}
          </Space>
          {r.extension?.reason && <Typography.Text className="small">{r.extension.reason}</Typography.Text>}
          {r.extension?.requestedAt && (
            <Typography.Text type="secondary" className="small">
              {dateTime(r.extension.requestedAt)}
            </Typography.Text>
          )}
          {r.extension?.comment && <Typography.Text type="secondary" className="small">{`${t('sharing.extension.comment')}：${r.extension.comment}`}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('sharing.duty.extension'), key: 'decisionDue', width: 260, exportText: (r) => dutyLineText(r.extensionDuty, undefined, i18n), render: (_, r) => <DutyLine duty={r.extensionDuty} /> },
    { title: t('sharing.duty.reply'), key: 'replyDue', width: 260, exportText: (r) => dutyLineText(r.duty, r.late, i18n), render: (_, r) => <DutyLine duty={r.duty} late={r.late} /> },
    {
      key: 'actions',
      width: 120,
      render: (_, r) =>
        mayDecide && r.status === 'pending' && r.extension?.status === 'requested' ? (
          <Button type="primary" size="small" onClick={() => setDeciding(r)} data-testid="extension-decide">
            {t('sharing.consent')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.shareExtensions')}
        description={
          <>
            {t('sharing.ext.description')} <LawHint source={ART_REQUEST} />
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={status}
          onChange={(k) => setQuery({ status: k === 'requested' ? null : k, case: null, page: null })}
          items={EXTENSION_FILTERS.map((s) => ({ key: s, label: t(s === 'all' ? 'sharing.filter.all' : s === 'requested' ? 'sharing.ext.pending' : `sharing.ext.${s}`) }))}
        />
        <ListFilters
          q={query}
          set={setQuery}
          orgLabel={t('sharing.list.counterpart')}
          extra={
            <ExportXlsxButton
              title={t('page.shareExtensions')}
              columns={columns}
              pageSize={500}
              fetchPage={({ limit, offset }) => sharingApi.extensions({ status, ...listQueryOf(query), limit, offset })}
            />
          }
        />
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<ShareRequest>
          data-testid="extensions-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t(status === 'requested' ? 'sharing.ext.empty' : 'sharing.ext.none') }}
          scroll={{ x: 1200 }}
          pagination={pagination}
          style={{ marginTop: 12 }}
        />
      </Card>
      <RequestDrawer id={query.case} onClose={() => setQuery({ case: null })} onChanged={reload} />
      <ConsentModal
        r={deciding}
        onClose={() => setDeciding(undefined)}
        onDone={() => {
          setDeciding(undefined);
          reload();
        }}
      />
    </Space>
  );
}
