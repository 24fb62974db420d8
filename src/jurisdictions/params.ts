/**
 * The parameter catalogue: what each parameter means (label) and what its number counts (unit),
 * written once for every profile. A profile file gives only value and source, through
 * `defineParams`, which the type checker holds to the full list of `JurisdictionParams`.
 *
 * This file imports only types from ./profile.js, so the profile files can use it without an
 * import cycle at run time.
 */
import type { JurisdictionParams, Param, ParamUnit } from './profile.js';

/** Label and unit of one parameter. */
export interface ParamMeta {
  label: { zh: string; en: string };
  unit?: ParamUnit;
}

/** Label and unit of every parameter, keyed like `JurisdictionParams`. */
export const PARAM_META: { readonly [K in keyof JurisdictionParams]: ParamMeta } = {
  catalogUpdateDays: {
    label: { zh: '目录更新期限（法律法规调整或职责变化后）', en: 'Catalog update after a change of law or duties' },
    unit: 'working_days',
  },
  catalogUpdateExtensionDays: {
    label: { zh: '目录更新可延长期限', en: 'Catalog update extension' },
    unit: 'working_days',
  },
  catalogUpdateExtensionApprovers: {
    label: { zh: '目录更新延期同意机关', en: 'Who consents to a catalog update extension' },
  },
  catalogUpdateReviewDays: {
    label: { zh: '更新后目录审核发布期限', en: 'Review and publication of an updated catalog' },
    unit: 'working_days',
  },
  catalogInitialReviewDays: {
    label: { zh: '目录首次审核期限', en: 'Review of a first catalog submission' },
    unit: 'working_days',
  },
  negativeListReviewDays: {
    label: { zh: '负面清单联合审查期限', en: 'Joint review of a negative-list request' },
    unit: 'working_days',
  },
  operationCatalogFilingIntervalMonths: {
    label: { zh: '授权运营目录更新定期备案周期', en: 'Filing interval of operation catalog updates' },
    unit: 'months',
  },
  baseDbAggregationDays: {
    label: { zh: '基础库、主题库数据更新后归集期限', en: 'Aggregation of base/theme database data after an update' },
    unit: 'days',
  },
  operationScopeAggregationDays: {
    label: { zh: '授权运营范围数据归集至运营平台期限', en: 'Aggregation of operation-scope data to the operation platform' },
    unit: 'working_days',
  },
  errorRateThreshold: {
    label: { zh: '批次错误率上限（超过则整批拒收）', en: 'Load error rate above which the whole load is refused' },
    unit: 'ratio',
  },
  unconditionalShareImmediate: {
    label: { zh: '无条件共享即时共享', en: 'Unconditional sharing is immediate' },
  },
  conditionalShareReplyDays: {
    label: { zh: '有条件共享答复期限', en: 'Reply to a conditional share request' },
    unit: 'working_days',
  },
  conditionalShareExtensionMaxDays: {
    label: { zh: '有条件共享答复延期上限', en: 'Maximum extension of a share reply' },
    unit: 'working_days',
  },
  conditionalShareExtensionApprovers: {
    label: { zh: '共享答复延期同意机关', en: 'Who consents to a share reply extension' },
  },
  deliveryAfterConsentDays: {
    label: { zh: '同意共享后提供数据期限', en: 'Delivery after consent to share' },
    unit: 'working_days',
  },
  apiDeliveryImmediate: {
    label: { zh: '服务接口方式即时提供', en: 'Delivery by service API is immediate' },
  },
  sharingFree: {
    label: { zh: '无偿共享', en: 'Sharing is free of charge' },
  },
  unconditionalOpenImmediate: {
    label: { zh: '无条件开放即时开放', en: 'Unconditional open data is released immediately' },
  },
  unconditionalOpenFree: {
    label: { zh: '无条件开放数据免费获取', en: 'Unconditional open data is free of charge' },
  },
  conditionalOpenReplyDays: {
    label: { zh: '有条件开放申请答复期限', en: 'Reply to a conditional open application' },
    unit: 'working_days',
  },
  conditionalOpenExtensionMaxDays: {
    label: { zh: '有条件开放答复延期上限', en: 'Maximum extension of an open reply' },
    unit: 'working_days',
  },
  conditionalOpenExtensionApprovers: {
    label: { zh: '开放答复延期同意机关（均须同意）', en: 'Who consent to an open reply extension (all of them)' },
  },
  openDemandCollectionIntervalMonths: {
    label: { zh: '开放需求定期征集周期', en: 'Interval of open-data demand collection' },
    unit: 'months',
  },
  kAnonymityK: {
    label: { zh: '匿名化 k-匿名的 k 值', en: 'k of the k-anonymity check for opening' },
    unit: 'count',
  },
  sandboxMinGroupSize: {
    label: { zh: '沙箱聚合结果最小分组人数', en: 'Minimum group size of a sandbox aggregate' },
    unit: 'count',
  },
  correctionReplyDays: {
    label: { zh: '校核申请核实、更正并反馈期限', en: 'Reply to a correction request' },
    unit: 'working_days',
  },
  agreementMaxTermYears: {
    label: { zh: '授权运营协议期限上限（原则上）', en: 'Maximum operation agreement term (in principle)' },
    unit: 'years',
  },
  agreementFilingDays: {
    label: { zh: '协议签署后备案并公开期限', en: 'Filing and publication after signing an agreement' },
    unit: 'working_days',
  },
  agreementChangeFilingDays: {
    label: { zh: '协议变更或终止后备案期限', en: 'Filing after an agreement change or termination' },
    unit: 'working_days',
  },
  planFilingDays: {
    label: { zh: '市县实施方案审议通过后备案期限', en: 'Filing of a city/county implementation plan' },
    unit: 'working_days',
  },
  selectionMethods: {
    label: { zh: '运营机构遴选方式', en: 'Operator selection methods' },
  },
  selectionSteps: {
    label: { zh: '运营机构遴选程序', en: 'Operator selection procedure' },
  },
  candidateNoticeDays: {
    label: { zh: '运营机构候选人公示期（不少于）', en: 'Public notice of the candidate operator (at least)' },
    unit: 'days',
  },
  scenarioReviewDays: {
    label: { zh: '应用场景（用数申请）审核期限', en: 'Review of a scenario / data-use application' },
    unit: 'working_days',
  },
  productReviewDays: {
    label: { zh: '数据产品和服务审核期限', en: 'Review of a data product or service' },
    unit: 'working_days',
  },
  pricing: {
    label: { zh: '定价规则', en: 'Pricing' },
    unit: 'text',
  },
  reportingCycle: {
    label: { zh: '报告与披露', en: 'Reporting and disclosure' },
    unit: 'text',
  },
  reportIntervalMonths: {
    label: { zh: '授权运营报告周期', en: 'Operation report interval' },
    unit: 'months',
  },
  annualReportDue: {
    label: { zh: '上一年度报告截止日（月-日）', en: 'Due date of the annual report (MM-DD)' },
    unit: 'text',
  },
  disclosureIntervalMonths: {
    label: { zh: '授权运营情况披露周期', en: 'Disclosure interval of authorizations and usage' },
    unit: 'months',
  },
  evaluationIntervalMonths: {
    label: { zh: '授权运营评价周期', en: 'Evaluation interval' },
    unit: 'months',
  },
  logRetentionYears: {
    label: { zh: '网络日志保存年限（不少于）', en: 'Network log retention (at least)' },
    unit: 'years',
  },
  rectificationDays: {
    label: { zh: '责令限期改正期限', en: 'Period set for rectification' },
    unit: 'working_days',
  },
  marketplacePricingMethods: {
    label: { zh: '数据产品交易定价方式', en: 'Marketplace pricing methods' },
  },
  procurementThreshold: {
    label: { zh: '当年政府采购限额标准（元）', en: 'Annual government procurement threshold (yuan)' },
  },
  providerAccountNoticeIntervalMonths: {
    label: { zh: '数据资源提供方账户公告周期', en: 'Publication interval of provider accounts' },
    unit: 'months',
  },
  incidentResponseImmediate: {
    label: { zh: '安全事件立即启动应急预案', en: 'Emergency plan starts immediately on a security incident' },
  },
  riskStopImmediate: {
    label: { zh: '发现风险隐患立即停止处理', en: 'Processing stops immediately when a risk is found' },
  },
  extensionDecisionDays: {
    label: { zh: '延期申请决定期限', en: 'Decision on an extension request' },
    unit: 'working_days',
  },
  maxExtensionsPerDuty: {
    label: { zh: '每项时限最多延期次数', en: 'Extensions allowed per duty' },
    unit: 'count',
  },
  ruleValidityYears: {
    label: { zh: '规则有效期', en: 'Validity of the rules' },
    unit: 'years',
  },
  legacyComplianceYears: {
    label: { zh: '存量授权运营完善期限', en: 'Compliance period for pre-existing operations' },
    unit: 'years',
  },
};

