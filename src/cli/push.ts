/**
 * `gongshu push <entry code> <file>`: pushes a batch file of a catalog entry's data to the
 * platform (批量文件推送, 000 第八条) in chunks, with a progress bar, resuming where an earlier push
 * of the same file stopped. It computes the file's SM3 digest, declares the upload (the platform
 * answers with the unfinished upload of the same file if there is one), sends the remaining
 * chunks — retrying a failed one with backoff — and completes the upload into a load, printing
 * the load report. A client of the HTTP API only: it needs a server and an API key, not a database.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cliProgress, { type SingleBar } from 'cli-progress';
import type { LoadReport } from '../modules/ingest/service.js';

export type PushMode = 'replace' | 'upsert';
export type PushFormat = 'csv' | 'ndjson' | 'xlsx';

export interface PushOptions {
  entryCode: string;
  file: string;
  mode: PushMode;
  /** Base URL of the platform, e.g. http://localhost:3000. */
  server: string;
  /** An API key (`gsk_…`) of the provider org. */
  key: string;
  /** Bytes per chunk; the platform's chunk size when larger or absent. */
  chunkSize?: number;
  /** Attempts after the first for one request that failed on the network or with a server error. */
  retries?: number;
  /** The first retry's wait; each further retry waits twice as long. */
  retryDelayMs?: number;
}

export interface PushIo {
  fetch: typeof fetch;
  /** Progress and the report; a progress bar when it is a terminal, plain lines otherwise. */
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: { write(text: string): unknown };
  sleep?: (ms: number) => Promise<void>;
  /** Aborting it (Ctrl-C) stops the push between or during requests; the platform keeps what it received. */
  signal?: AbortSignal;
  /** While a completion is loading, how long to wait between looks at its progress. */
  pollMs?: number;
}

export interface PushResult {
  /** 0: committed · 1: refused, failed or interrupted · 2: the command could not start (file, key, format) · 130: stopped by the user. */
  exitCode: number;
  uploadId: string | null;
  /** The offset the first chunk of this run was sent at (where it resumed). */
  resumedAt: number | null;
  chunksSent: number;
  report: LoadReport | null;
}

interface UploadState {
  id: string;
  size: number;
  received: number;
  chunkSize: number;
  status: 'open' | 'loading' | 'completed' | 'expired';
  loadId: string | null;
  resumed?: boolean;
}

interface ApiError {
  code: string;
  message: string;
  source?: string;
  details?: Record<string, unknown>;
}

/** A request that failed for good: the platform's refusal, or the network after every retry. */
class PushError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly api: ApiError | null = null,
  ) {
    super(message);
  }
}

const FORMATS: Record<string, PushFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.xlsx': 'xlsx' };
const SHOWN_ERRORS = 10;

/** The format of a file by its extension, or null. */
export function formatOf(file: string): PushFormat | null {
  return FORMATS[path.extname(file).toLowerCase()] ?? null;
}

/** Bytes in the units people read (B, KiB, MiB, GiB). */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** SM3 of a file, read as a stream. */
export async function fileDigest(file: string): Promise<string> {
  const hash = crypto.createHash('sm3');
  for await (const b of fs.createReadStream(file)) hash.update(b as Buffer);
  return hash.digest('hex');
}

