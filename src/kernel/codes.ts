/**
 * Check-character validators for the national identifiers the platform accepts:
 * the unified social credit code (统一社会信用代码, GB 32100-2015) and the resident identity
 * card number (公民身份号码, GB 11643-1999, ISO 7064 MOD 11-2).
 */
import { isIsoDate } from './calendar.js';

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100 check character for the first 17 characters, or null if they are not valid. */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i] as string);
    if (v < 0) return null;
    sum += v * (USCC_WEIGHTS[i] as number);
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31] as string;
}

export type CodeCheck = { ok: true } | { ok: false; reason: string };

/** Validates a unified social credit code: 18 characters of the GB 32100 set and its check character. */
export function checkUscc(code: string): CodeCheck {
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) {
    return { ok: false, reason: '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）' };
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) return { ok: false, reason: '统一社会信用代码第 3–8 位应为行政区划码' };
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return { ok: false, reason: '统一社会信用代码校验位不正确' };
  return { ok: true };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The GB 11643 check character for the first 17 digits, or null if they are not digits. */
export function idNumberCheckChar(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] as number);
  return ID_CHECK[sum % 11] as string;
}

/** Validates an 18-digit resident ID number: format, birth date and MOD 11-2 check character. */
export function checkIdNumber(id: string): CodeCheck {
  const v = id.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return { ok: false, reason: '公民身份号码应为 18 位，前 17 位为数字，末位为数字或 X' };
  const birth = `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
  if (!isIsoDate(birth) || birth < '1900-01-01') return { ok: false, reason: '公民身份号码中的出生日期无效' };
  if (idNumberCheckChar(v.slice(0, 17)) !== v[17]) return { ok: false, reason: '公民身份号码校验位不正确' };
  return { ok: true };
}
