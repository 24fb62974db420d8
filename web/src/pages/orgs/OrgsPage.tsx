import { useRef, useState } from 'react';
import { App, Button, Card, Flex, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { Org } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { RoleTags, useRoleLabel } from '../../components/RoleTags';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
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
  // An export reads every page; a parent is named from any page it has read.
  const exportedNames = useRef(new Map<string, string>());

  const columns: ExportableColumns<Org> = [
    {
      title: t('org.col.name'),
      dataIndex: 'name',
      exportText: (o) => (o.kind === 'person' ? `${o.name}（${t('org.kind.person')}）` : o.name),
      render: (_, o) => (
        <Space size={4} wrap>
          <Typography.Text strong>{o.name}</Typography.Text>
          {o.kind === 'person' && <Tag>{t('org.kind.person')}</Tag>}
        </Space>
      ),
    },
    { title: t('field.uscc'), dataIndex: 'uscc', width: 190, render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
    { title: t('field.region'), dataIndex: 'regionName', width: 140 },
    { title: t('org.col.parent'), dataIndex: 'parentId', width: 160, responsive: ['xl'], exportText: (o) => (o.parentId ? (exportedNames.current.get(o.parentId) ?? nameOf(o.parentId) ?? '…') : '—'), render: (v: string | null) => (v ? (nameOf(v) ?? '…') : '—') },
    { title: t('org.col.roles'), dataIndex: 'roles', exportText: (o) => o.roles.map((r) => roleLabel('org', r)).join(t('common.listSep')), render: (roles: string[]) => <RoleTags kind="org" roles={roles} /> },
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

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.orgs')}
        description={t('org.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setTarget('new')} data-testid="org-create">
            {t('org.create')}
          </Button>
        }
      />
      <Card>
        <OrgFilters
          values={{ q: query.q, role: query.role, region: query.region }}
          onChange={(patch) => setQuery({ ...patch, page: undefined })}
          onReset={() => setQuery({ q: undefined, role: undefined, region: undefined, page: undefined })}
        />
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <ExportXlsxButton
            title={t('page.orgs')}
            columns={columns}
            pageSize={500}
            fetchPage={async ({ limit, offset }) => {
              if (offset === 0) exportedNames.current.clear();
              const page = await api.orgs.list({ q: query.q, role: query.role, regionCode: query.region, limit, offset });
              for (const o of page.items) exportedNames.current.set(o.id, o.name);
              return page;
            }}
          />
        </Flex>
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
