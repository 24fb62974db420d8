/**
 * Seeds the demo catalog (demo-data.ts) inside `gongshu seed-demo`'s transaction: the joint-review
 * seats, each entry at the state the demo leaves it in, the review duty of each submitted entry
 * and the comment of each returned one.
 */
import { randomUUID } from 'node:crypto';
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { openDuty } from '../../kernel/deadlines.js';
import { DEMO_CATALOG } from './demo-data.js';
import { ART, entryCode, NEGATIVE_LIST_SEATS, type Seat } from './model.js';
import { onNegativeList, openNegativeReview } from './negative-review.js';
import type { Attr } from './tables.js';
import { indexVersion } from './search.js';
import { versionColumns } from './repo.js';
import { normalizeEntry } from './rules.js';
import { REVIEW_CASE, REVIEW_DUTY } from './entries.service.js';
import { entryLink } from './update.service.js';

/** Who signs for each seat in the demo's completed joint reviews. */
const SEAT_SIGNERS: Record<Seat, string> = {
  sharing_authority: 'yshj_reviewer',
  cyberspace: 'wx_reviewer',
  staffing: 'bb_reviewer',
  secrecy: 'bm_reviewer',
  public_security: 'gat_admin',
  state_security: 'aq_reviewer',
  platform_operator: 'admin',
};

const RETURN_COMMENT = '数据项“投诉人”“联系电话”为个人信息，请补充个人信息保护影响评估结论并说明脱敏方式。';

/** How many negative-list entries the demo leaves awaiting the joint review (the rest agreed). */
const PENDING_JOINT_REVIEWS = 2;

/** Which demo org holds each seat of the negative list's joint review. */
export const DEMO_SEATS: Record<Seat, string> = {
  sharing_authority: 'yshj',
  cyberspace: 'wx',
  staffing: 'bb',
  secrecy: 'bm',
  public_security: 'gat',
  state_security: 'aq',
  platform_operator: 'dsj',
};

export async function insertDemoCatalog(k: Pick<Kernel, 'clock'>, trx: Trx, orgIds: Map<string, string>): Promise<{ entries: number }> {
  const now = k.clock.now();
  const id = (key: string) => {
    const v = orgIds.get(key);
    if (!v) throw new Error(`demo org ${key} missing`);
    return v;
  };
  for (const [seat, key] of Object.entries(DEMO_SEATS)) await trx.insertInto('catalog_review_seats').values({ seat, org_id: id(key) }).execute();

  const authority = id('yshj');
  const seqs = new Map<string, number>();
  const negative: Array<{ id: string; name: string; share_attr: Attr }> = [];
  const signers = new Map((await trx.selectFrom('users').select(['id', 'login', 'org_id']).where('login', 'in', Object.values(SEAT_SIGNERS)).execute()).map((u) => [u.login, u]));
  const reviewer = signers.get(SEAT_SIGNERS.sharing_authority);
  if (!reviewer) throw new Error('demo reviewer missing');
  for (const d of DEMO_CATALOG) {
    const providerId = id(d.provider);
    const org = await trx.selectFrom('orgs').select(['uscc', 'region_code']).where('id', '=', providerId).executeTakeFirstOrThrow();
    const seq = (seqs.get(providerId) ?? 0) + 1;
    seqs.set(providerId, seq);
    const entryId = randomUUID();
    const versionId = randomUUID();
    const published = d.state === 'published';
    await trx
      .insertInto('catalog_entries')
      .values({
        id: entryId,
        code: entryCode(org.region_code, org.uscc ?? '', seq),
        provider_org_id: providerId,
        region_code: org.region_code,
        seq,
        published_version: published ? 1 : null,
        latest_version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const i = normalizeEntry(d.input);
    await trx
      .insertInto('catalog_versions')
      .values({
        id: versionId,
        entry_id: entryId,
        version: 1,
        status: d.state,
        ...versionColumns(i),
        change_note: null,
        update_case_id: null,
        created_by: null,
        created_at: now,
        updated_at: now,
        submitted_by: null,
        submitted_at: d.state === 'draft' ? null : now,
        reviewed_at: published || d.state === 'returned' ? now : null,
        reviewed_by: published || d.state === 'returned' ? reviewer.id : null,
        review_comment: d.state === 'returned' ? RETURN_COMMENT : null,
        published_at: published ? now : null,
      })
      .execute();
    await indexVersion(trx, versionId);
    if (published || d.state === 'returned') {
      const comment = d.state === 'returned' ? RETURN_COMMENT : '';
      await trx.insertInto('catalog_reviews').values({ id: randomUUID(), version_id: versionId, decision: published ? 'approve' : 'return', comment, user_id: reviewer.id, org_id: reviewer.org_id, at: now }).execute();
    }
    if (published && onNegativeList(i.shareAttr)) negative.push({ id: versionId, name: i.name, share_attr: i.shareAttr });
    if (d.state === 'submitted') {
      await openDuty(k, trx, {
        caseType: REVIEW_CASE,
        caseId: versionId,
        duty: REVIEW_DUTY,
        title: `审核目录：${i.name}`,
        ownerOrgId: authority,
        supervisorOrgId: null,
        link: entryLink(entryId),
        source: ART.review,
        workingDays: null,
        startedAt: now,
      });
    }
  }
  // The joint review: agreed by every seat for most negative-list entries, still open for a few.
  for (const [n, v] of negative.entries()) {
    if (n >= negative.length - PENDING_JOINT_REVIEWS) {
      await openNegativeReview(k, trx, v);
      continue;
    }
    for (const seat of NEGATIVE_LIST_SEATS) {
      const u = signers.get(SEAT_SIGNERS[seat]);
      if (!u) throw new Error(`demo signer ${SEAT_SIGNERS[seat]} missing`);
      await trx.insertInto('catalog_negative_signoffs').values({ id: randomUUID(), version_id: v.id, seat, decision: 'agree', comment: '', user_id: u.id, org_id: u.org_id, at: now }).execute();
    }
  }
  return { entries: DEMO_CATALOG.length };
}
