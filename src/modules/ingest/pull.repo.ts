/** Queries on the scheduled-pull tables (migrations/0010): sources, runs, and claiming due sources. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../kernel/db.js';
import type { IngestPullRunsTable, IngestPullSourcesTable } from './pull.tables.js';

export type { PullFormat, PullRunStatus, PullTrigger } from './pull.tables.js';

export type SourceRow = Selectable<IngestPullSourcesTable>;
export type RunRow = Selectable<IngestPullRunsTable>;

export function findSource(db: Executor, entryId: string) {
  return db.selectFrom('ingest_pull_sources').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

/** The entry's source, locked for the rest of the transaction. */
export function lockSource(trx: Executor, entryId: string) {
  return trx.selectFrom('ingest_pull_sources').selectAll().where('entry_id', '=', entryId).forUpdate().executeTakeFirst();
}

export async function insertSource(trx: Executor, row: Insertable<IngestPullSourcesTable>): Promise<void> {
  await trx.insertInto('ingest_pull_sources').values(row).execute();
}

export async function updateSource(trx: Executor, id: string, set: Updateable<IngestPullSourcesTable>): Promise<void> {
  await trx.updateTable('ingest_pull_sources').set(set).where('id', '=', id).execute();
}

/**
 * Active sources due at `now` and not being run (a run that started at or before `staleBefore`
 * has outlived its time limit), locked — skipping those another transaction holds — oldest due first.
 */
export function lockDueSources(trx: Executor, now: Date, staleBefore: Date, limit: number) {
  return trx
    .selectFrom('ingest_pull_sources')
    .selectAll()
    .where('active', '=', true)
    .where('next_run_at', '<=', now)
    .where((eb) => eb.or([eb('running_since', 'is', null), eb('running_since', '<=', staleBefore)]))
    .orderBy('next_run_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function insertRun(trx: Executor, row: Insertable<IngestPullRunsTable>): Promise<void> {
  await trx.insertInto('ingest_pull_runs').values(row).execute();
}

export async function updateRun(db: Executor, id: string, set: Updateable<IngestPullRunsTable>): Promise<void> {
  await db.updateTable('ingest_pull_runs').set(set).where('id', '=', id).execute();
}

export function findRun(db: Executor, id: string) {
  return db.selectFrom('ingest_pull_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs of a source left 'running' by a process that stopped: closed when the source is taken again. */
export async function closeAbandonedRuns(trx: Executor, sourceId: string, now: Date, message: string): Promise<number> {
  const r = await trx
    .updateTable('ingest_pull_runs')
    .set({ status: 'failed', message, finished_at: now })
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** An entry's runs, newest first, with the name of the user who asked for a manual one. */
export function listRuns(db: Executor, entryId: string, limit: number, offset: number) {
  return db
    .selectFrom('ingest_pull_runs as r')
    .leftJoin('users as u', 'u.id', 'r.by_user_id')
    .selectAll('r')
    .select('u.name as by_user_name')
    .where('r.entry_id', '=', entryId)
    .orderBy('r.started_at', 'desc')
    .orderBy('r.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countRuns(db: Executor, entryId: string): Promise<number> {
  const r = await db.selectFrom('ingest_pull_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('entry_id', '=', entryId).executeTakeFirstOrThrow();
  return Number(r.n);
}


/** The name of the user who registered a source. */
export async function userName(db: Executor, userId: string): Promise<string | null> {
  const r = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
  return r?.name ?? null;
}
