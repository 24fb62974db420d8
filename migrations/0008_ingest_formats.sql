-- Loads from spreadsheets, and the heartbeat that tells a load in progress from one whose process
-- is gone. 000 第八条.
--
-- `format` takes 'xlsx' (the first worksheet of an Office Open XML workbook).
ALTER TABLE loads DROP CONSTRAINT loads_format_check;
ALTER TABLE loads ADD CONSTRAINT loads_format_check CHECK (format IN ('csv', 'ndjson', 'xlsx'));

-- A load still reading touches `seen_at` every half minute; the `ingest.sweep` job fails a load
-- still 'validating' whose last sign of life (seen_at, else started_at) is older than the
-- configured stale age, and drops its staging table.
ALTER TABLE loads ADD COLUMN seen_at timestamptz;
CREATE INDEX loads_validating_idx ON loads (started_at) WHERE status = 'validating';
