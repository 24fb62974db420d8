/**
 * Anonymisation rules (000 第十九条第三款: 个人信息经匿名化处理; GB/T 42460-2023 个人信息去标识化
 * 效果评估指南; GB/T 37964-2019 个人信息去标识化指南): which kinds of personal information identify a
 * person directly, the generalisations of quasi-identifiers, keyed pseudonyms, and the measures of
 * what remains — k-anonymity over the quasi-identifiers and the l-diversity of a sensitive
 * attribute. Pure functions: the gate of opening evaluates the same generalisations in SQL
 * (opening/gate.sql.ts) and these are the reference they are tested against.
 */
import crypto from 'node:crypto';

// ── Identifiers ──

/**
 * Kinds of personal information (catalog field `piiKind`) that single a person out by themselves
 * (直接标识符): they are removed or pseudonymised before data leaves as anonymised.
 */
export const DIRECT_IDENTIFIER_KINDS = [
  'id_number',
  'name',
  'phone',
  'mobile',
  'bank_card',
  'bank_account',
  'email',
  'vehicle',
  'plate',
  'passport',
  'biometric',
  'social_security',
] as const;

export const DIRECT_IDENTIFIER_LABELS: Record<string, string> = {
  id_number: '身份证件号码',
  name: '姓名',
  phone: '电话号码',
  mobile: '手机号码',
  bank_card: '银行卡号',
  bank_account: '银行账户',
  email: '电子邮箱',
  vehicle: '车辆信息',
  plate: '车牌号码',
  passport: '护照号码',
  biometric: '生物识别信息',
  social_security: '社会保障号码',
};

export const isDirectIdentifier = (piiKind: string | null | undefined): boolean =>
  !!piiKind && (DIRECT_IDENTIFIER_KINDS as readonly string[]).includes(piiKind.trim());

// ── Generalisations ──

/**
 * A generalisation, written as its spec text:
 * `month` / `year` (a date or date-time, Beijing time), `band:<width>` (a number to its band, e.g.
 * age `band:10` → `30-39`), `city` / `province` (a 6-digit region code to `4+00` / `2+0000`),
 * `birth_year` (an ID number to the year of birth), `id_region:<2|4|6>` (an ID number to its
 * region prefix, padded to 6 digits), `truncate:<n>` (the first n characters), `suppress` (`*`).
 */
export type Generalisation =
  | { kind: 'month' }
  | { kind: 'year' }
  | { kind: 'band'; width: number }
  | { kind: 'city' }
  | { kind: 'province' }
  | { kind: 'birth_year' }
  | { kind: 'id_region'; digits: 2 | 4 | 6 }
  | { kind: 'truncate'; length: number }
  | { kind: 'suppress' };

export type ValueType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

export const GENERALISATION_LABELS: Record<Generalisation['kind'], string> = {
  month: '日期泛化到月',
  year: '日期泛化到年',
  band: '数值分段',
  city: '区划泛化到市',
  province: '区划泛化到省',
  birth_year: '证件号码取出生年份',
  id_region: '证件号码取地区前缀',
  truncate: '截断',
  suppress: '屏蔽',
};

/** The types each generalisation applies to. */
const APPLIES_TO: Record<Generalisation['kind'], readonly ValueType[]> = {
  month: ['date', 'datetime', 'string'],
  year: ['date', 'datetime', 'string'],
  band: ['integer', 'number'],
  city: ['string'],
  province: ['string'],
  birth_year: ['string'],
  id_region: ['string'],
  truncate: ['string', 'integer', 'number', 'date', 'datetime'],
  suppress: ['string', 'integer', 'number', 'boolean', 'date', 'datetime'],
};

/** A generalisation from its spec text, or why the text is not one. */
export function parseGeneralisation(spec: string): { ok: true; value: Generalisation } | { ok: false; reason: string } {
  const [head, arg, ...rest] = spec.trim().split(':');
  const bad = (reason: string) => ({ ok: false as const, reason });
  if (rest.length > 0) return bad(`泛化方式“${spec}”格式有误`);
  const int = (s: string | undefined, min: number, max: number) => (s !== undefined && /^\d{1,6}$/.test(s) && Number(s) >= min && Number(s) <= max ? Number(s) : null);
  switch (head) {
    case 'month':
    case 'year':
    case 'city':
    case 'province':
    case 'birth_year':
    case 'suppress':
      return arg === undefined ? { ok: true, value: { kind: head } } : bad(`泛化方式“${head}”不带参数`);
    case 'band': {
      const width = int(arg, 1, 1_000_000);
      return width === null ? bad('数值分段应写作 band:<宽度>，宽度为正整数，如 band:10') : { ok: true, value: { kind: 'band', width } };
    }
    case 'id_region': {
      const digits = int(arg, 2, 6);
      return digits === 2 || digits === 4 || digits === 6 ? { ok: true, value: { kind: 'id_region', digits } } : bad('证件号码地区前缀应写作 id_region:2、id_region:4 或 id_region:6');
    }
    case 'truncate': {
      const length = int(arg, 1, 1000);
      return length === null ? bad('截断应写作 truncate:<保留字符数>，如 truncate:3') : { ok: true, value: { kind: 'truncate', length } };
    }
    default:
      return bad(`不认识的泛化方式“${spec}”（可用：month、year、band:<宽度>、city、province、birth_year、id_region:<2|4|6>、truncate:<n>、suppress）`);
  }
}

