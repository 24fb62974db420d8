/**
 * Scheduled pull (定时拉取, 000 第八条 "服务接口"): a provider registers an HTTP endpoint for its
 * entry; the platform fetches it on a schedule — from the entry's update frequency or an explicit
 * interval — with a conditional request, and streams the body into the same load path as an
 * upload (`receiveLoad`), as the user who registered it. Every run is recorded with its outcome;
 * failures in a row back off and, past a threshold, the provider org is told.
 *
 * A run is claimed in one transaction (marked running, next run pushed past its time limit), then
 * fetched and loaded outside it (the load has transactions of its own), then finished in another
 * transaction that records the outcome, the next run and the audit event.
 */
import crypto from 'node:crypto';
import dns from 'node:dns/promises';
import { isIP } from 'node:net';
import { Readable, Transform, pipeline } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { audit } from '../../kernel/audit.js';
import { actorOf, hasUserRole, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Actor, Kernel } from '../../kernel/context.js';
import { SYSTEM_ACTOR } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import type { Job } from '../../kernel/jobs.js';
import { notify } from '../../kernel/notifications.js';
import * as catalogRepo from '../catalog/repo.js';
import * as identityRepo from '../identity/repo.js';
import { authFromRow } from '../identity/views.js';
import {
  ART_PULL,
  DEFAULT_HOUR,
  FAILURES_BEFORE_NOTICE,
  auditUrl,
  bodyExcerpt,
  headerProblems,
  nextRunAfter,
  nextSlot,
  noticeDue,
  periodMinutes,
  scheduleProblem,
  urlProblem,
  addressProblem,
  hostProblem,
  type PullSchedule,
} from './pull.js';
import * as repo from './pull.repo.js';
import type { PullFormat, PullRunStatus, PullTrigger, RunRow, SourceRow } from './pull.repo.js';
import type { PullSourceBody } from './pull.schema.js';
import { receiveLoad, type LoadReport } from './service.js';
import type { LoadFormat, LoadMode } from './tables.js';

/** Time and size limits of one pull. */
export interface PullLimits {
  /** Until the endpoint answers with its status and headers. */
  responseTimeoutMs: number;
  /** For the whole run, body and load included. */
  totalTimeoutMs: number;
  /** Bytes of body accepted (after any transfer decoding). */
  maxBytes: number;
}

export const DEFAULT_PULL_LIMITS: PullLimits = Object.freeze({
  responseTimeoutMs: 30_000,
  totalTimeoutMs: 15 * 60_000,
  maxBytes: 512 * 1024 * 1024,
});

/** Due sources one job run takes at most; the rest wait for the next run. */
const JOB_BATCH = 10;

