/**
 * Masking strategies (privacy/masking.ts): each strategy on its values and at its edges, the spec
 * text read and written back, validation against the field's type on both sides, the default of
 * each kind (the partial mask delivery has always applied), and pseudonyms: stable under one key,
 * different across grants, equal across grants under the platform key.
 */
import { describe, expect, it } from 'vitest';
import { maskValue } from '../delivery/rules.js';
import {
  defaultStrategy,
  masker,
  MASK_KEEP,
  maskWith,
  parseStrategy,
  partialMask,
  pseudonymKeys,
  readStrategies,
  strategyLabel,
  strategyProblem,
  strategySpec,
  type MaskStrategy,
} from './masking.js';
import { sm3Hmac } from './anonymity.js';

const platformSecret = sm3Hmac('00112233445566778899aabbccddeeff');
const keysA = pseudonymKeys(platformSecret, 'grant-a');
const keysB = pseudonymKeys(platformSecret, 'grant-b');

const parsed = (spec: string): MaskStrategy => {
  const p = parseStrategy(spec);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};

describe('partial', () => {
  it('keeps the first and last n characters, one * per character between', () => {
    expect(maskWith(parsed('partial:3:4'), '13900000001')).toBe('139****0001');
    expect(maskWith(parsed('partial:0:0'), 'abc')).toBe('***');
    expect(maskWith(parsed('partial:1:0'), '欧阳华')).toBe('欧**');
    expect(maskWith(parsed('partial:2:2'), '𠀀𠀁𠀂𠀃𠀄')).toBe('𠀀𠀁*𠀃𠀄');
  });

  it('a value too short to keep both ends keeps at most its first character; null and empty stay', () => {
    expect(maskWith(parsed('partial:3:4'), '1234567')).toBe('1******');
    expect(maskWith(parsed('partial:3:4'), '12345678')).toBe('123*5678');
    expect(maskWith(parsed('partial:3:4'), 'x')).toBe('*');
    expect(maskWith(parsed('partial:3:4'), '')).toBe('');
    expect(maskWith(parsed('partial:3:4'), null)).toBeNull();
    expect(maskWith(parsed('partial:1:1'), 12345)).toBe('1***5');
  });

  it('the default of each kind is the partial mask delivery always applied', () => {
    expect(defaultStrategy('id_number')).toEqual({ kind: 'partial', head: 6, tail: 4 });
    expect(defaultStrategy('mobile')).toEqual({ kind: 'partial', head: 3, tail: 4 });
    expect(defaultStrategy('name')).toEqual({ kind: 'partial', head: 1, tail: 0 });
    expect(defaultStrategy('address')).toEqual({ kind: 'partial', head: 1, tail: 1 });
    const values = ['460105199003070011', '13900000001', '欧阳华', '海口市龙华区滨海大道', 'ab', 'a', '', '😀张三'];
    for (const kind of [...Object.keys(MASK_KEEP), 'address', 'other']) {
      const m = masker(defaultStrategy(kind));
      for (const v of values) expect(m(v)).toBe(maskValue(kind, v));
    }
    expect(partialMask(null, 1, 1)).toBeNull();
  });
});

describe('pseudonym', () => {
  it('is a 16-hex token, stable under one key, null for null', () => {
    const m = masker(parsed('pseudonym:grant'), keysA);
    const p = m('460105199003070011');
    expect(p).toMatch(/^[0-9a-f]{16}$/);
    expect(m('460105199003070011')).toBe(p);
    expect(m('460105199003070029')).not.toBe(p);
    expect(m(null)).toBeNull();
    // A number and its text are the same value delivered.
    expect(m(42)).toBe(m('42'));
  });

  it('per grant: different across grants; platform-wide: equal across grants, and unlike either grant key', () => {
    const v = '460105199003070011';
    const a = masker(parsed('pseudonym:grant'), keysA)(v);
    const b = masker(parsed('pseudonym:grant'), keysB)(v);
    expect(a).not.toBe(b);
    const pa = masker(parsed('pseudonym:platform'), keysA)(v);
    const pb = masker(parsed('pseudonym:platform'), keysB)(v);
    expect(pa).toBe(pb);
    expect(pa).not.toBe(a);
    expect(pa).not.toBe(b);
    // Another platform secret: other pseudonyms.
    const other = pseudonymKeys(sm3Hmac('ffeeddccbbaa99887766554433221100'), 'grant-a');
    expect(masker(parsed('pseudonym:platform'), other)(v)).not.toBe(pa);
    expect(masker(parsed('pseudonym:grant'), other)(v)).not.toBe(a);
  });

  it('needs the keys', () => {
    expect(() => masker(parsed('pseudonym:grant'))).toThrow();
  });
});

