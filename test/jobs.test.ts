/**
 * Background jobs: each run records its outcome, the deadline sweeper marks what fell due, and a
 * job whose advisory lock another instance holds is skipped (PostgreSQL: a second connection).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POOL_CONNECTION_LIFETIME_S } from '../src/kernel/db.js';
import { kernelJobs } from '../src/kernel/kernel-jobs.js';
import { lockKey, runJobsOnce } from '../src/kernel/jobs.js';
import { testEnv, type TestEnv } from './harness.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(async () => {
  await env.close();
});

describe('background jobs', () => {
  it('runs every kernel job once and records each run', async () => {
    const out = await runJobsOnce(env.k, kernelJobs);
    expect(out.map((o) => o.name)).toEqual(['deadlines.sweep', 'audit.checkpoint', 'sessions.cleanup', 'db.analyze']);
    expect(out.every((o) => o.ran)).toBe(true);
    expect(out.find((o) => o.name === 'db.analyze')!.result).toBe(env.k.db.kind === 'pglite' ? 'planner statistics refreshed' : 'left to autovacuum');
    const runs = await env.k.db.kysely.selectFrom('job_runs').select(['name', 'last_result']).orderBy('name').execute();
    expect(runs.map((r) => r.name)).toEqual(['audit.checkpoint', 'db.analyze', 'deadlines.sweep', 'sessions.cleanup']);
  });

  it('gives each job its own stable lock key', () => {
    const keys = kernelJobs.map((j) => lockKey(j.name));
    expect(new Set(keys).size).toBe(keys.length);
    expect(lockKey('deadlines.sweep')).toBe(lockKey('deadlines.sweep'));
    expect(lockKey('deadlines.sweep') < 2n ** 63n).toBe(true);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('skips a job while another instance holds its lock, and runs it after', async () => {
    const other = new pg.Client({ connectionString: env.k.db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey('deadlines.sweep').toString()]);
      const held = await runJobsOnce(env.k, kernelJobs);
      expect(held.find((o) => o.name === 'deadlines.sweep')).toEqual({ name: 'deadlines.sweep', ran: false, result: 'held by another instance' });
      expect(held.filter((o) => o.name !== 'deadlines.sweep').every((o) => o.ran)).toBe(true);
      await other.query('COMMIT');
      const free = await runJobsOnce(env.k, kernelJobs);
      expect(free.find((o) => o.name === 'deadlines.sweep')!.ran).toBe(true);
    } finally {
      await other.end();
    }
  });
});

describe('the PostgreSQL pool', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)('survives the server ending an idle connection, and reconnects', async () => {
    const db = env.k.db.kysely;
    await db.selectFrom('orgs').select('id').limit(1).execute();
    const other = new pg.Client({ connectionString: env.k.db.url });
    await other.connect();
    try {
      await other.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    } finally {
      await other.end();
    }
    await new Promise((r) => setTimeout(r, 200));
    const rows = await db.selectFrom('orgs').select('id').limit(1).execute();
    expect(rows).toHaveLength(1);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('retires each connection after its lifetime, so the prepared statements a connection keeps are bounded', async () => {
    const pool = env.k.db.pool as unknown as { options: { maxLifetimeSeconds: number } };
    expect(pool.options.maxLifetimeSeconds).toBe(POOL_CONNECTION_LIFETIME_S);
    expect(POOL_CONNECTION_LIFETIME_S).toBeGreaterThan(0);
  });
});
