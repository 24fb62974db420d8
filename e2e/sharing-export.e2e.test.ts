/**
 * The rest of sharing and delivery in the browser: the provider approves a request for personal
 * data releasing one field in clear (明文提供) and later changes it on the grant; the requester
 * exports a batch grant's data and downloads the file while its link is valid; the sharing
 * authority (陈静 yshj_reviewer) decides an extension application from its own list.
 * The requests are filed and signed over the API; the steps under test are taken in the browser.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loginAs, type TestEnv } from '../test/harness.js';
import { makePublishedEntry, PEOPLE_FIELDS } from '../src/modules/ingest/factories.js';
import { synthBankCard, synthIdNumber, synthUscc } from '../src/modules/ingest/synth.js';
import { closeDrawer, e2eSuite, waitForText } from './browser.js';

const ids: Record<string, string> = {};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-e2e-export-'));

async function file(env: TestEnv, clerk: string, officer: string, entry: string, fields: string[], method: string): Promise<{ id: string; status: string; grantId: string | null }> {
  const c = await loginAs(env.app, clerk);
  const o = await loginAs(env.app, officer);
  const created = await c.post('/api/v1/sharing/requests', {
    entryId: entry,
    fields,
    basis: '《海南省促进公共数据资源开发利用办法》第十四条',
    scenario: '重大项目审批中核验项目单位的登记情况',
    scope: '仅限本单位项目审批处室内部使用',
    method,
    validUntil: '2027-06-30',
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const signed = await o.post(`/api/v1/sharing/requests/${created.json().id}/sign`);
  if (signed.statusCode !== 200) throw new Error(signed.body);
  return signed.json();
}

async function setup(env: TestEnv): Promise<void> {
  const rows = await env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'v.name'])
    .where('v.name', 'in', ['人口基础信息', '机动车登记信息'])
    .execute();
  for (const r of rows) ids[r.name] = r.id;
  // A conditional people dataset of 省公安厅 with 40 rows, provided by batch too; a batch grant of it.
  const people = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS, '测试人口数据（批量交换）', { provisionMethods: ['api', 'batch', 'file'] });
  const lines = Array.from({ length: 40 }, (_, n) => {
    const i = n + 1;
    const r: Record<string, string> = {
      id_number: synthIdNumber('460105', '19900307', i),
      name: `居民${i}`,
      mobile: `139${String(i).padStart(8, '0')}`,
      card: synthBankCard(i),
      region: i % 3 === 0 ? '460106' : '460105',
      company: synthUscc('460100', i),
      birth: '1990-03-07',
      household: String((i % 5) + 1),
      income: `${1000 + i}.50`,
      active: i % 2 ? 'true' : 'false',
      updated_at: '2026-09-18T10:00:00+08:00',
    };
    return PEOPLE_FIELDS.map((f) => r[f.name]).join(',');
  });
  const gatClerk = await loginAs(env.app, 'gat_clerk');
  const load = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${people}/loads?mode=replace`,
    headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' },
    payload: `${PEOPLE_FIELDS.map((f) => f.name).join(',')}\n${lines.join('\n')}\n`,
  });
  if (load.statusCode !== 201) throw new Error(load.body);
  const batch = await file(env, 'hkfgw_analyst', 'hkfgw_officer', people, ['id_number', 'name', 'region', 'income'], 'batch');
  const approved = await (await loginAs(env.app, 'gat_officer')).post(`/api/v1/sharing/requests/${batch.id}/decide`, { decision: 'approve' });
  if (approved.statusCode !== 200) throw new Error(approved.body);
  ids.batchGrant = approved.json().grantId;
  // A conditional request for personal data, pending the provider's answer.
  ids.population = (await file(env, 'hkfgw_analyst', 'hkfgw_officer', ids['人口基础信息'] as string, ['id_number', 'name', 'gender'], 'api')).id;
  // A conditional request whose provider applies for an extension.
  ids.vehicles = (await file(env, 'hkfgw_analyst', 'hkfgw_officer', ids['机动车登记信息'] as string, ['plate_no', 'status'], 'api')).id;
  const gat = await loginAs(env.app, 'gat_officer');
  const ext = await gat.post(`/api/v1/sharing/requests/${ids.vehicles}/extend`, { days: 3, reason: '需会同交警总队核对数据项' });
  if (ext.statusCode !== 200) throw new Error(ext.body);
}

e2eSuite(
  'sharing-export',
  (t) => {
    it('the provider approves releasing one personal field in clear, then changes it on the grant', async () => {
      let page = await t.switchUser('gat_officer');
      await page.goto(`/sharing/inbox?case=${ids.population}`);
      const detail = page.getByTestId('share-request-detail');
      await waitForText(detail.getByTestId('share-status'), '待答复');
      await page.getByTestId('share-approve').click();
      const options = page.getByTestId('approve-clear-fields');
      await waitForText(options, '姓名（name）');
      // gender holds no personal information: it is not offered.
      expect(await options.innerText()).not.toContain('gender');
      await options.getByText('姓名（name）').click();
      await page.getByTestId('share-approve-confirm').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '请说明理由和依据');
      await page.getByTestId('approve-clear-reason').fill('核验须比对姓名原文');
      await page.getByTestId('share-approve-confirm').click();
      await waitForText(detail.getByTestId('share-status'), '已同意');

      await detail.getByTestId('share-grant-link').click();
      await page.waitForURL(/\/sharing\/grants\?grant=/);
      const card = page.getByTestId('grant-clear-card');
      await waitForText(card.getByTestId('grant-clear-field'), 'name · 明文');
      await waitForText(card, 'id_number · 脱敏');
      await page.getByTestId('grant-clear-edit').click();
      await page.getByTestId('grant-clear-options').getByText('id_number').click();
      await page.getByTestId('grant-clear-reason').fill('户籍核验须比对公民身份号码原文');
      await page.getByTestId('grant-clear-submit').click();
      await waitForText(card, 'id_number · 明文');

      // The requester sees the same on its side.
      await closeDrawer(page);
      page = await t.switchUser('hkfgw_analyst');
      await page.goto('/sharing/grants?role=subject&status=active');
      const row = await waitForText(page.getByTestId('grants-table').locator('tbody tr'), '人口基础信息');
      await row.getByTestId('grant-open').click();
      await waitForText(page.getByTestId('grant-clear-card'), 'id_number · 明文');
      await closeDrawer(page);
    }, 120_000);

    it('the requester exports a batch grant, follows the progress and downloads the file', async () => {
      const page = await t.switchUser('hkfgw_analyst');
      await page.goto(`/sharing/grants?grant=${ids.batchGrant}`);
      const card = page.getByTestId('grant-exports');
      await waitForText(card, '暂无导出');
      await page.getByTestId('export-create').click();
      await page.getByTestId('export-format').getByText('CSV').click();
      // A filter on a granted field, written as for the service API.
      await page.getByTestId('export-filter-add').click();
      await page.getByTestId('export-filter-field').click();
      await page.locator('.ant-select-item-option').filter({ hasText: 'region' }).first().click();
      await page.getByTestId('export-filter-value').fill('460105');
      await page.getByTestId('export-submit').click();
      const row = card.getByTestId('export-row').first();
      await waitForText(row.getByTestId('export-status'), '已完成', 60_000);
      const link = card.getByTestId('export-download').first();
      await waitForText(link, '下载');
      await waitForText(card, /链接有效至/);
      await waitForText(card, 'region=460105');
      const href = await link.getAttribute('href');
      expect(href).toMatch(/\/api\/v1\/exports\/[0-9a-f-]+\/download\?token=/);
      // The link serves the file to the signed-in subject: the granted fields only.
      const res = await page.request.get(href as string);
      expect(res.status()).toBe(200);
      const [header] = (await res.text()).split('\n');
      expect(header?.split(',').sort()).toEqual(['id_number', 'income', 'name', 'region']);
      await closeDrawer(page);
    }, 120_000);

    it('the sharing authority decides an extension application from its list', async () => {
      const page = await t.switchUser('yshj_reviewer');
      await page.getByRole('menuitem', { name: /延期申请审核/ }).click();
      await page.waitForURL(/\/sharing\/extensions/);
      const row = await waitForText(page.getByTestId('extensions-table').locator('tbody tr'), '机动车登记信息');
      await waitForText(row.getByTestId('extension-status'), '延期待审核');
      await waitForText(row, '需会同交警总队核对数据项');
      await waitForText(row, '延长 3 个工作日');
      await row.getByTestId('extension-decide').click();
      await page.getByTestId('consent-comment').fill('理由充分，同意延长');
      await page.getByTestId('consent-submit').click();
      await waitForText(page.getByTestId('extensions-table'), '暂无待审核的延期申请');
      await page.getByRole('tab', { name: '已同意延期' }).click();
      await page.waitForURL(/status=consented/);
      const done = await waitForText(page.getByTestId('extensions-table').locator('tbody tr'), '机动车登记信息');
      await waitForText(done.getByTestId('extension-status'), '已同意延期');
      await waitForText(done, '已延期 1 次');
    }, 120_000);
  },
  { setup, env: { config: { dataDir } } },
);
