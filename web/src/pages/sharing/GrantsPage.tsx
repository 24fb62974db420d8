import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { GRANT_STATUSES, sharingApi, type Grant } from './api';
import { LIST_KEYS, ListFilters, listQueryOf, usePagination } from './ListFilters';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { ClearFieldsCard } from './ClearFields';
import { SandboxGrantCard } from './SandboxSettings';
import { GrantExportsCard } from './GrantExports';
import { ART_USE_LIMITS, GrantStatusTag, isProviderAnswerer, isSubjectLoader } from './parts';
import { GrantKeysCard, GrantUsageCard } from './GrantAccess';
import { UseRequestModal, canRequestUse } from './UseRequestsPage';
import { DisputeModal, canOpenDispute } from './DisputesPage';

type GrantEvent = 'suspend' | 'resume' | 'revoke';

/** What the provider may do to a grant in its recorded state (revocation is final; an expired grant is left as it is). */
function eventsFor(g: Grant): GrantEvent[] {
  if (g.status === 'expired' || g.recordedStatus === 'revoked') return [];
  return g.recordedStatus === 'suspended' ? ['resume', 'revoke'] : ['suspend', 'revoke'];
}

/** Suspend, resume or revoke a grant, with the reason the subject will read. */
function GrantActionModal({ action, onClose, onDone }: { action: { grant: Grant; event: GrantEvent } | undefined; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const label = action ? t(`sharing.grants.${action.event}`) : '';
  const submit = async () => {
    if (!action) return;
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      await sharingApi.changeGrant(action.grant.id, action.event, v.reason.trim());
      message.success(t('sharing.grants.done', { action: label }));
      form.resetFields();
      onDone();
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['reason']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={!!action}
      title={action ? t('sharing.grants.action.title', { action: label, name: action.grant.entry.name ?? action.grant.entry.code }) : ''}
      onCancel={onClose}
      onOk={submit}
      okText={label}
      okButtonProps={{ danger: action?.event === 'revoke', 'data-testid': 'grant-action-submit' }}
      confirmLoading={saving}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert
          type={action?.event === 'revoke' ? 'warning' : 'info'}
          showIcon
          message={action?.event === 'revoke' ? `${t('sharing.grants.action.hint')}${t('sharing.grants.revoke.warn')}` : t('sharing.grants.action.hint')}
          description={<LawHint source={ART_USE_LIMITS} mode="line" />}
        />
        {error && <Alert type="error" showIcon message={error} />}
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label={t('sharing.grants.reason')} rules={[{ required: true, whitespace: true, message: t('sharing.grants.reason.required') }]}>
            <Input.TextArea rows={3} maxLength={1000} placeholder={t('sharing.grants.reason.placeholder')} data-testid="grant-reason" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

function GrantDrawer({ id, onClose, onAction }: { id: string | undefined; onClose: () => void; onAction: (grant: Grant, event: GrantEvent) => void }) {
  const me = useMe();
  const { t, tMaybe, dateTime, deadline } = useI18n();
  const { data: g, error } = useAsync(() => (id ? sharingApi.grant(id) : Promise.resolve(undefined)), id ?? '');
  const [asking, setAsking] = useState(false);
  const [disputing, setDisputing] = useState(false);
  return (
    <Drawer open={!!id} onClose={onClose} width={760} title={t('sharing.grants.detail')} destroyOnHidden>
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {g && g.id === id && (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          {isProviderAnswerer(me, g.provider.id) && eventsFor(g).length > 0 && (
            <Space>
              {eventsFor(g).map((e) => (
                <Button key={e} danger={e === 'revoke'} onClick={() => onAction(g, e)} data-testid={`grant-${e}`}>
                  {t(`sharing.grants.${e}`)}
                </Button>
              ))}
            </Space>
          )}
          {((g.status === 'active' && canRequestUse(me, g.subject.id)) || canOpenDispute(me, [g.provider.id, g.subject.id])) && (
            <Space wrap>
              {g.status === 'active' && canRequestUse(me, g.subject.id) && (
                <Button onClick={() => setAsking(true)} data-testid="grant-use-request">
                  {t('sharing.use.request')}
                </Button>
              )}
              {canOpenDispute(me, [g.provider.id, g.subject.id]) && (
                <Button onClick={() => setDisputing(true)} data-testid="grant-dispute">
                  {t('sharing.dispute.open')}
                </Button>
              )}
            </Space>
          )}
          <Descriptions column={1} size="small" bordered data-testid="grant-detail">
            <Descriptions.Item label={t('sharing.col.entry')}>
              <Link to={`/catalog/entries/${encodeURIComponent(g.entry.id)}`}>{g.entry.name ?? g.entry.code}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('sharing.col.status')}>
              <GrantStatusTag status={g.status} />
            </Descriptions.Item>
            {g.statusReason && <Descriptions.Item label={t('sharing.grants.col.statusReason')}>{`${g.statusReason}${g.statusChangedAt ? `（${dateTime(g.statusChangedAt)}）` : ''}`}</Descriptions.Item>}
            <Descriptions.Item label={t('sharing.col.provider')}>{g.provider.name}</Descriptions.Item>
            <Descriptions.Item label={t('sharing.grants.col.subject')}>{g.subject.name}</Descriptions.Item>
            <Descriptions.Item label={t('sharing.col.fields')}>
              <Space size={[4, 4]} wrap>
                {g.fields.map((f) => (
                  <Tag key={f}>{f}</Tag>
                ))}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('sharing.grants.col.methods')}>{g.methods.map((m) => tMaybe(`sharing.method.${m}`) ?? m).join('、')}</Descriptions.Item>
            <Descriptions.Item label={t('sharing.grants.col.purpose')}>
              <span data-testid="grant-purpose">{g.purpose}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('sharing.grants.col.validFrom')}>{dateTime(g.validFrom)}</Descriptions.Item>
            <Descriptions.Item label={t('sharing.grants.col.validUntil')}>{deadline(g.validUntil)}</Descriptions.Item>
            {g.source.caseType === 'share_request' && (
              <Descriptions.Item label={t('sharing.grants.col.source')}>
                <Link to={`/sharing/requests/${encodeURIComponent(g.source.caseId)}`}>{g.source.caseId.slice(0, 8)}</Link>
              </Descriptions.Item>
            )}
          </Descriptions>
          {g.sandbox ? <SandboxGrantCard grant={g} /> : <ClearFieldsCard grant={g} />}
          {isSubjectLoader(me, g.subject.id) && <GrantKeysCard grant={g} />}
          {isSubjectLoader(me, g.subject.id) && (g.methods.includes('batch') || g.methods.includes('file')) && <GrantExportsCard grant={g} />}
          <GrantUsageCard grantId={g.id} />
          {asking && <UseRequestModal grant={g} onClose={() => setAsking(false)} />}
          <DisputeModal target={disputing ? { grantId: g.id } : undefined} onClose={() => setDisputing(false)} />
        </Space>
      )}
    </Drawer>
  );
}

