/**
 * Reflow (数据回流, 000 第九条): data an upper-level institution collects through a vertical system
 * flows back to the lower-level institutions by territory (属地原则). Pure rules, no I/O: which
 * fields carry the territory, the row filter of a region code, and who may subscribe whom.
 */
import type { CatalogField } from '../catalog/tables.js';

export const ART_REFLOW = '000 第九条';

/** How a field carries the territory of a row. */
export type RegionCarrier = 'region_code' | 'id_number' | 'uscc';
export const REGION_CARRIERS: readonly RegionCarrier[] = ['region_code', 'id_number', 'uscc'];

export const CARRIER_LABELS: Record<RegionCarrier, string> = {
  region_code: '行政区划代码',
  id_number: '公民身份号码（前 6 位为户籍地区划）',
  uscc: '统一社会信用代码（第 3–8 位为登记管理机关区划）',
};

/**
 * Where the six-digit region part of a carrier's value starts (1-based, as SQL `substr` counts):
 * a region code is the region; a resident ID number's first 6 digits (GB 11643); a credit code's
 * characters 3–8 (GB 32100).
 */
export const REGION_PART_START: Record<RegionCarrier, number> = { region_code: 1, id_number: 1, uscc: 3 };

/** The carrier a field is by its kind of personal information, or null when it carries no region. */
export function carrierOf(field: Pick<CatalogField, 'type' | 'piiKind'>): RegionCarrier | null {
  const kind = field.piiKind?.trim() || null;
  if (kind === 'region' || kind === 'region_code') return field.type === 'string' || field.type === 'integer' ? 'region_code' : null;
  if (kind === 'id_number') return field.type === 'string' ? 'id_number' : null;
  if (kind === 'uscc') return field.type === 'string' ? 'uscc' : null;
  return null;
}

/** The fields of an entry that can carry the territory, with their carrier. */
export function regionCarrierFields(fields: readonly CatalogField[]): Array<{ field: CatalogField; carrier: RegionCarrier }> {
  const out: Array<{ field: CatalogField; carrier: RegionCarrier }> = [];
  for (const field of fields) {
    const carrier = carrierOf(field);
    if (carrier) out.push({ field, carrier });
  }
  return out;
}

const REGION_CODE = /^[1-9]\d{5}$/;

/**
 * The significant prefix of a GB/T 2260 code: a province's first 2 digits (460000 → '46'), a
 * prefecture's first 4 (460100 → '4601'), a county's all 6 (460105 → '460105'; 469001 → '469001').
 */
export function regionPrefix(code: string): string {
  if (!REGION_CODE.test(code)) throw new Error(`not a region code: ${code}`);
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** The six-digit region part of a carrier's value, or null when the value is missing or too short. */
export function regionPart(carrier: RegionCarrier, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  const start = REGION_PART_START[carrier] - 1;
  const part = text.slice(start, start + 6);
  return /^\d{6}$/.test(part) ? part : null;
}

/** The row filter of a reflow: the region part of the value starts with the code's significant prefix. */
export function rowInRegion(carrier: RegionCarrier, value: unknown, regionCode: string): boolean {
  const part = regionPart(carrier, value);
  return part !== null && part.startsWith(regionPrefix(regionCode));
}

/**
 * The same filter as SQL pieces: `substr(<column>::text, start, length) = prefix`. The service
 * quotes the column; `rowInRegion` is its reference meaning.
 */
export function regionFilter(carrier: RegionCarrier, regionCode: string): { start: number; length: number; prefix: string } {
  const prefix = regionPrefix(regionCode);
  return { start: REGION_PART_START[carrier], length: prefix.length, prefix };
}

/** A region's chain of ancestors, nearest first, from the regions table's parent codes. */
export function ancestorsOf(code: string, parentOf: ReadonlyMap<string, string | null>): string[] {
  const out: string[] = [];
  const seen = new Set<string>([code]);
  let p = parentOf.get(code) ?? null;
  while (p && !seen.has(p)) {
    out.push(p);
    seen.add(p);
    p = parentOf.get(p) ?? null;
  }
  return out;
}

/** How `code` stands to `upper` in the region tree. */
export type RegionRelation = 'below' | 'same' | 'above' | 'elsewhere';

export function regionRelation(code: string, upper: string, parentOf: ReadonlyMap<string, string | null>): RegionRelation {
  if (code === upper) return 'same';
  if (ancestorsOf(code, parentOf).includes(upper)) return 'below';
  if (ancestorsOf(upper, parentOf).includes(code)) return 'above';
  return 'elsewhere';
}

export type SubscriptionCheck = { ok: true } | { ok: false; code: 'not_below' | 'other_branch' | 'beyond_subscriber'; message: string };

/**
 * The territorial rule of a reflow subscription (000 第九条 属地原则): the subscriber is a lower-level
 * institution — its region strictly below the provider's — and the region delivered lies within the
 * subscriber's own region (by default it is that region).
 */
export function checkTerritory(
  input: { providerRegion: string; subscriberRegion: string; regionCode: string },
  parentOf: ReadonlyMap<string, string | null>,
  names: ReadonlyMap<string, string> = new Map(),
): SubscriptionCheck {
  const name = (c: string) => (names.get(c) ? `${names.get(c) ?? ''}（${c}）` : c);
  const rel = regionRelation(input.subscriberRegion, input.providerRegion, parentOf);
  if (rel === 'same' || rel === 'above') {
    return {
      ok: false,
      code: 'not_below',
      message: `回流只向下级机构：订阅单位的区划 ${name(input.subscriberRegion)} 不低于提供单位的区划 ${name(input.providerRegion)}`,
    };
  }
  if (rel === 'elsewhere') {
    return {
      ok: false,
      code: 'other_branch',
      message: `订阅单位的区划 ${name(input.subscriberRegion)} 不在提供单位的区划 ${name(input.providerRegion)} 之内，不属于其下级`,
    };
  }
  const r = regionRelation(input.regionCode, input.subscriberRegion, parentOf);
  if (r !== 'same' && r !== 'below') {
    return {
      ok: false,
      code: 'beyond_subscriber',
      message: `回流的区划 ${name(input.regionCode)} 超出订阅单位的辖区 ${name(input.subscriberRegion)}：按属地原则只回流本辖区的数据`,
    };
  }
  return { ok: true };
}
