/**
 * The entry data page (数据汇聚, 000 第八条): a provider's clerk downloads the template, uploads a
 * CSV through the real file input and reads its report (accepted rows, the bad row's line, field
 * and reason), sees a file over the error threshold refused with its report and adds rows by an
 * XLSX upsert; and a data user of another org reports a data error from the entry page
 * (000 第四十二条) and finds the case on the corrections page.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { synthIdNumber } from '../src/modules/ingest/synth.js';
import { closeDrawer, e2eSuite, waitForText } from './browser.js';
import type { E2E } from './browser.js';

const HEADER = 'id_number,name,gender,birth_date,address';

/** A valid row of 人口基础信息 for person `i` (born 1985-06-15 in 秀英区). */
function person(i: number): string {
  const id = synthIdNumber('460105', '19850615', i);
  return `${id},居民${i},${i % 2 ? '男' : '女'},1985-06-15,海南省海口市秀英区滨海大道${i}号`;
}

/** The same row with a wrong check character in its ID number. */
function badPerson(i: number): string {
  const id = synthIdNumber('460105', '19850615', i);
  const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
  return `${wrong},居民${i},${i % 2 ? '男' : '女'},1985-06-15,海南省海口市秀英区滨海大道${i}号`;
}

const csv = (rows: string[]) => Buffer.from(`${HEADER}\n${rows.join('\n')}\n`, 'utf8');

