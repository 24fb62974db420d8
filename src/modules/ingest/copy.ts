/**
 * Bulk writing into a staging dataset table with COPY in its text format (lines of `copyLine`:
 * tab-separated, `\N` for NULL, backslash escapes): a streamed `COPY FROM STDIN` on a pooled
 * PostgreSQL connection (pg-copy-streams), or blobs of bounded size through PGlite's `/dev/blob`.
 * Lines are encoded into buffers of half a megabyte or more so each write carries many rows, and
 * the reader is held back only when more than a few buffers wait for the socket: parsing the next
 * rows goes on while the database takes the last ones, in bounded memory.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../kernel/db.js';

export interface CopyWriter {
  /** Appends COPY text lines (each ending in a newline); resolves when the buffer may take more. */
  write(line: string): Promise<void> | void;
  /** Flushes and finishes the COPY; the rows are then in the table. */
  end(): Promise<void>;
  /** Abandons the COPY (the staging table is dropped by the caller). */
  abort(): Promise<void>;
}

/** Size of the buffers COPY text is encoded into, and how full one gets before it is sent. */
const PG_CHUNK_BYTES = 1024 * 1024;
const PG_SEND_BYTES = 512 * 1024;
/** Bytes that may wait in the COPY stream and the socket before the reader waits for them to drain. */
export const PG_IN_FLIGHT_BYTES = 4 * 1024 * 1024;
/** Bound on a PGlite blob: the memory a load holds at once on the embedded database. */
export const PGLITE_BLOB_BYTES = 4 * 1024 * 1024;

/**
 * The UTF-8 bytes of `text`, written into a buffer of the largest size they can take (three bytes
 * per UTF-16 unit): one pass over the text, where `Buffer.from` makes two.
 */
function utf8(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length * 3);
  return out.subarray(0, out.write(text, 0, 'utf8'));
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Opens a COPY into `datasets.<table>` for `columns`, on whichever database `db` is. */
export async function openCopy(db: Db, table: string, columns: readonly string[]): Promise<CopyWriter> {
  const statement = `COPY datasets.${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (FORMAT text)`;
  if (db.pool) {
    const client = await db.pool.connect();
    const stream = client.query(copyFrom(statement, { highWaterMark: PG_IN_FLIGHT_BYTES }));
    let failure: Error | null = null;
    stream.on('error', (err: Error) => {
      failure = err;
    });
    // Lines are encoded as they come into a buffer sent once it holds PG_CHUNK_BYTES: the strings
    // die young (cheap to collect) and only bytes wait for the socket.
    let chunk = Buffer.allocUnsafe(PG_CHUNK_BYTES);
    let used = 0;
    let released = false;
    const release = (err?: Error) => {
      if (!released) {
        released = true;
        client.release(err);
      }
    };
    /** Hands the filled part of the buffer to the COPY stream; true when the stream may take more now. */
    const send = (): boolean => {
      if (used === 0) return true;
      const bytes = chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(PG_CHUNK_BYTES);
      used = 0;
      return stream.write(bytes);
    };
    return {
      async write(lines) {
        if (failure) throw failure;
        // At most three bytes per UTF-16 unit: make room first, or encode a very long text on its own.
        if (used + lines.length * 3 > chunk.length) {
          if (!send()) await once(stream, 'drain');
          if (lines.length * 3 > chunk.length) {
            if (!stream.write(utf8(lines))) await once(stream, 'drain');
            return;
          }
        }
        used += chunk.write(lines, used, 'utf8');
        if (used >= PG_SEND_BYTES && !send()) await once(stream, 'drain');
      },
      async end() {
        try {
          if (failure) throw failure;
          send();
          stream.end();
          await finished(stream);
          release();
        } catch (err) {
          release(err as Error);
          throw err;
        }
      },
      async abort() {
        used = 0;
        // Destroying the stream leaves the connection mid-COPY: hand it back broken so the pool discards it.
        stream.destroy();
        release(new Error('COPY aborted'));
      },
    };
  }
  const pglite = db.pglite;
  if (!pglite) throw new Error('no database engine for COPY');
  const blobStatement = statement.replace('FROM STDIN', "FROM '/dev/blob'");
  let parts: string[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const blob = new Blob(parts);
    parts = [];
    size = 0;
    await pglite.query(blobStatement, [], { blob });
  };
  return {
    async write(line) {
      parts.push(line);
      size += line.length;
      if (size >= PGLITE_BLOB_BYTES) await flush();
    },
    end: flush,
    async abort() {
      parts = [];
      size = 0;
    },
  };
}
