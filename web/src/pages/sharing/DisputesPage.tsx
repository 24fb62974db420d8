/**
 * 共享争议 (000 第十六条): negotiation between the two institutions; failing that, coordination by the
 * sharing authority at the same level; failing that, the decision of the government at that level.
 * Cross-level and cross-region disputes go to the provincial authority. Each step is recorded with
 * its outcome and shows on the case's timeline.
 */
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, Modal, Radio, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import type { Me } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { disputesApi, type Dispute, type DisputeAction, type DisputeStatus, type DisputeStep } from './api';
import { LIST_KEYS, ListFilters, listQueryOf, usePagination } from './ListFilters';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';

export const ART_DISPUTES = '000 第十六条';

/** Either party's data officer or org admin raises a dispute (the server checks again). */
export const canOpenDispute = (me: Me, partyOrgIds: readonly string[]): boolean =>
  partyOrgIds.includes(me.org.id) && (me.user.roles.includes('data_officer') || me.user.roles.includes('org_admin'));

const DISPUTE_TONE: Record<DisputeStatus, Tone> = { negotiation: 'progress', coordination: 'progress', decision: 'progress', resolved: 'approved', decided: 'approved' };

export function DisputeStatusTag({ d }: { d: Pick<Dispute, 'status' | 'actions'> }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={d.actions.length > 0 ? 'waiting' : DISPUTE_TONE[d.status]} testId="dispute-status">
      {t(`sharing.dispute.status.${d.status}`)}
    </StatusTag>
  );
}

function RouteTag({ route }: { route: Dispute['route'] }) {
  const { t } = useI18n();
  return <Tag color={route === 'same_level' ? 'default' : 'gold'}>{t(`sharing.dispute.route.${route}`)}</Tag>;
}

/** A party raises a dispute over a share request or a grant: the matter and its claim. */
export function DisputeModal({ target, onClose }: { target: { shareRequestId: string } | { grantId: string } | undefined; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ subject: string; claim: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async () => {
    if (!target) return;
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const d = await disputesApi.open({ ...target, subject: v.subject.trim(), claim: v.claim.trim() });
      message.success(t('sharing.dispute.opened'));
      onClose();
      navigate(`/sharing/disputes?case=${encodeURIComponent(d.id)}`);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['subject', 'claim']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={!!target}
      title={t('sharing.dispute.new.title')}
      onCancel={() => {
        setError(undefined);
        onClose();
      }}
      onOk={submit}
      okText={t('sharing.dispute.open')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'dispute-submit' }}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t('sharing.dispute.new.hint')} description={<LawHint source={ART_DISPUTES} mode="line" />} />
        {error && <Alert type="error" showIcon message={error} data-testid="dispute-error" />}
        <Form form={form} layout="vertical">
          <Form.Item name="subject" label={t('sharing.dispute.subject')} rules={[{ required: true, whitespace: true, message: t('sharing.dispute.subject.required') }]}>
            <Input maxLength={200} placeholder={t('sharing.dispute.subject.placeholder')} data-testid="dispute-subject" />
          </Form.Item>
          <Form.Item name="claim" label={t('sharing.dispute.claim')} rules={[{ required: true, whitespace: true, message: t('sharing.dispute.claim.required') }]}>
            <Input.TextArea rows={4} maxLength={4000} placeholder={t('sharing.dispute.claim.placeholder')} data-testid="dispute-claim" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

/** The next step the caller records: one of the actions the view allows, with its outcome and record (both required). */
function StepForm({ d, onDone }: { d: Dispute; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ action: DisputeAction; outcome: string; text: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const stage = d.status === 'negotiation' ? 'negotiation' : 'coordination';
  const actionLabel = (a: DisputeAction) => (a === 'decide' ? t('sharing.dispute.action.decide') : t(`sharing.dispute.action.${a}.${stage}`));
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      await disputesApi.step(d.id, { action: v.action, outcome: v.outcome.trim(), text: v.text.trim() });
      message.success(t('sharing.dispute.stepDone'));
      form.resetFields();
      onDone();
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['outcome', 'text']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t(d.nextActor === 'parties' ? 'sharing.dispute.step.parties' : 'sharing.dispute.step.authority')} data-testid="dispute-step-form">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="dispute-step-error" />}
      <Form form={form} layout="vertical" initialValues={{ action: d.actions[0] }}>
        <Form.Item name="action" label={t('sharing.dispute.action')} rules={[{ required: true, message: t('sharing.dispute.action.required') }]}>
          <Radio.Group options={d.actions.map((a) => ({ value: a, label: <span data-testid={`dispute-action-${a}`}>{actionLabel(a)}</span> }))} />
        </Form.Item>
        <Form.Item name="outcome" label={t('sharing.dispute.outcome')} rules={[{ required: true, whitespace: true, message: t('sharing.dispute.outcome.required') }]}>
          <Input maxLength={500} placeholder={t('sharing.dispute.outcome.placeholder')} data-testid="dispute-outcome" />
        </Form.Item>
        <Form.Item name="text" label={t('sharing.dispute.text')} rules={[{ required: true, whitespace: true, message: t('sharing.dispute.text.required') }]}>
          <Input.TextArea rows={3} maxLength={4000} placeholder={t('sharing.dispute.text.placeholder')} data-testid="dispute-text" />
        </Form.Item>
        <Button type="primary" loading={saving} onClick={submit} data-testid="dispute-step-submit">
          {t('sharing.dispute.record')}
        </Button>
      </Form>
    </Card>
  );
}

