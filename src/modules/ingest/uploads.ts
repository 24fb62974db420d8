/**
 * Pushed batch files (批量文件推送, 000 第八条): a provider sends a file in chunks that resume where
 * they stopped. The upload is declared first (name, size, SM3 digest, format, mode); each chunk
 * must start at the byte the platform has received so far and is stored in its own transaction;
 * a chunk sent again is answered idempotently. On completion the stored bytes are checked
 * against the declared digest and streamed, one chunk at a time, into the same load path as an
 * upload through the API (`receiveLoad`), so validation, the error threshold and the atomic
 * switch of the live version are the same.
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { audit } from '../../kernel/audit.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import * as catalogRepo from '../catalog/repo.js';
import { getEntry } from '../catalog/entries.service.js';
import { ART_AGGREGATE, getLoad, LOAD_NEEDS, mayLoad, receiveLoad, type LoadHooks, type LoadReport } from './service.js';
import type { LoadMode } from './tables.js';
import * as repo from './uploads.repo.js';
import type { UploadFormat, UploadStatus } from './uploads.tables.js';

/** The largest chunk the platform takes in one request (4 MiB). */
export const UPLOAD_CHUNK_SIZE = 4 * 1024 * 1024;
/** An unfinished upload untouched this long is expired and its chunks removed. */
export const UPLOAD_IDLE_DAYS = 7;
/** A completion that stopped (a crashed process) may be taken over once its claim is this old. */
export const LOADING_STALE_MS = 30 * 60 * 1000;

const DAY_MS = 86_400_000;

