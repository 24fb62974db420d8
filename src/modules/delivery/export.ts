/**
 * Batch export (批量交换) and file download (000 第八条、第十四条): the subject org of a grant
 * naming `batch` (or `file`) asks for an export; the job runs in this process after the request
 * returns, streaming the live version's rows page by page through the service API's projection,
 * row filter and masking into a file under `DATA_DIR/exports`, with a few canary rows as the
 * delivery's watermark. When ready, an expiring link downloads it; the grant is checked again at
 * download, and every download is metered and audited as a delivery. The first ready export of
 * a share request's grant meets the request's `provide` duty (000 第十四条: within 10 working days).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { audit } from '../../kernel/audit.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import { meetDuty } from '../../kernel/deadlines.js';
import type { Job } from '../../kernel/jobs.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { hasUniqueKeys } from '../ingest/repo.js';
import { checkGrant, getGrant, SHARE_REQUEST_CASE } from '../sharing/grants.service.js';
import { PROVIDE_DUTY } from '../sharing/service.js';
import * as repo from './repo.js';
import * as xrepo from './export.repo.js';
import {
  canaryCount,
  canaryPositions,
  canaryRow,
  canExport,
  checkDownloadToken,
  DOWNLOAD_HOURS,
  downloadToken,
  EXPORT_NEEDS,
  EXPORT_PAGE,
  exportMethod,
  FingerprintFilter,
  rowFingerprint,
} from './export.rules.js';
import type { ExportBody } from './export.schema.js';
import type { ExportFormat } from './export.tables.js';
import { ART, CONTENT_TYPES, deliveredColumns, maskedFields, maskValue, outValue, parseQueryFilters, parseRowFilter, renderPage, type FieldType, type FilterField, type Scalar } from './rules.js';

export interface ExportView {
  id: string;
  grantId: string;
  entry: { id: string; code: string };
  subject: { id: string; name: string };
  provider: { id: string; name: string };
  method: string;
  format: ExportFormat;
  filters: Record<string, string> | null;
  status: string;
  progress: { done: number; total: number | null };
  rows: number;
  bytes: number;
  fields: string[];
  masked: string[];
  versionNo: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When ready and not yet expired: the download link and its expiry. */
  download: { url: string; expiresAt: string } | null;
  expired: boolean;
}

const exportsDir = (k: Kernel) => path.join(k.config.dataDir, 'exports');
const filePath = (k: Kernel, fileName: string) => path.join(exportsDir(k), fileName);

function view(k: Kernel, x: xrepo.ExportRow, forSubject: boolean): ExportView {
  const now = k.clock.now();
  const expired = x.status === 'ready' && x.expires_at !== null && x.expires_at.getTime() <= now.getTime();
  const download =
    forSubject && x.status === 'ready' && x.expires_at && !expired
      ? { url: `/api/v1/exports/${x.id}/download?token=${downloadToken((d) => k.crypto.hmac(d), x.id, x.expires_at)}`, expiresAt: x.expires_at.toISOString() }
      : null;
  return {
    id: x.id,
    grantId: x.grant_id,
    entry: { id: x.entry_id, code: x.entry_code },
    subject: { id: x.subject_org_id, name: x.subject_name },
    provider: { id: x.provider_org_id, name: x.provider_name },
    method: x.method,
    format: x.format,
    filters: x.filters,
    status: x.status,
    progress: { done: x.rows_done, total: x.rows_total },
    rows: x.rows_done,
    bytes: x.bytes,
    fields: x.fields,
    masked: x.masked,
    versionNo: x.version_no,
    error: x.error,
    createdAt: x.created_at.toISOString(),
    startedAt: x.started_at?.toISOString() ?? null,
    finishedAt: x.finished_at?.toISOString() ?? null,
    download,
    expired,
  };
}

/** Exports running in this process, so a second start of the same export is a no-op. */
const running = new Map<string, Promise<void>>();

/** Settles when every export running in this process has finished (tests, shutdown). */
export async function exportsSettled(): Promise<void> {
  await Promise.allSettled([...running.values()]);
}

/**
 * `POST /api/v1/exports`: the subject org's clerk, data officer or org admin asks for an export
 * of a grant active now and naming `batch` or `file`, with optional filters on granted fields
 * (as the service API's query: `v`, `in:a,b`, `gte:x`…). Queued and audited; the job starts once
 * the request's transaction has committed.
 */
