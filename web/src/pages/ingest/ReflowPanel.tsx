/**
 * 数据回流 on an entry's data page (000 第九条), for the provider: the entry's reflow subscriptions,
 * and — for its org_admin / data_officer or the platform administrator — setting one up (a
 * lower-level institution, the field carrying the territory, the region delivered) or cancelling it.
 */
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { StatusTag } from '../../components/StatusTag';
import { reflowApi, regionText, type ReflowOptions, type ReflowSubscription } from './reflowApi';

const ART = '000 第九条';

function CreateModal({ options, open, onClose, onDone }: { options: ReflowOptions; open: boolean; onClose: () => void; onDone: (s: ReflowSubscription) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ subscriberOrgId?: string; regionField?: string; regionCode?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const subscriberId = Form.useWatch('subscriberOrgId', form);
  const subscriber = options.orgs.find((o) => o.id === subscriberId);

  // The regions a subscriber may receive: its own and those below it.
  const regionChoices = useMemo(() => {
    if (!subscriber) return [];
    const byParent = new Map<string, string[]>();
    for (const r of options.regions) if (r.parentCode) byParent.set(r.parentCode, [...(byParent.get(r.parentCode) ?? []), r.code]);
    const out: string[] = [];
    const walk = (code: string) => {
      out.push(code);
      for (const c of byParent.get(code) ?? []) walk(c);
    };
    walk(subscriber.regionCode);
    const names = new Map(options.regions.map((r) => [r.code, r.name]));
    return out.map((code) => ({ value: code, label: regionText(names.get(code), code) }));
  }, [subscriber, options.regions]);

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const s = await reflowApi.create({
        entryId: options.entry.id,
        subscriberOrgId: v.subscriberOrgId ?? '',
        regionField: v.regionField ?? '',
        ...(v.regionCode ? { regionCode: v.regionCode } : {}),
      });
      message.success(t('reflow.create.ok', { org: s.subscriber.name, region: regionText(s.regionName, s.regionCode) }));
      form.resetFields();
      onDone(s);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['subscriberOrgId', 'regionField', 'regionCode']);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open={open} title={t('reflow.create.title')} onCancel={onClose} onOk={() => void submit()} confirmLoading={saving} okText={t('reflow.create')} width={600} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <LawHint source={ART} mode="line" />
        {error && <Alert type="error" showIcon message={error} data-testid="reflow-error" />}
        <Form form={form} layout="vertical" onValuesChange={(changed: { subscriberOrgId?: string }) => changed.subscriberOrgId !== undefined && form.setFieldValue('regionCode', undefined)}>
          <Form.Item name="subscriberOrgId" label={t('reflow.field.subscriber')} rules={[{ required: true, message: t('reflow.field.required', { label: t('reflow.field.subscriber') }) }]}>
            <Select
              showSearch
              optionFilterProp="label"
              placeholder={t('reflow.field.subscriber.placeholder')}
              data-testid="reflow-subscriber"
              options={options.orgs.map((o) => ({ value: o.id, label: `${o.name} · ${regionText(o.regionName, o.regionCode)}` }))}
            />
          </Form.Item>
          <Form.Item
            name="regionField"
            label={t('reflow.field.regionField')}
            extra={t('reflow.field.regionField.extra')}
            rules={[{ required: true, message: t('reflow.field.required', { label: t('reflow.field.regionField') }) }]}
          >
            <Select
              placeholder={t('reflow.field.regionField.placeholder')}
              data-testid="reflow-field"
              options={options.regionFields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）· ${f.carrierLabel}` }))}
            />
          </Form.Item>
          <Form.Item name="regionCode" label={t('reflow.field.regionCode')} extra={t('reflow.field.regionCode.extra')}>
            <Select allowClear disabled={!subscriber} placeholder={subscriber ? regionText(subscriber.regionName, subscriber.regionCode) : undefined} options={regionChoices} data-testid="reflow-region" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

function CancelModal({ target, onClose, onDone }: { target: ReflowSubscription | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async () => {
    if (!target) return;
    setSaving(true);
    setError(undefined);
    try {
      await reflowApi.cancel(target.id, reason.trim() || undefined);
      message.success(t('reflow.cancel.ok'));
      setReason('');
      onDone();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={!!target}
      title={target ? t('reflow.cancel.title', { org: target.subscriber.name }) : ''}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('reflow.cancel.confirm')}
      okButtonProps={{ danger: true }}
      confirmLoading={saving}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="warning" showIcon message={t('reflow.cancel.warning')} />
        {error && <Alert type="error" showIcon message={error} />}
        <Typography.Text>{t('reflow.cancel.reason')}</Typography.Text>
        <Input.TextArea rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="reflow-cancel-reason" />
      </Space>
    </Modal>
  );
}

/** Reflow subscriptions of one entry (000 第九条), shown to the entry's provider. */
export function ReflowPanel({ entryId }: { entryId: string }) {
  const { t, dateTime } = useI18n();
  const subs = useAsync(() => reflowApi.list({ role: 'provider', entryId }), `reflow-subs:${entryId}`);
  // Only those who may set reflow up get the options; a 403 simply hides the actions.
  const options = useAsync(() => reflowApi.options(entryId), `reflow-options:${entryId}`);
  const [creating, setCreating] = useState(false);
  const [cancelling, setCancelling] = useState<ReflowSubscription | null>(null);
  const manage = options.data !== undefined;
  const optionsError = options.error && !(options.error instanceof ApiError && options.error.status === 403) ? options.error : undefined;

  const columns: TableColumnsType<ReflowSubscription> = [
    { title: t('reflow.col.subscriber'), key: 'subscriber', render: (_, s) => s.subscriber.name },
    { title: t('reflow.col.region'), key: 'region', render: (_, s) => regionText(s.regionName, s.regionCode) },
    { title: t('reflow.col.regionField'), key: 'field', render: (_, s) => `${s.regionField.label}（${s.regionField.name}）` },
    {
      title: t('reflow.col.status'),
      key: 'status',
      render: (_, s) => <StatusTag tone={s.status === 'active' ? 'approved' : 'expired'}>{t(`reflow.status.${s.status}`)}</StatusTag>,
    },
    { title: t('reflow.col.deliveries'), dataIndex: 'deliveries', align: 'right' },
    {
      title: t('reflow.col.lastDelivery'),
      key: 'last',
      render: (_, s) =>
        s.lastDelivery ? (
          s.lastDelivery.problem ? (
            <Typography.Text type="danger">{s.lastDelivery.problem}</Typography.Text>
          ) : (
            t('reflow.lastDelivery', { version: s.lastDelivery.versionNo, rows: s.lastDelivery.rowsDelivered, at: dateTime(s.lastDelivery.at) })
          )
        ) : (
          <Typography.Text type="secondary">{t('reflow.none')}</Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, s) =>
        s.mayCancel ? (
          <Button size="small" danger onClick={() => setCancelling(s)} data-testid={`reflow-cancel-${s.id}`}>
            {t('reflow.cancel')}
          </Button>
        ) : null,
    },
  ];

  const noFields = options.data && options.data.entry.published && options.data.regionFields.length === 0;
  return (
    <Card
      size="small"
      title={
        <Space>
          {t('reflow.panel.title')}
          <LawHint source={ART} />
        </Space>
      }
      extra={
        manage && options.data?.entry.published && !noFields ? (
          <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="reflow-create">
            {t('reflow.create')}
          </Button>
        ) : null
      }
      data-testid="reflow-panel"
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('reflow.panel.hint')}</Typography.Text>
        {options.data && !options.data.entry.published && <Alert type="info" showIcon message={t('reflow.panel.notPublished')} />}
        {noFields && <Alert type="info" showIcon message={t('reflow.panel.noFields')} />}
        {(subs.error ?? optionsError) && <Alert type="error" showIcon message={errorText(subs.error ?? optionsError, t)} />}
        <Table<ReflowSubscription>
          rowKey="id"
          size="small"
          loading={subs.loading}
          columns={columns}
          dataSource={subs.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('reflow.panel.empty') }}
          data-testid="reflow-subscriptions"
        />
      </Space>
      {options.data && (
        <CreateModal
          options={options.data}
          open={creating}
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            subs.reload();
          }}
        />
      )}
      <CancelModal
        target={cancelling}
        onClose={() => setCancelling(null)}
        onDone={() => {
          setCancelling(null);
          subs.reload();
        }}
      />
    </Card>
  );
}
