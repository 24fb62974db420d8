/** Queries on the identity module's own tables (orgs, users, sessions, api_keys). */
import { sql } from 'kysely';
import type { Db, Executor } from '../../kernel/db.js';
import { prepared, runPrepared } from '../../kernel/prepared.js';

export const orgColumns = ['orgs.id', 'orgs.name', 'orgs.uscc', 'orgs.kind', 'orgs.region_code', 'orgs.parent_id', 'orgs.roles', 'orgs.created_at'] as const;

export function findOrg(db: Executor, id: string) {
  return db
    .selectFrom('orgs')
    .leftJoin('regions', 'regions.code', 'orgs.region_code')
    .select([...orgColumns, 'regions.name as region_name'])
    .where('orgs.id', '=', id)
    .executeTakeFirst();
}

export interface OrgFilter {
  q?: string | undefined;
  role?: string | undefined;
  regionCode?: string | undefined;
  kind?: 'organization' | 'person' | undefined;
  limit: number;
  offset: number;
}

export async function listOrgs(db: Executor, f: OrgFilter) {
  let q = db.selectFrom('orgs').leftJoin('regions', 'regions.code', 'orgs.region_code');
  if (f.q) q = q.where((eb) => eb.or([eb('orgs.name', 'ilike', `%${f.q}%`), eb('orgs.uscc', '=', f.q!.toUpperCase())]));
  if (f.role) q = q.where(sql<boolean>`${f.role} = ANY(orgs.roles)`);
  if (f.regionCode) q = q.where('orgs.region_code', '=', f.regionCode);
  if (f.kind) q = q.where('orgs.kind', '=', f.kind);
  const [items, total] = await Promise.all([
    q.select([...orgColumns, 'regions.name as region_name']).orderBy('orgs.region_code').orderBy('orgs.name').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export const userColumns = [
  'users.id',
  'users.org_id',
  'users.login',
  'users.name',
  'users.roles',
  'users.disabled',
  'users.locked_until',
  'users.created_at',
  'users.last_login_at',
] as const;

export function findUser(db: Executor, id: string) {
  return db
    .selectFrom('users')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select([...userColumns, 'orgs.name as org_name'])
    .where('users.id', '=', id)
    .executeTakeFirst();
}

/**
 * A user with their org, in the shape `authFromRow` builds an auth context from (and `disabled`):
 * for work done on a user's behalf outside a request (a scheduled pull, the demo seed).
 */
export function findAuthRow(db: Executor, by: { userId: string } | { login: string }) {
  const q = db
    .selectFrom('users as u')
    .innerJoin('orgs as o', 'o.id', 'u.org_id')
    .select([
      'u.id as user_id',
      'u.login',
      'u.name as user_name',
      'u.roles as user_roles',
      'u.disabled',
      'o.id as org_id',
      'o.name as org_name',
      'o.uscc',
      'o.kind',
      'o.region_code',
      'o.roles as org_roles',
    ]);
  return ('userId' in by ? q.where('u.id', '=', by.userId) : q.where(sql`lower(u.login)`, '=', by.login.toLowerCase())).executeTakeFirst();
}

export function findUserByLogin(db: Executor, login: string) {
  return db.selectFrom('users').selectAll().where(sql`lower(login)`, '=', login.toLowerCase()).executeTakeFirst();
}

export interface UserFilter {
  orgId?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

export async function listUsers(db: Executor, f: UserFilter) {
  let q = db.selectFrom('users').innerJoin('orgs', 'orgs.id', 'users.org_id');
  if (f.orgId) q = q.where('users.org_id', '=', f.orgId);
  if (f.q) q = q.where((eb) => eb.or([eb('users.login', 'ilike', `%${f.q}%`), eb('users.name', 'ilike', `%${f.q}%`)]));
  const [items, total] = await Promise.all([
    q.select([...userColumns, 'orgs.name as org_name']).orderBy('orgs.name').orderBy('users.login').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** The user and org a request acts as, for the auth context. */
const callerColumns = [
  'users.id as user_id',
  'users.login',
  'users.name as user_name',
  'users.roles as user_roles',
  'users.disabled',
  'orgs.id as org_id',
  'orgs.name as org_name',
  'orgs.uscc',
  'orgs.kind',
  'orgs.region_code',
  'orgs.roles as org_roles',
] as const;

/** The signed-in user and org behind a session token hash, if the session is live. */
export function findSession(db: Executor, tokenHash: string, now: Date) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select(['sessions.csrf', ...callerColumns])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

/** The org and creating user behind an API key hash, if the key is live. */
export function findApiKey(db: Executor, keyHash: string, now: Date) {
  return db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.created_by')
    .innerJoin('orgs', 'orgs.id', 'api_keys.org_id')
    .select(['api_keys.id as key_id', 'api_keys.last_used_at', 'api_keys.grant_id', ...callerColumns])
    .where('api_keys.key_hash', '=', keyHash)
    .where('api_keys.revoked_at', 'is', null)
    .where('api_keys.expires_at', '>', now)
    .executeTakeFirst();
}

export type ApiKeyAuthRow = NonNullable<Awaited<ReturnType<typeof findApiKey>>>;

/** `findApiKey` as one fixed statement, prepared once per connection: it runs on every request made with a key. */
const API_KEY_AUTH = prepared<ApiKeyAuthRow>(
  'identity_api_key_auth',
  `SELECT api_keys.id AS key_id, api_keys.last_used_at, api_keys.grant_id,
          users.id AS user_id, users.login, users.name AS user_name, users.roles AS user_roles, users.disabled,
          orgs.id AS org_id, orgs.name AS org_name, orgs.uscc, orgs.kind, orgs.region_code, orgs.roles AS org_roles
     FROM api_keys
     JOIN users ON users.id = api_keys.created_by
     JOIN orgs ON orgs.id = api_keys.org_id
    WHERE api_keys.key_hash = $1 AND api_keys.revoked_at IS NULL AND api_keys.expires_at > $2`,
);

/** The same row as `findApiKey`, by the prepared statement. */
export async function findApiKeyPrepared(db: Db, keyHash: string, now: Date): Promise<ApiKeyAuthRow | undefined> {
  return (await runPrepared(db, API_KEY_AUTH, [keyHash, now]))[0];
}

export function regionExists(db: Executor, code: string) {
  return db.selectFrom('regions').select('code').where('code', '=', code).executeTakeFirst();
}
