import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Form, Input, InputNumber, Modal, Result, Select, Space } from 'antd';
import type { CatalogField } from '../../api/types';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { correctionsApi, type Correction, type RowKey } from '../quality/api';

interface Values {
  line?: number;
  field?: string;
  reportedValue?: string;
  expectedValue?: string;
  description: string;
  evidence?: string;
  [key: `key_${string}`]: string | undefined;
}

/**
 * 报告数据错误 (校核, 000 第四十二条): a data user names the wrong record (by its key values, or a
 * line of the file they received), the field, what is wrong and the evidence; the provider must
 * verify, correct and answer within the jurisdiction's working days. Ends with a link to the case.
 */
export function ReportErrorModal({ entryId, fields, open, onClose }: { entryId: string; fields: readonly CatalogField[]; open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<Correction | null>(null);
  const keys = fields.filter((f) => f.key);

  const close = () => {
    form.resetFields();
    setDone(null);
    setError(undefined);
    onClose();
  };

  const submit = async () => {
    const v = await form.validateFields();
    const rowKey: RowKey = {};
    for (const k of keys) rowKey[k.name] = String(v[`key_${k.name}`] ?? '').trim();
    const evidence = v.evidence?.trim();
    setSaving(true);
    setError(undefined);
    try {
      const c = await correctionsApi.report({
        entryId,
        ...(keys.length ? { rowKey } : { line: Number(v.line) }),
        ...(v.field ? { field: v.field } : {}),
        ...(v.reportedValue?.trim() ? { reportedValue: v.reportedValue.trim() } : {}),
        ...(v.expectedValue?.trim() ? { expectedValue: v.expectedValue.trim() } : {}),
        description: evidence ? `${v.description.trim()}\n${t('ingest.correction.evidencePrefix')}${evidence}` : v.description.trim(),
      });
      setDone(c);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['description', 'field']);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('ingest.correction.title')}
      onCancel={close}
      width={640}
      destroyOnHidden
      footer={
        done ? (
          <Button onClick={close}>{t('common.close')}</Button>
        ) : (
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button type="primary" loading={saving} onClick={() => void submit()} data-testid="report-error-submit">
              {t('ingest.correction.submit')}
            </Button>
          </Space>
        )
      }
    >
      {done ? (
        <div data-testid="report-error-done">
          <Result
            status="success"
            title={t('ingest.correction.done')}
            subTitle={t('ingest.correction.due', { date: done.duty?.dueDate ?? '—', provider: done.provider.name })}
            extra={
              <Link to={`/quality/corrections?case=${encodeURIComponent(done.id)}`} onClick={close} data-testid="report-error-link">
                {t('ingest.correction.view')}
              </Link>
            }
          />
        </div>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('ingest.correction.intro')} description={<LawHint mode="line" source="000 第四十二条" />} />
          {error && <Alert type="error" showIcon message={error} data-testid="report-error-error" />}
          <Form form={form} layout="vertical">
            {keys.length ? (
              keys.map((k) => (
                <Form.Item key={k.name} name={`key_${k.name}`} label={t('ingest.correction.key', { label: k.label })} rules={[{ required: true, whitespace: true, message: t('correction.keyRequired', { label: k.label }) }]}>
                  <Input data-testid={`report-error-key-${k.name}`} maxLength={500} />
                </Form.Item>
              ))
            ) : (
              <Form.Item name="line" label={t('correction.line')} extra={t('ingest.correction.lineHint')} rules={[{ required: true, message: t('correction.lineRequired') }]}>
                <InputNumber min={1} style={{ width: '100%' }} data-testid="report-error-line" />
              </Form.Item>
            )}
            <Form.Item name="field" label={t('correction.col.field')}>
              <Select allowClear options={fields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }))} data-testid="report-error-field" />
            </Form.Item>
            <Space.Compact block>
              <Form.Item name="reportedValue" label={t('correction.reportedValue')} style={{ flex: 1 }}>
                <Input maxLength={2000} />
              </Form.Item>
              <Form.Item name="expectedValue" label={t('correction.expectedValue')} style={{ flex: 1 }}>
                <Input maxLength={2000} data-testid="report-error-expected" />
              </Form.Item>
            </Space.Compact>
            <Form.Item name="description" label={t('ingest.correction.what')} rules={[{ required: true, whitespace: true, message: t('correction.descriptionRequired') }]}>
              <Input.TextArea rows={3} maxLength={1500} data-testid="report-error-description" />
            </Form.Item>
            <Form.Item name="evidence" label={t('ingest.correction.evidence')} extra={t('ingest.correction.evidenceHint')}>
              <Input.TextArea rows={2} maxLength={450} data-testid="report-error-evidence" />
            </Form.Item>
          </Form>
        </Space>
      )}
    </Modal>
  );
}
