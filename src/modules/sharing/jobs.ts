/**
 * The background jobs of sharing. `sharing.expire` writes into the grants what time has already
 * decided: a grant past its `valid_until` (the end of its last valid day, Beijing time) reads as
 * expired by the pure rule at every read; the job records it, so the status shows and lists filter
 * by it, and tells both orgs. One batch per run, in the run's transaction, each grant audited.
 */
import { audit } from '../../kernel/audit.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import type { Job } from '../../kernel/jobs.js';
import { notify } from '../../kernel/notifications.js';
import { beijingDate } from '../../kernel/clock.js';
import { grantLink } from './grants.service.js';
import { ART } from './rules.js';
import * as repo from './repo.js';

/** Grants recorded per run; the rest wait for the next run. */
export const EXPIRE_BATCH = 500;

/** Marks the lapsed grants of one batch `expired`; returns how many. */
export async function expireGrants(k: Kernel, trx: Trx, limit = EXPIRE_BATCH): Promise<{ expired: number; more: boolean }> {
  const now = k.clock.now();
  const lapsed = await repo.lapsedGrants(trx, now, limit + 1);
  const batch = lapsed.slice(0, limit);
  for (const g of batch) {
    const reason = '已过使用时限';
    await repo.updateGrant(trx, g.id, { status: 'expired', status_reason: reason, status_changed_by: null, status_changed_at: now });
    // valid_until is the end of the last valid day: the day before it, in Beijing time.
    const lastDay = beijingDate(new Date(g.valid_until.getTime() - 1));
    const name = g.entry_name ?? g.entry_code;
    for (const orgId of [g.subject_org_id, g.provider_org_id]) {
      await notify(k, trx, {
        orgId,
        kind: 'sharing.grant_expired',
        title: `共享授权已到期：「${name}」`,
        body: `使用时限至 ${lastDay}，已不能再获取数据；如需继续使用，请重新提出共享申请（依据 ${ART.request}）`,
        link: grantLink(g.id),
      });
    }
    await audit(k, trx, SYSTEM_ACTOR, {
      action: 'sharing.grant_expire',
      objectType: 'grant',
      objectId: g.id,
      grantId: g.id,
      details: { from: g.status, to: 'expired', validUntil: g.valid_until.toISOString(), lastDay, entryId: g.entry_id, subjectOrgId: g.subject_org_id },
    });
  }
  return { expired: batch.length, more: lapsed.length > limit };
}

export const sharingExpireJob: Job = {
  name: 'sharing.expire',
  async run(k, trx) {
    const r = await expireGrants(k, trx);
    return `${r.expired} grants expired${r.more ? ' (more left for the next run)' : ''}`;
  },
};

export const sharingJobs: Job[] = [sharingExpireJob];
