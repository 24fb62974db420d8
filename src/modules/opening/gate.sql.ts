/**
 * The generalisations of privacy/anonymity.ts in SQL, over a column of a dataset table: the gate
 * counts classes and the open data plane reads rows with the same expressions, so what was checked
 * is what is served. (A pseudonym is keyed HMAC-SM3, which SQL cannot compute: a pseudonymised
 * column is read as it is and replaced before it leaves; it is one-to-one with its value, so its
 * classes are the same.)
 */
import { sql, type RawBuilder } from 'kysely';
import { quoteIdent } from '../ingest/copy.js';
import type { Generalisation } from '../privacy/anonymity.js';
import type { GateField, Treatment } from './gate.rules.js';

export const colRef = (name: string): RawBuilder<unknown> => sql.raw(quoteIdent(name));

/** A date or date-time column as Beijing-time text in `fmt` (date-times shifted, Beijing keeps no daylight saving). */
function dateText(c: RawBuilder<unknown>, type: GateField['type'], fmt: 'YYYY-MM' | 'YYYY'): RawBuilder<unknown> {
  if (type === 'date') return sql`to_char(${c}, ${sql.lit(fmt)})`;
  if (type === 'datetime') return sql`to_char((${c} AT TIME ZONE 'UTC') + interval '8 hours', ${sql.lit(fmt)})`;
  // Text: a leading YYYY-MM(-DD…); other text is not read.
  return sql`CASE WHEN ${c} ~ '^[0-9]{4}-[0-9]{2}' THEN left(${c}, ${sql.lit(fmt.length)}) END`;
}

const ID_SQL = `'^([0-9]{17}[0-9Xx]|[0-9]{15})$'`;

/** The SQL text of a generalised column (null stays null). */
export function generaliseSql(g: Generalisation, c: RawBuilder<unknown>, type: GateField['type']): RawBuilder<unknown> {
  switch (g.kind) {
    case 'month':
      return dateText(c, type, 'YYYY-MM');
    case 'year':
      return dateText(c, type, 'YYYY');
    case 'band': {
      const w = sql.lit(g.width);
      return sql`(floor(${c}::numeric / ${w}) * ${w})::bigint::text || '-' || ((floor(${c}::numeric / ${w}) * ${w})::bigint + ${sql.lit(g.width - 1)})::text`;
    }
    case 'city':
      return sql`CASE WHEN ${c} ~ '^[0-9]{6}$' THEN left(${c}, 4) || '00' END`;
    case 'province':
      return sql`CASE WHEN ${c} ~ '^[0-9]{6}$' THEN left(${c}, 2) || '0000' END`;
    case 'birth_year':
      return sql`CASE WHEN ${c} ~ '^[0-9]{17}[0-9Xx]$' THEN substr(${c}, 7, 4) WHEN ${c} ~ '^[0-9]{15}$' THEN '19' || substr(${c}, 7, 2) END`;
    case 'id_region':
      return sql`CASE WHEN ${c} ~ ${sql.raw(ID_SQL)} THEN rpad(left(${c}, ${sql.lit(g.digits)}), 6, '0') END`;
    case 'truncate':
      return type === 'datetime'
        ? sql`left(to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), ${sql.lit(g.length)})`
        : sql`left(${c}::text, ${sql.lit(g.length)})`;
    case 'suppress':
      return sql`CASE WHEN ${c} IS NULL THEN NULL ELSE '*' END`;
  }
}

/** A column under its treatment, as a value expression (a pseudonymised or kept column as it is). */
export function treatedSql(name: string, type: GateField['type'], t: Treatment): RawBuilder<unknown> {
  const c = colRef(name);
  return t.kind === 'generalise' ? generaliseSql(t.how, c, type) : c;
}
