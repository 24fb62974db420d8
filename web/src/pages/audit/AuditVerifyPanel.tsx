import { useState } from 'react';
import { App, Button, Card, Result, Space, Typography } from 'antd';
import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { AuditVerifyResult } from '../../api/types';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { downloadText } from '../../lib/download';

/** One click proves the SM3 hash chain intact and the SM2-signed checkpoints valid. */
export function AuditVerifyPanel() {
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const [result, setResult] = useState<AuditVerifyResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [downloading, setDownloading] = useState(false);

  const verify = async () => {
    setVerifying(true);
    setFailure(null);
    try {
      setResult(await api.audit.verify());
    } catch (e) {
      setResult(null);
      setFailure(errorText(e, t));
    } finally {
      setVerifying(false);
    }
  };

  const download = async () => {
    setDownloading(true);
    try {
      const cp = await api.audit.latestCheckpoint();
      downloadText(`gongshu-audit-checkpoint-${cp.seq}.json`, JSON.stringify(cp, null, 2) + '\n', 'application/json');
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setDownloading(false);
    }
  };

  const latest = result?.checkpoints.latest ?? null;
  const checkpointsOk = result ? result.checkpoints.verified === result.checkpoints.count : true;

  return (
    <Card
      title={t('audit.verify.title')}
      extra={
        <Space>
          <Button icon={<DownloadOutlined />} loading={downloading} onClick={download} data-testid="audit-checkpoint-download">
            {t('audit.checkpoint.download')}
          </Button>
          <Button type="primary" icon={<SafetyCertificateOutlined />} loading={verifying} onClick={verify} data-testid="audit-verify">
            {t('audit.verify.button')}
          </Button>
        </Space>
      }
    >
      <div data-testid="audit-verify-result" data-ok={result ? String(result.ok && checkpointsOk) : undefined}>
        {!result && !failure && <Typography.Text type="secondary">{t('audit.verify.hint')}</Typography.Text>}
        {failure && <Result status="warning" title={t('audit.verify.failed')} subTitle={failure} />}
        {result && result.ok && checkpointsOk && (
          <Result
            status="success"
            title={t('audit.verify.ok')}
            subTitle={
              <Space direction="vertical" size={2}>
                <span>{t('audit.verify.checked', { checked: result.checked, head: result.headSeq })}</span>
                <span>{t('audit.verify.checkpoints', { verified: result.checkpoints.verified, count: result.checkpoints.count })}</span>
                {latest ? (
                  <span>
                    {t('audit.verify.latest', { seq: latest.seq, at: dateTime(latest.at), keyId: latest.keyId })}{' '}
                    <Typography.Text code copyable={{ text: latest.hash }}>
                      {latest.hash.slice(0, 16)}…
                    </Typography.Text>
                  </span>
                ) : (
                  <span>{t('audit.verify.noCheckpoint')}</span>
                )}
              </Space>
            }
          />
        )}
        {result && !(result.ok && checkpointsOk) && (
          <Result
            status="error"
            title={t('audit.verify.broken')}
            subTitle={
              <Space direction="vertical" size={2}>
                {result.firstBadSeq !== null && <span>{t('audit.verify.firstBad', { seq: result.firstBadSeq })}</span>}
                {result.reason && <span>{t('audit.verify.reason', { reason: result.reason })}</span>}
                <span>{t('audit.verify.checkpoints', { verified: result.checkpoints.verified, count: result.checkpoints.count })}</span>
                <span>{t('audit.verify.brokenAdvice')}</span>
              </Space>
            }
          />
        )}
      </div>
    </Card>
  );
}
