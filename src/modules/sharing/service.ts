/**
 * Share requests (数据共享申请, 000 第十四条): a demand institution asks for a published entry's
 * fields; its data officer signs; then, by the entry's share attribute at that moment, the request
 * is granted at once (unconditional, or the provider's instant-share conditions met), refused at
 * once (not shared, citing the entry's legal basis), or waits for the provider's reply within the
 * profile's `conditionalShareReplyDays` working days — the `reply` duty on the ledger, extendable
 * once with the consent of the approver the profile names. An approval makes a grant and opens the
 * `provide` duty (`deliveryAfterConsentDays`), met at once for delivery by service API.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, hasOrgRole, isPlatformAdmin, requirePermission, ROLE_LABELS, type AuthContext } from '../../kernel/auth.js';
import { beijingDate } from '../../kernel/clock.js';
import { loadCalendar } from '../../kernel/calendar-repo.js';
import { cancelDuty, checkExtension, extendDuty, meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { dutySummary, type DutySummary } from '../catalog/update.service.js';
import { SHARE_REQUEST_CASE, insertGrantForRequest, piiFieldsOf } from './grants.service.js';
import { listFilter, pageOf } from './lists.js';
import {
  ART,
  DECIDE_NEEDS,
  REQUEST_NEEDS,
  SIGN_NEEDS,
  canConsentExtension,
  canDecide,
  canRequest,
  canSign,
  canViewRequest,
  clearFieldsProblems,
  instantConditionsMet,
  onSignature,
  requestProblems,
  shareRequestWorkflow,
} from './rules.js';
import type { CreateRequestBody, DecideBody, ExtendBody, ExtensionQuery, InstantConditionsBody, RequestQuery } from './schema.js';
import type { ExtensionStatus, ShareMethod, ShareOutcome, ShareRequestStatus } from './tables.js';
import { decisionMasking, storeMasking } from './masking.js';
import * as repo from './repo.js';
import { defaultSandboxSettings, sandboxSettingsOfDecision, settingsDetails, writeSandboxGrant, type SandboxSettings } from './sandbox-grants.js';

/** Ledger duties of a share request. */
export const REPLY_DUTY = 'reply';
export const PROVIDE_DUTY = 'provide';
export const EXTENSION_DECISION_DUTY = 'extension_decision';

export const requestLink = (id: string) => `/sharing/requests?case=${id}`;

const METHOD_LABELS: Record<ShareMethod, string> = { api: '服务接口', batch: '批量交换', file: '文件下载', sandbox: '平台内分析（隐私沙箱）' };

export interface ShareRequestView {
  id: string;
  entry: { id: string; code: string; name: string | null; version: number };
  provider: { id: string; name: string };
  requester: { orgId: string; orgName: string; userId: string; userName: string };
  fields: string[];
  basis: string;
  scenario: string;
  scope: string;
  method: ShareMethod;
  validUntil: string;
  status: ShareRequestStatus;
  /** The entry's share attribute when signed. */
  shareAttr: 'unconditional' | 'conditional' | 'none' | null;
  outcome: ShareOutcome | null;
  signedAt: string | null;
  decidedAt: string | null;
  reason: string | null;
  /** The basis of a refusal: the provider's, or the entry's legal basis when not shared. */
  refusalBasis: string | null;
  /** Answered after the reply was due (or still pending past it). */
  late: boolean;
  extension: { status: ExtensionStatus; days: number | null; reason: string | null; requestedAt: string | null; decidedAt: string | null; comment: string | null } | null;
  grantId: string | null;
  createdAt: string;
  /** The provider's reply duty (conditional entries). */
  duty: DutySummary | null;
  /** The provider's duty to provide the data after approval. */
  provideDuty: DutySummary | null;
  /** The approver's duty to decide an extension application. */
  extensionDuty: DutySummary | null;
  /** A sandbox request's column policies: the defaults by personal-information kind until answered, then as granted; null for other methods. */
  columnPolicies: Record<string, string> | null;
}