function StepItem({ s }: { s: DisputeStep }) {
  const { t, dateTime } = useI18n();
  const status = (x: DisputeStatus) => t(`sharing.dispute.status.${x}`);
  return (
    <Space direction="vertical" size={2} data-testid="dispute-step">
      <Typography.Text strong>{`${t(`sharing.dispute.stepAction.${s.action}`)} · ${s.from ? `${status(s.from)} → ` : ''}${status(s.to)}`}</Typography.Text>
      <Typography.Text type="secondary">{`${s.actor.orgName} · ${s.actor.userName} · ${dateTime(s.at)}`}</Typography.Text>
      <span>{`${t('sharing.dispute.outcome')}：${s.outcome}`}</span>
      {s.text && <Typography.Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>{s.text}</Typography.Paragraph>}
    </Space>
  );
}

function DisputeDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t, dateTime } = useI18n();
  const { data: d, error, reload } = useAsync(() => disputesApi.get(id), id);
  if (error) return <Alert type="error" showIcon message={errorText(error, t)} />;
  if (!d || d.id !== id) return null;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="dispute-detail">
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('sharing.dispute.subject')}>{d.subject}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.status')}>
          <Space wrap>
            <DisputeStatusTag d={d} />
            <RouteTag route={d.route} />
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.dispute.claimant')}>{d.claimant.name}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.dispute.respondent')}>{d.respondent.name}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.dispute.authority')}>{`${d.authority.name}（${d.level.name}）`}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.dispute.government')}>{d.government}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.dispute.case')}>
          {d.case.type === 'share_request' ? (
            <Link to={`/sharing/requests/${encodeURIComponent(d.case.id)}`}>{t('sharing.dispute.case.share_request', { id: d.case.id.slice(0, 8) })}</Link>
          ) : (
            <Link to={`/sharing/grants?grant=${encodeURIComponent(d.case.id)}`}>{t('sharing.dispute.case.grant', { id: d.case.id.slice(0, 8) })}</Link>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.dispute.claim')}>
          <span style={{ whiteSpace: 'pre-wrap' }}>{d.claim}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.dispute.nextActor')}>
          <span data-testid="dispute-next-actor">{d.nextActor ? t(`sharing.dispute.next.${d.nextActor}`, { authority: d.authority.name }) : t('sharing.dispute.closed', { at: dateTime(d.closedAt) })}</span>
        </Descriptions.Item>
      </Descriptions>
      <LawHint source={ART_DISPUTES} mode="line" />
      <Card size="small" title={t('sharing.dispute.timeline')}>
        <Timeline
          data-testid="dispute-timeline"
          items={d.steps.map((s) => ({
            key: s.seq,
            color: s.to === 'resolved' || s.to === 'decided' ? 'green' : s.action === 'escalate' ? 'orange' : 'blue',
            children: <StepItem s={s} />,
          }))}
        />
      </Card>
      {d.actions.length > 0 && (
        <StepForm
          key={d.status}
          d={d}
          onDone={() => {
            reload();
            onChanged();
          }}
        />
      )}
    </Space>
  );
}

