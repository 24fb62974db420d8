/**
 * Loads (数据汇聚, 000 第八至十条): a provider streams a file of its entry's data; each row is
 * validated, good rows go into a staging table by COPY, bad rows are reported (line, field,
 * masked value, reason). Over the error threshold the load is refused whole; otherwise one
 * transaction makes the staging table the new live version (replace) or the previous version with
 * the loaded rows merged by key (upsert), with the audit event. Until that commit the live
 * version is untouched, so a failed or interrupted load changes nothing.
 */
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { audit } from '../../kernel/audit.js';
import { actorOf, hasUserRole, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import { AppError, notFound } from '../../kernel/errors.js';
import * as catalogRepo from '../catalog/repo.js';
import { onLoadCommitted } from './hooks.js';
import type { CatalogField } from '../catalog/tables.js';
import { openCopy, type CopyWriter } from './copy.js';
import * as repo from './repo.js';
import type { LoadFormat, LoadMode, LoadStatus } from './tables.js';
import { csvLine, rowValidator, type RawValue } from './validators.js';

export { ART_AGGREGATE } from './read.js';
import { ART_AGGREGATE, readCsv, readNdjson } from './read.js';
/** Rejected rows kept (in memory, in `load_errors` and in the report) per load. */
export const MAX_REPORTED_ERRORS = 1000;

export interface LoadErrorView {
  line: number;
  field: string;
  value: string | null;
  reason: string;
}

export interface LoadReport {
  id: string;
  entryId: string;
  status: LoadStatus;
  mode: LoadMode;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  errorRate: number;
  versionNo: number | null;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
  errors: LoadErrorView[];
}

export interface DatasetVersionView {
  versionNo: number;
  loadId: string;
  rows: number;
  live: boolean;
  createdAt: string;
}

/** 数据提供单位的经办人、数据工作机构负责人或机构管理员 may load the entry's data. */
function mayLoad(auth: AuthContext, providerOrgId: string): boolean {
  return auth.org.id === providerOrgId && (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));
}

const LOAD_NEEDS = '目录提供单位的经办人、数据工作机构负责人或机构管理员';

/** The catalog entry (404 if none). Read through the catalog's repo: ingest never writes it. */
async function entryOf(k: Kernel, entryId: string) {
  const entry = await catalogRepo.findEntry(k.db.kysely, entryId);
  if (!entry) throw notFound('目录', entryId);
  return entry;
}

/** What a load reads from: the request body as a stream of bytes. */
export interface LoadInput {
  mode: LoadMode;
  format: LoadFormat;
  body: Readable;
}

/** Test seam: called after each row is accepted (before its batch is written), to interrupt a load midway. */
export interface LoadHooks {
  afterRow?: (n: number) => void;
}

/**
 * Receives a load of a published entry's data (000 第八条). Returns the committed report, or
 * throws `IMPORT_REJECTED` (422) carrying the report when the error rate exceeds the threshold.
 */
