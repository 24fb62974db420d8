-- Aggregation (汇聚): dataset loads, their rejected rows, and the versions of each entry's data.
-- 000 第八至十条. The data itself lives in schema `datasets`, one typed table per version
-- (`datasets.l_<load id>`), created by the ingest module from the entry's published fields. A
-- version becomes live by one row update here, so a replace is atomic and a failed load never
-- touches the live table.
CREATE SCHEMA IF NOT EXISTS datasets;

CREATE TABLE loads (
  id             uuid PRIMARY KEY,
  entry_id       uuid NOT NULL REFERENCES catalog_entries(id),
  -- The catalog version whose fields defined the table.
  catalog_version integer NOT NULL,
  mode           text NOT NULL CHECK (mode IN ('replace', 'upsert')),
  format         text NOT NULL CHECK (format IN ('csv', 'ndjson')),
  status         text NOT NULL CHECK (status IN ('received', 'validating', 'committed', 'refused', 'failed')),
  rows_total     integer NOT NULL DEFAULT 0,
  rows_accepted  integer NOT NULL DEFAULT 0,
  rows_rejected  integer NOT NULL DEFAULT 0,
  error_rate     double precision NOT NULL DEFAULT 0,
  -- Why a load was refused or failed as a whole.
  message        text,
  version_no     integer,
  by_user_id     uuid REFERENCES users(id),
  by_org_id      uuid NOT NULL REFERENCES orgs(id),
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz
);
CREATE INDEX loads_entry_idx ON loads (entry_id, started_at DESC);

-- Rejected rows (quarantine list), capped per load; personal values are stored masked.
CREATE TABLE load_errors (
  load_id  uuid NOT NULL REFERENCES loads(id),
  n        integer NOT NULL,
  line     integer NOT NULL,
  field    text NOT NULL,
  value    text,
  reason   text NOT NULL,
  PRIMARY KEY (load_id, n)
);

-- The kept versions of each entry's data; exactly one live per entry once loaded.
CREATE TABLE dataset_versions (
  entry_id    uuid NOT NULL REFERENCES catalog_entries(id),
  version_no  integer NOT NULL,
  table_name  text NOT NULL UNIQUE,
  load_id     uuid NOT NULL REFERENCES loads(id),
  rows        integer NOT NULL,
  created_at  timestamptz NOT NULL,
  live        boolean NOT NULL DEFAULT false,
  dropped_at  timestamptz,
  PRIMARY KEY (entry_id, version_no)
);
CREATE UNIQUE INDEX dataset_versions_live_idx ON dataset_versions (entry_id) WHERE live;