async function views(k: Pick<Kernel, 'clock'>, db: Executor, rows: repo.RequestListRow[]): Promise<ShareRequestView[]> {
  if (rows.length === 0) return [];
  const [duties, cal] = await Promise.all([
    repo.dutiesOf(
      db,
      SHARE_REQUEST_CASE,
      rows.map((r) => r.id),
    ),
    loadCalendar(db),
  ]);
  const now = k.clock.now();
  return rows.map((r) => {
    const of = (duty: string) => duties.filter((d) => d.case_id === r.id && d.duty === duty).sort((a, b) => b.started_at.getTime() - a.started_at.getTime())[0];
    const reply = of(REPLY_DUTY);
    const provide = of(PROVIDE_DUTY);
    const ext = of(EXTENSION_DECISION_DUTY);
    const dueAt = reply?.due_at?.getTime();
    const late = dueAt !== undefined && (r.decided_at ? r.decided_at.getTime() > dueAt : r.status === 'pending' && now.getTime() > dueAt);
    return {
      id: r.id,
      entry: { id: r.entry_id, code: r.entry_code, name: r.entry_name, version: r.entry_version },
      provider: { id: r.provider_org_id, name: r.provider_name },
      requester: { orgId: r.requester_org_id, orgName: r.requester_org_name, userId: r.created_by, userName: r.requester_user_name },
      fields: r.fields,
      basis: r.basis,
      scenario: r.scenario,
      scope: r.scope,
      method: r.method,
      validUntil: r.valid_until,
      status: r.status,
      shareAttr: r.share_attr,
      outcome: r.outcome,
      signedAt: r.signed_at?.toISOString() ?? null,
      decidedAt: r.decided_at?.toISOString() ?? null,
      reason: r.reason,
      refusalBasis: r.refusal_basis,
      late,
      extension: r.extension_status
        ? {
            status: r.extension_status,
            days: r.extension_days,
            reason: r.extension_reason,
            requestedAt: r.extension_requested_at?.toISOString() ?? null,
            decidedAt: r.extension_decided_at?.toISOString() ?? null,
            comment: r.extension_comment,
          }
        : null,
      grantId: r.grant_id,
      createdAt: r.created_at.toISOString(),
      duty: reply ? dutySummary(reply, cal, now) : null,
      provideDuty: provide ? dutySummary(provide, cal, now) : null,
      extensionDuty: ext ? dutySummary(ext, cal, now) : null,
      columnPolicies: r.column_policies ?? null,
    };
  });
}

async function viewOf(k: Pick<Kernel, 'clock'>, db: Executor, id: string): Promise<ShareRequestView> {
  const [v] = await views(k, db, await repo.listRequests(db, { id }));
  if (!v) throw notFound('共享申请', id);
  return v;
}

/** The published entry a request names, or 404 (an unpublished entry cannot be requested, 000 第十四条 "按照统一发布的数据目录"). */
async function publishedEntry(db: Executor, entryId: string): Promise<repo.PublishedEntry> {
  const e = await repo.findPublishedEntry(db, entryId);
  if (!e) throw notFound('已发布的目录', entryId);
  return e;
}

function checkRequestBody(body: Pick<CreateRequestBody, 'fields' | 'basis' | 'scenario' | 'scope' | 'method' | 'validUntil'>, e: repo.PublishedEntry, today: string): void {
  const problems = requestProblems(body, e, today);
  if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { fields: problems });
}

/**
 * Files a share request (000 第十四条): a demand institution's clerk, data officer or org admin
 * states the fields, use basis, scenario, scope, method and time limit against the published
 * catalog. It waits for its own data officer's signature before the provider sees it.
 */
