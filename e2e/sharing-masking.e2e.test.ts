/**
 * Masking strategies in the browser: the provider (省公安厅, gat_officer) approves a request for
 * personal data choosing a pseudonym for the ID number in the approval dialog, sees each field's
 * strategy on the grant, and later changes the name to a truncation with a reason; the requester
 * sees the same strategies on its side. The request is filed and signed over the API.
 */
import { expect, it } from 'vitest';
import { loginAs, type TestEnv } from '../test/harness.js';
import { chooseInRow, closeDrawer, e2eSuite, waitForText } from './browser.js';

const ids: Record<string, string> = {};

async function setup(env: TestEnv): Promise<void> {
  const entry = await env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id'])
    .where('v.name', '=', '人口基础信息')
    .executeTakeFirstOrThrow();
  const c = await loginAs(env.app, 'hkfgw_analyst');
  const o = await loginAs(env.app, 'hkfgw_officer');
  const created = await c.post('/api/v1/sharing/requests', {
    entryId: entry.id,
    fields: ['id_number', 'name', 'gender'],
    basis: '《海南省促进公共数据资源开发利用办法》第十四条',
    scenario: '人才引进审核中核验申请人身份',
    scope: '仅限本单位人才服务处室内部使用',
    method: 'api',
    validUntil: '2027-06-30',
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  ids.request = created.json().id;
  const signed = await o.post(`/api/v1/sharing/requests/${ids.request}/sign`);
  if (signed.statusCode !== 200) throw new Error(signed.body);
}

e2eSuite(
  'sharing-masking',
  (t) => {
    it('the provider chooses a pseudonym on approval, then truncates the name on the grant', async () => {
      let page = await t.switchUser('gat_officer');
      await page.goto(`/sharing/inbox?case=${ids.request}`);
      const detail = page.getByTestId('share-request-detail');
      await waitForText(detail.getByTestId('share-status'), '待答复');
      await page.getByTestId('share-approve').click();
      const idRow = page.getByTestId('masking-id_number');
      await waitForText(idRow, '默认（部分遮盖）');
      // gender holds no personal information: no strategy is offered for it.
      expect(await page.getByTestId('masking-gender').count()).toBe(0);
      await chooseInRow(page, idRow, '假名化（本授权）');
      await page.getByTestId('share-approve-confirm').click();
      await waitForText(detail.getByTestId('share-status'), '已同意');

      await detail.getByTestId('share-grant-link').click();
      await page.waitForURL(/\/sharing\/grants\?grant=/);
      const card = page.getByTestId('grant-clear-card');
      await waitForText(card.getByTestId('grant-masking-id_number'), 'id_number · 假名化（本授权）');
      await waitForText(card.getByTestId('grant-masking-name'), '（默认）');

      await page.getByTestId('grant-masking-edit').click();
      await waitForText(page.getByTestId('masking-name'), '默认（部分遮盖）');
      await chooseInRow(page, page.getByTestId('masking-name'), '截断');
      const length = page.getByTestId('masking-name-length');
      await length.fill('1');
      await page.getByTestId('grant-masking-submit').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '请说明变更脱敏方式的理由');
      await page.getByTestId('grant-masking-reason').fill('核验只需姓氏');
      await page.getByTestId('grant-masking-submit').click();
      await waitForText(card.getByTestId('grant-masking-name'), 'name · 截断（前 1 位）');
      await waitForText(card.getByTestId('grant-masking-id_number'), '假名化（本授权）');

      // The requester sees the same on its side.
      await closeDrawer(page);
      page = await t.switchUser('hkfgw_analyst');
      await page.goto('/sharing/grants?role=subject&status=active');
      const row = await waitForText(page.getByTestId('grants-table').locator('tbody tr'), '人口基础信息');
      await row.getByTestId('grant-open').click();
      await waitForText(page.getByTestId('grant-masking-name'), '截断（前 1 位）');
      await waitForText(page.getByTestId('grant-masking-id_number'), '假名化（本授权）');
      await closeDrawer(page);
    }, 120_000);
  },
  { setup },
);
