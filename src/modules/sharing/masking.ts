/**
 * Masking strategies on a grant (脱敏方式; 002 第十一条; 000 第十四条: the provider answers what it
 * shares and how): the provider chooses, per personal-information field not released in clear,
 * how it leaves — when approving the request (`decide` with `masking`) or later on the grant. The
 * delivery module reads `grants.mask_strategies` at every read and export, so a change takes
 * effect on the next read.
 */
import { audit } from '../../kernel/audit.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { notify } from '../../kernel/notifications.js';
import type { CatalogField } from '../catalog/tables.js';
import { parseStrategy, strategyLabel } from '../privacy/masking.js';
import { grantLink, view, type GrantView } from './grants.service.js';
import { maskingProblems, normalisedMasking } from './masking.rules.js';
import { ART, DECIDE_NEEDS, canDecide, canViewGrant, effectiveGrantStatus } from './rules.js';
import type { MaskingBody } from './schema.js';
import * as repo from './repo.js';

/** A choice of strategies in words, for notices: `name：假名化（本授权）；…`. */
export function maskingText(masking: Readonly<Record<string, string>> | null): string {
  const parts = Object.entries(masking ?? {}).map(([f, spec]) => {
    const p = parseStrategy(spec);
    return `${f}：${p.ok ? strategyLabel(p.value) : spec}`;
  });
  return parts.length > 0 ? parts.join('；') : '个人信息按默认方式部分遮盖';
}

/**
 * The strategies a decision carries, checked against the request's fields and the fields it
 * releases in clear; refused (naming each field) when one does not fit, or when the decision is a
 * refusal. Null when none is chosen.
 */
export function decisionMasking(
  masking: Readonly<Record<string, string>> | undefined,
  event: 'approve' | 'refuse',
  requested: readonly string[],
  entryFields: readonly CatalogField[] | null,
  clear: readonly string[],
  method?: string,
): Record<string, string> | null {
  if (!masking || Object.keys(masking).length === 0) return null;
  if (event === 'refuse') throw new AppError('VALIDATION', '不同意共享时不能设置脱敏方式', { source: ART.request, fields: [{ field: 'masking', message: '仅同意共享时可设置' }] });
  // Data of a sandbox grant never leaves: its columns are governed by their policies instead.
  if (method === 'sandbox') throw new AppError('VALIDATION', '隐私沙箱方式的授权按列策略使用数据，不设脱敏方式', { source: ART.request, fields: [{ field: 'masking', message: '请使用 columnPolicies' }] });
  const problems = maskingProblems(masking, requested, entryFields, clear);
  if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { source: ART.request, fields: problems });
  return normalisedMasking(masking);
}

/** Stores the strategies of a grant just made by an approval (nothing when none was chosen). */
export async function storeMasking(trx: Trx, grantId: string, masking: Record<string, string> | null): Promise<void> {
  if (masking) await repo.updateGrant(trx, grantId, { mask_strategies: JSON.stringify(masking) });
}

/**
 * `PUT /api/v1/grants/{id}/masking`: the provider replaces the strategies of its grant's masked
 * fields (empty: each field's default), with the reason; refused on a revoked or expired grant,
 * and for a field that is not granted, holds no personal information, or is released in clear.
 * Audited with the choice before and after; the subject is notified.
 */
export async function setMasking(k: Kernel, auth: AuthContext, id: string, body: MaskingBody): Promise<GrantView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const g = await repo.lockGrant(trx, id);
    if (!g || !canViewGrant(auth, g)) throw notFound('共享授权', id);
    requirePermission(canDecide(auth, g), DECIDE_NEEDS);
    const now = k.clock.now();
    const status = effectiveGrantStatus(g, now);
    if (status === 'revoked' || status === 'expired') {
      throw new AppError('INVALID_STATE', `共享授权已${status === 'revoked' ? '撤销' : '过使用时限'}，不能变更脱敏方式`, { source: ART.request });
    }
    const [row] = await repo.listGrants(trx, { id });
    if (!row) throw notFound('共享授权', id);
    const reason = body.reason.trim();
    const problems = maskingProblems(body.masking, g.fields, row.entry_fields, g.clear_fields);
    if (!reason) problems.push({ field: 'reason', message: '请说明理由和依据' });
    if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { source: ART.request, fields: problems });
    const next = normalisedMasking(body.masking);
    const before = g.mask_strategies;
    await repo.updateGrant(trx, id, { mask_strategies: next ? JSON.stringify(next) : null });
    const name = row.entry_name ?? row.entry_code;
    await notify(k, trx, {
      orgId: g.subject_org_id,
      kind: 'sharing.grant_masking',
      title: `共享授权的脱敏方式已变更：「${name}」`,
      body: `${auth.org.name}：${maskingText(next)}。理由：${reason}（自下一次获取起生效）`,
      link: grantLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.grant_masking',
      objectType: 'grant',
      objectId: id,
      grantId: id,
      details: { before, after: next, reason, entryId: g.entry_id, subjectOrgId: g.subject_org_id },
    });
    return view({ ...row, mask_strategies: next }, now);
  });
}
