/**
 * Sign-in, sessions, API-key resolution and public self-registration.
 */
import crypto, { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, invalidField } from '../../kernel/errors.js';
import { sm3 } from '../../kernel/crypto.js';
import { checkIdNumber, checkUscc } from '../../kernel/codes.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import type { AuthContext } from '../../kernel/auth.js';
import type { Trx } from '../../kernel/db.js';
import { afterFailedLogin, GRANT_KEY_PATHS, grantKeyMayCall, isLocked, LOCK_MINUTES, MAX_FAILED_LOGINS, passwordProblem } from './rules.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import * as repo from './repo.js';
import { authFromRow } from './views.js';
import { beijingIso } from '../../kernel/clock.js';

export interface Session {
  token: string;
  csrf: string;
  expiresAt: Date;
  auth: AuthContext;
}

async function createSession(k: Kernel, trx: Trx, userId: string): Promise<{ token: string; csrf: string; expiresAt: Date }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const csrf = crypto.randomBytes(24).toString('base64url');
  const now = k.clock.now();
  const expiresAt = new Date(now.getTime() + k.config.sessionTtlHours * 3_600_000);
  await trx.insertInto('sessions').values({ token_hash: sm3(token), user_id: userId, csrf, created_at: now, expires_at: expiresAt }).execute();
  return { token, csrf, expiresAt };
}

async function sessionAuth(k: Kernel, trx: Trx, token: string): Promise<AuthContext> {
  const row = await repo.findSession(trx, sm3(token), k.clock.now());
  if (!row) throw new Error('session vanished within its own transaction');
  return authFromRow(row, 'session', null);
}

type LoginOutcome = { ok: true; session: Session } | { ok: false; error: AppError };

/**
 * Signs a user in. Five wrong passwords in a row lock the account for 15 minutes; the failure
 * counter and the audit event are committed even though the request fails.
 */
export async function login(k: Kernel, input: { login: string; password: string }, meta: { ip: string }): Promise<Session> {
  const outcome = await k.db.kysely.transaction().execute(async (trx): Promise<LoginOutcome> => {
    const now = k.clock.now();
    const user = await trx
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['login']), '=', input.login.toLowerCase()))
      .forUpdate()
      .executeTakeFirst();
    const denied = new AppError('UNAUTHENTICATED', '账号或密码错误');
    if (!user) {
      await verifyPassword(input.password, DUMMY_HASH);
      await audit(k, trx, SYSTEM_ACTOR, { action: 'auth.login_failed', objectType: 'user', details: { login: input.login, reason: 'unknown_login', ip: meta.ip } });
      return { ok: false, error: denied };
    }
    const actor = { userId: user.id, orgId: user.org_id };
    if (isLocked(user.locked_until, now)) {
      await audit(k, trx, actor, { action: 'auth.login_refused', objectType: 'user', objectId: user.id, details: { reason: 'locked', ip: meta.ip } });
      return {
        ok: false,
        error: new AppError('ACCOUNT_LOCKED', `连续 ${MAX_FAILED_LOGINS} 次密码错误，账号已锁定至 ${beijingIso(user.locked_until as Date).slice(11, 16)}（北京时间），请稍后再试或联系机构管理员解锁`),
      };
    }
    if (user.disabled) {
      await audit(k, trx, actor, { action: 'auth.login_refused', objectType: 'user', objectId: user.id, details: { reason: 'disabled', ip: meta.ip } });
      return { ok: false, error: new AppError('UNAUTHENTICATED', '账号已停用，请联系机构管理员') };
    }
    if (!(await verifyPassword(input.password, user.password_hash))) {
      const next = afterFailedLogin(user.failed_logins, now);
      await trx.updateTable('users').set({ failed_logins: next.failedLogins, locked_until: next.lockedUntil }).where('id', '=', user.id).execute();
      await audit(k, trx, actor, {
        action: next.lockedUntil ? 'auth.locked' : 'auth.login_failed',
        objectType: 'user',
        objectId: user.id,
        details: { reason: 'bad_password', ip: meta.ip, ...(next.lockedUntil ? { lockedMinutes: LOCK_MINUTES } : { failedLogins: next.failedLogins }) },
      });
      if (next.lockedUntil) {
        return { ok: false, error: new AppError('ACCOUNT_LOCKED', `连续 ${MAX_FAILED_LOGINS} 次密码错误，账号已锁定 ${LOCK_MINUTES} 分钟`) };
      }
      return { ok: false, error: denied };
    }
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: now }).where('id', '=', user.id).execute();
    const s = await createSession(k, trx, user.id);
    await audit(k, trx, actor, { action: 'auth.login', objectType: 'user', objectId: user.id, details: { ip: meta.ip } });
    return { ok: true, session: { ...s, auth: await sessionAuth(k, trx, s.token) } };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.session;
}

/** Ends a session. */
export async function logout(k: Kernel, token: string): Promise<void> {
  await k.db.kysely.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('sessions').where('token_hash', '=', sm3(token)).returning('user_id').executeTakeFirst();
    if (gone) {
      const user = await trx.selectFrom('users').select('org_id').where('id', '=', gone.user_id).executeTakeFirst();
      await audit(k, trx, { userId: gone.user_id, orgId: user?.org_id ?? null }, { action: 'auth.logout', objectType: 'user', objectId: gone.user_id });
    }
  });
}

