/**
 * The sandbox (数据可用不可见，原始数据不出域; 002 第十一条; 003 第三条): an org holding grants of
 * method `sandbox` queries views of the granted datasets with SQL. Each query is checked against
 * the column policies, run read-only on a dedicated connection inside a transaction that is rolled
 * back, its small groups dropped, noised under differential privacy, and recorded with its
 * decision, rows, suppression, ε and output hash in the audit chain. Results stay on the platform
 * until released (出域审查): scanned for identifiers and, where a grant says so, approved by the
 * implementing agency.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import { audit, canonicalJson, type AuditInput } from '../../kernel/audit.js';
import { appendAudited } from '../../kernel/audit-batch.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import { sm3 } from '../../kernel/crypto.js';
import type { Executor } from '../../kernel/db.js';
import { AppError, notFound, type ErrorCode } from '../../kernel/errors.js';
import { notify } from '../../kernel/notifications.js';
import { parseRowFilter } from '../delivery/rules.js';
import { effectiveGrantStatus, grantRefusal } from '../sharing/rules.js';
import type { GrantStatus } from '../sharing/tables.js';
import { detectKind } from './detectors.js';
import { applyDp, chargeDecision, DP_SOURCE, type EpsilonLedger } from './dp.js';
import { checkSandboxQuery } from './sandbox.policy.js';
import * as repo from './sandbox.repo.js';
import {
  ART,
  canDecideRelease,
  canQuery,
  DECIDE_NEEDS,
  filterTypes,
  grantView,
  isolates,
  jsonValue,
  QUERY_NEEDS,
  resultCsv,
  scanMessage,
  scanOutput,
  suppressSmallGroups,
  tempViewSql,
  visibleWidth,
  type GrantView,
} from './sandbox.rules.js';
import { runSandboxQuery, type RunOutcome } from './sandbox.run.js';
import type { DecideReleaseBody, QueryListQuery, ReleaseListQuery } from './sandbox.schema.js';
import type { RecordedColumn, ReleaseStatus, SandboxQueriesTable, ScanFinding } from './sandbox.tables.js';
import type { CheckedQuery, OutputColumn, PolicyViolation } from './sandbox.types.js';

/**
 * A sandbox refusal: the registry's code and status, with what the editor shows beside the query
 * at the top level of the error (`column`, `rule`, `queryId`, …).
 */
export class SandboxRefusal extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown>,
    opts: { source?: string; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, opts);
  }

  override toJSON() {
    const base = super.toJSON();
    return { error: { ...base.error, ...this.extra } };
  }
}

// ── The views of an org ──

/** A sandbox grant that cannot be queried now, and why. */
export interface UnavailableGrant {
  grantId: string;
  entryId: string;
  code: string;
  name: string | null;
  status: GrantStatus;
  /** Chinese, for the policy panel. */
  reason: string;
}

export interface SandboxViews {
  views: GrantView[];
  unavailable: UnavailableGrant[];
}

/**
 * The caller org's sandbox views at `now`: one per entry, from its newest grant with method
 * `sandbox` that is active at that moment (as delivery reads: not suspended, revoked or expired),
 * over the entry's live data table and the grant's row filter. Grants that cannot be queried —
 * not active, no data loaded yet, a row filter that no longer fits the data — are listed apart
 * with the reason (a bad row filter fails closed).
 */
