/**
 * 明文提供: which of a grant's personal-information fields leave in clear (the rest are masked on
 * every delivery). Shown on the grant to both sides; the provider's data officer or admin changes
 * it with a reason, effective on the next read.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { sharingApi, type Grant } from './api';
import { ART_REQUEST, isProviderAnswerer } from './parts';
import { MaskingModal, MaskingTags } from './Masking';

/** The personal-information fields of a grant, each tagged 明文 or 脱敏. */
export function ClearFieldsTags({ pii, clear }: { pii: readonly string[]; clear: readonly string[] }) {
  const { t } = useI18n();
  if (pii.length === 0) return <Typography.Text type="secondary">{t('sharing.clear.noPii')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap data-testid="grant-clear-fields">
      {pii.map((f) => (
        <Tag key={f} color={clear.includes(f) ? 'orange' : 'default'} data-testid={clear.includes(f) ? 'grant-clear-field' : 'grant-masked-field'}>
          {`${f} · ${t(clear.includes(f) ? 'sharing.clear.inClear' : 'sharing.clear.masked')}`}
        </Tag>
      ))}
    </Space>
  );
}

export function ClearFieldsCard({ grant }: { grant: Grant }) {
  const me = useMe();
  const { t } = useI18n();
  const { message } = App.useApp();
  const [g, setG] = useState(grant);
  const [open, setOpen] = useState(false);
  const [masking, setMasking] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [form] = Form.useForm<{ fields: string[]; reason: string }>();
  const mayChange = isProviderAnswerer(me, g.provider.id) && g.piiFields.length > 0 && g.status !== 'expired' && g.recordedStatus !== 'revoked';

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const next = await sharingApi.setClearFields(g.id, { fields: v.fields ?? [], reason: v.reason.trim() });
      setG(next);
      setOpen(false);
      form.resetFields();
      message.success(t('sharing.clear.saved'));
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['fields', 'reason']);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('sharing.clear.title')}
      data-testid="grant-clear-card"
      extra={
        mayChange && (
          <Space size={4}>
            <Button size="small" onClick={() => setOpen(true)} data-testid="grant-clear-edit">
              {t('sharing.clear.edit')}
            </Button>
            <Button size="small" onClick={() => setMasking(true)} data-testid="grant-masking-edit">
              {t('masking.edit')}
            </Button>
          </Space>
        )
      }
    >
      <Space direction="vertical" size={8} style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('sharing.clear.intro')} <LawHint source={ART_REQUEST} />
        </Typography.Paragraph>
        <ClearFieldsTags pii={g.piiFields} clear={g.clearFields} />
        {g.maskDefaults.some((d) => !g.clearFields.includes(d.field)) && (
          <>
            <Typography.Text strong>{t('masking.title')}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('masking.intro')}
            </Typography.Paragraph>
            <MaskingTags grant={g} />
          </>
        )}
      </Space>
      <MaskingModal
        grant={g}
        open={masking}
        onClose={() => setMasking(false)}
        onSaved={(next) => {
          setG(next);
          setMasking(false);
        }}
      />
      <Modal
        open={open}
        title={t('sharing.clear.edit')}
        onCancel={() => {
          setError(undefined);
          setOpen(false);
        }}
        onOk={submit}
        confirmLoading={saving}
        okButtonProps={{ 'data-testid': 'grant-clear-submit' }}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('sharing.clear.hint')} description={<LawHint source={ART_REQUEST} mode="line" />} />
          {error && <Alert type="error" showIcon message={error} data-testid="grant-clear-error" />}
          <Form form={form} layout="vertical" initialValues={{ fields: g.clearFields, reason: '' }}>
            <Form.Item name="fields" label={t('sharing.clear.fields')}>
              <Checkbox.Group options={g.piiFields.map((f) => ({ value: f, label: f }))} data-testid="grant-clear-options" />
            </Form.Item>
            <Form.Item name="reason" label={t('sharing.clear.reason')} rules={[{ required: true, whitespace: true, message: t('sharing.clear.reason.required') }]}>
              <Input.TextArea rows={3} maxLength={1000} placeholder={t('sharing.clear.reason.placeholder')} data-testid="grant-clear-reason" />
            </Form.Item>
          </Form>
        </Space>
      </Modal>
    </Card>
  );
}
