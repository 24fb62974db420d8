/**
 * The rows of a load reach the dataset table exactly as they were in the file: the COPY text the
 * load writes escapes what COPY would read as structure (tabs, line breaks, backslashes, `\N`,
 * `\.`), on PGlite and on PostgreSQL alike; and the writer holds any number of rows in bounded
 * pieces.
 */
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import type { CatalogField } from '../catalog/tables.js';
import { openCopy } from './copy.js';
import { makePublishedEntry } from './factories.js';
import * as repo from './repo.js';
import { synthIdNumber } from './synth.js';
import { copyLine } from './validators.js';

const FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'note', label: '备注', type: 'string' },
  { name: 'n', label: '数量', type: 'integer' },
  { name: 'at', label: '时间', type: 'datetime' },
];

let env: TestEnv;
let gat: Client;
let entryId: string;

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  gat = await loginAs(env.app, 'gat_clerk');
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '转义测试数据');
});

afterAll(async () => {
  await env?.close();
});

const id = (i: number) => synthIdNumber('460105', '19900307', i);
/** A CSV cell: quoted, with quotes doubled. */
const q = (v: string) => `"${v.replace(/"/g, '""')}"`;

describe('the COPY text of a load', () => {
  it('keeps tabs, line breaks, backslashes, \\N and \\. inside values, and reads empty cells as NULL', async () => {
    const notes = [
      'tab\there',
      'two\nlines',
      'crlf\r\ninside',
      'C:\\data\\2026',
      '\\N',
      'before\n\\.\nafter',
      '\\.',
      '备注, 含逗号与"引号"',
      'ends with backslash \\',
    ];
    const rows = notes.map((note, i) => `${id(i)},${q(note)},${i},2026-09-18T10:00:0${i}+08:00`);
    rows.push(`${id(100)},,,`);
    const body = `id_number,note,n,at\r\n${rows.join('\r\n')}\r\n`;
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
      headers: { cookie: gat.cookie, 'x-csrf-token': gat.csrf, 'content-type': 'text/csv' },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'committed', rowsAccepted: notes.length + 1, rowsRejected: 0 });
    const live = await env.k.db.kysely.selectFrom('dataset_versions').select('table_name').where('entry_id', '=', entryId).where('live', '=', true).executeTakeFirstOrThrow();
    const got = await sql<{ id_number: string; note: string | null; n: string | number | null; at: Date | null }>`SELECT id_number, note, n, at FROM ${sql.table(`datasets.${live.table_name}`)}`.execute(env.k.db.kysely);
    const byId = new Map(got.rows.map((r) => [r.id_number, r]));
    notes.forEach((note, i) => {
      const r = byId.get(id(i));
      expect(r?.note, JSON.stringify(note)).toBe(note);
      expect(Number(r?.n)).toBe(i);
      expect(new Date(r?.at as Date).toISOString()).toBe(`2026-09-18T02:00:0${i}.000Z`);
    });
    expect(byId.get(id(100))).toMatchObject({ note: null, n: null, at: null });
  });

  it('reports bad rows by their physical line across many chunks of input, after multi-line values', async () => {
    // 6,000 rows (several chunks of input); every seventh has a note over two lines, so line
    // numbers drift from row numbers; every 997th has a corrupted ID number.
    let body = 'id_number,note,n,at\n';
    let line = 2;
    const expected: Array<{ line: number; field: string; reason: string }> = [];
    for (let i = 0; i < 6000; i++) {
      const bad = i % 997 === 500;
      const good = id(1000 + i);
      const value = bad ? `${good.slice(0, 17)}${good[17] === '1' ? '2' : '1'}` : good;
      if (bad) expected.push({ line, field: 'id_number', reason: expect.stringContaining('校验位') as unknown as string });
      const note = i % 7 === 0 ? q(`第${i}行\n续行`) : `第${i}行`;
      body += `${value},${note},${i},\n`;
      line += i % 7 === 0 ? 2 : 1;
    }
    // Streamed in pieces of 10,000 bytes, cutting through rows and through Chinese characters.
    const bytes = Buffer.from(body);
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 10_000) pieces.push(bytes.subarray(at, at + 10_000));
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
      headers: { cookie: gat.cookie, 'x-csrf-token': gat.csrf, 'content-type': 'text/csv' },
      payload: Readable.from(pieces),
    });
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json() as { rowsAccepted: number; rowsRejected: number; errors: Array<{ line: number; field: string; value: string; reason: string }> };
    expect(report).toMatchObject({ rowsAccepted: 6000 - expected.length, rowsRejected: expected.length });
    expect(report.errors).toEqual(expected.map((e) => ({ ...e, value: expect.stringMatching(/^\d{4}\*+\d{3}[\dX]$/) })));
  });

  it('writes a large load in bounded pieces, every row arriving', async () => {
    const table = 'l_copytest_bulk';
    await repo.createDatasetTable(env.k.db.kysely, table, FIELDS);
    try {
      const writer = await openCopy(
        env.k.db,
        table,
        FIELDS.map((f) => f.name),
      );
      const n = 30_000;
      // One write larger than a send buffer (encoded on its own), then many small ones.
      const batches = [[0, 20_000]];
      for (let i = 20_000; i < n; i += 500) batches.push([i, i + 500]);
      for (const [from, to] of batches as Array<[number, number]>) {
        let lines = '';
        for (let j = from; j < to; j++) lines += copyLine([id(j), `第${j}行\t制表`, String(j), null]);
        await writer.write(lines);
      }
      await writer.end();
      const r = await sql<{ c: string | number; s: string | number; tabs: string | number }>`SELECT count(*) AS c, sum(n) AS s, count(*) FILTER (WHERE note LIKE '%' || chr(9) || '%') AS tabs FROM ${sql.table(`datasets.${table}`)}`.execute(env.k.db.kysely);
      expect(Number(r.rows[0]?.c)).toBe(n);
      expect(Number(r.rows[0]?.s)).toBe((n * (n - 1)) / 2);
      expect(Number(r.rows[0]?.tabs)).toBe(n);
    } finally {
      await repo.dropDatasetTable(env.k.db.kysely, table);
    }
  });
});