export async function sandboxViews(k: Pick<Kernel, 'db' | 'profile'>, auth: AuthContext, now: Date, db: Executor = k.db.kysely): Promise<SandboxViews> {
  const rows = await repo.sandboxGrantsOf(db, auth.org.id);
  const views: GrantView[] = [];
  const unavailable: UnavailableGrant[] = [];
  const taken = new Set<string>();
  const defaultK = k.profile.params.sandboxMinGroupSize.value;
  for (const r of rows) {
    const status = effectiveGrantStatus(r, now);
    const base = { grantId: r.grant_id, entryId: r.entry_id, code: r.entry_code, name: r.entry_name, status };
    if (taken.has(r.entry_id)) continue;
    if (status !== 'active') {
      unavailable.push({ ...base, reason: grantRefusal(status) });
      continue;
    }
    if (!r.table_name || !r.live_fields) {
      unavailable.push({ ...base, reason: '提供单位尚未汇聚入库，暂无可分析的数据' });
      continue;
    }
    const filter = parseRowFilter(r.row_filter, filterTypes(r.live_fields));
    if (!filter.ok) {
      unavailable.push({ ...base, reason: `共享授权的行过滤条件无效，暂不能分析：${filter.reason}` });
      continue;
    }
    taken.add(r.entry_id);
    views.push(
      grantView(
        {
          grantId: r.grant_id,
          entryId: r.entry_id,
          entryCode: r.entry_code,
          entryName: r.entry_name,
          fields: r.fields,
          rowFilter: r.row_filter,
          columnPolicies: r.column_policies,
          minGroupSize: r.min_group_size,
          dpEpsilonBudget: r.dp_epsilon_budget,
          dpEpsilonPerQuery: r.dp_epsilon_per_query,
          dpBounds: r.dp_bounds,
          dpMaxRowsPerSubject: r.dp_max_rows_per_subject,
          releaseApproval: r.release_approval,
          published: r.published_fields ?? r.live_fields,
          live: { table: r.table_name, fields: r.live_fields },
        },
        filter.conditions,
        defaultK,
      ),
    );
  }
  // A grant not active is only worth naming when no active grant serves its entry.
  return { views, unavailable: unavailable.filter((u) => !taken.has(u.entryId)) };
}

/** `GET /api/v1/sandbox/views`: the views with their columns and policies, the threshold and the ε budget left. */
export async function listViews(k: Kernel, auth: AuthContext) {
  requirePermission(canQuery(auth), QUERY_NEEDS);
  const { views, unavailable } = await sandboxViews(k, auth, k.clock.now());
  const spent = await repo.epsilonSpent(
    k.db.kysely,
    views.filter((v) => v.dp).map((v) => v.grantId),
  );
  return {
    views: views.map((v) => {
      const used = spent.get(repo.ledgerKey(v.grantId, v.entryId)) ?? '0';
      return {
        name: v.view.name,
        entryId: v.entryId,
        entryName: v.entryName,
        grantId: v.grantId,
        columns: v.columns,
        subjectColumn: v.view.subjectColumn,
        minGroupSize: v.view.minGroupSize,
        releaseApproval: v.releaseApproval,
        dp: v.dp
          ? {
              budget: Number(v.dp.budget),
              perQuery: Number(v.dp.perQuery),
              spent: Number(used),
              remaining: Math.max(0, Number(v.dp.budget) - Number(used)),
              maxRowsPerSubject: v.view.dp?.maxRowsPerSubject ?? 1,
              bounds: v.view.dp?.bounds ?? {},
            }
          : null,
      };
    }),
    unavailable,
  };
}

// ── Running a query ──

/** What an accepted query answers. */
export interface QueryResult {
  id: string;
  columns: RecordedColumn[];
  rows: unknown[][];
  suppressedGroups: number;
  epsilonSpent: number;
  truncated: boolean;
  rowCount: number;
  /** The group threshold applied (the strictest of the views read). */
  minGroupSize: number;
}

const outputColumns = (outputs: readonly OutputColumn[]): RecordedColumn[] =>
  outputs.map((o) => ({ name: o.name, kind: o.kind, ...(o.aggregate ? { aggregate: o.aggregate } : {}), ...(o.numeric ? { numeric: true } : {}) }));

/** SM3 of a result as released: its columns and rows in canonical JSON. */
export const outputHash = (columns: readonly RecordedColumn[], rows: readonly unknown[][]): string => sm3(canonicalJson({ columns, rows }));

