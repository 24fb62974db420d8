/**
 * 开放申请办理 (/opening/applications): for a data provider, the conditional open applications
 * to its entries, soonest due first with working-day countdowns, to approve, refuse (reason and
 * legal basis) or apply for an extension; for the sharing authority and the platform operator, the
 * extension applications awaiting their consent (both must consent, 000 第二十条).
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Flex, Input, Modal, Space, Table, Tabs, Typography } from 'antd';
import type { Me } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { APPLICATION_STATUSES, applicationsApi, type OpenApplication } from './applicationsApi';
import { ART_OPEN_APPLY, ApplicationDrawer, ApplicationStatusTag, ExtendApplicationModal, ExtensionVoteModal, RefuseApplicationModal, ReplyDue, replyDueText } from './applicationParts';

const has = (me: Me, ...roles: string[]) => roles.some((r) => me.user.roles.includes(r));
/** A provider institution's reviewer, data officer or org admin answers. */
export const isOpenAnswerer = (me: Me): boolean => me.org.roles.includes('institution') && has(me, 'reviewer', 'data_officer', 'org_admin');
/** The sharing authority's reviewers and admins, and the platform operator's staff, consent to extensions. */
export const isExtensionApprover = (me: Me): boolean =>
  (me.org.roles.includes('sharing_authority') && has(me, 'reviewer', 'org_admin')) || (me.org.roles.includes('platform_admin') && has(me, 'org_admin', 'clerk', 'reviewer'));
export const canSeeOpenApplications = (me: Me): boolean => me.org.roles.includes('institution') || isExtensionApprover(me);

/** Soonest due first; answered ones after, newest first. */
function byDue(a: OpenApplication, b: OpenApplication): number {
  const due = (r: OpenApplication) => (r.duty?.status === 'open' && r.duty.dueAt ? Date.parse(r.duty.dueAt) : Number.POSITIVE_INFINITY);
  const d = due(a) - due(b);
  if (d !== 0 && !Number.isNaN(d)) return d < 0 ? -1 : 1;
  return b.createdAt.localeCompare(a.createdAt);
}

