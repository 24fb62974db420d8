/**
 * Loads over HTTP: accepted, rejected rows reported with line/field/masked value/reason, the
 * error threshold on both sides, replace vs upsert (also across a change of the catalog's data
 * items), an interrupted load leaving the previous version live and intact, every refused or
 * failed load ended with its status, rows, audit event and no staging table, the provider-only
 * rule, and the number of versions kept.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import type { CatalogField } from '../catalog/tables.js';
import { authOf, datasetTables, makePublishedEntry, PEOPLE_FIELDS, publishNextVersion } from './factories.js';
import * as ingest from './service.js';
import { synthBankCard, synthIdNumber, synthUscc } from './synth.js';

let env: TestEnv;
let gat: Client;
let scj: Client;
let entryId: string;
const KEPT = 3;

const HEADER = PEOPLE_FIELDS.map((f) => f.name).join(',');
/** A valid row for person `i`. */
const person = (i: number, over: Partial<Record<string, string>> = {}) => {
  const row: Record<string, string> = {
    id_number: synthIdNumber('460105', '19900307', i),
    name: `居民${i}`,
    mobile: `139${String(i).padStart(8, '0')}`,
    card: synthBankCard(i),
    region: '460105',
    company: synthUscc('460100', i),
    birth: '1990-03-07',
    household: String((i % 5) + 1),
    income: `${1000 + i}.50`,
    active: i % 2 ? 'true' : 'false',
    updated_at: '2026-09-18T10:00:00+08:00',
    ...over,
  };
  return PEOPLE_FIELDS.map((f) => row[f.name] ?? '').join(',');
};
const csv = (rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;
const people = (from: number, n: number) => Array.from({ length: n }, (_, i) => person(from + i));

const upload = (c: Client, body: string, mode = 'replace', id = entryId, type = 'text/csv') =>
  env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${id}/loads?mode=${mode}`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': type }, payload: body });

const ok = (res: LightMyRequestResponse, status = 201) => {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
};

async function liveRows(id = entryId): Promise<Array<Record<string, unknown>>> {
  const versions = ok(await gat.get(`/api/v1/catalog/entries/${id}/versions`), 200) as { items: Array<{ versionNo: number; live: boolean }> };
  const live = versions.items.find((v) => v.live);
  if (!live) return [];
  return (ok(await gat.get(`/api/v1/catalog/entries/${id}/versions/${live.versionNo}/rows?limit=1000`), 200) as { rows: Array<Record<string, unknown>> }).rows;
}

const loadEvents = (loadId: string) =>
  env.k.db.kysely
    .selectFrom('audit_events')
    .select(['action', 'actor_user_id', 'object_type', 'object_id', 'details'])
    .where('action', 'like', 'ingest.load_%')
    .where(sql<boolean>`details->>'loadId' = ${loadId}`)
    .execute();

/** Every end of a load that did not commit: its status, its audit event, no staging table left. */
async function expectEnded(loadId: string, status: 'refused' | 'failed') {
  const l = await env.k.db.kysely.selectFrom('loads').selectAll().where('id', '=', loadId).executeTakeFirstOrThrow();
  expect(l).toMatchObject({ status, version_no: null });
  expect(l.message).toBeTruthy();
  expect(l.finished_at).not.toBeNull();
  const events = await loadEvents(loadId);
  expect(events).toEqual([expect.objectContaining({ action: `ingest.load_${status}`, object_type: 'catalog_entry', object_id: l.entry_id })]);
  expect(events[0]?.details).toMatchObject({ loadId, message: l.message, rowsTotal: l.rows_total, rowsRejected: l.rows_rejected });
  expect((await datasetTables(env.k)).has(`l_${loadId.replace(/-/g, '')}`)).toBe(false);
  return l;
}

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000, datasetVersionsKept: KEPT } });
  gat = await loginAs(env.app, 'gat_clerk');
  scj = await loginAs(env.app, 'scj_clerk');
  entryId = await makePublishedEntry(env.k, '海南省公安厅');
});

afterAll(async () => {
  await env?.close();
});

describe('a load', () => {
  it('is accepted: the rows become the live version, typed, with the audit event', async () => {
    const r = ok(await upload(gat, csv(people(0, 20))));
    expect(r).toMatchObject({ status: 'committed', rowsAccepted: 20, rowsRejected: 0, errors: [], versionNo: 1 });
    const rows = await liveRows();
    expect(rows).toHaveLength(20);
    const first = rows.find((x) => x.id_number === synthIdNumber('460105', '19900307', 0));
    expect(first).toMatchObject({ name: '居民0', household: 1, birth: '1990-03-07', active: false });
    const ev = await env.k.db.kysely.selectFrom('audit_events').select(['action', 'details']).where('object_id', '=', entryId).where('action', '=', 'ingest.load_commit').execute();
    expect(ev).toHaveLength(1);
    // The quality module scored the load in the same transaction.
    const score = await sql<{ version_no: number; table_name: string }>`SELECT version_no, table_name FROM quality_scores WHERE load_id = ${r.id as string}`.execute(env.k.db.kysely);
    expect(score.rows).toEqual([{ version_no: 1, table_name: expect.stringMatching(/^datasets\.l_[0-9a-f]{32}$/) }]);
    const report = ok(await gat.get(`/api/v1/loads/${r.id as string}`), 200);
    expect(report).toMatchObject({ id: r.id, status: 'committed', rowsAccepted: 20 });
  });

  it('takes NDJSON too', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS.slice(0, 3), 'NDJSON 测试');
    // 1 bad row in 20 is exactly the 5% threshold: accepted.
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ id_number: synthIdNumber('460105', '19900307', i), name: `居民${i}`, mobile: i === 2 ? 12345 : `139000000${String(i).padStart(2, '0')}` }));
    const r = ok(await upload(gat, `${lines.join('\n')}\n`, 'replace', id, 'application/x-ndjson'));
    expect(r).toMatchObject({ status: 'committed', rowsAccepted: 19, rowsRejected: 1, errors: [{ line: 3, field: 'mobile', value: '1****' }] });
  });

  it('reports bad rows with line, field, masked personal value and reason, and quarantines them', async () => {
    const badId = `${synthIdNumber('460105', '19900307', 5).slice(0, 17)}Y`;
    const rows = people(100, 40);
    rows[4] = person(104, { id_number: badId });
    const r = ok(await upload(gat, csv(rows)));
    expect(r).toMatchObject({ status: 'committed', rowsAccepted: 39, rowsRejected: 1 });
    // Line 1 is the header: the fifth data row is line 6.
    expect(r.errors).toEqual([{ line: 6, field: 'id_number', value: '4601**********005Y', reason: expect.stringContaining('公民身份号码') }]);
    expect(JSON.stringify(r.errors)).not.toContain(badId);
    const stored = ok(await gat.get(`/api/v1/loads/${r.id as string}`), 200);
    expect(stored.errors).toEqual(r.errors);
  });

  it('reports every kind of bad value', async () => {
    const rows = [
      person(200, { mobile: '12345678901' }),
      person(201, { card: '6222020000000001' }),
      person(202, { region: '469999' }),
      person(203, { company: '91460100000000001X' }),
      person(204, { birth: '2023-02-29' }),
      person(205, { household: 'three' }),
      person(206, { name: '' }),
      ...people(300, 193),
    ];
    const r = ok(await upload(gat, csv(rows)));
    expect(r.rowsRejected).toBe(7);
    expect((r.errors as Array<{ line: number; field: string }>).map((e) => [e.line, e.field])).toEqual([
      [2, 'mobile'],
      [3, 'card'],
      [4, 'region'],
      [5, 'company'],
      [6, 'birth'],
      [7, 'household'],
      [8, 'name'],
    ]);
  });

  it('is accepted at exactly the threshold and refused just over it, leaving the live version', async () => {
    const before = await liveRows();
    const at = people(1000, 100).map((row, i) => (i < 5 ? person(1000 + i, { birth: 'bad' }) : row));
    ok(await upload(gat, csv(at)));
    const over = people(2000, 100).map((row, i) => (i < 6 ? person(2000 + i, { birth: 'bad' }) : row));
    const res = await upload(gat, csv(over));
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json() as { error: { code: string; source?: string; details: { id: string; status: string; rowsAccepted: number; rowsRejected: number; errors: unknown[] } } };
    expect(body.error.code).toBe('IMPORT_REJECTED');
    expect(body.error.details).toMatchObject({ status: 'refused', rowsAccepted: 94, rowsRejected: 6 });
    expect(body.error.details.errors).toHaveLength(6);
    const after = await liveRows();
    expect(after).toHaveLength(95);
    expect(before).not.toHaveLength(95);
    const report = ok(await gat.get(`/api/v1/loads/${body.error.details.id}`), 200);
    expect(report.status).toBe('refused');
    const ended = await expectEnded(body.error.details.id, 'refused');
    expect(ended).toMatchObject({ rows_total: 100, rows_accepted: 94, rows_rejected: 6 });
    expect(await env.k.db.kysely.selectFrom('load_errors').select('line').where('load_id', '=', body.error.details.id).execute()).toHaveLength(6);
  });

  it('refuses a file without data rows, and one with a bad header, each recorded with its audit event', async () => {
    const before = await liveRows();
    const empty = await upload(gat, `${HEADER}\n`);
    expect(empty.statusCode, empty.body).toBe(422);
    expect(empty.json().error.message).toBe('文件没有数据行');
    await expectEnded(empty.json().error.details.id as string, 'refused');
    const nothing = await upload(gat, '');
    expect(nothing.statusCode, nothing.body).toBe(400);
    await expectEnded(nothing.json().error.details.id as string, 'refused');
    const missing = await upload(gat, `name\n居民1\n`);
    expect(missing.statusCode, missing.body).toBe(400);
    expect(missing.json().error).toMatchObject({ message: expect.stringContaining('id_number'), source: '000 第八条', details: { status: 'refused' } });
    await expectEnded(missing.json().error.details.id as string, 'refused');
    expect(await liveRows()).toEqual(before);
  });

  it('replaces the whole dataset, or upserts by the key', async () => {
    ok(await upload(gat, csv(people(0, 10))));
    expect(await liveRows()).toHaveLength(10);
    // Rows 5–9 change their name; 10–14 are new.
    const changed = Array.from({ length: 10 }, (_, i) => person(5 + i, { name: `新${5 + i}` }));
    const r = ok(await upload(gat, csv(changed), 'upsert'));
    expect(r.status).toBe('committed');
    const rows = await liveRows();
    expect(rows).toHaveLength(15);
    const nameOf = (i: number) => rows.find((x) => x.id_number === synthIdNumber('460105', '19900307', i))?.name;
    expect(nameOf(0)).toBe('居民0');
    expect(nameOf(5)).toBe('新5');
    expect(nameOf(14)).toBe('新14');
    const versions = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/versions`), 200);
    expect(versions.items[0]).toMatchObject({ live: true, rows: 15 });
    ok(await upload(gat, csv(people(50, 3))));
    expect(await liveRows()).toHaveLength(3);
  });

  it('keeps the configured number of versions and drops the older tables', async () => {
    for (let i = 0; i < 2; i++) ok(await upload(gat, csv(people(i * 10, 2))));
    const versions = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/versions`), 200) as { items: Array<{ versionNo: number; live: boolean }> };
    expect(versions.items).toHaveLength(KEPT);
    expect(versions.items.filter((v) => v.live)).toHaveLength(1);
    const oldest = versions.items.at(-1)?.versionNo ?? 0;
    expect((await gat.get(`/api/v1/catalog/entries/${entryId}/versions/${oldest - 1}/rows`)).statusCode).toBe(404);
    const dropped = await env.k.db.kysely.selectFrom('dataset_versions').select('table_name').where('entry_id', '=', entryId).where('dropped_at', 'is not', null).execute();
    expect(dropped.length).toBeGreaterThan(0);
    const tables = await env.k.db.kysely
      .selectFrom('pg_catalog.pg_tables' as never)
      .select('tablename' as never)
      .where('schemaname' as never, '=', 'datasets' as never)
      .execute();
    const names = new Set((tables as Array<{ tablename: string }>).map((t) => t.tablename));
    for (const d of dropped) expect(names.has(d.table_name)).toBe(false);
  });
});

describe('an interrupted load', () => {
  it('leaves the previous version live and intact when the stream breaks midway', async () => {
    const before = await liveRows();
    const auth = await authOf(env.k, 'gat_clerk');
    async function* broken() {
      yield `${HEADER}\n`;
      for (let i = 0; i < 50; i++) yield `${person(5000 + i)}\n`;
      throw new Error('connection reset by peer');
    }
    await expect(ingest.receiveLoad(env.k, auth, entryId, { mode: 'replace', format: 'csv', body: Readable.from(broken()) })).rejects.toThrow(/中断/);
    expect(await liveRows()).toEqual(before);
    const failed = await env.k.db.kysely.selectFrom('loads').select(['status', 'id']).where('entry_id', '=', entryId).orderBy('started_at', 'desc').orderBy('finished_at', 'desc').execute();
    expect(failed.some((l) => l.status === 'failed')).toBe(true);
    for (const l of failed.filter((x) => x.status === 'failed')) await expectEnded(l.id, 'failed');
  });

  it('leaves the previous version live when the load throws in the middle of writing', async () => {
    const before = await liveRows();
    const auth = await authOf(env.k, 'gat_clerk');
    const body = Readable.from([csv(people(7000, 200))]);
    await expect(
      ingest.receiveLoad(env.k, auth, entryId, { mode: 'replace', format: 'csv', body }, { afterRow: (n) => {
        if (n === 100) throw new Error('killed');
      } }),
    ).rejects.toThrow();
    expect(await liveRows()).toEqual(before);
    const staging = await env.k.db.kysely.selectFrom('loads').select('id').where('status', '=', 'failed').execute();
    const tables = await env.k.db.kysely.selectFrom('pg_catalog.pg_tables' as never).select('tablename' as never).where('schemaname' as never, '=', 'datasets' as never).execute();
    const names = new Set((tables as Array<{ tablename: string }>).map((t) => t.tablename));
    for (const l of staging) expect(names.has(`l_${l.id.replace(/-/g, '')}`)).toBe(false);
    for (const l of staging) await expectEnded(l.id, 'failed');
  });
});

describe('a load whose commit fails', () => {
  it('is recorded failed with its audit event, its table dropped, the live version intact', async () => {
    const db = env.k.db.kysely;
    const before = await liveRows();
    // Fails at COMMIT itself, after every statement of the commit transaction has run.
    await sql`CREATE FUNCTION test_fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'storage failure at commit'; END $$`.execute(db);
    await sql`CREATE CONSTRAINT TRIGGER test_fail_commit AFTER INSERT ON dataset_versions DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_commit()`.execute(db);
    let res: LightMyRequestResponse;
    try {
      res = await upload(gat, csv(people(8000, 20)));
    } finally {
      await sql`DROP TRIGGER test_fail_commit ON dataset_versions`.execute(db);
      await sql`DROP FUNCTION test_fail_commit()`.execute(db);
    }
    expect(res.statusCode, res.body).toBe(500);
    const err = res.json().error as { code: string; message: string; details: { id: string; status: string } };
    expect(err).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('提交失败'), details: { status: 'failed' } });
    expect(err.message).not.toContain('storage failure');
    const l = await expectEnded(err.details.id, 'failed');
    expect(l).toMatchObject({ rows_total: 20, rows_accepted: 20 });
    expect(await db.selectFrom('dataset_versions').select('version_no').where('load_id', '=', err.details.id).execute()).toEqual([]);
    expect(await liveRows()).toEqual(before);
  });
});

describe('an aborted upload', () => {
  it('leaves the previous version live and intact when the client drops the connection midway', async () => {
    const before = await liveRows();
    const address = await env.app.listen({ port: 0, host: '127.0.0.1' });
    const countFailed = async () => (await env.k.db.kysely.selectFrom('loads').select('id').where('entry_id', '=', entryId).where('status', '=', 'failed').execute()).length;
    const failedBefore = await countFailed();
    const req = http.request(new URL(`/api/v1/catalog/entries/${entryId}/loads`, address), {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie: gat.cookie, 'x-csrf-token': gat.csrf },
    });
    req.on('error', () => undefined);
    req.write(csv(people(9000, 300)));
    await new Promise((r) => setTimeout(r, 300));
    req.destroy();
    for (let i = 0; i < 50 && (await countFailed()) === failedBefore; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await countFailed()).toBe(failedBefore + 1);
    expect(await liveRows()).toEqual(before);
  });
});

describe('an upsert after the catalog\'s data items changed', () => {
  const F = (name: string, type: CatalogField['type'], extra: Partial<CatalogField> = {}): CatalogField => ({ name, label: name, type, ...extra });
  const V1 = [F('code', 'string', { key: true, required: true }), F('name', 'string'), F('card', 'string'), F('size', 'integer')];

  const publishFields = (entry: string, fields: CatalogField[]) => publishNextVersion(env.k, entry, fields, '合并测试');

  const sheet = (header: string[], rows: string[][]) => `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`;

  it('merges by the shared columns: a new field is empty in the old rows, a removed one is gone', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', V1, '合并测试');
    ok(await upload(gat, sheet(['code', 'name', 'card', 'size'], [['A', '甲', 'c1', '1'], ['B', '乙', 'c2', '2'], ['C', '丙', 'c3', '3']]), 'replace', id));
    await publishFields(id, [F('code', 'string', { key: true, required: true }), F('name', 'string'), F('size', 'integer'), F('note', 'string')]);
    const r = ok(await upload(gat, sheet(['code', 'name', 'size', 'note'], [['B', '乙二', '20', '改'], ['D', '丁', '4', '新']]), 'upsert', id));
    expect(r).toMatchObject({ status: 'committed', mode: 'upsert' });
    const rows = await liveRows(id);
    const byCode = Object.fromEntries(rows.map((x) => [x.code, x]));
    expect(Object.keys(byCode).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(byCode.A).toEqual({ code: 'A', name: '甲', size: 1, note: null });
    expect(byCode.B).toEqual({ code: 'B', name: '乙二', size: 20, note: '改' });
    expect(byCode.D).toEqual({ code: 'D', name: '丁', size: 4, note: '新' });
    const versions = ok(await gat.get(`/api/v1/catalog/entries/${id}/versions`), 200);
    expect(versions.items[0]).toMatchObject({ live: true, rows: 4 });
  });

  it('refuses an upsert when the key fields changed (409, a full replace is needed), and takes the replace', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', V1, '主键变更测试');
    ok(await upload(gat, sheet(['code', 'name', 'card', 'size'], [['A', '甲', 'c1', '1'], ['B', '乙', 'c2', '2']]), 'replace', id));
    const before = await liveRows(id);
    await publishFields(id, [F('code', 'string', { key: true, required: true }), F('name', 'string', { key: true, required: true }), F('size', 'integer')]);
    const loadsBefore = (await env.k.db.kysely.selectFrom('loads').select('id').where('entry_id', '=', id).execute()).length;
    const res = await upload(gat, sheet(['code', 'name', 'size'], [['A', '甲', '9']]), 'upsert', id);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'CONFLICT', source: '000 第八条', message: expect.stringMatching(/主键.*全量替换/) });
    // Refused before a byte was read: no load recorded, the live version unchanged.
    expect((await env.k.db.kysely.selectFrom('loads').select('id').where('entry_id', '=', id).execute()).length).toBe(loadsBefore);
    expect(await liveRows(id)).toEqual(before);
    const replaced = ok(await upload(gat, sheet(['code', 'name', 'size'], [['A', '甲', '9']]), 'replace', id));
    expect(replaced.status).toBe('committed');
    expect(await liveRows(id)).toEqual([{ code: 'A', name: '甲', size: 9 }]);
    // The live version now follows the new catalog version: upserts merge again.
    ok(await upload(gat, sheet(['code', 'name', 'size'], [['B', '乙', '2']]), 'upsert', id));
    expect(await liveRows(id)).toHaveLength(2);
  });

  it('refuses an upsert when a shared field changed its type, and merges when only a non-key field was added', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', V1, '类型变更测试');
    ok(await upload(gat, sheet(['code', 'name', 'card', 'size'], [['A', '甲', 'c1', '1']]), 'replace', id));
    await publishFields(id, [F('code', 'string', { key: true, required: true }), F('name', 'string'), F('card', 'string'), F('size', 'string')]);
    const res = await upload(gat, sheet(['code', 'size'], [['B', '大']]), 'upsert', id);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toContain('size');
    await publishFields(id, [...V1, F('extra', 'boolean')]);
    ok(await upload(gat, sheet(['code', 'extra'], [['B', 'true']]), 'upsert', id));
    expect((await liveRows(id)).find((x) => x.code === 'A')).toEqual({ code: 'A', name: '甲', card: 'c1', size: 1, extra: null });
  });

  it('refuses at commit, as a recorded refusal, when the catalog changed the key while the file was read', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', V1, '读取中变更测试');
    ok(await upload(gat, sheet(['code', 'name', 'card', 'size'], [['A', '甲', 'c1', '1']]), 'replace', id));
    const auth = await authOf(env.k, 'gat_clerk');
    // The live version is replaced under a new key by another load while this upsert reads.
    let switched = false;
    const body = Readable.from([sheet(['code', 'name', 'card', 'size'], [['B', '乙', 'c2', '2'], ['C', '丙', 'c3', '3']])]);
    const err = await ingest
      .receiveLoad(env.k, auth, id, { mode: 'upsert', format: 'csv', body, afterBody: async () => {
        if (switched) return;
        switched = true;
        await publishFields(id, [F('code', 'string', { key: true, required: true }), F('name', 'string', { key: true, required: true })]);
        ok(await upload(gat, sheet(['code', 'name'], [['Z', '末']]), 'replace', id));
        await publishFields(id, V1);
      } })
      .then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', source: '000 第八条' });
    const refused = (err as { details?: { id?: string } }).details?.id ?? '';
    await expectEnded(refused, 'refused');
    expect(await liveRows(id)).toEqual([{ code: 'Z', name: '末' }]);
  });
});

describe('who may load', () => {
  it('refuses another org (403) and an entry not published (422)', async () => {
    const res = await upload(scj, csv(people(0, 2)));
    expect(res.statusCode, res.body).toBe(403);
    expect((await scj.get(`/api/v1/catalog/entries/${entryId}/versions`)).statusCode).toBe(403);
    const draft = await env.k.db.kysely.selectFrom('catalog_entries').select('id').where('published_version', 'is', null).where('provider_org_id', '=', (await env.k.db.kysely.selectFrom('orgs').select('id').where('name', '=', '海南省公安厅').executeTakeFirstOrThrow()).id).executeTakeFirstOrThrow();
    const r2 = await upload(gat, csv(people(0, 2)), 'replace', draft.id);
    expect(r2.statusCode, r2.body).toBe(422);
  });

  it('refuses a file whose header has a column the catalog does not define', async () => {
    const res = await upload(gat, `${HEADER},extra\n${person(1)},x\n`);
    expect(res.statusCode, res.body).toBe(400);
  });
});

describe('the API document', () => {
  it('lists the ingest routes, GET only on the versions path the catalog also POSTs to', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/catalog/entries/{id}/loads'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/api/v1/catalog/entries/{id}/versions'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/v1/loads/{id}']?.get).toBeDefined();
    expect(doc.paths['/api/v1/catalog/entries/{id}/versions/{n}/rows']?.get).toBeDefined();
  });
});
