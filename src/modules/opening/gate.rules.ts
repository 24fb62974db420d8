/**
 * The gate of opening (000 第十九条; REQUIREMENTS OPN-03/04), as pure rules: which entries need it,
 * what a provider's plan may declare for each field, what the public then sees of each column, and
 * the quasi-identifiers whose classes the check counts.
 *
 * Personal information may be opened once anonymised (第十九条第三款第一项): direct identifiers
 * removed or pseudonymised, the quasi-identifiers generalised until every combination is shared
 * by at least k rows; commercial secrets once desensitised (第二项); either of them once the
 * subjects consent (第三项).
 */
import type { CatalogField } from '../catalog/tables.js';
import {
  DIRECT_IDENTIFIER_LABELS,
  generalisationApplies,
  generalisationSpec,
  GENERALISATION_LABELS,
  isDirectIdentifier,
  parseGeneralisation,
  type Generalisation,
} from '../privacy/anonymity.js';
import type { GatePlan, GateProblem } from './gate.tables.js';

export const ART_GATE = '000 第十九条';

export type GateField = Pick<CatalogField, 'name' | 'label' | 'type' | 'piiKind' | 'commercialSecret' | 'key'>;

export type Treatment = { kind: 'keep' } | { kind: 'drop' } | { kind: 'pseudonymise' } | { kind: 'generalise'; how: Generalisation };

export const KEEP: Treatment = { kind: 'keep' };

/** A treatment from its text: `keep`, `drop`, `pseudonymise`, `generalise:<how>`. */
export function parseTreatment(text: string): { ok: true; value: Treatment } | { ok: false; reason: string } {
  const t = text.trim();
  if (t === 'keep' || t === 'drop' || t === 'pseudonymise') return { ok: true, value: { kind: t } };
  if (t.startsWith('generalise:')) {
    const g = parseGeneralisation(t.slice('generalise:'.length));
    return g.ok ? { ok: true, value: { kind: 'generalise', how: g.value } } : g;
  }
  return { ok: false, reason: `不认识的处理方式“${text}”（可用：keep 保留、drop 删除、pseudonymise 假名化、generalise:<方式> 泛化）` };
}

export const treatmentText = (t: Treatment): string => (t.kind === 'generalise' ? `generalise:${generalisationSpec(t.how)}` : t.kind);

export function treatmentLabel(t: Treatment): string {
  switch (t.kind) {
    case 'keep':
      return '保留';
    case 'drop':
      return '删除';
    case 'pseudonymise':
      return '假名化';
    case 'generalise':
      return `泛化（${GENERALISATION_LABELS[t.how.kind]}${t.how.kind === 'band' ? ` ${t.how.width}` : t.how.kind === 'truncate' ? ` ${t.how.length} 位` : t.how.kind === 'id_region' ? ` ${t.how.digits} 位` : ''}）`;
  }
}

const hasPii = (f: GateField) => !!f.piiKind?.trim();

/** The fields of a version's table, with what the published version says of personal information and commercial secrets. */
export function mergedFields(table: readonly CatalogField[], published: readonly CatalogField[] | null): GateField[] {
  const pub = new Map((published ?? []).map((f) => [f.name, f]));
  return table.map((f) => {
    const p = pub.get(f.name);
    return {
      name: f.name,
      label: p?.label ?? f.label,
      type: f.type,
      key: f.key ?? false,
      piiKind: f.piiKind?.trim() || p?.piiKind?.trim() || null,
      commercialSecret: f.commercialSecret === true || p?.commercialSecret === true,
    };
  });
}

/** An entry needs the gate when any of its fields holds personal information or a commercial secret. */
export const needsGate = (fields: readonly GateField[]): boolean => fields.some((f) => hasPii(f) || f.commercialSecret === true);

/** A field's treatment under a plan (undeclared: kept), or null when its text is not a treatment. */
export function treatmentOf(plan: Pick<GatePlan, 'treatments'> | null, field: string): Treatment | null {
  const text = plan?.treatments[field];
  if (text === undefined) return KEEP;
  const t = parseTreatment(text);
  return t.ok ? t.value : null;
}

/** Treatments that take a direct identifier out of the data: removal, a pseudonym, suppression, or (ID numbers) their year of birth or region prefix. */
function removesIdentity(f: GateField, t: Treatment): boolean {
  if (t.kind === 'drop' || t.kind === 'pseudonymise') return true;
  if (t.kind !== 'generalise') return false;
  if (t.how.kind === 'suppress') return true;
  return f.piiKind?.trim() === 'id_number' && (t.how.kind === 'birth_year' || t.how.kind === 'id_region');
}

/** What is wrong with a plan for these fields: its errors, then its compliance problems. */
export function planProblems(fields: readonly GateField[], plan: GatePlan): GateProblem[] {
  return [...planErrors(fields, plan), ...complianceProblems(fields, plan)];
}

