-- Base and theme databases (基础数据库、主题数据库, 000 第十条): named collections of catalog
-- entries, their lead orgs, and the providers' declarations that data changed at the source,
-- each of which must be aggregated within one day (the `aggregate` duty on the ledger).

CREATE TABLE collections (
  id          uuid PRIMARY KEY,
  -- Creation order: the pages list collections as the regulation names them.
  seq         serial NOT NULL,
  code        text NOT NULL UNIQUE,
  kind        text NOT NULL CHECK (kind IN ('base', 'theme')),
  name        text NOT NULL UNIQUE,
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- The departments that build a collection (e.g. 公安 for 人口基础库).
CREATE TABLE collection_leads (
  collection_id uuid NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  org_id        uuid NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (collection_id, org_id)
);

CREATE TABLE collection_members (
  collection_id uuid NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  entry_id      uuid NOT NULL REFERENCES catalog_entries(id),
  added_at      timestamptz NOT NULL,
  added_by      uuid REFERENCES users(id),
  PRIMARY KEY (collection_id, entry_id)
);
CREATE INDEX collection_members_entry_idx ON collection_members (entry_id);

-- "数据更新后一日内归集": the provider declares that an entry's data changed in its own system;
-- the next committed load of the entry meets it. No foreign key to `loads` (the ingest module's).
CREATE TABLE collection_source_updates (
  id           uuid PRIMARY KEY,
  entry_id     uuid NOT NULL REFERENCES catalog_entries(id),
  updated_at   timestamptz NOT NULL,
  note         text,
  declared_by  uuid NOT NULL REFERENCES users(id),
  declared_org uuid NOT NULL REFERENCES orgs(id),
  declared_at  timestamptz NOT NULL,
  met_load_id  uuid,
  met_at       timestamptz
);
CREATE INDEX collection_source_updates_entry_idx ON collection_source_updates (entry_id, declared_at DESC);
