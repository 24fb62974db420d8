import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert, App, Button, Card, Flex, Popconfirm, Result, Space, Spin, Tabs, Typography } from 'antd';
import { CheckOutlined, CloudUploadOutlined, ScanOutlined, EditOutlined, ExceptionOutlined, FileAddOutlined, IssuesCloseOutlined, RollbackOutlined, SafetyCertificateOutlined, SendOutlined, ShareAltOutlined } from '@ant-design/icons';
import { api } from '../../../api/client';
import type { CatalogEntryDetail, CatalogUpdateCase, Me } from '../../../api/types';
import { useMe } from '../../../auth/AuthContext';
import { useI18n } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { errorText } from '../../../lib/errors';
import { canRegisterCatalog, canSubmitCatalog, isCatalogReviewer, isPlatformAdmin } from '../../../lib/roles';
import { PageHeader } from '../../../components/PageHeader';
import { StatusTag } from '../../../components/StatusTag';
import { LawHint } from '../../../components/LawHint';
import { EntryAttributes } from '../EntryAttributes';
import { DataItemsTable } from '../DataItemsTable';
import { ReviewCountdown } from '../ReviewCountdown';
import { useCatalogLabels } from '../labels';
import { ART, ASSESSMENTS, toneFor } from '../vocab';
import { LifecycleSteps, ReviewTimeline } from './Lifecycle';
import { VersionHistory } from './VersionHistory';
import { UpdateCases } from './UpdateCases';
import { ChangeModal, ExtendModal, NewVersionModal, ReviewModal } from './ActionModals';
import { PiiProposalModal } from './PiiProposalModal';
import { publishedFields } from '../../ingest/access';
import { ReportErrorModal } from '../../ingest/ReportErrorModal';
import { canRequestShare } from '../../sharing/parts';

type Dialog = { kind: 'approve' | 'return' | 'newVersion' | 'change' } | { kind: 'extend'; case: CatalogUpdateCase } | null;

/** What the signed-in user may do to this version, by role and state (the server checks again). */
function allowedActions(me: Me, e: CatalogEntryDetail) {
  const provider = me.org.id === e.provider.id;
  const latest = e.version === e.latestVersion;
  const editable = latest && (e.status === 'draft' || e.status === 'returned');
  const reviewer = isCatalogReviewer(me) && !provider;
  const hasPublished = e.publishedVersion !== null;
  const operationRoles = me.org.roles.some((r) => r === 'data_authority' || r === 'implementing_agency');
  return {
    edit: provider && canRegisterCatalog(me) && editable,
    submit: provider && canSubmitCatalog(me) && editable,
    review: reviewer && latest && e.status === 'submitted',
    newVersion: provider && canRegisterCatalog(me) && e.status === 'published' && e.latestVersion === e.publishedVersion,
    change: hasPublished && ((provider && canRegisterCatalog(me)) || isCatalogReviewer(me)),
    extend: isCatalogReviewer(me),
    operation:
      e.status === 'published' &&
      e.operationAttr &&
      e.grade !== 'core' &&
      ((provider && (me.user.roles.includes('data_officer') || me.user.roles.includes('org_admin'))) || operationRoles),
    /** The provider's page of the entry's data (000 第八条). */
    data: provider && hasPublished,
    /** A data user of another org reports a wrong record (000 第四十二条). */
    reportError: !provider && hasPublished,
    /** An institution of another org asks for the published entry's data (000 第十四条). */
    requestShare: !provider && hasPublished && canRequestShare(me),
    /** 识别个人信息: the provider's catalog staff and the platform administrator. */
    detectPii: (provider && canRegisterCatalog(me)) || isPlatformAdmin(me),
  };
}

/**
 * 目录详情: every attribute with its article one hover away, the data items, version history with
 * a diff, the review timeline, update duties — and what the reader may do next.
 */
export function EntryDetailPage() {
  const { id = '' } = useParams<{ id: string }>();
  const [params] = useSearchParams();
  const versionParam = Number.parseInt(params.get('version') ?? '', 10);
  const version = Number.isFinite(versionParam) && versionParam > 0 ? versionParam : undefined;
  const { t } = useI18n();
  const { data, error, loading, reload } = useAsync(() => api.catalog.get(id, version), `${id}|${version ?? ''}`);

  if (loading && !data) {
    return (
      <div className="full-center" style={{ minHeight: 300 }}>
        <Spin />
      </div>
    );
  }
  if (error) {
    return <Result status={error.status === 404 ? '404' : 'error'} title={errorText(error, t)} extra={<Link to="/catalog">{t('catalog.backToCatalog')}</Link>} />;
  }
  if (!data) return null;
  return <EntryDetail entry={data} reload={reload} />;
}

