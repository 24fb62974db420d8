/**
 * The keys of the gate's pseudonyms (假名化; 000 第十九条): one HMAC-SM3 key per entry, derived from
 * the platform's secret (the kernel's `crypto.hmac`, GONGSHU_HMAC_KEY), the entry id and the
 * nonce kept with its plan (`opening_gate_plans.pseudonym_nonce`). The database holds only the
 * nonce, so a copy of it cannot recompute a pseudonym from an ID number; the entry id keeps two
 * entries' pseudonyms unlinkable; a new nonce re-keys the entry.
 */
import { randomBytes } from 'node:crypto';
import type { Kernel } from '../../kernel/context.js';
import { sm3Hmac, type Keyed } from '../privacy/anonymity.js';

/** A fresh nonce for an entry's first plan (256 random bits, hex). */
export const newPseudonymNonce = (): string => randomBytes(32).toString('hex');

/** The keyed function of an entry's pseudonyms, from the platform secret (`secret`), the entry and its plan's nonce. */
export function gatePseudonymKey(secret: Keyed, entryId: string, nonce: string): Keyed {
  return sm3Hmac(secret(`gongshu.open.gate.pseudonym:${entryId}:${nonce}`));
}

/** The same, under the kernel's secret. */
export const gateKeyed = (k: Pick<Kernel, 'crypto'>, entryId: string, nonce: string): Keyed => gatePseudonymKey((d) => k.crypto.hmac(d), entryId, nonce);
