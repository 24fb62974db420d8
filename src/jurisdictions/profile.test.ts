import { describe, it, expect } from 'vitest';
import { PARAM_KEYS, PARAM_META } from './params.js';
import {
  DEFAULT_JURISDICTION,
  DOCUMENT_TITLES,
  describeSource,
  getProfile,
  profiles,
  type JurisdictionProfile,
  type Param,
} from './profile.js';

const all = Object.values(profiles);
const hainan = getProfile('hainan-2026');
const henan = getProfile('henan-2025');
const guangdong = getProfile('guangdong-2025');

/** The parameters of a profile as a list, each with its name. */
const paramsOf = (p: JurisdictionProfile): Array<[string, Param<unknown>]> =>
  PARAM_KEYS.map((key) => [key, p.params[key]]);

/** Document codes a source string cites. */
const citedCodes = (source: string) =>
  source
    .split(/;\s*/)
    .map((part) => /^(\d{3}) /.exec(part)?.[1])
    .filter((code): code is string => code !== undefined);

describe('registry', () => {
  it('holds the three rule sets, Hainan 2026 by default', () => {
    expect(Object.keys(profiles).sort()).toEqual(['guangdong-2025', 'hainan-2026', 'henan-2025']);
    expect(getProfile(DEFAULT_JURISDICTION)).toBe(hainan);
    for (const [id, p] of Object.entries(profiles)) expect(p.id).toBe(id);
  });

  it('names each province by its GB/T 2260 code', () => {
    expect(hainan.region).toEqual({ code: '460000', name: '海南省' });
    expect(henan.region).toEqual({ code: '410000', name: '河南省' });
    expect(guangdong.region).toEqual({ code: '440000', name: '广东省' });
  });

  it('fails with the unknown id and the known ids for an unknown jurisdiction', () => {
    expect(() => getProfile('nope')).toThrow(/"nope".*hainan-2026, henan-2025, guangdong-2025/);
    expect(() => getProfile('toString')).toThrow(/"toString"/);
    expect(() => getProfile('')).toThrow(Error);
  });
});

describe.each(all.map((p) => [p.id, p] as const))('profile %s', (_id, profile) => {
  it('has exactly the catalogue of parameters', () => {
    expect(Object.keys(profile.params).sort()).toEqual([...PARAM_KEYS].sort());
  });

  it('gives every parameter a label and a source that cites a document, a Decision or a platform setting', () => {
    for (const [key, param] of paramsOf(profile)) {
      expect(param.label, key).toEqual(PARAM_META[key as keyof typeof PARAM_META].label);
      expect(param.label.zh.length, key).toBeGreaterThan(0);
      expect(param.label.en.length, key).toBeGreaterThan(0);
      expect(param.source.trim().length, key).toBeGreaterThan(0);
      expect(param.source, key).toMatch(/^(000|001|002|003|004) |Decision \d+|platform setting/);
    }
  });

  it('cites only the documents the profile rests on', () => {
    const own = profile.documents.map((d) => d.code);
    for (const [key, param] of paramsOf(profile)) {
      for (const code of citedCodes(param.source)) expect(own, `${key}: ${param.source}`).toContain(code);
    }
    for (const doc of profile.documents) expect(doc.title).toBe(DOCUMENT_TITLES[doc.code]);
  });

  it('says why wherever it sets no value', () => {
    for (const [key, param] of paramsOf(profile)) {
      if (param.value === null) expect(param.source, key).toMatch(/未规定|未定|未设|无/);
    }
  });

  it('holds day, year and month counts as positive whole numbers', () => {
    for (const [key, param] of paramsOf(profile)) {
      const { unit, value } = param;
      if (value === null || !unit || !['working_days', 'days', 'years', 'months', 'count'].includes(unit)) continue;
      expect(Number.isInteger(value) && (value as number) > 0, `${key} = ${String(value)}`).toBe(true);
    }
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(profile)).toBe(true);
    expect(Object.isFrozen(profile.name)).toBe(true);
    expect(Object.isFrozen(profile.region)).toBe(true);
    expect(Object.isFrozen(profile.documents)).toBe(true);
    expect(profile.documents.every((d) => Object.isFrozen(d))).toBe(true);
    expect(Object.isFrozen(profile.params)).toBe(true);
    for (const [key, param] of paramsOf(profile)) {
      expect(Object.isFrozen(param), key).toBe(true);
      expect(Object.isFrozen(param.label), key).toBe(true);
      if (Array.isArray(param.value)) expect(Object.isFrozen(param.value), key).toBe(true);
    }
    expect(Reflect.set(profile.params.agreementMaxTermYears, 'value', 99)).toBe(false);
    expect(Reflect.set(profile.params, 'correctionReplyDays', null)).toBe(false);
    expect(Object.isFrozen(profiles)).toBe(true);
  });
});

