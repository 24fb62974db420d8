/**
 * Scheduled pull against a local HTTP server: registration rules (http/https only, the provider
 * org only, header values never returned), the job running a source only once it is due, a
 * conditional second pull (304 → unchanged, no new version), failures recorded with back-off and
 * a notice, refused loads, a disabled registrant, the size cap, redirects and timeouts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok } from '../../../test/assert.js';
import { runJobsOnce } from '../../kernel/jobs.js';
import type { CatalogField } from '../catalog/tables.js';
import { authOf, makePublishedEntry } from './factories.js';
import ExcelJS from 'exceljs';
import { DEFAULT_PULL_LIMITS, claimDueSources, pullJob, runPullNow } from './pull.service.js';

const FIELDS: CatalogField[] = [
  { name: 'code', label: '站点编码', type: 'string', key: true, required: true },
  { name: 'reading', label: '读数', type: 'integer', required: true },
];
const SECRET = 'Bearer s3cr3t-token-for-pull';

let env: TestEnv;
let gat: Client;
let scj: Client;
let entryId: string;
let server: http.Server;
let base: string;

/** What the test server answers; every request it got. */
type Reply = { status: number; body?: string | Buffer; headers?: Record<string, string>; hang?: boolean };
let respond: (req: http.IncomingMessage) => Reply = () => ({ status: 500 });
let requests: http.IncomingMessage[] = [];

const csvBody = (n: number, from = 0) => `code,reading\n${Array.from({ length: n }, (_, i) => `S${from + i},${i}`).join('\n')}\n`;
/** Serves `body` with an ETag, answering 304 when the client already has it. */
const withEtag = (body: string, etag: string) => (req: http.IncomingMessage): Reply =>
  req.headers['if-none-match'] === etag ? { status: 304 } : { status: 200, body, headers: { etag, 'content-type': 'text/csv', 'last-modified': 'Fri, 18 Sep 2026 01:00:00 GMT' } };

