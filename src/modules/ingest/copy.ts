/**
 * Bulk writing into a staging dataset table with COPY (FORMAT csv): a streamed `COPY FROM STDIN`
 * on a pooled PostgreSQL connection (pg-copy-streams), or blobs of bounded size through PGlite's
 * `/dev/blob`. Lines are buffered into chunks so each write carries many rows.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../kernel/db.js';

export interface CopyWriter {
  /** Appends one CSV line (ending in a newline); resolves when the buffer may take more. */
  write(line: string): Promise<void> | void;
  /** Flushes and finishes the COPY; the rows are then in the table. */
  end(): Promise<void>;
  /** Abandons the COPY (the staging table is dropped by the caller). */
  abort(): Promise<void>;
}

const PG_CHUNK = 256 * 1024;
/** Bound on a PGlite blob: the memory a load holds at once on the embedded database. */
export const PGLITE_BLOB_BYTES = 4 * 1024 * 1024;

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Opens a COPY into `datasets.<table>` for `columns`, on whichever database `db` is. */
export async function openCopy(db: Db, table: string, columns: readonly string[]): Promise<CopyWriter> {
  const statement = `COPY datasets.${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  if (db.pool) {
    const client = await db.pool.connect();
    const stream = client.query(copyFrom(statement));
    let failure: Error | null = null;
    stream.on('error', (err: Error) => {
      failure = err;
    });
    let buf = '';
    let released = false;
    const release = (err?: Error) => {
      if (!released) {
        released = true;
        client.release(err);
      }
    };
    return {
      async write(line) {
        buf += line;
        if (buf.length < PG_CHUNK) return;
        if (failure) throw failure;
        const ok = stream.write(buf);
        buf = '';
        if (!ok) await once(stream, 'drain');
      },
      async end() {
        try {
          if (failure) throw failure;
          if (buf) stream.write(buf);
          buf = '';
          stream.end();
          await finished(stream);
          release();
        } catch (err) {
          release(err as Error);
          throw err;
        }
      },
      async abort() {
        buf = '';
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
