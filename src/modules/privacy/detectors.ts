/**
 * Detectors and validators of Chinese personal and business identifiers (002 第十一条: 个人信息
 * 未经处理不得流出; 000 第八条: data aggregated 完整、准确): resident ID number (GB 11643-1999,
 * ISO 7064 MOD 11-2), unified social credit code (GB 32100-2015, mod 31), mobile and fixed-line
 * numbers, bank cards (ISO/IEC 7812, Luhn), e-mail, vehicle plates (GA 36), passports and the
 * Hong Kong / Macao / Taiwan travel permits, personal names (surname list plus context) and
 * addresses (a region prefix plus street markers).
 *
 * Pure and fast: a detector runs once per value on large scans, so the common value that is
 * none of these is turned away after one pass over its characters, without a regex or an
 * allocation. Kinds are named in the catalog's `piiKind` vocabulary.
 */

// ── Vocabulary ──

/** The kinds a detector can report (the catalog field's `piiKind`). */
export const DETECTED_KINDS = [
  'id_number',
  'uscc',
  'mobile',
  'phone',
  'bank_card',
  'email',
  'plate',
  'passport',
  'permit',
  'name',
  'address',
  'birth_date',
] as const;
export type DetectedKind = (typeof DETECTED_KINDS)[number];

export const DETECTED_KIND_LABELS: Record<DetectedKind, string> = {
  id_number: '身份证件号码',
  uscc: '统一社会信用代码',
  mobile: '手机号码',
  phone: '固定电话号码',
  bank_card: '银行卡号',
  email: '电子邮箱',
  plate: '车牌号码',
  passport: '护照号码',
  permit: '港澳台通行证号码',
  name: '姓名',
  address: '地址',
  birth_date: '出生日期',
};

/**
 * How sure a detection is: `certain` — a check character or a format no other value has;
 * `likely` — the format and its context agree (a field label, a region prefix); `possible` — the
 * shape alone (a bare two- or three-character string starting with a surname).
 */
export type Confidence = 'certain' | 'likely' | 'possible';

export interface Detection {
  kind: DetectedKind;
  confidence: Confidence;
  /** Why, in Chinese, e.g. `18 位，出生日期有效，校验位正确`. */
  reason: string;
}

/** What is wrong with a value of a kind. */
export type Problem = 'format' | 'length' | 'check' | 'date' | 'region' | 'prefix';

export type Validation = { ok: true; value: string } | { ok: false; problem: Problem; reason: string };

// ── Regions (GB/T 2260) ──

/** Province-level divisions (GB/T 2260): code prefix, full name and short name (简称 used in addresses). */
const PROVINCES: ReadonlyArray<readonly [string, string, string]> = [
  ['11', '北京市', '北京'], ['12', '天津市', '天津'], ['13', '河北省', '河北'], ['14', '山西省', '山西'],
  ['15', '内蒙古自治区', '内蒙古'], ['21', '辽宁省', '辽宁'], ['22', '吉林省', '吉林'], ['23', '黑龙江省', '黑龙江'],
  ['31', '上海市', '上海'], ['32', '江苏省', '江苏'], ['33', '浙江省', '浙江'], ['34', '安徽省', '安徽'],
  ['35', '福建省', '福建'], ['36', '江西省', '江西'], ['37', '山东省', '山东'], ['41', '河南省', '河南'],
  ['42', '湖北省', '湖北'], ['43', '湖南省', '湖南'], ['44', '广东省', '广东'], ['45', '广西壮族自治区', '广西'],
  ['46', '海南省', '海南'], ['50', '重庆市', '重庆'], ['51', '四川省', '四川'], ['52', '贵州省', '贵州'],
  ['53', '云南省', '云南'], ['54', '西藏自治区', '西藏'], ['61', '陕西省', '陕西'], ['62', '甘肃省', '甘肃'],
  ['63', '青海省', '青海'], ['64', '宁夏回族自治区', '宁夏'], ['65', '新疆维吾尔自治区', '新疆'], ['71', '台湾省', '台湾'],
  ['81', '香港特别行政区', '香港'], ['82', '澳门特别行政区', '澳门'],
];

/**
 * The known administrative divisions, indexed for the plausibility of a 6-digit region code and
 * for the region prefix of an address. Built once (from the `regions` table) and passed in.
 */
export interface RegionIndex {
  readonly codes: ReadonlySet<string>;
  /** 2-digit provinces that have prefecture or county codes loaded. */
  readonly provincesWithChildren: ReadonlySet<string>;
  /** 4-digit prefectures that have county codes loaded. */
  readonly citiesWithChildren: ReadonlySet<string>;
  /** Region names (full and without their 省/市/县/区 suffix) by their first character. */
  readonly namesByFirstChar: ReadonlyMap<string, readonly string[]>;
}

