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
import type { Executor, Trx } from '../../kernel/db.js';
import { openCopy, type CopyWriter } from './copy.js';
import * as repo from './repo.js';
import type { LoadFormat, LoadMode, LoadStatus } from './tables.js';
import { copyLine, rowValidator, type RawValue } from './validators.js';

export { ART_AGGREGATE } from './read.js';
import { ART_AGGREGATE, readCsv, readNdjson } from './read.js';
import { csvWithFieldNames, readXlsx } from './xlsx-read.js';
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
  format: LoadFormat;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  errorRate: number;
  /** The share of rejected rows above which a load is refused whole (the platform's setting). */
  errorThreshold: number;
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
export function mayLoad(auth: AuthContext, providerOrgId: string): boolean {
  return auth.org.id === providerOrgId && (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));
}

export const LOAD_NEEDS = '目录提供单位的经办人、数据工作机构负责人或机构管理员';

/** The catalog entry (404 if none). Read through the catalog's repo: ingest never writes it. */
async function entryOf(k: Kernel, entryId: string) {
  const entry = await catalogRepo.findEntry(k.db.kysely, entryId);
  if (!entry) throw notFound('目录', entryId);
  return entry;
}

/** What a load reads from: the request body (or an uploaded file) as a stream of bytes. */
export interface LoadInput {
  mode: LoadMode;
  format: LoadFormat;
  body: Readable;
  /**
   * Called once the body has been read to its end, before the commit; throwing an `AppError`
   * refuses the load (e.g. a form that carries a second file after the first).
   */
  afterBody?: () => Promise<void>;
}

/** Test seam: called after each row is accepted (before its batch is written), to interrupt a load midway. */
export interface LoadHooks {
  afterRow?: (n: number) => void;
}

/** How often a load in progress tells the `ingest.sweep` job it is alive. */
export const LOAD_HEARTBEAT_MS = 30_000;

const TYPE_NAMES: Record<CatalogField['type'], string> = { string: '文本', integer: '整数', number: '数值', boolean: '布尔', date: '日期', datetime: '日期时间' };

/** The columns an upsert copies from the previous version into the new one, or why it cannot. */
export type UpsertMerge = { ok: true; columns: string[] } | { ok: false; reason: string };

/**
 * An upsert across a change of the catalog's data items (000 第八条): the previous live version was
 * built from the fields `previous`, the load from `current`. Its rows are merged by the columns
 * both have (a field new in the catalog is empty in the old rows, a field removed is dropped) when
 * the key fields are the same (names and types) and no shared field changed its type; otherwise
 * the old rows cannot be matched or typed, and only a full replace can bring the data over.
 */
export function upsertMerge(previous: readonly CatalogField[], current: readonly CatalogField[], versions: { previous: number; current: number }): UpsertMerge {
  const keysOf = (fs: readonly CatalogField[]) => fs.filter((f) => f.key).map((f) => `${f.name}:${f.type}`).sort().join(',');
  const keyNames = (fs: readonly CatalogField[]) => fs.filter((f) => f.key).map((f) => f.name).join('、') || '无';
  if (keysOf(previous) !== keysOf(current)) {
    return {
      ok: false,
      reason: `主键已变更：现行数据按目录第 ${versions.previous} 版建立（主键 ${keyNames(previous)}），已发布目录第 ${versions.current} 版的主键为 ${keyNames(current)}，旧数据无法按主键合并；请以全量替换（mode=replace）上传完整数据`,
    };
  }
  const columns: string[] = [];
  for (const f of current) {
    const old = previous.find((p) => p.name === f.name);
    if (!old) continue;
    if (old.type !== f.type) {
      return {
        ok: false,
        reason: `数据项 ${f.name} 的类型已由${TYPE_NAMES[old.type]}改为${TYPE_NAMES[f.type]}（目录第 ${versions.previous} 版 → 第 ${versions.current} 版），旧数据无法按新类型合并；请以全量替换（mode=replace）上传完整数据`,
      };
    }
    columns.push(f.name);
  }
  return { ok: true, columns };
}

/** A refusal found at commit time: the load ends refused, not failed. */
class CommitRefusal extends AppError {}

/** The merge of an upsert into the live version `live` (built from `liveCatalogVersion`), or its refusal. */
async function mergeColumns(db: Executor, entryId: string, liveCatalogVersion: number, published: { version: number; fields: CatalogField[] }): Promise<string[]> {
  if (liveCatalogVersion === published.version) return published.fields.map((f) => f.name);
  const old = await catalogRepo.findVersion(db, entryId, liveCatalogVersion);
  const plan = old
    ? upsertMerge(old.fields, published.fields, { previous: liveCatalogVersion, current: published.version })
    : ({ ok: false, reason: `现行数据所依据的目录第 ${liveCatalogVersion} 版已不存在，无法合并；请以全量替换（mode=replace）上传完整数据` } as const);
  if (!plan.ok) throw new CommitRefusal('CONFLICT', plan.reason, { source: ART_AGGREGATE });
  return plan.columns;
}

