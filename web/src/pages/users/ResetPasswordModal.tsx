import { useState } from 'react';
import { Alert, Form, Input, Modal } from 'antd';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { confirmRules, passwordRules } from '../../lib/validators';

interface ResetValues {
  password: string;
  confirm: string;
}

/** Sets a new password for a user, who then signs in with it. */
export function ResetPasswordModal({ user, onClose, onDone }: { user: User | null; onClose: () => void; onDone: (u: User) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<ResetValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFinish = async (v: ResetValues) => {
    if (!user) return;
    setSaving(true);
    setError(null);
    try {
      onDone(await api.users.update(user.id, { password: v.password }));
    } catch (e) {
      applyFieldErrors(form, e, ['password']);
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={user !== null}
      title={user ? t('user.reset.title', { name: user.name, login: user.login }) : ''}
      okText={t('user.reset.ok')}
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={onClose}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<ResetValues> form={form} layout="vertical" onFinish={onFinish} preserve={false}>
        <Form.Item label={t('user.reset.password')} name="password" extra={t('field.password.extra')} rules={passwordRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item label={t('field.confirm')} name="confirm" dependencies={['password']} rules={confirmRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
