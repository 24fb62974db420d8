/**
 * The catalog's lists, derived from published entries:
 * - the sharing negative list (负面清单, 000 第十一条; 001 第十二条) and its joint review by seats;
 * - the open catalog and each institution's positive list (正面清单, 000 第十八、十九条);
 * - the authorized-operation catalog (授权运营目录, 000 第二十七、二十八条) with the provider's consent;
 * - registration (登记, 000 第二十九条) with a uniform registration code and a public query code.
 * Each use case checks permission first, writes in one transaction with its audit event.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { actorOf, requireAuth, requirePermission, ROLE_LABELS, type AuthContext } from '../../kernel/auth.js';
import { beijingDate } from '../../kernel/clock.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { notify } from '../../kernel/notifications.js';
import { ART, NEGATIVE_LIST_SEATS, OPERATION_STATUS_LABELS, PRIORITY_AREAS, SEAT_LABELS, VERSION_STATUS_LABELS, type Seat } from './model.js';
import * as repo from './lists.repo.js';
import { meetNegativeSignoff } from './negative-review.js';
import {
  CONSENT_NEEDS,
  OPERATION_LIST_NEEDS,
  OPERATION_REMOVE_NEEDS,
  QUERY_CODE_ALPHABET,
  QUERY_CODE_LENGTH,
  REGISTER_NEEDS,
  SEAT_ASSIGN_NEEDS,
  SEAT_HOLDER_ROLE,
  SIGNOFF_NEEDS,
  canAssignSeats,
  canConsent,
  canListForOperation,
  canRegister,
  canRemove,
  canSignFor,
  catalogGaps,
  jointReview,
  normalizeQueryCode,
  onNegativeList,
  operationRefusal,
  queryCodeFrom,
  registrationCode,
  registrationPrefix,
  seatLabel,
  seesAllOperationItems,
  viaSharingRefusal,
  type JointReviewState,
  type Refusal,
} from './lists.rules.js';
import type { ConsentBody, NegativeListQuery, OpenListQuery, OperationListBody, OperationListQuery, SeatsBody, SignoffBody } from './lists.schema.js';
import type { EntryView } from './views.js';

const DEFAULT_LIMIT = 50;
const iso = (d: Date | string) => new Date(d).toISOString();
const ruleViolation = (r: Refusal, fields?: Array<{ field: string; message: string }>) =>
  new AppError('RULE_VIOLATION', r.message, { source: r.source, ...(fields ? { fields } : {}) });

interface Ref {
  id: string;
  name: string;
}

/** An entry as the public sees it: without the internal assessments and the reviewer's comment. */
export type PublicEntryView = Omit<EntryView, 'assessments' | 'reviewComment'>;

export function publicEntryView(v: EntryView): PublicEntryView {
  const { assessments: _assessments, reviewComment: _reviewComment, ...rest } = v;
  return rest;
}

// ── Joint-review seats ──────────────────────────────────────────────────────────────────────

export interface SeatView {
  seat: Seat;
  label: string;
  org: Ref | null;
}

async function seatViews(db: Executor): Promise<SeatView[]> {
  const held = new Map((await repo.listSeats(db)).map((s) => [s.seat, { id: s.org_id, name: s.org_name }]));
  return NEGATIVE_LIST_SEATS.map((seat) => ({ seat, label: SEAT_LABELS[seat], org: held.get(seat) ?? null }));
}

/** The joint review's seats and the org holding each (000 第十一条). Anyone signed in may read them. */
export async function listSeats(k: Kernel, auth: AuthContext | null): Promise<{ items: SeatView[] }> {
  requireAuth(auth);
  return { items: await seatViews(k.db.kysely) };
}

/**
 * Assigns seats to orgs (platform admin). Seats absent from the body keep their holder; `null`
 * clears a seat. The authority's and the platform operator's seats go to orgs with that role.
 */
