/**
 * 扩大使用/提供第三方 (000 第十五条): the subject org asks the provider to widen a grant's use or to
 * pass its data to a third institution; the provider consents (the grant is amended, or a new one
 * made for the third org) or refuses with reason and basis, within the reply period.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, DatePicker, Descriptions, Drawer, Form, Input, Modal, Popconfirm, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api } from '../../api/client';
import type { Me } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n, type I18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { dayToPicker, pickerDay, todayInBeijing } from '../../lib/dates';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { OrgSelect } from '../../components/OrgSelect';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { USE_REQUEST_STATUSES, useLimitApi, type Grant, type UseRequest, type UseRequestKind, type UseRequestStatus } from './api';
import { LIST_KEYS, ListFilters, listQueryOf, usePagination } from './ListFilters';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { ART_USE_LIMITS, DutyLine, dutyLineText, isProviderAnswerer } from './parts';
import { RefusalModal, type RefusalTexts } from './Dialogs';

/** "经数据提供单位同意": the subject org's data officer asks (the server checks again). */
export const canRequestUse = (me: Me, subjectId: string): boolean => me.org.id === subjectId && me.user.roles.includes('data_officer');

const USE_TONE: Record<UseRequestStatus, Tone> = { pending: 'progress', approved: 'approved', refused: 'refused' };

export function UseRequestStatusTag({ status, mine }: { status: UseRequestStatus; mine?: boolean }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={status === 'pending' && mine ? 'waiting' : USE_TONE[status]} testId="use-status">
      {t(`sharing.use.status.${status}`)}
    </StatusTag>
  );
}