export async function createRequest(k: Kernel, auth: AuthContext, body: CreateRequestBody): Promise<ShareRequestView> {
  if (!canRequest(auth, body.method) && canRequest(auth, 'sandbox')) {
    // An operator or developer works on public data inside the platform only (原始数据不出域).
    throw new AppError('FORBIDDEN', `运营机构、开发主体只能申请在平台隐私沙箱内分析（sandbox），不能以${METHOD_LABELS[body.method as ShareMethod] ?? body.method}方式获取数据`, { source: ART.sandbox });
  }
  requirePermission(canRequest(auth, body.method), REQUEST_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await publishedEntry(trx, body.entryId);
    if (e.provider_org_id === auth.org.id) {
      throw new AppError('RULE_VIOLATION', '数据提供单位不能向本单位申请共享本单位的数据', { source: ART.request });
    }
    const now = k.clock.now();
    checkRequestBody(body, e, beijingDate(now));
    const id = randomUUID();
    await repo.insertRequest(trx, {
      id,
      entry_id: e.id,
      entry_version: e.version,
      provider_org_id: e.provider_org_id,
      requester_org_id: auth.org.id,
      created_by: auth.user.id,
      fields: body.fields,
      basis: body.basis.trim(),
      scenario: body.scenario.trim(),
      scope: body.scope.trim(),
      method: body.method as ShareMethod,
      valid_until: body.validUntil,
      status: 'awaiting_signature',
      share_attr: null,
      outcome: null,
      signed_by: null,
      signed_at: null,
      decided_by: null,
      decided_at: null,
      reason: null,
      refusal_basis: null,
      extension_status: null,
      extension_days: null,
      extension_reason: null,
      extension_requested_by: null,
      extension_requested_at: null,
      extension_decided_by: null,
      extension_decided_at: null,
      extension_comment: null,
      grant_id: null,
      created_at: now,
      // A sandbox request shows the policies its fields would get by default until the provider answers.
      column_policies: body.method === 'sandbox' ? JSON.stringify(defaultSandboxSettings(body.fields, e.fields).columnPolicies) : null,
    });
    await notify(k, trx, {
      orgId: auth.org.id,
      kind: 'sharing.request_to_sign',
      title: `待签署的共享申请：「${e.name}」`,
      body: `${auth.user.name}提出，须经本单位数据工作机构负责人同意后提交（依据 ${ART.request}）`,
      link: requestLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.request_create',
      objectType: 'share_request',
      objectId: id,
      purpose: body.scenario.trim(),
      details: { entryId: e.id, version: e.version, fields: body.fields, method: body.method, validUntil: body.validUntil },
    });
    return viewOf(k, trx, id);
  });
}

/**
 * Makes the grant of an approved request, records it on the request, and opens the provide duty
 * (000 第十四条: within `deliveryAfterConsentDays` working days of the consent; by service API at
 * once). For `api` the grant itself is the provision, so the duty is met in the same step, and so
 * for `sandbox`, whose view is open to the requester's queries once the grant exists (it carries
 * `sandbox`, its settings); for `batch` and `file` it stays open until the delivery module hands
 * the data over and meets it.
 */
async function approve(
  k: Kernel,
  trx: Trx,
  r: repo.ShareRequestRow,
  e: { name: string },
  by: { userId: string | null; orgName: string },
  next: ShareRequestStatus,
  outcome: ShareOutcome,
  reason: string | null,
  sandbox: SandboxSettings | null = null,
): Promise<string> {
  const now = k.clock.now();
  const grantId = await insertGrantForRequest(k, trx, r);
  if (sandbox) await writeSandboxGrant(trx, grantId, r.id, sandbox);
  await repo.updateRequest(trx, r.id, {
    status: next,
    outcome,
    decided_by: by.userId,
    decided_at: now,
    reason,
    grant_id: grantId,
  });
  const provide = k.profile.params.deliveryAfterConsentDays;
  await openDuty(k, trx, {
    caseType: SHARE_REQUEST_CASE,
    caseId: r.id,
    duty: PROVIDE_DUTY,
    title: `提供共享数据：「${e.name}」（${METHOD_LABELS[r.method]}）`,
    ownerOrgId: r.provider_org_id,
    link: requestLink(r.id),
    source: provide.source,
    workingDays: provide.value,
    startedAt: now,
  });
  const immediate = k.profile.params.apiDeliveryImmediate;
  const atOnce = (r.method === 'api' && immediate.value !== false) || r.method === 'sandbox';
  if (atOnce) await meetDuty(k, trx, SHARE_REQUEST_CASE, r.id, PROVIDE_DUTY);
  if (by.userId === null) {
    // Granted by the system on signature: the provider learns of it (and of its provide duty).
    await notify(k, trx, {
      orgId: r.provider_org_id,
      kind: 'sharing.request_auto_approved',
      title: `即时共享：「${e.name}」`,
      body: `${reason ?? '即时共享'}，已授权${atOnce ? '' : `，须在 ${provide.value ?? '—'} 个工作日内以${METHOD_LABELS[r.method]}方式提供`}（依据 ${provide.source}）`,
      link: requestLink(r.id),
    });
  }
  await notify(k, trx, {
    orgId: r.requester_org_id,
    kind: 'sharing.request_approved',
    title: `共享申请已同意：「${e.name}」`,
    body:
      r.method === 'sandbox'
        ? `${by.orgName}同意共享，即可在平台隐私沙箱内按列策略分析，原始数据不出域（依据 ${ART.sandbox}）`
        : atOnce
        ? `${by.orgName}同意共享，服务接口即时可用（依据 ${immediate.source}）`
        : `${by.orgName}同意共享，须在 ${provide.value ?? '—'} 个工作日内以${METHOD_LABELS[r.method]}方式提供（依据 ${provide.source}）`,
    link: requestLink(r.id),
  });
  return grantId;
}

