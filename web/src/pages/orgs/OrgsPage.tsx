import { useState } from 'react';
import { App, Button, Card, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { Org } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { downloadCsv } from '../../lib/download';
import { PageHeader } from '../../components/PageHeader';
import { RoleTags, useRoleLabel } from '../../components/RoleTags';
import { OrgFilters } from './OrgFilters';
import { OrgFormDrawer } from './OrgFormDrawer';

const URL_KEYS = ['q', 'role', 'region', 'page', 'size'] as const;

/** 机构管理: every org on the platform, for the platform's administrators. */
export function OrgsPage() {
  const { t, date } = useI18n();
  const { message } = App.useApp();
  const roleLabel = useRoleLabel();
  const [query, setQuery, queryKey] = useUrlState(URL_KEYS);
  const paging = readPaging(query.page, query.size);
  const { data, error, loading, reload } = useAsync(
    () => api.orgs.list({ q: query.q, role: query.role, regionCode: query.region, limit: paging.limit, offset: paging.offset }),
    queryKey,
  );
  const [target, setTarget] = useState<Org | 'new' | null>(null);
  const rows = data?.items ?? [];
  const nameOf = (id: string | null) => (id ? rows.find((o) => o.id === id)?.name : undefined);

  const columns: TableColumnsType<Org> = [
    {
      title: t('org.col.name'),
      dataIndex: 'name',
      render: (_, o) => (
        <Space size={4} wrap>
          <Typography.Text strong>{o.name}</Typography.Text>
          {o.kind === 'person' && <Tag>{t('org.kind.person')}</Tag>}
        </Space>
      ),
    },
    { title: t('field.uscc'), dataIndex: 'uscc', width: 190, render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
    { title: t('field.region'), dataIndex: 'regionName', width: 140 },
    { title: t('org.col.parent'), dataIndex: 'parentId', width: 160, responsive: ['xl'], render: (v: string | null) => (v ? (nameOf(v) ?? '…') : '—') },
    { title: t('org.col.roles'), dataIndex: 'roles', render: (roles: string[]) => <RoleTags kind="org" roles={roles} /> },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => date(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_, o) => (
        <Button type="link" size="small" onClick={() => setTarget(o)}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  const exportCsv = () => {
    downloadCsv(
      `orgs-page${paging.page}.csv`,
      [t('org.col.name'), t('field.uscc'), t('field.region'), t('org.col.roles'), t('common.createdAt')],
      rows.map((o) => [o.name, o.uscc ?? '', o.regionName, o.roles.map((r) => roleLabel('org', r)).join('、'), date(o.createdAt)]),
    );
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.orgs')}
        description={t('org.description')}
        extra={
          <>
            <Button icon={<DownloadOutlined />} onClick={exportCsv} disabled={rows.length === 0}>
              {t('common.exportCsv')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setTarget('new')} data-testid="org-create">
              {t('org.create')}
            </Button>
          </>
        }
      />
      <Card>
        <OrgFilters
          values={{ q: query.q, role: query.role, region: query.region }}
          onChange={(patch) => setQuery({ ...patch, page: undefined })}
          onReset={() => setQuery({ q: undefined, role: undefined, region: undefined, page: undefined })}
        />
        <Table<Org>
          data-testid="orgs-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rows}
          scroll={{ x: 1000 }}
          locale={{ emptyText: error ? errorText(error, t) : t('org.empty') }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (page, size) => setQuery({ page: page === 1 ? undefined : page, size: size === 20 ? undefined : size }),
          }}
        />
      </Card>
      <OrgFormDrawer
        target={target}
        parentName={target && target !== 'new' ? nameOf(target.parentId) : undefined}
        onClose={() => setTarget(null)}
        onSaved={(org) => {
          message.success(t(target === 'new' ? 'org.created' : 'org.saved', { name: org.name }));
          setTarget(null);
          reload();
        }}
      />
    </Space>
  );
}