export interface PullSourceView {
  entryId: string;
  url: string;
  format: string;
  mode: LoadMode;
  headers: Array<{ name: string; set: true }>;
  schedule: PullSchedule;
  updateFrequency: string;
  periodMinutes: number;
  active: boolean;
  running: boolean;
  nextRunAt: string | null;
  consecutiveFailures: number;
  lastRun: { id: string; status: PullRunStatus; message: string | null; loadId: string | null; at: string | null } | null;
  etag: string | null;
  lastModified: string | null;
  registeredBy: { id: string; name: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface PullRunView {
  id: string;
  trigger: PullTrigger;
  status: PullRunStatus;
  httpStatus: number | null;
  message: string | null;
  loadId: string | null;
  versionNo: number | null;
  bytes: number | null;
  startedAt: string;
  finishedAt: string | null;
  byUser: { id: string; name: string | null } | null;
}

const MANAGE_NEEDS = '目录提供单位的经办人、数据工作机构负责人或机构管理员';

/** 数据提供单位的经办人、数据工作机构负责人或机构管理员 register and run the entry's pull, as they may load its data. */
function mayManage(auth: AuthContext, providerOrgId: string): boolean {
  return auth.org.id === providerOrgId && (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const scheduleOf = (s: SourceRow): PullSchedule =>
  s.schedule_kind === 'interval' && s.interval_minutes !== null ? { kind: 'interval', minutes: s.interval_minutes } : { kind: 'frequency', hour: s.hour };

/** Formats the load path reads today (`LoadFormat`); a pull declares one of them. */
const LOAD_FORMATS: ReadonlySet<string> = new Set<LoadFormat>(['csv', 'ndjson', 'xlsx']);
const isLoadFormat = (f: string): f is LoadFormat => LOAD_FORMATS.has(f);
const ACCEPT: Record<LoadFormat, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

async function entryOf(db: Executor, entryId: string) {
  const entry = await catalogRepo.findEntry(db, entryId);
  if (!entry) throw notFound('目录', entryId);
  return entry;
}

/** The name and update frequency of the entry's published version ('irregular' while none is published). */
async function publishedFacts(db: Executor, entryId: string): Promise<{ name: string | null; frequency: string }> {
  const entry = await catalogRepo.findEntry(db, entryId);
  const v = entry?.published_version ? await catalogRepo.findVersion(db, entryId, entry.published_version) : undefined;
  return { name: v?.name ?? null, frequency: v?.update_frequency ?? 'irregular' };
}

const isRunning = (s: SourceRow, now: Date, limits: PullLimits) => s.running_since !== null && new Date(s.running_since).getTime() > staleBefore(now, limits).getTime();
/** A run that started at or before this has outlived its time limit: its process stopped. */
const staleBefore = (now: Date, limits: PullLimits) => new Date(now.getTime() - limits.totalTimeoutMs - 5 * 60_000);

async function sourceView(k: Kernel, s: SourceRow, limits: PullLimits = DEFAULT_PULL_LIMITS): Promise<PullSourceView> {
  const freq = (await publishedFacts(k.db.kysely, s.entry_id)).frequency;
  const schedule = scheduleOf(s);
  return {
    entryId: s.entry_id,
    url: s.url,
    format: s.format,
    mode: s.mode,
    headers: s.header_names.map((name) => ({ name, set: true as const })),
    schedule,
    updateFrequency: freq,
    periodMinutes: periodMinutes(schedule, freq),
    active: s.active,
    running: isRunning(s, k.clock.now(), limits),
    nextRunAt: s.active ? iso(s.next_run_at) : null,
    consecutiveFailures: s.consecutive_failures,
    lastRun: s.last_run_id && s.last_status ? { id: s.last_run_id, status: s.last_status, message: s.last_message, loadId: s.last_load_id, at: iso(s.last_run_at) } : null,
    etag: s.etag,
    lastModified: s.last_modified,
    registeredBy: { id: s.registered_by, name: await repo.userName(k.db.kysely, s.registered_by) },
    createdAt: new Date(s.created_at).toISOString(),
    updatedAt: new Date(s.updated_at).toISOString(),
  };
}

const runView = (r: RunRow & { by_user_name?: string | null }): PullRunView => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  httpStatus: r.http_status,
  message: r.message,
  loadId: r.load_id,
  versionNo: r.version_no,
  bytes: r.bytes === null ? null : Number(r.bytes),
  startedAt: new Date(r.started_at).toISOString(),
  finishedAt: iso(r.finished_at),
  byUser: r.by_user_id ? { id: r.by_user_id, name: r.by_user_name ?? null } : null,
});

type HeaderPair = { name: string; value: string };

function decryptHeaders(k: Kernel, s: Pick<SourceRow, 'headers_enc'>): HeaderPair[] {
  if (!s.headers_enc) return [];
  return JSON.parse(k.crypto.decrypt(s.headers_enc)) as HeaderPair[];
}

const refuse = (message: string, field?: string) => new AppError('RULE_VIOLATION', message, { source: ART_PULL, ...(field ? { fields: [{ field, message }] } : {}) });

/** The entry's pull source (provider org). */
export async function getPullSource(k: Kernel, auth: AuthContext, entryId: string): Promise<PullSourceView> {
  const entry = await entryOf(k.db.kysely, entryId);
  requirePermission(mayManage(auth, entry.provider_org_id), MANAGE_NEEDS);
  const s = await repo.findSource(k.db.kysely, entryId);
  if (!s) throw notFound('定时拉取来源', entryId);
  return sourceView(k, s);
}

/**
 * Registers or replaces the entry's pull source (000 第八条): an http(s) address, the format and
 * mode of the load, request headers kept encrypted, and the schedule. Active from now on, first
 * run at the schedule's next slot; the caller becomes the user the pull runs as.
 */
export async function putPullSource(k: Kernel, auth: AuthContext, entryId: string, input: PullSourceBody): Promise<PullSourceView> {
  const entry = await entryOf(k.db.kysely, entryId);
  requirePermission(mayManage(auth, entry.provider_org_id), MANAGE_NEEDS);

  const url = input.url.trim();
  const badUrl = urlProblem(url) ?? (k.config.ingestPullAllowLocal ? null : hostProblem(new URL(url).hostname));
  if (badUrl) throw refuse(badUrl, 'url');
  const schedule: PullSchedule = input.schedule.kind === 'interval' ? { kind: 'interval', minutes: input.schedule.minutes } : { kind: 'frequency', hour: input.schedule.hour ?? DEFAULT_HOUR };
  const badSchedule = scheduleProblem(schedule);
  if (badSchedule) throw refuse(badSchedule, 'schedule');
  if (!isLoadFormat(input.format)) throw refuse(`不支持的数据格式：${input.format}`, 'format');
  const published = entry.published_version ? await catalogRepo.findVersion(k.db.kysely, entryId, entry.published_version) : undefined;
  if (!published) throw refuse('目录尚未发布，不能登记定时拉取：数据项以已发布的目录为准');
  if (input.mode === 'upsert' && !published.fields.some((f) => f.key)) throw refuse('增量更新需要目录定义主键数据项（key）', 'mode');
  const headerIssues = headerProblems(input.headers ?? []);
  if (headerIssues.length > 0) {
    throw new AppError('RULE_VIOLATION', headerIssues.map((p) => p.message).join('；'), {
      source: ART_PULL,
      fields: headerIssues.map((p) => ({ field: `headers/${p.index}/${p.field}`, message: p.message })),
    });
  }

  await k.db.kysely.transaction().execute(async (trx) => {
    const old = await repo.lockSource(trx, entryId);
    // Headers left without a value keep the value registered under the same name.
    let headers: HeaderPair[] = old ? decryptHeaders(k, old) : [];
    if (input.headers) {
      const kept = new Map(headers.map((h) => [h.name.toLowerCase(), h.value]));
      headers = input.headers.map((h, i) => {
        const value = h.value ?? kept.get(h.name.toLowerCase());
        if (value === undefined) throw refuse(`请求头“${h.name}”需要填写值`, `headers/${i}/value`);
        return { name: h.name, value };
      });
    }
    const now = k.clock.now();
    const freq = published.update_frequency;
    const sameTarget = old !== undefined && old.url === url && old.format === input.format && old.mode === input.mode;
    const row = {
      url,
      format: input.format satisfies PullFormat,
      mode: input.mode,
      headers_enc: headers.length > 0 ? k.crypto.encrypt(JSON.stringify(headers)) : null,
      header_names: JSON.stringify(headers.map((h) => h.name)),
      schedule_kind: schedule.kind,
      interval_minutes: schedule.kind === 'interval' ? schedule.minutes : null,
      hour: schedule.kind === 'frequency' ? schedule.hour : (old?.hour ?? DEFAULT_HOUR),
      active: true,
      next_run_at: nextSlot(schedule, freq, now),
      consecutive_failures: 0,
      // Validators belong to what was fetched: a new address, format or mode starts afresh.
      etag: sameTarget ? old.etag : null,
      last_modified: sameTarget ? old.last_modified : null,
      registered_by: auth.user.id,
      provider_org_id: entry.provider_org_id,
      updated_at: now,
    };
    if (old) await repo.updateSource(trx, old.id, { ...row, revision: old.revision + 1 });
    else await repo.insertSource(trx, { id: crypto.randomUUID(), entry_id: entryId, ...row, created_at: now });
    await audit(k, trx, actorOf(auth), {
      action: old ? 'ingest.pull_source_update' : 'ingest.pull_source_create',
      objectType: 'catalog_entry',
      objectId: entryId,
      details: { url: auditUrl(url), format: input.format, mode: input.mode, schedule, headerNames: headers.map((h) => h.name) },
    });
  });
  return viewOf(k, entryId);
}

/** The view of the entry's source, read after the transaction that changed it. */
async function viewOf(k: Kernel, entryId: string): Promise<PullSourceView> {
  const saved = await repo.findSource(k.db.kysely, entryId);
  if (!saved) throw notFound('定时拉取来源', entryId);
  return sourceView(k, saved);
}

/** Stops the entry's scheduled pull; the registration and its runs stay on record. */
export async function deactivatePullSource(k: Kernel, auth: AuthContext, entryId: string): Promise<PullSourceView> {
  const entry = await entryOf(k.db.kysely, entryId);
  requirePermission(mayManage(auth, entry.provider_org_id), MANAGE_NEEDS);
  await k.db.kysely.transaction().execute(async (trx) => {
    const s = await repo.lockSource(trx, entryId);
    if (!s) throw notFound('定时拉取来源', entryId);
    if (s.active) {
      const now = k.clock.now();
      await repo.updateSource(trx, s.id, { active: false, next_run_at: null, revision: s.revision + 1, updated_at: now });
      await audit(k, trx, actorOf(auth), { action: 'ingest.pull_source_deactivate', objectType: 'catalog_entry', objectId: entryId, details: { url: auditUrl(s.url) } });
    }
  });
  return viewOf(k, entryId);
}

/** An entry's pull runs, newest first (provider org). */
export async function listPullRuns(k: Kernel, auth: AuthContext, entryId: string, page: { limit: number; offset: number }): Promise<{ items: PullRunView[]; total: number }> {
  const entry = await entryOf(k.db.kysely, entryId);
  requirePermission(mayManage(auth, entry.provider_org_id), MANAGE_NEEDS);
  const [rows, total] = await Promise.all([repo.listRuns(k.db.kysely, entryId, page.limit, page.offset), repo.countRuns(k.db.kysely, entryId)]);
  return { items: rows.map(runView), total };
}

/** A source taken for one run. */
interface Claim {
  runId: string;
  sourceId: string;
  entryId: string;
  revision: number;
  trigger: PullTrigger;
  actor: Actor;
}

/** Marks the source running and opens its run record (inside the caller's transaction). */
async function claim(k: Kernel, trx: Trx, s: SourceRow, trigger: PullTrigger, actor: Actor, limits: PullLimits): Promise<Claim> {
  const now = k.clock.now();
  await repo.closeAbandonedRuns(trx, s.id, now, '上一次拉取没有结束（服务重启或超出时限），记为失败');
  const runId = crypto.randomUUID();
  await repo.insertRun(trx, {
    id: runId,
    source_id: s.id,
    entry_id: s.entry_id,
    trigger,
    status: 'running',
    url: s.url,
    http_status: null,
    message: null,
    load_id: null,
    version_no: null,
    bytes: null,
    by_user_id: actor.userId,
    started_at: now,
    finished_at: null,
  });
  // Past the run's time limit: if this process stops midway, the source falls due again then.
  await repo.updateSource(trx, s.id, { running_since: now, next_run_at: new Date(now.getTime() + limits.totalTimeoutMs + 5 * 60_000), last_run_id: runId });
  return { runId, sourceId: s.id, entryId: s.entry_id, revision: s.revision, trigger, actor };
}

/**
 * Runs the entry's pull now (provider org), whatever its schedule, and returns the run with the
 * load report when a load was made. Refused while a run is under way or the source is inactive.
 */
export async function runPullNow(k: Kernel, auth: AuthContext, entryId: string, limits: PullLimits = DEFAULT_PULL_LIMITS): Promise<{ run: PullRunView; load: LoadReport | null }> {
  const entry = await entryOf(k.db.kysely, entryId);
  requirePermission(mayManage(auth, entry.provider_org_id), MANAGE_NEEDS);
  const c = await k.db.kysely.transaction().execute(async (trx) => {
    const s = await repo.lockSource(trx, entryId);
    if (!s) throw notFound('定时拉取来源', entryId);
    if (!s.active) throw new AppError('INVALID_STATE', '定时拉取已停用，请先重新登记', { source: ART_PULL });
    if (isRunning(s, k.clock.now(), limits)) throw new AppError('CONFLICT', '正在拉取，请等本次结束后再试');
    const claimed = await claim(k, trx, s, 'manual', actorOf(auth), limits);
    await audit(k, trx, actorOf(auth), { action: 'ingest.pull_run_request', objectType: 'catalog_entry', objectId: entryId, details: { runId: claimed.runId } });
    return claimed;
  });
  return execute(k, c, limits);
}

/** Claims the sources due now (inside the job's transaction); at most `batch`. */
export async function claimDueSources(k: Kernel, trx: Trx, limits: PullLimits = DEFAULT_PULL_LIMITS, batch = JOB_BATCH): Promise<Claim[]> {
  const now = k.clock.now();
  const due = await repo.lockDueSources(trx, now, staleBefore(now, limits), batch);
  const out: Claim[] = [];
  for (const s of due) out.push(await claim(k, trx, s, 'schedule', SYSTEM_ACTOR, limits));
  return out;
}

/** The background job: claims what is due in its transaction, pulls each after the commit. */
export function makePullJob(limits: PullLimits = DEFAULT_PULL_LIMITS): Job {
  return {
    name: 'ingest.pull',
    async run(k, trx) {
      const claims = await claimDueSources(k, trx, limits);
      if (claims.length === 0) return 'no pull source due';
      return {
        result: `${claims.length} pull sources due`,
        async after(k2) {
          const counts = new Map<string, number>();
          // One at a time: each pull streams a load into the database already.
          for (const c of claims) {
            // A run that could not even be recorded (database gone) stays 'running' and is
            // closed as failed when its source is taken again; the other claims still run.
            const status = await execute(k2, c, limits).then(
              (r) => r.run.status,
              (err: unknown) => {
                console.error(`ingest: pull run ${c.runId} could not be recorded:`, err);
                return 'unrecorded';
              },
            );
            counts.set(status, (counts.get(status) ?? 0) + 1);
          }
          return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
        },
      };
    },
  };
}

export const pullJob = makePullJob();

/** What one run came to, before it is recorded. */
interface Outcome {
  status: Exclude<PullRunStatus, 'running'>;
  message: string | null;
  httpStatus: number | null;
  load: LoadReport | null;
  bytes: number | null;
  etag: string | null;
  lastModified: string | null;
}

const failed = (message: string, httpStatus: number | null = null, bytes: number | null = null): Outcome => ({
  status: 'failed',
  message,
  httpStatus,
  load: null,
  bytes,
  etag: null,
  lastModified: null,
});

/**
 * The AuthContext of the user who registered the source, read afresh: a user disabled, moved to
 * another org or without a loading role since stops the pull with a message saying so.
 */
async function runAs(k: Kernel, s: SourceRow): Promise<AuthContext | string> {
  const u = await identityRepo.findAuthRow(k.db.kysely, { userId: s.registered_by });
  if (!u) return '登记定时拉取的用户已不存在，拉取暂停；请由本单位经办人、数据工作机构负责人或机构管理员重新登记';
  if (u.disabled) return `登记定时拉取的用户“${u.user_name}”已停用，拉取暂停；请由本单位经办人、数据工作机构负责人或机构管理员重新登记`;
  // A pull loads as that user, with what their session would carry today.
  const auth = authFromRow(u, 'session', null);
  if (!mayManage(auth, s.provider_org_id)) {
    return `登记定时拉取的用户“${u.user_name}”已不是${MANAGE_NEEDS}，拉取暂停；请由有权限的用户重新登记`;
  }
  return auth;
}

/** Performs a claimed run and records its outcome; never throws for what the endpoint or the load did. */
async function execute(k: Kernel, c: Claim, limits: PullLimits): Promise<{ run: PullRunView; load: LoadReport | null }> {
  let outcome: Outcome;
  try {
    outcome = await pull(k, c, limits);
  } catch (err) {
    console.error(`ingest: pull run ${c.runId} failed unexpectedly:`, err);
    outcome = failed(`拉取中断：${err instanceof Error ? err.message : String(err)}`);
  }
  await finish(k, c, outcome);
  const run = await repo.findRun(k.db.kysely, c.runId);
  if (!run) throw notFound('拉取记录', c.runId);
  return { run: runView({ ...run, by_user_name: c.actor.userId ? await repo.userName(k.db.kysely, c.actor.userId) : null }), load: outcome.load };
}

/**
 * Counts the bytes flowing through and fails the stream past the cap — with a refusal, so the load
 * records why it stopped.
 */
function byteCap(maxBytes: number, over: () => void): Transform & { bytes: () => number } {
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > maxBytes) {
        over();
        done(new AppError('RULE_VIOLATION', `接口返回的数据超过单次拉取上限 ${mib(maxBytes)}，本批未汇聚`, { source: ART_PULL }));
        return;
      }
      done(null, chunk);
    },
  });
  return Object.assign(t, { bytes: () => n });
}

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/** Fetches the source and, when it sent data, loads it. */
/**
 * Why the address resolves to a local one (see `addressProblem`), or null. Checked before each
 * pull, since a name registered as a public host may later resolve elsewhere.
 */
