/**
 * The lists' pure rules: who may act on the negative list's joint review, the authorized-operation
 * catalog and registrations; the joint review's state; what keeps an entry out of authorized
 * operation; when a catalog is complete enough to register; the registration and query codes.
 * No I/O here — the service applies these inside its transactions.
 */
import { hasOrgRole, hasUserRole, isPlatformAdmin, type AuthContext } from '../../kernel/auth.js';
import { ART, NEGATIVE_LIST_SEATS, SEAT_LABELS, type Seat } from './model.js';
import type { Attr, CatalogField, Grade } from './tables.js';

// ── Permissions (who may do what, in the regulation's words) ──────────────────────────────────

/** Seats are assigned to orgs by the platform administrator. */
export const SEAT_ASSIGN_NEEDS = '平台管理员（platform_admin 机构的 org_admin）';
export const canAssignSeats = (auth: AuthContext) => isPlatformAdmin(auth);

/** A seat is signed by a reviewer or org admin of the org that holds it (000 第十一条). */
export const SIGNOFF_NEEDS = '持有该联合审查席位的机构的审核人（reviewer）或机构管理员（org_admin）';
export const canSignFor = (auth: AuthContext, seatHolderOrgId: string | null) =>
  seatHolderOrgId !== null && seatHolderOrgId === auth.org.id && (hasUserRole(auth, 'reviewer') || hasUserRole(auth, 'org_admin'));

/** User roles that may act for an org in the operation catalog (experts and auditors do not). */
const actingForOrg = (auth: AuthContext) => (['org_admin', 'data_officer', 'clerk', 'reviewer'] as const).some((r) => hasUserRole(auth, r));
/** A provider's own consent-level act: its data officer or org admin. */
const providerSigner = (auth: AuthContext, providerOrgId: string) =>
  auth.org.id === providerOrgId && (hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));
const operationBody = (auth: AuthContext) => (hasOrgRole(auth, 'data_authority') || hasOrgRole(auth, 'implementing_agency')) && actingForOrg(auth);

/**
 * Listing an entry for authorized operation (000 第二十七、二十八条): the data authority or the
 * implementing agency, or the entry's provider itself (its data officer or org admin).
 */
export const OPERATION_LIST_NEEDS = '数据主管部门（data_authority）或实施机构（implementing_agency）的经办人/审核人/机构管理员，或该目录数据提供单位的数据工作机构负责人（data_officer）或机构管理员（org_admin）';
export const canListForOperation = (auth: AuthContext, providerOrgId: string) => operationBody(auth) || providerSigner(auth, providerOrgId);

/** The provider consents to its shared data entering authorized operation (000 第二十七条第二款). */
export const CONSENT_NEEDS = '该目录数据提供单位的数据工作机构负责人（data_officer）或机构管理员（org_admin）';
export const canConsent = (auth: AuthContext, providerOrgId: string) => providerSigner(auth, providerOrgId);

/**
 * Taking an item off: whoever may list it — the data authority, the implementing agency, or the
 * provider's data officer or org admin (which withdraws the provider's consent).
 */
export const OPERATION_REMOVE_NEEDS = OPERATION_LIST_NEEDS;
export const canRemove = canListForOperation;

/** Registration (登记, 000 第二十九条): the data authority, the implementing agency or the platform administrator. */
export const REGISTER_NEEDS = '数据主管部门（data_authority）或实施机构（implementing_agency）的经办人/审核人/机构管理员，或平台管理员';
export const canRegister = (auth: AuthContext) => operationBody(auth) || isPlatformAdmin(auth);

/**
 * Orgs that see every item of the operation catalog in any state; everyone else sees listed items,
 * and the items they listed or provide in other states.
 */
export const seesAllOperationItems = (auth: AuthContext) =>
  (['data_authority', 'implementing_agency', 'platform_admin', 'sharing_authority', 'auditor'] as const).some((r) => hasOrgRole(auth, r));

/**
 * Seats whose holder is fixed by the regulation's wording: the joint review is led by the
 * business-environment authority together with the big-data agency (000 第十一条).
 */
export const SEAT_HOLDER_ROLE: Partial<Record<Seat, 'sharing_authority' | 'platform_admin'>> = {
  sharing_authority: 'sharing_authority',
  platform_operator: 'platform_admin',
};

// ── The negative list's joint review (000 第十一条) ────────────────────────────────────────────

export type JointReviewState = 'pending' | 'confirmed' | 'disputed';

export interface JointReview {
  state: JointReviewState;
  agreed: Seat[];
  disagreed: Seat[];
  /** Seats that have not signed yet. */
  missing: Seat[];
}

export const isSeat = (s: string): s is Seat => (NEGATIVE_LIST_SEATS as readonly string[]).includes(s);
/** A seat's Chinese name; an unknown seat (from an older seat list) as it was stored. */
export const seatLabel = (s: string) => (isSeat(s) ? SEAT_LABELS[s] : s);

/**
 * The state of one version's joint review: `disputed` as soon as any seat disagrees, `confirmed`
 * when every seat agreed, else `pending` with the seats still missing.
 */
export function jointReview(signoffs: ReadonlyArray<{ seat: string; decision: 'agree' | 'disagree' }>): JointReview {
  const decided = new Map<Seat, 'agree' | 'disagree'>();
  for (const s of signoffs) if (isSeat(s.seat)) decided.set(s.seat, s.decision);
  const agreed = NEGATIVE_LIST_SEATS.filter((s) => decided.get(s) === 'agree');
  const disagreed = NEGATIVE_LIST_SEATS.filter((s) => decided.get(s) === 'disagree');
  const missing = NEGATIVE_LIST_SEATS.filter((s) => !decided.has(s));
  const state: JointReviewState = disagreed.length > 0 ? 'disputed' : missing.length === 0 ? 'confirmed' : 'pending';
  return { state, agreed, disagreed, missing };
}

