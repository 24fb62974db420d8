/**
 * Quality scores (000 第四十一条): scoreLoad over real dataset tables made here in a `datasets`
 * schema, then the score history and the per-institution and province averages through the API.
 */
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok } from '../../../test/assert.js';
import type { CatalogField } from '../catalog/tables.js';
import { scoreLoad, type LoadToScore } from './scores.js';

let env: TestEnv;
let admin: Client;
let analyst: Client;
const db = () => env.k.db.kysely;

async function entry(name: string): Promise<{ id: string; fields: CatalogField[] }> {
  return db()
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'v.fields'])
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
}

let licences: { id: string; fields: CatalogField[] };
let penalties: { id: string; fields: CatalogField[] };
let n = 0;
const load = (e: { id: string; fields: CatalogField[] }, tableName: string, rows: Partial<LoadToScore> = {}): LoadToScore => ({
  entryId: e.id,
  loadId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  versionNo: n,
  tableName,
  fields: e.fields,
  keyFields: e.fields.filter((f) => f.key).map((f) => f.name),
  rowsTotal: 5,
  rowsAccepted: 4,
  rowsRejected: 1,
  ...rows,
});
const score = (l: LoadToScore) => db().transaction().execute((trx) => scoreLoad(env.k, trx, l));

beforeAll(async () => {
  env = await testEnv({ now: '2026-10-12T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 30 } });
  admin = await loginAs(env.app, 'admin');
  analyst = await loginAs(env.app, 'hkfgw_analyst');
  licences = await entry('企业营业执照信息');
  penalties = await entry('行政处罚信息（市场监管）');
  await sql`CREATE SCHEMA IF NOT EXISTS datasets`.execute(db());
  await sql`CREATE TABLE datasets.qt_licences (uscc text, name text, type text, legal_rep text, reg_date date, reg_capital numeric)`.execute(db());
  await sql`INSERT INTO datasets.qt_licences VALUES
    ('91460000MA5T00001A', '海南椰林食品有限公司', '有限责任公司', '许诺', '2020-01-02', 100),
    ('91460000MA5T00002B', NULL, '有限责任公司', '王五', '2021-03-04', 50),
    ('91460000MA5T00003C', '  ', '个人独资企业', '赵六', '2022-05-06', 10),
    ('91460000MA5T00004D', '海口云帆贸易有限公司', '有限责任公司', '谢远', NULL, NULL)`.execute(db());
  await sql`CREATE TABLE datasets.qt_penalties (decision_no text, uscc text, party text, basis text, amount numeric, decided_at date)`.execute(db());
  await sql`INSERT INTO datasets.qt_penalties VALUES
    ('琼市监罚〔2026〕1号', '91460000MA5T00001A', '海南椰林食品有限公司', '食品安全法', 5000, '2026-03-01'),
    ('琼市监罚〔2026〕2号', '91460000MA5T00004D', '海口云帆贸易有限公司', '广告法', 2000, '2026-04-01'),
    ('琼市监罚〔2026〕2号', '91460000MA5T00002B', '某公司', '广告法', 2000, '2026-04-01'),
    ('琼市监罚〔2026〕3号', '91460000MA5T99999Z', '不存在的企业', '价格法', 1000, '2026-05-01')`.execute(db());
});

afterAll(async () => {
  await env?.close();
});

describe('scoreLoad', () => {
  it('scores completeness, validity and uniqueness; consistency and timeliness are null when they cannot be measured', async () => {
    await score(load(penalties, 'datasets.qt_penalties'));
    const s = await db().selectFrom('quality_scores').selectAll().where('entry_id', '=', penalties.id).executeTakeFirstOrThrow();
    // The key (required) is filled in every row; 4 of 5 rows accepted; 3 distinct keys in 4 rows.
    expect(s).toMatchObject({ completeness: 1, validity: 0.8, uniqueness: 0.75, consistency: null, timeliness: null, version_no: 1, table_name: 'datasets.qt_penalties' });
    // (0.25·1 + 0.25·0.8 + 0.2·0.75) / 0.7
    expect(s.overall).toBe(0.8571);
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'quality.score').where('object_id', '=', penalties.id).executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ loadId: s.load_id, uniqueness: 0.75, overall: 0.8571 });
  });

  it('counts null and blank required cells as missing', async () => {
    await score(load(licences, 'datasets.qt_licences', { rowsTotal: 4, rowsAccepted: 4, rowsRejected: 0 }));
    const s = await db().selectFrom('quality_scores').selectAll().where('entry_id', '=', licences.id).executeTakeFirstOrThrow();
    // Required: uscc (key) and name; 8 cells, a null and a blank name.
    expect(s).toMatchObject({ completeness: 0.75, validity: 1, uniqueness: 1, consistency: null });
  });

  it('checks credit codes against the registered legal-person base data and times the load against the update frequency', async () => {
    ok(await admin.put('/api/v1/quality/references/uscc', { entryId: licences.id, field: 'uscc' }));
    expect((await analyst.put('/api/v1/quality/references/uscc', { entryId: licences.id, field: 'uscc' })).statusCode).toBe(403);
    env.clock.set('2026-10-13T09:00:00+08:00'); // the next day: on time for a daily entry
    await score(load(penalties, 'datasets.qt_penalties'));
    env.clock.set('2026-10-16T09:00:00+08:00'); // three days later: late
    await score(load(penalties, 'datasets.qt_penalties', { rowsTotal: 4, rowsAccepted: 4 }));
    const rows = await db().selectFrom('quality_scores').selectAll().where('entry_id', '=', penalties.id).orderBy('at').execute();
    expect(rows.map((r) => [r.consistency, r.timeliness])).toEqual([
      [null, null],
      [0.75, 1],
      [0.75, 0.3333],
    ]);
    expect(rows[1]?.details).toMatchObject({ consistency: { checked: 4, found: 3 } });
  });

  it('refuses a table name that is not schema.table', async () => {
    await expect(score(load(penalties, 'datasets.qt_penalties; DROP TABLE orgs'))).rejects.toThrow(/schema\.table/);
    await expect(score(load(penalties, 'qt_penalties'))).rejects.toThrow(/schema\.table/);
  });
});

