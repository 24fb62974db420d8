import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, DatePicker, Descriptions, Flex, Form, Input, Radio, Result, Select, Space, Steps, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { LeftOutlined, RightOutlined, SendOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api } from '../../api/client';
import type { CatalogEntry, CatalogField } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { dayToPicker, pickerDay, todayInBeijing } from '../../lib/dates';
import { useNumberParam } from '../../lib/law';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { useCatalogLabels } from '../catalog/labels';
import { SHARE_METHODS, sharingApi, type ShareMethod, type ShareRequest } from './api';
import { ART_REQUEST, ART_USE_LIMITS, RequestStatusTag, isSandboxOnly } from './parts';

interface Values {
  fieldMode: 'all' | 'some';
  fields: string[];
  basis: string;
  scenario: string;
  scope: string;
  method: ShareMethod | undefined;
  validUntil: string;
}

const STEPS = ['entry', 'fields', 'purpose', 'delivery', 'review'] as const;
/** The form fields each step checks before the next. */
const STEP_FIELDS: Record<(typeof STEPS)[number], (keyof Values)[]> = {
  entry: [],
  fields: ['fields'],
  purpose: ['basis', 'scenario', 'scope'],
  delivery: ['method', 'validUntil'],
  review: [],
};
const stepOf = (field: string) => Math.max(0, STEPS.findIndex((s) => STEP_FIELDS[s].some((f) => field === f || field.startsWith(`${f}/`) || field.startsWith(`/${f}`))));

/** The entry's data items as a table to tick (all ticked and locked when the whole entry is asked for). */
function FieldPicker({ value = [], onChange, all, fields, columns }: { value?: string[]; onChange?: (v: string[]) => void; all: boolean; fields: CatalogField[]; columns: TableColumnsType<CatalogField> }) {
  const { t } = useI18n();
  return (
    <Table<CatalogField>
      rowKey="name"
      size="small"
      pagination={false}
      columns={columns}
      dataSource={fields}
      rowSelection={{
        selectedRowKeys: all ? fields.map((f) => f.name) : value,
        getCheckboxProps: () => ({ disabled: all }),
        onChange: (keys) => onChange?.(keys.map(String)),
      }}
      footer={() => t('sharing.fields.selected', { n: all ? fields.length : value.length, total: fields.length })}
      data-testid="share-fields-table"
    />
  );
}

/** The version a request is made against: the published one. */
function publishedOf(e: { version: number; publishedVersion: number | null; published?: CatalogEntry | null } & CatalogEntry): CatalogEntry | null {
  if (e.publishedVersion === null) return null;
  return e.version === e.publishedVersion ? e : (e.published ?? null);
}

/** A year from today: a time limit the requester shortens to what it needs. */
const defaultValidUntil = () => {
  const [y, m, d] = todayInBeijing().split('-');
  return `${Number(y) + 1}-${m}-${d}`;
};

/**
 * 申请共享 (000 第十四条): pick a published entry, its fields (all or some, with their
 * personal-information kinds), state the use basis, scenario and scope, the delivery method the
 * entry provides and the time limit; the request then waits for the requester's data officer.
 */
