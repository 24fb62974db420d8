/** Sign-in, sign-out, and every demo user landing on a workbench whose menu fits its roles. */
import { expect, it } from 'vitest';
import { DEMO_ORGS, type DemoOrg, type DemoUser } from '../src/modules/identity/demo.js';
import { e2eSuite, submitLogin, waitForText } from './browser.js';

/** The menu entries every signed-in user has, and the ones that depend on roles (issue 2 §3, §8). */
const ALWAYS = ['工作台', '管辖规则'];
function expectedMenu(org: DemoOrg, user: DemoUser): { shown: string[]; hidden: string[] } {
  const platformAdmin = org.roles.includes('platform_admin') && user.roles.includes('org_admin');
  const entries: Array<[string, boolean]> = [
    ['机构管理', platformAdmin],
    ['工作日历', platformAdmin],
    ['用户管理', platformAdmin || user.roles.includes('org_admin')],
    ['审计日志', platformAdmin || user.roles.includes('auditor') || org.roles.includes('auditor')],
  ];
  return {
    shown: [...ALWAYS, ...entries.filter(([, on]) => on).map(([e]) => e)],
    hidden: entries.filter(([, on]) => !on).map(([e]) => e),
  };
}

/** One demo user for each combination of org kind, org roles and user roles (17 of the 27 logins). */
const DEMO_USERS: Array<{ org: DemoOrg; user: DemoUser }> = [];
const seen = new Set<string>();
for (const org of DEMO_ORGS) {
  for (const user of org.users) {
    const key = `${org.kind ?? 'organization'}|${[...org.roles].sort().join()}|${[...user.roles].sort().join()}`;
    if (!seen.has(key)) DEMO_USERS.push({ org, user });
    seen.add(key);
  }
}

e2eSuite('login', (t) => {
  it('a wrong password shows the error and stays on /login', async () => {
    const page = await t.loginScreen();
    await submitLogin(page, 'gat_clerk', 'not-the-password-1');
    await waitForText(page.getByTestId('login-error'), '账号或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('current-user').count()).toBe(0);
  });

  it('the right password lands on 工作台 with the user named; logout returns to /login', async () => {
    const page = await t.newPage();
    await page.goto('/');
    // Not signed in: `/` is the public open data portal; the workbench is signed in from /login.
    await page.waitForURL((u) => u.pathname === '/open');
    await page.goto('/login');
    await submitLogin(page, 'gat_clerk', 'Gongshu@2026');
    await waitForText(page.getByTestId('current-user'), '李明');
    await waitForText(page.getByTestId('current-org'), '海南省公安厅');
    expect(new URL(page.url()).pathname).toBe('/');
    await waitForText(page.locator('h1, h2, h3, h4'), '工作台');
    await page.getByTestId('duties-table').waitFor();

    // The session survives a reload (the cookies are kept by the browser).
    await page.reload();
    await waitForText(page.getByTestId('current-user'), '李明');

    await page.getByTestId('logout').click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByTestId('login-submit').waitFor();
    // The session is gone: `/` shows the public open data portal, not the workbench.
    await page.goto('/');
    await page.waitForURL((u) => u.pathname === '/open');
    expect(await page.getByTestId('current-user').count()).toBe(0);
  });

  it('logout forgets the page it left: the next user signs in to 工作台, not to that page', async () => {
    const page = await t.loginPage('admin');
    await page.getByTestId('main-menu').getByText('机构管理').click();
    await page.waitForURL((u) => u.pathname === '/admin/orgs');
    await page.getByTestId('orgs-table').waitFor();
    await page.getByTestId('logout').click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByTestId('login-submit').waitFor();
    expect(page.url(), 'logout should return to a bare /login').toBe(`${t.baseUrl}/login`);
    await submitLogin(page, 'gat_clerk', 'Gongshu@2026');
    await waitForText(page.getByTestId('current-user'), '李明');
    await page.getByTestId('duties-table').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it.each(DEMO_USERS.map(({ org, user }) => [user.login, org, user] as const))(
    '%s signs in to a workbench with a menu for its roles',
    async (login, org, user) => {
      const page = await t.switchUser(login);
      await waitForText(page.getByTestId('current-user'), user.name);
      await page.getByTestId('duties-table').waitFor();
      await page.getByTestId('notifications').waitFor();
      const menu = page.getByTestId('main-menu');
      const { shown, hidden } = expectedMenu(org, user);
      for (const entry of shown) await waitForText(menu, entry);
      const text = await menu.innerText();
      for (const entry of hidden) expect(text, `${login} should not see ${entry}`).not.toContain(entry);
    },
  );
});
