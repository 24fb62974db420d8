/** The row validators on real and corrupted values, at their edges. */
import { describe, expect, it } from 'vitest';
import type { CatalogField } from '../catalog/tables.js';
import { synthBankCard, synthIdNumber, synthUscc } from './synth.js';
import { checkPii, checkType, copyLine, luhnOk, maskValue, rowValidator } from './validators.js';

const ctx = { regions: new Set(['460000', '460100', '460105']) };
const ID = synthIdNumber('460105', '19900307', 123);
const USCC = synthUscc('460100', 42);

describe('checkType', () => {
  it.each([
    ['integer', '42', '42'],
    ['integer', '-7', '-7'],
    ['number', '3.14', '3.14'],
    ['number', '1e3', '1e3'],
    ['number', '.5', '.5'],
    ['boolean', 'TRUE', 't'],
    ['boolean', '否', 'f'],
    ['boolean', '1', 't'],
    ['date', '2024-02-29', '2024-02-29'],
    ['datetime', '2026-09-18T10:00:00+08:00', '2026-09-18T10:00:00+08:00'],
    ['datetime', '2026-09-18 10:00', '2026-09-18 10:00+08:00'],
    ['datetime', '2026-09-18T02:00:00Z', '2026-09-18T02:00:00Z'],
  ] as const)('accepts %s %s', (type, v, out) => {
    expect(checkType(type, v)).toEqual({ ok: true, value: out });
  });
  it.each([
    ['integer', '4.2'],
    ['integer', '12a'],
    ['integer', '1234567890123456789'],
    ['number', '3,14'],
    ['number', 'NaN'],
    ['boolean', 'maybe'],
    ['date', '2023-02-29'],
    ['date', '2026-13-01'],
    ['date', '2026/09/18'],
    ['date', '0000-01-01'],
    ['datetime', '2026-09-18T24:00:00'],
    ['datetime', '2026-02-30T10:00'],
    ['datetime', 'yesterday'],
  ] as const)('rejects %s %s', (type, v) => {
    expect(checkType(type, v).ok).toBe(false);
  });
});

describe('checkPii', () => {
  it('accepts a valid ID number and refuses a changed digit, a bad check character and a bad birth date', () => {
    expect(checkPii('id_number', ID, ctx)).toEqual({ ok: true, value: ID });
    const changed = `${ID.slice(0, 16)}${(Number(ID[16]) + 1) % 10}${ID[17]}`;
    expect(checkPii('id_number', changed, ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('校验位') });
    expect(checkPii('id_number', synthIdNumber('460105', '19900230', 1), ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('出生日期') });
    expect(checkPii('id_number', ID.slice(0, 17), ctx).ok).toBe(false);
  });
  it('normalises a lower-case x check character', () => {
    let x = '';
    for (let s = 0; s < 1000 && !x; s++) {
      const id = synthIdNumber('460105', '19850101', s);
      if (id.endsWith('X')) x = id;
    }
    expect(checkPii('id_number', x.toLowerCase(), ctx)).toEqual({ ok: true, value: x });
  });
  it('checks credit codes by GB 32100', () => {
    expect(checkPii('uscc', USCC, ctx)).toEqual({ ok: true, value: USCC });
    expect(checkPii('uscc', `${USCC.slice(0, 17)}${USCC[17] === '0' ? '1' : '0'}`, ctx).ok).toBe(false);
    expect(checkPii('uscc', USCC.replace(/^9/, 'I'), ctx).ok).toBe(false);
  });
  it('checks mobile numbers', () => {
    expect(checkPii('mobile', '13912345678', ctx).ok).toBe(true);
    expect(checkPii('phone', '19912345678', ctx).ok).toBe(true);
    expect(checkPii('mobile', '12912345678', ctx).ok).toBe(false);
    expect(checkPii('mobile', '1391234567', ctx).ok).toBe(false);
  });
  it('checks bank cards by Luhn', () => {
    const card = synthBankCard(77);
    expect(luhnOk('4111111111111111')).toBe(true);
    expect(checkPii('bank_card', card, ctx).ok).toBe(true);
    expect(checkPii('bank_card', `${card.slice(0, -1)}${(Number(card.slice(-1)) + 1) % 10}`, ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('Luhn') });
    expect(checkPii('bank_card', '12345', ctx).ok).toBe(false);
  });
  it('checks region codes against the known regions', () => {
    expect(checkPii('region_code', '460105', ctx).ok).toBe(true);
    expect(checkPii('region_code', '469999', ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('不存在') });
    expect(checkPii('region', '4601', ctx).ok).toBe(false);
  });
  it('checks with the privacy validators: a province that does not exist, a birth after today, telephone and e-mail', () => {
    expect(checkPii('id_number', synthIdNumber('990105', '19900307', 1), ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('行政区划') });
    expect(checkPii('id_number', synthIdNumber('460105', '29990101', 1), ctx)).toMatchObject({ ok: false, reason: expect.stringContaining('出生日期') });
    expect(checkPii('mobile', '+86 139-1234-5678', ctx)).toEqual({ ok: true, value: '13912345678' });
    expect(checkPii('phone', '0898 6666 8888', ctx)).toEqual({ ok: true, value: '0898-66668888' });
    expect(checkPii('mobile', '0898-66668888', ctx)).toMatchObject({ ok: false, reason: '手机号码应为 11 位，以 13–19 开头' });
    expect(checkPii('email', 'zhang@hainan.gov.cn', ctx).ok).toBe(true);
    expect(checkPii('email', 'zhang@hainan', ctx).ok).toBe(false);
  });
  it('lets kinds without a format through (name, address)', () => {
    expect(checkPii('name', '张三', ctx).ok).toBe(true);
  });
});