/** Names an address may begin with for a region: its full name, and without its suffix when what is left is ≥ 2 characters. */
function namesOf(name: string): string[] {
  const out = [name];
  const short = name.replace(/(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|省|市|县|区|盟|州)$/, '');
  if (short !== name && short.length >= 2) out.push(short);
  return out;
}

/** Indexes the known regions (rows of the `regions` table); the built-in provinces are always included. */
export function regionIndex(rows: Iterable<{ code: string; name: string }>): RegionIndex {
  const codes = new Set<string>();
  const provincesWithChildren = new Set<string>();
  const citiesWithChildren = new Set<string>();
  const names = new Map<string, Set<string>>();
  const addName = (n: string) => {
    for (const x of namesOf(n)) {
      const first = x[0] as string;
      let s = names.get(first);
      if (!s) names.set(first, (s = new Set()));
      s.add(x);
    }
  };
  for (const [p, full, short] of PROVINCES) {
    codes.add(`${p}0000`);
    addName(full);
    addName(short);
  }
  for (const r of rows) {
    const code = r.code.trim();
    if (!/^\d{6}$/.test(code)) continue;
    codes.add(code);
    addName(r.name.trim());
    if (code.endsWith('0000')) continue;
    provincesWithChildren.add(code.slice(0, 2));
    if (!code.endsWith('00')) citiesWithChildren.add(code.slice(0, 4));
  }
  // Longest first, so 海口市 is tried before 海口.
  const namesByFirstChar = new Map<string, string[]>();
  for (const [c, s] of names) namesByFirstChar.set(c, [...s].sort((a, b) => b.length - a.length));
  return { codes, provincesWithChildren, citiesWithChildren, namesByFirstChar };
}

/** The built-in index: the province-level divisions only. */
export const PROVINCE_INDEX: RegionIndex = regionIndex([]);

/** Province-level divisions by their 2-digit number (1 = exists), for the hot path. */
const PROVINCE_OK = new Uint8Array(100);
for (const [p] of PROVINCES) PROVINCE_OK[Number(p)] = 1;

/**
 * A 6-digit region code is plausible when its province exists and, where the index knows the
 * divisions below it, the code (or its prefecture) is one of them. Where the index holds no
 * prefectures or counties of a province, any code of that province is plausible: the index is
 * what the platform knows, not the whole of GB/T 2260.
 */
export function regionPlausible(code: string, index: RegionIndex = PROVINCE_INDEX): boolean {
  if (index === PROVINCE_INDEX) {
    const n = digitsAt(code, 0, 2);
    return n >= 0 && PROVINCE_OK[n] === 1;
  }
  const p = code.slice(0, 2);
  if (!index.codes.has(`${p}0000`)) return false;
  if (code.endsWith('0000') || index.codes.has(code)) return true;
  const c4 = code.slice(0, 4);
  if (index.codes.has(`${c4}00`)) return code.endsWith('00') || !index.citiesWithChildren.has(c4);
  return !index.provincesWithChildren.has(p);
}

// ── Character helpers (no regex on the hot path) ──

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

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

/** Year, month and day (any of them -1 when not digits) name a real calendar day. */
export function realDay(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : (DAYS[m - 1] as number));
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isCjk = (c: number) => c >= 0x4e00 && c <= 0x9fff;

/** Today in Beijing as the number YYYYMMDD, recomputed once per minute at most. */
let todayCache = { at: -1, ymd: 0 };
function todayYmd(): number {
  const minute = Math.floor(Date.now() / 60_000);
  if (todayCache.at !== minute) {
    const s = new Date(minute * 60_000 + 8 * 3_600_000).toISOString();
    todayCache = { at: minute, ymd: Number(s.slice(0, 4)) * 10_000 + Number(s.slice(5, 7)) * 100 + Number(s.slice(8, 10)) };
  }
  return todayCache.ymd;
}

/** `YYYY-MM-DD` (or YYYYMMDD) to the number YYYYMMDD. */
const ymdOf = (date: string) => Number(date.replace(/-/g, ''));

/** Options of the validators that need more than the value. */
export interface ValidateOptions {
  /** Known regions; without it only the province of a region code is checked. */
  regions?: RegionIndex | undefined;
  /** Today (`YYYY-MM-DD`, Beijing): a birth date after it is impossible. Defaults to the system clock. */
  today?: string | undefined;
}

// ── Resident ID number (GB 11643) ──

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * The MOD 11-2 check character code of the first 17 characters of `v` (GB 11643), or -1 when they
 * are not all digits.
 */
export function idNumberCheckCode(v: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    sum += d * (ID_WEIGHTS[i] as number);
  }
  return ID_CHECK.charCodeAt(sum % 11);
}

