/**
 * PII detection as a service (002 第十一条): the kind of each value a caller sends, and the region
 * index the detectors check region codes and address prefixes against.
 *
 * Not audited: a call reads no platform data and changes nothing — the values are the caller's
 * own, and nothing of them is kept. An audit event would only copy the caller's personal
 * information into a log kept five years (004 第三十九条) without recording any access to data
 * the platform holds. Scans of platform data (the catalog's PII proposal, the sandbox's release
 * scan) are audited where they read it.
 */
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import { AppError } from '../../kernel/errors.js';
import type { AuthContext } from '../../kernel/auth.js';
import { beijingDate } from '../../kernel/clock.js';
import { DETECTED_KIND_LABELS, detect, regionIndex, type RegionIndex } from './detectors.js';
import { DETECT_MAX_VALUES, type DetectBody, type DetectResult } from './detect.schema.js';

/** How long a region index is reused before the `regions` table is read again. */
const REGION_INDEX_TTL_MS = 60_000;
const regionCache = new WeakMap<Executor, { at: number; index: RegionIndex }>();

/** The known regions (GB/T 2260, table `regions`) indexed for the detectors; re-read at most once a minute. */
export async function loadRegionIndex(db: Executor): Promise<RegionIndex> {
  const hit = regionCache.get(db);
  if (hit && Date.now() - hit.at < REGION_INDEX_TTL_MS) return hit.index;
  const rows = await db.selectFrom('regions').select(['code', 'name']).execute();
  const index = regionIndex(rows);
  regionCache.set(db, { at: Date.now(), index });
  return index;
}

/**
 * The kind of each value (signed-in users). The values are not echoed back: each result carries
 * the value's index. At most `DETECT_MAX_VALUES` values per call.
 */
export async function detectValues(k: Kernel, _auth: AuthContext, body: DetectBody): Promise<{ results: DetectResult[] }> {
  if (body.values.length > DETECT_MAX_VALUES) {
    throw new AppError('RULE_VIOLATION', `一次至多识别 ${DETECT_MAX_VALUES} 个值，本次 ${body.values.length} 个；请分批提交`, {
      fields: [{ field: 'values', message: `至多 ${DETECT_MAX_VALUES} 个` }],
    });
  }
  const hint = { label: body.label?.trim() || undefined, regions: await loadRegionIndex(k.db.kysely), today: beijingDate(k.clock.now()) };
  return {
    results: body.values.map((v, index) => {
      const d = detect(v, hint);
      return d
        ? { index, kind: d.kind, kindLabel: DETECTED_KIND_LABELS[d.kind], confidence: d.confidence, reason: d.reason }
        : { index, kind: null, kindLabel: null, confidence: null, reason: null };
    }),
  };
}
