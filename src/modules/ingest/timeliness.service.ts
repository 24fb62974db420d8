/**
 * Timeliness on the deadline ledger (及时, 000 第八条): each published entry with a periodic update
 * frequency owes its next load by a due date. A committed load meets the open duty and opens the
 * next one; the `ingest.timeliness` job opens the first duty of entries that have none (counted
 * from publication, or from their last load) and cancels duties of entries that no longer have a
 * period. The kernel's `deadlines.sweep` marks missed duties overdue and notifies the provider and
 * the platform operator.
 */
import { sql } from 'kysely';
import { cancelDuty, meetDuty, openDuty } from '../../kernel/deadlines.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { meetSourceUpdates } from '../collections/source-updates.service.js';
import type { CommittedLoad } from './hooks.js';
import * as repo from './repo.js';
import { ART_TIMELY, loadPeriodDays, TIMELINESS_CASE, TIMELINESS_DUTY, timelinessTitle } from './timeliness.js';

export const entryLink = (entryId: string) => `/catalog/entries/${entryId}`;

/**
 * The platform operator (省大数据建设运营机构) that runs the 省大数据公共服务平台 data is aggregated to:
 * it supervises aggregation duties. The province's own first.
 */
export async function platformOperatorOrg(db: Executor, provinceCode: string): Promise<string | null> {
  const o = await db
    .selectFrom('orgs')
    .select('id')
    .where(sql<boolean>`'platform_admin' = ANY(roles)`)
    .orderBy(sql`region_code = ${provinceCode}`, 'desc')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return o?.id ?? null;
}

interface TimedEntry {
  id: string;
  provider_org_id: string;
  name: string;
  update_frequency: string;
}

/** The entry at its published version; undefined when unpublished. */
function publishedEntry(db: Executor, entryId: string): Promise<TimedEntry | undefined> {
  return db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.provider_org_id', 'v.name', 'v.update_frequency'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
}

/** Opens the entry's "next load due" duty counted from `from`; nothing for an irregular frequency. */
async function openNextLoad(k: Kernel, trx: Trx, e: TimedEntry, from: Date): Promise<boolean> {
  const days = loadPeriodDays(e.update_frequency);
  if (days === null) return false;
  await openDuty(k, trx, {
    caseType: TIMELINESS_CASE,
    caseId: e.id,
    duty: TIMELINESS_DUTY,
    title: timelinessTitle(e.name, e.update_frequency),
    ownerOrgId: e.provider_org_id,
    supervisorOrgId: await platformOperatorOrg(trx, k.profile.region.code),
    link: entryLink(e.id),
    source: ART_TIMELY,
    workingDays: null,
    calendarDays: days,
    startedAt: from,
  });
  return true;
}

/**
 * In the commit transaction of a load: meets the entry's open "next load due" duty, opens the
 * next one (due = load time + the frequency's period, Beijing calendar days), and meets the
 * declared changes at the source that this load aggregates (000 第十条).
 */
export async function onLoadTimeliness(k: Kernel, trx: Trx, load: Pick<CommittedLoad, 'entryId' | 'loadId' | 'at'>): Promise<void> {
  await meetDuty(k, trx, TIMELINESS_CASE, load.entryId, TIMELINESS_DUTY);
  const e = await publishedEntry(trx, load.entryId);
  if (e) await openNextLoad(k, trx, e, load.at);
  await meetSourceUpdates(k, trx, load.entryId, load.loadId, load.at);
}

/**
 * The `ingest.timeliness` job: opens the first duty of each published periodic entry that has
 * none open (counted from its last committed load, or its publication when never loaded), and
 * cancels open duties of entries that became irregular or unpublished. Idempotent.
 */
export async function openMissingTimelinessDuties(k: Kernel, trx: Trx): Promise<{ opened: number; cancelled: number }> {
  const open = sql<boolean>`EXISTS (SELECT 1 FROM duties d WHERE d.case_type = ${TIMELINESS_CASE} AND d.case_id = e.id::text AND d.status = 'open')`;
  const candidates = await trx
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.provider_org_id', 'v.name', 'v.update_frequency', 'v.published_at'])
    .where('v.update_frequency', '<>', 'irregular')
    .where(sql<boolean>`NOT ${open}`)
    .orderBy('e.code')
    .execute();
  let opened = 0;
  for (const c of candidates) {
    if (loadPeriodDays(c.update_frequency) === null) continue;
    // A load committing right now holds this lock and opens the duty itself.
    await repo.lockEntryData(trx, c.id);
    const again = await trx
      .selectFrom('duties')
      .select('id')
      .where('case_type', '=', TIMELINESS_CASE)
      .where('case_id', '=', c.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (again) continue;
    const last = await trx
      .selectFrom('loads')
      .select((eb) => eb.fn.max('finished_at').as('at'))
      .where('entry_id', '=', c.id)
      .where('status', '=', 'committed')
      .executeTakeFirst();
    const times = [c.published_at, last?.at].filter((t): t is Date => t !== null && t !== undefined).map((t) => new Date(t));
    const from = times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : k.clock.now();
    if (await openNextLoad(k, trx, c, from)) opened++;
  }

  const stale = await trx
    .selectFrom('duties as d')
    .leftJoin('catalog_entries as e', (j) => j.on(sql<boolean>`e.id::text = d.case_id`))
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['d.case_id', 'v.update_frequency'])
    .where('d.case_type', '=', TIMELINESS_CASE)
    .where('d.status', '=', 'open')
    .execute();
  let cancelled = 0;
  for (const s of stale) {
    if (s.update_frequency && loadPeriodDays(s.update_frequency) !== null) continue;
    await cancelDuty(trx, TIMELINESS_CASE, s.case_id, TIMELINESS_DUTY);
    cancelled++;
  }
  return { opened, cancelled };
}