async function localAddress(raw: string): Promise<string | null> {
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  const named = hostProblem(host);
  if (named) return named;
  if (isIP(host)) return null;
  try {
    for (const a of await dns.lookup(host, { all: true })) {
      const p = addressProblem(a.address);
      if (p) return `${host} 解析为 ${p}`;
    }
  } catch {
    // Unresolvable: the fetch itself fails and says so.
  }
  return null;
}

async function pull(k: Kernel, c: Claim, limits: PullLimits): Promise<Outcome> {
  const s = await repo.findSource(k.db.kysely, c.entryId);
  if (!s || s.id !== c.sourceId) return failed('定时拉取来源已被删除');
  const auth = await runAs(k, s);
  if (typeof auth === 'string') return failed(auth);
  if (!isLoadFormat(s.format)) return failed(`不支持的数据格式：${s.format}`);
  const format: LoadFormat = s.format;

  const headers: Record<string, string> = { 'user-agent': 'Gongshu-Pull/1', accept: `${ACCEPT[format]}, */*;q=0.5` };
  for (const h of decryptHeaders(k, s)) headers[h.name] = h.value;
  if (s.etag) headers['if-none-match'] = s.etag;
  if (s.last_modified) headers['if-modified-since'] = s.last_modified;

  if (!k.config.ingestPullAllowLocal) {
    const local = await localAddress(s.url);
    if (local) return failed(local);
  }

  const ctl = new AbortController();
  let timedOut: 'response' | 'total' | null = null;
  let overCap = false;
  const responseTimer = setTimeout(() => {
    timedOut = 'response';
    ctl.abort();
  }, limits.responseTimeoutMs);
  const totalTimer = setTimeout(() => {
    timedOut = 'total';
    ctl.abort();
  }, limits.totalTimeoutMs);
  try {
    let res: Response;
    try {
      // Redirects are not followed: the registered headers (credentials) must not travel to
      // another address than the one registered.
      res = await fetch(s.url, { headers, redirect: 'manual', signal: ctl.signal });
    } catch (err) {
      if (timedOut) return failed(`接口在 ${Math.round((timedOut === 'response' ? limits.responseTimeoutMs : limits.totalTimeoutMs) / 1000)} 秒内没有响应`);
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : null;
      return failed(`无法连接接口${code ? `（${code}）` : ''}：${cause instanceof Error ? cause.message : String(cause)}`);
    } finally {
      clearTimeout(responseTimer);
    }

    if (res.status === 304) {
      await res.body?.cancel().catch(() => undefined);
      return { status: 'unchanged', message: '接口数据自上次汇聚以来没有变化（HTTP 304）', httpStatus: 304, load: null, bytes: 0, etag: null, lastModified: null };
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      const to = res.headers.get('location');
      return failed(`接口返回重定向（HTTP ${res.status}${to ? `，指向 ${auditUrl(new URL(to, s.url).toString())}` : ''}）；平台不跟随重定向，请登记最终地址`, res.status);
    }
    if (!res.ok) {
      const text = await readExcerpt(res);
      return failed(`接口返回 HTTP ${res.status}${text ? `：${text}` : ''}`, res.status);
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return failed(`接口返回的数据（${mib(declared)}）超过单次拉取上限 ${mib(limits.maxBytes)}`, res.status);
    }
    if (!res.body) return failed('接口没有返回数据', res.status);

    const cap = byteCap(limits.maxBytes, () => {
      overCap = true;
    });
    // fetch's stream and node:stream/web's are the same class at run time; only their type
    // declarations (DOM vs Node) differ.
    const body = Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>);
    // Errors of either side end both; the load sees the error and leaves the live version alone.
    pipeline(body, cap, () => undefined);
    const done = (o: Omit<Outcome, 'httpStatus' | 'bytes' | 'etag' | 'lastModified'>): Outcome => ({
      ...o,
      httpStatus: res.status,
      bytes: cap.bytes(),
      etag: o.status === 'committed' ? res.headers.get('etag') : null,
      lastModified: o.status === 'committed' ? res.headers.get('last-modified') : null,
    });
    try {
      const report = await receiveLoad(k, auth, c.entryId, { mode: s.mode, format, body: cap });
      return done({ status: 'committed', message: `已汇聚为第 ${report.versionNo ?? '?'} 版：${report.rowsAccepted} 行合格，${report.rowsRejected} 行拒收`, load: report });
    } catch (err) {
      if (overCap) return done({ status: 'failed', message: `接口返回的数据超过单次拉取上限 ${mib(limits.maxBytes)}，本批未汇聚`, load: null });
      if (timedOut) return done({ status: 'failed', message: `拉取超出时限 ${Math.round(limits.totalTimeoutMs / 1000)} 秒，本批未汇聚`, load: null });
      if (err instanceof AppError && err.code === 'IMPORT_REJECTED') {
        return done({ status: 'refused', message: err.message, load: (err.details as LoadReport | undefined) ?? null });
      }
      if (err instanceof AppError) return done({ status: 'failed', message: err.message, load: null });
      throw err;
    }
  } finally {
    clearTimeout(responseTimer);
    clearTimeout(totalTimer);
  }
}

