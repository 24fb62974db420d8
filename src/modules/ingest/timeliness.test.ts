/**
 * Timeliness on the ledger (000 第八条): the next load due from the update frequency, in Beijing
 * calendar days; a load meets the open duty and opens the next; the sweep marks a missed one
 * overdue on the right side of its due instant; irregular entries owe nothing; the
 * `ingest.timeliness` job opens first duties once.
 */
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { calendarDueFrom, sweepOverdue } from '../../kernel/deadlines.js';
import { runJobsOnce } from '../../kernel/jobs.js';
import { makePublishedEntry, PEOPLE_FIELDS } from './factories.js';
import { ingestJobs } from './jobs.js';
import { synthIdNumber } from './synth.js';
import { nextLoadDue, TIMELINESS_CASE } from './timeliness.js';
import { openMissingTimelinessDuties } from './timeliness.service.js';

describe('nextLoadDue', () => {
  const at = new Date('2026-09-18T10:00:00+08:00');
  it('counts the period of the frequency in Beijing calendar days, ending at 24:00 of the last day', () => {
    expect(nextLoadDue('daily', at)).toEqual({ dueDate: '2026-09-19', dueAt: new Date('2026-09-20T00:00:00+08:00'), fallback: false });
    expect(nextLoadDue('realtime', at)?.dueDate).toBe('2026-09-19');
    expect(nextLoadDue('weekly', at)?.dueDate).toBe('2026-09-25');
    expect(nextLoadDue('monthly', at)?.dueDate).toBe('2026-10-19');
    expect(nextLoadDue('quarterly', at)?.dueDate).toBe('2026-12-19');
    expect(nextLoadDue('yearly', at)?.dueDate).toBe('2027-09-19');
  });
  it('sets no due date for an irregular frequency', () => {
    expect(nextLoadDue('irregular', at)).toBeNull();
  });
  it('takes the Beijing day of the start, whatever the UTC date', () => {
    // 2026-09-18 23:30 UTC is already 09-19 in Beijing.
    expect(calendarDueFrom(new Date('2026-09-18T23:30:00Z'), 1).dueDate).toBe('2026-09-20');
    expect(calendarDueFrom(new Date('2026-09-18T15:59:59Z'), 1).dueDate).toBe('2026-09-19');
  });
});

let env: TestEnv;
let gat: Client;
const db = () => env.k.db.kysely;
const ok = (res: LightMyRequestResponse, status = 201) => {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
};
const FIELDS = PEOPLE_FIELDS.slice(0, 2);
const csv = (from: number, n: number) =>
  `id_number,name\n${Array.from({ length: n }, (_, i) => `${synthIdNumber('460105', '19900307', from + i)},居民${from + i}`).join('\n')}\n`;
