/** Opens everything a process needs from its config: database, migrations, keys, clock, profile. */
import path from 'node:path';
import { ConfigError, type Config } from './config.js';
import { startingClock, systemClock, type Clock } from './clock.js';
import { Crypto, loadKeys, type Keys } from './crypto.js';
import { openPglite, openPostgres, type Db } from './db.js';
import { migrate } from './migrate.js';
import type { Kernel } from './context.js';
import { getProfile, profiles } from '../jurisdictions/profile.js';

export async function openDb(config: Config): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  return openPglite(config.pgliteMode === 'memory' ? undefined : path.join(config.dataDir, 'pglite'));
}

export interface BootOptions {
  clock?: Clock;
  db?: Db;
  /** Keys to use instead of those in config / `DATA_DIR/keys` (tests). */
  keys?: Keys;
  /** Apply migrations (default true). */
  migrate?: boolean;
}

export async function bootKernel(config: Config, opts: BootOptions = {}): Promise<Kernel> {
  if (!profiles[config.jurisdiction]) {
    throw new ConfigError('GONGSHU_JURISDICTION', `unknown jurisdiction "${config.jurisdiction}"; known: ${Object.keys(profiles).join(', ')}`);
  }
  const profile = getProfile(config.jurisdiction);
  const db = opts.db ?? (await openDb(config));
  if (opts.migrate !== false) await migrate(db);
  const keys = opts.keys ?? loadKeys(config);
  const clock = opts.clock ?? (config.startAt ? startingClock(config.startAt) : systemClock);
  return { db, clock, crypto: new Crypto(keys), config, profile };
}
