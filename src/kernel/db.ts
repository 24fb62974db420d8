/**
 * The database: embedded PGlite (file-backed, or in memory for tests) or a PostgreSQL pool when
 * `DATABASE_URL` is set. Same SQL and migrations on both. Dates (`date`) come back as
 * `YYYY-MM-DD` strings and `bigint` as numbers on both drivers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../database.js';

export type DbKind = 'pglite' | 'postgres';
/** Anything Kysely can run a query on: the pool or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Trx = Transaction<Database>;

export interface Db {
  readonly kind: DbKind;
  readonly kysely: Kysely<Database>;
  /** Runs a script of several statements in one transaction (migrations). */
  execScript(sqlText: string): Promise<void>;
  close(): Promise<void>;
  /** The embedded engine, for COPY with blobs (PGlite only). */
  readonly pglite: PGlite | undefined;
  /** The pool, for COPY streams (PostgreSQL only). */
  readonly pool: pg.Pool | undefined;
  /** The connection URL, for work that opens its own connections (PostgreSQL only). */
  readonly url: string | undefined;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const asNumber = (v: string) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
};

pg.types.setTypeParser(DATE_OID, (v) => v);
pg.types.setTypeParser(INT8_OID, asNumber);

/**
 * Opens PGlite in `dir`, or in memory when `dir` is undefined. `snapshot` (a `dumpDataDir`
 * tarball) starts the database from a copy instead of running initdb — tests use it.
 */
export async function openPglite(dir: string | undefined, snapshot?: Blob): Promise<Db> {
  if (dir) fs.mkdirSync(path.dirname(dir), { recursive: true });
  const pglite = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    ...(snapshot ? { loadDataDir: snapshot } : {}),
    parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: asNumber },
  });
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    kind: 'pglite',
    kysely,
    pglite,
    pool: undefined,
    url: undefined,
    async execScript(sqlText) {
      await pglite.transaction(async (tx) => {
        await tx.exec(sqlText);
      });
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/** Seconds a pooled PostgreSQL connection lives before it is replaced. */
export const POOL_CONNECTION_LIFETIME_S = 3600;

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  // Hot paths run as named prepared statements (kernel/prepared.ts), the data API one per query
  // shape of each dataset version; a connection keeps every statement it prepared until it closes.
  // Retiring each connection after an hour bounds what accumulates on the server's backends as
  // versions come and go (an idle one is closed then, a busy one when it is released).
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, maxLifetimeSeconds: POOL_CONNECTION_LIFETIME_S });
  // An idle connection the server ends (a restart, pg_terminate_backend, a dropped database) is
  // reported here and replaced on the next checkout; without a listener it would crash the process.
  pool.on('error', (err) => {
    console.error(`PostgreSQL: an idle connection was closed by the server (${(err as { code?: string }).code ?? 'no code'}): ${err.message}`);
  });
  // Fail at start, naming the server, rather than on the first request.
  const client = await pool.connect();
  client.release();
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    kysely,
    pglite: undefined,
    pool,
    url,
    async execScript(sqlText) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(sqlText);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    async close() {
      await kysely.destroy();
    },
  };
}
