/**
 * Pushed files over HTTP: declaring an upload and resuming it, chunks at the right and wrong
 * offsets, a chunk sent twice, the size limits, completion refused on missing bytes or a wrong
 * digest, completion into a committed (or refused) load, the provider-only rule, the lookup of an
 * entry by code, and the cleanup job on both sides of the idle period.
 */
import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { runJobsOnce } from '../../kernel/jobs.js';
import { authOf, makePublishedEntry, PEOPLE_FIELDS } from './factories.js';
import { ingestJobs } from './jobs.js';
import { synthIdNumber } from './synth.js';
import { countChunks, findUpload } from './uploads.repo.js';
import { chunkPlace, completeUpload, isIdleExpired, LOADING_STALE_MS, UPLOAD_CHUNK_SIZE, UPLOAD_IDLE_DAYS } from './uploads.js';
import { ok } from '../../../test/assert.js';

let env: TestEnv;
let gat: Client;
let scj: Client;
let entryId: string;
let entryCode: string;
const FIELDS = PEOPLE_FIELDS.slice(0, 3);

const sm3 = (b: Buffer) => crypto.createHash('sm3').update(b).digest('hex');
/** A CSV of `n` valid people from `from`, with the rows in `bad` given an invalid mobile number. */
function file(from: number, n: number, bad: ReadonlySet<number> = new Set()): Buffer {
  const rows = Array.from({ length: n }, (_, i) => `${synthIdNumber('460105', '19900307', from + i)},居民${from + i},${bad.has(i) ? '12345' : `139${String(from + i).padStart(8, '0')}`}`);
  return Buffer.from(`id_number,name,mobile\n${rows.join('\n')}\n`);
}

const refused = (res: LightMyRequestResponse, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  const e = res.json().error as { code: string; message: string; source?: string; details?: Record<string, unknown> };
  expect(e.code).toBe(code);
  return e;
};

const declare = (c: Client, body: Buffer, over: Record<string, unknown> = {}, id = entryId) =>
  c.post(`/api/v1/catalog/entries/${id}/uploads`, { fileName: 'people.csv', size: body.length, digest: sm3(body), format: 'csv', mode: 'replace', ...over });
const put = (c: Client, id: string, offset: number, bytes: Buffer) =>
  env.app.inject({
    method: 'PUT',
    url: `/api/v1/uploads/${id}/chunks/${offset}`,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/octet-stream' },
    payload: bytes,
  });
const complete = (c: Client, id: string) => c.post(`/api/v1/uploads/${id}/complete`);
/** Sends `bytes[from..]` in chunks of `size`; returns the final `received`. */
async function sendAll(c: Client, id: string, bytes: Buffer, size: number, from = 0): Promise<number> {
  let received = from;
  for (let o = from; o < bytes.length; o += size) received = ok(await put(c, id, o, bytes.subarray(o, o + size))).received as number;
  return received;
}

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  gat = await loginAs(env.app, 'gat_clerk');
  scj = await loginAs(env.app, 'scj_clerk');
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '推送测试人口');
  entryCode = (await env.k.db.kysely.selectFrom('catalog_entries').select('code').where('id', '=', entryId).executeTakeFirstOrThrow()).code;
});

afterAll(async () => {
  await env?.close();
});