describe('key values', () => {
  it('Hainan 2026 (000, with 001/002 where 000 is silent)', () => {
    const p = hainan.params;
    expect(p.catalogUpdateDays).toMatchObject({ value: 10, source: '000 第七条', unit: 'working_days' });
    expect(p.catalogUpdateExtensionDays.value).toBe(5);
    expect(p.catalogUpdateReviewDays.value).toBe(2);
    expect(p.baseDbAggregationDays).toMatchObject({ value: 1, unit: 'days' });
    expect(p.unconditionalShareImmediate.value).toBe(true);
    expect(p.conditionalShareReplyDays).toMatchObject({ value: 2, source: '000 第十四条' });
    expect(p.conditionalShareExtensionMaxDays.value).toBe(5);
    expect(p.conditionalShareExtensionApprovers.value).toEqual(['sharing_authority']);
    expect(p.deliveryAfterConsentDays.value).toBe(10);
    expect(p.apiDeliveryImmediate.value).toBe(true);
    expect(p.conditionalOpenReplyDays).toMatchObject({ value: 2, source: '000 第二十条' });
    expect(p.conditionalOpenExtensionMaxDays.value).toBe(5);
    expect(p.conditionalOpenExtensionApprovers.value).toEqual(['sharing_authority', 'platform_admin']);
    expect(p.correctionReplyDays).toMatchObject({ value: 5, source: '000 第四十二条' });
    expect(p.agreementMaxTermYears).toMatchObject({ value: 5, source: '000 第二十四条', unit: 'years' });
    expect(p.selectionMethods.value).toEqual(['open_tender', 'invited_tender', 'negotiation']);
    expect(p.scenarioReviewDays.value).toBeNull();
    expect(p.agreementFilingDays.value).toBeNull();
    expect(p.ruleValidityYears.value).toBeNull();
    expect(p.sharingFree).toMatchObject({ value: true, source: '001 第四条' });
    expect(p.marketplacePricingMethods.source).toBe('002 第二十九条');
  });

  it('Henan 2025 (003)', () => {
    const p = henan.params;
    expect(p.correctionReplyDays).toMatchObject({ value: 7, source: '003 第十六条' });
    expect(p.agreementMaxTermYears).toMatchObject({ value: 3, source: '003 第十四条' });
    expect(p.ruleValidityYears).toMatchObject({ value: 3, source: '003 第二十五条' });
    expect(p.reportIntervalMonths.value).toBe(3);
    expect(p.evaluationIntervalMonths.value).toBe(12);
    expect(p.selectionMethods.value).toEqual(['provincial_authorization']);
    expect(p.scenarioReviewDays.value).toBeNull();
    expect(p.productReviewDays.value).toBeNull();
    // 003 does not govern sharing or opening: no Hainan value is carried over.
    expect(p.conditionalShareReplyDays.value).toBeNull();
    expect(p.conditionalOpenReplyDays.value).toBeNull();
    expect(p.conditionalShareReplyDays.source).toMatch(/^003 未规定/);
  });

  it('Guangdong 2025 draft (004)', () => {
    const p = guangdong.params;
    expect(guangdong.documents[0]?.status).toBe('draft');
    expect(p.agreementMaxTermYears).toMatchObject({ value: 5, source: '004 第二十二条' });
    expect(p.agreementFilingDays).toMatchObject({ value: 10, source: '004 第二十三条' });
    expect(p.agreementChangeFilingDays.value).toBe(10);
    expect(p.planFilingDays).toMatchObject({ value: 10, source: '004 第十九条' });
    expect(p.candidateNoticeDays).toMatchObject({ value: 5, source: '004 第二十条', unit: 'days' });
    expect(p.scenarioReviewDays).toMatchObject({ value: 10, source: '004 第二十四条' });
    expect(p.productReviewDays).toMatchObject({ value: 10, source: '004 第二十六条' });
    expect(p.operationScopeAggregationDays).toMatchObject({ value: 20, source: '004 第十二条' });
    expect(p.logRetentionYears).toMatchObject({ value: 5, source: '004 第三十九条' });
    expect(p.ruleValidityYears).toMatchObject({ value: 2, source: '004 第四十五条' });
    expect(p.legacyComplianceYears).toMatchObject({ value: 1, source: '004 第四十二条' });
    expect(p.annualReportDue.value).toBe('03-31');
    expect(p.correctionReplyDays.value).toBeNull();
  });

  it('platform settings default alike in every profile', () => {
    for (const p of all) {
      expect(p.params.kAnonymityK.value).toBe(5);
      expect(p.params.kAnonymityK.source).toMatch(/platform setting/);
      expect(p.params.sandboxMinGroupSize.value).toBe(10);
      expect(p.params.extensionDecisionDays).toMatchObject({ value: 1, source: 'Decision 3', unit: 'working_days' });
      expect(p.params.maxExtensionsPerDuty).toMatchObject({ value: 1, source: 'Decision 3' });
      expect(p.params.errorRateThreshold).toMatchObject({ value: 0.05, unit: 'ratio' });
    }
    expect(hainan.params.kAnonymityK.source).toMatch(/^000 第十九条/);
  });
});

