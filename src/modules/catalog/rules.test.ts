/**
 * The catalog's rules, each on both sides of its edge, with the article every refusal cites.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import type { AuthContext } from '../../kernel/auth.js';
import { getProfile } from '../../jurisdictions/profile.js';
import { ART, FORMATS, UPDATE_FREQUENCIES, type EntryInput } from './model.js';
import type { CatalogField, VersionStatus } from './tables.js';
import { DEMO_CATALOG } from './demo-data.js';
import {
  assertEditable,
  assertNoViolations,
  assessmentViolations,
  canConsentExtension,
  canDraft,
  canEdit,
  canRecordChange,
  canReview,
  canSubmit,
  checkEntry,
  effectiveSensitivity,
  entryViolations,
  instrumentKind,
  legalBasisProblem,
  normalizeEntry,
  reviewPeriod,
  submissionViolations,
  versionWorkflow,
  visibleStatuses,
} from './rules.js';

const ASSESSED = { secrecyRisk: { conclusion: '不涉及国家秘密' }, piiImpact: { conclusion: '已评估，个人信息按重要数据处理' } };

/** The example body: valid as it stands. */
function base(over: Partial<EntryInput> = {}): EntryInput {
  return {
    name: '企业营业执照信息',
    description: '全省企业登记注册信息',
    format: 'table',
    fields: [
      { name: 'uscc', label: '统一社会信用代码', type: 'string', required: true, key: true },
      { name: 'reg_date', label: '成立日期', type: 'date' },
    ],
    shareAttr: 'conditional',
    shareConditions: { scope: '省内各级政务部门履行法定职责', usage: '仅用于政务服务和监管' },
    noShareBasis: null,
    openAttr: 'none',
    notOpenReason: 'commercial_secret',
    operationAttr: true,
    provisionMethods: ['api', 'batch'],
    updateFrequency: 'daily',
    category: '市场监管',
    grade: 'general',
    assessments: ASSESSED,
    ...over,
  };
}

const pii: CatalogField = { name: 'legal_rep', label: '法定代表人', type: 'string', piiKind: 'name' };
const secret: CatalogField = { name: 'price', label: '成交价格', type: 'number', commercialSecret: true };
const withField = (f: CatalogField, over: Partial<EntryInput> = {}) => base({ fields: [...base().fields, f], ...over });

/** The violations of `input` on `field`. */
const on = (input: EntryInput, field: string) => entryViolations(input).filter((v) => v.field === field);

/** Asserts exactly one refusal concerns `field`, citing `source`; returns its message. */
function refused(input: EntryInput, field: string, source: string): string {
  const vs = on(input, field);
  expect(vs, `expected a refusal on ${field}, got ${JSON.stringify(entryViolations(input))}`).toHaveLength(1);
  expect(vs[0]?.source).toBe(source);
  return vs[0]?.message ?? '';
}

const accepted = (input: EntryInput) => expect(entryViolations(input)).toEqual([]);

function refusalOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the example entry', () => {
  it('passes every entry-time and submission rule', () => {
    accepted(base());
    expect(submissionViolations(base())).toEqual([]);
  });

  it('every demo catalog entry passes the rules it will be submitted under', () => {
    for (const d of DEMO_CATALOG) expect(submissionViolations(d.input), d.input.name).toEqual([]);
  });
});