/**
 * 共享授权: my org's grants as subject and as provider, with status, fields, methods and validity;
 * the provider suspends, resumes or revokes with a reason (000 第十五条).
 */
export function GrantsPage() {
  const me = useMe();
  const { t, tMaybe, deadline } = useI18n();
  const [query, setQuery, queryKey] = useUrlState(['role', 'grant', 'status', ...LIST_KEYS] as const);
  const role = query.role === 'subject' || query.role === 'provider' ? query.role : undefined;
  const status = GRANT_STATUSES.find((s) => s === query.status);
  const { data, error, loading, reload } = useAsync(
    () => sharingApi.grants({ ...(role ? { role } : {}), ...(status ? { status } : {}), ...listQueryOf(query) }),
    queryKey.replace(/(^|&)grant=[^&]*/, ''),
  );
  const pagination = usePagination(query, data?.total, setQuery);
  const [action, setAction] = useState<{ grant: Grant; event: GrantEvent } | undefined>(undefined);
  const [tick, setTick] = useState(0);

  const columns: ExportableColumns<Grant> = [
    {
      title: t('sharing.col.entry'),
      key: 'entry',
      width: 220,
      render: (_, g) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQuery({ grant: g.id })} data-testid="grant-open">
          {g.entry.name ?? g.entry.code}
        </Button>
      ),
    },
    { title: t('sharing.col.provider'), key: 'provider', width: 190, render: (_, g) => g.provider.name },
    { title: t('sharing.grants.col.subject'), key: 'subject', width: 190, render: (_, g) => g.subject.name },
    {
      title: t('sharing.col.fields'),
      key: 'fields',
      render: (_, g) => (
        <Typography.Text ellipsis={{ tooltip: g.fields.join('、') }} style={{ maxWidth: 220 }}>
          {g.fields.join('、')}
        </Typography.Text>
      ),
    },
    { title: t('sharing.grants.col.methods'), key: 'methods', width: 120, render: (_, g) => g.methods.map((m) => tMaybe(`sharing.method.${m}`) ?? m).join('、') },
    { title: t('sharing.grants.col.validUntil'), key: 'validUntil', width: 170, render: (_, g) => deadline(g.validUntil) },
    { title: t('sharing.col.status'), key: 'status', width: 100, exportText: (g) => t(`sharing.grantStatus.${g.status}`), render: (_, g) => <GrantStatusTag status={g.status} /> },
    {
      key: 'actions',
      width: 150,
      render: (_, g) =>
        isProviderAnswerer(me, g.provider.id) ? (
          <Space size={4}>
            {eventsFor(g).map((e) => (
              <Button key={e} size="small" danger={e === 'revoke'} onClick={() => setAction({ grant: g, event: e })} data-testid={`grant-row-${e}`}>
                {t(`sharing.grants.${e}`)}
              </Button>
            ))}
          </Space>
        ) : null,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.shareGrants')}
        description={
          <>
            {t('sharing.grants.description')} <LawHint source={ART_USE_LIMITS} />
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={role ?? 'all'}
          onChange={(k) => setQuery({ role: k === 'all' ? null : k, grant: null, page: null })}
          items={(['all', 'subject', 'provider'] as const).map((k) => ({ key: k, label: t(`sharing.grants.role.${k}`) }))}
        />
        <Space wrap size={8}>
          <Select
            allowClear
            value={status}
            placeholder={t('sharing.col.status')}
            onChange={(v: string | undefined) => setQuery({ status: v ?? null, page: null })}
            options={GRANT_STATUSES.map((s) => ({ value: s, label: t(`sharing.grantStatus.${s}`) }))}
            style={{ width: 140 }}
            data-testid="grants-filter-status"
          />
          <ListFilters
            q={query}
            set={setQuery}
            orgLabel={t('sharing.list.counterpart')}
            extra={
              <ExportXlsxButton
                title={t('page.shareGrants')}
                columns={columns}
                pageSize={500}
                fetchPage={({ limit, offset }) => sharingApi.grants({ ...(role ? { role } : {}), ...(status ? { status } : {}), ...listQueryOf(query), limit, offset })}
              />
            }
          />
        </Space>
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<Grant>
          data-testid="grants-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('sharing.grants.empty') }}
          scroll={{ x: 1200 }}
          pagination={pagination}
          style={{ marginTop: 12 }}
        />
      </Card>
      <GrantDrawer key={`${query.grant ?? ''}:${tick}`} id={query.grant} onClose={() => setQuery({ grant: null })} onAction={(grant, event) => setAction({ grant, event })} />
      <GrantActionModal
        action={action}
        onClose={() => setAction(undefined)}
        onDone={() => {
          setAction(undefined);
          setTick((n) => n + 1);
          reload();
        }}
      />
    </Space>
  );
}
