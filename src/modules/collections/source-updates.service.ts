/**
 * "基础数据库、主题数据库的数据应当动态更新，并在数据更新后一日内向省大数据公共服务平台归集"
 * (000 第十条). The provider declares that an entry's data changed in its own system; that opens a
 * one-day duty on the ledger, met by the entry's next committed load.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { meetDuty, openDuty } from '../../kernel/deadlines.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { ART_COLLECTIONS, canDeclareSourceUpdate, canRead, DECLARE_NEEDS, KIND_LABELS, READ_NEEDS, SOURCE_UPDATE_CASE, SOURCE_UPDATE_DAYS, SOURCE_UPDATE_DUTY } from './rules.js';
import type { SourceUpdateBody } from './schema.js';
import * as repo from './repo.js';

export interface SourceUpdateView {
  id: string;
  entryId: string;
  updatedAt: string;
  note: string | null;
  declaredAt: string;
  metLoadId: string | null;
  metAt: string | null;
  duty: { id: string; dueDate: string | null; dueAt: string | null; status: string; overdue: boolean; source: string } | null;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function view(k: Kernel, r: Awaited<ReturnType<typeof repo.listSourceUpdates>>[number]): SourceUpdateView {
  const now = k.clock.now().getTime();
  return {
    id: r.id,
    entryId: r.entry_id,
    updatedAt: new Date(r.updated_at).toISOString(),
    note: r.note,
    declaredAt: new Date(r.declared_at).toISOString(),
    metLoadId: r.met_load_id,
    metAt: iso(r.met_at),
    duty: r.duty_id
      ? {
          id: r.duty_id,
          dueDate: r.due_date,
          dueAt: iso(r.due_at),
          status: r.duty_status ?? 'open',
          overdue: r.duty_status === 'open' && r.due_at !== null && new Date(r.due_at).getTime() <= now,
          source: r.source ?? ART_COLLECTIONS,
        }
      : null,
  };
}

/**
 * Declares a change at the source of an entry of a base or theme database (000 第十条): opens a
 * duty to aggregate it by 24:00 of the next Beijing day after `updatedAt`.
 *
 * An entry in no base or theme database is refused: the one-day rule is 第十条's, for those
 * databases only; other entries are held to their update frequency by the timeliness duty
 * (000 第八条), so a declaration there would add a deadline the regulation does not set.
 */
export async function declareSourceUpdate(k: Kernel, auth: AuthContext, entryId: string, body: SourceUpdateBody): Promise<SourceUpdateView & { collections: Array<{ code: string; name: string; kind: string }> }> {
  const [e] = await repo.entriesOf(k.db.kysely, [entryId]);
  if (!e) throw notFound('目录', entryId);
  requirePermission(canDeclareSourceUpdate(auth, e), DECLARE_NEEDS);
  if (e.published_version === null) throw new AppError('INVALID_STATE', '目录尚未发布，不能登记数据更新', { source: ART_COLLECTIONS });
  const updatedAt = new Date(body.updatedAt);
  const now = k.clock.now();
  if (Number.isNaN(updatedAt.getTime())) throw new AppError('VALIDATION', '更新时间（updatedAt）格式不正确', { fields: [{ field: 'updatedAt', message: '格式不正确' }] });
  if (updatedAt.getTime() > now.getTime()) {
    throw new AppError('VALIDATION', '更新时间（updatedAt）不能晚于当前时间：请在数据实际更新后登记', { fields: [{ field: 'updatedAt', message: '不能晚于当前时间' }] });
  }
  const collections = await repo.collectionsOfEntry(k.db.kysely, entryId);
  if (collections.length === 0) {
    throw new AppError('RULE_VIOLATION', `目录「${e.name}」未纳入基础数据库或主题数据库，不适用“数据更新后一日内归集”的要求；请按目录的更新频率汇聚数据（000 第八条）`, {
      source: ART_COLLECTIONS,
    });
  }
  const names = collections.map((c) => `${c.name}（${KIND_LABELS[c.kind]}）`).join('、');
  const id = randomUUID();
  const note = body.note?.trim() || null;
  await k.db.kysely.transaction().execute(async (trx) => {
    await repo.insertSourceUpdate(trx, { id, entry_id: entryId, updated_at: updatedAt, note, declared_by: auth.user.id, declared_org: auth.org.id, declared_at: now, met_load_id: null, met_at: null });
    const duty = await openDuty(k, trx, {
      caseType: SOURCE_UPDATE_CASE,
      caseId: id,
      duty: SOURCE_UPDATE_DUTY,
      title: `数据更新后一日内归集：${e.name}（${names}）`,
      ownerOrgId: e.provider_org_id,
      supervisorOrgId: await repo.platformOperatorOrg(trx, k.profile.region.code),
      link: `/catalog/entries/${entryId}`,
      source: ART_COLLECTIONS,
      workingDays: null,
      calendarDays: SOURCE_UPDATE_DAYS,
      startedAt: updatedAt,
    });
    await audit(k, trx, actorOf(auth), {
      action: 'collection.source_update',
      objectType: 'catalog_entry',
      objectId: entryId,
      details: { sourceUpdateId: id, updatedAt: updatedAt.toISOString(), note, dutyId: duty.id, dueAt: duty.due_at?.toISOString() ?? null, collections: collections.map((c) => c.code) },
    });
  });
  const [row] = (await repo.listSourceUpdates(k.db.kysely, entryId)).filter((r) => r.id === id);
  if (!row) throw notFound('数据更新登记', id);
  return { ...view(k, row), collections: collections.map((c) => ({ code: c.code, name: c.name, kind: c.kind })) };
}

/** An entry's declared changes at the source, newest first, with their duties. */
export async function listSourceUpdates(k: Kernel, auth: AuthContext, entryId: string): Promise<{ items: SourceUpdateView[] }> {
  requirePermission(canRead(auth), READ_NEEDS);
  const [e] = await repo.entriesOf(k.db.kysely, [entryId]);
  if (!e) throw notFound('目录', entryId);
  return { items: (await repo.listSourceUpdates(k.db.kysely, entryId)).map((r) => view(k, r)) };
}

/**
 * In the commit transaction of a load of the entry: every change declared before the commit is
 * now aggregated; its duty is met and the declaration linked to the load. Returns how many.
 */
export async function meetSourceUpdates(k: Kernel, trx: Trx, entryId: string, loadId: string, at: Date): Promise<number> {
  const pending = await repo.pendingSourceUpdates(trx, entryId, at);
  for (const p of pending) await meetDuty(k, trx, SOURCE_UPDATE_CASE, p.id, SOURCE_UPDATE_DUTY);
  await repo.markSourceUpdatesMet(
    trx,
    pending.map((p) => p.id),
    loadId,
    at,
  );
  return pending.length;
}
