import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Row, Space, Statistic, Table, Typography, type TableColumnsType } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { KeyCreatedModal } from '../apiKeys/KeyCreatedModal';
import { EChart } from '../quality/EChart';
import { sharingApi, type Grant, type GrantKey } from './api';

/**
 * 授权密钥: the API keys bound to one grant — each reads only that grant's data through
 * `GET /api/v1/data/{code}` and expires with it at the latest. For the subject org's clerks,
 * data officers and admins; the secret is shown once.
 */
export function GrantKeysCard({ grant }: { grant: Grant }) {
  const { t, date, dateTime } = useI18n();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useAsync(() => sharingApi.keys(grant.id), `${grant.id}:${tick}`);
  const [naming, setNaming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ id: string; name: string; prefix: string; key: string; expiresAt: string } | null>(null);
  const [form] = Form.useForm<{ name: string }>();
  const usable = grant.status === 'active' && grant.methods.includes('api');

  const create = async () => {
    const { name } = await form.validateFields();
    setBusy(true);
    try {
      const k = await sharingApi.createKey(grant.id, name.trim());
      setCreated(k);
      setNaming(false);
      form.resetFields();
      setTick((n) => n + 1);
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (key: GrantKey) => {
    try {
      await sharingApi.revokeKey(grant.id, key.id);
      setTick((n) => n + 1);
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  const columns: TableColumnsType<GrantKey> = [
    { title: t('sharing.keys.name'), dataIndex: 'name', key: 'name' },
    { title: t('sharing.keys.prefix'), key: 'prefix', render: (_, k) => <Typography.Text className="mono small">{k.prefix}…</Typography.Text> },
    { title: t('sharing.keys.expiresAt'), key: 'expires', render: (_, k) => date(k.expiresAt) },
    { title: t('sharing.keys.lastUsedAt'), key: 'used', render: (_, k) => (k.lastUsedAt ? dateTime(k.lastUsedAt) : '—') },
    { title: t('sharing.keys.status'), key: 'status', render: (_, k) => t(`sharing.keys.status.${k.status}`) },
    {
      key: 'actions',
      render: (_, k) =>
        k.status === 'active' ? (
          <Popconfirm title={t('sharing.keys.revokeConfirm')} onConfirm={() => revoke(k)}>
            <Button size="small" danger data-testid="grant-key-revoke">
              {t('sharing.keys.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];
  return (
    <Card
      size="small"
      title={t('sharing.keys.title')}
      data-testid="grant-keys"
      extra={
        <Button type="primary" size="small" disabled={!usable} onClick={() => setNaming(true)} data-testid="grant-key-create">
          {t('sharing.keys.create')}
        </Button>
      }
    >
      <Space direction="vertical" size={8} style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('sharing.keys.intro', { code: grant.entry.code })}
        </Typography.Paragraph>
        {!usable && <Alert type="info" showIcon message={t('sharing.keys.notUsable')} />}
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<GrantKey> rowKey="id" size="small" loading={loading} columns={columns} dataSource={data?.items ?? []} pagination={false} locale={{ emptyText: t('sharing.keys.empty') }} />
      </Space>
      <Modal open={naming} title={t('sharing.keys.create')} onCancel={() => setNaming(false)} onOk={create} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('sharing.keys.name')} rules={[{ required: true, whitespace: true, message: t('sharing.keys.nameRequired') }]}>
            <Input maxLength={100} placeholder={t('sharing.keys.namePlaceholder')} data-testid="grant-key-name" />
          </Form.Item>
        </Form>
      </Modal>
      <KeyCreatedModal created={created} onClose={() => setCreated(null)} />
    </Card>
  );
}

/** 调用量: the grant's reads over the last 30 days — calls and rows per day, and the totals. */
export function GrantUsageCard({ grantId }: { grantId: string }) {
  const { t } = useI18n();
  const { data, error, loading } = useAsync(() => sharingApi.usage(grantId), grantId);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: (data?.days ?? []).map((d) => d.date.slice(5)) },
      yAxis: [
        { type: 'value', name: t('sharing.usage.calls'), minInterval: 1 },
        { type: 'value', name: t('sharing.usage.rows'), minInterval: 1 },
      ],
      series: [
        { name: t('sharing.usage.calls'), type: 'bar', data: (data?.days ?? []).map((d) => d.calls) },
        { name: t('sharing.usage.rows'), type: 'line', yAxisIndex: 1, data: (data?.days ?? []).map((d) => d.rows) },
      ],
    }),
    [data, t],
  );
  return (
    <Card size="small" title={t('sharing.usage.title')} loading={loading} data-testid="grant-usage">
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {data && (
        <Space direction="vertical" size={8} style={{ width: '100%' }}>
          <Row gutter={16}>
            <Col span={8}>
              <Statistic title={t('sharing.usage.calls')} value={data.totals.calls} />
            </Col>
            <Col span={8}>
              <Statistic title={t('sharing.usage.rows')} value={data.totals.rows} />
            </Col>
            <Col span={8}>
              <Statistic title={t('sharing.usage.bytes')} value={data.totals.bytes} />
            </Col>
          </Row>
          {data.totals.calls === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sharing.usage.empty')} /> : <EChart option={option} height={220} testId="grant-usage-chart" />}
        </Space>
      )}
    </Card>
  );
}
