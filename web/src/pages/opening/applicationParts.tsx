/**
 * What the conditional open application pages share (000 第二十条): status tags, the case's steps
 * and timeline, and the provider's and approvers' dialogs (refuse with reason and legal basis,
 * apply for an extension, consent to or refuse one).
 */
import { useState, type ReactNode } from 'react';
import { Alert, Card, Descriptions, Drawer, Form, Input, InputNumber, Modal, Radio, Space, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { useI18n, type I18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { useNumberParam } from '../../lib/law';
import { LawHint } from '../../components/LawHint';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { DutyLine, dutyLineText } from '../sharing/parts';
import { RefusalModal, type RefusalTexts } from '../sharing/Dialogs';
import { applicationsApi, type DemandStatus, type OpenApplication, type OpenApplicationStatus, type TimelineItem } from './applicationsApi';

/** The articles the pages cite. */
export const ART_OPEN_APPLY = '000 第二十条';
export const ART_DEMANDS = '000 第十八条';

const APPLICATION_TONE: Record<OpenApplicationStatus, Tone> = { pending: 'progress', approved: 'approved', refused: 'refused' };
const DEMAND_TONE: Record<DemandStatus, Tone> = { open: 'waiting', planned: 'progress', opened: 'approved', refused: 'refused' };

export function ApplicationStatusTag({ status }: { status: OpenApplicationStatus }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={APPLICATION_TONE[status]} testId="oa-status">
      {t(`oa.status.${status}`)}
    </StatusTag>
  );
}

export function DemandStatusTag({ status }: { status: DemandStatus }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={DEMAND_TONE[status]} testId="od-status">
      {t(`od.status.${status}`)}
    </StatusTag>
  );
}

/** The text {@link ReplyDue} shows, for a list's export. */
export function replyDueText(a: OpenApplication, i18n: Pick<I18n, 't' | 'date'>): string {
  const line = dutyLineText(a.duty, a.late, i18n);
  return a.extension ? `${line}\n${i18n.t(`oa.extension.${a.extension.status}`, { n: a.extension.days ?? 0 })}` : line;
}

/** The reply countdown of a row, and the extension's state when there is one. */
export function ReplyDue({ a }: { a: OpenApplication }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size={2}>
      <DutyLine duty={a.duty} late={a.late} />
      {a.extension && (
        <Tag color={a.extension.status === 'consented' ? 'green' : a.extension.status === 'refused' ? 'red' : a.extension.status === 'requested' ? 'orange' : 'default'} data-testid="oa-extension">
          {t(`oa.extension.${a.extension.status}`, { n: a.extension.days ?? 0 })}
        </Tag>
      )}
    </Space>
  );
}

const ACTION_KEYS: Record<string, MessageKey> = {
  'opening.application_create': 'oa.action.create',
  'opening.application_approve': 'oa.action.approve',
  'opening.application_refuse': 'oa.action.refuse',
  'opening.extension_request': 'oa.action.extensionRequest',
  'opening.extension_consent': 'oa.action.extensionConsent',
  'opening.extension_refuse': 'oa.action.extensionRefuse',
};

