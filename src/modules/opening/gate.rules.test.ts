import { describe, expect, it } from 'vitest';
import {
  complianceProblems,
  effectiveQuasiIdentifiers,
  needsGate,
  normalisePlan,
  parseTreatment,
  planErrors,
  treatedColumns,
  treatmentText,
  type GateField,
} from './gate.rules.js';

const F: GateField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, piiKind: 'id_number' },
  { name: 'name', label: '姓名', type: 'string', piiKind: 'name' },
  { name: 'region', label: '户籍地区划', type: 'string', piiKind: 'region_code' },
  { name: 'birth', label: '出生日期', type: 'date', piiKind: 'birth_date' },
  { name: 'sex', label: '性别', type: 'string' },
  { name: 'income', label: '月收入', type: 'integer', commercialSecret: true },
];
const plan = (p: Parameters<typeof normalisePlan>[0]) => normalisePlan(p);

describe('which entries need the gate', () => {
  it('personal information or a commercial secret', () => {
    expect(needsGate(F)).toBe(true);
    expect(needsGate([{ name: 'a', label: 'A', type: 'string' }])).toBe(false);
    expect(needsGate([{ name: 'a', label: 'A', type: 'string', piiKind: '  ' }])).toBe(false);
    expect(needsGate([{ name: 'a', label: 'A', type: 'integer', commercialSecret: true }])).toBe(true);
  });
});

describe('treatments', () => {
  it('parse and print', () => {
    for (const t of ['keep', 'drop', 'pseudonymise', 'generalise:month', 'generalise:band:10', 'generalise:id_region:4']) {
      const r = parseTreatment(t);
      expect(r.ok && treatmentText(r.value)).toBe(t);
    }
    expect(parseTreatment('mask').ok).toBe(false);
    expect(parseTreatment('generalise:blur').ok).toBe(false);
  });

  it('columns after treatment: dropped ones out, generalised and pseudonymised as text', () => {
    const cols = treatedColumns(F, { treatments: { name: 'drop', id_number: 'pseudonymise', birth: 'generalise:year' } });
    expect(cols.map((c) => [c.name, c.type])).toEqual([
      ['id_number', 'string'],
      ['region', 'string'],
      ['birth', 'string'],
      ['sex', 'string'],
      ['income', 'integer'],
    ]);
  });
});

describe('plan errors', () => {
  it('unknown fields, unreadable treatments, generalisations not fitting the type, sensitive misuse, incomplete consent', () => {
    const e = planErrors(F, plan({ treatments: { ghost: 'drop', sex: 'generalise:band:5', name: 'mask' }, quasiIdentifiers: ['nope', 'sex'], sensitive: 'sex', consent: { reference: 'X', attachment: '' } }));
    expect(e.map((p) => p.field)).toEqual(['ghost', 'sex', 'name', 'nope', 'sex', 'consent.attachment']);
    expect(planErrors(F, plan({ treatments: {}, minL: 2 }))).toEqual([{ field: 'minL', message: '要求 l 多样性时须指定敏感属性' }]);
    expect(planErrors(F, plan({ treatments: { birth: 'drop' }, sensitive: 'birth' })).map((p) => p.message)).toEqual(['敏感属性已删除，无法计算 l 多样性']);
  });
});

describe('compliance', () => {
  const good = { id_number: 'pseudonymise', name: 'drop', region: 'generalise:city', birth: 'generalise:year', income: 'generalise:band:1000' };

  it('a plan that anonymises has no problems', () => {
    expect(complianceProblems(F, plan({ treatments: good }))).toEqual([]);
  });

  it('personal information must be declared', () => {
    const { birth: _b, ...rest } = good;
    expect(complianceProblems(F, plan({ treatments: rest }))).toEqual([{ field: 'birth', message: '含个人信息的数据项须声明处理方式（删除、假名化、泛化或保留）' }]);
  });

  it('a direct identifier kept or merely truncated refuses; suppressed, or an ID number to its birth year, passes', () => {
    expect(complianceProblems(F, plan({ treatments: { ...good, name: 'keep' } })).map((p) => p.field)).toEqual(['name']);
    expect(complianceProblems(F, plan({ treatments: { ...good, name: 'generalise:truncate:1' } })).map((p) => p.field)).toEqual(['name']);
    expect(complianceProblems(F, plan({ treatments: { ...good, name: 'generalise:suppress' } }))).toEqual([]);
    expect(complianceProblems(F, plan({ treatments: { ...good, id_number: 'generalise:birth_year' } }))).toEqual([]);
    expect(complianceProblems(F, plan({ treatments: { ...good, id_number: 'generalise:truncate:6' } })).map((p) => p.field)).toEqual(['id_number']);
  });

  it('a commercial secret kept refuses (declared or not)', () => {
    expect(complianceProblems(F, plan({ treatments: { ...good, income: 'keep' } })).map((p) => p.field)).toEqual(['income']);
    const { income: _i, ...rest } = good;
    expect(complianceProblems(F, plan({ treatments: rest })).map((p) => p.field)).toEqual(['income']);
  });

  it('consent lifts the requirements', () => {
    expect(complianceProblems(F, plan({ treatments: {}, consent: { reference: 'SQ-1', attachment: '同意书' } }))).toEqual([]);
  });
});

describe('quasi-identifiers counted', () => {
  it('those declared, and personal information left in the data other than direct identifiers', () => {
    expect(effectiveQuasiIdentifiers(F, plan({ treatments: { id_number: 'pseudonymise', name: 'drop', region: 'generalise:city', birth: 'drop' }, quasiIdentifiers: ['sex'] }))).toEqual([
      'region',
      'sex',
    ]);
    // A declared direct identifier is counted; the sensitive attribute is not.
    expect(effectiveQuasiIdentifiers(F, plan({ treatments: { id_number: 'pseudonymise' }, quasiIdentifiers: ['id_number', 'sex'], sensitive: 'region' }))).toEqual([
      'id_number',
      'birth',
      'sex',
    ]);
  });
});
