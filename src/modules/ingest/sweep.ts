/**
 * The clean-up of loads whose process is gone (000 第八条: a failed load leaves the live data
 * untouched and nothing behind). A load still 'validating' with no heartbeat for the configured
 * stale age (INGEST_STALE_LOAD_MINUTES) is failed with its audit event and its staging table
 * dropped; a table `datasets.l_*` that belongs to no kept dataset version and to no load in
 * progress is dropped.
 */
import { sql } from 'kysely';
import { audit } from '../../kernel/audit.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import type { Job } from '../../kernel/jobs.js';
import * as repo from './repo.js';

export interface SweepResult {
  /** Loads failed as stale. */
  failed: string[];
  /** Tables dropped (the stale loads' staging tables and the orphans). */
  dropped: string[];
  /** Tables still locked by a live connection; tried again on the next run. */
  busy: string[];
}

/** The message a stale load is left with. */
export const staleMessage = (minutes: number, loadId: string) =>
  `汇聚进程中断：本批次超过 ${minutes} 分钟没有进展，已判定失败，未汇聚，现行版本不变；请重新上传（批次 ${loadId}）`;

/**
 * Drops one table inside the sweep's transaction without waiting on a lock held by a connection
 * still writing to it (a stuck COPY): such a table is left for the next run.
 */
async function dropIfFree(trx: Trx, name: string): Promise<boolean> {
  await sql`SAVEPOINT ingest_sweep_drop`.execute(trx);
  try {
    await repo.dropDatasetTable(trx, name);
    await sql`RELEASE SAVEPOINT ingest_sweep_drop`.execute(trx);
    return true;
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT ingest_sweep_drop`.execute(trx);
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === '55P03') return false;
    throw err;
  }
}

/** Fails the stale loads and drops the tables nothing needs, in the caller's transaction. */
export async function sweepLoads(k: Kernel, trx: Trx): Promise<SweepResult> {
  const minutes = k.config.ingestStaleLoadMinutes;
  const now = k.clock.now();
  const before = new Date(now.getTime() - minutes * 60_000);
  const result: SweepResult = { failed: [], dropped: [], busy: [] };
  for (const load of await repo.lockStaleLoads(trx, before)) {
    const message = staleMessage(minutes, load.id);
    await repo.updateLoad(trx, load.id, { status: 'failed', message, version_no: null, finished_at: now });
    await audit(k, trx, SYSTEM_ACTOR, {
      action: 'ingest.load_failed',
      objectType: 'catalog_entry',
      objectId: load.entry_id,
      details: {
        loadId: load.id,
        mode: load.mode,
        format: load.format,
        message,
        startedAt: new Date(load.started_at).toISOString(),
        lastSeenAt: new Date(load.seen_at ?? load.started_at).toISOString(),
      },
    });
    result.failed.push(load.id);
  }
  // The stale loads' tables are orphans now: one query finds them with the others. A drop does
  // not wait long on a table a live connection still holds.
  await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
  for (const name of await repo.orphanTables(trx)) {
    if (await dropIfFree(trx, name)) result.dropped.push(name);
    else result.busy.push(name);
  }
  return result;
}

/** `ingest.sweep`: run by `gongshu serve` every JOB_INTERVAL_SECONDS. */
export const ingestSweepJob: Job = {
  name: 'ingest.sweep',
  async run(k, trx) {
    const r = await sweepLoads(k, trx);
    return `stale loads failed: ${r.failed.length}; tables dropped: ${r.dropped.length}${r.busy.length ? `; busy: ${r.busy.length}` : ''}`;
  },
};
