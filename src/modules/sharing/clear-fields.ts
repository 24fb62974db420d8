/**
 * Fields released in clear (明文提供): a grant's personal-information fields leave masked unless
 * the provider releases them in clear — when approving the request (`decide` with `clearFields`)
 * or later on the grant. The delivery module reads `grants.clear_fields` at every read, so a change
 * takes effect on the next read (000 第十四条: the provider answers what it shares and how).
 */
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import { grantLink, piiFieldsOf, view, type GrantView } from './grants.service.js';
import { ART, DECIDE_NEEDS, canDecide, canViewGrant, clearFieldsProblems, effectiveGrantStatus } from './rules.js';
import type { ClearFieldsBody } from './schema.js';
import { withoutClear } from './masking.rules.js';
import * as repo from './repo.js';

/**
 * The provider replaces the list of fields its grant releases in clear (empty: mask them all),
 * with the reason; refused on a revoked or expired grant. Audited with the lists before and after;
 * the subject is notified.
 */
export async function setClearFields(k: Kernel, auth: AuthContext, id: string, body: ClearFieldsBody): Promise<GrantView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const g = await repo.lockGrant(trx, id);
    if (!g || !canViewGrant(auth, g)) throw notFound('共享授权', id);
    requirePermission(canDecide(auth, g), DECIDE_NEEDS);
    const now = k.clock.now();
    const status = effectiveGrantStatus(g, now);
    if (status === 'revoked' || status === 'expired') {
      throw new AppError('INVALID_STATE', `共享授权已${status === 'revoked' ? '撤销' : '过使用时限'}，不能变更明文提供的数据项`, { source: ART.request });
    }
    const [row] = await repo.listGrants(trx, { id });
    if (!row) throw notFound('共享授权', id);
    const reason = body.reason.trim();
    const problems = clearFieldsProblems(body.fields, g.fields, piiFieldsOf(g.fields, row.entry_fields), reason, 'fields');
    if (!reason) problems.push({ field: 'reason', message: '请说明理由和依据' });
    if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { source: ART.request, fields: problems });
    const next = [...new Set(body.fields)];
    const before = g.clear_fields;
    // A field released in clear has no masking strategy any more.
    const masking = withoutClear(g.mask_strategies, next);
    await repo.updateGrant(trx, id, { clear_fields: next, mask_strategies: masking ? JSON.stringify(masking) : null });
    const name = row.entry_name ?? row.entry_code;
    await notify(k, trx, {
      orgId: g.subject_org_id,
      kind: 'sharing.grant_clear_fields',
      title: `共享授权明文提供的数据项已变更：「${name}」`,
      body: `${auth.org.name}：${next.length > 0 ? `以明文提供 ${next.join('、')}` : '个人信息一律脱敏提供'}，其余个人信息脱敏。理由：${reason}（自下一次获取起生效）`,
      link: grantLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.grant_clear_fields',
      objectType: 'grant',
      objectId: id,
      grantId: id,
      details: { before, after: next, reason, entryId: g.entry_id, subjectOrgId: g.subject_org_id },
    });
    return view({ ...row, clear_fields: next, mask_strategies: masking }, now);
  });
}
