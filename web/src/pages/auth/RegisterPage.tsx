import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Divider, Form, Input, Radio, Typography } from 'antd';
import { api } from '../../api/client';
import type { OrgKind, RegisterRequest } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { confirmRules, idNumberRule, loginRules, passwordRules, upper, usccRule } from '../../lib/validators';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { AuthShell } from './AuthShell';
import { safeNext } from './safeNext';

interface RegisterValues {
  kind: OrgKind;
  orgName?: string;
  uscc?: string;
  idNumber?: string;
  name: string;
  regionCode: string;
  login: string;
  password: string;
  confirm: string;
}

const FIELDS = ['kind', 'orgName', 'uscc', 'idNumber', 'name', 'regionCode', 'login', 'password'] as const;

/** Self-registration of a company or a citizen (社会公众) who wants to apply for conditional open data. */
export function RegisterPage() {
  const { t } = useI18n();
  const { me, signedIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // Where the visitor was going (e.g. an open data application): back there once registered.
  const next = safeNext(params.get('next'));
  const [form] = Form.useForm<RegisterValues>();
  const kind = Form.useWatch('kind', form) ?? 'organization';
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (me) return <Navigate to={next} replace />;

  const onFinish = async (v: RegisterValues) => {
    setSubmitting(true);
    setError(null);
    const body: RegisterRequest = {
      kind: v.kind,
      login: v.login.trim(),
      password: v.password,
      name: v.name.trim(),
      regionCode: v.regionCode,
      ...(v.kind === 'organization'
        ? { orgName: v.orgName?.trim(), uscc: v.uscc?.trim().toUpperCase() }
        : { idNumber: v.idNumber?.trim().toUpperCase() }),
    };
    try {
      const created = await api.auth.register(body);
      signedIn(created);
      navigate(next, { replace: true });
    } catch (e) {
      applyFieldErrors(form, e, FIELDS);
      setError(errorText(e, t));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <AuthShell title={t('register.title')} width={560}>
      <Typography.Paragraph type="secondary">{t('register.intro')}</Typography.Paragraph>
      <Form<RegisterValues>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'organization' }}
        onFinish={onFinish}
        scrollToFirstError
      >
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="register-error" />}
        <Form.Item label={t('register.kind')} name="kind">
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'organization', label: t('register.kind.organization') },
              { value: 'person', label: t('register.kind.person') },
            ]}
          />
        </Form.Item>

        {kind === 'organization' ? (
          <>
            <Form.Item
              label={t('register.orgName')}
              name="orgName"
              rules={[{ required: true, whitespace: true, message: t('register.orgName.required') }]}
            >
              <Input placeholder={t('register.orgName.placeholder')} maxLength={100} />
            </Form.Item>
            <Form.Item
              label={t('field.uscc')}
              name="uscc"
              normalize={upper}
              extra={t('field.uscc.extra')}
              rules={[{ required: true, message: t('rule.uscc.required') }, usccRule(t)]}
            >
              <Input placeholder={t('field.uscc.placeholder')} maxLength={18} className="mono" />
            </Form.Item>
            <Form.Item
              label={t('register.contactName')}
              name="name"
              rules={[{ required: true, whitespace: true, message: t('register.contactName.required') }]}
            >
              <Input placeholder={t('register.contactName.placeholder')} maxLength={50} />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item
              label={t('register.personName')}
              name="name"
              rules={[{ required: true, whitespace: true, message: t('register.personName.required') }]}
            >
              <Input placeholder={t('register.personName.placeholder')} maxLength={50} />
            </Form.Item>
            <Form.Item
              label={t('field.idNumber')}
              name="idNumber"
              normalize={upper}
              extra={t('field.idNumber.extra')}
              rules={[{ required: true, message: t('rule.idNumber.required') }, idNumberRule(t)]}
            >
              <Input placeholder={t('field.idNumber.placeholder')} maxLength={18} className="mono" />
            </Form.Item>
          </>
        )}

        <Form.Item
          label={t('field.region')}
          name="regionCode"
          extra={t('register.region.extra')}
          rules={[{ required: true, message: t('rule.region.required') }]}
        >
          <RegionTreeSelect />
        </Form.Item>

        <Divider plain>{t('register.account')}</Divider>
        <Form.Item label={t('field.login')} name="login" extra={t('field.login.extra')} rules={loginRules(t)}>
          <Input placeholder={t('field.login.placeholder')} autoComplete="username" maxLength={64} />
        </Form.Item>
        <Form.Item label={t('field.password')} name="password" extra={t('field.password.extra')} dependencies={['login']} rules={passwordRules(t, 'login')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item label={t('field.confirm')} name="confirm" dependencies={['password']} rules={confirmRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="register-submit">
            {t('register.submit')}
          </Button>
        </Form.Item>
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          {t('register.haveAccount')} <Link to={params.get('next') ? `/login?next=${encodeURIComponent(next)}` : '/login'}>{t('register.toLogin')}</Link>
        </Typography.Paragraph>
      </Form>
    </AuthShell>
  );
}