export async function receiveLoad(k: Kernel, auth: AuthContext, entryId: string, input: LoadInput, hooks: LoadHooks = {}): Promise<LoadReport> {
  const entry = await entryOf(k, entryId);
  requirePermission(mayLoad(auth, entry.provider_org_id), LOAD_NEEDS);
  const published = entry.published_version ? await catalogRepo.findVersion(k.db.kysely, entryId, entry.published_version) : undefined;
  if (!published) throw new AppError('RULE_VIOLATION', '目录尚未发布，不能汇聚数据：数据项以已发布的目录为准', { source: ART_AGGREGATE });
  const fields = published.fields;
  const keyFields = fields.filter((f) => f.key).map((f) => f.name);
  if (input.mode === 'upsert' && keyFields.length === 0) {
    throw new AppError('RULE_VIOLATION', '增量更新需要目录定义主键数据项（key）', { source: ART_AGGREGATE });
  }

  const id = crypto.randomUUID();
  const tableName = `l_${id.replace(/-/g, '')}`;
  const startedAt = k.clock.now();
  await repo.insertLoad(k.db.kysely, {
    id,
    entry_id: entryId,
    catalog_version: published.version,
    mode: input.mode,
    format: input.format,
    status: 'validating',
    message: null,
    version_no: null,
    by_user_id: auth.user.id,
    by_org_id: auth.org.id,
    started_at: startedAt,
    finished_at: null,
  });

  const regions = new Set((await k.db.kysely.selectFrom('regions').select('code').execute()).map((r) => r.code.trim()));
  const validate = rowValidator(fields, { regions });
  const errors: LoadErrorView[] = [];
  let total = 0;
  let accepted = 0;
  let rejected = 0;
  let writer: CopyWriter | null = null;
  let tableCreated = false;

  const finish = async (status: LoadStatus, message: string | null, versionNo: number | null = null) => {
    const errorRate = total === 0 ? 0 : rejected / total;
    await repo.updateLoad(k.db.kysely, id, { status, message, rows_total: total, rows_accepted: accepted, rows_rejected: rejected, error_rate: errorRate, version_no: versionNo, finished_at: k.clock.now() });
  };
  const cleanUp = async () => {
    if (writer) await writer.abort().catch(() => undefined);
    if (tableCreated) await repo.dropDatasetTable(k.db.kysely, tableName).catch(() => undefined);
  };

  try {
    await repo.createDatasetTable(k.db.kysely, tableName, fields);
    tableCreated = true;
    writer = await openCopy(k.db, tableName, fields.map((f) => f.name));
    const w = writer;
    // Validates one row; returns its COPY line, or null when rejected (its errors recorded).
    const take = (line: number, raw: readonly RawValue[]): string | null => {
      total++;
      const r = validate(raw);
      if (r.ok) {
        accepted++;
        hooks.afterRow?.(accepted);
        return csvLine(r.values);
      }
      rejected++;
      for (const e of r.errors) if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, ...e });
      return null;
    };
    if (input.format === 'csv') await readCsv(input.body, fields, take, w);
    else await readNdjson(input.body, fields, take, w);
    await writer.end();
    writer = null;
  } catch (err) {
    await cleanUp();
    if (!(err instanceof AppError)) console.error(`ingest: load ${id} interrupted:`, err);
    const message = err instanceof AppError ? err.message : `数据读取或写入中断，本批未汇聚，现行版本不变；请检查文件是否完整后重新上传（批次 ${id}）`;
    await finish(err instanceof AppError ? 'refused' : 'failed', message).catch(() => undefined);
    await storeErrors(k, id, errors).catch(() => undefined);
    throw err instanceof AppError ? err : new AppError('VALIDATION', message, { source: ART_AGGREGATE });
  }

  await storeErrors(k, id, errors);
  const threshold = k.config.ingestErrorThreshold;
  // Compare in whole rows (rejected > threshold × total) so "exactly at the threshold" is exact.
  const refusedByRate = rejected > Math.floor(threshold * total + 1e-9);
  if (total === 0 || refusedByRate) {
    await cleanUp();
    const message =
      total === 0
        ? '文件没有数据行'
        : `错误率 ${(100 * (rejected / total)).toFixed(2)}% 超过阈值 ${(100 * threshold).toFixed(2)}%，整批拒收`;
    await finish('refused', message);
    const report = await getLoadReportUnchecked(k, id);
    throw new AppError('IMPORT_REJECTED', message, { source: ART_AGGREGATE, details: { ...report } });
  }

  try {
    let versionNo = 0;
    await k.db.kysely.transaction().execute(async (trx) => {
      await repo.lockEntryData(trx, entryId);
      const prev = await repo.liveVersion(trx, entryId);
      if (keyFields.length > 0) await repo.indexKeys(trx, tableName, keyFields);
      if (input.mode === 'upsert' && prev) await repo.mergePrevious(trx, tableName, prev.table_name, fields, keyFields);
      const rows = input.mode === 'upsert' && prev ? await repo.countRows(trx, tableName) : accepted;
      versionNo = await repo.nextVersionNo(trx, entryId);
      const now = k.clock.now();
      await repo.insertVersion(trx, { entry_id: entryId, version_no: versionNo, table_name: tableName, load_id: id, rows, created_at: now, live: true, dropped_at: null });
      await repo.updateLoad(trx, id, {
        status: 'committed',
        message: null,
        rows_total: total,
        rows_accepted: accepted,
        rows_rejected: rejected,
        error_rate: rejected / total,
        version_no: versionNo,
        finished_at: now,
      });
      for (const old of await repo.retireVersions(trx, entryId, k.config.datasetVersionsKept, now)) await repo.dropDatasetTable(trx, old);
      await onLoadCommitted(k, trx, {
        entryId,
        loadId: id,
        mode: input.mode,
        versionNo,
        tableName: `datasets.${tableName}`,
        fields,
        keyFields,
        rowsTotal: total,
        rowsAccepted: accepted,
        rowsRejected: rejected,
        rows,
        at: now,
        auth,
      });
      await audit(k, trx, actorOf(auth), {
        action: 'ingest.load_commit',
        objectType: 'catalog_entry',
        objectId: entryId,
        details: { loadId: id, mode: input.mode, versionNo, rowsTotal: total, rowsAccepted: accepted, rowsRejected: rejected, rows },
      });
    });
  } catch (err) {
    // A lost connection can report an error for a COMMIT that went through: drop the new table
    // only if it did not become the live version.
    const live = await repo.liveVersion(k.db.kysely, entryId).catch(() => undefined);
    if (live?.load_id === id) return getLoadReportUnchecked(k, id);
    await cleanUp();
    if (err instanceof AppError) {
      await finish('failed', err.message).catch(() => undefined);
      throw err;
    }
    console.error(`ingest: load ${id} could not be committed:`, err);
    const message = `提交失败，本批未汇聚，现行版本不变；请稍后重试（批次 ${id}）`;
    await finish('failed', message).catch(() => undefined);
    throw new AppError('INTERNAL', message);
  }
  return getLoadReportUnchecked(k, id);
}

