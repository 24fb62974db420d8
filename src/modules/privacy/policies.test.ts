/** Column-policy rules of sandbox grants: the defaults by personal-information kind and the checks of what a provider sets. */
import { describe, expect, it } from 'vitest';
import type { CatalogField } from '../catalog/tables.js';
import {
  columnPolicyProblems,
  defaultColumnPolicies,
  defaultColumnPolicy,
  dpProblems,
  dpSettings,
  effectiveColumnPolicies,
  isColumnPolicy,
  isQuasiIdentifier,
  minGroupSizeProblems,
  subjectKeyFields,
} from './policies.js';
import { COLUMN_POLICIES } from './sandbox.types.js';

const f = (name: string, type: CatalogField['type'], piiKind?: string, key?: boolean): CatalogField => ({ name, label: name, type, ...(piiKind ? { piiKind } : {}), ...(key ? { key } : {}) });

/** The demo's 人口基础信息. */
const POPULATION = [f('id_number', 'string', 'id_number', true), f('name', 'string', 'name'), f('gender', 'string'), f('birth_date', 'date', 'birth_date'), f('address', 'string', 'address')];

describe('defaultColumnPolicies', () => {
  it('gives 人口基础信息 join_key on the ID number, hidden on the name, group_key on birth date and address', () => {
    expect(defaultColumnPolicies(POPULATION)).toEqual({ id_number: 'join_key', name: 'hidden', gender: 'plain', birth_date: 'group_key', address: 'group_key' });
  });

  it('makes a gender field with its kind a group key', () => {
    expect(defaultColumnPolicies([f('sex', 'string', 'gender'), f('g2', 'string', 'sex')])).toEqual({ sex: 'group_key', g2: 'group_key' });
  });

  it('hides every direct identifier other than the subject key', () => {
    const fields = [f('id', 'string', 'id_number', true), f('mobile', 'string', 'mobile'), f('phone', 'string', 'phone'), f('card', 'string', 'bank_card'), f('mail', 'string', 'email'), f('plate', 'string', 'plate')];
    expect(defaultColumnPolicies(fields)).toEqual({ id: 'join_key', mobile: 'hidden', phone: 'hidden', card: 'hidden', mail: 'hidden', plate: 'hidden' });
  });

  it('takes the only ID number as the subject key when no key holds one, and hides a second one', () => {
    expect(defaultColumnPolicies([f('cert_no', 'string', undefined, true), f('owner_id', 'string', 'id_number')])).toEqual({ cert_no: 'plain', owner_id: 'join_key' });
    const two = [f('case_no', 'string', undefined, true), f('suspect_id', 'string', 'id_number'), f('victim_id', 'string', 'id_number')];
    expect(subjectKeyFields(two)).toEqual([]);
    expect(defaultColumnPolicies(two)).toEqual({ case_no: 'plain', suspect_id: 'hidden', victim_id: 'hidden' });
    // A keyed ID number wins over another one.
    expect(defaultColumnPolicies([f('id', 'string', 'id_number', true), f('spouse_id', 'string', 'id_number')])).toEqual({ id: 'join_key', spouse_id: 'hidden' });
  });

  it('makes numbers aggregate-only and everything else plain; other personal information only in groups', () => {
    const fields = [f('household', 'integer'), f('income', 'number'), f('active', 'boolean'), f('updated', 'datetime'), f('status', 'string'), f('diagnosis', 'string', 'health'), f('age', 'integer', 'age')];
    expect(defaultColumnPolicies(fields)).toEqual({ household: 'aggregate_only', income: 'aggregate_only', active: 'plain', updated: 'plain', status: 'plain', diagnosis: 'group_key', age: 'group_key' });
  });

  it('reads the kind trimmed and treats a blank kind as none', () => {
    expect(defaultColumnPolicy(f('x', 'string', ' name '), [])).toBe('hidden');
    expect(defaultColumnPolicy({ name: 'x', type: 'integer', piiKind: '' }, [])).toBe('aggregate_only');
    expect(defaultColumnPolicy({ name: 'x', type: 'string', piiKind: null }, [])).toBe('plain');
    expect(isQuasiIdentifier(' address ')).toBe(true);
    expect(isQuasiIdentifier('name')).toBe(false);
    expect(isQuasiIdentifier(null)).toBe(false);
  });
});

describe('effectiveColumnPolicies', () => {
  it('puts the given policies over the defaults, for the requested fields only', () => {
    expect(effectiveColumnPolicies(['name', 'gender'], POPULATION, { gender: 'group_key' })).toEqual({ name: 'hidden', gender: 'group_key' });
    expect(effectiveColumnPolicies(['address'], POPULATION, null)).toEqual({ address: 'group_key' });
  });

  it('judges the subject key among the requested fields', () => {
    expect(effectiveColumnPolicies(['id_number', 'birth_date'], POPULATION, {})).toEqual({ id_number: 'join_key', birth_date: 'group_key' });
  });

  it('hides a requested field the entry no longer has', () => {
    expect(effectiveColumnPolicies(['gone'], POPULATION, {})).toEqual({ gone: 'hidden' });
  });
});

