/**
 * The privacy sandbox in the browser (数据可用不可见): the demo operator's engineer (钟毅
 * yunying_engineer, 海南数据运营有限公司) opens the sandbox, sees the granted view of 人口基础信息 with
 * each column's policy, runs aggregate queries (a group below the threshold hidden and counted), is
 * refused — with the rule and the column named — a query that would reveal one person, releases a
 * vetted result and downloads it; under a grant that needs approval, the implementing agency
 * (孙悦 ssjg_clerk) approves the release on its own page; under differential privacy each query
 * spends ε, the panel shows what is left and a query past the budget is refused.
 *
 * The population rows are loaded by 省公安厅 through the ingest API: 303 people over five addresses,
 * one of them with only 3 people (below the threshold of 10). The sandbox grant is the demo one when
 * the demo seeds it, otherwise it is asked for, signed and approved over the sharing API.
 *
 * Each test stands alone (any one can be run by itself with `-t`): it sets the grant's settings it
 * relies on (release approval, differential privacy) and makes the earlier queries it looks for.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loginAs, type TestEnv } from '../test/harness.js';
import { synthIdNumber } from '../src/modules/ingest/synth.js';
import { e2eSuite, waitForText } from './browser.js';

const ENTRY = '人口基础信息';
const ADDRESSES = ['海口市龙华区', '海口市美兰区', '三亚市吉阳区', '儋州市那大镇'];
const SMALL_ADDRESS = '三沙市西沙区';
const PEOPLE = 303;
const ids: { entryId: string; code: string; grantId: string } = { entryId: '', code: '', grantId: '' };

const SURNAMES = [...'王李张刘陈杨黄赵吴周符邢'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明'];

function populationCsv(): string {
  const lines = ['id_number,name,gender,birth_date,address'];
  for (let i = 1; i <= PEOPLE; i++) {
    const year = 1950 + (i % 50);
    const birth = `${year}-03-07`;
    const address = i <= 3 ? SMALL_ADDRESS : (ADDRESSES[Math.floor(i / 2) % ADDRESSES.length] as string);
    lines.push([synthIdNumber('460105', birth.replaceAll('-', ''), i), `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}`, i % 2 ? '男' : '女', birth, address].join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function ok(res: { statusCode: number; body: string }, what: string): Promise<void> {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
}

/** The operator's sandbox view of the entry, if one is usable now. */
async function operatorView(env: TestEnv): Promise<{ name: string; grantId: string } | undefined> {
  const op = await loginAs(env.app, 'yunying_engineer');
  const res = await op.get('/api/v1/sandbox/views');
  await ok(res, 'sandbox views');
  const views = (res.json() as { views: Array<{ name: string; grantId: string }> }).views;
  return views.find((v) => v.name === ids.code);
}

