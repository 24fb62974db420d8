/**
 * Administration over HTTP: who may do what (every admin endpoint refused to the wrong roles),
 * bad input, the org tree, and the audit event every successful admin write leaves.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from './harness.js';
import { checkpointHead } from '../src/kernel/audit.js';
import { demoUscc } from '../src/modules/identity/demo.js';

let env: TestEnv;
const clients = new Map<string, Client>();
const as = (login: string) => {
  const c = clients.get(login);
  if (!c) throw new Error(`not signed in: ${login}`);
  return c;
};
const orgIds = new Map<string, string>();
const orgId = (name: string) => {
  const id = orgIds.get(name);
  if (!id) throw new Error(`no org ${name}`);
  return id;
};
const db = () => env.k.db.kysely;
let uscc = 500;
const nextUscc = () => demoUscc('91', '460100', uscc++);

type ErrorBody = { error: { code: string; message: string; fields?: Array<{ field: string; message: string }> } };
const errorOf = (res: LightMyRequestResponse) => (res.json() as ErrorBody).error;

async function counts() {
  const n = async (table: 'orgs' | 'users' | 'audit_events' | 'regions' | 'calendar_days' | 'calendar_years') =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { orgs: await n('orgs'), users: await n('users'), events: await n('audit_events'), regions: await n('regions'), days: await n('calendar_days'), years: await n('calendar_years') };
}

/** The audit events with this action, newest first, as an auditor sees them. */
async function eventsOf(action: string) {
  const res = await as('auditor_wx').get(`/api/v1/audit/events?action=${encodeURIComponent(action)}`);
  expect(res.statusCode).toBe(200);
  return res.json().items as Array<{ action: string; objectId: string | null; actorLogin: string | null; details: Record<string, unknown> }>;
}

const LOGINS = ['admin', 'dsj_clerk', 'gat_admin', 'gat_clerk', 'gat_officer', 'auditor_wx', 'yshj_reviewer', 'yshj_admin', 'kaifa_dev', 'zhangsan', 'yelin_admin'];

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
  for (const o of await db().selectFrom('orgs').select(['id', 'name']).execute()) orgIds.set(o.name, o.id);
  // A signed checkpoint, so that the latest-checkpoint endpoint has something to serve.
  await db().transaction().execute((trx) => checkpointHead(env.k, trx));
});

afterAll(async () => {
  await env?.close();
});

const PLATFORM_ADMIN = /平台管理员（platform_admin 机构的 org_admin）/;
const AUDITOR = /审计员（auditor）或平台管理员/;

interface Endpoint {
  method: NonNullable<InjectOptions['method']>;
  url: () => string;
  body?: () => Record<string, unknown>;
  needs: RegExp;
}

/** Endpoints only a platform admin may call, each with a body that passes its schema. */
const PLATFORM_ADMIN_ENDPOINTS: Record<string, Endpoint> = {
  'POST /api/v1/orgs': { method: 'POST', url: () => '/api/v1/orgs', body: () => ({ name: '越权机构', uscc: demoUscc('11', '460000', 990), regionCode: '460000', roles: ['institution'] }), needs: PLATFORM_ADMIN },
  'PATCH /api/v1/orgs/:id': { method: 'PATCH', url: () => `/api/v1/orgs/${orgId('海南省生态环境厅')}`, body: () => ({ name: '改名' }), needs: PLATFORM_ADMIN },
  'POST /api/v1/regions': { method: 'POST', url: () => '/api/v1/regions', body: () => ({ code: '460500', name: '越权市', parentCode: '460000' }), needs: PLATFORM_ADMIN },
  'PUT /api/v1/calendar/days/:day': { method: 'PUT', url: () => '/api/v1/calendar/days/2026-10-08', body: () => ({ kind: 'holiday', name: '越权假日' }), needs: PLATFORM_ADMIN },
  'DELETE /api/v1/calendar/days/:day': { method: 'DELETE', url: () => '/api/v1/calendar/days/2026-10-01', needs: PLATFORM_ADMIN },
  'PUT /api/v1/calendar/years/:year': { method: 'PUT', url: () => '/api/v1/calendar/years/2026', body: () => ({ source: '越权导入', days: [] }), needs: PLATFORM_ADMIN },
  'GET /api/v1/jobs': { method: 'GET', url: () => '/api/v1/jobs', needs: PLATFORM_ADMIN },
};