/**
 * The requester's data officer signs (000 第十四条 "经本单位数据工作机构负责人同意"), and the request
 * reaches the provider. By the entry's share attribute at this moment: unconditional → approved
 * at once with a grant; not shared → refused at once citing the entry's legal basis; conditional
 * → approved at once when the provider's instant-share conditions are met, else pending with the
 * reply duty on the ledger, supervised by the sharing authority.
 */
export async function signRequest(k: Kernel, auth: AuthContext, id: string): Promise<ShareRequestView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const r = await repo.lockRequest(trx, id);
    if (!r || !canViewRequest(auth, r)) throw notFound('共享申请', id);
    const mayAct = canSign(auth, r);
    // Check the actor and the state before the entry: a stranger learns nothing of the entry.
    shareRequestWorkflow.apply(r.status, 'sign_pend', { mayAct });
    const e = await publishedEntry(trx, r.entry_id);
    const now = k.clock.now();
    checkRequestBody({ ...r, validUntil: r.valid_until }, e, beijingDate(now));
    const org = await repo.findOrg(trx, r.requester_org_id);
    const conditions = e.share_attr === 'conditional' ? await repo.findInstantConditions(trx, e.id) : undefined;
    const instantMet = instantConditionsMet(conditions, { orgId: r.requester_org_id, orgRoles: org?.roles ?? [] }, r.fields);
    const { event, outcome } = onSignature(e.share_attr, { instantMet, unconditionalImmediate: k.profile.params.unconditionalShareImmediate.value });
    const next = shareRequestWorkflow.apply(r.status, event, { mayAct });
    // The status is written with what it requires (a grant, or a refusal's reason and basis).
    await repo.updateRequest(trx, id, {
      share_attr: e.share_attr,
      entry_version: e.version,
      signed_by: auth.user.id,
      signed_at: now,
      // The proposed policies follow the version signed for.
      ...(r.method === 'sandbox' ? { column_policies: JSON.stringify(defaultSandboxSettings(r.fields, e.fields).columnPolicies) } : {}),
    });
    const signed = { ...r, status: next, entry_version: e.version };
    let dutyId: string | null = null;
    let grantId: string | null = null;
    if (event === 'sign_grant') {
      // Granted without the provider's answer, a sandbox grant takes the default policies.
      const sandbox = r.method === 'sandbox' ? defaultSandboxSettings(r.fields, e.fields) : null;
      grantId = await approve(k, trx, signed, e, { userId: null, orgName: e.provider_name }, next, outcome ?? 'automatic', outcome === 'instant_conditions' ? '符合数据提供单位设置的即时共享条件' : '无条件共享，即时共享', sandbox);
    } else if (event === 'sign_refuse') {
      const reason = '该目录数据属于不予共享类';
      const basis = e.no_share_basis?.trim() || `${ART.classes}第三项`;
      await repo.updateRequest(trx, id, { status: next, outcome: 'not_shared', decided_at: now, reason, refusal_basis: basis });
      await notify(k, trx, {
        orgId: r.requester_org_id,
        kind: 'sharing.request_refused',
        title: `共享申请未获同意：「${e.name}」`,
        body: `${reason}。依据：${basis}（${ART.classes}）`,
        link: requestLink(id),
      });
    } else {
      const period = k.profile.params.conditionalShareReplyDays;
      const authority = await repo.sharingAuthority(trx, k.profile.region.code);
      const duty = await openDuty(k, trx, {
        caseType: SHARE_REQUEST_CASE,
        caseId: id,
        duty: REPLY_DUTY,
        title: `答复共享申请：「${e.name}」（${org?.name ?? ''}提出）`,
        ownerOrgId: r.provider_org_id,
        supervisorOrgId: authority?.id ?? null,
        link: requestLink(id),
        source: period.source,
        workingDays: period.value,
        startedAt: now,
      });
      dutyId = duty.id;
      await repo.updateRequest(trx, id, { status: next });
      await notify(k, trx, {
        orgId: r.provider_org_id,
        kind: 'sharing.request_received',
        title: `共享申请：「${e.name}」（${org?.name ?? ''}）`,
        body: `${duty.due_date ? `须于 ${duty.due_date} 前答复是否同意共享` : '请及时答复是否同意共享'}（依据 ${period.source}）`,
        link: requestLink(id),
      });
    }
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.request_sign',
      objectType: 'share_request',
      objectId: id,
      ...(grantId ? { grantId } : {}),
      details: { entryId: e.id, version: e.version, shareAttr: e.share_attr, status: next, outcome, dutyId, grantId },
    });
    return viewOf(k, trx, id);
  });
}

