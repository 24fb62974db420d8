/**
 * Jurisdiction profiles (辖区规则集): every number, period and option the regulations set, one
 * typed profile per rule set, each value with the article it comes from. Code reads parameters
 * from the active profile, never literals (ARCHITECTURE §4).
 *
 * Source strings, joined by '; ' when there are several:
 * - `'000 第十四条'`: a document (file prefix of ../../../shared/seeds) and its article(s);
 *   a note may follow in full-width brackets: `'003 第十五条（“及时审核”，未定期限；决定7）'`;
 * - `'000 未规定'`: the document is silent, so the value is `null` (never invented);
 * - `'Decision 3'`: item 3 of REQUIREMENTS.md "Decisions";
 * - `'platform setting'`: the regulation sets the goal but no number, the platform chooses one.
 */
import type { OrgRole } from '../kernel/auth.js';
import { guangdong2025 } from './guangdong-2025.js';
import { hainan2026 } from './hainan-2026.js';
import { henan2025 } from './henan-2025.js';

/** Unit of a parameter's value. 工作日 (`working_days`) follow the platform calendar; 日 (`days`) are calendar days (Decision 1). */
export type ParamUnit = 'working_days' | 'days' | 'years' | 'months' | 'hours' | 'count' | 'ratio' | 'text';

/** One parameter: its value (`null` where the documents set none), its source and its label. */
export interface Param<T> {
  value: T;
  /** Where the value comes from, e.g. `'000 第十四条'` or `'000 第十四条; 001 第十八条'`. */
  source: string;
  label: { zh: string; en: string };
  unit?: ParamUnit;
}

/** The regulations the platform knows (seeds/README.md). */
export type DocumentCode = '000' | '001' | '002' | '003' | '004';

/** How an operator (运营机构) is chosen. */
export type SelectionMethod =
  | 'open_tender' // 公开招标
  | 'invited_tender' // 邀请招标
  | 'negotiation' // 谈判
  | 'provincial_authorization'; // 省政府授权（河南一级开发主体）

/** A step of the operator selection procedure (遴选程序, 004 第二十条). */
export type SelectionStep =
  | 'call_notice' // 发布征集公告
  | 'application' // 提交申请
  | 'qualification_and_expert_review' // 资格审查、专家综合评审
  | 'candidate_notice' // 公示候选人
  | 'collective_decision_and_signing'; // “三重一大”审议后签订协议

/** How a marketplace product is priced (数据产品交易定价, 002 第二十九条). */
export type MarketplacePricingMethod =
  | 'negotiated' // 协议定价
  | 'competitive' // 竞争定价
  | 'third_party_appraisal'; // 第三方价格评估

/**
 * Every parameter of REQUIREMENTS.md "Parameters by jurisdiction" and every bold number of its
 * requirement tables, plus the platform settings the modules read (k-anonymity, sandbox group
 * size, extension rules, load error threshold). Labels and units are in ./params.ts.
 */
export interface JurisdictionParams {
  // ── Catalog 目录 ──
  /** 目录更新期限 (CAT-06). */
  catalogUpdateDays: Param<number | null>;
  /** 目录更新延期 (CAT-06). */
  catalogUpdateExtensionDays: Param<number | null>;
  /** Who consents to a catalog-update extension (CAT-06). */
  catalogUpdateExtensionApprovers: Param<OrgRole[] | null>;
  /** 更新后目录审核发布期限 (CAT-06). */
  catalogUpdateReviewDays: Param<number | null>;
  /** 目录首次审核期限 (CAT-05; Decision 7). */
  catalogInitialReviewDays: Param<number | null>;
  /** 负面清单联合审查期限 (CAT-08; Decision 7). */
  negativeListReviewDays: Param<number | null>;
  /** 授权运营目录定期备案周期 (CAT-10). */
  operationCatalogFilingIntervalMonths: Param<number | null>;

  // ── Aggregation 汇聚 ──
  /** 基础库、主题库更新后归集期限 (AGG-06). */
  baseDbAggregationDays: Param<number | null>;
  /** 授权运营范围数据归集期限 (AGG-08). */
  operationScopeAggregationDays: Param<number | null>;
  /** Share of rejected rows above which a load is refused whole (platform setting). */
  errorRateThreshold: Param<number>;

