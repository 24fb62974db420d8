-- Each open entry's usage of all time, kept as it is counted: the portal's "most used" order, the
-- downloads and calls each catalog result shows and the home page's figures read one row an entry
-- instead of summing every day, kind and format an entry has ever been used in (open_usage grows
-- by up to five rows an entry a day).
CREATE TABLE open_usage_totals (
  entry_id   uuid PRIMARY KEY REFERENCES catalog_entries(id),
  downloads  bigint NOT NULL DEFAULT 0 CHECK (downloads >= 0),
  api_calls  bigint NOT NULL DEFAULT 0 CHECK (api_calls >= 0)
);

INSERT INTO open_usage_totals (entry_id, downloads, api_calls)
SELECT entry_id,
       coalesce(sum(count) FILTER (WHERE kind = 'download'), 0),
       coalesce(sum(count) FILTER (WHERE kind = 'api'), 0)
  FROM open_usage GROUP BY entry_id;

-- Kept by the database itself, so that every way open_usage is written (a counted use, a
-- correction by hand) moves the totals in the same transaction.
CREATE FUNCTION open_usage_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE open_usage_totals
       SET downloads = downloads - CASE WHEN OLD.kind = 'download' THEN OLD.count ELSE 0 END,
           api_calls = api_calls - CASE WHEN OLD.kind = 'api' THEN OLD.count ELSE 0 END
     WHERE entry_id = OLD.entry_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO open_usage_totals AS t (entry_id, downloads, api_calls)
    VALUES (NEW.entry_id, CASE WHEN NEW.kind = 'download' THEN NEW.count ELSE 0 END, CASE WHEN NEW.kind = 'api' THEN NEW.count ELSE 0 END)
    ON CONFLICT (entry_id) DO UPDATE SET downloads = t.downloads + excluded.downloads, api_calls = t.api_calls + excluded.api_calls;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER open_usage_totals_track AFTER INSERT OR UPDATE OR DELETE ON open_usage
  FOR EACH ROW EXECUTE FUNCTION open_usage_totals_track();
