/** The load history of an entry: every load, refused ones too, newest first, for the provider only. */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok } from '../../../test/assert.js';
import type { CatalogField } from '../catalog/tables.js';
import { makePublishedEntry } from './factories.js';

const FIELDS: CatalogField[] = [
  { name: 'code', label: '编号', type: 'string', key: true, required: true },
  { name: 'amount', label: '金额', type: 'number' },
];

let env: TestEnv;
let gat: Client;
let scj: Client;
let entryId = '';

const upload = (c: Client, body: string) =>
  env.app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${entryId}/loads`, headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' }, payload: body });

beforeAll(async () => {
  env = await testEnv({ now: '2026-10-12T10:00:00+08:00' });
  gat = await loginAs(env.app, 'gat_clerk');
  scj = await loginAs(env.app, 'scj_clerk');
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '测试金额数据');
});

afterAll(async () => {
  await env?.close();
});

describe('GET /api/v1/catalog/entries/{id}/loads', () => {
  it('lists committed and refused loads newest first, with who loaded them, paged and filtered by status', async () => {
    ok(await upload(gat, 'code,amount\nA1,10\nA2,20\n'), 201);
    env.clock.advance(60_000);
    ok(await upload(gat, 'code,amount\nA1,x\nA2,y\n'), 422);
    const all = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/loads`));
    expect(all.total).toBe(2);
    expect(all.items.map((l: { status: string }) => l.status)).toEqual(['refused', 'committed']);
    expect(all.items[1]).toMatchObject({ rowsTotal: 2, rowsAccepted: 2, versionNo: 1, format: 'csv', mode: 'replace' });
    expect(all.items[0]).toMatchObject({ rowsRejected: 2, versionNo: null });
    expect(all.items[0].message).toContain('整批拒收');
    expect(all.items[0].by.userName).toBeTruthy();
    const page = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/loads?limit=1&offset=1`));
    expect(page).toMatchObject({ total: 2, items: [{ status: 'committed' }] });
    const refused = ok(await gat.get(`/api/v1/catalog/entries/${entryId}/loads?status=refused`));
    expect(refused.items.map((l: { status: string }) => l.status)).toEqual(['refused']);
  });

  it('is the provider’s only, and 404 for an unknown entry', async () => {
    expect((await scj.get(`/api/v1/catalog/entries/${entryId}/loads`)).statusCode).toBe(403);
    expect((await gat.get('/api/v1/catalog/entries/00000000-0000-4000-8000-000000000000/loads')).statusCode).toBe(404);
  });
});