/** Pushes the file; never throws for an expected failure: the result's exit code says how it went. */
export async function push(opts: PushOptions, io: PushIo): Promise<PushResult> {
  const result: PushResult = { exitCode: 1, uploadId: null, resumedAt: null, chunksSent: 0, report: null };
  const say = (text: string) => void io.out.write(`${text}\n`);
  const fail = (text: string) => void io.err.write(`${text}\n`);
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = opts.retries ?? 4;
  const delay = opts.retryDelayMs ?? 500;
  const base = opts.server.replace(/\/+$/, '');

  const format = formatOf(opts.file);
  if (!format) {
    fail(`无法识别文件格式：${path.basename(opts.file)}（支持 .csv、.ndjson/.jsonl、.xlsx）`);
    return { ...result, exitCode: 2 };
  }
  if (!opts.key) {
    fail('缺少 API 密钥：用 --key 或环境变量 GONGSHU_API_KEY 提供（Authorization: Bearer gsk_…）');
    return { ...result, exitCode: 2 };
  }
  let size: number;
  try {
    const st = await fs.promises.stat(opts.file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    fail(`找不到文件：${opts.file}`);
    return { ...result, exitCode: 2 };
  }
  if (size === 0) {
    fail(`文件为空：${opts.file}`);
    return { ...result, exitCode: 2 };
  }

  /** One request, retried on network errors, 5xx and 429 with exponential backoff. */
  async function request(method: string, urlPath: string, body?: { json: unknown } | { bytes: Uint8Array<ArrayBuffer> }): Promise<{ status: number; data: unknown }> {
    for (let attempt = 0; ; attempt++) {
      let status: number | null = null;
      let data: unknown = null;
      let problem: string;
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${opts.key}`, accept: 'application/json' };
        let payload: string | Uint8Array<ArrayBuffer> | undefined;
        if (body && 'json' in body) {
          headers['content-type'] = 'application/json';
          payload = JSON.stringify(body.json);
        } else if (body) {
          headers['content-type'] = 'application/octet-stream';
          payload = body.bytes;
        }
        if (io.signal?.aborted) throw new PushError('已中断', null);
        const res = await io.fetch(`${base}${urlPath}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}), ...(io.signal ? { signal: io.signal } : {}) });
        status = res.status;
        const text = await res.text();
        try {
          data = text ? JSON.parse(text) : null;
        } catch {
          data = null;
        }
        if (status < 500 && status !== 429) return { status, data };
        problem = `服务器返回 ${status}${apiError(data) ? `：${apiError(data)?.message}` : ''}`;
      } catch (err) {
        if (io.signal?.aborted || err instanceof PushError) throw new PushError('已中断', null);
        problem = `网络错误：${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
      }
      if (attempt >= retries) throw new PushError(problem, status, apiError(data));
      const wait = Math.min(delay * 2 ** attempt, 30_000);
      fail(`${problem}；${(wait / 1000).toFixed(1)} 秒后重试（第 ${attempt + 1}/${retries} 次）`);
      await sleep(wait);
    }
  }
  /** The platform's answer, or a PushError carrying its refusal. */
  const expect2xx = (r: { status: number; data: unknown }, what: string): unknown => {
    if (r.status >= 200 && r.status < 300) return r.data;
    const e = apiError(r.data);
    throw new PushError(`${what}失败（${r.status}）：${e?.message ?? '无说明'}${e?.source ? `（依据 ${e.source}）` : ''}`, r.status, e);
  };

  let handle: fs.promises.FileHandle | null = null;
  let bar: SingleBar | null = null;
  let upload: UploadState | null = null;
  try {
    say(`计算 SM3 摘要：${path.basename(opts.file)}（${humanBytes(size)}）…`);
    const digest = await fileDigest(opts.file);
    const entry = expect2xx(await request('GET', `/api/v1/catalog/entries/by-code/${encodeURIComponent(opts.entryCode)}`), '查找目录') as { id: string; code: string; name: string };
    say(`目录：${entry.name}（${entry.code}）`);
    upload = expect2xx(
      await request('POST', `/api/v1/catalog/entries/${entry.id}/uploads`, { json: { fileName: path.basename(opts.file), size, digest, format, mode: opts.mode } }),
      '登记推送',
    ) as UploadState;
    result.uploadId = upload.id;
    if (upload.resumed) say(`续传：平台已收到 ${humanBytes(upload.received)}，从偏移 ${upload.received} 继续`);

    const chunk = Math.max(1, Math.min(upload.chunkSize, opts.chunkSize ?? upload.chunkSize));
    handle = await fs.promises.open(opts.file, 'r');
    let offset = upload.received;
    const progress = startProgress(io, size, offset, say);
    bar = progress.bar;
    while (offset < size) {
      const len = Math.min(chunk, size - offset);
      const bytes = Buffer.alloc(len);
      const { bytesRead } = await handle.read(bytes, 0, len, offset);
      if (bytesRead !== len) throw new PushError('读取文件出错：文件在推送过程中被改动了', null);
      if (result.resumedAt === null) result.resumedAt = offset;
      const r = await request('PUT', `/api/v1/uploads/${upload.id}/chunks/${offset}`, { bytes });
      result.chunksSent++;
      const expected = r.status === 409 ? apiError(r.data)?.details?.expectedOffset : undefined;
      if (typeof expected === 'number' && expected !== offset && expected <= size) {
        // The platform holds a different number of bytes than this run thought: continue from there.
        offset = expected;
      } else {
        offset = (expect2xx(r, `发送分块（偏移 ${offset}）`) as { received: number }).received;
      }
      progress.update(offset);
    }
    progress.done();
    bar = null;

    say('文件已传完，平台正在核对摘要并汇聚…');
    result.report = await completeUpload(upload.id);
    printReport(result.report, say);
    result.exitCode = result.report.status === 'committed' ? 0 : 1;
    return result;
  } catch (err) {
    bar?.stop();
    if (!(err instanceof PushError)) throw err;
    if (io.signal?.aborted) {
      fail(upload ? `已中断。平台保留已收到的部分，重新运行同一命令将从断点继续（推送 ${upload.id}）。` : '已中断。');
      return { ...result, exitCode: 130 };
    }
    const refused = err.api?.code === 'IMPORT_REJECTED' ? (err.api.details as LoadReport | undefined) : undefined;
    if (refused) {
      result.report = refused;
      printReport(refused, fail);
    } else {
      fail(err.message);
      if (upload && err.status !== 409 && err.status !== 422) fail(`推送中断。重新运行同一命令将从平台已收到的位置继续（推送 ${upload.id}）。`);
    }
    return result;
  } finally {
    await handle?.close();
  }

  /** Completes the upload; if the answer is lost while the platform loads, waits for the load and asks again. */
  async function completeUpload(id: string): Promise<LoadReport> {
    for (;;) {
      let r: { status: number; data: unknown };
      try {
        r = await request('POST', `/api/v1/uploads/${id}/complete`);
      } catch (err) {
        if (!(err instanceof PushError) || err.status !== null) throw err;
        r = { status: 0, data: null };
      }
      if (r.status === 201) return r.data as LoadReport;
      if (r.status !== 0 && !(r.status === 409 && (await statusOf(id)) === 'loading')) expect2xx(r, '完成推送');
      // Loading elsewhere (or the answer was lost): wait until it is no longer loading, then ask again.
      while ((await statusOf(id)) === 'loading') await sleep(io.pollMs ?? 2000);
    }
  }

  async function statusOf(id: string): Promise<UploadState['status']> {
    return (expect2xx(await request('GET', `/api/v1/uploads/${id}`), '查询推送进度') as UploadState).status;
  }
}

function apiError(data: unknown): ApiError | null {
  if (typeof data !== 'object' || data === null || !('error' in data)) return null;
  const e = (data as { error: unknown }).error;
  return typeof e === 'object' && e !== null && 'message' in e ? (e as ApiError) : null;
}

/** A progress bar on a terminal; a line per tenth of the file otherwise. */
function startProgress(io: PushIo, total: number, start: number, say: (text: string) => void) {
  const started = Date.now();
  const rate = (value: number) => {
    const secs = (Date.now() - started) / 1000;
    return secs > 0 ? `${humanBytes(Math.round((value - start) / secs))}/s` : '—';
  };
  if (io.out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.out,
        format: '推送 {bar} {percentage}% | {value} / {total} | {speed} | 剩余 {eta_formatted}',
        hideCursor: true,
        formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? humanBytes(v) : String(v)),
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, start, { speed: '—' });
    return { bar, update: (v: number) => bar.update(v, { speed: rate(v) }), done: () => bar.stop() };
  }
  let shown = Math.floor((10 * start) / total);
  return {
    bar: null,
    update(v: number) {
      const tenth = Math.floor((10 * v) / total);
      if (tenth > shown || v === total) {
        shown = tenth;
        say(`已发送 ${humanBytes(v)} / ${humanBytes(total)}（${Math.floor((100 * v) / total)}%），${rate(v)}`);
      }
    },
    done: () => undefined,
  };
}

function printReport(r: LoadReport, print: (text: string) => void): void {
  if (r.status === 'committed') {
    print(`已汇聚：第 ${r.versionNo ?? '—'} 版，共 ${r.rowsTotal} 行，接受 ${r.rowsAccepted} 行，拒收 ${r.rowsRejected} 行（批次 ${r.id}）`);
  } else {
    print(`整批拒收：${r.message ?? r.status}（共 ${r.rowsTotal} 行，拒收 ${r.rowsRejected} 行；批次 ${r.id}）`);
  }
  if (r.errors.length === 0) return;
  print(`被拒收的行（前 ${Math.min(SHOWN_ERRORS, r.errors.length)} 条，共 ${r.rowsRejected} 行）：`);
  for (const e of r.errors.slice(0, SHOWN_ERRORS)) print(`  第 ${e.line} 行  ${e.field}${e.value !== null ? `=${e.value}` : ''}：${e.reason}`);
}
