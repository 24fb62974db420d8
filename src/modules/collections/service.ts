/**
 * Base and theme databases (基础数据库、主题数据库, 000 第十条): named collections of catalog entries
 * that the platform operator curates, read by every org that browses the catalog, each member
 * shown with how fresh its aggregated data is (last load, live rows, next due, overdue) and its
 * latest quality score.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Actor, Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { ART_COLLECTIONS, assertCollection, canManage, canRead, isFresh, isOverdue, KIND_LABELS, MANAGE_NEEDS, nextDue, READ_NEEDS } from './rules.js';
import type { CreateBody, MembersBody, UpdateBody } from './schema.js';
import type { CollectionKind } from './tables.js';
import * as repo from './repo.js';

export interface MemberView {
  entryId: string;
  code: string;
  name: string;
  provider: { id: string; name: string };
  published: boolean;
  updateFrequency: string;
  addedAt: string;
  /** The last committed load; null when never loaded. */
  lastLoadAt: string | null;
  /** Rows of the live dataset version; null when never loaded. */
  liveRows: number | null;
  /** The soonest due of the open timeliness and source-update duties. */
  nextDueAt: string | null;
  overdue: boolean;
  fresh: boolean;
  /** Declared changes at the source not yet aggregated. */
  pendingSourceUpdates: number;
  /** Latest overall quality score in [0, 1] (000 第四十一条). */
  qualityOverall: number | null;
  qualityAt: string | null;
}

export interface CollectionSummary {
  id: string;
  code: string;
  kind: CollectionKind;
  kindLabel: string;
  name: string;
  description: string;
  leads: Array<{ id: string; name: string }>;
  memberCount: number;
  /** Members loaded at least once. */
  loadedCount: number;
  freshCount: number;
  overdueCount: number;
  /** freshCount / memberCount; null without members. */
  freshShare: number | null;
  /** The average of the members' latest overall quality scores; null when none is scored. */
  averageQuality: number | null;
  updatedAt: string;
}