const source = (over: Record<string, unknown> = {}) => ({
  url: `${base}/data.csv`,
  format: 'csv',
  mode: 'replace',
  headers: [{ name: 'Authorization', value: SECRET }],
  schedule: { kind: 'frequency', hour: 2 },
  ...over,
});
const path = (id = entryId) => `/api/v1/catalog/entries/${id}/pull-source`;
const db = () => env.k.db.kysely;
const versions = async () => (ok(await gat.get(`/api/v1/catalog/entries/${entryId}/versions`)) as { items: Array<{ versionNo: number; live: boolean }> }).items;
const state = async () => ok(await gat.get(path())) as { nextRunAt: string; consecutiveFailures: number; lastRun: { status: string; loadId: string | null } | null; running: boolean; active: boolean };
const pullRuns = async () => (ok(await gat.get(`/api/v1/catalog/entries/${entryId}/pull-runs`)) as { items: Array<{ status: string; trigger: string; httpStatus: number | null; message: string | null; loadId: string | null }> }).items;
const runJob = async () => (await runJobsOnce(env.k, [pullJob]))[0];
/** Moves the test clock; signs in again, since a session does not outlive days of test time. */
async function setClock(at: Date | string) {
  env.clock.set(at);
  gat = await loginAs(env.app, 'gat_clerk');
}

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  gat = await loginAs(env.app, 'gat_clerk');
  scj = await loginAs(env.app, 'scj_clerk');
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '监测站读数');
  server = http.createServer((req, res) => {
    requests.push(req);
    const r = respond(req);
    if (r.hang) return;
    res.writeHead(r.status, r.headers ?? {});
    res.end(r.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await env?.close();
});

beforeEach(() => {
  requests = [];
});

describe('registering a pull source', () => {
  it('refuses an address that is not http or https (422, with the article)', async () => {
    for (const url of ['ftp://127.0.0.1/data.csv', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const res = await gat.put(path(), source({ url }));
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第八条', fields: [{ field: 'url' }] });
    }
    expect((await gat.get(path())).statusCode).toBe(404);
  });

  it('refuses an interval under 5 minutes (5 is taken: see the interval test below)', async () => {
    const short = await gat.put(path(), source({ schedule: { kind: 'interval', minutes: 4 } }));
    expect(short.statusCode).toBe(422);
    expect(short.json().error.message).toContain('5 分钟');
  });

  it('is for the provider org only: another org gets 403 on every path', async () => {
    expect((await scj.put(path(), source())).statusCode).toBe(403);
    expect((await scj.get(path())).statusCode).toBe(403);
    expect((await scj.post(`${path()}/run`)).statusCode).toBe(403);
    expect((await scj.get(`/api/v1/catalog/entries/${entryId}/pull-runs`)).statusCode).toBe(403);
    expect((await scj.del(path())).statusCode).toBe(403);
  });

  it('stores the header encrypted and never returns its value, only that it is set', async () => {
    const put = await gat.put(path(), source());
    const view = ok(put);
    expect(view).toMatchObject({ url: `${base}/data.csv`, format: 'csv', mode: 'replace', active: true, headers: [{ name: 'Authorization', set: true }], schedule: { kind: 'frequency', hour: 2 }, updateFrequency: 'daily' });
    // Registered on 2026-09-18 10:00 Beijing time: the first daily slot is the next day at 02:00.
    expect(view.nextRunAt).toBe(new Date('2026-09-19T02:00:00+08:00').toISOString());
    expect(put.body).not.toContain('s3cr3t');
    expect((await gat.get(path())).body).not.toContain('s3cr3t');
    const row = await db().selectFrom('audit_events').select('details').where('object_id', '=', entryId).where('action', '=', 'ingest.pull_source_create').executeTakeFirstOrThrow();
    expect(JSON.stringify(row.details)).not.toContain('s3cr3t');
    const stored = await db().withTables<{ ingest_pull_sources: { entry_id: string; headers_enc: string | null } }>().selectFrom('ingest_pull_sources').select('headers_enc').where('entry_id', '=', entryId).executeTakeFirstOrThrow();
    expect(stored.headers_enc).toMatch(/^v1\./);
    expect(stored.headers_enc).not.toContain('s3cr3t');
    expect(env.k.crypto.decrypt(stored.headers_enc ?? '')).toContain(SECRET);
  });

  it('keeps a header value when it is re-registered by name without a value', async () => {
    const view = ok(await gat.put(path(), source({ headers: [{ name: 'Authorization' }] })));
    expect(view.headers).toEqual([{ name: 'Authorization', set: true }]);
    const missing = await gat.put(path(), source({ headers: [{ name: 'X-Other' }] }));
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.message).toContain('X-Other');
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = ok(await env.app.inject({ method: 'GET', url: '/api/openapi.json' })) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/catalog/entries/{id}/pull-source'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/v1/catalog/entries/{id}/pull-source/run']?.post).toBeDefined();
    expect(doc.paths['/api/v1/catalog/entries/{id}/pull-runs']?.get).toBeDefined();
  });
});

