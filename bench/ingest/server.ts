/**
 * The server side of the ingest benchmark, run as a child process (forked by run.ts with IPC) so
 * its memory is its own: a fresh database (PGlite in memory, or a new database on the PostgreSQL
 * server of TEST_DATABASE_URL), the demo province, one published entry of the benchmark's shape,
 * the app listening on a random port. It samples its own RSS, and runs the raw COPY baseline on
 * request so both go into the same engine.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { loginAs, testEnv } from '../../test/harness.js';
import { makePublishedEntry } from '../../src/modules/ingest/factories.js';
import { BENCH_FIELDS } from './shape.js';
import { SQL_TYPES } from '../../src/modules/ingest/validators.js';

type Msg = { type: 'raw'; file: string; table: string } | { type: 'peak-reset' } | { type: 'peak' } | { type: 'count'; entryId: string } | { type: 'close' };

const send = (m: unknown) => process.send?.(m);

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

  process.on('message', (raw) => {
    const m = raw as Msg;
    void (async () => {
      try {
        switch (m.type) {
          case 'peak-reset':
            peak = process.memoryUsage().rss;
            send({ type: 'ok' });
            break;
          case 'peak':
            send({ type: 'peak', rss: Math.max(peak, process.memoryUsage().rss) });
            break;
          case 'count': {
            const live = await db.kysely.selectFrom('dataset_versions').select(['table_name', 'rows']).where('entry_id', '=', m.entryId).where('live', '=', true).executeTakeFirst();
            send({ type: 'count', rows: live?.rows ?? 0 });
            break;
          }
          case 'raw': {
            const cols = BENCH_FIELDS.map((f) => `"${f.name}" ${SQL_TYPES[f.type]}`).join(', ');
            await db.kysely.schema.dropTable(`datasets.${m.table}`).ifExists().execute();
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
            await db.kysely.schema.dropTable(`datasets.${m.table}`).execute();
            send({ type: 'raw', seconds });
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