describe('declaring an upload', () => {
  it('creates an open upload with the chunk size and the audit event, and finds it again to resume', async () => {
    const body = file(0, 50);
    const u = ok(await declare(gat, body), 201);
    expect(u).toMatchObject({ entryId, size: body.length, digest: sm3(body), received: 0, chunkSize: UPLOAD_CHUNK_SIZE, status: 'open', loadId: null, resumed: false });
    const ev = await env.k.db.kysely.selectFrom('audit_events').select('details').where('action', '=', 'ingest.upload_create').where('object_id', '=', entryId).execute();
    expect(ev.map((e) => (e.details as { uploadId: string }).uploadId)).toContain(u.id);

    ok(await put(gat, u.id as string, 0, body.subarray(0, 700)));
    // The same file declared again (by another user of the same org) resumes where it stopped.
    const officer = await loginAs(env.app, 'gat_officer');
    const again = ok(await declare(officer, body), 200);
    expect(again).toMatchObject({ id: u.id, received: 700, resumed: true });
    // Another file (another digest) is another upload.
    const other = ok(await declare(gat, file(1000, 50)), 201);
    expect(other.id).not.toBe(u.id);
  });

  it('is refused to another org (403), to an unpublished entry, and to upsert without key fields (422)', async () => {
    const body = file(0, 5);
    const e = refused(await declare(scj, body), 403, 'FORBIDDEN');
    expect(e.message).toContain('目录提供单位');
    const plain = await makePublishedEntry(env.k, '海南省公安厅', [{ name: 'note', label: '备注', type: 'string' }], '无主键目录');
    expect(refused(await declare(gat, body, { mode: 'upsert' }, plain), 422, 'RULE_VIOLATION').source).toBe('000 第八条');
    ok(await declare(gat, body, { mode: 'replace' }, plain), 201);
    await env.k.db.kysely.updateTable('catalog_entries').set({ published_version: null }).where('id', '=', plain).execute();
    expect(refused(await declare(gat, body, {}, plain), 422, 'RULE_VIOLATION').message).toContain('尚未发布');
  });

  it('checks the declaration: a digest that is not SM3 hex, an empty file, an unknown format', async () => {
    const body = file(0, 5);
    refused(await declare(gat, body, { digest: 'abc' }), 400, 'VALIDATION');
    refused(await declare(gat, body, { size: 0 }), 400, 'VALIDATION');
    refused(await declare(gat, body, { format: 'pdf' }), 400, 'VALIDATION');
  });
});

