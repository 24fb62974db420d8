/**
 * `gongshu push` against a real listening server with a provider clerk's API key: a multi-chunk
 * file interrupted after its second chunk resumes at the stored offset and commits; a failed chunk
 * is retried; a refused load prints its errors and exits non-zero; the command's own refusals.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type TestEnv } from '../../test/harness.js';
import { makePublishedEntry, PEOPLE_FIELDS } from '../modules/ingest/factories.js';
import { synthIdNumber } from '../modules/ingest/synth.js';
import { formatOf, humanBytes, push, type PushIo, type PushOptions } from './push.js';

let env: TestEnv;
let server: string;
let key: string;
let entryId: string;
let entryCode: string;
let dir: string;
const CHUNK = 64 * 1024;

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

/** A CSV of `n` people; rows in `bad` carry an invalid mobile number. */
function writeCsv(name: string, from: number, n: number, bad: ReadonlySet<number> = new Set()): string {
  const rows = Array.from({ length: n }, (_, i) => `${synthIdNumber('460105', '19900307', from + i)},居民${from + i},${bad.has(i) ? '12345' : `139${String(from + i).padStart(8, '0')}`}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, `id_number,name,mobile\n${rows.join('\n')}\n`);
  return file;
}

/** fetch that counts the chunk requests and where each started, optionally failing some of them. */
function countingFetch(failChunk: (n: number) => boolean = () => false) {
  const offsets: number[] = [];
  let n = 0;
  const f: typeof fetch = async (input, init) => {
    if (init?.method === 'PUT') {
      n++;
      if (failChunk(n)) throw new TypeError('fetch failed', { cause: new Error('connection reset') });
      offsets.push(Number(String(input).split('/').pop()));
    }
    return fetch(input, init);
  };
  return { fetch: f, offsets };
}

const io = (f: typeof fetch, out = new Sink(), err = new Sink()): PushIo & { out: Sink; err: Sink } => ({ fetch: f, out, err, sleep: async () => undefined, pollMs: 10 });
const opts = (file: string, over: Partial<PushOptions> = {}): PushOptions => ({ entryCode, file, mode: 'replace', server, key, chunkSize: CHUNK, retries: 2, retryDelayMs: 1, ...over });

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = env.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no listening address');
  server = `http://127.0.0.1:${addr.port}/`;
  const clerk = await loginAs(env.app, 'gat_clerk');
  const created = await clerk.post('/api/v1/api-keys', { name: '批量推送' });
  expect(created.statusCode, created.body).toBe(201);
  key = created.json().key as string;
  entryId = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS.slice(0, 3), '推送命令测试');
  entryCode = (await env.k.db.kysely.selectFrom('catalog_entries').select('code').where('id', '=', entryId).executeTakeFirstOrThrow()).code;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-push-'));
});

