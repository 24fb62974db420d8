/**
 * Masking strategies (脱敏方式; 002 第十一条; GB/T 37964-2019 个人信息去标识化指南): how a field of
 * personal information a grant does not release in clear leaves the platform, chosen per field and
 * per grant by the provider —
 *
 * - `partial:<head>:<tail>` 部分遮盖: the first `head` and last `tail` characters kept, `*` for the rest;
 * - `pseudonym:grant` 假名化（本授权）: a keyed SM3 pseudonym under a key of the grant alone, so two
 *   grants cannot join their rows; `pseudonym:platform` 假名化（全平台）: under one key shared by every
 *   grant, so the same person has the same pseudonym in every dataset (joins across datasets);
 * - `generalise:<how>` 泛化: date → month or year, number → band, region code → city or province,
 *   ID number → year of birth or region prefix (the generalisations of anonymity.ts);
 * - `truncate:<n>` 截断: the first n characters;
 * - `suppress` 不提供: `*` for every value (null stays null); `suppress:null`: null for every value.
 *
 * A masked field without a chosen strategy takes its kind's default (`defaultStrategy`): the
 * partial mask delivery has always applied. Pure: the keys come in from the caller.
 */
import {
  generalisationApplies,
  generalisationSpec,
  generalise,
  parseGeneralisation,
  pseudonym,
  sm3Hmac,
  SUPPRESSED,
  truncate,
  type Generalisation,
  type Keyed,
  type ValueType,
} from './anonymity.js';

/** The generalisations a masking strategy may name (truncation and suppression are strategies of their own). */
export type MaskGeneralisation = Exclude<Generalisation, { kind: 'truncate' } | { kind: 'suppress' }>;

export type PseudonymScope = 'grant' | 'platform';

export type MaskStrategy =
  | { kind: 'partial'; head: number; tail: number }
  | { kind: 'pseudonym'; scope: PseudonymScope }
  | { kind: 'generalise'; how: MaskGeneralisation }
  | { kind: 'truncate'; length: number }
  | { kind: 'suppress'; to: '*' | null };

export type MaskKind = MaskStrategy['kind'];

/** What a masked value may be: a text, or null. Values come in as delivered (`outValue`). */
export type Masker = (v: string | number | boolean | null) => string | null;

export const STRATEGY_LABELS: Record<MaskKind, string> = {
  partial: '部分遮盖',
  pseudonym: '假名化',
  generalise: '泛化',
  truncate: '截断',
  suppress: '不提供',
};

/** The most characters a partial mask or a truncation keeps. */
export const MAX_KEEP = 64;

// ── Defaults ──

/** How many characters the default partial mask keeps at each end, by kind of personal information. */
export const MASK_KEEP: Readonly<Record<string, { head: number; tail: number }>> = {
  id_number: { head: 6, tail: 4 },
  mobile: { head: 3, tail: 4 },
  phone: { head: 3, tail: 4 },
  name: { head: 1, tail: 0 },
};
/** Any other kind keeps its first and last character. */
export const DEFAULT_KEEP = { head: 1, tail: 1 } as const;

/** The strategy of a masked field the grant chose none for: the partial mask of its kind. */
export function defaultStrategy(piiKind: string): MaskStrategy {
  const { head, tail } = MASK_KEEP[piiKind] ?? DEFAULT_KEEP;
  return { kind: 'partial', head, tail };
}

// ── Spec text ──

type Parsed = { ok: true; value: MaskStrategy } | { ok: false; reason: string };

const HELP = '可用：partial:<前留位数>:<后留位数>、pseudonym:grant、pseudonym:platform、generalise:<方式>、truncate:<位数>、suppress、suppress:null';

const count = (s: string | undefined, min: number, max: number): number | null => (s !== undefined && /^\d{1,3}$/.test(s) && Number(s) >= min && Number(s) <= max ? Number(s) : null);

