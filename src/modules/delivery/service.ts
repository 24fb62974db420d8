/**
 * Delivery (数据提供, 000 第八条): the service API over the data plane. Every read runs under a
 * grant checked at the moment of reading (ARCHITECTURE §4), returns the granted fields only, masks
 * personal information the grant does not release in clear, and is metered and audited with its
 * grant in the same transaction as the read. Also the grant-bound API keys and a grant's usage.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { appendAudited } from '../../kernel/audit-batch.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { beijingDate, beijingStartOfDay } from '../../kernel/clock.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { apiKeyGrantId, issueApiKey, listApiKeys, revokeApiKey } from '../identity/api-keys.service.js';
import { hasUniqueKeys } from '../ingest/repo.js';
import { checkGrant, getGrant, type GrantRef, type GrantView } from '../sharing/grants.service.js';
import { grantsOf } from '../sharing/repo.js';
import { effectiveGrantStatus, grantRefusal } from '../sharing/rules.js';
import type { GrantStatus } from '../sharing/tables.js';
import { filterableOf, grantMasking } from './masking.js';
import * as repo from './repo.js';
import {
  ART,
  canManageGrantKeys,
  canReadThroughOrg,
  chooseFormat,
  CONTENT_TYPES,
  cursorPayload,
  DEFAULT_LIMIT,
  deliveredColumns,
  KEY_NEEDS,
  maskedFields,
  outColumns,
  outRows,
  parseQueryFilters,
  parseRowFilter,
  READ_NEEDS,
  readCursorPayload,
  renderPage,
  type FieldType,
  type Scalar,
} from './rules.js';
import type { GrantKeyBody } from './schema.js';
import type { DeliveryFormat } from './tables.js';

/** Days a grant key lives by default; never beyond the grant's own time limit. */
const KEY_DEFAULT_DAYS = 90;
/** Days of usage the usage view covers. */
export const USAGE_DAYS = 30;

// ── Grant-bound API keys ──

/** The grant, visible to the caller, of which the caller's org is the subject; else 404 / 403. */
async function subjectGrant(k: Kernel, auth: AuthContext, grantId: string): Promise<GrantView> {
  const g = await getGrant(k, auth, grantId);
  requirePermission(canManageGrantKeys(auth, { subjectOrgId: g.subject.id }), KEY_NEEDS);
  return g;
}

/**
 * An API key bound to one grant, for its subject org's machine client: returned once, stored as
 * an SM3 hash (identity's keys), valid at most until the grant's time limit. Only a grant that is
 * active now and names the service API (`api`) among its methods gets one. Audited.
 */
export async function createGrantKey(k: Kernel, auth: AuthContext, grantId: string, body: GrantKeyBody) {
  if (auth.via === 'api_key') throw new AppError('FORBIDDEN', '不能用 API 密钥创建新的 API 密钥，请登录后操作');
  const view = await subjectGrant(k, auth, grantId);
  return k.db.kysely.transaction().execute(async (trx) => {
    const now = k.clock.now();
    const g = await checkGrant(k, trx, { grantId }, now);
    if (!g.methods.includes('api')) {
      throw new AppError('RULE_VIOLATION', `该共享授权的共享方式为 ${g.methods.join(' / ')}，不含服务接口（api），不能创建 API 密钥`, { source: ART.request });
    }
    const days = body.expiresInDays ?? KEY_DEFAULT_DAYS;
    const expiresAt = new Date(Math.min(now.getTime() + days * 86_400_000, g.valid_until.getTime()));
    const issued = await issueApiKey(trx, { orgId: auth.org.id, createdBy: auth.user.id, name: body.name, now, expiresAt, grantId });
    await audit(k, trx, actorOf(auth), {
      action: 'delivery.key_create',
      objectType: 'api_key',
      objectId: issued.row.id,
      grantId,
      details: { name: body.name, prefix: issued.row.prefix, expiresAt: expiresAt.toISOString(), entryId: g.entry_id, entryCode: view.entry.code },
    });
    return { ...issued.view, key: issued.key, entryCode: view.entry.code };
  });
}

/** The keys bound to a grant (never the keys themselves), for the subject org. */
export async function listGrantKeys(k: Kernel, auth: AuthContext, grantId: string) {
  await subjectGrant(k, auth, grantId);
  const all = await listApiKeys(k, auth);
  return { items: all.items.filter((key) => key.grantId === grantId) };
}

