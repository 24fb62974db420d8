/**
 * The `gongshu` command line: serve, migrate, seed-demo, audit verify, push, trace.
 */
import { Command } from 'commander';
import { loadConfig, ConfigError, type Config } from './kernel/config.js';
import { bootKernel, openDb } from './kernel/boot.js';
import { migrate } from './kernel/migrate.js';
import { buildApp } from './app.js';
import { startJobs } from './kernel/jobs.js';
import { kernelJobs } from './kernel/kernel-jobs.js';
import { ingestJobs } from './modules/ingest/jobs.js';
import { exportJob } from './modules/delivery/export.js';
import { sharingJobs } from './modules/sharing/jobs.js';
import { verifyChain, verifyOptionsFor } from './kernel/audit.js';
import { seedDemo } from './demo/seed.js';
import type { Kernel } from './kernel/context.js';

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

async function boot(): Promise<Kernel> {
  try {
    return await bootKernel(config());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

function printSeed(r: Awaited<ReturnType<typeof seedDemo>>, k: Kernel) {
  if (!r.seeded) {
    console.log('数据库中已有机构，未重复导入演示数据。');
    return;
  }
  console.log(`已导入演示省份（${k.profile.name.zh}）：${r.orgs} 个机构，${r.users} 个用户，${r.catalogEntries} 条目录。`);
  if (r.datasets) {
    const rows = r.datasets.loads.reduce((n, l) => n + l.report.rowsAccepted, 0);
    console.log(`已汇聚演示数据：${r.datasets.loads.length} 批，${rows.toLocaleString('zh-CN')} 行（${(r.datasets.ms / 1000).toFixed(1)} 秒；GONGSHU_DEMO_POPULATION 设定人口数据行数）。`);
  }
  if (r.generatedAdminPassword) {
    console.log('');
    console.log('  平台管理员账号 admin 的初始密码（只显示这一次，请妥善保存）：');
    console.log(`      ${r.generatedAdminPassword}`);
    console.log('  设置 GONGSHU_ADMIN_PASSWORD 可指定该密码。');
    console.log('');
  }
  console.log(`  其他演示账号的密码：${k.config.demoPassword === 'Gongshu@2026' ? 'Gongshu@2026（GONGSHU_DEMO_PASSWORD 可修改）' : '见 GONGSHU_DEMO_PASSWORD'}`);
}

const program = new Command().name('gongshu').description('公数 Gongshu — 公共数据资源开发利用平台');

program
  .command('serve', { isDefault: true })
  .description('serve the API and the web app')
  .action(async () => {
    const k = await boot();
    const isEmpty = !(await k.db.kysely.selectFrom('orgs').select('id').limit(1).executeTakeFirst());
    if (isEmpty && k.config.seedDemo) printSeed(await seedDemo(k), k);
    else if (isEmpty) console.warn('数据库为空：运行 `gongshu seed-demo` 导入演示省份（或设置 GONGSHU_SEED_DEMO=1 后启动）。');
    const app = await buildApp(k);
    const stopJobs = startJobs(k, [...kernelJobs, ...ingestJobs, exportJob, ...sharingJobs], (msg, err) => app.log.error({ err }, msg));
    const shutdown = async () => {
      await stopJobs();
      await app.close();
      await k.db.close();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    await app.listen({ port: k.config.port, host: k.config.host });
    const shown = k.config.host === '0.0.0.0' ? 'localhost' : k.config.host;
    console.log(`公数 Gongshu 已启动：http://${shown}:${k.config.port}  （数据库：${k.db.kind}，规则：${k.profile.id}${k.config.startAt ? `，时钟起点：${k.config.startAt.toISOString()}` : ''}）`);
  });

program
  .command('migrate')
  .description('apply database migrations')
  .action(async () => {
    const db = await openDb(config());
    const applied = await migrate(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    await db.close();
  });

program
  .command('seed-demo')
  .description('create the demo province (only on a database without orgs)')
  .action(async () => {
    const k = await boot();
    printSeed(await seedDemo(k), k);
    await k.db.close();
  });

const auditCmd = program.command('audit').description('audit chain tools');
auditCmd
  .command('verify')
  .description('verify the audit hash chain and its signed checkpoints; exits 1 naming the first bad sequence number')
  .action(async () => {
    const k = await boot();
    const started = Date.now();
    const r = await verifyChain(k.crypto, k.db.kysely, verifyOptionsFor(k.db));
    const secs = (Date.now() - started) / 1000;
    await k.db.close();
    if (r.ok) {
      console.log(`audit chain intact: ${r.checked} events, head ${r.headSeq}, ${r.checkpoints.verified}/${r.checkpoints.count} signed checkpoints verified (${secs.toFixed(2)} s)`);
      return;
    }
    console.error(`audit chain BROKEN at sequence ${r.firstBadSeq}: ${r.reason}`);
    process.exitCode = 1;
  });

program
  .command('trace')
  .description('name the delivery (batch export) a leaked CSV/NDJSON file came from by its canary rows; exits 1 when none matches')
  .argument('<file>', 'the file (CSV or NDJSON)')
  .action(async (file: string) => {
    const k = await boot();
    const { trace } = await import('./cli/trace.js');
    try {
      const r = await trace(k.db.kysely, file, { out: process.stdout, err: process.stderr });
      process.exitCode = r.exitCode;
    } finally {
      await k.db.close();
    }
  });

program
  .command('push')
  .description('push a batch file with the data of a catalog entry (CSV, NDJSON, XLSX) in resumable chunks, then load it (000 第八条)')
  .argument('<entry code>', 'the catalog entry code (目录编码)')
  .argument('<file>', 'the file; its format from the extension: .csv, .ndjson/.jsonl, .xlsx')
  .option('--mode <mode>', 'replace (全量替换) or upsert (按主键增量更新)', 'replace')
  .option('--server <url>', 'the platform (env GONGSHU_SERVER, default http://localhost:3000)')
  // Read from the environment in the action, never as a default: --help would print the key.
  .option('--key <key>', 'an API key gsk_… of the provider org (env GONGSHU_API_KEY)')
  .option('--chunk-size <bytes>', 'bytes per chunk (at most the chunk size of the platform)')
  .action(async (entryCode: string, file: string, o: { mode: string; server?: string; key?: string; chunkSize?: string }) => {
    const { push } = await import('./cli/push.js');
    if (o.mode !== 'replace' && o.mode !== 'upsert') {
      console.error(`--mode 应为 replace 或 upsert，收到 "${o.mode}"`);
      process.exit(2);
    }
    const chunkSize = o.chunkSize === undefined ? undefined : Number(o.chunkSize);
    if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize > 0)) {
      console.error(`--chunk-size 应为正整数（字节），收到 "${o.chunkSize}"`);
      process.exit(2);
    }
    // Ctrl-C stops the push cleanly (the platform keeps what it received); a second one exits at once.
    const stop = new AbortController();
    process.once('SIGINT', () => {
      stop.abort();
      process.once('SIGINT', () => process.exit(130));
    });
    const r = await push(
      {
        entryCode,
        file,
        mode: o.mode,
        server: o.server ?? (process.env.GONGSHU_SERVER || 'http://localhost:3000'),
        key: o.key ?? process.env.GONGSHU_API_KEY ?? '',
        ...(chunkSize !== undefined ? { chunkSize } : {}),
      },
      { fetch, out: process.stdout, err: process.stderr, signal: stop.signal },
    );
    process.exitCode = r.exitCode;
  });

program.parseAsync(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
