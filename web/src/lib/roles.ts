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

/** The catalog is read by every org on the platform except the public (who use the open-data portal). */
export function canBrowseCatalog(me: Me): boolean {
  return me.org.roles.some((r) => r !== 'public');
}

/** An institution's clerks, data officers and admins register and edit its catalog entries (000 第六条). */
export function canRegisterCatalog(me: Me): boolean {
  return hasOrgRole(me, 'institution') && (['clerk', 'data_officer', 'org_admin'] as const).some((r) => hasUserRole(me, r));
}

/** Only the head of the institution's data office signs its catalog submissions. */
export function canSubmitCatalog(me: Me): boolean {
  return hasOrgRole(me, 'institution') && hasUserRole(me, 'data_officer');
}

/** The sharing authority's users follow the catalog review queue (000 第六、七条). */
export function canReadCatalogQueue(me: Me): boolean {
  return hasOrgRole(me, 'sharing_authority');
}

/** Its reviewers and admins decide: approve, return, consent to an update's extension. */
export function isCatalogReviewer(me: Me): boolean {
  return hasOrgRole(me, 'sharing_authority') && (['reviewer', 'org_admin'] as const).some((r) => hasUserRole(me, r));
}