describe('maskValue', () => {
  it('keeps the head and tail of an ID number', () => {
    expect(maskValue('460105199003071234')).toBe('4601**********1234');
    expect(maskValue('13912345678')).toBe('139****5678');
    expect(maskValue('张三')).toBe('**');
    expect(maskValue('欧阳小明')).toBe('欧***');
  });
});

describe('rowValidator', () => {
  const fields: CatalogField[] = [
    { name: 'id_number', label: '身份证', type: 'string', key: true, piiKind: 'id_number' },
    { name: 'name', label: '姓名', type: 'string', required: true },
    { name: 'n', label: '数', type: 'integer' },
  ];
  const v = rowValidator(fields, ctx);
  it('normalises a good row, empty optional values as null', () => {
    expect(v([ID, ' 张三 ', ''])).toEqual({ ok: true, values: [ID, '张三', null] });
  });
  it('reports every bad field of a row, masking personal values', () => {
    const bad = `${ID.slice(0, 17)}${ID[17] === '1' ? '2' : '1'}`;
    const r = v([bad, '', 'x']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { field: 'id_number', value: maskValue(bad), reason: expect.stringContaining('校验位') },
      { field: 'name', value: null, reason: '必填项为空' },
      { field: 'n', value: 'x', reason: '应为整数' },
    ]);
    expect(r.errors[0]?.value).not.toContain(bad.slice(6, 14));
  });
  it('refuses objects from NDJSON', () => {
    expect(v([ID, { a: 1 }, 1]).ok).toBe(false);
  });
});

describe('copyLine', () => {
  it('writes COPY text: tabs between values, NULL as \\N, an empty string as nothing', () => {
    expect(copyLine(['a', null, '', 'b,c', 'say "hi"'])).toBe('a\t\\N\t\tb,c\tsay "hi"\n');
  });
  it('escapes backslash, tab, line feed and carriage return, so no value ends a row or the data', () => {
    expect(copyLine(['x\ny', 'a\tb', 'c\r\nd', 'C:\\dir', '\\.', '\\N'])).toBe('x\\ny\ta\\tb\tc\\r\\nd\tC:\\\\dir\t\\\\.\t\\\\N\n');
  });
});

