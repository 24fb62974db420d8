/**
 * Identity rules: who may manage whom, the password policy and the login lockout. Pure.
 */
import { hasUserRole, isPlatformAdmin, hasOrgRole, type AuthContext } from '../../kernel/auth.js';

/**
 * Login failure handling (GB/T 22239 等级保护 "登录失败处理"): after this many wrong passwords in a
 * row the account is locked for `LOCK_MINUTES`.
 */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/** The lockout state after one more wrong password. */
export function afterFailedLogin(failedBefore: number, now: Date): { failedLogins: number; lockedUntil: Date | null } {
  const failed = failedBefore + 1;
  if (failed >= MAX_FAILED_LOGINS) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000) };
  }
  return { failedLogins: failed, lockedUntil: null };
}

export const isLocked = (lockedUntil: Date | null, now: Date) => lockedUntil !== null && lockedUntil.getTime() > now.getTime();

/** Null when the password is acceptable, else why not (in Chinese, for the form). */
export function passwordProblem(password: string, login?: string): string | null {
  if (password.length < 8) return '密码至少 8 位';
  if (password.length > 128) return '密码最多 128 位';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字';
  if (login && password.toLowerCase().includes(login.toLowerCase())) return '密码不能包含账号';
  return null;
}

/** Platform admins manage every org's users; an org's `org_admin` manages its own org's users. */
export function canManageUsersOf(auth: AuthContext, orgId: string): boolean {
  return isPlatformAdmin(auth) || (hasUserRole(auth, 'org_admin') && auth.org.id === orgId);
}

/** Reading the audit trail: supervisors (auditor org or user role) and platform admins. */
export function canReadAudit(auth: AuthContext): boolean {
  return isPlatformAdmin(auth) || hasUserRole(auth, 'auditor') || hasOrgRole(auth, 'auditor');
}

/** Anyone signed in may hold API keys for their own org, except natural persons. */
/** What a key bound to a grant may call: the data plane's read path, nothing else. */
export const GRANT_KEY_PATHS = ['/api/v1/data/'] as const;
export const grantKeyMayCall = (url: string): boolean => GRANT_KEY_PATHS.some((p) => url.startsWith(p));

export function canManageApiKeys(auth: AuthContext): boolean {
  return auth.org.kind === 'organization' && (hasUserRole(auth, 'org_admin') || hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer'));
}
