/**
 * Browser tests: one Chromium and one server (a fresh seeded database, `web/dist` served) per
 * test file, a fresh browser context (cookie jar) per test.
 *
 * Without a Chromium the browser tests are skipped, loudly; with `GONGSHU_REQUIRE_E2E=1` (CI)
 * they fail instead. They also fail, naming the fix, when the web app has not been built.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ADMIN_PASSWORD, DEMO_PASSWORD, testEnv, type TestEnv, type TestEnvOptions } from '../test/harness.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const REQUIRE_E2E = process.env.GONGSHU_REQUIRE_E2E === '1';
/** The built web app (`npm run build:web`), found from this file so the working directory does not matter. */
export const WEB_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

/** How long a page may take to show what a test waits for. */
export const UI_TIMEOUT = 15_000;

export const SKIP_TITLE = `BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM_PATH} — apt-get install chromium (or set CHROMIUM_PATH)`;

function boxed(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '!'.repeat(width + 6);
  return ['', bar, ...lines.map((l) => `!! ${l.padEnd(width)} !!`), bar, ''].join('\n');
}

function chromiumInstalled(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return fs.statSync(CHROMIUM_PATH).isFile();
  } catch {
    return false;
  }
}

/** Throws, saying what to do, when the tests cannot run (no Chromium, no built web app). */
function assertReady(): void {
  if (!chromiumInstalled()) {
    throw new Error(
      `GONGSHU_REQUIRE_E2E=1 but there is no Chromium at ${CHROMIUM_PATH}: ` +
        'install it (apt-get install chromium) or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
  if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
    throw new Error(`The web app is not built (${path.join(WEB_DIR, 'index.html')} is missing): run npm run build:web`);
  }
}

export interface E2E {
  readonly env: TestEnv;
  readonly browser: Browser;
  /** `http://127.0.0.1:<port>` of this file's server. */
  readonly baseUrl: string;
  /** A page in a fresh browser context (its own cookies), closed after the test. */
  newPage(): Promise<Page>;
  /** Opens /login on a fresh page and signs in; resolves once the signed-in layout shows. */
  loginPage(login: string, password?: string): Promise<Page>;
  /**
   * Signs `login` in on one page kept for the whole file, signing out whoever was signed in
   * there first (through the app, without reloading it — much faster than a fresh page).
   */
  switchUser(login: string, password?: string): Promise<Page>;
  /** The page `switchUser` uses, signed out and showing a bare /login. */
  loginScreen(): Promise<Page>;
}

export function passwordOf(login: string): string {
  return login === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD;
}

/**
 * Waits until `locator` shows `text`; on timeout the error says what it showed instead.
 * Returns the first matching element.
 */
/**
 * Closes the open drawer, if any, and waits until it is gone. The click is dispatched on the close
 * button itself: a toast shown over it (e.g. "已同意共享") would otherwise take the pointer.
 */
export async function closeDrawer(page: Page): Promise<void> {
  const close = page.locator('.ant-drawer-open .ant-drawer-close');
  if (await close.isVisible()) {
    await close.dispatchEvent('click');
    await page.locator('.ant-drawer-open').waitFor({ state: 'detached' });
  }
}

/** The form item (label, control, error) labelled `label` inside `scope`. */
export function formItem(scope: Locator, label: string | RegExp): Locator {
  return scope.locator('.ant-form-item').filter({ has: scope.page().locator('label', { hasText: label }) });
}

/** The dropdown antd opened last (they are portalled to <body>). */
export function openDropdown(page: Page): Locator {
  return page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').last();
}

/**
 * Chooses `option` in the first select of a table row (a field's policy or masking strategy) and
 * waits until the row shows it; a click landing while the dialog or the list still animates in is
 * tried again.
 */
export async function chooseInRow(page: Page, row: Locator, option: string): Promise<void> {
  const shown = row.locator('.ant-select-selection-item', { hasText: option });
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await shown.count()) === 0) {
      await row.locator('.ant-select-selector').first().click();
      await openDropdown(page).locator('.ant-select-item-option', { hasText: option }).first().click();
    }
    const chosen = await shown
      .first()
      .waitFor({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (chosen) return;
  }
  throw new Error(`“${option}” could not be chosen in the row`);
}

export async function waitForText(locator: Locator, text: string | RegExp, timeout = UI_TIMEOUT): Promise<Locator> {
  const match = locator.filter({ hasText: text }).first();
  try {
    await match.waitFor({ state: 'visible', timeout });
  } catch {
    const shown = await locator.allInnerTexts().catch(() => []);
    throw new Error(`expected ${String(locator)} to show ${String(text)} within ${timeout} ms; it shows: ${JSON.stringify(shown)}`);
  }
  return match;
}

