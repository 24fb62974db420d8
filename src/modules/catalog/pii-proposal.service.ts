/**
 * The PII proposal of a catalog entry (000 第六条: the catalog declares which data items hold
 * personal information): a sample of each field of the entry's live data version is run through
 * the privacy detectors, and each field gets the kind most of its values are, the share that
 * matched and the kind the catalog declares now. Only the providing institution and the platform
 * administrator may ask; the sampling reads the data, so it is audited.
 */
import { audit } from '../../kernel/audit.js';
import { actorOf, isPlatformAdmin, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { beijingDate } from '../../kernel/clock.js';
import type { Kernel } from '../../kernel/context.js';
import { notFound } from '../../kernel/errors.js';
import { liveDataVersion, sampleColumn } from '../ingest/sample.js';
import { loadRegionIndex } from '../privacy/detect.service.js';
import { proposeKind, type KindProposal } from '../privacy/propose.js';
import type { CatalogField } from './tables.js';
import * as repo from './repo.js';

/** Values sampled per field by default, and at most. */
export const PII_SAMPLE_DEFAULT = 1000;
export const PII_SAMPLE_MAX = 1000;

export const PII_PROPOSAL_NEEDS = '目录提供单位的用户或平台管理员';

export interface FieldPiiProposal extends KindProposal {
  name: string;
  label: string;
  type: CatalogField['type'];
  /** The kind the entry's latest catalog version declares (null: none). */
  currentKind: string | null;
  /** The field is not in the live data version (added to the catalog since the last load). */
  notLoaded: boolean;
}

export interface PiiProposal {
  entryId: string;
  /** The catalog version whose fields are proposed for (the latest, the one being edited). */
  catalogVersion: number;
  /** The data version sampled; null when no data has been loaded. */
  dataVersion: { versionNo: number; rows: number } | null;
  sampleSize: number;
  fields: FieldPiiProposal[];
}

/** Proposes each field's kind of personal information from a sample of the entry's live data. */
export async function proposePiiKinds(k: Kernel, auth: AuthContext, entryId: string, opts: { sample?: number | undefined } = {}): Promise<PiiProposal> {
  const entry = await repo.findEntry(k.db.kysely, entryId);
  if (!entry) throw notFound('目录', entryId);
  requirePermission(auth.org.id === entry.provider_org_id || isPlatformAdmin(auth), PII_PROPOSAL_NEEDS);
  const sampleSize = Math.min(Math.max(1, opts.sample ?? PII_SAMPLE_DEFAULT), PII_SAMPLE_MAX);
  const version = await repo.findVersion(k.db.kysely, entryId, entry.latest_version);
  if (!version) throw notFound('目录版本', String(entry.latest_version));
  const fields = version.fields;
  const hint = { regions: await loadRegionIndex(k.db.kysely), today: beijingDate(k.clock.now()) };

  return k.db.kysely.transaction().execute(async (trx) => {
    const live = await liveDataVersion(trx, entryId);
    const loadedFields = live ? ((await repo.findVersion(trx, entryId, live.catalogVersion))?.fields ?? []) : [];
    const loaded = new Set(loadedFields.map((f) => f.name));
    const out: FieldPiiProposal[] = [];
    for (const f of fields) {
      const inData = live !== null && loaded.has(f.name);
      const values = inData ? await sampleColumn(trx, live.tableName, f.name, sampleSize) : [];
      out.push({ name: f.name, label: f.label, type: f.type, currentKind: f.piiKind?.trim() || null, notLoaded: live !== null && !inData, ...proposeKind(values, { ...hint, label: f.label }) });
    }
    if (live) {
      await audit(k, trx, actorOf(auth), {
        action: 'catalog.pii_proposal',
        objectType: 'catalog_entry',
        objectId: entryId,
        details: { dataVersion: live.versionNo, sampleSize, fields: out.filter((f) => f.sampled > 0).map((f) => ({ name: f.name, sampled: f.sampled, proposed: f.kind })) },
      });
    }
    return { entryId, catalogVersion: version.version, dataVersion: live ? { versionNo: live.versionNo, rows: live.rows } : null, sampleSize, fields: out };
  });
}
