/**
 * Catalog entries and their lifecycle (000 第六、七条): an institution drafts an entry, its data
 * officer submits it, the sharing authority publishes it or returns it with comments. A
 * published version is never changed; a change is a new version reviewed again, and every
 * version stays readable. Each change writes its audit event in the same transaction and
 * refreshes the version's search document.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { loadCalendar } from '../../kernel/calendar-repo.js';
import { meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { ART, entryCode, VERSION_STATUS_LABELS, type EntryInput } from './model.js';
import {
  assertEditable,
  assertNoViolations,
  CAN_DRAFT_NEEDS,
  CAN_EDIT_NEEDS,
  CAN_REVIEW_NEEDS,
  CAN_SUBMIT_NEEDS,
  canDraft,
  canEdit,
  canReadReviewQueue,
  canSubmit,
  checkEntry,
  isAuthorityReviewer,
  isProvider,
  normalizeEntry,
  reviewPeriod,
  seesCaseWork,
  submissionViolations,
  versionWorkflow,
  visibleStatuses,
} from './rules.js';
import type { NewVersionBody, ReviewBody } from './schema.js';
import { indexVersion } from './search.js';
import { cancelNegativeReview, openNegativeReview } from './negative-review.js';
import { entryView, type EntryView } from './views.js';
import { answerUpdateCases, closeUpdateCases, dutySummary, entryLink, listUpdateCases, reopenUpdateCases, type DutySummary, type UpdateCaseView } from './update.service.js';
import * as repo from './repo.js';

/** Ledger case type and duty of a version's review (the demo seed uses the same). */
export const REVIEW_CASE = 'catalog_review';
export const REVIEW_DUTY = 'review';

export interface VersionSummary {
  version: number;
  versionId: string;
  status: EntryView['status'];
  changeNote: string | null;
  updateCaseId: string | null;
  createdAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
  publishedAt: string | null;
}

export interface ReviewView {
  id: string;
  version: number;
  versionId: string;
  decision: 'approve' | 'return';
  comment: string;
  reviewer: { id: string; name: string };
  org: { id: string; name: string };
  at: string;
}