function isBareLogin(url: string): boolean {
  const u = new URL(url, 'http://x');
  return u.pathname === '/login' && u.search === '';
}

/** Waits for the signed-in layout naming `login`; fails with the login page's error if one shows. */
export async function waitSignedIn(page: Page, login: string): Promise<void> {
  const signedIn = page.getByTestId('current-user').filter({ hasText: login });
  const refused = page.getByTestId('login-error');
  try {
    await signedIn.or(refused).first().waitFor({ state: 'visible' });
  } catch {
    throw new Error(`signing in as ${login} showed neither the signed-in layout nor an error (at ${page.url()})`);
  }
  if (await refused.isVisible()) throw new Error(`signing in as ${login} failed: ${await refused.innerText()}`);
}

/** Fills the login form on `page` (already on /login) and submits it. */
export async function submitLogin(page: Page, login: string, password: string): Promise<void> {
  await page.getByTestId('login-name').fill(login);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/**
 * Declares a browser test suite. `body` registers the tests; `setup` runs once after the server
 * is up and before any test (e.g. to create duties on the ledger).
 */
export function e2eSuite(
  name: string,
  body: (ctx: E2E) => void,
  opts: { env?: TestEnvOptions; setup?: (env: TestEnv) => Promise<void> } = {},
): void {
  if (!chromiumInstalled() && !REQUIRE_E2E) {
    console.warn(boxed([SKIP_TITLE, `(${name}) Set GONGSHU_REQUIRE_E2E=1 to make this a failure.`]));
    describe(name, () => {
      it.skip(SKIP_TITLE, () => undefined);
    });
    return;
  }

  let env: TestEnv | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  let contexts: BrowserContext[] = [];
  let shared: Page | undefined;

  const createPage = async () => {
    const context = await ctx.browser.newContext({ baseURL: baseUrl, locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT);
    return { context, page: await context.newPage() };
  };

  const ctx: E2E = {
    get env() {
      if (!env) throw new Error('the test server is not running');
      return env;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not running');
      return browser;
    },
    get baseUrl() {
      return baseUrl;
    },
    async newPage() {
      const { context, page } = await createPage();
      contexts.push(context);
      return page;
    },
    async loginPage(login, password = passwordOf(login)) {
      const page = await ctx.newPage();
      await page.goto('/login');
      await submitLogin(page, login, password);
      await waitSignedIn(page, login);
      return page;
    },
    async switchUser(login, password = passwordOf(login)) {
      const page = await ctx.loginScreen();
      await submitLogin(page, login, password);
      await waitSignedIn(page, login);
      return page;
    },
    async loginScreen() {
      if (!shared || shared.isClosed()) shared = (await createPage()).page;
      const page = shared;
      const logout = page.getByTestId('logout');
      if (await logout.isVisible()) {
        await logout.click();
        await page.waitForURL((u) => u.pathname === '/login');
      }
      // Start from a bare /login, so that the user lands on the workbench whatever page the
      // previous user was on (the login test checks separately that logout forgets it).
      if (!isBareLogin(page.url()) || !(await page.getByTestId('login-submit').isVisible())) {
        await page.context().clearCookies();
        await page.goto('/login');
      }
      await page.getByTestId('login-submit').waitFor();
      return page;
    },
  };

  describe(name, () => {
    beforeAll(async () => {
      assertReady();
      const launching = chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
      // Start the server while Chromium starts; afterAll closes whichever came up if the other failed.
      const [b, e] = await Promise.allSettled([launching, testEnv({
        ...opts.env,
        // Every test signs in from 127.0.0.1; the per-IP login rate limit is tested elsewhere.
        config: { loginRateLimitPerMinute: 10_000, ...opts.env?.config },
        webDir: WEB_DIR,
      })]);
      if (b.status === 'fulfilled') browser = b.value;
      if (e.status === 'fulfilled') env = e.value;
      if (b.status === 'rejected') throw new Error(`Could not launch Chromium at ${CHROMIUM_PATH}: ${String(b.reason)}`);
      if (e.status === 'rejected') throw e.reason;
      await ctx.env.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = ctx.env.app.server.address();
      if (!addr || typeof addr === 'string') throw new Error(`unexpected server address ${String(addr)}`);
      baseUrl = `http://127.0.0.1:${addr.port}`;
      if (opts.setup) await opts.setup(ctx.env);
    });

    afterEach(async () => {
      const open = contexts;
      contexts = [];
      await Promise.all(open.map((c) => c.close().catch(() => undefined)));
    });

    afterAll(async () => {
      await shared?.context().close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await env?.close();
    });

    body(ctx);
  });
}
