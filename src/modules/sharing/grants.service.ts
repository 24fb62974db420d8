/**
 * Grants (ARCHITECTURE §4: grants are the only way to data): made by an approved share request,
 * suspended, resumed or revoked by the provider, expired by time. Every read path calls
 * `checkGrant` at the moment of reading, so a change takes effect on the next read everywhere.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { beijingEndOfDay } from '../../kernel/clock.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor, Trx } from '../../kernel/db.js';
import { ART, DECIDE_NEEDS, canDecide, canViewGrant, effectiveGrantStatus, grantRefusal, grantWorkflow, type GrantEvent } from './rules.js';
import { listFilter, pageOf } from './lists.js';
import type { GrantQuery, GrantStatusBody } from './schema.js';
import type { GrantStatus, ShareMethod } from './tables.js';
import { defaultStrategy, strategySpec } from '../privacy/masking.js';
import * as repo from './repo.js';
import { sandboxContext, sandboxView, type SandboxContext, type SandboxGrantView } from './sandbox-grants.js';

/** Ledger and audit name of a share request as a grant's source case. */
export const SHARE_REQUEST_CASE = 'share_request';

export const grantLink = (id: string) => `/sharing/grants?grant=${id}`;

export interface GrantView {
  id: string;
  entry: { id: string; code: string; name: string | null };
  provider: { id: string; name: string };
  subject: { id: string; name: string };
  fields: string[];
  rowFilter: Record<string, unknown> | null;
  purpose: string;
  methods: string[];
  validFrom: string;
  validUntil: string;
  source: { caseType: string; caseId: string };
  /** The status a read sees now (`expired` once past `validUntil`). */
  status: GrantStatus;
  /** The status last set by a decision (active, suspended, revoked). */
  recordedStatus: GrantStatus;
  statusReason: string | null;
  statusChangedAt: string | null;
  createdAt: string;
  /** The personal-information fields released in clear; every other one in `piiFields` leaves masked. */
  clearFields: string[];
  /** The grant's fields that hold personal information (the published version's), the ones `clearFields` may name. */
  piiFields: string[];
  /** A sandbox grant's column policies, group threshold, differential privacy and release approval; null for other grants. */
  sandbox: SandboxGrantView | null;
  /** The masking strategy chosen for each masked field, `{ field: spec }` (privacy/masking.ts); a field not listed takes `maskDefaults`. */
  masking: Record<string, string>;
  /** The default strategy of each personal-information field, by its kind, with its type (what the strategies must fit). */
  maskDefaults: Array<{ field: string; type: string; piiKind: string; spec: string }>;
}

/** The grant's fields holding personal information, by the entry's published version. */
export const piiFieldsOf = (grantFields: readonly string[], entryFields: readonly { name: string; piiKind?: string | null }[] | null): string[] =>
  grantFields.filter((f) => (entryFields ?? []).some((c) => c.name === f && !!c.piiKind));

/** Each granted personal-information field with its type and its kind's default strategy. */
export const maskDefaultsOf = (grantFields: readonly string[], entryFields: readonly { name: string; type: string; piiKind?: string | null }[] | null): GrantView['maskDefaults'] =>
  (entryFields ?? [])
    .filter((c) => grantFields.includes(c.name) && !!c.piiKind?.trim())
    .map((c) => ({ field: c.name, type: c.type, piiKind: (c.piiKind ?? '').trim(), spec: strategySpec(defaultStrategy((c.piiKind ?? '').trim())) }));

