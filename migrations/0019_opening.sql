-- The open data portal (000 第四章): usage of open data counted per entry per day, by kind and
-- format, public on each dataset page and in the province-wide open data report; and the
-- datasets the platform operator features on the portal's home page.

-- One row per entry, Beijing day, kind and format; each download or open API call adds one.
CREATE TABLE open_usage (
  entry_id  uuid NOT NULL REFERENCES catalog_entries(id),
  day       date NOT NULL,
  kind      text NOT NULL CHECK (kind IN ('download', 'api')),
  -- download: csv | xlsx | json; api: rows (the open data API) | ckan (datastore_search).
  format    text NOT NULL CHECK (format IN ('csv', 'xlsx', 'json', 'rows', 'ckan')),
  count     bigint NOT NULL DEFAULT 0 CHECK (count >= 0),
  rows      bigint NOT NULL DEFAULT 0 CHECK (rows >= 0),
  PRIMARY KEY (entry_id, day, kind, format)
);
CREATE INDEX open_usage_day_idx ON open_usage (day);

-- Datasets featured on the portal's home page, in the operator's order.
CREATE TABLE open_featured (
  entry_id     uuid PRIMARY KEY REFERENCES catalog_entries(id),
  position     integer NOT NULL DEFAULT 0,
  featured_by  uuid REFERENCES users(id),
  featured_at  timestamptz NOT NULL
);
