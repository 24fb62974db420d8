/**
 * Use limits (000 第十五条) and disputes (000 第十六条) in the browser. 海南省公安厅 holds a grant of
 * 海南省市场监督管理局's unconditional 企业营业执照信息 (filed by 李明 gat_clerk, signed by 周强
 * gat_officer in the setup). 周强 asks to widen its use; 何军 (scj_officer) refuses without a basis
 * (stopped in the dialog), then consents, and the grant shows the new purpose. 周强 raises a dispute
 * on the share request; both institutions are provincial, so the parties negotiate first: 何军
 * records that negotiation failed, and 陈静 (yshj_reviewer, 海南省营商环境建设厅) records that
 * coordination resolved it; the timeline shows each step. A request to pass the data to 海南省生态环境厅
 * (picked by name) is refused with reason and basis, which the requester reads.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loginAs, type TestEnv } from '../test/harness.js';
import { closeDrawer, e2eSuite, waitForText } from './browser.js';

const ids = { request: '', grant: '' };

async function setup(env: TestEnv): Promise<void> {
  const entry = await env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.id')
    .where('v.name', '=', '企业营业执照信息')
    .executeTakeFirstOrThrow();
  const clerk = await loginAs(env.app, 'gat_clerk');
  const created = await clerk.post('/api/v1/sharing/requests', {
    entryId: entry.id,
    fields: ['uscc', 'name'],
    basis: '《中华人民共和国公司法》；本单位经济犯罪侦查职责',
    scenario: '经济犯罪案件中核验涉案企业登记情况',
    scope: '省公安厅经侦总队内部使用',
    method: 'api',
    validUntil: '2027-06-30',
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  const officer = await loginAs(env.app, 'gat_officer');
  const signed = await officer.post(`/api/v1/sharing/requests/${(created.json() as { id: string }).id}/sign`);
  if (signed.statusCode !== 200) throw new Error(signed.body);
  const r = signed.json() as { id: string; grantId: string | null };
  if (!r.grantId) throw new Error('the unconditional entry was not granted at signature');
  ids.request = r.id;
  ids.grant = r.grantId;
}

type Switcher = { switchUser: (l: string) => Promise<Page> };

/** Closes an open drawer (its mask covers the logout button) and signs `login` in. */
async function as(t: Switcher, login: string, page?: Page): Promise<Page> {
  if (page) await closeDrawer(page);
  return t.switchUser(login);
}

const NEW_PURPOSE = '用于全省营商环境评价中的涉案企业登记核验';

