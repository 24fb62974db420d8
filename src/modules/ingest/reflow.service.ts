/**
 * Reflow (数据回流, 000 第九条): an upper-level institution's entry, collected through a vertical
 * system, flows back to lower-level institutions by territory. The provider (or the platform
 * administrator) subscribes a lower-level institution to the rows of its region; every committed
 * load then records a delivery per active subscription and notifies the subscriber, who reads the
 * rows of its region from that version while the version is kept. Every read is audited.
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { audit } from '../../kernel/audit.js';
import { actorOf, hasUserRole, isPlatformAdmin, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { notify } from '../../kernel/notifications.js';
import * as catalogRepo from '../catalog/repo.js';
import type { CatalogField } from '../catalog/tables.js';
import type { CommittedLoad } from './hooks.js';
import { ART_REFLOW, CARRIER_LABELS, carrierOf, checkTerritory, regionCarrierFields, regionRelation, type RegionCarrier } from './reflow.js';
import * as repo from './reflow.repo.js';
import type { CancelBody, DeliveryRows, DeliveryView, ReflowOptions, SubscriptionBody, SubscriptionQuery, SubscriptionView } from './reflow.schema.js';
import * as ingestRepo from './repo.js';

/** The purpose recorded on every read of reflowed rows. */
const READ_PURPOSE = '数据回流：按属地原则接收上级机构回流的本辖区数据（000 第九条）';
const MANAGE_NEEDS = '目录提供单位的机构管理员或数据工作机构负责人，或平台管理员';
const READ_NEEDS = '回流订阅单位或目录提供单位的用户';
const CSV_PAGE = 1000;

// ── Who may do what (000 第九条: the upper-level institution reflows to the lower-level one) ──

/** The provider org's org_admin or data_officer, or the platform administrator, sets up and cancels reflow. */
function mayManage(auth: AuthContext, providerOrgId: string): boolean {
  return isPlatformAdmin(auth) || (auth.org.id === providerOrgId && (hasUserRole(auth, 'org_admin') || hasUserRole(auth, 'data_officer')));
}

/** Both parties' users and the platform administrator see a subscription and its deliveries. */
function maySee(auth: AuthContext, s: { provider_org_id: string; subscriber_org_id: string }): boolean {
  return isPlatformAdmin(auth) || auth.org.id === s.provider_org_id || auth.org.id === s.subscriber_org_id;
}

/** The delivered rows are read by the subscriber (and its provider, whose data they are). */
function mayReadRows(auth: AuthContext, s: { provider_org_id: string; subscriber_org_id: string }): boolean {
  return auth.org.id === s.subscriber_org_id || auth.org.id === s.provider_org_id;
}

// ── Views ──

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function deliveryView(d: repo.DeliveryListRow, latestId: string | null): DeliveryView {
  return {
    id: d.id,
    subscriptionId: d.subscription_id,
    entryId: d.entry_id,
    loadId: d.load_id,
    versionNo: d.version_no,
    rowsDelivered: d.rows_delivered,
    problem: d.problem,
    at: new Date(d.at).toISOString(),
    available: Boolean(d.table_name) && !d.dropped_at && !d.problem,
    latest: d.id === latestId,
  };
}