describe('the ingest.pull job', () => {
  it('does not run a source before next_run_at, and runs it at next_run_at: the data becomes version 1', async () => {
    respond = withEtag(csvBody(5), '"v1"');
    await setClock(new Date(new Date('2026-09-19T02:00:00+08:00').getTime() - 1));
    expect(await runJob()).toMatchObject({ ran: true, result: 'no pull source due' });
    expect(requests).toHaveLength(0);
    expect(await versions()).toHaveLength(0);

    await setClock('2026-09-19T02:00:00+08:00');
    const out = await runJob();
    expect(out?.result).toBe('1 pull sources due; 1 committed');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBe(SECRET);
    expect(requests[0]?.headers['if-none-match']).toBeUndefined();
    expect(await versions()).toMatchObject([{ versionNo: 1, live: true }]);
    const s = await state();
    expect(s).toMatchObject({ consecutiveFailures: 0, running: false, lastRun: { status: 'committed' } });
    expect(s.nextRunAt).toBe(new Date('2026-09-20T02:00:00+08:00').toISOString());
    const runs = await pullRuns();
    expect(runs[0]).toMatchObject({ status: 'committed', trigger: 'schedule', httpStatus: 200 });
    expect(runs[0]?.loadId).toBe(s.lastRun?.loadId);
    const load = ok(await gat.get(`/api/v1/loads/${runs[0]?.loadId}`));
    expect(load).toMatchObject({ status: 'committed', rowsAccepted: 5 });
    // The load was made as the registrant; the run's outcome is on the audit chain.
    const ev = await db().selectFrom('audit_events').select(['action', 'details']).where('object_id', '=', entryId).where('action', 'in', ['ingest.load_commit', 'ingest.pull_run']).orderBy('seq').execute();
    expect(ev.map((e) => e.action)).toEqual(['ingest.load_commit', 'ingest.pull_run']);
  });

  it('sends the validators next time; a 304 is recorded as unchanged and makes no new version', async () => {
    await setClock('2026-09-20T02:00:00+08:00');
    const out = await runJob();
    expect(out?.result).toBe('1 pull sources due; 1 unchanged');
    expect(requests[0]?.headers['if-none-match']).toBe('"v1"');
    expect(requests[0]?.headers['if-modified-since']).toBe('Fri, 18 Sep 2026 01:00:00 GMT');
    expect(await versions()).toHaveLength(1);
    expect((await pullRuns())[0]).toMatchObject({ status: 'unchanged', httpStatus: 304, loadId: null });
    expect((await state()).nextRunAt).toBe(new Date('2026-09-21T02:00:00+08:00').toISOString());
  });

  it('records a 500 as failed with the status and an excerpt, backs off, and notifies the org at the third failure in a row', async () => {
    respond = () => ({ status: 500, body: 'upstream   database\nis down' });
    const notices = () => db().selectFrom('notifications').select(['title', 'link']).where('kind', '=', 'ingest.pull_failing').execute();
    let at = new Date('2026-09-21T02:00:00+08:00');
    const expectedDelays = [30, 60, 120];
    for (const [i, delay] of expectedDelays.entries()) {
      await setClock(at);
      expect((await runJob())?.result).toBe('1 pull sources due; 1 failed');
      const s = await state();
      expect(s.consecutiveFailures).toBe(i + 1);
      const next = new Date(at.getTime() + delay * 60_000);
      expect(s.nextRunAt).toBe(next.toISOString());
      expect(await notices()).toHaveLength(i + 1 < 3 ? 0 : 1);
      at = next;
    }
    const runs = await pullRuns();
    expect(runs[0]).toMatchObject({ status: 'failed', httpStatus: 500, message: '接口返回 HTTP 500：upstream database is down' });
    expect(await versions()).toHaveLength(1);
    expect((await notices())[0]).toEqual({ title: '定时拉取已连续 3 次未能汇聚：监测站读数', link: `/catalog/entries/${entryId}/data` });
  });

  it('a success ends the streak: failures back to 0 and the regular schedule', async () => {
    respond = withEtag(csvBody(6), '"v2"');
    const s0 = await state();
    await setClock(s0.nextRunAt);
    expect((await runJob())?.result).toBe('1 pull sources due; 1 committed');
    const s = await state();
    expect(s.consecutiveFailures).toBe(0);
    expect(s.nextRunAt).toBe(new Date('2026-09-22T02:00:00+08:00').toISOString());
    expect(await versions()).toHaveLength(2);
  });
});

