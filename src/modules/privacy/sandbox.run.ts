/**
 * Runs a checked sandbox query on a dedicated connection, in one transaction that is always rolled
 * back: temporary views named by the entry codes (granted columns and rows only), on PostgreSQL the
 * restricted role `gongshu_sandbox`, read-only, a statement timeout, the differencing probes, then
 * the query itself, limited to one row past the cap. Nothing it does outlives the
 * transaction: the views vanish with the rollback.
 *
 * PGlite runs in this process and cannot interrupt a statement: there the time limit is checked
 * when each statement returns, and a result that took longer is discarded and refused the same way
 * (the work is bounded by the data's size, which PGlite deployments keep small).
 */
import type pg from 'pg';
import type { Db } from '../../kernel/db.js';
import { quoteIdent } from '../ingest/copy.js';

/** The role sandbox queries run as on PostgreSQL: no login, no privileges but SELECT on each query's views. */
export const SANDBOX_ROLE = 'gongshu_sandbox';

export interface RunPlan {
  /** `CREATE TEMP VIEW` statements, with the view names. */
  views: ReadonlyArray<{ name: string; createSql: string }>;
  /** Differencing probes: each returns `base` and `kept` per group. */
  probes: ReadonlyArray<{ condition: string; sql: string }>;
  /** Decides whether a probe's rows isolate subjects. */
  isolates: (rows: ReadonlyArray<{ base: unknown; kept: unknown }>) => boolean;
  sql: string;
  rowCap: number;
  timeoutMs: number;
}

export type RunOutcome =
  | { ok: true; columns: string[]; rows: unknown[][]; truncated: boolean; durationMs: number; role: string | null }
  | { ok: false; reason: 'isolating'; condition: string }
  | { ok: false; reason: 'timeout'; durationMs: number };

/** A statement through whichever engine runs the transaction. */
interface Session {
  exec(text: string): Promise<void>;
  objects(text: string): Promise<Array<Record<string, unknown>>>;
  arrays(text: string): Promise<{ columns: string[]; rows: unknown[][] }>;
}

/** Raised inside the transaction when PGlite finished a statement past the time limit. */
class PastLimit extends Error {}

/**
 * The query with its row cap: one row past the cap tells the result was cut. Written as a LIMIT
 * over the query rather than a cursor, which PostgreSQL never plans in parallel; the subquery's
 * ORDER BY is kept (the LIMIT reads the sorted subquery in order).
 */
export const cappedSql = (text: string, rowCap: number): string => `SELECT * FROM (${text.trim().replace(/;+\s*$/, '')}\n) AS sandbox_result LIMIT ${rowCap + 1}`;

/** Whether a database error is a statement cancelled by `statement_timeout`. */
const isTimeout = (err: unknown) => (err as { code?: string } | null)?.code === '57014';

/**
 * The setup of one run as one multi-statement string, sent in one round trip: on PostgreSQL the
 * transaction's BEGIN (PGlite's transaction has begun already), the views, on
 * PostgreSQL SELECT on them for the restricted role and the switch to it, then read-only and the
 * time limit. Every statement is built by the rules from quoted names and checked values; none
 * carries the caller's text.
 */
export function setupSql(plan: Pick<RunPlan, 'views' | 'timeoutMs'>, role: string | null, begin = false): string {
  const statements = begin ? ['BEGIN'] : [];
  statements.push(...plan.views.map((v) => v.createSql));
  if (role) {
    for (const v of plan.views) statements.push(`GRANT SELECT ON ${quoteIdent(v.name)} TO ${quoteIdent(role)}`);
    statements.push(`SET LOCAL ROLE ${quoteIdent(role)}`);
  }
  statements.push('SET LOCAL transaction_read_only = on', `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(plan.timeoutMs))}`);
  return statements.join(';\n');
}

/**
 * The statements of one run, the same on both engines. `timed` wraps each probe and the query:
 * on PostgreSQL the server's timeout cancels it; on PGlite it is measured after the fact.
 */
async function runSteps(s: Session, plan: RunPlan, role: string | null, timed: <T>(f: () => Promise<T>) => Promise<T>, begin = false): Promise<RunOutcome> {
  await s.exec(setupSql(plan, role, begin));
  for (const p of plan.probes) {
    const rows = await timed(() => s.objects(p.sql));
    if (plan.isolates(rows as Array<{ base: unknown; kept: unknown }>)) return { ok: false, reason: 'isolating', condition: p.condition };
  }
  const started = performance.now();
  const r = await timed(() => s.arrays(cappedSql(plan.sql, plan.rowCap)));
  const durationMs = Math.round(performance.now() - started);
  const truncated = r.rows.length > plan.rowCap;
  return { ok: true, columns: r.columns, rows: truncated ? r.rows.slice(0, plan.rowCap) : r.rows, truncated, durationMs, role };
}