export async function createExport(k: Kernel, auth: AuthContext, body: ExportBody): Promise<ExportView> {
  const gv = await getGrant(k, auth, body.grantId);
  requirePermission(canExport(auth, { subject_org_id: gv.subject.id }), EXPORT_NEEDS);
  const entry = await repo.findEntryByCode(k.db.kysely, gv.entry.code);
  if (!entry?.fields) throw notFound('数据目录', gv.entry.code);
  const id = randomUUID();
  await k.db.kysely.transaction().execute(async (trx) => {
    const now = k.clock.now();
    const g = await checkGrant(k, trx, { grantId: body.grantId }, now);
    const method = exportMethod(g.methods);
    if (!method) {
      throw new AppError('FORBIDDEN', `该共享授权的共享方式为 ${g.methods.join(' / ')}，不含批量交换（batch）或文件下载（file），不能导出`, { source: ART.request, details: { reason: 'method', grantId: g.id } });
    }
    const live = await repo.liveSource(trx, g.entry_id);
    if (!live) throw new AppError('NOT_FOUND', `目录「${entry.name ?? entry.code}」尚无可提供的数据：提供单位还没有汇聚入库`, { source: ART.provision });
    // The filters are checked now against the granted fields, and again when the job runs.
    const columns = deliveredColumns(g.fields, entry.fields ?? [], live.fields);
    const masked = maskedFields(columns, await repo.clearFields(trx, g.id));
    const filterable = new Map<string, FilterField>(columns.map((c) => [c.name, { type: c.type, masked: masked.has(c.name) }]));
    const parsed = parseQueryFilters(body.filters ?? {}, filterable);
    if (parsed.problems.length > 0) {
      throw new AppError('VALIDATION', `筛选条件有误：${parsed.problems.map((p) => `${p.field}：${p.message}`).join('；')}`, { fields: parsed.problems, source: ART.useLimits });
    }
    await xrepo.insertExport(trx, {
      id,
      grant_id: g.id,
      subject_org_id: g.subject_org_id,
      provider_org_id: g.provider_org_id,
      entry_id: g.entry_id,
      requested_by: auth.user.id,
      method,
      format: body.format,
      filters: body.filters && Object.keys(body.filters).length > 0 ? JSON.stringify(body.filters) : null,
      status: 'queued',
      version_no: null,
      fields: [],
      masked: [],
      rows_total: null,
      rows_done: 0,
      canaries: 0,
      bytes: 0,
      file_name: null,
      error: null,
      created_at: now,
      started_at: null,
      finished_at: null,
      expires_at: null,
    });
    await audit(k, trx, actorOf(auth), {
      action: 'delivery.export_create',
      objectType: 'delivery_export',
      objectId: id,
      purpose: g.purpose,
      grantId: g.id,
      details: { entryCode: entry.code, method, format: body.format, filters: parsed.conditions.map((c) => `${c.field}:${c.op}`) },
    });
  });
  startExport(k, id);
  return getExport(k, auth, id);
}

/** Starts an export in this process unless it is already running here. */
export function startExport(k: Kernel, id: string): void {
  if (running.has(id)) return;
  const p = runExport(k, id).finally(() => running.delete(id));
  running.set(id, p);
}

/** An export, to its subject org (with the download link once ready) and its provider org; 404 to others. */
export async function getExport(k: Kernel, auth: AuthContext, id: string): Promise<ExportView> {
  const x = await xrepo.findExport(k.db.kysely, id);
  if (!x || (auth.org.id !== x.subject_org_id && auth.org.id !== x.provider_org_id)) throw notFound('导出任务', id);
  return view(k, x, canExport(auth, x));
}

/** A grant's exports, newest first, to its subject and provider. */
export async function listExports(k: Kernel, auth: AuthContext, grantId: string): Promise<{ items: ExportView[] }> {
  const g = await getGrant(k, auth, grantId);
  if (auth.org.id !== g.subject.id && auth.org.id !== g.provider.id) throw notFound('共享授权', grantId);
  const rows = await xrepo.exportsOfGrant(k.db.kysely, grantId);
  return { items: rows.map((x) => view(k, x, canExport(auth, x))) };
}

