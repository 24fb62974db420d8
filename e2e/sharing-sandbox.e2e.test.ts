/**
 * Sandbox grants in the browser: the demo operator (海南数据运营有限公司) has asked 省公安厅 for
 * in-platform analysis of 人口基础信息 (filed and signed over the API). The provider's approval
 * dialog lists each requested field with its default policy; gat_officer makes gender a group key,
 * is stopped below the jurisdiction's threshold, sets a higher one and release approval, and the
 * grant shows the policies to both sides.
 */
import { it } from 'vitest';
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
  const engineer = await loginAs(env.app, 'yunying_engineer');
  const admin = await loginAs(env.app, 'yunying_admin');
  const created = await engineer.post('/api/v1/sharing/requests', {
    entryId: entry.id,
    fields: ['id_number', 'name', 'gender', 'birth_date', 'address'],
    basis: '公共数据资源授权运营协议',
    scenario: '人口年龄结构统计产品研发',
    scope: '仅在平台隐私沙箱内使用',
    method: 'sandbox',
    validUntil: '2027-06-30',
  });
  if (created.statusCode !== 201) throw new Error(created.body);
  ids.request = created.json().id;
  const signed = await admin.post(`/api/v1/sharing/requests/${ids.request}/sign`);
  if (signed.statusCode !== 200) throw new Error(signed.body);
}

e2eSuite(
  'sharing-sandbox',
  (t) => {
    it('the provider approves a sandbox request with column policies, and both sides see them on the grant', async () => {
      let page = await t.switchUser('gat_officer');
      await page.goto(`/sharing/inbox?case=${ids.request}`);
      const detail = page.getByTestId('share-request-detail');
      await waitForText(detail.getByTestId('share-status'), '待答复');
      await waitForText(detail.getByTestId('share-column-policies'), '仅可关联');
      await page.getByTestId('share-approve').click();
      // The defaults by personal-information kind are filled in.
      await waitForText(page.getByTestId('sandbox-policy-id_number'), '仅可关联');
      await waitForText(page.getByTestId('sandbox-policy-name'), '不可见');
      await waitForText(page.getByTestId('sandbox-policy-birth_date'), '分组键');
      await waitForText(page.getByTestId('sandbox-policy-gender'), '明文可见');
      await chooseInRow(page, page.getByTestId('sandbox-policy-gender'), '分组键');
      // Below the jurisdiction's threshold the dialog stops; above it goes through.
      const size = page.getByTestId('sandbox-min-group-size');
      await size.fill('9');
      await page.getByTestId('share-approve-confirm').click();
      await waitForText(page.locator('.ant-form-item-explain-error'), '不得低于本辖区规定的 10');
      await size.fill('12');
      await page.getByTestId('sandbox-release-approval').click();
      await page.getByTestId('share-approve-confirm').click();
      await waitForText(detail.getByTestId('share-status'), '已同意');

      await detail.getByTestId('share-grant-link').click();
      await page.waitForURL(/\/sharing\/grants\?grant=/);
      const card = page.getByTestId('grant-sandbox-card');
      await waitForText(card.getByTestId('grant-policy-gender'), 'gender · 分组键');
      await waitForText(card.getByTestId('grant-policy-id_number'), 'id_number · 仅可关联');
      await waitForText(card, '12');
      await waitForText(card, '结果出域须经实施机构审核');
      await closeDrawer(page);

      // The operator sees the same policies on its side.
      page = await t.switchUser('yunying_engineer');
      await page.goto('/sharing/grants?role=subject&status=active');
      const rows = page.getByTestId('grants-table').locator('tbody tr');
      await waitForText(rows, '人口基础信息');
      await rows.filter({ hasText: '人口基础信息' }).first().getByTestId('grant-open').click();
      await waitForText(page.getByTestId('grant-sandbox-card'), '仅可关联');
      await closeDrawer(page);
    }, 120_000);
  },
  { setup },
);