/** The audit trail: auditors and platform admins only. */
const AUDIT_ENDPOINTS: Record<string, Endpoint> = {
  'GET /api/v1/audit/events': { method: 'GET', url: () => '/api/v1/audit/events', needs: AUDITOR },
  'GET /api/v1/audit/verify': { method: 'GET', url: () => '/api/v1/audit/verify', needs: AUDITOR },
  'GET /api/v1/audit/checkpoints/latest': { method: 'GET', url: () => '/api/v1/audit/checkpoints/latest', needs: AUDITOR },
};

const call = (c: Client, e: Endpoint) => c.request(e.method, e.url(), e.body?.());

describe('platform-admin endpoints', () => {
  // dsj_clerk belongs to the platform org but is not its org_admin; gat_admin is an org_admin elsewhere.
  const wrongRoles = ['dsj_clerk', 'gat_admin', 'gat_clerk', 'auditor_wx', 'yshj_reviewer', 'kaifa_dev', 'zhangsan'];

  describe.each(Object.entries(PLATFORM_ADMIN_ENDPOINTS))('%s', (_name, endpoint) => {
    it.each(wrongRoles)('is refused to %s with 403 naming the platform admin role, changing nothing', async (login) => {
      const before = await counts();
      const res = await call(as(login), endpoint);
      expect(res.statusCode).toBe(403);
      expect(errorOf(res).code).toBe('FORBIDDEN');
      expect(errorOf(res).message).toMatch(endpoint.needs);
      expect(await counts()).toEqual(before);
    });

    it('is refused without a session with 401', async () => {
      const res = await env.app.inject({ method: endpoint.method, url: endpoint.url(), ...(endpoint.body ? { payload: endpoint.body() } : {}) });
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHENTICATED');
    });
  });

  it('leaves the refused calendar and org data as they were', async () => {
    const day = await db().selectFrom('calendar_days').selectAll().where('day', '=', '2026-10-01').executeTakeFirst();
    expect(day).toMatchObject({ kind: 'holiday', name: '国庆节' });
    expect(await db().selectFrom('calendar_days').select('day').where('day', '=', '2026-10-08').executeTakeFirst()).toBeUndefined();
    expect((await db().selectFrom('orgs').select('name').where('id', '=', orgId('海南省生态环境厅')).executeTakeFirstOrThrow()).name).toBe('海南省生态环境厅');
  });

  it('GET /api/v1/jobs is allowed to the platform admin', async () => {
    const res = await as('admin').get('/api/v1/jobs');
    expect(res.statusCode).toBe(200);
    expect(Array.isArray(res.json().items)).toBe(true);
  });
});

