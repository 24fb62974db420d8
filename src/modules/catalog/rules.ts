/**
 * Catalog rules: what an entry must state (000 第六条), what each share and open attribute
 * requires (000 第十三、十九条), what core data may never be (GB/T 43697; 000 第十九、二十七条),
 * who may do what to an entry, and the version lifecycle. Pure: no I/O.
 */
import { AppError } from '../../kernel/errors.js';
import { hasOrgRole, hasUserRole, type AuthContext, type OrgRole } from '../../kernel/auth.js';
import { defineWorkflow } from '../../kernel/workflow.js';
import type { JurisdictionProfile } from '../../jurisdictions/profile.js';
import type { CatalogField, Grade, VersionStatus } from './tables.js';
import {
  ART,
  ASSESSMENTS,
  ATTRS,
  FIELD_TYPES,
  FORMATS,
  GRADES,
  NOT_OPEN_REASONS,
  OPEN_SAFEGUARDS,
  PRIORITY_AREAS,
  PROVISION_METHODS,
  UPDATE_FREQUENCIES,
  type EntryInput,
  VERSION_STATUS_LABELS,
} from './model.js';

/** One broken rule: the field it concerns (JSON path), a Chinese message naming it, the article. */
export interface Violation {
  field: string;
  message: string;
  source: string;
}

/**
 * A data item's name becomes a column of the entry's dataset table (ARCHITECTURE "Data plane"),
 * so it is a lower-case identifier that PostgreSQL takes without quoting trouble.
 */
export const FIELD_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;

const GRADE_RANK: Record<Grade, number> = { general: 0, important: 1, core: 2 };

/** Open-attribute grounds that no safeguard cures (000 第十九条第一、二、四、五项). */
const ABSOLUTE_NOT_OPEN = ['state_secret', 'security', 'law', 'other'] as const;

const blank = (s: string | null | undefined) => !s || s.trim() === '';
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

// ── Legal basis of `none` sharing (000 第十二、十三条) ──

/** Province-level names: a 条例 titled after one is a local regulation (地方性法规), not an administrative one. */
const PROVINCE_PREFIX =
  /^(北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾)/;
/** A title that starts with a place (海口市…, 某某自治州…) or names a special zone is local legislation. */
const LOCAL_TITLE = /^[\u4e00-\u9fff]{2,7}?(省|市|自治区|自治州|自治县|县)|经济特区|新区/;

/** What kind of instrument a title in 《》 names, or null when it is not one 000 第十二条 accepts. */
export function instrumentKind(title: string): 'law' | 'administrative_regulation' | 'state_council_decision' | null {
  const t = title.trim();
  if (/^全国人民代表大会(常务委员会)?关于.+的决定$/.test(t)) return 'law';
  if (/^国务院关于.+(决定|规定)$/.test(t)) return 'state_council_decision';
  if (/法典$/.test(t) || (/法$/.test(t) && !/办法$/.test(t))) return 'law';
  if (/条例$/.test(t) && !PROVINCE_PREFIX.test(t) && !LOCAL_TITLE.test(t)) return 'administrative_regulation';
  return null;
}

/**
 * Null when `text` names the legal basis of not sharing that 000 第十二、十三条 require — a law
 * (《…法》, not a 《…办法》), an administrative regulation (《…条例》 not issued by a province or
 * city) or a State Council decision (国务院…决定) — else why not. A heuristic on the wording: it
 * catches a missing or local basis at entry time; the authority's review judges the rest.
 */
export function legalBasisProblem(text: string | null | undefined): string | null {
  const basis = text?.trim() ?? '';
  if (!basis) return '不予共享须列明理由及法律、行政法规或国务院决定依据';
  const titles = [...basis.matchAll(/《([^》]+)》/g)].map((m) => m[1] ?? '');
  if (titles.some((t) => instrumentKind(t) !== null)) return null;
  if (/国务院[^，。；;]*决定/.test(basis)) return null;
  if (titles.length > 0) {
    return `所列依据${titles.map((t) => `《${t}》`).join('、')}不是法律、行政法规或国务院决定；地方性法规、规章和规范性文件不能作为不予共享的依据`;
  }
  return '不予共享的依据须用书名号写明法律、行政法规或国务院决定的名称，如《中华人民共和国保守国家秘密法》第十三条';
}

// ── Data items ──

/** The handling grade of a data item: personal information is `important` unless downgraded. */
export function effectiveSensitivity(f: Pick<CatalogField, 'piiKind' | 'sensitivity'>): Grade | undefined {
  return f.sensitivity ?? (blank(f.piiKind) ? undefined : 'important');
}

