/**
 * The public open data portal in the browser (000 第十七至二十条), without logging in: a visitor
 * arriving at `/` lands on the portal home, searches, narrows by a facet, opens an unconditionally
 * open dataset of 海南省生态环境厅 (近岸海域水质监测数据, rows loaded for the test), sees its data
 * dictionary and preview and downloads it as CSV; a conditionally open dataset offers 申请使用 after
 * signing in instead of downloads. On a phone-sized viewport (390×844) the facets open in a drawer
 * and no page scrolls sideways.
 */
import { Readable } from 'node:stream';
import fs from 'node:fs/promises';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestEnv } from '../test/harness.js';
import { receiveLoad } from '../src/modules/ingest/service.js';
import * as identityRepo from '../src/modules/identity/repo.js';
import { authFromRow } from '../src/modules/identity/views.js';
import { e2eSuite, UI_TIMEOUT, waitForText, type E2E } from './browser.js';

const OPEN_ENTRY = '近岸海域水质监测数据';
const CONDITIONAL_ENTRY = '个体工商户登记信息';
const ROWS = 30;
const codes: Record<string, string> = {};

function sample(i: number): string {
  const day = String((i % 28) + 1).padStart(2, '0');
  return [`HN${String(i).padStart(4, '0')}`, `2026-10-${day}`, ['一类', '二类', '三类'][i % 3], (1.2 + i / 10).toFixed(2), (7.9 + (i % 5) / 10).toFixed(1)].join(',');
}

async function setup(env: TestEnv): Promise<void> {
  const db = env.k.db.kysely;
  const entries = await db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.code', 'v.name'])
    .where('v.name', 'in', [OPEN_ENTRY, CONDITIONAL_ENTRY])
    .execute();
  for (const e of entries) codes[e.name] = e.code;
  const open = entries.find((e) => e.name === OPEN_ENTRY);
  if (!open || !codes[CONDITIONAL_ENTRY]) throw new Error(`the demo catalog lacks ${OPEN_ENTRY} or ${CONDITIONAL_ENTRY}`);
  const row = await identityRepo.findAuthRow(db, { login: 'sthj_clerk' });
  if (!row) throw new Error('no demo user sthj_clerk');
  const csv = `point_code,sampled_at,quality_class,cod,ph\n${Array.from({ length: ROWS }, (_, i) => sample(i + 1)).join('\n')}\n`;
  const report = await receiveLoad(env.k, authFromRow(row, 'session', null), open.id, { mode: 'replace', format: 'csv', body: Readable.from([csv]) });
  expect(report.status, JSON.stringify(report)).toBe('committed');
}