/** Records a refused query (its text, the violation, what it read) with its audit event; returns its id. */
async function recordRejection(k: Kernel, auth: AuthContext, text: string, violation: PolicyViolation, read: readonly GrantView[], executedSql: string | null, durationMs: number | null): Promise<string> {
  const id = randomUUID();
  await k.db.kysely.transaction().execute(async (trx) => {
    await repo.insertQuery(trx, {
      id,
      org_id: auth.org.id,
      user_id: auth.user.id,
      sql: text,
      decision: 'rejected',
      violation: JSON.stringify({ rule: violation.rule, column: violation.column, message: violation.message }),
      grant_ids: read.map((v) => v.grantId),
      entry_ids: read.map((v) => v.entryId),
      executed_sql: executedSql,
      columns: null,
      rows: null,
      row_count: null,
      output_hash: null,
      duration_ms: durationMs,
      release_status: null,
      release_scan: null,
      release_requested_by: null,
      release_requested_at: null,
      release_decided_by: null,
      release_decided_at: null,
      release_reason: null,
      created_at: k.clock.now(),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'sandbox.query_rejected',
      objectType: 'sandbox_query',
      objectId: id,
      grantId: read[0]?.grantId ?? null,
      details: { sql: text, decision: 'rejected', rule: violation.rule, column: violation.column, message: violation.message, views: read.map((v) => v.view.name), grantIds: read.map((v) => v.grantId) },
    });
  });
  return id;
}

/** The refusal of a query the policies (or the ε budget, or a probe) reject: 422 naming the rule and the column. */
const policyRefusal = (v: PolicyViolation, queryId: string) =>
  new SandboxRefusal('policy_violation', v.message, { column: v.column, rule: v.rule, queryId }, { source: v.rule === 'epsilon_exhausted' ? DP_SOURCE : ART.sandbox });

/**
 * Refuses, naming the grant's status, a query that names the view of an entry whose sandbox grant
 * is not active now (suspended, revoked, expired): the grant is checked at the moment of reading.
 */
function refuseInactive(text: string, ctx: SandboxViews): void {
  const inactive = ctx.unavailable.find((u) => u.status !== 'active' && text.includes(`"${u.code}"`));
  if (inactive) {
    throw new AppError('FORBIDDEN', `${grantRefusal(inactive.status)}（${inactive.code}）`, { source: ART.request, details: { reason: inactive.status, grantId: inactive.grantId } });
  }
  if (ctx.views.length === 0) {
    throw new AppError('FORBIDDEN', ctx.unavailable.length > 0 ? `没有可分析的沙箱数据：${ctx.unavailable.map((u) => `${u.code} ${u.reason}`).join('；')}` : '本单位没有沙箱方式的共享授权', {
      source: ART.request,
      details: { reason: 'none' },
    });
  }
}

/** The ε ledgers of the DP views a query reads, with what each has spent. */
async function ledgersOf(db: Executor, read: readonly GrantView[]): Promise<EpsilonLedger[]> {
  const dpViews = read.filter((v) => v.dp);
  const spent = await repo.epsilonSpent(
    db,
    dpViews.map((v) => v.grantId),
  );
  return dpViews.map((v) => ({
    grantId: v.grantId,
    entryId: v.entryId,
    entryCode: v.view.name,
    budget: v.dp?.budget ?? '0',
    perQuery: v.dp?.perQuery ?? '0',
    spent: spent.get(repo.ledgerKey(v.grantId, v.entryId)) ?? '0',
  }));
}

const epsilonViolation = (message: string): PolicyViolation => ({ rule: 'epsilon_exhausted', column: null, message });

