/** Queries on the scheduled-pull tables (migrations/0010): sources, runs, and claiming due sources. */
import type { ColumnType, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../../database.js';
import type { LoadMode } from './tables.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type PullFormat = 'csv' | 'ndjson' | 'xlsx';
export type PullRunStatus = 'running' | 'committed' | 'unchanged' | 'refused' | 'failed';
export type PullTrigger = 'schedule' | 'manual';

export interface IngestPullSourcesTable {
  id: string;
  entry_id: string;
  url: string;
  format: PullFormat;
  mode: LoadMode;
  headers_enc: string | null;
  header_names: ColumnType<string[], string, string>;
  schedule_kind: 'frequency' | 'interval';
  interval_minutes: number | null;
  hour: number;
  active: boolean;
  next_run_at: Timestamp | null;
  running_since: Timestamp | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  revision: ColumnType<number, number | undefined, number>;
  last_run_id: string | null;
  last_status: PullRunStatus | null;
  last_message: string | null;
  last_load_id: string | null;
  last_run_at: Timestamp | null;
  etag: string | null;
  last_modified: string | null;
  registered_by: string;
  provider_org_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IngestPullRunsTable {
  id: string;
  source_id: string;
  entry_id: string;
  trigger: PullTrigger;
  status: PullRunStatus;
  url: string;
  http_status: number | null;
  message: string | null;
  load_id: string | null;
  version_no: number | null;
  bytes: number | null;
  by_user_id: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export type PullTables = {
  ingest_pull_sources: IngestPullSourcesTable;
  ingest_pull_runs: IngestPullRunsTable;
};

export type SourceRow = Selectable<IngestPullSourcesTable>;
export type RunRow = Selectable<IngestPullRunsTable>;

/**
 * The database with this file's tables. They are typed here rather than in `src/database.ts`, so
 * the pull stays one self-contained part of the module; a transaction stays a transaction.
 */
const t = (db: Kysely<Database>) => db.withTables<PullTables>();

export function findSource(db: Kysely<Database>, entryId: string) {
  return t(db).selectFrom('ingest_pull_sources').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
}

/** The entry's source, locked for the rest of the transaction. */
export function lockSource(trx: Kysely<Database>, entryId: string) {
  return t(trx).selectFrom('ingest_pull_sources').selectAll().where('entry_id', '=', entryId).forUpdate().executeTakeFirst();
}

export async function insertSource(trx: Kysely<Database>, row: Insertable<IngestPullSourcesTable>): Promise<void> {
  await t(trx).insertInto('ingest_pull_sources').values(row).execute();
}

export async function updateSource(trx: Kysely<Database>, id: string, set: Updateable<IngestPullSourcesTable>): Promise<void> {
  await t(trx).updateTable('ingest_pull_sources').set(set).where('id', '=', id).execute();
}

/**
 * Active sources due at `now` and not being run (a run that started at or before `staleBefore`
 * has outlived its time limit), locked — skipping those another transaction holds — oldest due first.
 */
export function lockDueSources(trx: Kysely<Database>, now: Date, staleBefore: Date, limit: number) {
  return t(trx)
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

export async function insertRun(trx: Kysely<Database>, row: Insertable<IngestPullRunsTable>): Promise<void> {
  await t(trx).insertInto('ingest_pull_runs').values(row).execute();
}

export async function updateRun(db: Kysely<Database>, id: string, set: Updateable<IngestPullRunsTable>): Promise<void> {
  await t(db).updateTable('ingest_pull_runs').set(set).where('id', '=', id).execute();
}

export function findRun(db: Kysely<Database>, id: string) {
  return t(db).selectFrom('ingest_pull_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs of a source left 'running' by a process that stopped: closed when the source is taken again. */
export async function closeAbandonedRuns(trx: Kysely<Database>, sourceId: string, now: Date, message: string): Promise<number> {
  const r = await t(trx)
    .updateTable('ingest_pull_runs')
    .set({ status: 'failed', message, finished_at: now })
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** An entry's runs, newest first, with the name of the user who asked for a manual one. */
export function listRuns(db: Kysely<Database>, entryId: string, limit: number, offset: number) {
  return t(db)
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

export async function countRuns(db: Kysely<Database>, entryId: string): Promise<number> {
  const r = await t(db).selectFrom('ingest_pull_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('entry_id', '=', entryId).executeTakeFirstOrThrow();
  return Number(r.n);
}


/** The name of the user who registered a source. */
export async function userName(db: Kysely<Database>, userId: string): Promise<string | null> {
  const r = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
  return r?.name ?? null;
}