describe('columnPolicyProblems', () => {
  it('accepts each of the six policies on a requested field', () => {
    for (const p of COLUMN_POLICIES) expect(columnPolicyProblems({ name: p }, ['name'])).toEqual([]);
    expect(columnPolicyProblems({}, ['name'])).toEqual([]);
  });

  it('names a field that was not requested and a policy that is not one of the six', () => {
    const p = columnPolicyProblems({ name: 'plain', salary: 'plain', gender: 'visible', address: 7 }, ['name', 'gender', 'address']);
    expect(p.map((x) => x.field)).toEqual(['columnPolicies/salary', 'columnPolicies/gender', 'columnPolicies/address']);
    expect(p[0]?.message).toContain('salary');
    expect(p[1]?.message).toContain('visible');
  });

  it('knows the six policies', () => {
    expect(COLUMN_POLICIES.every(isColumnPolicy)).toBe(true);
    expect(isColumnPolicy('Plain')).toBe(false);
    expect(isColumnPolicy(null)).toBe(false);
  });
});

describe('minGroupSizeProblems', () => {
  it('takes the jurisdiction’s threshold and anything above, refuses below', () => {
    expect(minGroupSizeProblems(10, 10)).toEqual([]);
    expect(minGroupSizeProblems(11, 10)).toEqual([]);
    expect(minGroupSizeProblems(9, 10).map((p) => p.field)).toEqual(['minGroupSize']);
    expect(minGroupSizeProblems(9, 10)[0]?.message).toContain('10');
    expect(minGroupSizeProblems(10.5, 10)).toHaveLength(1);
  });
});

describe('dpProblems', () => {
  const fields = [f('id', 'string', 'id_number', true), f('region', 'string', 'region'), f('household', 'integer'), f('income', 'number')];
  const requested = ['id', 'region', 'household', 'income'];
  const base = { epsilonBudget: 1, epsilonPerQuery: 0.1 };

  it('accepts an ε per query up to the budget and refuses one above it', () => {
    expect(dpProblems({ ...base, epsilonPerQuery: 1 }, requested, fields)).toEqual([]);
    expect(dpProblems({ ...base, epsilonPerQuery: 1.0001 }, requested, fields).map((p) => p.field)).toEqual(['dp/epsilonPerQuery']);
  });

  it('refuses non-positive or non-finite ε', () => {
    expect(dpProblems({ epsilonBudget: 0, epsilonPerQuery: 0.1 }, requested, fields).map((p) => p.field)).toEqual(['dp/epsilonBudget']);
    expect(dpProblems({ epsilonBudget: 1, epsilonPerQuery: -1 }, requested, fields).map((p) => p.field)).toEqual(['dp/epsilonPerQuery']);
    expect(dpProblems({ epsilonBudget: Number.POSITIVE_INFINITY, epsilonPerQuery: 0.1 }, requested, fields).map((p) => p.field)).toEqual(['dp/epsilonBudget']);
  });

  it('takes bounds lo < hi on requested numeric fields only', () => {
    expect(dpProblems({ ...base, bounds: { income: [0, 1], household: [-1, 0] } }, requested, fields)).toEqual([]);
    expect(dpProblems({ ...base, bounds: { income: [1, 1] } }, requested, fields).map((p) => p.field)).toEqual(['dp/bounds/income']);
    expect(dpProblems({ ...base, bounds: { income: [2, 1] } }, requested, fields).map((p) => p.field)).toEqual(['dp/bounds/income']);
    expect(dpProblems({ ...base, bounds: { income: [0, Number.NaN] } }, requested, fields).map((p) => p.field)).toEqual(['dp/bounds/income']);
    expect(dpProblems({ ...base, bounds: { income: [0] } }, requested, fields).map((p) => p.field)).toEqual(['dp/bounds/income']);
    const p = dpProblems({ ...base, bounds: { region: [0, 1], salary: [0, 1] } }, requested, fields);
    expect(p.map((x) => x.field)).toEqual(['dp/bounds/region', 'dp/bounds/salary']);
    expect(p[0]?.message).toContain('数值');
    // A numeric field of the entry that was not requested.
    expect(dpProblems({ ...base, bounds: { income: [0, 1] } }, ['id'], fields).map((x) => x.field)).toEqual(['dp/bounds/income']);
  });

  it('takes at least one row per subject', () => {
    expect(dpProblems({ ...base, maxRowsPerSubject: 1 }, requested, fields)).toEqual([]);
    expect(dpProblems({ ...base, maxRowsPerSubject: 0 }, requested, fields).map((p) => p.field)).toEqual(['dp/maxRowsPerSubject']);
    expect(dpProblems({ ...base, maxRowsPerSubject: 1.5 }, requested, fields)).toHaveLength(1);
  });

  it('stores the settings with their defaults filled', () => {
    expect(dpSettings(base)).toEqual({ epsilonBudget: 1, epsilonPerQuery: 0.1, bounds: {}, maxRowsPerSubject: 1 });
    expect(dpSettings({ ...base, bounds: { income: [0, 5] }, maxRowsPerSubject: 3 })).toEqual({ epsilonBudget: 1, epsilonPerQuery: 0.1, bounds: { income: [0, 5] }, maxRowsPerSubject: 3 });
  });
});