/** Every parameter name, in catalogue order. */
export const PARAM_KEYS = Object.freeze(Object.keys(PARAM_META)) as ReadonlyArray<keyof JurisdictionParams>;

/** What a profile file writes for one parameter: the value and its source. */
export type ParamInput<P> = P extends Param<infer T> ? { value: T; source: string } : never;

/** What a profile file writes for all parameters. */
export type ParamInputs = { [K in keyof JurisdictionParams]: ParamInput<JurisdictionParams[K]> };

/** Parameters whose value may be `null` (the documents may leave them unset). */
export type NullableParamKey = {
  [K in keyof JurisdictionParams]: null extends JurisdictionParams[K]['value'] ? K : never;
}[keyof JurisdictionParams];

/** The parameters of inter-agency sharing (共享) and opening (开放), which 003 and 004 do not govern. */
export const SHARING_AND_OPENING_KEYS = Object.freeze([
  'negativeListReviewDays',
  'unconditionalShareImmediate',
  'conditionalShareReplyDays',
  'conditionalShareExtensionMaxDays',
  'conditionalShareExtensionApprovers',
  'deliveryAfterConsentDays',
  'apiDeliveryImmediate',
  'sharingFree',
  'unconditionalOpenImmediate',
  'unconditionalOpenFree',
  'conditionalOpenReplyDays',
  'conditionalOpenExtensionMaxDays',
  'conditionalOpenExtensionApprovers',
  'openDemandCollectionIntervalMonths',
] as const satisfies readonly NullableParamKey[]);

