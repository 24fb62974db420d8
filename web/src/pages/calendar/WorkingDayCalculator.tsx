import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Form, InputNumber, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { api } from '../../api/client';
import type { AddWorkingDaysResult } from '../../api/types';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { dayToPicker, pickerDay, todayInBeijing } from '../../lib/dates';

interface CalcValues {
  from: Dayjs;
  days: number;
}

/** "N working days from this date": the same arithmetic every deadline uses. */
export function WorkingDayCalculator() {
  const { t, date, deadline } = useI18n();
  const [result, setResult] = useState<AddWorkingDaysResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const onFinish = async (v: CalcValues) => {
    setLoading(true);
    setError(null);
    try {
      setResult(await api.calendar.addWorkingDays(pickerDay(v.from), v.days));
    } catch (e) {
      setResult(null);
      setError(errorText(e, t));
    } finally {
      setLoading(false);
    }
  };

  return (
    <Card title={t('calendar.calc.title')}>
      <Form<CalcValues>
        layout="inline"
        onFinish={onFinish}
        initialValues={{ from: dayToPicker(todayInBeijing()) ?? undefined, days: 5 }}
        className="filters"
      >
        <Form.Item label={t('calendar.calc.from')} name="from" rules={[{ required: true, message: t('calendar.calc.from.required') }]}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item label={t('calendar.calc.days')} name="days" rules={[{ required: true, message: t('calendar.calc.days.required') }]}>
          <InputNumber min={0} max={365} precision={0} addonAfter={t('calendar.calc.unit')} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={loading} data-testid="calendar-calc-submit">
            {t('calendar.calc.submit')}
          </Button>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
      {result && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="calendar-calc-result">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('calendar.calc.result')}>
              <strong>{date(result.date)}</strong>
            </Descriptions.Item>
            <Descriptions.Item label={t('calendar.calc.dueAt')}>{deadline(result.dueAt)}</Descriptions.Item>
          </Descriptions>
          {result.fallback && (
            <Alert
              type="warning"
              showIcon
              message={t('calendar.calc.fallback')}
              description={result.note ?? (result.fallbackYears?.length ? t('calendar.calc.fallbackYears', { years: result.fallbackYears.join(t('common.listSep')) }) : undefined)}
            />
          )}
          {!result.fallback && result.note && <Alert type="info" showIcon message={result.note} />}
        </Space>
      )}
    </Card>
  );
}
