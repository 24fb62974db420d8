/**
 * Data reflow in the browser (数据回流, 000 第九条): the provincial provider sets up reflow to
 * Haikou on its entry's data page; a load lands; Haikou's administrator finds the delivery on the
 * reflow page and reads only the rows of its region.
 */
import { expect, it } from 'vitest';
import { loginAs, type TestEnv } from '../test/harness.js';
import { makePublishedEntry, PEOPLE_FIELDS } from '../src/modules/ingest/factories.js';
import { synthBankCard, synthIdNumber, synthUscc } from '../src/modules/ingest/synth.js';
import { e2eSuite, waitForText } from './browser.js';

const ENTRY = '全省户籍人口（回流）';
let entryId = '';

function person(i: number, region: string): string {
  const row: Record<string, string> = {
    id_number: synthIdNumber(region, '19900307', i),
    name: `居民${i}`,
    mobile: `139${String(i).padStart(8, '0')}`,
    card: synthBankCard(i),
    region,
    company: synthUscc(region, i),
    birth: '1990-03-07',
    household: '2',
    income: '1000.50',
    active: 'true',
    updated_at: '2026-09-18T10:00:00+08:00',
  };
  return PEOPLE_FIELDS.map((f) => row[f.name] ?? '').join(',');
}

async function load(env: TestEnv, rows: string[]): Promise<void> {
  const c = await loginAs(env.app, 'gat_clerk');
  const res = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${entryId}/loads`,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' },
    payload: `${PEOPLE_FIELDS.map((f) => f.name).join(',')}\n${rows.join('\n')}\n`,
  });
  expect(res.statusCode, res.body).toBe(201);
}

e2eSuite(
  'reflow',
  (t) => {
    it('the provider sets up reflow to Haikou on the entry’s data page', async () => {
      const page = await t.switchUser('gat_admin');
      await page.goto(`/catalog/entries/${entryId}/data`);
      const panel = page.getByTestId('reflow-panel');
      await waitForText(panel, '尚未设立数据回流');
      await page.getByTestId('reflow-create').click();
      await page.getByTestId('reflow-subscriber').click();
      await page.keyboard.type('海口市人民政府');
      await page.locator('.ant-select-item-option').filter({ hasText: '海口市人民政府' }).first().click();
      await page.getByTestId('reflow-field').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '户籍地区划（region）' }).first().click();
      await page.locator('.ant-modal-footer').getByRole('button', { name: '设立回流' }).click();
      const row = await waitForText(page.getByTestId('reflow-subscriptions').locator('tbody tr'), '海口市人民政府');
      await waitForText(row, '海口市（460100）');
      await waitForText(row, '户籍地区划（region）');
      await waitForText(row, '尚未回流');
    });

    it('after a load, Haikou reads only the rows of its region', async () => {
      await load(t.env, [person(1, '460105'), person(2, '460106'), person(3, '460202'), person(4, '460105'), person(5, '469001')]);
      const page = await t.switchUser('hk_admin');
      await page.goto('/reflow');
      const table = page.getByTestId('reflow-subscriptions');
      const row = await waitForText(table.locator('tbody tr'), ENTRY);
      await waitForText(row, '第 1 版 · 3 行');
      await row.locator('.ant-table-row-expand-icon').click();
      await page.getByTestId('reflow-view-1').click();
      const drawer = page.getByTestId('reflow-rows');
      await waitForText(drawer, '共 3 行');
      const regions = await drawer.locator('tbody tr.ant-table-row td:nth-child(5)').allInnerTexts();
      expect(regions.sort()).toEqual(['460105', '460105', '460106']);
    });
  },
  {
    setup: async (env) => {
      entryId = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS, ENTRY);
    },
  },
);
