/**
 * The anonymisation gate in the browser (000 第十九条): 省公安厅's clerk (李明 gat_clerk) opens the
 * data page of an unconditionally open people dataset; the gate is pending with the undeclared
 * personal information listed. The clerk declares a plan that keeps region and date of birth,
 * runs the check, and sees it fail with the combinations below k; then generalises both, runs
 * again and sees it pass. The sharing authority (陈静 yshj_reviewer) reads the report without the
 * actions.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loginAs, type TestEnv } from '../test/harness.js';
import type { CatalogField } from '../src/modules/catalog/tables.js';
import { makePublishedEntry } from '../src/modules/ingest/factories.js';
import { synthIdNumber } from '../src/modules/ingest/synth.js';
import { e2eSuite, waitForText } from './browser.js';

const FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'name', label: '姓名', type: 'string', required: true, piiKind: 'name' },
  { name: 'region', label: '户籍地区划', type: 'string', piiKind: 'region_code' },
  { name: 'birth', label: '出生日期', type: 'date', piiKind: 'birth_date' },
  { name: 'sex', label: '性别', type: 'string' },
];
let entryId = '';

async function setup(env: TestEnv): Promise<void> {
  entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '困难群众补贴名册（测试）', { openAttr: 'unconditional' });
  const rows = Array.from({ length: 20 }, (_, i) => {
    const day = `1990-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    const region = i % 2 ? '460106' : '460105';
    return [synthIdNumber(region, day.replace(/-/g, ''), i + 1), `居民${i + 1}`, region, day, i < 10 ? '女' : '男'].join(',');
  });
  const clerk = await loginAs(env.app, 'gat_clerk');
  const res = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
    headers: { cookie: clerk.cookie, 'x-csrf-token': clerk.csrf, 'content-type': 'text/csv' },
    payload: `${FIELDS.map((f) => f.name).join(',')}\n${rows.join('\n')}\n`,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
}

/** Picks the option titled `label` in the select `testId`. */
async function choose(page: Page, testId: string, label: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').getByTitle(label, { exact: true }).click();
  await waitForText(page.getByTestId(testId), label);
  // The list closes (and leaves the page) before the next select opens its own.
  await page.waitForFunction(() => document.querySelectorAll('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').length === 0);
}

async function saveAndRun(page: Page): Promise<void> {
  await page.getByTestId('gate-save').click();
  await waitForText(page.locator('.ant-message'), '处理方案已保存');
  await page.getByTestId('gate-run').click();
}

e2eSuite(
  'gate',
  (t) => {
    it('the provider declares a plan, sees the check fail on unique combinations, generalises and passes', async () => {
      const page = await t.switchUser('gat_clerk');
      await page.goto(`/catalog/entries/${entryId}/data`);
      const panel = page.getByTestId('gate-panel');
      await waitForText(panel.getByTestId('gate-status'), '待审查');
      await waitForText(panel, '现行数据版本：第 1 版，20 条');
      await waitForText(panel.getByTestId('gate-problems'), '含个人信息的数据项须声明处理方式');

      await choose(page, 'gate-treatment-id_number', '假名化（密钥 SM3）');
      await choose(page, 'gate-treatment-name', '删除');
      await choose(page, 'gate-treatment-region', '保留');
      await choose(page, 'gate-treatment-birth', '保留');
      await page.getByTestId('gate-qi-sex').check();
      await saveAndRun(page);
      await waitForText(panel.getByTestId('gate-report-status'), '未通过');
      await waitForText(panel.getByTestId('gate-report-reason'), '20 个取值组合少于 k=5 条记录');
      await waitForText(panel.getByTestId('gate-status'), '未通过');
      // The combinations below k, as the check saw them.
      const examples = panel.getByTestId('gate-examples');
      await waitForText(examples, '1990-01-01');
      expect(await examples.locator('tbody tr.ant-table-row').count()).toBe(10);
      const head = await examples.locator('thead').innerText();
      // Columns in the fields' order: region, date of birth, sex, then the class size.
      const at = ['户籍地区划', '出生日期', '性别'].map((label) => head.indexOf(label));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect(at).toEqual([...at].sort((a, b) => a - b));

      await choose(page, 'gate-treatment-region', '泛化：区划到市（4 位 + 00）');
      await choose(page, 'gate-treatment-birth', '泛化：日期到年');
      await saveAndRun(page);
      await waitForText(panel.getByTestId('gate-report-status'), '已通过');
      await waitForText(panel.getByTestId('gate-status'), '已通过');
      await waitForText(panel.getByTestId('gate-report-reason'), '每个取值组合至少 5 条记录');
      expect(await panel.getByTestId('gate-examples').count()).toBe(0);
    }, 120_000);

    it('the sharing authority reads the report without the actions', async () => {
      const page = await t.switchUser('yshj_reviewer');
      // The data page is the provider's; the authority reads the gate through the API the panel uses.
      await page.goto('/workbench');
      const code = (await t.env.k.db.kysely.selectFrom('catalog_entries').select('code').where('id', '=', entryId).executeTakeFirstOrThrow()).code;
      const res = await page.request.get(`/api/v1/open/entries/${code}/gate`);
      expect(res.status()).toBe(200);
      const view = (await res.json()) as { status: string; mayManage: boolean; report: { status: string } };
      expect(view).toMatchObject({ status: 'passed', mayManage: false, report: { status: 'passed' } });
    }, 60_000);
  },
  { setup },
);
