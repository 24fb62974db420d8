/**
 * 批量交换/文件下载: the exports of a `batch` or `file` grant. The subject's clerk, data officer or
 * admin starts an export (CSV or NDJSON, optional filters on granted fields, written like the
 * service API's: `460105`, `in:460105,460106`, `gte:1000`), follows its progress (each running
 * export polled by id) and downloads the file while its link is valid. Every file carries the
 * delivery's watermark (`gongshu trace`).
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Progress, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { sharingApi, type DataExport, type ExportFormat, type Grant } from './api';
import { ART_REQUEST } from './parts';

const POLL_MS = 1000;
const active = (x: DataExport) => x.status === 'queued' || x.status === 'running';

function percentOf(x: DataExport): number {
  if (x.status === 'ready') return 100;
  const total = x.progress.total;
  if (!total) return 0;
  return Math.min(99, Math.floor((x.progress.done / total) * 100));
}

const STATUS_COLOR: Record<DataExport['status'], string> = { queued: 'default', running: 'processing', ready: 'success', failed: 'error' };

export function GrantExportsCard({ grant }: { grant: Grant }) {
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const listed = useAsync(() => sharingApi.exports(grant.id), `${grant.id}:${tick}`);
  const [items, setItems] = useState<DataExport[]>([]);
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [form] = Form.useForm<{ format: ExportFormat; filters?: { field?: string; value?: string }[] }>();
  const usable = grant.status === 'active';

  useEffect(() => {
    if (listed.data) setItems(listed.data.items);
  }, [listed.data]);

  // While an export is queued or running, poll it by id for its progress.
  const running = items.filter(active).map((x) => x.id);
  const runningKey = running.join(',');
  useEffect(() => {
    if (running.length === 0) return;
    const timer = setInterval(() => {
      void Promise.all(running.map((id) => sharingApi.exportOf(id).catch(() => undefined))).then((fresh) => {
        setItems((prev) => prev.map((x) => fresh.find((f) => f?.id === x.id) ?? x));
      });
    }, POLL_MS);
    return () => clearInterval(timer);
    // The ids of the running exports are the real input.
  }, [runningKey]);

  const create = async () => {
    const v = await form.validateFields();
    const filters: Record<string, string> = {};
    for (const f of v.filters ?? []) if (f.field && f.value?.trim()) filters[f.field] = f.value.trim();
    setSaving(true);
    setError(undefined);
    try {
      const x = await sharingApi.createExport({ grantId: grant.id, format: v.format, ...(Object.keys(filters).length > 0 ? { filters } : {}) });
      setItems((prev) => [x, ...prev.filter((p) => p.id !== x.id)]);
      setCreating(false);
      form.resetFields();
      message.success(t('sharing.export.created'));
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['format', 'filters']);
    } finally {
      setSaving(false);
    }
  };

  const columns: TableColumnsType<DataExport> = [
    { title: t('sharing.export.createdAt'), key: 'createdAt', width: 160, render: (_, x) => dateTime(x.createdAt) },
    { title: t('sharing.export.format'), key: 'format', width: 80, render: (_, x) => x.format.toUpperCase() },
    {
      title: t('sharing.export.filters'),
      key: 'filters',
      render: (_, x) =>
        x.filters && Object.keys(x.filters).length > 0 ? (
          <Typography.Text className="small mono">{Object.entries(x.filters).map(([k, v]) => `${k}=${v}`).join('；')}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('sharing.export.progress'),
      key: 'progress',
      width: 220,
      render: (_, x) => (
        <Space direction="vertical" size={0} style={{ width: '100%' }} data-testid="export-row">
          <Space size={4}>
            <Tag color={STATUS_COLOR[x.status]} data-testid="export-status">
              {t(`sharing.export.status.${x.status}`)}
            </Tag>
            {x.status === 'ready' && <Typography.Text className="small">{t('sharing.export.rows', { n: x.rows })}</Typography.Text>}
          </Space>
          {x.status !== 'failed' && <Progress percent={percentOf(x)} size="small" status={active(x) ? 'active' : undefined} data-testid="export-progress" />}
          {x.error && <Typography.Text type="danger">{x.error}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('sharing.export.download'),
      key: 'download',
      width: 200,
      render: (_, x) =>
        x.download && !x.expired ? (
          <Space direction="vertical" size={0}>
            <a href={x.download.url} download data-testid="export-download">
              <DownloadOutlined /> {t('sharing.export.download')}
            </a>
            <Typography.Text type="secondary" className="small">
              {t('sharing.export.validUntil', { at: dateTime(x.download.expiresAt) })}
            </Typography.Text>
          </Space>
        ) : x.expired ? (
          <Typography.Text type="secondary">{t('sharing.export.expired')}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];

  return (
    <Card
      size="small"
      title={t('sharing.export.title')}
      data-testid="grant-exports"
      extra={
        <Button type="primary" size="small" disabled={!usable} onClick={() => setCreating(true)} data-testid="export-create">
          {t('sharing.export.create')}
        </Button>
      }
    >
      <Space direction="vertical" size={8} style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('sharing.export.intro')}
        </Typography.Paragraph>
        {!usable && <Alert type="info" showIcon message={t('sharing.export.notUsable')} />}
        {listed.error && <Alert type="error" showIcon message={errorText(listed.error, t)} />}
        <Table<DataExport>
          rowKey="id"
          size="small"
          loading={listed.loading && items.length === 0}
          columns={columns}
          dataSource={items}
          pagination={items.length > 10 ? { pageSize: 10, size: 'small' } : false}
          locale={{ emptyText: t('sharing.export.empty') }}
          data-testid="exports-table"
        />
        <Button size="small" onClick={() => setTick((n) => n + 1)}>
          {t('sharing.export.refresh')}
        </Button>
      </Space>
      <Modal
        open={creating}
        title={t('sharing.export.create')}
        onCancel={() => {
          setError(undefined);
          setCreating(false);
        }}
        onOk={create}
        confirmLoading={saving}
        okButtonProps={{ 'data-testid': 'export-submit' }}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('sharing.export.hint')} description={<LawHint source={ART_REQUEST} mode="line" />} />
          {error && <Alert type="error" showIcon message={error} data-testid="export-error" />}
          <Form form={form} layout="vertical" initialValues={{ format: 'csv', filters: [] }}>
            <Form.Item name="format" label={t('sharing.export.format')}>
              <Radio.Group
                options={[
                  { value: 'csv', label: 'CSV' },
                  { value: 'ndjson', label: 'NDJSON' },
                ]}
                data-testid="export-format"
              />
            </Form.Item>
            <Form.Item label={t('sharing.export.filters')} extra={t('sharing.export.filters.extra')}>
              <Form.List name="filters">
                {(fields, { add, remove }) => (
                  <Space direction="vertical" style={{ width: '100%' }}>
                    {fields.map((f) => (
                      <Space key={f.key} align="baseline">
                        <Form.Item name={[f.name, 'field']} rules={[{ required: true, message: t('sharing.export.filters.field') }]} noStyle>
                          <Select placeholder={t('sharing.export.filters.field')} options={grant.fields.map((x) => ({ value: x, label: x }))} style={{ width: 160 }} data-testid="export-filter-field" />
                        </Form.Item>
                        <Form.Item name={[f.name, 'value']} rules={[{ required: true, whitespace: true, message: t('sharing.export.filters.value') }]} noStyle>
                          <Input placeholder="460105 · in:460105,460106 · gte:1000" style={{ width: 240 }} data-testid="export-filter-value" />
                        </Form.Item>
                        <MinusCircleOutlined onClick={() => remove(f.name)} />
                      </Space>
                    ))}
                    <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add()} data-testid="export-filter-add">
                      {t('sharing.export.filters.add')}
                    </Button>
                  </Space>
                )}
              </Form.List>
            </Form.Item>
          </Form>
        </Space>
      </Modal>
    </Card>
  );
}