async function storeErrors(k: Kernel, loadId: string, errors: readonly LoadErrorView[]): Promise<void> {
  await repo.insertErrors(
    k.db.kysely,
    errors.map((e, n) => ({ load_id: loadId, n, line: e.line, field: e.field, value: e.value, reason: e.reason })),
  );
}

async function getLoadReportUnchecked(k: Kernel, id: string): Promise<LoadReport> {
  const l = await repo.findLoad(k.db.kysely, id);
  if (!l) throw notFound('汇聚批次', id);
  const errs: LoadErrorView[] = (await repo.loadErrors(k.db.kysely, id)).map((e) => ({ line: e.line, field: e.field, value: e.value, reason: e.reason }));
  return {
    id: l.id,
    entryId: l.entry_id,
    status: l.status,
    mode: l.mode,
    rowsTotal: l.rows_total,
    rowsAccepted: l.rows_accepted,
    rowsRejected: l.rows_rejected,
    errorRate: l.error_rate,
    versionNo: l.version_no,
    message: l.message,
    startedAt: new Date(l.started_at).toISOString(),
    finishedAt: l.finished_at ? new Date(l.finished_at).toISOString() : null,
    errors: errs,
  };
}

/** A load's report, for the provider org's users (and the platform administrator). */
export async function getLoad(k: Kernel, auth: AuthContext, id: string): Promise<LoadReport> {
  const l = await repo.findLoad(k.db.kysely, id);
  if (!l) throw notFound('汇聚批次', id);
  requirePermission(auth.org.id === (await entryOf(k, l.entry_id)).provider_org_id, '目录提供单位的用户');
  return getLoadReportUnchecked(k, id);
}

/** The kept versions of an entry's data, newest first (provider org). */
export async function listDatasetVersions(k: Kernel, auth: AuthContext, entryId: string): Promise<{ items: DatasetVersionView[] }> {
  requirePermission(auth.org.id === (await entryOf(k, entryId)).provider_org_id, '目录提供单位的用户');
  const rows = await repo.listVersions(k.db.kysely, entryId);
  return {
    items: rows.map((v) => ({ versionNo: v.version_no, loadId: v.load_id, rows: v.rows, live: v.live, createdAt: new Date(v.created_at).toISOString() })),
  };
}

/** Rows of one kept version (provider org); other readers go through `delivery` and its grants. */
export async function readVersionRows(
  k: Kernel,
  auth: AuthContext,
  entryId: string,
  versionNo: number,
  page: { limit: number; offset: number },
): Promise<{ versionNo: number; total: number; rows: Record<string, unknown>[] }> {
  requirePermission(auth.org.id === (await entryOf(k, entryId)).provider_org_id, '目录提供单位的用户');
  const v = await repo.findVersion(k.db.kysely, entryId, versionNo);
  if (!v || v.dropped_at) throw notFound('数据版本', String(versionNo));
  return { versionNo, total: v.rows, rows: await repo.readRows(k.db.kysely, v.table_name, page.limit, page.offset) };
}