describe('the scores API', () => {
  it('returns an entry’s history oldest first and its latest score', async () => {
    const r = ok(await analyst.get(`/api/v1/quality/scores?entryId=${penalties.id}`));
    expect(r.entry).toMatchObject({ id: penalties.id, name: '行政处罚信息（市场监管）', updateFrequency: 'daily' });
    expect(r.provider.name).toBe('海南省市场监督管理局');
    expect(r.history.map((h: { versionNo: number }) => h.versionNo)).toEqual([1, 3, 4]);
    expect(r.latest).toMatchObject({ versionNo: 4, validity: 1, timeliness: 0.3333, consistency: 0.75 });
    expect((await analyst.get('/api/v1/quality/scores?entryId=00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('averages each institution’s latest scores and the province’s', async () => {
    const r = ok(await analyst.get('/api/v1/quality/scores/orgs'));
    expect(r.province).toMatchObject({ scoredEntries: 2, orgs: 1 });
    const [scj] = r.orgs;
    expect(scj).toMatchObject({ orgName: '海南省市场监督管理局', scoredEntries: 2 });
    const latestPen = r.orgs[0].entries.find((e: { entryId: string }) => e.entryId === penalties.id);
    const latestLic = r.orgs[0].entries.find((e: { entryId: string }) => e.entryId === licences.id);
    expect(scj.average.completeness).toBe(0.875);
    expect(scj.average.overall).toBeCloseTo((latestPen.overall + latestLic.overall) / 2, 4);
    expect(r.province.average).toEqual(scj.average);
  });
});

describe('an institution’s quality page', () => {
  it('lists its entries’ latest scores, their average and the daily trend, and the province’s trend', async () => {
    const scj = (await db().selectFrom('orgs').select('id').where('name', '=', '海南省市场监督管理局').executeTakeFirstOrThrow()).id;
    const r = ok(await analyst.get(`/api/v1/quality/scores/orgs/${scj}`));
    expect(r.org).toMatchObject({ id: scj, name: '海南省市场监督管理局' });
    expect(r.scoredEntries).toBe(2);
    expect(r.entries.map((e: { entryId: string }) => e.entryId).sort()).toEqual([licences.id, penalties.id].sort());
    const all = ok(await analyst.get('/api/v1/quality/scores/orgs'));
    expect(r.average).toEqual(all.orgs[0].average);
    // Every point averages each entry's latest score as of that day; the last one is today's page.
    expect(r.trend.length).toBeGreaterThanOrEqual(1);
    const last = r.trend.at(-1);
    expect(last).toMatchObject({ entries: 2, completeness: r.average.completeness, overall: r.average.overall });
    expect(all.province.trend.at(-1)).toMatchObject({ entries: 2, overall: all.province.average.overall });
    expect((await analyst.get('/api/v1/quality/scores/orgs/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

