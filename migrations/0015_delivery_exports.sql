-- Batch export (批量交换) and file download (000 第八条, 第十四条): an export job writes a grant's
-- data, projected and masked as the service API delivers it, to a file the subject org downloads
-- through an expiring link. Each export carries a watermark of a few canary rows (plausible
-- synthetic rows at deterministic positions) whose fingerprints name the delivery a leaked file
-- came from (`gongshu trace`).

CREATE TABLE delivery_exports (
  id               uuid PRIMARY KEY,
  grant_id         uuid NOT NULL REFERENCES grants(id),
  subject_org_id   uuid NOT NULL REFERENCES orgs(id),
  provider_org_id  uuid NOT NULL REFERENCES orgs(id),
  entry_id         uuid NOT NULL REFERENCES catalog_entries(id),
  requested_by     uuid REFERENCES users(id),
  method           text NOT NULL CHECK (method IN ('batch', 'file')),
  format           text NOT NULL CHECK (format IN ('csv', 'ndjson')),
  filters          jsonb,
  status           text NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed')),
  version_no       integer,
  fields           text[] NOT NULL DEFAULT '{}',
  masked           text[] NOT NULL DEFAULT '{}',
  rows_total       integer,
  rows_done        integer NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
  canaries         integer NOT NULL DEFAULT 0,
  bytes            bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  file_name        text,
  error            text,
  created_at       timestamptz NOT NULL,
  started_at       timestamptz,
  finished_at      timestamptz,
  expires_at       timestamptz
);
CREATE INDEX delivery_exports_grant_idx ON delivery_exports (grant_id, created_at);
CREATE INDEX delivery_exports_subject_idx ON delivery_exports (subject_org_id, created_at);

-- The canary rows of an export: where each was written and the fingerprint of its content.
CREATE TABLE delivery_export_canaries (
  export_id    uuid NOT NULL REFERENCES delivery_exports(id),
  ordinal      integer NOT NULL,
  position     integer NOT NULL,
  fingerprint  text NOT NULL,
  PRIMARY KEY (export_id, ordinal)
);
CREATE INDEX delivery_export_canaries_fp_idx ON delivery_export_canaries (fingerprint);
