/**
 * 数据回流 (`/reflow`, 000 第九条): for a lower-level institution, the reflow it receives from
 * upper-level institutions — each subscription, its deliveries (one per load of the entry, with the
 * rows of its region) and a viewer of the delivered rows; for a provider, the reflow it set up.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, Drawer, Segmented, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined, EyeOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { StatusTag } from '../../components/StatusTag';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { reflowApi, regionText, type ReflowDelivery, type ReflowSubscription } from './reflowApi';

const PAGE_SIZE = 50;

const cellText = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The rows of one delivery, page by page from the server (each page read is audited there). */
function RowsDrawer({ delivery, subscription, onClose }: { delivery: ReflowDelivery | null; subscription: ReflowSubscription; onClose: () => void }) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const id = delivery?.id ?? '';
  const rows = useAsync(() => (id ? reflowApi.rows(id, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }) : Promise.resolve(undefined)), `rows:${id}:${page}`);
  const data = rows.data;
  const columns: TableColumnsType<Record<string, unknown>> = (data?.fields ?? []).map((f) => ({
    title: (
      <span>
        {f.label}
        <br />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {f.name}
        </Typography.Text>
      </span>
    ),
    dataIndex: f.name,
    key: f.name,
    render: (v: unknown) => cellText(v),
    ellipsis: true,
  }));
  return (
    <Drawer
      open={!!delivery}
      onClose={() => {
        setPage(1);
        onClose();
      }}
      width="85%"
      destroyOnHidden
      title={delivery ? t('reflow.rows.title', { entry: subscription.entry.name ?? subscription.entry.code, version: delivery.versionNo, region: regionText(subscription.regionName, subscription.regionCode) }) : ''}
      data-testid="reflow-rows"
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {rows.error && <Alert type={rows.error.status === 410 ? 'warning' : 'error'} showIcon message={errorText(rows.error, t)} data-testid="reflow-rows-error" />}
        {data?.problem && <Alert type="error" showIcon message={data.problem} />}
        {data && !data.problem && <Typography.Text type="secondary">{t('reflow.rows.total', { total: data.total })}</Typography.Text>}
        <Table<Record<string, unknown>>
          size="small"
          rowKey={(_, i) => String(i)}
          loading={rows.loading}
          columns={columns}
          dataSource={data?.rows ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        />
      </Space>
    </Drawer>
  );
}

/** A subscription's deliveries, newest first, with the rows viewer and the CSV download. */
function Deliveries({ subscription }: { subscription: ReflowSubscription }) {
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const list = useAsync(() => reflowApi.deliveries(subscription.id), `deliveries:${subscription.id}:${subscription.deliveries}`);
  const [viewing, setViewing] = useState<ReflowDelivery | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const readable = subscription.status === 'active';

  const download = async (d: ReflowDelivery) => {
    setDownloading(d.id);
    try {
      await reflowApi.downloadCsv(d.id);
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setDownloading(null);
    }
  };

  const columns: TableColumnsType<ReflowDelivery> = [
    {
      title: t('reflow.delivery.version'),
      key: 'version',
      render: (_, d) => (
        <Space size={4}>
          {`v${d.versionNo}`}
          {d.latest && <Tag color="blue">{t('reflow.delivery.latest')}</Tag>}
          {!d.available && !d.problem && <Tag>{t('reflow.delivery.gone')}</Tag>}
          {d.problem && <Tag color="red">{t('reflow.delivery.problem')}</Tag>}
        </Space>
      ),
    },
    { title: t('reflow.delivery.rows'), dataIndex: 'rowsDelivered', align: 'right' },
    { title: t('reflow.delivery.at'), key: 'at', render: (_, d) => dateTime(d.at) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, d) =>
        d.problem ? (
          <Typography.Text type="danger">{d.problem}</Typography.Text>
        ) : readable && d.available ? (
          <Space>
            <Button size="small" icon={<EyeOutlined />} onClick={() => setViewing(d)} data-testid={`reflow-view-${d.versionNo}`}>
              {t('reflow.delivery.view')}
            </Button>
            <Button size="small" icon={<DownloadOutlined />} loading={downloading === d.id} onClick={() => void download(d)}>
              {t('reflow.delivery.download')}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <Card size="small" title={t('reflow.deliveries.title')} data-testid={`reflow-deliveries-${subscription.id}`}>
      {list.error && <Alert type="error" showIcon message={errorText(list.error, t)} />}
      <Table<ReflowDelivery>
        rowKey="id"
        size="small"
        loading={list.loading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('reflow.deliveries.empty') }}
      />
      <RowsDrawer delivery={viewing} subscription={subscription} onClose={() => setViewing(null)} />
    </Card>
  );
}

