/**
 * 导出 XLSX on list pages (JOURNEYS: every list exports with its current filters): the audit log
 * filtered by action and the user list filtered by a search both export exactly the rows the
 * filtered list holds, under the table's Chinese column titles, with the text the table shows.
 */
import { expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Download, Page } from 'playwright-core';
import { e2eSuite, waitForText } from './browser.js';

/** The first sheet's rows as the text of each cell, header first. */
async function readSheet(download: Download): Promise<string[][]> {
  const file = await download.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('the workbook has no sheet');
  const width = ws.getRow(1).cellCount;
  const rows: string[][] = [];
  for (let i = 1; i <= ws.rowCount; i++) {
    const row = ws.getRow(i);
    rows.push(Array.from({ length: width }, (_, c) => row.getCell(c + 1).text));
  }
  return rows;
}

/** Clicks 导出 XLSX and waits for the file and for the button to be idle again. */
async function exportList(page: Page): Promise<{ name: string; rows: string[][] }> {
  const button = page.getByTestId('export-xlsx');
  await waitForText(button, '导出 XLSX');
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const rows = await readSheet(download);
  await page.locator('[data-testid="export-xlsx"]:not(.ant-btn-loading)').waitFor();
  return { name: download.suggestedFilename(), rows };
}

async function getJson<T>(page: Page, url: string): Promise<T> {
  const res = await page.request.get(url);
  expect(res.status(), url).toBe(200);
  return (await res.json()) as T;
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

e2eSuite('list export', (t) => {
  it('the audit log filtered by action exports exactly the filtered events, titled in Chinese', async () => {
    // A few sign-outs by different people, so that the filter has something to keep and to drop.
    await t.switchUser('gat_officer');
    await t.switchUser('hkfgw_analyst');
    const page = await t.switchUser('admin');
    await page.goto('/audit');
    await page.getByTestId('audit-table').waitFor();
    const action = page.locator('.ant-form-item').filter({ has: page.locator('label', { hasText: /^动作$/ }) }).locator('input');
    await action.fill('auth.logout');
    await page.getByTestId('audit-search').click();
    await page.waitForURL((u) => u.searchParams.get('action') === 'auth.logout');
    await waitForText(page.getByTestId('audit-table').locator('tbody tr'), '退出登录');

    const filtered = await getJson<{ items: { seq: number; actorLogin: string | null }[] }>(page, '/api/v1/audit/events?action=auth.logout&limit=1000');
    const all = await getJson<{ items: unknown[] }>(page, '/api/v1/audit/events?limit=1000');
    expect(filtered.items.length).toBeGreaterThanOrEqual(2);
    expect(filtered.items.length).toBeLessThan(all.items.length);

    const { name, rows } = await exportList(page);
    expect(name).toBe(`审计日志_${today()}.xlsx`);
    const [header, ...body] = rows;
    expect(header).toEqual(['序号', '时间', '操作人 / 机构', '动作', '对象', '目的 / 授权', '哈希']);
    expect(body).toHaveLength(filtered.items.length);
    expect(body.map((r) => Number(r[0]))).toEqual(filtered.items.map((e) => e.seq));
    for (const r of body) {
      expect(r[3]).toBe('退出登录 auth.logout');
      expect(r[1]).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
      expect(r[6]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(body.map((r) => r[2]).join('\n')).toContain('gat_officer');
  });

  it('the user list searched by login exports the matching users with role and status labels', async () => {
    const page = await t.switchUser('admin');
    await page.goto('/admin/users');
    await page.getByTestId('users-table').waitFor();
    const search = page.getByPlaceholder('按账号或姓名搜索');
    await search.fill('gat_');
    await search.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === 'gat_');
    await waitForText(page.getByTestId('users-table').locator('tbody tr'), 'gat_officer');

    const filtered = await getJson<{ items: { login: string; name: string }[]; total: number }>(page, '/api/v1/users?q=gat_&limit=500');
    const all = await getJson<{ total: number }>(page, '/api/v1/users?limit=1');
    expect(filtered.total).toBeGreaterThanOrEqual(1);
    expect(filtered.total).toBeLessThan(all.total);

    const { name, rows } = await exportList(page);
    expect(name).toBe(`用户管理_${today()}.xlsx`);
    const [header, ...body] = rows;
    // The actions column is left out.
    expect(header).toEqual(['登录账号', '姓名', '所属机构', '用户角色', '状态', '最近登录']);
    expect(body).toHaveLength(filtered.total);
    expect(body.map((r) => r[0])).toEqual(filtered.items.map((u) => u.login));
    expect(body.map((r) => r[1])).toEqual(filtered.items.map((u) => u.name));
    const officer = body.find((r) => r[0] === 'gat_officer');
    expect(officer?.[2]).toBe('海南省公安厅');
    expect(officer?.[3]).toContain('数据工作机构负责人');
    expect(officer?.[4]).toBe('正常');
    expect(officer?.[5]).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
  });
});
