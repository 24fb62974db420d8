/** Org and user roles (ARCHITECTURE §1) and who may open which page. */
import type { Me, OrgRole, UserRole } from '../api/types';

export const ORG_ROLES: readonly OrgRole[] = [
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
];

export const USER_ROLES: readonly UserRole[] = ['org_admin', 'data_officer', 'clerk', 'reviewer', 'expert', 'auditor'];

const hasUserRole = (me: Me, role: UserRole) => me.user.roles.includes(role);
const hasOrgRole = (me: Me, role: OrgRole) => me.org.roles.includes(role);

/** Platform administration: an org_admin of the platform operator (省大数据建设运营机构). */
export function isPlatformAdmin(me: Me): boolean {
  return hasOrgRole(me, 'platform_admin') && hasUserRole(me, 'org_admin');
}

/** Platform admins manage every org's users; an org_admin manages its own org's users. */
export function canManageUsers(me: Me): boolean {
  return isPlatformAdmin(me) || hasUserRole(me, 'org_admin');
}

/** The audit trail is read by auditors (网信/公安/审计: the user or org role) and the platform's administrators. */
export function canViewAudit(me: Me): boolean {
  return hasUserRole(me, 'auditor') || hasOrgRole(me, 'auditor') || isPlatformAdmin(me);
}

/** API keys belong to organizations (not natural persons) and are held by their admins, clerks and data officers. */
export function canManageApiKeys(me: Me): boolean {
  return me.org.kind === 'organization' && (['org_admin', 'clerk', 'data_officer'] as const).some((r) => hasUserRole(me, r));
}
