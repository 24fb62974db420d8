/**
 * The key of the gate's pseudonyms (000 第十九条): derived from the platform secret, the entry and
 * its plan's nonce — the same three give the same pseudonym, changing any one changes it, and the
 * nonce kept in the database is not the key.
 */
import { describe, expect, it } from 'vitest';
import { pseudonym, sm3Hmac } from '../privacy/anonymity.js';
import { gatePseudonymKey, newPseudonymNonce } from './gate.keys.js';

const SECRET_A = sm3Hmac('00112233445566778899aabbccddeeff');
const SECRET_B = sm3Hmac('ffeeddccbbaa99887766554433221100');
const ENTRY = '7b0c1f0e-2a52-4d61-9d1e-5b9c7e0f1a01';
const OTHER_ENTRY = '7b0c1f0e-2a52-4d61-9d1e-5b9c7e0f1a02';
const NONCE = 'a'.repeat(64);
const ID = '46010519900307123X';

describe('the key of an entry’s pseudonyms', () => {
  it('the same secret, entry and nonce give the same pseudonym', () => {
    const p = pseudonym(gatePseudonymKey(SECRET_A, ENTRY, NONCE), ID);
    expect(p).toMatch(/^[0-9a-f]{16}$/);
    expect(pseudonym(gatePseudonymKey(SECRET_A, ENTRY, NONCE), ID)).toBe(p);
  });

  it('a different platform secret gives a different pseudonym', () => {
    expect(pseudonym(gatePseudonymKey(SECRET_B, ENTRY, NONCE), ID)).not.toBe(pseudonym(gatePseudonymKey(SECRET_A, ENTRY, NONCE), ID));
  });

  it('a different nonce (a re-keyed plan) or another entry gives a different pseudonym', () => {
    const p = pseudonym(gatePseudonymKey(SECRET_A, ENTRY, NONCE), ID);
    expect(pseudonym(gatePseudonymKey(SECRET_A, ENTRY, 'b'.repeat(64)), ID)).not.toBe(p);
    expect(pseudonym(gatePseudonymKey(SECRET_A, OTHER_ENTRY, NONCE), ID)).not.toBe(p);
  });

  it('the nonce alone, used as the HMAC key, does not reproduce the pseudonym', () => {
    expect(pseudonym(sm3Hmac(NONCE), ID)).not.toBe(pseudonym(gatePseudonymKey(SECRET_A, ENTRY, NONCE), ID));
  });

  it('a fresh nonce is 256 random bits in hex, never the same twice', () => {
    const a = newPseudonymNonce();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newPseudonymNonce()).not.toBe(a);
  });
});
