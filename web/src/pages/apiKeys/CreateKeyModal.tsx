import { useState } from 'react';
import { Alert, Form, Input, InputNumber, Modal } from 'antd';
import { api } from '../../api/client';
import type { ApiKeyCreated } from '../../api/types';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';

interface CreateValues {
  name: string;
  expiresInDays?: number | null;
}

/** Names a new key and its validity; the secret is shown afterwards, once. */
export function CreateKeyModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (k: ApiKeyCreated) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<CreateValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFinish = async (v: CreateValues) => {
    setSaving(true);
    setError(null);
    try {
      const created = await api.apiKeys.create({
        name: v.name.trim(),
        ...(v.expiresInDays ? { expiresInDays: v.expiresInDays } : {}),
      });
      onCreated(created);
    } catch (e) {
      applyFieldErrors(form, e, ['name', 'expiresInDays']);
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('apiKey.create.title')}
      okText={t('apiKey.create.ok')}
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={onClose}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<CreateValues> form={form} layout="vertical" onFinish={onFinish} initialValues={{ expiresInDays: 90 }} preserve={false}>
        <Form.Item
          label={t('apiKey.field.name')}
          name="name"
          extra={t('apiKey.field.name.extra')}
          rules={[{ required: true, whitespace: true, message: t('apiKey.field.name.required') }]}
        >
          <Input placeholder={t('apiKey.field.name.placeholder')} maxLength={100} data-testid="api-key-name" />
        </Form.Item>
        <Form.Item label={t('apiKey.field.days')} name="expiresInDays" extra={t('apiKey.field.days.extra')}>
          <InputNumber min={1} max={365} precision={0} addonAfter={t('apiKey.field.days.unit')} style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
