-- Reflow (数据回流, 000 第九条): data an upper-level institution collects through a vertical system
-- flows back to the lower-level institutions by territory. A subscription names the entry, the
-- subscriber org (strictly below the provider in the region tree), the field that carries the
-- territory and the region delivered; each committed load of the entry records one delivery per
-- active subscription, read back through the subscription's row filter while its version is kept.

CREATE TABLE reflow_subscriptions (
  id                 uuid PRIMARY KEY,
  entry_id           uuid NOT NULL REFERENCES catalog_entries(id),
  -- The entry's provider when the subscription was set up (the upper-level institution).
  provider_org_id    uuid NOT NULL REFERENCES orgs(id),
  subscriber_org_id  uuid NOT NULL REFERENCES orgs(id),
  -- The data item carrying the territory and how it carries it.
  region_field       text NOT NULL,
  region_field_label text NOT NULL,
  carrier            text NOT NULL CHECK (carrier IN ('region_code', 'id_number', 'uscc')),
  -- The region delivered: the subscriber's own region or one within it.
  region_code        char(6) NOT NULL REFERENCES regions(code),
  status             text NOT NULL CHECK (status IN ('active', 'cancelled')),
  created_by         uuid REFERENCES users(id),
  created_by_org_id  uuid NOT NULL REFERENCES orgs(id),
  created_at         timestamptz NOT NULL,
  cancelled_by       uuid REFERENCES users(id),
  cancelled_at       timestamptz,
  cancel_reason      text,
  CHECK (provider_org_id <> subscriber_org_id),
  CHECK (status = 'active' OR cancelled_at IS NOT NULL)
);
CREATE INDEX reflow_subscriptions_entry_idx ON reflow_subscriptions (entry_id, status);
CREATE INDEX reflow_subscriptions_subscriber_idx ON reflow_subscriptions (subscriber_org_id, status);
CREATE INDEX reflow_subscriptions_provider_idx ON reflow_subscriptions (provider_org_id, status);
-- One active subscription per entry, subscriber, field and region.
CREATE UNIQUE INDEX reflow_subscriptions_active_idx ON reflow_subscriptions (entry_id, subscriber_org_id, region_field, region_code) WHERE status = 'active';

-- One delivery per subscription and committed load: the version it delivers and how many rows of
-- the subscriber's region that version holds. `problem` says why nothing could be delivered (e.g.
-- the region field no longer exists in the entry's published data items).
CREATE TABLE reflow_deliveries (
  id              uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES reflow_subscriptions(id),
  entry_id        uuid NOT NULL REFERENCES catalog_entries(id),
  load_id         uuid NOT NULL REFERENCES loads(id),
  version_no      integer NOT NULL,
  rows_delivered  integer NOT NULL,
  problem         text,
  at              timestamptz NOT NULL,
  UNIQUE (subscription_id, load_id)
);
CREATE INDEX reflow_deliveries_subscription_idx ON reflow_deliveries (subscription_id, at DESC);