describe('running now', () => {
  it('returns the run and the load report', async () => {
    respond = withEtag(csvBody(3, 100), '"v3"');
    const r = ok(await gat.post(`${path()}/run`));
    expect(r.run).toMatchObject({ status: 'committed', trigger: 'manual', httpStatus: 200, byUser: { name: '李明' } });
    expect(r.load).toMatchObject({ status: 'committed', rowsAccepted: 3, versionNo: 3 });
    expect(r.run.loadId).toBe(r.load.id);
    const ev = await db().selectFrom('audit_events').select('action').where('object_id', '=', entryId).where('action', '=', 'ingest.pull_run_request').execute();
    expect(ev).toHaveLength(1);
  });

  it('records a load refused by the error rate as refused, with its load id', async () => {
    respond = () => ({ status: 200, body: 'code,reading\nA,x\nB,y\n', headers: { etag: '"bad"' } });
    const r = ok(await gat.post(`${path()}/run`));
    expect(r.run).toMatchObject({ status: 'refused', httpStatus: 200 });
    expect(r.run.loadId).toBeTruthy();
    expect(r.load).toMatchObject({ id: r.run.loadId, status: 'refused', rowsRejected: 2 });
    expect((await versions()).find((v) => v.live)?.versionNo).toBe(3);
    // Refused data is not "already seen": the validators of the last landed pull stay.
    expect((ok(await gat.get(path())) as { etag: string }).etag).toBe('"v3"');
  });

  it('does not follow a redirect (the credentials stay with the registered address)', async () => {
    respond = () => ({ status: 302, headers: { location: 'http://elsewhere.example/data.csv?token=x' } });
    const r = ok(await gat.post(`${path()}/run`));
    expect(r.run).toMatchObject({ status: 'failed', httpStatus: 302 });
    expect(r.run.message).toContain('http://elsewhere.example/data.csv');
    expect(r.run.message).not.toContain('token=x');
  });

  it('fails a body over the size cap and leaves the live version as it was', async () => {
    respond = () => ({ status: 200, body: csvBody(200, 500) });
    const auth = await authOf(env.k, 'gat_clerk');
    const small = { ...DEFAULT_PULL_LIMITS, maxBytes: 256 };
    const r = await runPullNow(env.k, auth, entryId, small);
    expect(r.run.status).toBe('failed');
    expect(r.run.message).toContain('上限');
    expect((await versions()).find((v) => v.live)?.versionNo).toBe(3);
    // Just at the cap it goes through.
    const body = csvBody(2, 900);
    respond = () => ({ status: 200, body });
    const exact = await runPullNow(env.k, auth, entryId, { ...DEFAULT_PULL_LIMITS, maxBytes: Buffer.byteLength(body) });
    expect(exact.run.status).toBe('committed');
  });

  it('fails when the endpoint does not answer in time', async () => {
    respond = () => ({ status: 200, hang: true });
    const r = await runPullNow(env.k, await authOf(env.k, 'gat_clerk'), entryId, { ...DEFAULT_PULL_LIMITS, responseTimeoutMs: 200 });
    expect(r.run).toMatchObject({ status: 'failed' });
    expect(r.run.message).toContain('没有响应');
    server.closeAllConnections();
  });

  it('stops with a clear message when the registrant was disabled, without calling the endpoint', async () => {
    respond = withEtag(csvBody(2), '"v9"');
    await db().updateTable('users').set({ disabled: true }).where('login', '=', 'gat_clerk').execute();
    try {
      const officer = await loginAs(env.app, 'gat_officer');
      const r = ok(await officer.post(`${path()}/run`));
      expect(r.run.status).toBe('failed');
      expect(r.run.message).toContain('李明');
      expect(r.run.message).toContain('已停用');
      expect(requests).toHaveLength(0);
    } finally {
      await db().updateTable('users').set({ disabled: false }).where('login', '=', 'gat_clerk').execute();
    }
  });

  it('stops when the registrant lost the loading role', async () => {
    await db().updateTable('users').set({ roles: ['reviewer'] }).where('login', '=', 'gat_clerk').execute();
    try {
      const officer = await loginAs(env.app, 'gat_officer');
      const r = ok(await officer.post(`${path()}/run`));
      expect(r.run.status).toBe('failed');
      expect(r.run.message).toContain('已不是');
      expect(requests).toHaveLength(0);
    } finally {
      await db().updateTable('users').set({ roles: ['clerk'] }).where('login', '=', 'gat_clerk').execute();
    }
  });
});

