/**
 * API keys for machine clients: shown once, stored as an SM3 hash, scoped to an org (or to one of
 * its grants, made by the delivery module), expiring, revocable.
 */
import crypto, { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { sm3 } from '../../kernel/crypto.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { actorOf, isPlatformAdmin, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { canManageApiKeys } from './rules.js';

export const API_KEY_MAX_DAYS = 365;
const KEY_NEEDS = '机构账号（非自然人）的机构管理员、数据工作机构负责人或经办人';

type KeyRow = { id: string; name: string; prefix: string; created_at: Date; expires_at: Date; revoked_at: Date | null; last_used_at: Date | null; grant_id: string | null };

const keyView = (r: KeyRow, now: Date) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  grantId: r.grant_id,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  status: r.revoked_at ? ('revoked' as const) : r.expires_at.getTime() <= now.getTime() ? ('expired' as const) : ('active' as const),
});

/**
 * Generates a key and stores its SM3 hash for `orgId`, optionally bound to a grant. Returns the
 * plain key, which is stored nowhere. The caller checks who may do it and audits it in `trx`.
 */
export async function issueApiKey(trx: Trx, input: { orgId: string; createdBy: string; name: string; now: Date; expiresAt: Date; grantId?: string | null }) {
  const key = `gsk_${crypto.randomBytes(32).toString('base64url')}`;
  const row = {
    id: randomUUID(),
    org_id: input.orgId,
    created_by: input.createdBy,
    name: input.name,
    prefix: key.slice(0, 12),
    key_hash: sm3(key),
    created_at: input.now,
    expires_at: input.expiresAt,
    revoked_at: null,
    last_used_at: null,
    grant_id: input.grantId ?? null,
  };
  await trx.insertInto('api_keys').values(row).execute();
  return { key, row, view: keyView(row, input.now) };
}

/** The grant a key is bound to, or null for an org key. */
export async function apiKeyGrantId(db: Executor, keyId: string): Promise<string | null> {
  const r = await db.selectFrom('api_keys').select('grant_id').where('id', '=', keyId).executeTakeFirst();
  return r?.grant_id ?? null;
}

/** Issues a key for the caller's org. The plain key is in the result and nowhere else. */
export async function createApiKey(k: Kernel, auth: AuthContext, input: { name: string; expiresInDays?: number | undefined }) {
  requirePermission(canManageApiKeys(auth), KEY_NEEDS);
  if (auth.via === 'api_key') throw new AppError('FORBIDDEN', '不能用 API 密钥创建新的 API 密钥，请登录后操作');
  const days = input.expiresInDays ?? 90;
  const now = k.clock.now();
  const { key, row } = await k.db.kysely.transaction().execute(async (trx) => {
    const issued = await issueApiKey(trx, { orgId: auth.org.id, createdBy: auth.user.id, name: input.name, now, expiresAt: new Date(now.getTime() + days * 86_400_000) });
    await audit(k, trx, actorOf(auth), { action: 'api_key.create', objectType: 'api_key', objectId: issued.row.id, details: { name: input.name, prefix: issued.row.prefix, expiresAt: issued.row.expires_at.toISOString() } });
    return issued;
  });
  return { id: row.id, name: row.name, prefix: row.prefix, key, expiresAt: row.expires_at.toISOString() };
}

/** The keys of the caller's org (never the keys themselves). */
export async function listApiKeys(k: Kernel, auth: AuthContext) {
  requirePermission(canManageApiKeys(auth) || isPlatformAdmin(auth), KEY_NEEDS);
  const rows = await k.db.kysely.selectFrom('api_keys').selectAll().where('org_id', '=', auth.org.id).orderBy('created_at', 'desc').execute();
  const now = k.clock.now();
  return { items: rows.map((r) => keyView(r, now)) };
}

/** Revokes a key of the caller's org; takes effect on the next request. */
export async function revokeApiKey(k: Kernel, auth: AuthContext, id: string) {
  requirePermission(canManageApiKeys(auth), KEY_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).where('org_id', '=', auth.org.id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('API 密钥', id);
    if (row.revoked_at) return keyView(row, k.clock.now());
    const now = k.clock.now();
    await trx.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).execute();
    await audit(k, trx, actorOf(auth), { action: 'api_key.revoke', objectType: 'api_key', objectId: id, details: { prefix: row.prefix } });
    return keyView({ ...row, revoked_at: now }, now);
  });
}
