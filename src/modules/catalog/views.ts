/**
 * What the catalog API returns. One shape for an entry at one version, used by every route of
 * the module and by the web app (web/src/api).
 */
import type { Selectable } from 'kysely';
import type { CatalogEntriesTable, CatalogField, CatalogVersionsTable } from './tables.js';

export interface EntryView {
  id: string;
  code: string;
  provider: { id: string; name: string };
  regionCode: string;
  /** This version's number and status; `publishedVersion` is the one in force, if any. */
  version: number;
  versionId: string;
  status: CatalogVersionsTable['status'];
  publishedVersion: number | null;
  latestVersion: number;
  name: string;
  description: string;
  format: string;
  fields: CatalogField[];
  shareAttr: CatalogVersionsTable['share_attr'];
  shareConditions: { scope: string; usage: string } | null;
  noShareBasis: string | null;
  openAttr: CatalogVersionsTable['open_attr'];
  openConditions: Record<string, unknown> | null;
  notOpenReason: string | null;
  openSafeguards: string[];
  operationAttr: boolean;
  provisionMethods: string[];
  usageConditions: string;
  updateFrequency: string;
  category: string;
  grade: CatalogVersionsTable['grade'];
  priorityAreas: string[];
  assessments: Record<string, unknown>;
  changeNote: string | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  publishedAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function entryView(e: Selectable<CatalogEntriesTable>, v: Selectable<CatalogVersionsTable>, provider: { id: string; name: string }): EntryView {
  return {
    id: e.id,
    code: e.code,
    provider,
    regionCode: e.region_code,
    version: v.version,
    versionId: v.id,
    status: v.status,
    publishedVersion: e.published_version,
    latestVersion: e.latest_version,
    name: v.name,
    description: v.description,
    format: v.format,
    fields: v.fields,
    shareAttr: v.share_attr,
    shareConditions: v.share_conditions ?? null,
    noShareBasis: v.no_share_basis,
    openAttr: v.open_attr,
    openConditions: v.open_conditions ?? null,
    notOpenReason: v.not_open_reason,
    openSafeguards: v.open_safeguards,
    operationAttr: v.operation_attr,
    provisionMethods: v.provision_methods,
    usageConditions: v.usage_conditions,
    updateFrequency: v.update_frequency,
    category: v.category,
    grade: v.grade,
    priorityAreas: v.priority_areas,
    assessments: v.assessments,
    changeNote: v.change_note,
    createdAt: iso(v.created_at)!,
    updatedAt: iso(v.updated_at)!,
    submittedAt: iso(v.submitted_at),
    reviewedAt: iso(v.reviewed_at),
    reviewComment: v.review_comment,
    publishedAt: iso(v.published_at),
  };
}
