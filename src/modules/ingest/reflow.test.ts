/** The pure rules of reflow (000 第九条): region carriers, the row filter and the territorial rule. */
import { describe, expect, it } from 'vitest';
import { ancestorsOf, carrierOf, checkTerritory, regionFilter, regionPart, regionPrefix, regionRelation, rowInRegion } from './reflow.js';
import { synthIdNumber, synthUscc } from './synth.js';

const parentOf = new Map<string, string | null>([
  ['460000', null],
  ['460100', '460000'],
  ['460200', '460000'],
  ['460105', '460100'],
  ['460106', '460100'],
  ['460202', '460200'],
  ['469001', '460000'],
  ['410000', null],
  ['410100', '410000'],
]);

describe('regionPrefix', () => {
  it('keeps 2 digits of a province, 4 of a prefecture, all 6 of a county', () => {
    expect(regionPrefix('460000')).toBe('46');
    expect(regionPrefix('460100')).toBe('4601');
    expect(regionPrefix('460105')).toBe('460105');
    expect(regionPrefix('469001')).toBe('469001');
    expect(regionPrefix('410100')).toBe('4101');
  });

  it('refuses what is not a region code', () => {
    expect(() => regionPrefix('46010')).toThrow();
    expect(() => regionPrefix('060100')).toThrow();
    expect(() => regionPrefix('46010a')).toThrow();
  });
});

describe('carrierOf', () => {
  it('knows region codes, ID numbers and credit codes by their kind', () => {
    expect(carrierOf({ type: 'string', piiKind: 'region_code' })).toBe('region_code');
    expect(carrierOf({ type: 'string', piiKind: 'region' })).toBe('region_code');
    expect(carrierOf({ type: 'integer', piiKind: 'region_code' })).toBe('region_code');
    expect(carrierOf({ type: 'string', piiKind: 'id_number' })).toBe('id_number');
    expect(carrierOf({ type: 'string', piiKind: 'uscc' })).toBe('uscc');
  });

  it('refuses other fields', () => {
    expect(carrierOf({ type: 'string', piiKind: 'mobile' })).toBeNull();
    expect(carrierOf({ type: 'string', piiKind: null })).toBeNull();
    expect(carrierOf({ type: 'string' })).toBeNull();
    expect(carrierOf({ type: 'date', piiKind: 'region_code' })).toBeNull();
    expect(carrierOf({ type: 'integer', piiKind: 'id_number' })).toBeNull();
  });
});

describe('the row filter', () => {
  const id = (region: string) => synthIdNumber(region, '19900307', 1);
  const uscc = (region: string) => synthUscc(region, 1);

  it('reads the region part of each carrier', () => {
    expect(regionPart('region_code', '460105')).toBe('460105');
    expect(regionPart('region_code', 460105)).toBe('460105');
    expect(regionPart('id_number', id('460202'))).toBe('460202');
    expect(regionPart('uscc', uscc('460106'))).toBe('460106');
    expect(regionPart('region_code', null)).toBeNull();
    expect(regionPart('uscc', '91')).toBeNull();
  });

  it('keeps a province, a city and a county by prefix', () => {
    expect(rowInRegion('region_code', '460105', '460000')).toBe(true);
    expect(rowInRegion('region_code', '460105', '460100')).toBe(true);
    expect(rowInRegion('region_code', '460105', '460105')).toBe(true);
    expect(rowInRegion('region_code', '460100', '460100')).toBe(true);
  });

  it('drops the rows of other regions', () => {
    expect(rowInRegion('region_code', '460202', '460100')).toBe(false);
    expect(rowInRegion('region_code', '460106', '460105')).toBe(false);
    expect(rowInRegion('region_code', '410105', '460000')).toBe(false);
    expect(rowInRegion('region_code', null, '460000')).toBe(false);
    // 4601xx is not 46010x's county: a county's prefix is all six digits.
    expect(rowInRegion('region_code', '460100', '460105')).toBe(false);
  });

  it('filters ID numbers by their first 6 digits and credit codes by characters 3–8', () => {
    expect(rowInRegion('id_number', id('460105'), '460100')).toBe(true);
    expect(rowInRegion('id_number', id('460202'), '460100')).toBe(false);
    expect(rowInRegion('uscc', uscc('460202'), '460200')).toBe(true);
    expect(rowInRegion('uscc', uscc('460202'), '460100')).toBe(false);
    // A credit code's first two characters are not its region.
    expect(rowInRegion('uscc', `46${uscc('110000').slice(2)}`, '460000')).toBe(false);
  });

  it('gives the SQL pieces of the same filter', () => {
    expect(regionFilter('region_code', '460000')).toEqual({ start: 1, length: 2, prefix: '46' });
    expect(regionFilter('id_number', '460100')).toEqual({ start: 1, length: 4, prefix: '4601' });
    expect(regionFilter('uscc', '460105')).toEqual({ start: 3, length: 6, prefix: '460105' });
  });
});