function EntryDetail({ entry, reload }: { entry: CatalogEntryDetail; reload: () => void }) {
  const me = useMe();
  const { t } = useI18n();
  const l = useCatalogLabels();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [reporting, setReporting] = useState(false);
  const [detecting, setDetecting] = useState(false);
  const can = allowedActions(me, entry);
  const dataFields = publishedFields(entry);
  const missingAssessments = ASSESSMENTS.filter((a) => {
    const v = (entry.assessments as Record<string, { conclusion?: string; done?: boolean } | undefined>)[a];
    return !v || v.done === false || !v.conclusion?.trim();
  });
  const path = `/catalog/entries/${encodeURIComponent(entry.id)}`;

  const run = async (key: string, action: () => Promise<unknown>, done: string, then?: () => void) => {
    setBusy(key);
    try {
      await action();
      message.success(done);
      setDialog(null);
      then?.();
      reload();
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };

  /** Dialog actions throw so the dialog can show the refusal under its field. */
  const act = async (action: () => Promise<unknown>, done: string, then?: () => void) => {
    await action();
    message.success(done);
    setDialog(null);
    then?.();
    reload();
  };

  const actions = (
    <>
      {can.data && (
        <Button icon={<CloudUploadOutlined />} onClick={() => navigate(`${path}/data`)} data-testid="entry-data">
          {t('ingest.entry.data')}
        </Button>
      )}
      {can.requestShare && (
        <Button type="primary" icon={<ShareAltOutlined />} onClick={() => navigate(`/sharing/requests/new?entryId=${encodeURIComponent(entry.id)}`)} data-testid="entry-request-share">
          {t('page.shareRequestNew')}
        </Button>
      )}
      {can.reportError && dataFields && (
        <Button icon={<IssuesCloseOutlined />} onClick={() => setReporting(true)} data-testid="entry-report-error">
          {t('ingest.entry.reportError')}
        </Button>
      )}
      {can.detectPii && (
        <Button icon={<ScanOutlined />} onClick={() => setDetecting(true)} data-testid="entry-detect-pii">
          {t('pii.detect.action')}
        </Button>
      )}
      {can.edit && (
        <Button icon={<EditOutlined />} onClick={() => navigate(`${path}/edit`)} data-testid="entry-edit">
          {t('common.edit')}
        </Button>
      )}
      {can.submit && (
        <Popconfirm
          title={t('catalog.submit.confirm')}
          description={t('catalog.submit.effect')}
          onConfirm={() => run('submit', () => api.catalog.submit(entry.id), t('catalog.submitted', { name: entry.name }), () => navigate(path))}
          okButtonProps={{ 'data-testid': 'entry-submit-confirm' }}
        >
          <Button type="primary" icon={<SendOutlined />} loading={busy === 'submit'} data-testid="entry-submit">
            {t('catalog.action.submit')}
          </Button>
        </Popconfirm>
      )}
      {can.review && (
        <>
          <Button danger icon={<RollbackOutlined />} onClick={() => setDialog({ kind: 'return' })} data-testid="entry-return">
            {t('catalog.action.return')}
          </Button>
          <Button type="primary" icon={<CheckOutlined />} onClick={() => setDialog({ kind: 'approve' })} data-testid="entry-approve">
            {t('catalog.action.approve')}
          </Button>
        </>
      )}
      {can.newVersion && (
        <Button icon={<FileAddOutlined />} onClick={() => setDialog({ kind: 'newVersion' })} data-testid="entry-new-version">
          {t('catalog.action.newVersion')}
        </Button>
      )}
      {can.change && (
        <Button icon={<ExceptionOutlined />} onClick={() => setDialog({ kind: 'change' })} data-testid="entry-record-change">
          {t('catalog.action.change')}
        </Button>
      )}
      {can.operation && (
        <Popconfirm
          title={t('catalog.operation.confirm')}
          description={t(me.org.id === entry.provider.id ? 'catalog.operation.effect.own' : 'catalog.operation.effect.shared')}
          onConfirm={() =>
            run('operation', () => api.catalog.listForOperation({ entryId: entry.id }), t('catalog.operation.listed', { name: entry.name }), () =>
              navigate('/catalog/operation-list?status=' + (me.org.id === entry.provider.id ? 'listed' : 'awaiting_consent')),
            )
          }
        >
          <Button icon={<SafetyCertificateOutlined />} loading={busy === 'operation'} data-testid="entry-list-operation">
            {t('catalog.action.operation')}
          </Button>
        </Popconfirm>
      )}
    </>
  );

  const notCurrent = entry.status === 'superseded' || (entry.version !== entry.latestVersion && entry.status !== 'published');
  const tabs = [
    { key: 'attributes', label: t('catalog.detail.attributes'), children: <EntryAttributes entry={entry} testId="entry-attributes" /> },
    { key: 'items', label: t('catalog.detail.items', { n: entry.fields.length }), children: <DataItemsTable fields={entry.fields} testId="entry-fields" /> },
    { key: 'versions', label: t('catalog.detail.versions', { n: entry.versions.length }), children: <VersionHistory entry={entry} /> },
    { key: 'timeline', label: t('catalog.detail.timeline'), children: <ReviewTimeline entry={entry} /> },
  ];
  if (entry.updateCases.length > 0) {
    tabs.push({
      key: 'cases',
      label: t('catalog.detail.cases', { n: entry.updateCases.length }),
      children: <UpdateCases cases={entry.updateCases} onExtend={can.extend ? (c) => setDialog({ kind: 'extend', case: c }) : undefined} />,
    });
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={entry.name}
        description={
          <Space size={8} wrap>
            <StatusTag tone={toneFor(entry.status, can.submit || can.review)} testId="entry-status">
              {l.status(entry.status)}
            </StatusTag>
            <span>{t('catalog.versionN', { n: entry.version })}</span>
            <span>·</span>
            <span>{entry.provider.name}</span>
            <span>·</span>
            <span className="mono">{entry.code}</span>
          </Space>
        }
        extra={actions}
      />
      {notCurrent && (
        <Alert
          type="info"
          showIcon
          message={t('catalog.detail.oldVersion', { n: entry.version })}
          action={<Link to={path}>{t('catalog.detail.toCurrent')}</Link>}
        />
      )}
      {entry.status === 'returned' && entry.reviewComment && (
        <Alert type="error" showIcon message={t('catalog.detail.returned')} description={entry.reviewComment} data-testid="entry-return-comment" />
      )}
      {can.submit && missingAssessments.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('catalog.wizard.review.assessmentsMissing', { list: l.list(missingAssessments, l.assessment) })}
          description={<LawHint mode="line" source={ART.assessments} />}
        />
      )}
      <Card>
        <Flex vertical gap={12}>
          <LifecycleSteps entry={entry} />
          {entry.status === 'submitted' && entry.reviewDuty && (
            <Space size={12} wrap data-testid="entry-review-duty">
              <Typography.Text type="secondary">{t('catalog.detail.reviewDuty')}</Typography.Text>
              <ReviewCountdown duty={entry.reviewDuty} />
              <LawHint source={entry.reviewDuty.source} />
            </Space>
          )}
        </Flex>
      </Card>
      <Card>
        <Tabs items={tabs} data-testid="entry-tabs" />
      </Card>

      <PiiProposalModal
        entryId={entry.id}
        entryName={entry.name}
        open={detecting}
        editable={can.edit}
        onClose={() => setDetecting(false)}
        onAdopt={(kinds) => navigate(`${path}/edit`, { state: { adoptPii: kinds } })}
      />
      {dataFields && <ReportErrorModal entryId={entry.id} fields={dataFields} open={reporting} onClose={() => setReporting(false)} />}
      <ReviewModal
        open={dialog?.kind === 'approve' || dialog?.kind === 'return'}
        decision={dialog?.kind === 'return' ? 'return' : 'approve'}
        onClose={() => setDialog(null)}
        onSubmit={(v) => {
          const decision = dialog?.kind === 'return' ? 'return' : 'approve';
          return act(
            () => api.catalog.review(entry.id, { decision, comment: v.comment?.trim() ?? '', version: entry.version }),
            t(decision === 'approve' ? 'catalog.approved' : 'catalog.returned', { name: entry.name }),
            () => navigate(path),
          );
        }}
      />
      <NewVersionModal
        open={dialog?.kind === 'newVersion'}
        onClose={() => setDialog(null)}
        onSubmit={(v) => act(() => api.catalog.newVersion(entry.id, v.changeNote.trim()), t('catalog.newVersion.done'), () => navigate(`${path}/edit`))}
      />
      <ChangeModal
        open={dialog?.kind === 'change'}
        onClose={() => setDialog(null)}
        onSubmit={(v) => act(() => api.catalog.recordChange(entry.id, v), t('catalog.change.done'))}
      />
      <ExtendModal
        open={dialog?.kind === 'extend'}
        onClose={() => setDialog(null)}
        onSubmit={(v) =>
          dialog?.kind === 'extend' ? act(() => api.catalog.extendUpdate(entry.id, dialog.case.id, v), t('catalog.extend.done')) : Promise.resolve()
        }
      />
    </Space>
  );
}
