/**
 * Background jobs. Each run takes a PostgreSQL advisory lock inside its transaction, so when
 * several instances share one database only one of them runs a given job at a time.
 */
import { sql } from 'kysely';
import { sm3 } from './crypto.js';
import type { Kernel } from './context.js';
import type { Trx } from './db.js';

export interface Job {
  name: string;
  /** Runs inside one transaction; returns a short summary for the job log. */
  run(k: Kernel, trx: Trx): Promise<string>;
}

/** A stable 63-bit lock key per job name. */
export function lockKey(name: string): bigint {
  return BigInt(`0x${sm3(`gongshu-job:${name}`).slice(0, 15)}`);
}

export interface JobOutcome {
  name: string;
  ran: boolean;
  result: string;
}

/** Runs each job once if no other instance holds its lock. */
export async function runJobsOnce(k: Kernel, jobs: readonly Job[]): Promise<JobOutcome[]> {
  const out: JobOutcome[] = [];
  for (const job of jobs) {
    const outcome = await k.db.kysely.transaction().execute(async (trx) => {
      const got = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${lockKey(job.name).toString()}::bigint) AS locked`.execute(trx);
      if (!got.rows[0]?.locked) return { name: job.name, ran: false, result: 'held by another instance' };
      const result = await job.run(k, trx);
      await trx
        .insertInto('job_runs')
        .values({ name: job.name, last_run_at: k.clock.now(), last_result: result })
        .onConflict((oc) => oc.column('name').doUpdateSet({ last_run_at: k.clock.now(), last_result: result }))
        .execute();
      return { name: job.name, ran: true, result };
    });
    out.push(outcome);
  }
  return out;
}

/** Runs the jobs every `intervalSeconds` until stopped; a failing job is logged, not fatal. */
export function startJobs(k: Kernel, jobs: readonly Job[], log: (msg: string, err?: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = runJobsOnce(k, jobs).catch((err) => log('background job failed', err));
  };
  const timer = setInterval(tick, k.config.jobIntervalSeconds * 1000);
  timer.unref();
  setTimeout(tick, 1000).unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