export async function assignSeats(k: Kernel, authOrNull: AuthContext | null, body: SeatsBody): Promise<{ items: SeatView[] }> {
  const auth = requireAuth(authOrNull);
  requirePermission(canAssignSeats(auth), SEAT_ASSIGN_NEEDS);
  const wanted = NEGATIVE_LIST_SEATS.flatMap((seat) => {
    const orgId = body[seat];
    return orgId === undefined ? [] : [{ seat, orgId }];
  });
  return k.db.kysely.transaction().execute(async (trx) => {
    const orgs = new Map((await repo.findOrgs(trx, [...new Set(wanted.flatMap((w) => (w.orgId ? [w.orgId] : [])))])).map((o) => [o.id, o]));
    for (const { seat, orgId } of wanted) {
      if (orgId === null) continue;
      const org = orgs.get(orgId);
      if (!org) throw new AppError('INVALID_CODE', `“${SEAT_LABELS[seat]}”席位：所选机构不存在`, { fields: [{ field: seat, message: '机构不存在' }] });
      const role = SEAT_HOLDER_ROLE[seat];
      if (role && !org.roles.includes(role)) {
        throw new AppError('RULE_VIOLATION', `“${SEAT_LABELS[seat]}”席位须由具有“${ROLE_LABELS[role]}”角色的机构持有，${org.name} 不具有该角色`, {
          source: ART.negativeList,
          fields: [{ field: seat, message: `须为${ROLE_LABELS[role]}` }],
        });
      }
    }
    const before = new Map((await repo.listSeats(trx)).map((s) => [s.seat, s.org_id]));
    const changes = wanted.filter((w) => (before.get(w.seat) ?? null) !== w.orgId).map((w) => ({ seat: w.seat, from: before.get(w.seat) ?? null, to: w.orgId }));
    if (changes.length > 0) {
      await repo.setSeats(trx, changes.map((c) => ({ seat: c.seat, orgId: c.to })));
      await audit(k, trx, actorOf(auth), { action: 'catalog.seat_assign', objectType: 'catalog_review_seats', objectId: null, details: { changes } });
    }
    return { items: await seatViews(trx) };
  });
}

// ── The negative list (负面清单, 000 第十一条) ─────────────────────────────────────────────────

export interface SignoffView {
  seat: string;
  seatLabel: string;
  decision: 'agree' | 'disagree';
  comment: string;
  user: Ref;
  org: Ref;
  at: string;
}

export interface NegativeListItem {
  entry: EntryView;
  review: {
    state: JointReviewState;
    signoffs: SignoffView[];
    /** Seats still to sign, with the org holding each (null while unassigned). */
    missing: Array<{ seat: Seat; label: string; org: Ref | null }>;
  };
}

async function negativeItems(db: Executor, versionIds: string[]): Promise<NegativeListItem[]> {
  const [views, signoffs, seats] = await Promise.all([repo.viewsOfVersions(db, versionIds), repo.signoffsOf(db, versionIds), seatViews(db)]);
  const holder = new Map(seats.map((s) => [s.seat, s.org]));
  return versionIds.flatMap((id) => {
    const entry = views.get(id);
    if (!entry) return [];
    const mine = signoffs.filter((s) => s.version_id === id);
    const r = jointReview(mine);
    return [
      {
        entry,
        review: {
          state: r.state,
          signoffs: mine.map((s) => ({
            seat: s.seat,
            seatLabel: seatLabel(s.seat),
            decision: s.decision,
            comment: s.comment,
            user: { id: s.user_id, name: s.user_name },
            org: { id: s.org_id, name: s.org_name },
            at: s.at.toISOString(),
          })),
          missing: r.missing.map((seat) => ({ seat, label: SEAT_LABELS[seat], org: holder.get(seat) ?? null })),
        },
      },
    ];
  });
}

/**
 * The sharing negative list: published entries whose share attribute is conditional or none, each
 * with its joint-review state. Published on the platform (001 第十二条): anyone signed in reads it.
 */
export async function negativeList(k: Kernel, auth: AuthContext | null, q: NegativeListQuery): Promise<{ items: NegativeListItem[]; total: number }> {
  requireAuth(auth);
  const page = await repo.negativeListPage(k.db.kysely, {
    providerId: q.provider,
    state: q.state,
    shareAttr: q.shareAttr,
    limit: q.limit ?? DEFAULT_LIMIT,
    offset: q.offset ?? 0,
  });
  return { items: await negativeItems(k.db.kysely, page.versionIds), total: page.total };
}

/** Checks that a version is the one in force of an entry on the negative list. */
function checkOnNegativeList(v: NonNullable<Awaited<ReturnType<typeof repo.findVersion>>>) {
  if (v.status !== 'published' || v.published_version !== v.version) {
    throw new AppError('INVALID_STATE', `目录版本 v${v.version} 不是现行发布版本（状态：${VERSION_STATUS_LABELS[v.status]}），不在负面清单中`, { source: ART.negativeList });
  }
  if (!onNegativeList(v.share_attr)) {
    throw new AppError('INVALID_STATE', `“${v.name}”为无条件共享，不在共享负面清单中`, { source: ART.negativeList });
  }
}

