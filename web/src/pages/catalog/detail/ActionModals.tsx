/** The entry page's dialogs: review decision, new version, change of law or duties, extension. */
import { useState } from 'react';
import { Alert, DatePicker, Form, Input, InputNumber, Modal, Radio, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../../../i18n';
import { applyFieldErrors, errorText } from '../../../lib/errors';
import { pickerDay } from '../../../lib/dates';
import { useNumberParam } from '../../../lib/law';
import { LawHint } from '../../../components/LawHint';
import { ART } from '../vocab';

interface DialogProps<V> {
  open: boolean;
  onClose: () => void;
  /** Performs the action; a rejection is shown in the dialog (and under the field it names). */
  onSubmit: (values: V) => Promise<void>;
}

/** Runs `onSubmit` with the form's values, showing a refusal in the dialog. */
function useSubmit<V extends object>(onSubmit: (v: V) => Promise<void>, fields: readonly string[]) {
  const { t } = useI18n();
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    let v: V;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(v);
    } catch (e) {
      applyFieldErrors(form, e, fields);
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return { form, busy, error, submit, reset: () => setError(null) };
}

export function ReviewModal({ open, decision, onClose, onSubmit }: DialogProps<{ comment: string }> & { decision: 'approve' | 'return' }) {
  const { t } = useI18n();
  const { form, busy, error, submit } = useSubmit(onSubmit, ['comment']);
  const approve = decision === 'approve';
  return (
    <Modal
      open={open}
      title={t(approve ? 'catalog.review.approve.title' : 'catalog.review.return.title')}
      okText={t(approve ? 'catalog.action.approve' : 'catalog.action.return')}
      okButtonProps={{ danger: !approve, loading: busy, 'data-testid': 'review-confirm' }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t(approve ? 'catalog.review.approve.effect' : 'catalog.review.return.effect')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          label={t('catalog.review.comment')}
          name="comment"
          extra={<LawHint mode="line" source={ART.review} />}
          rules={approve ? [] : [{ required: true, whitespace: true, message: t('catalog.rule.review.comment') }]}
        >
          <Input.TextArea rows={4} placeholder={t(approve ? 'catalog.review.comment.approve' : 'catalog.review.comment.return')} data-testid="review-comment-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function NewVersionModal({ open, onClose, onSubmit }: DialogProps<{ changeNote: string }>) {
  const { t } = useI18n();
  const { form, busy, error, submit } = useSubmit(onSubmit, ['changeNote']);
  return (
    <Modal
      open={open}
      title={t('catalog.newVersion.title')}
      okText={t('catalog.action.newVersion')}
      okButtonProps={{ loading: busy, 'data-testid': 'new-version-confirm' }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('catalog.newVersion.effect')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          label={t('catalog.field.changeNote')}
          name="changeNote"
          extra={<LawHint mode="line" source={ART.update} />}
          rules={[{ required: true, whitespace: true, message: t('catalog.rule.changeNote.required') }]}
        >
          <Input.TextArea rows={3} placeholder={t('catalog.wizard.changeNote.placeholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export interface ChangeValues {
  kind: 'law' | 'duties';
  description: string;
  occurredOn?: string;
}

export function ChangeModal({ open, onClose, onSubmit }: DialogProps<ChangeValues>) {
  const { t } = useI18n();
  const days = useNumberParam('catalogUpdateDays');
  const { form, busy, error, submit } = useSubmit<{ kind: 'law' | 'duties'; description: string; occurredOn?: Dayjs | null }>(
    (v) => onSubmit({ kind: v.kind, description: v.description.trim(), ...(v.occurredOn ? { occurredOn: pickerDay(v.occurredOn) } : {}) }),
    ['kind', 'description', 'occurredOn'],
  );
  return (
    <Modal
      open={open}
      title={t('catalog.change.title')}
      okText={t('catalog.change.submit')}
      okButtonProps={{ loading: busy, 'data-testid': 'change-confirm' }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        message={days ? t('catalog.change.duty', { n: days.value }) : t('catalog.change.dutyGeneric')}
        description={<LawHint mode="line" source={days?.source ?? ART.update} />}
        style={{ marginBottom: 12 }}
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false} initialValues={{ kind: 'law' }}>
        <Form.Item label={t('catalog.change.kind')} name="kind" rules={[{ required: true }]}>
          <Radio.Group>
            <Radio value="law">{t('catalog.change.law')}</Radio>
            <Radio value="duties">{t('catalog.change.duties')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          label={t('catalog.change.description')}
          name="description"
          rules={[{ required: true, whitespace: true, message: t('catalog.rule.change.description') }]}
        >
          <Input.TextArea rows={3} placeholder={t('catalog.change.description.placeholder')} />
        </Form.Item>
        <Form.Item label={t('catalog.change.occurredOn')} name="occurredOn" extra={t('catalog.change.occurredOn.extra')}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(new Date(), 'day')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function ExtendModal({ open, onClose, onSubmit }: DialogProps<{ days: number; reason: string }>) {
  const { t } = useI18n();
  const max = useNumberParam('catalogUpdateExtensionDays');
  const { form, busy, error, submit } = useSubmit(onSubmit, ['days', 'reason']);
  const limit = max?.value ?? 5;
  return (
    <Modal
      open={open}
      title={t('catalog.extend.title')}
      okText={t('catalog.extend.submit')}
      okButtonProps={{ loading: busy, 'data-testid': 'extend-confirm' }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        message={t('catalog.extend.rule', { n: limit })}
        description={<LawHint mode="line" source={max?.source ?? ART.update} />}
        style={{ marginBottom: 12 }}
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false} initialValues={{ days: limit }}>
        <Form.Item
          label={t('catalog.extend.days')}
          name="days"
          rules={[
            { required: true, message: t('catalog.rule.extend.days', { n: limit }) },
            { type: 'number', min: 1, max: limit, message: t('catalog.rule.extend.days', { n: limit }) },
          ]}
        >
          <InputNumber min={1} max={limit} addonAfter={t('calendar.calc.unit')} />
        </Form.Item>
        <Form.Item label={t('catalog.extend.reason')} name="reason" rules={[{ required: true, whitespace: true, message: t('catalog.rule.extend.reason') }]}>
          <Input.TextArea rows={3} placeholder={t('catalog.extend.reason.placeholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