/**
 * `POST /api/v1/sandbox/queries`: checks a query against the column policies of the caller org's
 * sandbox views, runs it, and records it.
 *
 * 1. A violation of the policies is recorded as `rejected` with the violation and audited
 *    (`sandbox.query_rejected`), then refused: 422 `policy_violation` naming the rule and column.
 * 2. Under differential privacy the ε budget of every (grant, dataset) read is checked first: a
 *    query it cannot afford is refused the same way (rule `epsilon_exhausted`), nothing run or charged.
 * 3. The query runs on a dedicated connection in a transaction that is rolled back (sandbox.run.ts):
 *    temporary views of the granted columns and rows, read-only, a statement timeout, the
 *    differencing probes (a condition that isolates fewer than k subjects refuses the query, rule
 *    `isolating_condition`), a row cap.
 * 4. Groups of fewer than k subjects are dropped and counted, noise is added under DP, the hidden
 *    columns are stripped; the query is recorded (`accepted`) with its ε charge and its audit event
 *    `sandbox.query` in one transaction.
 */
export async function runQuery(k: Kernel, auth: AuthContext, text: string): Promise<QueryResult> {
  requirePermission(canQuery(auth), QUERY_NEEDS);
  const now = k.clock.now();
  const ctx = await sandboxViews(k, auth, now);
  refuseInactive(text, ctx);

  const decision = await checkSandboxQuery(
    text,
    ctx.views.map((v) => v.view),
  );
  if (!decision.ok) {
    const id = await recordRejection(k, auth, text, decision.violation, [], null, null);
    throw policyRefusal(decision.violation, id);
  }
  const query = decision.query;
  const read = ctx.views.filter((v) => query.views.includes(v.view.name));

  if (query.dp) {
    const charge = chargeDecision(await ledgersOf(k.db.kysely, read));
    if (!charge.ok) {
      const violation = epsilonViolation(charge.message);
      throw policyRefusal(violation, await recordRejection(k, auth, text, violation, read, query.sql, null));
    }
  }

  const outcome = await runSandboxQuery(k.db, {
    views: read.map((v) => ({ name: v.view.name, createSql: tempViewSql(v) })),
    probes: query.probes,
    isolates: (rows) => isolates(rows, query.minGroupSize),
    sql: query.sql,
    rowCap: k.config.sandboxRowCap,
    timeoutMs: k.config.sandboxStatementTimeoutMs,
  });
  if (!outcome.ok) return refuseOutcome(k, auth, text, query, read, outcome);

  const { rows: kept, suppressed } = suppressSmallGroups(outcome.rows, subjectsIndex(query, outcome.columns), query.minGroupSize);
  const id = randomUUID();
  const columns = outputColumns(query.outputs);
  const width = visibleWidth(outcome.columns, query.outputs, query.hiddenColumns);

  const record = (rows: unknown[][], epsilonText: string) => {
    const hash = outputHash(columns, rows);
    const row: Insertable<SandboxQueriesTable> = {
      id,
      org_id: auth.org.id,
      user_id: auth.user.id,
      sql: text,
      decision: 'accepted',
      violation: null,
      grant_ids: read.map((v) => v.grantId),
      entry_ids: read.map((v) => v.entryId),
      executed_sql: query.sql,
      columns: JSON.stringify(columns),
      rows: JSON.stringify(rows),
      row_count: rows.length,
      truncated: outcome.truncated,
      suppressed_groups: suppressed,
      epsilon_spent: epsilonText,
      output_hash: hash,
      duration_ms: outcome.durationMs,
      release_status: null,
      release_scan: null,
      release_requested_by: null,
      release_requested_at: null,
      release_decided_by: null,
      release_decided_at: null,
      release_reason: null,
      created_at: now,
    };
    const event: AuditInput = {
      action: 'sandbox.query',
      objectType: 'sandbox_query',
      objectId: id,
      grantId: read[0]?.grantId ?? null,
      details: {
        sql: text,
        decision: 'accepted',
        views: read.map((v) => v.view.name),
        grantIds: read.map((v) => v.grantId),
        rowCount: rows.length,
        truncated: outcome.truncated,
        suppressedGroups: suppressed,
        epsilon: epsilonText,
        outputHash: hash,
        durationMs: outcome.durationMs,
        restrictedRole: outcome.role,
      },
    };
    return { row, event };
  };

  // Without differential privacy there is no budget to decide again: the record and its audit event
  // go through the audit group commit (one transaction, shared with concurrent readers).
  if (!query.dp) {
    const rows = kept.map((r) => r.slice(0, width).map(jsonValue));
    const { row, event } = record(rows, '0');
    await appendAudited(k, { actor: actorOf(auth), input: event, rows: [{ into: 'sandbox_queries', values: row }] });
    return { id, columns, rows, suppressedGroups: suppressed, epsilonSpent: 0, truncated: outcome.truncated, rowCount: rows.length, minGroupSize: query.minGroupSize };
  }

  const recorded = await k.db.kysely.transaction().execute(async (trx) => {
    // The ε charge, decided again under the grants' locks: two queries cannot both spend the last of a budget.
    await repo.lockGrants(
      trx,
      read.filter((v) => v.dp).map((v) => v.grantId),
    );
    const charge = chargeDecision(await ledgersOf(trx, read));
    if (!charge.ok) return { ok: false as const, message: charge.message };
    const rows = applyDp(outcome.columns, kept, query.outputs, charge.epsilon).rows.map((r) => r.slice(0, width).map(jsonValue));
    const { row, event } = record(rows, charge.epsilonText);
    await repo.insertQuery(trx, row);
    await repo.chargeEpsilon(
      trx,
      charge.charges.map((c) => ({ grantId: c.grantId, entryId: c.entryId, queryId: id, epsilon: charge.epsilonText, at: now })),
    );
    await audit(k, trx, actorOf(auth), event);
    return { ok: true as const, rows, epsilon: charge.epsilon };
  });
  if (!recorded.ok) {
    const violation = epsilonViolation(recorded.message);
    throw policyRefusal(violation, await recordRejection(k, auth, text, violation, read, query.sql, outcome.durationMs));
  }
  return { id, columns, rows: recorded.rows, suppressedGroups: suppressed, epsilonSpent: recorded.epsilon, truncated: outcome.truncated, rowCount: recorded.rows.length, minGroupSize: query.minGroupSize };
}

