import { useState } from 'react';
import { Alert, Button, Card, Radio, Space, Tooltip, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import type { CatalogField } from '../../api/types';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { downloadCsv } from '../../lib/download';
import { LawHint } from '../../components/LawHint';
import { ingestApi, LOAD_TYPES, loadTypeOf, refusedReport, type LoadMode, type LoadReport } from './api';
import { LoadReportView } from './LoadReportView';

/** What the last upload came to: a report (committed, or refused with its message), or an error without one. */
type Outcome = { report: LoadReport; refusal: string | null } | { error: string };

/**
 * 上传数据: a CSV, NDJSON or XLSX file sent as the request body (streamed by the server), in full
 * replace or upsert-by-key mode; a CSV template of the entry's data items; then the load's report.
 */
export function UploadCard({ entryId, entryCode, fields, onLoaded }: { entryId: string; entryCode: string; fields: readonly CatalogField[]; onLoaded: () => void }) {
  const { t } = useI18n();
  const keys = fields.filter((f) => f.key);
  const [mode, setMode] = useState<LoadMode>('replace');
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const send = async (file: File) => {
    const type = loadTypeOf(file.name) ?? (Object.values(LOAD_TYPES).includes(file.type) ? file.type : null);
    if (!type) {
      setOutcome({ error: t('ingest.upload.badType', { name: file.name }) });
      return;
    }
    setBusy(file.name);
    setOutcome(null);
    try {
      const report = await ingestApi.load(entryId, file, mode, type);
      setOutcome({ report, refusal: null });
      onLoaded();
    } catch (e) {
      const report = refusedReport(e);
      setOutcome(report ? { report, refusal: errorText(e, t) } : { error: errorText(e, t) });
      if (report) onLoaded();
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title={t('ingest.upload.title')}
      extra={
        <Button icon={<DownloadOutlined />} onClick={() => downloadCsv(`${entryCode}-template.csv`, fields.map((f) => f.name), [])} data-testid="load-template">
          {t('ingest.upload.template')}
        </Button>
      }
      data-testid="load-upload"
    >
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('ingest.upload.intro')} <LawHint source="000 第八条" />
        </Typography.Paragraph>
        <Space wrap>
          <Typography.Text>{t('ingest.upload.mode')}</Typography.Text>
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as LoadMode)} data-testid="load-mode">
            <Radio value="replace">{t('ingest.mode.replace')}</Radio>
            <Tooltip title={keys.length ? undefined : t('ingest.mode.upsertNeedsKey')}>
              <Radio value="upsert" disabled={keys.length === 0}>
                {t('ingest.mode.upsert')}
              </Radio>
            </Tooltip>
          </Radio.Group>
          <Typography.Text type="secondary" className="small">
            {mode === 'upsert' ? t('ingest.mode.upsertHint', { keys: keys.map((k) => k.label).join(t('common.listSep')) }) : t('ingest.mode.replaceHint')}
          </Typography.Text>
        </Space>
        <Upload.Dragger
          accept={['.csv', '.ndjson', '.jsonl', '.xlsx', ...new Set(Object.values(LOAD_TYPES))].join(',')}
          multiple={false}
          showUploadList={false}
          disabled={busy !== null}
          beforeUpload={(file) => {
            void send(file);
            return Upload.LIST_IGNORE;
          }}
          data-testid="load-file"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{busy ? t('ingest.upload.sending', { name: busy }) : t('ingest.upload.drop')}</p>
          <p className="ant-upload-hint">{t('ingest.upload.formats')}</p>
        </Upload.Dragger>
        {outcome && 'error' in outcome && <Alert type="error" showIcon message={t('ingest.upload.failed')} description={outcome.error} data-testid="load-error" />}
        {outcome && 'report' in outcome && <LoadReportView report={outcome.report} fields={fields} refusal={outcome.refusal} />}
      </Space>
    </Card>
  );
}
