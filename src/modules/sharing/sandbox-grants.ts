/**
 * Sandbox grants (隐私沙箱，数据可用不可见; 002 第十一条; 003 第三条; 004 第二十五条): a share request
 * of method `sandbox` gives the requester SQL access, inside the platform, to a view of the granted
 * fields — never the rows themselves. The provider's approval sets each field's column policy
 * (defaults by personal-information kind), the smallest group an aggregate may show, optional
 * differential privacy and whether a result leaves only after the implementing agency approves.
 * The sandbox query service reads these settings from the grant at every query.
 */
import { sql } from 'kysely';
import { AppError, type FieldError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import type { CatalogField } from '../catalog/tables.js';
import { columnPolicyProblems, dpProblems, dpSettings, effectiveColumnPolicies, minGroupSizeProblems, type ColumnPolicies, type DpSettings } from '../privacy/policies.js';
import type { ColumnPolicy } from '../privacy/sandbox.types.js';
import { ART } from './rules.js';
import type { DecideBody } from './schema.js';
import * as repo from './repo.js';

/** What a sandbox grant carries besides its fields. */
export interface SandboxSettings {
  columnPolicies: ColumnPolicies;
  /** Null: the jurisdiction's `sandboxMinGroupSize`. */
  minGroupSize: number | null;
  dp: DpSettings | null;
  releaseApproval: boolean;
}

/** A sandbox grant's settings as its read APIs show them. */
export interface SandboxGrantView {
  columnPolicies: Record<string, ColumnPolicy>;
  /** As the provider set it (null: the jurisdiction's). */
  minGroupSize: number | null;
  /** The threshold in force, and where it comes from. */
  effectiveMinGroupSize: number | null;
  minGroupSizeSource: string | null;
  dp: (DpSettings & { epsilonSpent: number | null }) | null;
  releaseApproval: boolean;
}

/** What a grant view needs to show the threshold in force and the ε spent (read once per list). */
export interface SandboxContext {
  profileMinGroupSize: { value: number; source: string };
  /** ε spent per grant, from the sandbox's ledger. */
  spent: ReadonlyMap<string, number>;
}

const SANDBOX_KEYS = ['columnPolicies', 'minGroupSize', 'dp', 'releaseApproval'] as const;

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** The sandbox settings of a grant row, or null when the grant is not a sandbox grant. */
export function sandboxView(
  g: Pick<repo.GrantRow, 'id' | 'methods' | 'fields' | 'column_policies' | 'min_group_size' | 'dp_epsilon_budget' | 'dp_epsilon_per_query' | 'dp_bounds' | 'dp_max_rows_per_subject' | 'release_approval'>,
  ctx?: SandboxContext,
): SandboxGrantView | null {
  if (!g.methods.includes('sandbox')) return null;
  const stored = (g.column_policies ?? {}) as Record<string, ColumnPolicy>;
  // A granted field without a policy is hidden (deny by default).
  const columnPolicies = Object.fromEntries(g.fields.map((f) => [f, stored[f] ?? 'hidden'])) as Record<string, ColumnPolicy>;
  const budget = num(g.dp_epsilon_budget);
  const perQuery = num(g.dp_epsilon_per_query);
  const profile = ctx?.profileMinGroupSize;
  return {
    columnPolicies,
    minGroupSize: g.min_group_size,
    effectiveMinGroupSize: g.min_group_size ?? profile?.value ?? null,
    minGroupSizeSource: g.min_group_size !== null ? '数据提供单位设置' : (profile?.source ?? null),
    dp:
      budget !== null && perQuery !== null
        ? { epsilonBudget: budget, epsilonPerQuery: perQuery, bounds: g.dp_bounds ?? {}, maxRowsPerSubject: g.dp_max_rows_per_subject ?? 1, epsilonSpent: ctx ? (ctx.spent.get(g.id) ?? 0) : null }
        : null,
    releaseApproval: g.release_approval,
  };
}

/** ε spent by each grant, summed over the sandbox's ledger (every dataset of the grant). */
export async function epsilonSpent(db: Executor, grantIds: readonly string[]): Promise<Map<string, number>> {
  if (grantIds.length === 0) return new Map();
  const { rows } = await sql<{ grant_id: string; spent: string | number }>`
    SELECT grant_id, COALESCE(SUM(epsilon), 0) AS spent FROM sandbox_epsilon_ledger
    WHERE grant_id IN (${sql.join(grantIds.map((id) => sql`${id}::uuid`))}) GROUP BY grant_id`.execute(db);
  return new Map(rows.map((r) => [r.grant_id, Number(r.spent)]));
}

/** The context `sandboxView` needs for a page of grants. */
export async function sandboxContext(k: Pick<Kernel, 'profile'>, db: Executor, grants: readonly { id: string; methods: string[] }[]): Promise<SandboxContext> {
  const ids = grants.filter((g) => g.methods.includes('sandbox')).map((g) => g.id);
  const p = k.profile.params.sandboxMinGroupSize;
  return { profileMinGroupSize: { value: p.value, source: p.source }, spent: await epsilonSpent(db, ids) };
}

/** Throws VALIDATION naming each problem. */
export function invalid(problems: FieldError[], source: string): never {
  throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { source, fields: problems });
}