describe('mandatory items (000 第六条)', () => {
  it('refuses an empty or blank name and accepts one character', () => {
    expect(refused(base({ name: '' }), 'name', ART.fields)).toContain('目录名称');
    refused(base({ name: '   ' }), 'name', ART.fields);
    accepted(base({ name: '证' }));
  });

  it('refuses an entry without data items and accepts one item', () => {
    expect(refused(base({ fields: [] }), 'fields', ART.fields)).toContain('数据项');
    accepted(base({ fields: [{ name: 'uscc', label: '统一社会信用代码', type: 'string' }] }));
  });

  it('refuses two items with the same name, naming both, and accepts distinct names', () => {
    const dup = base({ fields: [...base().fields, { name: 'uscc', label: '信用代码', type: 'string' }] });
    expect(refused(dup, 'fields/2/name', ART.fields)).toMatch(/“uscc”与第 1 项重复/);
    accepted(base({ fields: [...base().fields, { name: 'uscc2', label: '信用代码', type: 'string' }] }));
  });

  it.each(['Uscc', '1st', 'reg-date', 'reg date', '名称', '_x', 'a'.repeat(64)])('refuses the item name %j', (name) => {
    refused(base({ fields: [{ name, label: '字段', type: 'string' }] }), 'fields/0/name', ART.fields);
  });

  it.each(['a', 'reg_date', 'pm25', 'a'.repeat(63)])('accepts the item name %j', (name) => {
    accepted(base({ fields: [{ name, label: '字段', type: 'string' }] }));
  });

  it('refuses an item without Chinese label', () => {
    expect(refused(base({ fields: [{ name: 'uscc', label: ' ', type: 'string' }] }), 'fields/0/label', ART.fields)).toContain('中文名称');
  });

  it('refuses an unknown item type and accepts each of the six', () => {
    refused(base({ fields: [{ name: 'x', label: '某', type: 'text' as CatalogField['type'] }] }), 'fields/0/type', ART.fields);
    for (const type of ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const) accepted(base({ fields: [{ name: 'x', label: '某', type }] }));
  });

  it('refuses an unknown format and accepts each known one', () => {
    refused(base({ format: 'xml' }), 'format', ART.fields);
    for (const format of FORMATS) accepted(base({ format }));
  });

  it('refuses an unknown update frequency and accepts each of the seven', () => {
    refused(base({ updateFrequency: 'hourly' as EntryInput['updateFrequency'] }), 'updateFrequency', ART.fields);
    expect(UPDATE_FREQUENCIES).toHaveLength(7);
    for (const updateFrequency of UPDATE_FREQUENCIES) accepted(base({ updateFrequency }));
  });

  it('refuses unknown share and open attributes and a missing operation attribute', () => {
    refused(base({ shareAttr: 'partial' as EntryInput['shareAttr'] }), 'shareAttr', ART.fields);
    refused(base({ openAttr: 'partial' as EntryInput['openAttr'] }), 'openAttr', ART.fields);
    refused(base({ operationAttr: undefined as unknown as boolean }), 'operationAttr', ART.fields);
  });

  it('refuses no provision method or an unknown one, accepts each of api, batch, file alone', () => {
    expect(refused(base({ provisionMethods: [] }), 'provisionMethods', ART.fields)).toContain('至少选择一种');
    refused(base({ provisionMethods: ['ftp' as 'api'] }), 'provisionMethods/0', ART.fields);
    for (const m of ['api', 'batch', 'file', 'sandbox'] as const) accepted(base({ provisionMethods: [m] }));
  });

  it('refuses an empty category and an unknown grade', () => {
    refused(base({ category: '' }), 'category', ART.fields);
    refused(base({ grade: 'secret' as EntryInput['grade'] }), 'grade', ART.fields);
  });

  it('refuses an unknown priority area citing 000 第十八条 and accepts a known one', () => {
    refused(base({ priorityAreas: ['tourism'] }), 'priorityAreas/0', ART.openList);
    accepted(base({ priorityAreas: ['ecology', 'business_environment'] }));
  });
});