/** Where the subjects column is in the result; null when the query does not aggregate. */
function subjectsIndex(query: CheckedQuery, columns: readonly string[]): number | null {
  if (!query.aggregated || !query.subjectsColumn) return null;
  const at = columns.lastIndexOf(query.subjectsColumn);
  if (at < 0) throw new Error(`sandbox result lacks the subjects column ${query.subjectsColumn}`);
  return at;
}

/** Records and refuses a run that a probe stopped or that ran past the time limit. */
async function refuseOutcome(k: Kernel, auth: AuthContext, text: string, query: CheckedQuery, read: GrantView[], outcome: Exclude<RunOutcome, { ok: true }>): Promise<never> {
  if (outcome.reason === 'isolating') {
    const violation: PolicyViolation = {
      rule: 'isolating_condition',
      column: null,
      message: `条件 ${outcome.condition} 使某个分组与去掉该条件时相差不足 ${query.minGroupSize} 人，两次结果相减即可识别个人（差分攻击），查询被拒绝`,
    };
    throw policyRefusal(violation, await recordRejection(k, auth, text, violation, read, query.sql, null));
  }
  const seconds = k.config.sandboxStatementTimeoutMs / 1000;
  const violation: PolicyViolation = { rule: 'query_timeout', column: null, message: `查询运行超过 ${seconds} 秒的时限，已终止；请缩小数据范围或简化查询（如减少关联、先筛选再聚合）` };
  const id = await recordRejection(k, auth, text, violation, read, query.sql, outcome.durationMs);
  throw new SandboxRefusal('query_timeout', violation.message, { queryId: id, timeoutMs: k.config.sandboxStatementTimeoutMs });
}

// ── History and results ──

const iso = (d: Date | null) => d?.toISOString() ?? null;

