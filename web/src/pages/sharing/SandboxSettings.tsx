/**
 * 隐私沙箱授权 (数据可用不可见; 002 第十一条): the provider's approval of a sandbox request — a column
 * policy per requested field (defaults filled by personal-information kind), the group threshold,
 * differential privacy and release approval — and the grant's settings shown to both sides, changed
 * by the provider with a reason.
 */
import { useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography, type FormInstance } from 'antd';
import { api } from '../../api/client';
import type { CatalogEntry, CatalogField } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { useNumberParam } from '../../lib/law';
import { useAsync } from '../../lib/useAsync';
import { LawHint } from '../../components/LawHint';
import { COLUMN_POLICIES, type ColumnPolicy } from '../../../../src/modules/privacy/sandbox.types';
import { sharingApi, type Grant, type SandboxGrantSettings, type SandboxSettingsInput, type ShareRequest } from './api';
import { ART_REQUEST, isProviderAnswerer } from './parts';

/** The article the sandbox settings rest on. */
export const ART_SANDBOX = '002 第十一条';

const NUMERIC = new Set(['integer', 'number']);

interface Values {
  reason?: string;
  policies: Record<string, ColumnPolicy>;
  minGroupSize?: number | null;
  dpOn: boolean;
  epsilonBudget?: number;
  epsilonPerQuery?: number;
  maxRowsPerSubject?: number;
  bounds: Record<string, { lo?: number | null; hi?: number | null }>;
  releaseApproval: boolean;
}

/** The settings a form holds, as the API takes them; an empty threshold is left out on approval and sent as null (the jurisdiction's) on a change. */
function inputOf(v: Values, change = false): SandboxSettingsInput {
  const bounds = Object.fromEntries(
    Object.entries(v.bounds ?? {})
      .filter(([, b]) => typeof b?.lo === 'number' && typeof b?.hi === 'number')
      .map(([f, b]) => [f, [b.lo as number, b.hi as number] as [number, number]]),
  );
  return {
    columnPolicies: v.policies,
    ...(typeof v.minGroupSize === 'number' ? { minGroupSize: v.minGroupSize } : change ? { minGroupSize: null } : {}),
    dp: v.dpOn ? { epsilonBudget: v.epsilonBudget ?? 1, epsilonPerQuery: v.epsilonPerQuery ?? 0.1, bounds, maxRowsPerSubject: v.maxRowsPerSubject ?? 1 } : null,
    releaseApproval: v.releaseApproval,
  };
}

/** The form values of existing settings (or the defaults of a request). */
function valuesOf(policies: Record<string, ColumnPolicy>, s: SandboxGrantSettings | null): Values {
  return {
    policies,
    minGroupSize: s?.minGroupSize ?? null,
    dpOn: !!s?.dp,
    epsilonBudget: s?.dp?.epsilonBudget ?? 1,
    epsilonPerQuery: s?.dp?.epsilonPerQuery ?? 0.1,
    maxRowsPerSubject: s?.dp?.maxRowsPerSubject ?? 1,
    bounds: Object.fromEntries(Object.entries(s?.dp?.bounds ?? {}).map(([f, [lo, hi]]) => [f, { lo, hi }])),
    releaseApproval: s?.releaseApproval ?? false,
  };
}