/** One version's place on the negative list with its joint review. */
export async function negativeListItem(k: Kernel, auth: AuthContext | null, versionId: string): Promise<NegativeListItem> {
  requireAuth(auth);
  const v = await repo.findVersion(k.db.kysely, versionId);
  if (!v) throw notFound('目录版本', versionId);
  checkOnNegativeList(v);
  const [item] = await negativeItems(k.db.kysely, [versionId]);
  if (!item) throw notFound('目录版本', versionId);
  return item;
}

/**
 * Signs one seat of a version's joint review (000 第十一条): a reviewer or org admin of the org
 * holding the seat, once per seat and version; disagreeing needs a comment. When the review
 * becomes confirmed or disputed, the provider is told.
 */
export async function signNegativeList(k: Kernel, authOrNull: AuthContext | null, versionId: string, body: SignoffBody): Promise<NegativeListItem> {
  const auth = requireAuth(authOrNull);
  const comment = (body.comment ?? '').trim();
  return k.db.kysely.transaction().execute(async (trx) => {
    // Read in the transaction, so a seat reassigned meanwhile is not signed by its former holder.
    const holder = await repo.seatHolder(trx, body.seat);
    requirePermission(canSignFor(auth, holder), `${SIGNOFF_NEEDS}（${SEAT_LABELS[body.seat]}）`);
    const v = await repo.findVersion(trx, versionId);
    if (!v) throw notFound('目录版本', versionId);
    checkOnNegativeList(v);
    if (body.decision === 'disagree' && comment === '') {
      throw ruleViolation({ message: '不同意纳入负面清单须说明理由（comment）', source: ART.negativeList }, [{ field: 'comment', message: '不同意须说明理由' }]);
    }
    const prior = await repo.findSignoff(trx, versionId, body.seat);
    if (prior) throw new AppError('DUPLICATE', `“${SEAT_LABELS[body.seat]}”席位已对该版本签署意见（${prior.decision === 'agree' ? '同意' : '不同意'}），每个席位只签署一次`);
    const id = randomUUID();
    await repo.insertSignoff(trx, { id, versionId, seat: body.seat, decision: body.decision, comment, userId: auth.user.id, orgId: auth.org.id, at: k.clock.now() });
    await meetNegativeSignoff(k, trx, versionId, body.seat);
    const review = jointReview(await repo.signoffsOf(trx, [versionId]));
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.negative_signoff',
      objectType: 'catalog_version',
      objectId: versionId,
      details: { entryId: v.entry_id, version: v.version, seat: body.seat, decision: body.decision, comment, state: review.state },
    });
    const settled = (review.state === 'confirmed' && body.decision === 'agree') || (review.state === 'disputed' && review.disagreed.length === 1 && body.decision === 'disagree');
    if (settled) {
      await notify(k, trx, {
        orgId: v.provider_org_id,
        kind: `catalog.negative_list_${review.state}`,
        title: review.state === 'confirmed' ? `“${v.name}”纳入共享负面清单已通过联合审查` : `“${v.name}”纳入共享负面清单的联合审查有异议`,
        body: review.state === 'confirmed' ? '全部联合审查席位同意。' : `${SEAT_LABELS[body.seat]}不同意：${comment}`,
        link: `/catalog/negative-list?version=${versionId}`,
      });
    }
    const [item] = await negativeItems(trx, [versionId]);
    if (!item) throw notFound('目录版本', versionId);
    return item;
  });
}

// ── The open catalog and positive lists (000 第十八、十九条) ──────────────────────────────────

/**
 * The provincial open catalog: published entries open unconditionally or on conditions, with
 * their conditions. Public: no sign-in needed.
 */
export async function openList(k: Kernel, q: OpenListQuery): Promise<{ items: PublicEntryView[]; total: number }> {
  const page = await repo.openListPage(k.db.kysely, {
    providerId: q.provider,
    openAttr: q.openAttr,
    priorityArea: q.priorityArea,
    category: q.category,
    limit: q.limit ?? DEFAULT_LIMIT,
    offset: q.offset ?? 0,
  });
  const views = await repo.viewsOfVersions(k.db.kysely, page.versionIds);
  return { items: page.versionIds.flatMap((id) => { const v = views.get(id); return v ? [publicEntryView(v)] : []; }), total: page.total };
}

