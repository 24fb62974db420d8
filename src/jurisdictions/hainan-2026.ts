/**
 * Hainan 2026 — the default rule set. Values come from 000 (海南省促进公共数据资源开发利用办法,
 * 省政府令第337号, in force 2026-02-01). Where 000 is silent, 001 (2018) and 002 (2021
 * marketplace) fill the gap; where they conflict with 000, 000 prevails (REQUIREMENTS Decision 6):
 * - 001 第八条's 15-working-day catalog update gives way to 000 第七条's 10;
 * - 001 第十八条's "real time" base-data aggregation gives way to 000 第十条's one day;
 * - 002 第九条's "open within 5 working days of acceptance" gives way to 000 第二十条's 2-day reply
 *   (+≤5); on the platform an approval is a grant, usable at once.
 */
import { DECISION_3_EXTENSIONS, defineParams } from './params.js';
import type { JurisdictionProfile } from './profile.js';

/** 海南省 2026（第337号令），with 001/002 where 000 is silent. */
export const hainan2026: JurisdictionProfile = {
  id: 'hainan-2026',
  name: { zh: '海南省（2026，省政府令第337号）', en: 'Hainan (2026, Government Decree No. 337)' },
  region: { code: '460000', name: '海南省' },
  documents: [
    { code: '000', title: '海南省促进公共数据资源开发利用办法', status: 'in_force' },
    { code: '001', title: '海南省公共信息资源管理办法', status: 'in_force' },
    { code: '002', title: '海南省公共数据产品开发利用暂行管理办法', status: 'interim' },
  ],
  params: defineParams({
    // Catalog
    catalogUpdateDays: { value: 10, source: '000 第七条' },
    catalogUpdateExtensionDays: { value: 5, source: '000 第七条' },
    catalogUpdateExtensionApprovers: { value: ['sharing_authority'], source: '000 第七条' },
    catalogUpdateReviewDays: { value: 2, source: '000 第七条' },
    catalogInitialReviewDays: { value: null, source: '000 第六条（首次审核未定期限；决定7）' },
    negativeListReviewDays: { value: null, source: '000 第十一条（联合审查未定期限；决定7）; 001 第十二条（未定期限）' },
    operationCatalogFilingIntervalMonths: { value: null, source: '000 第二十八条（“定期”备案，频率未规定）' },

    // Aggregation
    baseDbAggregationDays: { value: 1, source: '000 第十条' },
    operationScopeAggregationDays: { value: null, source: '000 未规定（决定7）' },
    errorRateThreshold: { value: 0.05, source: '000 第四十一条（及时、完整、准确）; platform setting' },

    // Sharing
    unconditionalShareImmediate: { value: true, source: '000 第十四条' },
    conditionalShareReplyDays: { value: 2, source: '000 第十四条' },
    conditionalShareExtensionMaxDays: { value: 5, source: '000 第十四条' },
    conditionalShareExtensionApprovers: { value: ['sharing_authority'], source: '000 第十四条' },
    deliveryAfterConsentDays: { value: 10, source: '000 第十四条; Decision 5' },
    apiDeliveryImmediate: { value: true, source: '000 第十四条' },
    // 000 says nothing of charges for sharing; 001's free sharing (无偿共享) fills the gap.
    sharingFree: { value: true, source: '001 第四条' },

    // Opening
    unconditionalOpenImmediate: { value: true, source: '000 第二十条' },
    unconditionalOpenFree: { value: true, source: '002 第九条' },
    conditionalOpenReplyDays: { value: 2, source: '000 第二十条' },
    conditionalOpenExtensionMaxDays: { value: 5, source: '000 第二十条' },
    // 省营商环境建设主管部门 and 省大数据建设运营机构 must both consent; the order is not set.
    conditionalOpenExtensionApprovers: { value: ['sharing_authority', 'platform_admin'], source: '000 第二十条' },
    openDemandCollectionIntervalMonths: { value: null, source: '000 第十八条（“定期”征集，频率未规定）' },
    kAnonymityK: { value: 5, source: '000 第十九条（匿名化）; platform setting' },
    sandboxMinGroupSize: { value: 10, source: '002 第十一条（数据可用不可见、可算不可识）; platform setting' },

    // Quality
    correctionReplyDays: { value: 5, source: '000 第四十二条' },

    // Authorized operation
    agreementMaxTermYears: { value: 5, source: '000 第二十四条' },
    agreementFilingDays: { value: null, source: '000 第二十一条（报数据主管部门备案，未定期限；决定7）' },
    agreementChangeFilingDays: { value: null, source: '000 未规定（决定7）' },
    planFilingDays: { value: null, source: '000 未规定（无实施方案环节）' },
    selectionMethods: { value: ['open_tender', 'invited_tender', 'negotiation'], source: '000 第二十二条' },
    selectionSteps: { value: null, source: '000 第二十二条（未规定遴选步骤）' },
    candidateNoticeDays: { value: null, source: '000 未规定（决定7）' },
    scenarioReviewDays: { value: null, source: '000 第三十条（未定期限；决定7）' },
    productReviewDays: { value: null, source: '000 第二十四条（审核要求由协议约定，未定期限）; 002 第二十七条（未定期限；决定7）' },
    pricing: {
      value: '公益产品和服务有条件无偿使用公共数据资源；经营性定价未规定',
      source: '000 第三十四条',
    },
    reportingCycle: {
      value: '定期（频率未规定）：实施机构定期备案目录更新、披露授权对象、内容、范围和时限；运营机构定期披露使用情况',
      source: '000 第二十八、三十二条',
    },
    reportIntervalMonths: { value: null, source: '000 第二十八、三十二条（“定期”，频率未规定）' },
    annualReportDue: { value: null, source: '000 未规定' },
    disclosureIntervalMonths: { value: null, source: '000 第三十二条（“定期”，频率未规定）' },
    evaluationIntervalMonths: { value: null, source: '000 第二十四条（运营成效评价由协议约定，未定周期）' },
    logRetentionYears: {
      value: null,
      source: '000 未规定; 001 第三十五条（日志审计，未定年限）; 002 第二十四条（销毁记录，未定年限）',
    },
    rectificationDays: { value: null, source: '000 第四十七、四十八条（“限期改正”，期限未定；决定7）' },

    // Marketplace (000 is silent; 002 fills the gap)
    marketplacePricingMethods: { value: ['negotiated', 'competitive', 'third_party_appraisal'], source: '002 第二十九条' },
    procurementThreshold: { value: null, source: '002 第十八、二十八条（当年政府采购限额标准，外部年度数值，本办法未规定数额）' },
    providerAccountNoticeIntervalMonths: { value: null, source: '002 第十三条（“定期公告”，频率未规定）' },

    // Security
    incidentResponseImmediate: { value: true, source: '000 第四十四条' },
    riskStopImmediate: { value: null, source: '000 未规定' },

    // Deadline rules
    ...DECISION_3_EXTENSIONS,

    // Validity
    ruleValidityYears: { value: null, source: '000 第五十三条（长期有效，未设有效期）' },
    legacyComplianceYears: { value: null, source: '000 未规定' },
  }),
};