/** Revokes a key of a grant; takes effect on the next request (audited by identity as `api_key.revoke`). */
export async function revokeGrantKey(k: Kernel, auth: AuthContext, grantId: string, keyId: string) {
  await subjectGrant(k, auth, grantId);
  if ((await apiKeyGrantId(k.db.kysely, keyId)) !== grantId) throw notFound('该共享授权的 API 密钥', keyId);
  return revokeApiKey(k, auth, keyId);
}

// ── The service API ──

/** What a page is delivered as. */
export interface DataPage {
  format: DeliveryFormat;
  contentType: string;
  /** The body, in chunks: one for JSON, one per row (and the CSV header) otherwise. */
  chunks: string[];
  rows: number;
  bytes: number;
  next: string | null;
}

/** Whether the key columns of a version table are unique; a version's table never changes, so kept per table. */
const uniqueKeys = new Map<string, boolean>();
async function keysUnique(db: Executor, table: string): Promise<boolean> {
  const hit = uniqueKeys.get(table);
  if (hit !== undefined) return hit;
  const u = await hasUniqueKeys(db, table);
  if (uniqueKeys.size > 10_000) uniqueKeys.clear();
  uniqueKeys.set(table, u);
  return u;
}

/**
 * Cursors this process sealed, with what they hold: the next request of a pagination sends back
 * the cursor the previous page handed out, and finding it here (the exact text, issued under the
 * grant and with the values kept) spares the SM4 decryption and MAC check. Bounded; a cursor not
 * kept (another process sealed it, or it aged out) is opened by decrypting it, as always.
 */
const sealed = new Map<string, { grantId: string; values: readonly Scalar[] }>();
const SEALED_MAX = 20_000;

function sealCursor(k: Kernel, grantId: string, values: readonly Scalar[]): string {
  const cursor = Buffer.from(k.crypto.encrypt(cursorPayload(grantId, values))).toString('base64url');
  if (sealed.size >= SEALED_MAX) sealed.delete(sealed.keys().next().value as string);
  sealed.set(cursor, { grantId, values });
  return cursor;
}

function openCursor(k: Kernel, cursor: string, grantId: string, n: number): Scalar[] {
  const kept = sealed.get(cursor);
  if (kept && kept.grantId === grantId && kept.values.length === n) return [...kept.values];
  let values: Scalar[] | null = null;
  try {
    values = readCursorPayload(k.crypto.decrypt(Buffer.from(cursor, 'base64url').toString('utf8')), grantId, n);
  } catch {
    values = null;
  }
  if (!values) throw new AppError('VALIDATION', 'after 游标无效：请使用上一页响应中的 next 原样传回', { fields: [{ field: 'after', message: '游标无效' }] });
  return values;
}

/**
 * The grant a session or an org key reads under: of the org's grants on the entry, an active one
 * with the service API among its methods, else the newest with it (so the refusal names its
 * status), else whichever the sharing module finds (a grant by another method is then refused).
 */
async function orgGrantRef(db: Executor, orgId: string, entryId: string, at: Date): Promise<GrantRef> {
  const api = (await grantsOf(db, orgId, entryId)).filter((g) => g.methods.includes('api'));
  const chosen = api.find((g) => effectiveGrantStatus(g, at) === 'active') ?? api[0];
  return chosen ? { grantId: chosen.id } : { subjectOrgId: orgId, entryId };
}

/**
 * The grant a read runs under, checked at `at` (the moment of reading) by the sharing module's rule
 * (`effectiveGrantStatus`): refused, naming why, unless it is active — as `checkGrant` refuses.
 */
function activeGrant<G extends { id: string; status: GrantStatus; valid_until: Date }>(g: G | null, at: Date): G {
  if (!g) throw new AppError('FORBIDDEN', grantRefusal('none'), { source: ART.request, details: { reason: 'none' } });
  const status = effectiveGrantStatus(g, at);
  if (status !== 'active') throw new AppError('FORBIDDEN', grantRefusal(status), { source: ART.request, details: { reason: status, grantId: g.id } });
  return g;
}

