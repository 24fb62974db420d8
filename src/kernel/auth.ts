/**
 * The per-request auth context, set by the identity module's hook from the session cookie or the
 * API key, and the role vocabulary of ARCHITECTURE §1.
 */
import { AppError } from './errors.js';
import type { Actor } from './context.js';

/** Org roles: what an organisation is in the regulations. */
export const ORG_ROLES = [
  'platform_admin',
  'sharing_authority',
  'data_authority',
  'institution',
  'implementing_agency',
  'operator',
  'developer',
  'buyer',
  'public',
  'auditor',
] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** User roles: what a person does inside their org. */
export const USER_ROLES = ['org_admin', 'data_officer', 'clerk', 'reviewer', 'expert', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const ROLE_LABELS: Record<OrgRole | UserRole, string> = {
  platform_admin: '平台运营机构',
  sharing_authority: '营商环境建设主管部门',
  data_authority: '数据主管部门',
  institution: '公共管理和服务机构',
  implementing_agency: '实施机构',
  operator: '运营机构',
  developer: '开发主体/服务商',
  buyer: '购买方',
  public: '社会公众',
  auditor: '监管/审计',
  org_admin: '机构管理员',
  data_officer: '数据工作机构负责人',
  clerk: '经办人',
  reviewer: '审核人',
  expert: '专家',
};

export interface AuthContext {
  user: { id: string; login: string; name: string; orgId: string; roles: string[] };
  org: { id: string; name: string; uscc: string | null; kind: 'organization' | 'person'; regionCode: string; roles: string[] };
  /** Org roles and user roles together. */
  roles: string[];
  via: 'session' | 'api_key';
  apiKeyId: string | null;
  /** The grant an API key is bound to (null: an org key), as the key was resolved; unset for sessions. */
  apiKeyGrantId?: string | null;
}

/** The audit actor of a request. */
export const actorOf = (auth: AuthContext): Actor => ({ userId: auth.user.id, orgId: auth.org.id, apiKeyId: auth.apiKeyId });

export const hasOrgRole = (auth: AuthContext, role: OrgRole) => auth.org.roles.includes(role);
export const hasUserRole = (auth: AuthContext, role: UserRole) => auth.user.roles.includes(role);

/** 平台管理员: an `org_admin` of an org that holds the `platform_admin` role. */
export const isPlatformAdmin = (auth: AuthContext) => hasOrgRole(auth, 'platform_admin') && hasUserRole(auth, 'org_admin');

/** Throws 401 unless signed in. */
export function requireAuth(auth: AuthContext | null): AuthContext {
  if (!auth) throw new AppError('UNAUTHENTICATED', '请先登录');
  return auth;
}

/** Throws 403 naming the role needed unless `allowed` holds. */
export function requirePermission(allowed: boolean, needs: string): void {
  if (!allowed) throw new AppError('FORBIDDEN', `无权执行此操作：需要${needs}`);
}

export const PLATFORM_ADMIN_NEEDS = '平台管理员（platform_admin 机构的 org_admin）';
