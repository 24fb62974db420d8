import { Alert, Button, Descriptions, Modal, Typography } from 'antd';
import type { ApiKeyCreated } from '../../api/types';
import { useI18n } from '../../i18n';

/** Shows a new key's secret the only time it can be seen. */
export function KeyCreatedModal({ created, onClose }: { created: ApiKeyCreated | null; onClose: () => void }) {
  const { t, date } = useI18n();
  return (
    <Modal
      open={created !== null}
      title={t('apiKey.created.title')}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="api-key-saved">
          {t('apiKey.created.close')}
        </Button>
      }
    >
      {created && (
        <>
          <Alert type="warning" showIcon message={t('apiKey.created.warning')} style={{ marginBottom: 16 }} />
          <Typography.Paragraph
            copyable={{ text: created.key, tooltips: [t('common.copy'), t('common.copied')] }}
            className="secret-box"
            data-testid="api-key-secret"
          >
            {created.key}
          </Typography.Paragraph>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('apiKey.field.name')}>{created.name}</Descriptions.Item>
            <Descriptions.Item label={t('apiKey.col.expiresAt')}>{date(created.expiresAt)}</Descriptions.Item>
            <Descriptions.Item label={t('apiKey.created.usage')}>
              <Typography.Text code>Authorization: Bearer {created.prefix}…</Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Modal>
  );
}
