-- Pushed batch files (批量文件推送, 000 第八条): a file sent in chunks that can resume where it
-- stopped. Each chunk is stored as it arrives (one transaction per chunk); when the last byte is
-- in and the SM3 digest of the stored bytes matches the declared one, the chunks are streamed in
-- order into a load. Chunk rows are removed by the `ingest.uploads_cleanup` job once the upload
-- is completed, or expired after days untouched.
CREATE TABLE uploads (
  id          uuid PRIMARY KEY,
  entry_id    uuid NOT NULL REFERENCES catalog_entries(id),
  org_id      uuid NOT NULL REFERENCES orgs(id),
  by_user_id  uuid REFERENCES users(id),
  file_name   text NOT NULL,
  size        bigint NOT NULL CHECK (size > 0),
  -- SM3 of the whole file, lower-case hex, as declared by the sender.
  digest      char(64) NOT NULL,
  format      text NOT NULL CHECK (format IN ('csv', 'ndjson', 'xlsx')),
  mode        text NOT NULL CHECK (mode IN ('replace', 'upsert')),
  chunk_size  integer NOT NULL CHECK (chunk_size > 0),
  -- Bytes stored so far: the offset the next chunk must start at.
  received    bigint NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
  -- open: taking chunks · loading: its bytes are being loaded · completed: handed to a load · expired
  status      text NOT NULL CHECK (status IN ('open', 'loading', 'completed', 'expired')),
  -- The load its bytes went into. No foreign key needed beyond this module: `loads` is ingest's own.
  load_id     uuid REFERENCES loads(id),
  created_at  timestamptz NOT NULL,
  -- Last chunk, claim or state change: what the idle expiry is reckoned from.
  updated_at  timestamptz NOT NULL,
  completed_at timestamptz
);
-- Resuming finds the open upload of the same file for the same entry and org.
CREATE INDEX uploads_resume_idx ON uploads (entry_id, org_id, digest, size) WHERE status IN ('open', 'loading');
CREATE INDEX uploads_status_idx ON uploads (status, updated_at);

CREATE TABLE upload_chunks (
  upload_id   uuid NOT NULL REFERENCES uploads(id),
  byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
  data        bytea NOT NULL,
  PRIMARY KEY (upload_id, byte_offset)
);