/** An entry at one version as the caller may see it, with its history. */
export interface EntryDetail extends EntryView {
  /** The versions the caller may read, oldest first. */
  versions: VersionSummary[];
  /** Review decisions on those versions, oldest first. */
  reviews: ReviewView[];
  /** The version in force, if any. */
  published: EntryView | null;
  /** The open review duty of a submitted version (provider and authority only). */
  reviewDuty: DutySummary | null;
  /** Update cases of 000 第七条 (provider and authority only). */
  updateCases: UpdateCaseView[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The view of one version, read inside the caller's transaction. */
async function viewOf(db: Executor, entryId: string, version: number): Promise<EntryView> {
  const e = await repo.findEntry(db, entryId);
  const v = e ? await repo.findVersion(db, entryId, version) : undefined;
  if (!e || !v) throw notFound('目录版本', `${entryId} 第 ${version} 版`);
  return entryView(e, v, { id: e.provider_org_id, name: e.provider_name });
}

/**
 * Locks an entry for a transition. Callers that may not even see it get 404; those who see it
 * but may not act get 403 naming the role needed.
 */
async function lockFor(trx: Trx, auth: AuthContext, id: string, allowed: (e: repo.EntryRow) => boolean, needs: string): Promise<repo.EntryRow> {
  const e = await repo.lockEntry(trx, id);
  if (!e || !(await repo.hasVersionIn(trx, e.id, visibleStatuses(auth, e)))) throw notFound('目录', id);
  requirePermission(allowed(e), needs);
  return e;
}

async function latestOf(trx: Trx, e: repo.EntryRow): Promise<repo.VersionRow> {
  const v = await repo.findVersion(trx, e.id, e.latest_version);
  if (!v) throw new Error(`catalog entry ${e.id} lacks its latest version ${e.latest_version}`);
  return v;
}

/**
 * Validates and inserts a draft entry (version 1) with its audit event, inside the caller's
 * transaction — for one draft (`createDraft`) or many rows of an import. The provider is the
 * caller's org; the code is region + provider credit code + sequence, stable forever.
 */
export async function insertDraft(k: Kernel, trx: Trx, auth: AuthContext, input: EntryInput): Promise<{ id: string; code: string; versionId: string }> {
  requirePermission(canDraft(auth), CAN_DRAFT_NEEDS);
  checkEntry(input);
  const uscc = auth.org.uscc;
  if (!uscc) throw new AppError('INVALID_STATE', `${auth.org.name}未登记统一社会信用代码，无法生成目录代码`);
  const entry = normalizeEntry(input);
  const now = k.clock.now();
  const seq = await repo.nextSeq(trx, auth.org.id);
  const code = entryCode(auth.org.regionCode, uscc, seq);
  const id = randomUUID();
  const versionId = randomUUID();
  await repo.insertEntry(trx, {
    id,
    code,
    provider_org_id: auth.org.id,
    region_code: auth.org.regionCode,
    seq,
    published_version: null,
    latest_version: 1,
    created_at: now,
    updated_at: now,
  });
  await repo.insertVersion(trx, {
    id: versionId,
    entry_id: id,
    version: 1,
    status: 'draft',
    ...repo.versionColumns(entry),
    change_note: null,
    update_case_id: null,
    created_by: auth.user.id,
    created_at: now,
    updated_at: now,
    submitted_by: null,
    submitted_at: null,
    reviewed_by: null,
    reviewed_at: null,
    review_comment: null,
    published_at: null,
  });
  await indexVersion(trx, versionId);
  await audit(k, trx, actorOf(auth), { action: 'catalog.entry_create', objectType: 'catalog_entry', objectId: id, details: { code, version: 1, versionId, name: entry.name } });
  return { id, code, versionId };
}

/** Creates a draft entry (000 第六条). */
export async function createDraft(k: Kernel, auth: AuthContext, input: EntryInput): Promise<EntryView> {
  requirePermission(canDraft(auth), CAN_DRAFT_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const r = await insertDraft(k, trx, auth, input);
    return viewOf(trx, r.id, 1);
  });
}

/**
 * An entry as the caller may see it: at `version` if given, else at the newest version visible
 * to them — the provider sees its drafts, the authority what was submitted to it, everyone
 * signed in what was published. What the caller may not see is 404.
 */
export async function getEntry(k: Kernel, auth: AuthContext, id: string, opts: { version?: number | undefined } = {}): Promise<EntryDetail> {
  const db = k.db.kysely;
  const e = await repo.findEntry(db, id);
  if (!e) throw notFound('目录', id);
  const statuses = visibleStatuses(auth, e);
  const v = opts.version !== undefined ? await repo.findVersion(db, id, opts.version) : await repo.latestVersionIn(db, id, statuses);
  if (!v || !statuses.includes(v.status)) throw opts.version !== undefined ? notFound('目录版本', `第 ${opts.version} 版`) : notFound('目录', id);
  const provider = { id: e.provider_org_id, name: e.provider_name };
  const versions = await repo.listVersions(db, id, statuses);
  const reviews = await repo.listReviews(
    db,
    versions.map((x) => x.id),
  );
  const published = e.published_version === null ? null : e.published_version === v.version ? v : await repo.findVersion(db, id, e.published_version);
  const caseWork = seesCaseWork(auth, e);
  let reviewDuty: DutySummary | null = null;
  if (caseWork && v.status === 'submitted') {
    const duty = (await repo.dutiesOf(db, REVIEW_CASE, REVIEW_DUTY, [v.id])).find((d) => d.status === 'open');
    if (duty) reviewDuty = dutySummary(duty, await loadCalendar(db), k.clock.now());
  }
  return {
    ...entryView(e, v, provider),
    versions: versions.map((x) => ({
      version: x.version,
      versionId: x.id,
      status: x.status,
      changeNote: x.change_note,
      updateCaseId: x.update_case_id,
      createdAt: x.created_at.toISOString(),
      submittedAt: iso(x.submitted_at),
      reviewedAt: iso(x.reviewed_at),
      publishedAt: iso(x.published_at),
    })),
    reviews: reviews.map((r) => ({
      id: r.id,
      version: r.version,
      versionId: r.version_id,
      decision: r.decision,
      comment: r.comment,
      reviewer: { id: r.user_id, name: r.user_name },
      org: { id: r.org_id, name: r.org_name },
      at: r.at.toISOString(),
    })),
    published: published ? entryView(e, published, provider) : null,
    reviewDuty,
    updateCases: caseWork ? await listUpdateCases(k, db, id) : [],
  };
}

/** Replaces the content of the entry's draft or returned version (provider only; 409 otherwise). */
export async function updateDraft(k: Kernel, auth: AuthContext, id: string, input: EntryInput): Promise<EntryView> {
  requirePermission(canDraft(auth), CAN_EDIT_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await lockFor(trx, auth, id, (x) => canEdit(auth, x), CAN_EDIT_NEEDS);
    const v = await latestOf(trx, e);
    assertEditable(v.status, v.version);
    checkEntry(input);
    const entry = normalizeEntry(input);
    const now = k.clock.now();
    await repo.updateVersion(trx, v.id, { ...repo.versionColumns(entry), change_note: entry.changeNote ?? v.change_note, updated_at: now });
    await repo.updateEntry(trx, e.id, { updated_at: now });
    await indexVersion(trx, v.id);
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.entry_update',
      objectType: 'catalog_entry',
      objectId: e.id,
      details: { code: e.code, version: v.version, versionId: v.id, status: v.status, name: entry.name },
    });
    return viewOf(trx, e.id, v.version);
  });
}

