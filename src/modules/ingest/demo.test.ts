/**
 * The demo datasets loaded at seed time through the ingest path: versions, rows (valid ID numbers
 * with genders and birth dates that agree with them), the small share of rejected rows, quality
 * scores, the credit-code reference, determinism, and the configuration that turns them off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { checkIdNumber, checkUscc } from '../../kernel/codes.js';
import { ConfigError, loadConfig } from '../../kernel/config.js';
import { POPULATION_BAD_EVERY, prng, UNREGISTERED_POLLUTERS } from './demo.js';

const POPULATION = 500;
let env: TestEnv;
let gat: Client;
let scj: Client;

async function entryId(name: string): Promise<string> {
  const e = await env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.id')
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
  return e.id;
}

async function json<T>(c: Client, url: string): Promise<T> {
  const res = await c.get(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

type Versions = { items: Array<{ versionNo: number; loadId: string; rows: number; live: boolean }> };
type Rows = { total: number; rows: Array<Record<string, unknown>> };
type Scores = { latest: Record<string, number | null> | null; history: unknown[] };

beforeAll(async () => {
  env = await testEnv({ env: { GONGSHU_DEMO_POPULATION: String(POPULATION) } });
  gat = await loginAs(env.app, 'gat_clerk');
  scj = await loginAs(env.app, 'scj_clerk');
}, 120_000);
afterAll(async () => env?.close());

describe('the demo datasets', () => {
  it('loads 人口基础信息 through the ingest path with valid ID numbers, matching genders and birth dates, and a few rejected rows', async () => {
    const id = await entryId('人口基础信息');
    const versions = await json<Versions>(gat, `/api/v1/catalog/entries/${id}/versions`);
    const rejected = Math.floor(POPULATION / POPULATION_BAD_EVERY);
    expect(versions.items).toHaveLength(1);
    expect(versions.items[0]).toMatchObject({ versionNo: 1, live: true, rows: POPULATION - rejected });

    const load = await json<{ status: string; rowsAccepted: number; rowsRejected: number; errors: Array<{ line: number; field: string; value: string; reason: string }> }>(gat, `/api/v1/loads/${versions.items[0]?.loadId}`);
    expect(load).toMatchObject({ status: 'committed', rowsAccepted: POPULATION - rejected, rowsRejected: rejected });
    expect(load.errors[0]).toMatchObject({ line: POPULATION_BAD_EVERY + 1, field: 'id_number' });
    expect(load.errors[0]?.value).toMatch(/^\d{4}\*+[\dX]{4}$/); // masked

    const { rows, total } = await json<Rows>(gat, `/api/v1/catalog/entries/${id}/versions/1/rows?limit=1000`);
    expect(total).toBe(POPULATION - rejected);
    expect(new Set(rows.map((r) => r.id_number)).size).toBe(rows.length);
    const regions = new Set((await env.k.db.kysely.selectFrom('regions').select('code').execute()).map((r) => r.code.trim()));
    for (const r of rows) {
      const idNo = String(r.id_number);
      expect(checkIdNumber(idNo), idNo).toEqual({ ok: true });
      expect(regions.has(idNo.slice(0, 6))).toBe(true);
      expect(r.gender).toBe(Number(idNo[16]) % 2 === 1 ? '男' : '女');
      expect(String(r.birth_date).replace(/-/g, '')).toBe(idNo.slice(6, 14));
      expect(String(r.birth_date) < '2026-01-01' && String(r.birth_date) >= '1935-01-01').toBe(true);
      expect(String(r.name)).toMatch(/^\p{Script=Han}{2,3}$/u);
      expect(String(r.address)).toMatch(/^海南省.+号$/);
    }
    // Both genders and many places.
    expect(new Set(rows.map((r) => r.gender)).size).toBe(2);
    expect(new Set(rows.map((r) => String(r.id_number).slice(0, 6))).size).toBeGreaterThan(10);
  });

  it('scores every loaded entry; 人口基础信息’s validity shows its rejected rows', async () => {
    const scores = await json<Scores>(gat, `/api/v1/quality/scores?entryId=${await entryId('人口基础信息')}`);
    const rejected = Math.floor(POPULATION / POPULATION_BAD_EVERY);
    expect(scores.latest?.validity).toBeCloseTo((POPULATION - rejected) / POPULATION, 4);
    expect(scores.latest?.validity).toBeLessThan(1);
    expect(scores.latest?.uniqueness).toBe(1);
    expect(scores.latest?.completeness).toBe(1);
    const scored = await env.k.db.kysely.selectFrom('quality_scores').select('entry_id').distinct().execute();
    expect(scored.length).toBeGreaterThanOrEqual(10);
  });

  it('registers 企业营业执照信息.uscc as the credit-code reference and scores consistency against it', async () => {
    const licences = await entryId('企业营业执照信息');
    const ref = await env.k.db.kysely.selectFrom('quality_references').selectAll().where('kind', '=', 'uscc').executeTakeFirstOrThrow();
    expect(ref).toMatchObject({ entry_id: licences, field: 'uscc' });

    const { rows } = await json<Rows>(scj, `/api/v1/catalog/entries/${licences}/versions/1/rows?limit=50`);
    for (const r of rows) expect(checkUscc(String(r.uscc))).toEqual({ ok: true });

    const abnormal = await json<Scores>(scj, `/api/v1/quality/scores?entryId=${await entryId('企业经营异常名录')}`);
    expect(abnormal.latest?.consistency).toBe(1);
    const polluters = await json<Scores & { latest: { details: { consistency: { checked: number; found: number } } } }>(scj, `/api/v1/quality/scores?entryId=${await entryId('重点排污单位名录')}`);
    const c = polluters.latest.details.consistency;
    expect(c.checked - c.found).toBe(UNREGISTERED_POLLUTERS);
    expect(polluters.latest.consistency).toBeLessThan(1);
    // The reference itself is not checked against itself.
    const own = await json<Scores>(scj, `/api/v1/quality/scores?entryId=${licences}`);
    expect(own.latest?.consistency).toBeNull();
  });

  it('keeps two versions of 空气质量实时监测数据: the week in full, then the seed day as an upsert', async () => {
    const sthj = await loginAs(env.app, 'sthj_clerk');
    const id = await entryId('空气质量实时监测数据');
    const versions = await json<Versions>(sthj, `/api/v1/catalog/entries/${id}/versions`);
    expect(versions.items.map((v) => [v.versionNo, v.live])).toEqual([
      [2, true],
      [1, false],
    ]);
    const [v2, v1] = versions.items;
    // The clock stands at 10:00 Beijing time: hours 00–10 of the day added to the week's readings.
    expect((v2?.rows ?? 0) - (v1?.rows ?? 0)).toBe(12 * 11);
    const scores = await json<Scores>(sthj, `/api/v1/quality/scores?entryId=${id}`);
    expect(scores.history).toHaveLength(2);
  });

  it('loads 三亚市旅游接待统计 as 36 months up to the month before the seed day', async () => {
    const sy = await loginAs(env.app, 'sy_clerk');
    const id = await entryId('三亚市旅游接待统计');
    const { rows, total } = await json<Rows>(sy, `/api/v1/catalog/entries/${id}/versions/1/rows?limit=100`);
    expect(total).toBe(36);
    const months = rows.map((r) => String(r.month)).sort();
    expect(months.at(-1)).toBe('2026-08');
    expect(months[0]).toBe('2023-09');
  });

  it('generates the same rows on every run', async () => {
    const a = prng(42);
    const b = prng(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(prng(43)()).not.toBe(xs[0]);

    const again = await testEnv({ env: { GONGSHU_DEMO_POPULATION: String(POPULATION) } });
    try {
      const other = await loginAs(again.app, 'gat_clerk');
      const id = await entryId('人口基础信息');
      const otherId = (
        await again.k.db.kysely
          .selectFrom('catalog_entries as e')
          .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
          .select('e.id')
          .where('v.name', '=', '人口基础信息')
          .executeTakeFirstOrThrow()
      ).id;
      const mine = await json<Rows>(gat, `/api/v1/catalog/entries/${id}/versions/1/rows?limit=1000`);
      const theirs = await json<Rows>(other, `/api/v1/catalog/entries/${otherId}/versions/1/rows?limit=1000`);
      const key = (r: Record<string, unknown>) => JSON.stringify(r);
      expect(theirs.rows.map(key).sort()).toEqual(mine.rows.map(key).sort());
    } finally {
      await again.close();
    }
  }, 120_000);
});

describe('GONGSHU_DEMO_POPULATION', () => {
  it('defaults to 100,000 rows, and to none under NODE_ENV=test so the test suite stays fast', () => {
    expect(loadConfig({}).demoPopulation).toBe(100_000);
    expect(loadConfig({ NODE_ENV: 'test' }).demoPopulation).toBe(0);
    expect(loadConfig({ GONGSHU_DEMO_POPULATION: '0' }).demoPopulation).toBe(0);
  });

  it('refuses a value that is not a whole number, naming the variable', () => {
    expect(() => loadConfig({ GONGSHU_DEMO_POPULATION: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ GONGSHU_DEMO_POPULATION: '-5' })).toThrow(/GONGSHU_DEMO_POPULATION/);
  });

  it('loads no datasets when 0', async () => {
    const none = await testEnv();
    try {
      expect(await none.k.db.kysely.selectFrom('loads').select('id').execute()).toEqual([]);
      expect(await none.k.db.kysely.selectFrom('quality_references').select('kind').execute()).toEqual([]);
    } finally {
      await none.close();
    }
  });
});
