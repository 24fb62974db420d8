/**
 * Check characters of the two national identifiers a registrant types in.
 * Pure functions; the form turns a failure reason into a message in the user's language.
 */

/** GB 32100-2015 code characters: digits and capitals without I, O, Z, S, V. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weight of position i is 3^i mod 31. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccProblem = 'length' | 'charset' | 'region' | 'checksum';

/** The check character a 17-character USCC body should end with, or null if the body is malformed. */
export function usccCheckChar(body: string): string | null {
  if (body.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(body.charAt(i));
    const w = USCC_WEIGHTS[i];
    if (v < 0 || w === undefined) return null;
    sum += v * w;
  }
  const c = (31 - (sum % 31)) % 31;
  return USCC_CHARS.charAt(c);
}

/** Validates a 统一社会信用代码 (GB 32100-2015); returns the first problem found, or null. */
export function checkUscc(raw: string): UsccProblem | null {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!USCC_CHARS.includes(ch)) return 'charset';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'region';
  return usccCheckChar(code.slice(0, 17)) === code.charAt(17) ? null : 'checksum';
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export type IdNumberProblem = 'length' | 'digits' | 'birthDate' | 'checksum';

/** The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number. */
export function idNumberCheckChar(body: string): string | null {
  if (!/^\d{17}$/.test(body)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body.charAt(i)) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK.charAt(sum % 11);
}

function isValidBirthDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth;
}

/** Validates a 18-digit 公民身份号码 (GB 11643-1999); returns the first problem found, or null. */
export function checkIdNumber(raw: string): IdNumberProblem | null {
  const id = raw.trim().toUpperCase();
  if (id.length !== 18) return 'length';
  if (!/^\d{17}[\dX]$/.test(id)) return 'digits';
  if (!isValidBirthDate(id.slice(6, 14))) return 'birthDate';
  return idNumberCheckChar(id.slice(0, 17)) === id.charAt(17) ? null : 'checksum';
}
