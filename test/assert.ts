/** Assertions shared by the API tests (kept apart from the harness, which benchmarks also import). */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { loginAs, type Client } from './harness.js';

/** The error body every refusal carries. */
export interface ErrorBody {
  error: { code: string; message: string; source?: string; fields?: Array<{ field: string; message: string }>; details?: Record<string, unknown> };
}

/** Expects `status` (200 by default) and returns the JSON body. */
export function ok<T = any>(res: LightMyRequestResponse, status = 200): T {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

/** Expects a refusal with `status` and `code` (and, when given, the article it cites); returns the error. */
export function refused(res: LightMyRequestResponse, status: number, code: string, source?: string): ErrorBody['error'] {
  expect(res.statusCode, res.body).toBe(status);
  const e = (res.json() as ErrorBody).error;
  expect(e.code).toBe(code);
  if (source !== undefined) expect(e.source).toBe(source);
  return e;
}

/** Signs in each login once and returns a lookup that fails loudly for a login not signed in. */
export async function signIn(app: FastifyInstance, logins: readonly string[]): Promise<(login: string) => Client> {
  const clients = new Map<string, Client>();
  for (const login of logins) clients.set(login, await loginAs(app, login));
  return (login: string) => {
    const c = clients.get(login);
    if (!c) throw new Error(`not signed in: ${login}`);
    return c;
  };
}