/** One application: its steps, what was asked, the answer, the extension and the timeline from the audit chain. */
export function ApplicationDetail({ a, timeline }: { a: OpenApplication; timeline: TimelineItem[] }) {
  const { t, date, dateTime } = useI18n();
  const current = a.status === 'pending' ? 1 : 2;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="oa-detail">
      <Steps
        size="small"
        current={current}
        status={a.status === 'refused' ? 'error' : a.status === 'approved' ? 'finish' : 'process'}
        items={[{ title: t('oa.step.submitted') }, { title: t('oa.step.reply') }, { title: a.status === 'refused' ? t('oa.status.refused') : t('oa.step.granted') }]}
      />
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('oa.col.entry')}>
          {a.entry.name ?? a.entry.code} <Typography.Text type="secondary" className="small mono">{a.entry.code}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('oa.col.provider')}>{a.provider.name}</Descriptions.Item>
        <Descriptions.Item label={t('oa.col.applicant')}>{`${a.applicant.orgName}（${a.applicant.userName}）`}</Descriptions.Item>
        <Descriptions.Item label={t('oa.col.status')}>
          <ApplicationStatusTag status={a.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('oa.purpose')}>{a.purpose}</Descriptions.Item>
        <Descriptions.Item label={t('oa.scenario')}>{a.scenario}</Descriptions.Item>
        <Descriptions.Item label={t('oa.validUntil')}>{date(a.validUntil)}</Descriptions.Item>
        <Descriptions.Item label={t('oa.securityMeasures')}>{a.securityMeasures}</Descriptions.Item>
        <Descriptions.Item label={t('oa.method')}>{t(`oa.method.${a.method}`)}</Descriptions.Item>
        <Descriptions.Item label={t('oa.fields')}>{a.fields.join('、')}</Descriptions.Item>
        <Descriptions.Item label={t('oa.col.due')}>
          <ReplyDue a={a} />
        </Descriptions.Item>
        {a.decidedAt && <Descriptions.Item label={t('oa.decidedAt')}>{dateTime(a.decidedAt)}</Descriptions.Item>}
        {a.reason && <Descriptions.Item label={t('sharing.reason')}>{a.reason}</Descriptions.Item>}
        {a.basis && <Descriptions.Item label={t('oa.basis')}>{a.basis}</Descriptions.Item>}
      </Descriptions>
      {a.status === 'refused' && (
        <Alert type="error" showIcon data-testid="oa-refusal" message={t('oa.refusedBecause', { reason: a.reason ?? '', basis: a.basis ?? '' })} description={<LawHint source={ART_OPEN_APPLY} mode="line" />} />
      )}
      {a.extension && (
        <Card size="small" title={t('oa.extension.title')} data-testid="oa-extension-card">
          <Typography.Paragraph>{t('oa.extension.asked', { n: a.extension.days ?? 0, reason: a.extension.reason ?? '' })}</Typography.Paragraph>
          {a.extension.approvers.map((p) => (
            <div key={p.role}>
              <Typography.Text strong>{t('oa.extension.approver', { label: p.label })}</Typography.Text>{' '}
              {p.vote ? (
                <Tag color={p.vote.decision === 'consent' ? 'green' : 'red'}>{`${t(p.vote.decision === 'consent' ? 'oa.vote.consent' : 'oa.vote.refuse')}：${p.vote.comment}（${p.vote.orgName} ${dateTime(p.vote.at)}）`}</Tag>
              ) : (
                <Tag color="orange">{t('oa.vote.waiting')}</Tag>
              )}
            </div>
          ))}
          <LawHint source={ART_OPEN_APPLY} mode="line" />
        </Card>
      )}
      <Card size="small" title={t('oa.timeline')}>
        <Timeline
          data-testid="oa-timeline"
          items={timeline.map((ev) => ({
            key: `${ev.at}-${ev.action}`,
            color: ev.action.endsWith('approve') || ev.action.endsWith('consent') ? 'green' : ev.action.endsWith('refuse') ? 'red' : 'blue',
            children: (
              <Space direction="vertical" size={0}>
                <span>{ACTION_KEYS[ev.action] ? t(ACTION_KEYS[ev.action] as MessageKey) : ev.action}</span>
                <Typography.Text type="secondary" className="small">{`${dateTime(ev.at)} · ${ev.org ?? ''} ${ev.actor ?? ''}`}</Typography.Text>
              </Space>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}

/** A drawer that loads one application with its timeline; `children` renders the actions the caller may take. */
export function ApplicationDrawer({ id, tick, onClose, children }: { id: string | undefined; tick: number; onClose: () => void; children?: (a: OpenApplication) => ReactNode }) {
  const { t } = useI18n();
  const { data, error, loading } = useAsync(() => (id ? applicationsApi.get(id) : Promise.resolve(undefined)), `${id ?? ''}:${tick}`);
  return (
    <Drawer open={!!id} onClose={onClose} width={Math.min(720, window.innerWidth)} title={t('oa.detail')} destroyOnHidden data-testid="oa-drawer">
      {loading && !data && <Spin />}
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {data && data.id === id && (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          {children?.(data)}
          <ApplicationDetail a={data} timeline={data.timeline} />
        </Space>
      )}
    </Drawer>
  );
}

interface DialogProps {
  a: OpenApplication | undefined;
  onClose: () => void;
  onDone: (a: OpenApplication) => void;
}

const OPEN_REFUSAL: RefusalTexts = {
  title: 'oa.refuse.title',
  hint: 'oa.refuse.hint',
  reasonRequired: 'sharing.refuse.reason.required',
  reasonPlaceholder: 'oa.refuse.reason.placeholder',
  basisRequired: 'oa.refuse.basis.required',
  source: ART_OPEN_APPLY,
  testId: 'oa-refuse',
};

/** 不同意开放: "应当说明理由并提供法律依据" (000 第二十条). */
export function RefuseApplicationModal({ a, onClose, onDone }: DialogProps) {
  return <RefusalModal open={!!a} texts={OPEN_REFUSAL} onClose={onClose} onDone={onDone} onSubmit={(v) => applicationsApi.decide(a?.id ?? '', { decision: 'refuse', ...v })} />;
}

function useSubmit() {
  const { t } = useI18n();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (form: Parameters<typeof applyFieldErrors>[0], fields: readonly string[], call: () => Promise<OpenApplication>, onDone: (a: OpenApplication) => void) => {
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

/** The provider applies for more time: at most the profile's days, before the window ends; both approvers must consent. */
export function ExtendApplicationModal({ a, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const max = useNumberParam('conditionalOpenExtensionMaxDays');
  const n = max?.value ?? 5;
  const [form] = Form.useForm<{ days: number; reason: string }>();
  const { saving, error, setError, run } = useSubmit();
  const submit = async () => {
    if (!a) return;
    const v = await form.validateFields();
    await run(form, ['days', 'reason'], () => applicationsApi.extend(a.id, { days: v.days, reason: v.reason.trim() }), onDone);
  };
  return (
    <Modal open={!!a} title={t('oa.extend.title')} onCancel={() => (setError(undefined), onClose())} onOk={submit} confirmLoading={saving} okButtonProps={{ 'data-testid': 'oa-extend-submit' }} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t('oa.extend.hint', { n })} description={<LawHint source={max?.source ?? ART_OPEN_APPLY} mode="line" />} />
        {error && <Alert type="error" showIcon message={error} data-testid="oa-extend-error" />}
        <Form form={form} layout="vertical">
          <Form.Item
            name="days"
            label={t('sharing.extend.days')}
            extra={t('sharing.extend.days.max', { n })}
            rules={[
              { required: true, message: t('sharing.extend.days.required') },
              { type: 'number', min: 1, max: n, message: t('sharing.extend.days.max', { n }) },
            ]}
          >
            <InputNumber min={1} precision={0} style={{ width: 160 }} data-testid="oa-extend-days" />
          </Form.Item>
          <Form.Item name="reason" label={t('sharing.extend.reason')} rules={[{ required: true, whitespace: true, message: t('sharing.extend.reason.required') }]}>
            <Input.TextArea rows={3} maxLength={1000} placeholder={t('sharing.extend.reason.placeholder')} data-testid="oa-extend-reason" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

/** An approver (the authority or the platform operator) consents to or refuses the extension, with its comment. */
export function ExtensionVoteModal({ a, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ decision: 'consent' | 'refuse'; comment: string }>();
  const { saving, error, setError, run } = useSubmit();
  const submit = async () => {
    if (!a) return;
    const v = await form.validateFields();
    await run(form, ['comment'], () => applicationsApi.extensionDecision(a.id, { decision: v.decision, comment: v.comment.trim() }), onDone);
  };
  return (
    <Modal open={!!a} title={t('oa.vote.title')} onCancel={() => (setError(undefined), onClose())} onOk={submit} confirmLoading={saving} okButtonProps={{ 'data-testid': 'oa-vote-submit' }} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        {a?.extension && <Alert type="info" showIcon message={t('oa.extension.asked', { n: a.extension.days ?? 0, reason: a.extension.reason ?? '' })} description={<LawHint source={ART_OPEN_APPLY} mode="line" />} />}
        {error && <Alert type="error" showIcon message={error} data-testid="oa-vote-error" />}
        <Form form={form} layout="vertical" initialValues={{ decision: 'consent' }}>
          <Form.Item name="decision" label={t('sharing.consent.decision')} extra={t('oa.vote.both')}>
            <Radio.Group
              options={[
                { value: 'consent', label: t('oa.vote.consent') },
                { value: 'refuse', label: t('oa.vote.refuse') },
              ]}
            />
          </Form.Item>
          <Form.Item name="comment" label={t('oa.vote.comment')} rules={[{ required: true, whitespace: true, message: t('oa.vote.comment.required') }]}>
            <Input.TextArea rows={3} maxLength={1000} data-testid="oa-vote-comment" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}
