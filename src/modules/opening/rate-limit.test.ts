/**
 * The rate limit of open data downloads: counted apart from the open data API, lower per IP for
 * the anonymous, higher per API key or signed-in user. The last allowed download is served whole;
 * the first refused one answers 429 in the error registry's shape, names the limit and carries
 * Retry-After, and counts nothing as a download. The settings, their defaults and bad values.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import { loadConfig } from '../../kernel/config.js';
import { loadCsv, makeOpenEntry, statsCsv } from './factories.js';
import { downloadLimitFor, downloadRateKeyOf, downloadRateLimitMessage } from './rate-limit.js';

const ANON = 3;
const KEYED = 6;
const ROWS = 4;

let env: TestEnv;
let as: Awaited<ReturnType<typeof signIn>>;
const E = { id: '', code: '' };
const db = () => env.k.db.kysely;

const downloadUrl = (format = 'csv') => `/api/v1/open/entries/${encodeURIComponent(E.code)}/download?format=${format}`;
const rowsUrl = () => `/api/v1/open/entries/${encodeURIComponent(E.code)}/rows?limit=1`;
const fromIp = (remoteAddress: string, url = downloadUrl(), headers: Record<string, string> = {}) => env.app.inject({ method: 'GET', url, remoteAddress, headers } as InjectOptions);
const downloads = async () =>
  Number((await db().selectFrom('open_usage').select((eb) => eb.fn.sum<string>('count').as('n')).where('entry_id', '=', E.id).where('kind', '=', 'download').executeTakeFirst())?.n ?? 0);

/** A served download: 200 with every row (CSV: after the header line; JSON: as items). */
function served(res: Awaited<ReturnType<typeof fromIp>>) {
  expect(res.statusCode, res.body).toBe(200);
  if (String(res.headers['content-type']).startsWith('application/json')) expect((res.json() as { items: unknown[] }).items).toHaveLength(ROWS);
  else expect(res.rawPayload.toString('utf8').slice(1).trimEnd().split('\r\n')).toHaveLength(ROWS + 1);
}

/** A refused download: 429 RATE_LIMITED, Retry-After in whole seconds within the minute, the same in the details. */
function limited(res: Awaited<ReturnType<typeof fromIp>>, limit: number, by: string) {
  const e = refused(res, 429, 'RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  expect(e.details).toEqual({ limitPerMinute: limit, by, retryAfterSeconds: retryAfter });
  expect(e.message).toContain(`每分钟最多下载 ${limit} 次`);
  expect(e.message).toContain(`请 ${retryAfter} 秒后再试`);
  return e;
}

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000, openDownloadRateLimitPerMinute: ANON, openDownloadKeyRateLimitPerMinute: KEYED } });
  as = await signIn(env.app, ['sthj_clerk', 'zhangsan', 'yelin_admin']);
  Object.assign(E, await makeOpenEntry(env.k, '海南省生态环境厅', '测试下载限流统计'));
  expect(await loadCsv(env.app, as('sthj_clerk'), E.id, statsCsv(ROWS))).toMatchObject({ status: 'committed', rowsAccepted: ROWS });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('the download limit of anonymous callers (per IP)', () => {
  it(`serves the ${ANON}th download of a minute whole and refuses the next with 429 and Retry-After, counting nothing`, async () => {
    const ip = '10.50.0.1';
    // Every format counts against the same budget.
    for (let i = 0; i < ANON - 1; i++) served(await fromIp(ip, downloadUrl('json')));
    served(await fromIp(ip, downloadUrl('csv')));
    const before = await downloads();
    const e = limited(await fromIp(ip), ANON, 'ip');
    // The anonymous are told of the higher limit a key or an account gets.
    expect(e.message).toContain(`登录或使用 API 密钥每分钟 ${KEYED} 次`);
    limited(await fromIp(ip, downloadUrl('xlsx')), ANON, 'ip');
    expect(await downloads()).toBe(before);
  });

  it('another IP has its own allowance, and the open data API is counted apart from downloads', async () => {
    const ip = '10.50.0.2';
    for (let i = 0; i < ANON; i++) served(await fromIp(ip));
    limited(await fromIp(ip), ANON, 'ip');
    served(await fromIp('10.50.0.3'));
    ok(await fromIp(ip, rowsUrl()));
  });
});

