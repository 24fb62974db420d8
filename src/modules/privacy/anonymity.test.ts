import { describe, expect, it } from 'vitest';
import {
  equivalenceClasses,
  generalisationApplies,
  generalisationSpec,
  generalise,
  idBirthYear,
  idRegionPrefix,
  isDirectIdentifier,
  kAnonymity,
  lDiversity,
  parseGeneralisation,
  pseudonym,
  regionToCity,
  regionToProvince,
  sm3Hmac,
  toBand,
  toMonth,
  toYear,
  truncate,
} from './anonymity.js';

const g = (spec: string) => {
  const r = parseGeneralisation(spec);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('generalisations', () => {
  it('dates to month and year, date-times in Beijing time', () => {
    expect(toMonth('2026-09-18')).toBe('2026-09');
    expect(toYear('2026-09-18')).toBe('2026');
    // 2026-09-30 17:30 UTC is 10-01 01:30 in Beijing.
    expect(toMonth(new Date('2026-09-30T17:30:00Z'))).toBe('2026-10');
    expect(toMonth(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09');
    expect(toYear('2026-12-31T16:00:00Z')).toBe('2027');
    expect(toMonth('not a date')).toBeNull();
  });

  it('numbers to bands, both sides of a bound', () => {
    expect(toBand(29, 10)).toBe('20-29');
    expect(toBand(30, 10)).toBe('30-39');
    expect(toBand(39.9, 10)).toBe('30-39');
    expect(toBand(-1, 10)).toBe('-10--1');
    expect(toBand(0, 5)).toBe('0-4');
    expect(toBand('x', 10)).toBeNull();
    expect(toBand('', 10)).toBeNull();
  });

  it('region codes to city and province', () => {
    expect(regionToCity('460105')).toBe('460100');
    expect(regionToProvince('460105')).toBe('460000');
    expect(regionToCity('46010')).toBeNull();
    expect(regionToProvince('4601050')).toBeNull();
  });

  it('ID numbers to birth year and region prefix (18 and 15 digits)', () => {
    expect(idBirthYear('46010519900307123X')).toBe('1990');
    expect(idBirthYear('460105900307123')).toBe('1990');
    expect(idBirthYear('4601051990030712')).toBeNull();
    expect(idRegionPrefix('46010519900307123X', 4)).toBe('460100');
    expect(idRegionPrefix('46010519900307123X', 2)).toBe('460000');
    expect(idRegionPrefix('46010519900307123X', 6)).toBe('460105');
    expect(idRegionPrefix('abc', 6)).toBeNull();
  });

  it('truncation by character and suppression; null stays null', () => {
    expect(truncate('海南省海口市', 3)).toBe('海南省');
    expect(truncate('ab', 5)).toBe('ab');
    expect(generalise(g('suppress'), '13900000000')).toBe('*');
    expect(generalise(g('suppress'), null)).toBeNull();
    expect(generalise(g('month'), null)).toBeNull();
  });

  it('parses specs, refuses bad ones, and round-trips', () => {
    for (const spec of ['month', 'year', 'band:10', 'city', 'province', 'birth_year', 'id_region:4', 'truncate:3', 'suppress']) expect(generalisationSpec(g(spec))).toBe(spec);
    for (const bad of ['band', 'band:0', 'band:x', 'id_region:3', 'truncate:', 'month:2', 'blur', 'band:10:2']) expect(parseGeneralisation(bad).ok).toBe(false);
  });

  it('knows which types each applies to', () => {
    expect(generalisationApplies(g('band:10'), 'integer')).toBe(true);
    expect(generalisationApplies(g('band:10'), 'string')).toBe(false);
    expect(generalisationApplies(g('month'), 'date')).toBe(true);
    expect(generalisationApplies(g('city'), 'date')).toBe(false);
    expect(generalisationApplies(g('suppress'), 'boolean')).toBe(true);
  });
});

describe('identifiers and pseudonyms', () => {
  it('direct identifiers by kind', () => {
    for (const k of ['id_number', 'name', 'mobile', 'phone', 'bank_card', 'email', 'plate', 'passport']) expect(isDirectIdentifier(k)).toBe(true);
    for (const k of ['region_code', 'birth_date', 'uscc', '', null, undefined]) expect(isDirectIdentifier(k)).toBe(false);
  });

  it('a keyed SM3 pseudonym: stable under one key, different under another, null stays null', () => {
    const a = sm3Hmac('00'.repeat(32));
    const b = sm3Hmac('11'.repeat(32));
    const p = pseudonym(a, '46010519900307123X');
    expect(p).toMatch(/^[0-9a-f]{16}$/);
    expect(pseudonym(a, '46010519900307123X')).toBe(p);
    expect(pseudonym(b, '46010519900307123X')).not.toBe(p);
    expect(pseudonym(a, '46010519900307124X')).not.toBe(p);
    expect(pseudonym(a, null)).toBeNull();
    // Any keyed function will do, e.g. the kernel's crypto.hmac.
    expect(pseudonym((s) => `h${s}`, 'x', 3)).toBe('hx');
  });
});

describe('k-anonymity', () => {
  const rows = (sizes: number[]) => sizes.flatMap((n, i) => Array.from({ length: n }, () => ({ city: `46${i}100`, band: '30-39', x: i })));

  it('k-1 in a class refuses, k passes', () => {
    expect(kAnonymity(rows([4, 9]), ['city', 'band'], 5)).toMatchObject({ passes: false, classes: 2, smallest: 4, classesBelowK: 1, rowsBelowK: 4, rows: 13 });
    expect(kAnonymity(rows([5, 9]), ['city', 'band'], 5)).toMatchObject({ passes: true, smallest: 5, classesBelowK: 0, failing: [] });
  });

  it('lists the failing combinations, smallest first, at most N', () => {
    const r = kAnonymity(rows([3, 1, 2, 7, 1]), ['city'], 5, 3);
    expect(r.classesBelowK).toBe(4);
    expect(r.rowsBelowK).toBe(7);
    expect(r.failing).toEqual([
      { values: { city: '461100' }, size: 1 },
      { values: { city: '464100' }, size: 1 },
      { values: { city: '462100' }, size: 2 },
    ]);
  });

  it('treats null as a value of its own; no quasi-identifiers is one class; no rows passes', () => {
    expect(equivalenceClasses([{ a: null }, { a: undefined }, { a: 'x' }], ['a']).map((c) => c.size)).toEqual([2, 1]);
    expect(kAnonymity(rows([2, 2]), [], 5)).toMatchObject({ classes: 1, smallest: 4, passes: false });
    expect(kAnonymity([], ['city'], 5)).toMatchObject({ classes: 0, smallest: null, passes: true });
  });
});

describe('l-diversity', () => {
  it('is the fewest distinct sensitive values in any class', () => {
    const data = [
      { city: 'A', d: 'flu' },
      { city: 'A', d: 'cold' },
      { city: 'A', d: 'flu' },
      { city: 'B', d: 'flu' },
      { city: 'B', d: 'flu' },
    ];
    const r = lDiversity(data, ['city'], 'd');
    expect(r.l).toBe(1);
    expect(r.weakest).toEqual([{ values: { city: 'B' }, size: 2, distinct: 1 }]);
    expect(lDiversity(data.slice(0, 3), ['city'], 'd').l).toBe(2);
    expect(lDiversity([], ['city'], 'd').l).toBeNull();
  });
});
