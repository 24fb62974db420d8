/** In-app notifications to an org (and optionally one of its users). */
import { randomUUID } from 'node:crypto';
import type { Kernel } from './context.js';
import type { Executor, Trx } from './db.js';

export interface NotificationInput {
  orgId: string;
  userId?: string | null;
  kind: string;
  title: string;
  body?: string;
  link?: string | null;
}

export async function notify(k: Pick<Kernel, 'clock'>, trx: Trx, n: NotificationInput): Promise<void> {
  await trx
    .insertInto('notifications')
    .values({
      id: randomUUID(),
      org_id: n.orgId,
      user_id: n.userId ?? null,
      kind: n.kind,
      title: n.title,
      body: n.body ?? '',
      link: n.link ?? null,
      created_at: k.clock.now(),
      read_at: null,
    })
    .execute();
}

/** Notifications addressed to the org as a whole or to this user, newest first. */
export async function listNotifications(db: Executor, orgId: string, userId: string | null, limit = 100) {
  let q = db.selectFrom('notifications').selectAll().where('org_id', '=', orgId);
  q = userId ? q.where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)])) : q.where('user_id', 'is', null);
  const rows = await q.orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    link: r.link,
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at?.toISOString() ?? null,
  }));
}

export async function markRead(k: Pick<Kernel, 'clock'>, db: Executor, orgId: string, userId: string | null, id: string | null): Promise<number> {
  let q = db.updateTable('notifications').set({ read_at: k.clock.now() }).where('org_id', '=', orgId).where('read_at', 'is', null);
  q = userId ? q.where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)])) : q;
  if (id) q = q.where('id', '=', id);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
