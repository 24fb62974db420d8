/** Kysely table types of the identity module (migrations/0002). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface OrgsTable {
  id: string;
  name: string;
  uscc: string | null;
  kind: Generated<'organization' | 'person'>;
  region_code: string;
  parent_id: string | null;
  roles: string[];
  created_at: Timestamp;
}

export interface UsersTable {
  id: string;
  org_id: string;
  login: string;
  name: string;
  password_hash: string;
  roles: string[];
  id_number_enc: string | null;
  id_number_hmac: string | null;
  phone: string | null;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  disabled: Generated<boolean>;
  created_at: Timestamp;
  last_login_at: Timestamp | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  created_by: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** The grant a key is bound to (migrations/0014): it reads that grant's data and nothing else. Null: an org key. */
  grant_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IdentityTables {
  orgs: OrgsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
}