/** The items with the defaults the rules apply: personal information graded `important` unless set. */
export function normalizeFields(fields: CatalogField[]): CatalogField[] {
  return fields.map((f) => {
    const sensitivity = effectiveSensitivity(f);
    const piiKind = f.piiKind?.trim() || null;
    return { ...f, name: f.name.trim(), label: f.label.trim(), piiKind, ...(sensitivity ? { sensitivity } : {}) };
  });
}

/** The entry as stored: trimmed text, defaults filled in, duplicate provision methods dropped. */
export function normalizeEntry(input: EntryInput): EntryInput {
  return {
    ...input,
    name: input.name.trim(),
    description: input.description?.trim() ?? '',
    format: input.format.trim(),
    fields: normalizeFields(input.fields),
    shareConditions: input.shareAttr === 'conditional' && input.shareConditions ? { scope: input.shareConditions.scope.trim(), usage: input.shareConditions.usage.trim() } : null,
    noShareBasis: input.shareAttr === 'none' ? (input.noShareBasis?.trim() ?? null) : null,
    openConditions: input.openAttr === 'conditional' ? (input.openConditions ?? null) : null,
    notOpenReason: input.notOpenReason?.trim() || null,
    openSafeguards: [...new Set(input.openSafeguards ?? [])],
    provisionMethods: [...new Set(input.provisionMethods)],
    usageConditions: input.usageConditions?.trim() ?? '',
    category: input.category.trim(),
    priorityAreas: [...new Set(input.priorityAreas ?? [])],
    assessments: input.assessments ?? {},
    changeNote: input.changeNote?.trim() || null,
  };
}

function fieldViolations(fields: CatalogField[]): Violation[] {
  const out: Violation[] = [];
  const v = (field: string, message: string, source: string = ART.fields) => out.push({ field, message, source });
  if (!Array.isArray(fields) || fields.length === 0) {
    v('fields', '数据项（fields）至少填写一项');
    return out;
  }
  const seen = new Map<string, number>();
  fields.forEach((f, i) => {
    const at = `fields/${i}`;
    const name = (f.name ?? '').trim();
    const shown = f.label?.trim() || name || `第 ${i + 1} 项`;
    const first = seen.get(name);
    if (!name) v(`${at}/name`, `数据项“${shown}”的字段名（name）必填`);
    else if (!FIELD_NAME_RE.test(name)) v(`${at}/name`, `数据项“${shown}”的字段名“${name}”须以小写字母开头，只含小写字母、数字和下划线，最长 63 个字符`);
    else if (first !== undefined) v(`${at}/name`, `数据项“${shown}”的字段名“${name}”与第 ${first + 1} 项重复`);
    else seen.set(name, i);
    if (blank(f.label)) v(`${at}/label`, `数据项“${name || i + 1}”的中文名称（label）必填`);
    if (!oneOf(FIELD_TYPES, f.type)) v(`${at}/type`, `数据项“${shown}”的类型（type）须为 ${FIELD_TYPES.join('、')} 之一`);
    if (f.sensitivity !== undefined && !oneOf(GRADES, f.sensitivity)) v(`${at}/sensitivity`, `数据项“${shown}”的分级（sensitivity）须为 ${GRADES.join('、')} 之一`, ART.grading);
    if (!blank(f.piiKind) && oneOf(GRADES, f.sensitivity) && GRADE_RANK[f.sensitivity] < GRADE_RANK.important && blank(f.downgradeReason)) {
      v(`${at}/downgradeReason`, `数据项“${shown}”含个人信息，默认按重要数据处理；降为一般须说明理由（downgradeReason）`, ART.grading);
    }
  });
  return out;
}

/**
 * Every rule an entry breaks at entry time (draft, edit, import), in form order: the mandatory
 * items of 000 第六条, the share attribute's conditions or basis (000 第十三条), the open
 * attribute's grounds and safeguards (000 第十九条), core data never open nor operated (GB/T
 * 43697 via Decisions 8; 000 第十九、二十七条), personal-information items' grading.
 */