async function subscriptionViews(db: Executor, auth: AuthContext, rows: repo.SubscriptionListRow[]): Promise<SubscriptionView[]> {
  const summaries = await repo.deliverySummaries(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((s) => {
    const sum = summaries.get(s.id);
    return {
      id: s.id,
      entry: { id: s.entry_id, code: s.entry_code, name: s.entry_name },
      provider: { id: s.provider_org_id, name: s.provider_name },
      subscriber: { id: s.subscriber_org_id, name: s.subscriber_name, regionCode: s.subscriber_region.trim() },
      regionField: { name: s.region_field, label: s.region_field_label },
      carrier: s.carrier,
      regionCode: s.region_code.trim(),
      regionName: s.region_name,
      status: s.status,
      createdAt: new Date(s.created_at).toISOString(),
      createdBy: s.created_by_name,
      cancelledAt: iso(s.cancelled_at),
      cancelReason: s.cancel_reason,
      deliveries: sum?.count ?? 0,
      lastDelivery: sum ? deliveryView(sum.last, sum.last.id) : null,
      mayCancel: s.status === 'active' && mayManage(auth, s.provider_org_id),
    };
  });
}

async function subscriptionView(db: Executor, auth: AuthContext, id: string): Promise<SubscriptionView> {
  const [row] = await repo.listSubscriptions(db, { ids: [id] });
  if (!row) throw notFound('回流订阅', id);
  const [view] = await subscriptionViews(db, auth, [row]);
  if (!view) throw notFound('回流订阅', id);
  return view;
}

// ── Delivery ──

interface LandedVersion {
  loadId: string;
  versionNo: number;
  /** The dataset table of the version (bare or `datasets.`-qualified). */
  tableName: string;
  /** The published data items the version was loaded with. */
  fields: readonly CatalogField[];
  at: Date;
}

/**
 * Records one delivery of a version to a subscription (000 第九条: 及时、完整、准确地回流): counts
 * the version's rows in the subscriber's region, notifies the subscriber, and audits. When the
 * region field is no longer a region carrier of the entry, the delivery records why nothing could
 * be delivered and the provider is told too.
 */
async function deliver(k: Kernel, trx: Trx, s: repo.SubscriptionRow, v: LandedVersion, auth: AuthContext | null, entryName: string): Promise<void> {
  const field = v.fields.find((f) => f.name === s.region_field);
  const carrier = field ? carrierOf(field) : null;
  const problem =
    field && carrier === s.carrier
      ? null
      : `数据项「${s.region_field_label}」（${s.region_field}）已不在目录的数据项中或不再是${CARRIER_LABELS[s.carrier]}，本次未能按属地回流；请提供单位调整回流订阅`;
  const regionCode = s.region_code.trim();
  const rows = problem ? 0 : await repo.countInRegion(trx, v.tableName, s.region_field, s.carrier, regionCode);
  const id = crypto.randomUUID();
  await repo.insertDelivery(trx, { id, subscription_id: s.id, entry_id: s.entry_id, load_id: v.loadId, version_no: v.versionNo, rows_delivered: rows, problem, at: v.at });
  await notify(k, trx, {
    orgId: s.subscriber_org_id,
    kind: 'reflow.delivered',
    title: problem ? `数据回流未能送达：${entryName}` : `数据回流：${entryName} 第 ${v.versionNo} 版`,
    body: problem ?? `本辖区（${regionCode}）数据 ${rows} 行已回流，可在“数据回流”中查看（000 第九条）。`,
    link: `/reflow?subscription=${s.id}`,
  });
  if (problem) {
    await notify(k, trx, { orgId: s.provider_org_id, kind: 'reflow.problem', title: `数据回流未能送达：${entryName}`, body: problem, link: `/catalog/entries/${s.entry_id}` });
  }
  await audit(k, trx, auth ? actorOf(auth) : SYSTEM_ACTOR, {
    action: 'reflow.deliver',
    objectType: 'reflow_subscription',
    objectId: s.id,
    details: { deliveryId: id, entryId: s.entry_id, subscriberOrgId: s.subscriber_org_id, loadId: v.loadId, versionNo: v.versionNo, regionCode, rows, ...(problem ? { problem } : {}) },
  });
}

async function entryNameOf(db: Executor, entryId: string): Promise<string> {
  const entry = await catalogRepo.findEntry(db, entryId);
  const v = entry?.published_version ? await catalogRepo.findVersion(db, entryId, entry.published_version) : undefined;
  return v?.name ?? entry?.code ?? entryId;
}

/**
 * Called in the commit transaction of every load (src/modules/ingest/hooks.ts): one delivery per
 * active subscription of the entry, so reflow happens as each load lands.
 */
export async function deliverReflow(k: Kernel, trx: Trx, load: CommittedLoad): Promise<void> {
  const subs = await repo.activeSubscriptionsOf(trx, load.entryId);
  if (subs.length === 0) return;
  const name = await entryNameOf(trx, load.entryId);
  for (const s of subs) {
    await deliver(k, trx, s, { loadId: load.loadId, versionNo: load.versionNo, tableName: load.tableName, fields: load.fields, at: load.at }, load.auth, name);
  }
}

// ── Use cases ──

async function entryOf(db: Executor, entryId: string) {
  const entry = await catalogRepo.findEntry(db, entryId);
  if (!entry) throw notFound('目录', entryId);
  return entry;
}

/** What the provider chooses from when setting up reflow: region fields, lower-level institutions, regions. */
export async function reflowOptions(k: Kernel, auth: AuthContext, entryId: string): Promise<ReflowOptions> {
  const db = k.db.kysely;
  const entry = await entryOf(db, entryId);
  requirePermission(mayManage(auth, entry.provider_org_id), MANAGE_NEEDS);
  const published = entry.published_version ? await catalogRepo.findVersion(db, entryId, entry.published_version) : undefined;
  const provider = await repo.findOrg(db, entry.provider_org_id);
  if (!provider) throw notFound('机构', entry.provider_org_id);
  const providerRegion = provider.region_code.trim();
  const tree = await repo.regionTree(db);
  const below = (code: string) => regionRelation(code, providerRegion, tree.parentOf) === 'below';
  const orgs = (await repo.institutionOrgs(db)).filter((o) => o.id !== provider.id && below(o.region_code.trim()));
  return {
    entry: { id: entry.id, code: entry.code, name: published?.name ?? null, published: Boolean(published) },
    provider: { id: provider.id, name: provider.name, regionCode: providerRegion, regionName: tree.names.get(providerRegion) ?? null },
    regionFields: published ? regionCarrierFields(published.fields).map(({ field, carrier }) => ({ name: field.name, label: field.label, carrier, carrierLabel: CARRIER_LABELS[carrier] })) : [],
    orgs: orgs.map((o) => ({ id: o.id, name: o.name, regionCode: o.region_code.trim(), regionName: tree.names.get(o.region_code.trim()) ?? null })),
    regions: [...tree.parentOf.keys()]
      .filter(below)
      .sort()
      .map((code) => ({ code, name: tree.names.get(code) ?? code, parentCode: tree.parentOf.get(code) ?? null, level: tree.levels.get(code) ?? 3 })),
  };
}

/**
 * Sets up reflow of an entry to a lower-level institution (000 第九条). Refused unless the entry is
 * published, the field carries the territory, the subscriber is a public institution whose region
 * lies strictly below the provider's, and the region delivered lies within the subscriber's. When
 * the entry already has a live version, it is delivered at once.
 */
export async function createSubscription(k: Kernel, auth: AuthContext, body: SubscriptionBody): Promise<SubscriptionView> {
  const db = k.db.kysely;
  const entry = await entryOf(db, body.entryId);
  requirePermission(mayManage(auth, entry.provider_org_id), MANAGE_NEEDS);
  const published = entry.published_version ? await catalogRepo.findVersion(db, entry.id, entry.published_version) : undefined;
  if (!published) throw new AppError('RULE_VIOLATION', '目录尚未发布，不能设立数据回流：回流的数据以已发布目录的数据项为准', { source: ART_REFLOW });

  const field = published.fields.find((f) => f.name === body.regionField);
  if (!field) {
    throw new AppError('RULE_VIOLATION', `目录没有数据项「${body.regionField}」`, { source: ART_REFLOW, fields: [{ field: 'regionField', message: '目录没有这个数据项' }] });
  }
  const carrier: RegionCarrier | null = carrierOf(field);
  if (!carrier) {
    const message = `数据项「${field.label}」不承载属地：按属地回流须选择行政区划代码、公民身份号码或统一社会信用代码类的数据项`;
    throw new AppError('RULE_VIOLATION', message, { source: ART_REFLOW, fields: [{ field: 'regionField', message }] });
  }

  const subscriber = await repo.findOrg(db, body.subscriberOrgId);
  if (!subscriber) throw notFound('机构', body.subscriberOrgId);
  if (subscriber.id === entry.provider_org_id) throw new AppError('RULE_VIOLATION', '不能向提供单位自身回流', { source: ART_REFLOW });
  if (subscriber.kind !== 'organization' || !subscriber.roles.includes('institution')) {
    const message = `「${subscriber.name}」不是公共管理和服务机构：数据回流只向下级公共管理和服务机构`;
    throw new AppError('RULE_VIOLATION', message, { source: ART_REFLOW, fields: [{ field: 'subscriberOrgId', message }] });
  }
  const provider = await repo.findOrg(db, entry.provider_org_id);
  if (!provider) throw notFound('机构', entry.provider_org_id);

  const tree = await repo.regionTree(db);
  const subscriberRegion = subscriber.region_code.trim();
  const regionCode = body.regionCode ?? subscriberRegion;
  if (!tree.parentOf.has(regionCode)) {
    throw new AppError('INVALID_CODE', `行政区划代码不存在（GB/T 2260）：${regionCode}`, { fields: [{ field: 'regionCode', message: '行政区划代码不存在' }] });
  }
  const territory = checkTerritory({ providerRegion: provider.region_code.trim(), subscriberRegion, regionCode }, tree.parentOf, tree.names);
  if (!territory.ok) {
    const at = territory.code === 'beyond_subscriber' ? 'regionCode' : 'subscriberOrgId';
    throw new AppError('RULE_VIOLATION', territory.message, { source: ART_REFLOW, fields: [{ field: at, message: territory.message }], details: { rule: territory.code } });
  }

  const id = crypto.randomUUID();
  await db.transaction().execute(async (trx) => {
    // Serialises with the entry's load commits, so no load lands between this and the first delivery.
    await ingestRepo.lockEntryData(trx, entry.id);
    const dup = await repo.findActiveDuplicate(trx, { entryId: entry.id, subscriberOrgId: subscriber.id, regionField: field.name, regionCode });
    if (dup) throw new AppError('DUPLICATE', `「${subscriber.name}」已有本目录按「${field.label}」回流 ${regionCode} 的有效订阅`, { details: { subscriptionId: dup.id } });
    const now = k.clock.now();
    const row = {
      id,
      entry_id: entry.id,
      provider_org_id: entry.provider_org_id,
      subscriber_org_id: subscriber.id,
      region_field: field.name,
      region_field_label: field.label,
      carrier,
      region_code: regionCode,
      status: 'active' as const,
      created_by: auth.user.id,
      created_by_org_id: auth.org.id,
      created_at: now,
      cancelled_by: null,
      cancelled_at: null,
      cancel_reason: null,
    };
    await repo.insertSubscription(trx, row);
    await audit(k, trx, actorOf(auth), {
      action: 'reflow.subscribe',
      objectType: 'reflow_subscription',
      objectId: id,
      details: { entryId: entry.id, providerOrgId: entry.provider_org_id, subscriberOrgId: subscriber.id, regionField: field.name, carrier, regionCode },
    });
    const name = published.name;
    await notify(k, trx, {
      orgId: subscriber.id,
      kind: 'reflow.subscribed',
      title: `数据回流已设立：${name}`,
      body: `${provider.name}将按属地原则向本单位回流「${name}」中 ${tree.names.get(regionCode) ?? regionCode}（${regionCode}）的数据，每次汇聚后自动送达（000 第九条）。`,
      link: `/reflow?subscription=${id}`,
    });
    const live = await ingestRepo.liveVersion(trx, entry.id);
    if (live) {
      const load = await ingestRepo.findLoad(trx, live.load_id);
      const fields = load ? ((await catalogRepo.findVersion(trx, entry.id, load.catalog_version))?.fields ?? []) : [];
      await deliver(k, trx, row, { loadId: live.load_id, versionNo: live.version_no, tableName: live.table_name, fields, at: now }, auth, name);
    }
  });
  return subscriptionView(db, auth, id);
}

/** Ends a reflow (provider or platform administrator): no further deliveries, no further reads. */
export async function cancelSubscription(k: Kernel, auth: AuthContext, id: string, body: CancelBody): Promise<SubscriptionView> {
  const db = k.db.kysely;
  const found = await repo.findSubscription(db, id);
  if (!found) throw notFound('回流订阅', id);
  requirePermission(mayManage(auth, found.provider_org_id), MANAGE_NEEDS);
  await db.transaction().execute(async (trx) => {
    const s = await repo.lockSubscription(trx, id);
    if (!s) throw notFound('回流订阅', id);
    if (s.status !== 'active') throw new AppError('INVALID_STATE', '回流订阅已取消');
    const reason = body.reason?.trim() || null;
    await repo.cancelSubscription(trx, id, { userId: auth.user.id, at: k.clock.now(), reason });
    await audit(k, trx, actorOf(auth), {
      action: 'reflow.cancel',
      objectType: 'reflow_subscription',
      objectId: id,
      details: { entryId: s.entry_id, subscriberOrgId: s.subscriber_org_id, ...(reason ? { reason } : {}) },
    });
    const name = await entryNameOf(trx, s.entry_id);
    await notify(k, trx, {
      orgId: s.subscriber_org_id,
      kind: 'reflow.cancelled',
      title: `数据回流已取消：${name}`,
      body: reason ? `原因：${reason}` : '此后不再回流，已回流的数据也不再可读取。',
      link: `/reflow?subscription=${id}`,
    });
  });
  return subscriptionView(db, auth, id);
}

/** Subscriptions the caller's org set up as provider, receives as subscriber, or both; all for the platform administrator. */
export async function listSubscriptions(k: Kernel, auth: AuthContext, q: SubscriptionQuery): Promise<{ items: SubscriptionView[] }> {
  const db = k.db.kysely;
  const admin = isPlatformAdmin(auth);
  const filter: repo.SubscriptionFilter = {
    ...(q.entryId ? { entryId: q.entryId } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.role === 'subscriber' ? { subscriberOrgId: auth.org.id } : q.role === 'provider' ? (admin ? {} : { providerOrgId: auth.org.id }) : admin ? {} : { partyOrgId: auth.org.id }),
  };
  return { items: await subscriptionViews(db, auth, await repo.listSubscriptions(db, filter)) };
}

/** A subscription's deliveries, newest first (either party, or the platform administrator). */
export async function listDeliveries(k: Kernel, auth: AuthContext, subscriptionId: string): Promise<{ subscription: SubscriptionView; items: DeliveryView[] }> {
  const db = k.db.kysely;
  const s = await repo.findSubscription(db, subscriptionId);
  if (!s) throw notFound('回流订阅', subscriptionId);
  requirePermission(maySee(auth, s), '回流订阅双方单位的用户或平台管理员');
  const rows = await repo.listDeliveries(db, subscriptionId);
  const latestId = rows[0]?.id ?? null;
  return { subscription: await subscriptionView(db, auth, subscriptionId), items: rows.map((d) => deliveryView(d, latestId)) };
}

/** What a read of a delivery resolves to, after every check. */
interface ReadableDelivery {
  delivery: repo.DeliveryListRow;
  subscription: repo.SubscriptionRow;
  table: string;
  fields: CatalogField[];
  orderBy: string[];
}

/**
 * Checks a read of a delivery: the caller's org is the subscriber (or the provider), the
 * subscription is active, and the delivery's version is still kept — otherwise 410, naming the
 * newer delivery to read instead.
 */
async function readableDelivery(k: Kernel, auth: AuthContext, deliveryId: string): Promise<ReadableDelivery | { problem: string; delivery: repo.DeliveryListRow; subscription: repo.SubscriptionRow }> {
  const db = k.db.kysely;
  const d = await repo.findDelivery(db, deliveryId);
  if (!d) throw notFound('数据回流', deliveryId);
  const s = await repo.findSubscription(db, d.subscription_id);
  if (!s) throw notFound('回流订阅', d.subscription_id);
  requirePermission(mayReadRows(auth, s), READ_NEEDS);
  if (s.status !== 'active') throw new AppError('INVALID_STATE', '回流订阅已取消，回流的数据不再可读取', { source: ART_REFLOW });
  if (d.problem) return { problem: d.problem, delivery: d, subscription: s };
  if (!d.table_name || d.dropped_at) throw await goneError(db, d);
  const load = await ingestRepo.findLoad(db, d.load_id);
  const fields = load ? ((await catalogRepo.findVersion(db, d.entry_id, load.catalog_version))?.fields ?? []) : [];
  if (fields.length === 0) throw notFound('数据版本的数据项', String(d.version_no));
  return { delivery: d, subscription: s, table: d.table_name, fields, orderBy: fields.filter((f) => f.key).map((f) => f.name) };
}

async function goneError(db: Executor, d: repo.DeliveryRow): Promise<AppError> {
  const latest = await repo.latestDelivery(db, d.subscription_id);
  const newer = latest && latest.id !== d.id ? latest : null;
  const message = newer
    ? `第 ${d.version_no} 版数据已不再保留（平台只保留最近几个版本）；已有更新的回流：第 ${newer.version_no} 版（${new Date(newer.at).toISOString().slice(0, 10)}），请读取最新一次回流`
    : `第 ${d.version_no} 版数据已不再保留（平台只保留最近几个版本）`;
  return new AppError('GONE', message, { details: newer ? { latestDeliveryId: newer.id, latestVersionNo: newer.version_no } : {} });
}

/** A dropped dataset table between the check and the read means the version was just retired. */
const isMissingTable = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: string }).code === '42P01';

