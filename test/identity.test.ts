/**
 * Identity over HTTP: sign-in and sessions, CSRF, lockout, API keys, public self-registration.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ADMIN_PASSWORD, DEFAULT_NOW, DEMO_PASSWORD, loginAs, testEnv, type Client, type TestEnv } from './harness.js';
import { demoIdNumber, demoUscc } from '../src/modules/identity/demo.js';

let env: TestEnv;

const inject = (opts: InjectOptions): Promise<LightMyRequestResponse> => env.app.inject(opts);
const login = (loginName: string, password: string) => inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: loginName, password } });
const db = () => env.k.db.kysely;

type Cookie = { name: string; value: string; httpOnly?: boolean; sameSite?: string; path?: string; maxAge?: number; expires?: Date };
const cookiesOf = (res: LightMyRequestResponse) => res.cookies as Cookie[];
const errorOf = (res: LightMyRequestResponse) => (res.json() as { error: { code: string; message: string; fields?: Array<{ field: string; message: string }> } }).error;

async function counts() {
  const [orgs, users, events] = await Promise.all([
    db().selectFrom('orgs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db().selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { orgs: Number(orgs.n), users: Number(users.n), events: Number(events.n) };
}

beforeAll(async () => {
  // Many sign-ins in one minute: the per-IP login rate limit is not what this file tests.
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
});

afterAll(async () => {
  await env?.close();
});

beforeEach(() => {
  env.clock.set(DEFAULT_NOW);
});

describe('POST /api/v1/auth/login', () => {
  it('signs in, setting an HttpOnly SameSite session cookie and a readable csrf cookie', async () => {
    const res = await login('gat_clerk', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookies = cookiesOf(res);
    const session = cookies.find((c) => c.name === 'gongshu_session');
    const csrf = cookies.find((c) => c.name === 'csrf');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(session?.value.length).toBeGreaterThanOrEqual(40);
    expect(csrf?.httpOnly).toBeFalsy();
    expect(csrf).toMatchObject({ sameSite: 'Lax', path: '/' });
    expect(res.json().csrf).toBe(csrf?.value);
    expect(res.json().user.login).toBe('gat_clerk');
    const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(raw.find((c) => c.startsWith('gongshu_session='))).toMatch(/HttpOnly/i);
    expect(raw.find((c) => c.startsWith('csrf='))).not.toMatch(/HttpOnly/i);
  });

  it('stores only a hash of the session token', async () => {
    const res = await login('gat_clerk', DEMO_PASSWORD);
    const token = cookiesOf(res).find((c) => c.name === 'gongshu_session')?.value as string;
    const rows = await db().selectFrom('sessions').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('sends the security headers', async () => {
    const res = await login('gat_clerk', DEMO_PASSWORD);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('accepts the login in any letter case', async () => {
    expect((await login('GAT_Clerk', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a wrong password with 401 and the same message as an unknown login', async () => {
    const wrong = await login('scj_clerk', 'Wrong-pass-1');
    expect(wrong.statusCode).toBe(401);
    expect(errorOf(wrong).code).toBe('UNAUTHENTICATED');
    const unknown = await login('nobody_here', 'Wrong-pass-1');
    expect(unknown.statusCode).toBe(401);
    expect(errorOf(unknown).message).toBe(errorOf(wrong).message);
    expect(cookiesOf(wrong)).toEqual([]);
  });

  it('records failed and successful sign-ins in the audit trail', async () => {
    await login('scj_clerk', 'Wrong-pass-1');
    await login('scj_clerk', DEMO_PASSWORD);
    const user = await db().selectFrom('users').select('id').where('login', '=', 'scj_clerk').executeTakeFirstOrThrow();
    const actions = (await db().selectFrom('audit_events').select('action').where('object_id', '=', user.id).orderBy('seq').execute()).map((e) => e.action);
    expect(actions).toContain('auth.login_failed');
    expect(actions.at(-1)).toBe('auth.login');
  });

  it('refuses a body without a password with 400 naming the field', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'gat_clerk' } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields?.map((f) => f.field)).toContain('password');
  });
});

describe('GET /api/v1/auth/me', () => {
  it('returns the user, the org and the org roles and user roles together', async () => {
    const c = await loginAs(env.app, 'gat_admin');
    const res = await c.get('/api/v1/auth/me');
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(me.user).toMatchObject({ login: 'gat_admin', name: '郑伟', roles: ['org_admin'] });
    expect(me.org).toMatchObject({ name: '海南省公安厅', kind: 'organization', regionCode: '460000', roles: ['institution'] });
    expect(me.user.orgId).toBe(me.org.id);
    expect([...me.roles].sort()).toEqual(['institution', 'org_admin']);
  });

  it('unions several user roles with the org role without duplicates', async () => {
    const c = await loginAs(env.app, 'kaifa_dev');
    expect([...(await c.get('/api/v1/auth/me')).json().roles].sort()).toEqual(['clerk', 'developer', 'org_admin']);
  });

  it('refuses a caller without a session with 401', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: 'gongshu_session=forged' } })).statusCode).toBe(401);
  });

  it('refuses a session after its lifetime (12 hours) ends', async () => {
    const c = await loginAs(env.app, 'gat_clerk');
    env.clock.advance(12 * 3_600_000 - 1);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);
    env.clock.advance(1);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('ends the session on logout', async () => {
    const c = await loginAs(env.app, 'gat_clerk');
    const out = await c.post('/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
  });
});

describe('login lockout', () => {
  const lockOut = async (who: string) => {
    for (let i = 1; i <= 4; i++) {
      const r = await login(who, `Wrong-pass-${i}`);
      expect(r.statusCode, `attempt ${i}`).toBe(401);
    }
    const fifth = await login(who, 'Wrong-pass-5');
    expect(fifth.statusCode).toBe(423);
    expect(errorOf(fifth).code).toBe('ACCOUNT_LOCKED');
    expect(errorOf(fifth).message).toContain('15');
  };

  it('locks after 5 wrong passwords and refuses even the right one', async () => {
    await lockOut('sthj_clerk');
    const right = await login('sthj_clerk', DEMO_PASSWORD);
    expect(right.statusCode).toBe(423);
    expect(errorOf(right).code).toBe('ACCOUNT_LOCKED');
    expect(cookiesOf(right)).toEqual([]);
  });

  it('still refuses the right password at 14:59.999 and accepts it at 15:00', async () => {
    await lockOut('sthj_officer');
    env.clock.advance(14 * 60_000 + 59_000);
    expect((await login('sthj_officer', DEMO_PASSWORD)).statusCode).toBe(423);
    env.clock.advance(999);
    expect((await login('sthj_officer', DEMO_PASSWORD)).statusCode).toBe(423);
    env.clock.advance(1);
    expect((await login('sthj_officer', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('does not extend the lock with attempts made while locked', async () => {
    await lockOut('zrzy_clerk');
    env.clock.advance(10 * 60_000);
    expect((await login('zrzy_clerk', 'Wrong-pass-6')).statusCode).toBe(423);
    env.clock.advance(5 * 60_000);
    expect((await login('zrzy_clerk', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('counts wrong passwords in a row only: a success resets the count', async () => {
    for (let i = 0; i < 4; i++) expect((await login('sy_clerk', 'Wrong-pass-1')).statusCode).toBe(401);
    expect((await login('sy_clerk', DEMO_PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login('sy_clerk', 'Wrong-pass-1')).statusCode).toBe(401);
    expect((await login('sy_clerk', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('is lifted early by the org_admin of the user’s org, and not by another org’s admin', async () => {
    await lockOut('gat_officer');
    const gatAdmin = await loginAs(env.app, 'gat_admin');
    const users = (await gatAdmin.get('/api/v1/users?q=gat_officer')).json().items as Array<{ id: string; login: string; lockedUntil: string | null }>;
    const officer = users.find((u) => u.login === 'gat_officer');
    expect(officer?.lockedUntil).not.toBeNull();

    const otherAdmin = await loginAs(env.app, 'yshj_admin');
    const refused = await otherAdmin.post(`/api/v1/users/${officer?.id}/unlock`);
    expect(refused.statusCode).toBe(403);
    expect((await login('gat_officer', DEMO_PASSWORD)).statusCode).toBe(423);

    const unlocked = await gatAdmin.post(`/api/v1/users/${officer?.id}/unlock`);
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().lockedUntil).toBeNull();
    expect((await login('gat_officer', DEMO_PASSWORD)).statusCode).toBe(200);
    const ev = await db().selectFrom('audit_events').select(['action', 'actor_user_id']).where('action', '=', 'user.unlock').where('object_id', '=', officer?.id as string).executeTakeFirst();
    expect(ev).toBeDefined();
  });
});

describe('CSRF (double submit)', () => {
  let c: Client;
  beforeEach(async () => {
    c = await loginAs(env.app, 'gat_clerk');
  });

  it('refuses a cookie-authenticated POST without x-csrf-token with 403 CSRF', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers: { cookie: c.cookie } });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('CSRF');
  });

  it('refuses a cookie-authenticated write with a wrong x-csrf-token', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers: { cookie: c.cookie, 'x-csrf-token': 'not-the-token' } });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('CSRF');
  });

  it('refuses PUT, PATCH and DELETE without the token before any other check', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await inject({ method, url: '/api/v1/calendar/days/2026-12-26', headers: { cookie: c.cookie } });
      expect(res.statusCode, method).toBe(403);
      expect(errorOf(res).code).toBe('CSRF');
    }
  });

  it('refuses the token of another session', async () => {
    const other = await loginAs(env.app, 'gat_admin');
    const res = await inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers: { cookie: c.cookie, 'x-csrf-token': other.csrf } });
    expect(res.statusCode).toBe(403);
  });

  it('accepts the write with the csrf cookie value in x-csrf-token', async () => {
    expect((await c.post('/api/v1/notifications/read-all')).statusCode).toBe(204);
  });

  it('needs no token for GET', async () => {
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: c.cookie } })).statusCode).toBe(200);
  });
});

describe('API keys', () => {
  const bearer = (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

  it('shows the key once: the list and the database never hold it', async () => {
    const admin = await loginAs(env.app, 'gat_admin');
    const created = await admin.post('/api/v1/api-keys', { name: '数据交换', expiresInDays: 30 });
    expect(created.statusCode).toBe(201);
    const body = created.json() as { id: string; key: string; prefix: string; expiresAt: string };
    expect(body.key).toMatch(/^gsk_[A-Za-z0-9_-]{40,}$/);
    expect(body.prefix).toBe(body.key.slice(0, 12));
    expect(body.expiresAt).toBe(new Date(Date.parse(DEFAULT_NOW) + 30 * 86_400_000).toISOString());

    const list = await admin.get('/api/v1/api-keys');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(body.key);
    const item = (list.json().items as Array<Record<string, unknown>>).find((i) => i.id === body.id);
    expect(item).toMatchObject({ name: '数据交换', prefix: body.prefix, status: 'active' });
    expect(item).not.toHaveProperty('key');

    const row = await db().selectFrom('api_keys').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(body.key);
  });

  it('authenticates with Bearer and needs no CSRF token for writes', async () => {
    const admin = await loginAs(env.app, 'gat_admin');
    const { id, key } = (await admin.post('/api/v1/api-keys', { name: '写入' })).json() as { id: string; key: string };
    const me = await bearer(key, 'GET', '/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user.login).toBe('gat_admin');
    const org = me.json().org.id as string;
    const created = await bearer(key, 'POST', '/api/v1/users', { orgId: org, login: 'gat_by_key', name: '密钥创建', password: 'Key-made-2026', roles: ['clerk'] });
    expect(created.statusCode).toBe(201);
    const ev = await db().selectFrom('audit_events').select('details').where('action', '=', 'user.create').where('object_id', '=', created.json().id).executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ login: 'gat_by_key', apiKeyId: id });
  });

  it('refuses a malformed Authorization header and an unknown key with 401', async () => {
    const a = await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic abc' } });
    expect(a.statusCode).toBe(401);
    const b = await bearer('gsk_not_a_real_key', 'GET', '/api/v1/auth/me');
    expect(b.statusCode).toBe(401);
    expect(errorOf(b).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a revoked key on the next request', async () => {
    const admin = await loginAs(env.app, 'gat_admin');
    const { id, key } = (await admin.post('/api/v1/api-keys', { name: '将吊销' })).json() as { id: string; key: string };
    expect((await bearer(key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const revoked = await admin.post(`/api/v1/api-keys/${id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().status).toBe('revoked');
    const after = await bearer(key, 'GET', '/api/v1/auth/me');
    expect(after.statusCode).toBe(401);
    expect(errorOf(after).code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired key from its expiry instant on', async () => {
    const admin = await loginAs(env.app, 'gat_admin');
    const { id, key, expiresAt } = (await admin.post('/api/v1/api-keys', { name: '一天', expiresInDays: 1 })).json() as { id: string; key: string; expiresAt: string };
    env.clock.set(new Date(Date.parse(expiresAt) - 1));
    expect((await bearer(key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    env.clock.set(expiresAt);
    expect((await bearer(key, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const fresh = await loginAs(env.app, 'gat_admin');
    const item = ((await fresh.get('/api/v1/api-keys')).json().items as Array<{ id: string; status: string }>).find((i) => i.id === id);
    expect(item?.status).toBe('expired');
  });

  it('does not let another org revoke a key', async () => {
    const admin = await loginAs(env.app, 'gat_admin');
    const { id, key } = (await admin.post('/api/v1/api-keys', { name: '他人不能吊销' })).json() as { id: string; key: string };
    const other = await loginAs(env.app, 'yunying_admin');
    expect((await other.post(`/api/v1/api-keys/${id}/revoke`)).statusCode).toBe(404);
    expect((await bearer(key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('refuses a key for a natural person with 403 naming who may hold keys', async () => {
    const person = await loginAs(env.app, 'zhangsan');
    const res = await person.post('/api/v1/api-keys', { name: '个人' });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).message).toContain('机构管理员');
  });

  it('refuses to create a key with a key', async () => {
    const admin = await loginAs(env.app, 'gat_admin');
    const { key } = (await admin.post('/api/v1/api-keys', { name: '母密钥' })).json() as { key: string };
    expect((await bearer(key, 'POST', '/api/v1/api-keys', { name: '子密钥' })).statusCode).toBe(403);
  });
});

describe('POST /api/v1/auth/register', () => {
  const register = (payload: Record<string, unknown>) => inject({ method: 'POST', url: '/api/v1/auth/register', payload });
  const COMPANY_USCC = '91350100M000100Y43';

  it('registers a company with a valid credit code as a public org whose user is its org_admin, signed in', async () => {
    const res = await register({ kind: 'organization', login: 'fj_company', password: 'Company-2026', name: '王五', regionCode: '460100', orgName: '福建某某有限公司', uscc: COMPANY_USCC });
    expect(res.statusCode).toBe(201);
    expect(res.json().org).toMatchObject({ name: '福建某某有限公司', uscc: COMPANY_USCC, kind: 'organization', roles: ['public'] });
    expect([...res.json().roles].sort()).toEqual(['org_admin', 'public']);
    expect(cookiesOf(res).map((c) => c.name).sort()).toEqual(['csrf', 'gongshu_session']);
    const ev = await db().selectFrom('audit_events').select('details').where('action', '=', 'identity.register').where('object_id', '=', res.json().org.id).executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ kind: 'organization', login: 'fj_company', uscc: COMPANY_USCC });
  });

  it('accepts a lowercase credit code and stores it upper-cased', async () => {
    const uscc = demoUscc('91', '460200', 777);
    const res = await register({ kind: 'organization', login: 'lower_co', password: 'Lower-co-2026', name: '赵六', regionCode: '460200', orgName: '三亚小写有限公司', uscc: uscc.toLowerCase() });
    expect(res.statusCode).toBe(201);
    expect(res.json().org.uscc).toBe(uscc);
  });

  it('registers a natural person with the ID number stored SM4-encrypted and findable by HMAC', async () => {
    const id = '11010519491231002X';
    const res = await register({ kind: 'person', login: 'li_si', password: 'Person-2026', name: '李四', regionCode: '460100', idNumber: id });
    expect(res.statusCode).toBe(201);
    expect(res.json().org).toMatchObject({ kind: 'person', name: '李四', uscc: null, roles: ['public'] });
    expect(res.json().user.roles).toEqual([]);
    expect(res.body).not.toContain(id);
    const row = await db().selectFrom('users').select(['id_number_enc', 'id_number_hmac']).where('login', '=', 'li_si').executeTakeFirstOrThrow();
    expect(row.id_number_enc).toBeTruthy();
    expect(row.id_number_enc).not.toContain(id);
    expect(row.id_number_enc).not.toContain('19491231');
    expect(env.k.crypto.decrypt(row.id_number_enc as string)).toBe(id);
    expect(row.id_number_hmac).toBe(env.k.crypto.hmac(id));
    const events = await db().selectFrom('audit_events').select('details').where('action', '=', 'identity.register').execute();
    expect(JSON.stringify(events)).not.toContain(id);
  });

  it('refuses a second registration with the same ID number, even with a lowercase x, with 409', async () => {
    const res = await register({ kind: 'person', login: 'li_si_again', password: 'Person-2026', name: '李四', regionCode: '460100', idNumber: '11010519491231002x' });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('DUPLICATE');
    expect(errorOf(res).fields?.[0]?.field).toBe('idNumber');
  });

  it('refuses an invalid credit code with 422 naming uscc, writing nothing', async () => {
    const before = await counts();
    const res = await register({ kind: 'organization', login: 'bad_uscc', password: 'Bad-uscc-2026', name: '钱七', regionCode: '460100', orgName: '校验位错误公司', uscc: '91350100M000100Y44' });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('INVALID_CODE');
    expect(errorOf(res).fields).toEqual([{ field: 'uscc', message: '统一社会信用代码校验位不正确' }]);
    expect(errorOf(res).message).toContain('uscc');
    expect(await counts()).toEqual(before);
  });

  it('refuses an invalid ID number with 422 naming idNumber, writing nothing', async () => {
    const before = await counts();
    const bad = await register({ kind: 'person', login: 'bad_id', password: 'Bad-id-2026', name: '孙八', regionCode: '460100', idNumber: '110105194912310021' });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).fields).toEqual([{ field: 'idNumber', message: '公民身份号码校验位不正确' }]);
    const badDate = await register({ kind: 'person', login: 'bad_id', password: 'Bad-id-2026', name: '孙八', regionCode: '460100', idNumber: '110105199902310029' });
    expect(badDate.statusCode).toBe(422);
    expect(errorOf(badDate).fields?.[0]).toEqual({ field: 'idNumber', message: '公民身份号码中的出生日期无效' });
    expect(await counts()).toEqual(before);
  });

  it('refuses a login already in use, in any letter case, with 409 naming login, writing nothing', async () => {
    const before = await counts();
    const res = await register({ kind: 'person', login: 'GAT_CLERK', password: 'Person-2026', name: '周九', regionCode: '460100', idNumber: demoIdNumber('460100', '19900307', 555) });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('DUPLICATE');
    expect(errorOf(res).fields?.[0]?.field).toBe('login');
    expect(await counts()).toEqual(before);
  });

  it('refuses a credit code already registered with 409', async () => {
    const res = await register({ kind: 'organization', login: 'fj_company2', password: 'Company-2026', name: '王五', regionCode: '460100', orgName: '重复公司', uscc: COMPANY_USCC });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).fields?.[0]?.field).toBe('uscc');
  });

  it('refuses a weak password and an unknown region with 422 naming the field', async () => {
    const weak = await register({ kind: 'person', login: 'weak_pw', password: 'onlyletters', name: '吴十', regionCode: '460100', idNumber: '11010519491231002X' });
    expect(weak.statusCode).toBe(422);
    expect(errorOf(weak).fields?.[0]?.field).toBe('password');
    const region = await register({ kind: 'organization', login: 'no_region', password: 'Region-2026', name: '郑十一', regionCode: '469999', orgName: '无区划公司', uscc: demoUscc('91', '460100', 778) });
    expect(region.statusCode).toBe(422);
    expect(errorOf(region).fields?.[0]?.field).toBe('regionCode');
  });

  it('refuses a company without its name with 400 naming orgName', async () => {
    const res = await register({ kind: 'organization', login: 'no_name', password: 'No-name-2026', name: '王十二', regionCode: '460100', uscc: demoUscc('91', '460100', 779) });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields?.[0]?.field).toBe('orgName');
  });

  it('lets the registered company sign in with its password', async () => {
    const res = await login('fj_company', 'Company-2026');
    expect(res.statusCode).toBe(200);
    expect(res.json().org.uscc).toBe(COMPANY_USCC);
  });
});

describe('passwords', () => {
  it('are stored as scrypt hashes, never in plain text', async () => {
    const row = await db().selectFrom('users').select('password_hash').where('login', '=', 'admin').executeTakeFirstOrThrow();
    expect(row.password_hash).not.toContain(ADMIN_PASSWORD);
    expect(row.password_hash).toMatch(/scrypt/i);
  });
});
