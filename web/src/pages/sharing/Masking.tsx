/**
 * 脱敏方式: how each personal-information field a grant does not release in clear leaves — partial
 * mask, pseudonym (this grant, or platform-wide to link datasets), generalisation, truncation, or
 * not provided. The provider chooses per field on approval and later on the grant (with a reason);
 * both sides see the choice on the grant. The spec text is the server's (privacy/masking.ts).
 */
import { useState } from 'react';
import { Alert, App, Form, Input, InputNumber, Modal, Select, Space, Tag, Typography } from 'antd';
import { useI18n, type I18n, type MessageKey } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { sharingApi, type Grant } from './api';

/** A personal-information field a strategy is chosen for. */
export interface MaskableField {
  field: string;
  type: string;
  label?: string | undefined;
}

type Kind = 'default' | 'partial' | 'pseudonym:grant' | 'pseudonym:platform' | 'generalise' | 'truncate' | 'suppress';
type How = 'month' | 'year' | 'band' | 'city' | 'province' | 'birth_year' | 'id_region';

interface Parts {
  kind: Kind;
  head: number;
  tail: number;
  how: How;
  width: number;
  digits: 2 | 4 | 6;
  length: number;
  to: 'star' | 'null';
}

const DEFAULTS: Parts = { kind: 'default', head: 1, tail: 1, how: 'month', width: 10, digits: 4, length: 4, to: 'star' };

/** The types each generalisation reads (as the server's anonymity.ts). */
const HOW_TYPES: Record<How, readonly string[]> = {
  month: ['date', 'datetime', 'string'],
  year: ['date', 'datetime', 'string'],
  band: ['integer', 'number'],
  city: ['string'],
  province: ['string'],
  birth_year: ['string'],
  id_region: ['string'],
};
const HOWS = Object.keys(HOW_TYPES) as How[];

/** A spec text read into its parts ('' or unknown: the default). */
export function specParts(spec: string | undefined): Parts {
  const [head, a, b] = (spec ?? '').trim().split(':');
  const n = (s: string | undefined, d: number) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : d);
  switch (head) {
    case 'partial':
      return { ...DEFAULTS, kind: 'partial', head: n(a, 1), tail: n(b, 1) };
    case 'pseudonym':
      return { ...DEFAULTS, kind: a === 'platform' ? 'pseudonym:platform' : 'pseudonym:grant' };
    case 'generalise': {
      const how = (HOWS as string[]).includes(a ?? '') ? (a as How) : 'month';
      return { ...DEFAULTS, kind: 'generalise', how, width: how === 'band' ? n(b, 10) : 10, digits: how === 'id_region' && (b === '2' || b === '6') ? (Number(b) as 2 | 6) : 4 };
    }
    case 'truncate':
      return { ...DEFAULTS, kind: 'truncate', length: n(a, 4) };
    case 'suppress':
      return { ...DEFAULTS, kind: 'suppress', to: a === 'null' ? 'null' : 'star' };
    default:
      return DEFAULTS;
  }
}

/** The spec text of the parts ('' for the default). */
export function partsSpec(p: Parts): string {
  switch (p.kind) {
    case 'default':
      return '';
    case 'partial':
      return `partial:${p.head}:${p.tail}`;
    case 'pseudonym:grant':
    case 'pseudonym:platform':
      return p.kind;
    case 'generalise':
      return p.how === 'band' ? `generalise:band:${p.width}` : p.how === 'id_region' ? `generalise:id_region:${p.digits}` : `generalise:${p.how}`;
    case 'truncate':
      return `truncate:${p.length}`;
    case 'suppress':
      return p.to === 'null' ? 'suppress:null' : 'suppress';
  }
}

/** A strategy in words. */
export function strategyText(spec: string, t: I18n['t']): string {
  const p = specParts(spec);
  switch (p.kind) {
    case 'default':
      return t('masking.kind.default');
    case 'partial':
      return t('masking.label.partial', { head: p.head, tail: p.tail });
    case 'pseudonym:grant':
      return t('masking.kind.pseudonym.grant');
    case 'pseudonym:platform':
      return t('masking.kind.pseudonym.platform');
    case 'generalise':
      if (p.how === 'band') return t('masking.label.band', { n: p.width });
      if (p.how === 'id_region') return t('masking.label.id_region', { n: p.digits });
      return t('masking.label.generalise', { how: t(`masking.generalise.${p.how}` as MessageKey) });
    case 'truncate':
      return t('masking.label.truncate', { n: p.length });
    case 'suppress':
      return t(p.to === 'null' ? 'masking.label.suppress.null' : 'masking.label.suppress.star');
  }
}