e2eSuite(
  'sharing use limits and disputes',
  (t) => {
    it('the subject asks to widen a grant; the provider refuses without basis (stopped), then consents; the grant shows the new purpose', async () => {
      let page = await as(t, 'gat_officer');
      await page.goto(`/sharing/grants?grant=${ids.grant}`);
      await waitForText(page.getByTestId('grant-detail'), '海南省市场监督管理局');
      await page.getByTestId('grant-use-request').click();
      // The form explains and checks as you type.
      await page.getByTestId('use-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error').first(), '请说明新的使用目的或场景');
      await page.getByTestId('use-purpose-input').fill(NEW_PURPOSE);
      await page.getByTestId('use-scope').fill('省公安厅经侦总队及评价工作专班');
      await page.getByTestId('use-reason').fill('省政府部署营商环境评价，须核验涉案企业登记状态');
      await page.getByTestId('use-submit').click();
      const created = await waitForText(page.getByTestId('use-created'), '申请已提交数据提供单位');
      await waitForText(created, /剩余 \d+ 个工作日|今日到期/);
      await page.getByTestId('use-created-link').click();
      await page.waitForURL(/\/sharing\/use-requests\?case=/);
      let detail = page.getByTestId('use-request-detail');
      await waitForText(detail.getByTestId('use-status'), '待答复');
      await waitForText(detail.getByTestId('use-purpose'), NEW_PURPOSE);
      await waitForText(page.getByTestId('use-requests-table').locator('tbody tr'), '扩大使用');

      page = await as(t, 'scj_officer', page);
      await page.goto('/sharing/use-requests?role=provider');
      const row = await waitForText(page.getByTestId('use-requests-table').locator('tbody tr'), '海南省公安厅');
      await waitForText(row, '扩大使用');
      await waitForText(row.getByTestId('use-status'), '待答复');
      await waitForText(row.getByTestId('share-duty'), /剩余 \d+ 个工作日|今日到期/);
      await row.getByTestId('use-open').click();
      detail = page.getByTestId('use-request-detail');
      await waitForText(detail.getByTestId('use-purpose'), NEW_PURPOSE);
      await page.getByTestId('use-refuse').click();
      await page.getByTestId('use-refuse-reason').fill('新的使用目的超出原申请场景');
      await page.getByTestId('use-refuse-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '不同意的，应当提供依据');
      await page.locator('.ant-modal-footer').getByRole('button', { name: /取\s*消/ }).click();
      await page.getByTestId('use-approve').click();
      await page.getByTestId('use-approve-confirm').click();
      await waitForText(detail.getByTestId('use-status'), '已同意');
      await waitForText(detail, '按期答复');
      await detail.getByTestId('use-grant-link').click();
      await page.waitForURL(/\/sharing\/grants\?grant=/);
      await waitForText(page.getByTestId('grant-purpose'), NEW_PURPOSE);
      expect(await page.getByTestId('grant-purpose').innerText()).toContain('评价工作专班');

      page = await as(t, 'gat_officer', page);
      await page.goto(`/sharing/grants?grant=${ids.grant}`);
      await waitForText(page.getByTestId('grant-purpose'), NEW_PURPOSE);
      await closeDrawer(page);
    }, 90_000);

    it('the subject asks to pass the data to a third institution picked by name; the provider refuses with reason and basis', async () => {
      let page = await as(t, 'gat_officer');
      await page.goto(`/sharing/grants?grant=${ids.grant}`);
      await waitForText(page.getByTestId('grant-detail'), '海南省市场监督管理局');
      await page.getByTestId('grant-use-request').click();
      await page.getByTestId('use-kind-transfer').click();
      await page.getByTestId('use-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error').first(), '提供给第三方须选择第三方机构');
      await page.locator('#thirdOrgId').fill('生态环境');
      await page.locator('.ant-select-item-option').filter({ hasText: '海南省生态环境厅' }).first().click();
      await page.getByTestId('use-purpose-input').fill('生态环境执法中核验排污企业登记情况');
      await page.getByTestId('use-scope').fill('省生态环境厅执法总队');
      await page.getByTestId('use-reason').fill('联合执法需要');
      await page.getByTestId('use-submit').click();
      await waitForText(page.getByTestId('use-created'), '申请已提交数据提供单位');
      await page.getByTestId('use-created-link').click();
      await page.waitForURL(/\/sharing\/use-requests\?case=/);
      const caseUrl = page.url();
      await waitForText(page.getByTestId('use-request-detail'), '海南省生态环境厅');

      page = await as(t, 'scj_officer', page);
      await page.goto(caseUrl);
      let detail = page.getByTestId('use-request-detail');
      await waitForText(detail, '转交第三方');
      await page.getByTestId('use-refuse').click();
      await page.getByTestId('use-refuse-reason').fill('第三方未说明数据安全保护措施');
      await page.getByTestId('use-refuse-basis').fill('《中华人民共和国数据安全法》第二十七条');
      await page.getByTestId('use-refuse-submit').click();
      await waitForText(detail.getByTestId('use-status'), '不同意');

      page = await as(t, 'gat_officer', page);
      await page.goto('/sharing/use-requests');
      const row = await waitForText(page.getByTestId('use-requests-table').locator('tbody tr'), '转交第三方');
      await waitForText(row, '海南省生态环境厅');
      await waitForText(row.getByTestId('use-status'), '不同意');
      await row.getByTestId('use-open').click();
      detail = page.getByTestId('use-request-detail');
      await waitForText(detail.getByTestId('use-decision-reason'), '第三方未说明数据安全保护措施');
      await waitForText(detail, '《中华人民共和国数据安全法》第二十七条');
      await closeDrawer(page);
    }, 90_000);

    it('a party raises a dispute on the share request; the other records negotiation failed; the authority records coordination resolved', async () => {
      let page = await as(t, 'gat_officer');
      await page.goto(`/sharing/requests/${ids.request}`);
      await waitForText(page.getByTestId('share-request-detail'), '企业营业执照信息');
      await page.getByTestId('share-dispute').click();
      await page.getByTestId('dispute-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error').first(), '请填写争议事项');
      await page.getByTestId('dispute-subject').fill('提供的数据项少于授权范围');
      await page.getByTestId('dispute-claim').fill('授权包括企业名称，但接口未返回该字段，影响案件核验');
      await page.getByTestId('dispute-submit').click();
      await page.waitForURL(/\/sharing\/disputes\?case=/);
      let detail = page.getByTestId('dispute-detail');
      await waitForText(detail.getByTestId('dispute-status'), '协商中');
      await waitForText(detail, '同级协商');
      await waitForText(detail, '海南省营商环境建设厅');
      await waitForText(detail, '海南省人民政府');
      await waitForText(detail.getByTestId('dispute-timeline'), '提出争议');

      page = await as(t, 'scj_officer', page);
      await page.goto('/sharing/disputes');
      const row = await waitForText(page.getByTestId('disputes-table').locator('tbody tr'), '提供的数据项少于授权范围');
      await waitForText(row, '海南省公安厅');
      await row.getByTestId('dispute-open').click();
      detail = page.getByTestId('dispute-detail');
      await page.getByTestId('dispute-action-escalate').click();
      await page.getByTestId('dispute-step-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error').first(), '请填写本步结果');
      await page.getByTestId('dispute-outcome').fill('双方对字段口径意见分歧');
      await page.getByTestId('dispute-text').fill('2026年双方会商一次，未达成一致，提请主管部门协调处理');
      await page.getByTestId('dispute-step-submit').click();
      await waitForText(detail.getByTestId('dispute-status'), '协调处理中');
      await waitForText(detail.getByTestId('dispute-timeline'), '双方对字段口径意见分歧');
      await waitForText(detail.getByTestId('dispute-next-actor'), '海南省营商环境建设厅');
      expect(await page.getByTestId('dispute-step-form').count()).toBe(0);

      page = await as(t, 'yshj_reviewer', page);
      await page.goto('/sharing/disputes');
      const arow = await waitForText(page.getByTestId('disputes-table').locator('tbody tr'), '提供的数据项少于授权范围');
      await waitForText(arow.getByTestId('dispute-status'), '协调处理中');
      await arow.getByTestId('dispute-open').click();
      detail = page.getByTestId('dispute-detail');
      await page.getByTestId('dispute-action-resolve').click();
      await page.getByTestId('dispute-outcome').fill('提供单位补充提供企业名称字段');
      await page.getByTestId('dispute-text').fill('经协调，市场监管局同意于3个工作日内在接口中返回企业名称');
      await page.getByTestId('dispute-step-submit').click();
      await waitForText(detail.getByTestId('dispute-status'), '已解决');
      const timeline = detail.getByTestId('dispute-timeline');
      await waitForText(timeline, '提供单位补充提供企业名称字段');
      const steps = timeline.getByTestId('dispute-step');
      expect(await steps.count()).toBe(3);
      expect(await steps.nth(0).innerText()).toContain('海南省公安厅');
      expect(await steps.nth(1).innerText()).toMatch(/未达成一致 · 协商中 → 协调处理中[\s\S]*海南省市场监督管理局 · 何军/);
      expect(await steps.nth(2).innerText()).toMatch(/达成一致 · 协调处理中 → 已解决[\s\S]*海南省营商环境建设厅 · 陈静/);
      await closeDrawer(page);
    }, 90_000);
  },
  { setup },
);
