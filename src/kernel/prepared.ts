/**
 * Fixed statements run on every request of a hot path (the API key look-up, the service API's
 * source look-up): written once as SQL text, never compiled per call. On PostgreSQL each runs as
 * a named prepared statement, so every pooled connection parses and plans it once and then only
 * binds and executes it; on PGlite (one connection, in process) as plain parameterised SQL.
 */
import { CompiledQuery } from 'kysely';
import type { Db, Executor } from './db.js';

export interface Prepared<R> {
  readonly name: string;
  readonly text: string;
  /** Brand for the row type. */
  readonly _row?: R;
}

/** A statement with a name unique in the process (`gs_` + name): the same text under one name everywhere. */
export function prepared<R>(name: string, text: string): Prepared<R> {
  return { name: `gs_${name}`, text };
}

/** Runs `stmt` with `params`: prepared on the pool of a PostgreSQL `db`, else through `executor` (a transaction, PGlite). */
export async function runPrepared<R>(db: Db, stmt: Prepared<R>, params: readonly unknown[], executor: Executor = db.kysely): Promise<R[]> {
  if (db.pool && executor === db.kysely) {
    const r = await db.pool.query<R & Record<string, unknown>>({ name: stmt.name, text: stmt.text, values: params as unknown[] });
    return r.rows;
  }
  return (await executor.executeQuery<R>(CompiledQuery.raw(stmt.text, params as unknown[]))).rows;
}