export function ReflowPage() {
  const { t, dateTime } = useI18n();
  const [url, setUrl] = useUrlState(['role', 'subscription'] as const);
  const role = url.role === 'provider' ? 'provider' : 'subscriber';
  const subs = useAsync(() => reflowApi.list({ role }), `reflow:${role}`);
  const expanded = url.subscription ? [url.subscription] : [];

  const columns: ExportableColumns<ReflowSubscription> = [
    {
      title: t('reflow.col.entry'),
      key: 'entry',
      render: (_, s) => <Link to={`/catalog/entries/${s.entry.id}`}>{s.entry.name ?? s.entry.code}</Link>,
    },
    role === 'subscriber'
      ? { title: t('reflow.col.provider'), key: 'provider', render: (_, s) => s.provider.name }
      : { title: t('reflow.col.subscriber'), key: 'subscriber', render: (_, s) => s.subscriber.name },
    { title: t('reflow.col.region'), key: 'region', render: (_, s) => regionText(s.regionName, s.regionCode) },
    { title: t('reflow.col.regionField'), key: 'field', render: (_, s) => s.regionField.label },
    {
      title: t('reflow.col.status'),
      key: 'status',
      render: (_, s) => (
        <Space direction="vertical" size={0}>
          <StatusTag tone={s.status === 'active' ? 'approved' : 'expired'}>{t(`reflow.status.${s.status}`)}</StatusTag>
          {s.cancelledAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('reflow.cancelledNote', { at: dateTime(s.cancelledAt), reason: s.cancelReason ? `：${s.cancelReason}` : '' })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('reflow.col.deliveries'), dataIndex: 'deliveries', align: 'right' },
    {
      title: t('reflow.col.lastDelivery'),
      key: 'last',
      render: (_, s) =>
        s.lastDelivery ? (
          t('reflow.lastDelivery', { version: s.lastDelivery.versionNo, rows: s.lastDelivery.rowsDelivered, at: dateTime(s.lastDelivery.at) })
        ) : (
          <Typography.Text type="secondary">{t('reflow.none')}</Typography.Text>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('page.reflow')}
        description={
          <>
            {t('reflow.description')} <LawHint source="000 第九条" />
          </>
        }
        extra={
          <>
            <Segmented
              value={role}
              onChange={(v) => setUrl({ role: v === 'provider' ? 'provider' : null, subscription: null })}
              options={[
                { value: 'subscriber', label: t('reflow.role.subscriber') },
                { value: 'provider', label: t('reflow.role.provider') },
              ]}
              data-testid="reflow-role"
            />
            {/* The subscriptions come in one response: read once. */}
            <ExportXlsxButton
              title={`${t('page.reflow')}_${t(role === 'provider' ? 'reflow.role.provider' : 'reflow.role.subscriber')}`}
              columns={columns}
              pageSize={500}
              fetchPage={async () => ({ items: (await reflowApi.list({ role })).items, next: null })}
            />
          </>
        }
      />
      {subs.error && <Alert type="error" showIcon message={errorText(subs.error, t)} style={{ marginBottom: 16 }} />}
      <Table<ReflowSubscription>
        rowKey="id"
        loading={subs.loading}
        columns={columns}
        dataSource={subs.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t(role === 'subscriber' ? 'reflow.empty.subscriber' : 'reflow.empty.provider') }}
        expandable={{
          expandedRowKeys: expanded,
          onExpand: (open, s) => setUrl({ subscription: open ? s.id : null }),
          expandedRowRender: (s) => <Deliveries subscription={s} />,
          rowExpandable: () => true,
        }}
        data-testid="reflow-subscriptions"
      />
    </>
  );
}
