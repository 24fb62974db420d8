/**
 * One share request as a case: its steps (提出 → 本单位签署 → 提供单位答复 → 提供数据), what it asks for
 * and why, each duty with its countdown and article, the outcome — and what the reader may do next.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Descriptions, Popconfirm, Space, Steps, Tag, Typography } from 'antd';
import { CheckOutlined, ClockCircleOutlined, CloseOutlined, EditOutlined, FieldTimeOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { sharingApi, type ShareRequest } from './api';
import { ApproveModal, ConsentModal, ExtendModal, RefuseModal } from './Dialogs';
import { SandboxApproveModal } from './SandboxSettings';
import { DisputeModal, canOpenDispute } from './DisputesPage';
import { ART_REQUEST, DutyLine, RequestStatusTag, canConsentExtension, canSign, isProviderAnswerer } from './parts';

type Dialog = 'approve' | 'refuse' | 'extend' | 'consent' | 'dispute' | null;

function stepsOf(r: ShareRequest): { current: number; status: 'process' | 'finish' | 'error' | 'wait' } {
  switch (r.status) {
    case 'awaiting_signature':
      return { current: 1, status: 'process' };
    case 'pending':
      return { current: 2, status: 'process' };
    case 'refused':
      return { current: 2, status: 'error' };
    case 'approved':
      return r.provideDuty?.status === 'open' ? { current: 3, status: 'process' } : { current: 3, status: 'finish' };
  }
}

/** The request `id` with its actions; `onChanged` is told after each step (the list reloads). */
export function RequestDetail({ id, onChanged }: { id: string; onChanged?: () => void }) {
  const me = useMe();
  const { t, dateTime, date } = useI18n();
  const { message } = App.useApp();
  const { data: r, error, reload } = useAsync(() => sharingApi.get(id), id);
  // The data items' labels and personal-information kinds come from the published entry.
  const entry = useAsync(() => (r ? api.catalog.get(r.entry.id).catch(() => undefined) : Promise.resolve(undefined)), r?.entry.id ?? '');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState<string | null>(null);

  if (error) return <Alert type="error" showIcon message={errorText(error, t)} />;
  if (!r) return null;

  const published = entry.data ? (entry.data.version === entry.data.publishedVersion ? entry.data : entry.data.published) : undefined;
  const labelOf = (name: string) => published?.fields.find((f) => f.name === name)?.label;
  const piiRequested = r.fields.filter((f) => !!published?.fields.find((c) => c.name === f)?.piiKind);
  const provider = isProviderAnswerer(me, r.provider.id);
  const pendingExtension = r.extension?.status === 'requested';
  const can = {
    sign: canSign(me, r),
    answer: provider && r.status === 'pending',
    extend: provider && r.status === 'pending' && !pendingExtension && r.duty?.status === 'open' && !r.duty.overdue && (r.duty.extensionCount ?? 0) === 0,
    consent: canConsentExtension(me) && r.status === 'pending' && pendingExtension,
    // Either party may raise a dispute once the requester has signed (000 第十六条).
    dispute: r.signedAt !== null && canOpenDispute(me, [r.requester.orgId, r.provider.id]),
  };
  const changed = (next: ShareRequest, done: string) => {
    message.success(done);
    setDialog(null);
    reload();
    onChanged?.();
    return next;
  };
  const run = async (key: string, call: () => Promise<ShareRequest>, done: string) => {
    setBusy(key);
    try {
      changed(await call(), done);
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };
  const steps = stepsOf(r);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="share-request-detail">
      <Steps
        size="small"
        labelPlacement="vertical"
        current={steps.current}
        status={steps.status}
        items={[
          { title: t('sharing.stepline.create'), description: dateTime(r.createdAt) },
          { title: t('sharing.stepline.sign'), description: r.signedAt ? dateTime(r.signedAt) : undefined },
          { title: t('sharing.stepline.answer'), description: r.decidedAt ? dateTime(r.decidedAt) : r.duty?.dueDate ? date(r.duty.dueDate) : undefined },
          { title: t('sharing.stepline.provide'), description: r.provideDuty?.dueDate ? date(r.provideDuty.dueDate) : undefined },
        ]}
      />

      {r.status === 'awaiting_signature' && (
        <Alert type="warning" showIcon icon={<EditOutlined />} message={t('sharing.toSign')} description={<LawHint source={ART_REQUEST} mode="line" />} />
      )}

      {(can.sign || can.answer || can.extend || can.consent || can.dispute) && (
        <Space wrap>
          {can.sign && (
            <Popconfirm
              title={t('sharing.sign.confirm')}
              onConfirm={() => run('sign', () => sharingApi.sign(r.id), t('sharing.signed'))}
              okButtonProps={{ 'data-testid': 'share-sign-confirm' }}
            >
              <Button type="primary" icon={<EditOutlined />} loading={busy === 'sign'} data-testid="share-sign">
                {t('sharing.sign')}
              </Button>
            </Popconfirm>
          )}
          {can.answer && (
            <Button type="primary" icon={<CheckOutlined />} onClick={() => setDialog('approve')} data-testid="share-approve">
              {t('sharing.approve')}
            </Button>
          )}
          {can.answer && (
            <Button danger icon={<CloseOutlined />} onClick={() => setDialog('refuse')} data-testid="share-refuse">
              {t('sharing.refuse')}
            </Button>
          )}
          {can.extend && (
            <Button icon={<FieldTimeOutlined />} onClick={() => setDialog('extend')} data-testid="share-extend">
              {t('sharing.extend')}
            </Button>
          )}
          {can.consent && (
            <Button type="primary" icon={<ClockCircleOutlined />} onClick={() => setDialog('consent')} data-testid="share-consent">
              {t('sharing.consent')}
            </Button>
          )}
          {can.dispute && (
            <Button onClick={() => setDialog('dispute')} data-testid="share-dispute">
              {t('sharing.dispute.open')}
            </Button>
          )}
        </Space>
      )}

      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('sharing.col.entry')}>
          <Link to={`/catalog/entries/${encodeURIComponent(r.entry.id)}`}>{r.entry.name ?? r.entry.code}</Link>{' '}
          <Typography.Text type="secondary">{`${r.entry.code} · v${r.entry.version}`}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.status')}>
          <RequestStatusTag status={r.status} />
          {r.shareAttr && <Tag>{t(`catalog.shareAttr.${r.shareAttr}`)}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.provider')}>{r.provider.name}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.requester')}>{`${r.requester.orgName} · ${r.requester.userName}`}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.fields')}>
          <Space size={[4, 4]} wrap data-testid="share-fields">
            {r.fields.map((f) => (
              <Tag key={f}>{labelOf(f) ? `${labelOf(f)}（${f}）` : f}</Tag>
            ))}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.basis')}>{r.basis}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.scenario')}>{r.scenario}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.scope')}>{r.scope}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.method')}>{t(`sharing.method.${r.method}`)}</Descriptions.Item>
        {r.columnPolicies && (
          <Descriptions.Item label={t('sharing.sandbox.policies')}>
            <Space size={[4, 4]} wrap data-testid="share-column-policies">
              {Object.entries(r.columnPolicies).map(([f, p]) => (
                <Tag key={f}>{`${labelOf(f) ?? f} · ${t(`sandbox.policy.${p}`)}`}</Tag>
              ))}
            </Space>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('sharing.col.validUntil')}>{date(r.validUntil)}</Descriptions.Item>
        {r.signedAt && <Descriptions.Item label={t('sharing.signedAt')}>{dateTime(r.signedAt)}</Descriptions.Item>}
        <Descriptions.Item label={t('sharing.duty.reply')}>
          <DutyLine duty={r.duty} late={r.late} />
        </Descriptions.Item>
        {r.extension && (
          <Descriptions.Item label={t('sharing.extension')}>
            <Space direction="vertical" size={2} data-testid="share-extension">
              <Space wrap>
                <Tag color={r.extension.status === 'consented' ? 'green' : r.extension.status === 'refused' ? 'red' : r.extension.status === 'moot' ? 'default' : 'orange'}>{t(`sharing.ext.${r.extension.status}`)}</Tag>
                {r.extension.days !== null && <span>{t('sharing.extension.days', { n: r.extension.days })}</span>}
              </Space>
              {r.extension.reason && <span>{`${t('sharing.extension.reason')}：${r.extension.reason}`}</span>}
              {r.extension.comment && <span>{`${t('sharing.extension.comment')}：${r.extension.comment}`}</span>}
            </Space>
          </Descriptions.Item>
        )}
        {r.extensionDuty && (
          <Descriptions.Item label={t('sharing.duty.extension')}>
            <DutyLine duty={r.extensionDuty} />
          </Descriptions.Item>
        )}
        {r.outcome && (
          <Descriptions.Item label={t('sharing.outcome')}>
            <span data-testid="share-outcome">{t(`sharing.outcome.${r.outcome}`)}</span>
            {r.decidedAt && <Typography.Text type="secondary">{` · ${dateTime(r.decidedAt)}`}</Typography.Text>}
          </Descriptions.Item>
        )}
        {r.reason && (
          <Descriptions.Item label={t('sharing.reason')}>
            <span data-testid="share-reason">{r.reason}</span>
          </Descriptions.Item>
        )}
        {r.refusalBasis && (
          <Descriptions.Item label={t('sharing.refusalBasis')}>
            <span data-testid="share-refusal-basis">{r.refusalBasis}</span>
          </Descriptions.Item>
        )}
        {r.grantId && (
          <Descriptions.Item label={t('sharing.grant')}>
            <Link to={`/sharing/grants?grant=${encodeURIComponent(r.grantId)}`} data-testid="share-grant-link">
              {t('sharing.grant.open', { id: r.grantId.slice(0, 8) })}
            </Link>
          </Descriptions.Item>
        )}
        {r.provideDuty && (
          <Descriptions.Item label={t('sharing.duty.provide')}>
            <DutyLine duty={r.provideDuty} />
          </Descriptions.Item>
        )}
      </Descriptions>

      <ApproveModal r={dialog === 'approve' && r.method !== 'sandbox' ? r : undefined} pii={piiRequested} labelOf={labelOf} typeOf={(n) => published?.fields.find((f) => f.name === n)?.type} onClose={() => setDialog(null)} onDone={(n) => changed(n, t('sharing.approved'))} />
      <SandboxApproveModal r={dialog === 'approve' && r.method === 'sandbox' ? r : undefined} fields={published?.fields ?? []} onClose={() => setDialog(null)} onDone={(n) => changed(n, t('sharing.approved'))} />
      <RefuseModal r={dialog === 'refuse' ? r : undefined} onClose={() => setDialog(null)} onDone={(n) => changed(n, t('sharing.refused'))} />
      <ExtendModal r={dialog === 'extend' ? r : undefined} onClose={() => setDialog(null)} onDone={(n) => changed(n, t('sharing.extend.sent'))} />
      <DisputeModal target={dialog === 'dispute' ? { shareRequestId: r.id } : undefined} onClose={() => setDialog(null)} />
      <ConsentModal r={dialog === 'consent' ? r : undefined} onClose={() => setDialog(null)} onDone={(n) => changed(n, t('sharing.consent.done'))} />
    </Space>
  );
}