/**
 * The provider answers a pending request (000 第十四条): approve (makes the grant, opens the
 * provide duty) or refuse (must state reason and basis). Either meets the reply duty — a late
 * answer is taken and shows as late — and the requester is notified.
 */
export async function decideRequest(k: Kernel, auth: AuthContext, id: string, body: DecideBody): Promise<ShareRequestView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const r = await repo.lockRequest(trx, id);
    if (!r || !canViewRequest(auth, r)) throw notFound('共享申请', id);
    const reason = body.reason?.trim() || null;
    const basis = body.basis?.trim() || null;
    const event = body.decision === 'approve' ? 'approve' : 'refuse';
    const next = shareRequestWorkflow.apply(r.status, event, { mayAct: canDecide(auth, r), reason, basis });
    const e = await repo.findPublishedEntry(trx, r.entry_id);
    const name = e?.name ?? r.entry_id;
    const clear = body.clearFields ?? [];
    const clearReason = body.clearReason?.trim() || null;
    if (clear.length > 0 && event === 'refuse') {
      throw new AppError('VALIDATION', '不同意共享时不能设置明文提供的数据项', { source: ART.request, fields: [{ field: 'clearFields', message: '仅同意共享时可设置' }] });
    }
    if (clear.length > 0) {
      const problems = clearFieldsProblems(clear, r.fields, piiFieldsOf(r.fields, e?.fields ?? null), clearReason);
      if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'), { source: ART.request, fields: problems });
    }
    const masking = decisionMasking(body.masking, event, r.fields, e?.fields ?? null, clear, r.method);
    // A sandbox request's settings (column policies, threshold, DP, release approval), checked before anything is written.
    const sandbox = sandboxSettingsOfDecision(k, body, r, e?.fields ?? []);
    const now = k.clock.now();
    await meetDuty(k, trx, SHARE_REQUEST_CASE, id, REPLY_DUTY);
    // An extension still awaiting the approver is moot once the provider has answered.
    await cancelDuty(trx, SHARE_REQUEST_CASE, id, EXTENSION_DECISION_DUTY);
    if (r.extension_status === 'requested') await repo.updateRequest(trx, id, { extension_status: 'moot', extension_decided_at: now });
    let grantId: string | null = null;
    if (event === 'approve') {
      grantId = await approve(k, trx, r, { name }, { userId: auth.user.id, orgName: auth.org.name }, next, 'decision', reason, sandbox);
      if (clear.length > 0) await repo.updateGrant(trx, grantId, { clear_fields: [...new Set(clear)] });
      await storeMasking(trx, grantId, masking);
    } else {
      await repo.updateRequest(trx, id, { status: next, outcome: 'decision', decided_by: auth.user.id, decided_at: now, reason, refusal_basis: basis });
      await notify(k, trx, {
        orgId: r.requester_org_id,
        kind: 'sharing.request_refused',
        title: `共享申请未获同意：「${name}」`,
        body: `${auth.org.name}：${reason}。依据：${basis}`,
        link: requestLink(id),
      });
    }
    await audit(k, trx, actorOf(auth), {
      action: `sharing.request_${event}`,
      objectType: 'share_request',
      objectId: id,
      ...(grantId ? { grantId } : {}),
      details: { entryId: r.entry_id, decision: body.decision, reason, basis, grantId, ...(clear.length > 0 ? { clearFields: [...new Set(clear)], clearReason } : {}), ...(masking ? { masking } : {}), ...(sandbox ? { sandbox: settingsDetails(sandbox) } : {}) },
    });
    return viewOf(k, trx, id);
  });
}

