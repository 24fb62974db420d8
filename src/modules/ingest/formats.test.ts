/**
 * The ways a load's file comes in: XLSX (first worksheet, header by field names or labels, dates
 * and numbers typed, line = sheet row), CSV with a header of field labels, multipart forms with
 * one CSV or XLSX file (format from the part's type or extension, mode from the form unless the
 * query sets it, the size limit, a second file refused), bodies larger than the app's body limit,
 * and the 415 for any other type listing the accepted ones.
 */
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { makePublishedEntry, PEOPLE_FIELDS } from './factories.js';
import { synthBankCard, synthIdNumber, synthUscc } from './synth.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let env: TestEnv;
let gat: Client;
let entryId: string;

const id = (i: number) => synthIdNumber('460105', '19900307', i);
const NAMES = PEOPLE_FIELDS.map((f) => f.name);
const LABELS = PEOPLE_FIELDS.map((f) => f.label);

/** One person as spreadsheet cells, typed as a clerk would type them. */
const cells = (i: number, over: Partial<Record<string, unknown>> = {}): unknown[] => {
  const row: Record<string, unknown> = {
    id_number: id(i),
    name: `居民${i}`,
    mobile: 13900000000 + i,
    card: synthBankCard(i),
    region: 460105,
    company: synthUscc('460100', i),
    birth: new Date(Date.UTC(1990, 2, 7)),
    household: (i % 5) + 1,
    income: 1000.5 + i,
    active: i % 2 === 1,
    updated_at: new Date(Date.UTC(2026, 8, 18, 10, 30, 0)),
    ...over,
  };
  return NAMES.map((n) => row[n] ?? null);
};