/**
 * 共享争议: the disputes my org is a party to, or (for a sharing authority) coordinates; status,
 * route and who acts next; `?case=` opens one with its timeline and the step the reader may record.
 */
export function DisputesPage() {
  const me = useMe();
  const { t, dateTime } = useI18n();
  const isAuthority = me.org.roles.includes('sharing_authority');
  const isAdmin = me.org.roles.includes('platform_admin');
  const [query, setQuery, queryKey] = useUrlState(['role', 'case', 'status', ...LIST_KEYS] as const);
  const roles = [...(me.org.roles.includes('institution') ? (['party'] as const) : []), ...(isAuthority ? (['authority'] as const) : []), ...(isAdmin ? (['all'] as const) : [])];
  const role = roles.find((r) => r === query.role) ?? roles[0] ?? 'party';
  const status = query.status === 'open' || query.status === 'closed' ? query.status : undefined;
  const { entryId: _entry, ...filters } = listQueryOf(query);
  const { data, error, loading, reload } = useAsync(() => disputesApi.list(role, { ...(status ? { status } : {}), ...filters }), `${role}:${queryKey.replace(/(^|&)case=[^&]*/, '')}`);
  const pagination = usePagination(query, data?.total, setQuery);

  const columns: ExportableColumns<Dispute> = [
    {
      title: t('sharing.dispute.subject'),
      key: 'subject',
      render: (_, d) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQuery({ case: d.id })} data-testid="dispute-open">
          {d.subject}
        </Button>
      ),
    },
    { title: t('sharing.dispute.parties'), key: 'parties', width: 280, render: (_, d) => `${d.claimant.name} ↔ ${d.respondent.name}` },
    { title: t('sharing.col.status'), key: 'status', width: 130, exportText: (d) => t(`sharing.dispute.status.${d.status}`), render: (_, d) => <DisputeStatusTag d={d} /> },
    {
      title: t('sharing.dispute.route'),
      key: 'route',
      width: 220,
      exportText: (d) => `${t(`sharing.dispute.route.${d.route}`)} ${d.authority.name}`,
      render: (_, d) => (
        <Space direction="vertical" size={0}>
          <RouteTag route={d.route} />
          <Typography.Text type="secondary" className="small">
            {d.authority.name}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('sharing.dispute.nextActor'), key: 'next', width: 160, render: (_, d) => (d.nextActor ? t(`sharing.dispute.nextShort.${d.nextActor}`) : '—') },
    { title: t('sharing.col.createdAt'), key: 'createdAt', width: 170, render: (_, d) => dateTime(d.createdAt) },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.disputes')}
        description={
          <>
            {t('sharing.dispute.description')} <LawHint source={ART_DISPUTES} />
          </>
        }
      />
      <Card>
        {roles.length > 1 && (
          <Tabs activeKey={role} onChange={(k) => setQuery({ role: k, case: null, page: null })} items={roles.map((k) => ({ key: k, label: t(`sharing.dispute.role.${k}`) }))} />
        )}
        <Space wrap size={8}>
          <Select
            allowClear
            value={status}
            placeholder={t('sharing.col.status')}
            onChange={(v: string | undefined) => setQuery({ status: v ?? null, page: null })}
            options={(['open', 'closed'] as const).map((s) => ({ value: s, label: t(`sharing.dispute.filter.${s}`) }))}
            style={{ width: 140 }}
          />
          <ListFilters
            q={query}
            set={setQuery}
            orgLabel={t('sharing.list.counterpart')}
            entry={false}
            extra={
              <ExportXlsxButton
                title={t('page.disputes')}
                columns={columns}
                pageSize={500}
                fetchPage={({ limit, offset }) => disputesApi.list(role, { ...(status ? { status } : {}), ...filters, limit, offset })}
              />
            }
          />
        </Space>
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<Dispute>
          data-testid="disputes-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('sharing.dispute.empty') }}
          scroll={{ x: 1100 }}
          pagination={pagination}
          style={{ marginTop: 12 }}
        />
      </Card>
      <Drawer open={!!query.case} onClose={() => setQuery({ case: null })} width={760} title={t('sharing.dispute.detail')} destroyOnHidden>
        {query.case && <DisputeDetail id={query.case} onChanged={reload} />}
      </Drawer>
    </Space>
  );
}