/**
 * The provider's data officer signs the latest version and sends it to the authority (000 第六条).
 * The assessments must be recorded by now. Opens the authority's review duty: a first review
 * has no deadline in 000 (tracked with its age), an update's is `catalogUpdateReviewDays`
 * (000 第七条). An update answers the entry's open update cases and meets their duties.
 */
export async function submitEntry(k: Kernel, auth: AuthContext, id: string): Promise<EntryView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await lockFor(trx, auth, id, (x) => canSubmit(auth, x), CAN_SUBMIT_NEEDS);
    const v = await latestOf(trx, e);
    const next = versionWorkflow.apply(v.status, 'submit', {});
    assertNoViolations(submissionViolations(repo.inputOf(v)));
    const authority = await repo.reviewingAuthority(trx, k.profile.region.code);
    if (!authority) throw new AppError('INVALID_STATE', '平台尚未登记营商环境建设主管部门，目录无法报送审核', { source: ART.review });
    const now = k.clock.now();
    const isUpdate = e.published_version !== null;
    const updateCaseId = isUpdate ? await answerUpdateCases(k, trx, e.id, v) : null;
    await repo.updateVersion(trx, v.id, { status: next, submitted_by: auth.user.id, submitted_at: now, update_case_id: updateCaseId ?? v.update_case_id, updated_at: now });
    await repo.updateEntry(trx, e.id, { updated_at: now });
    const period = reviewPeriod(k.profile, isUpdate);
    const duty = await openDuty(k, trx, {
      caseType: REVIEW_CASE,
      caseId: v.id,
      duty: REVIEW_DUTY,
      title: `审核目录${isUpdate ? '更新' : ''}：${v.name}（第 ${v.version} 版）`,
      ownerOrgId: authority.id,
      supervisorOrgId: null,
      link: entryLink(e.id),
      source: period.source,
      workingDays: period.workingDays,
    });
    await notify(k, trx, {
      orgId: authority.id,
      kind: 'catalog.review_requested',
      title: `待审核目录${isUpdate ? '更新' : ''}：${v.name}`,
      body: `${auth.org.name}报送第 ${v.version} 版${duty.due_date ? `，请于 ${duty.due_date} 前完成审核并发布` : ''}（依据 ${period.source}）`,
      link: entryLink(e.id),
    });
    await indexVersion(trx, v.id);
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.entry_submit',
      objectType: 'catalog_entry',
      objectId: e.id,
      details: { code: e.code, version: v.version, versionId: v.id, isUpdate, updateCaseId, reviewDutyId: duty.id, dueDate: duty.due_date },
    });
    return viewOf(trx, e.id, v.version);
  });
}

