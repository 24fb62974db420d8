-- The privacy sandbox (数据可用不可见，原始数据不出域; 002 第十一、二十三条; 003 第三、十五条;
-- 004 第二十五、二十六条): grants of method `sandbox`, their column policies and output settings,
-- the queries run under them, their release (出域审查) and the differential-privacy budget.

-- A share request may ask for in-platform analysis; the provider's approval carries the policies.
ALTER TABLE share_requests DROP CONSTRAINT share_requests_method_check;
ALTER TABLE share_requests ADD CONSTRAINT share_requests_method_check CHECK (method IN ('api', 'batch', 'file', 'sandbox'));
ALTER TABLE share_requests ADD COLUMN column_policies jsonb;

-- A sandbox grant's settings. `column_policies` maps each granted field to one of
-- plain | aggregate_only | group_key | join_key | filter_only | hidden (a field without one is hidden).
-- `min_group_size`: the smallest group of distinct subjects an aggregate output may show (null: the
-- jurisdiction profile's sandboxMinGroupSize). Differential privacy is on when `dp_epsilon_budget`
-- is set: each query spends `dp_epsilon_per_query` of it, per dataset; `dp_bounds` clamps each summed
-- field to [lo, hi]; `dp_max_rows_per_subject` bounds one subject's contribution.
-- `release_approval`: a result leaves the platform only after the implementing agency approves.
ALTER TABLE grants ADD COLUMN column_policies jsonb;
ALTER TABLE grants ADD COLUMN min_group_size integer CHECK (min_group_size IS NULL OR min_group_size >= 2);
ALTER TABLE grants ADD COLUMN dp_epsilon_budget numeric CHECK (dp_epsilon_budget IS NULL OR dp_epsilon_budget > 0);
ALTER TABLE grants ADD COLUMN dp_epsilon_per_query numeric CHECK (dp_epsilon_per_query IS NULL OR dp_epsilon_per_query > 0);
ALTER TABLE grants ADD COLUMN dp_bounds jsonb;
ALTER TABLE grants ADD COLUMN dp_max_rows_per_subject integer CHECK (dp_max_rows_per_subject IS NULL OR dp_max_rows_per_subject >= 1);
ALTER TABLE grants ADD COLUMN release_approval boolean NOT NULL DEFAULT false;
ALTER TABLE grants ADD CONSTRAINT grants_dp_check CHECK ((dp_epsilon_budget IS NULL) = (dp_epsilon_per_query IS NULL));

-- Every query put to the sandbox, accepted or rejected, with its policy decision. The result of an
-- accepted query stays here (on the platform) until it is released.
CREATE TABLE sandbox_queries (
  id                 uuid PRIMARY KEY,
  org_id             uuid NOT NULL REFERENCES orgs(id),
  user_id            uuid NOT NULL REFERENCES users(id),
  sql                text NOT NULL,
  decision           text NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  -- For a rejection: { rule, column, message }.
  violation          jsonb,
  -- The grants and entries the query read.
  grant_ids          uuid[] NOT NULL DEFAULT '{}',
  entry_ids          uuid[] NOT NULL DEFAULT '{}',
  -- The SQL actually run (built from the checked parse tree).
  executed_sql       text,
  columns            jsonb,
  rows               jsonb,
  row_count          integer CHECK (row_count IS NULL OR row_count >= 0),
  truncated          boolean NOT NULL DEFAULT false,
  suppressed_groups  integer NOT NULL DEFAULT 0 CHECK (suppressed_groups >= 0),
  epsilon_spent      numeric NOT NULL DEFAULT 0 CHECK (epsilon_spent >= 0),
  -- SM3 of the result as released (columns and rows, canonical JSON).
  output_hash        text,
  duration_ms        integer,
  -- Release (出域审查): null until asked; then pending_approval | released | refused | blocked.
  release_status     text CHECK (release_status IN ('pending_approval', 'released', 'refused', 'blocked')),
  -- The identifier scan at release: [{ column, kind, count }].
  release_scan       jsonb,
  release_requested_by uuid REFERENCES users(id),
  release_requested_at timestamptz,
  release_decided_by uuid REFERENCES users(id),
  release_decided_at timestamptz,
  release_reason     text,
  created_at         timestamptz NOT NULL,
  CHECK (decision <> 'rejected' OR violation IS NOT NULL)
);
CREATE INDEX sandbox_queries_org_idx ON sandbox_queries (org_id, created_at DESC);
CREATE INDEX sandbox_queries_release_idx ON sandbox_queries (release_status) WHERE release_status IS NOT NULL;

-- The ε ledger per (grant, dataset): one row per query that spent budget. Never refreshed silently:
-- a budget grows only by a change to the grant, which is audited.
CREATE TABLE sandbox_epsilon_ledger (
  grant_id           uuid NOT NULL REFERENCES grants(id),
  entry_id           uuid NOT NULL REFERENCES catalog_entries(id),
  query_id           uuid NOT NULL REFERENCES sandbox_queries(id),
  epsilon            numeric NOT NULL CHECK (epsilon > 0),
  created_at         timestamptz NOT NULL,
  PRIMARY KEY (grant_id, entry_id, query_id)
);
