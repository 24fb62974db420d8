/** The audit viewer: the trail is listed, "verify chain" says intact, then catches a tampered event. */
import { expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { e2eSuite, waitForText } from './browser.js';

async function openAudit(page: Page): Promise<void> {
  await page.getByTestId('main-menu').getByText('审计日志').click();
  await page.waitForURL((u) => u.pathname === '/audit');
  await page.getByTestId('audit-table').waitFor();
}

async function verify(page: Page): Promise<{ ok: string | null; text: string }> {
  const result = page.getByTestId('audit-verify-result');
  await page.getByTestId('audit-verify').click();
  await result.and(page.locator('[data-ok]')).waitFor();
  await page.locator('[data-testid="audit-verify"]:not(.ant-btn-loading)').waitFor();
  return { ok: await result.getAttribute('data-ok'), text: await result.innerText() };
}

e2eSuite('audit', (t) => {
  it('the auditor (网信办) opens 审计日志 and finds the chain intact', async () => {
    const page = await t.switchUser('auditor_wx');
    await openAudit(page);
    const r = await verify(page);
    expect(r.ok).toBe('true');
    expect(r.text).toContain('审计链完整');
  });

  it('admin sees the trail, verifies it intact, then a tampered event is caught by its sequence number', async () => {
    const page = await t.switchUser('admin');
    await openAudit(page);
    // The trail lists the sign-ins that just happened, newest first.
    await waitForText(page.getByTestId('audit-table').locator('tbody tr'), 'admin');

    const intact = await verify(page);
    expect(intact.ok).toBe('true');
    expect(intact.text).toContain('审计链完整');
    expect(intact.text).toMatch(/已校验 \d+ 条事件/);

    const db = t.env.k.db.kysely;
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_immutable`.execute(db);
    await sql`UPDATE audit_events SET details = '{"x":1}' WHERE seq = 2`.execute(db);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_immutable`.execute(db);

    // Ask again on the same page: the panel must show the new, broken answer.
    await page.getByTestId('audit-verify').click();
    await page.locator('[data-testid="audit-verify-result"][data-ok="false"]').waitFor();
    const broken = await page.getByTestId('audit-verify-result').innerText();
    expect(broken).toContain('审计链校验未通过');
    expect(broken).toContain('自第 2 条事件起哈希不一致');
  });
});