/**
 * The authority's decision on a submitted version (000 第六、七条). `approve` publishes it: the
 * version in force before is superseded (the trigger allows only that change to it) and the
 * update cases it answered are done. `return` sends it back with the comment. Either meets the
 * review duty and notifies the provider.
 */
export async function reviewEntry(k: Kernel, auth: AuthContext, id: string, body: ReviewBody): Promise<EntryView> {
  requirePermission(isAuthorityReviewer(auth), CAN_REVIEW_NEEDS);
  const comment = body.comment?.trim() ?? '';
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await lockFor(trx, auth, id, () => true, CAN_REVIEW_NEEDS);
    if (isProvider(auth, e)) throw new AppError('FORBIDDEN', '不能审核本机构报送的目录：须由其他机构的审核人审核');
    const v = await latestOf(trx, e);
    if (body.version !== undefined && body.version !== v.version) {
      throw new AppError('INVALID_STATE', `审核的是第 ${body.version} 版，但该目录最新为第 ${v.version} 版，请刷新后重新审核`);
    }
    const approve = body.decision === 'approve';
    const next = versionWorkflow.apply(v.status, approve ? 'approve' : 'return', { comment });
    const now = k.clock.now();
    const reviewed = { reviewed_by: auth.user.id, reviewed_at: now, review_comment: comment || null, updated_at: now };
    let superseded: number | null = null;
    let casesClosed = 0;
    if (approve) {
      await repo.updateVersion(trx, v.id, { status: next, ...reviewed, published_at: now });
      if (e.published_version !== null) {
        const prev = await repo.findVersion(trx, e.id, e.published_version);
        if (prev) {
          await repo.updateVersion(trx, prev.id, { status: versionWorkflow.apply(prev.status, 'supersede', {}) });
          await indexVersion(trx, prev.id);
          await cancelNegativeReview(trx, prev.id);
          superseded = prev.version;
        }
      }
      await repo.updateEntry(trx, e.id, { published_version: v.version, updated_at: now });
      await openNegativeReview(k, trx, v);
      casesClosed = await closeUpdateCases(k, trx, v.id);
    } else {
      await repo.updateVersion(trx, v.id, { status: next, ...reviewed });
      await repo.updateEntry(trx, e.id, { updated_at: now });
      await reopenUpdateCases(trx, v.id);
    }
    await repo.insertReview(trx, { id: randomUUID(), version_id: v.id, decision: body.decision, comment, user_id: auth.user.id, org_id: auth.org.id, at: now });
    await meetDuty(k, trx, REVIEW_CASE, v.id, REVIEW_DUTY);
    await notify(k, trx, {
      orgId: e.provider_org_id,
      kind: approve ? 'catalog.published' : 'catalog.returned',
      title: approve ? `目录已发布：${v.name}（第 ${v.version} 版）` : `目录被退回修改：${v.name}（第 ${v.version} 版）`,
      body: comment ? `审核意见：${comment}` : `${auth.org.name}审核通过`,
      link: entryLink(e.id),
    });
    await indexVersion(trx, v.id);
    await audit(k, trx, actorOf(auth), {
      action: approve ? 'catalog.entry_approve' : 'catalog.entry_return',
      objectType: 'catalog_entry',
      objectId: e.id,
      details: { code: e.code, version: v.version, versionId: v.id, comment, supersededVersion: superseded, updateCasesClosed: casesClosed },
    });
    return viewOf(trx, e.id, v.version);
  });
}

