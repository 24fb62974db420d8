import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { AuthShell } from './AuthShell';
import { safeNext } from './safeNext';

interface LoginValues {
  login: string;
  password: string;
}

export function LoginPage() {
  const { t } = useI18n();
  const { me, signedIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<{ text: string; locked: boolean } | null>(null);

  if (me) return <Navigate to={next} replace />;

  const onFinish = async (values: LoginValues) => {
    setSubmitting(true);
    setError(null);
    try {
      const res = await api.auth.login({ login: values.login.trim(), password: values.password });
      signedIn({ user: res.user, org: res.org, roles: res.roles });
      navigate(next, { replace: true });
    } catch (e) {
      const locked = e instanceof ApiError && (e.code === 'ACCOUNT_LOCKED' || e.status === 423);
      setError({ text: errorText(e, t), locked });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthShell title={t('login.title')}>
      <Form<LoginValues> layout="vertical" onFinish={onFinish} requiredMark={false} autoComplete="on">
        {error && (
          <Alert
            type={error.locked ? 'warning' : 'error'}
            showIcon
            message={error.text}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form.Item
          label={t('login.login')}
          name="login"
          rules={[{ required: true, whitespace: true, message: t('login.login.required') }]}
        >
          <Input
            prefix={<UserOutlined />}
            placeholder={t('login.login.placeholder')}
            autoComplete="username"
            autoFocus
            data-testid="login-name"
          />
        </Form.Item>
        <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.password.required') }]}>
          <Input.Password
            prefix={<LockOutlined />}
            placeholder={t('login.password.placeholder')}
            autoComplete="current-password"
            data-testid="login-password"
          />
        </Form.Item>
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('login.lockRule')}
        </Typography.Paragraph>
        <Typography.Paragraph style={{ marginBottom: 0, marginTop: 8 }}>
          {t('login.noAccount')} <Link to={params.get('next') ? `/register?next=${encodeURIComponent(next)}` : '/register'}>{t('login.toRegister')}</Link>
        </Typography.Paragraph>
      </Form>
    </AuthShell>
  );
}
