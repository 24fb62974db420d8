/**
 * Org and user administration. `platform_admin` manages orgs and every org's users; an org's
 * `org_admin` manages its own org's users.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, invalidField, notFound } from '../../kernel/errors.js';
import { checkUscc } from '../../kernel/codes.js';
import type { Kernel } from '../../kernel/context.js';
import { actorOf, isPlatformAdmin, PLATFORM_ADMIN_NEEDS, requirePermission, type AuthContext, type OrgRole, type UserRole } from '../../kernel/auth.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { canManageUsersOf, passwordProblem } from './rules.js';
import { hashPassword } from './passwords.js';
import * as repo from './repo.js';
import { orgView, userView } from './views.js';

export interface OrgInput {
  name: string;
  uscc: string;
  regionCode: string;
  parentId?: string | undefined;
  roles: OrgRole[];
}

async function mustFindOrg(trx: Executor, id: string) {
  const org = await repo.findOrg(trx, id);
  if (!org) throw notFound('机构', id);
  return orgView(org);
}

async function checkParent(trx: Executor, parentId: string | undefined | null, selfId?: string) {
  if (!parentId) return;
  if (parentId === selfId) throw invalidField('parentId', '上级机构不能是本机构');
  // Walk up from the new parent: finding ourselves would close a cycle.
  let cursor: string | null = parentId;
  let first = true;
  while (cursor) {
    const p: { id: string; parent_id: string | null } | undefined = await trx.selectFrom('orgs').select(['id', 'parent_id']).where('id', '=', cursor).executeTakeFirst();
    if (!p) throw invalidField('parentId', first ? `上级机构不存在：${parentId}` : '上级机构链不完整');
    if (selfId && p.id === selfId) throw invalidField('parentId', '上级机构不能是本机构的下级');
    cursor = p.parent_id;
    first = false;
  }
}

/** Registers an org (platform admin). The credit code must pass its GB 32100 check. */
export async function createOrg(k: Kernel, auth: AuthContext, input: OrgInput) {
  requirePermission(isPlatformAdmin(auth), PLATFORM_ADMIN_NEEDS);
  const uscc = input.uscc.toUpperCase();
  const check = checkUscc(uscc);
  if (!check.ok) throw invalidField('uscc', check.reason);
  return k.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.regionExists(trx, input.regionCode))) throw invalidField('regionCode', `行政区划代码 ${input.regionCode} 不存在`);
    await checkParent(trx, input.parentId);
    if (await trx.selectFrom('orgs').select('id').where('uscc', '=', uscc).executeTakeFirst()) {
      throw new AppError('DUPLICATE', `统一社会信用代码 ${uscc} 已登记`, { fields: [{ field: 'uscc', message: '已登记' }] });
    }
    const id = randomUUID();
    await trx
      .insertInto('orgs')
      .values({ id, name: input.name, uscc, kind: 'organization', region_code: input.regionCode, parent_id: input.parentId ?? null, roles: [...new Set(input.roles)], created_at: k.clock.now() })
      .execute();
    await audit(k, trx, actorOf(auth), { action: 'org.create', objectType: 'org', objectId: id, details: { name: input.name, uscc, regionCode: input.regionCode, parentId: input.parentId ?? null, roles: input.roles } });
    return mustFindOrg(trx, id);
  });
}

export interface OrgPatch {
  name?: string | undefined;
  roles?: OrgRole[] | undefined;
  parentId?: string | null | undefined;
}

/** Renames an org, changes its roles or moves it in the tree (platform admin). */
export async function updateOrg(k: Kernel, auth: AuthContext, id: string, patch: OrgPatch) {
  requirePermission(isPlatformAdmin(auth), PLATFORM_ADMIN_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findOrg(trx, id);
    if (!before) throw notFound('机构', id);
    if (patch.parentId !== undefined) await checkParent(trx, patch.parentId, id);
    if (patch.roles && id === auth.org.id && !patch.roles.includes('platform_admin')) {
      throw new AppError('RULE_VIOLATION', '不能移除本机构的平台运营角色，否则平台将无人管理');
    }
    const set = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.roles !== undefined ? { roles: [...new Set(patch.roles)] } : {}),
      ...(patch.parentId !== undefined ? { parent_id: patch.parentId } : {}),
    };
    if (Object.keys(set).length === 0) return orgView(before);
    await trx.updateTable('orgs').set(set).where('id', '=', id).execute();
    await audit(k, trx, actorOf(auth), {
      action: 'org.update',
      objectType: 'org',
      objectId: id,
      details: { before: { name: before.name, roles: before.roles, parentId: before.parent_id }, after: patch },
    });
    return mustFindOrg(trx, id);
  });
}

/** Lists orgs. Platform admins and authorities see all; others see their own org. */
export async function listOrgs(k: Kernel, auth: AuthContext, f: repo.OrgFilter) {
  const seesAll = isPlatformAdmin(auth) || auth.org.roles.some((r) => r !== 'public');
  if (!seesAll) {
    const own = await repo.findOrg(k.db.kysely, auth.org.id);
    return { items: own ? [orgView(own)] : [], total: own ? 1 : 0 };
  }
  const r = await repo.listOrgs(k.db.kysely, f);
  return { items: r.items.map(orgView), total: r.total };
}

export interface UserInput {
  orgId: string;
  login: string;
  name: string;
  password: string;
  roles: UserRole[];
}

async function loadUserOrFail(trx: Executor, id: string) {
  const u = await repo.findUser(trx, id);
  if (!u) throw notFound('用户', id);
  return u;
}

const manageUsersNeeds = '平台管理员，或该机构的机构管理员（org_admin）';

