/**
 * The server side of the ingest benchmark, run as a child process (forked by run.ts with IPC) so
 * its memory is its own: a fresh database (PGlite in memory, or a new database on the PostgreSQL
 * server of TEST_DATABASE_URL), the demo province, one published entry of the benchmark's shape,
 * the app listening on a random port. It samples its own RSS, and runs the raw COPY baseline on
 * request so both go into the same engine.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loginAs, testEnv } from '../../test/harness.js';
import { makePublishedEntry } from '../../src/modules/ingest/factories.js';
import { BENCH_FIELDS } from './shape.js';
import { SQL_TYPES } from '../../src/modules/ingest/validators.js';

type Msg = { type: 'raw'; file: string; table: string } | { type: 'prof-start' } | { type: 'prof-stop'; file: string } | { type: 'peak-reset' } | { type: 'peak' } | { type: 'count'; entryId: string } | { type: 'close' };

const send = (m: unknown) => process.send?.(m);

/** CPU seconds used so far by each backend of this database (from /proc: the server runs on this machine), or null. */
async function backendCpu(pool: pg.Pool): Promise<Map<number, number> | null> {
  const r = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const out = new Map<number, number>();
  for (const { pid } of r.rows) {
    try {
      // Fields 14 and 15 (utime, stime) after the parenthesised command name, in clock ticks.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / CLOCK_TICKS);
    } catch {
      return null;
    }
  }
  return out;
}

/** Linux's USER_HZ. */
const CLOCK_TICKS = 100;

/** CPU seconds the backends used between two readings (a backend started in between counts from zero). */
function cpuBetween(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return sum;
}

/** This process's CPU seconds (all its threads). */
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Watches `pg_stat_progress_copy` every 25 ms on a connection of its own and reports the last
 * moment a COPY into a load's staging table (`datasets.l_…`) was running: where the streaming
 * part of the load ends and its commit (key index, quality scores, audit) begins.
 */
function watchCopy(pool: pg.Pool, seen: (at: number) => void): { stop(): void } {
  let stopped = false;
  void (async () => {
    const c = await pool.connect();
    try {
      while (!stopped) {
        const r = await c.query<{ rel: string }>(
          "SELECT relid::regclass::text AS rel FROM pg_stat_progress_copy WHERE datname = current_database() AND command = 'COPY FROM'",
        );
        if (r.rows.some((x) => x.rel.startsWith('datasets.l_'))) seen(Date.now());
        await new Promise((res) => setTimeout(res, 25));
      }
    } finally {
      c.release();
    }
  })().catch(() => undefined);
  return {
    stop() {
      stopped = true;
    },
  };
}

async function main(): Promise<void> {
  const env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  const entryId = await makePublishedEntry(env.k, '海南省公安厅', BENCH_FIELDS, '基准测试人口数据');
  const client = await loginAs(env.app, 'gat_clerk');
  const address = await env.app.listen({ port: 0, host: '127.0.0.1' });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  timer.unref();
  const db = env.k.db;
  // When the load's COPY into its staging table was last seen running (ms since the epoch).
  let copyEnd = 0;
  let copyWatch: { stop(): void } | null = null;
  let cpuAtStart: { node: number; db: Map<number, number> | null } = { node: 0, db: null };
  let profiler: Session | null = null;

  process.on('message', (raw) => {
    const m = raw as Msg;
    void (async () => {
      try {
        switch (m.type) {
          case 'prof-start':
            // A CPU profile of this process over the load alone (not the start-up).
            profiler = new Session();
            profiler.connect();
            await profiler.post('Profiler.enable');
            await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
            await profiler.post('Profiler.start');
            send({ type: 'ok' });
            break;
          case 'prof-stop': {
            if (profiler) {
              const { profile } = await profiler.post('Profiler.stop');
              fs.writeFileSync(m.file, JSON.stringify(profile));
              profiler.disconnect();
              profiler = null;
            }
            send({ type: 'ok' });
            break;
          }
          case 'peak-reset':
            cpuAtStart = { node: ownCpu(), db: db.pool ? await backendCpu(db.pool) : null };
            peak = process.memoryUsage().rss;
            copyEnd = 0;
            copyWatch?.stop();
            copyWatch = db.pool ? watchCopy(db.pool, (at) => (copyEnd = at)) : null;
            send({ type: 'ok' });
            break;
          case 'peak':
            copyWatch?.stop();
            copyWatch = null;
            send({
              type: 'peak',
              rss: Math.max(peak, process.memoryUsage().rss),
              copyEnd,
              nodeCpu: ownCpu() - cpuAtStart.node,
              dbCpu: db.pool ? cpuBetween(cpuAtStart.db, await backendCpu(db.pool)) : null,
            });
            break;
          case 'count': {
            const live = await db.kysely.selectFrom('dataset_versions').select(['table_name', 'rows']).where('entry_id', '=', m.entryId).where('live', '=', true).executeTakeFirst();
            send({ type: 'count', rows: live?.rows ?? 0 });
            break;
          }
          case 'raw': {
            const cols = BENCH_FIELDS.map((f) => `"${f.name}" ${SQL_TYPES[f.type]}`).join(', ');
            await db.kysely.schema.dropTable(`datasets.${m.table}`).ifExists().execute();
            const cpu0 = { node: ownCpu(), db: db.pool ? await backendCpu(db.pool) : null };
            const t0 = performance.now();
            // The same table shape as a load's, then COPY of the very same file: the physical limit.
            const { sql } = await import('kysely');
            await sql.raw(`CREATE TABLE datasets.${m.table} (${cols})`).execute(db.kysely);
            const copy = `COPY datasets.${m.table} FROM STDIN WITH (FORMAT csv, HEADER true)`;
            if (db.pool) {
              const c = await db.pool.connect();
              try {
                await pipeline(fs.createReadStream(m.file, { highWaterMark: 1 << 20 }), c.query(copyFrom(copy)));
              } finally {
                c.release();
              }
            } else if (db.pglite) {
              await db.pglite.query(copy.replace('FROM STDIN', "FROM '/dev/blob'"), [], { blob: await fs.openAsBlob(m.file) });
            }
            const seconds = (performance.now() - t0) / 1000;
            const dbCpu = db.pool ? cpuBetween(cpu0.db, await backendCpu(db.pool)) : null;
            const nodeCpu = ownCpu() - cpu0.node;
            await db.kysely.schema.dropTable(`datasets.${m.table}`).execute();
            send({ type: 'raw', seconds, nodeCpu, dbCpu });
            break;
          }
          case 'close':
            clearInterval(timer);
            await env.close();
            send({ type: 'closed' });
            process.exit(0);
        }
      } catch (err) {
        send({ type: 'error', message: (err as Error).stack ?? String(err) });
      }
    })();
  });
  send({ type: 'ready', address, entryId, cookie: client.cookie, csrf: client.csrf, db: db.kind });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: (err as Error).stack ?? String(err) });
  process.exit(1);
});