export function view(r: repo.GrantListRow, now: Date, sandbox?: SandboxContext): GrantView {
  return {
    id: r.id,
    entry: { id: r.entry_id, code: r.entry_code, name: r.entry_name },
    provider: { id: r.provider_org_id, name: r.provider_name },
    subject: { id: r.subject_org_id, name: r.subject_name },
    fields: r.fields,
    rowFilter: r.row_filter,
    purpose: r.purpose,
    methods: r.methods,
    validFrom: r.valid_from.toISOString(),
    validUntil: r.valid_until.toISOString(),
    source: { caseType: r.source_case_type, caseId: r.source_case_id },
    status: effectiveGrantStatus(r, now),
    recordedStatus: r.status,
    statusReason: r.status_reason,
    statusChangedAt: r.status_changed_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    clearFields: r.clear_fields,
    piiFields: piiFieldsOf(r.fields, r.entry_fields),
    sandbox: sandboxView(r, sandbox),
    masking: r.mask_strategies ?? {},
    maskDefaults: maskDefaultsOf(r.fields, r.entry_fields),
  };
}

/**
 * Inserts the grant an approved share request makes: the requested fields, the stated scope as
 * its purpose (000 第十五条 holds the use to it), the requested method, valid from now to the end
 * of the requested day (Beijing time). No row filter: a share request asks for whole fields.
 */
export async function insertGrantForRequest(
  k: Pick<Kernel, 'clock'>,
  trx: Trx,
  r: { id: string; requester_org_id: string; provider_org_id: string; entry_id: string; fields: string[]; scenario: string; scope: string; method: ShareMethod; valid_until: string },
): Promise<string> {
  const id = randomUUID();
  const now = k.clock.now();
  await repo.insertGrant(trx, {
    id,
    subject_org_id: r.requester_org_id,
    provider_org_id: r.provider_org_id,
    entry_id: r.entry_id,
    fields: r.fields,
    row_filter: null,
    purpose: `${r.scenario}；使用范围：${r.scope}`,
    methods: [r.method],
    valid_from: now,
    valid_until: beijingEndOfDay(r.valid_until),
    source_case_type: SHARE_REQUEST_CASE,
    source_case_id: r.id,
    status: 'active',
    status_reason: null,
    status_changed_by: null,
    status_changed_at: null,
    created_at: now,
  });
  return id;
}

/**
 * Inserts an active grant made by another module's case (e.g. a conditional open application,
 * source case `open_application`), valid from now to the end of `validUntil` (Beijing time).
 */
export async function createGrant(
  k: Pick<Kernel, 'clock'>,
  trx: Trx,
  g: { subjectOrgId: string; providerOrgId: string; entryId: string; fields: string[]; purpose: string; methods: string[]; validUntil: string; sourceCaseType: string; sourceCaseId: string },
): Promise<string> {
  const id = randomUUID();
  const now = k.clock.now();
  await repo.insertGrant(trx, {
    id,
    subject_org_id: g.subjectOrgId,
    provider_org_id: g.providerOrgId,
    entry_id: g.entryId,
    fields: g.fields,
    row_filter: null,
    purpose: g.purpose,
    methods: g.methods,
    valid_from: now,
    valid_until: beijingEndOfDay(g.validUntil),
    source_case_type: g.sourceCaseType,
    source_case_id: g.sourceCaseId,
    status: 'active',
    status_reason: null,
    status_changed_by: null,
    status_changed_at: null,
    created_at: now,
  });
  return id;
}

/**
 * The caller org's grants, as subject, as provider, or both (default), narrowed by status (as a
 * read sees it now), entry, the other org and creation dates, one page at a time with the total.
 */
export async function listGrants(k: Kernel, auth: AuthContext, q: GrantQuery): Promise<{ items: GrantView[]; total: number }> {
  const now = k.clock.now();
  const filter: repo.GrantFilter = {
    ...(q.role === 'subject' ? { subjectOrgId: auth.org.id } : q.role === 'provider' ? { providerOrgId: auth.org.id } : { eitherOrgId: auth.org.id }),
    ...(q.status ? { status: q.status, at: now } : {}),
    ...listFilter(q),
  };
  const [rows, total] = await Promise.all([repo.listGrants(k.db.kysely, filter, pageOf(q)), repo.countGrants(k.db.kysely, filter)]);
  const sandbox = await sandboxContext(k, k.db.kysely, rows);
  return { items: rows.map((r) => view(r, now, sandbox)), total };
}