describe('generalise, truncate, suppress', () => {
  it('dates to month or year (date-times in Beijing time)', () => {
    expect(maskWith(parsed('generalise:month'), '1990-03-07')).toBe('1990-03');
    expect(maskWith(parsed('generalise:year'), '1990-03-07')).toBe('1990');
    expect(maskWith(parsed('generalise:month'), '2026-03-31T17:00:00.000Z')).toBe('2026-04');
    expect(maskWith(parsed('generalise:month'), null)).toBeNull();
  });

  it('numbers to bands, region codes to city or province, ID numbers to birth year or region', () => {
    expect(maskWith(parsed('generalise:band:10'), 37)).toBe('30-39');
    expect(maskWith(parsed('generalise:band:1000'), 1234.5)).toBe('1000-1999');
    expect(maskWith(parsed('generalise:band:10'), -3)).toBe('-10--1');
    expect(maskWith(parsed('generalise:city'), '460105')).toBe('460100');
    expect(maskWith(parsed('generalise:province'), '460105')).toBe('460000');
    expect(maskWith(parsed('generalise:city'), '4601')).toBeNull();
    expect(maskWith(parsed('generalise:birth_year'), '460105199003070011')).toBe('1990');
    expect(maskWith(parsed('generalise:id_region:4'), '460105199003070011')).toBe('460100');
  });

  it('truncates to the first n characters', () => {
    expect(maskWith(parsed('truncate:4'), '海南省海口市美兰区')).toBe('海南省海');
    expect(maskWith(parsed('truncate:4'), 'ab')).toBe('ab');
    expect(maskWith(parsed('truncate:2'), '😀😀😀')).toBe('😀😀');
    expect(maskWith(parsed('truncate:4'), 1234567)).toBe('1234');
    expect(maskWith(parsed('truncate:4'), null)).toBeNull();
  });

  it('suppresses to * (null stays null) or to null', () => {
    expect(maskWith(parsed('suppress'), '欧阳华')).toBe('*');
    expect(maskWith(parsed('suppress'), '')).toBe('*');
    expect(maskWith(parsed('suppress'), null)).toBeNull();
    expect(maskWith(parsed('suppress:null'), '欧阳华')).toBeNull();
  });
});

