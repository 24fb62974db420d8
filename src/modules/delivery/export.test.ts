/**
 * Batch export and file download over HTTP (000 第八条、第十四条、第十五条): 省市场监督管理局 (scj)
 * gets a people dataset of 省公安厅 (gat) by batch exchange; the export job runs in the background
 * with progress, writes the granted fields only with personal information masked, and carries
 * canary rows; the download link expires, is refused to other orgs and under a suspended grant,
 * and is metered and audited; the first ready export meets the request's provide duty; and
 * `gongshu trace` names the export from the file and from an altered copy, but not from a file of
 * the same data without its canaries.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { trace } from '../../cli/trace.js';
import { makePublishedEntry, PEOPLE_FIELDS, personRow, rowsCsv } from '../ingest/factories.js';
import { runJobsOnce } from '../../kernel/jobs.js';
import { exportJob, exportsSettled, type ExportView } from './export.js';
import { DOWNLOAD_HOURS, rowFingerprint } from './export.rules.js';
import { ok, refused } from '../../../test/assert.js';

let env: TestEnv;
let dataDir: string;
const db = () => env.k.db.kysely;
let gatClerk: Client;
let gatOfficer: Client;
let scjClerk: Client;
let scjOfficer: Client;
let sthjClerk: Client;

const ROWS = 250;
const GRANTED = ['id_number', 'name', 'mobile', 'region', 'birth', 'household', 'income', 'active'];
const NOT_GRANTED = ['card', 'company', 'updated_at'];
const E = { people: '', code: '' };
const G = { batch: '', api: '', file: '' };
const R = { batch: '' };

const people = Array.from({ length: ROWS }, (_, i) => personRow(i + 1));
const csvOf = (rows: Array<Record<string, string>>) => rowsCsv(rows);

async function approvedGrant(entryId: string, fields: string[], method: string): Promise<{ grantId: string; requestId: string }> {
  const r = ok(
    await scjClerk.post('/api/v1/sharing/requests', {
      entryId,
      fields,
      basis: '《优化营商环境条例》第三十七条',
      scenario: '企业开办登记时核验经办人身份',
      scope: '省市场监督管理局登记注册处',
      method,
      validUntil: '2027-09-30',
    }),
    201,
  ) as { id: string };
  const signed = ok(await scjOfficer.post(`/api/v1/sharing/requests/${r.id}/sign`)) as { status: string };
  expect(signed.status).toBe('pending');
  const decided = ok(await gatOfficer.post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'approve' })) as { status: string; grantId: string };
  expect(decided.status).toBe('approved');
  return { grantId: decided.grantId, requestId: r.id };
}

/** A published conditional entry of 省公安厅 with the people fields, provided by service API, batch and file. */
const publishedEntry = (name: string) => makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS, name, { provisionMethods: ['api', 'batch', 'file'] });

/** Asks for an export and waits until it is ready (or failed). */
async function exported(grantId: string, format: 'csv' | 'ndjson', filters?: Record<string, string>): Promise<ExportView> {
  const made = ok(await scjClerk.post('/api/v1/exports', { grantId, format, ...(filters ? { filters } : {}) }), 202) as ExportView;
  expect(['queued', 'running', 'ready']).toContain(made.status);
  await exportsSettled();
  const x = ok(await scjClerk.get(`/api/v1/exports/${made.id}`)) as ExportView;
  expect(x.status, x.error ?? '').toBe('ready');
  return x;
}

const download = (c: Client, url: string) => c.get(url);