export function RequestWizardPage() {
  const me = useMe();
  const { t, date } = useI18n();
  const l = useCatalogLabels();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [entryId, setEntryId] = useState<string | undefined>(params.get('entryId') ?? undefined);
  const [q, setQ] = useState('');
  const [step, setStep] = useState(0);
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<ShareRequest | undefined>(undefined);
  const replyDays = useNumberParam('conditionalShareReplyDays');
  const provideDays = useNumberParam('deliveryAfterConsentDays');
  const found = useAsync(() => api.catalog.search({ q: q || undefined, scope: 'published', limit: 20 }), `search:${q}`);
  const detail = useAsync(() => (entryId ? api.catalog.get(entryId) : Promise.resolve(undefined)), entryId ?? '');
  const entry = detail.data ? publishedOf(detail.data) : null;
  const own = !!entry && entry.provider.id === me.org.id;
  // An operator or developer may ask only for analysis inside the platform (原始数据不出域).
  const methods = SHARE_METHODS.filter((m) => entry?.provisionMethods.includes(m) && (!isSandboxOnly(me) || m === 'sandbox'));
  const fieldMode = Form.useWatch('fieldMode', form) ?? 'all';

  const pickEntry = (id: string | undefined) => {
    setEntryId(id);
    setError(undefined);
    form.setFieldsValue({ fieldMode: 'all', fields: [], method: undefined });
  };
  // Once the entry has loaded, "all fields" means its published fields, and a single method is preselected.
  const syncEntry = (e: CatalogEntry | null) => {
    if (!e) return;
    const v = form.getFieldsValue(true) as Partial<Values>;
    if ((v.fieldMode ?? 'all') === 'all') form.setFieldValue('fields', e.fields.map((f) => f.name));
    const ms = SHARE_METHODS.filter((m) => e.provisionMethods.includes(m) && (!isSandboxOnly(me) || m === 'sandbox'));
    if (!v.method && ms.length === 1) form.setFieldValue('method', ms[0]);
  };

  const next = async () => {
    setError(undefined);
    if (step === 0) {
      if (!entry) {
        setError(t('sharing.entryRequired'));
        return;
      }
      if (own) {
        setError(t('sharing.ownEntry'));
        return;
      }
      syncEntry(entry);
    } else {
      const stepFields = STEP_FIELDS[STEPS[step] ?? 'review'];
      if (stepFields.length) await form.validateFields(stepFields);
    }
    setStep((s) => Math.min(STEPS.length - 1, s + 1));
  };

  const submit = async () => {
    if (!entry || !entryId) return;
    const v = form.getFieldsValue(true) as Values;
    setSaving(true);
    setError(undefined);
    try {
      const r = await sharingApi.create({
        entryId,
        fields: v.fieldMode === 'all' ? entry.fields.map((f) => f.name) : v.fields,
        basis: v.basis.trim(),
        scenario: v.scenario.trim(),
        scope: v.scope.trim(),
        method: v.method as ShareMethod,
        validUntil: v.validUntil,
      });
      setCreated(r);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['fields', 'basis', 'scenario', 'scope', 'method', 'validUntil']);
      const first = (e as { fields?: { field: string }[] }).fields?.[0];
      if (first) setStep(stepOf(first.field));
    } finally {
      setSaving(false);
    }
  };

  if (created) {
    return (
      <Card data-testid="share-created">
        <Result
          status="success"
          title={t('sharing.created.title')}
          subTitle={
            <Space direction="vertical">
              <span>{t('sharing.created.body', { provider: created.provider.name })}</span>
              <RequestStatusTag status={created.status} />
              <LawHint source={ART_REQUEST} mode="line" />
            </Space>
          }
          extra={[
            <Button type="primary" key="view" onClick={() => navigate(`/sharing/requests?case=${encodeURIComponent(created.id)}`)} data-testid="share-created-view">
              {t('sharing.viewRequest')}
            </Button>,
            <Button
              key="again"
              onClick={() => {
                setCreated(undefined);
                setStep(0);
                form.resetFields();
                pickEntry(undefined);
              }}
            >
              {t('sharing.newAnother')}
            </Button>,
          ]}
        />
      </Card>
    );
  }

  const fieldColumns: TableColumnsType<CatalogField> = [
    { title: t('sharing.col.field'), dataIndex: 'label', key: 'label' },
    { title: t('sharing.col.name'), dataIndex: 'name', key: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('sharing.col.type'), dataIndex: 'type', key: 'type', width: 110, render: (v: string) => l.fieldType(v) },
    { title: t('sharing.col.pii'), dataIndex: 'piiKind', key: 'pii', width: 160, render: (v: string | null | undefined) => (v ? <Tag color="orange">{l.pii(v)}</Tag> : '—') },
  ];

  const entryCard = entry && (
    <Descriptions size="small" column={1} bordered data-testid="share-entry-summary">
      <Descriptions.Item label={t('sharing.col.entry')}>
        <Link to={`/catalog/entries/${encodeURIComponent(entry.id)}`}>{entry.name}</Link> <Typography.Text type="secondary">{entry.code}</Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('sharing.col.provider')}>{entry.provider.name}</Descriptions.Item>
      <Descriptions.Item label={t('sharing.shareAttr')}>
        <Space direction="vertical" size={2}>
          <Tag color={entry.shareAttr === 'unconditional' ? 'green' : entry.shareAttr === 'conditional' ? 'blue' : 'red'}>{l.attr('share', entry.shareAttr)}</Tag>
          <Typography.Text type="secondary">
            {entry.shareAttr === 'conditional'
              ? t('sharing.attrHint.conditional', { n: replyDays?.value ?? 2 })
              : entry.shareAttr === 'none'
                ? t('sharing.attrHint.none', { basis: entry.noShareBasis ?? '000 第十二条' })
                : t('sharing.attrHint.unconditional')}
          </Typography.Text>
          {entry.shareConditions && <Typography.Text type="secondary">{t('sharing.shareConditions', { text: `${entry.shareConditions.scope}；${entry.shareConditions.usage}` })}</Typography.Text>}
          <LawHint source="000 第十二条; 000 第十四条" />
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('sharing.col.method')}>{l.list(entry.provisionMethods, (m) => t(`sharing.method.${m as ShareMethod}`))}</Descriptions.Item>
    </Descriptions>
  );

  const current = STEPS[step] ?? 'entry';
  const v = form.getFieldsValue(true) as Values;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={t('page.shareRequestNew')} description={t('sharing.wizard.description')} />
      <Card>
        <Steps current={step} items={STEPS.map((s) => ({ title: t(`sharing.step.${s}`) }))} style={{ marginBottom: 24 }} />
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="share-wizard-error" />}
        <Form form={form} layout="vertical" initialValues={{ fieldMode: 'all', fields: [], validUntil: defaultValidUntil() }} style={{ maxWidth: 960 }}>
          {current === 'entry' && (
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              <Form.Item label={t('sharing.col.entry')} required style={{ marginBottom: 0 }}>
                <Select
                  showSearch
                  allowClear
                  filterOption={false}
                  onSearch={setQ}
                  loading={found.loading}
                  value={entryId}
                  placeholder={t('sharing.search')}
                  onChange={(id?: string) => pickEntry(id)}
                  options={[
                    ...(entry && !(found.data?.items ?? []).some((i) => i.id === entry.id) ? [{ value: entry.id, label: `${entry.name}（${entry.provider.name}）` }] : []),
                    ...(found.data?.items ?? []).map((i) => ({ value: i.id, label: `${i.name}（${i.provider.name}）`, disabled: i.provider.id === me.org.id })),
                  ]}
                  data-testid="share-entry"
                />
              </Form.Item>
              {detail.error && <Alert type="error" showIcon message={errorText(detail.error, t)} />}
              {own && <Alert type="warning" showIcon message={t('sharing.ownEntry')} />}
              {entryCard}
            </Space>
          )}

          {current === 'fields' && entry && (
            <>
              <Form.Item name="fieldMode" extra={t('sharing.fields.hint')}>
                <Radio.Group
                  onChange={(e) => form.setFieldValue('fields', e.target.value === 'all' ? entry.fields.map((f) => f.name) : [])}
                  options={[
                    { value: 'all', label: t('sharing.fields.all') },
                    { value: 'some', label: t('sharing.fields.some') },
                  ]}
                  data-testid="share-field-mode"
                />
              </Form.Item>
              <Form.Item name="fields" rules={[{ type: 'array', min: 1, required: true, message: t('sharing.fields.required') }]}>
                <FieldPicker all={fieldMode === 'all'} fields={entry.fields} columns={fieldColumns} />
              </Form.Item>
            </>
          )}

          {current === 'purpose' && (
            <>
              <Form.Item name="basis" label={t('sharing.basis')} rules={[{ required: true, whitespace: true, message: t('sharing.basis.required') }]} extra={<LawHint source={ART_REQUEST} mode="line" />}>
                <Input.TextArea rows={2} maxLength={2000} showCount placeholder={t('sharing.basis.placeholder')} data-testid="share-basis" />
              </Form.Item>
              <Form.Item name="scenario" label={t('sharing.scenario')} rules={[{ required: true, whitespace: true, message: t('sharing.scenario.required') }]}>
                <Input.TextArea rows={2} maxLength={2000} showCount placeholder={t('sharing.scenario.placeholder')} data-testid="share-scenario" />
              </Form.Item>
              <Form.Item
                name="scope"
                label={t('sharing.scope')}
                rules={[{ required: true, whitespace: true, message: t('sharing.scope.required') }]}
                extra={
                  <Space direction="vertical" size={0}>
                    <span>{t('sharing.scope.extra')}</span>
                    <LawHint source={ART_USE_LIMITS} mode="line" />
                  </Space>
                }
              >
                <Input.TextArea rows={2} maxLength={2000} showCount placeholder={t('sharing.scope.placeholder')} data-testid="share-scope" />
              </Form.Item>
            </>
          )}

          {current === 'delivery' && entry && (
            <>
              <Form.Item name="method" label={t('sharing.method')} rules={[{ required: true, message: t('sharing.method.required') }]} extra={t('sharing.method.extra')}>
                <Radio.Group data-testid="share-method">
                  <Space direction="vertical">
                    {methods.map((m) => (
                      <Radio key={m} value={m} data-testid={`share-method-${m}`}>
                        {t(`sharing.method.${m}`)}{' '}
                        <Typography.Text type="secondary">{t(`sharing.method.${m}.hint`, { n: provideDays?.value ?? 10 })}</Typography.Text>
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              </Form.Item>
              <Form.Item
                name="validUntil"
                label={t('sharing.validUntil')}
                extra={t('sharing.validUntil.extra')}
                getValueProps={(d: string | undefined) => ({ value: dayToPicker(d) })}
                normalize={(d: Dayjs | null) => (d ? pickerDay(d) : undefined)}
                rules={[
                  { required: true, message: t('sharing.validUntil.required') },
                  { validator: async (_, d: string | undefined) => (d && d <= todayInBeijing() ? Promise.reject(new Error(t('sharing.validUntil.future'))) : undefined) },
                ]}
              >
                <DatePicker style={{ width: 220 }} disabledDate={(d) => pickerDay(d) <= todayInBeijing()} data-testid="share-valid-until" />
              </Form.Item>
            </>
          )}

          {current === 'review' && entry && (
            <Space direction="vertical" size={12} style={{ width: '100%' }}>
              {entryCard}
              <Descriptions size="small" column={1} bordered data-testid="share-review">
                <Descriptions.Item label={t('sharing.col.fields')}>
                  {(v.fieldMode === 'all' ? entry.fields : entry.fields.filter((f) => v.fields.includes(f.name))).map((f) => (
                    <Tag key={f.name}>{f.label}</Tag>
                  ))}
                </Descriptions.Item>
                <Descriptions.Item label={t('sharing.basis')}>{v.basis}</Descriptions.Item>
                <Descriptions.Item label={t('sharing.scenario')}>{v.scenario}</Descriptions.Item>
                <Descriptions.Item label={t('sharing.scope')}>{v.scope}</Descriptions.Item>
                <Descriptions.Item label={t('sharing.method')}>{v.method ? t(`sharing.method.${v.method}`) : '—'}</Descriptions.Item>
                <Descriptions.Item label={t('sharing.validUntil')}>{date(v.validUntil)}</Descriptions.Item>
              </Descriptions>
              <Alert type="info" showIcon message={t('sharing.toSign')} description={<LawHint source={ART_REQUEST} mode="line" />} />
            </Space>
          )}
        </Form>
        <Flex gap={8} style={{ marginTop: 24 }}>
          {step > 0 && (
            <Button icon={<LeftOutlined />} onClick={() => setStep((s) => s - 1)}>
              {t('sharing.prev')}
            </Button>
          )}
          {step < STEPS.length - 1 ? (
            <Button type="primary" onClick={() => void next().catch(() => undefined)} disabled={step === 0 && (!entry || own)} data-testid="share-next">
              {t('sharing.next')} <RightOutlined />
            </Button>
          ) : (
            <Button type="primary" icon={<SendOutlined />} loading={saving} onClick={() => void submit()} data-testid="share-submit">
              {t('sharing.submit')}
            </Button>
          )}
        </Flex>
      </Card>
    </Space>
  );
}
