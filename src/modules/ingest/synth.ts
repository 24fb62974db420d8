/**
 * Deterministic synthetic identifiers with valid check characters, for demo datasets, tests and
 * the ingest benchmark: resident ID numbers (GB 11643), credit codes (GB 32100), bank cards (Luhn).
 */
import { idNumberCheckChar, usccCheckChar } from '../../kernel/codes.js';

/** An ID number of `region` (6 digits) born on `birth` (YYYYMMDD) with sequence `seq` (0–999). */
export function synthIdNumber(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq % 1000).padStart(3, '0')}`;
  return `${first17}${idNumberCheckChar(first17) ?? '0'}`;
}

/** A credit code of a company (登记管理部门 9, 类别 1) in `region`, body from `n`. */
export function synthUscc(region: string, n: number): string {
  const first17 = `91${region}${String(n % 1_000_000_000).padStart(9, '0')}`;
  return `${first17}${usccCheckChar(first17) ?? '0'}`;
}

/** A 16-digit bank card number of `n` with its Luhn check digit. */
export function synthBankCard(n: number): string {
  const body = `622202${String(n % 1_000_000_000).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}