/** Splits a CSV body of simple cells (no quoted commas in this data) into records keyed by header. */
function parseCsv(body: string): { header: string[]; rows: Array<Record<string, string>> } {
  const lines = body.split('\n').filter((l) => l !== '');
  const header = (lines[0] ?? '').split(',');
  return { header, rows: lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i] as string, v]))) };
}
const toCsv = (header: string[], rows: Array<Record<string, string>>) => `${header.join(',')}\n${rows.map((r) => header.map((h) => r[h] ?? '').join(',')).join('\n')}\n`;

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}
async function traced(file: string) {
  const out = new Sink();
  const err = new Sink();
  const r = await trace(db(), file, { out, err });
  return { ...r, out: out.text };
}
const writeTmp = (name: string, text: string) => {
  const f = path.join(dataDir, name);
  fs.writeFileSync(f, text);
  return f;
};

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-export-'));
  env = await testEnv({ config: { dataDir } });
  gatClerk = await loginAs(env.app, 'gat_clerk');
  gatOfficer = await loginAs(env.app, 'gat_officer');
  scjClerk = await loginAs(env.app, 'scj_clerk');
  scjOfficer = await loginAs(env.app, 'scj_officer');
  sthjClerk = await loginAs(env.app, 'sthj_clerk');
  E.people = await publishedEntry('测试人口数据（批量）');
  E.code = (await db().selectFrom('catalog_entries').select('code').where('id', '=', E.people).executeTakeFirstOrThrow()).code;
  const load = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${E.people}/loads?mode=replace`,
    headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
    payload: csvOf(people),
  });
  expect(ok(load, 201)).toMatchObject({ status: 'committed', rowsAccepted: ROWS });
  const batch = await approvedGrant(E.people, GRANTED, 'batch');
  G.batch = batch.grantId;
  R.batch = batch.requestId;
  G.api = (await approvedGrant(E.people, ['id_number', 'household'], 'api')).grantId;
  G.file = (await approvedGrant(E.people, ['region', 'household', 'income'], 'file')).grantId;
}, 120_000);

afterAll(async () => {
  await exportsSettled();
  await env?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('batch export', () => {
  let x: ExportView;
  let body = '';

  it('refuses a grant without batch or file, another org, and a clerk of the provider', async () => {
    const e = refused(await scjClerk.post('/api/v1/exports', { grantId: G.api, format: 'csv' }), 403, 'FORBIDDEN');
    expect(e.source).toBe('000 第十四条');
    expect(e.details?.reason).toBe('method');
    refused(await sthjClerk.post('/api/v1/exports', { grantId: G.batch, format: 'csv' }), 404, 'NOT_FOUND');
    refused(await gatClerk.post('/api/v1/exports', { grantId: G.batch, format: 'csv' }), 403, 'FORBIDDEN');
    // A filter on a field outside the grant.
    refused(await scjClerk.post('/api/v1/exports', { grantId: G.batch, format: 'csv', filters: { card: '1' } }), 400, 'VALIDATION');
  });

  it('the provide duty stays open until the first export is ready', async () => {
    const duty = await db().selectFrom('duties').select('status').where('case_type', '=', 'share_request').where('case_id', '=', R.batch).where('duty', '=', 'provide').executeTakeFirstOrThrow();
    expect(duty.status).toBe('open');
  });

  it('runs in the background to ready, with progress, rows, bytes and an expiring link', async () => {
    x = await exported(G.batch, 'csv');
    expect(x).toMatchObject({ grantId: G.batch, method: 'batch', format: 'csv', progress: { done: ROWS, total: ROWS }, rows: ROWS, expired: false });
    expect(x.fields).toEqual(GRANTED);
    expect(x.masked.sort()).toEqual(['id_number', 'mobile', 'name', 'region'].sort());
    expect(x.download?.url).toMatch(new RegExp(`^/api/v1/exports/${x.id}/download\\?token=\\d+\\.[0-9a-f]{64}$`));
    expect(new Date(x.download?.expiresAt ?? 0).getTime() - new Date(x.finishedAt ?? 0).getTime()).toBe(DOWNLOAD_HOURS * 3_600_000);
    expect(fs.existsSync(path.join(dataDir, 'exports', `${x.id}.csv`))).toBe(true);
    const ev = await db().selectFrom('audit_events').select(['action']).where('object_id', '=', x.id).orderBy('seq').execute();
    expect(ev.map((e) => e.action)).toEqual(['delivery.export_create', 'delivery.export_ready']);
  });

  it('meets the share request’s provide duty (000 第十四条)', async () => {
    const duty = await db().selectFrom('duties').select(['status', 'met_at']).where('case_type', '=', 'share_request').where('case_id', '=', R.batch).where('duty', '=', 'provide').executeTakeFirstOrThrow();
    expect(duty.status).toBe('met');
  });

  it('downloads the granted fields only, personal information masked, with the canary rows; metered and audited', async () => {
    const res = await download(scjClerk, x.download?.url ?? '');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    body = res.body;
    expect(Buffer.byteLength(body)).toBe(x.bytes);
    const { header, rows } = parseCsv(body);
    expect(header).toEqual(GRANTED);
    for (const n of NOT_GRANTED) expect(body).not.toContain(people[0]?.[n === 'updated_at' ? 'card' : n] ?? 'x');
    const canaries = await db().selectFrom('delivery_export_canaries').selectAll().where('export_id', '=', x.id).orderBy('ordinal').execute();
    expect(canaries.length).toBeGreaterThanOrEqual(4);
    expect(rows.length).toBe(ROWS + canaries.length);
    for (const r of rows) {
      expect(r.id_number).toMatch(/^460105\*{8}[0-9X]{4}$/);
      expect(r.name).toMatch(/^居\*+$/);
      expect(r.mobile).toMatch(/^139\*{4}\d{4}$/);
    }
    // Every recorded canary is in the file, and none equals a real row.
    const fps = rows.map((r) => rowFingerprint(r));
    for (const c of canaries) expect(fps.filter((f) => f === c.fingerprint)).toHaveLength(1);
    expect(new Set(fps).size).toBe(fps.length);
    const usage = await db().selectFrom('delivery_usage').selectAll().where('grant_id', '=', G.batch).execute();
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ method: 'batch', format: 'csv', rows: ROWS, bytes: x.bytes });
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'delivery.download').where('object_id', '=', x.id).execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]?.grant_id).toBe(G.batch);
  });

  it('refuses the link to another org, to the provider, with a forged token, and under a suspended grant', async () => {
    const url = x.download?.url ?? '';
    refused(await download(sthjClerk, url), 404, 'NOT_FOUND');
    refused(await download(gatClerk, url), 403, 'FORBIDDEN');
    refused(await download(scjClerk, url.replace(/\.[0-9a-f]{4}/, '.0000')), 403, 'FORBIDDEN');
    const later = url.replace(/token=(\d+)/, (_m, ms: string) => `token=${Number(ms) + 3_600_000}`);
    refused(await download(scjClerk, later), 403, 'FORBIDDEN');
    // The provider sees the export but gets no link.
    expect((ok(await gatClerk.get(`/api/v1/exports/${x.id}`)) as ExportView).download).toBeNull();
    refused(await sthjClerk.get(`/api/v1/exports/${x.id}`), 404, 'NOT_FOUND');

    ok(await gatOfficer.post(`/api/v1/grants/${G.batch}/suspend`, { reason: '核查使用范围' }));
    const e = refused(await download(scjClerk, url), 403, 'FORBIDDEN');
    expect(e.details?.reason).toBe('suspended');
    refused(await scjClerk.post('/api/v1/exports', { grantId: G.batch, format: 'csv' }), 403, 'FORBIDDEN');
    ok(await gatOfficer.post(`/api/v1/grants/${G.batch}/resume`, { reason: '核查完毕' }));
    expect((await download(scjClerk, url)).statusCode).toBe(200);
    expect(await db().selectFrom('delivery_usage').select('id').where('grant_id', '=', G.batch).execute()).toHaveLength(2);
  });

  it('exports NDJSON with a filter on a granted field', async () => {
    const nd = await exported(G.batch, 'ndjson', { region: '460106' });
    const want = people.filter((p) => p.region === '460106').length;
    expect(nd.progress).toEqual({ done: want, total: want });
    const res = await download(scjClerk, nd.download?.url ?? '');
    expect(res.statusCode).toBe(200);
    const lines = res.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const n = (await db().selectFrom('delivery_exports').select('canaries').where('id', '=', nd.id).executeTakeFirstOrThrow()).canaries;
    expect(n).toBeGreaterThanOrEqual(4);
    expect(lines).toHaveLength(want + n);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(GRANTED);
      expect(l.region).toBe('4****6');
      expect(typeof l.income).toBe('number');
    }
    const t = await traced(writeTmp('leak.ndjson', res.body));
    expect(t.exitCode).toBe(0);
    expect(t.result?.matches.map((m) => m.exportId)).toEqual([nd.id]);
  });

  it('lets a file grant download through the same checks, recorded as file', async () => {
    const f = await exported(G.file, 'csv');
    expect(f.method).toBe('file');
    expect(f.fields).toEqual(['region', 'household', 'income']);
    expect((await download(scjClerk, f.download?.url ?? '')).statusCode).toBe(200);
    const usage = await db().selectFrom('delivery_usage').selectAll().where('grant_id', '=', G.file).execute();
    expect(usage.map((u) => u.method)).toEqual(['file']);
    const list = ok(await scjClerk.get(`/api/v1/exports?grantId=${G.file}`)) as { items: ExportView[] };
    expect(list.items.map((i) => i.id)).toEqual([f.id]);
  });

  describe('gongshu trace', () => {
    it('names the export, grant and recipient of the exported file', async () => {
      const t = await traced(writeTmp('leak.csv', body));
      expect(t.exitCode).toBe(0);
      expect(t.result?.matches).toHaveLength(1);
      expect(t.result?.matches[0]).toMatchObject({ exportId: x.id, grantId: G.batch, entryCode: E.code, recipient: { name: '海南省市场监督管理局' } });
      expect(t.out).toContain(x.id);
      expect(t.out).toContain(G.batch);
      expect(t.out).toContain('海南省市场监督管理局');
    });

    it('still names it in an altered copy: rows shuffled, half the real rows deleted, a value edited', async () => {
      const { header, rows } = parseCsv(body);
      const canaryFps = new Set((await db().selectFrom('delivery_export_canaries').select('fingerprint').where('export_id', '=', x.id).execute()).map((c) => c.fingerprint));
      const real = rows.filter((r) => !canaryFps.has(rowFingerprint(r)));
      const canaries = rows.filter((r) => canaryFps.has(rowFingerprint(r)));
      expect(canaries.length).toBe(canaryFps.size);
      const kept = real.filter((_, i) => i % 2 === 0);
      (kept[3] as Record<string, string>).household = '9';
      const altered = [...kept, ...canaries].sort((a, b) => rowFingerprint(a).localeCompare(rowFingerprint(b)));
      const t = await traced(writeTmp('altered.csv', toCsv(header, altered)));
      expect(t.exitCode).toBe(0);
      expect(t.result?.matches.map((m) => m.exportId)).toEqual([x.id]);
      expect(t.result?.matches[0]?.canariesFound).toBe(canaryFps.size);
      // One canary left, the others edited: still named.
      const one = [...kept, canaries[0] as Record<string, string>, ...canaries.slice(1).map((c) => ({ ...c, household: '8' }))];
      const t1 = await traced(writeTmp('one.csv', toCsv(header, one)));
      expect(t1.result?.matches.map((m) => [m.exportId, m.canariesFound])).toEqual([[x.id, 1]]);
    });

    it('matches no export in a file of the same data without canaries', async () => {
      const { header, rows } = parseCsv(body);
      const canaryFps = new Set((await db().selectFrom('delivery_export_canaries').select('fingerprint').where('export_id', '=', x.id).execute()).map((c) => c.fingerprint));
      const clean = rows.filter((r) => !canaryFps.has(rowFingerprint(r)));
      expect(clean).toHaveLength(ROWS);
      const t = await traced(writeTmp('clean.csv', toCsv(header, clean)));
      expect(t.exitCode).toBe(1);
      expect(t.result?.matches).toEqual([]);
      expect(t.out).toContain('未找到');
      // The source data as loaded matches nothing either.
      expect((await traced(writeTmp('source.csv', csvOf(people)))).exitCode).toBe(1);
    });
  });

  it('marks an export failed with its reason when the file cannot be written, and removes nothing else', async () => {
    const dir = path.join(dataDir, 'exports');
    const moved = path.join(dataDir, 'exports.kept');
    fs.renameSync(dir, moved);
    fs.writeFileSync(dir, 'not a directory');
    try {
      const made = ok(await scjClerk.post('/api/v1/exports', { grantId: G.batch, format: 'csv' }), 202) as ExportView;
      await exportsSettled();
      const v = ok(await scjClerk.get(`/api/v1/exports/${made.id}`)) as ExportView;
      expect(v.status).toBe('failed');
      expect(v.error).toBeTruthy();
      expect(v.download).toBeNull();
      const ev = await db().selectFrom('audit_events').select('action').where('object_id', '=', made.id).orderBy('seq').execute();
      expect(ev.map((e) => e.action)).toEqual(['delivery.export_create', 'delivery.export_failed']);
    } finally {
      fs.rmSync(dir);
      fs.renameSync(moved, dir);
    }
  });

  it('refuses the link once expired (24 hours after ready)', async () => {
    const url = x.download?.url ?? '';
    env.clock.advance(DOWNLOAD_HOURS * 3_600_000 - 60_000);
    scjClerk = await loginAs(env.app, 'scj_clerk');
    expect((await download(scjClerk, url)).statusCode).toBe(200);
    env.clock.advance(60_000);
    const e = refused(await download(scjClerk, url), 410, 'GONE');
    expect(e.details?.reason).toBe('expired');
    const v = ok(await scjClerk.get(`/api/v1/exports/${x.id}`)) as ExportView;
    expect(v).toMatchObject({ expired: true, download: null });
    // The job removes the expired file; the link stays refused as expired.
    const file = path.join(dataDir, 'exports', `${x.id}.csv`);
    expect(fs.existsSync(file)).toBe(true);
    await runJobsOnce(env.k, [exportJob]);
    expect(fs.existsSync(file)).toBe(false);
    refused(await download(scjClerk, url), 410, 'GONE');
  });

  it('the job starts an export left queued by a stopped process, and fails one cut off while running', async () => {
    const g = await db().selectFrom('grants').selectAll().where('id', '=', G.batch).executeTakeFirstOrThrow();
    const now = env.k.clock.now();
    const row = (id: string, status: 'queued' | 'running') => ({
      id,
      grant_id: g.id,
      subject_org_id: g.subject_org_id,
      provider_org_id: g.provider_org_id,
      entry_id: g.entry_id,
      requested_by: null,
      method: 'batch' as const,
      format: 'csv' as const,
      filters: null,
      status,
      version_no: null,
      fields: [],
      masked: [],
      rows_total: null,
      rows_done: 0,
      canaries: 0,
      bytes: 0,
      file_name: null,
      error: null,
      created_at: new Date(now.getTime() - 2 * 3_600_000),
      started_at: status === 'running' ? new Date(now.getTime() - 2 * 3_600_000) : null,
      finished_at: null,
      expires_at: null,
    });
    const queued = randomUUID();
    const cut = randomUUID();
    await db().insertInto('delivery_exports').values([row(queued, 'queued'), row(cut, 'running')]).execute();
    await runJobsOnce(env.k, [exportJob]);
    await exportsSettled();
    const after = await db().selectFrom('delivery_exports').select(['id', 'status', 'rows_done']).where('id', 'in', [queued, cut]).execute();
    expect(after.find((a) => a.id === queued)).toMatchObject({ status: 'ready', rows_done: ROWS });
    expect(after.find((a) => a.id === cut)?.status).toBe('failed');
  });
});
