/**
 * One range of `gongshu audit verify` on PostgreSQL, in a worker thread: its own connection, the
 * same walk as in one piece (`walkSegment`), the result posted back for `verifyChain` to join.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { EVENT_COLUMNS, walkSegment, type FetchedEvent, type WalkJob } from './audit.js';

const job = workerData as WalkJob;
const client = new pg.Client({ connectionString: job.url });
await client.connect();
try {
  const fetch = async (from: number, limit: number) =>
    (await client.query<FetchedEvent>(`SELECT ${EVENT_COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2`, [from, limit])).rows;
  parentPort!.postMessage(await walkSegment(fetch, job.from, job.to, job.headSeq, new Set(job.cpSeqs), job.batch));
} finally {
  await client.end();
}