async function phonePage(t: E2E): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await t.browser.newContext({
    baseURL: t.baseUrl,
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  context.setDefaultTimeout(UI_TIMEOUT);
  return { page: await context.newPage(), close: () => context.close() };
}

/** The anonymous download limit of this suite's server. */
const DOWNLOADS_A_MINUTE = 3;

/** The page does not scroll sideways (390 px wide phone). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `the page is ${scroll}px wide in a ${client}px viewport`).toBeLessThanOrEqual(client);
}

e2eSuite(
  'opening portal',
  (t) => {
    it('a visitor without a session lands on the portal, searches, filters, opens a dataset and downloads it as CSV', async () => {
      const page = await t.newPage();
      await page.goto('/');
      await page.waitForURL((u) => u.pathname === '/open');
      await page.getByTestId('portal-home').waitFor();
      await waitForText(page.locator('h1'), '开放公共数据');
      await waitForText(page.getByTestId('portal-figures'), '开放数据集');
      await waitForText(page.getByTestId('portal-nav-login'), '登录');
      expect(await page.title()).toContain('公数 开放平台');

      // Search from the home page's box.
      await page.getByTestId('portal-home-search').locator('input').fill('水质');
      await page.getByTestId('portal-home-search').locator('input').press('Enter');
      await page.waitForURL((u) => u.pathname === '/open/datasets' && u.searchParams.get('q') === '水质');
      await waitForText(page.getByTestId('portal-result'), OPEN_ENTRY);

      // Narrow by a facet: the choice is kept in the URL, and survives a reload.
      await page.getByTestId('facet-openAttr-unconditional').click();
      await page.waitForURL((u) => u.searchParams.get('openAttr') === 'unconditional' && u.searchParams.get('q') === '水质');
      // The URL changes before the page renders the choice: wait for the rendering, not just the URL.
      await page.locator('[data-testid="facet-openAttr-unconditional"][aria-pressed="true"]').waitFor();
      // Sorting is kept in the URL too.
      await page.getByTestId('portal-sort').click();
      await page.locator('.ant-select-dropdown:visible').getByText('下载最多').click();
      await page.waitForURL((u) => u.searchParams.get('sort') === 'popular' && u.searchParams.get('openAttr') === 'unconditional');
      await page.reload();
      await waitForText(page.getByTestId('portal-sort'), '下载最多');
      const result = await waitForText(page.getByTestId('portal-result'), OPEN_ENTRY);
      await waitForText(result, '无条件开放');
      await waitForText(result, '海南省生态环境厅');

      // The dataset page: dictionary, preview, history, the rows API and its metadata links.
      await result.getByRole('link', { name: OPEN_ENTRY }).click();
      await page.waitForURL((u) => u.pathname === `/open/datasets/${codes[OPEN_ENTRY]}`);
      await waitForText(page.getByTestId('dataset-name'), OPEN_ENTRY);
      await waitForText(page.getByTestId('dataset-provider'), '海南省生态环境厅');
      await waitForText(page.getByTestId('dataset-dictionary').locator('tbody tr'), '化学需氧量');
      await waitForText(page.getByTestId('dataset-dictionary').locator('tbody tr'), 'quality_class');
      const preview = page.getByTestId('dataset-preview');
      await waitForText(preview.locator('thead'), '水质类别');
      await waitForText(preview.locator('tbody tr'), 'HN0001');
      expect(await preview.locator('tbody tr.ant-table-row').count()).toBe(10);
      await waitForText(page.getByTestId('dataset-history').locator('tbody tr'), String(ROWS));
      await waitForText(page.getByTestId('dataset-api'), `/api/v1/open/entries/${codes[OPEN_ENTRY]}/rows`);
      expect(await page.title()).toContain(OPEN_ENTRY);
      const description = await page.locator('meta[name="description"]').getAttribute('content');
      expect(description).toContain('近岸海域');
      expect(await page.locator('h1').count()).toBe(1);

      // The CSV download happens, named after the dataset, with every row.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const file = await download.path();
      const text = (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
      expect(text).toContain('HN0001');
      expect(text).toContain(`HN${String(ROWS).padStart(4, '0')}`);
      expect(text.trim().split(/\r?\n/).length).toBe(ROWS + 1);

      // The download is counted in the dataset's usage.
      await page.reload();
      await waitForText(page.getByTestId('dataset-usage'), '下载次数');
      const usage = await t.env.app.inject({ method: 'GET', url: `/api/v1/open/entries/${codes[OPEN_ENTRY]}` });
      expect(usage.statusCode, usage.body).toBe(200);
      expect((usage.json() as { usage: { downloads: number } }).usage.downloads).toBeGreaterThanOrEqual(1);
    }, 90_000);

    it('a download refused for too many a minute says so on the page, with the limit, and saves nothing', async () => {
      const page = await t.newPage();
      await page.goto(`/open/datasets/${codes[OPEN_ENTRY]}`);
      const button = page.getByTestId('download-json');
      await button.waitFor();
      let saved = 0;
      page.on('download', () => void saved++);
      // Every visitor of this suite shares 127.0.0.1 and its budget: click until the page refuses.
      // Within one window that takes at most the limit's clicks plus one; a window that ends
      // meanwhile allows as many again.
      let refusal: string | null = null;
      for (let click = 0; click <= 2 * DOWNLOADS_A_MINUTE + 1 && refusal === null; click++) {
        const before = saved;
        await expect.poll(async () => (await button.getAttribute('class')) ?? '').not.toContain('ant-btn-loading');
        await button.click();
        await expect
          .poll(async () => (saved > before ? 'saved' : (await page.locator('.ant-message-error').count()) > 0 ? 'refused' : 'waiting'), { timeout: UI_TIMEOUT })
          .not.toBe('waiting');
        if (saved === before) refusal = await page.locator('.ant-message-error').last().innerText();
      }
      expect(refusal).toContain('开放数据下载过于频繁');
      expect(refusal).toContain(`每个 IP 每分钟最多下载 ${DOWNLOADS_A_MINUTE} 次`);
      // Once the refused click has finished, no file came of it.
      const savedAtRefusal = saved;
      await expect.poll(async () => (await button.getAttribute('class')) ?? '').not.toContain('ant-btn-loading');
      expect(saved).toBe(savedAtRefusal);
    }, 90_000);

    it('a conditionally open dataset offers 申请使用 after signing in, not a download', async () => {
      const page = await t.newPage();
      await page.goto(`/open/datasets/${codes[CONDITIONAL_ENTRY]}`);
      await waitForText(page.getByTestId('dataset-name'), CONDITIONAL_ENTRY);
      await waitForText(page.getByTestId('open-attr-tag'), '有条件开放');
      await page.getByTestId('dataset-not-downloadable').waitFor();
      expect(await page.getByTestId('download-csv').count()).toBe(0);
      await page.getByTestId('dataset-apply').click();
      await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/open/datasets/${codes[CONDITIONAL_ENTRY]}/apply`);
    });

    it('paging is served by the server and kept in the URL; an unknown dataset says so', async () => {
      const listed = await t.env.app.inject({ method: 'GET', url: '/api/v1/open/entries?limit=1' });
      expect(listed.statusCode, listed.body).toBe(200);
      const total = (listed.json() as { total: number }).total;
      expect(total, 'the demo catalog should fill more than one page of 20').toBeGreaterThan(20);
      const page = await t.newPage();
      await page.goto('/open/datasets');
      await waitForText(page.getByTestId('portal-total'), `共 ${total} 个数据集`);
      expect(await page.getByTestId('portal-result').count()).toBe(20);
      await page.getByTestId('portal-pagination').getByTitle('2', { exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('page') === '2');
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="portal-result"]').length === n, Math.min(20, total - 20));
      await page.goBack();
      await page.waitForURL((u) => !u.searchParams.has('page'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="portal-result"]').length === 20);

      await page.goto('/open/datasets/NO-SUCH-DATASET');
      await waitForText(page.locator('.ant-result-title'), '数据集不存在或未开放');
    });

    it('the report page shows the province-wide figures', async () => {
      const page = await t.newPage();
      await page.goto('/open');
      await page.getByTestId('portal-nav-report').click();
      await page.waitForURL((u) => u.pathname === '/open/report');
      await waitForText(page.locator('h1'), '公共数据开放报告');
      await waitForText(page.getByTestId('report-summary'), '开放数据集');
      await waitForText(page.getByTestId('report-providers').locator('tbody tr'), '海南省生态环境厅');
      await waitForText(page.getByTestId('report-datasets').locator('tbody tr'), OPEN_ENTRY);
      // Opened directly (as a crawler would), the page has its own title.
      await page.reload();
      await waitForText(page.locator('h1'), '公共数据开放报告');
      expect(await page.title()).toContain('开放报告');
    });

    it('on a phone the facets open in a drawer and no page scrolls sideways', async () => {
      const { page, close } = await phonePage(t);
      try {
        await page.goto('/open');
        await page.getByTestId('portal-home').waitFor();
        await page.getByTestId('portal-figures').waitFor();
        await expectNoSidewaysScroll(page);

        // The header's links sit behind the menu button.
        expect(await page.getByTestId('portal-nav-datasets').count()).toBe(0);
        await page.getByTestId('portal-menu').click();
        await page.getByTestId('portal-menu-drawer').getByTestId('portal-nav-datasets').click();
        await page.waitForURL((u) => u.pathname === '/open/datasets');
        await page.getByTestId('portal-result').first().waitFor();
        expect(await page.getByTestId('portal-facets').count()).toBe(0);
        await expectNoSidewaysScroll(page);

        // The facets are in a drawer; picking one closes it and narrows the results.
        await page.getByTestId('portal-facets-open').click();
        const drawer = page.locator('.ant-drawer-open').getByTestId('portal-facets');
        await drawer.waitFor();
        await drawer.getByTestId('facet-openAttr-unconditional').click();
        await page.waitForURL((u) => u.searchParams.get('openAttr') === 'unconditional');
        await page.locator('.ant-drawer-open').waitFor({ state: 'detached' });
        await waitForText(page.getByTestId('portal-total'), '个数据集');

        // Tap targets are large enough to hit with a finger.
        const box = await page.getByTestId('portal-facets-open').boundingBox();
        expect(box?.height ?? 0).toBeGreaterThanOrEqual(40);

        await page.goto(`/open/datasets/${codes[OPEN_ENTRY]}`);
        await waitForText(page.getByTestId('dataset-name'), OPEN_ENTRY);
        await page.getByTestId('dataset-preview').waitFor();
        await page.getByTestId('download-csv').waitFor();
        await expectNoSidewaysScroll(page);
      } finally {
        await close();
      }
    }, 90_000);
  },
  // A low download limit, so that the refusal is reached in a few clicks (the first test downloads once).
  { setup, env: { config: { openDownloadRateLimitPerMinute: DOWNLOADS_A_MINUTE } } },
);
