-- Identity: orgs (a tree by region), users, sessions and API keys.

CREATE TABLE orgs (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  -- Unified social credit code (GB 32100); null only for a natural person's account.
  uscc        char(18) UNIQUE,
  kind        text NOT NULL DEFAULT 'organization' CHECK (kind IN ('organization', 'person')),
  region_code char(6) NOT NULL REFERENCES regions(code),
  parent_id   uuid REFERENCES orgs(id),
  roles       text[] NOT NULL,
  created_at  timestamptz NOT NULL,
  CHECK (kind = 'person' OR uscc IS NOT NULL),
  CHECK (cardinality(roles) > 0)
);
CREATE INDEX orgs_parent_idx ON orgs (parent_id);
CREATE INDEX orgs_region_idx ON orgs (region_code);

CREATE TABLE users (
  id             uuid PRIMARY KEY,
  org_id         uuid NOT NULL REFERENCES orgs(id),
  login          text NOT NULL,
  name           text NOT NULL,
  password_hash  text NOT NULL,
  roles          text[] NOT NULL,
  -- A natural person's resident ID number: SM4-encrypted, with an SM3-HMAC for look-up.
  id_number_enc  text,
  id_number_hmac char(64) UNIQUE,
  phone          text,
  failed_logins  integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL,
  last_login_at  timestamptz
);
CREATE UNIQUE INDEX users_login_idx ON users (lower(login));
CREATE INDEX users_org_idx ON users (org_id);

-- Sessions: the cookie holds a random token; the table holds only its SM3 hash.
CREATE TABLE sessions (
  token_hash char(64) PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users(id),
  csrf       text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_keys (
  id           uuid PRIMARY KEY,
  org_id       uuid NOT NULL REFERENCES orgs(id),
  created_by   uuid NOT NULL REFERENCES users(id),
  name         text NOT NULL,
  -- The first characters of the key, shown in lists so a holder can tell keys apart.
  prefix       text NOT NULL,
  key_hash     char(64) NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_org_idx ON api_keys (org_id);