afterAll(async () => {
  await env?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('gongshu push', () => {
  it('resumes an interrupted push at the offset the platform stored, and commits the load', async () => {
    const file = writeCsv('people.csv', 0, 5000);
    const size = fs.statSync(file).size;
    const chunks = Math.ceil(size / CHUNK);
    expect(chunks).toBeGreaterThanOrEqual(4);

    // The network fails for good after the second chunk: every later chunk request fails.
    const broken = countingFetch((n) => n > 2);
    const first = await push(opts(file), io(broken.fetch));
    expect(first.exitCode).toBe(1);
    expect(broken.offsets).toEqual([0, CHUNK]);
    expect(first.report).toBeNull();
    const stored = await env.k.db.kysely.selectFrom('uploads').select(['received', 'status']).where('id', '=', first.uploadId ?? '').executeTakeFirstOrThrow();
    expect(stored).toEqual({ received: 2 * CHUNK, status: 'open' });

    const again = countingFetch();
    const sink = new Sink();
    const second = await push(opts(file), io(again.fetch, sink));
    expect(second.uploadId).toBe(first.uploadId);
    expect(second.resumedAt).toBe(2 * CHUNK);
    expect(again.offsets[0]).toBe(2 * CHUNK);
    expect(again.offsets).toHaveLength(chunks - 2);
    expect(second.chunksSent).toBe(chunks - 2);
    expect(second.exitCode).toBe(0);
    expect(second.report).toMatchObject({ entryId, status: 'committed', rowsAccepted: 5000, rowsRejected: 0 });
    expect(sink.text).toContain('续传');
    expect(sink.text).toContain('已汇聚');
    expect(sink.text).toContain('（100%）');
    const live = await env.k.db.kysely.selectFrom('dataset_versions').select(['rows', 'load_id']).where('entry_id', '=', entryId).where('live', '=', true).executeTakeFirstOrThrow();
    expect(live).toEqual({ rows: 5000, load_id: second.report?.id });
  });

  it('stops cleanly when aborted (Ctrl-C) and the next run resumes there', async () => {
    const file = writeCsv('abort.csv', 50_000, 4000);
    const stop = new AbortController();
    let puts = 0;
    const stopping: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method === 'PUT' && ++puts === 2) stop.abort();
      return res;
    };
    const err = new Sink();
    const first = await push(opts(file), { ...io(stopping, new Sink(), err), signal: stop.signal });
    expect(first.exitCode).toBe(130);
    expect(err.text).toContain('已中断');
    // The platform kept both chunks it had taken before the abort.
    expect((await env.k.db.kysely.selectFrom('uploads').select('received').where('id', '=', first.uploadId ?? '').executeTakeFirstOrThrow()).received).toBe(2 * CHUNK);
    const again = countingFetch();
    const second = await push(opts(file), io(again.fetch));
    expect(second).toMatchObject({ exitCode: 0, uploadId: first.uploadId, resumedAt: 2 * CHUNK });
    expect(second.report?.rowsAccepted).toBe(4000);
  });

  it('retries a chunk whose request failed and goes on', async () => {
    const file = writeCsv('retry.csv', 10_000, 2000);
    const flaky = countingFetch((n) => n === 2);
    const err = new Sink();
    const r = await push(opts(file), io(flaky.fetch, new Sink(), err));
    expect(r.exitCode).toBe(0);
    expect(err.text).toContain('重试');
    // The failed second request was sent again at the same offset.
    expect(flaky.offsets.slice(0, 2)).toEqual([0, CHUNK]);
    expect(r.report?.rowsAccepted).toBe(2000);
  });

  it('prints the first rejected rows with line, field and reason and exits 1 when the load is refused', async () => {
    const file = writeCsv('bad.csv', 20_000, 40, new Set([0, 3, 7]));
    const err = new Sink();
    const r = await push(opts(file), io(countingFetch().fetch, new Sink(), err));
    expect(r.exitCode).toBe(1);
    expect(r.report).toMatchObject({ status: 'refused', rowsRejected: 3 });
    expect(err.text).toContain('整批拒收');
    expect(err.text).toMatch(/第 2 行 {2}mobile=.*：/);
    expect(err.text).toContain('第 5 行');
  });

  it('pushes a spreadsheet (.xlsx) in chunks into a committed load', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('人口');
    ws.addRow(['id_number', 'name', 'mobile']);
    for (let i = 0; i < 500; i++) ws.addRow([synthIdNumber('460105', '19900307', 60_000 + i), `居民${60_000 + i}`, `139${String(60_000 + i).padStart(8, '0')}`]);
    const file = path.join(dir, 'people.xlsx');
    fs.writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
    const sent = countingFetch();
    const r = await push(opts(file, { chunkSize: 4096 }), io(sent.fetch));
    expect(sent.offsets.length).toBeGreaterThan(1);
    expect(r).toMatchObject({ exitCode: 0, report: { status: 'committed', rowsAccepted: 500 } });
  });

  it('draws a progress bar on a terminal', async () => {
    const file = writeCsv('tty.csv', 30_000, 1500);
    const out = new Sink();
    out.isTTY = true;
    const r = await push(opts(file), io(countingFetch().fetch, out));
    expect(r.exitCode).toBe(0);
    expect(out.text).toMatch(/推送 .*100% \| /);
  });

  it('refuses what it cannot push: unknown format or no key (exit 2), an unknown entry code, a key of another org (exit 1)', async () => {
    const file = writeCsv('people2.csv', 40_000, 10);
    const txt = path.join(dir, 'people.txt');
    fs.writeFileSync(txt, 'x');
    const e1 = new Sink();
    expect((await push(opts(txt), io(fetch, new Sink(), e1))).exitCode).toBe(2);
    expect(e1.text).toContain('无法识别文件格式');
    expect((await push(opts(file, { key: '' }), io(fetch))).exitCode).toBe(2);
    expect((await push(opts(path.join(dir, 'missing.csv')), io(fetch))).exitCode).toBe(2);
    const e2 = new Sink();
    expect((await push(opts(file, { entryCode: '460000-NOPE-T1' }), io(fetch, new Sink(), e2))).exitCode).toBe(1);
    expect(e2.text).toContain('404');

    const scj = await loginAs(env.app, 'scj_clerk');
    const other = (await scj.post('/api/v1/api-keys', { name: '他机构' })).json().key as string;
    const e3 = new Sink();
    expect((await push(opts(file, { key: other }), io(fetch, new Sink(), e3))).exitCode).toBe(1);
    expect(e3.text).toContain('403');
  });

  it('reads the format from the extension and shows sizes readably', () => {
    expect([formatOf('a.CSV'), formatOf('b.ndjson'), formatOf('c.jsonl'), formatOf('d.xlsx'), formatOf('e.txt')]).toEqual(['csv', 'ndjson', 'ndjson', 'xlsx', null]);
    expect([humanBytes(512), humanBytes(2048), humanBytes(5 * 1024 * 1024)]).toEqual(['512 B', '2.0 KiB', '5.0 MiB']);
  });
});
