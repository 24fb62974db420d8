/** What the sharing pages share: who may do what (the server checks again), status tags and duty lines. */
import { Space, Tag, Typography } from 'antd';
import type { Me } from '../../api/types';
import { useI18n, type I18n } from '../../i18n';
import { DutyCountdown, countdown } from '../../components/DutyCountdown';
import { LawHint } from '../../components/LawHint';
import { StatusTag, type Tone } from '../../components/StatusTag';
import type { GrantStatus, ShareDuty, ShareRequest, ShareRequestStatus } from './api';

/** The article share requests rest on. */
export const ART_REQUEST = '000 第十四条';
export const ART_USE_LIMITS = '000 第十五条';

const hasUser = (me: Me, ...roles: Me['user']['roles']) => roles.some((r) => me.user.roles.includes(r));

/** Operators and developers work on public data inside the platform: they ask for sandbox grants only (003 第三条; 004 第二十五条). */
export const isSandboxOnly = (me: Me): boolean => !me.org.roles.includes('institution') && (me.org.roles.includes('operator') || me.org.roles.includes('developer'));

/** A public institution's clerks, data officers and admins ask for data (000 第十四条); an operator's or developer's for sandbox analysis. */
export const canRequestShare = (me: Me): boolean => (me.org.roles.includes('institution') || isSandboxOnly(me)) && hasUser(me, 'clerk', 'data_officer', 'org_admin');

/** The sharing pages: institutions (both sides), operators and developers (their sandbox requests) and the sharing authority that supervises them. */
export const canSeeSharing = (me: Me): boolean => me.org.roles.includes('institution') || me.org.roles.includes('sharing_authority') || isSandboxOnly(me);

/** "经本单位数据工作机构负责人同意": the requester's own data officer signs; an operator's or developer's org admin. */
export const canSign = (me: Me, r: Pick<ShareRequest, 'requester' | 'status'>): boolean =>
  r.status === 'awaiting_signature' && me.org.id === r.requester.orgId && (hasUser(me, 'data_officer') || (isSandboxOnly(me) && hasUser(me, 'org_admin')));

/** The provider's data officer or admin answers, applies for an extension and manages its grants. */
/** A loading user (clerk, data officer, org admin) of the grant's subject org: manages its API keys. */
export const isSubjectLoader = (me: Me, subjectId: string): boolean => me.org.id === subjectId && hasUser(me, 'clerk', 'data_officer', 'org_admin');
export const isProviderAnswerer = (me: Me, providerId: string): boolean => me.org.id === providerId && hasUser(me, 'data_officer', 'org_admin');

/** The sharing authority's reviewers and admins decide extension applications. */
export const canConsentExtension = (me: Me): boolean => me.org.roles.includes('sharing_authority') && hasUser(me, 'reviewer', 'org_admin');

export const REQUEST_TONE: Record<ShareRequestStatus, Tone> = { awaiting_signature: 'waiting', pending: 'progress', approved: 'approved', refused: 'refused' };
export const GRANT_TONE: Record<GrantStatus, Tone> = { active: 'approved', suspended: 'suspended', revoked: 'suspended', expired: 'expired' };

export function RequestStatusTag({ status }: { status: ShareRequestStatus }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={REQUEST_TONE[status]} testId="share-status">
      {t(`sharing.status.${status}`)}
    </StatusTag>
  );
}

export function GrantStatusTag({ status }: { status: GrantStatus }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={GRANT_TONE[status]} testId="grant-status">
      {t(`sharing.grantStatus.${status}`)}
    </StatusTag>
  );
}

/** A duty's due date, countdown (or on-time/late once met) and its article one hover away. */
export function DutyLine({ duty, late }: { duty: ShareDuty | null; late?: boolean }) {
  const { t, date } = useI18n();
  if (!duty) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={6} wrap data-testid="share-duty">
      {duty.dueDate && <span>{date(duty.dueDate)}</span>}
      {duty.status === 'met' && late !== undefined ? (
        <Tag color={late ? 'red' : 'green'}>{t(late ? 'sharing.answeredLate' : 'sharing.answeredOnTime')}</Tag>
      ) : (
        <DutyCountdown duty={{ ...duty, overdueWorkingDays: null }} />
      )}
      {duty.extensionCount > 0 && <Tag color="blue">{t('duty.extended', { n: duty.extensionCount })}</Tag>}
      <LawHint source={duty.source} />
    </Space>
  );
}

/** The text {@link DutyLine} shows, for a list's export. */
export function dutyLineText(duty: ShareDuty | null, late: boolean | undefined, { t, date }: Pick<I18n, 't' | 'date'>): string {
  if (!duty) return '—';
  const parts: string[] = [];
  if (duty.dueDate) parts.push(date(duty.dueDate));
  if (duty.status === 'met' && late !== undefined) parts.push(t(late ? 'sharing.answeredLate' : 'sharing.answeredOnTime'));
  else {
    const c = countdown({ ...duty, overdueWorkingDays: null });
    parts.push(t(c.key, c.vars));
  }
  if (duty.extensionCount > 0) parts.push(t('duty.extended', { n: duty.extensionCount }));
  return parts.join(' ');
}

/** The reply countdown of a list row: the provider's reply duty, or the state it is in before/after. */
export function ReplyCell({ r }: { r: ShareRequest }) {
  if (!r.duty) return <Typography.Text type="secondary">—</Typography.Text>;
  return <DutyLine duty={r.duty} late={r.late} />;
}
