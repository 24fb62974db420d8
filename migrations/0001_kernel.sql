-- Kernel tables: administrative regions, the working-day calendar, the audit chain, the
-- deadline ledger and in-app notifications.

-- GB/T 2260 administrative divisions. level: 1 province, 2 prefecture city, 3 county.
CREATE TABLE regions (
  code        char(6) PRIMARY KEY CHECK (code ~ '^[1-9][0-9]{5}$'),
  name        text NOT NULL,
  parent_code char(6) REFERENCES regions(code),
  level       smallint NOT NULL CHECK (level BETWEEN 1 AND 3)
);
CREATE INDEX regions_parent_idx ON regions (parent_code);

-- Years whose official holiday notice the calendar holds; other years fall back to Mon–Fri.
CREATE TABLE calendar_years (
  year       integer PRIMARY KEY CHECK (year BETWEEN 1949 AND 2200),
  source     text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Exceptions to Mon–Fri: statutory holidays on weekdays and adjusted working weekend days (调休).
CREATE TABLE calendar_days (
  day  date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL
);

-- The audit chain. seq is gap-free; hash = SM3(prev_hash || canonical event).
CREATE TABLE audit_events (
  seq           bigint PRIMARY KEY,
  at            timestamptz NOT NULL,
  actor_user_id uuid,
  actor_org_id  uuid,
  action        text NOT NULL,
  object_type   text NOT NULL,
  object_id     text,
  purpose       text,
  grant_id      text,
  details       jsonb NOT NULL DEFAULT '{}',
  prev_hash     char(64) NOT NULL,
  hash          char(64) NOT NULL
);
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, seq);
CREATE INDEX audit_events_org_idx ON audit_events (actor_org_id, seq);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, seq);
CREATE INDEX audit_events_action_idx ON audit_events (action, seq);

-- The chain head: one row, locked by each writer so that seq and prev_hash follow in order.
CREATE TABLE audit_head (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq  bigint NOT NULL,
  hash char(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));

-- SM2-signed checkpoints of the chain head.
CREATE TABLE audit_checkpoints (
  seq        bigint PRIMARY KEY,
  hash       char(64) NOT NULL,
  at         timestamptz NOT NULL,
  key_id     text NOT NULL,
  public_key text NOT NULL,
  signature  text NOT NULL
);

-- Nothing updates or deletes an audit event or a checkpoint.
CREATE FUNCTION audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER audit_checkpoints_immutable BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_immutable();

-- The deadline ledger: one row per timed duty.
CREATE TABLE duties (
  id              uuid PRIMARY KEY,
  case_type       text NOT NULL,
  case_id         text NOT NULL,
  duty            text NOT NULL,
  title           text NOT NULL,
  owner_org_id    uuid NOT NULL,
  supervisor_org_id uuid,
  link            text,
  source          text NOT NULL,
  started_at      timestamptz NOT NULL,
  -- null: the regulation sets no deadline (tracked with its age).
  working_days    integer,
  due_date        date,
  due_at          timestamptz,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'met', 'cancelled')),
  met_at          timestamptz,
  overdue_at      timestamptz,
  extension_count integer NOT NULL DEFAULT 0,
  extended_days   integer NOT NULL DEFAULT 0,
  calendar_fallback boolean NOT NULL DEFAULT false
);
CREATE INDEX duties_owner_open_idx ON duties (owner_org_id, due_at) WHERE status = 'open';
CREATE INDEX duties_due_open_idx ON duties (due_at) WHERE status = 'open' AND overdue_at IS NULL;
CREATE UNIQUE INDEX duties_case_duty_open_idx ON duties (case_type, case_id, duty) WHERE status = 'open';

CREATE TABLE notifications (
  id         uuid PRIMARY KEY,
  org_id     uuid NOT NULL,
  user_id    uuid,
  kind       text NOT NULL,
  title      text NOT NULL,
  body       text NOT NULL DEFAULT '',
  link       text,
  created_at timestamptz NOT NULL,
  read_at    timestamptz
);
CREATE INDEX notifications_org_idx ON notifications (org_id, created_at DESC);

-- Last run of each background job, for the admin's health view.
CREATE TABLE job_runs (
  name        text PRIMARY KEY,
  last_run_at timestamptz NOT NULL,
  last_result text NOT NULL
);