/**
 * Extending the reply (000 第十四条 "因特殊原因需要延长答复期限的，数据提供单位应当报经…同意，并告知数据需求单位，
 * 延长的期限最长不得超过五个工作日"), in two steps on the same route:
 * 1. the provider applies (`days`, `reason`) while the request is pending and before the reply
 *    window ends, within the profile's maximum and number of extensions (Decision 3); the
 *    approver's decision becomes a duty of `extensionDecisionDays`;
 * 2. the approver the profile names (the sharing authority) consents — possibly to fewer days —
 *    or refuses (`decision: "refuse"`). On consent the reply duty is extended from the end of its
 *    window and the requester is told. Decision 3 times the application, not the consent, so the
 *    window check is made as of the application.
 */
export async function extendRequest(k: Kernel, auth: AuthContext, id: string, body: ExtendBody): Promise<ShareRequestView> {
  const maxDays = k.profile.params.conditionalShareExtensionMaxDays;
  const approvers = k.profile.params.conditionalShareExtensionApprovers;
  const limits = (max: number) => ({ maxDays: max, maxExtensions: k.profile.params.maxExtensionsPerDuty.value, source: maxDays.source });
  return k.db.kysely.transaction().execute(async (trx) => {
    const r = await repo.lockRequest(trx, id);
    if (!r || !canViewRequest(auth, r)) throw notFound('共享申请', id);
    const provider = canDecide(auth, r);
    const approver = canConsentExtension(auth, approvers.value);
    if (!provider && !approver) {
      const who = (approvers.value ?? []).map((x) => ROLE_LABELS[x]).join('、') || '（本辖区规则未规定）';
      throw new AppError('FORBIDDEN', `无权执行此操作：延期由${DECIDE_NEEDS}申请，经${who}的审核人或机构管理员同意`, { source: approvers.source });
    }
    if (r.status !== 'pending') throw new AppError('INVALID_STATE', `共享申请当前状态为 ${r.status}，只有待答复的申请可以延期`, { source: ART.request });
    if (maxDays.value === null) throw new AppError('RULE_VIOLATION', '本辖区规则未规定共享答复期限可以延长', { source: maxDays.source });
    const duty = await repo.openDutyOf(trx, SHARE_REQUEST_CASE, id, REPLY_DUTY);
    if (!duty) throw new AppError('INVALID_STATE', '该共享申请没有待履行的答复时限');
    const reason = body.reason.trim();
    const now = k.clock.now();
    const e = await repo.findPublishedEntry(trx, r.entry_id);
    const name = e?.name ?? r.entry_id;
    if (provider) {
      if (r.extension_status === 'requested') throw new AppError('CONFLICT', '已有待审核的延期申请', { source: maxDays.source });
      checkExtension(duty, now, body.days, limits(maxDays.value));
      const authority = await repo.sharingAuthority(trx, k.profile.region.code);
      if (!authority) throw new AppError('RULE_VIOLATION', '本辖区没有可同意延期的营商环境建设主管部门', { source: approvers.source });
      await repo.updateRequest(trx, id, {
        extension_status: 'requested',
        extension_days: body.days,
        extension_reason: reason,
        extension_requested_by: auth.user.id,
        extension_requested_at: now,
        extension_decided_by: null,
        extension_decided_at: null,
        extension_comment: null,
      });
      const decision = k.profile.params.extensionDecisionDays;
      await openDuty(k, trx, {
        caseType: SHARE_REQUEST_CASE,
        caseId: id,
        duty: EXTENSION_DECISION_DUTY,
        title: `审核共享答复延期申请：「${name}」（${auth.org.name}申请延长 ${body.days} 个工作日）`,
        ownerOrgId: authority.id,
        link: requestLink(id),
        source: decision.source,
        workingDays: decision.value,
        startedAt: now,
      });
      await notify(k, trx, {
        orgId: authority.id,
        kind: 'sharing.extension_requested',
        title: `共享答复延期申请：「${name}」`,
        body: `${auth.org.name}申请延长 ${body.days} 个工作日：${reason}（原期限 ${duty.due_date ?? '—'}，依据 ${maxDays.source}）`,
        link: requestLink(id),
      });
      await audit(k, trx, actorOf(auth), {
        action: 'sharing.extension_request',
        objectType: 'share_request',
        objectId: id,
        details: { dutyId: duty.id, days: body.days, reason, dueDate: duty.due_date },
      });
      return viewOf(k, trx, id);
    }
    // The approver decides the pending application.
    if (r.extension_status !== 'requested' || !r.extension_requested_at || r.extension_days === null) {
      throw new AppError('INVALID_STATE', '没有待审核的延期申请：延期须由数据提供单位先行申请', { source: maxDays.source });
    }
    const refuse = body.decision === 'refuse';
    if (!refuse && body.days > r.extension_days) {
      throw new AppError('RULE_VIOLATION', `同意延长的期限不能超过申请的 ${r.extension_days} 个工作日`, { source: maxDays.source });
    }
    await meetDuty(k, trx, SHARE_REQUEST_CASE, id, EXTENSION_DECISION_DUTY);
    await repo.updateRequest(trx, id, {
      extension_status: refuse ? 'refused' : 'consented',
      extension_days: refuse ? r.extension_days : body.days,
      extension_decided_by: auth.user.id,
      extension_decided_at: now,
      extension_comment: reason,
    });
    let dueAfter: string | null = duty.due_date;
    if (!refuse) {
      // The window is checked as of the application (Decision 3), so the consent is timed by it.
      const requestedAt = r.extension_requested_at;
      const after = await extendDuty({ clock: { now: () => requestedAt } }, trx, duty.id, body.days, limits(maxDays.value));
      dueAfter = after.due_date;
      await notify(k, trx, {
        orgId: r.requester_org_id,
        kind: 'sharing.reply_extended',
        title: `共享申请答复期限延长至 ${after.due_date}：「${name}」`,
        body: `经${auth.org.name}同意，数据提供单位的答复期限延长 ${body.days} 个工作日（依据 ${maxDays.source}）`,
        link: requestLink(id),
      });
    }
    await notify(k, trx, {
      orgId: r.provider_org_id,
      kind: refuse ? 'sharing.extension_refused' : 'sharing.extension_consented',
      title: refuse ? `延期申请未获同意：「${name}」` : `延期申请已同意，答复期限至 ${dueAfter}：「${name}」`,
      body: `${auth.org.name}：${reason}`,
      link: requestLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: refuse ? 'sharing.extension_refuse' : 'sharing.extension_consent',
      objectType: 'share_request',
      objectId: id,
      details: { dutyId: duty.id, days: body.days, comment: reason, dueBefore: duty.due_date, dueAfter },
    });
    return viewOf(k, trx, id);
  });
}