/** The auth context and CSRF token of a live session, or null. */
export async function resolveSession(k: Kernel, token: string): Promise<{ auth: AuthContext; csrf: string } | null> {
  const row = await repo.findSession(k.db.kysely, sm3(token), k.clock.now());
  if (!row || row.disabled) return null;
  return { auth: authFromRow(row, 'session', null), csrf: row.csrf };
}

/**
 * The auth context of a live API key, or null. Records its last use at most once a minute. A key
 * bound to a grant is refused (403) on any path but the data it was issued for.
 */
export async function resolveApiKey(k: Kernel, key: string, url: string): Promise<AuthContext | null> {
  const now = k.clock.now();
  const row = await repo.findApiKeyPrepared(k.db, sm3(key), now);
  if (!row || row.disabled) return null;
  if (row.grant_id && !grantKeyMayCall(url)) throw new AppError('FORBIDDEN', `该 API 密钥绑定于一项共享授权，只能用于读取该授权的数据（${GRANT_KEY_PATHS.join('、')}）`);
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await k.db.kysely.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.key_id).execute();
  }
  return { ...authFromRow(row, 'api_key', row.key_id), apiKeyGrantId: row.grant_id };
}

export interface RegistrationInput {
  kind: 'organization' | 'person';
  login: string;
  password: string;
  /** A person's name, or the contact person's name for a company. */
  name: string;
  regionCode: string;
  orgName?: string | undefined;
  uscc?: string | undefined;
  idNumber?: string | undefined;
}

/**
 * Self-registration for the public (`public` org role): a company or organisation with its
 * unified social credit code, or a natural person with their resident ID number, stored
 * SM4-encrypted with an SM3-HMAC for look-up. Signs the new user in.
 */
export async function register(k: Kernel, input: RegistrationInput, meta: { ip: string }): Promise<Session> {
  const problem = passwordProblem(input.password, input.login);
  if (problem) throw invalidField('password', problem);
  let uscc: string | null = null;
  let idNumber: string | null = null;
  if (input.kind === 'organization') {
    if (!input.orgName) throw new AppError('VALIDATION', '请填写单位名称', { fields: [{ field: 'orgName', message: '必填' }] });
    uscc = (input.uscc ?? '').toUpperCase();
    const c = checkUscc(uscc);
    if (!c.ok) throw invalidField('uscc', c.reason);
  } else {
    idNumber = (input.idNumber ?? '').toUpperCase();
    const c = checkIdNumber(idNumber);
    if (!c.ok) throw invalidField('idNumber', c.reason);
  }
  const passwordHash = await hashPassword(input.password);
  return k.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.regionExists(trx, input.regionCode))) throw invalidField('regionCode', `行政区划代码 ${input.regionCode} 不存在`);
    if (await repo.findUserByLogin(trx, input.login)) throw new AppError('DUPLICATE', `账号 ${input.login} 已被使用`, { fields: [{ field: 'login', message: '已被使用' }] });
    if (uscc && (await trx.selectFrom('orgs').select('id').where('uscc', '=', uscc).executeTakeFirst())) {
      throw new AppError('DUPLICATE', '该统一社会信用代码已注册，请联系本单位管理员开通账号', { fields: [{ field: 'uscc', message: '已注册' }] });
    }
    const idHmac = idNumber ? k.crypto.hmac(idNumber) : null;
    if (idHmac && (await trx.selectFrom('users').select('id').where('id_number_hmac', '=', idHmac).executeTakeFirst())) {
      throw new AppError('DUPLICATE', '该公民身份号码已注册', { fields: [{ field: 'idNumber', message: '已注册' }] });
    }
    const now = k.clock.now();
    const orgId = randomUUID();
    const userId = randomUUID();
    await trx
      .insertInto('orgs')
      .values({
        id: orgId,
        name: input.kind === 'organization' ? (input.orgName as string) : input.name,
        uscc,
        kind: input.kind,
        region_code: input.regionCode,
        parent_id: null,
        roles: ['public'],
        created_at: now,
      })
      .execute();
    await trx
      .insertInto('users')
      .values({
        id: userId,
        org_id: orgId,
        login: input.login,
        name: input.name,
        password_hash: passwordHash,
        roles: input.kind === 'organization' ? ['org_admin'] : [],
        id_number_enc: idNumber ? k.crypto.encrypt(idNumber) : null,
        id_number_hmac: idHmac,
        phone: null,
        locked_until: null,
        created_at: now,
        last_login_at: now,
      })
      .execute();
    const actor = { userId, orgId };
    await audit(k, trx, actor, {
      action: 'identity.register',
      objectType: 'org',
      objectId: orgId,
      details: { kind: input.kind, login: input.login, regionCode: input.regionCode, ...(uscc ? { uscc } : {}), ip: meta.ip },
    });
    const s = await createSession(k, trx, userId);
    return { ...s, auth: await sessionAuth(k, trx, s.token) };
  });
}