describe('audit endpoints', () => {
  describe.each(Object.entries(AUDIT_ENDPOINTS))('%s', (_name, endpoint) => {
    it.each(['gat_clerk', 'gat_admin', 'dsj_clerk', 'yshj_reviewer', 'zhangsan'])('is refused to %s with 403 naming the auditor role', async (login) => {
      const res = await call(as(login), endpoint);
      expect(res.statusCode).toBe(403);
      expect(errorOf(res).message).toMatch(endpoint.needs);
    });

    it.each(['auditor_wx', 'admin'])('is allowed to %s', async (login) => {
      expect((await call(as(login), endpoint)).statusCode).toBe(200);
    });

    it('is refused without a session with 401', async () => {
      expect((await env.app.inject({ method: endpoint.method, url: endpoint.url() })).statusCode).toBe(401);
    });
  });

  it('filters events by actor, action prefix and time, and refuses an inverted time range with 400', async () => {
    const byActor = (await as('auditor_wx').get('/api/v1/audit/events?actor=gat_clerk')).json().items as Array<{ actorLogin: string; action: string }>;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actorLogin === 'gat_clerk')).toBe(true);
    const auth = (await as('auditor_wx').get('/api/v1/audit/events?action=auth.')).json().items as Array<{ action: string }>;
    expect(auth.length).toBeGreaterThan(0);
    expect(auth.every((e) => e.action.startsWith('auth.'))).toBe(true);
    const inverted = await as('auditor_wx').get('/api/v1/audit/events?from=2026-09-19T00:00:00Z&to=2026-09-18T00:00:00Z');
    expect(inverted.statusCode).toBe(400);
    expect(errorOf(inverted).code).toBe('VALIDATION');
  });

  it('pages newest first with nextBefore', async () => {
    const first = (await as('auditor_wx').get('/api/v1/audit/events?limit=3')).json() as { items: Array<{ seq: number }>; nextBefore: number };
    expect(first.items).toHaveLength(3);
    expect(first.items[0]!.seq).toBeGreaterThan(first.items[2]!.seq);
    expect(first.nextBefore).toBe(first.items[2]!.seq);
    const second = (await as('auditor_wx').get(`/api/v1/audit/events?limit=3&before=${first.nextBefore}`)).json() as { items: Array<{ seq: number }> };
    expect(second.items[0]!.seq).toBe(first.nextBefore - 1);
  });
});