/**
 * `GET /api/v1/data/{code}`: one page of the entry's live data under the caller's grant.
 *
 * The grant: the one the API key is bound to, else (a session or an org key) the caller org's
 * active grant on the entry. At this very request it must be active (suspended, revoked or expired
 * refuse at once, also in the middle of a pagination), name `api` among its methods, and be a
 * grant of this entry held by the caller's org.
 *
 * The page: the granted fields only, in catalog order; the grant's row filter and the query
 * filters ANDed; keyset order on the key fields; personal information masked unless released in
 * clear. A page is bounded by `limit`, so it is read and rendered whole and counted (rows and
 * bytes); its usage row and its `delivery.read` audit event are then committed together through
 * the audit group commit (kernel/audit-batch.ts), and only after that commit is the page returned
 * to be sent. No row leaves unrecorded, and a failed read records nothing.
 *
 * With a grant key the entry, its live version, the grant and its clear fields come in one
 * statement (`repo.readSource`), the grant id from the key's own look-up in the auth hook; the
 * reads need no transaction of their own (they write nothing).
 */
export async function readData(k: Kernel, auth: AuthContext, code: string, query: Record<string, unknown>, accept: string | undefined): Promise<DataPage> {
  const db = k.db.kysely;
  const format = chooseFormat(typeof query.format === 'string' ? query.format : undefined, accept);
  const limit = typeof query.limit === 'number' ? query.limit : DEFAULT_LIMIT;

  const bound = auth.via === 'api_key' && auth.apiKeyId ? (auth.apiKeyGrantId !== undefined ? auth.apiKeyGrantId : await apiKeyGrantId(db, auth.apiKeyId)) : null;
  let src: repo.ReadSource | undefined;
  if (bound) src = await repo.readSource(k.db, code, bound);
  else {
    const found = await repo.findEntryByCode(db, code);
    if (!found || !found.fields) throw notFound('数据目录', code);
    requirePermission(canReadThroughOrg(auth), READ_NEEDS);
    const ref = await orgGrantRef(db, auth.org.id, found.id, k.clock.now());
    src = await repo.readSource(k.db, code, 'grantId' in ref ? ref.grantId : (await checkGrant(k, db, ref, k.clock.now())).id);
  }
  if (!src || !src.entry.fields) throw notFound('数据目录', code);
  const entry = src.entry;
  const entryFields = src.entry.fields;

  const now = k.clock.now();
  const g = activeGrant(src.grant, now);
  if (g.entry_id !== entry.id || g.subject_org_id !== auth.org.id) {
    throw new AppError('FORBIDDEN', `该 API 密钥绑定的共享授权不是目录 ${entry.code} 的授权，不能获取其数据`, { source: ART.useLimits, details: { reason: 'other_grant' } });
  }
  if (!g.methods.includes('api')) {
    throw new AppError('FORBIDDEN', `该共享授权的共享方式为 ${g.methods.join(' / ')}，不含服务接口（api）${g.methods.includes('sandbox') ? '：隐私沙箱授权只能在平台内分析，原始数据不出域' : ''}`, { source: ART.request, details: { reason: 'method', grantId: g.id } });
  }
  const live = src.live;
  if (!live) throw new AppError('NOT_FOUND', `目录「${entry.name ?? entry.code}」尚无可提供的数据：提供单位还没有汇聚入库`, { source: ART.provision });

  const columns = deliveredColumns(g.fields, entryFields, live.fields);
  const granted = columns.map((c) => c.name);
  const masked = maskedFields(columns, g.clear_fields);
  const masking = grantMasking(k, g.id, columns, masked, g.mask_strategies);
  const types = new Map<string, FieldType>(live.fields.map((f) => [f.name, f.type]));
  // A granted item the live table lacks may be named in a filter, and is then refused below.
  const filterable = filterableOf(columns, masked, masking.strategies);
  const parsed = parseQueryFilters(query, filterable);
  if (parsed.problems.length > 0) {
    throw new AppError('VALIDATION', `筛选条件有误：${parsed.problems.map((p) => `${p.field}：${p.message}`).join('；')}`, { fields: parsed.problems, source: ART.useLimits });
  }
  const unavailable = parsed.conditions.find((c) => !types.has(c.field));
  if (unavailable) throw new AppError('VALIDATION', `${unavailable.field} 在当前数据版本中没有数据，不能作为筛选条件`, { fields: [{ field: unavailable.field, message: '当前数据版本无此列' }] });
  const rowFilter = parseRowFilter(g.row_filter, types);
  if (!rowFilter.ok) throw new AppError('INVALID_STATE', `共享授权的行过滤条件无效，暂不能提供数据：${rowFilter.reason}`, { source: ART.useLimits, details: { grantId: g.id } });

  const keys = live.fields.filter((f) => f.key).map((f) => ({ name: f.name, type: f.type }));
  const tieBreak = keys.length === 0 || !(await keysUnique(db, live.table_name));
  const after = typeof query.after === 'string' ? openCursor(k, query.after, g.id, keys.length + (tieBreak ? 1 : 0)) : null;

  const page = await repo.readServicePage(k.db, {
    table: live.table_name,
    select: columns,
    order: keys,
    tieBreak,
    conditions: [...rowFilter.conditions, ...parsed.conditions],
    types,
    after,
    limit,
  });
  const more = page.length > limit;
  const rows = more ? page.slice(0, limit) : page;
  // One converter (and mask) per column, chosen once for the page.
  const items = outRows(
    outColumns(columns, masked, masking.maskers),
    rows.map((r) => r.row),
  );
  const last = rows[rows.length - 1];
  const next = more && last ? sealCursor(k, g.id, last.order) : null;
  const chunks = renderPage(format, granted, items, next);
  let bytes = 0;
  for (const c of chunks) bytes += Buffer.byteLength(c);
  const count = items.length;

  // Committed (usage row and audit event together, or neither) before the page is returned.
  await appendAudited(k, {
    actor: actorOf(auth),
    input: {
      action: 'delivery.read',
      objectType: 'catalog_entry',
      objectId: entry.id,
      purpose: g.purpose,
      grantId: g.id,
      details: {
        entryCode: entry.code,
        method: 'api',
        format,
        versionNo: live.version_no,
        rows: count,
        bytes,
        fields: granted,
        masked: [...masked.keys()],
        ...(g.mask_strategies ? { masking: g.mask_strategies } : {}),
        filters: parsed.conditions.map((c) => `${c.field}:${c.op}`),
        page: after ? 'next' : 'first',
      },
    },
    rows: [
      {
        into: 'delivery_usage',
        values: {
          id: randomUUID(),
          at: now,
          grant_id: g.id,
          subject_org_id: g.subject_org_id,
          provider_org_id: g.provider_org_id,
          entry_id: entry.id,
          api_key_id: auth.apiKeyId,
          user_id: auth.user.id,
          method: 'api',
          format,
          version_no: live.version_no,
          rows: count,
          bytes,
        },
      },
    ],
  });
  return { format, contentType: CONTENT_TYPES[format], chunks, rows: count, bytes, next };
}

