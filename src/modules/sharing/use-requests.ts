/**
 * Use limits (使用限制, 000 第十五条): data obtained by sharing may not be used beyond its scope or
 * for another purpose, nor passed to a third party, without the provider's consent. The subject
 * org's data officer asks the provider to widen a grant's use (new purpose and scope, more fields,
 * a later time limit) or to pass its data to a named public institution; the provider's data
 * officer or org admin answers. Consent to widen amends the grant (audited with before and
 * after); consent to transfer makes a new grant for the third org whose source case is the use
 * request. A refusal states its reason and basis. The reply is a `reply` duty on the ledger.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound, type FieldError } from '../../kernel/errors.js';
import { actorOf, hasUserRole, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { beijingDate, beijingEndOfDay } from '../../kernel/clock.js';
import { loadCalendar } from '../../kernel/calendar-repo.js';
import { meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import { defineWorkflow } from '../../kernel/workflow.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import { dutySummary, type DutySummary } from '../catalog/update.service.js';
import { grantLink } from './grants.service.js';
import { listFilter, pageOf } from './lists.js';
import { ART, DECIDE_NEEDS, canDecide, canViewGrant, effectiveGrantStatus } from './rules.js';
import type { CreateUseRequestBody, DecideBody, UseRequestQuery } from './schema.js';
import type { UseRequestKind, UseRequestStatus } from './tables.js';
import { carriedMasking } from './masking.rules.js';
import * as repo from './repo.js';

/** Ledger and audit name of a use request; also the source case of a grant made for a third org. */
export const USE_REQUEST_CASE = 'use_request';
export const USE_REPLY_DUTY = 'reply';

export const useRequestLink = (id: string) => `/sharing/use-requests?case=${id}`;

export const USE_REQUEST_NEEDS = '被授权单位的数据工作机构负责人（data_officer）';

// ── Rules (pure) ──

/** The subject org's data officer asks, as it signs the share request that made the grant (000 第十四、十五条). */
export const canRequestUse = (auth: AuthContext, g: { subject_org_id: string }): boolean => auth.org.id === g.subject_org_id && hasUserRole(auth, 'data_officer');

/** The last day (Beijing time) a grant may be used: `valid_until` is the end of that day. */
export const lastValidDay = (validUntil: Date): string => beijingDate(new Date(validUntil.getTime() - 1));

export interface UseRequestInput {
  kind: UseRequestKind;
  purpose: string;
  scope: string;
  fields?: readonly string[] | undefined;
  validUntil?: string | undefined;
  thirdOrgId?: string | undefined;
}

/**
 * The problems of a use request against the grant and the entry's published fields: a purpose and
 * scope stated; fields that are data items of the entry, none twice (for a transfer, within the
 * grant: what was not shared cannot be passed on); a time limit after today (for widening, after
 * the grant's own); a third org named for a transfer, and only for one.
 */
export function useRequestProblems(input: UseRequestInput, grant: { fields: readonly string[]; valid_until: Date }, entryFields: readonly string[], today: string): FieldError[] {
  const out: FieldError[] = [];
  if (!input.purpose.trim()) out.push({ field: 'purpose', message: '请说明使用目的或场景' });
  if (!input.scope.trim()) out.push({ field: 'scope', message: '请说明使用范围' });
  if (input.fields) {
    if (input.fields.length === 0) out.push({ field: 'fields', message: '请至少选择一个数据项' });
    const allowed = new Set(input.kind === 'transfer' ? grant.fields : entryFields);
    const seen = new Set<string>();
    input.fields.forEach((f, i) => {
      if (!allowed.has(f)) out.push({ field: `fields/${i}`, message: input.kind === 'transfer' ? `${f} 不在共享授权的数据项内，不能提供给第三方` : `${f} 不是该目录已发布版本的数据项` });
      else if (seen.has(f)) out.push({ field: `fields/${i}`, message: `数据项 ${f} 重复` });
      seen.add(f);
    });
  }
  if (input.validUntil !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.validUntil) || Number.isNaN(Date.parse(`${input.validUntil}T00:00:00Z`))) {
      out.push({ field: 'validUntil', message: '使用时限须为日期（YYYY-MM-DD）' });
    } else if (input.validUntil <= today) {
      out.push({ field: 'validUntil', message: `使用时限须晚于今天（${today}）` });
    } else if (input.kind === 'widen' && input.validUntil <= lastValidDay(grant.valid_until)) {
      out.push({ field: 'validUntil', message: `延长的使用时限须晚于现有时限（${lastValidDay(grant.valid_until)}）` });
    }
  }
  if (input.kind === 'transfer' && !input.thirdOrgId) out.push({ field: 'thirdOrgId', message: '提供给第三方须指明第三方机构' });
  if (input.kind === 'widen' && input.thirdOrgId) out.push({ field: 'thirdOrgId', message: '扩大使用范围不涉及第三方；提供给第三方请选择 transfer' });
  return out;
}