/** Writes `text` to the stream, waiting while its buffer is full. */
async function put(out: fs.WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * The job: claims a queued export, checks the grant again, counts the selection, and streams it
 * page by page in keyset order (as the service API reads) into the file, with the canary rows
 * at their positions; progress after every page. Ready: the kept canaries' fingerprints, the
 * link's expiry, the provide duty met for the grant's first export, audited. Any failure marks
 * it failed with the reason and removes the partial file.
 */
async function runExport(k: Kernel, id: string): Promise<void> {
  const db = k.db.kysely;
  const claimed = await db.updateTable('delivery_exports').set({ status: 'running', started_at: k.clock.now() }).where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) return;
  let file: string | null = null;
  try {
    const x = await xrepo.findExport(db, id);
    if (!x) return;
    const g = await checkGrant(k, db, { grantId: x.grant_id });
    const entry = await repo.findEntryByCode(db, x.entry_code);
    const live = await repo.liveSource(db, x.entry_id);
    if (!entry?.fields || !live) throw new AppError('NOT_FOUND', '目录尚无可提供的数据', { source: ART.provision });
    const columns = deliveredColumns(g.fields, entry.fields, live.fields);
    const names = columns.map((c) => c.name);
    const masked = maskedFields(columns, await repo.clearFields(db, g.id));
    const types = new Map<string, FieldType>(live.fields.map((f) => [f.name, f.type]));
    const filterable = new Map<string, FilterField>(columns.map((c) => [c.name, { type: c.type, masked: masked.has(c.name) }]));
    const parsed = parseQueryFilters(x.filters ?? {}, filterable);
    if (parsed.problems.length > 0) throw new AppError('VALIDATION', `筛选条件有误：${parsed.problems.map((p) => `${p.field}：${p.message}`).join('；')}`);
    const unavailable = parsed.conditions.find((c) => !types.has(c.field));
    if (unavailable) throw new AppError('VALIDATION', `${unavailable.field} 在当前数据版本中没有数据，不能作为筛选条件`);
    const rowFilter = parseRowFilter(g.row_filter, types);
    if (!rowFilter.ok) throw new AppError('INVALID_STATE', `共享授权的行过滤条件无效：${rowFilter.reason}`, { source: ART.useLimits });
    const conditions = [...rowFilter.conditions, ...parsed.conditions];
    const total = await xrepo.countRows(db, live.table_name, conditions, types);
    await xrepo.updateExport(db, id, { rows_total: total, version_no: live.version_no, fields: names, masked: [...masked.keys()] });

    const seed = k.crypto.hmac(`gongshu.export.canary:${id}`);
    const positions = canaryPositions(seed, total, canaryCount(total));
    const canaries: Array<{ ordinal: number; position: number; fingerprint: string }> = [];
    const seen = new FingerprintFilter(total);
    const deliver = (raw: Record<string, Scalar | null>) => {
      const item: Record<string, Scalar | null> = {};
      for (const n of names) {
        const kind = masked.get(n);
        item[n] = kind ? maskValue(kind, raw[n] ?? null) : (raw[n] ?? null);
      }
      return item;
    };
    const render = (items: Record<string, Scalar | null>[]) => {
      const chunks = renderPage(x.format, names, items, null);
      return (x.format === 'csv' ? chunks.slice(1) : chunks).join('');
    };

    fs.mkdirSync(exportsDir(k), { recursive: true, mode: 0o700 });
    const fileName = `${id}.${x.format}`;
    file = filePath(k, fileName);
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    const closed = once(out, 'close');
    out.on('error', () => undefined);
    let bytes = 0;
    const write = async (text: string) => {
      if (text === '') return;
      bytes += Buffer.byteLength(text);
      await put(out, text);
    };
    if (x.format === 'csv') await write(renderPage('csv', names, [], null)[0] ?? '');

    const keys = live.fields.filter((f) => f.key).map((f) => ({ name: f.name, type: f.type }));
    const tieBreak = keys.length === 0 || !(await hasUniqueKeys(db, live.table_name));
    let after: Scalar[] | null = null;
    let done = 0;
    let next = 0;
    for (;;) {
      const page = await repo.readPage(db, { table: live.table_name, select: columns, order: keys, tieBreak, conditions, types, after, limit: EXPORT_PAGE });
      const rows = page.slice(0, EXPORT_PAGE);
      const items: Record<string, Scalar | null>[] = [];
      for (const { row } of rows) {
        const raw: Record<string, Scalar | null> = {};
        for (const c of columns) raw[c.name] = outValue(c.type, row[c.name]);
        const item = deliver(raw);
        seen.add(rowFingerprint(item));
        items.push(item);
        done++;
        while (next < positions.length && positions[next] === done) {
          const canary = deliver(canaryRow(seed, next, raw, columns));
          canaries.push({ ordinal: next, position: done, fingerprint: rowFingerprint(canary) });
          items.push(canary);
          next++;
        }
      }
      await write(render(items));
      await xrepo.updateExport(db, id, { rows_done: done, bytes });
      const last = rows[rows.length - 1];
      if (page.length <= EXPORT_PAGE || !last) break;
      after = last.order;
    }
    out.end();
    await closed;

    // A canary equal to a real row of the file (or to another canary) could name a file that is not this export: not kept.
    const counts = new Map<string, number>();
    for (const c of canaries) counts.set(c.fingerprint, (counts.get(c.fingerprint) ?? 0) + 1);
    const kept = canaries.filter((c) => !seen.mayHave(c.fingerprint) && counts.get(c.fingerprint) === 1);

    await db.transaction().execute(async (trx) => {
      const now = k.clock.now();
      const expiresAt = new Date(now.getTime() + DOWNLOAD_HOURS * 3_600_000);
      await xrepo.updateExport(trx, id, { status: 'ready', rows_done: done, bytes, canaries: kept.length, file_name: fileName, finished_at: now, expires_at: expiresAt });
      await xrepo.insertCanaries(
        trx,
        kept.map((c) => ({ export_id: id, ...c })),
      );
      const first = !(await xrepo.hadReadyExport(trx, g.id, id));
      const met = first && g.source_case_type === SHARE_REQUEST_CASE ? await meetDuty(k, trx, SHARE_REQUEST_CASE, g.source_case_id, PROVIDE_DUTY) : false;
      await audit(k, trx, SYSTEM_ACTOR, {
        action: 'delivery.export_ready',
        objectType: 'delivery_export',
        objectId: id,
        grantId: g.id,
        details: { entryCode: x.entry_code, method: x.method, format: x.format, versionNo: live.version_no, rows: done, bytes, canaries: kept.length, fields: names, masked: [...masked.keys()], provideDutyMet: met },
      });
    });
  } catch (err) {
    if (file) fs.rmSync(file, { force: true });
    const reason = err instanceof Error ? err.message : String(err);
    await db
      .transaction()
      .execute(async (trx) => {
        await xrepo.updateExport(trx, id, { status: 'failed', error: reason.slice(0, 1000), finished_at: k.clock.now() });
        await audit(k, trx, SYSTEM_ACTOR, { action: 'delivery.export_failed', objectType: 'delivery_export', objectId: id, details: { reason: reason.slice(0, 1000) } });
      })
      .catch(() => undefined);
  }
}