/**
 * The settings the provider's answer gives a sandbox request, checked (002 第十一条): policies only
 * for requested fields and only the six; a threshold no lower than the jurisdiction's; valid DP
 * settings. Fields without a policy take the default by their personal-information kind. For a
 * request of another method, or a refusal, any sandbox setting is refused naming it. Returns null
 * when the request is not a sandbox request.
 */
export function sandboxSettingsOfDecision(
  k: Pick<Kernel, 'profile'>,
  body: DecideBody,
  r: { method: string; fields: string[] },
  entryFields: readonly CatalogField[],
): SandboxSettings | null {
  const given = SANDBOX_KEYS.filter((key) => body[key] !== undefined);
  if (r.method !== 'sandbox' || body.decision === 'refuse') {
    if (given.length === 0) return null;
    const why = r.method !== 'sandbox' ? '仅隐私沙箱（sandbox）方式的申请可设置' : '不同意共享时不能设置';
    invalid(
      given.map((key) => ({ field: key, message: `${why} ${key}` })),
      ART.sandboxSettings,
    );
  }
  if ((body.clearFields ?? []).length > 0) {
    invalid([{ field: 'clearFields', message: '隐私沙箱授权不向外提供数据，不设置明文提供的数据项；请用列策略（columnPolicies）' }], ART.sandboxSettings);
  }
  return checkedSettings(k, { columnPolicies: body.columnPolicies ?? {}, minGroupSize: body.minGroupSize ?? null, dp: body.dp ?? null, releaseApproval: body.releaseApproval ?? false }, r.fields, entryFields, {});
}

/** The default settings of a sandbox grant made without the provider's answer (unconditional entries, instant conditions). */
export function defaultSandboxSettings(requested: readonly string[], entryFields: readonly CatalogField[]): SandboxSettings {
  return { columnPolicies: effectiveColumnPolicies(requested, entryFields, null), minGroupSize: null, dp: null, releaseApproval: false };
}

/**
 * Checks settings against the requested fields and the jurisdiction (see `sandboxSettingsOfDecision`)
 * and completes the policies: given over `current` over the defaults.
 */
export function checkedSettings(
  k: Pick<Kernel, 'profile'>,
  s: { columnPolicies: Record<string, string>; minGroupSize: number | null; dp: DecideBody['dp'] | null; releaseApproval: boolean },
  requested: readonly string[],
  entryFields: readonly CatalogField[],
  current: Readonly<Record<string, ColumnPolicy>>,
): SandboxSettings {
  const policyProblems = columnPolicyProblems(s.columnPolicies, requested);
  const dp = s.dp ?? null;
  const dpIssues = dp ? dpProblems(dp, requested, entryFields) : [];
  if (policyProblems.length + dpIssues.length > 0) invalid([...policyProblems, ...dpIssues], ART.sandboxSettings);
  const profileMin = k.profile.params.sandboxMinGroupSize;
  if (s.minGroupSize !== null) {
    const problems = minGroupSizeProblems(s.minGroupSize, profileMin.value);
    if (problems.length > 0) throw new AppError('RULE_VIOLATION', problems.map((p) => p.message).join('；'), { source: profileMin.source, fields: problems });
  }
  const given = { ...current, ...(s.columnPolicies as Record<string, ColumnPolicy>) };
  return {
    columnPolicies: effectiveColumnPolicies(requested, entryFields, given),
    minGroupSize: s.minGroupSize,
    dp: dp ? dpSettings(dp) : null,
    releaseApproval: s.releaseApproval,
  };
}

/** The grant columns of sandbox settings. */
export const grantColumns = (s: SandboxSettings) => ({
  column_policies: JSON.stringify(s.columnPolicies),
  min_group_size: s.minGroupSize,
  dp_epsilon_budget: s.dp?.epsilonBudget ?? null,
  dp_epsilon_per_query: s.dp?.epsilonPerQuery ?? null,
  dp_bounds: s.dp ? JSON.stringify(s.dp.bounds) : null,
  dp_max_rows_per_subject: s.dp?.maxRowsPerSubject ?? null,
  release_approval: s.releaseApproval,
});

/** Records a sandbox grant's settings on the grant and the policies on the request that made it. */
export async function writeSandboxGrant(trx: Trx, grantId: string, requestId: string, s: SandboxSettings): Promise<void> {
  await repo.updateGrant(trx, grantId, grantColumns(s));
  await repo.updateRequest(trx, requestId, { column_policies: JSON.stringify(s.columnPolicies) });
}

/** The settings in the audit trail's words. */
export const settingsDetails = (s: SandboxSettings) => ({ columnPolicies: s.columnPolicies, minGroupSize: s.minGroupSize, dp: s.dp, releaseApproval: s.releaseApproval });
