import { useNavigate } from 'react-router';
import { App, Button, Flex, Layout, Space, Typography } from 'antd';
import { BankOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useAuth, useMe } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { errorText } from '../lib/errors';
import { LanguageSwitch } from './LanguageSwitch';

/** Platform name; who is signed in and for which org; language; logout. */
export function AppHeader() {
  const me = useMe();
  const { logout } = useAuth();
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();

  const onLogout = async () => {
    try {
      await logout();
      navigate('/login', { replace: true });
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  return (
    <Layout.Header className="app-header">
      <Typography.Text strong className="app-header-title">
        {t('app.name')}
      </Typography.Text>
      <Flex align="center" gap={16} wrap={false}>
        <Space size={4} className="app-header-user" data-testid="current-user">
          <UserOutlined />
          <Typography.Text strong>{me.user.name}</Typography.Text>
          <Typography.Text type="secondary">({me.user.login})</Typography.Text>
        </Space>
        <Space size={4} className="app-header-org" data-testid="current-org">
          <BankOutlined />
          <Typography.Text>{me.org.name}</Typography.Text>
        </Space>
        <LanguageSwitch />
        <Button icon={<LogoutOutlined />} onClick={onLogout} data-testid="logout">
          {t('header.logout')}
        </Button>
      </Flex>
    </Layout.Header>
  );
}