/** The form items of the settings: a policy per field, the threshold, DP with its budget and bounds, release approval. */
function SettingsFields({ form, fields }: { form: FormInstance<Values>; fields: readonly { name: string; label?: string | undefined; type?: string | undefined }[] }) {
  const { t } = useI18n();
  const min = useNumberParam('sandboxMinGroupSize');
  const dpOn = Form.useWatch('dpOn', form) ?? false;
  const budget = Form.useWatch('epsilonBudget', form);
  const numeric = fields.filter((f) => f.type && NUMERIC.has(f.type));
  return (
    <>
      <Form.Item label={t('sharing.sandbox.policies')} extra={t('sharing.sandbox.hint')}>
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          dataSource={[...fields]}
          onRow={(f) => ({ 'data-testid': `sandbox-policy-${f.name}` }) as HTMLAttributes<HTMLElement>}
          data-testid="sandbox-policies"
          columns={[
            { title: t('sharing.col.fields'), key: 'field', render: (_, f) => (f.label ? `${f.label}（${f.name}）` : f.name) },
            {
              title: t('sharing.sandbox.policies'),
              key: 'policy',
              width: 180,
              render: (_, f) => (
                <Form.Item name={['policies', f.name]} noStyle>
                  <Select
                    style={{ width: 160 }}
                    options={COLUMN_POLICIES.map((p) => ({ value: p, label: t(`sandbox.policy.${p}`), title: t(`sandbox.policy.${p}.hint`) }))}
                  />
                </Form.Item>
              ),
            },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="minGroupSize"
        label={t('sharing.sandbox.minGroupSize')}
        extra={t('sharing.sandbox.minGroupSize.extra', { n: min?.value ?? 10 })}
        rules={[{ type: 'number', min: min?.value ?? 2, message: t('sharing.sandbox.minGroupSize.min', { n: min?.value ?? 10 }) }]}
      >
        <InputNumber min={2} precision={0} placeholder={String(min?.value ?? 10)} style={{ width: 160 }} data-testid="sandbox-min-group-size" />
      </Form.Item>
      <Form.Item name="dpOn" label={t('sharing.sandbox.dp')} valuePropName="checked">
        <Switch data-testid="sandbox-dp" />
      </Form.Item>
      {dpOn && (
        <Space wrap align="start">
          <Form.Item name="epsilonBudget" label={t('sharing.sandbox.dp.budget')} rules={[{ required: true, type: 'number', min: 0.000001 }]}>
            <InputNumber min={0} step={0.5} style={{ width: 140 }} data-testid="sandbox-dp-budget" />
          </Form.Item>
          <Form.Item
            name="epsilonPerQuery"
            label={t('sharing.sandbox.dp.perQuery')}
            dependencies={['epsilonBudget']}
            rules={[{ required: true, type: 'number', min: 0.000001 }, { type: 'number', max: typeof budget === 'number' ? budget : undefined, message: t('sharing.sandbox.dp.perQuery.max') }]}
          >
            <InputNumber min={0} step={0.1} style={{ width: 140 }} data-testid="sandbox-dp-per-query" />
          </Form.Item>
          <Form.Item name="maxRowsPerSubject" label={t('sharing.sandbox.dp.maxRows')} rules={[{ required: true, type: 'number', min: 1 }]}>
            <InputNumber min={1} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Space>
      )}
      {dpOn && numeric.length > 0 && (
        <Form.Item label={t('sharing.sandbox.dp.bounds')} extra={t('sharing.sandbox.dp.bounds.extra')}>
          <Space direction="vertical">
            {numeric.map((f) => (
              <Space key={f.name}>
                <Typography.Text style={{ display: 'inline-block', minWidth: 140 }}>{f.label ? `${f.label}（${f.name}）` : f.name}</Typography.Text>
                <Form.Item name={['bounds', f.name, 'lo']} noStyle>
                  <InputNumber placeholder={t('sharing.sandbox.lo')} style={{ width: 120 }} />
                </Form.Item>
                <Form.Item name={['bounds', f.name, 'hi']} noStyle>
                  <InputNumber placeholder={t('sharing.sandbox.hi')} style={{ width: 120 }} />
                </Form.Item>
              </Space>
            ))}
          </Space>
        </Form.Item>
      )}
      <Form.Item name="releaseApproval" label={t('sharing.sandbox.releaseApproval')} valuePropName="checked">
        <Switch data-testid="sandbox-release-approval" />
      </Form.Item>
    </>
  );
}

/**
 * 同意共享 (sandbox): approving a sandbox request makes a sandbox grant with the policies, threshold,
 * DP and release approval chosen here; each field's select starts at its default.
 */
export function SandboxApproveModal({
  r,
  fields,
  onClose,
  onDone,
}: {
  r: ShareRequest | undefined;
  fields: readonly Pick<CatalogField, 'name' | 'label' | 'type'>[];
  onClose: () => void;
  onDone: (r: ShareRequest) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const requested = (r?.fields ?? []).map((name) => ({ name, label: fields.find((f) => f.name === name)?.label, type: fields.find((f) => f.name === name)?.type }));
  const submit = async () => {
    if (!r) return;
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const done = await sharingApi.decide(r.id, { decision: 'approve', ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}), ...inputOf(v) });
      form.resetFields();
      onDone(done);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['reason', 'minGroupSize']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={!!r}
      width={720}
      title={`${t('sharing.approve')} · ${t('sharing.method.sandbox')}`}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      onOk={submit}
      confirmLoading={saving}
      okText={t('sharing.approve')}
      okButtonProps={{ 'data-testid': 'share-approve-confirm' }}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t('sharing.approve.confirm')} description={<LawHint source={`${ART_REQUEST}；${ART_SANDBOX}`} mode="line" />} />
        {error && <Alert type="error" showIcon message={error} data-testid="approve-error" />}
        {r && (
          <Form form={form} layout="vertical" initialValues={valuesOf((r.columnPolicies ?? {}) as Record<string, ColumnPolicy>, null)}>
            <Form.Item name="reason" label={t('sharing.approve.reason')}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('sharing.approve.reason.placeholder')} data-testid="approve-reason" />
            </Form.Item>
            <SettingsFields form={form} fields={requested} />
          </Form>
        )}
      </Space>
    </Modal>
  );
}

