import { useEffect, useState } from 'react';
import { Alert, Form, Input, Modal, Radio, Typography } from 'antd';
import { api } from '../../api/client';
import type { CalendarDay, CalendarDayKind } from '../../api/types';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';

type Choice = CalendarDayKind | 'clear';

interface DayValues {
  choice: Choice;
  name?: string;
}

interface DayEditModalProps {
  day: string | null;
  current: CalendarDay | undefined;
  onClose: () => void;
  onSaved: () => void;
}

/** Marks one day as a statutory holiday, an adjusted working day (调休上班), or back to Mon–Fri. */
export function DayEditModal({ day, current, onClose, onSaved }: DayEditModalProps) {
  const { t, date } = useI18n();
  const [form] = Form.useForm<DayValues>();
  const choice = Form.useWatch('choice', form);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!day) return;
    setError(null);
    form.setFieldsValue({ choice: current?.kind ?? 'holiday', name: current?.name ?? '' });
  }, [day, current, form]);

  const onFinish = async (v: DayValues) => {
    if (!day) return;
    setSaving(true);
    setError(null);
    try {
      if (v.choice === 'clear') await api.calendar.clearDay(day);
      else await api.calendar.setDay(day, { kind: v.choice, name: (v.name ?? '').trim() });
      onSaved();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={day !== null}
      title={day ? t('calendar.edit.title', { day: date(day) }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      confirmLoading={saving}
      forceRender
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<DayValues> form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="choice" label={t('calendar.edit.kind')}>
          <Radio.Group>
            <Radio value="holiday">{t('calendar.kind.holiday')}</Radio>
            <Radio value="workday">{t('calendar.kind.workday')}</Radio>
            <Radio value="clear" disabled={!current}>
              {t('calendar.kind.clear')}
            </Radio>
          </Radio.Group>
        </Form.Item>
        {choice !== 'clear' && (
          <Form.Item
            name="name"
            label={t('calendar.edit.name')}
            extra={t('calendar.edit.name.extra')}
            rules={[{ required: true, whitespace: true, message: t('calendar.edit.name.required') }]}
          >
            <Input placeholder={t('calendar.edit.name.placeholder')} maxLength={30} />
          </Form.Item>
        )}
        <Typography.Text type="secondary">{t('calendar.edit.effect')}</Typography.Text>
      </Form>
    </Modal>
  );
}