/**
 * The plainly valid ID number, without building a result: 18 characters, the province of a real
 * division, a birth date from 1900 to today, the check character (upper-case X). What it accepts
 * `validateIdNumber` accepts unchanged (without `regions`).
 */
export function idNumberOk(v: string): boolean {
  if (v.length !== 18) return false;
  const check = idNumberCheckCode(v);
  if (check !== v.charCodeAt(17) || PROVINCE_OK[digitsAt(v, 0, 2)] !== 1) return false;
  const y = digitsAt(v, 6, 10);
  const m = digitsAt(v, 10, 12);
  const d = digitsAt(v, 12, 14);
  if (y < 1900 || !realDay(y, m, d)) return false;
  // The cached day only moves forward: a birth on or before it needs no clock.
  const ymd = y * 10_000 + m * 100 + d;
  return ymd <= todayCache.ymd || ymd <= todayYmd();
}

/**
 * Validates a resident ID number: 18 characters (17 digits and a digit or X), a region of a real
 * province (and, with `regions`, a known division), a real birth date from 1900 to today, and the
 * MOD 11-2 check character. The value comes out with an upper-case X.
 */
export function validateIdNumber(raw: string, opts: ValidateOptions = {}): Validation {
  const v = raw.length === 18 && raw.charCodeAt(17) === 120 ? `${raw.slice(0, 17)}X` : raw;
  if (v.length !== 18) return { ok: false, problem: 'length', reason: '公民身份号码应为 18 位，前 17 位为数字，末位为数字或 X' };
  const check = idNumberCheckCode(v);
  const last = v.charCodeAt(17);
  if (check < 0 || !(isDigit(last) || last === 88)) return { ok: false, problem: 'format', reason: '公民身份号码应为 18 位，前 17 位为数字，末位为数字或 X' };
  const y = digitsAt(v, 6, 10);
  const ymd = y * 10_000 + digitsAt(v, 10, 12) * 100 + digitsAt(v, 12, 14);
  if (y < 1900 || !realDay(y, digitsAt(v, 10, 12), digitsAt(v, 12, 14))) return { ok: false, problem: 'date', reason: '公民身份号码中的出生日期无效' };
  if (ymd > (opts.today ? ymdOf(opts.today) : todayYmd())) return { ok: false, problem: 'date', reason: '公民身份号码中的出生日期无效（晚于今天）' };
  if (check !== last) return { ok: false, problem: 'check', reason: '公民身份号码校验位不正确' };
  if (!regionPlausible(v.slice(0, 6), opts.regions)) {
    return { ok: false, problem: 'region', reason: `公民身份号码的地址码 ${v.slice(0, 6)} 不是已知的行政区划（GB/T 2260）` };
  }
  return { ok: true, value: v };
}

// ── Unified social credit code (GB 32100) ──

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** Value of each character code in the GB 32100 set, -1 outside it. */
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_CHARS.length; i++) USCC_VALUE[USCC_CHARS.charCodeAt(i)] = i;

/**
 * The GB 32100 check character code of the first 17 characters of `v`, or -1 when one is outside
 * the code's character set or positions 3–8 (the region) are not digits.
 */
export function usccCheckCode(v: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = v.charCodeAt(i);
    const x = c < 128 ? (USCC_VALUE[c] as number) : -1;
    if (x < 0 || (i >= 2 && i < 8 && x > 9)) return -1;
    sum += x * (USCC_WEIGHTS[i] as number);
  }
  return USCC_CHARS.charCodeAt((31 - (sum % 31)) % 31);
}

/** Region code of credit codes registered by central authorities (国家级登记管理机关). */
const USCC_CENTRAL = '100000';

/** The plainly valid credit code, without building a result: what it accepts `validateUscc` accepts unchanged (without `regions`). */
export function usccOk(v: string): boolean {
  if (v.length !== 18 || usccCheckCode(v) !== v.charCodeAt(17)) return false;
  const p = digitsAt(v, 2, 4);
  return PROVINCE_OK[p] === 1 || v.startsWith(USCC_CENTRAL, 2);
}

/** Validates a unified social credit code: 18 characters of the GB 32100 set, a region code, its check character. */
export function validateUscc(v: string, opts: ValidateOptions = {}): Validation {
  if (v.length !== 18) return { ok: false, problem: 'length', reason: '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）' };
  for (let i = 0; i < 18; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || (USCC_VALUE[c] as number) < 0) return { ok: false, problem: 'format', reason: '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）' };
  }
  if (digitsAt(v, 2, 8) < 0) return { ok: false, problem: 'format', reason: '统一社会信用代码第 3–8 位应为行政区划码' };
  if (usccCheckCode(v) !== v.charCodeAt(17)) return { ok: false, problem: 'check', reason: '统一社会信用代码校验位不正确' };
  if (!v.startsWith(USCC_CENTRAL, 2) && !regionPlausible(v.slice(2, 8), opts.regions)) {
    return { ok: false, problem: 'region', reason: `统一社会信用代码的登记管理机关行政区划码 ${v.slice(2, 8)} 不是已知的行政区划` };
  }
  return { ok: true, value: v };
}

