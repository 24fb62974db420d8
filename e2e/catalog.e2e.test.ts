/**
 * The catalog in the browser: a clerk registers an entry with the wizard and saves the draft;
 * the institution's data officer signs and submits it; the sharing authority's reviewer finds it
 * in the review queue and publishes it; it is then found by a Chinese search, and is on the open
 * catalog and the negative list. Plus a search narrowed by a facet click.
 */
import { expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { ENTRY_COLUMNS, ITEM_COLUMNS, SHEET } from '../src/modules/catalog/xlsx.js';
import { e2eSuite, waitForText } from './browser.js';

const NAME = '出租房屋登记信息';
const DESCRIPTION = '全省出租房屋及出租人登记信息，用于治安管理和流动人口服务。';
/** A header row as it comes out of a spreadsheet: tab-separated. */
const HEADER = ['房屋编号', '地址', '出租人姓名', '联系电话', '登记日期'].join('\t');

/** The entry's page, once the clerk has saved it. */
let entryPath = '';

async function openMenu(page: Page, entry: string, path: string): Promise<void> {
  await page.getByTestId('main-menu').getByText(entry, { exact: true }).click();
  await page.waitForURL((u) => u.pathname === path);
}

/** Moves the wizard on one step and waits for the step to show. */
async function next(page: Page, step: string): Promise<void> {
  await page.getByTestId('wizard-next').click();
  await page.getByTestId(`wizard-step-${step}`).waitFor({ state: 'visible' });
}

type EntryCells = Partial<Record<(typeof ENTRY_COLUMNS)[number]['key'], string>>;
type ItemCells = Partial<Record<(typeof ITEM_COLUMNS)[number]['key'], string>>;

/** A filled-in import file: row 2 of 目录 is complete, row 3 shares on conditions without saying the scope. */
async function importFile(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const entries = wb.addWorksheet(SHEET.entries);
  const items = wb.addWorksheet(SHEET.items);
  entries.addRow(ENTRY_COLUMNS.map((c) => c.header));
  items.addRow(ITEM_COLUMNS.map((c) => c.header));
  const common: EntryCells = {
    format: '结构化表格', category: '公共安全', grade: '一般数据', updateFrequency: '每月', provisionMethods: '文件下载',
    operationAttr: '否', secrecyRisk: '不涉及国家秘密', piiImpact: '不涉及个人信息', assessedOn: '2026-08-15',
  };
  const rows: EntryCells[] = [
    { ...common, ref: '1', name: '居住证办理统计', description: '按月统计的居住证受理和发证数量。', shareAttr: '无条件共享', openAttr: '无条件开放' },
    { ...common, ref: '2', name: '承租人登记信息', description: '出租房屋承租人登记信息。', shareAttr: '有条件共享', openAttr: '不予开放', notOpenReason: '涉及个人信息' },
  ];
  for (const r of rows) entries.addRow(ENTRY_COLUMNS.map((c) => r[c.key] ?? ''));
  const fields: ItemCells[] = [
    { entryRef: '1', name: 'month', label: '统计月份', type: '字符串', key: '是' },
    { entryRef: '1', name: 'issued', label: '发证数量', type: '整数' },
    { entryRef: '2', name: 'tenant_name', label: '承租人姓名', type: '字符串', piiKind: '姓名' },
  ];
  for (const f of fields) items.addRow(ITEM_COLUMNS.map((c) => f[c.key] ?? ''));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

e2eSuite('catalog', (t) => {
  it('a clerk registers an entry with the wizard and saves it as a draft', async () => {
    const page = await t.switchUser('gat_clerk');
    await openMenu(page, '目录登记', '/catalog/register');
    await page.getByTestId('wizard-steps').waitFor();

    // 基本信息: the form refuses to move on without a name, in Chinese.
    await page.getByTestId('wizard-next').click();
    await waitForText(page.getByTestId('wizard-step-basics'), '请填写目录名称');
    await page.locator('#name').fill(NAME);
    await page.locator('#description').fill(DESCRIPTION);
    await page.locator('#category').fill('公共安全');
    await next(page, 'fields');

    // 数据项: a pasted header row proposes the items, their types and personal-information kinds.
    await page.getByTestId('fields-paste').fill(HEADER);
    await page.getByTestId('fields-propose').click();
    const items = page.getByTestId('fields-table');
    await expect.poll(() => items.locator('tbody tr.ant-table-row').count()).toBe(5);
    expect(await page.getByTestId('field-name-3').inputValue()).toBe('phone');
    expect(await page.getByTestId('field-name-4').inputValue()).toBe('date');
    await waitForText(items.locator('tbody tr.ant-table-row').nth(2), '姓名'); // 出租人姓名 → personal information: name
    await waitForText(items.locator('tbody tr.ant-table-row').nth(3), '电话号码');
    // The first heading has no guess; the clerk names the column.
    await page.getByTestId('field-name-0').fill('house_no');
    await next(page, 'attributes');

    // 共享属性: a basis that is not a law is refused as the clerk types, naming the rule.
    const attributes = page.getByTestId('wizard-step-attributes');
    await page.getByTestId('share-attr-none').click();
    await page.locator('#noShareBasis').fill('《海南省公共信息资源管理办法》第十二条');
    await waitForText(attributes, '不是法律、行政法规或国务院决定');
    await page.getByTestId('share-attr-conditional').click();
    await page.locator('#shareConditions_scope').fill('省内公安机关和流动人口服务管理部门');
    await page.locator('#shareConditions_usage').fill('仅用于治安管理和流动人口服务，不得转授');
    // 开放属性: items with personal information open only when anonymised or consented to (000 第十九条).
    await page.getByTestId('open-attr-conditional').click();
    await page.locator('#openConditions_conditions').fill('申请人须说明用途并承诺数据安全保护措施');
    await page.locator('#openConditions_useRequirements').fill('不得用于识别特定个人');
    await page.getByTestId('wizard-next').click();
    await waitForText(attributes, '含个人信息的数据开放前须经匿名化处理或取得个人同意');
    await attributes.getByText('已匿名化处理').click();
    await next(page, 'provision');

    // 提供方式与评估: both assessments recorded, so the officer can submit it.
    const provision = page.getByTestId('wizard-step-provision');
    await provision.getByText('批量导出').click();
    await provision.getByText('已完成评估').nth(0).click();
    await page.locator('#assessments_secrecyRisk_conclusion').fill('不涉及国家秘密');
    await provision.getByText('已完成评估').nth(1).click();
    await page.locator('#assessments_piiImpact_conclusion').fill('已评估：开放前匿名化，个人信息按重要数据处理');
    await next(page, 'review');

    // 核对保存: the attributes in Chinese, then the draft.
    const review = page.getByTestId('review-attributes');
    await waitForText(review, NAME);
    await waitForText(review, '有条件共享');
    await waitForText(review, '有条件开放');
    expect(await page.getByTestId('review-missing-assessments').count()).toBe(0);
    await page.getByTestId('wizard-save').click();
    await page.waitForURL((u) => /^\/catalog\/entries\/[0-9a-f-]{36}$/.test(u.pathname));
    entryPath = new URL(page.url()).pathname;
    await waitForText(page.getByTestId('entry-status'), '草稿');
    await waitForText(page.getByTestId('entry-attributes'), '省内公安机关和流动人口服务管理部门');
    await page.getByTestId('entry-tabs').getByText('数据项（5）').click();
    await waitForText(page.getByTestId('entry-fields'), '出租人姓名');
    // A clerk edits but does not sign: submitting is the data officer's.
    await page.getByTestId('entry-edit').waitFor();
    expect(await page.getByTestId('entry-submit').count()).toBe(0);
  });

  it("the data officer finds it under 本单位 and signs it off for review", async () => {
    expect(entryPath, 'the previous test saves the draft').not.toBe('');
    const page = await t.switchUser('gat_officer');
    await openMenu(page, '数据目录', '/catalog');
    await page.getByTestId('catalog-tabs').getByText('本单位').click();
    await page.waitForURL((u) => u.searchParams.get('tab') === 'mine');
    const result = await waitForText(page.getByTestId('catalog-results').locator('.catalog-result'), NAME);
    await waitForText(result, '草稿');
    await result.getByTestId('catalog-result-link').click();
    await page.waitForURL((u) => u.pathname === entryPath);

    await page.getByTestId('entry-submit').click();
    await page.getByTestId('entry-submit-confirm').click();
    await waitForText(page.getByTestId('entry-status'), '待审核');
    await page.getByTestId('entry-tabs').getByText('审核记录').click();
    await waitForText(page.getByTestId('review-timeline'), '经数据工作机构负责人签发，报送审核');
  });

  it('the authority reviewer sees it in the review queue and publishes it', async () => {
    const page = await t.switchUser('yshj_reviewer');
    await openMenu(page, '目录审核', '/catalog/review');
    const row = await waitForText(page.getByTestId('review-queue').locator('tbody tr'), NAME);
    await waitForText(row, '首次审核');
    await waitForText(row, '海南省公安厅');
    // A first review has no deadline in 000 第六条: the queue shows how long it has waited.
    await waitForText(row, '已等待 0 个工作日');
    await row.getByTestId('queue-entry-link').click();
    await page.waitForURL((u) => u.pathname === entryPath);

    await page.getByTestId('entry-approve').click();
    await page.getByTestId('review-comment-input').fill('内容完整，同意发布');
    await page.getByTestId('review-confirm').click();
    await waitForText(page.getByTestId('entry-status'), '已发布');
    await page.getByTestId('entry-tabs').getByText('审核记录').click();
    await waitForText(page.getByTestId('review-timeline'), '内容完整，同意发布');
    await waitForText(page.getByTestId('review-timeline'), '审核通过并发布（陈静，海南省营商环境建设厅）');
  });

  it('the published entry is found by a Chinese search, on the open catalog and on the negative list', async () => {
    const page = await t.switchUser('hkfgw_analyst');
    await openMenu(page, '数据目录', '/catalog');
    await page.getByPlaceholder('输入中文关键词').fill('出租房屋');
    await page.getByPlaceholder('输入中文关键词').press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === '出租房屋');
    const result = await waitForText(page.getByTestId('catalog-results').locator('.catalog-result'), NAME);
    // The matched words are marked (rendered as text, never as HTML).
    await waitForText(result.locator('mark.hit'), '出租房屋');
    await waitForText(result, '海南省公安厅');
    await waitForText(result, '有条件开放');

    await openMenu(page, '开放目录', '/catalog/open-list');
    await waitForText(page.getByTestId('open-list').locator('tbody tr'), NAME);

    await openMenu(page, '共享负面清单', '/catalog/negative-list');
    const row = await waitForText(page.getByTestId('negative-list').locator('tbody tr'), NAME);
    await waitForText(row, '审查中');
    await waitForText(row, '已签 0/7');
  });

  it('a facet click narrows the search and keeps it in the URL', async () => {
    const page = await t.switchUser('gat_clerk');
    await page.goto('/catalog?q=信息');
    const total = page.getByTestId('catalog-total');
    await waitForText(total, /共找到 \d+ 条目录/);
    const before = Number(/(\d+)/.exec(await total.innerText())?.[1]);

    const facet = page.getByTestId('facet-provider').locator('label').filter({ hasText: '海南省市场监督管理局' });
    const count = Number(await facet.locator('.ant-badge').innerText());
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(before);
    await facet.click();
    await page.waitForURL((u) => (u.searchParams.get('provider') ?? '') !== '' && u.searchParams.get('q') === '信息');
    await waitForText(total, `共找到 ${count} 条目录`);
    const results = page.getByTestId('catalog-results').locator('.catalog-result');
    await expect.poll(() => results.count()).toBe(Math.min(count, 20));
    for (const text of await results.allInnerTexts()) expect(text).toContain('海南省市场监督管理局');

    // The state survives a reload: the filter is in the URL.
    await page.reload();
    await waitForText(total, `共找到 ${count} 条目录`);
    expect(await page.getByTestId('facet-provider').locator('.ant-checkbox-wrapper-checked').innerText()).toContain('海南省市场监督管理局');
  });

  it('an import with a bad row lists row, column and reason, and imports the good row when the clerk accepts', async () => {
    const page = await t.switchUser('gat_clerk');
    await openMenu(page, '数据目录', '/catalog');
    await page.getByTestId('catalog-import').click();
    const [template] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-template').click()]);
    expect(template.suggestedFilename()).toBe('公共数据目录导入模板.xlsx');

    await page.locator('.ant-modal input[type=file]').setInputFiles({
      name: '目录导入.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await importFile(),
    });
    await page.getByTestId('import-submit').click();
    await waitForText(page.getByTestId('import-error'), '未导入任何目录');
    const problem = await waitForText(page.getByTestId('import-problems').locator('tbody tr'), '共享范围');
    await waitForText(problem, '目录');
    await waitForText(problem, '3');
    await waitForText(problem, '有条件共享须列明共享范围');

    await page.getByTestId('import-accept-partial').click();
    await waitForText(page.getByTestId('import-result'), '已导入 1 条');
    await page.locator('.ant-modal-close').click();
    await page.getByTestId('catalog-tabs').getByText('本单位').click();
    const imported = await waitForText(page.getByTestId('catalog-results').locator('.catalog-result'), '居住证办理统计');
    await waitForText(imported, '草稿');
    expect(await page.getByTestId('catalog-results').innerText()).not.toContain('承租人登记信息');
  });

  it("a seat holder signs the negative list's joint review; a listed resource is registered with its codes", async () => {
    // 网信办 holds the cyberspace seat (000 第十一条): it signs a pending item of the negative list.
    const page = await t.switchUser('wx_reviewer');
    await openMenu(page, '共享负面清单', '/catalog/negative-list');
    const row = page.getByTestId('negative-list').locator('tbody tr.ant-table-row').filter({ hasText: '三亚市纳税人信息（地方）' });
    await waitForText(row, '已签 0/7');
    await row.getByTestId('negative-sign').click();
    // Confirm once the dialog has opened and shows the seat signed for (a click during its opening animation can be lost).
    await waitForText(page.locator('.ant-modal-body .ant-select-selection-item'), '网信部门');
    await page.getByTestId('signoff-confirm').click();
    await waitForText(row, '已签 1/7');
    expect(await row.locator('[data-seat="cyberspace"]').getAttribute('data-signed')).toBe('agree');
    expect(await row.getByTestId('negative-sign').count()).toBe(0);

    // The provider's data officer lists its own entry for authorized operation (000 第二十七条)…
    await t.switchUser('gat_officer');
    await page.goto('/catalog?q=居民身份证签发信息');
    await (await waitForText(page.getByTestId('catalog-results').locator('.catalog-result'), '居民身份证签发信息')).getByTestId('catalog-result-link').click();
    await page.getByTestId('entry-list-operation').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await page.waitForURL((u) => u.pathname === '/catalog/operation-list');
    await waitForText(page.getByTestId('operation-list').locator('tbody tr'), '居民身份证签发信息');

    // …and the implementing agency registers it (000 第二十九条): a registration code and a query code.
    await t.switchUser('ssjg_clerk');
    await openMenu(page, '授权运营目录', '/catalog/operation-list');
    const item = await waitForText(page.getByTestId('operation-list').locator('tbody tr'), '居民身份证签发信息');
    await waitForText(item, '未登记');
    await item.getByTestId('operation-register').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    const result = page.getByTestId('registration-result');
    await waitForText(result, /登记编码：\s*DJ460000-\d{4}-\d{6}/);
    const queryCode = /查询码：\s*([0-9A-Z]+)/.exec(await result.innerText())?.[1] ?? '';
    expect(queryCode).not.toBe('');
    await page.locator('.ant-modal-confirm-btns .ant-btn').click();
    await waitForText(item.getByTestId('registration-codes'), queryCode);

    // Anyone can look the registration up by its query code.
    await page.getByTestId('registration-lookup').fill(queryCode);
    await page.getByTestId('registration-lookup').press('Enter');
    await page.waitForURL((u) => u.pathname === `/catalog/registrations/${queryCode}`);
    await waitForText(page.getByTestId('registration'), '居民身份证签发信息');
  });
});