/** Inputs for parameters a document is silent on: each `null`, with the one source saying so. */
export function silentOn<K extends NullableParamKey>(keys: readonly K[], source: string): { [P in K]: { value: null; source: string } } {
  // fromEntries loses the key type; the entries are exactly `keys`, each `{ value: null, source }`.
  return Object.fromEntries(keys.map((key) => [key, { value: null, source }])) as { [P in K]: { value: null; source: string } };
}

/** The extension rules of REQUIREMENTS Decision 3, the same in every profile unless one says otherwise. */
export const DECISION_3_EXTENSIONS = Object.freeze({
  extensionDecisionDays: { value: 1, source: 'Decision 3' },
  maxExtensionsPerDuty: { value: 1, source: 'Decision 3' },
} satisfies Pick<ParamInputs, 'extensionDecisionDays' | 'maxExtensionsPerDuty'>);

/** Completes a profile's values and sources with the catalogue's labels and units. */
export function defineParams(inputs: ParamInputs): JurisdictionParams {
  const out: Record<string, Param<unknown>> = {};
  for (const key of PARAM_KEYS) {
    const { label, unit } = PARAM_META[key];
    const { value, source } = inputs[key];
    out[key] = unit ? { value, source, label: { ...label }, unit } : { value, source, label: { ...label } };
  }
  // `out` holds exactly the keys of PARAM_META, each built from the input typed for that key.
  return out as unknown as JurisdictionParams;
}
