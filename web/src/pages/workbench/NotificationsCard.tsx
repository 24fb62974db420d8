import { useState } from 'react';
import { App, Badge, Button, Card, Empty, List, Space, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { Notification } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { CaseLink } from '../../components/CaseLink';

/** 通知: what happened to the org's cases; unread ones first in bold. */
export function NotificationsCard() {
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useAsync(() => api.notifications.list(), 'notifications');
  const [busy, setBusy] = useState<string | null>(null);

  const run = async (id: string, action: () => Promise<void>) => {
    setBusy(id);
    try {
      await action();
      reload();
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };

  const unread = data?.unread ?? 0;
  return (
    <Card
      title={
        <Space>
          {t('workbench.notifications')}
          <Badge count={unread} overflowCount={99} data-testid="notifications-unread" />
        </Space>
      }
      extra={
        <Button
          icon={<CheckOutlined />}
          disabled={unread === 0}
          loading={busy === 'all'}
          onClick={() => run('all', api.notifications.readAll)}
          data-testid="notifications-read-all"
        >
          {t('notification.readAll')}
        </Button>
      }
    >
      <List<Notification>
        data-testid="notifications"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{
          emptyText: (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={error ? errorText(error, t) : t('workbench.empty.notifications')} />
          ),
        }}
        pagination={(data?.items.length ?? 0) > 10 ? { pageSize: 10, size: 'small' } : false}
        renderItem={(n) => (
          <List.Item
            key={n.id}
            className={n.readAt ? 'notification-read' : 'notification-unread'}
            data-unread={n.readAt ? undefined : 'true'}
            actions={[
              n.link ? (
                <CaseLink key="open" to={n.link}>
                  {t('notification.open')}
                </CaseLink>
              ) : null,
              n.readAt ? null : (
                <Button key="read" type="link" size="small" loading={busy === n.id} onClick={() => run(n.id, () => api.notifications.read(n.id))}>
                  {t('notification.markRead')}
                </Button>
              ),
            ].filter(Boolean)}
          >
            <List.Item.Meta
              avatar={<Badge status={n.readAt ? 'default' : 'processing'} />}
              title={<Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>}
              description={
                <Space direction="vertical" size={0}>
                  {n.body && <Typography.Text>{n.body}</Typography.Text>}
                  <Typography.Text type="secondary" className="small">
                    {dateTime(n.createdAt)}
                  </Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
