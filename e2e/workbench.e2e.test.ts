/**
 * The workbench (工作台): my org's open duties with their working-day countdown, overdue ones
 * highlighted, and the sweeper's notification.
 */
import { expect, it } from 'vitest';
import { listDuties, openDuty, sweepOverdue } from '../src/kernel/deadlines.js';
import type { TestEnv } from '../test/harness.js';
import { e2eSuite, waitForText } from './browser.js';

const OPEN_TITLE = 'E2E 测试：公安户籍数据共享申请答复';
const OVERDUE_TITLE = 'E2E 测试：营业执照数据共享申请答复';
const OTHER_ORG_TITLE = 'E2E 测试：其他机构的待办';

const ids = { gat: '', sjj: '', scj: '' };

async function orgId(env: TestEnv, name: string): Promise<string> {
  const row = await env.k.db.kysely.selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}

/**
 * On 2026-09-18 (Fri) 海南省公安厅 owes a reply within 1 working day — due 9-20, a Sunday worked
 * in exchange for the National Day holiday (国务院办公厅 2026 年节假日安排); four days later
 * the sweeper marks it overdue and notifies the owner and the supervising 海南省数据局. A second
 * duty, opened that day with 5 working days, is still counting down.
 */
async function setup(env: TestEnv): Promise<void> {
  ids.gat = await orgId(env, '海南省公安厅');
  ids.sjj = await orgId(env, '海南省数据局');
  ids.scj = await orgId(env, '海南省市场监督管理局');
  const db = env.k.db.kysely;
  await db.transaction().execute(async (trx) => {
    await openDuty(env.k, trx, {
      caseType: 'e2e', caseId: 'overdue-1', duty: 'reply', title: OVERDUE_TITLE,
      ownerOrgId: ids.gat, supervisorOrgId: ids.sjj, source: '测试依据 第一条', workingDays: 1,
    });
  });
  env.clock.advanceDays(4);
  const swept = await db.transaction().execute((trx) => sweepOverdue(env.k, trx));
  expect(swept).toBe(1);
  await db.transaction().execute(async (trx) => {
    await openDuty(env.k, trx, {
      caseType: 'e2e', caseId: 'open-1', duty: 'reply', title: OPEN_TITLE,
      ownerOrgId: ids.gat, source: '测试依据 第二条', workingDays: 5,
    });
    await openDuty(env.k, trx, {
      caseType: 'e2e', caseId: 'other-1', duty: 'reply', title: OTHER_ORG_TITLE,
      ownerOrgId: ids.scj, source: '测试依据 第三条', workingDays: 5,
    });
  });
}

e2eSuite(
  'workbench',
  (t) => {
    it("shows my org's open duty with its countdown and the overdue one highlighted", async () => {
      const duties = await listDuties(t.env.k, t.env.k.db.kysely, ids.gat, 'open');
      const open = duties.find((d) => d.title === OPEN_TITLE);
      const overdue = duties.find((d) => d.title === OVERDUE_TITLE);
      expect(open?.remainingWorkingDays).toBeGreaterThan(0);
      expect(overdue?.overdue).toBe(true);

      const page = await t.switchUser('gat_clerk');
      const table = page.getByTestId('duties-table');
      const openRow = await waitForText(table.locator('tbody tr'), OPEN_TITLE);
      await waitForText(openRow, `剩余 ${open?.remainingWorkingDays} 个工作日`);
      expect(await openRow.getAttribute('class')).not.toContain('row-overdue');
      await waitForText(openRow, '2026年9月22日'); // 起算日: the day it was opened

      const overdueRow = await waitForText(table.locator('tbody tr.row-overdue'), OVERDUE_TITLE);
      const countdown = overdue?.overdueWorkingDays ? `已逾期 ${overdue.overdueWorkingDays} 个工作日` : '已逾期';
      await waitForText(overdueRow, countdown);
      await waitForText(overdueRow, '2026年9月20日');
      // Overdue duties lead the list.
      expect(await table.locator('tbody tr').first().innerText()).toContain(OVERDUE_TITLE);
      // Another org's duty is not mine.
      expect(await table.innerText()).not.toContain(OTHER_ORG_TITLE);
    });

    it('the 已逾期 filter shows only the overdue duty', async () => {
      const page = await t.switchUser('gat_clerk');
      const table = page.getByTestId('duties-table');
      await waitForText(table.locator('tbody tr'), OPEN_TITLE);
      await page.locator('.ant-segmented-item').filter({ hasText: '已逾期' }).click();
      await page.waitForURL((u) => u.searchParams.get('duties') === 'overdue');
      await waitForText(table.locator('tbody tr.row-overdue'), OVERDUE_TITLE);
      await expect.poll(() => table.innerText(), { timeout: 10_000 }).not.toContain(OPEN_TITLE);
    });

    it("the sweeper's notification reaches the owner org and the supervising org", async () => {
      const page = await t.switchUser('gat_officer');
      const item = await waitForText(page.getByTestId('notifications').locator('.ant-list-item'), `已逾期：${OVERDUE_TITLE}`);
      await waitForText(item, '期限 2026-09-20 已届满，依据 测试依据 第一条');
      expect(await item.getAttribute('data-unread')).toBe('true');

      await t.switchUser('sjj_reviewer');
      await waitForText(page.getByTestId('notifications').locator('.ant-list-item'), `下级事项逾期：${OVERDUE_TITLE}`);
      // 省数据局 supervises the duty but does not owe it.
      await page.getByTestId('duties-table').waitFor();
      expect(await page.getByTestId('duties-table').innerText()).not.toContain(OVERDUE_TITLE);
    });

    it('an org without duties or notifications sees the empty workbench', async () => {
      const page = await t.switchUser('sy_clerk');
      await waitForText(page.getByTestId('duties-table'), '暂无待办事项');
      await waitForText(page.getByTestId('notifications'), '暂无通知');
    });
  },
  { setup },
);
