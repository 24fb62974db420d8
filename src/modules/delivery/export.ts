/**
 * Batch export (批量交换) and file download (000 第八条、第十四条): the subject org of a grant
 * naming `batch` (or `file`) asks for an export; the job runs in this process after the request
 * returns, streaming the live version's rows through the service API's projection, row filter and
 * masking into a file under `DATA_DIR/exports` — rendered by the database in one `COPY` (the
 * stream path), or page by page in JavaScript for the values SQL cannot render alike (the page
 * path) — with a few canary rows as the delivery's watermark. When ready, an expiring link downloads it; the grant is checked again at
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
import type { Db, Executor } from '../../kernel/db.js';
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
  LineFilter,
  PROGRESS_MS,
  PROGRESS_ROWS,
  rowFingerprint,
  SPLIT_ROWS,
  splitLastCsvField,
  unescapeCopyText,
} from './export.rules.js';
import { exportCopy, sqlMaskable, TEMPLATE_SEPARATOR, type LineColumn } from './export.sql.js';
import { filterableOf, grantMasking } from './masking.js';
import { defaultStrategy, masker, type MaskStrategy, type PseudonymKeys } from '../privacy/masking.js';
import type { ExportBody } from './export.schema.js';
import type { ExportFormat } from './export.tables.js';
import {
  ART,
  CONTENT_TYPES,
  csvCell,
  deliveredColumns,
  maskedFields,
  maskStrategies,
  outValue,
  parseQueryFilters,
  parseRowFilter,
  renderPage,
  type Condition,
  type DeliveredColumn,
  type FieldType,
  type Scalar,
} from './rules.js';

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
      throw new AppError('FORBIDDEN', `该共享授权的共享方式为 ${g.methods.join(' / ')}，不含批量交换（batch）或文件下载（file），不能导出${g.methods.includes('sandbox') ? '：隐私沙箱授权只能在平台内分析，原始数据不出域' : ''}`, { source: ART.request, details: { reason: 'method', grantId: g.id } });
    }
    const live = await repo.liveSource(trx, g.entry_id);
    if (!live) throw new AppError('NOT_FOUND', `目录「${entry.name ?? entry.code}」尚无可提供的数据：提供单位还没有汇聚入库`, { source: ART.provision });
    // The filters are checked now against the granted fields, and again when the job runs.
    const columns = deliveredColumns(g.fields, entry.fields ?? [], live.fields);
    const how = await repo.grantMasking(trx, g.id);
    const masked = maskedFields(columns, how.clear);
    const filterable = filterableOf(columns, masked, maskStrategies(columns, masked, how.strategies));
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

/** What an export writes, fixed when its job starts. */
export interface ExportPlan {
  /** The live version's table in `datasets`. */
  table: string;
  format: ExportFormat;
  columns: DeliveredColumn[];
  /** Masked columns and the kind of personal information each holds. */
  masked: ReadonlyMap<string, string>;
  /** The strategy of each masked column (the grant's choice); a column not listed takes its kind's default. */
  strategies?: ReadonlyMap<string, MaskStrategy>;
  /** The grant's pseudonym keys, when a strategy is a pseudonym. */
  pseudonyms?: PseudonymKeys | undefined;
  /** The grant's row filter and the export's filters. */
  conditions: Condition[];
  types: ReadonlyMap<string, FieldType>;
  /** The entry's key fields: the order of the file. */
  keys: Array<{ name: string; type: FieldType }>;
  /** Order by the physical position last (keys not unique, or none). */
  tieBreak: boolean;
  /** Rows of the selection. */
  total: number;
  /** The export's secret seed for its canaries. */
  seed: string;
  /** Some value of the selection only the page path writes as the service API delivers it (export.sql.ts). */
  exotic: boolean;
  /** Rows from which the stream path splits the selection in two streams at once (default SPLIT_ROWS; PostgreSQL, unique keys). */
  splitRows?: number;
}

export interface Written {
  rows: number;
  bytes: number;
  /** The canaries kept: none equals a real row of the file or another canary. */
  canaries: Array<{ ordinal: number; position: number; fingerprint: string }>;
  path: 'stream' | 'pages';
  /** Streams the rows came in (two when the stream path split the selection). */
  streams: number;
}

