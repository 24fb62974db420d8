/**
 * The catalog's vocabulary as the pages use it (the lists are the server's, src/modules/catalog/model.ts) and the
 * article each attribute rests on, so every label can show its basis on hover.
 */
import type { CatalogAttr, CatalogFacet, CatalogFieldType, CatalogGrade, CatalogVersionStatus, ProvisionMethod, UpdateFrequency } from '../../api/types';
import type { Tone } from '../../components/StatusTag';

// One vocabulary: the server's lists (model.ts imports only types, so nothing of the server is bundled).
export {
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
} from '../../../../src/modules/catalog/model';
import { ASSESSMENTS, ATTRS } from '../../../../src/modules/catalog/model';
export type AssessmentKey = (typeof ASSESSMENTS)[number];
/** Kinds of personal information a data item may hold (the wizard proposes them from a header row). */
export const PII_KINDS = ['name', 'id_number', 'phone', 'mobile', 'address', 'birth_date', 'email', 'bank_account', 'bank_card', 'biometric', 'health', 'location', 'vehicle', 'plate', 'passport', 'permit', 'uscc', 'social_security', 'other'] as const;
/** Common categories (分类) of the demo province's catalog; any other text is allowed. */
export const CATEGORIES = [
  '人口', '法人', '市场监管', '信用', '自然资源', '不动产', '生态环境', '交通', '社会保障', '卫生健康',
  '教育', '旅游', '商务', '财税', '发展改革', '政务服务', '城市运行', '公共安全', '安全生产', '空间地理',
] as const;

/** The negative list's joint-review seats (000 第十一条). */
export const SEATS = ['sharing_authority', 'cyberspace', 'staffing', 'secrecy', 'public_security', 'state_security', 'platform_operator'] as const;

/** The articles the catalog's rules rest on (model.ts `ART`). */
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

/** Every attribute an entry shows, and the article it rests on. */
export const ATTRIBUTE_BASIS = {
  name: ART.fields,
  description: ART.fields,
  code: ART.fields,
  provider: ART.fields,
  format: ART.fields,
  fields: ART.fields,
  updateFrequency: ART.fields,
  provisionMethods: ART.fields,
  usageConditions: ART.fields,
  category: ART.fields,
  grade: ART.grading,
  shareAttr: ART.shareAttr,
  shareConditions: ART.shareAttr,
  noShareBasis: ART.shareAttr,
  openAttr: ART.openList,
  openConditions: ART.openList,
  notOpenReason: ART.notOpen,
  openSafeguards: ART.notOpen,
  operationAttr: ART.operationScope,
  priorityAreas: ART.openList,
  assessments: ART.assessments,
  changeNote: ART.update,
} as const;
export type AttributeKey = keyof typeof ATTRIBUTE_BASIS;

/** Status colours (JOURNEYS): draft grey, in progress blue, published green, returned red. */
export const STATUS_TONE: Record<CatalogVersionStatus, Tone> = {
  draft: 'draft',
  submitted: 'progress',
  returned: 'refused',
  published: 'approved',
  superseded: 'expired',
};

/** A version's colour for this reader: orange when it waits on them (to sign, to review). */
export const toneFor = (status: CatalogVersionStatus, waitingOnMe: boolean): Tone => (waitingOnMe ? 'waiting' : STATUS_TONE[status]);

/** Attribute colours: shared/open freely green, on conditions blue, not at all grey. */
export const ATTR_COLOR: Record<CatalogAttr, string> = { unconditional: 'green', conditional: 'blue', none: 'default' };
export const GRADE_COLOR: Record<CatalogGrade, string> = { general: 'default', important: 'orange', core: 'red' };

export function isAttr(v: unknown): v is CatalogAttr {
  return typeof v === 'string' && (ATTRS as readonly string[]).includes(v);
}

/** The search facets, in the order the panel shows them. */
export const FACETS: readonly CatalogFacet[] = ['provider', 'region', 'category', 'grade', 'shareAttr', 'openAttr', 'operationAttr', 'provisionMethod', 'updateFrequency', 'status'];
