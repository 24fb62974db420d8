import { describe, expect, it } from 'vitest';
import { checkIdNumber, checkUscc, idNumberCheckChar, usccCheckChar } from './codes.js';
import { DEMO_ORGS, demoIdNumber, demoUscc } from '../modules/identity/demo.js';

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const FORMAT = '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）';
const REGION = '统一社会信用代码第 3–8 位应为行政区划码';
const USCC_CHECK = '统一社会信用代码校验位不正确';
const ID_FORMAT = '公民身份号码应为 18 位，前 17 位为数字，末位为数字或 X';
const ID_BIRTH = '公民身份号码中的出生日期无效';
const ID_CHECK = '公民身份号码校验位不正确';

/** Real unified social credit codes published by their holders. */
const REAL_USCCS = ['91350100M000100Y43', '91110000100010433L'];

const replaceAt = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);
const swap = (s: string, i: number) => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);

describe('checkUscc (GB 32100-2015)', () => {
  it.each(REAL_USCCS)('accepts the real code %s', (code) => {
    expect(checkUscc(code)).toEqual({ ok: true });
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it.each(REAL_USCCS)('refuses %s with every other check character, naming the check character', (code) => {
    const others = [...USCC_CHARS].filter((c) => c !== code[17]);
    expect(others).toHaveLength(30);
    for (const c of others) {
      expect(checkUscc(replaceAt(code, 17, c)), c).toEqual({ ok: false, reason: USCC_CHECK });
    }
  });

  it.each(REAL_USCCS)('refuses %s with any one of its first 17 characters changed', (code) => {
    for (let i = 0; i < 17; i++) {
      // Keep positions 3–8 digits so that only the check character can catch the change.
      const alphabet = i >= 2 && i < 8 ? '0123456789' : USCC_CHARS;
      for (const c of alphabet) {
        if (c === code[i]) continue;
        expect(checkUscc(replaceAt(code, i, c)), `${i}:${c}`).toEqual({ ok: false, reason: USCC_CHECK });
      }
    }
  });

  it.each(REAL_USCCS)('refuses %s with two adjacent different characters transposed', (code) => {
    let tried = 0;
    for (let i = 0; i < 16; i++) {
      if (code[i] === code[i + 1]) continue;
      tried++;
      const swapped = swap(code, i);
      // A letter swapped into the region code is caught by the format rule before the check.
      const reason = /^\d{6}$/.test(swapped.slice(2, 8)) ? USCC_CHECK : REGION;
      expect(checkUscc(swapped), `swap ${i}`).toEqual({ ok: false, reason });
    }
    expect(tried).toBeGreaterThanOrEqual(8);
  });

  it('refuses lowercase letters as a format error (the API upper-cases before checking)', () => {
    expect(checkUscc('91350100m000100y43')).toEqual({ ok: false, reason: FORMAT });
    expect(checkUscc('91110000100010433l')).toEqual({ ok: false, reason: FORMAT });
  });

  it('refuses a wrong length as a format error', () => {
    expect(checkUscc('91350100M000100Y4')).toEqual({ ok: false, reason: FORMAT });
    expect(checkUscc('91350100M000100Y430')).toEqual({ ok: false, reason: FORMAT });
    expect(checkUscc('')).toEqual({ ok: false, reason: FORMAT });
    expect(checkUscc(' 91350100M000100Y43')).toEqual({ ok: false, reason: FORMAT });
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses the forbidden letter %s as a format error', (letter) => {
    expect(checkUscc(replaceAt('91350100M000100Y43', 8, letter))).toEqual({ ok: false, reason: FORMAT });
    expect(checkUscc(replaceAt('91110000100010433L', 17, letter))).toEqual({ ok: false, reason: FORMAT });
  });

  it('refuses letters in the region code (positions 3–8)', () => {
    expect(checkUscc(replaceAt('91350100M000100Y43', 4, 'A'))).toEqual({ ok: false, reason: REGION });
  });

  it('has no check character for an invalid first 17', () => {
    expect(usccCheckChar('9135010')).toBeNull();
    expect(usccCheckChar('91350100I000100Y4')).toBeNull();
  });
});

describe('checkIdNumber (GB 11643-1999, ISO 7064 MOD 11-2)', () => {
  const VALID = '11010519491231002X';

  it('accepts the standard example 11010519491231002X', () => {
    expect(checkIdNumber(VALID)).toEqual({ ok: true });
    expect(idNumberCheckChar(VALID.slice(0, 17))).toBe('X');
  });

  it('accepts a lowercase x as the check character', () => {
    expect(checkIdNumber('11010519491231002x')).toEqual({ ok: true });
  });

  it('refuses every other check character', () => {
    for (const c of '0123456789') {
      expect(checkIdNumber(replaceAt(VALID, 17, c)), c).toEqual({ ok: false, reason: ID_CHECK });
    }
  });

  it('refuses a changed digit or a transposition in the first 17', () => {
    expect(checkIdNumber(replaceAt(VALID, 16, '3'))).toEqual({ ok: false, reason: ID_CHECK });
    // 1949-12-31 → 1949-12-13 keeps a valid birth date, so only the check digit catches it.
    expect(checkIdNumber(swap(VALID, 12))).toEqual({ ok: false, reason: ID_CHECK });
  });

  it('refuses an impossible birth date even with a correct check character', () => {
    const first17 = '11010519990231002';
    const withCheck = first17 + idNumberCheckChar(first17);
    expect(checkIdNumber(withCheck)).toEqual({ ok: false, reason: ID_BIRTH });
    const month13 = '11010519991301002';
    expect(checkIdNumber(month13 + idNumberCheckChar(month13))).toEqual({ ok: false, reason: ID_BIRTH });
    const before1900 = '11010518991231002';
    expect(checkIdNumber(before1900 + idNumberCheckChar(before1900))).toEqual({ ok: false, reason: ID_BIRTH });
  });

  it('accepts 29 February in a leap year', () => {
    const first17 = '11010520000229002';
    expect(checkIdNumber(first17 + idNumberCheckChar(first17))).toEqual({ ok: true });
  });

  it('refuses a wrong length or letters before the last place', () => {
    expect(checkIdNumber('11010519491231002')).toEqual({ ok: false, reason: ID_FORMAT });
    expect(checkIdNumber('11010519491231002X1')).toEqual({ ok: false, reason: ID_FORMAT });
    expect(checkIdNumber('1101051949123100X2')).toEqual({ ok: false, reason: ID_FORMAT });
    expect(checkIdNumber('11010519491231002Y')).toEqual({ ok: false, reason: ID_FORMAT });
  });

  it('has no check character for non-digits', () => {
    expect(idNumberCheckChar('1101051949123100X')).toBeNull();
    expect(idNumberCheckChar('1101')).toBeNull();
  });
});

describe('the demo codes', () => {
  it('demoUscc gives valid codes for every demo org prefix and region', () => {
    let n = 1;
    for (const o of DEMO_ORGS) {
      const code = demoUscc(o.prefix, o.region, n++);
      expect(code).toHaveLength(18);
      expect(checkUscc(code), code).toEqual({ ok: true });
    }
    expect(checkUscc(demoUscc('91', '460100', 9_999_999))).toEqual({ ok: true });
  });

  it('demoIdNumber gives valid ID numbers, including one ending in X', () => {
    expect(checkIdNumber(demoIdNumber('460100', '19900307', 123))).toEqual({ ok: true });
    const ids = Array.from({ length: 200 }, (_, i) => demoIdNumber('460100', '19851120', i));
    for (const id of ids) expect(checkIdNumber(id), id).toEqual({ ok: true });
    expect(ids.some((id) => id.endsWith('X'))).toBe(true);
  });
});
