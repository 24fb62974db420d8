import { useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Flex, Form, Result, Space, Spin, Steps, type FormInstance } from 'antd';
import { LeftOutlined, RightOutlined, SaveOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../../api/client';
import type { CatalogEntry } from '../../../api/types';
import { useMe } from '../../../auth/AuthContext';
import { useI18n, type MessageKey } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { errorText } from '../../../lib/errors';
import { useLawText } from '../../../lib/law';
import { PageHeader } from '../../../components/PageHeader';
import { LawHint } from '../../../components/LawHint';
import { BasicsStep } from './BasicsStep';
import { FieldsStep } from './FieldsStep';
import { AttributesStep } from './AttributesStep';
import { ProvisionStep } from './ProvisionStep';
import { ReviewStep } from './ReviewStep';
import { useCatalogLabels } from '../labels';
import { adoptedPiiKinds, withAdoptedPii } from './adoptPii';
import { EMPTY_VALUES, fieldOfSource, namePath, STEP_FIELDS, STEP_KEYS, stepOfField, toInput, valuesOf, type WizardValues } from './model';

const STEP_TITLE: Record<(typeof STEP_KEYS)[number], MessageKey> = {
  basics: 'catalog.wizard.step.basics',
  fields: 'catalog.wizard.step.fields',
  attributes: 'catalog.wizard.step.attributes',
  provision: 'catalog.wizard.step.provision',
  review: 'catalog.wizard.step.review',
};
const STEP_DESC: Record<(typeof STEP_KEYS)[number], MessageKey> = {
  basics: 'catalog.wizard.step.basics.desc',
  fields: 'catalog.wizard.step.fields.desc',
  attributes: 'catalog.wizard.step.attributes.desc',
  provision: 'catalog.wizard.step.provision.desc',
  review: 'catalog.wizard.step.review.desc',
};

const EDITABLE = new Set(['draft', 'returned']);

/**
 * 目录登记: registers a catalog entry step by step, or (at /catalog/entries/:id/edit) edits the
 * draft or returned version. Saving makes a draft; the data officer submits it from its page.
 */
export function RegisterWizardPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useI18n();
  const existing = useAsync(() => (id ? api.catalog.get(id) : Promise.resolve(null)), id ?? 'new');

  if (id && existing.loading && !existing.data) {
    return (
      <div className="full-center" style={{ minHeight: 300 }}>
        <Spin />
      </div>
    );
  }
  if (id && existing.error) return <Alert type="error" showIcon message={errorText(existing.error, t)} />;
  const entry = existing.data ?? null;
  if (entry && !EDITABLE.has(entry.status)) {
    return <Result status="warning" title={t('catalog.wizard.notEditable', { status: t(`catalog.status.${entry.status}`) })} />;
  }
  return <Wizard key={entry?.versionId ?? 'new'} entry={entry} />;
}

