/** The background jobs of aggregation (数据汇聚). */
import type { Job } from '../../kernel/jobs.js';
import { cleanUpUploads, UPLOAD_IDLE_DAYS } from './uploads.js';
import { openMissingTimelinessDuties } from './timeliness.service.js';
import { pullJob } from './pull.service.js';
import { ingestSweepJob } from './sweep.js';

export const ingestJobs: Job[] = [
  {
    // Pushed files: chunks are kept only while a push may still resume or complete.
    name: 'ingest.uploads_cleanup',
    async run(k, trx) {
      const r = await cleanUpUploads(k, trx);
      return `${r.expired} uploads idle over ${UPLOAD_IDLE_DAYS} days expired, ${r.chunksDeleted} chunks removed`;
    },
  },
  {
    // 及时 (000 第八条): every published periodic entry owes its next load; `deadlines.sweep` marks the missed ones.
    name: 'ingest.timeliness',
    async run(k, trx) {
      const r = await openMissingTimelinessDuties(k, trx);
      return `${r.opened} next-load duties opened, ${r.cancelled} cancelled`;
    },
  },
  // 服务接口 (000 第八条): registered endpoints fetched when due, each pull after the claim commits.
  pullJob,
  // Loads whose process died: failed after INGEST_STALE_LOAD_MINUTES, their staging tables and orphan tables dropped.
  ingestSweepJob,
];
