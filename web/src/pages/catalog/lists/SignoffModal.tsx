import { useState } from 'react';
import { Alert, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import type { NegativeListItem, Seat } from '../../../api/types';
import { useI18n } from '../../../i18n';
import { applyFieldErrors, errorText } from '../../../lib/errors';
import { LawHint } from '../../../components/LawHint';
import { ART } from '../vocab';

interface Values {
  seat: Seat;
  decision: 'agree' | 'disagree';
  comment?: string;
}

interface SignoffModalProps {
  item: NegativeListItem | null;
  /** The seats the signed-in org holds and has not signed for this item. */
  seats: Array<{ seat: Seat; label: string }>;
  onClose: () => void;
  onSign: (v: Values) => Promise<void>;
}

/** 签署: a seat holder agrees to the entry's place on the negative list, or disagrees with a reason. */
export function SignoffModal({ item, seats, onClose, onSign }: SignoffModalProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decision = Form.useWatch('decision', form);

  const submit = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSign(v);
    } catch (e) {
      applyFieldErrors(form, e, ['seat', 'decision', 'comment']);
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={item !== null}
      title={item ? t('catalog.negative.sign.title', { name: item.entry.name }) : ''}
      okText={t('catalog.negative.sign.submit')}
      okButtonProps={{ loading: busy, 'data-testid': 'signoff-confirm' }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('catalog.negative.sign.intro')} <LawHint source={ART.negativeList} />
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form<Values> form={form} layout="vertical" preserve={false} initialValues={{ seat: seats[0]?.seat, decision: 'agree' }}>
        <Form.Item label={t('catalog.negative.seat')} name="seat" rules={[{ required: true }]}>
          <Select options={seats.map((s) => ({ value: s.seat, label: s.label }))} disabled={seats.length <= 1} />
        </Form.Item>
        <Form.Item label={t('catalog.negative.decision')} name="decision" rules={[{ required: true }]}>
          <Radio.Group>
            <Radio value="agree" data-testid="signoff-agree">
              {t('catalog.negative.agree')}
            </Radio>
            <Radio value="disagree" data-testid="signoff-disagree">
              {t('catalog.negative.disagree')}
            </Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          label={t('catalog.negative.comment')}
          name="comment"
          dependencies={['decision']}
          rules={decision === 'disagree' ? [{ required: true, whitespace: true, message: t('catalog.rule.negative.comment') }] : []}
        >
          <Input.TextArea rows={3} placeholder={t('catalog.negative.comment.placeholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
