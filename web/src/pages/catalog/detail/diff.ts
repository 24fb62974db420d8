/**
 * The difference between two versions of an entry, field by field: which attributes changed and
 * which data items were added, removed or changed (and in what). Pure, for the version history.
 */
import type { CatalogEntry, CatalogField } from '../../../api/types';

export const DIFF_ATTRIBUTES = [
  'name',
  'description',
  'format',
  'category',
  'grade',
  'shareAttr',
  'shareConditions',
  'noShareBasis',
  'openAttr',
  'openConditions',
  'notOpenReason',
  'openSafeguards',
  'priorityAreas',
  'operationAttr',
  'provisionMethods',
  'updateFrequency',
  'usageConditions',
  'assessments',
  'changeNote',
] as const satisfies readonly (keyof CatalogEntry)[];
export type DiffAttribute = (typeof DIFF_ATTRIBUTES)[number];

export const ITEM_PROPS = ['label', 'type', 'required', 'key', 'piiKind', 'commercialSecret', 'sensitivity', 'downgradeReason'] as const satisfies readonly (keyof CatalogField)[];
export type ItemProp = (typeof ITEM_PROPS)[number];

export interface AttributeChange {
  attribute: DiffAttribute;
  before: unknown;
  after: unknown;
}

export interface ItemChange {
  name: string;
  label: string;
  kind: 'added' | 'removed' | 'changed';
  /** For `changed`: each property that differs. */
  changes: { prop: ItemProp; before: unknown; after: unknown }[];
}

export interface EntryDiff {
  attributes: AttributeChange[];
  items: ItemChange[];
}

/** Values compared as data: key order, `undefined` vs absent, `null` vs empty do not count. */
function canonical(v: unknown): unknown {
  if (v === undefined || v === null || v === '' || v === false) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.map(canonical);
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, canonical(x)] as const)
      .filter(([, x]) => x !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length === 0 ? null : Object.fromEntries(entries);
  }
  return v;
}

export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Arrays whose order carries no meaning compare as sets. */
const UNORDERED: ReadonlySet<DiffAttribute> = new Set(['openSafeguards', 'priorityAreas', 'provisionMethods']);
const sorted = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : v);

/** What changed from `before` to `after` (data items matched by their column name). */
export function diffEntries(before: CatalogEntry, after: CatalogEntry): EntryDiff {
  const attributes: AttributeChange[] = [];
  for (const attribute of DIFF_ATTRIBUTES) {
    const a = UNORDERED.has(attribute) ? sorted(before[attribute]) : before[attribute];
    const b = UNORDERED.has(attribute) ? sorted(after[attribute]) : after[attribute];
    if (!sameValue(a, b)) attributes.push({ attribute, before: before[attribute], after: after[attribute] });
  }

  const items: ItemChange[] = [];
  const old = new Map(before.fields.map((f) => [f.name, f]));
  const now = new Map(after.fields.map((f) => [f.name, f]));
  for (const f of after.fields) {
    const o = old.get(f.name);
    if (!o) {
      items.push({ name: f.name, label: f.label, kind: 'added', changes: [] });
      continue;
    }
    const changes = ITEM_PROPS.filter((p) => !sameValue(o[p], f[p])).map((prop) => ({ prop, before: o[prop], after: f[prop] }));
    if (changes.length) items.push({ name: f.name, label: f.label, kind: 'changed', changes });
  }
  for (const f of before.fields) {
    if (!now.has(f.name)) items.push({ name: f.name, label: f.label, kind: 'removed', changes: [] });
  }
  return { attributes, items };
}
