/**
 * Group commit for audit appends. A use case that writes only its audit event and a few rows of
 * its own (a data read: its usage row and its `delivery.read` event) hands them to the appender
 * of its database instead of opening a transaction of its own. The appender writes everything
 * handed to it while its previous commit ran in ONE transaction: the chain head locked once, the
 * callers' rows and the events each inserted by one multi-row statement, every event chained to
 * the one before it in the order the callers came, the SM2 checkpoints `audit()` would write at
 * multiples of `auditCheckpointEvery`, the head moved once. Only when that transaction has
 * committed does each caller's promise resolve (with its event's sequence number); if it fails,
 * every caller of the batch is rejected with the error and nothing of the batch is written.
 *
 * No timers: the first caller finds the appender idle and commits alone; callers that come while
 * a commit runs wait for the next one, which takes all of them. Under one caller at a time this
 * is one transaction per event as before; under many, one head lock and one commit serve many
 * events. Other processes (and `audit()` in other use cases) take the same head row lock, so the
 * chain stays one order with no gaps whoever writes to it.
 *
 * Never call it from inside an open transaction: the batch runs on a connection of its own (on
 * PGlite, the only one, which the caller's transaction would hold), and a caller holding the head
 * lock through `audit()` would wait for itself.
 */
import { CompiledQuery, type Insertable } from 'kysely';
import type { Database } from '../database.js';
import { checkpointRow, eventHash, eventOf, type AuditInput } from './audit.js';
import type { Actor, Kernel } from './context.js';
import type { Db, Trx } from './db.js';

/** A row of the caller's own use case, written in the batch's transaction. */
export type OwnRow = { [T in keyof Database]: { into: T; values: Insertable<Database[T]> } }[keyof Database];

export interface AuditedAppend {
  actor: Actor;
  input: AuditInput;
  /** Rows the use case writes with its event: committed with it, or not at all. */
  rows?: readonly OwnRow[];
}

/** Counters of one database's appender, for benchmarks and the operator. */
export interface AuditBatchStats {
  batches: number;
  events: number;
  largest: number;
  failed: number;
}

/** At most this many events in one transaction (bounds the statement's parameters: 12 per event). */
export const MAX_BATCH = 500;

type AppenderKernel = Pick<Kernel, 'db' | 'clock' | 'crypto' | 'config'>;

interface Pending {
  req: AuditedAppend;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

class Appender {
  private queue: Pending[] = [];
  private busy = false;
  readonly stats: AuditBatchStats = { batches: 0, events: 0, largest: 0, failed: 0 };

  constructor(private readonly k: AppenderKernel) {}

  append(req: AuditedAppend): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  /** Commits batches until nobody waits. The first batch is taken at once, in the caller's tick. */
  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const seqs = await this.k.db.kysely.transaction().execute((trx) => writeBatch(this.k, trx, batch.map((p) => p.req)));
          this.stats.batches++;
          this.stats.events += batch.length;
          this.stats.largest = Math.max(this.stats.largest, batch.length);
          batch.forEach((p, i) => p.resolve(seqs[i] as number));
        } catch (err) {
          this.stats.failed++;
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

/** The chain head, locked until the batch's transaction ends. */
const LOCK_HEAD = CompiledQuery.raw('SELECT seq, hash FROM audit_head FOR UPDATE', []);

/**
 * The batch's events, its checkpoints and the new head in one statement: the rows as one JSON
 * parameter each (fixed text, whatever the batch's size), the head moved once.
 */
const APPEND_SQL = `WITH ev AS (
  INSERT INTO audit_events (seq, at, actor_user_id, actor_org_id, action, object_type, object_id, purpose, grant_id, details, prev_hash, hash)
  SELECT seq, at, actor_user_id, actor_org_id, action, object_type, object_id, purpose, grant_id, details, prev_hash, hash
    FROM json_populate_recordset(NULL::audit_events, $1::json) ORDER BY seq
), cp AS (
  INSERT INTO audit_checkpoints (seq, hash, at, key_id, public_key, signature)
  SELECT seq, hash, at, key_id, public_key, signature FROM json_populate_recordset(NULL::audit_checkpoints, $2::json)
  ON CONFLICT (seq) DO NOTHING
)
UPDATE audit_head SET seq = $3, hash = $4`;

/** Writes a batch inside `trx`: the callers' rows, their events chained in order, checkpoints, the head. */
async function writeBatch(k: Pick<Kernel, 'clock' | 'crypto' | 'config'>, trx: Trx, reqs: readonly AuditedAppend[]): Promise<number[]> {
  const head = (await trx.executeQuery<{ seq: number | string; hash: string }>(LOCK_HEAD)).rows[0];
  if (!head) throw new Error('audit_head has no row');

  const byTable = new Map<keyof Database, unknown[]>();
  for (const r of reqs) {
    for (const row of r.rows ?? []) {
      const list = byTable.get(row.into);
      if (list) list.push(row.values);
      else byTable.set(row.into, [row.values]);
    }
  }
  for (const [table, values] of byTable) await trx.insertInto(table).values(values as never).execute();

  const at = k.clock.now();
  let prev = head.hash;
  let seq = Number(head.seq);
  const seqs: number[] = [];
  const events: unknown[] = [];
  const checkpoints: unknown[] = [];
  for (const r of reqs) {
    seq++;
    const event = eventOf(seq, at, r.actor, r.input);
    const hash = eventHash(prev, event);
    events.push({ ...event, prev_hash: prev, hash });
    if (seq % k.config.auditCheckpointEvery === 0) checkpoints.push(checkpointRow(k.crypto, seq, hash, at));
    seqs.push(seq);
    prev = hash;
  }
  await trx.executeQuery(CompiledQuery.raw(APPEND_SQL, [JSON.stringify(events), JSON.stringify(checkpoints), seq, prev]));
  return seqs;
}

const appenders = new WeakMap<Db, Appender>();

function appenderOf(k: AppenderKernel): Appender {
  let a = appenders.get(k.db);
  if (!a) {
    a = new Appender(k);
    appenders.set(k.db, a);
  }
  return a;
}

/**
 * Appends an audit event, with the use case's own rows, through the group commit of `k.db`.
 * Resolves with the event's sequence number once the batch holding it has committed; rejects,
 * with nothing written, if that batch fails. Not inside a transaction (see above).
 */
export function appendAudited(k: AppenderKernel, req: AuditedAppend): Promise<number> {
  return appenderOf(k).append(req);
}

/** The appender's counters for `db` (zeros before its first append). */
export function auditBatchStats(db: Db): AuditBatchStats {
  return { ...(appenders.get(db)?.stats ?? { batches: 0, events: 0, largest: 0, failed: 0 }) };
}
