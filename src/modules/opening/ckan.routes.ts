/**
 * The CKAN-compatible Action API of the open catalog (ckan.ts), no login: `/api/3/action/<name>`
 * and `/api/action/<name>` (the path ckanapi uses), by GET with query parameters or POST with a
 * JSON (or form) body, answered in CKAN's envelope `{ help, success, result }`. Its errors have
 * CKAN's shapes too, by this plugin's own error handler.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { CkanError, isAction, runAction, type CkanAction } from './ckan.js';
import { openApiRateLimit } from './rate-limit.js';

const PREFIXES = ['/api/3/action', '/api/action'];

/** The platform's external address as the caller reached it. */
const baseUrlOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;
const helpOf = (req: FastifyRequest, action: string) => `${baseUrlOf(req)}/api/3/action/help_show?name=${encodeURIComponent(action)}`;
const actionOf = (req: FastifyRequest) => (req.params as { action?: string }).action ?? 'datastore_search';

/** GET parameters, then a POST body's over them. */
function paramsOf(req: FastifyRequest): Record<string, unknown> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  return { ...query, ...body };
}

/** CKAN's answer to an action name it does not know: a 400 whose body is a JSON string. */
const badRequest = (reply: FastifyReply, message: string) => reply.status(400).type('application/json; charset=utf-8').send(JSON.stringify(`Bad request - ${message}`));

export const ckanRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, { kernel: k }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const help = helpOf(req, actionOf(req));
    if (err instanceof CkanError) return reply.status(err.status).send(err.body(help));
    if (err instanceof AppError) {
      const status = err.status;
      if (status === 404) return reply.status(404).send(new CkanError(404, 'Not Found Error', `Not found: ${err.message}`).body(help));
      if (status === 401 || status === 403) return reply.status(403).send(new CkanError(403, 'Authorization Error', `Access denied: ${err.message}`).body(help));
      if (status === 429) return reply.status(429).send({ help, success: false, error: { __type: 'Rate Limit Error', message: err.message, ...err.details } });
      const fields = Object.fromEntries((err.fields ?? []).map((f) => [f.field, [f.message]]));
      return reply.status(409).send(new CkanError(409, 'Validation Error', err.message, fields).body(help));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return badRequest(reply, `JSON Error: ${err.message}`);
    }
    if (err.statusCode === 415) return badRequest(reply, `Unsupported content type: ${String(req.headers['content-type'] ?? '')}`);
    req.log.error({ err }, 'ckan action failed');
    return reply.status(500).send({ help, success: false, error: { __type: 'Internal Server Error', message: 'Internal Server Error' } });
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const action = actionOf(req);
    if (!isAction(action)) return badRequest(reply, `Action name not known: ${action}`);
    const result = await runAction({ k, auth: req.auth, base: baseUrlOf(req), meta: { ip: req.ip } }, action as CkanAction, paramsOf(req));
    return { help: helpOf(req, action), success: true, result };
  };

  const schema = { tags: ['ckan'], summary: 'CKAN Action API（兼容 CKAN 2.10）；无需登录' };
  for (const prefix of PREFIXES) {
    // datastore_search reads data: it has the open data API's rate limits.
    const limited = { schema: { ...schema, summary: 'CKAN datastore_search：按页读取无条件开放数据；限流同开放数据接口' }, config: openApiRateLimit(k) };
    app.get(`${prefix}/datastore_search`, limited, handler);
    app.post(`${prefix}/datastore_search`, limited, handler);
    app.get(`${prefix}/:action`, { schema }, handler);
    app.post(`${prefix}/:action`, { schema }, handler);
  }
  app.get('/api/3', { schema: { ...schema, summary: 'CKAN API 版本' } }, async () => ({ version: 3 }));
};