describe('rowValidator fast checks', () => {
  // The row validator decides the common good value without the regexes of checkType/checkPii;
  // on every value it must give exactly what they give (value, or reason and masked value).
  const reference = (f: CatalogField, v: string) => {
    const t = v.trim();
    if (t === '') return f.required || f.key ? { ok: false, errors: [{ field: f.name, value: null, reason: '必填项为空' }] } : { ok: true, values: [null] };
    let r = f.type === 'string' ? ({ ok: true, value: t } as const) : checkType(f.type, t);
    if (r.ok && f.piiKind && r.value !== null) r = checkPii(f.piiKind, r.value, ctx);
    return r.ok ? { ok: true, values: [r.value] } : { ok: false, errors: [{ field: f.name, value: f.piiKind ? maskValue(t) : t, reason: r.reason }] };
  };
  const mutations = (v: string) => {
    const out = [v, v.toLowerCase(), ` ${v} `, v.slice(1), v.slice(0, -1), `${v}0`, `${v}Z`];
    for (let i = 0; i < v.length; i++) for (const c of ['0', '1', '5', '9', 'X', 'x', 'A', 'I', 'O', '-', ':', ' ', '+', '.', '公']) out.push(v.slice(0, i) + c + v.slice(i + 1));
    return out;
  };
  const x = (() => {
    for (let s = 0; s < 1000; s++) {
      const id = synthIdNumber('460105', '19850101', s);
      if (id.endsWith('X')) return id;
    }
    return ID;
  })();
  const cases: Array<[CatalogField, string[]]> = [
    [{ name: 'id', label: '', type: 'string', piiKind: 'id_number' }, [ID, x, synthIdNumber('460105', '20000229', 3), synthIdNumber('460105', '18991231', 3)]],
    [{ name: 'uscc', label: '', type: 'string', piiKind: 'uscc' }, [USCC, synthUscc('460105', 7)]],
    [{ name: 'mobile', label: '', type: 'string', piiKind: 'mobile' }, ['13912345678', '19912345678']],
    [{ name: 'card', label: '', type: 'string', piiKind: 'bank_card' }, [synthBankCard(77), '4111111111111111']],
    [{ name: 'region', label: '', type: 'string', piiKind: 'region_code', required: true }, ['460105', '460000']],
    [{ name: 'mobile_int', label: '', type: 'integer', piiKind: 'mobile' }, ['13912345678']],
    [{ name: 'n', label: '', type: 'integer' }, ['42', '-7', '+7', '123456789012345678']],
    [{ name: 'x', label: '', type: 'number' }, ['3.14', '-2', '7.', '.5', '1e3', '3000.55']],
    [{ name: 'b', label: '', type: 'boolean' }, ['true', 'FALSE', 'True', 'Y', 'no', '是', '否', '1', '0']],
    [{ name: 'd', label: '', type: 'date' }, ['2024-02-29', '2023-02-28', '1900-12-31']],
    [{ name: 'ts', label: '', type: 'datetime' }, ['2026-09-18T10:00:00+08:00', '2026-09-18 10:00:00', '2026-09-18T02:00:00Z', '2026-09-18T10:00', '2026-09-18T10:00:00.123-0530']],
    [{ name: 's', label: '', type: 'string', piiKind: 'name' }, ['张三', 'a\tb']],
    [{ name: 'phone', label: '', type: 'string', piiKind: 'phone' }, ['13912345678', '0898-66668888', '+86 139 1234 5678']],
    [{ name: 'email', label: '', type: 'string', piiKind: 'email' }, ['zhang.san@hainan.gov.cn']],
  ];
  it.each(cases.map(([f, vs]) => [f.name, f, vs] as const))('%s: same result as checkType/checkPii on good and corrupted values', (_name, f, values) => {
    const v = rowValidator([f], ctx);
    for (const good of values) for (const value of mutations(good)) expect(v([value]), JSON.stringify(value)).toEqual(reference(f, value));
  });
});