/** The last line of {@link AskedCell}: fields, time limit, third org. */
function askedTerms(u: UseRequest, { t, date }: Pick<I18n, 't' | 'date'>): string {
  return [
    u.fields ? t('sharing.fieldsCount', { n: u.fields.length }) : t('sharing.use.sameFields'),
    u.validUntil ? `${t('sharing.col.validUntil')} ${date(u.validUntil)}` : null,
    u.thirdOrg ? `${t('sharing.use.thirdOrg')}：${u.thirdOrg.name}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What a use request asks for, in one block: purpose, scope, fields, time limit, third org. */
function AskedCell({ u }: { u: UseRequest }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Space direction="vertical" size={0}>
      <Typography.Text ellipsis={{ tooltip: u.purpose }} style={{ maxWidth: 320 }}>
        {u.purpose}
      </Typography.Text>
      <Typography.Text type="secondary" className="small" ellipsis={{ tooltip: u.scope }} style={{ maxWidth: 320 }}>
        {`${t('sharing.scope')}：${u.scope}`}
      </Typography.Text>
      <Typography.Text type="secondary" className="small">
        {askedTerms(u, i18n)}
      </Typography.Text>
    </Space>
  );
}

const USE_REFUSAL: RefusalTexts = {
  title: 'sharing.use.refuse.title',
  hint: 'sharing.use.refuse.hint',
  reasonRequired: 'sharing.use.refuse.reason.required',
  reasonPlaceholder: 'sharing.use.refuse.reason.placeholder',
  basisRequired: 'sharing.use.refuse.basis.required',
  source: ART_USE_LIMITS,
  testId: 'use-refuse',
};

/** 不同意: reason and basis both required (000 第十五条, as a refusal to share must state them). */
function UseRefuseModal({ u, onClose, onDone }: { u: UseRequest | undefined; onClose: () => void; onDone: (u: UseRequest) => void }) {
  return <RefusalModal open={!!u} texts={USE_REFUSAL} onClose={onClose} onDone={onDone} onSubmit={(v) => useLimitApi.decide(u?.id ?? '', { decision: 'refuse', ...v })} />;
}

/** One use request with the provider's answer buttons. */
function UseRequestDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const me = useMe();
  const { t, date, dateTime } = useI18n();
  const { message } = App.useApp();
  const { data: u, error, reload } = useAsync(() => useLimitApi.get(id), id);
  const [refusing, setRefusing] = useState(false);
  const [busy, setBusy] = useState(false);
  if (error) return <Alert type="error" showIcon message={errorText(error, t)} />;
  if (!u || u.id !== id) return null;
  const answer = u.status === 'pending' && isProviderAnswerer(me, u.provider.id);
  const done = (text: string) => {
    message.success(text);
    setRefusing(false);
    reload();
    onChanged();
  };
  const approve = async () => {
    setBusy(true);
    try {
      await useLimitApi.decide(u.id, { decision: 'approve' });
      done(t('sharing.use.approved'));
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="use-request-detail">
      <Alert type="info" showIcon message={t(`sharing.use.kind.${u.kind}.hint`)} description={<LawHint source={ART_USE_LIMITS} mode="line" />} />
      {answer && (
        <Space wrap>
          <Popconfirm title={t('sharing.use.approve.confirm')} onConfirm={approve} okButtonProps={{ 'data-testid': 'use-approve-confirm' }}>
            <Button type="primary" icon={<CheckOutlined />} loading={busy} data-testid="use-approve">
              {t('sharing.use.approve')}
            </Button>
          </Popconfirm>
          <Button danger icon={<CloseOutlined />} onClick={() => setRefusing(true)} data-testid="use-refuse">
            {t('sharing.refuse')}
          </Button>
        </Space>
      )}
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('sharing.col.entry')}>
          <Link to={`/sharing/grants?grant=${encodeURIComponent(u.grant.id)}`}>{u.grant.entry.name ?? u.grant.entry.code}</Link>{' '}
          <Typography.Text type="secondary">{u.grant.entry.code}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.use.kind')}>
          <Tag color={u.kind === 'transfer' ? 'purple' : 'blue'}>{t(`sharing.use.kind.${u.kind}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.status')}>
          <UseRequestStatusTag status={u.status} mine={answer} />
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.requester')}>{`${u.requester.orgName} · ${u.requester.userName}`}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.provider')}>{u.provider.name}</Descriptions.Item>
        {u.thirdOrg && <Descriptions.Item label={t('sharing.use.thirdOrg')}>{u.thirdOrg.name}</Descriptions.Item>}
        <Descriptions.Item label={t('sharing.use.purpose')}>
          <span data-testid="use-purpose">{u.purpose}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.scope')}>{u.scope}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.fields')}>
          {u.fields ? (
            <Space size={[4, 4]} wrap>
              {u.fields.map((f) => (
                <Tag key={f}>{f}</Tag>
              ))}
            </Space>
          ) : (
            t('sharing.use.sameFields')
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.validUntil')}>{u.validUntil ? date(u.validUntil) : t('sharing.use.sameValidity')}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.use.reason')}>{u.reason}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.col.createdAt')}>{dateTime(u.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('sharing.duty.reply')}>
          <DutyLine duty={u.duty} late={u.late} />
        </Descriptions.Item>
        {u.decidedAt && <Descriptions.Item label={t('sharing.use.decidedAt')}>{dateTime(u.decidedAt)}</Descriptions.Item>}
        {u.decisionReason && (
          <Descriptions.Item label={t('sharing.reason')}>
            <span data-testid="use-decision-reason">{u.decisionReason}</span>
          </Descriptions.Item>
        )}
        {u.refusalBasis && <Descriptions.Item label={t('sharing.refusalBasis')}>{u.refusalBasis}</Descriptions.Item>}
        {u.newGrantId && (
          <Descriptions.Item label={t('sharing.use.newGrant')}>
            <Link to={`/sharing/grants?grant=${encodeURIComponent(u.newGrantId)}`}>{t('sharing.grant.open', { id: u.newGrantId.slice(0, 8) })}</Link>
          </Descriptions.Item>
        )}
        {u.status === 'approved' && u.kind === 'widen' && (
          <Descriptions.Item label={t('sharing.grant')}>
            <Link to={`/sharing/grants?grant=${encodeURIComponent(u.grant.id)}`} data-testid="use-grant-link">
              {t('sharing.grant.open', { id: u.grant.id.slice(0, 8) })}
            </Link>
          </Descriptions.Item>
        )}
      </Descriptions>
      <UseRefuseModal u={refusing ? u : undefined} onClose={() => setRefusing(false)} onDone={() => done(t('sharing.use.refused'))} />
    </Space>
  );
}

interface UseFormValues {
  kind: UseRequestKind;
  purpose: string;
  scope: string;
  fields: string[];
  validUntil?: string;
  thirdOrgId?: string;
  reason: string;
}

/**
 * The subject's data officer asks to widen the grant's use (new purpose and scope, any of the
 * entry's published fields, a later time limit) or to pass its data to a third institution
 * (within the grant's fields).
 */
