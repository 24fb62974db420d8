/**
 * The identity hook: resolves the caller from `Authorization: Bearer <API key>` or the session
 * cookie, and enforces the double-submit CSRF check on cookie-authenticated writes.
 */
import type { FastifyInstance } from 'fastify';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { resolveApiKey, resolveSession } from './auth.service.js';
import { SESSION_COOKIE } from './routes.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuthHook(app: FastifyInstance, k: Kernel): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('sessionCsrf', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m?.[1]) throw new AppError('UNAUTHENTICATED', 'Authorization 头应为 Bearer <API 密钥>');
      const auth = await resolveApiKey(k, m[1], req.url);
      if (!auth) throw new AppError('UNAUTHENTICATED', 'API 密钥无效、已过期或已吊销');
      req.auth = auth;
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const s = await resolveSession(k, token);
    if (!s) return;
    req.auth = s.auth;
    req.sessionCsrf = s.csrf;
    if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== s.csrf) {
      throw new AppError('CSRF', 'CSRF 校验失败：请求须带有与 csrf Cookie 相同的 x-csrf-token 请求头');
    }
  });
}
