/**
 * Corrections (校核纠错, 000 第四十二条; 003 第十六条): a data user reports a row or a field of a
 * catalog entry's data as wrong; the provider verifies, corrects and answers within the
 * jurisdiction's `correctionReplyDays` working days — the `answer` duty on the ledger, supervised
 * by the sharing authority that coordinates corrections. The answer (corrected, with the load that
 * fixed it, or not wrong, with a reason) goes back to the reporter.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { loadCalendar } from '../../kernel/calendar-repo.js';
import { meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { dutySummary, type DutySummary } from '../catalog/update.service.js';
import { ANSWER_NEEDS, ART, canAnswer, canReport, canView, correctionWorkflow, reportProblems, type RowKey } from './rules.js';
import type { AnswerBody, ExtendBody, ReportBody } from './schema.js';
import type { CorrectionStatus } from './tables.js';
import * as repo from './repo.js';

/** Ledger case type and duty of a correction. */
export const CORRECTION_CASE = 'quality_correction';
export const CORRECTION_DUTY = 'answer';

export const correctionLink = (id: string) => `/quality/corrections?case=${id}`;

const STATUS_LABELS: Record<CorrectionStatus, string> = { open: '待核实', corrected: '已更正', not_wrong: '核实无误' };

export interface CorrectionView {
  id: string;
  entry: { id: string; code: string; name: string | null };
  provider: { id: string; name: string };
  reporter: { orgId: string; orgName: string; userId: string; userName: string };
  rowKey: RowKey | null;
  line: number | null;
  field: string | null;
  fieldLabel: string | null;
  reportedValue: string | null;
  expectedValue: string | null;
  description: string;
  status: CorrectionStatus;
  reason: string | null;
  loadId: string | null;
  answeredAt: string | null;
  /** Answered after the due time (or still open past it). */
  late: boolean;
  createdAt: string;
  duty: DutySummary | null;
}

async function views(k: Pick<Kernel, 'clock'>, db: Executor, rows: Awaited<ReturnType<typeof repo.listCorrections>>): Promise<CorrectionView[]> {
  if (rows.length === 0) return [];
  const [duties, cal] = await Promise.all([
    repo.dutiesOf(
      db,
      CORRECTION_CASE,
      CORRECTION_DUTY,
      rows.map((r) => r.id),
    ),
    loadCalendar(db),
  ]);
  const now = k.clock.now();
  return rows.map((r) => {
    const d = duties.find((x) => x.case_id === r.id);
    const label = r.field ? (r.entry_fields?.find((f) => f.name === r.field)?.label ?? null) : null;
    const dueAt = d?.due_at?.getTime();
    const late = dueAt !== undefined && (r.answered_at ? r.answered_at.getTime() > dueAt : now.getTime() > dueAt);
    return {
      id: r.id,
      entry: { id: r.entry_id, code: r.entry_code, name: r.entry_name },
      provider: { id: r.provider_org_id, name: r.provider_name },
      reporter: { orgId: r.reporter_org_id, orgName: r.reporter_org_name, userId: r.reporter_user_id, userName: r.reporter_user_name },
      rowKey: r.row_key,
      line: r.line,
      field: r.field,
      fieldLabel: label,
      reportedValue: r.reported_value,
      expectedValue: r.expected_value,
      description: r.description,
      status: r.status,
      reason: r.reason,
      loadId: r.load_id,
      answeredAt: r.answered_at?.toISOString() ?? null,
      late,
      createdAt: r.created_at.toISOString(),
      duty: d ? dutySummary(d, cal, now) : null,
    };
  });
}

async function viewOf(k: Pick<Kernel, 'clock'>, db: Executor, id: string): Promise<CorrectionView> {
  const [v] = await views(k, db, await repo.listCorrections(db, { id }));
  if (!v) throw notFound('校核申请', id);
  return v;
}

/**
 * Files a verification request (000 第四十二条): the provider must verify, correct and answer
 * within `correctionReplyDays` working days of receiving it; the duty is opened on the ledger and
 * the provider notified.
 */