export interface CollectionDetail extends CollectionSummary {
  members: MemberView[];
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The member views of the given entries, keyed by entry id. */
async function memberViews(k: Kernel, db: Executor, members: ReadonlyArray<{ entry_id: string; added_at: Date }>): Promise<Map<string, MemberView>> {
  const ids = [...new Set(members.map((m) => m.entry_id))];
  const [entries, loads, rows, quality, duties] = await Promise.all([
    repo.entriesOf(db, ids),
    repo.lastLoads(db, ids),
    repo.liveRows(db, ids),
    repo.latestQuality(db, ids),
    repo.openDuties(db, ids),
  ]);
  const lastLoad = new Map(loads.map((l) => [l.entry_id, l.at ? new Date(l.at) : null]));
  const live = new Map(rows.map((r) => [r.entry_id, r.rows]));
  const score = new Map(quality.map((q) => [q.entry_id, q]));
  const now = k.clock.now();
  const addedAt = new Map(members.map((m) => [m.entry_id, m.added_at]));
  const out = new Map<string, MemberView>();
  for (const e of entries) {
    const open = duties.filter((d) => d.entry_id === e.id);
    const f = { lastLoadAt: lastLoad.get(e.id) ?? null, openDuties: open };
    const q = score.get(e.id);
    out.set(e.id, {
      entryId: e.id,
      code: e.code,
      name: e.name,
      provider: { id: e.provider_org_id, name: e.provider_name },
      published: e.published_version !== null,
      updateFrequency: e.update_frequency,
      addedAt: iso(addedAt.get(e.id)) ?? now.toISOString(),
      lastLoadAt: iso(f.lastLoadAt),
      liveRows: live.get(e.id) ?? null,
      nextDueAt: iso(nextDue(f)),
      overdue: isOverdue(f, now),
      fresh: isFresh(f, now),
      pendingSourceUpdates: open.filter((d) => d.case_type !== 'ingest_timeliness').length,
      qualityOverall: q?.overall ?? null,
      qualityAt: iso(q?.at),
    });
  }
  return out;
}

function summary(c: repo.CollectionRow, leads: Array<{ id: string; name: string }>, members: readonly MemberView[]): CollectionSummary {
  const fresh = members.filter((m) => m.fresh).length;
  const scored = members.map((m) => m.qualityOverall).filter((v): v is number => v !== null);
  return {
    id: c.id,
    code: c.code,
    kind: c.kind,
    kindLabel: KIND_LABELS[c.kind],
    name: c.name,
    description: c.description,
    leads,
    memberCount: members.length,
    loadedCount: members.filter((m) => m.lastLoadAt !== null).length,
    freshCount: fresh,
    overdueCount: members.filter((m) => m.overdue).length,
    freshShare: members.length ? Math.round((fresh / members.length) * 10_000) / 10_000 : null,
    averageQuality: scored.length ? Math.round((scored.reduce((a, b) => a + b, 0) / scored.length) * 10_000) / 10_000 : null,
    updatedAt: new Date(c.updated_at).toISOString(),
  };
}

async function details(k: Kernel, db: Executor, rows: readonly repo.CollectionRow[]): Promise<CollectionDetail[]> {
  const ids = rows.map((c) => c.id);
  const [leads, members] = await Promise.all([repo.leadsOf(db, ids), repo.membersOf(db, ids)]);
  const views = await memberViews(k, db, members);
  return rows.map((c) => {
    const mine = members
      .filter((m) => m.collection_id === c.id)
      .map((m) => views.get(m.entry_id))
      .filter((m): m is MemberView => m !== undefined)
      .sort((a, b) => a.provider.name.localeCompare(b.provider.name, 'zh') || a.code.localeCompare(b.code));
    const l = leads.filter((x) => x.collection_id === c.id).map((x) => ({ id: x.id, name: x.name }));
    return { ...summary(c, l, mine), members: mine };
  });
}

/** The base and theme databases with member counts and a freshness summary (base first). */
export async function listCollections(k: Kernel, auth: AuthContext, query: { kind?: CollectionKind | undefined } = {}): Promise<{ items: CollectionSummary[] }> {
  requirePermission(canRead(auth), READ_NEEDS);
  const all = await details(k, k.db.kysely, await repo.listCollections(k.db.kysely, query.kind));
  return { items: all.map(({ members: _members, ...s }) => s) };
}

/** One collection with its members' freshness, next due, overdue flag and quality score. */
export async function getCollection(k: Kernel, auth: AuthContext, code: string): Promise<CollectionDetail> {
  requirePermission(canRead(auth), READ_NEEDS);
  return collectionDetail(k, k.db.kysely, code);
}

async function collectionDetail(k: Kernel, db: Executor, code: string): Promise<CollectionDetail> {
  const c = await repo.findByCode(db, code);
  if (!c) throw notFound('基础库或主题库', code);
  const [d] = await details(k, db, [c]);
  if (!d) throw notFound('基础库或主题库', code);
  return d;
}

async function checkLeads(db: Executor, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = await repo.existingOrgs(db, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new AppError('VALIDATION', `牵头单位不存在：${missing.join('、')}`, { fields: missing.map(() => ({ field: 'leadOrgIds', message: '机构不存在' })) });
  }
  return unique;
}

/** Creates a base or theme database (platform operator), audited. */
export async function createCollection(k: Kernel, auth: AuthContext, body: CreateBody): Promise<CollectionDetail> {
  requirePermission(canManage(auth), MANAGE_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const c = await insertCollection(k, trx, actorOf(auth), body);
    return collectionDetail(k, trx, c.code);
  });
}

/** The transition behind `createCollection`, in its transaction, with its audit event. */
async function insertCollection(k: Kernel, trx: Trx, actor: Actor, body: CreateBody): Promise<{ id: string; code: string }> {
  const name = body.name.trim();
  assertCollection({ ...body, name }, true);
  if (await repo.findByCode(trx, body.code)) throw new AppError('DUPLICATE', `编码已被使用：${body.code}`, { fields: [{ field: 'code', message: '编码已被使用' }] });
  if (await repo.nameTaken(trx, name)) throw new AppError('DUPLICATE', `名称已被使用：${name}`, { fields: [{ field: 'name', message: '名称已被使用' }] });
  const leads = await checkLeads(trx, body.leadOrgIds ?? []);
  const id = randomUUID();
  const now = k.clock.now();
  await repo.insertCollection(trx, { id, code: body.code, kind: body.kind, name, description: body.description?.trim() ?? '', created_at: now, updated_at: now });
  await repo.setLeads(trx, id, leads);
  await audit(k, trx, actor, { action: 'collection.create', objectType: 'collection', objectId: id, details: { code: body.code, kind: body.kind, name, leadOrgIds: leads } });
  return { id, code: body.code };
}

