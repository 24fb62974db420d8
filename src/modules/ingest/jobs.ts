/** The background jobs of aggregation (数据汇聚). */
import type { Job } from '../../kernel/jobs.js';

export const ingestJobs: Job[] = [];
