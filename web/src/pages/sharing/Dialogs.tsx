/** The answer dialogs of a share request: refuse (reason and basis), apply for an extension, decide an extension. */
import { useState } from 'react';
import { Alert, Checkbox, Form, Input, InputNumber, Modal, Radio, Space, type FormInstance } from 'antd';
import { useI18n, type MessageKey } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { useNumberParam } from '../../lib/law';
import { LawHint } from '../../components/LawHint';
import { sharingApi, type ShareRequest } from './api';
import { chosenMasking, MaskingFormItems } from './Masking';
import { ART_REQUEST } from './parts';

interface DialogProps {
  r: ShareRequest | undefined;
  onClose: () => void;
  onDone: (r: ShareRequest) => void;
}

/** Runs a dialog's call, keeping the server's refusal in the dialog (whole sentence above, field messages under the fields). */
function useSubmit<T = ShareRequest>(fields: readonly string[]) {
  const { t } = useI18n();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async <V,>(form: FormInstance<V>, call: () => Promise<T>, onDone: (r: T) => void) => {
    setSaving(true);
    setError(undefined);
    try {
      const r = await call();
      form.resetFields();
      onDone(r);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, fields);
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, setError, run };
}

/** What a refusal dialog says and where its fields are found by tests; the texts are message keys. */
export interface RefusalTexts {
  title: MessageKey;
  hint: MessageKey;
  reasonRequired: MessageKey;
  reasonPlaceholder: MessageKey;
  basisRequired: MessageKey;
  /** The article that demands reason and basis. */
  source: string;
  /** Prefix of the test ids: `<prefix>-reason`, `-basis`, `-submit`, `-error`. */
  testId: string;
}

/**
 * A refusal that must carry its reason and its legal basis ("应当说明理由并提供依据"): both fields
 * required, checked as you type; the server's refusal stays in the dialog.
 */
export function RefusalModal<T>({ open, texts, onClose, onSubmit, onDone }: { open: boolean; texts: RefusalTexts; onClose: () => void; onSubmit: (v: { reason: string; basis: string }) => Promise<T>; onDone: (r: T) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string; basis: string }>();
  const { saving, error, setError, run } = useSubmit<T>(['reason', 'basis']);
  const submit = async () => {
    const v = await form.validateFields();
    await run(form, () => onSubmit({ reason: v.reason.trim(), basis: v.basis.trim() }), onDone);
  };
  return (
    <Modal
      open={open}
      title={t(texts.title)}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      onOk={submit}
      confirmLoading={saving}
      okText={t('sharing.refuse')}
      okButtonProps={{ danger: true, 'data-testid': `${texts.testId}-submit` }}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t(texts.hint)} description={<LawHint source={texts.source} mode="line" />} />
        {error && <Alert type="error" showIcon message={error} data-testid={`${texts.testId}-error`} />}
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label={t('sharing.reason')} rules={[{ required: true, whitespace: true, message: t(texts.reasonRequired) }]}>
            <Input.TextArea rows={3} maxLength={2000} placeholder={t(texts.reasonPlaceholder)} data-testid={`${texts.testId}-reason`} />
          </Form.Item>
          <Form.Item name="basis" label={t('sharing.refuse.basis')} rules={[{ required: true, whitespace: true, message: t(texts.basisRequired) }]}>
            <Input.TextArea rows={2} maxLength={2000} placeholder={t('sharing.refuse.basis.placeholder')} data-testid={`${texts.testId}-basis`} />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

const SHARE_REFUSAL: RefusalTexts = {
  title: 'sharing.refuse.title',
  hint: 'sharing.refuse.hint',
  reasonRequired: 'sharing.refuse.reason.required',
  reasonPlaceholder: 'sharing.refuse.reason.placeholder',
  basisRequired: 'sharing.refuse.basis.required',
  source: ART_REQUEST,
  testId: 'refuse',
};

/** 不同意共享: "应当说明理由并提供依据" (000 第十四条). */
export function RefuseModal({ r, onClose, onDone }: DialogProps) {
  return <RefusalModal open={!!r} texts={SHARE_REFUSAL} onClose={onClose} onDone={onDone} onSubmit={(v) => sharingApi.decide(r?.id ?? '', { decision: 'refuse', ...v })} />;
}

/**
 * 同意共享: approving makes the grant and opens the provide duty. Of the requested fields that hold
 * personal information, the provider may release some in clear (明文提供), with its reason; the
 * others leave masked on every delivery.
 */
export function ApproveModal({
  r,
  pii,
  labelOf,
  typeOf,
  onClose,
  onDone,
}: DialogProps & { pii: readonly string[]; labelOf: (f: string) => string | undefined; typeOf?: (f: string) => string | undefined }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason?: string; clearFields?: string[]; clearReason?: string; masking?: Record<string, string | undefined> }>();
  const clear = Form.useWatch('clearFields', form) ?? [];
  const { saving, error, setError, run } = useSubmit(['reason', 'clearFields', 'clearReason']);
  const submit = async () => {
    if (!r) return;
    const v = await form.validateFields();
    const fields = v.clearFields ?? [];
    // A field released in clear has no masking strategy.
    const masking = Object.fromEntries(Object.entries(chosenMasking(v.masking)).filter(([f]) => !fields.includes(f)));
    await run(
      form,
      () =>
        sharingApi.decide(r.id, {
          decision: 'approve',
          ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
          ...(fields.length > 0 ? { clearFields: fields, clearReason: v.clearReason?.trim() ?? '' } : {}),
          ...(Object.keys(masking).length > 0 ? { masking } : {}),
        }),
      onDone,
    );
  };
  return (
    <Modal
      open={!!r}
      title={t('sharing.approve')}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      onOk={submit}
      confirmLoading={saving}
      okText={t('sharing.approve')}
      okButtonProps={{ 'data-testid': 'share-approve-confirm' }}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t('sharing.approve.confirm')} description={<LawHint source={ART_REQUEST} mode="line" />} />
        {error && <Alert type="error" showIcon message={error} data-testid="approve-error" />}
        <Form form={form} layout="vertical" initialValues={{ clearFields: [] }}>
          <Form.Item name="reason" label={t('sharing.approve.reason')}>
            <Input.TextArea rows={2} maxLength={2000} placeholder={t('sharing.approve.reason.placeholder')} data-testid="approve-reason" />
          </Form.Item>
          {pii.length > 0 && (
            <Form.Item name="clearFields" label={t('sharing.clear.fields')} extra={t('sharing.clear.approveHint')}>
              <Checkbox.Group options={pii.map((f) => ({ value: f, label: labelOf(f) ? `${labelOf(f)}（${f}）` : f }))} data-testid="approve-clear-fields" />
            </Form.Item>
          )}
          {clear.length > 0 && (
            <Form.Item name="clearReason" label={t('sharing.clear.reason')} rules={[{ required: true, whitespace: true, message: t('sharing.clear.reason.required') }]}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('sharing.clear.reason.placeholder')} data-testid="approve-clear-reason" />
            </Form.Item>
          )}
          {pii.some((f) => !clear.includes(f)) && (
            <Form.Item label={t('masking.title')} extra={t('masking.approveHint')} style={{ marginBottom: 0 }}>
              <MaskingFormItems fields={pii.filter((f) => !clear.includes(f)).map((f) => ({ field: f, type: typeOf?.(f) ?? 'string', label: labelOf(f) }))} />
            </Form.Item>
          )}
        </Form>
      </Space>
    </Modal>
  );
}

