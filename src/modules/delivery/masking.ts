/**
 * The masking of a grant's delivery (privacy/masking.ts): each field that leaves masked under the
 * strategy the provider chose on the grant, else its kind's default; the pseudonym keys derived
 * from the platform secret and the grant. Made once per page or export, so that masking a value
 * is one function call.
 */
import type { Kernel } from '../../kernel/context.js';
import { pseudonymKeys, type Masker, type MaskStrategy, type PseudonymKeys } from '../privacy/masking.js';
import { maskersOf, maskStrategies, needsPseudonymKeys, type FieldType, type FilterField } from './rules.js';

/** Pseudonym keys by grant: derived once per grant in this process (bounded). */
const keysByGrant = new Map<string, PseudonymKeys>();
const KEYS_MAX = 10_000;

/** The pseudonym keys of a grant: its own, and the platform's (kernel HMAC-SM3 key as the secret). */
export function grantPseudonymKeys(k: Pick<Kernel, 'crypto'>, grantId: string): PseudonymKeys {
  let keys = keysByGrant.get(grantId);
  if (!keys) {
    if (keysByGrant.size >= KEYS_MAX) keysByGrant.clear();
    keys = pseudonymKeys((d) => k.crypto.hmac(d), grantId);
    keysByGrant.set(grantId, keys);
  }
  return keys;
}

export interface GrantMasking {
  /** The strategy of each masked field. */
  strategies: Map<string, MaskStrategy>;
  /** Its masking function. */
  maskers: Map<string, Masker>;
  /** The pseudonym keys, when a strategy needs them. */
  keys: PseudonymKeys | undefined;
}

/** How a grant's masked fields (`masked`: name → kind) leave under its stored strategies (`grants.mask_strategies`). */
export function grantMasking(k: Pick<Kernel, 'crypto'>, grantId: string, columns: readonly { name: string; type: FieldType }[], masked: ReadonlyMap<string, string>, stored: unknown): GrantMasking {
  const strategies = maskStrategies(columns, masked, stored);
  const keys = needsPseudonymKeys(strategies) ? grantPseudonymKeys(k, grantId) : undefined;
  return { strategies, maskers: maskersOf(strategies, keys), keys };
}

/** What the query filters know of each delivered column: masked ones take equality only, suppressed ones none. */
export const filterableOf = (columns: readonly { name: string; type: FieldType }[], masked: ReadonlyMap<string, string>, strategies: ReadonlyMap<string, MaskStrategy>): Map<string, FilterField> =>
  new Map(columns.map((c) => [c.name, { type: c.type, masked: masked.has(c.name), suppressed: strategies.get(c.name)?.kind === 'suppress' }]));
