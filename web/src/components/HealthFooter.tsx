import { useEffect, useState } from 'react';
import { Badge, Layout, Space, Typography } from 'antd';
import { api } from '../api/client';
import type { Health } from '../api/types';
import { useI18n } from '../i18n';

/** The footer says whether the server and its database answer. */
export function HealthFooter() {
  const { t } = useI18n();
  const [health, setHealth] = useState<Health | null | 'down'>(null);

  useEffect(() => {
    let current = true;
    api
      .health()
      .then((h) => current && setHealth(h))
      .catch(() => current && setHealth('down'));
    return () => {
      current = false;
    };
  }, []);

  return (
    <Layout.Footer className="app-footer">
      <Space split="·" wrap>
        <Typography.Text type="secondary">{t('app.footer')}</Typography.Text>
        {health === 'down' && <Badge status="error" text={t('health.down')} />}
        {health && health !== 'down' && (
          <Badge status="success" text={t('health.ok', { db: health.db === 'postgres' ? 'PostgreSQL' : 'PGlite' })} />
        )}
      </Space>
    </Layout.Footer>
  );
}