// ── Telephone numbers ──

/** The digits of a telephone number without its separators (spaces, dashes, dots, brackets) and country code (+86, 0086); null if anything else is in it. */
function phoneDigits(v: string): string | null {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (isDigit(c)) out += v[i];
    else if (c === 43 && i === 0) out += '+';
    else if (c !== 32 && c !== 45 && c !== 46 && c !== 40 && c !== 41 && c !== 0x3000 && c !== 0xff0d) return null;
  }
  if (out.startsWith('+86')) return out.slice(3);
  if (out.charCodeAt(0) === 43) return null;
  if (out.startsWith('0086')) return out.slice(4);
  return out;
}

/** An 11-digit mainland mobile number: 1, then 3–9, then nine digits. */
function mobileOk(d: string): boolean {
  if (d.length !== 11 || d.charCodeAt(0) !== 49) return false;
  const s = d.charCodeAt(1);
  return s >= 51 && s <= 57;
}

/** Validates a mobile number (separators and +86 / 0086 tolerated); it comes out as its 11 digits. */
export function validateMobile(v: string): Validation {
  const d = phoneDigits(v);
  if (d === null || !mobileOk(d)) return { ok: false, problem: d !== null && d.length !== 11 ? 'length' : 'format', reason: '手机号码应为 11 位，以 13–19 开头' };
  return { ok: true, value: d };
}

/** Two-digit area codes (010 Beijing, 02x the large cities); all others have three. */
const TWO_DIGIT_AREAS = new Set(['10', '20', '21', '22', '23', '24', '25', '27', '28', '29']);

/**
 * Validates a fixed-line number: an area code (0 + 2 or 3 digits; the 0 may be dropped after
 * +86) and a 7- or 8-digit local number that does not start with 0 or 1. It comes out as
 * `区号-号码`, e.g. `0898-66668888`.
 */
export function validateLandline(v: string): Validation {
  const bad: Validation = { ok: false, problem: 'format', reason: '固定电话应为区号加 7–8 位号码，如 0898-66668888' };
  let d = phoneDigits(v);
  if (d === null) return bad;
  if (d.charCodeAt(0) !== 48) {
    // After +86 the trunk 0 is dropped.
    if (!(v.startsWith('+86') || v.startsWith('0086'))) return bad;
    d = `0${d}`;
  }
  const area = TWO_DIGIT_AREAS.has(d.slice(1, 3)) ? 3 : 4;
  const local = d.length - area;
  if (d.charCodeAt(1) === 48 || local < 7 || local > 8) return { ...bad, problem: 'length' };
  const first = d.charCodeAt(area);
  if (first === 48 || first === 49) return bad;
  return { ok: true, value: `${d.slice(0, area)}-${d.slice(area)}` };
}

/** Validates a telephone number of either kind (电话号码): a mobile number or a fixed line. */
export function validatePhone(v: string): Validation {
  const m = validateMobile(v);
  if (m.ok) return m;
  const l = validateLandline(v);
  return l.ok ? l : { ok: false, problem: l.problem, reason: '电话号码应为 11 位手机号码，或区号加 7–8 位的固定电话' };
}

// ── Bank cards (ISO/IEC 7812) ──

/** Luhn (ISO/IEC 7812) check of a string of digits. */
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

/**
 * An issuer identification number plausible for a card used in China: UnionPay 62, 60 and 65,
 * the banks' older domestic 9 ranges, Visa 4, Mastercard 51–55 and 2221–2720, American Express
 * 34 / 37, JCB 35.
 */
function iinPlausible(d: string): boolean {
  const c = d.charCodeAt(0) - 48;
  const two = digitsAt(d, 0, 2);
  if (c === 4 || c === 9) return true;
  if (c === 6) return two === 62 || two === 60 || two === 65;
  if (c === 5) return two >= 51 && two <= 55;
  if (c === 3) return two === 34 || two === 35 || two === 37;
  if (c === 2) {
    const four = digitsAt(d, 0, 4);
    return four >= 2221 && four <= 2720;
  }
  return false;
}

/**
 * Validates a bank card number: 13–19 digits (spaces and dashes between groups tolerated), the
 * Luhn check, and (unless `iin: false`) an issuer prefix plausible for a card. It comes out as
 * its digits.
 */