export async function reportCorrection(k: Kernel, auth: AuthContext, body: ReportBody): Promise<CorrectionView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await repo.findPublishedEntry(trx, body.entryId);
    if (!e) throw notFound('已发布的目录', body.entryId);
    if (!canReport(auth, e)) {
      throw new AppError('RULE_VIOLATION', '提供单位不能对本单位的数据提出校核申请：发现问题请直接更正并重新汇聚', { source: k.profile.params.correctionReplyDays.source });
    }
    const problems = reportProblems(body, e.fields);
    if (problems.length > 0) {
      throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { fields: problems });
    }
    const now = k.clock.now();
    const id = randomUUID();
    const description = body.description.trim();
    await repo.insertCorrection(trx, {
      id,
      entry_id: e.id,
      provider_org_id: e.provider_org_id,
      reporter_org_id: auth.org.id,
      reporter_user_id: auth.user.id,
      row_key: body.rowKey === undefined ? null : JSON.stringify(body.rowKey),
      line: body.line ?? null,
      field: body.field ?? null,
      reported_value: body.reportedValue ?? null,
      expected_value: body.expectedValue ?? null,
      description,
      status: 'open',
      reason: null,
      load_id: null,
      answered_by: null,
      answered_at: null,
      created_at: now,
    });
    const period = k.profile.params.correctionReplyDays;
    const authority = await repo.coordinatingAuthority(trx, k.profile.region.code);
    const field = body.field ? e.fields.find((f) => f.name === body.field) : undefined;
    const what = field ? `「${e.name}」的数据项「${field.label}」` : `「${e.name}」`;
    const duty = await openDuty(k, trx, {
      caseType: CORRECTION_CASE,
      caseId: id,
      duty: CORRECTION_DUTY,
      title: `核实更正并反馈：${what}（${auth.org.name}提出）`,
      ownerOrgId: e.provider_org_id,
      supervisorOrgId: authority?.id ?? null,
      link: correctionLink(id),
      source: period.source,
      workingDays: period.value,
      startedAt: now,
    });
    const due = duty.due_date ? `，须于 ${duty.due_date} 前核实、更正并反馈` : '';
    await notify(k, trx, {
      orgId: e.provider_org_id,
      kind: 'quality.correction_reported',
      title: `校核申请：${what}`,
      body: `${auth.org.name}：${description}${due}（依据 ${period.source}）`,
      link: correctionLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'quality.correction_report',
      objectType: 'quality_correction',
      objectId: id,
      // The key values may be personal information (e.g. an ID number): the chain keeps which
      // fields named the row, never their values.
      details: { entryId: e.id, rowKeyFields: body.rowKey ? Object.keys(body.rowKey) : null, line: body.line ?? null, field: body.field ?? null, dutyId: duty.id, dueDate: duty.due_date },
    });
    return viewOf(k, trx, id);
  });
}

/** The cases the caller's org filed (`mine`) or that are against its entries (`provider`). */
export async function listCorrections(k: Kernel, auth: AuthContext, q: { role?: 'mine' | 'provider' | undefined; status?: CorrectionStatus | undefined }): Promise<{ items: CorrectionView[] }> {
  const db = k.db.kysely;
  const role = q.role ?? 'mine';
  const rows = await repo.listCorrections(db, {
    ...(role === 'mine' ? { reporterOrgId: auth.org.id } : { providerOrgId: auth.org.id }),
    ...(q.status ? { status: q.status } : {}),
  });
  return { items: await views(k, db, rows) };
}

/** One case, to its reporter, its provider, the coordinating authority and supervisors; 404 to others. */
export async function getCorrection(k: Kernel, auth: AuthContext, id: string): Promise<CorrectionView> {
  const db = k.db.kysely;
  const row = (await repo.listCorrections(db, { id }))[0];
  if (!row || !canView(auth, row)) throw notFound('校核申请', id);
  return (await views(k, db, [row]))[0] as CorrectionView;
}

