import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Space, Typography } from 'antd';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { isPlatformAdmin } from '../../lib/roles';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { confirmRules, loginRules, passwordRules } from '../../lib/validators';
import { OrgSelect } from '../../components/OrgSelect';
import { RoleSelect } from '../../components/RoleSelect';

interface UserFormValues {
  orgId: string;
  login: string;
  name: string;
  password: string;
  confirm: string;
  roles: string[];
}

const FIELDS = ['orgId', 'login', 'name', 'password', 'roles'] as const;

interface UserFormDrawerProps {
  target: User | 'new' | null;
  /** Preselected org for a new user (the list's org filter). */
  defaultOrgId?: string;
  onClose: () => void;
  onSaved: (user: User) => void;
}

/** Creates a user (org, login, name, password, roles) or edits a user's name and roles. */
export function UserFormDrawer({ target, defaultOrgId, onClose, onSaved }: UserFormDrawerProps) {
  const me = useMe();
  const { t } = useI18n();
  const [form] = Form.useForm<UserFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = target !== null && target !== 'new' ? target : null;
  const platform = isPlatformAdmin(me);

  useEffect(() => setError(null), [target]);

  const initialValues: Partial<UserFormValues> = editing
    ? { orgId: editing.orgId, login: editing.login, name: editing.name, roles: editing.roles }
    : { orgId: platform ? defaultOrgId : undefined, roles: ['clerk'] };

  const onFinish = async (v: UserFormValues) => {
    setSaving(true);
    setError(null);
    try {
      const saved = editing
        ? await api.users.update(editing.id, { name: v.name.trim(), roles: v.roles })
        : await api.users.create({ orgId: platform ? v.orgId : me.org.id, login: v.login.trim(), name: v.name.trim(), password: v.password, roles: v.roles });
      onSaved(saved);
    } catch (e) {
      applyFieldErrors(form, e, FIELDS);
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      width={520}
      destroyOnHidden
      title={editing ? t('user.edit.title', { name: editing.name }) : t('user.create.title')}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="user-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<UserFormValues> key={editing?.id ?? 'new'} form={form} layout="vertical" onFinish={onFinish} initialValues={initialValues} preserve={false}>
        {platform && !editing ? (
          <Form.Item
            label={t('user.field.org')}
            name="orgId"
            extra={t('user.field.org.extra')}
            rules={[{ required: true, message: t('user.field.org.required') }]}
          >
            <OrgSelect />
          </Form.Item>
        ) : (
          <Form.Item label={t('user.field.org')}>
            <Typography.Text strong>{editing ? editing.orgName : me.org.name}</Typography.Text>
          </Form.Item>
        )}
        <Form.Item label={t('field.login')} name="login" extra={editing ? t('user.field.login.fixed') : t('field.login.extra')} rules={editing ? [] : loginRules(t)}>
          <Input placeholder={t('field.login.placeholder')} disabled={!!editing} maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('user.field.name')} name="name" rules={[{ required: true, whitespace: true, message: t('user.field.name.required') }]}>
          <Input placeholder={t('user.field.name.placeholder')} maxLength={50} />
        </Form.Item>
        {!editing && (
          <>
            <Form.Item label={t('user.field.password')} name="password" extra={t('field.password.extra')} dependencies={['login']} rules={passwordRules(t, 'login')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item label={t('field.confirm')} name="confirm" dependencies={['password']} rules={confirmRules(t)}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </>
        )}
        <Form.Item
          label={t('user.field.roles')}
          name="roles"
          extra={t('user.field.roles.extra')}
          rules={[{ required: true, type: 'array', min: 1, message: t('user.field.roles.required') }]}
        >
          <RoleSelect kind="user" placeholder={t('user.field.roles.placeholder')} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
