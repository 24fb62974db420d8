import type { User } from '../../api/types';
import { useI18n, type I18n } from '../../i18n';
import { isFuture } from '../../lib/dates';
import { StatusTag } from '../../components/StatusTag';

export const isLocked = (u: User) => isFuture(u.lockedUntil);

/** The text {@link UserStatus} shows, for the list's export. */
export function userStatusText(user: User, { t, dateTime }: Pick<I18n, 't' | 'dateTime'>): string {
  if (user.disabled) return t('user.status.disabled');
  if (isLocked(user)) return t('user.status.locked', { until: dateTime(user.lockedUntil) });
  return t('user.status.active');
}

/** 正常 / 已锁定（至…）/ 已停用. */
export function UserStatus({ user }: { user: User }) {
  const { t, dateTime } = useI18n();
  if (user.disabled) return <StatusTag tone="suspended">{t('user.status.disabled')}</StatusTag>;
  if (isLocked(user)) return <StatusTag tone="refused">{t('user.status.locked', { until: dateTime(user.lockedUntil) })}</StatusTag>;
  return <StatusTag tone="approved">{t('user.status.active')}</StatusTag>;
}