  // ── Sharing 共享 ──
  /** 无条件共享即时共享 (SHR-07). */
  unconditionalShareImmediate: Param<boolean | null>;
  /** 有条件共享答复期限 (SHR-07). */
  conditionalShareReplyDays: Param<number | null>;
  /** 有条件共享答复延期上限 (SHR-08). */
  conditionalShareExtensionMaxDays: Param<number | null>;
  /** Who consents to a sharing-reply extension (SHR-08). */
  conditionalShareExtensionApprovers: Param<OrgRole[] | null>;
  /** 同意共享后提供期限 (SHR-10; Decision 5). */
  deliveryAfterConsentDays: Param<number | null>;
  /** 服务接口方式即时提供 (SHR-10). */
  apiDeliveryImmediate: Param<boolean | null>;
  /** 无偿共享 (SHR-01). */
  sharingFree: Param<boolean | null>;

  // ── Opening 开放 ──
  /** 无条件开放即时开放 (OPN-06). */
  unconditionalOpenImmediate: Param<boolean | null>;
  /** 无条件开放免费获取 (OPN-07). */
  unconditionalOpenFree: Param<boolean | null>;
  /** 有条件开放答复期限 (OPN-06). */
  conditionalOpenReplyDays: Param<number | null>;
  /** 有条件开放答复延期上限 (OPN-06). */
  conditionalOpenExtensionMaxDays: Param<number | null>;
  /** Who consents to an open-reply extension; all of them must (OPN-06). */
  conditionalOpenExtensionApprovers: Param<OrgRole[] | null>;
  /** 开放需求定期征集周期 (OPN-09). */
  openDemandCollectionIntervalMonths: Param<number | null>;
  /** k of the k-anonymity gate for opening (匿名化, OPN-04; platform setting). */
  kAnonymityK: Param<number>;
  /** Smallest group an aggregate sandbox output may show (数据可用不可见; platform setting). */
  sandboxMinGroupSize: Param<number>;

  // ── Quality 校核纠错 ──
  /** 校核申请核实更正反馈期限 (QLT-02/03/04). */
  correctionReplyDays: Param<number | null>;

  // ── Authorized operation 授权运营 ──
  /** 授权运营协议期限上限 (AUT-12). */
  agreementMaxTermYears: Param<number | null>;
  /** 协议签署后备案公开期限 (AUT-13). */
  agreementFilingDays: Param<number | null>;
  /** 协议变更、终止后备案期限 (AUT-13). */
  agreementChangeFilingDays: Param<number | null>;
  /** 市县实施方案备案期限 (AUT-05). */
  planFilingDays: Param<number | null>;
  /** 运营机构遴选方式 (AUT-07). */
  selectionMethods: Param<SelectionMethod[] | null>;
  /** 遴选程序步骤 (AUT-07). */
  selectionSteps: Param<SelectionStep[] | null>;
  /** 运营机构候选人公示期（不少于）(AUT-07). */
  candidateNoticeDays: Param<number | null>;
  /** 场景（用数）审核期限 (AUT-15). */
  scenarioReviewDays: Param<number | null>;
  /** 产品和服务审核期限 (AUT-17). */
  productReviewDays: Param<number | null>;
  /** 定价 (AUT-20). */
  pricing: Param<string | null>;
  /** 报告与披露 (AUT-23/24), as text. */
  reportingCycle: Param<string | null>;
  /** 运营报告周期 (AUT-24). */
  reportIntervalMonths: Param<number | null>;
  /** 年度报告截止日 `MM-DD` (AUT-24). */
  annualReportDue: Param<string | null>;
  /** 授权运营情况披露周期 (AUT-23). */
  disclosureIntervalMonths: Param<number | null>;
  /** 评价周期 (AUT-25, SUP-03). */
  evaluationIntervalMonths: Param<number | null>;
  /** 网络日志保存年限（不少于）(AUT-27, SEC-12). */
  logRetentionYears: Param<number | null>;
  /** 责令限期改正期限 (SEC-13/14; Decision 7). */
  rectificationDays: Param<number | null>;