type AreaCounts = Record<(typeof PRIORITY_AREAS)[number], number>;

export interface PositiveListSummary {
  provider: Ref;
  /** Entries on the provider's positive list. */
  total: number;
  /** Of which in at least one priority area. */
  priority: number;
  byArea: AreaCounts;
}

const areaCounts = (m: Map<string, number>): AreaCounts => ({
  industry: m.get('industry') ?? 0,
  ecology: m.get('ecology') ?? 0,
  livelihood: m.get('livelihood') ?? 0,
  business_environment: m.get('business_environment') ?? 0,
});

/** Each institution's positive list (正面清单) in figures: open entries and priority areas. Public. */
export async function positiveLists(k: Kernel): Promise<{ items: PositiveListSummary[] }> {
  const rows = await repo.positiveListSummary(k.db.kysely);
  return { items: rows.map((r) => ({ provider: { id: r.id, name: r.name }, total: r.total, priority: r.priority, byArea: areaCounts(r.areas) })) };
}

export interface PositiveListEntry extends PublicEntryView {
  /** In at least one priority area of 000 第十八条. */
  priority: boolean;
}

/**
 * One institution's positive list: its open entries, those in a priority area (产业发展、生态保护、
 * 民生保障、营商环境) flagged and first (000 第十八条). Public.
 */
export async function positiveList(
  k: Kernel,
  orgId: string,
  q: { priorityArea?: string | undefined; limit?: number | undefined; offset?: number | undefined },
): Promise<PositiveListSummary & { items: PositiveListEntry[]; matched: number }> {
  const db = k.db.kysely;
  const org = await repo.findOrg(db, orgId);
  if (!org) throw notFound('机构', orgId);
  const [summary] = await repo.positiveListSummary(db, orgId);
  const page = await repo.openListPage(db, { providerId: orgId, priorityArea: q.priorityArea, priorityFirst: true, limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 });
  const views = await repo.viewsOfVersions(db, page.versionIds);
  return {
    provider: { id: org.id, name: org.name },
    total: summary?.total ?? 0,
    priority: summary?.priority ?? 0,
    byArea: areaCounts(summary?.areas ?? new Map()),
    matched: page.total,
    items: page.versionIds.flatMap((id) => {
      const v = views.get(id);
      return v ? [{ ...publicEntryView(v), priority: v.priorityAreas.length > 0 }] : [];
    }),
  };
}

// ── The authorized-operation catalog (000 第二十七、二十八条) ─────────────────────────────────

export interface RegistrationRef {
  id: string;
  registrationCode: string;
  queryCode: string;
  version: number;
  registeredAt: string;
}

export interface OperationItemView {
  id: string;
  status: repo.OperationStatus;
  viaSharing: boolean;
  note: string;
  /** The entry at its version in force. */
  entry: EntryView | null;
  listedBy: Ref;
  createdAt: string;
  listedAt: string | null;
  /** The provider's decision when the lister had the data through sharing. */
  consent: { decision: 'give' | 'refuse'; by: Ref | null; at: string; comment: string } | null;
  /** The newest registration of this item, if any. */
  registration: RegistrationRef | null;
}

async function itemViews(db: Executor, rows: repo.ItemRow[]): Promise<OperationItemView[]> {
  const [entries, regs] = await Promise.all([repo.publishedViews(db, [...new Set(rows.map((r) => r.entry_id))]), repo.latestRegistrations(db, rows.map((r) => r.id))]);
  return rows.map((r) => {
    const reg = regs.get(r.id);
    return {
      id: r.id,
      status: r.status,
      viaSharing: r.via_sharing,
      note: r.note,
      entry: entries.get(r.entry_id) ?? null,
      listedBy: { id: r.listed_by_org, name: r.listed_by_name },
      createdAt: iso(r.created_at),
      listedAt: r.listed_at ? iso(r.listed_at) : null,
      consent: r.consent_at
        ? {
            decision: r.status === 'refused' ? 'refuse' : 'give',
            by: r.consent_by ? { id: r.consent_by, name: r.consent_by_name ?? '' } : null,
            at: iso(r.consent_at),
            comment: r.consent_comment ?? '',
          }
        : null,
      registration: reg ? { id: reg.id, registrationCode: reg.registration_code, queryCode: reg.query_code, version: reg.version, registeredAt: reg.registered_at.toISOString() } : null,
    };
  });
}