type Progress = (rows: number, bytes: number) => Promise<void>;

/**
 * Writes an export's file: the CSV header, then its rows in key order with the canaries after
 * their rows. The stream path (`COPY` of rows rendered by the database, export.sql.ts) unless a
 * value of the selection needs the page path (`plan.exotic`), or `path` asks for it (tests). Both
 * write the same bytes and keep the same canaries.
 */
export async function writeExport(db: Db, plan: ExportPlan, out: fs.WriteStream, progress: Progress, path: 'auto' | 'pages' = 'auto'): Promise<Written> {
  const names = plan.columns.map((c) => c.name);
  let header = 0;
  if (plan.format === 'csv') {
    const text = renderPage('csv', names, [], null)[0] ?? '';
    header = Buffer.byteLength(text);
    await put(out, text);
  }
  const w = path === 'pages' || !streamable(plan) ? await writePages(db.kysely, plan, out, progress, header) : await writeStream(db, plan, out, progress, header);
  return { ...w, bytes: w.bytes + header };
}

/**
 * Whether the stream path writes the plan as the page path does: no value of the selection is
 * exotic, and every masked column's strategy has an SQL form (export.sql.ts `sqlMaskable`; a
 * pseudonym has none).
 */
export const streamable = (plan: ExportPlan): boolean => !plan.exotic && lineColumnsOf(plan).every(sqlMaskable);

/** The plan's columns as the export statement renders them. */
const lineColumnsOf = (plan: ExportPlan): LineColumn[] =>
  plan.columns.map((c) => ({ name: c.name, type: c.type, inTable: c.inTable, mask: plan.masked.get(c.name) ?? null, strategy: plan.strategies?.get(c.name) }));

/** Masks a row as delivered (values before masking in, values as written out); one masker per column, made once. */
function deliverer(plan: ExportPlan): (raw: Readonly<Record<string, Scalar | null>>) => Record<string, Scalar | null> {
  const cols = plan.columns.map((c) => {
    const kind = plan.masked.get(c.name);
    return { name: c.name, mask: kind === undefined ? null : masker(plan.strategies?.get(c.name) ?? defaultStrategy(kind), plan.pseudonyms) };
  });
  return (raw) => {
    const item: Record<string, Scalar | null> = {};
    for (const { name, mask } of cols) item[name] = mask ? mask(raw[name] ?? null) : (raw[name] ?? null);
    return item;
  };
}

/** Rows rendered in JavaScript, without the CSV header. */
function renderer(plan: ExportPlan): (items: Record<string, Scalar | null>[]) => string {
  const names = plan.columns.map((c) => c.name);
  return (items) => {
    const chunks = renderPage(plan.format, names, items, null);
    return (plan.format === 'csv' ? chunks.slice(1) : chunks).join('');
  };
}

/** Calls `progress` after PROGRESS_ROWS rows or PROGRESS_MS, whichever comes first. */
function ticker(progress: Progress): (rows: number, bytes: number) => Promise<void> {
  let lastRows = 0;
  let lastAt = Date.now();
  return async (rows, bytes) => {
    if (rows - lastRows < PROGRESS_ROWS && Date.now() - lastAt < PROGRESS_MS) return;
    lastRows = rows;
    lastAt = Date.now();
    await progress(rows, bytes);
  };
}

/** A value as the service API delivers it, from its text in a template row (export.sql.ts `valueText`). */
function scalarOf(type: FieldType, t: string | null): Scalar | null {
  if (t === null) return null;
  switch (type) {
    case 'integer': {
      const n = Number(t);
      return Number.isSafeInteger(n) ? n : t;
    }
    case 'number':
      return Number(t);
    case 'boolean':
      return t === 'true';
    default:
      return t;
  }
}

const NL = Buffer.from('\n');
/** Bytes an export file's stream takes before the rows wait for the disk: the COPY keeps flowing meanwhile. */
const FILE_BUFFER = 4 * 1024 * 1024;