describe('the region tree', () => {
  it('walks ancestors', () => {
    expect(ancestorsOf('460105', parentOf)).toEqual(['460100', '460000']);
    expect(ancestorsOf('460000', parentOf)).toEqual([]);
  });

  it('relates two regions', () => {
    expect(regionRelation('460105', '460000', parentOf)).toBe('below');
    expect(regionRelation('460100', '460100', parentOf)).toBe('same');
    expect(regionRelation('460000', '460100', parentOf)).toBe('above');
    expect(regionRelation('460200', '460100', parentOf)).toBe('elsewhere');
    expect(regionRelation('410100', '460000', parentOf)).toBe('elsewhere');
  });
});

describe('checkTerritory (000 第九条 属地原则)', () => {
  it('lets a provincial institution reflow to a city, and a city to its district', () => {
    expect(checkTerritory({ providerRegion: '460000', subscriberRegion: '460100', regionCode: '460100' }, parentOf)).toEqual({ ok: true });
    expect(checkTerritory({ providerRegion: '460000', subscriberRegion: '469001', regionCode: '469001' }, parentOf)).toEqual({ ok: true });
    expect(checkTerritory({ providerRegion: '460100', subscriberRegion: '460105', regionCode: '460105' }, parentOf)).toEqual({ ok: true });
  });

  it('lets a city narrow the delivery to one of its districts', () => {
    expect(checkTerritory({ providerRegion: '460000', subscriberRegion: '460100', regionCode: '460105' }, parentOf)).toEqual({ ok: true });
  });

  it('refuses a subscriber at the same level or above', () => {
    expect(checkTerritory({ providerRegion: '460000', subscriberRegion: '460000', regionCode: '460000' }, parentOf)).toMatchObject({ ok: false, code: 'not_below' });
    expect(checkTerritory({ providerRegion: '460100', subscriberRegion: '460000', regionCode: '460000' }, parentOf)).toMatchObject({ ok: false, code: 'not_below' });
  });

  it('refuses a subscriber of another branch of the tree', () => {
    expect(checkTerritory({ providerRegion: '460100', subscriberRegion: '460202', regionCode: '460202' }, parentOf)).toMatchObject({ ok: false, code: 'other_branch' });
    expect(checkTerritory({ providerRegion: '460000', subscriberRegion: '410100', regionCode: '410100' }, parentOf)).toMatchObject({ ok: false, code: 'other_branch' });
  });

  it('refuses a region beyond the subscriber’s own', () => {
    const names = new Map([['460200', '三亚市'], ['460100', '海口市']]);
    const r = checkTerritory({ providerRegion: '460000', subscriberRegion: '460100', regionCode: '460200' }, parentOf, names);
    expect(r).toMatchObject({ ok: false, code: 'beyond_subscriber' });
    expect(r.ok ? '' : r.message).toContain('三亚市（460200）');
    expect(checkTerritory({ providerRegion: '460000', subscriberRegion: '460105', regionCode: '460100' }, parentOf)).toMatchObject({ ok: false, code: 'beyond_subscriber' });
  });
});
