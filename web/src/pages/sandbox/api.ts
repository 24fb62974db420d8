/**
 * Typed calls of the sandbox API (src/modules/privacy/sandbox.routes.ts; 数据可用不可见, 002 第十一、
 * 二十三条; 003 第三条): the granted views with their column policies, queries and their history,
 * release (出域审查) and the implementing agency's decisions on releases.
 */
import { ApiError, readCookie, request } from '../../api/client';
import type { Paged } from '../../api/types';
import type { ColumnPolicy, OutputColumn } from '../../../../src/modules/privacy/sandbox.types';

export type { ColumnPolicy };
export { COLUMN_POLICIES } from '../../../../src/modules/privacy/sandbox.types';

/** A column of a granted view, as the editor and the policy panel show it. */
export interface SandboxViewColumn {
  name: string;
  label: string | null;
  type: string;
  policy: ColumnPolicy;
}

/** A granted entry as a view named by its entry code (written `"HN-GAT-0001"` in SQL). */
export interface SandboxViewInfo {
  name: string;
  entryId: string | null;
  entryName: string | null;
  grantId: string | null;
  columns: SandboxViewColumn[];
  /** Smallest number of distinct subjects a released group may cover. */
  minGroupSize: number;
  /** The grant's differential-privacy budget and what is left of it, or null without DP. */
  dp: { epsilonBudget: number; epsilonPerQuery: number; epsilonRemaining: number } | null;
  /** A release waits for the implementing agency's approval. */
  releaseApproval: boolean;
  validUntil: string | null;
}

/** A sandbox grant that cannot be queried now (suspended, expired, no data loaded…), and why. */
export interface UnavailableView {
  grantId: string;
  code: string;
  name: string | null;
  status: string;
  reason: string;
}

export interface SandboxViews {
  views: SandboxViewInfo[];
  unavailable: UnavailableView[];
}

export type ReleaseStatus = 'pending_approval' | 'released' | 'refused' | 'blocked';
export const RELEASE_STATUSES: readonly ReleaseStatus[] = ['pending_approval', 'released', 'refused', 'blocked'];

/** One identifier kind found in an output column by the release scan. */
export interface ReleaseFinding {
  column: string;
  kind: string;
  count: number;
}

export type ResultColumn = Pick<OutputColumn, 'name' | 'kind' | 'aggregate'>;

/** A query put to the sandbox: its decision and, once accepted, its result (kept on the platform). */
export interface SandboxQuery {
  id: string;
  sql: string;
  decision: 'accepted' | 'rejected';
  violation: { rule: string; column: string | null; message: string; source?: string | null } | null;
  columns: ResultColumn[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  suppressedGroups: number;
  epsilonSpent: number;
  minGroupSize: number | null;
  releaseStatus: ReleaseStatus | null;
  releaseScan: ReleaseFinding[] | null;
  releaseReason: string | null;
  createdAt: string | null;
  userName: string | null;
  orgName: string | null;
  views: string[];
}

/** A refusal of the policy check (or of the output checks), with what the page must name. */
export interface QueryRefusal {
  code: string;
  message: string;
  rule: string | null;
  column: string | null;
  source: string | null;
  queryId: string | null;
  details?: Record<string, unknown>;
}

export class SandboxRefusal extends ApiError {
  readonly refusal: QueryRefusal;
  constructor(status: number, refusal: QueryRefusal) {
    super(status, refusal.code, refusal.message, refusal.source ?? undefined, [], refusal.details);
    this.name = 'SandboxRefusal';
    this.refusal = refusal;
  }
}

// ── Normalising what the server answers (tolerant of optional parts, strict on what the page needs) ──

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown, fallback = 0): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
};
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v, Number.NaN));