/** `b` without the byte `x`, moved down in place (the runs between are copied natively). */
function dropByte(b: Buffer, x: number): Buffer {
  let w = b.indexOf(x);
  if (w < 0) return b;
  let r = w + 1;
  for (;;) {
    const n = b.indexOf(x, r);
    const end = n < 0 ? b.length : n;
    if (end > r) w += b.copy(b, w, r, end);
    if (n < 0) break;
    r = n + 1;
  }
  return b.subarray(0, w);
}

/**
 * The stream path: `COPY (SELECT …) TO STDOUT` in key order, the database rendering every value
 * (projection, filters, masking, formats) and the quoting — COPY's CSV writer: a column a cell for
 * CSV, a fragment a column joined by its commas for NDJSON (export.sql.ts `exportCopy`). The
 * canaries' rows are located first (one pass over the keys) and marked by `ctid`, so they also
 * carry their values before masking. JavaScript only splits the output into rows to count them,
 * hashes each row into the collision filter in the same pass, passes runs of rows through to the
 * file as they came, and after each canary's row writes the canary rendered as the page path
 * renders it. Progress every PROGRESS_ROWS rows or PROGRESS_MS. On PostgreSQL a large selection
 * with one unique key column streams as two halves at once (SPLIT_ROWS).
 */