/** A strategy from its spec text (`partial:3:4`, `pseudonym:grant`, `generalise:month`, `truncate:4`, `suppress`), or why the text is not one. */
export function parseStrategy(spec: string): Parsed {
  const text = spec.trim();
  const bad = (reason: string): Parsed => ({ ok: false, reason });
  const [head, ...args] = text.split(':');
  switch (head) {
    case 'partial': {
      const keepHead = count(args[0], 0, MAX_KEEP);
      const keepTail = count(args[1], 0, MAX_KEEP);
      if (args.length !== 2 || keepHead === null || keepTail === null) return bad(`部分遮盖应写作 partial:<前留位数>:<后留位数>，位数为 0 至 ${MAX_KEEP}，如 partial:3:4`);
      return { ok: true, value: { kind: 'partial', head: keepHead, tail: keepTail } };
    }
    case 'pseudonym':
      if (args.length === 1 && (args[0] === 'grant' || args[0] === 'platform')) return { ok: true, value: { kind: 'pseudonym', scope: args[0] } };
      return bad('假名化应写作 pseudonym:grant（本授权专用密钥）或 pseudonym:platform（全平台共用密钥，可跨数据集关联）');
    case 'generalise': {
      const how = args.join(':');
      const g = parseGeneralisation(how);
      if (!g.ok) return bad(g.reason);
      if (g.value.kind === 'truncate') return bad(`截断请写作 truncate:${g.value.length}`);
      if (g.value.kind === 'suppress') return bad('不提供请写作 suppress');
      return { ok: true, value: { kind: 'generalise', how: g.value } };
    }
    case 'truncate': {
      const length = count(args[0], 1, MAX_KEEP);
      if (args.length !== 1 || length === null) return bad(`截断应写作 truncate:<保留字符数>，字符数为 1 至 ${MAX_KEEP}，如 truncate:4`);
      return { ok: true, value: { kind: 'truncate', length } };
    }
    case 'suppress':
      if (args.length === 0) return { ok: true, value: { kind: 'suppress', to: SUPPRESSED } };
      if (args.length === 1 && args[0] === 'null') return { ok: true, value: { kind: 'suppress', to: null } };
      return bad('不提供应写作 suppress（以 * 代替）或 suppress:null（以空值代替）');
    default:
      return bad(`不认识的脱敏方式“${text}”（${HELP}）`);
  }
}

/** The spec text of a strategy (the inverse of `parseStrategy`). */
export function strategySpec(s: MaskStrategy): string {
  switch (s.kind) {
    case 'partial':
      return `partial:${s.head}:${s.tail}`;
    case 'pseudonym':
      return `pseudonym:${s.scope}`;
    case 'generalise':
      return `generalise:${generalisationSpec(s.how)}`;
    case 'truncate':
      return `truncate:${s.length}`;
    case 'suppress':
      return s.to === null ? 'suppress:null' : 'suppress';
  }
}

/** A short Chinese description of a strategy, for pages and notices. */
export function strategyLabel(s: MaskStrategy): string {
  switch (s.kind) {
    case 'partial':
      return `部分遮盖（保留前 ${s.head} 位、后 ${s.tail} 位）`;
    case 'pseudonym':
      return s.scope === 'grant' ? '假名化（本授权）' : '假名化（全平台，可跨数据集关联）';
    case 'generalise':
      return `泛化（${GENERALISE_LABELS[s.how.kind]}${s.how.kind === 'band' ? ` ${s.how.width}` : s.how.kind === 'id_region' ? ` ${s.how.digits} 位` : ''}）`;
    case 'truncate':
      return `截断（保留前 ${s.length} 位）`;
    case 'suppress':
      return s.to === null ? '不提供（空值）' : '不提供（*）';
  }
}

const GENERALISE_LABELS: Record<MaskGeneralisation['kind'], string> = {
  month: '日期到月',
  year: '日期到年',
  band: '数值分段，宽度',
  city: '区划到市',
  province: '区划到省',
  birth_year: '证件号码取出生年份',
  id_region: '证件号码取地区前缀',
};

// ── Validation against the field ──

const TYPE_LABELS: Record<ValueType, string> = { string: '文本', integer: '整数', number: '数值', boolean: '布尔', date: '日期', datetime: '日期时间' };

/**
 * Why a strategy does not fit a field of `type`, or null when it does: a generalisation only on
 * the types it reads (month/year on dates, a band on numbers, city/province and the ID number ones
 * on text); no pseudonym or truncation of a yes/no value (two values: nothing left to hide).
 */
