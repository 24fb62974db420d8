/**
 * The rate limits of the open data API (the rows API and CKAN's datastore_search): per IP without
 * an API key, higher per registered API key; a 429 names the limit reached. Downloads of whole
 * datasets cost far more than a page of rows, so they have limits of their own, counted apart:
 * lower per IP for the anonymous, higher per API key or signed-in user. Runs after the identity
 * hook, so the caller's key or session is known.
 */
import type { FastifyRequest } from 'fastify';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { limitFor, rateLimitMessage, type RateLimits } from './rules.js';

export const limitsOf = (k: Kernel): RateLimits => ({ anonymousPerMinute: k.config.openApiRateLimitPerMinute, keyPerMinute: k.config.openApiKeyRateLimitPerMinute });

/** Who a call counts against: the API key it carries, else its IP. */
export const rateKeyOf = (req: FastifyRequest): string => (req.auth?.apiKeyId ? `key:${req.auth.apiKeyId}` : `ip:${req.ip}`);

const retryAfterSeconds = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs / 1000));

/** Whom a refused call was counted by, as the 429's details name it. */
const countedBy = (rateKey: string): 'api_key' | 'user' | 'ip' => (rateKey.startsWith('key:') ? 'api_key' : rateKey.startsWith('user:') ? 'user' : 'ip');

/** A route config of a limit per minute: who a call counts against, their limit, and the refusal's message. */
function perMinute(keyOf: (req: FastifyRequest) => string, maxFor: (rateKey: string) => number, message: (rateKey: string, retryAfter: number) => string) {
  return {
    rateLimit: {
      timeWindow: 60_000,
      keyGenerator: keyOf,
      max: (_req: FastifyRequest, key: string) => maxFor(key),
      errorResponseBuilder: (req: FastifyRequest, ctx: { max: number; ttl: number }) => {
        const key = keyOf(req);
        const retryAfter = retryAfterSeconds(ctx.ttl);
        return new AppError('RATE_LIMITED', message(key, retryAfter), { details: { limitPerMinute: ctx.max, by: countedBy(key), retryAfterSeconds: retryAfter } });
      },
    },
  };
}

/** The route config of a rate-limited open data route. */
export function openApiRateLimit(k: Kernel) {
  const limits = limitsOf(k);
  return perMinute(rateKeyOf, (key) => limitFor(limits, key), (key, retryAfter) => rateLimitMessage(limits, key, retryAfter));
}

// ── Downloads ──

export const downloadLimitsOf = (k: Kernel): RateLimits => ({ anonymousPerMinute: k.config.openDownloadRateLimitPerMinute, keyPerMinute: k.config.openDownloadKeyRateLimitPerMinute });

/** Who a download counts against: the API key it carries, else the signed-in user, else its IP. */
export const downloadRateKeyOf = (req: Pick<FastifyRequest, 'auth' | 'ip'>): string =>
  req.auth?.apiKeyId ? `key:${req.auth.apiKeyId}` : req.auth ? `user:${req.auth.user.id}` : `ip:${req.ip}`;

/** Whether a download's rate key names a registered caller (an API key or a signed-in user). */
const identified = (rateKey: string) => rateKey.startsWith('key:') || rateKey.startsWith('user:');

/** The download limit of a caller: the higher one for an API key or a signed-in user, the lower one per IP otherwise. */
export const downloadLimitFor = (limits: RateLimits, rateKey: string): number => (identified(rateKey) ? limits.keyPerMinute : limits.anonymousPerMinute);

/** The message of a refused download: names the limit the caller reached and, to the anonymous, the higher one. */
export function downloadRateLimitMessage(limits: RateLimits, rateKey: string, retryAfter: number): string {
  return identified(rateKey)
    ? `开放数据下载过于频繁：登录或使用 API 密钥时每分钟最多下载 ${limits.keyPerMinute} 次，请 ${retryAfter} 秒后再试`
    : `开放数据下载过于频繁：未登录且未使用 API 密钥时每个 IP 每分钟最多下载 ${limits.anonymousPerMinute} 次（登录或使用 API 密钥每分钟 ${limits.keyPerMinute} 次），请 ${retryAfter} 秒后再试`;
}

/** The route config of the open data download route. */
export function openDownloadRateLimit(k: Kernel) {
  const limits = downloadLimitsOf(k);
  return perMinute(downloadRateKeyOf, (key) => downloadLimitFor(limits, key), (key, retryAfter) => downloadRateLimitMessage(limits, key, retryAfter));
}