async function setup(env: TestEnv): Promise<void> {
  const entry = await env.k.db.kysely
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.code'])
    .where('v.name', '=', ENTRY)
    .executeTakeFirstOrThrow();
  ids.entryId = entry.id;
  ids.code = entry.code;

  const gat = await loginAs(env.app, 'gat_clerk');
  const load = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${entry.id}/loads?mode=replace`,
    headers: { cookie: gat.cookie, 'x-csrf-token': gat.csrf, 'content-type': 'text/csv' },
    payload: populationCsv(),
  });
  await ok(load, 'population load');

  let view = await operatorView(env);
  if (!view) {
    // No demo grant: the operator asks for sandbox analysis, its admin signs, 公安厅 approves.
    const engineer = await loginAs(env.app, 'yunying_engineer');
    const created = await engineer.post('/api/v1/sharing/requests', {
      entryId: entry.id,
      fields: ['id_number', 'name', 'gender', 'birth_date', 'address'],
      basis: '《海南省公共数据授权运营管理办法》授权运营协议',
      scenario: '人口结构统计分析，形成分区域人口画像数据产品',
      scope: '仅在平台隐私沙箱内分析，只导出经审查的聚合结果',
      method: 'sandbox',
      validUntil: '2027-06-30',
    });
    await ok(created, 'sandbox request');
    const signed = await (await loginAs(env.app, 'yunying_admin')).post(`/api/v1/sharing/requests/${created.json().id}/sign`);
    await ok(signed, 'sign');
    const decided = await (await loginAs(env.app, 'gat_officer')).post(`/api/v1/sharing/requests/${created.json().id}/decide`, {
      decision: 'approve',
      columnPolicies: { id_number: 'join_key', name: 'hidden', gender: 'group_key', birth_date: 'group_key', address: 'group_key' },
    });
    await ok(decided, 'approve');
    view = await operatorView(env);
  }
  if (!view) throw new Error(`the operator has no usable sandbox view of ${ENTRY} (${ids.code})`);
  ids.grantId = view.grantId;
}

/** The sandbox settings the provider (公安厅) gives the grant; what is left out stays as it is. */
async function grantSettings(env: TestEnv, body: { releaseApproval?: boolean; dp?: { epsilonBudget: number; epsilonPerQuery: number } | null; reason: string }): Promise<void> {
  const gat = await loginAs(env.app, 'gat_officer');
  const res = await gat.put(`/api/v1/grants/${ids.grantId}/sandbox`, body);
  expect(res.statusCode, res.body).toBe(200);
}

/** The grant as approved: results leave without the agency's approval, counts are exact. */
const plainGrant = (env: TestEnv) => grantSettings(env, { releaseApproval: false, dp: null, reason: '按批准时的设置：结果出域无须审批，不加噪' });

/** Runs a query as the operator through the API (an earlier query of the org's history). */
async function runQuery(env: TestEnv, sql: string): Promise<void> {
  const op = await loginAs(env.app, 'yunying_engineer');
  await ok(await op.post('/api/v1/sandbox/queries', { sql }), 'sandbox query');
}

/** Replaces the editor's text (CodeMirror's contenteditable). */
async function writeSql(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('sandbox-sql-input');
  await input.click();
  await input.fill(text);
  await waitForText(input, text.trim());
}

async function openSandbox(page: Page): Promise<void> {
  await page.getByRole('menuitem', { name: /隐私计算沙箱/ }).click();
  await page.waitForURL((u) => u.pathname === '/sandbox');
  await waitForText(page.getByTestId('sandbox-view-name'), `"${ids.code}"`);
}

e2eSuite(
  'sandbox',
  (t) => {
    it('the operator sees the granted view and each column policy, and runs an aggregate query with Ctrl+Enter', async () => {
      await plainGrant(t.env);
      const page = await t.switchUser('yunying_engineer');
      await openSandbox(page);
      const view = page.getByTestId('sandbox-view').filter({ hasText: ENTRY });
      await waitForText(view, ENTRY);
      const policyOf = async (column: string) => view.locator(`[data-testid="sandbox-column"][data-column="${column}"]`).getByTestId('sandbox-policy').innerText();
      expect(await policyOf('name')).toBe('不可见');
      expect(await policyOf('id_number')).toBe('仅可关联');
      expect(await policyOf('address')).toBe('分组键');
      await waitForText(view.getByTestId('sandbox-threshold'), '分组不少于 10 人');
      // The policy's meaning is one hover away.
      await view.locator('[data-testid="sandbox-column"][data-column="id_number"]').getByTestId('sandbox-policy').hover();
      await waitForText(page.locator('.ant-tooltip'), 'JOIN … ON');

      // Completion offers the granted columns.
      await writeSql(page, 'SELECT ');
      await page.keyboard.press('End');
      await page.keyboard.type('addr');
      await waitForText(page.locator('.cm-tooltip-autocomplete'), 'address');
      await page.keyboard.press('Escape');

      await writeSql(page, `SELECT address, count(*) AS n FROM "${ids.code}" GROUP BY address ORDER BY address`);
      await page.keyboard.press('Control+Enter');
      const result = page.getByTestId('sandbox-result');
      await waitForText(result.getByTestId('sandbox-suppressed'), '已隐藏 1 个小于 10 人的分组');
      await waitForText(result.getByTestId('sandbox-row-count'), '共 4 行');
      const grid = result.getByTestId('sandbox-grid');
      for (const a of ADDRESSES) await waitForText(grid.locator('tbody tr'), a);
      expect(await grid.innerText()).not.toContain(SMALL_ADDRESS);
      await page.waitForURL(/[?&]query=/);
      // The history lists it with its decision and the hidden group.
      const row = await waitForText(page.getByTestId('sandbox-history-row'), 'GROUP BY address');
      await waitForText(row.getByTestId('sandbox-history-decision'), '已执行');
    }, 120_000);

    it('a query that would reveal one person is refused, naming the rule, the column and the article', async () => {
      await plainGrant(t.env);
      const page = await t.switchUser('yunying_engineer');
      await openSandbox(page);
      await writeSql(page, `SELECT name FROM "${ids.code}"`);
      await page.getByTestId('sandbox-run').click();
      const refusal = page.getByTestId('sandbox-rejection');
      await waitForText(refusal.getByTestId('sandbox-rejection-rule'), '查询被拒绝：该列不可见');
      await waitForText(refusal.getByTestId('sandbox-rejection-column'), 'name');
      await waitForText(refusal, '依据');
      expect(await refusal.getAttribute('data-rule')).toBe('hidden');

      // Counting people by one ID number: the ID number may only join.
      await writeSql(page, `SELECT count(*) AS n FROM "${ids.code}" WHERE id_number = '${synthIdNumber('460105', '19510307', 1)}'`);
      await page.getByTestId('sandbox-run').click();
      await waitForText(refusal.getByTestId('sandbox-rejection-column'), 'id_number');
      await waitForText(refusal.getByTestId('sandbox-rejection-rule'), '该列仅可用于关联');
      // Both refusals are in the history, with the rule.
      await waitForText(page.getByTestId('sandbox-history-decision'), '已拒绝 · 该列不可见');
    }, 120_000);

    it('the operator releases a vetted result (出域审查) and downloads it; a history click loads an earlier query', async () => {
      await plainGrant(t.env);
      // The earlier query the history click goes back to.
      const earlier = `SELECT address, count(*) AS residents FROM "${ids.code}" GROUP BY address ORDER BY address`;
      await runQuery(t.env, earlier);
      const page = await t.switchUser('yunying_engineer');
      await openSandbox(page);
      await writeSql(page, `SELECT gender, count(*) AS n FROM "${ids.code}" GROUP BY gender`);
      await page.getByTestId('sandbox-run').click();
      const result = page.getByTestId('sandbox-result');
      await waitForText(result.getByTestId('sandbox-row-count'), '共 2 行');
      await waitForText(result.getByTestId('sandbox-suppressed'), '无分组被隐藏');
      await result.getByTestId('sandbox-release').click();
      const outcome = result.getByTestId('sandbox-release-outcome');
      await waitForText(outcome, '已通过出域审查');
      expect(await outcome.getAttribute('data-status')).toBe('released');
      const href = await result.getByTestId('sandbox-download').getAttribute('href');
      expect(href).toMatch(/\/api\/v1\/sandbox\/queries\/[0-9a-f-]+\/download\?format=csv/);
      const res = await page.request.get(href as string);
      expect(res.status()).toBe(200);
      const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      expect(lines[0]).toBe('gender,n');
      expect(lines.slice(1).sort()).toEqual(['女,151', '男,152'].sort());

      // Back to the earlier query from the history: its SQL and its result come back.
      const first = await waitForText(page.getByTestId('sandbox-history-row'), 'AS residents');
      await first.getByTestId('sandbox-history-open').click();
      await waitForText(page.getByTestId('sandbox-sql-input'), earlier);
      await waitForText(page.getByTestId('sandbox-result').getByTestId('sandbox-row-count'), '共 4 行');
      await waitForText(page.getByTestId('sandbox-result').getByTestId('sandbox-grid'), ADDRESSES[0] as string);
    }, 120_000);

    it('when the sandbox page’s code cannot be fetched, the page says so and 重试 loads it', async () => {
      const page = await t.loginPage('yunying_engineer');
      // The page is fetched on first visit; here the fetch fails (a dropped network, or a release
      // that replaced the file this tab names).
      const chunk = /\/assets\/SandboxPage-[\w-]+\.js$/;
      await page.route(chunk, (route) => route.abort('failed'));
      await page.getByRole('menuitem', { name: /隐私计算沙箱/ }).click();
      await page.waitForURL((u) => u.pathname === '/sandbox');
      await waitForText(page.getByTestId('page-load-failed'), '页面加载失败');
      // The layout stays: the menu is still there to go elsewhere.
      await waitForText(page.getByTestId('current-user'), 'yunying_engineer');

      await page.unroute(chunk);
      await page.getByTestId('page-load-retry').click();
      await waitForText(page.getByTestId('sandbox-view-name'), `"${ids.code}"`);
      expect(await page.getByTestId('page-load-failed').count()).toBe(0);
    }, 120_000);

    it('under a grant that needs approval, the release waits for the implementing agency, which approves it on its page', async () => {
      await grantSettings(t.env, { releaseApproval: true, dp: null, reason: '结果用于对外发布的数据产品，出域前须经实施机构审核' });

      let page = await t.switchUser('yunying_engineer');
      await openSandbox(page);
      await waitForText(page.getByTestId('sandbox-view'), '导出须实施机构审批');
      await writeSql(page, `SELECT gender, count(*) AS people FROM "${ids.code}" GROUP BY gender`);
      await page.getByTestId('sandbox-run').click();
      const result = page.getByTestId('sandbox-result');
      await waitForText(result.getByTestId('sandbox-row-count'), '共 2 行');
      await result.getByTestId('sandbox-release').click();
      await waitForText(result.getByTestId('sandbox-release-outcome'), '等待实施机构审批');

      page = await t.switchUser('ssjg_clerk');
      await page.getByRole('menuitem', { name: /出域审查/ }).click();
      await page.waitForURL((u) => u.pathname === '/sandbox/releases');
      const row = await waitForText(page.getByTestId('releases-table').locator('tbody tr'), 'AS people');
      await waitForText(row, '海南数据运营有限公司');
      // The result is previewed before deciding.
      await row.locator('.ant-table-row-expand-icon').click();
      const preview = page.getByTestId('release-preview');
      await waitForText(preview.locator('tbody tr'), '男');
      await waitForText(preview.locator('tbody tr'), '女');
      await row.getByTestId('release-approve').click();
      await page.getByTestId('release-approve-confirm').click();
      await waitForText(page.getByTestId('releases-table'), '暂无待审批的导出申请');
      await page.getByRole('tab', { name: '已导出' }).click();
      await page.waitForURL(/status=released/);
      await waitForText(page.getByTestId('releases-table').locator('tbody tr'), 'AS people');

      page = await t.switchUser('yunying_engineer');
      await openSandbox(page);
      const mine = await waitForText(page.getByTestId('sandbox-history-row'), 'AS people');
      await waitForText(mine.getByTestId('sandbox-release-status'), '已导出');
    }, 120_000);

    it('under differential privacy each query spends ε, the panel shows what is left, and a query past the budget is refused', async () => {
      await grantSettings(t.env, { dp: { epsilonBudget: 1, epsilonPerQuery: 0.5 }, reason: '对外提供统计结果，启用差分隐私' });

      const page = await t.switchUser('yunying_engineer');
      await openSandbox(page);
      const dp = page.getByTestId('sandbox-view').filter({ hasText: ENTRY }).getByTestId('sandbox-dp');
      await waitForText(dp, '差分隐私：剩余 ε 1 / 1');
      const sql = `SELECT gender, count(*) AS noisy FROM "${ids.code}" GROUP BY gender`;
      for (const left of ['0.5', '0']) {
        await writeSql(page, sql);
        await page.getByTestId('sandbox-run').click();
        await waitForText(page.getByTestId('sandbox-result').getByTestId('sandbox-epsilon'), '本次消耗 ε 0.5');
        await waitForText(dp, `差分隐私：剩余 ε ${left} / 1`);
      }
      await writeSql(page, sql);
      await page.getByTestId('sandbox-run').click();
      const refusal = page.getByTestId('sandbox-rejection');
      await waitForText(refusal.getByTestId('sandbox-rejection-rule'), '查询被拒绝：差分隐私预算已用尽');
      expect(await refusal.getAttribute('data-rule')).toBe('epsilon_exhausted');
      // Nothing was charged for the refused query.
      await waitForText(dp, '差分隐私：剩余 ε 0 / 1');
    }, 120_000);
  },
  { setup },
);