function viewOf(v: Json): SandboxViewInfo {
  const entry = isObj(v.entry) ? v.entry : {};
  const grant = isObj(v.grant) ? v.grant : {};
  const dp = isObj(v.dp) ? v.dp : null;
  const budget = dp ? numOrNull(dp.epsilonBudget ?? dp.budget) : null;
  return {
    name: str(v.name) ?? str(v.code) ?? str(entry.code) ?? '',
    entryId: str(v.entryId) ?? str(entry.id),
    entryName: str(v.entryName) ?? str(entry.name) ?? str(v.label),
    grantId: str(v.grantId) ?? str(grant.id),
    columns: (Array.isArray(v.columns) ? v.columns : []).filter(isObj).map((c) => ({
      name: str(c.name) ?? '',
      label: str(c.label),
      type: str(c.type) ?? 'string',
      policy: (str(c.policy) ?? 'hidden') as ColumnPolicy,
    })),
    minGroupSize: num(v.minGroupSize, 10),
    dp:
      dp && budget !== null && Number.isFinite(budget)
        ? {
            epsilonBudget: budget,
            epsilonPerQuery: num(dp.epsilonPerQuery ?? dp.perQuery),
            epsilonRemaining: num(dp.epsilonRemaining ?? dp.remaining ?? v.epsilonRemaining, budget),
          }
        : null,
    releaseApproval: v.releaseApproval === true || grant.releaseApproval === true,
    validUntil: str(v.validUntil) ?? str(grant.validUntil),
  };
}

function findingsOf(v: unknown): ReleaseFinding[] | null {
  if (!Array.isArray(v)) return null;
  return v.filter(isObj).map((f) => ({ column: str(f.column) ?? '', kind: str(f.kind) ?? '', count: num(f.count, 1) }));
}

/** A query from any of the sandbox's answers (run, history item, detail, release). */
export function queryOf(v: Json): SandboxQuery {
  const violation = isObj(v.violation) ? v.violation : null;
  const release = isObj(v.release) ? v.release : {};
  const rows = Array.isArray(v.rows) ? v.rows.map((r) => (Array.isArray(r) ? r : [])) : [];
  return {
    id: str(v.id) ?? str(v.queryId) ?? '',
    sql: str(v.sql) ?? '',
    decision: v.decision === 'rejected' || violation ? 'rejected' : 'accepted',
    violation: violation
      ? { rule: str(violation.rule) ?? '', column: str(violation.column), message: str(violation.message) ?? '', source: str(violation.source) }
      : null,
    columns: (Array.isArray(v.columns) ? v.columns : []).filter(isObj).map((c) => ({
      name: str(c.name) ?? '',
      kind: (str(c.kind) ?? 'plain') as ResultColumn['kind'],
      ...(str(c.aggregate) ? { aggregate: str(c.aggregate) as ResultColumn['aggregate'] } : {}),
    })),
    rows,
    rowCount: num(v.rowCount, rows.length),
    truncated: v.truncated === true,
    suppressedGroups: num(v.suppressedGroups),
    epsilonSpent: num(v.epsilonSpent),
    minGroupSize: numOrNull(v.minGroupSize),
    releaseStatus: (str(v.releaseStatus) ?? str(release.status) ?? str(v.status)) as ReleaseStatus | null,
    releaseScan: findingsOf(v.releaseScan ?? release.scan ?? v.scan ?? v.findings),
    releaseReason: str(v.releaseReason) ?? str(release.reason),
    createdAt: str(v.createdAt),
    userName: str(v.userName) ?? (isObj(v.user) ? str(v.user.name) : null),
    orgName: str(v.orgName) ?? (isObj(v.org) ? str(v.org.name) : null),
    views: Array.isArray(v.views) ? v.views.filter((x): x is string => typeof x === 'string') : [],
  };
}

/** The refusal of a sandbox call, read from the error body wherever the server puts the parts. */
function refusalOf(status: number, body: unknown): QueryRefusal | null {
  if (!isObj(body) || !isObj(body.error)) return null;
  const e = body.error;
  const d = isObj(e.details) ? e.details : {};
  return {
    code: str(e.code) ?? `HTTP_${status}`,
    message: str(e.message) ?? '',
    rule: str(e.rule) ?? str(d.rule),
    column: str(e.column) ?? str(d.column),
    source: str(e.source) ?? str(d.source),
    queryId: str(e.queryId) ?? str(d.queryId),
    details: { ...d, ...(Array.isArray(e.findings) ? { findings: e.findings } : {}), ...(Array.isArray(e.columns) ? { columns: e.columns } : {}) },
  };
}

