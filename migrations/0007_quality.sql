-- Quality (数据质量) and corrections (校核纠错): 000 第四十一、四十二条; 003 第十六条.

-- A data user's verification request against a catalog entry's data, answered by the provider
-- within the jurisdiction's working days (the `answer` duty on the ledger).
CREATE TABLE quality_corrections (
  id               uuid PRIMARY KEY,
  entry_id         uuid NOT NULL REFERENCES catalog_entries(id),
  provider_org_id  uuid NOT NULL REFERENCES orgs(id),
  reporter_org_id  uuid NOT NULL REFERENCES orgs(id),
  reporter_user_id uuid NOT NULL REFERENCES users(id),
  -- The row: the values of the entry's key fields, or a line of a delivered file.
  row_key          jsonb,
  line             integer,
  field            text,
  reported_value   text,
  expected_value   text,
  description      text NOT NULL,
  status           text NOT NULL CHECK (status IN ('open', 'corrected', 'not_wrong')),
  reason           text,
  -- The load that fixed it. No foreign key: `loads` belongs to the ingest module.
  load_id          uuid,
  answered_by      uuid REFERENCES users(id),
  answered_at      timestamptz,
  created_at       timestamptz NOT NULL,
  CHECK (row_key IS NOT NULL OR line IS NOT NULL),
  CHECK (status <> 'not_wrong' OR reason IS NOT NULL)
);
CREATE INDEX quality_corrections_provider_idx ON quality_corrections (provider_org_id, status);
CREATE INDEX quality_corrections_reporter_idx ON quality_corrections (reporter_org_id, status);
CREATE INDEX quality_corrections_entry_idx ON quality_corrections (entry_id);

-- One row per scored load: the dimensions of 000 第四十一条 (及时、完整、准确), each a share in
-- [0, 1], null when it cannot be measured honestly (e.g. no reference dataset registered).
CREATE TABLE quality_scores (
  id           uuid PRIMARY KEY,
  entry_id     uuid NOT NULL REFERENCES catalog_entries(id),
  load_id      uuid NOT NULL UNIQUE,
  version_no   integer NOT NULL,
  -- The dataset table the load made live, e.g. `datasets.e_…_v3` (kept to resolve references).
  table_name   text NOT NULL,
  at           timestamptz NOT NULL,
  rows_total   integer NOT NULL,
  completeness double precision,
  validity     double precision,
  uniqueness   double precision,
  consistency  double precision,
  timeliness   double precision,
  overall      double precision,
  details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX quality_scores_entry_idx ON quality_scores (entry_id, at);

-- Reference base data for the consistency dimension: values of kind `uscc` are checked against
-- the registered entry's column (e.g. 企业营业执照信息.uscc, the legal-person base database).
CREATE TABLE quality_references (
  kind       text PRIMARY KEY,
  entry_id   uuid NOT NULL REFERENCES catalog_entries(id),
  field      text NOT NULL,
  updated_at timestamptz NOT NULL
);
