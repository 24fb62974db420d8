/**
 * HTTP plumbing shared by every module: the error handler that renders the error registry, the
 * validation-error translation, and typed access to the request's auth context.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from './errors.js';
import { requireAuth, type AuthContext } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the identity hook: the signed-in user or API key, or null. */
    auth: AuthContext | null;
    /** The session's CSRF token when authenticated by cookie. */
    sessionCsrf: string | null;
  }
}

/** The signed-in caller, or a 401. */
export const authOf = (req: FastifyRequest): AuthContext => requireAuth(req.auth);

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns a schema validation issue into a Chinese field message. */
function describeIssue(issue: ValidationIssue): FieldError {
  const params = issue.params ?? {};
  const missing = typeof params.requiredProperties === 'object' && Array.isArray(params.requiredProperties) ? String(params.requiredProperties[0]) : (params.missingProperty as string | undefined);
  const extra = (params.additionalProperties as string[] | undefined)?.[0] ?? (params.additionalProperty as string | undefined);
  const path = (issue.instancePath ?? '').replace(/^\//, '');
  const join = (p: string, q: string) => (p ? `${p}/${q}` : q);
  switch (issue.keyword) {
    case 'required':
      return { field: join(path, missing ?? ''), message: '必填' };
    case 'additionalProperties':
      return { field: join(path, extra ?? ''), message: '不允许的字段' };
    case 'type':
      return { field: path, message: `类型应为 ${String(params.type ?? '')}`.trim() };
    case 'minLength':
      return { field: path, message: `至少 ${String(params.limit)} 个字符` };
    case 'maxLength':
      return { field: path, message: `最多 ${String(params.limit)} 个字符` };
    case 'minimum':
      return { field: path, message: `不能小于 ${String(params.limit)}` };
    case 'maximum':
      return { field: path, message: `不能大于 ${String(params.limit)}` };
    case 'minItems':
      return { field: path, message: `至少 ${String(params.limit)} 项` };
    case 'pattern':
    case 'format':
      return { field: path, message: '格式不正确' };
    case 'enum':
    case 'const':
    case 'anyOf':
      return { field: path, message: '取值不在允许范围内' };
    default:
      return { field: path, message: issue.message ?? '不符合要求' };
  }
}

/** Union schemas report one issue per branch; show each field and message once. */
function dedupe(fields: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return fields.filter((f) => {
    const key = `${f.field}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { validation?: ValidationIssue[]; validationContext?: string; code?: string }, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) return reply.status(err.status).send(err.toJSON());
    if (err.validation) {
      const where = err.validationContext === 'querystring' ? '查询参数' : err.validationContext === 'params' ? '路径参数' : '请求体';
      const fields = dedupe(err.validation.map(describeIssue));
      const summary = fields.map((f) => `${f.field || where}：${f.message}`).join('；');
      return reply.status(400).send(new AppError('VALIDATION', `${where}有误：${summary}`, { fields }).toJSON());
    }
    if (err.statusCode === 429) return reply.status(429).send(new AppError('RATE_LIMITED', '请求过于频繁，请稍后再试').toJSON());
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && err.statusCode === 400)) {
      return reply.status(400).send(new AppError('VALIDATION', '请求体不是有效的 JSON').toJSON());
    }
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.status(400).send(new AppError('VALIDATION', '请求体为空').toJSON());
    if (err.code === '23505') return reply.status(409).send(new AppError('DUPLICATE', '记录已存在（唯一性冲突）').toJSON());
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: err.code ?? 'BAD_REQUEST', message: err.message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(new AppError('INTERNAL', '服务器内部错误，已记录，请稍后再试').toJSON());
  });
}