/** A sandbox call whose refusals keep their rule, column and query id (a POST or GET of JSON). */
async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') {
    const csrf = readCookie('csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    if (res.status === 401) window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    const refusal = refusalOf(res.status, data);
    if (refusal) throw new SandboxRefusal(res.status, refusal);
    throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
  }
  return data;
}

const base = '/api/v1/sandbox';
const enc = encodeURIComponent;

function itemsOf(v: unknown): Json[] {
  if (Array.isArray(v)) return v.filter(isObj);
  if (isObj(v) && Array.isArray(v.items)) return v.items.filter(isObj);
  if (isObj(v) && Array.isArray(v.views)) return v.views.filter(isObj);
  return [];
}

export const sandboxApi = {
  /** The caller org's granted views, columns and policies, thresholds and ε left; the grants not usable now. */
  views: async (): Promise<SandboxViews> => {
    const v = await call('GET', `${base}/views`);
    const unavailable = isObj(v) && Array.isArray(v.unavailable) ? v.unavailable.filter(isObj) : [];
    return {
      views: itemsOf(v).map(viewOf),
      unavailable: unavailable.map((u) => ({ grantId: str(u.grantId) ?? '', code: str(u.code) ?? '', name: str(u.name), status: str(u.status) ?? '', reason: str(u.reason) ?? '' })),
    };
  },
  /** Runs a query; a refusal is thrown as a SandboxRefusal naming the rule and the column. */
  run: async (sql: string): Promise<SandboxQuery> => {
    const v = await call('POST', `${base}/queries`, { sql });
    return queryOf(isObj(v) ? { sql, ...v } : { sql });
  },
  /** My org's queries, newest first. */
  history: async (q: { limit: number; offset: number }): Promise<Paged<SandboxQuery>> => {
    const v = await request<unknown>('GET', `${base}/queries`, { query: q });
    return { items: itemsOf(v).map(queryOf), total: isObj(v) ? num(v.total) : 0 };
  },
  /** One of my org's queries with its result. */
  get: async (id: string): Promise<SandboxQuery> => {
    const v = await call('GET', `${base}/queries/${enc(id)}`);
    return queryOf(isObj(v) ? v : {});
  },
  /** 出域审查: scans the result for identifiers and releases it, or sends it for approval. */
  release: async (id: string): Promise<SandboxQuery> => {
    const v = await call('POST', `${base}/queries/${enc(id)}/release`);
    return queryOf(isObj(v) ? { id, ...v } : { id });
  },
  /** The releases waiting for (or decided by) the implementing agency. */
  releases: async (q: { status?: ReleaseStatus; limit: number; offset: number }): Promise<Paged<SandboxQuery>> => {
    const v = await request<unknown>('GET', `${base}/releases`, { query: q });
    return { items: itemsOf(v).map(queryOf), total: isObj(v) ? num(v.total, itemsOf(v).length) : 0 };
  },
  /** The implementing agency approves or refuses a release (a refusal carries its reason). */
  decide: async (id: string, body: { decision: 'approve' | 'refuse'; reason?: string }): Promise<SandboxQuery> => {
    const v = await call('POST', `${base}/queries/${enc(id)}/release/decide`, body);
    return queryOf(isObj(v) ? { id, ...v } : { id });
  },
  /** Where a released result is downloaded (the session cookie authorises it). */
  downloadUrl: (id: string, format: 'csv' | 'json' = 'csv') => `${base}/queries/${enc(id)}/download?format=${format}`,
};

/** Findings of a blocked release from its refusal's details (columns and identifier kinds). */
export function findingsOfRefusal(e: unknown): ReleaseFinding[] {
  if (!(e instanceof ApiError) || !e.details) return [];
  const d = e.details;
  return findingsOf(d.findings ?? d.scan ?? d.columns) ?? [];
}