export function entryViolations(input: EntryInput): Violation[] {
  const out: Violation[] = [];
  const v = (field: string, message: string, source: string) => out.push({ field, message, source });
  const F = ART.fields;

  // 000 第六条: the items every catalog entry states.
  if (blank(input.name)) v('name', '目录名称（name）必填', F);
  out.push(...fieldViolations(input.fields));
  if (!oneOf(FORMATS, input.format)) v('format', `数据格式（format）须为 ${FORMATS.join('、')} 之一`, F);
  if (!oneOf(UPDATE_FREQUENCIES, input.updateFrequency)) v('updateFrequency', `更新频率（updateFrequency）须为 ${UPDATE_FREQUENCIES.join('、')} 之一`, F);
  if (!oneOf(ATTRS, input.shareAttr)) v('shareAttr', `共享属性（shareAttr）须为 ${ATTRS.join('、')} 之一`, F);
  if (!oneOf(ATTRS, input.openAttr)) v('openAttr', `开放属性（openAttr）须为 ${ATTRS.join('、')} 之一`, F);
  if (typeof input.operationAttr !== 'boolean') v('operationAttr', '授权运营属性（operationAttr）必填', F);
  const methods = Array.isArray(input.provisionMethods) ? input.provisionMethods : [];
  if (methods.length === 0) v('provisionMethods', `提供方式（provisionMethods）至少选择一种：${PROVISION_METHODS.join('、')}`, F);
  methods.forEach((m, i) => {
    if (!oneOf(PROVISION_METHODS, m)) v(`provisionMethods/${i}`, `提供方式“${String(m)}”须为 ${PROVISION_METHODS.join('、')} 之一`, F);
  });
  if (blank(input.category)) v('category', '数据分类（category）必填', F);
  if (!oneOf(GRADES, input.grade)) v('grade', `数据分级（grade）须为 ${GRADES.join('、')} 之一`, F);
  (input.priorityAreas ?? []).forEach((p, i) => {
    if (!oneOf(PRIORITY_AREAS, p)) v(`priorityAreas/${i}`, `优先开放领域“${String(p)}”须为 ${PRIORITY_AREAS.join('、')} 之一`, ART.openList);
  });

  // 000 第十三条: conditional sharing states scope and usage; no sharing states its legal basis.
  if (input.shareAttr === 'conditional') {
    if (blank(input.shareConditions?.scope)) v('shareConditions/scope', '有条件共享须列明共享范围（shareConditions.scope）', ART.shareAttr);
    if (blank(input.shareConditions?.usage)) v('shareConditions/usage', '有条件共享须列明使用用途等共享使用条件（shareConditions.usage）', ART.shareAttr);
  }
  if (input.shareAttr === 'none') {
    const problem = legalBasisProblem(input.noShareBasis);
    if (problem) v('noShareBasis', `不予共享依据（noShareBasis）：${problem}`, ART.shareAttr);
  }

  // 000 第十九条: grounds of not opening, and what lets personal or secret items open all the same.
  const safeguards = input.openSafeguards ?? [];
  safeguards.forEach((s, i) => {
    if (!oneOf(OPEN_SAFEGUARDS, s)) v(`openSafeguards/${i}`, `开放保障措施“${String(s)}”须为 ${OPEN_SAFEGUARDS.join('、')} 之一`, ART.notOpen);
  });
  if (input.openAttr === 'none') {
    if (!oneOf(NOT_OPEN_REASONS, input.notOpenReason)) v('notOpenReason', `不予开放须选择第十九条规定的情形（notOpenReason）：${NOT_OPEN_REASONS.join('、')}`, ART.notOpen);
  } else if (oneOf(ATTRS, input.openAttr)) {
    if (input.grade === 'core') v('openAttr', '核心数据不予开放，开放属性（openAttr）须为 none', ART.notOpen);
    if (oneOf(ABSOLUTE_NOT_OPEN, input.notOpenReason)) {
      v('notOpenReason', `所选不予开放情形（notOpenReason = ${input.notOpenReason}）不能通过处理消除，开放属性（openAttr）须为 none`, ART.notOpen);
    } else if (input.notOpenReason !== undefined && input.notOpenReason !== null && !oneOf(NOT_OPEN_REASONS, input.notOpenReason)) {
      v('notOpenReason', `不予开放情形（notOpenReason）须为 ${NOT_OPEN_REASONS.join('、')} 之一`, ART.notOpen);
    }
    const fields = Array.isArray(input.fields) ? input.fields : [];
    const pii = fields.filter((f) => !blank(f.piiKind));
    const secret = fields.filter((f) => f.commercialSecret === true);
    const touchesPii = pii.length > 0 || input.notOpenReason === 'personal_info';
    const touchesSecret = secret.length > 0 || input.notOpenReason === 'commercial_secret';
    // 第十九条第二款: personal information opens once anonymised (一), commercial secrets once
    // desensitised or declassified (二), either with the consent of those it points to (三).
    const consent = safeguards.includes('consent');
    const label = (fs: typeof fields) => [...new Set(fs.map((f) => `“${f.label || f.name}”`))].join('、');
    if (touchesPii && !consent && !safeguards.includes('anonymised')) {
      v(
        'openSafeguards',
        `${pii.length ? `数据项${label(pii)}` : '本目录'}涉及个人信息，开放须经匿名化处理（anonymised）或取得个人授权同意（consent）（openSafeguards）`,
        ART.notOpen,
      );
    }
    if (touchesSecret && !consent && !safeguards.includes('desensitised')) {
      v(
        'openSafeguards',
        `${secret.length ? `数据项${label(secret)}` : '本目录'}涉及商业秘密，开放须经脱敏、脱密处理（desensitised）或取得权利人授权同意（consent）（openSafeguards）`,
        ART.notOpen,
      );
    }
  }

  // GB/T 43697 (Decisions 8): core data never in authorized operation.
  if (input.grade === 'core' && input.operationAttr === true) v('operationAttr', '核心数据不得纳入授权运营，授权运营属性（operationAttr）须为 false', ART.operationScope);
  return out;
}

