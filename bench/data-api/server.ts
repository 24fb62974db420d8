/**
 * The server side of the data service API benchmark, run as a child process (forked by api.ts
 * with IPC) so the load generator is not on its event loop. On the PostgreSQL database named by
 * BENCH_DB_URL (made by the parent): the kernel, the demo province, an entry of 省公安厅 with
 * BENCH_ROWS rows loaded through the API, a grant of it to 省市场监督管理局 with the service API
 * method, and a key bound to the grant. Then two HTTP servers on random ports: the real app, and
 * a bare Fastify app with one route running the same SELECT as the service API's page read
 * through a pg Pool of the same size, with no checks, no masking, no usage row, no audit.
 *
 * On request: the per-call breakdown (each step of a read timed alone, one caller at a time), CPU
 * counters, the audit appender's batch counters, and a verification of the chain.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/kernel/config.js';
import { systemClock } from '../../src/kernel/clock.js';
import { ephemeralKeys } from '../../src/kernel/crypto.js';
import { openPostgres } from '../../src/kernel/db.js';
import { bootKernel } from '../../src/kernel/boot.js';
import { audit, verifyChain, verifyOptionsFor } from '../../src/kernel/audit.js';
import { appendAudited, auditBatchStats } from '../../src/kernel/audit-batch.js';
import { buildApp } from '../../src/app.js';
import { seedDemo } from '../../src/demo/seed.js';
import { loginAs, type Client } from '../../test/harness.js';
import { makePublishedEntry, PEOPLE_FIELDS } from '../../src/modules/ingest/factories.js';
import { synthBankCard, synthIdNumber, synthUscc } from '../../src/modules/ingest/synth.js';
import { quoteIdent } from '../../src/modules/ingest/copy.js';
import { resolveApiKey } from '../../src/modules/identity/auth.service.js';
import { cpuBetween } from './cpu.js';
import * as deliveryRepo from '../../src/modules/delivery/repo.js';
import { readData } from '../../src/modules/delivery/service.js';

type Msg = { type: 'breakdown'; calls: number } | { type: 'cpu' } | { type: 'stats' } | { type: 'verify' } | { type: 'close' };

const send = (m: unknown) => process.send?.(m);

/** The fields the grant gives (not the bank card, not the employer's credit code), as in the delivery tests. */
export const GRANTED = ['id_number', 'name', 'mobile', 'region', 'birth', 'household', 'income', 'active', 'updated_at'];
/** Page size of every request. */
export const LIMIT = 100;

const CLOCK_TICKS = 100;

/** CPU seconds used so far by each backend of this database (from /proc: the server runs on this machine), or null. */
async function backendCpu(pool: pg.Pool): Promise<Record<number, number> | null> {
  const r = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const out: Record<number, number> = {};
  for (const { pid } of r.rows) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[pid] = (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
    } catch {
      return null;
    }
  }
  return out;
}

