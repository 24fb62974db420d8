/**
 * The anonymisation gate of opening (000 第十九条): the provider's plan for an entry whose fields
 * hold personal information or commercial secrets, the check of the live version against it, and
 * the report kept with that version. The check counts the equivalence classes of the treated
 * quasi-identifiers in SQL (GROUP BY … HAVING count(*) < k): rows never come into the process for
 * it. After each load of an entry with a plan the check runs again for the new version, inside the
 * load's commit (ingest/hooks.ts), so a new version is never open on an old version's report.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { actorOf, hasOrgRole, hasUserRole, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { AppError, notFound } from '../../kernel/errors.js';
import type { CatalogField } from '../catalog/tables.js';
import { liveSource } from '../delivery/repo.js';
import { isDirectIdentifier, pseudonym, type Keyed } from '../privacy/anonymity.js';
import { gateKeyed, newPseudonymNonce } from './gate.keys.js';
import * as repo from './gate.repo.js';
import {
  ART_GATE,
  complianceProblems,
  effectiveQuasiIdentifiers,
  KEEP,
  mergedFields,
  needsGate,
  normalisePlan,
  planErrors,
  treatmentLabel,
  treatmentOf,
  type GateField,
} from './gate.rules.js';
import { treatedSql } from './gate.sql.js';
import type { GateBasis, GateExample, GatePlan, GateProblem, GateStatus } from './gate.tables.js';

/** How many classes below k a report lists. */
export const GATE_EXAMPLES = 10;

/** The k of the gate: the jurisdiction profile's k-anonymity parameter (default 5). */
export const gateK = (k: Pick<Kernel, 'profile'>): number => k.profile.params.kAnonymityK?.value ?? 5;

// ── Who ──

/** The provider's clerk, data officer or org admin declare the plan and run the check. */
export const mayManageGate = (auth: AuthContext, providerOrgId: string): boolean =>
  auth.org.id === providerOrgId && (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));
export const MANAGE_NEEDS = '目录提供单位的经办人、数据工作机构负责人或机构管理员';
/** The provider and the authority (营商环境建设主管部门) read the gate. */
export const mayReadGate = (auth: AuthContext, providerOrgId: string): boolean => auth.org.id === providerOrgId || hasOrgRole(auth, 'sharing_authority');
export const READ_NEEDS = '目录提供单位或营商环境建设主管部门的用户';

// ── Views ──

export interface GateReportView {
  id: string;
  versionNo: number;
  status: GateStatus;
  basis: GateBasis;
  reason: string;
  k: number;
  rows: number;
  classes: number;
  smallestClass: number | null;
  classesBelowK: number;
  rowsBelowK: number;
  examples: GateExample[];
  l: number | null;
  problems: GateProblem[];
  plan: GatePlan;
  trigger: 'manual' | 'load';
  checkedBy: string | null;
  checkedAt: string;
  source: string;
}

type ReportRow = NonNullable<Awaited<ReturnType<typeof repo.latestReport>>>;

const reportView = (r: ReportRow): GateReportView => ({
  id: r.id,
  versionNo: r.version_no,
  status: r.status,
  basis: r.basis,
  reason: r.reason,
  k: r.k,
  rows: Number(r.rows),
  classes: Number(r.classes),
  smallestClass: r.smallest_class === null ? null : Number(r.smallest_class),
  classesBelowK: Number(r.classes_below_k),
  rowsBelowK: Number(r.rows_below_k),
  examples: r.examples,
  l: r.l,
  problems: r.problems,
  plan: r.plan,
  trigger: r.trigger,
  checkedBy: r.checked_by,
  checkedAt: new Date(r.checked_at).toISOString(),
  source: ART_GATE,
});

export interface GateFieldView {
  name: string;
  label: string;
  type: CatalogField['type'];
  piiKind: string | null;
  commercialSecret: boolean;
  directIdentifier: boolean;
  /** The declared treatment text (null: not declared, read as kept). */
  treatment: string | null;
  treatmentLabel: string | null;
  /** Counted as a quasi-identifier (declared, or personal information left in the data). */
  quasiIdentifier: boolean;
}

export interface GateView {
  entry: { id: string; code: string; name: string; openAttr: string; providerOrgId: string };
  needed: boolean;
  k: number;
  source: string;
  fields: GateFieldView[];
  plan: GatePlan | null;
  /** The plan's problems against the fields now (errors and what keeps it from anonymising). */
  problems: GateProblem[];
  live: { versionNo: number; rows: number } | null;
  /** The latest report of the live version. */
  report: GateReportView | null;
  /** Recent reports of every version, newest first. */
  history: GateReportView[];
  /** What the public sees: whether the live version may be opened by the gate. */
  status: 'not_needed' | 'passed' | 'failed' | 'pending';
  /** The reader may declare the plan and run the check. */
  mayManage: boolean;
}

