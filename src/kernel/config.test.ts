import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** The ConfigError `loadConfig(env)` throws, or a failure if it does not throw one. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('serves on port 3000 with PGlite in ./data, Hainan rules and the demo seeded', () => {
    const c = loadConfig({});
    expect(c.nodeEnv).toBe('development');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.pgliteMode).toBe('file');
    expect(c.jurisdiction).toBe('hainan-2026');
    expect(c.startAt).toBeUndefined();
    expect(c.demoPassword).toBe('Gongshu@2026');
    expect(c.seedDemo).toBe(true);
    expect(c.cookieSecure).toBe(false);
    expect(c.auditCheckpointEvery).toBe(1000);
    expect(c.keys).toEqual({ sm4Key: undefined, hmacKey: undefined, sm2PrivateKeyPem: undefined });
  });

  it('does not seed the demo by default on PostgreSQL, and sets secure cookies in production', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', GONGSHU_SEED_DEMO: '1' }).seedDemo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).cookieSecure).toBe(true);
  });

  it('reads the variables it is given', () => {
    const c = loadConfig({ PORT: '8080', HOST: '127.0.0.1', DATA_DIR: '/tmp/gs', GONGSHU_JURISDICTION: 'henan-2025', AUDIT_CHECKPOINT_EVERY: '3', COOKIE_SECURE: 'yes' });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('/tmp/gs');
    expect(c.jurisdiction).toBe('henan-2025');
    expect(c.auditCheckpointEvery).toBe(3);
    expect(c.cookieSecure).toBe(true);
  });

  it('lets overrides replace values read from the environment', () => {
    expect(loadConfig({ PORT: '8080' }, { port: 9000 }).port).toBe(9000);
  });
});

describe('loadConfig refuses a bad value naming the variable', () => {
  it.each(['abc', '-1', '3000.5', '65536', '1e3'])('refuses PORT=%s', (value) => {
    const err = configError({ PORT: value });
    expect(err.variable).toBe('PORT');
    expect(err.message).toContain('PORT');
  });

  it('accepts PORT=0 and PORT=65535', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it('refuses GONGSHU_NOW when NODE_ENV=production', () => {
    const err = configError({ NODE_ENV: 'production', GONGSHU_NOW: '2026-09-18T10:00:00+08:00' });
    expect(err.variable).toBe('GONGSHU_NOW');
    expect(err.message).toContain('GONGSHU_NOW');
    expect(err.message).toContain('production');
  });

  it('starts the clock at GONGSHU_NOW outside production', () => {
    expect(loadConfig({ GONGSHU_NOW: '2026-09-18T10:00:00+08:00' }).startAt?.toISOString()).toBe('2026-09-18T02:00:00.000Z');
    expect(loadConfig({ NODE_ENV: 'test', GONGSHU_NOW: '2026-09-18T02:00:00Z' }).startAt?.toISOString()).toBe('2026-09-18T02:00:00.000Z');
    expect(loadConfig({ GONGSHU_NOW: '2026-09-18T10:00+08:00' }).startAt?.toISOString()).toBe('2026-09-18T02:00:00.000Z');
  });

  it.each([
    '2026-09-18',
    '2026-09-18T10:00:00',
    '2026-09-18 10:00:00+08:00',
    'tomorrow',
    '2026-13-01T10:00:00+08:00',
    '2026-09-18T25:00:00+08:00',
    '2026-02-30T10:00:00+08:00',
    '2026-04-31T10:00:00Z',
  ])('refuses the malformed GONGSHU_NOW=%s', (value) => {
    const err = configError({ GONGSHU_NOW: value });
    expect(err.variable).toBe('GONGSHU_NOW');
    expect(err.message).toContain('GONGSHU_NOW');
  });

  it.each(['GONGSHU_SM4_KEY', 'GONGSHU_HMAC_KEY'])('refuses %s that is not 32 hex characters', (name) => {
    for (const value of ['xyz', '0123456789abcdef0123456789abcde', '0123456789abcdef0123456789abcdefa', 'g123456789abcdef0123456789abcdef']) {
      const err = configError({ [name]: value });
      expect(err.variable).toBe(name);
      expect(err.message).toContain(name);
    }
    expect(loadConfig({ [name]: '0123456789abcdef0123456789ABCDEF' }).keys).toBeDefined();
  });

  it('refuses GONGSHU_SM2_PRIVATE_KEY that is not a PEM private key', () => {
    expect(configError({ GONGSHU_SM2_PRIVATE_KEY: 'not a key' }).variable).toBe('GONGSHU_SM2_PRIVATE_KEY');
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['DATABASE_URL', 'mysql://u@h/db'],
    ['GONGSHU_PGLITE', 'disk'],
    ['GONGSHU_SEED_DEMO', 'maybe'],
    ['COOKIE_SECURE', '2'],
    ['SESSION_TTL_HOURS', '0'],
    ['AUDIT_CHECKPOINT_EVERY', '0'],
    ['JOB_INTERVAL_SECONDS', 'soon'],
    ['LOGIN_RATE_LIMIT_PER_MINUTE', '0'],
    ['LOG_LEVEL', 'verbose'],
    ['GONGSHU_ADMIN_PASSWORD', 'short'],
    ['GONGSHU_DEMO_PASSWORD', 'short'],
  ])('refuses %s=%s', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.variable).toBe(name);
    expect(err.message).toContain(name);
    expect(err.name).toBe('ConfigError');
  });
});

describe('the config object', () => {
  it('is frozen, keys included', () => {
    const c = loadConfig({ GONGSHU_SM4_KEY: '0123456789abcdef0123456789abcdef' });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.keys)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.keys as { sm4Key: string | undefined }).sm4Key = 'ffffffffffffffffffffffffffffffff';
    }).toThrow(TypeError);
    expect(c.port).toBe(3000);
    expect(c.keys.sm4Key).toBe('0123456789abcdef0123456789abcdef');
  });
});
