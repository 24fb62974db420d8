/**
 * Share requests between two demo institutions in the browser (000 第十四条): 海口市发展和改革委员会
 * (clerk 蔡宁 hkfgw_analyst, data officer 韩冬 hkfgw_officer) asks 海南省公安厅 (data officer 周强
 * gat_officer) for a conditional entry; its data officer signs; the provider's refusal without a
 * basis is stopped in the dialog, then it approves and the grant shows on both sides. An
 * unconditional entry of 海南省生态环境厅 is granted at signature. The provider applies for an
 * extension and the sharing authority (陈静 yshj_reviewer) consents; the provider suspends a grant;
 * a request meeting the provider's instant-share conditions is granted at signature.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestEnv } from '../test/harness.js';
import { closeDrawer, e2eSuite, waitForText } from './browser.js';

const ids: Record<string, string> = {};

async function setup(env: TestEnv): Promise<void> {
  const rows = await env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'v.name'])
    .where('v.name', 'in', ['机动车登记信息', '空气质量实时监测数据', '居民身份证签发信息', '驾驶证状态信息'])
    .execute();
  for (const r of rows) ids[r.name] = r.id;
}

/** Steps through the wizard from its entry step (entry already chosen) to the submitted request. */
async function fillWizard(page: Page, opts: { some?: string[]; method?: 'api' | 'batch' }): Promise<void> {
  await page.getByTestId('share-next').click();
  if (opts.some) {
    await page.getByTestId('share-field-mode').getByText('部分数据项').click();
    await page.getByTestId('share-next').click();
    await waitForText(page.locator('.ant-form-item-explain-error'), '请至少选择一个数据项');
    const table = page.getByTestId('share-fields-table');
    for (const label of opts.some) await table.locator('tbody tr').filter({ hasText: label }).locator('.ant-checkbox-input').check();
    await waitForText(table, `已选 ${opts.some.length} /`);
  }
  await page.getByTestId('share-next').click();
  // The purpose step explains and checks as you type.
  await page.getByTestId('share-next').click();
  await waitForText(page.locator('.ant-form-item-explain-error'), '请说明使用依据');
  await page.getByTestId('share-basis').fill('《海南省促进公共数据资源开发利用办法》第十四条；本单位重大项目审批职责');
  await page.getByTestId('share-scenario').fill('重大项目审批中核验项目单位的登记情况');
  await page.getByTestId('share-scope').fill('仅限本单位项目审批处室内部使用，不向第三方提供');
  await page.getByTestId('share-next').click();
  if (opts.method) await page.getByTestId(`share-method-${opts.method}`).click();
  await page.getByTestId('share-next').click();
  await waitForText(page.getByTestId('share-review'), '仅限本单位项目审批处室内部使用');
  await page.getByTestId('share-submit').click();
  const done = await waitForText(page.getByTestId('share-created'), '共享申请已提交本单位签署');
  await waitForText(done, '待签署');
}

/** Opens the request row naming `entry` in the table, then its drawer. */
async function openCase(page: Page, table: string, entry: string, status?: string) {
  const row = await waitForText(page.getByTestId(table).locator('tbody tr'), entry);
  if (status) await waitForText(row, status);
  await row.getByTestId('share-open').click();
  return page.getByTestId('share-request-detail');
}

type Switcher = { switchUser: (l: string) => Promise<Page> };

/** Closes the open case drawer (its mask covers the header's logout button) and signs `login` in. */
async function as(t: Switcher, login: string, page?: Page): Promise<Page> {
  if (page) await closeDrawer(page);
  return t.switchUser(login);
}

async function signAs(t: Switcher, entry: string, from: Page): Promise<Page> {
  const page = await as(t, 'hkfgw_officer', from);
  await page.goto('/sharing/requests?status=awaiting_signature');
  const detail = await openCase(page, 'share-requests-table', entry, '待签署');
  await waitForText(detail, '待本单位数据工作机构负责人签署');
  await page.getByTestId('share-sign').click();
  await page.getByTestId('share-sign-confirm').click();
  return page;
}

