/**
 * The registration wizard's pure parts: form values ↔ the API body, which step holds which
 * field, where a server refusal belongs, and the data items proposed from a pasted header row.
 */
import type { CatalogEntry, CatalogEntryInput, CatalogField, CatalogFieldType } from '../../../api/types';
import { ART } from '../vocab';

/** The form's values have the API body's shape, so a server error's path names a form field. */
export type WizardValues = CatalogEntryInput;

export const STEP_KEYS = ['basics', 'fields', 'attributes', 'provision', 'review'] as const;
export type StepKey = (typeof STEP_KEYS)[number];

/** The top-level form fields of each step (validated before moving on). */
export const STEP_FIELDS: Record<StepKey, readonly (keyof WizardValues)[]> = {
  basics: ['name', 'description', 'format', 'category'],
  fields: ['fields'],
  attributes: ['shareAttr', 'shareConditions', 'noShareBasis', 'openAttr', 'openConditions', 'notOpenReason', 'openSafeguards', 'operationAttr'],
  provision: ['provisionMethods', 'updateFrequency', 'grade', 'usageConditions', 'priorityAreas', 'assessments', 'changeNote'],
  review: [],
};

export function stepOfField(field: string): number {
  const i = STEP_KEYS.findIndex((k) => (STEP_FIELDS[k] as readonly string[]).includes(field));
  return i < 0 ? 0 : i;
}

