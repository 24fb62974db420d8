/**
 * An entry's load history (数据汇聚记录): every load, committed, refused or failed, newest first,
 * for the provider's data page and its API clients; each one's full report is `GET /api/v1/loads/{id}`.
 */
import { sql } from 'kysely';
import { requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import { notFound } from '../../kernel/errors.js';
import * as catalogRepo from '../catalog/repo.js';
import type { LoadFormat, LoadMode, LoadStatus } from './tables.js';

export interface LoadSummary {
  id: string;
  status: LoadStatus;
  mode: LoadMode;
  format: LoadFormat;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  errorRate: number;
  versionNo: number | null;
  message: string | null;
  by: { userId: string | null; userName: string | null };
  startedAt: string;
  finishedAt: string | null;
}

function listLoads(db: Executor, entryId: string, page: { limit: number; offset: number; status?: LoadStatus | undefined }) {
  let q = db.selectFrom('loads as l').leftJoin('users as u', 'u.id', 'l.by_user_id').where('l.entry_id', '=', entryId);
  if (page.status) q = q.where('l.status', '=', page.status);
  return Promise.all([
    q
      .selectAll('l')
      .select('u.name as user_name')
      .orderBy('l.started_at', 'desc')
      .orderBy('l.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select(sql<string>`count(*)`.as('n')).executeTakeFirst(),
  ]);
}

/** The entry's loads, newest first (the provider org's users). */
export async function loadHistory(
  k: Kernel,
  auth: AuthContext,
  entryId: string,
  page: { limit: number; offset: number; status?: LoadStatus | undefined },
): Promise<{ items: LoadSummary[]; total: number }> {
  const entry = await catalogRepo.findEntry(k.db.kysely, entryId);
  if (!entry) throw notFound('目录', entryId);
  requirePermission(auth.org.id === entry.provider_org_id, '目录提供单位的用户');
  const [rows, count] = await listLoads(k.db.kysely, entryId, page);
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((l) => ({
      id: l.id,
      status: l.status,
      mode: l.mode,
      format: l.format,
      rowsTotal: l.rows_total,
      rowsAccepted: l.rows_accepted,
      rowsRejected: l.rows_rejected,
      errorRate: l.error_rate,
      versionNo: l.version_no,
      message: l.message,
      by: { userId: l.by_user_id, userName: l.user_name },
      startedAt: new Date(l.started_at).toISOString(),
      finishedAt: l.finished_at ? new Date(l.finished_at).toISOString() : null,
    })),
  };
}