/**
 * Starts a new version of a published entry (000 第七条): a draft copied from the version in
 * force, with what changes and why. One unpublished version at a time. If an update case is
 * open, the new version answers it.
 */
export async function createVersion(k: Kernel, auth: AuthContext, id: string, body: NewVersionBody): Promise<EntryView> {
  requirePermission(canDraft(auth), CAN_EDIT_NEEDS);
  const changeNote = body.changeNote.trim();
  if (!changeNote) throw new AppError('VALIDATION', '请填写变更说明（changeNote）', { fields: [{ field: 'changeNote', message: '必填' }] });
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await lockFor(trx, auth, id, (x) => canEdit(auth, x), CAN_EDIT_NEEDS);
    if (e.published_version === null) throw new AppError('INVALID_STATE', '目录尚未发布：请直接修改当前版本', { source: ART.update });
    if (e.latest_version !== e.published_version) {
      const pending = await latestOf(trx, e);
      throw new AppError('INVALID_STATE', `已有未发布的第 ${pending.version} 版（${VERSION_STATUS_LABELS[pending.status]}），请在该版本上修改`);
    }
    const pub = await latestOf(trx, e);
    const [openCase] = await repo.listCases(trx, e.id, ['open']);
    const now = k.clock.now();
    const version = e.latest_version + 1;
    const versionId = randomUUID();
    await repo.insertVersion(trx, {
      id: versionId,
      entry_id: e.id,
      version,
      status: 'draft',
      ...repo.versionColumns(repo.inputOf(pub)),
      change_note: changeNote,
      update_case_id: openCase?.id ?? null,
      created_by: auth.user.id,
      created_at: now,
      updated_at: now,
      submitted_by: null,
      submitted_at: null,
      reviewed_by: null,
      reviewed_at: null,
      review_comment: null,
      published_at: null,
    });
    await repo.updateEntry(trx, e.id, { latest_version: version, updated_at: now });
    await indexVersion(trx, versionId);
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.version_create',
      objectType: 'catalog_entry',
      objectId: e.id,
      details: { code: e.code, version, versionId, from: pub.version, changeNote, updateCaseId: openCase?.id ?? null },
    });
    return viewOf(trx, e.id, version);
  });
}

export interface ReviewQueueItem {
  entryId: string;
  code: string;
  name: string;
  provider: { id: string; name: string };
  version: number;
  versionId: string;
  /** An update of a published entry (reviewed within `catalogUpdateReviewDays`) or a first review. */
  isUpdate: boolean;
  changeNote: string | null;
  updateCaseId: string | null;
  submittedAt: string | null;
  duty: DutySummary | null;
}

/**
 * The authority's review queue: every submitted version with its review duty, soonest due
 * first; versions without a deadline (first reviews) follow, oldest first.
 */
export async function reviewQueue(k: Kernel, auth: AuthContext, page: { limit: number; offset: number }): Promise<{ items: ReviewQueueItem[]; total: number }> {
  requirePermission(canReadReviewQueue(auth), '营商环境建设主管部门（sharing_authority）的用户');
  const db = k.db.kysely;
  const { rows, total } = await repo.listSubmitted(db, REVIEW_CASE, REVIEW_DUTY, page);
  const [duties, cal] = await Promise.all([
    repo.dutiesOf(
      db,
      REVIEW_CASE,
      REVIEW_DUTY,
      rows.map((r) => r.id),
    ),
    loadCalendar(db),
  ]);
  const now = k.clock.now();
  const items: ReviewQueueItem[] = rows.map((r) => {
    const d = duties.find((x) => x.case_id === r.id && x.status === 'open');
    return {
      entryId: r.entry_id,
      code: r.code,
      name: r.name,
      provider: { id: r.provider_id, name: r.provider_name },
      version: r.version,
      versionId: r.id,
      isUpdate: r.published_version !== null,
      changeNote: r.change_note,
      updateCaseId: r.update_case_id,
      submittedAt: iso(r.submitted_at),
      duty: d ? dutySummary(d, cal, now) : null,
    };
  });
  return { items, total };
}