export function strategyProblem(s: MaskStrategy, type: ValueType, field: string): string | null {
  switch (s.kind) {
    case 'generalise':
      return generalisationApplies(s.how, type) ? null : `${field} 为${TYPE_LABELS[type]}类型，不能使用泛化方式 ${generalisationSpec(s.how)}`;
    case 'pseudonym':
    case 'truncate':
      return type === 'boolean' ? `${field} 为布尔类型，不能使用${s.kind === 'pseudonym' ? '假名化' : '截断'}` : null;
    case 'partial':
    case 'suppress':
      return null;
  }
}

/**
 * The strategies of a grant as stored (`{ field: spec }`), parsed; a spec that no longer parses
 * or fits its field (the catalog changed the field's type since) fails closed to `suppress`.
 */
export function readStrategies(stored: Readonly<Record<string, unknown>> | null | undefined, types: ReadonlyMap<string, ValueType>): Map<string, MaskStrategy> {
  const out = new Map<string, MaskStrategy>();
  if (!stored || typeof stored !== 'object') return out;
  for (const [field, spec] of Object.entries(stored)) {
    const p = typeof spec === 'string' ? parseStrategy(spec) : null;
    const type = types.get(field);
    out.set(field, p?.ok && type && !strategyProblem(p.value, type, field) ? p.value : { kind: 'suppress', to: SUPPRESSED });
  }
  return out;
}

// ── Applying ──

/** The keys pseudonyms are made under: one per grant, one for the whole platform. */
export interface PseudonymKeys {
  grant: Keyed;
  platform: Keyed;
}

/**
 * The pseudonym keys of a grant, derived from the platform's secret (`secret`, e.g. the kernel's
 * HMAC-SM3 `crypto.hmac`): the grant's key from the secret and the grant id, the platform key from
 * the secret alone. Nobody without the platform secret can compute either.
 */
export function pseudonymKeys(secret: (data: string) => string, grantId: string): PseudonymKeys {
  let grant: Keyed | null = null;
  let platform: Keyed | null = null;
  // Derived on first use: most grants pseudonymise nothing.
  return {
    grant: (d) => (grant ??= sm3Hmac(secret(`gongshu.mask.pseudonym.grant:${grantId}`)))(d),
    platform: (d) => (platform ??= sm3Hmac(secret('gongshu.mask.pseudonym.platform')))(d),
  };
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A partial mask: the first `head` and last `tail` characters (code points) kept, one `*` per
 * character between. A value too short to keep both ends keeps at most its first character (one
 * character: `*`). Null stays null; other types are masked as their text.
 */
export function partialMask(v: unknown, head: number, tail: number): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  // By characters (code points): a text with surrogate pairs is split into them, the rare case.
  if (SURROGATE.test(s)) return maskChars(Array.from(s), head, tail);
  const n = s.length;
  if (n === 0) return '';
  if (n <= head + tail) return n === 1 ? '*' : `${s[0]}${'*'.repeat(n - 1)}`;
  return `${s.slice(0, head)}${'*'.repeat(n - head - tail)}${s.slice(n - tail)}`;
}

function maskChars(chars: string[], head: number, tail: number): string {
  const n = chars.length;
  if (n === 0) return '';
  if (n <= head + tail) return n === 1 ? '*' : `${chars[0]}${'*'.repeat(n - 1)}`;
  return `${chars.slice(0, head).join('')}${'*'.repeat(n - head - tail)}${chars.slice(n - tail).join('')}`;
}

/**
 * The function that masks one value under a strategy, made once per column so that masking a
 * value is one call. `keys` is needed for pseudonyms only.
 */
export function masker(s: MaskStrategy, keys?: PseudonymKeys): Masker {
  switch (s.kind) {
    case 'partial': {
      const { head, tail } = s;
      return (v) => partialMask(v, head, tail);
    }
    case 'pseudonym': {
      if (!keys) throw new Error('pseudonym without keys');
      const keyed = keys[s.scope];
      return (v) => pseudonym(keyed, v);
    }
    case 'generalise': {
      const how = s.how;
      return (v) => generalise(how, v);
    }
    case 'truncate': {
      const { length } = s;
      return (v) => (v === null ? null : truncate(v, length));
    }
    case 'suppress': {
      const to = s.to;
      return to === null ? () => null : (v) => (v === null ? null : to);
    }
  }
}

/** A value masked under a strategy (one call; for many values make the `masker` once). */
export const maskWith = (s: MaskStrategy, v: string | number | boolean | null, keys?: PseudonymKeys): string | null => masker(s, keys)(v);
