-- Opening (数据开放, 000 第四章): conditional open applications (000 第二十条) and open-data
-- demand collection (000 第十八条; 001 第三十一条). Deadlines are rows of the duty ledger.

-- A registered person's or organisation's application for a conditional open entry: use,
-- scenario, time limit and security measures (000 第二十条). An approval makes a grant.
CREATE TABLE open_applications (
  id                     uuid PRIMARY KEY,
  entry_id               uuid NOT NULL REFERENCES catalog_entries(id),
  -- The published version the application was made against (its fields and open attribute).
  entry_version          integer NOT NULL,
  provider_org_id        uuid NOT NULL REFERENCES orgs(id),
  applicant_org_id       uuid NOT NULL REFERENCES orgs(id),
  created_by             uuid NOT NULL REFERENCES users(id),
  fields                 text[] NOT NULL,
  purpose                text NOT NULL,
  scenario               text NOT NULL,
  valid_until            date NOT NULL,
  security_measures      text NOT NULL,
  method                 text NOT NULL CHECK (method IN ('api', 'file')),
  status                 text NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
  decided_by             uuid REFERENCES users(id),
  decided_at             timestamptz,
  reason                 text,
  decision_basis         text,
  -- The provider's application to extend its reply, and each approver's vote (000 第二十条:
  -- 经省营商环境建设主管部门和省大数据建设运营机构同意): { "<org role>": { decision, comment, userId, orgId, at } }.
  extension_status       text CHECK (extension_status IN ('requested', 'consented', 'refused', 'moot')),
  extension_days         integer,
  extension_reason       text,
  extension_requested_by uuid REFERENCES users(id),
  extension_requested_at timestamptz,
  extension_votes        jsonb NOT NULL DEFAULT '{}'::jsonb,
  extension_decided_at   timestamptz,
  grant_id               uuid,
  created_at             timestamptz NOT NULL,
  CHECK (status <> 'refused' OR (reason IS NOT NULL AND decision_basis IS NOT NULL)),
  CHECK (status <> 'approved' OR grant_id IS NOT NULL)
);
CREATE INDEX open_applications_provider_idx ON open_applications (provider_org_id, status);
CREATE INDEX open_applications_applicant_idx ON open_applications (applicant_org_id, status);
CREATE INDEX open_applications_created_idx ON open_applications (created_at);

-- A proposal to open a dataset (开放需求征集, 000 第十八条; 001 第三十一条), public with its answer.
CREATE TABLE open_demands (
  id               uuid PRIMARY KEY,
  title            text NOT NULL,
  description      text NOT NULL,
  provider_org_id  uuid REFERENCES orgs(id),
  scenario         text NOT NULL,
  contact          text,
  created_by       uuid NOT NULL REFERENCES users(id),
  proposer_org_id  uuid NOT NULL REFERENCES orgs(id),
  status           text NOT NULL CHECK (status IN ('open', 'planned', 'opened', 'refused')),
  reply            text,
  reply_basis      text,
  entry_id         uuid REFERENCES catalog_entries(id),
  answered_by      uuid REFERENCES users(id),
  answered_org_id  uuid REFERENCES orgs(id),
  answered_at      timestamptz,
  support_count    integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL,
  CHECK (status <> 'refused' OR (reply IS NOT NULL AND reply_basis IS NOT NULL)),
  CHECK (status <> 'opened' OR entry_id IS NOT NULL)
);
CREATE INDEX open_demands_status_idx ON open_demands (status, created_at);

-- One support per user per demand.
CREATE TABLE open_demand_supports (
  demand_id   uuid NOT NULL REFERENCES open_demands(id),
  user_id     uuid NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (demand_id, user_id)
);