// ── Usage ──

/**
 * A grant's usage over the last 30 days (Beijing calendar days, today included): totals and one
 * row per day, days without calls as zeros. For the grant's subject and provider (and those who
 * may see the grant: the sharing authority, the platform admin).
 */
export async function grantUsage(k: Kernel, auth: AuthContext, grantId: string) {
  const g = await getGrant(k, auth, grantId);
  const now = k.clock.now();
  const today = beijingDate(now);
  const first = beijingDate(new Date(beijingStartOfDay(today).getTime() - (USAGE_DAYS - 1) * 86_400_000));
  const rows = await repo.usagePerDay(k.db.kysely, grantId, beijingStartOfDay(first));
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const days = Array.from({ length: USAGE_DAYS }, (_, i) => {
    const day = beijingDate(new Date(beijingStartOfDay(first).getTime() + i * 86_400_000 + 3_600_000));
    const r = byDay.get(day);
    return { date: day, calls: r?.calls ?? 0, rows: r?.rows ?? 0, bytes: r?.bytes ?? 0 };
  });
  const totals = days.reduce((t, d) => ({ calls: t.calls + d.calls, rows: t.rows + d.rows, bytes: t.bytes + d.bytes }), { calls: 0, rows: 0, bytes: 0 });
  return { grantId, entry: g.entry, subject: g.subject, provider: g.provider, from: first, to: today, totals, days };
}
