/**
 * Row validation of a load (000 第八条: data aggregated "完整、准确"): each value checked by the
 * field's type, whether it is required, and by its kind of personal information (resident ID
 * number GB 11643, unified social credit code GB 32100, mobile and telephone numbers, bank card
 * with Luhn, e-mail, region code) with the privacy module's validators. Pure: the caller passes
 * the set of known region codes. Values come out normalised as the text PostgreSQL's COPY reads,
 * or null.
 */
import {
  idNumberOk,
  luhnOk,
  realDay,
  usccOk,
  validateBankCard,
  validateEmail,
  validateIdNumber,
  validateMobile,
  validatePhone,
  validateUscc,
  type Validation,
} from '../privacy/detectors.js';
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

/** The value of the digit at `i` of `v`, or -1 if it is not an ASCII digit. */
function digitAt(v: string, i: number): number {
  const d = v.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The number written by the digits `v[from..to)`, or -1 if any is not a digit. */
function digitsAt(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** A real calendar date `YYYY-MM-DD` (without building a Date or a regex: this runs once per value). */
export function isRealDate(v: string): boolean {
  if (v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return false;
  return realDay(digitsAt(v, 0, 4), digitsAt(v, 5, 7), digitsAt(v, 8, 10));
}

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

/** Luhn (ISO/IEC 7812) check of a bank card number (the privacy module's). */
export { luhnOk };

export interface PiiContext {
  /** Known GB/T 2260 region codes (table `regions`), loaded once per load. */
  regions: ReadonlySet<string>;
}

const fromValidation = (r: Validation): CheckResult => (r.ok ? { ok: true, value: r.value } : { ok: false, reason: r.reason });

/**
 * Checks a value by its kind of personal information with the privacy module's validators;
 * kinds without a format (name, address…) pass. ID numbers are checked to their province (the
 * regions of old numbers may have been renamed since), telephone numbers of kind `phone` may be
 * mobile or fixed lines, bank cards are not held to a known issuer.
 */
export function checkPii(kind: string, v: string, ctx: PiiContext): CheckResult {
  switch (kind) {
    case 'id_number':
      return idNumberOk(v) ? { ok: true, value: v } : fromValidation(validateIdNumber(v));
    case 'uscc':
      return usccOk(v) ? { ok: true, value: v } : fromValidation(validateUscc(v));
    case 'mobile':
      return fromValidation(validateMobile(v));
    case 'phone':
      return fromValidation(validatePhone(v));
    case 'bank_card':
      return fromValidation(validateBankCard(v, { iin: false }));
    case 'email':
      return fromValidation(validateEmail(v));
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
 * The fast check of one value of a field: the normalised value when the value is plainly good, or
 * undefined to leave the decision (and the reason) to `checkType`/`checkPii`. It never accepts
 * what they refuse, and gives the same value they give; it only spares the common good value
 * their regexes and result objects.
 */
type FastCheck = (v: string) => string | undefined;

const fastIdNumber: FastCheck = (v) => (idNumberOk(v) ? v : undefined);

const fastUscc: FastCheck = (v) => (usccOk(v) ? v : undefined);

const fastMobile: FastCheck = (v) => {
  if (v.length !== 11 || v.charCodeAt(0) !== 49) return undefined;
  const second = v.charCodeAt(1);
  return second >= 51 && second <= 57 && digitsAt(v, 2, 11) >= 0 ? v : undefined;
};

const fastBankCard: FastCheck = (v) => (v.length >= 13 && v.length <= 19 && digitsAt(v, 0, v.length) >= 0 && luhnOk(v) ? v : undefined);

const fastEmail: FastCheck = (v) => (validateEmail(v).ok ? v : undefined);

const fastRegion =
  (regions: ReadonlySet<string>): FastCheck =>
  (v) =>
    v.length === 6 && digitsAt(v, 0, 6) >= 0 && regions.has(v) ? v : undefined;

const fastInteger: FastCheck = (v) => {
  const sign = v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43 ? 1 : 0;
  const digits = v.length - sign;
  return digits >= 1 && digits <= 18 && digitsAt(v, sign, v.length) >= 0 ? v : undefined;
};

/** Plain decimals (`-12`, `3000.5`, `7.`); exponents and leading dots go to the regex. */
const fastNumber: FastCheck = (v) => {
  let i = v.charCodeAt(0) === 45 || v.charCodeAt(0) === 43 ? 1 : 0;
  const start = i;
  while (i < v.length && digitAt(v, i) >= 0) i++;
  if (i === start) return undefined;
  if (i < v.length && v.charCodeAt(i) === 46) i++;
  while (i < v.length && digitAt(v, i) >= 0) i++;
  return i === v.length ? v : undefined;
};

const BOOLEANS = new Map<string, string>();
for (const t of TRUE) for (const w of [t, t.toUpperCase(), t[0]?.toUpperCase() + t.slice(1)]) BOOLEANS.set(w, 't');
for (const f of FALSE) for (const w of [f, f.toUpperCase(), f[0]?.toUpperCase() + f.slice(1)]) BOOLEANS.set(w, 'f');
const fastBoolean: FastCheck = (v) => BOOLEANS.get(v);

const fastDate: FastCheck = (v) => (isRealDate(v) ? v : undefined);

/** `YYYY-MM-DDTHH:MM:SS` (or with a space), then nothing, `Z` or `±HH:MM`; other forms go to the regex. */
const fastDatetime: FastCheck = (v) => {
  if (v.length < 19 || !isRealDate(v.slice(0, 10))) return undefined;
  const sep = v.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return undefined;
  const h = digitsAt(v, 11, 13);
  const m = digitsAt(v, 14, 16);
  const sec = digitsAt(v, 17, 19);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return undefined;
  if (v.length === 19) return `${v}+08:00`;
  if (v.length === 20) return v.charCodeAt(19) === 90 ? v : undefined;
  const s = v.charCodeAt(19);
  if (v.length !== 25 || (s !== 43 && s !== 45) || v.charCodeAt(22) !== 58 || digitsAt(v, 20, 22) < 0 || digitsAt(v, 23, 25) < 0) return undefined;
  return v;
};

const FAST_TYPES: Record<FieldType, FastCheck | null> = {
  string: null,
  integer: fastInteger,
  number: fastNumber,
  boolean: fastBoolean,
  date: fastDate,
  datetime: fastDatetime,
};

function fastPii(kind: string, ctx: PiiContext): FastCheck | null {
  switch (kind) {
    case 'id_number':
      return fastIdNumber;
    case 'uscc':
      return fastUscc;
    case 'phone':
    case 'mobile':
      return fastMobile;
    case 'bank_card':
      return fastBankCard;
    case 'email':
      return fastEmail;
    case 'region':
    case 'region_code':
      return fastRegion(ctx.regions);
    default:
      return null;
  }
}

/** The fast check of a field, or null when every non-empty value passes as it is (free text). */
function fastCheckOf(f: CatalogField, ctx: PiiContext): FastCheck | null {
  const byType = FAST_TYPES[f.type];
  const byKind = f.piiKind ? fastPii(f.piiKind, ctx) : null;
  if (!byType) return byKind;
  if (!byKind) return byType;
  return (v) => {
    const t = byType(v);
    return t === undefined ? undefined : byKind(t);
  };
}

/** The full check of a value (the one that names the reason): by type, then by kind of personal information. */
function fullCheck(type: FieldType, kind: string | null, t: string, ctx: PiiContext): CheckResult {
  let r: CheckResult = type === 'string' ? { ok: true, value: t } : checkType(type, t);
  if (r.ok && kind !== null && r.value !== null) r = checkPii(kind, r.value, ctx);
  return r;
}

/**
 * Builds the validator of one row for `fields` (in column order): returns the normalised values
 * in the same order, or every error of the row. The checks are chosen once per field here, not
 * per value.
 */
export function rowValidator(fields: readonly CatalogField[], ctx: PiiContext): (row: readonly RawValue[]) => RowResult {
  const n = fields.length;
  const names = fields.map((f) => f.name);
  const types = fields.map((f) => f.type);
  const kinds = fields.map((f) => f.piiKind || null);
  const mandatory = fields.map((f) => Boolean(f.required || f.key));
  const fast = fields.map((f) => fastCheckOf(f, ctx));
  return (row) => {
    const values = new Array<string | null>(n);
    let errors: RowError[] | null = null;
    for (let i = 0; i < n; i++) {
      const raw = row[i];
      let t: string | null;
      if (typeof raw === 'string') {
        // Most values have no surrounding spaces: skip the copy trim() makes.
        const len = raw.length;
        if (len === 0) t = null;
        else {
          const c0 = raw.charCodeAt(0);
          const c1 = raw.charCodeAt(len - 1);
          t = c0 <= 32 || c1 <= 32 || c0 === 0x3000 || c1 === 0x3000 ? raw.trim() : raw;
          if (t === '') t = null;
        }
      } else {
        const a = asText(raw);
        if (a !== null && typeof a === 'object') {
          (errors ??= []).push({ field: names[i] as string, value: null, reason: a.bad });
          continue;
        }
        t = a;
      }
      if (t === null) {
        values[i] = null;
        if (mandatory[i]) (errors ??= []).push({ field: names[i] as string, value: null, reason: '必填项为空' });
        continue;
      }
      const check = fast[i];
      if (!check) {
        values[i] = t;
        continue;
      }
      const quick = check(t);
      if (quick !== undefined) {
        values[i] = quick;
        continue;
      }
      const kind = kinds[i] as string | null;
      const r = fullCheck(types[i] as FieldType, kind, t, ctx);
      if (r.ok) values[i] = r.value;
      else (errors ??= []).push({ field: names[i] as string, value: kind !== null ? maskValue(t) : t, reason: r.reason });
    }
    return errors ? { ok: false, errors } : { ok: true, values };
  };
}

/** A value with a character COPY's text format must escape (backslash, tab, line feed, carriage return). */
function needsEscape(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) return true;
  }
  return false;
}

function escapeText(v: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const esc = c === 92 ? '\\\\' : c === 9 ? '\\t' : c === 10 ? '\\n' : c === 13 ? '\\r' : null;
    if (esc === null) continue;
    out += v.slice(from, i) + esc;
    from = i + 1;
  }
  return out + v.slice(from);
}

/** Scratch array of `copyLine` (one line at a time). */
const lineParts: string[] = [];

/**
 * One line of normalised values as COPY's text format reads it (what `openCopy` writes): values
 * separated by tabs, NULL as `\N`, backslash, tab, line feed and carriage return escaped, so an
 * empty string stays an empty string and no value can end the data early.
 */
export function copyLine(values: ReadonlyArray<string | null>): string {
  // Joined, not concatenated: the line is one flat string at once, cheap to gather and encode.
  const n = values.length;
  const parts = lineParts;
  parts.length = n;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    parts[i] = v === null || v === undefined ? '\\N' : needsEscape(v) ? escapeText(v) : v;
  }
  return `${parts.join('\t')}\n`;
}
