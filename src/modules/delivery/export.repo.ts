/**
 * Queries of batch export: its own tables (delivery_exports, delivery_export_canaries) and the
 * row count of an export's selection in the live version's table `datasets.l_<load id>`.
 */
import { sql, type Insertable, type RawBuilder, type Updateable } from 'kysely';
import type { Executor, Trx } from '../../kernel/db.js';
import { quoteIdent } from '../ingest/copy.js';
import { SQL_TYPES } from '../ingest/validators.js';
import { OP_SQL, type Condition, type FieldType, type Scalar } from './rules.js';
import type { DeliveryExportCanariesTable, DeliveryExportsTable } from './export.tables.js';

export async function insertExport(trx: Trx, row: Insertable<DeliveryExportsTable>): Promise<void> {
  await trx.insertInto('delivery_exports').values(row).execute();
}

export async function updateExport(db: Executor, id: string, set: Updateable<DeliveryExportsTable>): Promise<void> {
  await db.updateTable('delivery_exports').set(set).where('id', '=', id).execute();
}

/** An export with its entry code and the names of its two orgs. */
function exportsQuery(db: Executor) {
  return db
    .selectFrom('delivery_exports as x')
    .innerJoin('catalog_entries as e', 'e.id', 'x.entry_id')
    .innerJoin('orgs as so', 'so.id', 'x.subject_org_id')
    .innerJoin('orgs as po', 'po.id', 'x.provider_org_id')
    .selectAll('x')
    .select(['e.code as entry_code', 'so.name as subject_name', 'po.name as provider_name']);
}
export type ExportRow = Awaited<ReturnType<typeof findExport>> & object;

export function findExport(db: Executor, id: string) {
  return exportsQuery(db).where('x.id', '=', id).executeTakeFirst();
}

/** A grant's exports, newest first. */
export function exportsOfGrant(db: Executor, grantId: string, limit = 50) {
  return exportsQuery(db).where('x.grant_id', '=', grantId).orderBy('x.created_at', 'desc').limit(limit).execute();
}

/** Whether the grant had an export ready before this one. */
export async function hadReadyExport(db: Executor, grantId: string, exceptId: string): Promise<boolean> {
  const r = await db.selectFrom('delivery_exports').select('id').where('grant_id', '=', grantId).where('status', '=', 'ready').where('id', '!=', exceptId).limit(1).executeTakeFirst();
  return r !== undefined;
}

export async function insertCanaries(trx: Trx, rows: Insertable<DeliveryExportCanariesTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('delivery_export_canaries').values(rows).execute();
}

/** The canaries among `fingerprints`, with their export. */
export function canariesByFingerprint(db: Executor, fingerprints: readonly string[]) {
  if (fingerprints.length === 0) return Promise.resolve([]);
  return db.selectFrom('delivery_export_canaries').select(['export_id', 'ordinal', 'fingerprint']).where('fingerprint', 'in', [...fingerprints]).execute();
}

const col = (name: string) => sql.raw(quoteIdent(name));
const typed = (v: Scalar, type: FieldType) => sql`${v}::${sql.raw(SQL_TYPES[type])}`;

/** One condition as SQL, every value a bound parameter cast to the column's type (as the service API reads). */
function conditionSql(c: Condition, type: FieldType): RawBuilder<unknown> {
  if (c.op === 'in') return sql`${col(c.field)} IN (${sql.join(c.values.map((v) => typed(v, type)))})`;
  const v = c.values[0];
  if (v === undefined) throw new Error(`condition on ${c.field} without a value`);
  return sql`${col(c.field)} ${sql.raw(OP_SQL[c.op])} ${typed(v, type)}`;
}

/** How many rows of a version table meet all the conditions. */
export async function countRows(db: Executor, table: string, conditions: readonly Condition[], types: ReadonlyMap<string, FieldType>): Promise<number> {
  const where = conditions.map((c) => conditionSql(c, types.get(c.field) ?? 'string'));
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.raw(`datasets.${quoteIdent(table)}`)}
    ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