/** The spec text of a generalisation (the inverse of `parseGeneralisation`). */
export function generalisationSpec(g: Generalisation): string {
  switch (g.kind) {
    case 'band':
      return `band:${g.width}`;
    case 'id_region':
      return `id_region:${g.digits}`;
    case 'truncate':
      return `truncate:${g.length}`;
    default:
      return g.kind;
  }
}

export const generalisationApplies = (g: Generalisation, type: ValueType): boolean => APPLIES_TO[g.kind].includes(type);

const BEIJING_MS = 8 * 3600_000;
const ID18 = /^\d{17}[\dXx]$/;
const ID15 = /^\d{15}$/;
const REGION = /^\d{6}$/;

/** A date or date-time as `YYYY-MM-DD` in Beijing time (dates as they are), or null. */
function beijingDay(v: unknown): string | null {
  if (v instanceof Date) return new Date(v.getTime() + BEIJING_MS).toISOString().slice(0, 10);
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d/.test(s) && !Number.isNaN(Date.parse(s))) return beijingDay(new Date(s));
  return /^\d{4}-\d{2}/.test(s) ? s.slice(0, 7) : null;
}

/** 2026-09-18 → 2026-09 (date-times in Beijing time). */
export const toMonth = (v: unknown): string | null => beijingDay(v)?.slice(0, 7) ?? null;
/** 2026-09-18 → 2026. */
export const toYear = (v: unknown): string | null => beijingDay(v)?.slice(0, 4) ?? null;

/** A number to its band of `width`: 37 by 10 → `30-39` (the lower bound and the last whole number below the next). */
export function toBand(v: unknown, width: number): string | null {
  const n = typeof v === 'number' ? v : Number(v);
  if (v === null || v === '' || !Number.isFinite(n)) return null;
  const lo = Math.floor(n / width) * width;
  return `${lo}-${lo + width - 1}`;
}

/** A region code to its city: 460105 → 460100. */
export const regionToCity = (v: unknown): string | null => (REGION.test(String(v)) ? `${String(v).slice(0, 4)}00` : null);
/** A region code to its province: 460105 → 460000. */
export const regionToProvince = (v: unknown): string | null => (REGION.test(String(v)) ? `${String(v).slice(0, 2)}0000` : null);

/** The year of birth an ID number carries (18 digits, or the old 15-digit form of the 1900s). */
export function idBirthYear(v: unknown): string | null {
  const s = String(v);
  if (ID18.test(s)) return s.slice(6, 10);
  if (ID15.test(s)) return `19${s.slice(6, 8)}`;
  return null;
}

/** The region prefix of an ID number, `digits` long, padded to a 6-digit region code: 4601051990… by 4 → 460100. */
export function idRegionPrefix(v: unknown, digits: 2 | 4 | 6): string | null {
  const s = String(v);
  return ID18.test(s) || ID15.test(s) ? s.slice(0, digits).padEnd(6, '0') : null;
}

/** The first `length` characters (by code point). */
export const truncate = (v: unknown, length: number): string => Array.from(String(v)).slice(0, length).join('');

/** A suppressed value. */
export const SUPPRESSED = '*';

/** A value under a generalisation; null stays null, a value it cannot read becomes null. */
export function generalise(g: Generalisation, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  switch (g.kind) {
    case 'month':
      return toMonth(v);
    case 'year':
      return toYear(v);
    case 'band':
      return toBand(v, g.width);
    case 'city':
      return regionToCity(v);
    case 'province':
      return regionToProvince(v);
    case 'birth_year':
      return idBirthYear(v);
    case 'id_region':
      return idRegionPrefix(v, g.digits);
    case 'truncate':
      return truncate(v instanceof Date ? v.toISOString() : v, g.length);
    case 'suppress':
      return SUPPRESSED;
  }
}

// ── Pseudonyms ──

/** A keyed function of text: the kernel's `crypto.hmac` (HMAC-SM3), or `sm3Hmac(key)`. */
export type Keyed = (data: string) => string;