describe('share attribute (000 第十三条)', () => {
  it('conditional sharing needs both the scope and the usage', () => {
    const missing = entryViolations(base({ shareConditions: null }));
    expect(missing.map((v) => [v.field, v.source])).toEqual([
      ['shareConditions/scope', ART.shareAttr],
      ['shareConditions/usage', ART.shareAttr],
    ]);
    expect(refused(base({ shareConditions: { scope: '', usage: '政务服务' } }), 'shareConditions/scope', ART.shareAttr)).toContain('共享范围');
    expect(refused(base({ shareConditions: { scope: '省内政务部门', usage: ' ' } }), 'shareConditions/usage', ART.shareAttr)).toContain('使用用途');
    accepted(base({ shareConditions: { scope: '省内政务部门', usage: '政务服务' } }));
  });

  it('unconditional sharing needs no conditions', () => {
    accepted(base({ shareAttr: 'unconditional', shareConditions: null }));
  });

  const none = (noShareBasis: string | null) => base({ shareAttr: 'none', shareConditions: null, noShareBasis });

  it.each([
    [null, '须列明理由'],
    ['', '须列明理由'],
    ['涉及工作秘密，不宜共享', '书名号'],
    ['《海南省公共数据管理办法》第九条', '不是法律、行政法规或国务院决定'],
    ['《海南省大数据开发应用条例》第十条', '地方性法规'],
    ['《海口市城市管理条例》', '不是法律'],
    ['《深圳经济特区数据条例》', '不是法律'],
    ['《国务院办公厅关于印发某某的通知》', '不是法律'],
  ])('refuses the basis %j', (basis, message) => {
    expect(refused(none(basis), 'noShareBasis', ART.shareAttr)).toContain(message);
  });

  it.each([
    '《中华人民共和国保守国家秘密法》第十三条，属于国家秘密',
    '《中华人民共和国个人信息保护法》第三十四条',
    '《中华人民共和国民法典》第一千零三十九条',
    '《中华人民共和国政府信息公开条例》第十四条',
    '《城市供水条例》第三条',
    '《国务院关于在线政务服务的若干规定》',
    '依据国务院关于加强数据安全管理的决定，不予共享',
    '《全国人民代表大会常务委员会关于加强网络信息保护的决定》',
    '《海南省公共数据管理办法》及《中华人民共和国数据安全法》第二十一条',
  ])('accepts the basis %j', (basis) => {
    accepted(none(basis));
  });

  it('classifies instrument titles', () => {
    expect(instrumentKind('中华人民共和国数据安全法')).toBe('law');
    expect(instrumentKind('海南自由贸易港法')).toBe('law');
    expect(instrumentKind('中华人民共和国保守国家秘密法实施条例')).toBe('administrative_regulation');
    expect(instrumentKind('国务院关于加强数字政府建设的决定')).toBe('state_council_decision');
    expect(instrumentKind('海南省公共数据产品开发利用暂行管理办法')).toBeNull();
    expect(instrumentKind('海南自由贸易港数据条例')).toBeNull();
    expect(instrumentKind('三亚市城市管理条例')).toBeNull();
    expect(legalBasisProblem('《中华人民共和国统计法》')).toBeNull();
  });
});