async function writeStream(db: Db, plan: ExportPlan, out: fs.WriteStream, progress: Progress, header: number): Promise<Written> {
  const positions = canaryPositions(plan.seed, plan.total, canaryCount(plan.total));
  const seen = new LineFilter(plan.total);
  const made: Made[] = [];
  const tick = ticker(progress);
  const parts: Part[] = [{ first: 0, count: plan.total, from: null, before: null, out }];
  // PostgreSQL, one unique key column, many rows: the two halves stream at once on two
  // connections (two backends render them), the second into a file of its own appended after the first.
  const key = plan.keys.length === 1 && !plan.tieBreak ? plan.keys[0] : undefined;
  const split = Boolean(db.pool && key && plan.total >= (plan.splitRows ?? SPLIT_ROWS) && !(await xrepo.hasNullKey(db.kysely, plan.table, key.name)));
  const half = Math.floor(plan.total / 2);
  // The canaries' rows (and the first row of the second half) located in one pass over the keys.
  const located = await xrepo.locateRows(
    db.kysely,
    { table: plan.table, order: plan.keys.map((k) => k.name), tieBreak: plan.tieBreak, conditions: plan.conditions, types: plan.types, key: split && key ? key.name : null },
    [...positions, ...(split ? [half + 1] : [])],
  );
  const tids = new Map<number, string>();
  for (const p of positions) {
    const at = located.get(p);
    if (!at) throw new Error('导出数据的行数与统计不符');
    tids.set(p, at.ctid);
  }
  let second: string | null = null;
  try {
    if (split) {
      const at = located.get(half + 1)?.key ?? null;
      if (at !== null) {
        second = `${out.path as string}.part`;
        parts[0] = { first: 0, count: half, from: null, before: [at], out };
        const rest = fs.createWriteStream(second, { flags: 'wx', mode: 0o600, highWaterMark: FILE_BUFFER });
        // Its failure is seen where it is written to (`errored`), as for the file itself.
        rest.on('error', () => undefined);
        parts.push({ first: half, count: plan.total - half, from: [at], before: null, out: rest });
      }
    }
    const counts = parts.map(() => 0);
    const sizes = parts.map(() => 0);
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    // Settled, not raced: a failed half must not leave the other writing after the export failed.
    const settled = await Promise.allSettled(
      parts.map((part, i) =>
        streamPart(db, plan, part, positions, tids, seen, made, (rows, bytes) => {
          counts[i] = rows;
          sizes[i] = bytes;
          return tick(sum(counts), sum(sizes) + header);
        }),
      ),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const results = settled.map((r) => (r as PromiseFulfilledResult<{ rows: number; bytes: number }>).value);
    if (parts.length > 1 && results.some((r, i) => r.rows !== parts[i]?.count)) throw new Error('导出数据流的行数与统计不符');
    let bytes = results[0]?.bytes ?? 0;
    const rows = results.reduce((x, r) => x + r.rows, 0);
    const tail = parts[1];
    if (tail && second) {
      const closed = once(tail.out, 'close');
      tail.out.end();
      await closed;
      for await (const chunk of fs.createReadStream(second, { highWaterMark: 1 << 20 })) {
        if (!out.write(chunk as Buffer)) await once(out, 'drain');
      }
      bytes += results[1]?.bytes ?? 0;
    }
    return { ...finishStream(rows, bytes, made, seen), streams: parts.length };
  } finally {
    if (second) {
      parts[1]?.out.destroy();
      fs.rmSync(second, { force: true });
    }
  }
}

type Made = { ordinal: number; position: number; fingerprint: string; line: Buffer };

/** A key range of the selection streamed by one COPY: `first` rows come before it, `count` in it. */
interface Part {
  first: number;
  count: number;
  /** Keys at or after these (null: from the start). */
  from: Scalar[] | null;
  /** Keys before these (null: to the end). */
  before: Scalar[] | null;
  out: fs.WriteStream;
}

/** A canary equal to a real row of the file (or to another canary) could name a file that is not this export: not kept. */
function finishStream(rows: number, bytes: number, made: Made[], seen: LineFilter): Omit<Written, 'streams'> {
  const counts = new Map<string, number>();
  for (const c of made) counts.set(c.fingerprint, (counts.get(c.fingerprint) ?? 0) + 1);
  const canaries = made
    .filter((c) => !seen.mayHave(c.line) && counts.get(c.fingerprint) === 1)
    .sort((a, b) => a.ordinal - b.ordinal)
    .map(({ ordinal, position, fingerprint }) => ({ ordinal, position, fingerprint }));
  return { rows, bytes, canaries, path: 'stream' };
}

/** Streams one part into its file; rows are numbered in the whole export (after `part.first`). */
async function streamPart(
  db: Db,
  plan: ExportPlan,
  part: Part,
  positions: readonly number[],
  tids: ReadonlyMap<number, string>,
  seen: LineFilter,
  made: Made[],
  progress: (rows: number, bytes: number) => Promise<void>,
): Promise<{ rows: number; bytes: number }> {
  const lineColumns = lineColumnsOf(plan);
  const keyTypes = new Map(plan.keys.map((k) => [k.name, k.type]));
  const range = [
    ...(part.from ? [{ keys: plan.keys.map((k) => k.name), op: '>=' as const, values: part.from }] : []),
    ...(part.before ? [{ keys: plan.keys.map((k) => k.name), op: '<' as const, values: part.before }] : []),
  ];
  const copy = exportCopy({
    table: plan.table,
    columns: lineColumns,
    format: plan.format,
    conditions: plan.conditions,
    types: plan.types,
    order: plan.keys.map((k) => k.name),
    tieBreak: plan.tieBreak,
    templates: positions.filter((p) => p > part.first && p <= part.first + part.count).map((p) => tids.get(p) as string),
    range: range.map((r) => ({ ...r, types: r.keys.map((k) => keyTypes.get(k) ?? 'string') })),
  });
  const out = part.out;
  const deliver = deliverer(plan);
  const render = renderer(plan);
  let rows = part.first;
  let bytes = 0;
  let next = positions.findIndex((p) => p > part.first);
  if (next < 0) next = positions.length;
  let rest: Buffer | null = null;
  let waiting = false;
  const emit = (b: Buffer) => {
    if (b.length === 0) return;
    bytes += b.length;
    if (!out.write(b)) waiting = true;
  };
  /** Writes a real line not passed through as it came (its own buffer), then the canaries that follow it. */
  const own = (full: Buffer, model: Array<string | null> | null) => {
    seen.add(full);
    emit(full);
    if (!model) return;
    const values: Record<string, Scalar | null> = {};
    plan.columns.forEach((c, i) => {
      values[c.name] = scalarOf(c.type, model[i] ?? null);
    });
    while (next < positions.length && positions[next] === rows) {
      const canary = deliver(canaryRow(plan.seed, next, values, plan.columns));
      const text = Buffer.from(render([canary]));
      made.push({ ordinal: next, position: rows, fingerprint: rowFingerprint(canary), line: text });
      emit(text);
      next++;
    }
  };
  /** One text line per row (`lines`, `json`): unescaped when COPY escaped it; a template row split at its separator. */
  const ownLine = (raw: Buffer, escaped: boolean) => {
    const line = escaped ? unescapeCopyText(raw) : raw;
    if (rows !== positions[next]) return own(Buffer.concat([line, NL]), null);
    const cut = line.lastIndexOf(TEMPLATE_SEPARATOR);
    own(Buffer.concat([line.subarray(0, cut), NL]), JSON.parse(line.subarray(cut + 1).toString('utf8')) as Array<string | null>);
  };
  /** A CSV template row (`csv`): its last cell carries the separator and the values before masking. */
  const ownCsvTemplate = (raw: Buffer) => {
    const { before, value } = splitLastCsvField(raw.toString('utf8'));
    const cut = value.lastIndexOf(String.fromCharCode(TEMPLATE_SEPARATOR));
    own(Buffer.from(`${before}${csvCell(value.slice(0, cut))}\n`), JSON.parse(value.slice(cut + 1)) as Array<string | null>);
  };
  // `lines`: a line holding a backslash was escaped by COPY.
  const marker = copy.mode === 'lines' ? 0x5c : -1;
  const linesChunk = (buf: Buffer): number => {
    let pos = 0;
    let run = 0;
    let slash = marker < 0 ? -1 : buf.indexOf(marker);
    let model = positions[next] ?? 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0) break;
      rows++;
      const escaped = slash !== -1 && slash < nl;
      if (escaped || rows === model) {
        emit(buf.subarray(run, pos));
        ownLine(buf.subarray(pos, nl), escaped);
        run = nl + 1;
        if (escaped) slash = buf.indexOf(marker, nl + 1);
        model = positions[next] ?? 0;
      } else {
        seen.add(buf, pos, nl + 1);
      }
      pos = nl + 1;
    }
    emit(buf.subarray(run, pos));
    return pos;
  };
  const csvChunk = (buf: Buffer): number => {
    let pos = 0;
    let run = 0;
    let model = positions[next] ?? 0;
    for (;;) {
      const end = seen.scanCsvRow(buf, pos);
      if (end < 0) break;
      rows++;
      if (rows === model) {
        emit(buf.subarray(run, pos));
        ownCsvTemplate(buf.subarray(pos, end - 1));
        run = end;
        model = positions[next] ?? 0;
      } else {
        seen.addHashed();
      }
      pos = end;
    }
    emit(buf.subarray(run, pos));
    return pos;
  };
  const chunk = copy.mode === 'csv' ? csvChunk : linesChunk;
  await xrepo.copyOut(db, copy.query, copy.options, async (input) => {
    // `json`: the 0x01 bytes COPY quoted a fragment holding a comma with, taken out (JSON has no raw 0x01).
    const data = copy.mode === 'json' ? dropByte(input, 0x01) : input;
    const buf: Buffer = rest ? Buffer.concat([rest, data]) : data;
    rest = null;
    const pos = chunk(buf);
    if (pos < buf.length) rest = Buffer.from(buf.subarray(pos));
    if (waiting) {
      waiting = false;
      if (out.errored) throw out.errored;
      await once(out, 'drain');
    }
    await progress(rows - part.first, bytes);
  });
  if (rest) throw new Error('导出数据流意外中断');
  return { rows: rows - part.first, bytes };
}

