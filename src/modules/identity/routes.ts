/** Identity HTTP routes: sign-in, registration, orgs, users, regions, API keys. */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kernel } from '../../kernel/context.js';
import { authOf } from '../../kernel/http.js';
import * as authService from './auth.service.js';
import * as admin from './admin.service.js';
import * as keys from './api-keys.service.js';
import { meView } from './views.js';
import { ApiKeyBody, IdParams, LoginBody, OrgBody, OrgPatchBody, OrgQuery, RegionBody, RegisterBody, UserBody, UserPatchBody, UserQuery } from './schema.js';

export const SESSION_COOKIE = 'gongshu_session';
export const CSRF_COOKIE = 'csrf';

export const identityRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const loginLimit = { rateLimit: { max: k.config.loginRateLimitPerMinute, timeWindow: '1 minute' } };

  const setSessionCookies = (reply: FastifyReply, s: authService.Session) => {
    const common = { path: '/', sameSite: 'lax' as const, secure: k.config.cookieSecure, maxAge: k.config.sessionTtlHours * 3600 };
    reply.setCookie(SESSION_COOKIE, s.token, { ...common, httpOnly: true });
    reply.setCookie(CSRF_COOKIE, s.csrf, { ...common, httpOnly: false });
  };

  r.post('/api/v1/auth/login', { schema: { tags: ['identity'], summary: '登录', body: LoginBody }, config: loginLimit }, async (req, reply) => {
    const s = await authService.login(k, req.body, { ip: req.ip });
    setSessionCookies(reply, s);
    return { ...meView(s.auth), csrf: s.csrf };
  });

  r.post('/api/v1/auth/logout', { schema: { tags: ['identity'], summary: '退出登录' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await authService.logout(k, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  r.get('/api/v1/auth/me', { schema: { tags: ['identity'], summary: '当前用户、机构与角色' } }, async (req) => meView(authOf(req)));

  r.post('/api/v1/auth/register', { schema: { tags: ['identity'], summary: '社会公众自助注册（单位或自然人）', body: RegisterBody }, config: loginLimit }, async (req, reply) => {
    const s = await authService.register(k, req.body, { ip: req.ip });
    setSessionCookies(reply, s);
    return reply.status(201).send({ ...meView(s.auth), csrf: s.csrf });
  });

  r.get('/api/v1/orgs', { schema: { tags: ['identity'], summary: '机构列表', querystring: OrgQuery } }, async (req) => {
    const q = req.query;
    return admin.listOrgs(k, authOf(req), { q: q.q, role: q.role, regionCode: q.regionCode, kind: q.kind, limit: q.limit ?? 50, offset: q.offset ?? 0 });
  });
  r.post('/api/v1/orgs', { schema: { tags: ['identity'], summary: '登记机构（平台管理员）', body: OrgBody } }, async (req, reply) =>
    reply.status(201).send(await admin.createOrg(k, authOf(req), req.body)),
  );
  r.patch('/api/v1/orgs/:id', { schema: { tags: ['identity'], summary: '修改机构（平台管理员）', params: IdParams, body: OrgPatchBody } }, async (req) =>
    admin.updateOrg(k, authOf(req), req.params.id, req.body),
  );

  r.get('/api/v1/users', { schema: { tags: ['identity'], summary: '用户列表', querystring: UserQuery } }, async (req) => {
    const q = req.query;
    return admin.listUsers(k, authOf(req), { orgId: q.orgId, q: q.q, limit: q.limit ?? 50, offset: q.offset ?? 0 });
  });
  r.post('/api/v1/users', { schema: { tags: ['identity'], summary: '创建用户', body: UserBody } }, async (req, reply) =>
    reply.status(201).send(await admin.createUser(k, authOf(req), req.body)),
  );
  r.patch('/api/v1/users/:id', { schema: { tags: ['identity'], summary: '修改用户', params: IdParams, body: UserPatchBody } }, async (req) =>
    admin.updateUser(k, authOf(req), req.params.id, req.body),
  );
  r.post('/api/v1/users/:id/unlock', { schema: { tags: ['identity'], summary: '解除登录锁定', params: IdParams } }, async (req) =>
    admin.unlockUser(k, authOf(req), req.params.id),
  );

  r.get('/api/v1/regions', { schema: { tags: ['identity'], summary: '行政区划（GB/T 2260）' } }, async () => ({ items: await admin.listRegions(k.db.kysely) }));
  r.post('/api/v1/regions', { schema: { tags: ['identity'], summary: '新增行政区划（平台管理员）', body: RegionBody } }, async (req, reply) =>
    reply.status(201).send(await admin.createRegion(k, authOf(req), req.body)),
  );

  r.get('/api/v1/api-keys', { schema: { tags: ['identity'], summary: '本机构的 API 密钥' } }, async (req) => keys.listApiKeys(k, authOf(req)));
  r.post('/api/v1/api-keys', { schema: { tags: ['identity'], summary: '创建 API 密钥（仅返回一次）', body: ApiKeyBody } }, async (req, reply) =>
    reply.status(201).send(await keys.createApiKey(k, authOf(req), req.body)),
  );
  r.post('/api/v1/api-keys/:id/revoke', { schema: { tags: ['identity'], summary: '吊销 API 密钥', params: IdParams } }, async (req) =>
    keys.revokeApiKey(k, authOf(req), req.params.id),
  );
};
