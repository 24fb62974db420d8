/**
 * Guangdong 2025 — 004 (广东省公共数据资源授权运营管理办法（征求意见稿）, draft of 2025-09-16;
 * valid 2 years once issued). Every value may change when the final text is issued
 * (REQUIREMENTS ambiguity 22). Like Henan's, it governs authorized operation only: sharing and
 * opening values are null with the silence as their source.
 */
import { DECISION_3_EXTENSIONS, SHARING_AND_OPENING_KEYS, defineParams, silentOn } from './params.js';
import type { JurisdictionProfile } from './profile.js';

/** 004 covers authorized operation only. */
const NOT_SHARING = '004 未规定（仅规范授权运营，不含共享、开放）';

/** 广东省 2025（征求意见稿）. */
export const guangdong2025: JurisdictionProfile = {
  id: 'guangdong-2025',
  name: { zh: '广东省（2025，征求意见稿）', en: 'Guangdong (2025, draft for comment)' },
  region: { code: '440000', name: '广东省' },
  documents: [{ code: '004', title: '广东省公共数据资源授权运营管理办法（征求意见稿）', status: 'draft' }],
  params: defineParams({
    // Catalog
    catalogUpdateDays: { value: null, source: '004 第十一条（动态更新，未定期限；决定7）' },
    catalogUpdateExtensionDays: { value: null, source: '004 未规定' },
    catalogUpdateExtensionApprovers: { value: null, source: '004 未规定' },
    catalogUpdateReviewDays: { value: null, source: '004 未规定（决定7）' },
    catalogInitialReviewDays: { value: null, source: '004 第十一条（未定期限；决定7）' },
    operationCatalogFilingIntervalMonths: { value: null, source: '004 第十一条（动态更新并向社会公开，无备案周期）' },

    // Aggregation
    baseDbAggregationDays: { value: null, source: '004 未规定' },
    operationScopeAggregationDays: { value: 20, source: '004 第十二条' },
    errorRateThreshold: { value: 0.05, source: '004 第十四条（数据质量）; platform setting' },

    // Sharing and opening: not governed by 004
    ...silentOn(SHARING_AND_OPENING_KEYS, NOT_SHARING),

    // Privacy: platform settings for anonymisation and the sandbox
    kAnonymityK: { value: 5, source: '004 第二十五条（匿名化）; platform setting' },
    sandboxMinGroupSize: { value: 10, source: '004 第八、二十五条（平台内加工处理）; platform setting' },

    // Quality: providers fix reported issues "promptly" (及时处理), no number.
    correctionReplyDays: { value: null, source: '004 第十四条（“及时处理”，未定期限；决定7）' },

    // Authorized operation
    agreementMaxTermYears: { value: 5, source: '004 第二十二条' },
    agreementFilingDays: { value: 10, source: '004 第二十三条' },
    agreementChangeFilingDays: { value: 10, source: '004 第二十三条' },
    planFilingDays: { value: 10, source: '004 第十九条' },
    selectionMethods: { value: ['open_tender', 'invited_tender', 'negotiation'], source: '004 第二十条' },
    selectionSteps: {
      value: ['call_notice', 'application', 'qualification_and_expert_review', 'candidate_notice', 'collective_decision_and_signing'],
      source: '004 第二十条',
    },
    candidateNoticeDays: { value: 5, source: '004 第二十条' },
    scenarioReviewDays: { value: 10, source: '004 第二十四条' },
    productReviewDays: { value: 10, source: '004 第二十六条' },
    pricing: {
      value: '用于公共治理、公益事业的有条件无偿使用；经营性产品和服务确需收费的实行政府指导定价（定价制度另行制定）',
      source: '004 第二十九条',
    },
    reportingCycle: {
      value: '实施机构每年3月底前报送上一年度运营报告；实施机构、运营机构定期披露使用情况',
      source: '004 第三十五、三十七条',
    },
    reportIntervalMonths: { value: 12, source: '004 第三十七条' },
    annualReportDue: { value: '03-31', source: '004 第三十七条' },
    disclosureIntervalMonths: { value: null, source: '004 第三十五条（“定期”，频率未规定）' },
    evaluationIntervalMonths: { value: null, source: '004 第三十八条（“定期”，周期未规定）' },
    logRetentionYears: { value: 5, source: '004 第三十九条' },
    rectificationDays: { value: null, source: '004 第三十九条（整改期限未定；决定7）' },

    // Marketplace
    marketplacePricingMethods: { value: null, source: '004 未规定（无数据产品超市；第二十八条经数据交易场所交易）' },
    procurementThreshold: { value: null, source: '004 未规定' },
    providerAccountNoticeIntervalMonths: { value: null, source: '004 未规定' },

    // Security
    incidentResponseImmediate: { value: null, source: '004 未规定' },
    riskStopImmediate: { value: null, source: '004 未规定' },

    // Deadline rules
    ...DECISION_3_EXTENSIONS,

    // Validity
    ruleValidityYears: { value: 2, source: '004 第四十五条' },
    legacyComplianceYears: { value: 1, source: '004 第四十二条' },
  }),
};