describe('describeSource', () => {
  it('expands a document code to the full title', () => {
    expect(describeSource(hainan, '000 第十四条')).toBe('《海南省促进公共数据资源开发利用办法》第十四条');
    expect(describeSource(henan, '003 第十六条')).toBe('《河南省公共数据资源授权运营实施办法（试行）》第十六条');
    expect(describeSource(guangdong, '004 第四十五条')).toBe('《广东省公共数据资源授权运营管理办法（征求意见稿）》第四十五条');
  });

  it('expands each of several sources', () => {
    expect(describeSource(hainan, '000 第十四条; 001 第十八条')).toBe(
      '《海南省促进公共数据资源开发利用办法》第十四条；《海南省公共信息资源管理办法》第十八条',
    );
    expect(describeSource(hainan, '000 第十九条（匿名化）; platform setting')).toBe(
      '《海南省促进公共数据资源开发利用办法》第十九条（匿名化）；平台设定',
    );
    expect(describeSource(hainan, '000 第十四条; Decision 5')).toBe('《海南省促进公共数据资源开发利用办法》第十四条；平台决定5');
  });

  it('keeps notes and silence, and leaves what it does not know as written', () => {
    expect(describeSource(hainan, '000 未规定（决定7）')).toBe('《海南省促进公共数据资源开发利用办法》未规定（决定7）');
    expect(describeSource(henan, '000 第七条')).toBe('《海南省促进公共数据资源开发利用办法》第七条');
    expect(describeSource(hainan, '009 第一条')).toBe('009 第一条');
    expect(describeSource(hainan, '')).toBe('');
  });

  it('renders every source of every profile without a bare document code left', () => {
    for (const p of all) {
      for (const [key, param] of paramsOf(p)) {
        const text = describeSource(p, param.source);
        expect(text, key).not.toMatch(/(^|；)00\d /);
        expect(text.length, key).toBeGreaterThan(0);
      }
    }
  });
});