/** Share attributes that put a published entry on the negative list (000 第十一条; 001 第十二条). */
export const NEGATIVE_SHARE_ATTRS = ['conditional', 'none'] as const satisfies readonly Attr[];
export const onNegativeList = (shareAttr: Attr) => (NEGATIVE_SHARE_ATTRS as readonly Attr[]).includes(shareAttr);

/** Open attributes that put a published entry on the open catalog and its provider's positive list (000 第十九条). */
export const OPEN_LIST_ATTRS = ['unconditional', 'conditional'] as const satisfies readonly Attr[];

// ── The authorized-operation catalog (000 第二十七条) ──────────────────────────────────────────

export interface Refusal {
  message: string;
  source: string;
}

/**
 * Why a published version may not enter authorized operation, or null. Core data never does
 * (000 第二十七条; GB/T 43697-2024; Decision 8); nor does a version whose operation attribute is
 * "no" — the provider must first publish a version that allows it.
 */
export function operationRefusal(v: { grade: Grade; operationAttr: boolean }): Refusal | null {
  if (v.grade === 'core') {
    return { message: '核心数据不得纳入授权运营范围（落实数据分类分级保护制度，GB/T 43697-2024 核心级）', source: ART.operationScope };
  }
  if (!v.operationAttr) {
    return { message: '该目录现行版本的授权运营属性为“否”：须由数据提供单位先发布允许授权运营的新版本', source: ART.operationScope };
  }
  return null;
}

/**
 * Whether the body's `viaSharing` agrees with who lists: an org other than the provider can only
 * have the data through sharing, and needs the provider's consent (000 第二十七条第二款).
 */
export function viaSharingRefusal(claimed: boolean | undefined, listerIsProvider: boolean): Refusal | null {
  if (claimed === undefined) return null;
  if (claimed && listerIsProvider) return { message: '数据提供单位列入本单位的数据，不是通过共享获得（“通过共享获得”应为“否”）', source: ART.operationScope };
  if (!claimed && !listerIsProvider) return { message: '非数据提供单位列入的数据视为通过共享获得，须征得数据提供单位同意（“通过共享获得”应为“是”）', source: ART.operationScope };
  return null;
}

// ── Registration (登记, 000 第二十九条) ────────────────────────────────────────────────────────

export interface CatalogContent {
  name: string;
  fields: CatalogField[];
  format: string;
  updateFrequency: string;
  shareAttr: Attr;
  shareConditions: { scope: string; usage: string } | null;
  noShareBasis: string | null;
  openAttr: Attr;
  provisionMethods: string[];
  usageConditions: string;
  category: string;
  grade: Grade;
}

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/**
 * The items 000 第六条 requires of a catalog (and 000 第十三条 of a conditional or not-shared one)
 * that this version leaves empty, as `{ field, label }`. Registration is refused while any remain
 * (000 第二十九条; 003 第十条: an incomplete catalog is not registered).
 */
export function catalogGaps(c: CatalogContent): Array<{ field: string; label: string }> {
  const gaps: Array<{ field: string; label: string }> = [];
  const need = (ok: boolean, field: string, label: string) => {
    if (!ok) gaps.push({ field, label });
  };
  need(!blank(c.name), 'name', '数据目录名称');
  need(c.fields.length > 0 && c.fields.every((f) => !blank(f.name) && !blank(f.label) && !blank(f.type)), 'fields', '数据项');
  need(!blank(c.format), 'format', '数据格式');
  need(!blank(c.updateFrequency), 'updateFrequency', '数据更新频率');
  need(!blank(c.shareAttr), 'shareAttr', '共享属性');
  if (c.shareAttr === 'conditional') need(!!c.shareConditions && !blank(c.shareConditions.scope) && !blank(c.shareConditions.usage), 'shareConditions', '共享范围和使用用途');
  if (c.shareAttr === 'none') need(!blank(c.noShareBasis), 'noShareBasis', '不予共享的依据');
  need(!blank(c.openAttr), 'openAttr', '开放属性');
  need(c.provisionMethods.length > 0, 'provisionMethods', '提供方式');
  need(!blank(c.usageConditions), 'usageConditions', '使用条件');
  need(!blank(c.category), 'category', '数据分类');
  need(!blank(c.grade), 'grade', '数据分级');
  return gaps;
}

/**
 * The uniform registration code: `DJ` (登记), the province's GB/T 2260 code, the Beijing year
 * and a sequence within that province and year, e.g. `DJ460000-2026-000123`. The sequence grows
 * past six digits rather than wrap.
 */
export function registrationCode(regionCode: string, year: number, seq: number): string {
  return `DJ${regionCode}-${year}-${String(seq).padStart(6, '0')}`;
}

/** The prefix shared by every registration code of a province and year (for the next sequence). */
export const registrationPrefix = (regionCode: string, year: number) => `DJ${regionCode}-${year}-`;

/**
 * Query codes use characters that cannot be misread for one another: no 0/O, 1/I/L. Eight of
 * them give 31⁸ ≈ 8.5 × 10¹¹ codes.
 */
export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const QUERY_CODE_LENGTH = 8;

/** A query code from `QUERY_CODE_LENGTH` random indexes (the service draws them with `crypto.randomInt`). */
export function queryCodeFrom(indexes: readonly number[]): string {
  return indexes.map((i) => QUERY_CODE_ALPHABET.charAt(i % QUERY_CODE_ALPHABET.length)).join('');
}

/** A query code as a person typed it (any case, with spaces or hyphens), in canonical form. */
export function normalizeQueryCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}
