import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Typography } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { parseYearLines, type ParseProblem } from './parseYear';

interface ImportValues {
  year: number;
  source: string;
  lines: string;
}

const PROBLEM: Record<ParseProblem, MessageKey> = {
  format: 'calendar.import.problem.format',
  date: 'calendar.import.problem.date',
  kind: 'calendar.import.problem.kind',
  name: 'calendar.import.problem.name',
  year: 'calendar.import.problem.year',
  duplicate: 'calendar.import.problem.duplicate',
};

/** Imports a year from the State Council's notice: one line per day, replacing that year's days. */
export function ImportYearCard({ defaultYear, onImported }: { defaultYear: number; onImported: (year: number) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ImportValues>();
  const year = Form.useWatch('year', form) ?? defaultYear;
  const lines = Form.useWatch('lines', form) ?? '';
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = useMemo(() => parseYearLines(lines, year), [lines, year]);
  const holidays = parsed.days.filter((d) => d.kind === 'holiday').length;

  const submit = async () => {
    let v: ImportValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const res = await api.calendar.importYear(v.year, { source: v.source.trim(), days: parsed.days });
      message.success(t('calendar.import.done', { year: res.year, count: res.count }));
      form.setFieldsValue({ lines: '' });
      onImported(res.year);
    } catch (e) {
      applyFieldErrors(form, e, ['source', 'days']);
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title={t('calendar.import.title')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<ImportValues> form={form} layout="vertical" initialValues={{ year: defaultYear, source: '', lines: '' }}>
        <Form.Item label={t('calendar.import.year')} name="year" rules={[{ required: true, message: t('calendar.import.year.required') }]}>
          <InputNumber min={2000} max={2100} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          label={t('calendar.import.source')}
          name="source"
          extra={t('calendar.import.source.extra')}
          rules={[{ required: true, whitespace: true, message: t('calendar.import.source.required') }]}
        >
          <Input placeholder={t('calendar.import.source.placeholder')} maxLength={200} />
        </Form.Item>
        <Form.Item
          label={t('calendar.import.lines')}
          name="lines"
          extra={t('calendar.import.lines.extra')}
          rules={[
            { required: true, whitespace: true, message: t('calendar.import.lines.required') },
            {
              validator: async () => {
                if (parsed.problems.length > 0) throw new Error(t('calendar.import.lines.invalid', { n: parsed.problems.length }));
              },
            },
          ]}
        >
          <Input.TextArea rows={8} className="mono" placeholder={t('calendar.import.lines.placeholder')} data-testid="calendar-import-lines" />
        </Form.Item>
      </Form>
      {parsed.problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('calendar.import.problems', { n: parsed.problems.length })}
          description={
            <ul className="plain-list">
              {parsed.problems.slice(0, 10).map((p) => (
                <li key={p.line}>{t('calendar.import.problemLine', { line: p.line, problem: t(PROBLEM[p.problem], { year }), text: p.text })}</li>
              ))}
            </ul>
          }
        />
      )}
      {parsed.days.length > 0 && parsed.problems.length === 0 && (
        <Typography.Paragraph type="secondary">
          {t('calendar.import.preview', { n: parsed.days.length, holidays, workdays: parsed.days.length - holidays })}
        </Typography.Paragraph>
      )}
      <Popconfirm title={t('calendar.import.confirm', { year })} onConfirm={submit} okText={t('calendar.import.submit')}>
        <Button type="primary" icon={<UploadOutlined />} loading={saving} disabled={parsed.days.length === 0 || parsed.problems.length > 0}>
          {t('calendar.import.submit')}
        </Button>
      </Popconfirm>
    </Card>
  );
}
