/**
 * The joint review of the negative list on the deadline ledger (000 第十一条). When a version
 * whose share attribute is conditional or none is published, each seat's org owes a sign-off;
 * the regulation sets no deadline, so the duty is tracked with its age (REQUIREMENTS Decisions 7)
 * and shows on that org's workbench. A sign-off meets its seat's duty; a newer version published
 * in its place cancels the duties of the old one.
 */
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { cancelDuty, meetDuty, openDuty } from '../../kernel/deadlines.js';
import { ART, NEGATIVE_LIST_SEATS, SEAT_LABELS, type Seat } from './model.js';
import { listSeats } from './lists.repo.js';
import type { Attr } from './tables.js';

export const NEGATIVE_REVIEW_CASE = 'catalog_negative_review';
export const signoffDuty = (seat: Seat) => `signoff:${seat}`;

/** True when a version with this share attribute belongs on the negative list. */
export const onNegativeList = (shareAttr: Attr) => shareAttr === 'conditional' || shareAttr === 'none';

/** Opens one sign-off duty per held seat for a version just published on the negative list. */
export async function openNegativeReview(k: Pick<Kernel, 'clock'>, trx: Trx, v: { id: string; name: string; share_attr: Attr }): Promise<number> {
  if (!onNegativeList(v.share_attr)) return 0;
  const seats = await listSeats(trx);
  for (const s of seats) {
    await openDuty(k, trx, {
      caseType: NEGATIVE_REVIEW_CASE,
      caseId: v.id,
      duty: signoffDuty(s.seat as Seat),
      title: `负面清单联合审查（${SEAT_LABELS[s.seat as Seat] ?? s.seat}）：${v.name}`,
      ownerOrgId: s.org_id,
      supervisorOrgId: null,
      link: `/catalog/negative-list?version=${v.id}`,
      source: ART.negativeList,
      workingDays: null,
    });
  }
  return seats.length;
}

/** Meets the seat's sign-off duty for the version. */
export const meetNegativeSignoff = (k: Pick<Kernel, 'clock'>, trx: Trx, versionId: string, seat: Seat) => meetDuty(k, trx, NEGATIVE_REVIEW_CASE, versionId, signoffDuty(seat));

/** Cancels the sign-off duties still open for a version no longer in force. */
export async function cancelNegativeReview(trx: Trx, versionId: string): Promise<void> {
  for (const seat of NEGATIVE_LIST_SEATS) await cancelDuty(trx, NEGATIVE_REVIEW_CASE, versionId, signoffDuty(seat));
}