export type UseEvent = 'approve' | 'refuse';

/**
 * pending → approved | refused, by the provider. 000 第十五条 requires its consent and says no more of
 * the answer; a refusal states its reason and basis as a refusal to share must (第十四条
 * "应当说明理由并提供依据"), so the requester knows why the wider use stays forbidden.
 */
export const useRequestWorkflow = defineWorkflow<UseRequestStatus, UseEvent, { mayAct: boolean; reason?: string | null; basis?: string | null }>('扩大使用/提供第三方申请', {
  approve: { from: ['pending'], to: 'approved', guard: (c) => (c.mayAct ? null : { code: 'FORBIDDEN', message: `无权执行此操作：需要${DECIDE_NEEDS}` }) },
  refuse: {
    from: ['pending'],
    to: 'refused',
    guard: (c) => {
      if (!c.mayAct) return { code: 'FORBIDDEN', message: `无权执行此操作：需要${DECIDE_NEEDS}` };
      const missing = [!c.reason?.trim() && '理由（reason）', !c.basis?.trim() && '依据（basis）'].filter(Boolean);
      return missing.length > 0 ? { message: `不同意扩大使用或提供给第三方的，应当说明理由并提供依据：缺少${missing.join('和')}`, source: ART.useLimits } : null;
    },
  },
});

// ── Views ──

export interface UseRequestView {
  id: string;
  grant: { id: string; entry: { id: string; code: string; name: string | null } };
  kind: UseRequestKind;
  requester: { orgId: string; orgName: string; userId: string; userName: string };
  provider: { id: string; name: string };
  thirdOrg: { id: string; name: string } | null;
  purpose: string;
  scope: string;
  fields: string[] | null;
  validUntil: string | null;
  reason: string;
  status: UseRequestStatus;
  decidedAt: string | null;
  decisionReason: string | null;
  refusalBasis: string | null;
  /** The grant a consent to transfer made for the third org. */
  newGrantId: string | null;
  createdAt: string;
  /** Answered after the reply was due (or still pending past it). */
  late: boolean;
  duty: DutySummary | null;
}

interface UseRequestFilter {
  id?: string;
  requesterOrgId?: string;
  providerOrgId?: string;
  status?: UseRequestStatus;
  entryId?: string;
  counterpartOrgId?: string;
  createdFrom?: Date;
  createdBefore?: Date;
}

function filtered(db: Executor, filter: UseRequestFilter) {
  let q = db
    .selectFrom('use_requests as u')
    .innerJoin('grants as g', 'g.id', 'u.grant_id')
    .innerJoin('catalog_entries as e', 'e.id', 'g.entry_id')
    .leftJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .innerJoin('orgs as ro', 'ro.id', 'u.requester_org_id')
    .innerJoin('orgs as po', 'po.id', 'u.provider_org_id')
    .leftJoin('orgs as to', 'to.id', 'u.third_org_id')
    .innerJoin('users as ru', 'ru.id', 'u.created_by');
  if (filter.id) q = q.where('u.id', '=', filter.id);
  if (filter.requesterOrgId) q = q.where('u.requester_org_id', '=', filter.requesterOrgId);
  if (filter.providerOrgId) q = q.where('u.provider_org_id', '=', filter.providerOrgId);
  if (filter.status) q = q.where('u.status', '=', filter.status);
  if (filter.entryId) q = q.where('g.entry_id', '=', filter.entryId);
  const other = filter.counterpartOrgId;
  if (other) q = q.where((eb) => eb.or([eb('u.requester_org_id', '=', other), eb('u.provider_org_id', '=', other), eb('u.third_org_id', '=', other)]));
  if (filter.createdFrom) q = q.where('u.created_at', '>=', filter.createdFrom);
  if (filter.createdBefore) q = q.where('u.created_at', '<', filter.createdBefore);
  return q;
}