describe('user administration', () => {
  const userBody = (org: string, login: string) => ({ orgId: org, login, name: '新用户', password: 'New-user-2026', roles: ['clerk'] });

  it('POST /api/v1/users for another org is refused to an org_admin with 403 naming the role, writing nothing', async () => {
    const before = await counts();
    const res = await as('gat_admin').post('/api/v1/users', userBody(orgId('海南省市场监督管理局'), 'scj_by_gat'));
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).message).toContain('机构管理员（org_admin）');
    expect(await counts()).toEqual(before);
  });

  it('POST /api/v1/users is refused to users who are not org_admin, even for their own org', async () => {
    for (const login of ['gat_clerk', 'gat_officer', 'auditor_wx']) {
      const own = (await as(login).get('/api/v1/auth/me')).json().org.id as string;
      const res = await as(login).post('/api/v1/users', userBody(own, `${login}_made`));
      expect(res.statusCode, login).toBe(403);
    }
  });

  it('POST /api/v1/users for its own org is allowed to an org_admin and audited', async () => {
    const res = await as('gat_admin').post('/api/v1/users', userBody(orgId('海南省公安厅'), 'gat_new'));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ login: 'gat_new', orgId: orgId('海南省公安厅'), roles: ['clerk'], disabled: false });
    expect(res.body).not.toContain('New-user-2026');
    const ev = (await eventsOf('user.create')).find((e) => e.objectId === res.json().id);
    expect(ev).toMatchObject({ actorLogin: 'gat_admin', details: { login: 'gat_new' } });
    expect(JSON.stringify(ev)).not.toContain('New-user-2026');
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'gat_new', password: 'New-user-2026' } })).statusCode).toBe(200);
  });

  it('POST /api/v1/users for any org is allowed to the platform admin', async () => {
    const res = await as('admin').post('/api/v1/users', userBody(orgId('海南省市场监督管理局'), 'scj_new'));
    expect(res.statusCode).toBe(201);
  });

  it('PATCH /api/v1/users/:id of another org is refused to an org_admin with 403, changing nothing', async () => {
    const target = await db().selectFrom('users').select(['id', 'name']).where('login', '=', 'yshj_reviewer').executeTakeFirstOrThrow();
    const before = await counts();
    const res = await as('gat_admin').patch(`/api/v1/users/${target.id}`, { name: '被改名' });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).message).toContain('机构管理员（org_admin）');
    expect(await counts()).toEqual(before);
    expect((await db().selectFrom('users').select('name').where('id', '=', target.id).executeTakeFirstOrThrow()).name).toBe(target.name);
  });

  it('PATCH /api/v1/users/:id of its own org is allowed to an org_admin and audited', async () => {
    const target = await db().selectFrom('users').select('id').where('login', '=', 'gat_officer').executeTakeFirstOrThrow();
    const res = await as('gat_admin').patch(`/api/v1/users/${target.id}`, { name: '周强强', roles: ['data_officer', 'clerk'] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: '周强强', roles: ['data_officer', 'clerk'] });
    const ev = (await eventsOf('user.update')).find((e) => e.objectId === target.id);
    expect(ev).toMatchObject({ actorLogin: 'gat_admin', details: { before: { name: '周强' }, after: { name: '周强强' } } });
  });

  it('a disabled user can no longer sign in, and the session is ended', async () => {
    const c = await loginAs(env.app, 'gat_new', 'New-user-2026');
    const target = await db().selectFrom('users').select('id').where('login', '=', 'gat_new').executeTakeFirstOrThrow();
    expect((await as('gat_admin').patch(`/api/v1/users/${target.id}`, { disabled: true })).statusCode).toBe(200);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'gat_new', password: 'New-user-2026' } });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).message).toContain('停用');
  });

  it('an org_admin cannot disable itself or drop its own org_admin role', async () => {
    const self = (await as('gat_admin').get('/api/v1/auth/me')).json().user.id as string;
    expect((await as('gat_admin').patch(`/api/v1/users/${self}`, { disabled: true })).statusCode).toBe(422);
    expect((await as('gat_admin').patch(`/api/v1/users/${self}`, { roles: ['clerk'] })).statusCode).toBe(422);
  });

  it('GET /api/v1/users lists only its own org to an org_admin, and refuses another org', async () => {
    const res = await as('gat_admin').get('/api/v1/users?limit=500');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ orgId: string; login: string }>;
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.every((u) => u.orgId === orgId('海南省公安厅'))).toBe(true);
    expect(items.map((u) => u.login)).toContain('gat_clerk');
    expect(res.json().total).toBe(items.length);
    const other = await as('gat_admin').get(`/api/v1/users?orgId=${orgId('海南省数据局')}`);
    expect(other.statusCode).toBe(403);
  });

  it('GET /api/v1/users lists every org to the platform admin and is refused to a clerk', async () => {
    const all = (await as('admin').get('/api/v1/users?limit=500')).json().items as Array<{ orgId: string }>;
    expect(new Set(all.map((u) => u.orgId)).size).toBeGreaterThan(10);
    const clerk = await as('gat_clerk').get('/api/v1/users');
    expect(clerk.statusCode).toBe(403);
    expect(errorOf(clerk).message).toContain('org_admin');
  });

  it('GET /api/v1/users is refused without a session with 401', async () => {
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/users', payload: userBody(orgId('海南省公安厅'), 'anon_made') })).statusCode).toBe(401);
  });

  it('GET /api/v1/orgs shows a member of the public only its own org', async () => {
    const mine = (await as('zhangsan').get('/api/v1/orgs')).json() as { items: Array<{ name: string }>; total: number };
    expect(mine.items.map((o) => o.name)).toEqual(['张三']);
    const official = (await as('gat_clerk').get('/api/v1/orgs?limit=500')).json() as { total: number };
    expect(official.total).toBeGreaterThan(10);
  });
});