describe('open attribute (000 第十九条)', () => {
  it('not open needs one of the grounds of 第十九条', () => {
    expect(refused(base({ notOpenReason: null }), 'notOpenReason', ART.notOpen)).toContain('第十九条');
    refused(base({ notOpenReason: 'inconvenient' }), 'notOpenReason', ART.notOpen);
    for (const r of ['state_secret', 'personal_info', 'commercial_secret', 'security', 'law', 'other']) accepted(base({ notOpenReason: r }));
  });

  const open = (over: Partial<EntryInput>) => ({ openAttr: 'unconditional' as const, notOpenReason: null, ...over });

  it('personal information opens only anonymised or with consent (第十九条第二款第一、三项)', () => {
    expect(refused(withField(pii, open({})), 'openSafeguards', ART.notOpen)).toMatch(/“法定代表人”涉及个人信息/);
    refused(withField(pii, open({ openAttr: 'conditional' })), 'openSafeguards', ART.notOpen);
    // Desensitising is the cure for commercial secrets, not for personal information.
    expect(refused(withField(pii, open({ openSafeguards: ['desensitised'] })), 'openSafeguards', ART.notOpen)).toContain('匿名化');
    for (const s of ['anonymised', 'consent']) accepted(withField(pii, open({ openSafeguards: [s] })));
  });

  it('commercial secrets open only desensitised or with consent, not merely anonymised (第十九条第二款第二、三项)', () => {
    expect(refused(withField(secret, open({ openSafeguards: ['anonymised'] })), 'openSafeguards', ART.notOpen)).toContain('脱敏');
    accepted(withField(secret, open({ openSafeguards: ['consent'] })));
  });

  it('items marked as commercial secrets, or an entry whose ground is one, need a safeguard too', () => {
    expect(refused(withField(secret, open({})), 'openSafeguards', ART.notOpen)).toContain('商业秘密');
    accepted(withField(secret, open({ openSafeguards: ['desensitised'] })));
    refused(base(open({ notOpenReason: 'commercial_secret' })), 'openSafeguards', ART.notOpen);
    accepted(base(open({ notOpenReason: 'commercial_secret', openSafeguards: ['consent'] })));
  });

  it('data without personal information or secrets opens without safeguards', () => {
    accepted(base(open({})));
  });

  it('refuses an unknown safeguard', () => {
    refused(withField(pii, open({ openSafeguards: ['encrypted'] })), 'openSafeguards/0', ART.notOpen);
  });

  it.each(['state_secret', 'security', 'law', 'other'])('refuses opening data whose ground %s no safeguard cures', (reason) => {
    refused(base(open({ notOpenReason: reason, openSafeguards: ['anonymised'] })), 'notOpenReason', ART.notOpen);
  });

  it('core data is never open (000 第十九条) and never in authorized operation (000 第二十七条)', () => {
    expect(refused(base(open({ grade: 'core', operationAttr: false })), 'openAttr', ART.notOpen)).toContain('核心数据不予开放');
    refused(base({ grade: 'core', openAttr: 'conditional', notOpenReason: null, operationAttr: false }), 'openAttr', ART.notOpen);
    accepted(base({ grade: 'core', operationAttr: false }));
    expect(refused(base({ grade: 'core', operationAttr: true }), 'operationAttr', ART.operationScope)).toContain('核心数据不得纳入授权运营');
    accepted(base({ grade: 'important', operationAttr: true }));
    accepted(base({ grade: 'general', operationAttr: true }));
  });
});

describe('personal-information items are handled as important unless downgraded with a reason', () => {
  it('defaults a personal-information item to important and leaves other items as given', () => {
    expect(effectiveSensitivity(pii)).toBe('important');
    expect(effectiveSensitivity({ piiKind: null })).toBeUndefined();
    const n = normalizeEntry(withField(pii));
    expect(n.fields.find((f) => f.name === 'legal_rep')?.sensitivity).toBe('important');
    expect(n.fields.find((f) => f.name === 'uscc')?.sensitivity).toBeUndefined();
  });

  it('refuses a downgrade to general without reason, citing the grading standard', () => {
    expect(refused(withField({ ...pii, sensitivity: 'general' }), 'fields/2/downgradeReason', ART.grading)).toContain('说明理由');
    refused(withField({ ...pii, sensitivity: 'general', downgradeReason: '  ' }), 'fields/2/downgradeReason', ART.grading);
  });

  it('accepts a downgrade with a reason, and important or core without one', () => {
    accepted(withField({ ...pii, sensitivity: 'general', downgradeReason: '法定代表人姓名依法公示' }));
    accepted(withField({ ...pii, sensitivity: 'important' }));
    accepted(withField({ ...pii, sensitivity: 'core' }));
    accepted(withField({ name: 'note', label: '备注', type: 'string', sensitivity: 'general' }));
  });
});