const upload = (id: string, body: string) =>
  env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${id}/loads`, headers: { cookie: gat.cookie, 'x-csrf-token': gat.csrf, 'content-type': 'text/csv' }, payload: body });
const duties = (entryId: string) => db().selectFrom('duties').selectAll().where('case_type', '=', TIMELINESS_CASE).where('case_id', '=', entryId).orderBy('started_at').execute();
const sweep = () => db().transaction().execute((trx) => sweepOverdue(env.k, trx));

/** Publishes a new version of the entry with another update frequency (published versions are immutable). */
async function republish(entryId: string, freq: string): Promise<void> {
  await db().transaction().execute(async (trx) => {
    const e = await trx.selectFrom('catalog_entries').select('published_version').where('id', '=', entryId).executeTakeFirstOrThrow();
    const n = (e.published_version ?? 0) + 1;
    await sql`INSERT INTO catalog_versions
      SELECT (jsonb_populate_record(c, jsonb_build_object('id', gen_random_uuid(), 'version', ${n}::int, 'update_frequency', ${freq}::text, 'published_at', ${env.k.clock.now().toISOString()}::text))).*
      FROM catalog_versions c WHERE c.entry_id = ${entryId} AND c.version = ${e.published_version}`.execute(trx);
    await trx.updateTable('catalog_versions').set({ status: 'superseded' }).where('entry_id', '=', entryId).where('version', '=', n - 1).execute();
    await trx.updateTable('catalog_entries').set({ published_version: n, latest_version: n }).where('id', '=', entryId).execute();
  });
}

beforeAll(async () => {
  env = await testEnv({ now: '2026-09-18T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 30 } });
  gat = await loginAs(env.app, 'gat_clerk');
});

afterAll(async () => {
  await env?.close();
});

describe('a daily entry', () => {
  let entryId: string;

  it('owes its next load by 24:00 of the next Beijing day once loaded', async () => {
    entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '及时性测试（每日）');
    ok(await upload(entryId, csv(0, 5)));
    const [d, ...rest] = await duties(entryId);
    expect(rest).toHaveLength(0);
    expect(d).toMatchObject({ status: 'open', duty: 'load', source: '000 第八条', working_days: null, due_date: '2026-09-19', overdue_at: null, link: `/catalog/entries/${entryId}` });
    expect(d?.due_at?.toISOString()).toBe(new Date('2026-09-20T00:00:00+08:00').toISOString());
    const dsj = await db().selectFrom('orgs').select('id').where('name', '=', '海南省大数据管理局').executeTakeFirstOrThrow();
    expect(d?.supervisor_org_id).toBe(dsj.id);
  });

  it('shows on the provider’s workbench', async () => {
    const list = ok(await gat.get('/api/v1/duties'), 200) as { items: Array<{ caseType: string; caseId: string; title: string; dueDate: string }> };
    expect(list.items.find((x) => x.caseType === TIMELINESS_CASE && x.caseId === entryId)).toMatchObject({ title: expect.stringContaining('及时性测试（每日）'), dueDate: '2026-09-19' });
  });

  it('is not overdue just before the due instant', async () => {
    env.clock.set('2026-09-19T23:59:59+08:00');
    await sweep();
    expect((await duties(entryId))[0]).toMatchObject({ status: 'open', overdue_at: null });
  });

  it('is overdue just after it, and the provider and the platform operator are notified', async () => {
    env.clock.set('2026-09-20T00:00:01+08:00');
    await sweep();
    const [d] = await duties(entryId);
    expect(d?.overdue_at).not.toBeNull();
    const notes = await db().selectFrom('notifications').select(['org_id', 'kind', 'title']).where('title', 'like', '%及时性测试（每日）%').execute();
    expect(notes.map((n) => n.kind).sort()).toEqual(['duty.overdue', 'duty.overdue_supervised']);
  });

  it('a new load meets the duty and opens the next one from the load time', async () => {
    env.clock.set('2026-09-21T09:00:00+08:00');
    ok(await upload(entryId, csv(10, 5)));
    const ds = await duties(entryId);
    expect(ds.map((d) => [d.status, d.due_date])).toEqual([
      ['met', '2026-09-19'],
      ['open', '2026-09-22'],
    ]);
    expect(ds[0]?.met_at?.toISOString()).toBe(new Date('2026-09-21T09:00:00+08:00').toISOString());
  });
});

describe('an irregular entry', () => {
  it('owes no load: neither a load nor the job opens a duty', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '及时性测试（不定期）');
    await republish(id, 'irregular');
    ok(await upload(id, csv(20, 3)));
    await db().transaction().execute((trx) => openMissingTimelinessDuties(env.k, trx));
    expect(await duties(id)).toEqual([]);
  });
});

describe('the ingest.timeliness job', () => {
  it('opens the first duty of a published entry counted from publication, once', async () => {
    env.clock.set('2026-10-12T10:00:00+08:00');
    const id = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '及时性测试（每周）');
    await republish(id, 'weekly');
    env.clock.set('2026-10-13T08:00:00+08:00');
    const job = ingestJobs.filter((j) => j.name === 'ingest.timeliness');
    expect(job).toHaveLength(1);
    const [first] = await runJobsOnce(env.k, job);
    expect(first?.result).toMatch(/^\d+ next-load duties opened, 0 cancelled$/);
    const ds = await duties(id);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ status: 'open', due_date: '2026-10-19' });
    expect(ds[0]?.started_at.toISOString()).toBe(new Date('2026-10-12T10:00:00+08:00').toISOString());
    const [second] = await runJobsOnce(env.k, job);
    expect(second?.result).toBe('0 next-load duties opened, 0 cancelled');
    expect(await duties(id)).toHaveLength(1);
  });

  it('counts an entry’s first duty from its last load when it has one', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '及时性测试（改为每日）');
    await republish(id, 'irregular');
    env.clock.set('2026-10-14T09:00:00+08:00');
    ok(await upload(id, csv(30, 3)));
    expect(await duties(id)).toEqual([]);
    await republish(id, 'daily');
    env.clock.set('2026-10-14T18:00:00+08:00');
    await db().transaction().execute((trx) => openMissingTimelinessDuties(env.k, trx));
    expect((await duties(id)).map((d) => [d.status, d.due_date])).toEqual([['open', '2026-10-15']]);
  });

  it('cancels the duty of an entry that became irregular', async () => {
    const id = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '及时性测试（改为不定期）');
    await db().transaction().execute((trx) => openMissingTimelinessDuties(env.k, trx));
    expect((await duties(id)).map((d) => d.status)).toEqual(['open']);
    await republish(id, 'irregular');
    const r = await db().transaction().execute((trx) => openMissingTimelinessDuties(env.k, trx));
    expect(r).toEqual({ opened: 0, cancelled: 1 });
    expect((await duties(id)).map((d) => d.status)).toEqual(['cancelled']);
  });
});
