/** Kysely table types of the catalog module (migrations/0005). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: objects in, objects out (written as JSON text). */
type Json<T> = ColumnType<T, string, string>;

export type Attr = 'unconditional' | 'conditional' | 'none';
export type Grade = 'general' | 'important' | 'core';
export type VersionStatus = 'draft' | 'submitted' | 'returned' | 'published' | 'superseded';

/** One data item (数据项) of an entry. */
export interface CatalogField {
  name: string;
  label: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';
  required?: boolean;
  key?: boolean;
  /** The kind of personal information the column holds, if any (e.g. `id_number`, `phone`, `uscc`). */
  piiKind?: string | null;
  /** The column holds a commercial secret (商业秘密, 000 第十九条第三项). */
  commercialSecret?: boolean;
  /** Column handling grade; defaults to `important` for personal information (see rules). */
  sensitivity?: Grade;
  /** Why a personal-information column was graded below `important`. */
  downgradeReason?: string | null;
}

export interface CatalogEntriesTable {
  id: string;
  code: string;
  provider_org_id: string;
  region_code: string;
  seq: number;
  published_version: number | null;
  latest_version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CatalogVersionsTable {
  id: string;
  entry_id: string;
  version: number;
  status: VersionStatus;
  name: string;
  description: Generated<string>;
  format: string;
  fields: Json<CatalogField[]>;
  share_attr: Attr;
  share_conditions: Json<{ scope: string; usage: string } | null> | null;
  no_share_basis: string | null;
  open_attr: Attr;
  open_conditions: Json<Record<string, unknown> | null> | null;
  not_open_reason: string | null;
  open_safeguards: ColumnType<string[], string | undefined, string>;
  operation_attr: boolean;
  provision_methods: string[];
  usage_conditions: Generated<string>;
  update_frequency: string;
  category: string;
  grade: Grade;
  priority_areas: ColumnType<string[], string[] | undefined, string[]>;
  assessments: ColumnType<Record<string, unknown>, string | undefined, string>;
  change_note: string | null;
  update_case_id: string | null;
  /** tsvector; written with `to_tsvector('simple', …)` by search.ts, never read as a value. */
  search_doc: ColumnType<string | null, never, never>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_by: string | null;
  submitted_at: Timestamp | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  review_comment: string | null;
  published_at: Timestamp | null;
}

export interface CatalogReviewsTable {
  id: string;
  version_id: string;
  decision: 'approve' | 'return';
  comment: Generated<string>;
  user_id: string;
  org_id: string;
  at: Timestamp;
}

export interface CatalogUpdateCasesTable {
  id: string;
  entry_id: string;
  kind: 'law' | 'duties';
  description: string;
  status: 'open' | 'submitted' | 'done' | 'cancelled';
  version_id: string | null;
  opened_by: string | null;
  opened_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface CatalogReviewSeatsTable {
  seat: string;
  org_id: string;
}

export interface CatalogNegativeSignoffsTable {
  id: string;
  version_id: string;
  seat: string;
  decision: 'agree' | 'disagree';
  comment: Generated<string>;
  user_id: string;
  org_id: string;
  at: Timestamp;
}

export interface CatalogOperationItemsTable {
  id: string;
  entry_id: string;
  listed_by_org: string;
  via_sharing: boolean;
  status: 'awaiting_consent' | 'listed' | 'refused' | 'removed';
  consent_by: string | null;
  consent_at: Timestamp | null;
  consent_comment: string | null;
  note: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
  listed_at: Timestamp | null;
}

export interface CatalogRegistrationsTable {
  id: string;
  entry_id: string;
  operation_item_id: string;
  registration_code: string;
  query_code: string;
  version: number;
  registered_by: string | null;
  registered_at: Timestamp;
}

export interface CatalogTables {
  catalog_entries: CatalogEntriesTable;
  catalog_versions: CatalogVersionsTable;
  catalog_reviews: CatalogReviewsTable;
  catalog_update_cases: CatalogUpdateCasesTable;
  catalog_review_seats: CatalogReviewSeatsTable;
  catalog_negative_signoffs: CatalogNegativeSignoffsTable;
  catalog_operation_items: CatalogOperationItemsTable;
  catalog_registrations: CatalogRegistrationsTable;
}
