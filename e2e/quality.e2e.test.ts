/**
 * The quality page (数据质量, 000 第四十一条): the province's summary, each institution's average
 * as an ECharts bar chart and a table, and one entry's trend over its loads.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { TestEnv } from '../test/harness.js';
import type { CatalogField } from '../src/modules/catalog/tables.js';
import { scoreLoad } from '../src/modules/quality/scores.js';
import { e2eSuite, waitForText } from './browser.js';

/** Two loads of 企业营业执照信息 (scored from a small dataset table), a day apart. */
async function setup(env: TestEnv): Promise<void> {
  const db = env.k.db.kysely;
  const e = await db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'v.fields'])
    .where('v.name', '=', '企业营业执照信息')
    .executeTakeFirstOrThrow();
  const fields: CatalogField[] = e.fields;
  await sql`CREATE SCHEMA IF NOT EXISTS datasets`.execute(db);
  await sql`CREATE TABLE datasets.qe_licences (uscc text, name text, type text, legal_rep text, reg_date date, reg_capital numeric)`.execute(db);
  await sql`INSERT INTO datasets.qe_licences VALUES ('91460000MA5T00001A', '海南椰林食品有限公司', NULL, NULL, NULL, NULL), ('91460000MA5T00002B', NULL, NULL, NULL, NULL, NULL)`.execute(db);
  for (const [i, accepted] of [
    [1, 4],
    [2, 5],
  ] as const) {
    await db.transaction().execute((trx) =>
      scoreLoad(env.k, trx, {
        entryId: e.id,
        loadId: `00000000-0000-4000-8000-00000000000${i}`,
        versionNo: i,
        tableName: 'datasets.qe_licences',
        fields,
        keyFields: ['uscc'],
        rowsTotal: 5,
        rowsAccepted: accepted,
        rowsRejected: 5 - accepted,
      }),
    );
    env.clock.advanceDays(1);
  }
}

e2eSuite(
  'quality',
  (t) => {
    it('shows the province summary, the institutions chart and table, and an entry’s trend', async () => {
      const page = await t.switchUser('hkfgw_analyst');
      await page.goto('/quality');
      const province = page.getByTestId('quality-province');
      await waitForText(province, '已评分目录');
      await waitForText(province, '有效性');
      const table = page.getByTestId('quality-org-table');
      const row = await waitForText(table.locator('tbody tr'), '海南省市场监督管理局');
      await waitForText(row, '75.0%'); // completeness: 3 of 4 required cells
      await waitForText(row, '未计量'); // consistency without reference data
      expect(await page.getByTestId('quality-org-chart').locator('canvas').count()).toBeGreaterThan(0);

      await row.locator('.ant-table-row-expand-icon').click();
      await waitForText(table, '企业营业执照信息');
      await page.getByTestId('quality-trend-button').first().click();
      await page.waitForURL((u) => u.searchParams.has('entry'));
      await waitForText(page.getByTestId('quality-entry-trend'), '质量趋势：企业营业执照信息');
      await page.getByTestId('quality-entry-chart').locator('canvas').first().waitFor();
      await page.getByTestId('quality-province-chart').locator('canvas').first().waitFor();
    });

    it('opens one institution’s page: its average, its daily trend and its entries, weakest first', async () => {
      const page = await t.switchUser('hkfgw_analyst');
      await page.goto('/quality');
      await waitForText(page.getByTestId('quality-org-table'), '海南省市场监督管理局');
      await page.getByTestId('quality-org-link').filter({ hasText: '海南省市场监督管理局' }).click();
      await page.waitForURL(/\/quality\/orgs\//);
      await waitForText(page.locator('h1, h2, h3, h4').first(), '数据质量：海南省市场监督管理局');
      await waitForText(page.getByTestId('quality-org-summary'), /完整性\s*75%/); // 3 of 4 required cells
      await page.getByTestId('quality-org-trend-chart').locator('canvas').first().waitFor();
      const entries = page.getByTestId('quality-org-entries');
      await waitForText(entries.locator('tbody tr'), '企业营业执照信息');
      await entries.getByTestId('quality-trend-button').first().click();
      await waitForText(page.getByTestId('quality-entry-trend'), '质量趋势：企业营业执照信息');
    });

    it('a data user reports a wrong record and the provider answers it not wrong, with its reason', async () => {
      const page = await t.switchUser('hkfgw_analyst');
      await page.goto('/quality/corrections');
      await page.getByTestId('correction-report-button').click();
      await page.getByTestId('correction-entry').click();
      await page.keyboard.type('营业执照');
      await page.locator('.ant-select-item-option').filter({ hasText: '企业营业执照信息' }).first().click();
      await page.getByTestId('correction-key-uscc').fill('91460000MA5T00001A');
      await page.getByTestId('correction-description').fill('企业名称与营业执照原件不符');
      await page.getByRole('button', { name: '提 交' }).or(page.getByRole('button', { name: '提交' })).first().click();
      const table = page.getByTestId('corrections-table');
      const row = await waitForText(table.locator('tbody tr'), '企业营业执照信息');
      await waitForText(row, '待核实');
      await waitForText(row, /剩余 \d+ 个工作日/);

      await t.switchUser('scj_clerk');
      await page.goto('/quality/corrections?role=provider');
      const theirs = await waitForText(page.getByTestId('corrections-table').locator('tbody tr'), 'uscc=91460000MA5T00001A');
      await theirs.getByTestId('correction-answer-button').click();
      // Choose 核实无误 once the dialog is open, until the choice shows (a click during its opening animation can be lost).
      const notWrong = page.locator('.ant-modal-body .ant-radio-wrapper').filter({ hasText: '核实无误' });
      await notWrong.waitFor({ state: 'visible' });
      for (let i = 0; i < 5 && !(await notWrong.evaluate((el) => el.classList.contains('ant-radio-wrapper-checked'))); i++) {
        await notWrong.click();
        await page.waitForTimeout(200);
      }
      expect(await notWrong.evaluate((el) => el.classList.contains('ant-radio-wrapper-checked'))).toBe(true);
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '核实无误的，须说明理由');
      await page.getByTestId('answer-reason').fill('经核实，名称与登记一致');
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await waitForText(page.getByTestId('corrections-table').locator('tbody tr'), '核实无误');

      await t.switchUser('hkfgw_analyst');
      await page.goto('/quality/corrections');
      const answered = await waitForText(page.getByTestId('corrections-table').locator('tbody tr'), '核实无误');
      await waitForText(answered, '按期反馈');
      await answered.getByRole('button', { name: '企业营业执照信息' }).click();
      await waitForText(page.getByTestId('correction-detail'), '经核实，名称与登记一致');
    });
  },
  { setup },
);