export function UseRequestModal({ grant, onClose }: { grant: Grant | undefined; onClose: () => void }) {
  const { t, deadline } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<UseFormValues>();
  const kind = Form.useWatch('kind', form) ?? 'widen';
  const entry = useAsync(() => (grant ? api.catalog.get(grant.entry.id).catch(() => undefined) : Promise.resolve(undefined)), grant?.entry.id ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<UseRequest | undefined>(undefined);
  if (!grant) return null;
  const published = entry.data ? (entry.data.version === entry.data.publishedVersion ? entry.data : entry.data.published) : undefined;
  const labelOf = (name: string) => published?.fields.find((f) => f.name === name)?.label;
  const choices = kind === 'transfer' ? grant.fields : (published?.fields.map((f) => f.name) ?? grant.fields);
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const sameFields = v.fields.length === grant.fields.length && v.fields.every((f) => grant.fields.includes(f));
      const u = await useLimitApi.create(grant.id, {
        kind: v.kind,
        purpose: v.purpose.trim(),
        scope: v.scope.trim(),
        ...(sameFields ? {} : { fields: v.fields }),
        ...(v.validUntil ? { validUntil: v.validUntil } : {}),
        ...(v.kind === 'transfer' && v.thirdOrgId ? { thirdOrgId: v.thirdOrgId } : {}),
        reason: v.reason.trim(),
      });
      message.success(t('sharing.use.created'));
      setCreated(u);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['purpose', 'scope', 'fields', 'validUntil', 'thirdOrgId', 'reason']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      width={720}
      title={t('sharing.use.new.title', { name: grant.entry.name ?? grant.entry.code })}
      onCancel={onClose}
      onOk={created ? onClose : submit}
      okText={created ? t('sharing.use.close') : t('sharing.use.submit')}
      cancelButtonProps={created ? { style: { display: 'none' } } : undefined}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'use-submit' }}
      destroyOnHidden
    >
      {created ? (
        <Alert
          type="success"
          showIcon
          data-testid="use-created"
          message={t('sharing.use.created')}
          description={
            <Space direction="vertical" size={4}>
              <span>{t('sharing.use.created.next', { provider: created.provider.name })}</span>
              {created.duty && <DutyLine duty={created.duty} />}
              <Link to={`/sharing/use-requests?case=${encodeURIComponent(created.id)}`} data-testid="use-created-link">
                {t('sharing.use.open')}
              </Link>
            </Space>
          }
        />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('sharing.use.new.hint')} description={<LawHint source={ART_USE_LIMITS} mode="line" />} />
          {error && <Alert type="error" showIcon message={error} data-testid="use-error" />}
          <Form form={form} layout="vertical" initialValues={{ kind: 'widen', fields: grant.fields }}>
            <Form.Item name="kind" label={t('sharing.use.kind')}>
              <Radio.Group
                onChange={() => form.setFieldsValue({ fields: grant.fields, thirdOrgId: undefined })}
                options={(['widen', 'transfer'] as const).map((k) => ({ value: k, label: <span data-testid={`use-kind-${k}`}>{t(`sharing.use.kind.${k}`)}</span> }))}
              />
            </Form.Item>
            <Typography.Paragraph type="secondary">{t(`sharing.use.kind.${kind}.hint`)}</Typography.Paragraph>
            {kind === 'transfer' && (
              <Form.Item name="thirdOrgId" label={t('sharing.use.thirdOrg')} rules={[{ required: true, message: t('sharing.use.thirdOrg.required') }]}>
                <OrgSelect excludeIds={[grant.subject.id, grant.provider.id]} placeholder={t('sharing.use.thirdOrg.placeholder')} />
              </Form.Item>
            )}
            <Form.Item name="purpose" label={t('sharing.use.purpose')} rules={[{ required: true, whitespace: true, message: t('sharing.use.purpose.required') }]}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('sharing.use.purpose.placeholder')} data-testid="use-purpose-input" />
            </Form.Item>
            <Form.Item name="scope" label={t('sharing.scope')} rules={[{ required: true, whitespace: true, message: t('sharing.use.scope.required') }]}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('sharing.use.scope.placeholder')} data-testid="use-scope" />
            </Form.Item>
            <Form.Item
              name="fields"
              label={t('sharing.col.fields')}
              extra={t(kind === 'transfer' ? 'sharing.use.fields.transfer' : 'sharing.use.fields.widen')}
              rules={[{ required: true, type: 'array', min: 1, message: t('sharing.use.fields.required') }]}
            >
              <Select mode="multiple" options={choices.map((f) => ({ value: f, label: labelOf(f) ? `${labelOf(f)}（${f}）` : f }))} data-testid="use-fields" />
            </Form.Item>
            <Form.Item
              name="validUntil"
              label={t('sharing.col.validUntil')}
              extra={t('sharing.use.validUntil.extra', { at: deadline(grant.validUntil) })}
              getValueProps={(d: string | undefined) => ({ value: dayToPicker(d) })}
              normalize={(d: Dayjs | null) => (d ? pickerDay(d) : undefined)}
              rules={[{ validator: async (_, d: string | undefined) => (d && d <= todayInBeijing() ? Promise.reject(new Error(t('sharing.validUntil.future'))) : undefined) }]}
            >
              <DatePicker style={{ width: 220 }} disabledDate={(d) => pickerDay(d) <= todayInBeijing()} data-testid="use-valid-until" />
            </Form.Item>
            <Form.Item name="reason" label={t('sharing.use.reason')} rules={[{ required: true, whitespace: true, message: t('sharing.use.reason.required') }]}>
              <Input.TextArea rows={3} maxLength={2000} placeholder={t('sharing.use.reason.placeholder')} data-testid="use-reason" />
            </Form.Item>
          </Form>
        </Space>
      )}
    </Modal>
  );
}

