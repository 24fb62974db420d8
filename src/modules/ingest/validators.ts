/**
 * Row validation of a load (000 第八条: data aggregated "完整、准确"): each value checked by the
 * field's type, whether it is required, and by its kind of personal information (resident ID
 * number GB 11643, unified social credit code GB 32100, mobile number, bank card with Luhn, region
 * code). Pure: the caller passes the set of known region codes. Values come out normalised as the
 * text PostgreSQL's COPY reads, or null.
 */
import { checkIdNumber, checkUscc, idNumberCheckChar, usccCheckChar } from '../../kernel/codes.js';
import type { CatalogField } from '../catalog/tables.js';

export type FieldType = CatalogField['type'];

/** The SQL column type of each catalog field type. */
export const SQL_TYPES: Record<FieldType, string> = {
  string: 'text',
  integer: 'bigint',
  number: 'numeric',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
};

export type CheckResult = { ok: true; value: string | null } | { ok: false; reason: string };

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** A real calendar date `YYYY-MM-DD` (without building a Date: this runs once per value). */
export function isRealDate(v: string): boolean {
  if (v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return false;
  const y = Number(v.slice(0, 4));
  const m = Number(v.slice(5, 7));
  const d = Number(v.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : (DAYS[m - 1] as number));
}

const ID_NUMBER = /^\d{17}[\dX]$/;
const USCC = /^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/;
const INTEGER = /^[-+]?\d{1,18}$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TRUE = new Set(['true', 't', '1', 'yes', 'y', '是']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n', '否']);

/** Checks and normalises one non-empty value by the field's type. */
export function checkType(type: FieldType, v: string): CheckResult {
  switch (type) {
    case 'string':
      return { ok: true, value: v };
    case 'integer':
      return INTEGER.test(v) ? { ok: true, value: v } : { ok: false, reason: '应为整数' };
    case 'number':
      return NUMBER.test(v) ? { ok: true, value: v } : { ok: false, reason: '应为数值' };
    case 'boolean': {
      const l = v.toLowerCase();
      if (TRUE.has(l)) return { ok: true, value: 't' };
      if (FALSE.has(l)) return { ok: true, value: 'f' };
      return { ok: false, reason: '应为布尔值（true/false、是/否、1/0）' };
    }
    case 'date':
      return isRealDate(v) ? { ok: true, value: v } : { ok: false, reason: '应为有效日期 YYYY-MM-DD' };
    case 'datetime': {
      const m = DATETIME.exec(v);
      if (!m || !isRealDate(m[1] ?? '') || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) {
        return { ok: false, reason: '应为 ISO 8601 日期时间，如 2026-09-18T10:00:00+08:00' };
      }
      // Without an offset the time is Beijing time (ARCHITECTURE §4), whatever the server's zone.
      return { ok: true, value: m[6] ? v : `${v}+08:00` };
    }
  }
}

/** Luhn (ISO/IEC 7812) check of a bank card number. */
export function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface PiiContext {
  /** Known GB/T 2260 region codes (table `regions`), loaded once per load. */
  regions: ReadonlySet<string>;
}

/** Checks a value by its kind of personal information; unknown kinds (name, address…) pass. */
export function checkPii(kind: string, v: string, ctx: PiiContext): CheckResult {
  switch (kind) {
    case 'id_number': {
      // Fast path for the common valid value; the kernel's check gives the reason otherwise.
      const u = v.length === 18 && v.charCodeAt(17) === 120 ? v.toUpperCase() : v;
      if (ID_NUMBER.test(u) && isRealDate(`${u.slice(6, 10)}-${u.slice(10, 12)}-${u.slice(12, 14)}`) && u.slice(6, 10) >= '1900' && idNumberCheckChar(u.slice(0, 17)) === u[17]) {
        return { ok: true, value: u };
      }
      const r = checkIdNumber(v);
      return r.ok ? { ok: true, value: u } : r;
    }
    case 'uscc': {
      if (v.length === 18 && usccCheckChar(v.slice(0, 17)) === v[17] && USCC.test(v)) return { ok: true, value: v };
      const r = checkUscc(v);
      return r.ok ? { ok: true, value: v } : r;
    }
    case 'phone':
    case 'mobile':
      return /^1[3-9]\d{9}$/.test(v) ? { ok: true, value: v } : { ok: false, reason: '手机号码应为 11 位，以 13–19 开头' };
    case 'bank_card':
      if (!/^\d{12,19}$/.test(v)) return { ok: false, reason: '银行卡号应为 12–19 位数字' };
      return luhnOk(v) ? { ok: true, value: v } : { ok: false, reason: '银行卡号校验位（Luhn）不正确' };
    case 'region':
    case 'region_code':
      if (!/^\d{6}$/.test(v)) return { ok: false, reason: '行政区划代码应为 6 位数字' };
      return ctx.regions.has(v) ? { ok: true, value: v } : { ok: false, reason: '行政区划代码不存在（GB/T 2260）' };
    default:
      return { ok: true, value: v };
  }
}

/** Masks a personal value for a report: keeps a short head and tail, e.g. `4601**********1234`. */
export function maskValue(v: string): string {
  const chars = [...v];
  const n = chars.length;
  if (n <= 2) return '*'.repeat(n);
  if (n <= 6) return `${chars[0]}${'*'.repeat(n - 1)}`;
  const keep = n >= 15 ? 4 : 3;
  const tail = n >= 11 ? 4 : 2;
  return `${chars.slice(0, keep).join('')}${'*'.repeat(n - keep - tail)}${chars.slice(n - tail).join('')}`;
}

export interface RowError {
  field: string;
  /** The offending value, masked if the field holds personal information; null when missing. */
  value: string | null;
  reason: string;
}

export type RowResult = { ok: true; values: Array<string | null> } | { ok: false; errors: RowError[] };

/** A raw value as read from CSV (string) or NDJSON (any JSON value). */
export type RawValue = unknown;

function asText(raw: RawValue): string | null | { bad: string } {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    // Most values have no surrounding spaces: skip the copy trim() makes.
    const c0 = raw.charCodeAt(0);
    const c1 = raw.charCodeAt(raw.length - 1);
    const t = c0 <= 32 || c1 <= 32 || c0 === 0x3000 || c1 === 0x3000 ? raw.trim() : raw;
    return t === '' ? null : t;
  }
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : { bad: '不是有限数值' };
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  return { bad: '应为单个值，不能是对象或数组' };
}

/**
 * Builds the validator of one row for `fields` (in column order): returns the normalised values
 * in the same order, or every error of the row.
 */
export function rowValidator(fields: readonly CatalogField[], ctx: PiiContext): (row: readonly RawValue[]) => RowResult {
  const n = fields.length;
  const types = fields.map((f) => f.type);
  const kinds = fields.map((f) => f.piiKind || null);
  const mandatory = fields.map((f) => Boolean(f.required || f.key));
  return (row) => {
    const values = new Array<string | null>(n);
    let errors: RowError[] | null = null;
    for (let i = 0; i < n; i++) {
      const t = asText(row[i]);
      const kind = kinds[i] as string | null;
      if (t === null) {
        values[i] = null;
        if (mandatory[i]) (errors ??= []).push({ field: (fields[i] as CatalogField).name, value: null, reason: '必填项为空' });
        continue;
      }
      if (typeof t === 'object') {
        (errors ??= []).push({ field: (fields[i] as CatalogField).name, value: null, reason: t.bad });
        continue;
      }
      const type = types[i] as FieldType;
      let r: CheckResult = type === 'string' ? { ok: true, value: t } : checkType(type, t);
      if (r.ok && kind !== null && r.value !== null) r = checkPii(kind, r.value, ctx);
      if (r.ok) values[i] = r.value;
      else (errors ??= []).push({ field: (fields[i] as CatalogField).name, value: kind !== null ? maskValue(t) : t, reason: r.reason });
    }
    return errors ? { ok: false, errors } : { ok: true, values };
  };
}

/** One CSV line of normalised values as COPY (FORMAT csv) reads it: unquoted empty = NULL. */
export function csvLine(values: ReadonlyArray<string | null>): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) continue;
    out += v === '' || /[",\r\n]/.test(v) || v.startsWith(' ') || v.endsWith(' ') ? `"${v.replace(/"/g, '""')}"` : v;
  }
  return `${out}\n`;
}