interface Tally {
  total: number;
  accepted: number;
  rejected: number;
}

interface OpenLoad {
  id: string;
  entryId: string;
  mode: LoadMode;
  format: LoadFormat;
  tableName: string;
}

/**
 * Ends a load that will not become live, in one transaction: its status, message and counters,
 * its rejected rows, the audit event, and the drop of its staging table. Returns the status the
 * load had: 'committed' means a commit reported as failed had gone through (the table is live and
 * is kept); anything but 'validating' means someone else (the sweep) had already ended it.
 */
async function endLoad(k: Kernel, auth: AuthContext, load: OpenLoad, status: 'refused' | 'failed', message: string, tally: Tally, errors: readonly LoadErrorView[]): Promise<LoadStatus | null> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const row = await repo.lockLoad(trx, load.id);
    if (!row) return null;
    if (row.status === 'committed') return row.status;
    if (row.status === 'validating') {
      const at = k.clock.now();
      await repo.updateLoad(trx, load.id, {
        status,
        message,
        rows_total: tally.total,
        rows_accepted: tally.accepted,
        rows_rejected: tally.rejected,
        error_rate: tally.total === 0 ? 0 : tally.rejected / tally.total,
        version_no: null,
        finished_at: at,
      });
      await storeErrors(trx, load.id, errors);
      await audit(k, trx, actorOf(auth), {
        action: status === 'refused' ? 'ingest.load_refused' : 'ingest.load_failed',
        objectType: 'catalog_entry',
        objectId: load.entryId,
        details: { loadId: load.id, mode: load.mode, format: load.format, message, rowsTotal: tally.total, rowsAccepted: tally.accepted, rowsRejected: tally.rejected },
      });
    }
    await repo.dropDatasetTable(trx, load.tableName);
    return row.status;
  });
}

