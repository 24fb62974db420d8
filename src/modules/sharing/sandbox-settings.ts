/**
 * Changing a sandbox grant's settings (002 第十一条 "数据可用不可见"): the provider may tighten or
 * loosen the column policies, the group threshold, differential privacy and release approval of a
 * grant it gave, with a reason. The sandbox reads the grant at every query, so a change takes
 * effect on the next one.
 */
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import { COLUMN_POLICY_LABELS } from '../privacy/sandbox.types.js';
import { grantLink, view, type GrantView } from './grants.service.js';
import { ART, DECIDE_NEEDS, canDecide, canViewGrant, effectiveGrantStatus } from './rules.js';
import { checkedSettings, epsilonSpent, grantColumns, invalid, sandboxContext, sandboxView, settingsDetails, type SandboxSettings } from './sandbox-grants.js';
import type { SandboxSettingsBody } from './schema.js';
import * as repo from './repo.js';

/** The settings in one line of Chinese, for the subject's notification. */
export const describeSettings = (s: SandboxSettings, profileMin: number): string =>
  [
    Object.entries(s.columnPolicies)
      .map(([f, p]) => `${f} ${COLUMN_POLICY_LABELS[p]}`)
      .join('，'),
    `最小分组人数 ${s.minGroupSize ?? `${profileMin}（本辖区规定）`}`,
    s.dp ? `差分隐私 ε 总预算 ${s.dp.epsilonBudget}、每次查询 ${s.dp.epsilonPerQuery}` : '未启用差分隐私',
    s.releaseApproval ? '结果出域须经实施机构审核' : '结果出域无须审核',
  ].join('；');

/**
 * The provider changes a sandbox grant's settings: the policies named (the others stay), the
 * threshold (never below the jurisdiction's; null: the jurisdiction's), differential privacy (null:
 * off) and release approval, with the reason. The ε budget grows only through this change, audited
 * with the settings before and after and the ε already spent; the ledger is never touched, so what
 * was spent counts against the new budget. Refused on a grant that is not a sandbox grant and on a
 * revoked or expired one. The subject org is notified.
 */
export async function setSandboxSettings(k: Kernel, auth: AuthContext, id: string, body: SandboxSettingsBody): Promise<GrantView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const g = await repo.lockGrant(trx, id);
    if (!g || !canViewGrant(auth, g)) throw notFound('共享授权', id);
    requirePermission(canDecide(auth, g), DECIDE_NEEDS);
    const before = sandboxView(g);
    if (!before) throw new AppError('RULE_VIOLATION', `该共享授权的共享方式为 ${g.methods.join(' / ')}，不是隐私沙箱（sandbox）授权，没有沙箱设置`, { source: ART.sandboxSettings });
    const now = k.clock.now();
    const status = effectiveGrantStatus(g, now);
    if (status === 'revoked' || status === 'expired') {
      throw new AppError('INVALID_STATE', `共享授权已${status === 'revoked' ? '撤销' : '过使用时限'}，不能变更沙箱设置`, { source: ART.request });
    }
    const reason = body.reason.trim();
    if (!reason) invalid([{ field: 'reason', message: '请说明变更的理由' }], ART.sandboxSettings);
    const [row] = await repo.listGrants(trx, { id });
    if (!row) throw notFound('共享授权', id);
    const beforeDp = before.dp ? { epsilonBudget: before.dp.epsilonBudget, epsilonPerQuery: before.dp.epsilonPerQuery, bounds: before.dp.bounds, maxRowsPerSubject: before.dp.maxRowsPerSubject } : null;
    const next = checkedSettings(
      k,
      {
        columnPolicies: body.columnPolicies ?? {},
        minGroupSize: body.minGroupSize === undefined ? before.minGroupSize : body.minGroupSize,
        dp: body.dp === undefined ? beforeDp : body.dp,
        releaseApproval: body.releaseApproval ?? before.releaseApproval,
      },
      g.fields,
      row.entry_fields ?? [],
      before.columnPolicies,
    );
    await repo.updateGrant(trx, id, grantColumns(next));
    const spent = (await epsilonSpent(trx, [id])).get(id) ?? 0;
    const profileMin = k.profile.params.sandboxMinGroupSize;
    await notify(k, trx, {
      orgId: g.subject_org_id,
      kind: 'sharing.grant_sandbox_settings',
      title: `隐私沙箱授权设置已变更：「${row.entry_name ?? row.entry_code}」`,
      body: `${auth.org.name}：${describeSettings(next, profileMin.value)}。理由：${reason}（自下一次查询起生效${next.dp ? `；已消耗的 ε ${spent} 计入预算` : ''}）`,
      link: grantLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.grant_sandbox_settings',
      objectType: 'grant',
      objectId: id,
      grantId: id,
      details: {
        before: { columnPolicies: before.columnPolicies, minGroupSize: before.minGroupSize, dp: beforeDp, releaseApproval: before.releaseApproval },
        after: settingsDetails(next),
        epsilonSpent: spent,
        reason,
        entryId: g.entry_id,
        subjectOrgId: g.subject_org_id,
      },
    });
    const [after] = await repo.listGrants(trx, { id });
    if (!after) throw notFound('共享授权', id);
    return view(after, now, await sandboxContext(k, trx, [after]));
  });
}