function listRows(db: Executor, filter: UseRequestFilter, page = { limit: 500, offset: 0 }) {
  return filtered(db, filter)
    .selectAll('u')
    .select(['g.entry_id', 'g.subject_org_id', 'e.code as entry_code', 'v.name as entry_name', 'ro.name as requester_org_name', 'po.name as provider_name', 'to.name as third_org_name', 'ru.name as requester_user_name'])
    .orderBy('u.created_at', 'desc')
    .orderBy('u.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

async function countRows(db: Executor, filter: UseRequestFilter): Promise<number> {
  const r = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
type UseRequestRow = Awaited<ReturnType<typeof listRows>>[number];

async function views(k: Pick<Kernel, 'clock'>, db: Executor, rows: UseRequestRow[]): Promise<UseRequestView[]> {
  if (rows.length === 0) return [];
  const [duties, cal] = await Promise.all([
    repo.dutiesOf(
      db,
      USE_REQUEST_CASE,
      rows.map((r) => r.id),
    ),
    loadCalendar(db),
  ]);
  const now = k.clock.now();
  return rows.map((r) => {
    const duty = duties.find((d) => d.case_id === r.id && d.duty === USE_REPLY_DUTY);
    const dueAt = duty?.due_at?.getTime();
    const late = dueAt !== undefined && (r.decided_at ? r.decided_at.getTime() > dueAt : r.status === 'pending' && now.getTime() > dueAt);
    return {
      id: r.id,
      grant: { id: r.grant_id, entry: { id: r.entry_id, code: r.entry_code, name: r.entry_name } },
      kind: r.kind,
      requester: { orgId: r.requester_org_id, orgName: r.requester_org_name, userId: r.created_by, userName: r.requester_user_name },
      provider: { id: r.provider_org_id, name: r.provider_name },
      thirdOrg: r.third_org_id ? { id: r.third_org_id, name: r.third_org_name ?? '' } : null,
      purpose: r.purpose,
      scope: r.scope,
      fields: r.fields,
      validUntil: r.valid_until,
      reason: r.reason,
      status: r.status,
      decidedAt: r.decided_at?.toISOString() ?? null,
      decisionReason: r.decision_reason,
      refusalBasis: r.refusal_basis,
      newGrantId: r.new_grant_id,
      createdAt: r.created_at.toISOString(),
      late,
      duty: duty ? dutySummary(duty, cal, now) : null,
    };
  });
}

async function viewOf(k: Pick<Kernel, 'clock'>, db: Executor, id: string): Promise<UseRequestView> {
  const [v] = await views(k, db, await listRows(db, { id }));
  if (!v) throw notFound('扩大使用/提供第三方申请', id);
  return v;
}

const KIND_LABELS: Record<UseRequestKind, string> = { widen: '扩大使用范围', transfer: '提供给第三方' };

// ── Use cases ──

/**
 * The subject org's data officer asks the provider to widen a grant's use or pass its data on
 * (000 第十五条 "确需…的，应当经数据提供单位同意"). The grant must be in force. The provider's reply
 * is a duty on the ledger.
 */
export async function createUseRequest(k: Kernel, auth: AuthContext, grantId: string, body: CreateUseRequestBody): Promise<UseRequestView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const g = await repo.lockGrant(trx, grantId);
    if (!g || !canViewGrant(auth, g)) throw notFound('共享授权', grantId);
    requirePermission(canRequestUse(auth, g), USE_REQUEST_NEEDS);
    const now = k.clock.now();
    const status = effectiveGrantStatus(g, now);
    if (status !== 'active') throw new AppError('INVALID_STATE', `共享授权当前为 ${status}，只有有效的授权可以申请扩大使用或提供给第三方`, { source: ART.useLimits });
    const e = await repo.findPublishedEntry(trx, g.entry_id);
    if (!e) throw notFound('已发布的目录', g.entry_id);
    const problems = useRequestProblems(body, g, e.fields.map((f) => f.name), beijingDate(now));
    if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { fields: problems });
    let third: { id: string; name: string } | null = null;
    if (body.kind === 'transfer') {
      const o = await repo.findOrg(trx, body.thirdOrgId as string);
      if (!o) throw new AppError('VALIDATION', `机构不存在：${body.thirdOrgId}`, { fields: [{ field: 'thirdOrgId', message: '机构不存在' }] });
      if (o.id === g.subject_org_id || o.id === g.provider_org_id) throw new AppError('RULE_VIOLATION', '第三方须是被授权单位和数据提供单位以外的机构', { source: ART.useLimits });
      // Sharing is between public institutions (000 第十一条); others obtain data by opening or authorized operation.
      if (!o.roles.includes('institution')) throw new AppError('RULE_VIOLATION', `${o.name}不是公共管理和服务机构，不能通过共享获得数据`, { source: '000 第十一条' });
      third = { id: o.id, name: o.name };
    }
    const id = randomUUID();
    await trx
      .insertInto('use_requests')
      .values({
        id,
        grant_id: g.id,
        kind: body.kind,
        requester_org_id: g.subject_org_id,
        provider_org_id: g.provider_org_id,
        created_by: auth.user.id,
        purpose: body.purpose.trim(),
        scope: body.scope.trim(),
        fields: body.fields ?? null,
        valid_until: body.validUntil ?? null,
        third_org_id: third?.id ?? null,
        reason: body.reason.trim(),
        status: 'pending',
        decided_by: null,
        decided_at: null,
        decision_reason: null,
        refusal_basis: null,
        new_grant_id: null,
        created_at: now,
      })
      .execute();
    // 000 第十五条 sets no period for the provider's consent; the reply period of a conditional
    // share request (000 第十四条, the profile's `conditionalShareReplyDays`) is applied, a use
    // request being a request for more sharing of the same data.
    const period = k.profile.params.conditionalShareReplyDays;
    const authority = await repo.sharingAuthority(trx, k.profile.region.code);
    const duty = await openDuty(k, trx, {
      caseType: USE_REQUEST_CASE,
      caseId: id,
      duty: USE_REPLY_DUTY,
      title: `答复${KIND_LABELS[body.kind]}申请：「${e.name}」（${auth.org.name}提出${third ? `，第三方 ${third.name}` : ''}）`,
      ownerOrgId: g.provider_org_id,
      supervisorOrgId: authority?.id ?? null,
      link: useRequestLink(id),
      source: period.source,
      workingDays: period.value,
      startedAt: now,
    });
    await notify(k, trx, {
      orgId: g.provider_org_id,
      kind: 'sharing.use_request_received',
      title: `${KIND_LABELS[body.kind]}申请：「${e.name}」（${auth.org.name}）`,
      body: `${body.reason.trim()}。${duty.due_date ? `须于 ${duty.due_date} 前答复是否同意` : '请及时答复是否同意'}（依据 ${ART.useLimits}、${period.source}）`,
      link: useRequestLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.use_request_create',
      objectType: 'use_request',
      objectId: id,
      grantId: g.id,
      purpose: body.purpose.trim(),
      details: { kind: body.kind, fields: body.fields ?? null, validUntil: body.validUntil ?? null, thirdOrgId: third?.id ?? null, dutyId: duty.id },
    });
    return viewOf(k, trx, id);
  });
}

