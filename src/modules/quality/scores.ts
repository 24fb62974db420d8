/**
 * Quality scores of a load (000 第四十一条: 及时、完整、准确), computed with SQL over the live
 * dataset table inside the load's transaction. The ingest module calls `scoreLoad` after the new
 * dataset version is live; a dimension that cannot be measured honestly is stored as null.
 */
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { audit } from '../../kernel/audit.js';
import { beijingDate } from '../../kernel/clock.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import type { CatalogField } from '../catalog/tables.js';
import {
  completeness,
  completenessFields,
  consistency,
  overall,
  round4,
  tableIdentifiers,
  timeliness,
  uniqueness,
  usccFields,
  validity,
  type Scores,
} from './rules.js';
import * as repo from './repo.js';

export interface LoadToScore {
  entryId: string;
  loadId: string;
  versionNo: number;
  /** The live dataset table, schema-qualified, e.g. `datasets.e_1a2b_v3`; its columns are the field names. */
  tableName: string;
  fields: CatalogField[];
  keyFields: string[];
  /** The table has a unique index on the key: every key tuple occurs once (no need to count them). */
  keysUnique?: boolean;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
}

const num = (v: unknown) => Number(v ?? 0);

/** A quoted `schema.table` reference. */
function tableRef(tableName: string): RawBuilder<unknown> {
  const [schema, table] = tableIdentifiers(tableName);
  return sql.id(schema, table);
}

/** A cell counted as filled: not null, and for text not blank. */
const filled = (f: CatalogField) => (f.type === 'string' ? sql`count(nullif(btrim(${sql.id(f.name)}::text), ''))` : sql`count(${sql.id(f.name)})`);

/**
 * Scores one load and stores the row in `quality_scores`, audited as `quality.score`, in the
 * load's transaction `trx`.
 */
export async function scoreLoad(k: Kernel, trx: Trx, load: LoadToScore): Promise<void> {
  const t = tableRef(load.tableName);
  const now = k.clock.now();

  // Completeness: filled cells of the required fields (or all fields) over all their cells.
  const measured = completenessFields(load.fields);
  const counts = measured.length
    ? sql.join(
        measured.map((f, i) => sql`${filled(f)} AS ${sql.id(`c${i}`)}`),
        sql`, `,
      )
    : sql`0 AS c0`;
  const c = await sql<Record<string, unknown>>`SELECT count(*) AS n, ${counts} FROM ${t}`.execute(trx);
  const row = c.rows[0] ?? {};
  const rows = num(row.n);
  const filledCells = measured.reduce((s, _f, i) => s + num(row[`c${i}`]), 0);

  // Uniqueness of the key: distinct key tuples over rows (all of them, when a unique index holds).
  let distinctKeys = 0;
  if (load.keysUnique) distinctKeys = rows;
  else if (load.keyFields.length > 0) {
    const keys = sql.join(load.keyFields.map((n) => sql.id(n)));
    const u = await sql<{ n: unknown }>`SELECT count(*) AS n FROM (SELECT DISTINCT ${keys} FROM ${t}) AS k`.execute(trx);
    distinctKeys = num(u.rows[0]?.n);
  }

  // Consistency: credit codes found in the registered legal-person base data (its live table).
  const cons = await consistencyCheck(trx, load, t);

  // Timeliness: the gap since the entry's previous scored load against its update frequency.
  const entry = await repo.findPublishedEntry(trx, load.entryId);
  const previous = await repo.previousScore(trx, load.entryId, now);
  const freq = entry?.update_frequency ?? 'irregular';

  const scores: Scores = {
    completeness: round4(completeness(filledCells, rows, measured.length)),
    validity: round4(validity(load.rowsAccepted, load.rowsTotal)),
    uniqueness: round4(uniqueness(distinctKeys, rows, load.keyFields.length > 0)),
    consistency: round4(cons ? consistency(cons.found, cons.checked) : null),
    timeliness: round4(timeliness(freq, previous ? beijingDate(previous.at) : null, beijingDate(now))),
  };
  const total = overall(scores);
  const details = {
    rows,
    rowsTotal: load.rowsTotal,
    rowsAccepted: load.rowsAccepted,
    rowsRejected: load.rowsRejected,
    completenessFields: measured.map((f) => f.name),
    filledCells,
    keyFields: load.keyFields,
    distinctKeys,
    consistency: cons,
    updateFrequency: freq,
    previousAt: previous?.at.toISOString() ?? null,
  };
  await repo.insertScore(trx, {
    id: randomUUID(),
    entry_id: load.entryId,
    load_id: load.loadId,
    version_no: load.versionNo,
    table_name: load.tableName,
    at: now,
    rows_total: load.rowsTotal,
    ...scores,
    overall: total,
    details: JSON.stringify(details),
  });
  await audit(k, trx, SYSTEM_ACTOR, {
    action: 'quality.score',
    objectType: 'catalog_entry',
    objectId: load.entryId,
    details: { loadId: load.loadId, versionNo: load.versionNo, ...scores, overall: total },
  });
}

/**
 * Counts the non-blank credit-code values of the load and those found in the reference column.
 * Null — not measured — when the entry has no such field, no reference is registered, the entry
 * is the reference itself, or the reference has no live table yet.
 */
async function consistencyCheck(trx: Trx, load: LoadToScore, t: RawBuilder<unknown>): Promise<{ checked: number; found: number; reference: { entryId: string; field: string } } | null> {
  const refFields = usccFields(load.fields);
  if (refFields.length === 0) return null;
  const ref = await repo.findReference(trx, 'uscc');
  if (!ref || ref.entry_id === load.entryId) return null;
  const refLoad = await trx
    .selectFrom('quality_scores')
    .select('table_name')
    .where('entry_id', '=', ref.entry_id)
    .orderBy('at', 'desc')
    .orderBy('version_no', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!refLoad) return null;
  const exists = await sql<{ r: string | null }>`SELECT to_regclass(${refLoad.table_name})::text AS r`.execute(trx);
  if (!exists.rows[0]?.r) return null;
  const rt = tableRef(refLoad.table_name);
  let checked = 0;
  let found = 0;
  for (const f of refFields) {
    const col = sql.id(f.name);
    const r = await sql<{ checked: unknown; found: unknown }>`
      SELECT count(*) AS checked,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${rt} AS r WHERE r.${sql.id(ref.field)}::text = d.${col}::text)) AS found
        FROM ${t} AS d
       WHERE nullif(btrim(d.${col}::text), '') IS NOT NULL`.execute(trx);
    checked += num(r.rows[0]?.checked);
    found += num(r.rows[0]?.found);
  }
  return { checked, found, reference: { entryId: ref.entry_id, field: ref.field } };
}
