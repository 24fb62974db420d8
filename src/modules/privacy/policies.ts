/**
 * Column policies of a sandbox grant (数据可用不可见; 002 第十一条; 003 第三条): the policy each
 * field gets when the provider names none, and the checks of what a provider may set — the
 * policies themselves, the group threshold and the differential-privacy settings. Pure functions.
 */
import type { FieldError } from '../../kernel/errors.js';
import type { CatalogField } from '../catalog/tables.js';
import { isDirectIdentifier } from './anonymity.js';
import { COLUMN_POLICIES, type ColumnPolicy } from './sandbox.types.js';

/** Column policies by field name; a field without one is `hidden` (deny by default). */
export type ColumnPolicies = Record<string, ColumnPolicy>;

/**
 * Kinds of personal information that single a person out only in combination (准标识符): birth
 * date, address and region, gender, age, postcode, ethnicity and nationality.
 */
export const QUASI_IDENTIFIER_KINDS = [
  'birth_date',
  'birthday',
  'date_of_birth',
  'address',
  'region',
  'region_code',
  'gender',
  'sex',
  'age',
  'postcode',
  'zip',
  'ethnicity',
  'nationality',
] as const;

export const isQuasiIdentifier = (piiKind: string | null | undefined): boolean =>
  !!piiKind && (QUASI_IDENTIFIER_KINDS as readonly string[]).includes(piiKind.trim());

const NUMERIC = new Set<CatalogField['type']>(['integer', 'number']);
export const isNumericField = (f: Pick<CatalogField, 'type'>): boolean => NUMERIC.has(f.type);

type PolicyField = Pick<CatalogField, 'name' | 'type' | 'piiKind' | 'key'>;

/**
 * The ID-number fields that name the data subject: the entry's key fields holding an ID number,
 * or, when no key holds one, its only ID-number field.
 */
export function subjectKeyFields(fields: readonly PolicyField[]): string[] {
  const ids = fields.filter((f) => f.piiKind?.trim() === 'id_number');
  const keys = ids.filter((f) => f.key === true);
  if (keys.length > 0) return keys.map((f) => f.name);
  return ids.length === 1 && ids[0] ? [ids[0].name] : [];
}

/**
 * The policy a field gets when the provider names none, by its personal-information kind:
 * - the subject key holding an ID number → `join_key` (datasets join on it, nobody sees it);
 * - any other direct identifier (name, phone, another ID number…) → `hidden`;
 * - a quasi-identifier (birth date, address, region, gender…) → `group_key`;
 * - other personal information (health, whereabouts…) → `group_key`: shown only in groups of at
 *   least the threshold, never row by row;
 * - a number without personal information → `aggregate_only`;
 * - anything else → `plain`.
 */
export function defaultColumnPolicy(f: PolicyField, subjectKeys: readonly string[]): ColumnPolicy {
  const kind = f.piiKind?.trim() || null;
  if (kind === 'id_number' && subjectKeys.includes(f.name)) return 'join_key';
  if (isDirectIdentifier(kind)) return 'hidden';
  if (isQuasiIdentifier(kind)) return 'group_key';
  if (kind) return 'group_key';
  if (isNumericField(f)) return 'aggregate_only';
  return 'plain';
}

/** The default policy of every field (see `defaultColumnPolicy`), in the fields' order. */
export function defaultColumnPolicies(fields: readonly PolicyField[]): ColumnPolicies {
  const keys = subjectKeyFields(fields);
  return Object.fromEntries(fields.map((f) => [f.name, defaultColumnPolicy(f, keys)]));
}

export const isColumnPolicy = (v: unknown): v is ColumnPolicy => typeof v === 'string' && (COLUMN_POLICIES as readonly string[]).includes(v);

/**
 * The problems of the policies a provider names for the requested fields: each key must be one of
 * the requested fields and each value one of the six policies. `at` prefixes each problem's path.
 */
export function columnPolicyProblems(given: Readonly<Record<string, unknown>>, requested: readonly string[], at = 'columnPolicies'): FieldError[] {
  const out: FieldError[] = [];
  for (const [field, policy] of Object.entries(given)) {
    if (!requested.includes(field)) out.push({ field: `${at}/${field}`, message: `${field} 不在申请的数据项内，不能设置列策略` });
    else if (!isColumnPolicy(policy)) out.push({ field: `${at}/${field}`, message: `${field} 的列策略“${String(policy)}”无效，可选：${COLUMN_POLICIES.join(' / ')}` });
  }
  return out;
}