/** The provider asks the sharing authority for more time: days up to the profile's maximum, and the special reason. */
export function ExtendModal({ r, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const max = useNumberParam('conditionalShareExtensionMaxDays');
  const [form] = Form.useForm<{ days: number; reason: string }>();
  const { saving, error, setError, run } = useSubmit(['days', 'reason']);
  const submit = async () => {
    if (!r) return;
    const v = await form.validateFields();
    await run(form, () => sharingApi.extend(r.id, { days: v.days, reason: v.reason.trim() }), onDone);
  };
  return (
    <Modal
      open={!!r}
      title={t('sharing.extend.title')}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      onOk={submit}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'extend-submit' }}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t('sharing.extend.hint', { n: max?.value ?? 5 })} description={<LawHint source={max?.source ?? ART_REQUEST} mode="line" />} />
        {error && <Alert type="error" showIcon message={error} data-testid="extend-error" />}
        <Form form={form} layout="vertical">
          <Form.Item
            name="days"
            label={t('sharing.extend.days')}
            extra={t('sharing.extend.days.max', { n: max?.value ?? 5 })}
            rules={[
              { required: true, message: t('sharing.extend.days.required') },
              { type: 'number', min: 1, max: max?.value ?? 5, message: t('sharing.extend.days.max', { n: max?.value ?? 5 }) },
            ]}
          >
            <InputNumber min={1} precision={0} style={{ width: 160 }} data-testid="extend-days" />
          </Form.Item>
          <Form.Item name="reason" label={t('sharing.extend.reason')} rules={[{ required: true, whitespace: true, message: t('sharing.extend.reason.required') }]}>
            <Input.TextArea rows={3} maxLength={1000} placeholder={t('sharing.extend.reason.placeholder')} data-testid="extend-reason" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

/** The sharing authority consents (possibly to fewer days) or refuses the provider's application, with its comment. */
export function ConsentModal({ r, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ decision: 'consent' | 'refuse'; days: number; reason: string }>();
  const decision = Form.useWatch('decision', form);
  const asked = r?.extension?.days ?? 1;
  const { saving, error, setError, run } = useSubmit(['days', 'reason']);
  const submit = async () => {
    if (!r) return;
    const v = await form.validateFields();
    await run(form, () => sharingApi.extend(r.id, { days: v.decision === 'refuse' ? asked : v.days, reason: v.reason.trim(), decision: v.decision }), onDone);
  };
  return (
    <Modal
      open={!!r}
      title={t('sharing.consent.title')}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      onOk={submit}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'consent-submit' }}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {r?.extension && (
          <Alert type="info" showIcon message={`${t('sharing.extension.days', { n: asked })}：${r.extension.reason ?? ''}`} description={<LawHint source={ART_REQUEST} mode="line" />} />
        )}
        {error && <Alert type="error" showIcon message={error} data-testid="consent-error" />}
        <Form form={form} layout="vertical" initialValues={{ decision: 'consent', days: asked }}>
          <Form.Item name="decision" label={t('sharing.consent.decision')}>
            <Radio.Group
              options={[
                { value: 'consent', label: t('sharing.consent.yes') },
                { value: 'refuse', label: t('sharing.consent.no') },
              ]}
            />
          </Form.Item>
          {decision !== 'refuse' && (
            <Form.Item
              name="days"
              label={t('sharing.consent.days')}
              rules={[
                { required: true, message: t('sharing.extend.days.required') },
                { type: 'number', min: 1, max: asked, message: t('sharing.consent.days.max', { n: asked }) },
              ]}
            >
              <InputNumber min={1} max={asked} precision={0} style={{ width: 160 }} />
            </Form.Item>
          )}
          <Form.Item name="reason" label={t('sharing.consent.comment')} rules={[{ required: true, whitespace: true, message: t('sharing.consent.comment.required') }]}>
            <Input.TextArea rows={3} maxLength={1000} data-testid="consent-comment" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}
