/** Kysely table types of pushed batch files (migrations/0009): uploads and their stored chunks. */
import type { ColumnType } from 'kysely';
import type { LoadFormat, LoadMode } from './tables.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** What a pushed file may be: what a load reads (the migration's CHECK lists the same). */
export type UploadFormat = LoadFormat;
/** open: taking chunks · loading: its bytes are being loaded · completed: handed to a load · expired. */
export type UploadStatus = 'open' | 'loading' | 'completed' | 'expired';

export interface UploadsTable {
  id: string;
  entry_id: string;
  org_id: string;
  by_user_id: string | null;
  file_name: string;
  size: number;
  digest: string;
  format: UploadFormat;
  mode: LoadMode;
  chunk_size: number;
  received: ColumnType<number, number | undefined, number>;
  status: UploadStatus;
  load_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface UploadChunksTable {
  upload_id: string;
  byte_offset: number;
  /** bytea; the repo moves it as base64 text (see uploads.repo.ts). */
  data: ColumnType<Uint8Array, Uint8Array, never>;
}

export interface UploadTables {
  uploads: UploadsTable;
  upload_chunks: UploadChunksTable;
}
