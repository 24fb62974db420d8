/** How identity records are presented over the API. */
import type { AuthContext } from '../../kernel/auth.js';

export interface OrgRow {
  id: string;
  name: string;
  uscc: string | null;
  kind: 'organization' | 'person';
  region_code: string;
  region_name: string | null;
  parent_id: string | null;
  roles: string[];
  created_at: Date;
}

export const orgView = (o: OrgRow) => ({
  id: o.id,
  name: o.name,
  uscc: o.uscc,
  kind: o.kind,
  regionCode: o.region_code,
  regionName: o.region_name,
  parentId: o.parent_id,
  roles: o.roles,
  createdAt: o.created_at.toISOString(),
});

export interface UserRow {
  id: string;
  org_id: string;
  org_name: string;
  login: string;
  name: string;
  roles: string[];
  disabled: boolean;
  locked_until: Date | null;
  created_at: Date;
  last_login_at: Date | null;
}

export const userView = (u: UserRow, now: Date) => ({
  id: u.id,
  orgId: u.org_id,
  orgName: u.org_name,
  login: u.login,
  name: u.name,
  roles: u.roles,
  disabled: u.disabled,
  lockedUntil: u.locked_until && u.locked_until.getTime() > now.getTime() ? u.locked_until.toISOString() : null,
  createdAt: u.created_at.toISOString(),
  lastLoginAt: u.last_login_at?.toISOString() ?? null,
});

/** `GET /api/v1/auth/me`: the user, their org, and org roles and user roles together. */
export const meView = (auth: AuthContext) => ({ user: auth.user, org: auth.org, roles: auth.roles });

/** Builds the auth context from a joined session / API key row. */
export function authFromRow(
  r: {
    user_id: string;
    login: string;
    user_name: string;
    user_roles: string[];
    org_id: string;
    org_name: string;
    uscc: string | null;
    kind: 'organization' | 'person';
    region_code: string;
    org_roles: string[];
  },
  via: AuthContext['via'],
  apiKeyId: string | null,
): AuthContext {
  return {
    user: { id: r.user_id, login: r.login, name: r.user_name, orgId: r.org_id, roles: r.user_roles },
    org: { id: r.org_id, name: r.org_name, uscc: r.uscc, kind: r.kind, regionCode: r.region_code, roles: r.org_roles },
    roles: [...new Set([...r.org_roles, ...r.user_roles])],
    via,
    apiKeyId,
  };
}