export interface UploadView {
  id: string;
  entryId: string;
  fileName: string;
  size: number;
  digest: string;
  format: UploadFormat;
  mode: LoadMode;
  chunkSize: number;
  /** Bytes stored so far: the offset the next chunk must start at. */
  received: number;
  status: UploadStatus;
  loadId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewUpload {
  fileName: string;
  size: number;
  digest: string;
  format: UploadFormat;
  mode: LoadMode;
}

const view = (u: repo.UploadRow): UploadView => ({
  id: u.id,
  entryId: u.entry_id,
  fileName: u.file_name,
  size: u.size,
  digest: u.digest.trim(),
  format: u.format,
  mode: u.mode,
  chunkSize: u.chunk_size,
  received: u.received,
  status: u.status,
  loadId: u.load_id,
  createdAt: new Date(u.created_at).toISOString(),
  updatedAt: new Date(u.updated_at).toISOString(),
});


/** Pure: an unfinished upload untouched for `UPLOAD_IDLE_DAYS` is expired even before the job marks it. */
export function isIdleExpired(u: Pick<repo.UploadRow, 'status' | 'updated_at'>, now: Date): boolean {
  return (u.status === 'open' || u.status === 'loading') && now.getTime() - new Date(u.updated_at).getTime() >= UPLOAD_IDLE_DAYS * DAY_MS;
}

/** Pure: where a chunk at `offset` stands against `received` bytes — the next one, one already stored, or out of place. */
export function chunkPlace(offset: number, received: number): 'next' | 'earlier' | 'ahead' {
  if (offset === received) return 'next';
  return offset < received ? 'earlier' : 'ahead';
}

const expectedOffsetError = (received: number, offset: number) =>
  new AppError('CONFLICT', `分块位置不对：已收到 ${received} 字节，下一个分块应从偏移 ${received} 开始（本次为 ${offset}）`, {
    source: ART_AGGREGATE,
    details: { expectedOffset: received, offset },
  });

/** The upload (404 if none, or if it is another org's: its existence is not disclosed). */
async function uploadOf(k: Kernel, auth: AuthContext, id: string): Promise<repo.UploadRow> {
  const u = await repo.findUpload(k.db.kysely, id);
  if (!u || u.org_id !== auth.org.id) throw notFound('推送文件', id);
  requirePermission(mayLoad(auth, u.org_id), LOAD_NEEDS);
  return u;
}

const expiredError = () => new AppError('INVALID_STATE', `该推送已过期（超过 ${UPLOAD_IDLE_DAYS} 天未续传），请重新推送文件`, { source: ART_AGGREGATE });

function assertTakingChunks(u: repo.UploadRow, now: Date): void {
  if (u.status === 'expired' || isIdleExpired(u, now)) throw expiredError();
  if (u.status === 'completed') throw new AppError('INVALID_STATE', '该推送已完成汇聚，不再接收分块', { source: ART_AGGREGATE });
  if (u.status === 'loading') throw new AppError('INVALID_STATE', '该推送的数据正在汇聚，不再接收分块', { source: ART_AGGREGATE });
}

/**
 * Declares a pushed file of a published entry's data (000 第八条), or returns the unfinished
 * upload of the same file (same entry, org, digest and size) so a push resumes where it stopped.
 */
export async function createUpload(k: Kernel, auth: AuthContext, entryId: string, input: NewUpload): Promise<UploadView & { resumed: boolean }> {
  const entry = await catalogRepo.findEntry(k.db.kysely, entryId);
  if (!entry) throw notFound('目录', entryId);
  requirePermission(mayLoad(auth, entry.provider_org_id), LOAD_NEEDS);
  const published = entry.published_version ? await catalogRepo.findVersion(k.db.kysely, entryId, entry.published_version) : undefined;
  if (!published) throw new AppError('RULE_VIOLATION', '目录尚未发布，不能汇聚数据：数据项以已发布的目录为准', { source: ART_AGGREGATE });
  if (input.mode === 'upsert' && !published.fields.some((f) => f.key)) {
    throw new AppError('RULE_VIOLATION', '增量更新需要目录定义主键数据项（key）', { source: ART_AGGREGATE });
  }
  const digest = input.digest.toLowerCase();
  const now = k.clock.now();
  return k.db.kysely.transaction().execute(async (trx) => {
    const open = await repo.findResumable(trx, { entryId, orgId: auth.org.id, digest, size: input.size, since: new Date(now.getTime() - UPLOAD_IDLE_DAYS * DAY_MS) });
    if (open) return { ...view(open), resumed: true };
    const row = {
      id: crypto.randomUUID(),
      entry_id: entryId,
      org_id: auth.org.id,
      by_user_id: auth.user.id,
      file_name: input.fileName,
      size: input.size,
      digest,
      format: input.format,
      mode: input.mode,
      chunk_size: UPLOAD_CHUNK_SIZE,
      received: 0,
      status: 'open' as const,
      load_id: null,
      created_at: now,
      updated_at: now,
      completed_at: null,
    };
    await repo.insertUpload(trx, row);
    await audit(k, trx, actorOf(auth), {
      action: 'ingest.upload_create',
      objectType: 'catalog_entry',
      objectId: entryId,
      details: { uploadId: row.id, fileName: row.file_name, size: row.size, digest, format: row.format, mode: row.mode },
    });
    return { ...view(row), resumed: false };
  });
}

/** An upload's progress (the provider org's clerks, officers and administrators). */
export async function getUpload(k: Kernel, auth: AuthContext, id: string): Promise<UploadView> {
  return view(await uploadOf(k, auth, id));
}

/**
 * Stores one chunk at `offset`, which must be the number of bytes received so far (409 naming the
 * expected offset otherwise). A chunk already stored at an earlier offset and sent again with the
 * same bytes is answered with the current progress and stored nothing.
 */
export async function putChunk(k: Kernel, auth: AuthContext, id: string, offset: number, data: Buffer): Promise<{ received: number }> {
  await uploadOf(k, auth, id);
  if (data.length === 0) throw new AppError('VALIDATION', '分块为空');
  return k.db.kysely.transaction().execute(async (trx) => {
    const u = await repo.lockUpload(trx, id);
    if (!u) throw notFound('推送文件', id);
    const now = k.clock.now();
    assertTakingChunks(u, now);
    if (data.length > u.chunk_size) throw new AppError('VALIDATION', `分块过大：每块最多 ${u.chunk_size} 字节，本块 ${data.length} 字节`);
    const place = chunkPlace(offset, u.received);
    if (place === 'ahead') throw expectedOffsetError(u.received, offset);
    if (place === 'earlier') {
      const stored = await repo.chunkAt(trx, id, offset);
      if (stored?.bytes.equals(data)) return { received: u.received };
      throw expectedOffsetError(u.received, offset);
    }
    if (offset + data.length > u.size) {
      throw new AppError('VALIDATION', `分块超出声明的文件大小：文件 ${u.size} 字节，本块止于 ${offset + data.length} 字节`, { details: { expectedOffset: u.received, offset } });
    }
    await repo.insertChunk(trx, id, offset, data);
    const received = offset + data.length;
    await repo.updateUpload(trx, id, { received, updated_at: now });
    return { received };
  });
}

/** The stored bytes in order, one chunk row at a time; `onChunk` is called after each. */
function storedBytes(k: Kernel, u: repo.UploadRow, onChunk?: () => Promise<void>): Readable {
  async function* chunks() {
    let offset = 0;
    while (offset < u.size) {
      const c = await repo.nextChunk(k.db.kysely, u.id, offset);
      if (!c || c.offset !== offset) throw new AppError('INTERNAL', `推送文件 ${u.id} 在偏移 ${offset} 处缺少分块`);
      offset += c.bytes.length;
      yield c.bytes;
      await onChunk?.();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** SM3 of the stored bytes, read chunk by chunk. */
async function storedDigest(k: Kernel, u: repo.UploadRow): Promise<string> {
  const hash = crypto.createHash('sm3');
  for await (const b of storedBytes(k, u)) hash.update(b as Buffer);
  return hash.digest('hex');
}

/**
 * Completes a pushed file: with every byte received and the SM3 digest of the stored bytes equal
 * to the declared one (422 otherwise, the upload stays open), streams the chunks in order into a
 * load (000 第八条) and records the load on the upload. Returns the committed report, or throws
 * `IMPORT_REJECTED` with the report when the load was refused. Completing again returns the
 * same outcome.
 */
export async function completeUpload(k: Kernel, auth: AuthContext, id: string, hooks: LoadHooks = {}): Promise<LoadReport> {
  await uploadOf(k, auth, id);
  const claimed = await k.db.kysely.transaction().execute(async (trx) => {
    const u = await repo.lockUpload(trx, id);
    if (!u) throw notFound('推送文件', id);
    const now = k.clock.now();
    if (u.status === 'completed' && u.load_id) return { kind: 'done' as const, loadId: u.load_id };
    if (u.status === 'loading' && now.getTime() - new Date(u.updated_at).getTime() < LOADING_STALE_MS) {
      throw new AppError('INVALID_STATE', '该推送的数据正在汇聚，请稍后查看结果', { source: ART_AGGREGATE });
    }
    if (u.status === 'expired' || isIdleExpired(u, now)) throw expiredError();
    if (u.received < u.size) {
      throw new AppError('INVALID_STATE', `文件尚未传完：已收到 ${u.received} / ${u.size} 字节，请从偏移 ${u.received} 继续推送`, {
        source: ART_AGGREGATE,
        details: { expectedOffset: u.received },
      });
    }
    await repo.updateUpload(trx, id, { status: 'loading', updated_at: now });
    return { kind: 'claimed' as const, upload: u };
  });
  if (claimed.kind === 'done') return loadOutcome(k, auth, claimed.loadId);
  const u = claimed.upload;

  const reopen = () => repo.updateUpload(k.db.kysely, id, { status: 'open', updated_at: k.clock.now() }).catch(() => undefined);
  let report: LoadReport;
  try {
    const actual = await storedDigest(k, u);
    if (actual !== u.digest.trim()) {
      throw new AppError('RULE_VIOLATION', `文件摘要不符：声明的 SM3 为 ${u.digest.trim()}，收到的内容为 ${actual}；文件在传输中被改动或分块有误，请重新推送`, {
        source: ART_AGGREGATE,
        details: { declared: u.digest.trim(), actual },
      });
    }
    // Each chunk read renews the claim, so a long load is not taken over as stopped.
    const heartbeat = () => repo.updateUpload(k.db.kysely, id, { updated_at: k.clock.now() });
    report = await receiveLoad(k, auth, u.entry_id, { mode: u.mode, format: u.format, body: storedBytes(k, u, heartbeat) }, hooks);
  } catch (err) {
    const refused = err instanceof AppError && err.code === 'IMPORT_REJECTED' && typeof err.details?.id === 'string' ? err.details.id : null;
    if (refused === null) {
      await reopen();
      throw err;
    }
    await finish(k, auth, u, refused, 'refused');
    throw err;
  }
  await finish(k, auth, u, report.id, report.status);
  return report;
}

/** Records the load an upload went into, with the audit event, in one transaction. */
async function finish(k: Kernel, auth: AuthContext, u: repo.UploadRow, loadId: string, loadStatus: string): Promise<void> {
  await k.db.kysely.transaction().execute(async (trx) => {
    const now = k.clock.now();
    await repo.updateUpload(trx, u.id, { status: 'completed', load_id: loadId, completed_at: now, updated_at: now });
    await audit(k, trx, actorOf(auth), {
      action: 'ingest.upload_complete',
      objectType: 'catalog_entry',
      objectId: u.entry_id,
      details: { uploadId: u.id, loadId, loadStatus, size: u.size, digest: u.digest.trim() },
    });
  });
}

/** The outcome of a completed upload's load, as completing it returned it. */
async function loadOutcome(k: Kernel, auth: AuthContext, loadId: string): Promise<LoadReport> {
  const report = await getLoad(k, auth, loadId);
  if (report.status === 'refused') throw new AppError('IMPORT_REJECTED', report.message ?? '整批拒收', { source: ART_AGGREGATE, details: { ...report } });
  return report;
}

/** An entry's id, code and name by its code, for what the caller may see of the catalog (404 otherwise). */
export async function findEntryByCode(k: Kernel, auth: AuthContext, code: string): Promise<{ id: string; code: string; name: string }> {
  const id = await repo.entryIdByCode(k.db.kysely, code);
  if (!id) throw notFound('目录', code);
  const e = await getEntry(k, auth, id);
  return { id: e.id, code: e.code, name: e.published?.name ?? e.name };
}

/** The cleanup job's work: expire idle unfinished uploads, delete the chunks of finished ones. */
export async function cleanUpUploads(k: Kernel, trx: Trx): Promise<{ expired: number; chunksDeleted: number }> {
  const now = k.clock.now();
  const expired = await repo.expireIdle(trx, new Date(now.getTime() - UPLOAD_IDLE_DAYS * DAY_MS), now);
  const chunksDeleted = await repo.purgeFinishedChunks(trx);
  return { expired: expired.length, chunksDeleted };
}
