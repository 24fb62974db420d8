import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { LanguageSwitch } from '../../components/LanguageSwitch';

/** The public frame of the login and registration pages. */
export function AuthShell({ title, width = 400, children }: { title: string; width?: number; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth-shell">
      <Flex justify="flex-end" className="auth-lang">
        <LanguageSwitch />
      </Flex>
      <Flex vertical align="center" gap={16}>
        <Flex align="center" gap={12}>
          <span className="app-logo-mark app-logo-mark-lg">公</span>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('app.shortName')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
        </Flex>
        <Card title={title} style={{ width: '100%', maxWidth: width }}>
          {children}
        </Card>
      </Flex>
    </div>
  );
}
