/** Platform administration in the browser: registering an org, and the working-day calendar. */
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { usccCheckChar } from '../src/kernel/codes.js';
import { e2eSuite, formItem, openDropdown, waitForText } from './browser.js';

const ORG_NAME = 'E2E 测试海口数据科技有限公司';
const FIRST17 = '91460100MA5TE2E01';
const VALID_USCC = FIRST17 + (usccCheckChar(FIRST17) as string);
/** The same code with a wrong check character. */
const BAD_USCC = FIRST17 + (VALID_USCC.endsWith('1') ? '2' : '1');


/**
 * Picks an option of a multiple select and waits for its tag. On a busy machine a click can land
 * while the list is still animating in and be lost; it is tried again (only while no tag shows).
 */
async function chooseOption(page: Page, item: Locator, option: RegExp, tag: string): Promise<void> {
  const shown = item.locator('.ant-select-selection-item', { hasText: tag });
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await shown.count()) === 0) {
      await item.locator('.ant-select-selector').click();
      await openDropdown(page).locator('.ant-select-item-option', { hasText: option }).click();
    }
    const ok = await shown
      .first()
      .waitFor({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (ok) return;
  }
  throw new Error(`option ${String(option)} could not be chosen`);
}

async function openOrgs(page: Page): Promise<void> {
  await page.getByTestId('main-menu').getByText('机构管理').click();
  await page.waitForURL((u) => u.pathname === '/admin/orgs');
  await waitForText(page.getByTestId('orgs-table').locator('tbody tr'), '海南省公安厅');
}

e2eSuite('admin', (t) => {
  it('an invalid credit code shows the check-character error and creates nothing', async () => {
    const page = await t.switchUser('admin');
    await openOrgs(page);
    await page.getByTestId('org-create').click();
    const drawer = page.locator('.ant-drawer-content').filter({ hasText: '新建机构' });
    await drawer.waitFor();
    await formItem(drawer, '机构名称').locator('input').fill(ORG_NAME);
    await formItem(drawer, '统一社会信用代码').locator('input').fill(BAD_USCC);
    await page.getByTestId('org-save').click();
    await waitForText(formItem(drawer, '统一社会信用代码').locator('.ant-form-item-explain-error'), '统一社会信用代码校验位不正确');
    // A wrong length is named as such.
    await formItem(drawer, '统一社会信用代码').locator('input').fill(FIRST17);
    await waitForText(formItem(drawer, '统一社会信用代码').locator('.ant-form-item-explain-error'), '统一社会信用代码应为 18 位');
    await drawer.getByRole('button', { name: /取\s*消/ }).click();
    await drawer.waitFor({ state: 'hidden' });
    const created = await t.env.k.db.kysely.selectFrom('orgs').select('id').where('name', '=', ORG_NAME).execute();
    expect(created).toHaveLength(0);
  });

  it('admin registers an org through the form and sees it in the table', async () => {
    const page = await t.switchUser('admin');
    await openOrgs(page);
    await page.getByTestId('org-create').click();
    const drawer = page.locator('.ant-drawer-content').filter({ hasText: '新建机构' });
    await drawer.waitFor();
    await formItem(drawer, '机构名称').locator('input').fill(ORG_NAME);
    // Lower case is accepted and upper-cased as it is typed.
    await formItem(drawer, '统一社会信用代码').locator('input').fill(VALID_USCC.toLowerCase());
    expect(await formItem(drawer, '统一社会信用代码').locator('input').inputValue()).toBe(VALID_USCC);

    await formItem(drawer, '所在地区').locator('.ant-select-selector').click();
    await formItem(drawer, '所在地区').locator('input').fill('海口');
    await openDropdown(page).locator('.ant-select-tree-node-content-wrapper', { hasText: /^海口市$/ }).click();
    // Wait for each choice to land before the next: on a busy machine a click can outrun the list.
    await waitForText(formItem(drawer, '所在地区').locator('.ant-select-selection-item'), '海口市');

    // Let the region list finish closing, so the next list found is the roles'.
    await expect.poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count(), { timeout: 15_000 }).toBe(0);
    await chooseOption(page, formItem(drawer, '机构角色'), /^运营机构$/, '运营机构');
    // Close the list by clicking the drawer's title: Escape would close the drawer itself once
    // the list has already closed.
    await drawer.locator('.ant-drawer-title').click();

    await page.getByTestId('org-save').click();
    await waitForText(page.locator('.ant-message'), `已创建机构：${ORG_NAME}`);
    await drawer.waitFor({ state: 'hidden' });
    const row = await waitForText(page.getByTestId('orgs-table').locator('tbody tr'), ORG_NAME);
    await waitForText(row, VALID_USCC);
    await waitForText(row, '运营机构');

    const org = await t.env.k.db.kysely.selectFrom('orgs').selectAll().where('name', '=', ORG_NAME).executeTakeFirstOrThrow();
    expect(org.uscc).toBe(VALID_USCC);
    expect(org.region_code).toBe('460100');
    expect(org.roles).toEqual(['operator']);
  });

  it('the working-day calculator counts across the National Day holiday: 2026-09-30 + 2 → 2026年10月9日', async () => {
    const page = await t.switchUser('admin');
    await page.getByTestId('main-menu').getByText('工作日历').click();
    await page.waitForURL((u) => u.pathname === '/admin/calendar');
    // The page opens on the current year; the checks below are about 2026.
    await page.getByTestId('calendar-year').click();
    await openDropdown(page).locator('.ant-select-item-option', { hasText: '2026' }).click();
    await page.getByTestId('calendar-coverage').filter({ hasText: '2026' }).waitFor();
    const grid = page.getByTestId('calendar-grid');
    await grid.waitFor();
    // 10-01 is a holiday and Sunday 09-20 a 调休 working day in 2026's grid.
    await waitForText(grid.locator('[data-day="2026-10-01"]'), '休');
    await waitForText(grid.locator('[data-day="2026-09-20"]'), '班');

    const calc = page.locator('.ant-card').filter({ hasText: '工作日计算器' });
    const from = formItem(calc, '起算日').locator('input');
    await from.click();
    await from.fill('2026-09-30');
    await from.press('Enter');
    await formItem(calc, '期限').locator('input').fill('2');
    await page.getByTestId('calendar-calc-submit').click();
    const result = page.getByTestId('calendar-calc-result');
    await waitForText(result, '2026年10月9日');
    await waitForText(result, '2026年10月9日 24:00');
  });
});