/** The same rows as an XLSX workbook (first sheet, header first). */
async function xlsx(rows: string[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('人口基础信息');
  for (const r of [HEADER, ...rows]) ws.addRow(r.split(','));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function entryIdOf(t: E2E, name: string): Promise<string> {
  const e = await t.env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.id')
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
  return e.id;
}

e2eSuite('ingest', (t) => {
  it('a provider’s clerk uploads a CSV with one bad row and reads the report; a file over the threshold is refused with its report; an XLSX upsert adds a version', async () => {
    const id = await entryIdOf(t, '人口基础信息');
    const page = await t.switchUser('gat_clerk');
    await page.goto(`/catalog/entries/${id}`);
    await page.getByTestId('entry-data').click();
    await page.waitForURL((u) => u.pathname === `/catalog/entries/${id}/data`);
    await waitForText(page.getByTestId('data-versions'), '尚未汇聚数据');

    // The template: a CSV whose header is the entry's field names.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('load-template').click()]);
    expect(download.suggestedFilename()).toMatch(/-template\.csv$/);
    const template = fs.readFileSync(await download.path(), 'utf8');
    expect(template.replace(/^\uFEFF/, '').trim()).toBe(HEADER);

    // 30 rows, the 7th (line 8 of the file) with a wrong check character: 1/30 is under the 5 % threshold.
    const rows = Array.from({ length: 30 }, (_, i) => (i === 6 ? badPerson(i + 1) : person(i + 1)));
    const input = page.getByTestId('load-upload').locator('input[type=file]');
    await input.setInputFiles({ name: '人口基础信息.csv', mimeType: 'text/csv', buffer: csv(rows) });
    const report = page.getByTestId('load-report');
    await waitForText(report.getByTestId('load-status'), '已汇聚');
    await waitForText(report.getByTestId('load-accepted'), '29');
    await waitForText(report.getByTestId('load-rejected'), '1');
    await waitForText(report.getByTestId('load-error-rate'), '3.33%');
    const errorRow = await waitForText(report.getByTestId('load-errors').locator('tbody tr'), '公民身份号码校验位不正确');
    const cells = await errorRow.locator('td').allInnerTexts();
    expect(cells[0]).toBe('8');
    expect(cells[1]).toContain('公民身份号码');
    expect(cells[2]).toMatch(/^4601\*+\d{3}[\dX]$/); // masked
    const version = await waitForText(page.getByTestId('data-versions').locator('tbody tr'), 'v1');
    await waitForText(version, '现行');
    await waitForText(version, '29');

    // 10 rows, 4 bad: refused whole, with its report; the live version stays v1.
    const refused = Array.from({ length: 10 }, (_, i) => (i < 4 ? badPerson(100 + i) : person(100 + i)));
    await input.setInputFiles({ name: '人口基础信息-第二批.csv', mimeType: 'text/csv', buffer: csv(refused) });
    await waitForText(report.getByTestId('load-status'), '已拒收');
    await waitForText(page.getByTestId('load-refusal'), '错误率 40.00% 超过阈值 5.00%，整批拒收');
    await waitForText(report.getByTestId('load-rejected'), '4');
    expect(await report.getByTestId('load-errors').locator('tbody tr').count()).toBe(4);
    expect(await report.getByTestId('load-errors').locator('tbody tr').first().locator('td').first().innerText()).toBe('2'); // the first data row
    const versions = page.getByTestId('data-versions').locator('tbody tr.ant-table-row');
    expect(await versions.count()).toBe(1);
    // The refused load made no version, but the load history keeps it, with its report.
    const history = page.getByTestId('load-history').locator('tbody tr.ant-table-row');
    // (The test clock stands still, so both loads share one instant: their order is not asserted.)
    const refusedRow = await waitForText(history, '已拒收');
    await waitForText(history, '已汇聚');
    expect(await history.count()).toBe(2);
    await refusedRow.getByTestId('load-history-report').click();
    await waitForText(page.locator('.ant-drawer-body').getByTestId('load-rejected'), '4');
    await closeDrawer(page);

    // The rows of the live version, previewed.
    await version.locator('.ant-table-row-expand-icon').click();
    await waitForText(page.getByTestId('version-rows-1'), '居民1');

    // An XLSX file as an upsert by the key (公民身份号码): two new people join the 29 → v2 with 31 rows.
    await page.getByTestId('load-mode').getByText('增量更新').click();
    await input.setInputFiles({ name: '人口基础信息-增量.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsx([person(31), person(32)]) });
    await waitForText(report.getByTestId('load-status'), '已汇聚');
    await waitForText(page.getByTestId('load-committed'), '已汇聚为第 2 版');
    const v2 = await waitForText(page.getByTestId('data-versions').locator('tbody tr.ant-table-row'), 'v2');
    await waitForText(v2, '31');
  });

  it('another org’s user reports a data error from the entry page and finds it under corrections', async () => {
    const id = await entryIdOf(t, '企业营业执照信息');
    const page = await t.switchUser('hkfgw_analyst');
    await page.goto(`/catalog/entries/${id}`);
    await page.getByTestId('entry-report-error').click();
    await page.getByTestId('report-error-key-uscc').fill('91460000MA5T00003C');
    await page.getByTestId('report-error-expected').fill('海南椰风食品有限公司');
    await page.getByTestId('report-error-description').fill('企业名称与营业执照原件不符');
    await page.getByTestId('report-error-evidence').fill('营业执照副本（2026 年 9 月换发）');
    await page.getByTestId('report-error-submit').click();
    await waitForText(page.getByTestId('report-error-done'), '校核申请已提交');
    await waitForText(page.getByTestId('report-error-done'), '海南省市场监督管理局');
    await page.getByTestId('report-error-link').click();
    await page.waitForURL((u) => u.pathname === '/quality/corrections');
    const detail = page.getByTestId('correction-detail');
    await waitForText(detail, 'uscc=91460000MA5T00003C');
    await waitForText(detail, '依据：营业执照副本（2026 年 9 月换发）');
    const row = await waitForText(page.getByTestId('corrections-table').locator('tbody tr'), '企业营业执照信息');
    await waitForText(row, '待核实');
    await page.getByRole('button', { name: 'Close' }).or(page.locator('.ant-drawer-close')).first().click();
    await detail.waitFor({ state: 'hidden' });

    // The provider does not report its own data: it has the data page instead.
    await t.switchUser('scj_clerk');
    await page.goto(`/catalog/entries/${id}`);
    await page.getByTestId('entry-data').waitFor();
    expect(await page.getByTestId('entry-report-error').count()).toBe(0);
  });
});