/** What a recorded assessment looks like: a conclusion, optionally who and when. */
function assessmentRecorded(a: unknown): boolean {
  if (!a || typeof a !== 'object') return false;
  const r = a as { done?: unknown; conclusion?: unknown };
  return r.done !== false && typeof r.conclusion === 'string' && r.conclusion.trim() !== '';
}

const ASSESSMENT_LABELS: Record<(typeof ASSESSMENTS)[number], string> = { secrecyRisk: '保密风险评估', piiImpact: '个人信息保护影响评估' };

/** The assessments 000 第六条 requires before submission (CAT-04) that are not yet recorded. */
export function assessmentViolations(assessments: Record<string, unknown> | null | undefined): Violation[] {
  return ASSESSMENTS.filter((key) => !assessmentRecorded(assessments?.[key])).map((key) => ({
    field: `assessments/${key}`,
    message: `报送审核前须记录${ASSESSMENT_LABELS[key]}结论（assessments.${key}.conclusion）`,
    source: ART.assessments,
  }));
}

/** Every rule a version breaks at submission: the entry-time rules and the assessments. */
export const submissionViolations = (input: EntryInput): Violation[] => [...entryViolations(input), ...assessmentViolations(input.assessments)];

/**
 * Throws the first violation as a 422 citing its article; `fields` lists them all, so a form
 * (or an import report) shows every problem at once.
 */
export function assertNoViolations(violations: Violation[]): void {
  const first = violations[0];
  if (!first) return;
  const more = violations.length > 1 ? `（另有 ${violations.length - 1} 处问题）` : '';
  throw new AppError('RULE_VIOLATION', `${first.message}${more}`, {
    source: first.source,
    fields: violations.map((x) => ({ field: x.field, message: `${x.message}（依据 ${x.source}）` })),
  });
}

/** Checks an entry at entry time; throws a 422 citing the article of the first broken rule. */
export const checkEntry = (input: EntryInput): void => assertNoViolations(entryViolations(input));

// ── Version lifecycle ──

export type VersionEvent = 'submit' | 'approve' | 'return' | 'supersede';

export interface VersionContext {
  /** The reviewer's comment (a return must carry one). */
  comment?: string | null;
}

/**
 * 目录版本: draft → submitted (the provider's data officer signs) → published, or returned with
 * comments and resubmitted; a published version is superseded when the next one is published
 * (000 第六、七条). Edits happen in `draft` and `returned` without changing the state.
 */