export function validateBankCard(v: string, opts: { iin?: boolean } = {}): Validation {
  let d = v;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!isDigit(c)) {
      if (c !== 32 && c !== 45) return { ok: false, problem: 'format', reason: '银行卡号应为 13–19 位数字' };
      d = v.replace(/[ -]/g, '');
      break;
    }
  }
  if (d.length < 13 || d.length > 19) return { ok: false, problem: 'length', reason: '银行卡号应为 13–19 位数字' };
  if (!luhnOk(d)) return { ok: false, problem: 'check', reason: '银行卡号校验位（Luhn）不正确' };
  if (opts.iin !== false && !iinPlausible(d)) return { ok: false, problem: 'prefix', reason: `银行卡号的发卡机构标识 ${d.slice(0, 2)}… 不是常见的银行卡号段` };
  return { ok: true, value: d };
}

// ── E-mail ──

const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/;

/** Validates an e-mail address (local part, `@`, a domain with a top-level label); it comes out trimmed. */
export function validateEmail(v: string): Validation {
  if (v.length > 254 || !EMAIL.test(v) || v.includes('..')) return { ok: false, problem: 'format', reason: '电子邮箱应为“用户名@域名”，如 name@example.cn' };
  return { ok: true, value: v };
}

// ── Vehicle plates (GA 36) ──

/** Province abbreviations that begin a plate. */
const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE_PROVINCE_CODES = new Set([...PLATE_PROVINCES].map((c) => c.charCodeAt(0)));
/** Ordinary plate: province, issuing-office letter, five of letters (no I, O) and digits, or the last one a suffix. */
const PLATE_ORDINARY = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳领试超]$/;
/** New-energy plate (8 characters): D/F then a letter or digit and four digits (small cars), or five digits then D/F (large vehicles). */
const PLATE_NEW_ENERGY = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z](?:[DF][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF])$/;
/** Embassy and consulate plates: 使 + six digits, or six digits + 使/领 (with an optional province for consulates). */
const PLATE_DIPLOMATIC = /^(?:使\d{6}|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]?[A-HJ-NP-Z]?\d{4,6}[使领])$/;
/** Armed police plates: WJ, optionally a province, then four or five characters. */
const PLATE_ARMED_POLICE = /^WJ[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]?[0-9A-HJ-NP-Z]{4}[0-9A-HJ-NP-Z警消边通森金电]$/;

/** Validates a vehicle plate (ordinary, new-energy, police, embassy/consulate, armed police); a `·` or space after the office letter is tolerated and dropped. */
export function validatePlate(raw: string): Validation {
  const v = raw.length >= 3 && (raw[2] === '·' || raw[2] === ' ' || raw[2] === '.') ? raw.slice(0, 2) + raw.slice(3) : raw;
  if (PLATE_ORDINARY.test(v) || PLATE_NEW_ENERGY.test(v) || PLATE_DIPLOMATIC.test(v) || PLATE_ARMED_POLICE.test(v)) return { ok: true, value: v };
  if (v.length < 7 || v.length > 8) return { ok: false, problem: 'length', reason: '车牌号码应为 7 位（新能源 8 位），如 琼A12345、琼AD12345' };
  return { ok: false, problem: 'format', reason: '车牌号码应为省份简称、发牌机关字母和 5 位字母数字（新能源 6 位），如 琼A12345' };
}

// ── Passports and travel permits ──

/**
 * Chinese passports: ordinary E + 8 digits or E + letter + 7 digits (electronic), G + 8 digits
 * (before 2012), public-affairs P/PE, service S/SE and diplomatic D/DE + 7 digits.
 */
const PASSPORT = /^(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[PSD]E?\d{7})$/;

/** Validates a passport number of the People's Republic of China. */
export function validatePassport(v: string): Validation {
  return PASSPORT.test(v) ? { ok: true, value: v } : { ok: false, problem: 'format', reason: '护照号码应为 E、G 加 8 位数字，E 加 1 位字母和 7 位数字，或 P、S、D 加 7 位数字' };
}

/**
 * Travel permits: 往来港澳通行证 C + 8 digits or C + letter + 7 digits; 港澳居民来往内地通行证
 * H (Hong Kong) / M (Macao) + 8 or 10 digits; 大陆居民往来台湾通行证 L + 8 digits. The Taiwan
 * residents' permit (8 bare digits) is not detected: nothing in its shape tells it from a number.
 */
