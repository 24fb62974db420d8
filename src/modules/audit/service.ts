/**
 * The audit trail for supervisors: search events, verify the chain, fetch the latest signed
 * checkpoint. There is no way to change or delete an event.
 */
import { isPlatformAdmin, hasOrgRole, hasUserRole, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { verifyChain, verifyOptionsFor } from '../../kernel/audit.js';
import { AppError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/context.js';

/** Supervisors (auditor org or user role) and platform admins read the audit trail. */
export const canReadAudit = (auth: AuthContext) => isPlatformAdmin(auth) || hasUserRole(auth, 'auditor') || hasOrgRole(auth, 'auditor');
const NEEDS = '审计员（auditor）或平台管理员';

export interface EventFilter {
  actor?: string | undefined;
  org?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  grantId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: number | undefined;
  limit: number;
}

/** Events newest first, keyset-paged by `before` (a sequence number). */
export async function listEvents(k: Kernel, auth: AuthContext, f: EventFilter) {
  requirePermission(canReadAudit(auth), NEEDS);
  let q = k.db.kysely
    .selectFrom('audit_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .leftJoin('orgs as o', 'o.id', 'e.actor_org_id')
    .select([
      'e.seq',
      'e.at',
      'e.actor_user_id',
      'u.login as actor_login',
      'e.actor_org_id',
      'o.name as actor_org_name',
      'e.action',
      'e.object_type',
      'e.object_id',
      'e.purpose',
      'e.grant_id',
      'e.details',
      'e.hash',
    ]);
  if (f.actor) q = q.where('u.login', '=', f.actor);
  if (f.org) q = q.where('e.actor_org_id', '=', f.org);
  if (f.action) q = f.action.endsWith('.') || f.action.endsWith('*') ? q.where('e.action', 'like', `${f.action.replace(/\*$/, '')}%`) : q.where('e.action', '=', f.action);
  if (f.objectType) q = q.where('e.object_type', '=', f.objectType);
  if (f.objectId) q = q.where('e.object_id', '=', f.objectId);
  if (f.grantId) q = q.where('e.grant_id', '=', f.grantId);
  if (f.from) q = q.where('e.at', '>=', new Date(f.from));
  if (f.to) q = q.where('e.at', '<=', new Date(f.to));
  if (f.from && f.to && new Date(f.from) > new Date(f.to)) throw new AppError('VALIDATION', '起始时间不能晚于结束时间');
  if (f.before !== undefined) q = q.where('e.seq', '<', f.before);
  const rows = await q.orderBy('e.seq', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((e) => ({
      seq: Number(e.seq),
      at: e.at.toISOString(),
      actorUserId: e.actor_user_id,
      actorLogin: e.actor_login,
      actorOrgId: e.actor_org_id,
      actorOrgName: e.actor_org_name,
      action: e.action,
      objectType: e.object_type,
      objectId: e.object_id,
      purpose: e.purpose,
      grantId: e.grant_id,
      details: e.details,
      hash: e.hash,
    })),
    nextBefore: rows.length > f.limit ? Number(page.at(-1)?.seq) : null,
  };
}

/** Walks and checks the whole chain (see kernel/audit.ts). */
export async function verify(k: Kernel, auth: AuthContext) {
  requirePermission(canReadAudit(auth), NEEDS);
  const r = await verifyChain(k.crypto, k.db.kysely, verifyOptionsFor(k.db));
  const latest = r.checkpoints.latest;
  return {
    ...r,
    checkpoints: { ...r.checkpoints, latest: latest ? { seq: latest.seq, hash: latest.hash, at: latest.at.toISOString(), keyId: latest.keyId, signature: latest.signature } : null },
  };
}

/** The latest SM2-signed checkpoint with the public key to check it offline. */
export async function latestCheckpoint(k: Kernel, auth: AuthContext) {
  requirePermission(canReadAudit(auth), NEEDS);
  const cp = await k.db.kysely.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!cp) throw new AppError('NOT_FOUND', '尚无签名检查点（每累计一定数量的事件或每次定时任务时生成）');
  return {
    seq: Number(cp.seq),
    hash: cp.hash,
    at: cp.at.toISOString(),
    keyId: cp.key_id,
    publicKey: cp.public_key,
    signature: cp.signature,
    algorithm: 'SM2 with SM3 over "gongshu-audit-checkpoint:v1:<seq>:<hash>:<at ISO>"',
  };
}
