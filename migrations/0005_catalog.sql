-- Catalog (公共数据目录): entries and their versions, reviews, update cases, the negative list's
-- joint review, the authorized-operation catalog and its registrations. 000 第六、七、十一至十三、
-- 十八、十九、二十七至二十九条.

-- One row per catalog entry, stable across versions. `code` = region + provider + sequence.
CREATE TABLE catalog_entries (
  id                uuid PRIMARY KEY,
  code              text NOT NULL UNIQUE,
  provider_org_id   uuid NOT NULL REFERENCES orgs(id),
  region_code       char(6) NOT NULL REFERENCES regions(code),
  seq               integer NOT NULL,
  -- The version now in force (published), and the newest version of any status.
  published_version integer,
  latest_version    integer NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  UNIQUE (provider_org_id, seq)
);
CREATE INDEX catalog_entries_provider_idx ON catalog_entries (provider_org_id);

-- Every version of an entry. A published version is never changed again (a trigger refuses it);
-- a change is a new version that goes through review again.
CREATE TABLE catalog_versions (
  id                uuid PRIMARY KEY,
  entry_id          uuid NOT NULL REFERENCES catalog_entries(id),
  version           integer NOT NULL,
  status            text NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'published', 'superseded')),
  name              text NOT NULL,
  description       text NOT NULL DEFAULT '',
  format            text NOT NULL,
  -- [{ name, label, type, required, key, piiKind, sensitivity, downgradeReason }]
  fields            jsonb NOT NULL,
  share_attr        text NOT NULL CHECK (share_attr IN ('unconditional', 'conditional', 'none')),
  share_conditions  jsonb,            -- { scope, usage } for conditional sharing (000 第十三条)
  no_share_basis    text,             -- legal basis for `none` (000 第十三条)
  open_attr         text NOT NULL CHECK (open_attr IN ('unconditional', 'conditional', 'none')),
  open_conditions   jsonb,            -- conditions and use requirements for conditional opening
  not_open_reason   text,             -- ground of 000 第十九条 when not open
  open_safeguards   jsonb NOT NULL DEFAULT '[]', -- 'anonymised' | 'desensitised' | 'consent'
  operation_attr    boolean NOT NULL,
  provision_methods text[] NOT NULL,
  usage_conditions  text NOT NULL DEFAULT '',
  update_frequency  text NOT NULL,
  category          text NOT NULL,
  grade             text NOT NULL CHECK (grade IN ('general', 'important', 'core')),
  -- 正面清单 priority areas (000 第十八条): industry, ecology, livelihood, business_environment.
  priority_areas    text[] NOT NULL DEFAULT '{}',
  -- 保密风险评估 and 个人信息保护影响评估 recorded before submission (000 第六条).
  assessments       jsonb NOT NULL DEFAULT '{}',
  -- Why this version exists when it is an update (law / duties change), else null.
  change_note       text,
  update_case_id    uuid,
  search_doc        tsvector,
  created_by        uuid REFERENCES users(id),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  submitted_by      uuid REFERENCES users(id),
  submitted_at      timestamptz,
  reviewed_by       uuid REFERENCES users(id),
  reviewed_at       timestamptz,
  review_comment    text,
  published_at      timestamptz,
  UNIQUE (entry_id, version)
);
CREATE INDEX catalog_versions_status_idx ON catalog_versions (status);
CREATE INDEX catalog_versions_search_idx ON catalog_versions USING gin (search_doc);

CREATE FUNCTION catalog_versions_published_immutable() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.status IN ('published', 'superseded') THEN
    RAISE EXCEPTION 'a published catalog version is never deleted (000 第六条)';
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.status IN ('published', 'superseded') THEN
    -- Only the move from published to superseded, and the search document, may change.
    IF (to_jsonb(NEW) - 'status' - 'search_doc') IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'search_doc')
       OR NOT (NEW.status = OLD.status OR (OLD.status = 'published' AND NEW.status = 'superseded')) THEN
      RAISE EXCEPTION 'a published catalog version is immutable: make a new version (000 第七条)';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER catalog_versions_immutable BEFORE UPDATE OR DELETE ON catalog_versions
  FOR EACH ROW EXECUTE FUNCTION catalog_versions_published_immutable();

