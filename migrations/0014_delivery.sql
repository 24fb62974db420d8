-- Delivery (数据提供, 000 第八条): the data plane's read path. Every read runs under a grant
-- (ARCHITECTURE §4); this migration adds what the service API needs to the grant and the key,
-- and the usage kept per read for the provider accounts and revenue sharing.

-- The personal-information fields a grant releases in clear; every other PII field it covers
-- leaves masked. Empty: mask them all.
ALTER TABLE grants ADD COLUMN clear_fields text[] NOT NULL DEFAULT '{}';

-- An API key bound to one grant reads that grant's data and nothing else; null: an org key.
ALTER TABLE api_keys ADD COLUMN grant_id uuid REFERENCES grants(id);
CREATE INDEX api_keys_grant_idx ON api_keys (grant_id) WHERE grant_id IS NOT NULL;

-- One row per delivery (a page of the service API): who read what under which grant, how much.
CREATE TABLE delivery_usage (
  id               uuid PRIMARY KEY,
  at               timestamptz NOT NULL,
  grant_id         uuid NOT NULL REFERENCES grants(id),
  subject_org_id   uuid NOT NULL REFERENCES orgs(id),
  provider_org_id  uuid NOT NULL REFERENCES orgs(id),
  entry_id         uuid NOT NULL REFERENCES catalog_entries(id),
  api_key_id       uuid REFERENCES api_keys(id),
  user_id          uuid REFERENCES users(id),
  method           text NOT NULL CHECK (method IN ('api', 'batch', 'file')),
  format           text NOT NULL CHECK (format IN ('json', 'ndjson', 'csv')),
  version_no       integer NOT NULL,
  rows             integer NOT NULL CHECK (rows >= 0),
  bytes            bigint NOT NULL CHECK (bytes >= 0)
);
CREATE INDEX delivery_usage_grant_idx ON delivery_usage (grant_id, at);
CREATE INDEX delivery_usage_provider_idx ON delivery_usage (provider_org_id, at);