/**
 * Receives a load of a published entry's data (000 第八条). Returns the committed report, or
 * throws `IMPORT_REJECTED` (422) carrying the report when the error rate exceeds the threshold.
 *
 * Every end of a load is one transaction: the commit (new live version, counters, rejected rows,
 * quality scores and the other consequences, audit), or the refusal or failure (status, message,
 * counters, rejected rows, audit, staging table dropped). The load row and its staging table are
 * created together; a load whose process died is ended by the `ingest.sweep` job.
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
  if (input.mode === 'upsert') {
    // Refused before reading a byte when the live version cannot take it; checked again at commit.
    const live = await repo.liveVersion(k.db.kysely, entryId);
    const liveLoad = live ? await repo.findLoad(k.db.kysely, live.load_id) : undefined;
    if (liveLoad) await mergeColumns(k.db.kysely, entryId, liveLoad.catalog_version, published);
  }

  const regions = new Set((await k.db.kysely.selectFrom('regions').select('code').execute()).map((r) => r.code.trim()));
  const validate = rowValidator(fields, { regions });

  const id = crypto.randomUUID();
  const tableName = repo.loadTableName(id);
  const load: OpenLoad = { id, entryId, mode: input.mode, format: input.format, tableName };
  await k.db.kysely.transaction().execute(async (trx) => {
    await repo.insertLoad(trx, {
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
      started_at: k.clock.now(),
      finished_at: null,
    });
    await repo.createDatasetTable(trx, tableName, fields);
  });
  const heartbeat = setInterval(() => {
    repo.touchLoad(k.db.kysely, id, k.clock.now()).catch(() => undefined);
  }, LOAD_HEARTBEAT_MS);
  heartbeat.unref();

  const errors: LoadErrorView[] = [];
  const tally: Tally = { total: 0, accepted: 0, rejected: 0 };
  let writer: CopyWriter | null = null;

  try {
    writer = await openCopy(k.db, tableName, fields.map((f) => f.name));
    const w = writer;
    // Validates one row; returns its COPY line, or null when rejected (its errors recorded).
    const take = (line: number, raw: readonly RawValue[]): string | null => {
      tally.total++;
      const r = validate(raw);
      if (r.ok) {
        tally.accepted++;
        hooks.afterRow?.(tally.accepted);
        return copyLine(r.values);
      }
      tally.rejected++;
      for (const e of r.errors) if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, ...e });
      return null;
    };
    if (input.format === 'csv') await readCsv(csvWithFieldNames(input.body, fields), fields, take, w);
    else if (input.format === 'xlsx') await readXlsx(input.body, fields, take, w);
    else await readNdjson(input.body, fields, take, w);
    await writer.end();
    writer = null;
    await input.afterBody?.();
  } catch (err) {
    clearInterval(heartbeat);
    if (writer) await writer.abort().catch(() => undefined);
    if (!(err instanceof AppError)) console.error(`ingest: load ${id} interrupted:`, err);
    const message = err instanceof AppError ? err.message : `数据读取或写入中断，本批未汇聚，现行版本不变；请检查文件是否完整后重新上传（批次 ${id}）`;
    await endLoad(k, auth, load, err instanceof AppError ? 'refused' : 'failed', message, tally, errors).catch((e: unknown) => console.error(`ingest: load ${id} could not be ended (the sweep will):`, e));
    throw await withReport(k, id, err instanceof AppError ? err : new AppError('VALIDATION', message, { source: ART_AGGREGATE }));
  }
  clearInterval(heartbeat);

  const { total, accepted, rejected } = tally;
  const threshold = k.config.ingestErrorThreshold;
  // Compare in whole rows (rejected > threshold × total) so "exactly at the threshold" is exact.
  const refusedByRate = rejected > Math.floor(threshold * total + 1e-9);
  if (total === 0 || refusedByRate) {
    const message =
      total === 0
        ? '文件没有数据行'
        : `错误率 ${(100 * (rejected / total)).toFixed(2)}% 超过阈值 ${(100 * threshold).toFixed(2)}%，整批拒收`;
    const ended = await endLoad(k, auth, load, 'refused', message, tally, errors).then(
      () => true,
      (e: unknown) => {
        console.error(`ingest: load ${id} could not be ended (the sweep will):`, e);
        return false;
      },
    );
    if (!ended) throw await withReport(k, id, new AppError('INTERNAL', `${message}；拒收结果暂未能记录，将由系统补记为失败（批次 ${id}）`, { source: ART_AGGREGATE }));
    const report = await getLoadReportUnchecked(k, id);
    throw new AppError('IMPORT_REJECTED', message, { source: ART_AGGREGATE, details: { ...report } });
  }

  try {
    await k.db.kysely.transaction().execute(async (trx) => {
      await repo.lockEntryData(trx, entryId);
      const row = await repo.lockLoad(trx, id);
      if (row?.status !== 'validating') {
        throw new AppError('INVALID_STATE', `本批次已被判定为中断（超过 ${k.config.ingestStaleLoadMinutes} 分钟未完成），未汇聚，现行版本不变；请重新上传（批次 ${id}）`, { source: ART_AGGREGATE });
      }
      const prev = await repo.liveVersion(trx, entryId);
      // Unique keys stay unique through an upsert's merge only if the previous version's were.
      const merging = input.mode === 'upsert' && prev !== undefined;
      const keysUnique = keyFields.length > 0 && (await repo.indexKeys(trx, tableName, keyFields, !merging || (await repo.hasUniqueKeys(trx, prev.table_name))));
      if (input.mode === 'upsert' && prev) {
        const prevLoad = await repo.findLoad(trx, prev.load_id);
        const columns = await mergeColumns(trx, entryId, prevLoad?.catalog_version ?? published.version, published);
        await repo.mergePrevious(trx, tableName, prev.table_name, columns, keyFields);
      }
      const rows = input.mode === 'upsert' && prev ? await repo.countRows(trx, tableName) : accepted;
      const versionNo = await repo.nextVersionNo(trx, entryId);
      const now = k.clock.now();
      await repo.insertVersion(trx, { entry_id: entryId, version_no: versionNo, table_name: tableName, load_id: id, rows, created_at: now, live: true, dropped_at: null });
      await storeErrors(trx, id, errors);
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
        keysUnique,
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
    const refused = err instanceof CommitRefusal;
    if (!(err instanceof AppError)) console.error(`ingest: load ${id} could not be committed:`, err);
    const message = err instanceof AppError ? err.message : `提交失败，本批未汇聚，现行版本不变；请稍后重试（批次 ${id}）`;
    // A lost connection can report an error for a COMMIT that went through: the load row says
    // which, and a load found committed keeps its table, which is the live version.
    const found = await endLoad(k, auth, load, refused ? 'refused' : 'failed', message, tally, errors).catch((e: unknown) => {
      console.error(`ingest: load ${id} could not be ended (the sweep will):`, e);
      return null;
    });
    if (found === 'committed') return getLoadReportUnchecked(k, id);
    throw await withReport(k, id, err instanceof AppError ? err : new AppError('INTERNAL', message));
  }
  return getLoadReportUnchecked(k, id);
}

/** The refusal or failure of a recorded load, carrying its report in `details` (as IMPORT_REJECTED does). */
async function withReport(k: Kernel, id: string, err: AppError): Promise<AppError> {
  const report = await getLoadReportUnchecked(k, id).catch(() => null);
  if (!report || err.details) return err;
  return new AppError(err.code, err.message, { source: err.source, fields: err.fields, details: { ...report } });
}

async function storeErrors(trx: Trx, loadId: string, errors: readonly LoadErrorView[]): Promise<void> {
  await repo.insertErrors(
    trx,
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
    format: l.format,
    rowsTotal: l.rows_total,
    rowsAccepted: l.rows_accepted,
    rowsRejected: l.rows_rejected,
    errorRate: l.error_rate,
    errorThreshold: k.config.ingestErrorThreshold,
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