const PERMIT = /^(?:C\d{8}|C[A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?|L\d{8})$/;

/** Validates a Hong Kong / Macao / Taiwan travel permit number. */
export function validatePermit(v: string): Validation {
  return PERMIT.test(v)
    ? { ok: true, value: v }
    : { ok: false, problem: 'format', reason: '通行证号码应为 C 加 8 位数字（往来港澳）、H 或 M 加 8 或 10 位数字（港澳居民来往内地）、L 加 8 位数字（往来台湾）' };
}

// ── Personal names ──

/** Compound surnames (复姓). */
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕',
  '令狐', '端木', '西门', '南宫', '独孤', '百里', '呼延', '申屠', '万俟', '闻人', '澹台', '公冶', '太史', '淳于',
  '单于', '司空', '钟离', '宗政', '濮阳', '仲孙', '赫连', '拓跋', '第五', '左丘', '东郭', '段干', '司寇', '亓官',
]);

/** Single-character surnames: the ~400 in common use (《百家姓》 and the national surname statistics). */
const SURNAMES = new Set(
  [
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
    '常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝',
    '官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由',
  ].join(''),
);

/** Characters a name never ends with: the last character of organisations, places, documents, statuses. */
const NOT_NAME_END = new Set([...'局厅委办院所站队区县市省路街号村镇乡司心类型费证表库网部处科室组会社行业品物料场馆店厂校园期日月年度次数量额率态况式制法规项目单据码批']);

/** Labels and neighbouring words that say a value is a person's name. */
const NAME_CONTEXT = /姓名|名字|人名|联系人|负责人|法定代表人|法人代表|代表人|申请人|投诉人|举报人|权利人|经营者|所有人|户主|监护人|经办人|当事人|患者|学生|职工|持卡人|收件人|寄件人|驾驶人|被保险人|业主|name/i;

/** The surname at the start of `v`: its length (2 for a compound surname, 1 for a single one), 0 if none. */
function surnameLength(v: string): number {
  if (v.length >= 3 && COMPOUND_SURNAMES.has(v.slice(0, 2))) return 2;
  return SURNAMES.has(v[0] as string) ? 1 : 0;
}

/** Names of minorities and foreigners in Chinese: parts joined by `·` (e.g. 阿卜杜·热合曼). */
function dottedName(v: string): boolean {
  if (v.length < 4 || v.length > 16) return false;
  const parts = v.split(/[·•・]/);
  return parts.length >= 2 && parts.every((p) => p.length >= 1 && [...p].every((c) => isCjk(c.charCodeAt(0))));
}

/** A 2–4 character Chinese string that starts with a surname and does not end like a word for a thing. */
function nameShape(v: string): boolean {
  const n = v.length;
  if (n < 2 || n > 4) return false;
  for (let i = 0; i < n; i++) if (!isCjk(v.charCodeAt(i))) return false;
  const s = surnameLength(v);
  if (s === 0 || n - s > 2 || n - s < 1) return false;
  return !NOT_NAME_END.has(v[n - 1] as string);
}

/** `联系人：张三`, `姓名 李四`: a context word, then a name. */
const NAME_IN_TEXT = /(?:姓名|联系人|负责人|法定代表人|申请人|投诉人|户主|经办人)\s*[:：]?\s*([\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff])/;

// ── Addresses ──

/** Markers of a street address. */
const ADDRESS_MARKERS = new Set([...'路街道巷弄号村镇乡组栋幢楼室苑院']);
/** Labels that say a value is an address. */
const ADDRESS_CONTEXT = /地址|住址|住所|居住地|户籍地|坐落|经营场所|通讯地址|详细地址|地点|address/i;
/** A division named without the index: 2–8 Chinese characters, then 省, 自治区, 市, 自治州, 县 or 区. */
const GENERIC_REGION = /^[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|县|区)/;

/** The region name at the start of `v` (from the index, or a generic 省/市/县/区 name), or null. */
function regionPrefix(v: string, index: RegionIndex): string | null {
  const names = index.namesByFirstChar.get(v[0] as string);
  if (names) for (const n of names) if (v.startsWith(n)) return n;
  const m = GENERIC_REGION.exec(v);
  return m ? m[0] : null;
}

function detectAddress(v: string, label: string | undefined, index: RegionIndex): Detection | null {
  let markers = 0;
  let numbered = false;
  for (let i = 0; i < v.length; i++) {
    const ch = v[i] as string;
    if (ADDRESS_MARKERS.has(ch)) {
      markers++;
      if ((ch === '号' || ch === '栋' || ch === '室' || ch === '幢' || ch === '楼') && i > 0 && isDigit(v.charCodeAt(i - 1))) numbered = true;
    }
  }
  if (markers === 0) return null;
  const region = regionPrefix(v, index);
  const labelled = label !== undefined && ADDRESS_CONTEXT.test(label);
  if (region && numbered) return { kind: 'address', confidence: 'certain', reason: `以行政区划“${region}”开头，含门牌号` };
  if (region) return { kind: 'address', confidence: 'likely', reason: `以行政区划“${region}”开头，含路、街、村、镇等地名` };
  if (labelled) return { kind: 'address', confidence: 'likely', reason: `字段“${label}”为地址，值含路、街、号等地名` };
  if (numbered) return { kind: 'address', confidence: 'possible', reason: '含门牌号，无行政区划前缀' };
  return null;
}