export const versionWorkflow = defineWorkflow<VersionStatus, VersionEvent, VersionContext>('目录版本', {
  submit: { from: ['draft', 'returned'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'published' },
  return: {
    from: ['submitted'],
    to: 'returned',
    guard: (c) => (blank(c.comment) ? { message: '退回须填写审核意见（comment），说明需要修改的内容' } : null),
  },
  supersede: { from: ['published'], to: 'superseded' },
});

export const EDITABLE_STATUSES: readonly VersionStatus[] = ['draft', 'returned'];

/** Throws 409 unless a version in `status` may still be edited (published versions never are). */
export function assertEditable(status: VersionStatus, version: number): void {
  if (!EDITABLE_STATUSES.includes(status)) {
    const why = status === 'submitted' ? '已报送审核' : '已发布的版本不可修改，请新建版本';
    throw new AppError('INVALID_STATE', `目录第 ${version} 版当前状态为“${VERSION_STATUS_LABELS[status]}”，不能修改：${why}`, { source: status === 'submitted' ? ART.review : ART.update });
  }
}

/** The review duty's period: none for a first review (tracked with its age), 2 WD for an update (000 第七条). */
export function reviewPeriod(profile: Pick<JurisdictionProfile, 'params'>, isUpdate: boolean): { workingDays: number | null; source: string } {
  const p = isUpdate ? profile.params.catalogUpdateReviewDays : profile.params.catalogInitialReviewDays;
  return { workingDays: p.value, source: p.source };
}

// ── Who may do what (one place; each reads like the regulation) ──

const PROVIDER_ROLES = ['clerk', 'data_officer', 'org_admin'] as const;
const REVIEWER_ROLES = ['reviewer', 'org_admin'] as const;

export interface EntryOwner {
  provider_org_id: string;
}

/** A public institution's clerk, data officer or org admin drafts its own catalog (000 第六条). */
export const canDraft = (auth: AuthContext): boolean => hasOrgRole(auth, 'institution') && PROVIDER_ROLES.some((r) => hasUserRole(auth, r));
export const CAN_DRAFT_NEEDS = '公共管理和服务机构（institution）的经办人、数据工作机构负责人或机构管理员';

export const isProvider = (auth: AuthContext, e: EntryOwner): boolean => auth.org.id === e.provider_org_id;

/** Edits drafts and starts new versions: the provider org's drafting roles. */
export const canEdit = (auth: AuthContext, e: EntryOwner): boolean => canDraft(auth) && isProvider(auth, e);
export const CAN_EDIT_NEEDS = '提供单位的经办人、数据工作机构负责人或机构管理员';

/** Only the head of the provider's data office signs a submission (JOURNEYS; 000 第六条). */
export const canSubmit = (auth: AuthContext, e: EntryOwner): boolean => hasOrgRole(auth, 'institution') && isProvider(auth, e) && hasUserRole(auth, 'data_officer');
export const CAN_SUBMIT_NEEDS = '提供单位的数据工作机构负责人（data_officer）';

/** The business-environment authority's reviewers review catalogs (000 第六、七条). */
export const isAuthorityReviewer = (auth: AuthContext): boolean => hasOrgRole(auth, 'sharing_authority') && REVIEWER_ROLES.some((r) => hasUserRole(auth, r));
export const CAN_REVIEW_NEEDS = '营商环境建设主管部门（sharing_authority）的审核人或机构管理员';

/** …but never an entry of their own org. */
export const canReview = (auth: AuthContext, e: EntryOwner): boolean => isAuthorityReviewer(auth) && !isProvider(auth, e);

/** A change of law or duties may be recorded by the provider or by the authority (000 第七条). */
export const canRecordChange = (auth: AuthContext, e: EntryOwner): boolean => canEdit(auth, e) || isAuthorityReviewer(auth);
export const CAN_RECORD_CHANGE_NEEDS = `${CAN_EDIT_NEEDS}，或${CAN_REVIEW_NEEDS}`;

/** Consent to extend an update: a reviewer or admin of an org the profile names (000 第七条). */
export const canConsentExtension = (auth: AuthContext, approvers: readonly OrgRole[] | null): boolean =>
  (approvers ?? []).some((r) => hasOrgRole(auth, r)) && REVIEWER_ROLES.some((r) => hasUserRole(auth, r));

/** The review queue: any user of the authority. */
export const canReadReviewQueue = (auth: AuthContext): boolean => hasOrgRole(auth, 'sharing_authority');

/**
 * The version statuses a caller may read: the provider all of them; the authority what was
 * submitted to it and what it published; everyone else what was published (and later superseded).
 */
export function visibleStatuses(auth: AuthContext, e: EntryOwner): readonly VersionStatus[] {
  if (isProvider(auth, e)) return ['draft', 'submitted', 'returned', 'published', 'superseded'];
  if (hasOrgRole(auth, 'sharing_authority')) return ['submitted', 'published', 'superseded'];
  return ['published', 'superseded'];
}

/** Update cases and review duties are the provider's and the authority's business. */
export const seesCaseWork = (auth: AuthContext, e: EntryOwner): boolean => isProvider(auth, e) || hasOrgRole(auth, 'sharing_authority');