/**
 * The provider answers (000 第十五条). Consent to widen amends the grant — fields, purpose, time
 * limit — and audits it with before and after; consent to transfer makes a new grant for the third
 * org (same entry, row filter and methods; the requested fields and time limit), source case this
 * request. A refusal states reason and basis. Either meets the reply duty; a late answer is taken
 * and shows as late.
 */
export async function decideUseRequest(k: Kernel, auth: AuthContext, id: string, body: DecideBody): Promise<UseRequestView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const u = await trx.selectFrom('use_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    const g = u ? await repo.lockGrant(trx, u.grant_id) : undefined;
    if (!u || !g || !canViewGrant(auth, g)) throw notFound('扩大使用/提供第三方申请', id);
    if ((body.clearFields ?? []).length > 0) {
      throw new AppError('VALIDATION', '明文提供的数据项在共享授权上设置（PUT /api/v1/grants/{id}/clear-fields），不在此答复', { fields: [{ field: 'clearFields', message: '此处不适用' }] });
    }
    const reason = body.reason?.trim() || null;
    const basis = body.basis?.trim() || null;
    const next = useRequestWorkflow.apply(u.status, body.decision, { mayAct: canDecide(auth, g), reason, basis });
    const now = k.clock.now();
    const e = await repo.findPublishedEntry(trx, g.entry_id);
    const name = e?.name ?? g.entry_id;
    let newGrantId: string | null = null;
    let change: Record<string, unknown> = {};
    if (next === 'approved') {
      const status = effectiveGrantStatus(g, now);
      if (status !== 'active') throw new AppError('INVALID_STATE', `共享授权当前为 ${status}，不能据以扩大使用或提供给第三方`, { source: ART.useLimits });
      const purpose = `${u.purpose}；使用范围：${u.scope}`;
      if (u.kind === 'widen') {
        const before = { fields: g.fields, purpose: g.purpose, validUntil: g.valid_until.toISOString() };
        const after = { fields: u.fields ?? g.fields, purpose, validUntil: (u.valid_until ? beijingEndOfDay(u.valid_until) : g.valid_until).toISOString() };
        await repo.updateGrant(trx, g.id, { fields: after.fields, purpose: after.purpose, valid_until: after.validUntil });
        change = { before, after };
        await audit(k, trx, actorOf(auth), { action: 'sharing.grant_amend', objectType: 'grant', objectId: g.id, grantId: g.id, details: { useRequestId: id, ...change } });
        await notify(k, trx, {
          orgId: u.requester_org_id,
          kind: 'sharing.use_request_approved',
          title: `扩大使用范围申请已同意：「${name}」`,
          body: `${auth.org.name}同意，共享授权已变更：${purpose}（依据 ${ART.useLimits}）`,
          link: grantLink(g.id),
        });
      } else {
        newGrantId = randomUUID();
        const third = u.third_org_id as string;
        await repo.insertGrant(trx, {
          id: newGrantId,
          subject_org_id: third,
          provider_org_id: g.provider_org_id,
          entry_id: g.entry_id,
          fields: u.fields ?? g.fields,
          row_filter: g.row_filter === null ? null : JSON.stringify(g.row_filter),
          // The third party's data leaves masked at least as the original grant's did (its fields in clear are not carried).
          mask_strategies: carriedMasking(g.mask_strategies, u.fields ?? g.fields),
          purpose,
          methods: g.methods,
          valid_from: now,
          valid_until: u.valid_until ? beijingEndOfDay(u.valid_until) : g.valid_until,
          source_case_type: USE_REQUEST_CASE,
          source_case_id: id,
          status: 'active',
          status_reason: null,
          status_changed_by: null,
          status_changed_at: null,
          created_at: now,
        });
        change = { newGrantId, thirdOrgId: third, fields: u.fields ?? g.fields };
        await notify(k, trx, {
          orgId: u.requester_org_id,
          kind: 'sharing.use_request_approved',
          title: `提供给第三方申请已同意：「${name}」`,
          body: `${auth.org.name}同意，已向第三方直接授权（依据 ${ART.useLimits}）`,
          link: useRequestLink(id),
        });
        await notify(k, trx, {
          orgId: third,
          kind: 'sharing.grant_created',
          title: `新的共享授权：「${name}」`,
          body: `${auth.org.name}同意授权，用于：${purpose}（依据 ${ART.useLimits}）`,
          link: grantLink(newGrantId),
        });
      }
    } else {
      await notify(k, trx, {
        orgId: u.requester_org_id,
        kind: 'sharing.use_request_refused',
        title: `${KIND_LABELS[u.kind]}申请未获同意：「${name}」`,
        body: `${auth.org.name}：${reason}。依据：${basis}。未经同意不得扩大使用范围或提供给第三方（${ART.useLimits}）`,
        link: useRequestLink(id),
      });
    }
    await trx
      .updateTable('use_requests')
      .set({ status: next, decided_by: auth.user.id, decided_at: now, decision_reason: reason, refusal_basis: next === 'refused' ? basis : null, new_grant_id: newGrantId })
      .where('id', '=', id)
      .execute();
    await meetDuty(k, trx, USE_REQUEST_CASE, id, USE_REPLY_DUTY);
    await audit(k, trx, actorOf(auth), {
      action: `sharing.use_request_${body.decision}`,
      objectType: 'use_request',
      objectId: id,
      grantId: newGrantId ?? g.id,
      details: { kind: u.kind, decision: body.decision, reason, basis, grantId: g.id, ...change },
    });
    return viewOf(k, trx, id);
  });
}