const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function person(i: number): string {
  // 1,000 sequence numbers a day of birth from 1960-01-01 on: BENCH_ROWS distinct ID numbers.
  const birth = new Date(Date.UTC(1960, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
  return [
    synthIdNumber('460105', birth.replaceAll('-', ''), i % 1000),
    `居民${i}`,
    `139${String(i % 100_000_000).padStart(8, '0')}`,
    synthBankCard(i),
    i % 3 === 0 ? '460106' : '460105',
    synthUscc('460100', i),
    birth,
    String((i % 5) + 1),
    `${1000 + (i % 9000)}.50`,
    i % 2 ? 'true' : 'false',
    '2026-09-18T10:00:00+08:00',
  ].join(',');
}

const ok = (res: LightMyRequestResponse, status: number, what: string) => {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
};

/** scj asks for the granted fields by service API, its officer signs, gat approves: the grant id. */
async function approvedGrant(scjClerk: Client, scjOfficer: Client, gatOfficer: Client, entryId: string): Promise<string> {
  const r = ok(
    await scjClerk.post('/api/v1/sharing/requests', {
      entryId,
      fields: GRANTED,
      basis: '《优化营商环境条例》第三十七条',
      scenario: '企业开办登记时核验经办人身份',
      scope: '省市场监督管理局登记注册处',
      method: 'api',
      validUntil: '2099-12-31',
    }),
    201,
    'share request',
  ) as { id: string };
  const signed = ok(await scjOfficer.post(`/api/v1/sharing/requests/${r.id}/sign`), 200, 'sign') as { status: string; grantId: string | null };
  if (signed.status === 'approved' && signed.grantId) return signed.grantId;
  const decided = ok(await gatOfficer.post(`/api/v1/sharing/requests/${r.id}/decide`, { decision: 'approve' }), 200, 'decide') as { grantId: string };
  return decided.grantId;
}

/** The page query of the service API, as `repo.readPage` writes it for this grant: `$1` the key after which to start, or null. */
function pageSql(table: string): { first: string; next: string } {
  const cols = PEOPLE_FIELDS.filter((f) => GRANTED.includes(f.name)).map((f) => quoteIdent(f.name));
  const select = `SELECT ${[...cols, `${quoteIdent('id_number')} AS ${quoteIdent('__k0')}`].join(', ')} FROM datasets.${quoteIdent(table)}`;
  const order = `ORDER BY ${quoteIdent('id_number')} LIMIT `;
  return { first: `${select}\n    \n    ${order}$1`, next: `${select}\n    WHERE (${quoteIdent('id_number')}) > ($1::text)\n    ${order}$2` };
}

/** The bare route: the same SELECT through a pg Pool, rows sent as JSON, next = the last key. */
async function bareApp(pool: pg.Pool, table: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const q = pageSql(table);
  app.get<{ Params: { code: string }; Querystring: { limit?: string; after?: string } }>('/bare/:code', async (req, reply) => {
    const limit = Number(req.query.limit ?? LIMIT);
    const after = req.query.after;
    const r = after ? await pool.query(q.next, [after, limit + 1]) : await pool.query(q.first, [limit + 1]);
    const more = r.rows.length > limit;
    const rows = more ? r.rows.slice(0, limit) : r.rows;
    const next = more ? String((rows[rows.length - 1] as { __k0: string }).__k0) : null;
    reply.type('application/json; charset=utf-8');
    return reply.send(JSON.stringify({ items: rows, next }));
  });
  return app;
}


/**
 * Median, p99 and mean wall time (ms) of `calls` sequential runs of `fn`, after a tenth as many
 * unmeasured; and the CPU milliseconds per call of this process and of the database's backends.
 */
async function timeIt(pool: pg.Pool, calls: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.max(5, calls / 10); i++) await fn(i);
  const ms: number[] = [];
  const node0 = ownCpu();
  const db0 = await backendCpu(pool);
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  const node = ((ownCpu() - node0) * 1000) / calls;
  const db = cpuBetween(db0, await backendCpu(pool));
  ms.sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] as number;
  return { p50: at(0.5), p99: at(0.99), mean: ms.reduce((a, b) => a + b, 0) / ms.length, node_cpu: node, db_cpu: db === null ? null : (db * 1000) / calls };
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DB_URL;
  if (!url) throw new Error('BENCH_DB_URL is not set');
  const rows = Number(process.env.BENCH_ROWS ?? 100_000);
  const config = loadConfig(
    { NODE_ENV: 'test', GONGSHU_ADMIN_PASSWORD: 'Admin-pass-2026', GONGSHU_DEMO_PASSWORD: 'Gongshu@2026' },
    { databaseUrl: url, loginRateLimitPerMinute: 100_000 },
  );
  // The pool the server opens with DATABASE_URL (openPostgres's default size).
  const db = await openPostgres(url);
  const k = await bootKernel(config, { db, clock: systemClock, keys: ephemeralKeys() });
  await seedDemo(k);
  const app = await buildApp(k, { webDir: null, logger: false });
  await app.ready();

  // The entry, loaded through the API (parse, validate, COPY, key index, commit).
  const gatClerk = await loginAs(app, 'gat_clerk');
  const entryId = await makePublishedEntry(k, '海南省公安厅', PEOPLE_FIELDS, '基准测试人口数据', { provisionMethods: ['api', 'batch'] });
  let csv = `${PEOPLE_FIELDS.map((f) => f.name).join(',')}\n`;
  for (let i = 0; i < rows; i++) csv += `${person(i)}\n`;
  const load = ok(
    await app.inject({ method: 'POST', url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`, headers: { cookie: gatClerk.cookie, 'x-csrf-token': gatClerk.csrf, 'content-type': 'text/csv' }, payload: csv }),
    201,
    'load',
  ) as { rowsAccepted: number };
  if (load.rowsAccepted !== rows) throw new Error(`load accepted ${load.rowsAccepted} of ${rows} rows`);
  const entry = await k.db.kysely.selectFrom('catalog_entries').select('code').where('id', '=', entryId).executeTakeFirstOrThrow();
  const live = await deliveryRepo.liveSource(k.db.kysely, entryId);
  if (!live) throw new Error('no live version');
  await sql`ANALYZE`.execute(k.db.kysely);

  const [scjClerk, scjOfficer, gatOfficer] = [await loginAs(app, 'scj_clerk'), await loginAs(app, 'scj_officer'), await loginAs(app, 'gat_officer')];
  const grantId = await approvedGrant(scjClerk, scjOfficer, gatOfficer, entryId);
  const issued = ok(await scjClerk.post(`/api/v1/grants/${grantId}/keys`, { name: '基准测试', expiresInDays: 30 }), 201, 'key') as { key: string };
  const key = issued.key;

  // Pages to ask for, spread over the table: the first, and those after keys drawn evenly.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const keys = (await pool.query<{ k: string }>(`SELECT id_number AS k FROM datasets.${quoteIdent(live.table_name)} ORDER BY id_number`)).rows.map((r) => r.k);
  const startIdx = Array.from({ length: 64 }, (_, i) => Math.floor((i * (keys.length - LIMIT)) / 64));
  const base = `/api/v1/data/${entry.code}?limit=${LIMIT}`;
  // Page i starts after key startIdx[i] (page 0 at the beginning). The bare route takes the key;
  // the service API's cursors are sealed, so walk the API once to each start and keep its cursor
  // (each such read is a real, audited read).
  const barePaths = startIdx.map((at, i) => `/bare/${entry.code}?limit=${LIMIT}${i ? `&after=${encodeURIComponent(keys[at] as string)}` : ''}`);
  const cursors: Array<string | null> = [null];
  {
    let after: string | null = null;
    let pos = -1; // index of the last row delivered
    const auth = { authorization: `Bearer ${key}` };
    for (const target of startIdx.slice(1)) {
      while (pos < target) {
        const n = Math.min(1000, target - pos);
        const res: LightMyRequestResponse = await app.inject({ method: 'GET', url: `/api/v1/data/${entry.code}?limit=${n}&format=ndjson${after ? `&after=${after}` : ''}`, headers: auth });
        if (res.statusCode !== 200) throw new Error(`walk: ${res.statusCode} ${res.body}`);
        after = String(res.headers['x-next-cursor']);
        pos += n;
      }
      cursors.push(after);
    }
  }
  const apiPaths = cursors.map((c) => (c ? `${base}&after=${c}` : base));
  const starts = startIdx.map((at) => keys[at] as string);

  const bare = await bareApp(pool, live.table_name);
  const appAddress = await app.listen({ port: 0, host: '127.0.0.1' });
  const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });

  process.on('message', (raw) => {
    const m = raw as Msg;
    void (async () => {
      try {
        switch (m.type) {
          case 'breakdown': {
            // One caller at a time: each step of a read alone, the whole use case, the whole request.
            const q = pageSql(live.table_name);
            const auth = await resolveApiKey(k, key, base);
            if (!auth) throw new Error('key not resolved');
            const src = await deliveryRepo.readSource(k.db, entry.code, grantId);
            const columns = PEOPLE_FIELDS.filter((f) => GRANTED.includes(f.name)).map((f) => ({ name: f.name, inTable: true }));
            const types = new Map(PEOPLE_FIELDS.map((f) => [f.name, f.type]));
            const n = m.calls;
            const pick = (i: number) => starts[i % starts.length] as string;
            const usage = () => ({
              id: randomUUID(),
              at: new Date(),
              grant_id: grantId,
              subject_org_id: auth.org.id,
              provider_org_id: src!.grant!.provider_org_id,
              entry_id: entryId,
              api_key_id: auth.apiKeyId,
              user_id: auth.user.id,
              method: 'api' as const,
              format: 'json' as const,
              version_no: live.version_no,
              rows: LIMIT,
              bytes: 20_000,
            });
            const event = { action: 'delivery.read', objectType: 'catalog_entry', objectId: entryId, purpose: 'bench', grantId, details: { entryCode: entry.code, rows: LIMIT } };
            const steps = {
              bare_sql: await timeIt(pool, n, (i) => pool.query(q.next, [pick(i), LIMIT + 1])),
              bare_http: await timeIt(pool, n, (i) => bare.inject({ method: 'GET', url: barePaths[i % barePaths.length] as string })),
              auth_key: await timeIt(pool, n, () => resolveApiKey(k, key, base)),
              read_source: await timeIt(pool, n, () => deliveryRepo.readSource(k.db, entry.code, grantId)),
              read_page: await timeIt(pool, n, (i) =>
                deliveryRepo.readServicePage(k.db, { table: live.table_name, select: columns, order: [{ name: 'id_number', type: 'string' }], tieBreak: false, conditions: [], types, after: [pick(i)], limit: LIMIT }),
              ),
              usage_audit_group_commit: await timeIt(pool, n, () => appendAudited(k, { actor: { userId: auth.user.id, orgId: auth.org.id, apiKeyId: auth.apiKeyId }, input: event, rows: [{ into: 'delivery_usage', values: usage() }] })),
              usage_audit_own_trx: await timeIt(pool, n, () =>
                k.db.kysely.transaction().execute(async (trx) => {
                  await deliveryRepo.insertUsage(trx, usage());
                  await audit(k, trx, { userId: auth.user.id, orgId: auth.org.id, apiKeyId: auth.apiKeyId }, event);
                }),
              ),
              read_data: await timeIt(pool, n, (i) => {
                const after = cursors[i % cursors.length];
                return readData(k, auth, entry.code, { limit: LIMIT, ...(after ? { after } : {}) }, undefined);
              }),
              api_http: await timeIt(pool, n, (i) => app.inject({ method: 'GET', url: apiPaths[i % apiPaths.length] as string, headers: { authorization: `Bearer ${key}` } })),
            };
            send({ type: 'breakdown', steps });
            break;
          }
          case 'cpu':
            send({ type: 'cpu', node: ownCpu(), db: await backendCpu(pool) });
            break;
          case 'stats':
            send({ type: 'stats', stats: auditBatchStats(k.db) });
            break;
          case 'verify': {
            const t0 = performance.now();
            const v = await verifyChain(k.crypto, k.db.kysely, verifyOptionsFor(k.db));
            send({ type: 'verify', ok: v.ok, headSeq: v.headSeq, reason: v.reason, seconds: (performance.now() - t0) / 1000 });
            break;
          }
          case 'close':
            await bare.close();
            await app.close();
            await pool.end();
            await k.db.close();
            send({ type: 'closed' });
            process.exit(0);
        }
      } catch (err) {
        send({ type: 'error', message: (err as Error).stack ?? String(err) });
      }
    })();
  });
  send({ type: 'ready', appAddress, bareAddress, code: entry.code, key, apiPaths, barePaths, rows, table: live.table_name });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: (err as Error).stack ?? String(err) });
  process.exit(1);
});