describe('sending chunks', () => {
  it('takes the chunk at the received offset and refuses another offset with 409 naming the expected one', async () => {
    const body = file(2000, 60);
    const u = ok(await declare(gat, body), 201);
    const id = u.id as string;
    expect(ok(await put(gat, id, 0, body.subarray(0, 1000)))).toEqual({ received: 1000 });
    const ahead = refused(await put(gat, id, 1500, body.subarray(1500, 2500)), 409, 'CONFLICT');
    expect(ahead.message).toContain('1000');
    expect(ahead.details).toEqual({ expectedOffset: 1000, offset: 1500 });
    // An earlier offset that is not where a stored chunk starts is out of place too.
    expect(refused(await put(gat, id, 500, body.subarray(500, 1500)), 409, 'CONFLICT').details).toMatchObject({ expectedOffset: 1000 });
    expect(ok(await put(gat, id, 1000, body.subarray(1000, 2000)))).toEqual({ received: 2000 });
    expect(ok(await gat.get(`/api/v1/uploads/${id}`))).toMatchObject({ id, received: 2000, size: body.length, status: 'open', loadId: null });
  });

  it('answers a chunk sent again idempotently, and refuses different bytes at a stored offset', async () => {
    const body = file(3000, 40);
    const id = ok(await declare(gat, body), 201).id as string;
    await sendAll(gat, id, body.subarray(0, 1200), 600);
    expect(await countChunks(env.k.db.kysely, id)).toBe(2);
    expect(ok(await put(gat, id, 600, body.subarray(600, 1200)))).toEqual({ received: 1200 });
    expect(ok(await put(gat, id, 0, body.subarray(0, 600)))).toEqual({ received: 1200 });
    expect(await countChunks(env.k.db.kysely, id)).toBe(2);
    const changed = Buffer.from(body.subarray(0, 600));
    changed[10] = 0x41;
    expect(refused(await put(gat, id, 0, changed), 409, 'CONFLICT').details).toMatchObject({ expectedOffset: 1200 });
  });

  it('keeps chunks within the chunk size and the declared size, and takes only octet-stream', async () => {
    const body = file(4000, 20);
    const id = ok(await declare(gat, body), 201).id as string;
    refused(await put(gat, id, 0, Buffer.alloc(UPLOAD_CHUNK_SIZE + 1, 0x61)), 400, 'VALIDATION');
    const past = refused(await put(gat, id, 0, Buffer.concat([body, Buffer.from('x')])), 400, 'VALIDATION');
    expect(past.message).toContain('超出声明的文件大小');
    const json = await env.app.inject({ method: 'PUT', url: `/api/v1/uploads/${id}/chunks/0`, headers: { cookie: gat.cookie, 'x-csrf-token': gat.csrf }, payload: { a: 1 } });
    refused(json, 400, 'VALIDATION');
    // Exactly the whole file in one chunk is fine.
    expect(ok(await put(gat, id, 0, body))).toEqual({ received: body.length });
  });

  it("keeps another org's upload out of sight (404), and anonymous callers out (401)", async () => {
    const body = file(5000, 10);
    const id = ok(await declare(gat, body), 201).id as string;
    refused(await scj.get(`/api/v1/uploads/${id}`), 404, 'NOT_FOUND');
    refused(await put(scj, id, 0, body), 404, 'NOT_FOUND');
    refused(await complete(scj, id), 404, 'NOT_FOUND');
    expect((await env.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}` })).statusCode).toBe(401);
  });
});

describe('completing an upload', () => {
  it('is refused while bytes are missing (409 with the offset to resume from) and on a wrong digest (422, stays open)', async () => {
    const body = file(6000, 30);
    const id = ok(await declare(gat, body, { digest: sm3(Buffer.from('something else')) }), 201).id as string;
    await sendAll(gat, id, body.subarray(0, 800), 800);
    const missing = refused(await complete(gat, id), 409, 'INVALID_STATE');
    expect(missing.details).toEqual({ expectedOffset: 800 });
    await sendAll(gat, id, body, 800, 800);
    const wrong = refused(await complete(gat, id), 422, 'RULE_VIOLATION');
    expect(wrong.message).toContain('摘要不符');
    expect(wrong.details).toEqual({ declared: sm3(Buffer.from('something else')), actual: sm3(body) });
    expect(ok(await gat.get(`/api/v1/uploads/${id}`))).toMatchObject({ status: 'open', received: body.length, loadId: null });
  });

  it('streams the chunks into a committed load whose version has the rows; completing again returns the same report', async () => {
    const body = file(7000, 300);
    const id = ok(await declare(gat, body), 201).id as string;
    await sendAll(gat, id, body, 1024);
    expect(await countChunks(env.k.db.kysely, id)).toBe(Math.ceil(body.length / 1024));
    const report = ok(await complete(gat, id), 201);
    expect(report).toMatchObject({ entryId, status: 'committed', rowsTotal: 300, rowsAccepted: 300, rowsRejected: 0, errors: [] });
    const versions = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/versions`)) as { items: Array<{ versionNo: number; loadId: string; rows: number; live: boolean }> };
    expect(versions.items.find((v) => v.live)).toMatchObject({ loadId: report.id, rows: 300, versionNo: report.versionNo });
    const rows = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/versions/${report.versionNo as number}/rows?limit=1000`)) as { rows: Array<Record<string, unknown>> };
    expect(rows.rows).toHaveLength(300);
    expect(rows.rows.map((r) => r.name)).toContain('居民7299');

    expect(ok(await gat.get(`/api/v1/uploads/${id}`))).toMatchObject({ status: 'completed', loadId: report.id });
    const ev = await env.k.db.kysely.selectFrom('audit_events').select('details').where('action', '=', 'ingest.upload_complete').execute();
    expect(ev.map((e) => e.details)).toContainEqual(expect.objectContaining({ uploadId: id, loadId: report.id, loadStatus: 'committed' }));
    expect(ok(await complete(gat, id), 201)).toMatchObject({ id: report.id, status: 'committed' });
    refused(await put(gat, id, 0, body.subarray(0, 10)), 409, 'INVALID_STATE');
    // The same file declared again is a new upload: the finished one is not resumed.
    expect(ok(await declare(gat, body), 201).id).not.toBe(id);
  });

  it('returns the 422 report of a load refused over the error threshold, and records it on the upload', async () => {
    const body = file(8000, 20, new Set([1, 5, 9]));
    const id = ok(await declare(gat, body), 201).id as string;
    await sendAll(gat, id, body, 400);
    const e = refused(await complete(gat, id), 422, 'IMPORT_REJECTED');
    expect(e.details).toMatchObject({ status: 'refused', rowsRejected: 3, errors: expect.arrayContaining([expect.objectContaining({ line: 3, field: 'mobile' })]) });
    expect(ok(await gat.get(`/api/v1/uploads/${id}`))).toMatchObject({ status: 'completed', loadId: e.details?.id });
    expect(refused(await complete(gat, id), 422, 'IMPORT_REJECTED').details).toMatchObject({ id: e.details?.id });
  });
});

describe('a completion that stops', () => {
  it('leaves the upload open and the live version as it was when the load is interrupted; completing again commits', async () => {
    const body = file(10_000, 120);
    const id = ok(await declare(gat, body), 201).id as string;
    await sendAll(gat, id, body, 1500);
    const liveBefore = await env.k.db.kysely.selectFrom('dataset_versions').select(['version_no', 'load_id']).where('entry_id', '=', entryId).where('live', '=', true).executeTakeFirst();
    const auth = await authOf(env.k, 'gat_clerk');
    await expect(
      completeUpload(env.k, auth, id, {
        afterRow: (n) => {
          if (n === 60) throw new Error('connection lost');
        },
      }),
    ).rejects.toThrow();
    expect(ok(await gat.get(`/api/v1/uploads/${id}`))).toMatchObject({ status: 'open', loadId: null, received: body.length });
    const liveAfter = await env.k.db.kysely.selectFrom('dataset_versions').select(['version_no', 'load_id']).where('entry_id', '=', entryId).where('live', '=', true).executeTakeFirst();
    expect(liveAfter).toEqual(liveBefore);
    expect(ok(await complete(gat, id), 201)).toMatchObject({ status: 'committed', rowsAccepted: 120 });
  });

  it('refuses a second completion while one is loading, and lets it take over a claim older than the stale limit', async () => {
    const body = file(11_000, 30);
    const id = ok(await declare(gat, body), 201).id as string;
    await sendAll(gat, id, body, 4096);
    // As a completion in another process leaves it while it loads.
    await env.k.db.kysely.updateTable('uploads').set({ status: 'loading', updated_at: env.clock.now() }).where('id', '=', id).execute();
    env.clock.advance(LOADING_STALE_MS - 1000);
    expect(refused(await complete(gat, id), 409, 'INVALID_STATE').message).toContain('正在汇聚');
    refused(await put(gat, id, 0, body.subarray(0, 10)), 409, 'INVALID_STATE');
    // The same file declared again finds it (a push run again waits for it).
    expect(ok(await declare(gat, body), 200)).toMatchObject({ id, status: 'loading' });
    env.clock.advance(1000);
    expect(ok(await complete(gat, id), 201)).toMatchObject({ status: 'committed', rowsAccepted: 30 });
  });
});

describe('the cleanup job', () => {
  const job = ingestJobs.find((j) => j.name === 'ingest.uploads_cleanup');

  it('expires uploads idle for the period and removes chunks of finished ones, and leaves a recent one alone', async () => {
    if (!job) throw new Error('ingest.uploads_cleanup is not registered');
    const idle = file(9000, 10);
    const idleId = ok(await declare(gat, idle), 201).id as string;
    await sendAll(gat, idleId, idle.subarray(0, 300), 300);
    env.clock.advanceDays(UPLOAD_IDLE_DAYS - 1);
    // Sessions last hours: sign in again on the new day.
    gat = await loginAs(env.app, 'gat_clerk');
    const recent = file(9100, 10);
    const recentId = ok(await declare(gat, recent), 201).id as string;
    await sendAll(gat, recentId, recent.subarray(0, 300), 300);
    const done = file(9200, 10);
    const doneId = ok(await declare(gat, done), 201).id as string;
    await sendAll(gat, doneId, done, 4096);
    ok(await complete(gat, doneId), 201);

    // One day short of the period: nothing idle yet, but finished chunks go.
    const first = await runJobsOnce(env.k, [job]);
    expect(first[0]?.ran).toBe(true);
    expect((await findUpload(env.k.db.kysely, idleId))?.status).toBe('open');
    expect(await countChunks(env.k.db.kysely, doneId)).toBe(0);
    expect(await countChunks(env.k.db.kysely, idleId)).toBe(1);

    env.clock.advanceDays(1);
    gat = await loginAs(env.app, 'gat_clerk');
    scj = await loginAs(env.app, 'scj_clerk');
    // Past the period a resume does not find it, and its chunks are refused even before the job runs.
    expect(refused(await put(gat, idleId, 300, idle.subarray(300)), 409, 'INVALID_STATE').message).toContain('过期');
    await runJobsOnce(env.k, [job]);
    expect((await findUpload(env.k.db.kysely, idleId))?.status).toBe('expired');
    expect(await countChunks(env.k.db.kysely, idleId)).toBe(0);
    expect((await findUpload(env.k.db.kysely, recentId))?.status).toBe('open');
    expect(await countChunks(env.k.db.kysely, recentId)).toBe(1);
    expect(ok(await declare(gat, idle), 201).id).not.toBe(idleId);
  });
});

describe('rules', () => {
  it('places a chunk against the bytes received', () => {
    expect(chunkPlace(100, 100)).toBe('next');
    expect(chunkPlace(0, 100)).toBe('earlier');
    expect(chunkPlace(101, 100)).toBe('ahead');
  });

  it('expires an unfinished upload exactly at the idle period', () => {
    const at = new Date('2026-09-18T02:00:00Z');
    const u = (status: 'open' | 'loading' | 'completed' | 'expired', ms: number) => ({ status, updated_at: new Date(at.getTime() - ms) });
    const period = UPLOAD_IDLE_DAYS * 86_400_000;
    expect(isIdleExpired(u('open', period - 1), at)).toBe(false);
    expect(isIdleExpired(u('open', period), at)).toBe(true);
    expect(isIdleExpired(u('loading', period), at)).toBe(true);
    expect(isIdleExpired(u('completed', period * 2), at)).toBe(false);
  });
});

describe('the OpenAPI document', () => {
  it('lists the pushed-file routes', async () => {
    const doc = ok(await env.app.inject({ method: 'GET', url: '/api/openapi.json' })) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/catalog/entries/{id}/uploads'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/api/v1/uploads/{id}/chunks/{offset}'] ?? {})).toContain('put');
    expect(Object.keys(doc.paths['/api/v1/uploads/{id}/complete'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/api/v1/catalog/entries/by-code/{code}'] ?? {})).toContain('get');
  });
});

describe('GET /api/v1/catalog/entries/by-code/{code}', () => {
  it('finds a published entry for any signed-in user, and answers 404 for an unknown code and 401 without sign-in', async () => {
    expect(ok(await gat.get(`/api/v1/catalog/entries/by-code/${encodeURIComponent(entryCode)}`))).toEqual({ id: entryId, code: entryCode, name: '推送测试人口' });
    expect(ok(await scj.get(`/api/v1/catalog/entries/by-code/${encodeURIComponent(entryCode)}`))).toMatchObject({ id: entryId });
    refused(await gat.get('/api/v1/catalog/entries/by-code/460000-NOPE-00001'), 404, 'NOT_FOUND');
    expect((await env.app.inject({ method: 'GET', url: `/api/v1/catalog/entries/by-code/${encodeURIComponent(entryCode)}` })).statusCode).toBe(401);
  });
});