describe('spec text', () => {
  it('reads and writes back every form', () => {
    for (const spec of [
      'partial:3:4',
      'partial:0:0',
      'partial:64:64',
      'pseudonym:grant',
      'pseudonym:platform',
      'generalise:month',
      'generalise:year',
      'generalise:band:10',
      'generalise:city',
      'generalise:province',
      'generalise:birth_year',
      'generalise:id_region:4',
      'truncate:1',
      'truncate:64',
      'suppress',
      'suppress:null',
    ]) {
      expect(strategySpec(parsed(spec))).toBe(spec);
      expect(strategyLabel(parsed(spec)).length).toBeGreaterThan(1);
    }
    expect(strategySpec(parsed('  truncate:4 '))).toBe('truncate:4');
  });

  it('refuses malformed text, in Chinese, naming what is wrong', () => {
    const bad: Array<[string, string]> = [
      ['partial:3', 'partial:<前留位数>:<后留位数>'],
      ['partial:3:65', 'partial:<前留位数>:<后留位数>'],
      ['partial:-1:2', 'partial:<前留位数>:<后留位数>'],
      ['partial:a:b', 'partial:<前留位数>:<后留位数>'],
      ['pseudonym', 'pseudonym:grant'],
      ['pseudonym:world', 'pseudonym:grant'],
      ['generalise:blur', '不认识的泛化方式'],
      ['generalise:band:0', 'band:<宽度>'],
      ['generalise:truncate:3', 'truncate:3'],
      ['generalise:suppress', 'suppress'],
      ['truncate:0', 'truncate:<保留字符数>'],
      ['truncate:65', 'truncate:<保留字符数>'],
      ['truncate', 'truncate:<保留字符数>'],
      ['suppress:x', 'suppress:null'],
      ['mask', '不认识的脱敏方式'],
      ['', '不认识的脱敏方式'],
    ];
    for (const [spec, says] of bad) {
      const p = parseStrategy(spec);
      expect(p.ok, spec).toBe(false);
      if (!p.ok) expect(p.reason).toContain(says);
    }
  });
});

describe('validation against the field type', () => {
  it('generalisations only on the types they read', () => {
    expect(strategyProblem(parsed('generalise:month'), 'date', 'birth')).toBeNull();
    expect(strategyProblem(parsed('generalise:month'), 'datetime', 'at')).toBeNull();
    expect(strategyProblem(parsed('generalise:month'), 'integer', 'household')).toBe('household 为整数类型，不能使用泛化方式 month');
    expect(strategyProblem(parsed('generalise:band:10'), 'integer', 'age')).toBeNull();
    expect(strategyProblem(parsed('generalise:band:10'), 'number', 'income')).toBeNull();
    expect(strategyProblem(parsed('generalise:band:10'), 'string', 'name')).toContain('name 为文本类型');
    expect(strategyProblem(parsed('generalise:city'), 'string', 'region')).toBeNull();
    expect(strategyProblem(parsed('generalise:city'), 'date', 'birth')).toContain('birth 为日期类型');
    expect(strategyProblem(parsed('generalise:birth_year'), 'string', 'id_number')).toBeNull();
    expect(strategyProblem(parsed('generalise:birth_year'), 'integer', 'n')).toContain('不能使用泛化方式 birth_year');
  });

  it('no pseudonym or truncation of a yes/no value; partial and suppress fit every type', () => {
    expect(strategyProblem(parsed('pseudonym:grant'), 'boolean', 'active')).toBe('active 为布尔类型，不能使用假名化');
    expect(strategyProblem(parsed('pseudonym:grant'), 'string', 'name')).toBeNull();
    expect(strategyProblem(parsed('truncate:2'), 'boolean', 'active')).toBe('active 为布尔类型，不能使用截断');
    expect(strategyProblem(parsed('truncate:2'), 'date', 'birth')).toBeNull();
    for (const type of ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const) {
      expect(strategyProblem(parsed('partial:1:1'), type, 'f')).toBeNull();
      expect(strategyProblem(parsed('suppress'), type, 'f')).toBeNull();
    }
  });

  it('stored strategies that no longer parse or fit their field fail closed to suppress', () => {
    const types = new Map([
      ['birth', 'date' as const],
      ['name', 'string' as const],
      ['household', 'integer' as const],
    ]);
    const read = readStrategies({ birth: 'generalise:month', name: 'blur', household: 'generalise:month', gone: 'suppress' }, types);
    expect(read.get('birth')).toEqual({ kind: 'generalise', how: { kind: 'month' } });
    expect(read.get('name')).toEqual({ kind: 'suppress', to: '*' });
    expect(read.get('household')).toEqual({ kind: 'suppress', to: '*' });
    expect(read.get('gone')).toEqual({ kind: 'suppress', to: '*' });
    expect(readStrategies(null, types).size).toBe(0);
  });
});