describe('bad input', () => {
  it('refuses malformed JSON with 400 VALIDATION', async () => {
    const admin = as('admin');
    const before = await counts();
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      payload: '{"name": "半截',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/json');
    expect(errorOf(res).code).toBe('VALIDATION');
    expect(await counts()).toEqual(before);
  });

  it('refuses a schema violation with 400 listing each bad field', async () => {
    const res = await as('admin').post('/api/v1/orgs', { name: '', uscc: '123', regionCode: 'abc', roles: ['king'], color: 'red' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION');
    const fields = new Set(errorOf(res).fields?.map((f) => f.field.split('/')[0]));
    for (const f of ['name', 'uscc', 'regionCode', 'roles', 'color']) expect(fields, f).toContain(f);
  });

  it('refuses a missing required field with 400 naming it', async () => {
    const res = await as('admin').post('/api/v1/users', { orgId: orgId('海南省公安厅'), name: '缺账号', password: 'Missing-1x', roles: [] });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields).toContainEqual({ field: 'login', message: '必填' });
  });

  it('refuses a bad path or query parameter with 400', async () => {
    expect((await as('admin').patch('/api/v1/orgs/not-a-uuid', { name: 'x' })).statusCode).toBe(400);
    expect((await as('admin').get('/api/v1/calendar/add-working-days?from=2026-09-30&days=-1')).statusCode).toBe(400);
    expect((await as('admin').get('/api/v1/calendar/add-working-days?from=2026-02-30&days=1')).statusCode).toBe(422);
  });

  it.each([
    ['GET', '/api/v1/nope'],
    ['POST', '/api/v1/orgs/extra/path'],
    ['GET', '/api/v2/orgs'],
    ['DELETE', '/api/v1/orgs'],
  ] as const)('answers the unknown route %s %s with a 404 JSON NOT_FOUND', async (method, url) => {
    const res = await as('admin').request(method, url);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(errorOf(res).code).toBe('NOT_FOUND');
  });

  it('answers an unknown route without a session with a 404 too', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
  });

  it('refuses an invalid credit code with 422 naming uscc, writing nothing', async () => {
    const before = await counts();
    const good = nextUscc();
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await as('admin').post('/api/v1/orgs', { name: '校验位错误', uscc: bad, regionCode: '460100', roles: ['institution'] });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('INVALID_CODE');
    expect(errorOf(res).fields?.[0]?.field).toBe('uscc');
    expect(errorOf(res).message).toContain('uscc');
    expect(await counts()).toEqual(before);
  });

  it('refuses a duplicate login with 409, writing nothing', async () => {
    const before = await counts();
    const res = await as('admin').post('/api/v1/users', { orgId: orgId('海南省公安厅'), login: 'Gat_Clerk', name: '重复', password: 'Dup-login-2026', roles: [] });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('DUPLICATE');
    expect(errorOf(res).fields?.[0]?.field).toBe('login');
    expect(await counts()).toEqual(before);
  });

  it('refuses a duplicate credit code with 409, writing nothing', async () => {
    const existing = (await db().selectFrom('orgs').select('uscc').where('name', '=', '海南省公安厅').executeTakeFirstOrThrow()).uscc as string;
    const before = await counts();
    const res = await as('admin').post('/api/v1/orgs', { name: '冒名机构', uscc: existing.toLowerCase(), regionCode: '460000', roles: ['institution'] });
    expect(res.statusCode).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it('refuses an unknown region, an unknown parent and an unknown org with 422 naming the field, writing nothing', async () => {
    const before = await counts();
    const region = await as('admin').post('/api/v1/orgs', { name: '无区划', uscc: nextUscc(), regionCode: '469999', roles: ['institution'] });
    expect(region.statusCode).toBe(422);
    expect(errorOf(region).fields?.[0]?.field).toBe('regionCode');
    const parent = await as('admin').post('/api/v1/orgs', { name: '无上级', uscc: nextUscc(), regionCode: '460100', roles: ['institution'], parentId: '00000000-0000-4000-8000-000000000000' });
    expect(parent.statusCode).toBe(422);
    expect(errorOf(parent).fields?.[0]?.field).toBe('parentId');
    const user = await as('admin').post('/api/v1/users', { orgId: '00000000-0000-4000-8000-000000000000', login: 'orphan_user', name: '孤儿', password: 'Orphan-2026', roles: [] });
    expect(user.statusCode).toBe(422);
    expect(errorOf(user).fields?.[0]?.field).toBe('orgId');
    expect(await counts()).toEqual(before);
  });

  it('refuses a weak password with 422 naming password, writing nothing', async () => {
    const before = await counts();
    const res = await as('admin').post('/api/v1/users', { orgId: orgId('海南省公安厅'), login: 'weakling', name: '弱密码', password: 'weakling123', roles: [] });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).fields?.[0]?.field).toBe('password');
    expect(await counts()).toEqual(before);
  });

  it('creates one user when the same login is posted twice at once, and audits only that one', async () => {
    const before = await counts();
    const body = { orgId: orgId('海南省公安厅'), login: 'twin_login', name: '并发', password: 'Twin-login-2026', roles: [] };
    const [a, b] = await Promise.all([as('admin').post('/api/v1/users', body), as('admin').post('/api/v1/users', body)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const after = await counts();
    expect(after.users).toBe(before.users + 1);
    expect(after.events).toBe(before.events + 1);
  });

  it('refuses to mark a weekday as an adjusted working day with 422 naming kind', async () => {
    const res = await as('admin').put('/api/v1/calendar/days/2026-12-28', { kind: 'workday', name: '周一上班' });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).fields?.[0]?.field).toBe('kind');
  });
});

