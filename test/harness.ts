/**
 * Test harness: a fresh database per test file — in-memory PGlite, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL — with migrations applied, ephemeral keys, a
 * manual clock, and the app built for `inject()`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../src/kernel/config.js';
import { ManualClock } from '../src/kernel/clock.js';
import { ephemeralKeys } from '../src/kernel/crypto.js';
import { openPglite, openPostgres, type Db } from '../src/kernel/db.js';
import { bootKernel } from '../src/kernel/boot.js';
import type { Kernel } from '../src/kernel/context.js';
import { buildApp } from '../src/app.js';
import { seedDemo } from '../src/demo/seed.js';
import { snapshotPath } from './global-setup.js';

export const ADMIN_PASSWORD = 'Admin-pass-2026';
export const DEMO_PASSWORD = 'Gongshu@2026';
export const DEFAULT_NOW = '2026-09-18T10:00:00+08:00';

/** A fresh, empty database: PGlite in memory, or a new database on TEST_DATABASE_URL's server. */
export async function freshDb(): Promise<{ db: Db; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const snapshotFile = snapshotPath();
    const snapshot = fs.existsSync(snapshotFile) ? new Blob([fs.readFileSync(snapshotFile)]) : undefined;
    const db = await openPglite(undefined, snapshot);
    return { db, drop: () => db.close() };
  }
  const name = `gongshu_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), { max: 5 });
  return {
    db,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestEnv {
  k: Kernel;
  app: FastifyInstance;
  clock: ManualClock;
  close(): Promise<void>;
}

export interface TestEnvOptions {
  now?: string;
  seed?: boolean;
  config?: Partial<Config>;
  env?: Record<string, string>;
  webDir?: string | null;
}

export async function testEnv(opts: TestEnvOptions = {}): Promise<TestEnv> {
  const { db, drop } = await freshDb();
  const config = loadConfig(
    { NODE_ENV: 'test', GONGSHU_ADMIN_PASSWORD: ADMIN_PASSWORD, GONGSHU_DEMO_PASSWORD: DEMO_PASSWORD, ...opts.env },
    { pgliteMode: 'memory', dataDir: '/nonexistent-gongshu-test', ...opts.config },
  );
  const clock = new ManualClock(opts.now ?? DEFAULT_NOW);
  const k = await bootKernel(config, { db, clock, keys: ephemeralKeys() });
  if (opts.seed !== false) await seedDemo(k);
  const app = await buildApp(k, { webDir: opts.webDir ?? null, logger: false });
  await app.ready();
  return {
    k,
    app,
    clock,
    async close() {
      await app.close();
      await drop();
    },
  };
}

/** A signed-in browser-like client: sends the session cookie and the CSRF header. */
export interface Client {
  login: string;
  csrf: string;
  cookie: string;
  request(method: InjectOptions['method'], url: string, body?: unknown): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  del(url: string): Promise<LightMyRequestResponse>;
}

export async function loginAs(app: FastifyInstance, login: string, password = login === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login, password } });
  if (res.statusCode !== 200) throw new Error(`login ${login} failed: ${res.statusCode} ${res.body}`);
  const cookies = res.cookies as Array<{ name: string; value: string }>;
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = cookies.find((c) => c.name === 'csrf')?.value ?? '';
  const request = (method: InjectOptions['method'], url: string, body?: unknown) =>
    app.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf }, ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}) });
  return {
    login,
    csrf,
    cookie,
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body ?? {}),
    patch: (url, body) => request('PATCH', url, body),
    put: (url, body) => request('PUT', url, body),
    del: (url) => request('DELETE', url),
  };
}