e2eSuite(
  'sharing',
  (t) => {
    it('a conditional entry: the clerk asks, the data officer signs, the provider refuses without basis (stopped), then approves; the grant shows', async () => {
      let page = await t.switchUser('hkfgw_analyst');
      await page.goto(`/catalog/entries/${ids['机动车登记信息']}`);
      await page.getByTestId('entry-request-share').click();
      await page.waitForURL(/\/sharing\/requests\/new\?entryId=/);
      const summary = await waitForText(page.getByTestId('share-entry-summary'), '海南省公安厅');
      await waitForText(summary, '有条件共享');
      await waitForText(summary, /数据提供单位须在 2 个工作日内答复/);
      await fillWizard(page, { some: ['号牌号码', '车辆类型', '机动车状态'], method: 'api' });

      page = await signAs(t, '机动车登记信息', page);
      let detail = page.getByTestId('share-request-detail');
      await waitForText(detail.getByTestId('share-status'), '待答复');
      await waitForText(detail.getByTestId('share-duty').first(), /剩余 2 个工作日/);

      page = await as(t, 'gat_officer', page);
      await page.goto('/sharing/inbox');
      detail = await openCase(page, 'share-inbox-table', '海口市发展和改革委员会', '待答复');
      await waitForText(detail.getByTestId('share-fields'), '号牌号码（plate_no）');
      expect(await detail.getByTestId('share-fields').innerText()).not.toContain('owner_name');
      await page.getByTestId('share-refuse').click();
      await page.getByTestId('refuse-reason').fill('申请的数据项超出所述使用场景的需要');
      await page.getByTestId('refuse-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '不同意共享的，应当提供依据');
      await page.locator('.ant-modal-footer').getByRole('button', { name: /取\s*消/ }).click();
      await page.getByTestId('share-approve').click();
      await page.getByTestId('share-approve-confirm').click();
      await waitForText(detail.getByTestId('share-status'), '已同意');
      await waitForText(detail.getByTestId('share-outcome'), '数据提供单位答复');
      await waitForText(detail, '按期答复');

      page = await as(t, 'hkfgw_analyst', page);
      await page.goto('/sharing/requests');
      detail = await openCase(page, 'share-requests-table', '机动车登记信息', '已同意');
      await detail.getByTestId('share-grant-link').click();
      await page.waitForURL(/\/sharing\/grants\?grant=/);
      const grant = await waitForText(page.getByTestId('grant-detail'), '海口市发展和改革委员会');
      await waitForText(grant, 'plate_no');
      await waitForText(grant.getByTestId('grant-status'), '有效');
      // An API key bound to the grant: its secret shown once, then listed by prefix; usage starts empty.
      await waitForText(page.getByTestId('grant-usage'), '近 30 天没有调用');
      await page.getByTestId('grant-key-create').click();
      await page.getByTestId('grant-key-name').fill('车辆核验系统');
      await page.locator('.ant-modal-footer .ant-btn-primary').last().click();
      await waitForText(page.getByTestId('api-key-secret'), /^gsk_/);
      await page.getByTestId('api-key-saved').click();
      await waitForText(page.getByTestId('grant-keys').locator('tbody tr'), '车辆核验系统');
      await closeDrawer(page);
      const row = await waitForText(page.getByTestId('grants-table').locator('tbody tr'), '机动车登记信息');
      await waitForText(row, '服务接口');
    }, 120_000);

    it('an unconditional entry is approved at signature', async () => {
      let page = await t.switchUser('hkfgw_analyst');
      await page.goto('/sharing/requests/new');
      await page.getByTestId('share-entry').click();
      await page.keyboard.type('空气质量');
      await page.locator('.ant-select-item-option').filter({ hasText: '空气质量实时监测数据' }).first().click();
      await waitForText(page.getByTestId('share-entry-summary'), '无条件共享类：本单位签署后即时同意并授权');
      await fillWizard(page, {});

      page = await signAs(t, '空气质量实时监测数据', page);
      const detail = page.getByTestId('share-request-detail');
      await waitForText(detail.getByTestId('share-status'), '已同意');
      await waitForText(detail.getByTestId('share-outcome'), '无条件共享类，签署后即时同意');
      await detail.getByTestId('share-grant-link').waitFor();
      await closeDrawer(page);
    }, 90_000);

    it('the provider applies for an extension, the sharing authority consents; the provider suspends a grant with a reason', async () => {
      let page = await t.switchUser('hkfgw_analyst');
      await page.goto(`/sharing/requests/new?entryId=${ids['居民身份证签发信息']}`);
      await waitForText(page.getByTestId('share-entry-summary'), '居民身份证签发信息');
      await fillWizard(page, {});
      page = await signAs(t, '居民身份证签发信息', page);

      page = await as(t, 'gat_officer', page);
      await page.goto('/sharing/inbox');
      let detail = await openCase(page, 'share-inbox-table', '居民身份证签发信息', '待答复');
      await page.getByTestId('share-extend').click();
      await page.getByTestId('extend-days').fill('9');
      await page.getByTestId('extend-reason').fill('涉及多个业务系统的数据核对');
      await page.getByTestId('extend-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '最多延长 5 个工作日');
      await page.getByTestId('extend-days').fill('3');
      await page.getByTestId('extend-submit').click();
      await waitForText(detail.getByTestId('share-extension'), '延期待审核');
      const url = new URL(page.url());
      const caseId = url.searchParams.get('case');
      expect(caseId).toBeTruthy();

      page = await as(t, 'yshj_reviewer', page);
      await page.goto(`/sharing/requests?case=${caseId}`);
      detail = page.getByTestId('share-request-detail');
      await page.getByTestId('share-consent').click();
      await page.getByTestId('consent-comment').fill('理由充分，同意延长');
      await page.getByTestId('consent-submit').click();
      await waitForText(detail.getByTestId('share-extension'), '已同意延期');
      await waitForText(detail, '已延期 1 次');

      page = await as(t, 'gat_officer', page);
      await page.goto('/sharing/grants?role=provider');
      const row = await waitForText(page.getByTestId('grants-table').locator('tbody tr'), '机动车登记信息');
      await row.getByTestId('grant-row-suspend').click();
      await page.getByTestId('grant-action-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '请说明理由');
      await page.getByTestId('grant-reason').fill('被授权单位超出使用范围使用数据，待核查');
      await page.getByTestId('grant-action-submit').click();
      await waitForText(row.getByTestId('grant-status'), '已暂停');
    }, 120_000);

    it('the provider sets instant-share conditions; a request meeting them is granted at signature', async () => {
      let page = await t.switchUser('gat_officer');
      await page.goto('/sharing/inbox');
      await page.getByTestId('share-conditions').click();
      await page.getByTestId('conditions-entry').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '驾驶证状态信息' }).first().click();
      await page.getByTestId('conditions-orgs').click();
      await page.keyboard.type('海口市发展');
      await page.locator('.ant-select-item-option').filter({ hasText: '海口市发展和改革委员会' }).first().click();
      await page.getByTestId('conditions-save').click();
      await waitForText(page.locator('.ant-message'), '即时共享条件已保存');
      await page.keyboard.press('Escape');

      page = await as(t, 'hkfgw_analyst', page);
      await page.goto(`/sharing/requests/new?entryId=${ids['驾驶证状态信息']}`);
      await waitForText(page.getByTestId('share-entry-summary'), '有条件共享');
      await fillWizard(page, {});
      page = await signAs(t, '驾驶证状态信息', page);
      const detail = page.getByTestId('share-request-detail');
      await waitForText(detail.getByTestId('share-status'), '已同意');
      await waitForText(detail.getByTestId('share-outcome'), '符合数据提供单位的即时共享条件');
      await closeDrawer(page);
    }, 90_000);
  },
  { setup },
);