/** The rows of a delivery in the subscriber's region, one page, with the read audited in the same transaction. */
export async function readDeliveryRows(k: Kernel, auth: AuthContext, deliveryId: string, page: { limit: number; offset: number }): Promise<DeliveryRows> {
  const r = await readableDelivery(k, auth, deliveryId);
  const d = r.delivery;
  const s = r.subscription;
  const regionCode = s.region_code.trim();
  const base = { deliveryId: d.id, versionNo: d.version_no, regionCode, regionField: s.region_field, total: d.rows_delivered, limit: page.limit, offset: page.offset };
  if ('problem' in r) return { ...base, problem: r.problem, fields: [], rows: [] };
  try {
    return await k.db.kysely.transaction().execute(async (trx) => {
      const rows = await repo.readInRegion(trx, {
        table: r.table,
        column: s.region_field,
        carrier: s.carrier,
        regionCode,
        columns: r.fields.map((f) => f.name),
        orderBy: r.orderBy,
        limit: page.limit,
        offset: page.offset,
      });
      await auditRead(k, trx, auth, d, s, { format: 'json', offset: page.offset, rows: rows.length });
      return { ...base, problem: null, fields: r.fields.map((f) => ({ name: f.name, label: f.label, type: f.type })), rows };
    });
  } catch (err) {
    if (isMissingTable(err)) throw await goneError(k.db.kysely, d);
    throw err;
  }
}