/** A sandbox grant's settings, read-only. */
export function SandboxSettingsView({ s }: { s: SandboxGrantSettings }) {
  const { t } = useI18n();
  return (
    <Descriptions column={1} size="small" bordered data-testid="grant-sandbox">
      <Descriptions.Item label={t('sharing.sandbox.policies')}>
        <Space size={[4, 4]} wrap>
          {Object.entries(s.columnPolicies).map(([f, p]) => (
            <Tag key={f} color={p === 'hidden' ? 'default' : p === 'plain' ? 'orange' : 'blue'} data-testid={`grant-policy-${f}`}>
              {`${f} · ${t(`sandbox.policy.${p}`)}`}
            </Tag>
          ))}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('sharing.sandbox.minGroupSize')}>
        {s.minGroupSize !== null ? s.minGroupSize : t('sharing.sandbox.minGroupSize.profile', { n: s.effectiveMinGroupSize ?? '—' })}
      </Descriptions.Item>
      <Descriptions.Item label={t('sharing.sandbox.dp')}>
        {s.dp ? (
          <Space direction="vertical" size={2}>
            <span>{t('sharing.sandbox.dp.summary', { budget: s.dp.epsilonBudget, perQuery: s.dp.epsilonPerQuery })}</span>
            {s.dp.epsilonSpent !== null && <span>{t('sharing.sandbox.dp.spent', { spent: s.dp.epsilonSpent, budget: s.dp.epsilonBudget, perQuery: s.dp.epsilonPerQuery })}</span>}
            {Object.entries(s.dp.bounds).map(([f, [lo, hi]]) => (
              <Typography.Text key={f} type="secondary">{`${f}：[${lo}, ${hi}]`}</Typography.Text>
            ))}
          </Space>
        ) : (
          t('sharing.sandbox.dp.off')
        )}
      </Descriptions.Item>
      <Descriptions.Item label={t('sharing.sandbox.releaseApproval')}>{t(s.releaseApproval ? 'sharing.sandbox.releaseApproval' : 'sharing.sandbox.releaseApproval.no')}</Descriptions.Item>
    </Descriptions>
  );
}

/** The grant's sandbox settings on the grant page; the provider changes them with a reason. */
export function SandboxGrantCard({ grant }: { grant: Grant }) {
  const me = useMe();
  const { t } = useI18n();
  const { message } = App.useApp();
  const [g, setG] = useState(grant);
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [form] = Form.useForm<Values>();
  const entry = useAsync(() => (open ? api.catalog.get(g.entry.id).catch(() => undefined) : Promise.resolve(undefined)), open ? g.entry.id : '');
  const s = g.sandbox;
  if (!s) return null;
  const published: CatalogEntry | undefined = entry.data ? (entry.data.version === entry.data.publishedVersion ? entry.data : (entry.data.published ?? undefined)) : undefined;
  const fields = g.fields.map((name) => ({ name, label: published?.fields.find((f) => f.name === name)?.label, type: published?.fields.find((f) => f.name === name)?.type }));
  const mayChange = isProviderAnswerer(me, g.provider.id) && g.status !== 'expired' && g.recordedStatus !== 'revoked';
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const next = await sharingApi.setSandbox(g.id, { ...inputOf(v, true), reason: (v.reason ?? '').trim() });
      setG(next);
      setOpen(false);
      message.success(t('sharing.sandbox.saved'));
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['reason', 'minGroupSize']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card
      size="small"
      data-testid="grant-sandbox-card"
      title={
        <Space>
          {t('sharing.sandbox.title')}
          <LawHint source={ART_SANDBOX} />
        </Space>
      }
      extra={
        mayChange && (
          <Button size="small" onClick={() => setOpen(true)} data-testid="grant-sandbox-edit">
            {t('sharing.sandbox.edit')}
          </Button>
        )
      }
    >
      <SandboxSettingsView s={s} />
      <Modal
        open={open}
        width={720}
        title={t('sharing.sandbox.edit')}
        onCancel={() => {
          setError(undefined);
          setOpen(false);
        }}
        onOk={submit}
        confirmLoading={saving}
        okButtonProps={{ 'data-testid': 'grant-sandbox-save' }}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('sharing.sandbox.edit.hint')} description={<LawHint source={ART_SANDBOX} mode="line" />} />
          {error && <Alert type="error" showIcon message={error} data-testid="grant-sandbox-error" />}
          <Form form={form} layout="vertical" initialValues={valuesOf(s.columnPolicies, s)}>
            <SettingsFields form={form} fields={fields} />
            <Form.Item name="reason" label={t('sharing.sandbox.edit.reason')} rules={[{ required: true, whitespace: true, message: t('sharing.sandbox.edit.reason.required') }]}>
              <Input.TextArea rows={2} maxLength={1000} data-testid="grant-sandbox-reason" />
            </Form.Item>
          </Form>
        </Space>
      </Modal>
    </Card>
  );
}