// ── Detection ──

export interface DetectHint {
  /** The field's label or name (e.g. `联系人`, `owner_name`): context for names, addresses and dates. */
  label?: string | undefined;
  /** Known regions for region plausibility and address prefixes; defaults to the provinces. */
  regions?: RegionIndex | undefined;
  /** Today (`YYYY-MM-DD`, Beijing) for birth dates; defaults to the system clock. */
  today?: string | undefined;
}

const BIRTH_CONTEXT = /出生|生日|birth/i;

/** Digits-only detection (after separators are dropped): ID number, mobile, fixed line, bank card. */
function detectDigits(v: string, d: string, hint: DetectHint | undefined): Detection | null {
  const n = d.length;
  if (n === 18) {
    const r = validateIdNumber(d, hint ?? {});
    if (r.ok) return { kind: 'id_number', confidence: 'certain', reason: '18 位公民身份号码，出生日期有效，校验位正确' };
    if (r.problem === 'region') return { kind: 'id_number', confidence: 'likely', reason: `校验位正确，但${r.reason.replace(/^公民身份号码的/, '')}` };
    // A credit code may be all digits.
    if (d === v && validateUscc(d, hint ?? {}).ok) return { kind: 'uscc', confidence: 'certain', reason: '18 位统一社会信用代码，校验位正确' };
  }
  if (n === 11 && mobileOk(d)) return { kind: 'mobile', confidence: 'certain', reason: '11 位手机号码，号段 1[3-9]' };
  if (n >= 13 && n <= 19) {
    const r = validateBankCard(d);
    if (r.ok) return { kind: 'bank_card', confidence: n >= 16 ? 'certain' : 'likely', reason: `${n} 位，发卡机构号段常见，Luhn 校验正确` };
  }
  if (n >= 9 && n <= 13) {
    const r = validateLandline(v);
    if (r.ok) return { kind: 'phone', confidence: v !== d ? 'certain' : 'likely', reason: `固定电话，区号 ${r.value.split('-')[0]}` };
  }
  return null;
}

const PASSPORT_CONTEXT = /护照|passport/i;
const PERMIT_CONTEXT = /通行证|回乡证|台胞证|permit/i;

/** Codes of letters and digits (passports, permits, credit codes, plates without CJK). */
function detectAlnum(v: string, hint: DetectHint | undefined): Detection | null {
  const n = v.length;
  if (n === 18) {
    const r = validateUscc(v, hint ?? {});
    if (r.ok) return { kind: 'uscc', confidence: 'certain', reason: '18 位统一社会信用代码，校验位正确' };
    if (r.problem === 'region') return { kind: 'uscc', confidence: 'likely', reason: `校验位正确，但${r.reason.replace(/^统一社会信用代码的/, '')}` };
    return null;
  }
  if (n < 7 || n > 11) return null;
  const first = v.charCodeAt(0);
  if (!isUpper(first)) return null;
  const label = hint?.label ?? '';
  if (PASSPORT.test(v)) return { kind: 'passport', confidence: PASSPORT_CONTEXT.test(label) ? 'certain' : 'likely', reason: '护照号码格式（E/G/P/S/D 开头）' };
  if (PERMIT.test(v)) return { kind: 'permit', confidence: PERMIT_CONTEXT.test(label) ? 'certain' : 'likely', reason: first === 67 ? '往来港澳通行证号码格式（C 开头）' : first === 76 ? '往来台湾通行证号码格式（L 开头）' : '港澳居民来往内地通行证号码格式（H/M 开头）' };
  if (first === 87 && validatePlate(v).ok) return { kind: 'plate', confidence: 'certain', reason: '武警车牌号码格式' };
  return null;
}

/**
 * What kind of personal or business identifier `value` is, with how sure and why; null when it is
 * none. Checksummed identifiers (ID number, credit code, bank card) are `certain` only when their
 * check passes; a name needs a surname, and a label or neighbouring word to be more than `possible`.
 */
