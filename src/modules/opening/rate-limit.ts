/**
 * The rate limits of the open data API (the rows API and CKAN's datastore_search): per IP without
 * an API key, higher per registered API key; a 429 names the limit reached. Runs after the
 * identity hook, so the caller's key is known.
 */
import type { FastifyRequest } from 'fastify';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { limitFor, rateLimitMessage, type RateLimits } from './rules.js';

export const limitsOf = (k: Kernel): RateLimits => ({ anonymousPerMinute: k.config.openApiRateLimitPerMinute, keyPerMinute: k.config.openApiKeyRateLimitPerMinute });

/** Who a call counts against: the API key it carries, else its IP. */
export const rateKeyOf = (req: FastifyRequest): string => (req.auth?.apiKeyId ? `key:${req.auth.apiKeyId}` : `ip:${req.ip}`);

/** The route config of a rate-limited open data route. */
export function openApiRateLimit(k: Kernel) {
  const limits = limitsOf(k);
  return {
    rateLimit: {
      timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => rateKeyOf(req),
      max: (_req: FastifyRequest, key: string) => limitFor(limits, key),
      errorResponseBuilder: (req: FastifyRequest, ctx: { max: number; ttl: number }) => {
        const key = rateKeyOf(req);
        return new AppError('RATE_LIMITED', rateLimitMessage(limits, key, Math.max(1, Math.ceil(ctx.ttl / 1000))), {
          details: { limitPerMinute: ctx.max, by: key.startsWith('key:') ? 'api_key' : 'ip', retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)) },
        });
      },
    },
  };
}