/**
 * The policies a grant takes: the provider's where given, the default (by piiKind) for every other
 * requested field. A requested field the published version no longer has is `hidden`.
 */
export function effectiveColumnPolicies(requested: readonly string[], entryFields: readonly PolicyField[], given: Readonly<Record<string, ColumnPolicy>> | null | undefined): ColumnPolicies {
  const defaults = defaultColumnPolicies(entryFields.filter((f) => requested.includes(f.name)));
  return Object.fromEntries(requested.map((f) => [f, given?.[f] ?? defaults[f] ?? 'hidden']));
}

// ── Output settings ──

/** Differential privacy of a sandbox grant, as the provider sets it. */
export interface DpSettings {
  /** Total ε the grant may spend on each dataset (never refreshed by itself). */
  epsilonBudget: number;
  /** ε one query spends. */
  epsilonPerQuery: number;
  /** Clamp of each summed numeric field, `[lo, hi]`. */
  bounds: Record<string, [number, number]>;
  /** Rows of one subject a query counts at most. */
  maxRowsPerSubject: number;
}

/** Input of the DP settings: `bounds` and `maxRowsPerSubject` may be left out (none; one row per subject). */
export interface DpInput {
  epsilonBudget: number;
  epsilonPerQuery: number;
  bounds?: Record<string, readonly number[]> | undefined;
  maxRowsPerSubject?: number | undefined;
}

/**
 * The problems of a group threshold: an integer no lower than the jurisdiction's minimum
 * (`sandboxMinGroupSize`) — a provider may be stricter than the platform, never laxer.
 */
export function minGroupSizeProblems(value: number, profileMin: number, at = 'minGroupSize'): FieldError[] {
  if (!Number.isInteger(value)) return [{ field: at, message: '最小分组人数须为整数' }];
  if (value < profileMin) return [{ field: at, message: `最小分组人数 ${value} 低于本辖区规定的 ${profileMin}，只能等于或高于它` }];
  return [];
}

/**
 * The problems of the DP settings against the requested fields: a positive budget and per-query ε
 * with the per-query ε within the budget; bounds only on requested numeric fields, each `[lo, hi]`
 * with finite lo < hi; at least one row per subject.
 */
export function dpProblems(dp: DpInput, requested: readonly string[], entryFields: readonly PolicyField[], at = 'dp'): FieldError[] {
  const out: FieldError[] = [];
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  if (!positive(dp.epsilonBudget)) out.push({ field: `${at}/epsilonBudget`, message: 'ε 总预算须为正数' });
  if (!positive(dp.epsilonPerQuery)) out.push({ field: `${at}/epsilonPerQuery`, message: '每次查询消耗的 ε 须为正数' });
  else if (positive(dp.epsilonBudget) && dp.epsilonPerQuery > dp.epsilonBudget) {
    out.push({ field: `${at}/epsilonPerQuery`, message: `每次查询消耗的 ε（${dp.epsilonPerQuery}）不能超过 ε 总预算（${dp.epsilonBudget}）` });
  }
  for (const [field, range] of Object.entries(dp.bounds ?? {})) {
    const f = entryFields.find((x) => x.name === field);
    const path = `${at}/bounds/${field}`;
    if (!requested.includes(field) || !f) out.push({ field: path, message: `${field} 不在申请的数据项内，不能设置取值范围` });
    else if (!isNumericField(f)) out.push({ field: path, message: `${field} 不是数值型数据项，不能设置取值范围` });
    else if (range.length !== 2 || !range.every((v) => Number.isFinite(v))) out.push({ field: path, message: `${field} 的取值范围须为 [下限, 上限]` });
    else if (!((range[0] as number) < (range[1] as number))) out.push({ field: path, message: `${field} 的取值范围下限（${range[0]}）须小于上限（${range[1]}）` });
  }
  const rows = dp.maxRowsPerSubject;
  if (rows !== undefined && (!Number.isInteger(rows) || rows < 1)) out.push({ field: `${at}/maxRowsPerSubject`, message: '每个主体计入的行数上限须为正整数' });
  return out;
}

/** The DP settings as stored, with their defaults filled (no bounds; one row per subject). */
export function dpSettings(dp: DpInput): DpSettings {
  const bounds = Object.fromEntries(Object.entries(dp.bounds ?? {}).map(([f, r]) => [f, [r[0] as number, r[1] as number] as [number, number]]));
  return { epsilonBudget: dp.epsilonBudget, epsilonPerQuery: dp.epsilonPerQuery, bounds, maxRowsPerSubject: dp.maxRowsPerSubject ?? 1 };
}