  // ── Marketplace 数据产品超市 ──
  /** 数据产品交易定价方式 (MKT-12). */
  marketplacePricingMethods: Param<MarketplacePricingMethod[] | null>;
  /** 当年政府采购限额标准（元）(MKT-07), an external annual value. */
  procurementThreshold: Param<number | null>;
  /** 数据资源提供方账户定期公告周期 (MKT-14). */
  providerAccountNoticeIntervalMonths: Param<number | null>;

  // ── Security 安全 ──
  /** 安全事件立即启动应急预案 (SEC-08). */
  incidentResponseImmediate: Param<boolean | null>;
  /** 发现风险隐患立即停止处理 (SEC-07). */
  riskStopImmediate: Param<boolean | null>;

  // ── Deadline rules 时限规则 ──
  /** Working days the approver has to decide an extension request (Decision 3). */
  extensionDecisionDays: Param<number>;
  /** Extensions allowed per duty (Decision 3). */
  maxExtensionsPerDuty: Param<number>;

  // ── Validity 有效期 ──
  /** 规则有效期 (GEN-02). */
  ruleValidityYears: Param<number | null>;
  /** 存量授权运营整改期限 (GEN-05). */
  legacyComplianceYears: Param<number | null>;
}

/** One rule set: the documents it rests on and its parameters. */
export interface JurisdictionProfile {
  /** Stable id, chosen by `GONGSHU_JURISDICTION`, e.g. `hainan-2026`. */
  id: string;
  name: { zh: string; en: string };
  /** The province, GB/T 2260 code. */
  region: { code: string; name: string };
  /** `status`: `in_force` (现行有效), `interim` (暂行), `trial` (试行) or `draft` (征求意见稿). */
  documents: Array<{ code: DocumentCode; title: string; status: string }>;
  params: JurisdictionParams;
}

/** Titles of the source documents (seeds/README.md), for citations. */
export const DOCUMENT_TITLES: Readonly<Record<DocumentCode, string>> = Object.freeze({
  '000': '海南省促进公共数据资源开发利用办法',
  '001': '海南省公共信息资源管理办法',
  '002': '海南省公共数据产品开发利用暂行管理办法',
  '003': '河南省公共数据资源授权运营实施办法（试行）',
  '004': '广东省公共数据资源授权运营管理办法（征求意见稿）',
});

/** Freezes an object graph (objects and arrays) all the way down. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The default rule set: Hainan 2026 (000), with 001/002 where 000 is silent. */
export const DEFAULT_JURISDICTION = 'hainan-2026';

/** Every rule set by id, deeply frozen: a profile is read, never changed at run time. */
export const profiles: Record<string, JurisdictionProfile> = deepFreeze({
  [hainan2026.id]: hainan2026,
  [henan2025.id]: henan2025,
  [guangdong2025.id]: guangdong2025,
});

/** The profile with this id; throws naming the unknown id and the known ones. */
export function getProfile(id: string): JurisdictionProfile {
  const profile = Object.hasOwn(profiles, id) ? profiles[id] : undefined;
  if (!profile) {
    throw new Error(`Unknown jurisdiction "${id}"; known jurisdictions: ${Object.keys(profiles).join(', ')}`);
  }
  return profile;
}

const DOCUMENT_PART = /^(\d{3})\s*(.*)$/s;
const DECISION_PART = /^Decision (\d+)$/;

const isDocumentCode = (code: string | undefined): code is DocumentCode =>
  code !== undefined && Object.hasOwn(DOCUMENT_TITLES, code);

/**
 * The full citation of a source string, for tooltips and messages:
 * `'000 第十四条'` → `'《海南省促进公共数据资源开发利用办法》第十四条'`. Several parts (joined by '; ')
 * are each expanded and joined with '；'. `Decision N` becomes 平台决定N, `platform setting`
 * becomes 平台设定; anything else is kept as written.
 */
export function describeSource(profile: JurisdictionProfile, source: string): string {
  return source
    .split(/;\s*/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const doc = DOCUMENT_PART.exec(part);
      const code = doc?.[1];
      if (doc && isDocumentCode(code)) {
        const title = profile.documents.find((d) => d.code === code)?.title ?? DOCUMENT_TITLES[code];
        return `《${title}》${doc[2] ?? ''}`;
      }
      const decision = DECISION_PART.exec(part);
      if (decision) return `平台决定${decision[1]}`;
      if (part === 'platform setting') return '平台设定';
      return part;
    })
    .join('；');
}