/**
 * The requests the caller's org filed (`requester`, default) or received (`provider`), narrowed by
 * status, entry, the other org and creation dates, one page at a time with the total.
 */
export async function listRequests(k: Kernel, auth: AuthContext, q: RequestQuery): Promise<{ items: ShareRequestView[]; total: number }> {
  const db = k.db.kysely;
  const filter: repo.RequestFilter = {
    // A provider sees a request once it has been signed and so submitted (000 第十四条).
    ...(q.role === 'provider' ? { providerOrgId: auth.org.id, signedOnly: true } : { requesterOrgId: auth.org.id }),
    ...(q.status ? { status: q.status } : {}),
    ...listFilter(q),
  };
  const [rows, total] = await Promise.all([repo.listRequests(db, filter, pageOf(q)), repo.countRequests(db, filter)]);
  return { items: await views(k, db, rows), total };
}

export const EXTENSIONS_NEEDS = '营商环境建设主管部门（sharing_authority）或平台管理员';

/**
 * The extension applications of share requests (000 第十四条) for the approver that decides them:
 * the sharing authority sees those whose decision duty is its own, the platform admin all of them.
 * `requested` (default) lists the pending ones, oldest application — soonest due — first, each with
 * its `extensionDuty`; `consented` (alias `approved`), `refused`, `moot` or `all` the decided ones.
 */