async function entryOf(db: Executor, code: string) {
  const e = await repo.publishedEntry(db, code);
  if (!e) throw notFound('数据目录', code);
  return e;
}

/** The fields the gate judges: the live table's (with the published version's marks), else the published version's. */
async function gateFields(db: Executor, entry: { id: string; fields: CatalogField[] }) {
  const live = await liveSource(db, entry.id);
  return { live, fields: live ? mergedFields(live.fields, entry.fields) : mergedFields(entry.fields, null) };
}

const EMPTY_PLAN: GatePlan = { treatments: {}, quasiIdentifiers: [], sensitive: null, minL: null, consent: null };

/** `GET /api/v1/open/entries/{code}/gate`: the plan, each field's treatment, the latest reports. */
export async function getGate(k: Kernel, auth: AuthContext, code: string): Promise<GateView> {
  const db = k.db.kysely;
  const entry = await entryOf(db, code);
  requirePermission(mayReadGate(auth, entry.provider_org_id), READ_NEEDS);
  const { live, fields } = await gateFields(db, entry);
  const row = await repo.findPlan(db, entry.id);
  const plan = row ? repo.planOf(row) : null;
  const p = plan ?? EMPTY_PLAN;
  const qis = new Set(effectiveQuasiIdentifiers(fields, p));
  const history = await repo.recentReports(db, entry.id, 20);
  const report = live ? ((await repo.latestReport(db, entry.id, live.version_no)) ?? null) : null;
  const needed = needsGate(fields);
  return {
    entry: { id: entry.id, code: entry.code, name: entry.name, openAttr: entry.open_attr, providerOrgId: entry.provider_org_id },
    needed,
    k: gateK(k),
    source: ART_GATE,
    fields: fields.map((f) => {
      const declared = p.treatments[f.name] ?? null;
      const t = treatmentOf(p, f.name);
      return {
        name: f.name,
        label: f.label,
        type: f.type,
        piiKind: f.piiKind ?? null,
        commercialSecret: f.commercialSecret === true,
        directIdentifier: isDirectIdentifier(f.piiKind),
        treatment: declared,
        treatmentLabel: t ? treatmentLabel(t) : null,
        quasiIdentifier: qis.has(f.name),
      };
    }),
    plan,
    problems: [...planErrors(fields, p), ...complianceProblems(fields, p)],
    live: live ? { versionNo: live.version_no, rows: await repo.versionRows(db, entry.id, live.version_no) } : null,
    report: report ? reportView(report) : null,
    history: history.map(reportView),
    status: !needed ? 'not_needed' : !report ? 'pending' : report.status,
    mayManage: mayManageGate(auth, entry.provider_org_id),
  };
}

/** For the portal: the gate's word on an entry's live version, null when it has no data yet. */
export async function gateSummary(
  k: Pick<Kernel, 'db' | 'profile'>,
  entryId: string,
): Promise<{ status: 'not_needed' | 'passed' | 'failed' | 'pending'; checkedAt: string | null; k: number; reason: string | null } | null> {
  const db = k.db.kysely;
  const live = await liveSource(db, entryId);
  if (!live) return null;
  const published = await repo.publishedFieldsById(db, entryId);
  if (!needsGate(mergedFields(live.fields, published?.fields ?? null))) return { status: 'not_needed', checkedAt: null, k: gateK(k), reason: null };
  const r = await repo.latestReport(db, entryId, live.version_no);
  if (!r) return { status: 'pending', checkedAt: null, k: gateK(k), reason: '当前数据版本尚未通过匿名化审查' };
  return { status: r.status, checkedAt: new Date(r.checked_at).toISOString(), k: r.k, reason: r.status === 'passed' ? null : r.reason };
}

// ── The plan ──

export interface PlanInput {
  treatments?: Record<string, string>;
  quasiIdentifiers?: string[];
  sensitive?: string | null;
  minL?: number | null;
  consent?: { reference?: string; attachment?: string; scope?: string | null } | null;
}

/**
 * `PUT /api/v1/open/entries/{code}/gate/plan`: the provider declares each field's treatment, the
 * quasi-identifiers, the sensitive attribute and any consent. A plan that cannot be read (unknown
 * fields, treatments, a generalisation that does not fit the type) is refused; one that reads but
 * does not anonymise is kept — the check will say why it fails.
 */
