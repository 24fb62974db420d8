/**
 * Masking strategies on a grant (脱敏方式; 002 第十一条): which fields may carry one and whether
 * each spec fits its field. Pure; the strategies themselves are privacy/masking.ts.
 */
import type { FieldError } from '../../kernel/errors.js';
import type { CatalogField } from '../catalog/tables.js';
import { parseStrategy, strategyProblem, strategySpec } from '../privacy/masking.js';

/**
 * The problems of a `{ field: spec }` choice of strategies: each field must be one of the grant's
 * (or the request's) fields, hold personal information (the others leave as they are) and not be
 * released in clear (a field in clear has no strategy); each spec must parse and fit the field's
 * type. Each problem names its field. Empty when acceptable.
 */
export function maskingProblems(
  masking: Readonly<Record<string, string>>,
  granted: readonly string[],
  entryFields: readonly Pick<CatalogField, 'name' | 'type' | 'piiKind'>[] | null,
  clear: readonly string[],
  at = 'masking',
): FieldError[] {
  const out: FieldError[] = [];
  const byName = new Map((entryFields ?? []).map((f) => [f.name, f]));
  for (const [field, spec] of Object.entries(masking)) {
    const f = byName.get(field);
    const where = `${at}/${field}`;
    if (!granted.includes(field) || !f) out.push({ field: where, message: `${field} 不在授权的数据项内，不能设置脱敏方式` });
    else if (!f.piiKind?.trim()) out.push({ field: where, message: `${field} 不含个人信息，无须设置脱敏方式` });
    else if (clear.includes(field)) out.push({ field: where, message: `${field} 以明文提供，不设脱敏方式` });
    else {
      const p = parseStrategy(String(spec));
      if (!p.ok) out.push({ field: where, message: `${field}：${p.reason}` });
      else {
        const problem = strategyProblem(p.value, f.type, field);
        if (problem) out.push({ field: where, message: problem });
      }
    }
  }
  return out;
}

/** The choice as stored: each spec in its canonical text; null when none is chosen. Call after `maskingProblems` found none. */
export function normalisedMasking(masking: Readonly<Record<string, string>> | null | undefined): Record<string, string> | null {
  const entries = Object.entries(masking ?? {}).flatMap(([field, spec]) => {
    const p = parseStrategy(spec);
    return p.ok ? [[field, strategySpec(p.value)] as const] : [];
  });
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/** The stored strategies less those of the fields now released in clear (a field in clear has no strategy). */
export function withoutClear(stored: Readonly<Record<string, string>> | null, clear: readonly string[]): Record<string, string> | null {
  if (!stored) return null;
  const kept = Object.entries(stored).filter(([f]) => !clear.includes(f));
  return kept.length > 0 ? Object.fromEntries(kept) : null;
}

/** The strategies a grant made from another (a transfer to a third party) carries: those of its fields, as stored text. */
export function carriedMasking(stored: Readonly<Record<string, string>> | null, fields: readonly string[]): string | null {
  const kept = Object.entries(stored ?? {}).filter(([f]) => fields.includes(f));
  return kept.length > 0 ? JSON.stringify(Object.fromEntries(kept)) : null;
}