/** One field's strategy: the kind, then its parameters. Controlled by its spec text. */
export function StrategyInput({ value, onChange, type, testId }: { value?: string; onChange?: (spec: string) => void; type: string; testId: string }) {
  const { t } = useI18n();
  const p = specParts(value);
  const set = (patch: Partial<Parts>) => onChange?.(partsSpec({ ...p, ...patch }));
  const hows = HOWS.filter((h) => HOW_TYPES[h].includes(type));
  const kinds: Kind[] = ['default', 'partial', ...(type === 'boolean' ? [] : (['pseudonym:grant', 'pseudonym:platform'] as Kind[])), ...(hows.length > 0 ? (['generalise'] as Kind[]) : []), ...(type === 'boolean' ? [] : (['truncate'] as Kind[])), 'suppress'];
  const kindLabel = (k: Kind) => t(`masking.kind.${k.replace(':', '.')}` as MessageKey);
  return (
    <Space size={4} wrap data-testid={testId}>
      <Select
        style={{ minWidth: 220 }}
        value={p.kind}
        options={kinds.map((k) => ({ value: k, label: kindLabel(k) }))}
        onChange={(k: Kind) => set({ kind: k, ...(k === 'generalise' && !hows.includes(p.how) ? { how: hows[0] ?? 'month' } : {}) })}
        data-testid={`${testId}-kind`}
      />
      {p.kind === 'partial' && (
        <>
          <span>{t('masking.partial.head')}</span>
          <InputNumber size="small" min={0} max={64} precision={0} value={p.head} onChange={(v) => set({ head: v ?? 0 })} data-testid={`${testId}-head`} />
          <span>{t('masking.partial.tail')}</span>
          <InputNumber size="small" min={0} max={64} precision={0} value={p.tail} onChange={(v) => set({ tail: v ?? 0 })} data-testid={`${testId}-tail`} />
          <span>{t('masking.chars')}</span>
        </>
      )}
      {p.kind === 'generalise' && (
        <>
          <Select style={{ minWidth: 180 }} value={p.how} options={hows.map((h) => ({ value: h, label: t(`masking.generalise.${h}` as MessageKey) }))} onChange={(h: How) => set({ how: h })} data-testid={`${testId}-how`} />
          {p.how === 'band' && (
            <>
              <span>{t('masking.generalise.band.width')}</span>
              <InputNumber size="small" min={1} max={1_000_000} precision={0} value={p.width} onChange={(v) => set({ width: v ?? 1 })} data-testid={`${testId}-width`} />
            </>
          )}
          {p.how === 'id_region' && (
            <Select
              value={p.digits}
              options={[2, 4, 6].map((d) => ({ value: d, label: `${t('masking.generalise.id_region.digits')} ${d}` }))}
              onChange={(d: 2 | 4 | 6) => set({ digits: d })}
              data-testid={`${testId}-digits`}
            />
          )}
        </>
      )}
      {p.kind === 'truncate' && (
        <>
          <span>{t('masking.truncate.length')}</span>
          <InputNumber size="small" min={1} max={64} precision={0} value={p.length} onChange={(v) => set({ length: v ?? 1 })} data-testid={`${testId}-length`} />
          <span>{t('masking.chars')}</span>
        </>
      )}
      {p.kind === 'suppress' && (
        <Select
          value={p.to}
          options={[
            { value: 'star', label: t('masking.suppress.star') },
            { value: 'null', label: t('masking.suppress.null') },
          ]}
          onChange={(to: 'star' | 'null') => set({ to })}
          data-testid={`${testId}-to`}
        />
      )}
    </Space>
  );
}

/** One form item per field (name `['masking', field]`), for a form whose values carry `masking`. */
export function MaskingFormItems({ fields }: { fields: readonly MaskableField[] }) {
  return (
    <>
      {fields.map((f) => (
        <Form.Item key={f.field} name={['masking', f.field]} label={f.label ? `${f.label}（${f.field}）` : f.field} style={{ marginBottom: 8 }}>
          <StrategyInput type={f.type} testId={`masking-${f.field}`} />
        </Form.Item>
      ))}
    </>
  );
}

/** The chosen strategies of a form's `masking` (the default ones left out). */
export function chosenMasking(values: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).filter((e): e is [string, string] => !!e[1]));
}

/** The masked fields of a grant with the strategy each leaves under, as tags. */
export function MaskingTags({ grant }: { grant: Grant }) {
  const { t } = useI18n();
  const masked = grant.maskDefaults.filter((d) => !grant.clearFields.includes(d.field));
  if (masked.length === 0) return null;
  return (
    <Space size={[4, 4]} wrap data-testid="grant-masking">
      {masked.map((d) => {
        const chosen = grant.masking[d.field];
        return (
          <Tag key={d.field} color={chosen ? 'blue' : 'default'} data-testid={`grant-masking-${d.field}`}>
            {`${d.field} · ${chosen ? strategyText(chosen, t) : `${strategyText(d.spec, t)}（${t('masking.default')}）`}`}
          </Tag>
        );
      })}
    </Space>
  );
}

/** The provider changes the strategies of a grant's masked fields, with a reason. */
export function MaskingModal({ grant, open, onClose, onSaved }: { grant: Grant; open: boolean; onClose: () => void; onSaved: (g: Grant) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ masking?: Record<string, string | undefined>; reason: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const fields = grant.maskDefaults.filter((d) => !grant.clearFields.includes(d.field));
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const next = await sharingApi.setMasking(grant.id, { masking: chosenMasking(v.masking), reason: v.reason.trim() });
      onSaved(next);
      form.resetFields();
      message.success(t('masking.saved'));
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['reason']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('masking.edit')}
      width={720}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      onOk={submit}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'grant-masking-submit' }}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t('masking.hint')} />
        {error && <Alert type="error" showIcon message={error} data-testid="grant-masking-error" />}
        <Form form={form} layout="vertical" initialValues={{ masking: { ...grant.masking }, reason: '' }}>
          {fields.length === 0 ? <Typography.Text type="secondary">{t('masking.none')}</Typography.Text> : <MaskingFormItems fields={fields} />}
          <Form.Item name="reason" label={t('masking.reason')} rules={[{ required: true, whitespace: true, message: t('masking.reason.required') }]}>
            <Input.TextArea rows={2} maxLength={1000} placeholder={t('masking.reason.placeholder')} data-testid="grant-masking-reason" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}