export function detect(value: string, hint?: DetectHint): Detection | null {
  let v = value;
  let n = v.length;
  if (n === 0 || n > 200) return null;
  let c0 = v.charCodeAt(0);
  if (c0 <= 32 || v.charCodeAt(n - 1) <= 32 || c0 === 0x3000) {
    v = v.trim();
    n = v.length;
    if (n === 0) return null;
    c0 = v.charCodeAt(0);
  }
  // One pass: what the characters are.
  let digits = 0;
  let uppers = 0;
  let lowers = 0;
  let cjk = 0;
  let seps = 0;
  let at = -1;
  let other = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) uppers++;
    else if (c >= 97 && c <= 122) lowers++;
    else if (c >= 0x4e00 && c <= 0x9fff) cjk++;
    else if (c === 32 || c === 45 || c === 40 || c === 41 || c === 43 || c === 0x3000 || c === 0xff0d) seps++;
    else if (c === 64) at = at < 0 ? i : -2;
    else other++;
  }
  const label = hint?.label;

  if (at > 0) return at < n - 3 && validateEmail(v).ok ? { kind: 'email', confidence: 'certain', reason: '电子邮箱格式' } : null;

  if (cjk === 0) {
    const last = v.charCodeAt(n - 1);
    if (n === 18 && digits === 17 && (last === 88 || last === 120)) return detectDigits(v, v.toUpperCase(), hint);
    if (digits >= 9 && digits + seps === n) {
      const d = digits === n ? v : phoneDigits(v);
      return d === null ? null : detectDigits(v, d, hint);
    }
    if (lowers === 0 && other === 0 && seps === 0 && uppers > 0 && digits > 0) return detectAlnum(v, hint);
    // A date in a field labelled 出生日期.
    if (label && n === 10 && digits === 8 && BIRTH_CONTEXT.test(label) && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45 && realDay(digitsAt(v, 0, 4), digitsAt(v, 5, 7), digitsAt(v, 8, 10))) {
      return { kind: 'birth_date', confidence: 'likely', reason: `字段“${label}”为出生日期，值为有效日期` };
    }
    return null;
  }

  // Chinese characters: plates, names, addresses.
  if ((n === 7 || n === 8 || n === 9) && cjk <= 2 && (PLATE_PROVINCE_CODES.has(c0) || c0 === 0x4f7f || isDigit(c0) || isUpper(c0))) {
    const r = validatePlate(v);
    if (r.ok) return { kind: 'plate', confidence: PLATE_PROVINCE_CODES.has(c0) ? 'certain' : 'likely', reason: '机动车号牌格式（省份简称 + 发牌机关字母 + 号码）' };
  }
  if (cjk === n && n <= 4) {
    if (!nameShape(v)) return null;
    if (label && NAME_CONTEXT.test(label)) return { kind: 'name', confidence: 'likely', reason: `以姓氏“${v.slice(0, surnameLength(v))}”开头，字段“${label}”为人名` };
    return { kind: 'name', confidence: 'possible', reason: `以姓氏“${v.slice(0, surnameLength(v))}”开头的 ${n} 字中文` };
  }
  if (cjk + 1 === n && other === 1 && dottedName(v)) {
    return { kind: 'name', confidence: label && NAME_CONTEXT.test(label) ? 'likely' : 'possible', reason: '以间隔号分隔的姓名' };
  }
  const address = detectAddress(v, label, hint?.regions ?? PROVINCE_INDEX);
  if (address) return address;
  const named = NAME_IN_TEXT.exec(v);
  if (named && nameShape(named[1] as string)) return { kind: 'name', confidence: 'likely', reason: `文中“${named[0]}”含姓名` };
  return null;
}

/** Confidence order: `certain` > `likely` > `possible`. */
export const CONFIDENCE_RANK: Record<Confidence, number> = { certain: 3, likely: 2, possible: 1 };

/**
 * The most specific kind of `value` (the catalog's `piiKind`: id_number, uscc, mobile, phone,
 * bank_card, email, plate, passport, permit, name, address, birth_date), or null. Only `certain`
 * and `likely` detections count: a bare two-character string is not called a name without a label
 * saying so (use `detect` for the `possible` ones).
 */
export function detectKind(value: string, hint?: DetectHint): string | null {
  const d = detect(value, hint);
  return d !== null && d.confidence !== 'possible' ? d.kind : null;
}

/** The validator of a kind (the catalog's `piiKind`), or null for kinds without a format (name, address…). */
export function validatorOf(kind: string): ((v: string, opts?: ValidateOptions) => Validation) | null {
  switch (kind) {
    case 'id_number':
      return validateIdNumber;
    case 'uscc':
      return validateUscc;
    case 'mobile':
      return validateMobile;
    case 'phone':
      return validatePhone;
    case 'bank_card':
      return (v) => validateBankCard(v);
    case 'email':
      return validateEmail;
    case 'plate':
      return validatePlate;
    case 'passport':
      return validatePassport;
    case 'permit':
      return validatePermit;
    default:
      return null;
  }
}