export async function savePlan(k: Kernel, auth: AuthContext, code: string, input: PlanInput): Promise<GateView> {
  const db = k.db.kysely;
  const entry = await entryOf(db, code);
  requirePermission(mayManageGate(auth, entry.provider_org_id), MANAGE_NEEDS);
  const plan = normalisePlan(input);
  const { fields } = await gateFields(db, entry);
  const errors = planErrors(fields, plan);
  if (errors.length > 0) {
    throw new AppError('VALIDATION', `匿名化处理方案有误：${errors.map((e) => `${e.field}：${e.message}`).join('；')}`, { fields: errors, source: ART_GATE });
  }
  await db.transaction().execute(async (trx) => {
    const now = k.clock.now();
    await repo.upsertPlan(trx, {
      entry_id: entry.id,
      treatments: JSON.stringify(plan.treatments),
      quasi_identifiers: plan.quasiIdentifiers,
      sensitive: plan.sensitive,
      min_l: plan.minL,
      consent: plan.consent ? JSON.stringify(plan.consent) : null,
      pseudonym_nonce: newPseudonymNonce(),
      updated_by: auth.user.id,
      updated_at: now,
    });
    await audit(k, trx, actorOf(auth), {
      action: 'opening.gate_plan',
      objectType: 'catalog_entry',
      objectId: entry.id,
      details: { entryCode: entry.code, treatments: plan.treatments, quasiIdentifiers: plan.quasiIdentifiers, sensitive: plan.sensitive, minL: plan.minL, consent: plan.consent },
    });
  });
  return getGate(k, auth, code);
}

// ── The check ──

/** The version a check reads: its table (in schema `datasets`), number and fields. */
export interface GateSource {
  entryId: string;
  entryCode: string;
  table: string;
  versionNo: number;
  fields: GateField[];
}

interface Measured {
  status: GateStatus;
  basis: GateBasis;
  reason: string;
  rows: number;
  classes: number;
  smallest: number | null;
  classesBelowK: number;
  rowsBelowK: number;
  examples: GateExample[];
  l: number | null;
  problems: GateProblem[];
}

const problemText = (ps: readonly GateProblem[]) => ps.map((p) => `${p.field}：${p.message}`).join('；');

/** The check itself: the plan's problems first, then consent, then k-anonymity (and l-diversity) counted in SQL. */
async function measure(db: Executor, src: GateSource, plan: GatePlan, kValue: number, keyed: Keyed | null): Promise<Measured> {
  const none = { classes: 0, smallest: null, classesBelowK: 0, rowsBelowK: 0, examples: [], l: null };
  if (!needsGate(src.fields)) {
    return { status: 'passed', basis: 'not_needed', reason: '数据项不含个人信息或商业秘密，无须匿名化审查', rows: await repo.countRows(db, src.table), problems: [], ...none };
  }
  const problems = [...planErrors(src.fields, plan), ...complianceProblems(src.fields, plan)];
  if (problems.length > 0) {
    return { status: 'failed', basis: 'plan', reason: `处理方案不满足开放要求：${problemText(problems)}`, rows: await repo.countRows(db, src.table), problems, ...none };
  }
  if (plan.consent) {
    const reason = `已记录个人信息主体、商业秘密权利人授权同意开放（凭证 ${plan.consent.reference}）`;
    return { status: 'passed', basis: 'consent', reason, rows: await repo.countRows(db, src.table), problems: [], ...none };
  }

  // The quasi-identifiers as the public would read them (each under its treatment).
  const qis = effectiveQuasiIdentifiers(src.fields, plan).flatMap((name) => src.fields.filter((f) => f.name === name));
  const treated = (f: GateField) => treatedSql(f.name, f.type, treatmentOf(plan, f.name) ?? KEEP);
  const exprs = qis.map(treated);
  const stats = await repo.classStats(db, src.table, exprs, kValue);
  let examples: GateExample[] = [];
  if (stats.classesBelowK > 0) {
    // Values shown as published: generalised in SQL, pseudonymised here, dates as dates.
    const shown = (f: GateField, v: unknown) => {
      const value = v instanceof Date ? v.toISOString().slice(0, 10) : v;
      return treatmentOf(plan, f.name)?.kind === 'pseudonymise' ? (keyed ? pseudonym(keyed, value) : null) : value;
    };
    examples = (await repo.classesBelow(db, src.table, exprs, kValue, GATE_EXAMPLES)).map((c) => ({
      size: c.size,
      values: Object.fromEntries(qis.map((f, i) => [f.name, shown(f, c.values[i])])),
    }));
  }
  const sensitive = plan.sensitive ? src.fields.find((f) => f.name === plan.sensitive) : undefined;
  const l = sensitive && stats.rows > 0 ? await repo.distinctL(db, src.table, exprs, treated(sensitive)) : null;
  const measured = { ...stats, examples, l, problems: [] };
  const qiText = qis.length ? qis.map((f) => f.label).join('、') : '（无准标识符）';
  if (stats.classesBelowK > 0) {
    return {
      status: 'failed',
      basis: 'k_anonymity',
      reason: `准标识符 ${qiText} 处理后有 ${stats.classesBelowK} 个取值组合少于 k=${kValue} 条记录（共 ${stats.rowsBelowK} 条），可能识别到特定个人；请进一步泛化或删除相关数据项`,
      ...measured,
    };
  }
  if (plan.minL !== null && (l ?? 0) < plan.minL) {
    return { status: 'failed', basis: 'l_diversity', reason: `敏感属性 ${sensitive?.label ?? plan.sensitive ?? ''} 的 l 多样性为 ${l ?? 0}，低于要求的 ${plan.minL}`, ...measured };
  }
  return {
    status: 'passed',
    basis: 'anonymised',
    reason: stats.rows === 0 ? '当前数据版本没有记录' : `直接标识符已删除或假名化，准标识符 ${qiText} 每个取值组合至少 ${kValue} 条记录（最小 ${stats.smallest ?? 0} 条）`,
    ...measured,
  };
}