describe('the org tree', () => {
  const create = async (name: string, parentId?: string) => {
    const res = await as('admin').post('/api/v1/orgs', { name, uscc: nextUscc(), regionCode: '460100', roles: ['institution'], ...(parentId ? { parentId } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; parentId: string | null };
  };

  it('refuses a parentId that would close a cycle with 422 naming parentId, changing nothing', async () => {
    const a = await create('树根机构');
    const b = await create('树干机构', a.id);
    const c = await create('树枝机构', b.id);
    expect(c.parentId).toBe(b.id);
    const before = await counts();
    for (const parent of [c.id, b.id]) {
      const res = await as('admin').patch(`/api/v1/orgs/${a.id}`, { parentId: parent });
      expect(res.statusCode).toBe(422);
      expect(errorOf(res).fields?.[0]?.field).toBe('parentId');
    }
    const self = await as('admin').patch(`/api/v1/orgs/${a.id}`, { parentId: a.id });
    expect(self.statusCode).toBe(422);
    expect(errorOf(self).fields?.[0]?.field).toBe('parentId');
    expect(await counts()).toEqual(before);
    expect((await db().selectFrom('orgs').select('parent_id').where('id', '=', a.id).executeTakeFirstOrThrow()).parent_id).toBeNull();
  });

  it('moves an org to another parent and back to the root, auditing each move', async () => {
    const a = await create('甲机构');
    const b = await create('乙机构');
    const moved = await as('admin').patch(`/api/v1/orgs/${b.id}`, { parentId: a.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().parentId).toBe(a.id);
    const root = await as('admin').patch(`/api/v1/orgs/${b.id}`, { parentId: null });
    expect(root.statusCode).toBe(200);
    expect(root.json().parentId).toBeNull();
    const events = (await eventsOf('org.update')).filter((e) => e.objectId === b.id);
    expect(events).toHaveLength(2);
  });

  it('refuses to remove the platform role from the platform admin’s own org', async () => {
    const res = await as('admin').patch(`/api/v1/orgs/${orgId('海南省大数据管理局')}`, { roles: ['institution'] });
    expect(res.statusCode).toBe(422);
  });

  it('answers PATCH of an unknown org with 404', async () => {
    const res = await as('admin').patch('/api/v1/orgs/00000000-0000-4000-8000-000000000000', { name: '无' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
  });
});

describe('every successful admin write is audited', () => {
  it('org.create records the new org with its credit code', async () => {
    const code = nextUscc();
    const res = await as('admin').post('/api/v1/orgs', { name: '审计新机构', uscc: code, regionCode: '460200', roles: ['institution', 'institution'] });
    expect(res.statusCode).toBe(201);
    expect(res.json().roles).toEqual(['institution']);
    const ev = (await eventsOf('org.create')).find((e) => e.objectId === res.json().id);
    expect(ev).toMatchObject({ actorLogin: 'admin', details: { name: '审计新机构', uscc: code, regionCode: '460200' } });
  });

  it('org.update records before and after', async () => {
    const id = orgId('海南省自然资源和规划厅');
    const res = await as('admin').patch(`/api/v1/orgs/${id}`, { name: '海南省自然资源和规划厅（新）' });
    expect(res.statusCode).toBe(200);
    const ev = (await eventsOf('org.update')).find((e) => e.objectId === id);
    expect(ev).toMatchObject({ details: { before: { name: '海南省自然资源和规划厅' }, after: { name: '海南省自然资源和规划厅（新）' } } });
  });

  it('region.create records the new region', async () => {
    const res = await as('admin').post('/api/v1/regions', { code: '460500', name: '测试市', parentCode: '460000' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ code: '460500', name: '测试市', parentCode: '460000', level: 2 });
    expect((await eventsOf('region.create')).find((e) => e.objectId === '460500')).toBeDefined();
    const dup = await as('admin').post('/api/v1/regions', { code: '460500', name: '测试市', parentCode: '460000' });
    expect(dup.statusCode).toBe(409);
  });

  it('calendar.set_day and calendar.clear_day record the day, and the calculator follows', async () => {
    const set = await as('admin').put('/api/v1/calendar/days/2026-12-28', { kind: 'holiday', name: '测试假日' });
    expect(set.statusCode).toBe(200);
    expect((await eventsOf('calendar.set_day')).find((e) => e.objectId === '2026-12-28')).toMatchObject({ actorLogin: 'admin', details: { before: null } });
    const calc = await as('gat_clerk').get('/api/v1/calendar/add-working-days?from=2026-12-25&days=1');
    expect(calc.json().date).toBe('2026-12-29');
    const clear = await as('admin').del('/api/v1/calendar/days/2026-12-28');
    expect(clear.statusCode).toBe(204);
    expect((await eventsOf('calendar.clear_day')).find((e) => e.objectId === '2026-12-28')).toBeDefined();
    expect((await as('gat_clerk').get('/api/v1/calendar/add-working-days?from=2026-12-25&days=1')).json().date).toBe('2026-12-28');
    expect((await as('admin').del('/api/v1/calendar/days/2026-12-28')).statusCode).toBe(404);
  });

  it('calendar.import_year covers the year, ending its Monday–Friday fallback', async () => {
    const before = (await as('gat_clerk').get('/api/v1/calendar/add-working-days?from=2026-12-31&days=1')).json();
    expect(before).toMatchObject({ date: '2027-01-01', fallback: true, fallbackYears: [2027] });
    const res = await as('admin').put('/api/v1/calendar/years/2027', { source: '测试通知', days: [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }] });
    expect(res.statusCode).toBe(200);
    expect((await eventsOf('calendar.import_year')).find((e) => e.objectId === '2027')).toMatchObject({ details: { source: '测试通知', count: 1 } });
    const after = (await as('gat_clerk').get('/api/v1/calendar/add-working-days?from=2026-12-31&days=1')).json();
    expect(after).toMatchObject({ date: '2027-01-04', fallback: false, fallbackYears: [] });
  });

  it('api_key.create and api_key.revoke record the key by prefix, never the key', async () => {
    const created = await as('gat_admin').post('/api/v1/api-keys', { name: '审计密钥' });
    expect(created.statusCode).toBe(201);
    const { id, key, prefix } = created.json() as { id: string; key: string; prefix: string };
    const revoke = await as('gat_admin').post(`/api/v1/api-keys/${id}/revoke`);
    expect(revoke.statusCode).toBe(200);
    const made = (await eventsOf('api_key.create')).find((e) => e.objectId === id);
    const gone = (await eventsOf('api_key.revoke')).find((e) => e.objectId === id);
    expect(made).toMatchObject({ actorLogin: 'gat_admin', details: { prefix } });
    expect(gone).toMatchObject({ details: { prefix } });
    expect(JSON.stringify([made, gone])).not.toContain(key);
  });

  it('the chain still verifies after all the admin writes', async () => {
    const res = await as('auditor_wx').get('/api/v1/audit/verify');
    expect(res.json()).toMatchObject({ ok: true, firstBadSeq: null });
  });
});