/** HMAC-SM3 under a key of its own (hex or bytes). */
export function sm3Hmac(key: string | Buffer): Keyed {
  const k = typeof key === 'string' ? Buffer.from(key, 'hex') : key;
  return (data) => crypto.createHmac('sm3', k).update(data).digest('hex');
}

export const PSEUDONYM_LENGTH = 16;

/**
 * A keyed pseudonym (假名化): the same value always gives the same pseudonym under one key, and
 * nobody without the key can tell the value from it. Null stays null.
 */
export function pseudonym(keyed: Keyed, v: unknown, length = PSEUDONYM_LENGTH): string | null {
  if (v === null || v === undefined) return null;
  return keyed(v instanceof Date ? v.toISOString() : String(v)).slice(0, length);
}

// ── Measures ──

export interface EquivalenceClass {
  /** The quasi-identifier values shared by the class. */
  values: Record<string, unknown>;
  size: number;
}

export interface KAnonymityResult {
  k: number;
  rows: number;
  classes: number;
  /** The size of the smallest class (null without rows). */
  smallest: number | null;
  classesBelowK: number;
  rowsBelowK: number;
  /** The classes below k, smallest first, at most `maxExamples`. */
  failing: EquivalenceClass[];
  passes: boolean;
}

const classKey = (row: Record<string, unknown>, qis: readonly string[]) => JSON.stringify(qis.map((q) => row[q] ?? null));

/** The equivalence classes of rows over the quasi-identifiers (rows already generalised). */
export function equivalenceClasses(rows: readonly Record<string, unknown>[], qis: readonly string[]): EquivalenceClass[] {
  const by = new Map<string, EquivalenceClass>();
  for (const row of rows) {
    const key = classKey(row, qis);
    const c = by.get(key);
    if (c) c.size++;
    else by.set(key, { values: Object.fromEntries(qis.map((q) => [q, row[q] ?? null])), size: 1 });
  }
  return [...by.values()];
}

/** Orders classes smallest first, then by their values, so that examples are stable. */
export const byFewest = (a: EquivalenceClass, b: EquivalenceClass): number => a.size - b.size || (JSON.stringify(a.values) < JSON.stringify(b.values) ? -1 : 1);

/**
 * k-anonymity: every combination of quasi-identifier values is shared by at least k rows. With no
 * quasi-identifiers all rows form one class; with no rows there is nothing to single out.
 */
export function kAnonymity(rows: readonly Record<string, unknown>[], qis: readonly string[], k: number, maxExamples = 10): KAnonymityResult {
  const classes = equivalenceClasses(rows, qis);
  return summariseClasses(classes, k, maxExamples);
}

/** The k-anonymity summary of classes already counted (e.g. by SQL). */
export function summariseClasses(classes: readonly EquivalenceClass[], k: number, maxExamples = 10): KAnonymityResult {
  const below = classes.filter((c) => c.size < k).sort(byFewest);
  const rows = classes.reduce((n, c) => n + c.size, 0);
  return {
    k,
    rows,
    classes: classes.length,
    smallest: classes.length ? Math.min(...classes.map((c) => c.size)) : null,
    classesBelowK: below.length,
    rowsBelowK: below.reduce((n, c) => n + c.size, 0),
    failing: below.slice(0, maxExamples),
    passes: below.length === 0,
  };
}

export interface LDiversityResult {
  /** Distinct l: the fewest distinct values of the sensitive attribute in any class (null without rows). */
  l: number | null;
  /** The classes with the fewest distinct values, at most `maxExamples`. */
  weakest: Array<EquivalenceClass & { distinct: number }>;
}

/** Distinct l-diversity of `sensitive` over the classes of the quasi-identifiers. */
export function lDiversity(rows: readonly Record<string, unknown>[], qis: readonly string[], sensitive: string, maxExamples = 10): LDiversityResult {
  const by = new Map<string, { values: Record<string, unknown>; size: number; seen: Set<string> }>();
  for (const row of rows) {
    const key = classKey(row, qis);
    let c = by.get(key);
    if (!c) {
      c = { values: Object.fromEntries(qis.map((q) => [q, row[q] ?? null])), size: 0, seen: new Set() };
      by.set(key, c);
    }
    c.size++;
    c.seen.add(JSON.stringify(row[sensitive] ?? null));
  }
  const all = [...by.values()].map((c) => ({ values: c.values, size: c.size, distinct: c.seen.size }));
  if (all.length === 0) return { l: null, weakest: [] };
  const l = Math.min(...all.map((c) => c.distinct));
  return { l, weakest: all.filter((c) => c.distinct === l).sort(byFewest).slice(0, maxExamples) };
}