async function itemView(db: Executor, id: string): Promise<OperationItemView> {
  const row = await repo.findItem(db, id);
  if (!row) throw notFound('授权运营目录条目', id);
  const [view] = await itemViews(db, [row]);
  if (!view) throw notFound('授权运营目录条目', id);
  return view;
}

/**
 * The authorized-operation catalog. Listed items for anyone signed in; items awaiting consent,
 * refused or removed for the orgs involved (provider, lister) and the overseeing bodies.
 */
export async function operationList(k: Kernel, authOrNull: AuthContext | null, q: OperationListQuery): Promise<{ items: OperationItemView[]; total: number }> {
  const auth = requireAuth(authOrNull);
  const status = q.status ?? 'listed';
  const involvedOrgId = status === 'listed' || seesAllOperationItems(auth) ? undefined : auth.org.id;
  const page = await repo.itemPage(k.db.kysely, { status, providerId: q.provider, entryId: q.entryId, involvedOrgId, limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 });
  return { items: await itemViews(k.db.kysely, page.rows), total: page.total };
}

/** One item of the operation catalog, under the same visibility as the list. */
export async function operationItem(k: Kernel, authOrNull: AuthContext | null, itemId: string): Promise<OperationItemView> {
  const auth = requireAuth(authOrNull);
  const row = await repo.findItem(k.db.kysely, itemId);
  const visible = row && (row.status === 'listed' || seesAllOperationItems(auth) || row.provider_org_id === auth.org.id || row.listed_by_org === auth.org.id);
  if (!visible) throw notFound('授权运营目录条目', itemId);
  return itemView(k.db.kysely, itemId);
}

/** The published version in force of an entry, or a 404 / 409. */
async function publishedOrFail(db: Executor, entryId: string) {
  const pub = await repo.findPublished(db, entryId);
  if (pub) return pub;
  if (await repo.entryExists(db, entryId)) throw new AppError('INVALID_STATE', '该目录尚无发布版本：只有已发布的目录可以纳入授权运营', { source: ART.operationScope });
  throw notFound('目录', entryId);
}

/**
 * Lists an entry for authorized operation (000 第二十七条). Refused for core data and for a version
 * whose operation attribute is "no". Listed at once when the provider lists its own data; when
 * another org lists data it had through sharing, the item awaits the provider's consent.
 */
export async function listForOperation(k: Kernel, authOrNull: AuthContext | null, body: OperationListBody): Promise<OperationItemView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const pub = await publishedOrFail(trx, body.entryId);
    requirePermission(canListForOperation(auth, pub.provider_org_id), OPERATION_LIST_NEEDS);
    const refusal = operationRefusal({ grade: pub.grade, operationAttr: pub.operation_attr });
    if (refusal) throw ruleViolation(refusal);
    const byProvider = auth.org.id === pub.provider_org_id;
    const mismatch = viaSharingRefusal(body.viaSharing, byProvider);
    if (mismatch) throw ruleViolation(mismatch, [{ field: 'viaSharing', message: mismatch.message }]);
    const live = await repo.liveItemOfEntry(trx, body.entryId);
    if (live) throw new AppError('INVALID_STATE', `该目录已在授权运营目录中（${live.status === 'listed' ? '已列入' : '待数据提供单位同意'}）`);
    const id = randomUUID();
    const status = byProvider ? 'listed' : 'awaiting_consent';
    const note = (body.note ?? '').trim();
    await repo.insertItem(trx, { id, entryId: body.entryId, listedByOrg: auth.org.id, viaSharing: !byProvider, status, note, createdBy: auth.user.id, at: k.clock.now() });
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.operation_list',
      objectType: 'catalog_operation_item',
      objectId: id,
      details: { entryId: body.entryId, version: pub.published_version, viaSharing: !byProvider, status, note },
    });
    if (!byProvider) {
      await notify(k, trx, {
        orgId: pub.provider_org_id,
        kind: 'catalog.operation_consent_requested',
        title: `${auth.org.name}申请将“${pub.name}”纳入授权运营目录，待贵单位同意`,
        body: `依据 ${ART.operationScope}：通过共享获得的公共数据资源须征得数据提供单位同意后纳入授权运营范围。${note ? `说明：${note}` : ''}`,
        link: `/catalog/operation-list?status=awaiting_consent`,
      });
    }
    return itemView(trx, id);
  });
}

