/**
 * A conditional open application in the browser (000 第二十条): 张三 (zhangsan, a person, org role
 * `public`) applies on the portal for 个体工商户登记信息 (省市场监管局, conditional open), sees it
 * waiting with the provider's 2-working-day due date; the provider's data officer (何军,
 * scj_officer) tries to refuse without a legal basis (stopped in the dialog), then approves; 张三
 * sees the approval under 我的申请. Anyone reads the demand list without signing in.
 */
import { expect, it } from 'vitest';
import type { TestEnv } from '../test/harness.js';
import { idNumberCheckChar } from '../src/kernel/codes.js';
import { closeDrawer, e2eSuite, formItem, openDropdown, waitForText } from './browser.js';

/** A citizen's ID number (海口市龙华区, born 1995-06-18) with its GB 11643 check character. */
const ID17 = '46010619950618123';
const CITIZEN_ID = ID17 + (idNumberCheckChar(ID17) as string);

let code = '';

async function setup(env: TestEnv): Promise<void> {
  const r = await env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.code')
    .where('v.name', '=', '个体工商户登记信息')
    .executeTakeFirstOrThrow();
  code = r.code;
}

e2eSuite(
  'opening-apply',
  (t) => {
    it('a visitor registers from the dataset page and comes back to apply', async () => {
      const page = await t.newPage();
      await page.goto(`/open/datasets/${code}`);
      await waitForText(page.locator('h1'), '个体工商户登记信息');
      await page.getByTestId('dataset-register').click();
      await page.waitForURL((u) => u.pathname === '/register' && (u.searchParams.get('next') ?? '') === `/open/datasets/${code}/apply`);
      await page.locator('label', { hasText: '自然人' }).click();
      await formItem(page.locator('form'), '姓名').locator('input').fill('林小雨');
      await formItem(page.locator('form'), '身份证号').locator('input').fill(CITIZEN_ID);
      const region = formItem(page.locator('form'), '所在地区');
      await region.locator('.ant-select-selector').click();
      await region.locator('input').fill('海口');
      await openDropdown(page).locator('.ant-select-tree-node-content-wrapper', { hasText: /^海口市$/ }).click();
      await waitForText(region.locator('.ant-select-selection-item'), '海口市');
      await formItem(page.locator('form'), '登录账号').locator('input').fill('linxiaoyu');
      await formItem(page.locator('form'), '确认密码').locator('input').fill('Xiaoyu-2026!');
      await formItem(page.locator('form'), /^密码$/).locator('input').fill('Xiaoyu-2026!');
      await page.getByTestId('register-submit').click();
      // Registered and signed in: straight back to the application form of the dataset.
      await page.waitForURL((u) => u.pathname === `/open/datasets/${code}/apply`);
      await waitForText(page.locator('h1'), '个体工商户登记信息');
      await page.getByTestId('oa-purpose').fill('了解海口市个体经营的行业分布');
      await page.getByTestId('oa-scenario').fill('个人研究');
      await page.getByTestId('oa-security').fill('仅存放于本人电脑，不向他人提供');
      await page.getByTestId('oa-apply-submit').click();
      await page.waitForURL(/\/open\/applications\?case=/);
      await waitForText(page.getByTestId('oa-detail').getByTestId('oa-status'), '待答复');
    }, 120_000);

    it('zhangsan applies for conditional data, the provider approves, zhangsan sees the approval', async () => {
      // Not signed in: the application form sends the visitor to sign in and back.
      const visitor = await t.newPage();
      await visitor.goto(`/open/datasets/${code}/apply`);
      await visitor.waitForURL((u) => u.pathname === '/login' && (u.searchParams.get('next') ?? '').endsWith('/apply'));

      let page = await t.switchUser('zhangsan');
      await page.goto(`/open/datasets/${code}/apply`);
      await waitForText(page.locator('h1'), '个体工商户登记信息');
      await page.getByTestId('oa-apply-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '请说明数据用途');
      await page.getByTestId('oa-purpose').fill('研究海口市个体工商户的行业分布');
      await page.getByTestId('oa-scenario').fill('高校课题：海南自贸港市场主体发展报告');
      await page.getByTestId('oa-security').fill('数据存放于单位内网服务器，专人管理，不向第三方提供');
      await page.getByTestId('oa-apply-submit').click();
      await page.waitForURL(/\/open\/applications\?case=/);
      let detail = page.getByTestId('oa-detail');
      await waitForText(detail.getByTestId('oa-status'), '待答复');
      await waitForText(detail.getByTestId('share-duty'), /剩余 \d+ 个工作日/);
      await waitForText(page.getByTestId('oa-timeline'), '提交申请');
      await closeDrawer(page);
      await page.goto('/');

      page = await t.switchUser('scj_officer');
      await page.goto('/opening/applications');
      const row = await waitForText(page.getByTestId('oa-inbox-table').locator('tbody tr'), '张三');
      await waitForText(row, '待答复');
      await row.getByTestId('oa-open').click();
      detail = page.getByTestId('oa-detail');
      await waitForText(detail, '研究海口市个体工商户的行业分布');
      await page.getByTestId('oa-refuse').click();
      await page.getByTestId('oa-refuse-reason').fill('申请的数据项含个人信息');
      await page.getByTestId('oa-refuse-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '请提供法律依据');
      await page.locator('.ant-modal-footer').getByRole('button', { name: /取\s*消/ }).click();
      await page.getByTestId('oa-approve').click();
      await page.getByTestId('oa-approve-reason').fill('用途明确，安全措施充分');
      await page.getByTestId('oa-approve-submit').click();
      await waitForText(page.getByTestId('oa-detail').getByTestId('oa-status'), '已同意');
      await closeDrawer(page);

      page = await t.switchUser('zhangsan');
      await page.goto('/open/applications');
      const mine = await waitForText(page.getByTestId('oa-mine-table').locator('tbody tr'), '个体工商户登记信息');
      await waitForText(mine, '已同意');
      await mine.getByTestId('oa-open').click();
      await waitForText(page.getByTestId('oa-grant'), '已同意开放');
      await waitForText(page.getByTestId('oa-timeline'), '同意开放');
      await closeDrawer(page);
      await page.goto('/');
    }, 120_000);

    it('an extension: the provider asks, the authority and the platform operator both consent, the due date moves', async () => {
      let page = await t.switchUser('yelin_admin');
      await page.goto(`/open/datasets/${code}/apply`);
      await page.getByTestId('oa-purpose').fill('核对供应商的个体工商户登记状态');
      await page.getByTestId('oa-scenario').fill('采购供应商准入核验');
      await page.getByTestId('oa-security').fill('仅采购部门使用，访问留痕');
      await page.getByTestId('oa-apply-submit').click();
      await page.waitForURL(/\/open\/applications\?case=/);
      await closeDrawer(page);
      await page.goto('/');

      page = await t.switchUser('scj_officer');
      await page.goto('/opening/applications');
      let row = await waitForText(page.getByTestId('oa-inbox-table').locator('tbody tr'), '海南椰林食品有限公司');
      await row.getByTestId('oa-open').click();
      await page.getByTestId('oa-extend').click();
      await page.getByTestId('oa-extend-days').fill('6');
      await page.getByTestId('oa-extend-reason').fill('需会同区县核查经营者信息');
      await page.getByTestId('oa-extend-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '最多延长 5 个工作日');
      await page.getByTestId('oa-extend-days').fill('3');
      await page.getByTestId('oa-extend-submit').click();
      await waitForText(page.getByTestId('oa-detail').getByTestId('oa-extension'), '待同意');
      await closeDrawer(page);

      for (const login of ['yshj_reviewer', 'dsj_clerk']) {
        page = await t.switchUser(login);
        await page.goto('/opening/applications?tab=approver');
        row = await waitForText(page.getByTestId('oa-inbox-table').locator('tbody tr'), '海南椰林食品有限公司');
        await row.getByTestId('oa-open').click();
        await page.getByTestId('oa-vote').click();
        await page.getByTestId('oa-vote-comment').fill('理由充分，同意延期');
        await page.getByTestId('oa-vote-submit').click();
        await waitForText(page.getByTestId('oa-extension-card'), '同意延期');
        await closeDrawer(page);
      }

      page = await t.switchUser('yelin_admin');
      await page.goto('/open/applications');
      row = await waitForText(page.getByTestId('oa-mine-table').locator('tbody tr'), '个体工商户登记信息');
      await waitForText(row.getByTestId('oa-extension'), '已延期 3 个工作日');
      await page.goto('/');
    }, 150_000);

    it('a demand: zhangsan proposes, yelin_admin supports, the authority refuses with its basis, anyone reads the answer', async () => {
      let page = await t.switchUser('zhangsan');
      await page.goto('/open/demands');
      await page.getByTestId('od-propose').click();
      await page.getByTestId('od-propose-title').fill('海口市充电桩分布');
      await page.getByTestId('od-propose-description').fill('充电桩位置、功率和收费标准');
      await page.getByTestId('od-propose-scenario').fill('新能源车主找桩的手机应用');
      await page.getByTestId('od-propose-submit').click();
      let row = await waitForText(page.getByTestId('od-table').locator('tbody tr'), '海口市充电桩分布');
      await waitForText(row.getByTestId('od-status'), '待答复');
      await page.goto('/');

      page = await t.switchUser('yelin_admin');
      await page.goto('/open/demands');
      row = await waitForText(page.getByTestId('od-table').locator('tbody tr'), '海口市充电桩分布');
      await row.getByTestId('od-support').click();
      await waitForText(row.getByTestId('od-support'), '1');
      await page.goto('/');

      page = await t.switchUser('yshj_reviewer');
      await page.goto('/opening/demands');
      row = await waitForText(page.getByTestId('od-table').locator('tbody tr'), '海口市充电桩分布');
      await row.getByTestId('od-answer-open').click();
      await page.getByTestId('od-answer-status').getByText('不予开放').click();
      await page.getByTestId('od-answer-reply').fill('充电桩数据由运营企业持有，不属于公共数据');
      await page.getByTestId('od-answer-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '不予开放的，须说明依据');
      await page.getByTestId('od-answer-basis').fill('《海南省促进公共数据资源开发利用办法》第二条');
      await page.getByTestId('od-answer-submit').click();
      await waitForText(page.locator('.ant-message'), '已答复');

      const visitor = await t.newPage();
      await visitor.goto('/open/demands?status=refused');
      await waitForText(visitor.locator('h1'), '开放需求征集');
      const answer = await waitForText(visitor.getByTestId('od-table').locator('tbody tr'), '海口市充电桩分布');
      await waitForText(answer.getByTestId('od-answer'), '不属于公共数据');
      await waitForText(answer.getByTestId('od-answer'), '第二条');
      await waitForText(visitor.getByTestId('od-propose-login'), '登录后提出需求');
      // On a phone the list fits the screen without sideways scrolling.
      await visitor.setViewportSize({ width: 390, height: 844 });
      await waitForText(visitor.getByTestId('od-table').locator('tbody tr'), '海口市充电桩分布');
      expect(await visitor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }, 120_000);
  },
  { setup },
);