/**
 * The provider answers (000 第四十二条): corrected (optionally naming the load that fixed it) or
 * not wrong (with the reason). Meets the duty — late answers are still taken and show as late —
 * and notifies the reporter.
 */
export async function answerCorrection(k: Kernel, auth: AuthContext, id: string, body: AnswerBody): Promise<CorrectionView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const c = await repo.lockCorrection(trx, id);
    if (!c || !canView(auth, c)) throw notFound('校核申请', id);
    const reason = body.reason?.trim() || null;
    const next = correctionWorkflow.apply(c.status, body.outcome === 'corrected' ? 'correct' : 'reject', { mayAnswer: canAnswer(auth, c), reason });
    if (body.loadId) await checkFixingLoad(trx, c, body.outcome, body.loadId);
    const now = k.clock.now();
    await repo.updateCorrection(trx, id, { status: next, reason, load_id: body.loadId ?? null, answered_by: auth.user.id, answered_at: now });
    await meetDuty(k, trx, CORRECTION_CASE, id, CORRECTION_DUTY);
    const source = k.profile.params.correctionReplyDays.source;
    await notify(k, trx, {
      orgId: c.reporter_org_id,
      userId: c.reporter_user_id,
      kind: 'quality.correction_answered',
      title: `校核结果：${STATUS_LABELS[next]}`,
      body: `${auth.org.name}答复：${STATUS_LABELS[next]}${reason ? `。${reason}` : ''}（依据 ${source}）`,
      link: correctionLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'quality.correction_answer',
      objectType: 'quality_correction',
      objectId: id,
      details: { entryId: c.entry_id, outcome: body.outcome, reason, loadId: body.loadId ?? null },
    });
    return viewOf(k, trx, id);
  });
}

/**
 * The load an answer names as the fix (000 第四十二条: corrections are linked to the load that
 * made them): only for a "corrected" answer, a committed load of the same entry, landed after the
 * report was filed.
 */
async function checkFixingLoad(trx: Trx, c: repo.CorrectionRow, outcome: AnswerBody['outcome'], loadId: string): Promise<void> {
  if (outcome !== 'corrected') throw new AppError('VALIDATION', '只有“已更正”的答复才能关联更正数据的批次', { source: ART.correction });
  const load = await repo.findLoad(trx, loadId);
  if (!load || load.entry_id !== c.entry_id) throw new AppError('VALIDATION', `批次 ${loadId} 不是本目录数据的汇聚批次`, { source: ART.correction });
  if (load.status !== 'committed' || !load.finished_at) throw new AppError('VALIDATION', `批次 ${loadId} 未汇聚成功，不能作为更正数据的批次`, { source: ART.correction });
  if (new Date(load.finished_at) < new Date(c.created_at)) {
    throw new AppError('VALIDATION', `批次 ${loadId} 汇聚于校核申请提出之前，不能作为本次更正的批次`, { source: ART.correction });
  }
}

/**
 * An extension of the answer duty. Neither 000 第四十二条 nor 003 第十六条 provides one, and no
 * jurisdiction profile holds a correction extension, so every request is refused citing the
 * article that sets the period. (Add a profile parameter and `extendDuty` here when one does.)
 */
export async function extendCorrection(k: Kernel, auth: AuthContext, id: string, _body: ExtendBody): Promise<CorrectionView> {
  const c = (await repo.listCorrections(k.db.kysely, { id }))[0];
  if (!c || !canView(auth, c)) throw notFound('校核申请', id);
  requirePermission(canAnswer(auth, c), ANSWER_NEEDS);
  const period = k.profile.params.correctionReplyDays;
  throw new AppError('RULE_VIOLATION', `本辖区规则未规定校核申请的答复期限可以延长：${period.value === null ? '须及时核实、更正并反馈' : `须在 ${period.value} 个工作日内核实、更正并反馈`}`, { source: period.source });
}
