/**
 * The `gongshu` command line: serve, migrate, seed-demo, audit verify.
 */
import { Command } from 'commander';
import { loadConfig, ConfigError, type Config } from './kernel/config.js';
import { bootKernel, openDb } from './kernel/boot.js';
import { migrate } from './kernel/migrate.js';
import { buildApp } from './app.js';
import { startJobs } from './kernel/jobs.js';
import { kernelJobs } from './kernel/kernel-jobs.js';
import { ingestJobs } from './modules/ingest/jobs.js';
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
    const stopJobs = startJobs(k, [...kernelJobs, ...ingestJobs], (msg, err) => app.log.error({ err }, msg));
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

program.parseAsync(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