function summary(r: repo.QueryListRow) {
  return {
    id: r.id,
    org: { id: r.org_id, name: r.org_name },
    user: { id: r.user_id, name: r.user_name },
    sql: r.sql,
    decision: r.decision,
    violation: r.violation,
    columns: r.columns,
    rowCount: r.row_count,
    truncated: r.truncated,
    suppressedGroups: r.suppressed_groups,
    epsilonSpent: Number(r.epsilon_spent),
    outputHash: r.output_hash,
    durationMs: r.duration_ms,
    releaseStatus: r.release_status,
    releaseScan: r.release_scan,
    releaseRequestedAt: iso(r.release_requested_at),
    releaseDecidedAt: iso(r.release_decided_at),
    releaseReason: r.release_reason,
    createdAt: r.created_at.toISOString(),
  };
}

/** `GET /api/v1/sandbox/queries`: the caller org's queries, accepted and rejected, newest first (without rows). */
export async function listQueries(k: Kernel, auth: AuthContext, q: QueryListQuery) {
  requirePermission(canQuery(auth), QUERY_NEEDS);
  const filter: repo.QueryFilter = { orgId: auth.org.id, ...(q.decision ? { decision: q.decision } : {}) };
  const page = { limit: q.limit ?? 20, offset: q.offset ?? 0 };
  const [rows, total] = await Promise.all([repo.listQueries(k.db.kysely, filter, page), repo.countQueries(k.db.kysely, filter)]);
  return { items: rows.map(summary), total };
}

/**
 * A query of the caller's org, or — to the implementing agency — one whose release was asked;
 * 404 to anyone else (another org does not learn that it exists).
 */
async function visibleQuery(k: Kernel, auth: AuthContext, id: string) {
  const q = await repo.findQuery(k.db.kysely, id);
  const own = !!q && q.org_id === auth.org.id && canQuery(auth);
  const reviewing = !!q && q.release_status !== null && canDecideRelease(auth);
  if (!q || !(own || reviewing)) throw notFound('沙箱查询', id);
  return q;
}

/** `GET /api/v1/sandbox/queries/{id}`: the query with its result (the rows stay on the platform until released). */
export async function getQuery(k: Kernel, auth: AuthContext, id: string) {
  const q = await visibleQuery(k, auth, id);
  const [r] = await repo.listQueries(k.db.kysely, { id }, { limit: 1, offset: 0 });
  if (!r) throw notFound('沙箱查询', id);
  return { ...summary(r), rows: q.rows ?? [] };
}

// ── Release (出域审查) ──

/** Scans one output value for identifiers: the PII detectors' kind, or null. */
export const detectIdentifier = (value: string): string | null => detectKind(value);

/** Kinds that describe a group of at least the threshold rather than single a subject out. */
const GROUP_DESCRIBING_KINDS: ReadonlySet<string> = new Set(['address', 'birth_date']);

/**
 * `POST /api/v1/sandbox/queries/{id}/release`: asks for a result to leave the platform. Every
 * output value is scanned for identifiers; any found blocks the release (422
 * `output_contains_identifiers` naming the columns and kinds). Otherwise the result is released,
 * or — when a grant it read requires it — waits for the implementing agency's approval, which is
 * notified. Audited either way.
 */