async function auditRead(k: Kernel, trx: Trx, auth: AuthContext, d: repo.DeliveryRow, s: repo.SubscriptionRow, what: { format: 'json' | 'csv'; offset: number; rows: number }): Promise<void> {
  await audit(k, trx, actorOf(auth), {
    action: 'reflow.read',
    objectType: 'reflow_delivery',
    objectId: d.id,
    purpose: READ_PURPOSE,
    details: { subscriptionId: s.id, entryId: s.entry_id, versionNo: d.version_no, regionCode: s.region_code.trim(), ...what },
  });
}

/** One RFC 4180 CSV line: a value with a comma, quote or line break is quoted; null is empty. */
function csvLine(values: readonly unknown[]): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const t = v instanceof Date ? v.toISOString() : String(v);
    return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return `${values.map(cell).join(',')}\r\n`;
}

/**
 * The rows of a delivery as CSV, streamed page by page (header: field names). The read is audited
 * before the first byte with the number of rows the stream will carry.
 */
export async function streamDeliveryCsv(
  k: Kernel,
  auth: AuthContext,
  deliveryId: string,
  page: { limit: number | null; offset: number },
): Promise<{ filename: string; body: Readable }> {
  const r = await readableDelivery(k, auth, deliveryId);
  if ('problem' in r) throw new AppError('INVALID_STATE', r.problem, { source: ART_REFLOW });
  const d = r.delivery;
  const s = r.subscription;
  const regionCode = s.region_code.trim();
  const remaining = Math.max(d.rows_delivered - page.offset, 0);
  const count = page.limit === null ? remaining : Math.min(page.limit, remaining);
  await k.db.kysely.transaction().execute((trx) => auditRead(k, trx, auth, d, s, { format: 'csv', offset: page.offset, rows: count }));
  const columns = r.fields.map((f) => f.name);
  const { table, orderBy } = r;
  const db = k.db.kysely;
  async function* lines(): AsyncGenerator<string> {
    yield `\ufeff${csvLine(columns)}`;
    for (let done = 0; done < count; ) {
      const n = Math.min(CSV_PAGE, count - done);
      const rows = await repo.readInRegion(db, { table, column: s.region_field, carrier: s.carrier, regionCode, columns, orderBy, limit: n, offset: page.offset + done });
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) chunk += csvLine(columns.map((c) => row[c]));
      yield chunk;
      done += rows.length;
    }
  }
  return { filename: `reflow-${regionCode}-v${d.version_no}.csv`, body: Readable.from(lines()) };
}
