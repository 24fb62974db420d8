/**
 * The base and theme databases (000 第十条): the list shows each collection with its member
 * count, on-time share and overdue count; a collection's page lists its members with their last
 * load, live rows, next due, overdue tag and quality score, linking to the catalog; the platform
 * administrator adds and removes a member.
 */
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import type { TestEnv } from '../test/harness.js';
import type { AuthContext } from '../src/kernel/auth.js';
import { receiveLoad } from '../src/modules/ingest/service.js';
import { synthUscc } from '../src/modules/ingest/synth.js';
import { e2eSuite, waitForText } from './browser.js';

async function entryId(env: TestEnv, name: string): Promise<{ id: string; provider: string }> {
  return env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.provider_org_id as provider'])
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
}

/** 企业营业执照信息 loaded (12 rows) through the ingest path; 个体工商户登记信息 left unloaded. */
async function setup(env: TestEnv): Promise<void> {
  const e = await entryId(env, '企业营业执照信息');
  const clerk = await env.k.db.kysely
    .selectFrom('users as u')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select(['u.id', 'u.login', 'u.name', 'u.org_id', 'u.roles', 'o.name as org_name', 'o.uscc', 'o.region_code', 'o.roles as org_roles'])
    .where('u.login', '=', 'scj_clerk')
    .executeTakeFirstOrThrow();
  const auth: AuthContext = {
    user: { id: clerk.id, login: clerk.login, name: clerk.name, orgId: clerk.org_id, roles: clerk.roles },
    org: { id: clerk.org_id, name: clerk.org_name, uscc: clerk.uscc, kind: 'organization', regionCode: clerk.region_code, roles: clerk.org_roles },
    roles: [...clerk.org_roles, ...clerk.roles],
    via: 'session',
    apiKeyId: null,
  };
  const csv = `uscc,name\n${Array.from({ length: 12 }, (_, i) => `${synthUscc('460100', i + 1)},海南测试企业${i + 1}有限公司`).join('\n')}\n`;
  await receiveLoad(env.k, auth, e.id, { mode: 'replace', format: 'csv', body: Readable.from([csv]) });
}

e2eSuite(
  'collections',
  (t) => {
    it('lists the base and theme databases with member counts, on-time share and overdue counts', async () => {
      const page = await t.switchUser('hkfgw_analyst');
      await page.goto('/collections');
      const base = page.getByTestId('collections-table-base');
      const legal = await waitForText(base.locator('tbody tr'), '法人基础库');
      await waitForText(legal, '海南省市场监督管理局');
      await waitForText(legal, '1/2'); // one of two members loaded on time
      await waitForText(base.locator('tbody tr'), '人口基础库');
      await waitForText(page.getByTestId('collections-table-theme').locator('tbody tr'), '生态环境');
    });

    it('shows a collection’s members with their freshness and quality, linking to the catalog', async () => {
      const page = await t.switchUser('hkfgw_analyst');
      await page.goto('/collections');
      await (await waitForText(page.getByTestId('collections-table-base').locator('tbody tr'), '法人基础库')).getByRole('link', { name: '法人基础库' }).click();
      await page.waitForURL(/\/collections\/base-legal-person$/);
      const members = page.getByTestId('collection-members');
      const loaded = await waitForText(members.locator('tbody tr'), '企业营业执照信息');
      await waitForText(loaded, '按时');
      await waitForText(loaded, '12');
      await waitForText(loaded, '每日');
      await waitForText(loaded, /\d+\.\d%/);
      const unloaded = await waitForText(members.locator('tbody tr'), '个体工商户登记信息');
      await waitForText(unloaded, '未汇聚');
      // No management for a non-administrator.
      expect(await page.getByTestId('collection-add-button').count()).toBe(0);
      await loaded.getByRole('link', { name: '企业营业执照信息' }).click();
      await page.waitForURL(/\/catalog\/entries\/[0-9a-f-]+$/);
    });

    it('the platform administrator adds a member with the entry picker and removes it', async () => {
      const page = await t.switchUser('admin');
      await page.goto('/collections/theme-state-assets');
      await page.getByTestId('collection-add-button').click();
      await page.getByTestId('collection-entry-picker').click();
      await page.keyboard.type('重大项目');
      await page.locator('.ant-select-item-option').filter({ hasText: '海口市重大项目库' }).first().click();
      // Close the option list (Escape would close the dialog) before saving.
      await page.locator('.ant-modal-title').click();
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      const row = await waitForText(page.getByTestId('collection-members').locator('tbody tr'), '海口市重大项目库');
      await row.getByTestId('collection-remove-member').click();
      await page.locator('.ant-popconfirm .ant-btn-primary').click();
      await waitForText(page.getByTestId('collection-members'), '尚未建立');
    });
  },
  { setup },
);
