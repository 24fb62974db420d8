/**
 * Background jobs. Each run takes a PostgreSQL advisory lock inside its transaction, so when
 * several instances share one database only one of them runs a given job at a time. A job whose
 * work cannot sit in one transaction (HTTP, then transactions of its own) claims that work in
 * `run` and hands back the rest as `after`, which runs once the transaction has committed.
 */
import { sql } from 'kysely';
import { sm3 } from './crypto.js';
import type { Kernel } from './context.js';
import type { Trx } from './db.js';

export interface Job {
  name: string;
  /** Runs inside one transaction; returns a short summary for the job log, or that with work to do after the commit. */
  run(k: Kernel, trx: Trx): Promise<string | JobContinuation>;
}

/**
 * What a job leaves for after its transaction commits (outside the advisory lock: what `run`
 * claimed must already be marked so another instance does not claim it again).
 */
export interface JobContinuation {
  result: string;
  after(k: Kernel): Promise<string>;
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
    const { outcome, continuation } = await k.db.kysely.transaction().execute(async (trx) => {
      const got = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${lockKey(job.name).toString()}::bigint) AS locked`.execute(trx);
      if (!got.rows[0]?.locked) return { outcome: { name: job.name, ran: false, result: 'held by another instance' }, continuation: null };
      const ran = await job.run(k, trx);
      const result = typeof ran === 'string' ? ran : ran.result;
      await trx
        .insertInto('job_runs')
        .values({ name: job.name, last_run_at: k.clock.now(), last_result: result })
        .onConflict((oc) => oc.column('name').doUpdateSet({ last_run_at: k.clock.now(), last_result: result }))
        .execute();
      return { outcome: { name: job.name, ran: true, result }, continuation: typeof ran === 'string' ? null : ran };
    });
    if (continuation) {
      outcome.result = `${outcome.result}; ${await continuation.after(k)}`;
      await k.db.kysely.updateTable('job_runs').set({ last_result: outcome.result }).where('name', '=', job.name).execute();
    }
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