/**
 * The provider's consent to an item listed by another org (000 第二十七条第二款): `give` lists it,
 * `refuse` (with a reason) ends it. The lister is told either way.
 */
export async function decideConsent(k: Kernel, authOrNull: AuthContext | null, itemId: string, body: ConsentBody): Promise<OperationItemView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const item = await lockedItem(trx, itemId);
    requirePermission(canConsent(auth, item.provider_org_id), CONSENT_NEEDS);
    if (item.status !== 'awaiting_consent') throw new AppError('INVALID_STATE', `该条目不在待同意状态（当前：${OPERATION_STATUS_LABELS[item.status]}）`);
    const comment = (body.comment ?? '').trim();
    if (body.decision === 'refuse' && comment === '') {
      throw ruleViolation({ message: '不同意纳入授权运营须说明理由（comment）', source: ART.operationScope }, [{ field: 'comment', message: '不同意须说明理由' }]);
    }
    const pub = await publishedOrFail(trx, item.entry_id);
    if (body.decision === 'give') {
      // The entry may have been republished since it was listed.
      const refusal = operationRefusal({ grade: pub.grade, operationAttr: pub.operation_attr });
      if (refusal) throw ruleViolation(refusal);
    }
    const status = body.decision === 'give' ? 'listed' : 'refused';
    await repo.recordConsent(trx, itemId, { status, userId: auth.user.id, at: k.clock.now(), comment });
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.operation_consent',
      objectType: 'catalog_operation_item',
      objectId: itemId,
      details: { entryId: item.entry_id, version: pub.published_version, decision: body.decision, comment, status },
    });
    await notify(k, trx, {
      orgId: item.listed_by_org,
      kind: `catalog.operation_consent_${body.decision}`,
      title: body.decision === 'give' ? `${auth.org.name}同意“${pub.name}”纳入授权运营目录` : `${auth.org.name}不同意“${pub.name}”纳入授权运营目录`,
      body: comment,
      link: `/catalog/operation-list?status=${status}`,
    });
    return itemView(trx, itemId);
  });
}

async function lockedItem(trx: Trx, itemId: string): Promise<repo.ItemRow> {
  if (!(await repo.lockItem(trx, itemId))) throw notFound('授权运营目录条目', itemId);
  const item = await repo.findItem(trx, itemId);
  if (!item) throw notFound('授权运营目录条目', itemId);
  return item;
}

/**
 * Takes an item off the operation catalog (listed or awaiting consent), with an optional reason;
 * the other org involved is told. Its registrations stay, and their lookup shows it removed.
 */
export async function removeFromOperation(k: Kernel, authOrNull: AuthContext | null, itemId: string, reason: string | undefined): Promise<OperationItemView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const item = await lockedItem(trx, itemId);
    requirePermission(canRemove(auth, item.provider_org_id), OPERATION_REMOVE_NEEDS);
    if (item.status !== 'listed' && item.status !== 'awaiting_consent') throw new AppError('INVALID_STATE', `该条目已不在授权运营目录中（当前：${OPERATION_STATUS_LABELS[item.status]}）`);
    const why = (reason ?? '').trim();
    await repo.markRemoved(trx, itemId);
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.operation_remove',
      objectType: 'catalog_operation_item',
      objectId: itemId,
      details: { entryId: item.entry_id, from: item.status, reason: why },
    });
    for (const orgId of new Set([item.listed_by_org, item.provider_org_id])) {
      if (orgId === auth.org.id) continue;
      await notify(k, trx, { orgId, kind: 'catalog.operation_removed', title: `${auth.org.name}已将目录移出授权运营目录`, body: why, link: `/catalog/operation-list?status=removed` });
    }
    return itemView(trx, itemId);
  });
}

// ── Registration (登记, 000 第二十九条) ───────────────────────────────────────────────────────

export interface RegistrationView {
  registrationCode: string;
  queryCode: string;
  /** The catalog version registered. */
  version: number;
  registeredAt: string;
  entry: {
    id: string;
    code: string;
    name: string;
    provider: Ref;
    category: string;
    grade: string;
    format: string;
    updateFrequency: string;
    provisionMethods: string[];
    /** The version in force now (may be newer than the one registered). */
    publishedVersion: number | null;
  };
  operation: { itemId: string; status: repo.OperationStatus; listedBy: Ref };
}

