-- Scheduled pull (定时拉取, 000 第八条 服务接口): an HTTP endpoint the provider registers for an
-- entry, fetched on a schedule derived from the entry's update frequency (or an explicit
-- interval) and streamed into the same load path as an upload. One source per entry, replaced in
-- place; deactivating keeps the row and its history.
CREATE TABLE ingest_pull_sources (
  id                   uuid PRIMARY KEY,
  entry_id             uuid NOT NULL UNIQUE REFERENCES catalog_entries(id),
  url                  text NOT NULL CHECK (url ~* '^https?://'),
  format               text NOT NULL CHECK (format IN ('csv', 'ndjson', 'xlsx')),
  mode                 text NOT NULL CHECK (mode IN ('replace', 'upsert')),
  -- Request headers (e.g. Authorization) as one SM4 token of their JSON; their names in clear so
  -- the page can show which are set without decrypting.
  headers_enc          text,
  header_names         jsonb NOT NULL DEFAULT '[]',
  -- 'frequency': from the entry's published update frequency, day-or-longer slots at `hour`
  -- (Beijing time); 'interval': every `interval_minutes`.
  schedule_kind        text NOT NULL CHECK (schedule_kind IN ('frequency', 'interval')),
  interval_minutes     integer CHECK (interval_minutes IS NULL OR interval_minutes > 0),
  hour                 integer NOT NULL DEFAULT 2 CHECK (hour BETWEEN 0 AND 23),
  active               boolean NOT NULL DEFAULT true,
  next_run_at          timestamptz,
  -- Set while a run holds the source; a run that never finished is taken again once next_run_at
  -- (pushed past the run's time limit when it was claimed) falls due.
  running_since        timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  -- Bumped by every change of the registration, so a run that started before it does not
  -- overwrite the new schedule or validators.
  revision             integer NOT NULL DEFAULT 1,
  last_run_id          uuid,
  last_status          text,
  last_message         text,
  last_load_id         uuid,
  last_run_at          timestamptz,
  -- Validators of the last pull that landed, sent back as If-None-Match / If-Modified-Since.
  etag                 text,
  last_modified        text,
  registered_by        uuid NOT NULL REFERENCES users(id),
  provider_org_id      uuid NOT NULL REFERENCES orgs(id),
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CHECK (schedule_kind <> 'interval' OR interval_minutes IS NOT NULL),
  CHECK (NOT active OR next_run_at IS NOT NULL)
);
CREATE INDEX ingest_pull_sources_due_idx ON ingest_pull_sources (next_run_at) WHERE active;

-- Every run of a source, whatever its outcome.
CREATE TABLE ingest_pull_runs (
  id           uuid PRIMARY KEY,
  source_id    uuid NOT NULL REFERENCES ingest_pull_sources(id),
  entry_id     uuid NOT NULL REFERENCES catalog_entries(id),
  trigger      text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  status       text NOT NULL CHECK (status IN ('running', 'committed', 'unchanged', 'refused', 'failed')),
  url          text NOT NULL,
  http_status  integer,
  message      text,
  load_id      uuid REFERENCES loads(id),
  version_no   integer,
  bytes        bigint,
  by_user_id   uuid REFERENCES users(id),
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz
);
CREATE INDEX ingest_pull_runs_entry_idx ON ingest_pull_runs (entry_id, started_at DESC);
CREATE INDEX ingest_pull_runs_source_idx ON ingest_pull_runs (source_id, started_at DESC);