/** Runs the check on a version and keeps its report (audited), inside the caller's transaction. */
export async function runGateOn(k: Kernel, trx: Trx, src: GateSource, trigger: 'manual' | 'load', auth: AuthContext | null): Promise<ReportRow> {
  const row = await repo.findPlan(trx, src.entryId);
  const plan = row ? repo.planOf(row) : EMPTY_PLAN;
  const kValue = gateK(k);
  const m = await measure(trx, src, plan, kValue, row ? gateKeyed(k, src.entryId, row.pseudonym_nonce) : null);
  const report = await repo.insertReport(trx, {
    id: randomUUID(),
    entry_id: src.entryId,
    version_no: src.versionNo,
    status: m.status,
    basis: m.basis,
    reason: m.reason,
    k: kValue,
    rows: m.rows,
    classes: m.classes,
    smallest_class: m.smallest,
    classes_below_k: m.classesBelowK,
    rows_below_k: m.rowsBelowK,
    examples: JSON.stringify(m.examples),
    l: m.l,
    problems: JSON.stringify(m.problems),
    plan: JSON.stringify(plan),
    trigger,
    checked_by: auth?.user.id ?? null,
    checked_at: k.clock.now(),
  });
  await audit(k, trx, auth ? actorOf(auth) : SYSTEM_ACTOR, {
    action: 'opening.gate_run',
    objectType: 'catalog_entry',
    objectId: src.entryId,
    details: { entryCode: src.entryCode, versionNo: src.versionNo, status: m.status, basis: m.basis, k: kValue, rows: m.rows, classesBelowK: m.classesBelowK, l: m.l, trigger },
  });
  return report;
}

/** `POST /api/v1/open/entries/{code}/gate/run`: checks the live version now; the report. */
export async function runGate(k: Kernel, auth: AuthContext, code: string): Promise<GateReportView> {
  const db = k.db.kysely;
  const entry = await entryOf(db, code);
  requirePermission(mayManageGate(auth, entry.provider_org_id), MANAGE_NEEDS);
  return db.transaction().execute(async (trx) => {
    const live = await liveSource(trx, entry.id);
    if (!live) throw new AppError('INVALID_STATE', `「${entry.name}」尚无数据：汇聚入库后才能进行匿名化审查`, { source: ART_GATE });
    const report = await runGateOn(k, trx, { entryId: entry.id, entryCode: entry.code, table: live.table_name, versionNo: live.version_no, fields: mergedFields(live.fields, entry.fields) }, 'manual', auth);
    return reportView(report);
  });
}

/**
 * After a load of an entry becomes live (inside its commit, ingest/hooks.ts): an entry whose
 * provider has declared a plan is checked again for the new version, so the public never reads a
 * version no report passed. Entries without a plan are not opened by the gate anyway.
 */
export async function onLoadGate(k: Kernel, trx: Trx, load: { entryId: string; versionNo: number; tableName: string; fields: CatalogField[]; auth: AuthContext | null }): Promise<void> {
  if (!(await repo.findPlan(trx, load.entryId))) return;
  const e = await repo.publishedFieldsById(trx, load.entryId);
  if (!e) return;
  const fields = mergedFields(load.fields, e.fields ?? null);
  if (!needsGate(fields)) return;
  const table = load.tableName.startsWith('datasets.') ? load.tableName.slice('datasets.'.length) : load.tableName;
  await runGateOn(k, trx, { entryId: load.entryId, entryCode: e.code, table, versionNo: load.versionNo, fields }, 'load', load.auth);
}
