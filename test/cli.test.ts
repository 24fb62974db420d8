/**
 * The `gongshu` command line on a real embedded database in a temporary DATA_DIR:
 * seed-demo, then `audit verify` passing on the intact chain and failing, naming the sequence
 * number, once an event is tampered with.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openPglite } from '../src/kernel/db.js';

const run = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');
const main = path.resolve('src/main.ts');

describe.skipIf(!!process.env.TEST_DATABASE_URL)('gongshu CLI', () => {
  let dataDir: string;
  // Without the demo datasets (GONGSHU_DEMO_POPULATION=0): the chain holds the seed's one event.
  const env = () => ({ ...process.env, DATA_DIR: dataDir, GONGSHU_ADMIN_PASSWORD: 'Admin-pass-2026', GONGSHU_DEMO_POPULATION: '0', LOG_LEVEL: 'silent' });
  const cli = async (...args: string[]) => {
    try {
      const r = await run(tsx, [main, ...args], { env: env() });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('seeds the demo province', async () => {
    const first = await cli('seed-demo');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('已导入演示省份');
  }, 120_000);

  it('audit verify exits 0 on an intact chain', async () => {
    const r = await cli('audit', 'verify');
    expect(r.code).toBe(0);
    // The seed's own event, and the demo sandbox grants made through the sharing services (two requests created and signed, one answered, one grant's settings changed).
    expect(r.stdout).toMatch(/audit chain intact: 7 events/);
  }, 60_000);

  it('audit verify exits 1 naming the first bad sequence number after tampering', async () => {
    const db = await openPglite(path.join(dataDir, 'pglite'));
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_immutable`.execute(db.kysely);
    await sql`UPDATE audit_events SET details = '{"orgs": 99}' WHERE seq = 1`.execute(db.kysely);
    await db.close();
    const r = await cli('audit', 'verify');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('BROKEN at sequence 1');
  }, 60_000);

  it('stops with exit 2 naming the variable when the config is bad', async () => {
    const r = await run(tsx, [main, 'migrate'], { env: { ...env(), PORT: 'eighty' } }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(2);
    expect((r as { stderr: string }).stderr).toContain('PORT');
  }, 60_000);
});