/** One grant, to its subject, its provider, the sharing authority and the platform admin; 404 to others. */
export async function getGrant(k: Kernel, auth: AuthContext, id: string): Promise<GrantView> {
  const [r] = await repo.listGrants(k.db.kysely, { id });
  if (!r || !canViewGrant(auth, r)) throw notFound('共享授权', id);
  return view(r, k.clock.now(), await sandboxContext(k, k.db.kysely, [r]));
}

const EVENT_LABELS: Record<GrantEvent, string> = { suspend: '暂停', resume: '恢复', revoke: '撤销' };

/**
 * The provider suspends, resumes or revokes a grant, with a reason (e.g. use beyond the approved
 * scope, 000 第十五条). An expired grant cannot change. Audited; the subject is notified.
 */
export async function changeGrant(k: Kernel, auth: AuthContext, id: string, event: GrantEvent, body: GrantStatusBody): Promise<GrantView> {
  return k.db.kysely.transaction().execute(async (trx) => {
    const g = await repo.lockGrant(trx, id);
    if (!g || !canViewGrant(auth, g)) throw notFound('共享授权', id);
    requirePermission(canDecide(auth, g), DECIDE_NEEDS);
    const now = k.clock.now();
    const current = effectiveGrantStatus(g, now);
    if (current === 'expired') throw new AppError('INVALID_STATE', `共享授权已于 ${g.valid_until.toISOString()} 过使用时限，不能${EVENT_LABELS[event]}`, { source: ART.request });
    const reason = body.reason.trim();
    const next = grantWorkflow.apply(current, event, { mayAct: true, reason });
    await repo.updateGrant(trx, id, { status: next, status_reason: reason, status_changed_by: auth.user.id, status_changed_at: now });
    await notify(k, trx, {
      orgId: g.subject_org_id,
      kind: `sharing.grant_${event}`,
      title: `共享授权已${EVENT_LABELS[event]}`,
      body: `${auth.org.name}${EVENT_LABELS[event]}了共享授权：${reason}`,
      link: grantLink(id),
    });
    await audit(k, trx, actorOf(auth), {
      action: `sharing.grant_${event}`,
      objectType: 'grant',
      objectId: id,
      grantId: id,
      details: { from: current, to: next, reason, entryId: g.entry_id, subjectOrgId: g.subject_org_id },
    });
    const [r] = await repo.listGrants(trx, { id });
    if (!r) throw notFound('共享授权', id);
    return view(r, now);
  });
}

export type GrantRef = { grantId: string } | { subjectOrgId: string; entryId: string };

/**
 * The grant a read runs under, checked at `at` (the moment of reading): by id, or the subject's
 * active grant on the entry (`at` defaults to now). Throws FORBIDDEN naming why — suspended, revoked, expired or none —
 * so a change of status takes effect on the very next read (ARCHITECTURE §4).
 */
export async function checkGrant(k: Pick<Kernel, 'clock'>, db: Executor, ref: GrantRef, at: Date = k.clock.now()): Promise<repo.GrantRow> {
  const source = ART.request;
  if ('grantId' in ref) {
    const g = await repo.findGrant(db, ref.grantId);
    if (!g) throw new AppError('FORBIDDEN', grantRefusal('none'), { source, details: { reason: 'none' } });
    const status = effectiveGrantStatus(g, at);
    if (status !== 'active') throw new AppError('FORBIDDEN', grantRefusal(status), { source, details: { reason: status, grantId: g.id } });
    return g;
  }
  const grants = await repo.grantsOf(db, ref.subjectOrgId, ref.entryId);
  const active = grants.find((g) => effectiveGrantStatus(g, at) === 'active');
  if (active) return active;
  const newest = grants[0];
  const status = newest ? effectiveGrantStatus(newest, at) : 'none';
  throw new AppError('FORBIDDEN', grantRefusal(status), { source, details: { reason: status, ...(newest ? { grantId: newest.id } : {}) } });
}
