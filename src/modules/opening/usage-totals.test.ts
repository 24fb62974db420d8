/**
 * Each open entry's usage of all time (migration 0026): kept by the database as open_usage is
 * written — a counted use, a row written or corrected by hand, a row removed — and what the
 * portal's list shows and sorts by as "most used".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok } from '../../../test/assert.js';
import { makeOpenEntry } from './factories.js';
import * as repo from './repo.js';

let env: TestEnv;
const db = () => env.k.db.kysely;
const E = { a: '', b: '' };
const NAMES = { a: '用量合计测试甲', b: '用量合计测试乙' };

const totals = async (entryId: string) =>
  (await db().selectFrom('open_usage_totals').select(['downloads', 'api_calls']).where('entry_id', '=', entryId).executeTakeFirst()) ?? null;
const asNumbers = (t: Awaited<ReturnType<typeof totals>>) => (t ? { downloads: Number(t.downloads), apiCalls: Number(t.api_calls) } : null);
const use = (entryId: string, day: string, kind: 'download' | 'api', format: 'csv' | 'xlsx' | 'json' | 'rows' | 'ckan') =>
  db().transaction().execute((trx) => repo.countUse(trx, { entryId, day, kind, format, rows: 10 }));

beforeAll(async () => {
  env = await testEnv();
  E.a = (await makeOpenEntry(env.k, '海南省生态环境厅', NAMES.a)).id;
  E.b = (await makeOpenEntry(env.k, '海南省生态环境厅', NAMES.b)).id;
}, 120_000);
afterAll(async () => {
  await env?.close();
});

describe('usage totals', () => {
  it('has no row for an entry never used', async () => {
    expect(await totals(E.a)).toBeNull();
  });

  it('adds each counted use to its kind, across days and formats', async () => {
    await use(E.a, '2026-09-01', 'download', 'csv');
    await use(E.a, '2026-09-01', 'download', 'csv');
    await use(E.a, '2026-09-02', 'download', 'xlsx');
    await use(E.a, '2026-09-02', 'api', 'rows');
    await use(E.a, '2026-09-03', 'api', 'ckan');
    expect(asNumbers(await totals(E.a))).toEqual({ downloads: 3, apiCalls: 2 });
    // The totals equal the sum of the daily rows.
    const sum = await db()
      .selectFrom('open_usage')
      .select((eb) => [eb.fn.sum<string>('count').as('n')])
      .where('entry_id', '=', E.a)
      .executeTakeFirstOrThrow();
    expect(Number(sum.n)).toBe(5);
  });

  it('follows rows written, corrected and removed by hand', async () => {
    await db().insertInto('open_usage').values({ entry_id: E.b, day: '2026-09-05', kind: 'download', format: 'json', count: 40, rows: 0 }).execute();
    await db().insertInto('open_usage').values({ entry_id: E.b, day: '2026-09-05', kind: 'api', format: 'rows', count: 7, rows: 0 }).execute();
    expect(asNumbers(await totals(E.b))).toEqual({ downloads: 40, apiCalls: 7 });
    await db().updateTable('open_usage').set({ count: 25 }).where('entry_id', '=', E.b).where('kind', '=', 'download').execute();
    expect(asNumbers(await totals(E.b))).toEqual({ downloads: 25, apiCalls: 7 });
    await db().deleteFrom('open_usage').where('entry_id', '=', E.b).where('kind', '=', 'api').execute();
    expect(asNumbers(await totals(E.b))).toEqual({ downloads: 25, apiCalls: 0 });
  });

  it('is what the portal shows and sorts by as most used', async () => {
    const list = ok<{ items: Array<{ name: string; downloads: number; apiCalls: number }> }>(
      await env.app.inject({ method: 'GET', url: `/api/v1/open/entries?q=${encodeURIComponent('用量合计测试')}&sort=popular` }),
    );
    const mine = list.items.filter((i) => i.name === NAMES.a || i.name === NAMES.b);
    expect(mine.map((i) => [i.name, i.downloads, i.apiCalls])).toEqual([
      [NAMES.b, 25, 0],
      [NAMES.a, 3, 2],
    ]);
  });
});