export function ProviderApplicationsPage() {
  const me = useMe();
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const { message } = App.useApp();
  const approver = isExtensionApprover(me);
  const [query, setQuery, queryKey] = useUrlState(['tab', 'status', 'page', 'size', 'case'] as const);
  const tab = query.tab === 'approver' || (approver && !me.org.roles.includes('institution')) ? 'approver' : 'provider';
  const status = query.status === 'all' ? undefined : (APPLICATION_STATUSES.find((s) => s === query.status) ?? (tab === 'provider' ? 'pending' : undefined));
  const paging = readPaging(query.page, query.size);
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useAsync(
    () => applicationsApi.list({ role: tab, ...(status ? { status } : {}), limit: paging.limit, offset: paging.offset }),
    `${tab}:${status ?? 'all'}:${paging.page}:${paging.pageSize}:${tick}`,
  );
  const [refusing, setRefusing] = useState<OpenApplication>();
  const [extending, setExtending] = useState<OpenApplication>();
  const [voting, setVoting] = useState<OpenApplication>();
  const [approving, setApproving] = useState<OpenApplication>();
  const [approveReason, setApproveReason] = useState('');
  const [busy, setBusy] = useState(false);
  const done = (a: OpenApplication) => {
    setRefusing(undefined);
    setExtending(undefined);
    setVoting(undefined);
    setApproving(undefined);
    setTick((n) => n + 1);
    message.success(t('oa.saved', { status: t(`oa.status.${a.status}`) }));
  };
  const approve = async () => {
    if (!approving) return;
    setBusy(true);
    try {
      done(await applicationsApi.decide(approving.id, { decision: 'approve', ...(approveReason.trim() ? { reason: approveReason.trim() } : {}) }));
      setApproveReason('');
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const items = [...(data?.items ?? [])].sort(byDue);
  const columns: ExportableColumns<OpenApplication> = [
    {
      title: t('oa.col.entry'),
      key: 'entry',
      exportText: (a) => a.entry.name ?? a.entry.code,
      render: (_, a) => (
        <Space direction="vertical" size={0}>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQuery({ case: a.id })} data-testid="oa-open">
            {a.entry.name ?? a.entry.code}
          </Button>
          <Typography.Text type="secondary" className="small">
            {`${t(`oa.method.${a.method}`)} · ${t('oa.fieldsCount', { n: a.fields.length })}`}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('oa.col.applicant'), key: 'applicant', width: 200, render: (_, a) => a.applicant.orgName },
    ...(tab === 'approver' ? [{ title: t('oa.col.provider'), key: 'provider', width: 200, render: (_: unknown, a: OpenApplication) => a.provider.name }] : []),
    { title: t('oa.purpose'), key: 'purpose', ellipsis: true, render: (_, a) => a.purpose },
    { title: t('oa.col.submitted'), key: 'created', width: 170, render: (_, a) => dateTime(a.createdAt) },
    { title: t('oa.col.status'), key: 'status', width: 100, exportText: (a) => t(`oa.status.${a.status}`), render: (_, a) => <ApplicationStatusTag status={a.status} /> },
    { title: t('oa.col.due'), key: 'due', width: 280, exportText: (a) => replyDueText(a, i18n), render: (_, a) => <ReplyDue a={a} /> },
  ];

  const actions = (a: OpenApplication) =>
    (a.can.decide || a.can.voteAs) && (
      <Space wrap data-testid="oa-actions">
        {a.can.decide && (
          <Button type="primary" onClick={() => setApproving(a)} data-testid="oa-approve">
            {t('oa.approve')}
          </Button>
        )}
        {a.can.decide && (
          <Button danger onClick={() => setRefusing(a)} data-testid="oa-refuse">
            {t('oa.refuse')}
          </Button>
        )}
        {a.can.extend && (
          <Button onClick={() => setExtending(a)} data-testid="oa-extend">
            {t('oa.extend')}
          </Button>
        )}
        {a.can.voteAs && (
          <Button type="primary" onClick={() => setVoting(a)} data-testid="oa-vote">
            {t('oa.vote.title')}
          </Button>
        )}
      </Space>
    );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.openingApplications')}
        description={
          <>
            {t('oa.inbox.description')} <LawHint source={ART_OPEN_APPLY} />
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => setQuery({ tab: k === 'provider' ? null : k, status: null, page: null, case: null })}
          items={[
            ...(me.org.roles.includes('institution') ? [{ key: 'provider', label: t('oa.tab.provider') }] : []),
            ...(approver ? [{ key: 'approver', label: t('oa.tab.approver') }] : []),
          ]}
        />
        {tab === 'provider' && (
          <Tabs
            size="small"
            activeKey={status ?? 'all'}
            onChange={(k) => setQuery({ status: k === 'pending' ? null : k, page: null, case: null })}
            items={[...APPLICATION_STATUSES.map((s) => ({ key: s, label: t(`oa.status.${s}`) })), { key: 'all', label: t('oa.filter.all') }]}
          />
        )}
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <ExportXlsxButton
            title={`${t('page.openingApplications')}_${t(tab === 'approver' ? 'oa.tab.approver' : 'oa.tab.provider')}`}
            columns={columns}
            pageSize={200}
            fetchPage={({ limit, offset }) => applicationsApi.list({ role: tab, ...(status ? { status } : {}), limit, offset })}
          />
        </Flex>
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<OpenApplication>
          data-testid="oa-inbox-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={items}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t('oa.inbox.empty') }}
          pagination={{ current: paging.page, pageSize: paging.pageSize, total: data?.total ?? 0, onChange: (page, size) => setQuery({ page, size }) }}
        />
      </Card>
      <ApplicationDrawer id={query.case} tick={tick} onClose={() => setQuery({ case: null })}>
        {actions}
      </ApplicationDrawer>
      <Modal
        open={!!approving}
        title={t('oa.approve.title')}
        onCancel={() => setApproving(undefined)}
        onOk={approve}
        confirmLoading={busy}
        okText={t('oa.approve')}
        okButtonProps={{ 'data-testid': 'oa-approve-submit' }}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('oa.approve.hint')} description={<LawHint source={ART_OPEN_APPLY} mode="line" />} />
          <Input.TextArea rows={2} maxLength={2000} value={approveReason} onChange={(e) => setApproveReason(e.target.value)} placeholder={t('oa.approve.reason')} data-testid="oa-approve-reason" />
        </Space>
      </Modal>
      <RefuseApplicationModal a={refusing} onClose={() => setRefusing(undefined)} onDone={done} />
      <ExtendApplicationModal a={extending} onClose={() => setExtending(undefined)} onDone={done} />
      <ExtensionVoteModal a={voting} onClose={() => setVoting(undefined)} onDone={done} />
    </Space>
  );
}