export async function requestRelease(k: Kernel, auth: AuthContext, id: string) {
  requirePermission(canQuery(auth), QUERY_NEEDS);
  const outcome = await k.db.kysely.transaction().execute(async (trx) => {
    const q = await repo.lockQuery(trx, id);
    if (!q || q.org_id !== auth.org.id) throw notFound('沙箱查询', id);
    if (q.decision !== 'accepted') throw new AppError('INVALID_STATE', '被拒绝的查询没有可出域的结果', { source: ART.sandbox });
    if (q.release_status === 'released' || q.release_status === 'pending_approval' || q.release_status === 'refused') {
      throw new AppError('INVALID_STATE', `该结果已申请出域（${RELEASE_LABELS[q.release_status]}），不能重复申请`, { source: ART.release });
    }
    const columns = q.columns ?? [];
    const names = columns.map((c) => c.name);
    // A group key's values are shown only for groups of at least the threshold: there a
    // quasi-identifier (a district, a birth month) describes the group, not a person, and only the
    // kinds that name a person or a company by themselves block the release.
    const grouped = columns.map((c) => c.kind === 'group_key');
    // The numbers aggregates compute (COUNT, SUM, AVG, MIN/MAX of numbers) are skipped; MIN/MAX of text is scanned.
    const findings = scanOutput(names, q.rows ?? [], detectIdentifier, columns).filter(
      (f) => !(grouped[names.indexOf(f.column)] && GROUP_DESCRIBING_KINDS.has(f.kind)),
    );
    const now = k.clock.now();
    const approval = findings.length === 0 && (await repo.releaseApprovals(trx, q.grant_ids)).some((g) => g.release_approval);
    const status: ReleaseStatus = findings.length > 0 ? 'blocked' : approval ? 'pending_approval' : 'released';
    await repo.updateQuery(trx, id, {
      release_status: status,
      release_scan: JSON.stringify(findings),
      release_requested_by: auth.user.id,
      release_requested_at: now,
      release_decided_by: null,
      release_decided_at: status === 'released' ? now : null,
      release_reason: null,
    });
    if (status === 'pending_approval') {
      for (const orgId of await repo.implementingAgencies(trx)) {
        await notify(k, trx, {
          orgId,
          kind: 'sandbox.release_pending',
          title: '沙箱结果待出域审核',
          body: `${auth.org.name}申请将沙箱查询结果（${q.row_count ?? 0} 行）出域，请审核`,
          link: `/sandbox/releases?query=${id}`,
        });
      }
    }
    await audit(k, trx, actorOf(auth), {
      action: status === 'blocked' ? 'sandbox.release_blocked' : status === 'pending_approval' ? 'sandbox.release_requested' : 'sandbox.release',
      objectType: 'sandbox_query',
      objectId: id,
      grantId: q.grant_ids[0] ?? null,
      details: { status, scan: findings, rowCount: q.row_count, outputHash: q.output_hash, grantIds: q.grant_ids },
    });
    return { status, findings };
  });
  if (outcome.status === 'blocked') {
    throw new SandboxRefusal(
      'output_contains_identifiers',
      scanMessage(outcome.findings),
      { queryId: id, findings: outcome.findings, columns: [...new Set(outcome.findings.map((f) => f.column))] },
      { source: ART.sandbox },
    );
  }
  return releaseView(k, id);
}

const RELEASE_LABELS: Record<ReleaseStatus, string> = { pending_approval: '待实施机构审核', released: '已出域', refused: '实施机构不同意出域', blocked: '含标识被拦截' };

async function releaseView(k: Kernel, id: string) {
  const q = await repo.findQuery(k.db.kysely, id);
  if (!q) throw notFound('沙箱查询', id);
  return {
    id: q.id,
    releaseStatus: q.release_status,
    releaseScan: q.release_scan as ScanFinding[] | null,
    releaseRequestedAt: iso(q.release_requested_at),
    releaseDecidedAt: iso(q.release_decided_at),
    releaseReason: q.release_reason,
    outputHash: q.output_hash,
  };
}

/**
 * `POST /api/v1/sandbox/queries/{id}/release/decide`: the implementing agency approves or refuses
 * a result waiting for it (a refusal carries a reason). The querying org is notified; audited.
 */