/** Runs a checked query as the plan says; the transaction is rolled back whatever happens. */
export async function runSandboxQuery(db: Db, plan: RunPlan): Promise<RunOutcome> {
  if (db.kind === 'postgres') return runOnPostgres(db, plan);
  return runOnPglite(db, plan);
}

async function runOnPostgres(db: Db, plan: RunPlan): Promise<RunOutcome> {
  if (!db.pool) throw new Error('PostgreSQL database without a pool');
  const role = await sandboxRole(db);
  const client = await db.pool.connect();
  const started = performance.now();
  try {
    return await runSteps(pgSession(client), plan, role, (f) => f(), true);
  } catch (err) {
    if (isTimeout(err)) return { ok: false, reason: 'timeout', durationMs: Math.round(performance.now() - started) };
    throw err;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

function pgSession(client: pg.PoolClient): Session {
  return {
    async exec(text) {
      await client.query(text);
    },
    async objects(text) {
      return (await client.query<Record<string, unknown>>(text)).rows;
    },
    async arrays(text) {
      const r = await client.query<unknown[]>({ text, rowMode: 'array' });
      return { columns: r.fields.map((f) => f.name), rows: r.rows };
    },
  };
}

async function runOnPglite(db: Db, plan: RunPlan): Promise<RunOutcome> {
  const pglite = db.pglite;
  if (!pglite) throw new Error('PGlite database without its engine');
  let tookMs = 0;
  const timed = async <T>(f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await f();
    tookMs = Math.round(performance.now() - t0);
    if (tookMs > plan.timeoutMs) throw new PastLimit();
    return out;
  };
  try {
    let outcome: RunOutcome | undefined;
    await pglite.transaction(async (tx) => {
      outcome = await runSteps(
        {
          async exec(text) {
            await tx.exec(text);
          },
          async objects(text) {
            return (await tx.query<Record<string, unknown>>(text)).rows;
          },
          async arrays(text) {
            const r = await tx.query<unknown[]>(text, [], { rowMode: 'array' });
            return { columns: r.fields.map((f) => f.name), rows: r.rows };
          },
        },
        plan,
        null,
        timed,
      );
      await tx.rollback();
    });
    if (!outcome) throw new Error('sandbox run ended without an outcome');
    return outcome;
  } catch (err) {
    if (err instanceof PastLimit || isTimeout(err)) return { ok: false, reason: 'timeout', durationMs: tookMs };
    throw err;
  }
}

// ── The restricted role (PostgreSQL) ──

const roles = new WeakMap<Db, Promise<string | null>>();

/**
 * The role to run sandbox queries as: `gongshu_sandbox`, created once (NOLOGIN, no privileges) and
 * granted to the server user so it may `SET ROLE` to it, then tried. When the server user may not
 * create or use it (no CREATEROLE), queries run read-only as the server user, and that is logged.
 */
export function sandboxRole(db: Db): Promise<string | null> {
  let p = roles.get(db);
  if (!p) {
    p = ensureRole(db);
    roles.set(db, p);
  }
  return p;
}

async function ensureRole(db: Db): Promise<string | null> {
  if (!db.pool) return null;
  const client = await db.pool.connect();
  try {
    await client
      .query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SANDBOX_ROLE}') THEN CREATE ROLE ${SANDBOX_ROLE} NOLOGIN; END IF; END $$`)
      .catch((err: { code?: string }) => {
        // Another process created it a moment ago.
        if (err.code !== '23505' && err.code !== '42710') throw err;
      });
    // Membership lets the server user SET ROLE to it (a superuser may already; a CREATEROLE user
    // needs it granted). A failure here shows in the SET ROLE tried next.
    const superuser = await client.query<{ s: boolean }>('SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user');
    if (!superuser.rows[0]?.s) await client.query(`GRANT ${SANDBOX_ROLE} TO CURRENT_USER`).catch(() => undefined);
    await client.query('BEGIN');
    await client.query(`SET LOCAL ROLE ${SANDBOX_ROLE}`);
    const who = await client.query<{ u: string }>('SELECT current_user AS u');
    await client.query('ROLLBACK');
    if (who.rows[0]?.u !== SANDBOX_ROLE) throw new Error(`SET ROLE left current_user as ${who.rows[0]?.u ?? '(none)'}`);
    return SANDBOX_ROLE;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    console.warn(`Sandbox: cannot use the restricted role ${SANDBOX_ROLE} (${(err as Error).message}); sandbox queries run read-only as the server user, through temporary views only`);
    return null;
  } finally {
    client.release();
  }
}
