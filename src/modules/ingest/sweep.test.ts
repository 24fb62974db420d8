/**
 * The `ingest.sweep` job: a load whose process stopped halfway leaves the previous version live
 * and intact; once its heartbeat is older than the stale age (and not before) it is failed with
 * its audit event and its staging table dropped; tables `datasets.l_*` that no kept version and
 * no load in progress own are dropped, and nothing else is.
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import type { AuthContext } from '../../kernel/auth.js';
import { ConfigError, loadConfig } from '../../kernel/config.js';
import { runJobsOnce } from '../../kernel/jobs.js';
import { authOf, datasetTables, makePublishedEntry, PEOPLE_FIELDS } from './factories.js';
import { ingestJobs } from './jobs.js';
import * as repo from './repo.js';
import * as ingest from './service.js';
import { ingestSweepJob, staleMessage } from './sweep.js';
import { synthIdNumber } from './synth.js';

const FIELDS = PEOPLE_FIELDS.slice(0, 3);
const HEADER = FIELDS.map((f) => f.name).join(',');
const id = (i: number) => synthIdNumber('460105', '19900307', i);
const person = (i: number) => `${synthIdNumber('460105', '19900307', i)},居民${i},139${String(i).padStart(8, '0')}`;
const csv = (from: number, n: number) => `${HEADER}\n${Array.from({ length: n }, (_, i) => person(from + i)).join('\n')}\n`;
const STALE_MINUTES = 60;
const MINUTE = 60_000;

let env: TestEnv;
let auth: AuthContext;
let entryId: string;

async function liveRows(): Promise<Array<Record<string, unknown>>> {
  const live = await repo.liveVersion(env.k.db.kysely, entryId);
  if (!live) return [];
  return repo.readRows(env.k.db.kysely, live.table_name, 10_000, 0);
}

const sweep = async () => {
  const [outcome] = await runJobsOnce(env.k, [ingestSweepJob]);
  expect(outcome?.ran).toBe(true);
  return outcome?.result ?? '';
};

const auditOf = (loadId: string) =>
  env.k.db.kysely
    .selectFrom('audit_events')
    .select(['action', 'actor_user_id', 'object_type', 'object_id', 'details'])
    .where('action', 'in', ['ingest.load_failed', 'ingest.load_refused', 'ingest.load_commit'])
    .where(sql<boolean>`details->>'loadId' = ${loadId}`)
    .execute();

beforeAll(async () => {
  env = await testEnv({ config: { ingestStaleLoadMinutes: STALE_MINUTES } });
  auth = await authOf(env.k, 'gat_clerk');
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '中断测试');
  await ingest.receiveLoad(env.k, auth, entryId, { mode: 'replace', format: 'csv', body: Readable.from([csv(0, 30)]) });
});

afterAll(async () => {
  await env?.close();
});

describe('the sweep job', () => {
  it('is one of the ingest jobs run by serve', () => {
    expect(ingestJobs.map((j) => j.name)).toContain('ingest.sweep');
  });

  it('fails a load stopped halfway only after the stale age, and leaves the previous version intact', async () => {
    const before = await liveRows();
    expect(before).toHaveLength(30);
    const started = env.clock.now();

    // The load reads 4,000 rows (more than the reader gathers before it parses), then its input
    // stops and never ends: from the database's side, a process killed halfway (its row
    // 'validating', its staging table created).
    let resume!: () => void;
    const stopped = new Promise<void>((r) => (resume = r));
    let halfway!: () => void;
    const atHalf = new Promise<void>((r) => (halfway = r));
    async function* input() {
      yield `${HEADER}\n`;
      for (let i = 0; i < 40; i++) yield `${Array.from({ length: 100 }, (_, j) => person(1000 + i * 100 + j)).join('\n')}\n`;
      await stopped;
      for (let i = 0; i < 100; i++) yield `${person(9000 + i)}\n`;
    }
    const running = ingest.receiveLoad(env.k, auth, entryId, { mode: 'replace', format: 'csv', body: Readable.from(input()) }, { afterRow: (n) => n === 1000 && halfway() });
    const settled = running.then(
      () => 'committed',
      (err: unknown) => err,
    );
    await atHalf;
    const load = await env.k.db.kysely.selectFrom('loads').selectAll().where('entry_id', '=', entryId).where('status', '=', 'validating').executeTakeFirstOrThrow();
    const staging = repo.loadTableName(load.id);
    expect((await datasetTables(env.k)).has(staging)).toBe(true);
    expect(await liveRows()).toEqual(before);

    // Just inside the stale age: a load in progress is not touched.
    env.clock.set(new Date(started.getTime() + (STALE_MINUTES - 1) * MINUTE));
    await sweep();
    expect((await repo.findLoad(env.k.db.kysely, load.id))?.status).toBe('validating');
    expect((await datasetTables(env.k)).has(staging)).toBe(true);

    // Past it: failed with a clear message and an audit event by the platform.
    env.clock.set(new Date(started.getTime() + (STALE_MINUTES + 1) * MINUTE));
    expect(await sweep()).toMatch(/stale loads failed: 1/);
    const failed = await repo.findLoad(env.k.db.kysely, load.id);
    expect(failed).toMatchObject({ status: 'failed', message: staleMessage(STALE_MINUTES, load.id), version_no: null });
    expect(failed?.message).toContain('中断');
    const events = await auditOf(load.id);
    expect(events).toEqual([expect.objectContaining({ action: 'ingest.load_failed', actor_user_id: null, object_type: 'catalog_entry', object_id: entryId })]);
    expect(await liveRows()).toEqual(before);

    // The stuck input moves again: the load finds itself ended and cannot commit over the sweep.
    resume();
    const outcome = await settled;
    expect(outcome).toBeInstanceOf(Error);
    expect((await repo.findLoad(env.k.db.kysely, load.id))?.message).toBe(staleMessage(STALE_MINUTES, load.id));
    expect(await auditOf(load.id)).toHaveLength(1);

    // Nothing of it is left once the sweep has run again.
    await sweep();
    expect((await datasetTables(env.k)).has(staging)).toBe(false);
    expect(await liveRows()).toEqual(before);
    const versions = await env.k.db.kysely.selectFrom('dataset_versions').select('load_id').where('entry_id', '=', entryId).execute();
    expect(versions.map((v) => v.load_id)).not.toContain(load.id);
  });

  it('counts the stale age from the last heartbeat, and drops only the tables nothing owns', async () => {
    const db = env.k.db.kysely;
    const now = env.clock.now();
    const live = await repo.liveVersion(db, entryId);
    if (!live) throw new Error('no live version');
    const org = await db.selectFrom('catalog_entries').select('provider_org_id').where('id', '=', entryId).executeTakeFirstOrThrow();
    const loadRow = (id: string, startedMinutesAgo: number, seenMinutesAgo: number | null) => ({
      id,
      entry_id: entryId,
      catalog_version: 1,
      mode: 'replace' as const,
      format: 'csv' as const,
      status: 'validating' as const,
      message: null,
      version_no: null,
      by_user_id: auth.user.id,
      by_org_id: org.provider_org_id,
      started_at: new Date(now.getTime() - startedMinutesAgo * MINUTE),
      finished_at: null,
      seen_at: seenMinutesAgo === null ? null : new Date(now.getTime() - seenMinutesAgo * MINUTE),
    });
    // A long load still beating (started 2 h ago, seen 10 min ago), one silent for 61 min, one
    // started 59 min ago and never heard from since.
    const beating = crypto.randomUUID();
    const silent = crypto.randomUUID();
    const young = crypto.randomUUID();
    for (const row of [loadRow(beating, 120, 10), loadRow(silent, 120, STALE_MINUTES + 1), loadRow(young, STALE_MINUTES - 1, null)]) {
      await db.insertInto('loads').values(row).execute();
      await repo.createDatasetTable(db, repo.loadTableName(row.id), FIELDS);
    }
    // A table no load or version owns (a drop that never happened), and a retired version's table.
    const stray = repo.loadTableName(crypto.randomUUID());
    await repo.createDatasetTable(db, stray, FIELDS);
    const kept = await db.selectFrom('dataset_versions').select('table_name').where('entry_id', '=', entryId).where('dropped_at', 'is', null).execute();
    const retiredLoad = crypto.randomUUID();
    await db.insertInto('loads').values({ ...loadRow(retiredLoad, 300, null), status: 'committed', finished_at: now }).execute();
    await repo.createDatasetTable(db, repo.loadTableName(retiredLoad), FIELDS);
    await db
      .insertInto('dataset_versions')
      .values({ entry_id: entryId, version_no: 1000, table_name: repo.loadTableName(retiredLoad), load_id: retiredLoad, rows: 0, created_at: now, live: false, dropped_at: now })
      .execute();
    // Another schema's tables are not the sweep's.
    await sql`CREATE TABLE datasets.other_table (x int)`.execute(db);

    await sweep();
    const after = await datasetTables(env.k);
    expect(after.has(repo.loadTableName(beating))).toBe(true);
    expect(after.has(repo.loadTableName(young))).toBe(true);
    expect(after.has(repo.loadTableName(silent))).toBe(false);
    expect(after.has(stray)).toBe(false);
    expect(after.has(repo.loadTableName(retiredLoad))).toBe(false);
    expect(after.has('other_table')).toBe(true);
    for (const v of kept) expect(after.has(v.table_name)).toBe(true);
    const status = async (id: string) => (await repo.findLoad(db, id))?.status;
    expect(await status(beating)).toBe('validating');
    expect(await status(young)).toBe('validating');
    expect(await status(silent)).toBe('failed');
    expect(await status(retiredLoad)).toBe('committed');

    // Two minutes on, the young load is past the stale age too; the beating one is not yet.
    env.clock.advance(2 * MINUTE);
    await sweep();
    expect(await status(young)).toBe('failed');
    expect(await status(beating)).toBe('validating');
    expect((await datasetTables(env.k)).has(repo.loadTableName(young))).toBe(false);
  });

  it('writes nothing of a refusal whose end cannot be written; the sweep ends the load later', async () => {
    const db = env.k.db.kysely;
    const before = await liveRows();
    // The refusal's transaction fails on its last-but-one write (the rejected rows).
    await sql`CREATE FUNCTION test_fail_load_errors() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(db);
    await sql`CREATE TRIGGER test_fail_load_errors BEFORE INSERT ON load_errors FOR EACH ROW EXECUTE FUNCTION test_fail_load_errors()`.execute(db);
    let err: unknown;
    try {
      const rows = Array.from({ length: 10 }, (_, i) => (i < 5 ? `${id(500 + i).slice(0, 17)}Z,坏${i},13900000000` : person(500 + i)));
      err = await ingest.receiveLoad(env.k, auth, entryId, { mode: 'replace', format: 'csv', body: Readable.from([`${HEADER}\n${rows.join('\n')}\n`]) }).then(
        () => null,
        (e: unknown) => e,
      );
    } finally {
      await sql`DROP TRIGGER test_fail_load_errors ON load_errors`.execute(db);
      await sql`DROP FUNCTION test_fail_load_errors()`.execute(db);
    }
    expect(err).toMatchObject({ code: 'INTERNAL', details: { status: 'validating' } });
    const loadId = (err as { details: { id: string } }).details.id;
    // Neither the status, nor the rows, nor the event, nor the drop of the table: all or nothing.
    expect(await repo.findLoad(db, loadId)).toMatchObject({ status: 'validating', message: null, finished_at: null });
    expect(await db.selectFrom('load_errors').select('n').where('load_id', '=', loadId).execute()).toEqual([]);
    expect(await auditOf(loadId)).toEqual([]);
    expect((await datasetTables(env.k)).has(repo.loadTableName(loadId))).toBe(true);
    expect(await liveRows()).toEqual(before);

    env.clock.advance((STALE_MINUTES + 1) * MINUTE);
    await sweep();
    expect((await repo.findLoad(db, loadId))?.status).toBe('failed');
    expect(await auditOf(loadId)).toEqual([expect.objectContaining({ action: 'ingest.load_failed' })]);
    expect((await datasetTables(env.k)).has(repo.loadTableName(loadId))).toBe(false);
    expect(await liveRows()).toEqual(before);
  });

  it('leaves a load in progress alone while its heartbeat is fresh, and no longer touches one that has ended', async () => {
    const db = env.k.db.kysely;
    const org = await db.selectFrom('catalog_entries').select('provider_org_id').where('id', '=', entryId).executeTakeFirstOrThrow();
    const loadId = crypto.randomUUID();
    const now = env.clock.now();
    await db
      .insertInto('loads')
      .values({ id: loadId, entry_id: entryId, catalog_version: 1, mode: 'replace', format: 'xlsx', status: 'validating', message: null, version_no: null, by_user_id: auth.user.id, by_org_id: org.provider_org_id, started_at: new Date(now.getTime() - 3 * STALE_MINUTES * MINUTE), finished_at: null })
      .execute();
    const touchedAt = env.clock.now();
    await repo.touchLoad(db, loadId, touchedAt);
    env.clock.advance((STALE_MINUTES - 1) * MINUTE);
    await sweep();
    expect((await repo.findLoad(db, loadId))?.status).toBe('validating');
    env.clock.advance(2 * MINUTE);
    await sweep();
    expect((await repo.findLoad(db, loadId))?.status).toBe('failed');
    await repo.touchLoad(db, loadId, env.clock.now());
    expect((await repo.findLoad(db, loadId))?.seen_at).toEqual(touchedAt);
  });
});

describe('the ingest limits in the configuration', () => {
  it('default to a stale age of 60 minutes and files of 10 GiB by form', () => {
    const c = loadConfig({});
    expect(c.ingestStaleLoadMinutes).toBe(60);
    expect(c.ingestMaxFileMb).toBe(10_240);
    expect(loadConfig({ INGEST_STALE_LOAD_MINUTES: '5', INGEST_MAX_FILE_MB: '1' })).toMatchObject({ ingestStaleLoadMinutes: 5, ingestMaxFileMb: 1 });
  });
  it.each([
    ['INGEST_STALE_LOAD_MINUTES', '4'],
    ['INGEST_STALE_LOAD_MINUTES', 'soon'],
    ['INGEST_MAX_FILE_MB', '0'],
    ['INGEST_MAX_FILE_MB', '1.5'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