describe('assessments before submission (000 第六条, CAT-04)', () => {
  it('are not required for a draft', () => {
    accepted(base({ assessments: {} }));
  });

  it('are both required at submission, each with a conclusion', () => {
    const both = assessmentViolations({});
    expect(both.map((v) => [v.field, v.source])).toEqual([
      ['assessments/secrecyRisk', ART.assessments],
      ['assessments/piiImpact', ART.assessments],
    ]);
    expect(both[0]?.message).toContain('保密风险评估');
    expect(both[1]?.message).toContain('个人信息保护影响评估');
    expect(assessmentViolations({ secrecyRisk: ASSESSED.secrecyRisk }).map((v) => v.field)).toEqual(['assessments/piiImpact']);
    expect(assessmentViolations({ ...ASSESSED, piiImpact: { conclusion: ' ' } }).map((v) => v.field)).toEqual(['assessments/piiImpact']);
    expect(assessmentViolations({ ...ASSESSED, secrecyRisk: { done: false, conclusion: '进行中' } }).map((v) => v.field)).toEqual(['assessments/secrecyRisk']);
    expect(assessmentViolations({ ...ASSESSED, secrecyRisk: '不涉密' })).toHaveLength(1);
    expect(assessmentViolations(ASSESSED)).toEqual([]);
    expect(assessmentViolations({ secrecyRisk: { done: true, conclusion: '不涉密', date: '2026-08-15' }, piiImpact: { conclusion: '不涉及个人信息' } })).toEqual([]);
  });

  it('submission checks the entry rules as well', () => {
    expect(submissionViolations(base({ name: '', assessments: {} })).map((v) => v.field)).toEqual(['name', 'assessments/secrecyRisk', 'assessments/piiImpact']);
  });
});

describe('refusals', () => {
  it('are 422 RULE_VIOLATION citing the first broken rule, listing every problem', () => {
    const err = refusalOf(() => checkEntry(base({ name: '', shareConditions: null })));
    expect(err.status).toBe(422);
    expect(err.code).toBe('RULE_VIOLATION');
    expect(err.source).toBe(ART.fields);
    expect(err.message).toMatch(/^目录名称（name）必填（另有 2 处问题）$/);
    expect(err.fields?.map((f) => f.field)).toEqual(['name', 'shareConditions/scope', 'shareConditions/usage']);
    expect(err.fields?.[1]?.message).toContain(`依据 ${ART.shareAttr}`);
  });

  it('pass silently when nothing is broken', () => {
    expect(() => assertNoViolations([])).not.toThrow();
  });
});

describe('version lifecycle', () => {
  it('submits drafts and returned versions only', () => {
    expect(versionWorkflow.apply('draft', 'submit', {})).toBe('submitted');
    expect(versionWorkflow.apply('returned', 'submit', {})).toBe('submitted');
    for (const s of ['submitted', 'published', 'superseded'] as const) expect(refusalOf(() => versionWorkflow.apply(s, 'submit', {})).code).toBe('INVALID_STATE');
  });

  it('approves and returns submitted versions only; a return carries a comment', () => {
    expect(versionWorkflow.apply('submitted', 'approve', {})).toBe('published');
    expect(versionWorkflow.apply('submitted', 'return', { comment: '请补充共享范围' })).toBe('returned');
    const bare = refusalOf(() => versionWorkflow.apply('submitted', 'return', { comment: '  ' }));
    expect(bare.code).toBe('RULE_VIOLATION');
    expect(bare.message).toContain('审核意见');
    for (const s of ['draft', 'returned', 'published'] as const) expect(refusalOf(() => versionWorkflow.apply(s, 'approve', {})).code).toBe('INVALID_STATE');
  });

  it('supersedes only the published version', () => {
    expect(versionWorkflow.apply('published', 'supersede', {})).toBe('superseded');
    expect(refusalOf(() => versionWorkflow.apply('superseded', 'supersede', {})).code).toBe('INVALID_STATE');
  });

  it('edits drafts and returned versions only; a published one is refused citing 000 第七条', () => {
    expect(() => assertEditable('draft', 1)).not.toThrow();
    expect(() => assertEditable('returned', 1)).not.toThrow();
    const pub = refusalOf(() => assertEditable('published', 2));
    expect([pub.status, pub.source]).toEqual([409, ART.update]);
    expect(pub.message).toContain('新建版本');
    expect(refusalOf(() => assertEditable('submitted', 1)).status).toBe(409);
    expect(refusalOf(() => assertEditable('superseded', 1)).status).toBe(409);
  });

  it('reviews a first submission without deadline and an update within 2 working days (Hainan)', () => {
    const hn = getProfile('hainan-2026');
    expect(reviewPeriod(hn, false)).toEqual({ workingDays: null, source: hn.params.catalogInitialReviewDays.source });
    expect(reviewPeriod(hn, true)).toEqual({ workingDays: 2, source: '000 第七条' });
  });
});

