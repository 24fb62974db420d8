-- The anonymisation gate of opening (000 第十九条): an entry whose fields hold personal
-- information or commercial secrets is opened only after its open version passes — each field's
-- treatment declared by the provider, direct identifiers removed or pseudonymised, the
-- quasi-identifiers after treatment meeting k-anonymity — or once the subjects' consent is
-- recorded. The plan is the provider's declaration; a report is kept with each dataset version
-- checked, and the public reads the live version through the plan its passing report checked.

CREATE TABLE opening_gate_plans (
  entry_id           uuid PRIMARY KEY REFERENCES catalog_entries(id),
  -- { field: 'keep' | 'drop' | 'pseudonymise' | 'generalise:<how>' }
  treatments         jsonb NOT NULL DEFAULT '{}',
  quasi_identifiers  text[] NOT NULL DEFAULT '{}',
  -- The sensitive attribute whose l-diversity is reported, and the least l asked (null: reported only).
  sensitive          text,
  min_l              integer CHECK (min_l IS NULL OR min_l >= 1),
  -- The subjects' consent (000 第十九条第三款第三项): { reference, attachment, scope? }.
  consent            jsonb,
  -- The key of the entry's pseudonyms (HMAC-SM3): stable within the entry, unlinkable across entries.
  pseudonym_key      text NOT NULL,
  updated_by         uuid REFERENCES users(id),
  updated_at         timestamptz NOT NULL
);

CREATE TABLE opening_gate_reports (
  id                 uuid PRIMARY KEY,
  -- The order reports were made in (several may share a time).
  seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  entry_id           uuid NOT NULL REFERENCES catalog_entries(id),
  -- The dataset version checked (dataset_versions.version_no of the entry).
  version_no         integer NOT NULL,
  status             text NOT NULL CHECK (status IN ('passed', 'failed')),
  -- How it passed or why it failed: 'anonymised' | 'consent' | 'not_needed' | 'plan' | 'k_anonymity' | 'l_diversity'.
  basis              text NOT NULL,
  reason             text NOT NULL DEFAULT '',
  k                  integer NOT NULL,
  rows               bigint NOT NULL,
  classes            bigint NOT NULL DEFAULT 0,
  smallest_class     bigint,
  classes_below_k    bigint NOT NULL DEFAULT 0,
  rows_below_k       bigint NOT NULL DEFAULT 0,
  -- A few classes below k: [{ values: { field: generalised value }, size }].
  examples           jsonb NOT NULL DEFAULT '[]',
  l                  integer,
  -- Plan problems found: [{ field, message }].
  problems           jsonb NOT NULL DEFAULT '[]',
  -- The plan checked, as read then (treatments, quasiIdentifiers, sensitive, minL, consent).
  plan               jsonb NOT NULL,
  trigger            text NOT NULL CHECK (trigger IN ('manual', 'load')),
  checked_by         uuid REFERENCES users(id),
  checked_at         timestamptz NOT NULL
);
CREATE INDEX opening_gate_reports_entry_idx ON opening_gate_reports (entry_id, version_no, seq DESC);
