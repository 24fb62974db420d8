-- Sharing (数据共享, 000 第三章 第十一至十六条): share requests, the provider's instant-share
-- conditions, and grants — the only way to data (ARCHITECTURE §4).

-- A demand institution's request for a published entry's fields (000 第十四条). Its deadlines
-- (the provider's reply, the delivery after consent) are rows of the duty ledger.
CREATE TABLE share_requests (
  id                 uuid PRIMARY KEY,
  entry_id           uuid NOT NULL REFERENCES catalog_entries(id),
  -- The published version the request was made against (its fields and share attribute).
  entry_version      integer NOT NULL,
  provider_org_id    uuid NOT NULL REFERENCES orgs(id),
  requester_org_id   uuid NOT NULL REFERENCES orgs(id),
  created_by         uuid NOT NULL REFERENCES users(id),
  fields             text[] NOT NULL,
  basis              text NOT NULL,
  scenario           text NOT NULL,
  scope              text NOT NULL,
  method             text NOT NULL CHECK (method IN ('api', 'batch', 'file')),
  valid_until        date NOT NULL,
  status             text NOT NULL CHECK (status IN ('awaiting_signature', 'pending', 'approved', 'refused')),
  -- The share attribute when signed, and how the outcome was reached.
  share_attr         text CHECK (share_attr IN ('unconditional', 'conditional', 'none')),
  outcome            text CHECK (outcome IN ('automatic', 'instant_conditions', 'decision', 'not_shared')),
  signed_by          uuid REFERENCES users(id),
  signed_at          timestamptz,
  decided_by         uuid REFERENCES users(id),
  decided_at         timestamptz,
  reason             text,
  refusal_basis      text,
  -- The provider's application to extend the reply and the authority's decision (000 第十四条).
  extension_status   text CHECK (extension_status IN ('requested', 'consented', 'refused', 'moot')),
  extension_days     integer,
  extension_reason   text,
  extension_requested_by uuid REFERENCES users(id),
  extension_requested_at timestamptz,
  extension_decided_by   uuid REFERENCES users(id),
  extension_decided_at   timestamptz,
  extension_comment  text,
  grant_id           uuid,
  created_at         timestamptz NOT NULL,
  CHECK (status <> 'refused' OR (reason IS NOT NULL AND refusal_basis IS NOT NULL)),
  CHECK (status <> 'approved' OR grant_id IS NOT NULL)
);
CREATE INDEX share_requests_provider_idx ON share_requests (provider_org_id, status);
CREATE INDEX share_requests_requester_idx ON share_requests (requester_org_id, status);
CREATE INDEX share_requests_entry_idx ON share_requests (entry_id);

-- A provider's instant-share conditions for one of its entries (即时共享条件, 000 第十四条): a
-- request that meets all the conditions set is granted at once. Empty arrays mean "not a condition".
CREATE TABLE share_instant_conditions (
  entry_id           uuid PRIMARY KEY REFERENCES catalog_entries(id),
  provider_org_id    uuid NOT NULL REFERENCES orgs(id),
  requester_org_ids  uuid[] NOT NULL DEFAULT '{}',
  requester_org_roles text[] NOT NULL DEFAULT '{}',
  -- The fields a request may ask for and still be granted at once; null: any field.
  fields             text[],
  updated_by         uuid NOT NULL REFERENCES users(id),
  updated_at         timestamptz NOT NULL
);

-- A grant: subject org, entry, fields, row filter, purpose, methods, validity, source case.
-- `expired` is also computed at read time from valid_until.
CREATE TABLE grants (
  id                 uuid PRIMARY KEY,
  subject_org_id     uuid NOT NULL REFERENCES orgs(id),
  provider_org_id    uuid NOT NULL REFERENCES orgs(id),
  entry_id           uuid NOT NULL REFERENCES catalog_entries(id),
  fields             text[] NOT NULL,
  row_filter         jsonb,
  purpose            text NOT NULL,
  methods            text[] NOT NULL,
  valid_from         timestamptz NOT NULL,
  valid_until        timestamptz NOT NULL,
  source_case_type   text NOT NULL,
  source_case_id     uuid NOT NULL,
  status             text NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'expired')),
  status_reason      text,
  status_changed_by  uuid REFERENCES users(id),
  status_changed_at  timestamptz,
  created_at         timestamptz NOT NULL,
  CHECK (valid_until > valid_from)
);
CREATE INDEX grants_subject_idx ON grants (subject_org_id, entry_id);
CREATE INDEX grants_provider_idx ON grants (provider_org_id);
CREATE INDEX grants_source_idx ON grants (source_case_type, source_case_id);