export interface Download {
  stream: Readable;
  fileName: string;
  contentType: string;
  bytes: number;
}

/**
 * `GET /api/v1/exports/{id}/download?token=…`: the subject org's file, with a valid unexpired
 * token, under a grant still active at this moment (suspended, revoked or expired refuse). The
 * download is one delivery: a usage row (method batch or file) and a `delivery.download` audit
 * event, written before the file is sent.
 */
export async function downloadExport(k: Kernel, auth: AuthContext, id: string, token: string): Promise<Download> {
  const x = await xrepo.findExport(k.db.kysely, id);
  if (!x || (auth.org.id !== x.subject_org_id && auth.org.id !== x.provider_org_id)) throw notFound('导出任务', id);
  requirePermission(canExport(auth, x), EXPORT_NEEDS);
  const now = k.clock.now();
  const t = checkDownloadToken((d) => k.crypto.hmac(d), id, token, now);
  if (t === 'invalid') throw new AppError('FORBIDDEN', '下载链接无效：请从导出任务重新获取下载链接', { details: { reason: 'token' } });
  if (x.status !== 'ready' || !x.expires_at) throw new AppError('INVALID_STATE', `导出任务尚未完成（${x.status}），不能下载`);
  if (t === 'expired' || x.expires_at.getTime() <= now.getTime()) {
    throw new AppError('GONE', `下载链接已于 ${x.expires_at.toISOString()} 过期（有效 ${DOWNLOAD_HOURS} 小时），请重新导出`, { details: { reason: 'expired' } });
  }
  if (!x.file_name) throw new AppError('GONE', '导出文件已不存在，请重新导出');
  const file = filePath(k, x.file_name);
  return k.db.kysely.transaction().execute(async (trx) => {
    const g = await checkGrant(k, trx, { grantId: x.grant_id }, now);
    if (!exportMethod(g.methods)) throw new AppError('FORBIDDEN', '该共享授权已不含批量交换或文件下载方式', { source: ART.request });
    if (!fs.existsSync(file)) throw new AppError('GONE', '导出文件已不存在，请重新导出');
    await repo.insertUsage(trx, {
      id: randomUUID(),
      at: now,
      grant_id: g.id,
      subject_org_id: g.subject_org_id,
      provider_org_id: g.provider_org_id,
      entry_id: x.entry_id,
      api_key_id: auth.apiKeyId,
      user_id: auth.user.id,
      method: x.method,
      format: x.format,
      version_no: x.version_no ?? 0,
      rows: x.rows_done,
      bytes: x.bytes,
    });
    await audit(k, trx, actorOf(auth), {
      action: 'delivery.download',
      objectType: 'delivery_export',
      objectId: id,
      purpose: g.purpose,
      grantId: g.id,
      details: { entryCode: x.entry_code, method: x.method, format: x.format, versionNo: x.version_no, rows: x.rows_done, bytes: x.bytes, fields: x.fields, masked: x.masked },
    });
    return { stream: fs.createReadStream(file), fileName: `${x.entry_code}-${id.slice(0, 8)}.${x.format}`, contentType: CONTENT_TYPES[x.format], bytes: x.bytes };
  });
}

