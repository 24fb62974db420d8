/** Kysely table types of the open data portal's own tables (migrations/0019). */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type UsageKind = 'download' | 'api';
/** download: the file format; api: `rows` (the open data API) or `ckan` (datastore_search). */
export type UsageFormat = 'csv' | 'xlsx' | 'json' | 'rows' | 'ckan';

export interface OpenUsageTable {
  entry_id: string;
  /** The Beijing day, `YYYY-MM-DD`. */
  day: ColumnType<string, string, string>;
  kind: UsageKind;
  format: UsageFormat;
  count: ColumnType<number, number | undefined, number>;
  rows: ColumnType<number, number | undefined, number>;
}

/** An entry's usage of all time (migrations/0026), kept by a trigger on open_usage. */
export interface OpenUsageTotalsTable {
  entry_id: string;
  downloads: ColumnType<number, number | undefined, number>;
  api_calls: ColumnType<number, number | undefined, number>;
}

export interface OpenFeaturedTable {
  entry_id: string;
  position: ColumnType<number, number | undefined, number>;
  featured_by: string | null;
  featured_at: Timestamp;
}

export interface OpeningTables {
  open_usage: OpenUsageTable;
  open_usage_totals: OpenUsageTotalsTable;
  open_featured: OpenFeaturedTable;
}
