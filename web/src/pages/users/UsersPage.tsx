import { useEffect, useState } from 'react';
import { App, Button, Card, Flex, Input, Popconfirm, Space, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { isPlatformAdmin } from '../../lib/roles';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { OrgSelect } from '../../components/OrgSelect';
import { RoleTags, useRoleLabel } from '../../components/RoleTags';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { UserFormDrawer } from './UserFormDrawer';
import { ResetPasswordModal } from './ResetPasswordModal';
import { UserStatus, isLocked, userStatusText } from './UserStatus';

const URL_KEYS = ['orgId', 'q', 'page', 'size'] as const;

/** 用户管理: the platform's administrators see every user; an org_admin sees the own org's. */
export function UsersPage() {
  const me = useMe();
  const platform = isPlatformAdmin(me);
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const roleLabel = useRoleLabel();
  const { message } = App.useApp();
  const [query, setQuery, queryKey] = useUrlState(URL_KEYS);
  const paging = readPaging(query.page, query.size);
  const orgId = platform ? query.orgId : me.org.id;
  const { data, error, loading, reload } = useAsync(
    () => api.users.list({ orgId, q: query.q, limit: paging.limit, offset: paging.offset }),
    `${queryKey}|${orgId ?? ''}`,
  );
  const [editTarget, setEditTarget] = useState<User | 'new' | null>(null);
  const [resetTarget, setResetTarget] = useState<User | null>(null);
  const [text, setText] = useState(query.q ?? '');
  useEffect(() => setText(query.q ?? ''), [query.q]);

  const act = async (run: () => Promise<User>, done: string) => {
    try {
      await run();
      message.success(done);
      reload();
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  const columns: ExportableColumns<User> = [
    { title: t('field.login'), dataIndex: 'login', width: 160, render: (v: string) => <span className="mono">{v}</span> },
    { title: t('user.field.name'), dataIndex: 'name', width: 120 },
    ...(platform ? [{ title: t('user.field.org'), dataIndex: 'orgName', width: 220 }] : []),
    { title: t('user.field.roles'), dataIndex: 'roles', width: 220, exportText: (u) => u.roles.map((r) => roleLabel('user', r)).join(t('common.listSep')), render: (roles: string[]) => <RoleTags kind="user" roles={roles} /> },
    { title: t('common.status'), key: 'status', width: 190, exportText: (u) => userStatusText(u, i18n), render: (_, u) => <UserStatus user={u} /> },
    { title: t('user.col.lastLogin'), dataIndex: 'lastLoginAt', width: 170, responsive: ['lg'], render: (v: string | null) => dateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 250,
      fixed: 'right',
      render: (_, u) => {
        const self = u.id === me.user.id;
        return (
          <Space size={0} wrap>
            <Button type="link" size="small" onClick={() => setEditTarget(u)}>
              {t('common.edit')}
            </Button>
            <Button type="link" size="small" onClick={() => setResetTarget(u)}>
              {t('user.action.reset')}
            </Button>
            {isLocked(u) && (
              <Button type="link" size="small" onClick={() => act(() => api.users.unlock(u.id), t('user.unlocked', { name: u.name }))}>
                {t('user.action.unlock')}
              </Button>
            )}
            <Popconfirm
              title={t(u.disabled ? 'user.enable.confirm' : 'user.disable.confirm', { name: u.name })}
              description={u.disabled ? undefined : t('user.disable.effect')}
              disabled={self}
              onConfirm={() =>
                act(
                  () => api.users.update(u.id, { disabled: !u.disabled }),
                  t(u.disabled ? 'user.enabled' : 'user.disabled', { name: u.name }),
                )
              }
            >
              <Button type="link" size="small" danger={!u.disabled} disabled={self} title={self ? t('user.self') : undefined}>
                {t(u.disabled ? 'user.action.enable' : 'user.action.disable')}
              </Button>
            </Popconfirm>
          </Space>
        );
      },
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.users')}
        description={platform ? t('user.description.platform') : t('user.description.org', { org: me.org.name })}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditTarget('new')} data-testid="user-create">
            {t('user.create')}
          </Button>
        }
      />
      <Card>
        <Flex gap={8} wrap className="filters">
          {platform && (
            <OrgSelect
              value={query.orgId}
              valueLabel={data?.items.find((u) => u.orgId === query.orgId)?.orgName}
              onChange={(v) => setQuery({ orgId: v, page: undefined })}
              placeholder={t('user.filter.org')}
              style={{ width: 280 }}
            />
          )}
          <Input.Search
            allowClear
            value={text}
            onChange={(e) => setText(e.target.value)}
            onSearch={(v) => setQuery({ q: v.trim() || undefined, page: undefined })}
            placeholder={t('user.filter.q')}
            style={{ width: 260 }}
          />
          <Button onClick={() => setQuery({ orgId: undefined, q: undefined, page: undefined })}>{t('common.reset')}</Button>
          <ExportXlsxButton
            title={t('page.users')}
            columns={columns}
            pageSize={500}
            fetchPage={({ limit, offset }) => api.users.list({ orgId, q: query.q, limit, offset })}
          />
        </Flex>
        <Table<User>
          data-testid="users-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          scroll={{ x: 1400 }}
          locale={{ emptyText: error ? errorText(error, t) : t('user.empty') }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (page, size) => setQuery({ page: page === 1 ? undefined : page, size: size === 20 ? undefined : size }),
          }}
        />
        <Typography.Paragraph type="secondary" className="small" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('user.lockRule')}
        </Typography.Paragraph>
      </Card>
      <UserFormDrawer
        target={editTarget}
        defaultOrgId={query.orgId}
        onClose={() => setEditTarget(null)}
        onSaved={(u) => {
          message.success(t(editTarget === 'new' ? 'user.created' : 'user.saved', { name: u.name }));
          setEditTarget(null);
          reload();
        }}
      />
      <ResetPasswordModal
        user={resetTarget}
        onClose={() => setResetTarget(null)}
        onDone={(u) => {
          message.success(t('user.reset.done', { name: u.name }));
          setResetTarget(null);
        }}
      />
    </Space>
  );
}