/** The first 2 KiB of an error response, as one short line. */
async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < 2048) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
    }
  } catch {
    // What arrived is enough for an excerpt.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return bodyExcerpt(Buffer.concat(chunks).subarray(0, 2048).toString('utf8'));
}

/**
 * Records a run's outcome, the source's next run (backing off after failures, unless the
 * registration changed meanwhile) and the audit event; tells the provider org when the failures in
 * a row reach the threshold.
 */
async function finish(k: Kernel, c: Claim, o: Outcome): Promise<void> {
  const { name, frequency: freq } = await publishedFacts(k.db.kysely, c.entryId);
  await k.db.kysely.transaction().execute(async (trx) => {
    const s = await repo.lockSource(trx, c.entryId);
    const now = k.clock.now();
    const loadId = o.load?.id ?? null;
    await repo.updateRun(trx, c.runId, {
      status: o.status,
      http_status: o.httpStatus,
      message: o.message,
      load_id: loadId,
      version_no: o.status === 'committed' ? (o.load?.versionNo ?? null) : null,
      bytes: o.bytes,
      finished_at: now,
    });
    if (!s || s.id !== c.sourceId) return;
    const failing = o.status === 'failed' || o.status === 'refused';
    const failures = failing ? s.consecutive_failures + 1 : 0;
    const current = s.revision === c.revision;
    await repo.updateSource(trx, s.id, {
      running_since: null,
      last_run_id: c.runId,
      last_status: o.status,
      last_message: o.message,
      last_load_id: loadId,
      last_run_at: now,
      // A registration changed during the run keeps its own schedule and validators.
      ...(current
        ? {
            consecutive_failures: failures,
            ...(s.active ? { next_run_at: nextRunAfter(scheduleOf(s), freq, now, failures) } : {}),
            ...(o.status === 'committed' ? { etag: o.etag, last_modified: o.lastModified } : {}),
          }
        : {}),
    });
    if (current && failing && noticeDue(failures)) {
      await notify(k, trx, {
        orgId: s.provider_org_id,
        kind: 'ingest.pull_failing',
        title: `定时拉取已连续 ${FAILURES_BEFORE_NOTICE} 次未能汇聚${name ? `：${name}` : ''}`,
        body: `目录数据的定时拉取（${auditUrl(s.url)}）已连续 ${failures} 次失败或被拒收，最近一次：${o.message ?? o.status}。平台将逐步延长重试间隔（最长一天）；请检查接口或重新登记。`,
        link: `/catalog/entries/${c.entryId}/data`,
      });
    }
    await audit(k, trx, c.actor, {
      action: 'ingest.pull_run',
      objectType: 'catalog_entry',
      objectId: c.entryId,
      details: { runId: c.runId, trigger: c.trigger, status: o.status, httpStatus: o.httpStatus, loadId, failures },
    });
  });
}
