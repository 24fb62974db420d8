/**
 * The pure parts of the spreadsheet and label-header readers, and the rule of an upsert across a
 * change of the catalog's data items: tested at their edges without a database.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CatalogField } from '../catalog/tables.js';
import { upsertMerge } from './service.js';
import { cellValue, csvWithFieldNames, fieldHeader } from './xlsx-read.js';

const F = (name: string, type: CatalogField['type'], extra: Partial<CatalogField> = {}): CatalogField => ({ name, label: name.toUpperCase(), type, ...extra });
const FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true },
  { name: 'name', label: '姓名', type: 'string' },
  { name: 'birth', label: '出生日期', type: 'date' },
];

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('utf8');
}

describe('cellValue', () => {
  const midnight = new Date(Date.UTC(1990, 2, 7));
  const afternoon = new Date(Date.UTC(2026, 8, 18, 14, 5, 9));
  it('formats a date cell by the field type', () => {
    expect(cellValue(midnight, 'date')).toBe('1990-03-07');
    expect(cellValue(afternoon, 'date')).toBe('2026-09-18');
    expect(cellValue(afternoon, 'datetime')).toBe('2026-09-18T14:05:09');
    expect(cellValue(new Date(Date.UTC(2026, 8, 18, 14, 5, 9, 250)), 'datetime')).toBe('2026-09-18T14:05:09.250');
    expect(cellValue(midnight, 'datetime')).toBe('1990-03-07T00:00:00');
    expect(cellValue(midnight, 'string')).toBe('1990-03-07');
    expect(cellValue(afternoon, 'string')).toBe('2026-09-18T14:05:09');
  });
  it('reads a serial number in a date field as a date, and leaves numbers elsewhere as numbers', () => {
    expect(cellValue(32939, 'date')).toBe('1990-03-07');
    expect(cellValue(46283.5, 'datetime')).toBe('2026-09-18T12:00:00');
    expect(cellValue(0, 'date')).toBe(0);
    expect(cellValue(2958466, 'date')).toBe(2958466);
    expect(cellValue(13900000001, 'string')).toBe(13900000001);
    expect(cellValue(1.5, 'number')).toBe(1.5);
  });
  it('flattens rich text, formulas, hyperlinks and errors to what the cell shows', () => {
    expect(cellValue({ richText: [{ text: '海口' }, { text: '市' }] }, 'string')).toBe('海口市');
    expect(cellValue({ formula: 'A1+1', result: 3 }, 'integer')).toBe(3);
    expect(cellValue({ sharedFormula: 'A1', result: midnight }, 'date')).toBe('1990-03-07');
    expect(cellValue({ formula: 'A1' }, 'integer')).toBeNull();
    expect(cellValue({ text: '官网', hyperlink: 'https://example.org' }, 'string')).toBe('官网');
    expect(cellValue({ error: '#N/A' }, 'integer')).toBe('#N/A');
    expect(cellValue(null, 'string')).toBeNull();
    expect(cellValue(undefined, 'string')).toBeNull();
    expect(cellValue(true, 'boolean')).toBe(true);
  });
});

describe('fieldHeader', () => {
  it('maps names and labels to names, keeps what is neither', () => {
    expect(fieldHeader([' 公民身份号码 ', 'name', '出生日期'], FIELDS)).toEqual(['id_number', 'name', 'birth']);
    expect(fieldHeader(['姓名', '备注'], FIELDS)).toEqual(['name', '备注']);
  });
  it('prefers a name over a label when a label spells another field\'s name', () => {
    const fields = [F('a', 'string', { label: 'b' }), F('b', 'string', { label: 'c' })];
    expect(fieldHeader(['b', 'c'], fields)).toEqual(['b', 'b']);
  });
});

describe('csvWithFieldNames', () => {
  it('rewrites a header of labels, even split across chunks in the middle of a character', async () => {
    const src = Buffer.from('\uFEFF公民身份号码,姓名,出生日期\r\n1,张三,1990-01-01\n', 'utf8');
    const chunks = [src.subarray(0, 5), src.subarray(5, 11), src.subarray(11)];
    expect(await text(csvWithFieldNames(Readable.from(chunks), FIELDS))).toBe('id_number,name,birth\n1,张三,1990-01-01\n');
  });
  it('passes a header of names through byte for byte', async () => {
    const src = '\uFEFFid_number,"name",birth\r\n1,"张,三",1990-01-01\n';
    expect(await text(csvWithFieldNames(Readable.from([src]), FIELDS))).toBe(src);
  });
  it('keeps the line count of a header with a quoted line break, and handles a file without one', async () => {
    const out = await text(csvWithFieldNames(Readable.from(['"姓\n名",公民身份号码\nx,1\n']), FIELDS));
    expect(out).toBe('"姓\n名",id_number\nx,1\n');
    expect(await text(csvWithFieldNames(Readable.from(['姓名,公民身份号码']), FIELDS))).toBe('name,id_number\n');
    expect(await text(csvWithFieldNames(Readable.from([]), FIELDS))).toBe('');
  });
  it('leaves a malformed header to the CSV reader', async () => {
    const src = '姓名,"公民身份号码\n1,2\n';
    expect(await text(csvWithFieldNames(Readable.from([src]), FIELDS))).toBe(src);
  });
});

describe('upsertMerge (000 第八条)', () => {
  const v = { previous: 1, current: 2 };
  const base = [F('code', 'string', { key: true }), F('name', 'string'), F('size', 'integer')];
  it('merges the shared columns when the key is the same', () => {
    expect(upsertMerge(base, base, v)).toEqual({ ok: true, columns: ['code', 'name', 'size'] });
    expect(upsertMerge(base, [F('code', 'string', { key: true }), F('note', 'string'), F('size', 'integer')], v)).toEqual({ ok: true, columns: ['code', 'size'] });
  });
  it('refuses when the key fields differ in name, number or type', () => {
    for (const current of [
      [F('id', 'string', { key: true }), F('name', 'string')],
      [F('code', 'string', { key: true }), F('name', 'string', { key: true })],
      [F('code', 'integer', { key: true }), F('name', 'string')],
      [F('code', 'string'), F('name', 'string')],
    ]) {
      const r = upsertMerge(base, current, v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/主键.*全量替换/);
    }
  });
  it('refuses when a shared field changed its type', () => {
    const r = upsertMerge(base, [F('code', 'string', { key: true }), F('size', 'number')], v);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('size') });
  });
});