/** `fields/2/piiKind`, `fields.2.piiKind` or `/shareConditions/scope` → a form name path. */
export function namePath(path: string): (string | number)[] {
  return path
    .replace(/^[/.]+/, '')
    .split(/[/.[\]]+/)
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The field a refusal without a field path concerns, from the article it cites. */
export function fieldOfSource(source: string | undefined): (string | number)[] | null {
  if (!source) return null;
  if (source.includes(ART.shareAttr)) return ['shareAttr'];
  if (source.includes(ART.notOpen) || source.includes(ART.openList)) return ['openAttr'];
  if (source.includes(ART.operationScope) || source.includes(ART.operationList)) return ['operationAttr'];
  if (source.includes('43697')) return ['grade'];
  if (source.includes(ART.update)) return ['changeNote'];
  return null;
}

export const EMPTY_VALUES: Partial<WizardValues> = {
  format: 'table',
  fields: [],
  shareAttr: 'unconditional',
  openAttr: 'none',
  openSafeguards: [],
  operationAttr: false,
  provisionMethods: ['api'],
  updateFrequency: 'daily',
  grade: 'general',
  priorityAreas: [],
  assessments: {},
};

/** An entry version as the wizard's starting values (editing a draft or a returned version). */
export function valuesOf(e: CatalogEntry): WizardValues {
  return {
    name: e.name,
    description: e.description,
    format: e.format,
    fields: e.fields.map((f) => ({ ...f })),
    shareAttr: e.shareAttr,
    shareConditions: e.shareConditions,
    noShareBasis: e.noShareBasis,
    openAttr: e.openAttr,
    openConditions: e.openConditions
      ? { conditions: str(e.openConditions.conditions), useRequirements: str(e.openConditions.useRequirements) }
      : null,
    notOpenReason: e.notOpenReason,
    openSafeguards: e.openSafeguards,
    operationAttr: e.operationAttr,
    provisionMethods: e.provisionMethods.filter(isMethod),
    usageConditions: e.usageConditions,
    updateFrequency: e.updateFrequency as WizardValues['updateFrequency'],
    category: e.category,
    grade: e.grade,
    priorityAreas: e.priorityAreas,
    assessments: e.assessments as WizardValues['assessments'],
    changeNote: e.changeNote,
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isMethod = (m: string): m is 'api' | 'batch' | 'file' => m === 'api' || m === 'batch' || m === 'file';
const trim = (v: string | null | undefined): string => (v ?? '').trim();

/** The form's values as the API body: conditions only where the attribute asks for them, text trimmed. */
export function toInput(v: WizardValues): CatalogEntryInput {
  const fields: CatalogField[] = (v.fields ?? []).map((f) => {
    const out: CatalogField = { name: trim(f.name), label: trim(f.label), type: f.type };
    if (f.required) out.required = true;
    if (f.key) out.key = true;
    if (f.piiKind) out.piiKind = f.piiKind;
    if (f.commercialSecret) out.commercialSecret = true;
    if (f.sensitivity) out.sensitivity = f.sensitivity;
    if (f.piiKind && f.sensitivity === 'general' && trim(f.downgradeReason)) out.downgradeReason = trim(f.downgradeReason);
    return out;
  });
  const open = v.openAttr !== 'none';
  return {
    name: trim(v.name),
    description: trim(v.description),
    format: v.format,
    fields,
    shareAttr: v.shareAttr,
    shareConditions:
      v.shareAttr === 'conditional' ? { scope: trim(v.shareConditions?.scope), usage: trim(v.shareConditions?.usage) } : null,
    noShareBasis: v.shareAttr === 'none' ? trim(v.noShareBasis) : null,
    openAttr: v.openAttr,
    openConditions:
      v.openAttr === 'conditional'
        ? { conditions: trim(v.openConditions?.conditions), useRequirements: trim(v.openConditions?.useRequirements) }
        : null,
    notOpenReason: open ? null : (v.notOpenReason ?? null),
    openSafeguards: open ? (v.openSafeguards ?? []) : [],
    operationAttr: !!v.operationAttr,
    provisionMethods: v.provisionMethods ?? [],
    usageConditions: trim(v.usageConditions),
    updateFrequency: v.updateFrequency,
    category: trim(v.category),
    grade: v.grade,
    priorityAreas: open ? (v.priorityAreas ?? []) : [],
    assessments: cleanAssessments(v.assessments),
    ...(trim(v.changeNote) ? { changeNote: trim(v.changeNote) } : {}),
  };
}

/** Assessments with something recorded; an empty one is left out rather than sent blank. */
function cleanAssessments(a: WizardValues['assessments']): NonNullable<WizardValues['assessments']> {
  const out: NonNullable<WizardValues['assessments']> = {};
  for (const [k, v] of Object.entries(a ?? {})) {
    if (!v || (!v.done && !trim(v.conclusion) && !v.date && !trim(v.by))) continue;
    out[k] = {
      done: !!v.done,
      conclusion: trim(v.conclusion),
      ...(v.date ? { date: v.date } : {}),
      ...(trim(v.by) ? { by: trim(v.by) } : {}),
    };
  }
  return out;
}

/** Whether any data item holds personal information, or commercial secrets (000 第十九条). */
export function protectedItems(fields: readonly Partial<CatalogField>[] | undefined): { pii: boolean; secret: boolean } {
  const list = fields ?? [];
  return { pii: list.some((f) => !!f?.piiKind), secret: list.some((f) => !!f?.commercialSecret) };
}

/**
 * What opening such items needs (000 第十九条, as the server checks it): personal information
 * anonymised or consented to; commercial secrets desensitised or consented to. Null when met.
 */
export function safeguardProblem(items: { pii: boolean; secret: boolean }, safeguards: readonly string[] | undefined): 'pii' | 'secret' | null {
  const s = safeguards ?? [];
  const consent = s.includes('consent');
  if (items.pii && !consent && !s.includes('anonymised')) return 'pii';
  if (items.secret && !consent && !s.includes('desensitised')) return 'secret';
  return null;
}

// ── header row → proposed data items ────────────────────────────────────────────────────────

interface Guess {
  test: RegExp;
  name: string;
  type: CatalogFieldType;
  piiKind?: string;
}

/** Common column headings of the province's data and what they usually are. First match wins. */
const GUESSES: readonly Guess[] = [
  { test: /统一社会信用代码|信用代码|uscc/i, name: 'uscc', type: 'string' },
  { test: /身份证|公民身份号码|证件号码?|id_?number/i, name: 'id_number', type: 'string', piiKind: 'id_number' },
  { test: /手机|电话|联系方式|phone|mobile/i, name: 'phone', type: 'string', piiKind: 'phone' },
  { test: /邮箱|电子邮件|e-?mail/i, name: 'email', type: 'string', piiKind: 'email' },
  { test: /银行卡|银行账号|账户/, name: 'bank_account', type: 'string', piiKind: 'bank_account' },
  { test: /出生日期|生日|birth/i, name: 'birth_date', type: 'date', piiKind: 'birth_date' },
  { test: /车牌|号牌/, name: 'plate_no', type: 'string', piiKind: 'vehicle' },
  { test: /病历|诊断|病史|健康/, name: 'health', type: 'string', piiKind: 'health' },
  { test: /指纹|人脸|虹膜|生物特征/, name: 'biometric', type: 'string', piiKind: 'biometric' },
  { test: /经纬度|定位|轨迹|位置/, name: 'location', type: 'string', piiKind: 'location' },
  { test: /住址|家庭地址|户籍地址|居住地/, name: 'address', type: 'string', piiKind: 'address' },
  { test: /姓名$|^(法定代表人|联系人|申请人|投诉人|权利人|所有人|出租人|承租人)$/, name: 'person_name', type: 'string', piiKind: 'name' },
  { test: /地址|地点|坐落/, name: 'address', type: 'string' },
  { test: /性别/, name: 'gender', type: 'string' },
  { test: /名称/, name: 'name', type: 'string' },
  { test: /时间|时刻/, name: 'time', type: 'datetime' },
  { test: /日期|年月日/, name: 'date', type: 'date' },
  { test: /金额|价格|收入|资本|面积|浓度|（元）|（万元）|\(元\)/, name: 'amount', type: 'number' },
  { test: /数量|人数|人次|次数|年度|个数|户数/, name: 'count', type: 'integer' },
  { test: /是否/, name: 'flag', type: 'boolean' },
];

const NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;

/** Cells of a pasted header row: tabs (from a spreadsheet), commas, Chinese commas or several spaces. */
export function splitHeader(text: string): string[] {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const sep = line.includes('\t') ? /\t/ : /[,，、;；|]|\s{2,}/;
  return line
    .split(sep)
    .map((c) => c.trim().replace(/^["']|["']$/g, ''))
    .filter((c) => c !== '');
}

/**
 * Data items proposed from a header row: a Chinese heading becomes the label and a guessed
 * column name, type and personal-information kind; an English heading is taken as the name.
 * `taken` holds names already used so proposals never collide.
 */
export function proposeFields(text: string, taken: readonly string[] = []): CatalogField[] {
  const used = new Set(taken);
  const out: CatalogField[] = [];
  for (const cell of splitHeader(text)) {
    const ascii = cell.toLowerCase().replace(/[\s-]+/g, '_');
    const guess = GUESSES.find((g) => g.test.test(cell));
    let name = NAME_RE.test(ascii) ? ascii : (guess?.name ?? `field_${out.length + 1}`);
    if (used.has(name)) {
      let n = 2;
      while (used.has(`${name}_${n}`)) n++;
      name = `${name}_${n}`;
    }
    used.add(name);
    const field: CatalogField = { name, label: cell, type: guess?.type ?? 'string' };
    if (guess?.piiKind) {
      field.piiKind = guess.piiKind;
      field.sensitivity = 'important';
    }
    out.push(field);
  }
  return out;
}

export const FIELD_NAME_RE = NAME_RE;

// ── the legal basis of not sharing (000 第十二、十三条), checked as the user types ─────────────
// The same wording test as the server (src/modules/catalog/rules.ts `legalBasisProblem`): the
// browser says at once what the server would refuse; the authority's review judges the rest.

const PROVINCE_PREFIX =
  /^(北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾)/;
const LOCAL_TITLE = /^[\u4e00-\u9fff]{2,7}?(省|市|自治区|自治州|自治县|县)|经济特区|新区/;

/** Whether a title in 《》 names a law, an administrative regulation or a State Council decision. */
export function isNationalInstrument(title: string): boolean {
  const t = title.trim();
  if (/^全国人民代表大会(常务委员会)?关于.+的决定$/.test(t)) return true;
  if (/^国务院关于.+(决定|规定)$/.test(t)) return true;
  if (/法典$/.test(t) || (/法$/.test(t) && !/办法$/.test(t))) return true;
  return /条例$/.test(t) && !PROVINCE_PREFIX.test(t) && !LOCAL_TITLE.test(t);
}

export type BasisProblem = { kind: 'blank' } | { kind: 'local'; titles: string[] } | { kind: 'untitled' };

/** Null when the text names a basis 000 第十三条 accepts, else what is wrong with it. */
export function legalBasisProblem(text: string | null | undefined): BasisProblem | null {
  if (!text || text.trim() === '') return { kind: 'blank' };
  const titles = [...text.matchAll(/《([^》]+)》/g)].map((m) => m[1] ?? '');
  if (titles.some(isNationalInstrument)) return null;
  if (/国务院[^，。；;]*决定/.test(text)) return null;
  if (titles.length > 0) return { kind: 'local', titles };
  return { kind: 'untitled' };
}