/** What makes a plan unreadable for these fields: unknown names, treatments it cannot read or apply, an incomplete consent. */
export function planErrors(fields: readonly GateField[], plan: GatePlan): GateProblem[] {
  const out: GateProblem[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const [name, text] of Object.entries(plan.treatments)) {
    const f = byName.get(name);
    if (!f) {
      out.push({ field: name, message: '数据目录中没有该数据项' });
      continue;
    }
    const t = parseTreatment(text);
    if (!t.ok) out.push({ field: name, message: t.reason });
    else if (t.value.kind === 'generalise' && !generalisationApplies(t.value.how, f.type)) {
      out.push({ field: name, message: `${GENERALISATION_LABELS[t.value.how.kind]}不适用于${TYPE_LABELS[f.type]}类型的数据项` });
    }
  }
  for (const q of plan.quasiIdentifiers) if (!byName.has(q)) out.push({ field: q, message: '准标识符不是数据目录中的数据项' });
  if (plan.sensitive !== null) {
    if (!byName.has(plan.sensitive)) out.push({ field: plan.sensitive, message: '敏感属性不是数据目录中的数据项' });
    else if (plan.quasiIdentifiers.includes(plan.sensitive)) out.push({ field: plan.sensitive, message: '敏感属性不能同时是准标识符' });
    else if (treatmentOf(plan, plan.sensitive)?.kind === 'drop') out.push({ field: plan.sensitive, message: '敏感属性已删除，无法计算 l 多样性' });
  }
  if (plan.minL !== null && plan.sensitive === null) out.push({ field: 'minL', message: '要求 l 多样性时须指定敏感属性' });
  return [...out, ...consentProblems(plan)];
}

/**
 * What keeps a readable plan from anonymising — unless the subjects' consent is recorded: personal
 * information left undeclared, direct identifiers kept, commercial secrets not desensitised.
 */
export function complianceProblems(fields: readonly GateField[], plan: GatePlan): GateProblem[] {
  const out: GateProblem[] = [];
  if (plan.consent) return out;
  for (const f of fields) {
    const declared = plan.treatments[f.name];
    const t = treatmentOf(plan, f.name);
    if (!t) continue;
    if (hasPii(f) && declared === undefined) {
      out.push({ field: f.name, message: '含个人信息的数据项须声明处理方式（删除、假名化、泛化或保留）' });
      continue;
    }
    if (isDirectIdentifier(f.piiKind) && !removesIdentity(f, t)) {
      const kind = DIRECT_IDENTIFIER_LABELS[f.piiKind?.trim() ?? ''] ?? '直接标识符';
      out.push({ field: f.name, message: `${kind}是直接标识符，须删除或假名化后方可开放` });
    }
    if (f.commercialSecret === true && t.kind === 'keep') out.push({ field: f.name, message: '涉及商业秘密的数据项须经脱敏、脱密处理（不能保留原值）' });
  }
  return out;
}

const TYPE_LABELS: Record<GateField['type'], string> = { string: '文本', integer: '整数', number: '数值', boolean: '布尔', date: '日期', datetime: '日期时间' };

/**
 * The quasi-identifiers whose classes are counted: those the plan declares, and every other field
 * of personal information left in the data (kept or generalised) other than a direct identifier
 * — a personal attribute the plan forgot is still one. A dropped field is not in the data.
 */
export function effectiveQuasiIdentifiers(fields: readonly GateField[], plan: GatePlan): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const t = treatmentOf(plan, f.name);
    if (!t || t.kind === 'drop' || f.name === plan.sensitive) continue;
    const declared = plan.quasiIdentifiers.includes(f.name);
    const auto = hasPii(f) && !isDirectIdentifier(f.piiKind) && (t.kind === 'keep' || t.kind === 'generalise');
    if (declared || auto) out.push(f.name);
  }
  return out;
}

/** One column the public reads: after its treatment (a generalised or pseudonymised value is text). */
export interface TreatedColumn {
  name: string;
  label: string;
  /** The type of the data table's column. */
  sourceType: GateField['type'];
  /** The type of the value delivered. */
  type: GateField['type'];
  treatment: Treatment;
}

/** The columns the public reads under a plan, in field order: dropped ones left out. */
export function treatedColumns(fields: readonly GateField[], plan: Pick<GatePlan, 'treatments'> | null): TreatedColumn[] {
  const out: TreatedColumn[] = [];
  for (const f of fields) {
    const t = treatmentOf(plan, f.name);
    if (!t || t.kind === 'drop') continue;
    out.push({ name: f.name, label: f.label, sourceType: f.type, type: t.kind === 'keep' ? f.type : 'string', treatment: t });
  }
  return out;
}

/** The plan as the provider writes it, normalised (trimmed, de-duplicated, blank consent as none). */
export function normalisePlan(input: { treatments?: Record<string, string>; quasiIdentifiers?: string[]; sensitive?: string | null; minL?: number | null; consent?: { reference?: string; attachment?: string; scope?: string | null } | null }): GatePlan {
  const treatments: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.treatments ?? {})) treatments[k.trim()] = v.trim();
  const c = input.consent;
  const consent = c && (c.reference?.trim() || c.attachment?.trim()) ? { reference: c.reference?.trim() ?? '', attachment: c.attachment?.trim() ?? '', scope: c.scope?.trim() || null } : null;
  return {
    treatments,
    quasiIdentifiers: [...new Set((input.quasiIdentifiers ?? []).map((q) => q.trim()).filter(Boolean))],
    sensitive: input.sensitive?.trim() || null,
    minL: input.minL ?? null,
    consent,
  };
}

/** Problems of a consent record: both its reference and what is attached are needed. */
export function consentProblems(plan: GatePlan): GateProblem[] {
  if (!plan.consent) return [];
  const out: GateProblem[] = [];
  if (!plan.consent.reference) out.push({ field: 'consent.reference', message: '须填写授权同意的凭证编号' });
  if (!plan.consent.attachment) out.push({ field: 'consent.attachment', message: '须说明授权同意的证明材料' });
  return out;
}