export async function listExtensions(k: Kernel, auth: AuthContext, q: ExtensionQuery): Promise<{ items: ShareRequestView[]; total: number }> {
  const admin = isPlatformAdmin(auth);
  // The approver the profile names (the sharing authority in Hainan) decides; its org sees its own.
  const approvers = k.profile.params.conditionalShareExtensionApprovers.value ?? ['sharing_authority'];
  requirePermission(admin || approvers.some((r) => hasOrgRole(auth, r)), EXTENSIONS_NEEDS);
  const db = k.db.kysely;
  const status: ExtensionStatus | 'any' = q.status === 'all' ? 'any' : q.status === 'approved' ? 'consented' : (q.status ?? 'requested');
  const filter: repo.RequestFilter = { extensionStatus: status, ...(admin ? {} : { extensionOwnerOrgId: auth.org.id }), ...listFilter(q) };
  const [rows, total] = await Promise.all([repo.listRequests(db, filter, pageOf(q)), repo.countRequests(db, filter)]);
  return { items: await views(k, db, rows), total };
}

/** One request, to its two sides, the sharing authority and the platform admin; 404 to others. */
export async function getRequest(k: Kernel, auth: AuthContext, id: string): Promise<ShareRequestView> {
  const db = k.db.kysely;
  const [row] = await repo.listRequests(db, { id });
  if (!row || !canViewRequest(auth, row)) throw notFound('共享申请', id);
  return (await views(k, db, [row]))[0] as ShareRequestView;
}

// ── Instant-share conditions (即时共享条件) ──

export interface InstantConditionsView {
  entryId: string;
  requesterOrgIds: string[];
  requesterOrgRoles: string[];
  fields: string[] | null;
  updatedAt: string | null;
}

/**
 * The provider sets its instant-share conditions for one of its conditional entries (000 第十四条
 * "符合数据提供单位设置的即时共享条件的，应当即时予以共享"): named requester orgs, requester org roles,
 * and/or a subset of fields. A request meeting every condition set is granted on signature.
 */
export async function setInstantConditions(k: Kernel, auth: AuthContext, body: InstantConditionsBody): Promise<InstantConditionsView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const e = await publishedEntry(trx, body.entryId);
    requirePermission(canDecide(auth, e), DECIDE_NEEDS);
    if (e.share_attr !== 'conditional') {
      throw new AppError('RULE_VIOLATION', '即时共享条件只适用于有条件共享类目录', { source: ART.request });
    }
    const fields = body.fields ?? null;
    const names = new Set(e.fields.map((f) => f.name));
    const bad = (fields ?? []).filter((f) => !names.has(f));
    if (bad.length > 0) throw new AppError('VALIDATION', `${bad.join('、')} 不是该目录已发布版本的数据项`, { fields: bad.map((f) => ({ field: 'fields', message: f })) });
    const orgIds = [...new Set(body.requesterOrgIds ?? [])];
    for (const o of orgIds) if (!(await repo.findOrg(trx, o))) throw new AppError('VALIDATION', `机构不存在：${o}`, { fields: [{ field: 'requesterOrgIds', message: o }] });
    const now = k.clock.now();
    const row = { entry_id: e.id, provider_org_id: e.provider_org_id, requester_org_ids: orgIds, requester_org_roles: [...new Set(body.requesterOrgRoles ?? [])], fields, updated_by: auth.user.id, updated_at: now };
    await repo.upsertInstantConditions(trx, row);
    await audit(k, trx, actorOf(auth), {
      action: 'sharing.instant_conditions_set',
      objectType: 'catalog_entry',
      objectId: e.id,
      details: { requesterOrgIds: row.requester_org_ids, requesterOrgRoles: row.requester_org_roles, fields },
    });
    return { entryId: e.id, requesterOrgIds: row.requester_org_ids, requesterOrgRoles: row.requester_org_roles, fields, updatedAt: now.toISOString() };
  });
}

/** An entry's instant-share conditions (empty when none are set); readable by any signed-in user planning a request. */
export async function getInstantConditions(k: Kernel, _auth: AuthContext, entryId: string): Promise<InstantConditionsView> {
  const e = await publishedEntry(k.db.kysely, entryId);
  const c = await repo.findInstantConditions(k.db.kysely, e.id);
  return c
    ? { entryId: e.id, requesterOrgIds: c.requester_org_ids, requesterOrgRoles: c.requester_org_roles, fields: c.fields, updatedAt: c.updated_at.toISOString() }
    : { entryId: e.id, requesterOrgIds: [], requesterOrgRoles: [], fields: null, updatedAt: null };
}