function Wizard({ entry }: { entry: CatalogEntry | null }) {
  const me = useMe();
  const { t } = useI18n();
  const lawText = useLawText();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<WizardValues>();
  // Kinds of personal information adopted on the entry's page (识别个人信息) open the data items step, filled in.
  const location = useLocation();
  const piiLabel = useCatalogLabels().pii;
  const [adopted] = useState(() => (entry ? adoptedPiiKinds(location.state) : null));
  const [step, setStep] = useState(adopted ? 1 : 0);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [reviewInput, setReviewInput] = useState(() => toInput({ ...EMPTY_VALUES, ...(entry ? valuesOf(entry) : {}) } as WizardValues));
  const initialValues = useMemo(() => (entry ? withAdoptedPii(valuesOf(entry), adopted) : EMPTY_VALUES), [entry, adopted]);
  const providerName = entry?.provider.name ?? me.org.name;
  const isUpdate = !!entry && (entry.version > 1 || entry.publishedVersion !== null);

  /** Validates the fields of the steps up to `upTo`; on failure shows the first step with an error. */
  const validateSteps = async (from: number, upTo: number): Promise<boolean> => {
    for (let i = from; i <= upTo; i++) {
      const key = STEP_KEYS[i];
      if (!key) continue;
      const names = STEP_FIELDS[key].map((n) => [n]);
      if (names.length === 0) continue;
      try {
        await form.validateFields(names, { recursive: true });
      } catch {
        setStep(i);
        return false;
      }
    }
    return true;
  };

  const go = async (target: number) => {
    if (target > step && !(await validateSteps(step, target - 1))) return;
    if (target === STEP_KEYS.length - 1) setReviewInput(toInput(form.getFieldsValue(true) as WizardValues));
    setStep(target);
  };

  /** Puts a refusal under the field it concerns (with its article) and opens that field's step. */
  const showRefusal = (e: unknown) => {
    if (!(e instanceof ApiError)) return;
    const basis = e.source ? ` ${t('law.basis', { text: lawText(e.source) })}` : '';
    const registered = form.getFieldsError().map((f) => f.name);
    const place = (path: (string | number)[]) => {
      const key = path.join('.');
      const exact = registered.find((n) => n.join('.') === key);
      if (exact) return exact;
      const parent = registered.filter((n) => key.startsWith(`${n.join('.')}.`)).sort((a, b) => b.length - a.length)[0];
      return parent ?? registered.find((n) => n.join('.').startsWith(`${key}.`));
    };
    const targets = e.fields.length > 0 ? e.fields.map((f) => ({ path: namePath(f.field), text: f.message })) : [];
    const fromSource = fieldOfSource(e.source);
    if (targets.length === 0 && fromSource) targets.push({ path: fromSource, text: e.message });
    const placed = targets.flatMap((x) => {
      const name = place(x.path);
      // Rule messages usually end with their article already ("…（依据 000 第十三条）").
      const text = x.text.includes('依据') ? x.text : `${x.text}${basis}`;
      return name ? [{ name, errors: [text] }] : [];
    });
    // The paths come from the form's own registered fields, so they are valid names of its values.
    (form as FormInstance).setFields(placed);
    const first = placed[0];
    if (first) setStep(stepOfField(String(first.name[0])));
  };

  const save = async () => {
    if (!(await validateSteps(0, STEP_KEYS.length - 2))) return;
    const body = toInput(form.getFieldsValue(true) as WizardValues);
    setSaving(true);
    setError(null);
    try {
      const saved = entry ? await api.catalog.update(entry.id, body) : await api.catalog.create(body);
      message.success(t('catalog.wizard.saved', { name: saved.name }));
      navigate(`/catalog/entries/${encodeURIComponent(saved.id)}`);
    } catch (e) {
      showRefusal(e);
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setSaving(false);
    }
  };

  const last = STEP_KEYS.length - 1;
  const source = error instanceof ApiError ? error.source : undefined;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={entry ? t('catalog.wizard.editTitle', { name: entry.name, version: entry.version }) : t('page.catalogRegister')}
        description={t('catalog.wizard.description')}
      />
      {entry?.status === 'returned' && entry.reviewComment && (
        <Alert type="error" showIcon message={t('catalog.wizard.returned')} description={entry.reviewComment} data-testid="wizard-returned" />
      )}
      {adopted && (
        <Alert
          type="info"
          showIcon
          message={t('pii.detect.adopted', { list: Object.entries(adopted).map(([name, kind]) => `${name}：${piiLabel(kind)}`).join('、') })}
          data-testid="wizard-pii-adopted"
        />
      )}
      <Card>
        <Steps
          current={step}
          onChange={(i) => void go(i)}
          items={STEP_KEYS.map((k) => ({ title: t(STEP_TITLE[k]), description: t(STEP_DESC[k]) }))}
          data-testid="wizard-steps"
          style={{ marginBottom: 24 }}
        />
        {error && (
          <Alert
            type="error"
            showIcon
            message={errorText(error, t)}
            description={source ? <LawHint mode="line" source={source} /> : undefined}
            style={{ marginBottom: 16 }}
            data-testid="wizard-error"
          />
        )}
        <Form<WizardValues> form={form} layout="vertical" initialValues={initialValues} scrollToFirstError>
          {/* Every step stays mounted (hidden) so its values and server errors survive moving between steps. */}
          <div hidden={step !== 0} data-testid="wizard-step-basics">
            <BasicsStep providerName={providerName} />
          </div>
          <div hidden={step !== 1} data-testid="wizard-step-fields">
            <FieldsStep form={form} />
          </div>
          <div hidden={step !== 2} data-testid="wizard-step-attributes">
            <AttributesStep form={form} />
          </div>
          <div hidden={step !== 3} data-testid="wizard-step-provision">
            <ProvisionStep form={form} isUpdate={isUpdate} />
          </div>
          {step === last && (
            <div data-testid="wizard-step-review">
              <ReviewStep input={reviewInput} providerName={providerName} />
            </div>
          )}
        </Form>
        <Flex justify="space-between" style={{ marginTop: 24 }}>
          <Button icon={<LeftOutlined />} disabled={step === 0} onClick={() => setStep(step - 1)} data-testid="wizard-prev">
            {t('catalog.wizard.prev')}
          </Button>
          {step < last ? (
            <Button type="primary" onClick={() => void go(step + 1)} data-testid="wizard-next">
              {t('catalog.wizard.next')} <RightOutlined />
            </Button>
          ) : (
            <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => void save()} data-testid="wizard-save">
              {t('catalog.wizard.saveDraft')}
            </Button>
          )}
        </Flex>
      </Card>
    </Space>
  );
}