async function workbook(sheets: Array<{ name: string; rows: unknown[][] }>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    s.rows.forEach((r, n) => {
      // Row numbers as given (a gap leaves empty rows), so tests can place rows exactly.
      if (r.length > 0) ws.getRow(n + 1).values = r as ExcelJS.CellValue[];
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvOf = (header: string[], rows: string[]) => `${header.join(',')}\n${rows.join('\n')}\n`;
const csvPerson = (i: number) =>
  [id(i), `居民${i}`, `139${String(i).padStart(8, '0')}`, synthBankCard(i), '460105', synthUscc('460100', i), '1990-03-07', '2', '1000.50', 'true', '2026-09-18T10:00:00+08:00'].join(',');

const post = (body: Buffer | string, type: string, query = '', entry = entryId) =>
  env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${entry}/loads${query}`, headers: { cookie: gat.cookie, 'x-csrf-token': gat.csrf, 'content-type': type }, payload: body });

/** A multipart/form-data body as a browser sends it. */
async function form(parts: Array<{ name: string; value: string } | { name: string; file: Buffer | string; filename: string; type?: string }>): Promise<{ body: Buffer; type: string }> {
  const fd = new FormData();
  for (const p of parts) {
    if ('value' in p) fd.append(p.name, p.value);
    else fd.append(p.name, new Blob([typeof p.file === 'string' ? p.file : new Uint8Array(p.file)], { type: p.type ?? '' }), p.filename);
  }
  const req = new Request('http://localhost/', { method: 'POST', body: fd });
  return { body: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type') ?? '' };
}

const postForm = async (parts: Parameters<typeof form>[0], query = '') => {
  const f = await form(parts);
  return post(f.body, f.type, query);
};

const ok = (res: LightMyRequestResponse, status = 201) => {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
};

async function liveRows(entry = entryId): Promise<Array<Record<string, unknown>>> {
  const v = await env.k.db.kysely.selectFrom('dataset_versions').select('table_name').where('entry_id', '=', entry).where('live', '=', true).executeTakeFirst();
  if (!v) return [];
  return (await sql<Record<string, unknown>>`SELECT * FROM ${sql.raw(`datasets."${v.table_name}"`)}`.execute(env.k.db.kysely)).rows;
}

/** The load a refusal recorded, from the report the error carries. */
const loadOf = (res: LightMyRequestResponse) => {
  const loadId = (res.json() as { error: { details?: { id?: string } } }).error.details?.id ?? '';
  return env.k.db.kysely.selectFrom('loads').selectAll().where('id', '=', loadId).executeTakeFirstOrThrow();
};

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000, ingestMaxFileMb: 1, ingestErrorThreshold: 0.5 } });
  gat = await loginAs(env.app, 'gat_clerk');
  entryId = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS, '表格汇聚测试');
});

afterAll(async () => {
  await env?.close();
});

describe('an XLSX load', () => {
  it('reads the first worksheet: typed cells, header by labels, line numbers of the sheet, a bad ID number reported masked', async () => {
    const badId = `${id(3).slice(0, 17)}${id(3).endsWith('X') ? '1' : 'X'}`;
    const book = await workbook([
      {
        name: '人口',
        rows: [LABELS, cells(1), cells(2), [], cells(3, { id_number: badId }), cells(4), cells(5)],
      },
      { name: '说明', rows: [['这一页不是数据'], ['随便写的']] },
    ]);
    const r = ok(await post(book, XLSX));
    expect(r).toMatchObject({ status: 'committed', format: 'xlsx', rowsTotal: 5, rowsAccepted: 4, rowsRejected: 1 });
    // Row 4 of the sheet is empty and skipped: the bad row is row 5.
    expect(r.errors).toEqual([{ line: 5, field: 'id_number', value: `${badId.slice(0, 4)}**********${badId.slice(14)}`, reason: expect.stringContaining('公民身份号码') }]);
    expect(JSON.stringify(r)).not.toContain(badId);
    const rows = await liveRows();
    expect(rows).toHaveLength(4);
    const one = rows.find((x) => x.id_number === id(1));
    expect(one).toMatchObject({ name: '居民1', mobile: '13900000001', region: '460105', birth: '1990-03-07', household: 2, active: true });
    expect(Number(one?.income)).toBe(1001.5);
    // A datetime cell is wall-clock time as written, read as Beijing time.
    expect(new Date(one?.updated_at as string).toISOString()).toBe('2026-09-18T02:30:00.000Z');
  });

  it('takes a header of field names too, and a date typed as a plain number in a date field', async () => {
    const serial = 32939; // 1990-03-07 in Excel's 1900 date system
    const book = await workbook([{ name: 'Sheet1', rows: [NAMES, cells(10, { birth: serial }), cells(11, { birth: '1991-01-02' })] }]);
    const r = ok(await post(book, XLSX));
    expect(r).toMatchObject({ status: 'committed', rowsAccepted: 2, rowsRejected: 0 });
    const rows = await liveRows();
    expect(rows.find((x) => x.id_number === id(10))?.birth).toBe('1990-03-07');
    expect(rows.find((x) => x.id_number === id(11))?.birth).toBe('1991-01-02');
  });

  it('refuses a workbook whose header has a column the catalog does not define, recording the refusal', async () => {
    const before = await liveRows();
    const book = await workbook([{ name: 'Sheet1', rows: [[...NAMES, '备注'], [...cells(20), 'x']] }]);
    const res = await post(book, XLSX);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toContain('备注');
    const l = await loadOf(res);
    expect(l).toMatchObject({ status: 'refused', format: 'xlsx' });
    const ev = await env.k.db.kysely.selectFrom('audit_events').select('action').where('action', '=', 'ingest.load_refused').where(sql<boolean>`details->>'loadId' = ${l.id}`).execute();
    expect(ev).toHaveLength(1);
    expect(await liveRows()).toEqual(before);
  });

  it('refuses a body that is not a workbook, an empty body and a workbook without a data row', async () => {
    const notZip = await post(Buffer.from('id_number,name\n1,2\n'), XLSX);
    expect(notZip.statusCode, notZip.body).toBe(400);
    expect(notZip.json().error.message).toContain('XLSX');
    const empty = await post(Buffer.alloc(0), XLSX);
    expect(empty.statusCode, empty.body).toBe(400);
    expect(empty.json().error.message).toContain('文件为空');
    const headerOnly = await post(await workbook([{ name: 'Sheet1', rows: [NAMES] }]), XLSX);
    expect(headerOnly.statusCode, headerOnly.body).toBe(422);
    expect(headerOnly.json().error.message).toBe('文件没有数据行');
    const cut = await workbook([{ name: 'Sheet1', rows: [NAMES, cells(30)] }]);
    const truncated = await post(cut.subarray(0, Math.floor(cut.length / 2)), XLSX);
    expect(truncated.statusCode, truncated.body).toBe(400);
    expect((await loadOf(truncated)).status).toBe('refused');
    expect((await loadOf(notZip)).status).toBe('refused');
  });
});

describe('a CSV with a header of field labels', () => {
  it('maps labels (and names, mixed) to the fields, behind a byte-order mark', async () => {
    const header = LABELS.map((l, i) => (i % 2 ? NAMES[i] ?? l : l));
    const r = ok(await post(`\uFEFF${csvOf(header, [csvPerson(40), csvPerson(41)])}`, 'text/csv; charset=utf-8'));
    expect(r).toMatchObject({ status: 'committed', rowsAccepted: 2 });
    expect((await liveRows()).map((x) => x.id_number).sort()).toEqual([id(40), id(41)].sort());
  });

  it('keeps the line numbers of a quoted label spanning two lines, and refuses an unknown label', async () => {
    const header = ['"公民身份\n号码"', ...LABELS.slice(1)];
    const bad = csvPerson(43).replace('1990-03-07', '1990-02-30');
    const res = await post(csvOf(header, [csvPerson(42), bad]), 'text/csv');
    // "公民身份\n号码" is no label: refused, naming it.
    expect(res.statusCode, res.body).toBe(400);
    const r = ok(await post(csvOf(['"公民身份号码"', ...LABELS.slice(1)], [csvPerson(42), bad]), 'text/csv'));
    expect(r.errors).toEqual([expect.objectContaining({ line: 3, field: 'birth' })]);
  });
});

describe('a multipart upload', () => {
  it('loads one CSV file, its mode from the form field', async () => {
    ok(await post(csvOf(NAMES, [csvPerson(50), csvPerson(51)]), 'text/csv'));
    const r = ok(await postForm([{ name: 'mode', value: 'upsert' }, { name: 'file', file: csvOf(NAMES, [csvPerson(52)]), filename: '人口.csv', type: 'text/csv' }]));
    expect(r).toMatchObject({ status: 'committed', mode: 'upsert', format: 'csv', rowsAccepted: 1 });
    expect(await liveRows()).toHaveLength(3);
  });

  it('loads one XLSX file known by its extension; the query mode wins over the form', async () => {
    const book = await workbook([{ name: '人口', rows: [LABELS, cells(60), cells(61, { mobile: 12345 })] }]);
    const r = ok(await postForm([{ name: 'mode', value: 'upsert' }, { name: 'upload', file: book, filename: 'people.XLSX', type: 'application/octet-stream' }], '?mode=replace'));
    expect(r).toMatchObject({ status: 'committed', mode: 'replace', format: 'xlsx', rowsAccepted: 1, rowsRejected: 1, errors: [{ line: 3, field: 'mobile', value: '1****', reason: expect.any(String) }] });
    expect((await liveRows()).map((x) => x.id_number)).toEqual([id(60)]);
  });

  it('refuses a second file, a mode after the file, a form without a file and a bad mode, leaving the live version', async () => {
    const before = await liveRows();
    const file = { name: 'file', file: csvOf(NAMES, [csvPerson(70)]), filename: 'a.csv', type: 'text/csv' };
    const two = await postForm([file, { ...file, filename: 'b.csv' }]);
    expect(two.statusCode, two.body).toBe(400);
    expect(two.json().error.message).toContain('只能含一个文件');
    expect(await loadOf(two)).toMatchObject({ status: 'refused', rows_accepted: 1 });
    const late = await postForm([file, { name: 'mode', value: 'upsert' }]);
    expect(late.statusCode, late.body).toBe(400);
    expect(late.json().error.message).toContain('mode');
    const none = await postForm([{ name: 'mode', value: 'replace' }]);
    expect(none.statusCode, none.body).toBe(400);
    expect(none.json().error.message).toContain('没有文件');
    const badMode = await postForm([{ name: 'mode', value: 'merge' }, file]);
    expect(badMode.statusCode, badMode.body).toBe(400);
    expect(await liveRows()).toEqual(before);
  });

  it('refuses a file over INGEST_MAX_FILE_MB (1 MB here), and takes one just under it', async () => {
    const before = await liveRows();
    const rowsFor = (bytes: number) => Math.floor(bytes / (csvPerson(100).length + 1));
    const big = csvOf(NAMES, Array.from({ length: rowsFor(1.1 * 1024 * 1024) }, (_, i) => csvPerson(100 + i)));
    const res = await postForm([{ name: 'file', file: big, filename: 'big.csv', type: 'text/csv' }]);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toContain('1 MB');
    expect(await liveRows()).toEqual(before);
    const fits = csvOf(NAMES, Array.from({ length: rowsFor(0.95 * 1024 * 1024) }, (_, i) => csvPerson(100 + i)));
    expect(Buffer.byteLength(fits)).toBeLessThan(1024 * 1024);
    ok(await postForm([{ name: 'file', file: fits, filename: 'fits.csv', type: 'text/csv' }]));
  });

  it('answers 415 for a file part of another type, naming the accepted types', async () => {
    const res = await postForm([{ name: 'file', file: 'hello', filename: 'notes.txt', type: 'text/plain' }]);
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json().error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('.xlsx') });
  });
});

describe('the body of a load', () => {
  it('is not cut by the app body limit (10 MB): a 12 MB CSV loads whole', async () => {
    const id3 = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS.slice(0, 2), '大文件测试');
    const filler = '长'.repeat(1000);
    const n = 4200;
    const body = `id_number,name\n${Array.from({ length: n }, (_, i) => `${id(i)},${filler}${i}`).join('\n')}\n`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(12 * 1024 * 1024);
    const r = ok(await post(body, 'text/csv', '', id3));
    expect(r).toMatchObject({ status: 'committed', rowsAccepted: n });
  });

  it.each([['application/json', '{"a":1}'], ['text/plain', 'a,b'], ['application/pdf', '%PDF'], ['application/vnd.ms-excel', 'x']])('answers 415 to %s, naming the accepted types', async (type, body) => {
    const res = await post(body, type);
    expect(res.statusCode, res.body).toBe(415);
    const err = res.json().error as { code: string; message: string };
    expect(err.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    for (const t of ['text/csv', 'application/x-ndjson', XLSX, 'multipart/form-data']) expect(err.message).toContain(t);
  });

  it('is documented with its content types and rules', async () => {
    const doc = (await env.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, { post?: { description?: string; requestBody?: { content?: Record<string, unknown> } } }>;
    };
    const op = doc.paths['/api/v1/catalog/entries/{id}/loads']?.post;
    expect(Object.keys(op?.requestBody?.content ?? {}).sort()).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/x-ndjson', 'multipart/form-data', 'text/csv']);
    for (const word of ['000 第八条', 'replace', 'upsert', 'INGEST_ERROR_THRESHOLD', '415', '工作表']) expect(op?.description).toContain(word);
  });
});