-- Review decisions, kept as history (a returned version's comments stay readable).
CREATE TABLE catalog_reviews (
  id          uuid PRIMARY KEY,
  version_id  uuid NOT NULL REFERENCES catalog_versions(id),
  decision    text NOT NULL CHECK (decision IN ('approve', 'return')),
  comment     text NOT NULL DEFAULT '',
  user_id     uuid NOT NULL REFERENCES users(id),
  org_id      uuid NOT NULL REFERENCES orgs(id),
  at          timestamptz NOT NULL
);
CREATE INDEX catalog_reviews_version_idx ON catalog_reviews (version_id);

-- A change of law, administrative regulation, State Council decision or duties that obliges the
-- provider to update an entry (000 第七条). Its duties live on the deadline ledger.
CREATE TABLE catalog_update_cases (
  id            uuid PRIMARY KEY,
  entry_id      uuid NOT NULL REFERENCES catalog_entries(id),
  kind          text NOT NULL CHECK (kind IN ('law', 'duties')),
  description   text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'submitted', 'done', 'cancelled')),
  version_id    uuid REFERENCES catalog_versions(id),
  opened_by     uuid REFERENCES users(id),
  opened_at     timestamptz NOT NULL,
  closed_at     timestamptz
);
CREATE INDEX catalog_update_cases_entry_idx ON catalog_update_cases (entry_id);

-- Seats of the negative list's joint review (000 第十一条) and the org that holds each.
CREATE TABLE catalog_review_seats (
  seat    text PRIMARY KEY,
  org_id  uuid NOT NULL REFERENCES orgs(id)
);

-- Sign-offs of a version's inclusion in the negative list, one per seat.
CREATE TABLE catalog_negative_signoffs (
  id          uuid PRIMARY KEY,
  version_id  uuid NOT NULL REFERENCES catalog_versions(id),
  seat        text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('agree', 'disagree')),
  comment     text NOT NULL DEFAULT '',
  user_id     uuid NOT NULL REFERENCES users(id),
  org_id      uuid NOT NULL REFERENCES orgs(id),
  at          timestamptz NOT NULL,
  UNIQUE (version_id, seat)
);

-- The authorized-operation catalog (000 第二十七、二十八条): an entry listed for operation, by
-- whom, and — when the lister obtained it through sharing — its provider's consent.
CREATE TABLE catalog_operation_items (
  id              uuid PRIMARY KEY,
  entry_id        uuid NOT NULL REFERENCES catalog_entries(id),
  listed_by_org   uuid NOT NULL REFERENCES orgs(id),
  via_sharing     boolean NOT NULL,
  status          text NOT NULL CHECK (status IN ('awaiting_consent', 'listed', 'refused', 'removed')),
  consent_by      uuid REFERENCES users(id),
  consent_at      timestamptz,
  consent_comment text,
  note            text NOT NULL DEFAULT '',
  created_by      uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL,
  listed_at       timestamptz
);
CREATE UNIQUE INDEX catalog_operation_items_live_idx ON catalog_operation_items (entry_id) WHERE status IN ('awaiting_consent', 'listed');

-- Registration (登记, 000 第二十九条) of an entry in the operation catalog.
CREATE TABLE catalog_registrations (
  id                 uuid PRIMARY KEY,
  entry_id           uuid NOT NULL REFERENCES catalog_entries(id),
  operation_item_id  uuid NOT NULL REFERENCES catalog_operation_items(id),
  registration_code  text NOT NULL UNIQUE,
  query_code         text NOT NULL UNIQUE,
  version            integer NOT NULL,
  registered_by      uuid REFERENCES users(id),
  registered_at      timestamptz NOT NULL
);
