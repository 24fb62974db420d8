/**
 * The catalog's vocabulary: attribute values, field types, update frequencies, grades, the
 * negative list's joint-review seats, and the articles each rule cites. Shared by every file of
 * the module (and by the web app through the API).
 */
import type { Attr, CatalogField, CatalogOperationItemsTable, Grade, VersionStatus } from './tables.js';

export const ATTRS = ['unconditional', 'conditional', 'none'] as const satisfies readonly Attr[];
export const GRADES = ['general', 'important', 'core'] as const satisfies readonly Grade[];
export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const satisfies readonly CatalogField['type'][];
export const UPDATE_FREQUENCIES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
/** How an entry's data is provided (000 第八条); `sandbox`: analysed inside the platform, never handed out (在平台内分析，数据可用不可见). */
export const PROVISION_METHODS = ['api', 'batch', 'file', 'sandbox'] as const;
export const FORMATS = ['table', 'file', 'api', 'spatial', 'other'] as const;
/** Grounds of 000 第十九条 on which data is not opened. */
export const NOT_OPEN_REASONS = ['state_secret', 'personal_info', 'commercial_secret', 'security', 'law', 'other'] as const;
/** What lets personal or commercially secret items be opened all the same (000 第十九条). */
export const OPEN_SAFEGUARDS = ['anonymised', 'desensitised', 'consent'] as const;
/** 正面清单 priority areas (000 第十八条). */
export const PRIORITY_AREAS = ['industry', 'ecology', 'livelihood', 'business_environment'] as const;
/** Assessments recorded before submission (000 第六条 / CAT-04). */
export const ASSESSMENTS = ['secrecyRisk', 'piiImpact'] as const;

export type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];
export type ProvisionMethod = (typeof PROVISION_METHODS)[number];

/**
 * The joint review of the negative list (000 第十一条): the sharing authority together with these
 * seats. Each seat is held by an org (table `catalog_review_seats`); a reviewer of that org signs.
 */
export const NEGATIVE_LIST_SEATS = ['sharing_authority', 'cyberspace', 'staffing', 'secrecy', 'public_security', 'state_security', 'platform_operator'] as const;
export type Seat = (typeof NEGATIVE_LIST_SEATS)[number];

export const SEAT_LABELS: Record<Seat, string> = {
  sharing_authority: '营商环境建设主管部门',
  cyberspace: '网信部门',
  staffing: '机构编制部门',
  secrecy: '保密行政管理部门',
  public_security: '公安机关',
  state_security: '国家安全机关',
  platform_operator: '大数据管理机构（平台运营）',
};

/** The articles the catalog's rules rest on, as `error.source` and duty sources cite them. */
export const ART = {
  fields: '000 第六条',
  assessments: '000 第六条',
  review: '000 第六条',
  update: '000 第七条',
  negativeList: '000 第十一条',
  shareAttr: '000 第十三条',
  openList: '000 第十八条',
  notOpen: '000 第十九条',
  operationScope: '000 第二十七条',
  operationList: '000 第二十八条',
  registration: '000 第二十九条',
  grading: 'GB/T 43697-2024',
} as const;

/** The body of `POST /api/v1/catalog/entries` and `PUT /api/v1/catalog/entries/{id}`. */
export interface EntryInput {
  name: string;
  description?: string;
  format: string;
  fields: CatalogField[];
  shareAttr: Attr;
  shareConditions?: { scope: string; usage: string } | null;
  noShareBasis?: string | null;
  openAttr: Attr;
  openConditions?: Record<string, unknown> | null;
  notOpenReason?: string | null;
  openSafeguards?: string[];
  operationAttr: boolean;
  provisionMethods: ProvisionMethod[];
  usageConditions?: string;
  updateFrequency: UpdateFrequency;
  category: string;
  grade: Grade;
  priorityAreas?: string[];
  assessments?: Record<string, unknown>;
  /** For a new version of a published entry: what changed and why. */
  changeNote?: string | null;
}

/** The stable code of an entry: region + provider (credit code) + sequence, e.g. `460000-1146…-00001`. */
export const entryCode = (regionCode: string, providerUscc: string, seq: number): string => `${regionCode}-${providerUscc}-${String(seq).padStart(5, '0')}`;

/** Chinese names of a version's status, for messages and pages. */
export const VERSION_STATUS_LABELS: Record<VersionStatus, string> = {
  draft: '草稿',
  submitted: '已报送待审核',
  returned: '已退回',
  published: '已发布',
  superseded: '已被新版本替代',
};

/** Chinese names of an operation-catalog item's status. */
export const OPERATION_STATUS_LABELS: Record<CatalogOperationItemsTable['status'], string> = {
  awaiting_consent: '待提供单位同意',
  listed: '已列入',
  refused: '提供单位不同意',
  removed: '已移出',
};