/**
 * 扩大使用/提供第三方: the requests my org made (mine) and those made to it (to answer), with what
 * each asks, its status and the provider's reply countdown; `?case=` opens one.
 */
export function UseRequestsPage() {
  const me = useMe();
  const i18n = useI18n();
  const { t } = i18n;
  const [query, setQuery, queryKey] = useUrlState(['role', 'case', 'status', ...LIST_KEYS] as const);
  const role = query.role === 'provider' ? 'provider' : 'requester';
  const status = USE_REQUEST_STATUSES.find((s) => s === query.status);
  const { data, error, loading, reload } = useAsync(() => useLimitApi.list({ role, ...(status ? { status } : {}), ...listQueryOf(query) }), queryKey.replace(/(^|&)case=[^&]*/, ''));
  const pagination = usePagination(query, data?.total, setQuery);

  const columns: ExportableColumns<UseRequest> = [
    {
      title: t('sharing.col.entry'),
      key: 'entry',
      width: 200,
      render: (_, u) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQuery({ case: u.id })} data-testid="use-open">
          {u.grant.entry.name ?? u.grant.entry.code}
        </Button>
      ),
    },
    { title: t('sharing.use.kind'), key: 'kind', width: 110, render: (_, u) => <Tag color={u.kind === 'transfer' ? 'purple' : 'blue'}>{t(`sharing.use.kind.${u.kind}`)}</Tag> },
    { title: role === 'provider' ? t('sharing.col.requester') : t('sharing.col.provider'), key: 'org', width: 190, render: (_, u) => (role === 'provider' ? u.requester.orgName : u.provider.name) },
    { title: t('sharing.use.asked'), key: 'asked', exportText: (u) => `${u.purpose}\n${t('sharing.scope')}：${u.scope}\n${askedTerms(u, i18n)}`, render: (_, u) => <AskedCell u={u} /> },
    { title: t('sharing.col.status'), key: 'status', width: 100, exportText: (u) => t(`sharing.use.status.${u.status}`), render: (_, u) => <UseRequestStatusTag status={u.status} mine={role === 'provider' && isProviderAnswerer(me, u.provider.id)} /> },
    { title: t('sharing.col.due'), key: 'due', width: 260, exportText: (u) => dutyLineText(u.duty, u.late, i18n), render: (_, u) => <DutyLine duty={u.duty} late={u.late} /> },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.useRequests')}
        description={
          <>
            {t('sharing.use.description')} <LawHint source={ART_USE_LIMITS} />
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={role}
          onChange={(k) => setQuery({ role: k === 'requester' ? null : k, case: null, page: null })}
          items={(['requester', 'provider'] as const).map((k) => ({ key: k, label: t(`sharing.use.role.${k}`) }))}
        />
        <Space wrap size={8}>
          <Select
            allowClear
            value={status}
            placeholder={t('sharing.col.status')}
            onChange={(v: string | undefined) => setQuery({ status: v ?? null, page: null })}
            options={USE_REQUEST_STATUSES.map((s) => ({ value: s, label: t(`sharing.status.${s}`) }))}
            style={{ width: 140 }}
          />
          <ListFilters
            q={query}
            set={setQuery}
            orgLabel={t('sharing.list.counterpart')}
            extra={
              <ExportXlsxButton
                title={t('page.useRequests')}
                columns={columns}
                pageSize={500}
                fetchPage={({ limit, offset }) => useLimitApi.list({ role, ...(status ? { status } : {}), ...listQueryOf(query), limit, offset })}
              />
            }
          />
        </Space>
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<UseRequest>
          data-testid="use-requests-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('sharing.use.empty') }}
          scroll={{ x: 1100 }}
          pagination={pagination}
          style={{ marginTop: 12 }}
        />
      </Card>
      <Drawer open={!!query.case} onClose={() => setQuery({ case: null })} width={720} title={t('sharing.use.detail')} destroyOnHidden>
        {query.case && <UseRequestDetail id={query.case} onChanged={reload} />}
      </Drawer>
    </Space>
  );
}
