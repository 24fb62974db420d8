import { Button, Flex, Space, Table, Typography } from 'antd';
import { api, type AuditQuery } from '../../api/client';
import type { AuditEvent } from '../../api/types';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';

interface AuditTableProps {
  /** The filters applied, for the export. */
  query: AuditQuery;
  items: AuditEvent[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  onLoadMore: () => void;
}

function DetailsJson({ details }: { details: unknown }) {
  return <pre className="json-block">{JSON.stringify(details ?? {}, null, 2)}</pre>;
}

const hasDetails = (d: unknown) => d !== null && d !== undefined && !(typeof d === 'object' && Object.keys(d).length === 0);

/** The events, newest first; a row expands to its details JSON. */
export function AuditTable({ query, items, loading, error, hasMore, onLoadMore }: AuditTableProps) {
  const { t, tMaybe, dateTime } = useI18n();

  const columns: ExportableColumns<AuditEvent> = [
    { title: t('audit.col.seq'), dataIndex: 'seq', width: 80, render: (v: number) => <span className="mono">{v}</span> },
    { title: t('audit.col.at'), dataIndex: 'at', width: 160, render: (v: string) => dateTime(v) },
    {
      title: t('audit.col.actor'),
      key: 'actor',
      width: 190,
      render: (_, e) => (
        <Space direction="vertical" size={0}>
          <span className="mono">{e.actorLogin ?? t('audit.system')}</span>
          {e.actorOrgName && (
            <Typography.Text type="secondary" className="small">
              {e.actorOrgName}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('audit.col.action'),
      dataIndex: 'action',
      width: 170,
      render: (v: string) => {
        const label = tMaybe(`audit.action.${v}`);
        return label ? (
          <Space direction="vertical" size={0}>
            <span>{label}</span>
            <Typography.Text type="secondary" className="small mono">
              {v}
            </Typography.Text>
          </Space>
        ) : (
          <span className="mono">{v}</span>
        );
      },
    },
    {
      title: t('audit.col.object'),
      key: 'object',
      exportText: (e) => (e.objectId ? `${e.objectType} ${e.objectId}` : e.objectType),
      render: (_, e) => (
        <Space direction="vertical" size={0}>
          <span className="mono">{e.objectType}</span>
          {e.objectId && (
            <Typography.Text type="secondary" className="small mono" copyable={{ text: e.objectId }} title={e.objectId}>
              {e.objectId.length > 24 ? `${e.objectId.slice(0, 8)}…${e.objectId.slice(-6)}` : e.objectId}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('audit.col.purpose'),
      key: 'purpose',
      width: 170,
      render: (_, e) =>
        e.purpose || e.grantId ? (
          <Space direction="vertical" size={0}>
            {e.purpose && <span>{e.purpose}</span>}
            {e.grantId && (
              <Typography.Text type="secondary" className="small mono">
                {t('audit.grant', { id: e.grantId })}
              </Typography.Text>
            )}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: t('audit.col.hash'),
      dataIndex: 'hash',
      width: 140,
      exportText: (e) => e.hash,
      render: (v: string) => (
        <Typography.Text code copyable={{ text: v }} title={v}>
          {v.slice(0, 12)}
        </Typography.Text>
      ),
    },
  ];

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        <ExportXlsxButton
          title={t('page.audit')}
          columns={columns}
          pageSize={1000}
          fetchPage={async ({ limit, cursor }) => {
            const page = await api.audit.events({ ...query, limit, before: cursor === undefined ? undefined : Number(cursor) });
            return { items: page.items, next: page.nextBefore === null ? null : String(page.nextBefore) };
          }}
        />
      </Flex>
      <Table<AuditEvent>
        data-testid="audit-table"
        rowKey="seq"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1100 }}
        expandable={{
          expandedRowRender: (e) => <DetailsJson details={e.details} />,
          rowExpandable: (e) => hasDetails(e.details),
        }}
        locale={{ emptyText: error ? errorText(error, t) : t('audit.empty') }}
      />
      <Flex justify="center" style={{ marginTop: 12 }}>
        {hasMore ? (
          <Button onClick={onLoadMore} loading={loading} data-testid="audit-load-more">
            {t('audit.loadMore')}
          </Button>
        ) : (
          items.length > 0 && <Typography.Text type="secondary">{t('audit.end', { n: items.length })}</Typography.Text>
        )}
      </Flex>
    </>
  );
}