/**
 * The page path: keyset pages of EXPORT_PAGE rows as the service API reads them, each value
 * converted, masked and rendered in JavaScript. Taken when a value of the selection has no SQL
 * text equal to JavaScript's (export.sql.ts).
 */
async function writePages(db: Executor, plan: ExportPlan, out: fs.WriteStream, progress: Progress, header: number): Promise<Written> {
  const { columns } = plan;
  const positions = canaryPositions(plan.seed, plan.total, canaryCount(plan.total));
  const made: Array<{ ordinal: number; position: number; fingerprint: string }> = [];
  const seen = new FingerprintFilter(plan.total);
  const deliver = deliverer(plan);
  const render = renderer(plan);
  const tick = ticker(progress);
  let bytes = 0;
  let after: Scalar[] | null = null;
  let done = 0;
  let next = 0;
  for (;;) {
    const page = await repo.readPage(db, { table: plan.table, select: columns, order: plan.keys, tieBreak: plan.tieBreak, conditions: plan.conditions, types: plan.types, after, limit: EXPORT_PAGE });
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
        const canary = deliver(canaryRow(plan.seed, next, raw, columns));
        made.push({ ordinal: next, position: done, fingerprint: rowFingerprint(canary) });
        items.push(canary);
        next++;
      }
    }
    const text = render(items);
    if (text !== '') {
      bytes += Buffer.byteLength(text);
      await put(out, text);
    }
    await tick(done, bytes + header);
    const last = rows[rows.length - 1];
    if (page.length <= EXPORT_PAGE || !last) break;
    after = last.order;
  }
  const counts = new Map<string, number>();
  for (const c of made) counts.set(c.fingerprint, (counts.get(c.fingerprint) ?? 0) + 1);
  return { rows: done, bytes, canaries: made.filter((c) => !seen.mayHave(c.fingerprint) && counts.get(c.fingerprint) === 1), path: 'pages', streams: 1 };
}

