import { useState } from 'react';
import { App, Button, Card, Flex, Popconfirm, Space, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { ApiKey, ApiKeyCreated, ApiKeyStatus } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { CreateKeyModal } from './CreateKeyModal';
import { KeyCreatedModal } from './KeyCreatedModal';

const TONE: Record<ApiKeyStatus, Tone> = { active: 'approved', expired: 'expired', revoked: 'suspended' };

/** API 密钥: the org's keys for machine clients. */
export function ApiKeysPage() {
  const me = useMe();
  const { t, date, dateTime } = useI18n();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useAsync(() => api.apiKeys.list(), 'keys');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);

  const revoke = async (k: ApiKey) => {
    try {
      await api.apiKeys.revoke(k.id);
      message.success(t('apiKey.revoked', { name: k.name }));
      reload();
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  const columns: ExportableColumns<ApiKey> = [
    { title: t('apiKey.col.prefix'), dataIndex: 'prefix', width: 160, render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
    { title: t('apiKey.field.name'), dataIndex: 'name' },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => date(v) },
    { title: t('apiKey.col.expiresAt'), dataIndex: 'expiresAt', width: 150, render: (v: string) => date(v) },
    { title: t('apiKey.col.lastUsed'), dataIndex: 'lastUsedAt', width: 170, render: (v: string | null) => (v ? dateTime(v) : t('apiKey.neverUsed')) },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 100,
      render: (s: ApiKeyStatus) => <StatusTag tone={TONE[s]}>{t(`apiKey.status.${s}`)}</StatusTag>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, k) =>
        k.status === 'active' ? (
          <Popconfirm
            title={t('apiKey.revoke.confirm', { name: k.name })}
            description={t('apiKey.revoke.effect')}
            okButtonProps={{ danger: true }}
            okText={t('apiKey.revoke')}
            onConfirm={() => revoke(k)}
          >
            <Button type="link" size="small" danger>
              {t('apiKey.revoke')}
            </Button>
          </Popconfirm>
        ) : (
          k.revokedAt && (
            <Typography.Text type="secondary" className="small">
              {t('apiKey.revokedAt', { date: date(k.revokedAt) })}
            </Typography.Text>
          )
        ),
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.apiKeys')}
        description={t('apiKey.description', { org: me.org.name })}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-key-create">
            {t('apiKey.create')}
          </Button>
        }
      />
      <Card>
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          {/* The org's keys come in one response: read once. */}
          <ExportXlsxButton title={t('page.apiKeys')} columns={columns} pageSize={500} fetchPage={async () => ({ items: (await api.apiKeys.list()).items, next: null })} />
        </Flex>
        <Table<ApiKey>
          data-testid="api-keys-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: error ? errorText(error, t) : t('apiKey.empty') }}
        />
      </Card>
      <CreateKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(k) => {
          setCreating(false);
          setCreated(k);
          reload();
        }}
      />
      <KeyCreatedModal created={created} onClose={() => setCreated(null)} />
    </Space>
  );
}