/**
 * Use requests the caller's org filed (`requester`, default) or received as provider (`provider`),
 * narrowed by status, entry, the other org (or third org) and creation dates, one page at a time with the total.
 */
export async function listUseRequests(k: Kernel, auth: AuthContext, q: UseRequestQuery): Promise<{ items: UseRequestView[]; total: number }> {
  const db = k.db.kysely;
  const filter: UseRequestFilter = {
    ...(q.role === 'provider' ? { providerOrgId: auth.org.id } : { requesterOrgId: auth.org.id }),
    ...(q.status ? { status: q.status } : {}),
    ...listFilter(q),
  };
  const [rows, total] = await Promise.all([listRows(db, filter, pageOf(q)), countRows(db, filter)]);
  return { items: await views(k, db, rows), total };
}

/** One use request, to those who may read its grant (subject, provider, sharing authority, platform admin); 404 to others. */
export async function getUseRequest(k: Kernel, auth: AuthContext, id: string): Promise<UseRequestView> {
  const db = k.db.kysely;
  const [row] = await listRows(db, { id });
  if (!row || !canViewGrant(auth, { provider_org_id: row.provider_org_id, subject_org_id: row.subject_org_id })) throw notFound('扩大使用/提供第三方申请', id);
  return (await views(k, db, [row]))[0] as UseRequestView;
}