describe('who may do what', () => {
  function auth(orgRoles: string[], userRoles: string[], orgId = 'org-a'): AuthContext {
    return {
      user: { id: 'u', login: 'u', name: 'u', orgId, roles: userRoles },
      org: { id: orgId, name: 'org', uscc: null, kind: 'organization', regionCode: '460000', roles: orgRoles },
      roles: [...orgRoles, ...userRoles],
      via: 'session',
      apiKeyId: null,
    };
  }
  const entry = { provider_org_id: 'org-a' };

  it('institution clerks, data officers and org admins draft; others do not', () => {
    for (const r of ['clerk', 'data_officer', 'org_admin']) expect(canDraft(auth(['institution'], [r]))).toBe(true);
    expect(canDraft(auth(['institution'], ['reviewer']))).toBe(false);
    expect(canDraft(auth(['sharing_authority'], ['org_admin']))).toBe(false);
    expect(canDraft(auth(['developer'], ['clerk']))).toBe(false);
  });

  it('only the provider edits, and only its data officer submits', () => {
    expect(canEdit(auth(['institution'], ['clerk']), entry)).toBe(true);
    expect(canEdit(auth(['institution'], ['clerk'], 'org-b'), entry)).toBe(false);
    expect(canSubmit(auth(['institution'], ['data_officer']), entry)).toBe(true);
    expect(canSubmit(auth(['institution'], ['clerk']), entry)).toBe(false);
    expect(canSubmit(auth(['institution'], ['org_admin']), entry)).toBe(false);
    expect(canSubmit(auth(['institution'], ['data_officer'], 'org-b'), entry)).toBe(false);
  });

  it('the authority reviews entries of other orgs, never its own', () => {
    expect(canReview(auth(['sharing_authority'], ['reviewer'], 'org-y'), entry)).toBe(true);
    expect(canReview(auth(['sharing_authority'], ['org_admin'], 'org-y'), entry)).toBe(true);
    expect(canReview(auth(['sharing_authority'], ['clerk'], 'org-y'), entry)).toBe(false);
    expect(canReview(auth(['data_authority'], ['reviewer'], 'org-y'), entry)).toBe(false);
    expect(canReview(auth(['sharing_authority', 'institution'], ['reviewer'], 'org-a'), entry)).toBe(false);
  });

  it('changes are recorded by the provider or the authority; extensions consented by the approvers the profile names', () => {
    expect(canRecordChange(auth(['institution'], ['clerk']), entry)).toBe(true);
    expect(canRecordChange(auth(['sharing_authority'], ['reviewer'], 'org-y'), entry)).toBe(true);
    expect(canRecordChange(auth(['institution'], ['clerk'], 'org-b'), entry)).toBe(false);
    const approvers = getProfile('hainan-2026').params.catalogUpdateExtensionApprovers.value;
    expect(canConsentExtension(auth(['sharing_authority'], ['reviewer'], 'org-y'), approvers)).toBe(true);
    expect(canConsentExtension(auth(['institution'], ['org_admin']), approvers)).toBe(false);
    expect(canConsentExtension(auth(['sharing_authority'], ['clerk'], 'org-y'), approvers)).toBe(false);
    expect(canConsentExtension(auth(['sharing_authority'], ['reviewer'], 'org-y'), null)).toBe(false);
  });

  it('drafts are the provider’s; submissions also the authority’s; published versions everyone’s', () => {
    const all: VersionStatus[] = ['draft', 'submitted', 'returned', 'published', 'superseded'];
    expect(visibleStatuses(auth(['institution'], ['clerk']), entry)).toEqual(all);
    expect(visibleStatuses(auth(['sharing_authority'], ['reviewer'], 'org-y'), entry)).toEqual(['submitted', 'published', 'superseded']);
    expect(visibleStatuses(auth(['institution'], ['clerk'], 'org-b'), entry)).toEqual(['published', 'superseded']);
    expect(visibleStatuses(auth(['public'], [], 'org-p'), entry)).toEqual(['published', 'superseded']);
  });
});
