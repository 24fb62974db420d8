/**
 * Scheduled pull on the entry data page (000 第八条 服务接口): a provider's clerk is told in Chinese
 * that only http(s) addresses are accepted, registers a local endpoint with an Authorization header
 * (shown afterwards only as set), pulls it now, and opens the load report from the run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { synthIdNumber } from '../src/modules/ingest/synth.js';
import { e2eSuite, waitForText } from './browser.js';

const SECRET = 'Bearer e2e-pull-secret';
const HEADER = 'id_number,name,gender,birth_date,address';
const body = `${HEADER}\n${Array.from({ length: 12 }, (_, i) => `${synthIdNumber('460105', '19850615', i + 1)},居民${i + 1},${i % 2 ? '男' : '女'},1985-06-15,海南省海口市秀英区滨海大道${i + 1}号`).join('\n')}\n`;

let server: http.Server;
let base = '';
const auths: Array<string | undefined> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    auths.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'text/csv', etag: '"e2e-1"' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

e2eSuite('pull', (t) => {
  it('a clerk registers an endpoint (http/https only, header value never shown), pulls it now and opens the load report', async () => {
    const entry = await t.env.k.db.kysely
      .selectFrom('catalog_entries as e')
      .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
      .select('e.id')
      .where('v.name', '=', '人口基础信息')
      .executeTakeFirstOrThrow();
    const page = await t.switchUser('gat_clerk');
    await page.goto(`/catalog/entries/${entry.id}/data`);
    const panel = page.getByTestId('pull-source-panel');
    await waitForText(panel, '尚未登记拉取接口');

    await panel.getByTestId('pull-edit').click();
    const dialog = page.locator('.ant-modal');
    await dialog.getByTestId('pull-url').fill('ftp://127.0.0.1/people.csv');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await waitForText(dialog, '只能登记 http 或 https 地址');

    await dialog.getByTestId('pull-url').fill(`${base}/people.csv`);
    await dialog.getByRole('button', { name: '添加请求头' }).click();
    await dialog.getByTestId('pull-header-name').fill('Authorization');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await waitForText(dialog, '请填写请求头的值');
    await dialog.getByTestId('pull-header-value').fill(SECRET);
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    await waitForText(panel.getByTestId('pull-source-url'), `${base}/people.csv`);
    await waitForText(panel.getByTestId('pull-header'), 'Authorization: 已设置');
    await waitForText(panel.getByTestId('pull-state'), '启用');
    expect(await page.content()).not.toContain('e2e-pull-secret');

    await panel.getByTestId('pull-run-now').click();
    await waitForText(panel.getByTestId('pull-last-run'), '已汇聚');
    expect(auths.at(-1)).toBe(SECRET);
    const row = await waitForText(panel.getByTestId('pull-runs').locator('tbody tr'), '手动');
    await waitForText(row, '已汇聚');
    await row.getByTestId('pull-run-report').click();
    const drawer = page.locator('.ant-drawer-content');
    await waitForText(drawer.getByTestId('load-status'), '已汇聚');
    await waitForText(drawer.getByTestId('load-accepted'), '12');
  });
});