/**
 * The job: claims a queued export, checks the grant again, counts the selection, and writes it
 * (`writeExport`) into the file; progress every PROGRESS_ROWS rows or PROGRESS_MS. Ready: the
 * kept canaries' fingerprints, the link's expiry, the provide duty met for the grant's first
 * export, audited. Any failure marks it failed with the reason and removes the partial file.
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
    const how = await repo.grantMasking(db, g.id);
    const masked = maskedFields(columns, how.clear);
    const masking = grantMasking(k, g.id, columns, masked, how.strategies);
    const types = new Map<string, FieldType>(live.fields.map((f) => [f.name, f.type]));
    const filterable = filterableOf(columns, masked, masking.strategies);
    const parsed = parseQueryFilters(x.filters ?? {}, filterable);
    if (parsed.problems.length > 0) throw new AppError('VALIDATION', `筛选条件有误：${parsed.problems.map((p) => `${p.field}：${p.message}`).join('；')}`);
    const unavailable = parsed.conditions.find((c) => !types.has(c.field));
    if (unavailable) throw new AppError('VALIDATION', `${unavailable.field} 在当前数据版本中没有数据，不能作为筛选条件`);
    const rowFilter = parseRowFilter(g.row_filter, types);
    if (!rowFilter.ok) throw new AppError('INVALID_STATE', `共享授权的行过滤条件无效：${rowFilter.reason}`, { source: ART.useLimits });
    const conditions = [...rowFilter.conditions, ...parsed.conditions];
    const lineColumns = columns.map((c) => ({ name: c.name, type: c.type, inTable: c.inTable, mask: masked.get(c.name) ?? null, strategy: masking.strategies.get(c.name) }));
    const { total, exotic } = await xrepo.surveyRows(db, live.table_name, lineColumns, conditions, types);
    await xrepo.updateExport(db, id, { rows_total: total, version_no: live.version_no, fields: names, masked: [...masked.keys()] });

    const keys = live.fields.filter((f) => f.key).map((f) => ({ name: f.name, type: f.type }));
    const tieBreak = keys.length === 0 || !(await hasUniqueKeys(db, live.table_name));
    const plan: ExportPlan = {
      table: live.table_name,
      format: x.format,
      columns,
      masked,
      strategies: masking.strategies,
      pseudonyms: masking.keys,
      conditions,
      types,
      keys,
      tieBreak,
      total,
      seed: k.crypto.hmac(`gongshu.export.canary:${id}`),
      exotic,
    };

    fs.mkdirSync(exportsDir(k), { recursive: true, mode: 0o700 });
    const fileName = `${id}.${x.format}`;
    file = filePath(k, fileName);
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600, highWaterMark: FILE_BUFFER });
    const closed = once(out, 'close');
    out.on('error', () => undefined);
    const written = await writeExport(k.db, plan, out, (rows_done, bytes) => xrepo.updateExport(db, id, { rows_done, bytes }));
    out.end();
    await closed;
    const { rows: done, bytes } = written;
    const kept = written.canaries;

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
        details: { entryCode: x.entry_code, method: x.method, format: x.format, versionNo: live.version_no, rows: done, bytes, canaries: kept.length, fields: names, masked: [...masked.keys()], path: written.path, provideDutyMet: met },
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
      fs.rmSync(filePath(k, `${x.id}.${x.format}.part`), { force: true });
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