/** Edits a collection's name, description or lead orgs (platform operator), audited. */
export async function updateCollection(k: Kernel, auth: AuthContext, code: string, body: UpdateBody): Promise<CollectionDetail> {
  requirePermission(canManage(auth), MANAGE_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const c = await repo.lockByCode(trx, code);
    if (!c) throw notFound('基础库或主题库', code);
    const name = body.name?.trim();
    assertCollection({ name }, false);
    if (name !== undefined && (await repo.nameTaken(trx, name, c.id))) throw new AppError('DUPLICATE', `名称已被使用：${name}`, { fields: [{ field: 'name', message: '名称已被使用' }] });
    const now = k.clock.now();
    await repo.updateCollection(trx, c.id, {
      ...(name !== undefined ? { name } : {}),
      ...(body.description !== undefined ? { description: body.description.trim() } : {}),
      updated_at: now,
    });
    const leads = body.leadOrgIds ? await checkLeads(trx, body.leadOrgIds) : undefined;
    if (leads) await repo.setLeads(trx, c.id, leads);
    await audit(k, trx, actorOf(auth), {
      action: 'collection.update',
      objectType: 'collection',
      objectId: c.id,
      details: { code, ...(name !== undefined ? { name } : {}), ...(body.description !== undefined ? { description: body.description } : {}), ...(leads ? { leadOrgIds: leads } : {}) },
    });
    return collectionDetail(k, trx, code);
  });
}

/** Adds published catalog entries to a collection (platform operator); each addition audited. */
export async function addMembers(k: Kernel, auth: AuthContext, code: string, body: MembersBody): Promise<CollectionDetail> {
  requirePermission(canManage(auth), MANAGE_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    await insertMembers(k, trx, actorOf(auth), code, body.entryIds);
    return collectionDetail(k, trx, code);
  });
}

/**
 * The transition behind `addMembers`, in its transaction, one audit event per entry added. Only
 * published entries join: a collection gathers data that is aggregated.
 */
async function insertMembers(k: Kernel, trx: Trx, actor: Actor, code: string, entryIds: readonly string[]): Promise<number> {
  const c = await repo.lockByCode(trx, code);
  if (!c) throw notFound('基础库或主题库', code);
  const unique = [...new Set(entryIds)];
  const entries = new Map((await repo.entriesOf(trx, unique)).map((e) => [e.id, e]));
  const missing = unique.filter((id) => !entries.has(id));
  if (missing.length > 0) throw notFound('目录', missing.join('、'));
  const unpublished = unique.map((id) => entries.get(id)).filter((e) => e && e.published_version === null);
  if (unpublished.length > 0) {
    throw new AppError('RULE_VIOLATION', `目录尚未发布，不能纳入${KIND_LABELS[c.kind]}：${unpublished.map((e) => e?.name).join('、')}`, { source: ART_COLLECTIONS });
  }
  const now = k.clock.now();
  let added = 0;
  for (const id of unique) {
    if (!(await repo.addMember(trx, { collection_id: c.id, entry_id: id, added_at: now, added_by: actor.userId ?? null }))) continue;
    added++;
    await audit(k, trx, actor, { action: 'collection.member_add', objectType: 'collection', objectId: c.id, details: { code, entryId: id, entryName: entries.get(id)?.name ?? null } });
  }
  if (added > 0) await repo.updateCollection(trx, c.id, { updated_at: now });
  return added;
}

/** Removes an entry from a collection (platform operator), audited. */
export async function removeMember(k: Kernel, auth: AuthContext, code: string, entryId: string): Promise<CollectionDetail> {
  requirePermission(canManage(auth), MANAGE_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const c = await repo.lockByCode(trx, code);
    if (!c) throw notFound('基础库或主题库', code);
    if (!(await repo.removeMember(trx, c.id, entryId))) throw notFound(`「${c.name}」的成员目录`, entryId);
    await repo.updateCollection(trx, c.id, { updated_at: k.clock.now() });
    await audit(k, trx, actorOf(auth), { action: 'collection.member_remove', objectType: 'collection', objectId: c.id, details: { code, entryId } });
    return collectionDetail(k, trx, code);
  });
}