async function registrationView(db: Executor, queryCode: string): Promise<RegistrationView> {
  const r = await repo.findRegistrationByQueryCode(db, queryCode);
  if (!r) throw notFound('登记查询码', queryCode);
  return {
    registrationCode: r.registration_code,
    queryCode: r.query_code,
    version: r.version,
    registeredAt: iso(r.registered_at),
    entry: {
      id: r.entry_id,
      code: r.entry_code,
      name: r.name,
      provider: { id: r.provider_id, name: r.provider_name },
      category: r.category,
      grade: r.grade,
      format: r.format,
      updateFrequency: r.update_frequency,
      provisionMethods: r.provision_methods,
      publishedVersion: r.published_version,
    },
    operation: { itemId: r.item_id, status: r.item_status, listedBy: { id: r.listed_by_id, name: r.listed_by_name } },
  };
}

async function freshQueryCode(db: Executor): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const code = queryCodeFrom(Array.from({ length: QUERY_CODE_LENGTH }, () => randomInt(QUERY_CODE_ALPHABET.length)));
    if (!(await repo.queryCodeTaken(db, code))) return code;
  }
  throw new AppError('CONFLICT', '未能生成唯一的登记查询码，请重试');
}

/**
 * Registers a listed item (000 第二十九条): only when its catalog is complete (every item 000
 * 第六条 requires is filled in) and still allows operation. Produces a uniform registration code
 * and a public query code, and records the version registered. Once per item and version.
 */
export async function register(k: Kernel, authOrNull: AuthContext | null, itemId: string): Promise<RegistrationView> {
  const auth = requireAuth(authOrNull);
  requirePermission(canRegister(auth), REGISTER_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const item = await lockedItem(trx, itemId);
    if (item.status !== 'listed') {
      throw new AppError('RULE_VIOLATION', `只有已列入授权运营目录的公共数据资源可以登记（当前状态：${OPERATION_STATUS_LABELS[item.status]}）`, { source: ART.registration });
    }
    const pub = await repo.findPublished(trx, item.entry_id);
    const view = pub ? (await repo.viewsOfVersions(trx, [pub.version_id])).get(pub.version_id) : undefined;
    if (!pub || pub.published_version === null || !view) throw new AppError('RULE_VIOLATION', '目录尚无发布版本，不能登记', { source: ART.registration });
    const refusal = operationRefusal({ grade: view.grade, operationAttr: view.operationAttr });
    if (refusal) throw ruleViolation(refusal);
    const gaps = catalogGaps(view);
    if (gaps.length > 0) {
      throw new AppError('RULE_VIOLATION', `目录信息不完整，不能登记：缺少${gaps.map((g) => g.label).join('、')}（${ART.fields}）`, {
        source: ART.registration,
        fields: gaps.map((g) => ({ field: g.field, message: '必填' })),
      });
    }
    const version = pub.published_version;
    const prior = await repo.findRegistration(trx, itemId, version);
    if (prior) throw new AppError('DUPLICATE', `该条目的 v${version} 版本已登记：${prior.registration_code}`);
    const now = k.clock.now();
    const year = Number(beijingDate(now).slice(0, 4));
    const prefix = registrationPrefix(k.profile.region.code, year);
    const code = registrationCode(k.profile.region.code, year, await repo.nextRegistrationSeq(trx, prefix));
    const queryCode = await freshQueryCode(trx);
    const id = randomUUID();
    await repo.insertRegistration(trx, { id, entryId: item.entry_id, itemId, registrationCode: code, queryCode, version, userId: auth.user.id, at: now });
    await audit(k, trx, actorOf(auth), {
      action: 'catalog.register',
      objectType: 'catalog_registration',
      objectId: id,
      details: { itemId, entryId: item.entry_id, version, registrationCode: code, queryCode },
    });
    for (const orgId of new Set([item.provider_org_id, item.listed_by_org])) {
      if (orgId === auth.org.id) continue;
      await notify(k, trx, { orgId, kind: 'catalog.registered', title: `“${view.name}”已登记：${code}`, body: `查询码 ${queryCode}`, link: `/catalog/registrations/${queryCode}` });
    }
    return registrationView(trx, queryCode);
  });
}

/** Public lookup of a registration by its query code (no sign-in). */
export async function lookupRegistration(k: Kernel, queryCode: string): Promise<RegistrationView> {
  return registrationView(k.db.kysely, normalizeQueryCode(queryCode));
}
