/**
 * The key index of a dataset version: unique when the loaded keys are (so the uniqueness score is
 * read off it), plain when a key repeats; an upsert keeps it unique only when the previous
 * version's keys were, and merges either way.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import type { CatalogField } from '../catalog/tables.js';
import { makePublishedEntry } from './factories.js';
import { hasUniqueKeys } from './repo.js';

const FIELDS: CatalogField[] = [
  { name: 'code', label: '编号', type: 'string', key: true, required: true },
  { name: 'amount', label: '金额', type: 'number' },
];

let env: TestEnv;
let gat: Client;

const load = (entryId: string, body: string, mode: 'replace' | 'upsert' = 'replace') =>
  env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${entryId}/loads?mode=${mode}`,
    headers: { cookie: gat.cookie, 'x-csrf-token': gat.csrf, 'content-type': 'text/csv' },
    payload: body,
  });
const ok = (res: LightMyRequestResponse) => {
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; versionNo: number };
};
const tableOf = async (loadId: string) => `l_${loadId.replace(/-/g, '')}`;
const uniquenessOf = async (loadId: string) =>
  (await env.k.db.kysely.selectFrom('quality_scores').select(['uniqueness', 'details']).where('load_id', '=', loadId).executeTakeFirstOrThrow()).uniqueness;

beforeAll(async () => {
  env = await testEnv({ now: '2026-10-12T10:00:00+08:00' });
  gat = await loginAs(env.app, 'gat_clerk');
});

afterAll(async () => {
  await env?.close();
});

describe('the key index', () => {
  it('is unique when every key occurs once, and uniqueness scores 1', async () => {
    const entry = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '唯一键');
    const r = ok(await load(entry, 'code,amount\nA,1\nB,2\nC,3\n'));
    expect(await hasUniqueKeys(env.k.db.kysely, await tableOf(r.id))).toBe(true);
    expect(await uniquenessOf(r.id)).toBe(1);
  });

  it('is plain when a key repeats, and uniqueness counts the distinct keys', async () => {
    const entry = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '重复键');
    const r = ok(await load(entry, 'code,amount\nA,1\nA,2\nB,3\nC,4\n'));
    expect(await hasUniqueKeys(env.k.db.kysely, await tableOf(r.id))).toBe(false);
    expect(await uniquenessOf(r.id)).toBe(0.75);
  });

  it('stays plain through an upsert over a version with repeated keys, which still merges', async () => {
    const entry = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '重复键增量');
    ok(await load(entry, 'code,amount\nA,1\nA,2\nB,3\n'));
    const up = ok(await load(entry, 'code,amount\nB,30\nC,40\n', 'upsert'));
    expect(await hasUniqueKeys(env.k.db.kysely, await tableOf(up.id))).toBe(false);
    const rows = await env.k.db.kysely.selectFrom('dataset_versions').select('rows').where('load_id', '=', up.id).executeTakeFirstOrThrow();
    expect(rows.rows).toBe(4); // A, A, B (new), C
    expect(await uniquenessOf(up.id)).toBe(0.75);
  });

  it('stays unique through an upsert over a version with unique keys', async () => {
    const entry = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '唯一键增量');
    ok(await load(entry, 'code,amount\nA,1\nB,2\n'));
    const up = ok(await load(entry, 'code,amount\nB,20\nC,30\n', 'upsert'));
    expect(await hasUniqueKeys(env.k.db.kysely, await tableOf(up.id))).toBe(true);
    expect(await uniquenessOf(up.id)).toBe(1);
  });
});