/** Creates a user in an org. */
export async function createUser(k: Kernel, auth: AuthContext, input: UserInput) {
  requirePermission(canManageUsersOf(auth, input.orgId), manageUsersNeeds);
  const problem = passwordProblem(input.password, input.login);
  if (problem) throw invalidField('password', problem);
  const passwordHash = await hashPassword(input.password);
  return k.db.kysely.transaction().execute(async (trx) => {
    const org = await repo.findOrg(trx, input.orgId);
    if (!org) throw invalidField('orgId', `机构不存在：${input.orgId}`);
    if (await repo.findUserByLogin(trx, input.login)) {
      throw new AppError('DUPLICATE', `账号 ${input.login} 已被使用`, { fields: [{ field: 'login', message: '已被使用' }] });
    }
    const id = randomUUID();
    await trx
      .insertInto('users')
      .values({
        id,
        org_id: input.orgId,
        login: input.login,
        name: input.name,
        password_hash: passwordHash,
        roles: [...new Set(input.roles)],
        id_number_enc: null,
        id_number_hmac: null,
        phone: null,
        locked_until: null,
        created_at: k.clock.now(),
        last_login_at: null,
      })
      .execute();
    await audit(k, trx, actorOf(auth), { action: 'user.create', objectType: 'user', objectId: id, details: { orgId: input.orgId, login: input.login, name: input.name, roles: input.roles } });
    return userView(await loadUserOrFail(trx, id), k.clock.now());
  });
}

export interface UserPatch {
  name?: string | undefined;
  roles?: UserRole[] | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
}

/** Changes a user's name, roles, disabled flag or password. A password change ends their sessions. */
export async function updateUser(k: Kernel, auth: AuthContext, id: string, patch: UserPatch) {
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return k.db.kysely.transaction().execute(async (trx) => {
    const before = await loadUserOrFail(trx, id);
    requirePermission(canManageUsersOf(auth, before.org_id), manageUsersNeeds);
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password, before.login);
      if (problem) throw invalidField('password', problem);
    }
    if (id === auth.user.id && (patch.disabled === true || (patch.roles && !patch.roles.includes('org_admin') && before.roles.includes('org_admin')))) {
      throw new AppError('RULE_VIOLATION', '不能停用自己或移除自己的机构管理员角色');
    }
    const set = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.roles !== undefined ? { roles: [...new Set(patch.roles)] } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(passwordHash !== undefined ? { password_hash: passwordHash, failed_logins: 0, locked_until: null } : {}),
    };
    if (Object.keys(set).length === 0) return userView(before, k.clock.now());
    await trx.updateTable('users').set(set).where('id', '=', id).execute();
    if (passwordHash !== undefined || patch.disabled === true) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    const { password: _omit, ...shown } = patch;
    await audit(k, trx, actorOf(auth), {
      action: 'user.update',
      objectType: 'user',
      objectId: id,
      details: { before: { name: before.name, roles: before.roles, disabled: before.disabled }, after: shown, passwordChanged: passwordHash !== undefined },
    });
    return userView(await loadUserOrFail(trx, id), k.clock.now());
  });
}

/** Lifts a login lockout before its 15 minutes are up. */
export async function unlockUser(k: Kernel, auth: AuthContext, id: string) {
  return k.db.kysely.transaction().execute(async (trx) => {
    const before = await loadUserOrFail(trx, id);
    requirePermission(canManageUsersOf(auth, before.org_id), manageUsersNeeds);
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
    await audit(k, trx, actorOf(auth), { action: 'user.unlock', objectType: 'user', objectId: id, details: { wasLockedUntil: before.locked_until?.toISOString() ?? null } });
    return userView(await loadUserOrFail(trx, id), k.clock.now());
  });
}

/** Lists users: all for a platform admin, the own org's for anyone else who manages users. */
export async function listUsers(k: Kernel, auth: AuthContext, f: repo.UserFilter) {
  if (!isPlatformAdmin(auth)) {
    requirePermission(canManageUsersOf(auth, auth.org.id), manageUsersNeeds);
    if (f.orgId && f.orgId !== auth.org.id) requirePermission(false, PLATFORM_ADMIN_NEEDS);
    f = { ...f, orgId: auth.org.id };
  }
  const r = await repo.listUsers(k.db.kysely, f);
  const now = k.clock.now();
  return { items: r.items.map((u) => userView(u, now)), total: r.total };
}

/** Adds a GB/T 2260 region (platform admin), e.g. a new county. */
export async function createRegion(k: Kernel, auth: AuthContext, input: { code: string; name: string; parentCode: string | null }) {
  requirePermission(isPlatformAdmin(auth), PLATFORM_ADMIN_NEEDS);
  return k.db.kysely.transaction().execute(async (trx: Trx) => {
    if (await repo.regionExists(trx, input.code)) throw new AppError('DUPLICATE', `行政区划代码 ${input.code} 已存在`);
    let level = 1;
    if (input.parentCode) {
      const parent = await trx.selectFrom('regions').select(['code', 'level']).where('code', '=', input.parentCode).executeTakeFirst();
      if (!parent) throw invalidField('parentCode', `上级行政区划不存在：${input.parentCode}`);
      if (parent.level >= 3) throw invalidField('parentCode', '县级行政区划下不能再设下级');
      level = parent.level + 1;
    }
    const row = { code: input.code, name: input.name, parent_code: input.parentCode, level };
    await trx.insertInto('regions').values(row).execute();
    await audit(k, trx, actorOf(auth), { action: 'region.create', objectType: 'region', objectId: input.code, details: { name: input.name, parentCode: input.parentCode } });
    return { code: row.code, name: row.name, parentCode: row.parent_code, level };
  });
}

export async function listRegions(db: Executor) {
  const rows = await db.selectFrom('regions').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, parentCode: r.parent_code, level: r.level }));
}
