/**
 * Builds the Fastify app from the kernel and the modules. Kept apart from the code that listens,
 * so tests call `app.inject()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Kernel } from './kernel/context.js';
import { AppError } from './kernel/errors.js';
import { registerErrorHandling } from './kernel/http.js';
import { registerAuthHook } from './modules/identity/hooks.js';
import { identityRoutes } from './modules/identity/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { calendarRoutes } from './modules/calendar/routes.js';
import { workbenchRoutes } from './modules/workbench/routes.js';
import { platformRoutes } from './modules/platform/routes.js';
import { catalogRoutes } from './modules/catalog/routes.js';
import { qualityRoutes } from './modules/quality/routes.js';
import { ingestRoutes } from './modules/ingest/routes.js';
import { loadHistoryRoutes } from './modules/ingest/history.routes.js';
import { pullRoutes } from './modules/ingest/pull.routes.js';
import { reflowRoutes } from './modules/ingest/reflow.routes.js';
import { uploadRoutes } from './modules/ingest/uploads.routes.js';
import { collectionsRoutes } from './modules/collections/routes.js';
import { sharingRoutes } from './modules/sharing/routes.js';
import { deliveryRoutes } from './modules/delivery/routes.js';
import { exportRoutes } from './modules/delivery/export.routes.js';
import { openApplicationRoutes } from './modules/opening/applications.routes.js';
import { openDemandRoutes } from './modules/opening/demands.routes.js';
import { openingGateRoutes } from './modules/opening/gate.routes.js';
import { openingRoutes } from './modules/opening/routes.js';
import { ckanRoutes } from './modules/opening/ckan.routes.js';
import { sandboxRoutes } from './modules/privacy/sandbox.routes.js';
import { privacyRoutes } from './modules/privacy/routes.js';
import { portalPageHtml } from './modules/opening/seo.js';

export const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

export interface AppOptions {
  /** The built web app to serve at `/`; null serves the API only. */
  webDir?: string | null;
  logger?: boolean;
}

export async function buildApp(k: Kernel, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger === false || k.config.logLevel === 'silent' ? false : { level: k.config.logLevel },
    trustProxy: true,
    bodyLimit: 10 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array' } },
  }).setValidatorCompiler(TypeBoxValidatorCompiler);

  registerErrorHandling(app);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design writes its styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: '公数 Gongshu API', version: '1', description: '省级公共数据资源开发利用平台 API。错误格式：{ error: { code, message, source? } }。' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API 密钥：Authorization: Bearer gsk_…' },
          session: { type: 'apiKey', in: 'cookie', name: 'gongshu_session' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
  });
  registerAuthHook(app, k);

  await app.register(platformRoutes, { kernel: k });
  await app.register(identityRoutes, { kernel: k });
  await app.register(auditRoutes, { kernel: k });
  await app.register(calendarRoutes, { kernel: k });
  await app.register(workbenchRoutes, { kernel: k });
  await app.register(catalogRoutes, { kernel: k });
  await app.register(qualityRoutes, { kernel: k });
  await app.register(ingestRoutes, { kernel: k });
  await app.register(loadHistoryRoutes, { kernel: k });
  await app.register(pullRoutes, { kernel: k });
  await app.register(reflowRoutes, { kernel: k });
  await app.register(uploadRoutes, { kernel: k });
  await app.register(collectionsRoutes, { kernel: k });
  await app.register(sharingRoutes, { kernel: k });
  await app.register(deliveryRoutes, { kernel: k });
  await app.register(exportRoutes, { kernel: k });
  await app.register(openApplicationRoutes, { kernel: k });
  await app.register(openDemandRoutes, { kernel: k });
  await app.register(openingGateRoutes, { kernel: k });
  await app.register(openingRoutes, { kernel: k });
  await app.register(ckanRoutes, { kernel: k });
  await app.register(sandboxRoutes, { kernel: k });
  await app.register(privacyRoutes, { kernel: k });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const webDir = opts.webDir === undefined ? defaultWebDir : opts.webDir;
  const indexHtml = webDir ? path.join(webDir, 'index.html') : null;
  if (webDir && indexHtml && fs.existsSync(indexHtml)) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: false });
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      // Unknown API paths are JSON 404s; every other path is a page of the single-page app.
      if (req.url.startsWith('/api/')) throw new AppError('NOT_FOUND', `没有这个接口：${req.method} ${req.url.split('?')[0]}`);
      const file = path.join(webDir, decodeURIComponent(req.url.split('?')[0] ?? '/'));
      if (file.startsWith(webDir) && fs.existsSync(file) && fs.statSync(file).isFile()) return reply.sendFile(path.relative(webDir, file));
      // Portal pages carry their own title and description for search engines.
      const portal = await portalPageHtml(k, req.url.split('?')[0] ?? '/', indexHtml);
      if (portal !== null) return reply.type('text/html').header('cache-control', 'no-cache').send(portal);
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(new AppError('NOT_FOUND', `没有这个接口：${req.method} ${req.url.split('?')[0]}`).toJSON());
  });
  return app;
}
