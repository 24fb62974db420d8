/**
 * Henan 2025 — 003 (河南省公共数据资源授权运营实施办法（试行）, 豫政办〔2025〕5号, issued
 * 2025-02-28, valid 3 years). It governs authorized operation only (one primary developer,
 * secondary developers); it sets no rules for inter-agency sharing or for opening, and
 * REQUIREMENTS does not say the platform carries Hainan's over, so those values are null with
 * the silence as their source.
 */
import { DECISION_3_EXTENSIONS, SHARING_AND_OPENING_KEYS, defineParams, silentOn } from './params.js';
import type { JurisdictionProfile } from './profile.js';

/** 003 covers authorized operation only. */
const NOT_SHARING = '003 未规定（仅规范授权运营，不含共享、开放）';

/** 河南省 2025（试行）. */
export const henan2025: JurisdictionProfile = {
  id: 'henan-2025',
  name: { zh: '河南省（2025，豫政办〔2025〕5号，试行）', en: 'Henan (2025, Yu Zheng Ban [2025] No. 5, trial)' },
  region: { code: '410000', name: '河南省' },
  documents: [{ code: '003', title: '河南省公共数据资源授权运营实施办法（试行）', status: 'trial' }],
  params: defineParams({
    // Catalog
    catalogUpdateDays: { value: null, source: '003 第九条（动态更新，未定期限；决定7）' },
    catalogUpdateExtensionDays: { value: null, source: '003 未规定' },
    catalogUpdateExtensionApprovers: { value: null, source: '003 未规定' },
    catalogUpdateReviewDays: { value: null, source: '003 未规定（决定7）' },
    catalogInitialReviewDays: { value: null, source: '003 第九条（未定期限；决定7）' },
    operationCatalogFilingIntervalMonths: { value: null, source: '003 未规定' },

    // Aggregation
    baseDbAggregationDays: { value: null, source: '003 未规定' },
    operationScopeAggregationDays: { value: null, source: '003 第三条（从省一体化大数据平台统一获取，未定期限；决定7）' },
    errorRateThreshold: { value: 0.05, source: '003 第十六条（数据质量）; platform setting' },

    // Sharing and opening: not governed by 003
    ...silentOn(SHARING_AND_OPENING_KEYS, NOT_SHARING),

    // Privacy: platform settings for anonymisation and the sandbox
    kAnonymityK: { value: 5, source: '003 第三条（初步脱敏、数据可用不可见）; platform setting' },
    sandboxMinGroupSize: { value: 10, source: '003 第三条（原始数据不出域、数据可用不可见）; platform setting' },

    // Quality: 7 working days to return the result of the check (反馈校核结果); the fix follows.
    correctionReplyDays: { value: 7, source: '003 第十六条' },

    // Authorized operation
    agreementMaxTermYears: { value: 3, source: '003 第十四条' },
    agreementFilingDays: { value: null, source: '003 第十三条（备案，未定期限；决定7）' },
    agreementChangeFilingDays: { value: null, source: '003 未规定（决定7）' },
    planFilingDays: { value: null, source: '003 第十一条（市级方案备案，未定期限；决定7）' },
    selectionMethods: { value: ['provincial_authorization'], source: '003 第三条' },
    selectionSteps: { value: null, source: '003 第三条（一级开发主体由省政府授权，无遴选程序）' },
    candidateNoticeDays: { value: null, source: '003 第三条（一级开发主体由省政府授权，无候选人公示）' },
    scenarioReviewDays: { value: null, source: '003 第十五条（“及时审核”，未定期限；决定7）' },
    productReviewDays: { value: null, source: '003 第十五条（“及时审核”，未定期限；决定7）' },
    pricing: {
      value: '按国家和省价格主管部门规定定价；发展改革部门制定政府指导定价管理制度；各省辖市非营利性使用可无偿使用',
      source: '003 第四、十五、二十一条',
    },
    reportingCycle: {
      value: '一级开发主体按季度报送授权运营报告，每年第一季度报送上一年度总结报告（含二级开发情况）；定期披露使用情况',
      source: '003 第十七、二十二条',
    },
    reportIntervalMonths: { value: 3, source: '003 第二十二条' },
    annualReportDue: { value: '03-31', source: '003 第二十二条（每年第一季度）' },
    disclosureIntervalMonths: { value: null, source: '003 第十七条（“定期”，频率未规定）' },
    evaluationIntervalMonths: { value: 12, source: '003 第二十二条' },
    logRetentionYears: { value: null, source: '003 未规定' },
    rectificationDays: { value: null, source: '003 第二十二、二十四条（“限期整改”，期限未定；决定7）' },

    // Marketplace
    marketplacePricingMethods: { value: null, source: '003 未规定（无数据产品超市）' },
    procurementThreshold: { value: null, source: '003 未规定' },
    providerAccountNoticeIntervalMonths: { value: null, source: '003 未规定' },

    // Security
    incidentResponseImmediate: { value: null, source: '003 第八条（须制定应急处置预案，未规定启动时点）' },
    riskStopImmediate: { value: true, source: '003 第十八条' },

    // Deadline rules
    ...DECISION_3_EXTENSIONS,

    // Validity
    ruleValidityYears: { value: 3, source: '003 第二十五条' },
    legacyComplianceYears: { value: null, source: '003 未规定' },
  }),
};
