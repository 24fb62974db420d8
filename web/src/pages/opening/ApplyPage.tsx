/**
 * 申请有条件开放数据 (/open/datasets/:code/apply): a signed-in person or organisation states the
 * data purpose, scenario, time limit and security measures (000 第二十条) and picks the data items;
 * the provider answers within 2 working days. A visitor not signed in is sent to sign in first.
 */
import { Link, Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { Alert, Breadcrumb, Button, Card, Checkbox, DatePicker, Form, Input, Radio, Result, Space, Spin, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { useNumberParam } from '../../lib/law';
import { dayToPicker, pickerDay, todayInBeijing } from '../../lib/dates';
import { LawHint } from '../../components/LawHint';
import { openApi } from './api';
import { usePageMeta } from './meta';
import { applicationsApi, type OpenMethod } from './applicationsApi';
import { ART_OPEN_APPLY } from './applicationParts';

/** The default time limit: one year from today (Beijing time); the applicant may shorten it. */
function aYearFromToday(): string {
  const [y, m, d] = todayInBeijing().split('-');
  return `${Number(y) + 1}-${m}-${m === '02' && d === '29' ? '28' : d}`;
}

interface FormValues {
  fields: string[];
  purpose: string;
  scenario: string;
  validUntil: string;
  securityMeasures: string;
  method: OpenMethod;
}

export function ApplyPage() {
  const { code = '' } = useParams();
  const { me, loading: authLoading } = useAuth();
  const location = useLocation();
  if (authLoading) return <Spin />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
  return <ApplyForm code={code} />;
}

function ApplyForm({ code }: { code: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const reply = useNumberParam('conditionalOpenReplyDays');
  const { data: entry, error, loading } = useAsync(() => openApi.entry(code), code);
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [submitError, setSubmitError] = useState<string | undefined>(undefined);
  usePageMeta(entry ? `${t('page.openApply')}：${entry.name} · ${t('portal.brand')}` : undefined, null);

  if (loading && !entry) return <Spin />;
  if (error || !entry) return <Alert type="error" showIcon message={error ? errorText(error, t) : t('oa.apply.notFound')} />;

  const datasetLink = `/open/datasets/${encodeURIComponent(entry.code)}`;
  if (entry.openAttr !== 'conditional') {
    return (
      <Result
        status="info"
        title={entry.openAttr === 'unconditional' ? t('oa.apply.unconditional') : t('oa.apply.notOpen')}
        extra={
          <Link to={datasetLink}>
            <Button type="primary">{t('oa.apply.backToDataset')}</Button>
          </Link>
        }
      />
    );
  }

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setSubmitError(undefined);
    try {
      const a = await applicationsApi.create({ entryId: entry.id, fields: v.fields, purpose: v.purpose.trim(), scenario: v.scenario.trim(), validUntil: v.validUntil, securityMeasures: v.securityMeasures.trim(), method: v.method });
      navigate(`/open/applications?case=${a.id}`);
    } catch (e) {
      setSubmitError(errorText(e, t));
      applyFieldErrors(form, e, ['fields', 'purpose', 'scenario', 'validUntil', 'securityMeasures', 'method']);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%', maxWidth: 860, margin: '0 auto' }}>
      <Breadcrumb items={[{ title: <Link to="/open/datasets">{t('portal.nav.datasets')}</Link> }, { title: <Link to={datasetLink}>{entry.name}</Link> }, { title: t('page.openApply') }]} />
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('oa.apply.heading', { name: entry.name })}
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        message={t('oa.apply.hint', { n: reply?.value ?? 2, provider: entry.provider.name })}
        description={<LawHint source={reply?.source ?? ART_OPEN_APPLY} mode="line" />}
      />
      {submitError && <Alert type="error" showIcon message={submitError} data-testid="oa-apply-error" />}
      <Card>
        <Form<FormValues> form={form} layout="vertical" initialValues={{ fields: entry.fields.map((f) => f.name), method: 'api', validUntil: aYearFromToday() }} data-testid="oa-apply-form">
          <Form.Item name="purpose" label={t('oa.purpose')} rules={[{ required: true, whitespace: true, message: t('oa.purpose.required') }]}>
            <Input.TextArea rows={2} maxLength={2000} placeholder={t('oa.purpose.placeholder')} data-testid="oa-purpose" />
          </Form.Item>
          <Form.Item name="scenario" label={t('oa.scenario')} rules={[{ required: true, whitespace: true, message: t('oa.scenario.required') }]}>
            <Input.TextArea rows={2} maxLength={2000} placeholder={t('oa.scenario.placeholder')} data-testid="oa-scenario" />
          </Form.Item>
          <Form.Item
            name="validUntil"
            label={t('oa.validUntil')}
            extra={t('oa.validUntil.extra')}
            getValueProps={(d: string | undefined) => ({ value: dayToPicker(d) })}
            normalize={(d: Dayjs | null) => (d ? pickerDay(d) : undefined)}
            rules={[
              { required: true, message: t('oa.validUntil.required') },
              { validator: async (_, d: string | undefined) => (d && d <= todayInBeijing() ? Promise.reject(new Error(t('oa.validUntil.future'))) : undefined) },
            ]}
          >
            <DatePicker style={{ width: 220 }} disabledDate={(d) => pickerDay(d) <= todayInBeijing()} data-testid="oa-valid-until" />
          </Form.Item>
          <Form.Item name="securityMeasures" label={t('oa.securityMeasures')} rules={[{ required: true, whitespace: true, message: t('oa.securityMeasures.required') }]}>
            <Input.TextArea rows={3} maxLength={2000} placeholder={t('oa.securityMeasures.placeholder')} data-testid="oa-security" />
          </Form.Item>
          <Form.Item name="method" label={t('oa.method')}>
            <Radio.Group data-testid="oa-method">
              <Radio value="api">{t('oa.method.api')}</Radio>
              <Radio value="file">{t('oa.method.file')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="fields" label={t('oa.fields')} rules={[{ required: true, type: 'array', min: 1, message: t('oa.fields.required') }]}>
            <Checkbox.Group data-testid="oa-fields" options={entry.fields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }))} />
          </Form.Item>
          <Button type="primary" onClick={submit} loading={saving} data-testid="oa-apply-submit" style={{ minHeight: 40 }}>
            {t('oa.apply.submit')}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