export async function decideRelease(k: Kernel, auth: AuthContext, id: string, body: DecideReleaseBody) {
  requirePermission(canDecideRelease(auth), DECIDE_NEEDS);
  const reason = body.reason?.trim() ?? '';
  if (body.decision === 'refuse' && !reason) throw new AppError('VALIDATION', '不同意出域须说明理由', { fields: [{ field: 'reason', message: '不同意时必填' }] });
  await k.db.kysely.transaction().execute(async (trx) => {
    const q = await repo.lockQuery(trx, id);
    if (!q || q.release_status === null) throw notFound('待审核的沙箱结果', id);
    if (q.release_status !== 'pending_approval') throw new AppError('INVALID_STATE', `该结果不在待审核状态（${RELEASE_LABELS[q.release_status]}）`, { source: ART.release });
    const status: ReleaseStatus = body.decision === 'approve' ? 'released' : 'refused';
    const now = k.clock.now();
    await repo.updateQuery(trx, id, { release_status: status, release_decided_by: auth.user.id, release_decided_at: now, release_reason: reason || null });
    await notify(k, trx, {
      orgId: q.org_id,
      userId: q.release_requested_by,
      kind: `sandbox.release_${body.decision}`,
      title: status === 'released' ? '沙箱结果已获准出域' : '沙箱结果未获准出域',
      body: `${auth.org.name}${status === 'released' ? '同意' : '不同意'}出域${reason ? `：${reason}` : ''}`,
      link: `/sandbox?query=${id}`,
    });
    await audit(k, trx, actorOf(auth), {
      action: `sandbox.release_${body.decision}`,
      objectType: 'sandbox_query',
      objectId: id,
      grantId: q.grant_ids[0] ?? null,
      details: { from: 'pending_approval', to: status, reason: reason || null, orgId: q.org_id, outputHash: q.output_hash },
    });
  });
  return releaseView(k, id);
}

/** `GET /api/v1/sandbox/releases`: results whose release was asked, for the implementing agency, by status (default: all), oldest asked first. */
export async function listReleases(k: Kernel, auth: AuthContext, q: ReleaseListQuery) {
  requirePermission(canDecideRelease(auth), DECIDE_NEEDS);
  const filter: repo.QueryFilter = { releaseAsked: true, decision: 'accepted', ...(q.status ? { releaseStatus: q.status } : {}) };
  const page = { limit: q.limit ?? 20, offset: q.offset ?? 0 };
  const [rows, total] = await Promise.all([repo.listQueries(k.db.kysely, filter, page), repo.countQueries(k.db.kysely, filter)]);
  return { items: rows.map(summary), total };
}

/** A released result as a file. */
export interface Download {
  contentType: string;
  filename: string;
  body: string;
}

/**
 * `GET /api/v1/sandbox/queries/{id}/download`: a released result as CSV or JSON, to the org that
 * ran it; refused until released (出域审查). Audited as the moment the result leaves.
 */
export async function downloadResult(k: Kernel, auth: AuthContext, id: string, format: 'csv' | 'json'): Promise<Download> {
  requirePermission(canQuery(auth), QUERY_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const q = await repo.findQuery(trx, id);
    if (!q || q.org_id !== auth.org.id) throw notFound('沙箱查询', id);
    if (q.release_status !== 'released') {
      throw new AppError('INVALID_STATE', q.release_status ? `结果尚未获准出域（${RELEASE_LABELS[q.release_status]}），不能下载` : '结果尚未申请出域审查，不能下载', { source: ART.sandbox });
    }
    const columns = q.columns ?? [];
    const rows = q.rows ?? [];
    const body =
      format === 'csv'
        ? resultCsv(
            columns.map((c) => c.name),
            rows,
          )
        : JSON.stringify({ id, columns, rows, outputHash: q.output_hash });
    await audit(k, trx, actorOf(auth), {
      action: 'sandbox.download',
      objectType: 'sandbox_query',
      objectId: id,
      grantId: q.grant_ids[0] ?? null,
      details: { format, rowCount: rows.length, outputHash: q.output_hash, bytes: Buffer.byteLength(body) },
    });
    return {
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      filename: `sandbox-${id.slice(0, 8)}.${format}`,
      body: format === 'csv' ? `\uFEFF${body}` : body,
    };
  });
}