/** An export running longer than this without finishing was cut off (its process stopped). */
export const EXPORT_STALE_MINUTES = 60;
/** A queued export not started within this long lost its process before the start. */
const QUEUED_GRACE_MS = 60_000;

/**
 * The background job of batch export: starts exports left queued by a process that stopped
 * before starting them, fails the ones cut off while running (partial file removed), and removes
 * the files of exports whose download link has expired.
 */
export const exportJob: Job = {
  name: 'delivery.exports',
  async run(k, trx) {
    const now = k.clock.now();
    const stale = await trx
      .selectFrom('delivery_exports')
      .select(['id', 'file_name', 'format'])
      .where('status', '=', 'running')
      .where('started_at', '<', new Date(now.getTime() - EXPORT_STALE_MINUTES * 60_000))
      .execute();
    const cut = stale.filter((x) => !running.has(x.id));
    for (const x of cut) {
      fs.rmSync(filePath(k, `${x.id}.${x.format}`), { force: true });
      await xrepo.updateExport(trx, x.id, { status: 'failed', error: `导出中断（超过 ${EXPORT_STALE_MINUTES} 分钟未完成），请重新导出`, finished_at: now });
      await audit(k, trx, SYSTEM_ACTOR, { action: 'delivery.export_failed', objectType: 'delivery_export', objectId: x.id, details: { reason: 'stale' } });
    }
    const expired = await trx.selectFrom('delivery_exports').select(['id', 'file_name']).where('status', '=', 'ready').where('file_name', 'is not', null).where('expires_at', '<=', now).execute();
    for (const x of expired) {
      if (x.file_name) fs.rmSync(filePath(k, x.file_name), { force: true });
      await xrepo.updateExport(trx, x.id, { file_name: null });
    }
    const queued = (
      await trx.selectFrom('delivery_exports').select('id').where('status', '=', 'queued').where('created_at', '<', new Date(now.getTime() - QUEUED_GRACE_MS)).execute()
    ).filter((x) => !running.has(x.id));
    const result = `${cut.length} cut-off exports failed, ${expired.length} expired files removed`;
    if (queued.length === 0) return result;
    return {
      result,
      async after(k2) {
        for (const x of queued) startExport(k2, x.id);
        return `${queued.length} queued exports started`;
      },
    };
  },
};
