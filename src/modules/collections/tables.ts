/** Kysely table types of the collections module (migrations/0011). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** 基础数据库 (base) or 主题数据库 (theme), 000 第十条. */
export type CollectionKind = 'base' | 'theme';

export interface CollectionsTable {
  id: string;
  seq: Generated<number>;
  code: string;
  kind: CollectionKind;
  name: string;
  description: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CollectionLeadsTable {
  collection_id: string;
  org_id: string;
}

export interface CollectionMembersTable {
  collection_id: string;
  entry_id: string;
  added_at: Timestamp;
  added_by: string | null;
}

export interface CollectionSourceUpdatesTable {
  id: string;
  entry_id: string;
  updated_at: Timestamp;
  note: string | null;
  declared_by: string;
  declared_org: string;
  declared_at: Timestamp;
  met_load_id: string | null;
  met_at: Timestamp | null;
}

export interface CollectionTables {
  collections: CollectionsTable;
  collection_leads: CollectionLeadsTable;
  collection_members: CollectionMembersTable;
  collection_source_updates: CollectionSourceUpdatesTable;
}