describe('deactivating', () => {
  it('stops the schedule and refuses running now; the runs stay listed', async () => {
    const view = ok(await gat.del(path()));
    expect(view).toMatchObject({ active: false, nextRunAt: null });
    await setClock('2027-01-01T00:00:00+08:00');
    expect((await runJob())?.result).toBe('no pull source due');
    expect(requests).toHaveLength(0);
    const run = await gat.post(`${path()}/run`);
    expect(run.statusCode).toBe(409);
    const runs = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/pull-runs`)) as { total: number; items: Array<{ status: string }> };
    expect(runs.total).toBeGreaterThanOrEqual(10);
    expect(runs.items.some((r) => r.status === 'running')).toBe(false);
    const ev = await db().selectFrom('audit_events').select('action').where('object_id', '=', entryId).where('action', '=', 'ingest.pull_source_deactivate').execute();
    expect(ev).toHaveLength(1);
  });
});

describe('an explicit interval, a spreadsheet, and a run that never finished', () => {
  let entry2: string;
  const path2 = () => path(entry2);
  const runs2 = async () => (ok(await gat.get(`/api/v1/catalog/entries/${entry2}/pull-runs`)) as { items: Array<{ status: string; message: string | null }> }).items;

  beforeAll(async () => {
    entry2 = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '监测站读数（表格）');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('读数');
    ws.addRow(['code', 'reading']);
    for (let i = 0; i < 4; i++) ws.addRow([`X${i}`, i * 10]);
    const sheet = Buffer.from(await wb.xlsx.writeBuffer());
    respond = () => ({ status: 200, body: sheet, headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
  });

  it('runs every 5 minutes: due 5 minutes after registration, loads the XLSX body', async () => {
    const start = new Date('2027-01-01T00:00:00+08:00');
    await setClock(start);
    const view = ok(await gat.put(path2(), source({ url: `${base}/sheet.xlsx`, format: 'xlsx', headers: [], schedule: { kind: 'interval', minutes: 5 } })));
    expect(view).toMatchObject({ format: 'xlsx', schedule: { kind: 'interval', minutes: 5 }, periodMinutes: 5, headers: [] });
    expect(view.nextRunAt).toBe(new Date(start.getTime() + 5 * 60_000).toISOString());
    await setClock(new Date(start.getTime() + 5 * 60_000 - 1));
    expect((await runJob())?.result).toBe('no pull source due');
    await setClock(new Date(start.getTime() + 5 * 60_000));
    expect((await runJob())?.result).toBe('1 pull sources due; 1 committed');
    expect(requests[0]?.headers.accept).toContain('spreadsheetml');
    const rows = ok(await gat.get(`/api/v1/catalog/entries/${entry2}/versions/1/rows`)) as { total: number };
    expect(rows.total).toBe(4);
    expect((ok(await gat.get(path2())) as { nextRunAt: string }).nextRunAt).toBe(new Date(start.getTime() + 10 * 60_000).toISOString());
  });

  it('a claimed run whose process stopped is taken again once its time limit has passed, and closed as failed', async () => {
    const at = new Date('2027-01-01T00:10:00+08:00');
    await setClock(at);
    // The claim commits, then the process "stops": no pull follows.
    const claims = await env.k.db.kysely.transaction().execute((trx) => claimDueSources(env.k, trx));
    expect(claims).toHaveLength(1);
    expect((ok(await gat.get(path2())) as { running: boolean }).running).toBe(true);
    expect((await gat.post(`${path2()}/run`)).statusCode).toBe(409);

    const limit = DEFAULT_PULL_LIMITS.totalTimeoutMs + 5 * 60_000;
    await setClock(new Date(at.getTime() + limit - 1));
    expect((await runJob())?.result).toBe('no pull source due');
    expect(requests).toHaveLength(0);
    await setClock(new Date(at.getTime() + limit));
    expect((await runJob())?.result).toBe('1 pull sources due; 1 committed');
    const [latest, abandoned] = await runs2();
    expect(latest?.status).toBe('committed');
    expect(abandoned).toMatchObject({ status: 'failed', message: expect.stringContaining('没有结束') });
  });
});

describe('addresses on this machine (INGEST_PULL_ALLOW_LOCAL off, as in production)', () => {
  it('refuses loopback and link-local addresses and takes an intranet one', async () => {
    const strict = await testEnv({ config: { ingestPullAllowLocal: false } });
    try {
      const clerk = await loginAs(strict.app, 'gat_clerk');
      const id = await makePublishedEntry(strict.k, '海南省公安厅', FIELDS, '监测站读数');
      const at = `/api/v1/catalog/entries/${id}/pull-source`;
      for (const url of ['http://127.0.0.1:8080/data.csv', 'http://localhost/data.csv', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x.csv']) {
        const res = await clerk.put(at, source({ url }));
        expect(res.statusCode, url).toBe(422);
        expect(res.json().error).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第八条', fields: [{ field: 'url' }] });
      }
      const ok = await clerk.put(at, source({ url: 'http://10.20.30.40/exchange/data.csv' }));
      expect(ok.statusCode, ok.body).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

