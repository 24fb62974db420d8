-- Use limits and disputes of sharing (000 第十五、十六条).

-- A subject org's request to widen the use of a grant or to pass its data to a third org
-- (000 第十五条 "确需扩大使用范围、用于其他目的或者提供给第三方的，应当经数据提供单位同意").
-- Consent to widen amends the grant; consent to transfer makes a new grant for the third org,
-- whose source case is this request. The provider's reply is a duty on the ledger.
CREATE TABLE use_requests (
  id                 uuid PRIMARY KEY,
  grant_id           uuid NOT NULL REFERENCES grants(id),
  kind               text NOT NULL CHECK (kind IN ('widen', 'transfer')),
  requester_org_id   uuid NOT NULL REFERENCES orgs(id),
  provider_org_id    uuid NOT NULL REFERENCES orgs(id),
  created_by         uuid NOT NULL REFERENCES users(id),
  purpose            text NOT NULL,
  scope              text NOT NULL,
  -- The fields after the change (widen) or passed on (transfer); null: the grant's fields.
  fields             text[],
  -- The new time limit (widen) or the third org's (transfer); null: the grant's.
  valid_until        date,
  third_org_id       uuid REFERENCES orgs(id),
  reason             text NOT NULL,
  status             text NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
  decided_by         uuid REFERENCES users(id),
  decided_at         timestamptz,
  decision_reason    text,
  refusal_basis      text,
  -- The grant a consent to transfer made.
  new_grant_id       uuid REFERENCES grants(id),
  created_at         timestamptz NOT NULL,
  CHECK (kind <> 'transfer' OR third_org_id IS NOT NULL),
  CHECK (status <> 'refused' OR (decision_reason IS NOT NULL AND refusal_basis IS NOT NULL)),
  CHECK (kind <> 'transfer' OR status <> 'approved' OR new_grant_id IS NOT NULL)
);
CREATE INDEX use_requests_requester_idx ON use_requests (requester_org_id, status);
CREATE INDEX use_requests_provider_idx ON use_requests (provider_org_id, status);
CREATE INDEX use_requests_grant_idx ON use_requests (grant_id);

-- A sharing dispute between the two institutions of a share request or a grant (000 第十六条):
-- negotiation → coordination by the sharing authority → the government's decision; a cross-level
-- or cross-region dispute starts with the provincial authority's coordination.
CREATE TABLE disputes (
  id                 uuid PRIMARY KEY,
  case_type          text NOT NULL CHECK (case_type IN ('share_request', 'grant')),
  case_id            uuid NOT NULL,
  -- The party that raised it and the other one.
  claimant_org_id    uuid NOT NULL REFERENCES orgs(id),
  respondent_org_id  uuid NOT NULL REFERENCES orgs(id),
  created_by         uuid NOT NULL REFERENCES users(id),
  subject            text NOT NULL,
  claim              text NOT NULL,
  route              text NOT NULL CHECK (route IN ('same_level', 'cross_level', 'cross_region')),
  -- The region whose authority coordinates and whose government decides.
  level_region_code  char(6) NOT NULL REFERENCES regions(code),
  authority_org_id   uuid NOT NULL REFERENCES orgs(id),
  status             text NOT NULL CHECK (status IN ('negotiation', 'coordination', 'decision', 'resolved', 'decided')),
  created_at         timestamptz NOT NULL,
  closed_at          timestamptz,
  CHECK (claimant_org_id <> respondent_org_id)
);
CREATE INDEX disputes_claimant_idx ON disputes (claimant_org_id);
CREATE INDEX disputes_respondent_idx ON disputes (respondent_org_id);
CREATE INDEX disputes_authority_idx ON disputes (authority_org_id);
CREATE INDEX disputes_case_idx ON disputes (case_type, case_id);

-- Every step of a dispute: who, when, what it did, its outcome and its record.
CREATE TABLE dispute_steps (
  id                 uuid PRIMARY KEY,
  dispute_id         uuid NOT NULL REFERENCES disputes(id),
  seq                integer NOT NULL,
  action             text NOT NULL CHECK (action IN ('open', 'resolve', 'escalate', 'decide')),
  from_status        text,
  to_status          text NOT NULL,
  actor_user_id      uuid NOT NULL REFERENCES users(id),
  actor_org_id       uuid NOT NULL REFERENCES orgs(id),
  outcome            text NOT NULL,
  text               text NOT NULL,
  at                 timestamptz NOT NULL,
  UNIQUE (dispute_id, seq)
);