describe('the download limit of registered callers', () => {
  it(`an API key: ${KEYED} downloads a minute, counted by key not by IP`, async () => {
    const made = ok<{ key: string }>(await as('yelin_admin').post('/api/v1/api-keys', { name: '开放数据下载', expiresInDays: 30 }), 201);
    const ip = '10.51.0.1';
    // The IP's anonymous allowance spent first: the key does not share it.
    for (let i = 0; i < ANON; i++) served(await fromIp(ip));
    limited(await fromIp(ip), ANON, 'ip');
    const withKey = () => fromIp(ip, downloadUrl(), { authorization: `Bearer ${made.key}` });
    for (let i = 0; i < KEYED; i++) served(await withKey());
    const e = limited(await withKey(), KEYED, 'api_key');
    expect(e.message).toContain('登录或使用 API 密钥时');
  });

  it(`a signed-in user: ${KEYED} downloads a minute (more than the anonymous ${ANON}), counted by user not by IP`, async () => {
    const user = as('zhangsan');
    for (let i = 0; i < KEYED; i++) served(await user.get(downloadUrl()));
    limited(await user.get(downloadUrl()), KEYED, 'user');
    // Another user from the same address, and an anonymous caller from it, are not held back by zhangsan's count.
    served(await as('yelin_admin').get(downloadUrl()));
    served(await env.app.inject({ method: 'GET', url: downloadUrl() }));
  });
});

describe('the rules of the download limit', () => {
  const limits = { anonymousPerMinute: 10, keyPerMinute: 60 };

  it('counts a download against its API key, else its user, else its IP', () => {
    const auth = (apiKeyId: string | null) => ({ user: { id: 'u1' }, apiKeyId }) as unknown as NonNullable<Parameters<typeof downloadRateKeyOf>[0]['auth']>;
    expect(downloadRateKeyOf({ auth: auth('k1'), ip: '10.0.0.1' })).toBe('key:k1');
    expect(downloadRateKeyOf({ auth: auth(null), ip: '10.0.0.1' })).toBe('user:u1');
    expect(downloadRateKeyOf({ auth: null, ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });

  it('gives keys and users the higher limit, IPs the lower', () => {
    expect(downloadLimitFor(limits, 'key:k1')).toBe(60);
    expect(downloadLimitFor(limits, 'user:u1')).toBe(60);
    expect(downloadLimitFor(limits, 'ip:10.0.0.1')).toBe(10);
    expect(downloadRateLimitMessage(limits, 'ip:1', 30)).toBe('开放数据下载过于频繁：未登录且未使用 API 密钥时每个 IP 每分钟最多下载 10 次（登录或使用 API 密钥每分钟 60 次），请 30 秒后再试');
    expect(downloadRateLimitMessage(limits, 'user:u1', 5)).toBe('开放数据下载过于频繁：登录或使用 API 密钥时每分钟最多下载 60 次，请 5 秒后再试');
  });

  it('the settings default to 10 and 60 a minute, read from the environment, and refuse a bad value naming it', () => {
    const d = loadConfig({ NODE_ENV: 'test' }, {});
    expect([d.openDownloadRateLimitPerMinute, d.openDownloadKeyRateLimitPerMinute]).toEqual([10, 60]);
    const c = loadConfig({ NODE_ENV: 'test', OPEN_DOWNLOAD_RATE_LIMIT_PER_MINUTE: '4', OPEN_DOWNLOAD_KEY_RATE_LIMIT_PER_MINUTE: '40' }, {});
    expect([c.openDownloadRateLimitPerMinute, c.openDownloadKeyRateLimitPerMinute]).toEqual([4, 40]);
    expect(() => loadConfig({ NODE_ENV: 'test', OPEN_DOWNLOAD_RATE_LIMIT_PER_MINUTE: '0' }, {})).toThrow(/OPEN_DOWNLOAD_RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ NODE_ENV: 'test', OPEN_DOWNLOAD_KEY_RATE_LIMIT_PER_MINUTE: 'many' }, {})).toThrow(/OPEN_DOWNLOAD_KEY_RATE_LIMIT_PER_MINUTE/);
  });
});
