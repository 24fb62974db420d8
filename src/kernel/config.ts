/**
 * Typed, frozen configuration read once from the environment. A bad value stops the process with
 * a message naming the variable.
 */
import path from 'node:path';
import { isIsoDate } from './calendar.js';

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL connection string; without it the embedded PGlite database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /** `memory` runs PGlite in memory (tests); `file` keeps it in `dataDir/pglite`. */
  readonly pgliteMode: 'file' | 'memory';
  readonly jurisdiction: string;
  /** `GONGSHU_NOW`: the instant the clock starts at (demos and acceptance tests only). */
  readonly startAt: Date | undefined;
  readonly adminPassword: string | undefined;
  readonly demoPassword: string;
  /** Seed the demo province on an empty database (default: yes on PGlite, no on PostgreSQL). */
  readonly seedDemo: boolean;
  readonly sessionTtlHours: number;
  readonly cookieSecure: boolean;
  readonly auditCheckpointEvery: number;
  readonly jobIntervalSeconds: number;
  readonly loginRateLimitPerMinute: number;
  /** `OPEN_API_RATE_LIMIT_PER_MINUTE`: open data API calls a minute per IP without an API key. */
  readonly openApiRateLimitPerMinute: number;
  /** `OPEN_API_KEY_RATE_LIMIT_PER_MINUTE`: open data API calls a minute per registered API key. */
  readonly openApiKeyRateLimitPerMinute: number;
  /** `OPEN_DOWNLOAD_RATE_LIMIT_PER_MINUTE`: open data downloads a minute per IP, neither signed in nor with an API key. */
  readonly openDownloadRateLimitPerMinute: number;
  /** `OPEN_DOWNLOAD_KEY_RATE_LIMIT_PER_MINUTE`: open data downloads a minute per registered API key or signed-in user. */
  readonly openDownloadKeyRateLimitPerMinute: number;
  /** `INGEST_ERROR_THRESHOLD`: a load whose share of rejected rows exceeds this (0–1) is refused whole. */
  readonly ingestErrorThreshold: number;
  /** `DATASET_VERSIONS_KEPT`: how many versions of each dataset are kept; older tables are dropped. */
  readonly datasetVersionsKept: number;
  /**
   * `GONGSHU_DEMO_POPULATION`: rows of the demo 人口基础信息 loaded with the demo province (the other
   * demo datasets are small); 0 loads no demo datasets. Default 100,000 (0 when NODE_ENV=test).
   */
  readonly demoPopulation: number;
  /** `INGEST_STALE_LOAD_MINUTES`: a load unheard of this long (its process gone) is failed by the `ingest.sweep` job. */
  readonly ingestStaleLoadMinutes: number;
  /** `INGEST_MAX_FILE_MB`: the largest file a multipart upload may carry, in MiB. */
  readonly ingestMaxFileMb: number;
  /**
   * `INGEST_PULL_ALLOW_LOCAL`: whether a scheduled pull may fetch from this machine's own or
   * link-local addresses (127.0.0.0/8, ::1, 169.254.0.0/16 — where cloud metadata lives). Off by
   * default, so a registered address cannot reach the platform's own services; on under NODE_ENV=test.
   */
  readonly ingestPullAllowLocal: boolean;
  /** `SANDBOX_STATEMENT_TIMEOUT_MS`: how long one sandbox query (and each of its probes) may run. */
  readonly sandboxStatementTimeoutMs: number;
  /** `SANDBOX_ROW_CAP`: the most rows a sandbox query returns; a longer result is cut and marked truncated. */
  readonly sandboxRowCap: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Crypto keys from config (hex / PEM); when absent they are generated into `dataDir/keys`. */
  readonly keys: {
    readonly sm4Key: string | undefined;
    readonly hmacKey: string | undefined;
    readonly sm2PrivateKeyPem: string | undefined;
  };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`配置错误 ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function ratio(env: Env, name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(raw)) throw new ConfigError(name, `must be a fraction between 0 and 1, e.g. 0.05, got "${raw}"`);
  return Number(raw);
}

function bool(env: Env, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], dflt: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const HEX_KEY = /^[0-9a-fA-F]{32}$/;

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  let startAt: Date | undefined;
  if (env.GONGSHU_NOW) {
    if (nodeEnv === 'production') {
      throw new ConfigError('GONGSHU_NOW', 'is refused when NODE_ENV=production: the clock of a live platform cannot be set');
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(env.GONGSHU_NOW)) {
      throw new ConfigError('GONGSHU_NOW', `must be an ISO 8601 instant with its offset, e.g. 2026-09-18T10:00:00+08:00, got "${env.GONGSHU_NOW}"`);
    }
    startAt = new Date(env.GONGSHU_NOW);
    // `Date` rolls 2026-02-30 over to March; a date that does not exist is a typo, not an instant.
    if (Number.isNaN(startAt.getTime()) || !isIsoDate(env.GONGSHU_NOW.slice(0, 10))) throw new ConfigError('GONGSHU_NOW', `is not a valid instant: "${env.GONGSHU_NOW}"`);
  }
  for (const name of ['GONGSHU_SM4_KEY', 'GONGSHU_HMAC_KEY'] as const) {
    const v = env[name];
    if (v && !HEX_KEY.test(v)) throw new ConfigError(name, 'must be 32 hexadecimal characters (128 bits)');
  }
  const sm2 = env.GONGSHU_SM2_PRIVATE_KEY || undefined;
  if (sm2 && !sm2.includes('BEGIN PRIVATE KEY')) {
    throw new ConfigError('GONGSHU_SM2_PRIVATE_KEY', 'must be a PKCS#8 PEM private key on the SM2 curve');
  }
  const adminPassword = env.GONGSHU_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('GONGSHU_ADMIN_PASSWORD', 'must be at least 8 characters');
  }
  const demoPassword = env.GONGSHU_DEMO_PASSWORD || 'Gongshu@2026';
  if (demoPassword.length < 8) throw new ConfigError('GONGSHU_DEMO_PASSWORD', 'must be at least 8 characters');

  const config: Config = {
    nodeEnv,
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    pgliteMode: oneOf(env, 'GONGSHU_PGLITE', ['file', 'memory'] as const, 'file'),
    jurisdiction: env.GONGSHU_JURISDICTION || 'hainan-2026',
    startAt,
    adminPassword,
    demoPassword,
    seedDemo: bool(env, 'GONGSHU_SEED_DEMO', !databaseUrl),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    cookieSecure: bool(env, 'COOKIE_SECURE', nodeEnv === 'production'),
    auditCheckpointEvery: int(env, 'AUDIT_CHECKPOINT_EVERY', 1000, 1, 10_000_000),
    jobIntervalSeconds: int(env, 'JOB_INTERVAL_SECONDS', 60, 1, 86_400),
    loginRateLimitPerMinute: int(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 20, 1, 100_000),
    openApiRateLimitPerMinute: int(env, 'OPEN_API_RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
    openApiKeyRateLimitPerMinute: int(env, 'OPEN_API_KEY_RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    openDownloadRateLimitPerMinute: int(env, 'OPEN_DOWNLOAD_RATE_LIMIT_PER_MINUTE', 10, 1, 1_000_000),
    openDownloadKeyRateLimitPerMinute: int(env, 'OPEN_DOWNLOAD_KEY_RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
    ingestErrorThreshold: ratio(env, 'INGEST_ERROR_THRESHOLD', 0.05),
    datasetVersionsKept: int(env, 'DATASET_VERSIONS_KEPT', 3, 1, 1000),
    demoPopulation: int(env, 'GONGSHU_DEMO_POPULATION', nodeEnv === 'test' ? 0 : 100_000, 0, 10_000_000),
    ingestStaleLoadMinutes: int(env, 'INGEST_STALE_LOAD_MINUTES', 60, 5, 7 * 24 * 60),
    ingestMaxFileMb: int(env, 'INGEST_MAX_FILE_MB', 10_240, 1, 1_048_576),
    ingestPullAllowLocal: bool(env, 'INGEST_PULL_ALLOW_LOCAL', nodeEnv === 'test'),
    sandboxStatementTimeoutMs: int(env, 'SANDBOX_STATEMENT_TIMEOUT_MS', 10_000, 10, 3_600_000),
    sandboxRowCap: int(env, 'SANDBOX_ROW_CAP', 10_000, 1, 1_000_000),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, nodeEnv === 'test' ? 'silent' : 'info'),
    keys: Object.freeze({
      sm4Key: env.GONGSHU_SM4_KEY || undefined,
      hmacKey: env.GONGSHU_HMAC_KEY || undefined,
      sm2PrivateKeyPem: sm2,
    }),
    ...overrides,
  };
  return Object.freeze(config);
}
