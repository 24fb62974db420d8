/**
 * The kernel's own background jobs: the deadline sweeper, audit checkpoints, session clean-up,
 * and planner statistics on the embedded database.
 */
import { sql } from 'kysely';
import { checkpointHead } from './audit.js';
import { sweepOverdue } from './deadlines.js';
import type { Job } from './jobs.js';

export const kernelJobs: readonly Job[] = [
  {
    name: 'deadlines.sweep',
    async run(k, trx) {
      const n = await sweepOverdue(k, trx);
      return `${n} duties became overdue`;
    },
  },
  {
    name: 'audit.checkpoint',
    async run(k, trx) {
      const seq = await checkpointHead(k, trx);
      return seq === null ? 'chain unchanged' : `signed checkpoint at ${seq}`;
    },
  },
  {
    name: 'sessions.cleanup',
    async run(k, trx) {
      const r = await trx.deleteFrom('sessions').where('expires_at', '<=', k.clock.now()).executeTakeFirst();
      return `${Number(r.numDeletedRows)} expired sessions removed`;
    },
  },
  {
    // PGlite has no autovacuum, so without this its planner never learns how big a table has
    // grown and picks plans for empty tables (a bitmap scan and an on-disk sort where an index
    // scan would do). PostgreSQL's autovacuum does this on its own.
    name: 'db.analyze',
    async run(k, trx) {
      if (k.db.kind !== 'pglite') return 'left to autovacuum';
      await sql`ANALYZE`.execute(trx);
      return 'planner statistics refreshed';
    },
  },
];
