/**
 * Open-data demand collection (开放需求征集, 000 第十八条 "定期征集开放需求"; 001 第三十一条): anyone
 * signed in proposes a dataset to open, others support it (once each), the authority answers —
 * planned, opened (naming the entry) or refused (with its basis) — and proposals and answers are
 * public without login. Each proposal is a duty of the sharing authority on the ledger, without a
 * deadline (the regulation sets none, Decision 7), so it shows with its age until answered.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, requireAuth, requirePermission, type AuthContext } from '../../kernel/auth.js';
import { beijingStartOfDay } from '../../kernel/clock.js';
import { meetDuty, openDuty } from '../../kernel/deadlines.js';
import { notify } from '../../kernel/notifications.js';
import type { Kernel } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db.js';
import { ANSWER_NEEDS, ART, answerable, answerProblems, canAnswer, publicProposer, supportable } from './demands.rules.js';
import type { AnswerDemandBody, CreateDemandBody, DemandQuery } from './demands.schema.js';
import type { DemandStatus } from './demands.tables.js';
import * as repo from './demands.repo.js';

export const OPEN_DEMAND_CASE = 'open_demand';
export const ANSWER_DUTY = 'answer';
export const demandLink = (id: string) => `/opening/demands?case=${id}`;

export interface DemandView {
  id: string;
  title: string;
  description: string;
  scenario: string;
  provider: { id: string; name: string } | null;
  /** Shown publicly: an organisation's name, a person's surname only. */
  proposer: string;
  /** Only to the proposer and the answering authority. */
  contact: string | null;
  status: DemandStatus;
  reply: string | null;
  basis: string | null;
  entry: { id: string; code: string; name: string | null } | null;
  answeredBy: string | null;
  answeredAt: string | null;
  supportCount: number;
  /** Whether the caller supports it (false when not signed in). */
  supported: boolean;
  mine: boolean;
  createdAt: string;
}

async function views(db: Executor, auth: AuthContext | null, rows: repo.DemandListRow[]): Promise<DemandView[]> {
  const supported = auth ? await repo.supportedBy(db, auth.user.id, rows.map((r) => r.id)) : new Set<string>();
  const authority = !!auth && canAnswer(auth);
  return rows.map((r) => {
    const mine = !!auth && r.created_by === auth.user.id;
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      scenario: r.scenario,
      provider: r.provider_org_id && r.provider_name ? { id: r.provider_org_id, name: r.provider_name } : null,
      proposer: publicProposer({ name: r.proposer_name, kind: r.proposer_kind }),
      contact: mine || authority ? r.contact : null,
      status: r.status,
      reply: r.reply,
      basis: r.reply_basis,
      entry: r.entry_id && r.entry_code ? { id: r.entry_id, code: r.entry_code, name: r.entry_name } : null,
      answeredBy: r.answered_org_name,
      answeredAt: r.answered_at?.toISOString() ?? null,
      supportCount: r.support_count,
      supported: supported.has(r.id),
      mine,
      createdAt: r.created_at.toISOString(),
    };
  });
}

async function viewOf(db: Executor, auth: AuthContext | null, id: string): Promise<DemandView> {
  const [v] = await views(db, auth, await repo.listDemands(db, { id }));
  if (!v) throw notFound('开放需求', id);
  return v;
}

/** Proposes a dataset to open (000 第十八条): anyone signed in. The sharing authority is told and the proposal waits on its ledger. */
export async function proposeDemand(k: Kernel, authOrNull: AuthContext | null, body: CreateDemandBody): Promise<DemandView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const provider = body.provider ? await repo.findOrg(trx, body.provider) : null;
    if (body.provider && !provider) throw new AppError('VALIDATION', `机构不存在：${body.provider}`, { fields: [{ field: 'provider', message: '机构不存在' }] });
    const id = randomUUID();
    const now = k.clock.now();
    const title = body.title.trim();
    const fields = [
      !title && { field: 'title', message: '请填写希望开放的数据' },
      !body.description.trim() && { field: 'description', message: '请填写需求说明' },
      !body.scenario.trim() && { field: 'scenario', message: '请填写应用场景' },
    ].filter((x): x is { field: string; message: string } => !!x);
    if (fields.length > 0) throw new AppError('VALIDATION', fields.map((f) => f.message).join('；'), { fields });
    await repo.insertDemand(trx, {
      id,
      title,
      description: body.description.trim(),
      provider_org_id: provider?.id ?? null,
      scenario: body.scenario.trim(),
      contact: body.contact?.trim() || null,
      created_by: auth.user.id,
      proposer_org_id: auth.org.id,
      status: 'open',
      reply: null,
      reply_basis: null,
      entry_id: null,
      answered_by: null,
      answered_org_id: null,
      answered_at: null,
      created_at: now,
    });
    const authority = await repo.sharingAuthority(trx, k.profile.region.code);
    if (authority) {
      await openDuty(k, trx, {
        caseType: OPEN_DEMAND_CASE,
        caseId: id,
        duty: ANSWER_DUTY,
        title: `答复开放需求：「${title}」`,
        ownerOrgId: authority.id,
        link: demandLink(id),
        source: k.profile.params.openDemandCollectionIntervalMonths.source,
        workingDays: null,
        startedAt: now,
      });
      await notify(k, trx, { orgId: authority.id, kind: 'opening.demand_proposed', title: `新的开放需求：「${title}」`, body: `${auth.org.name}提出（依据 ${ART.collect}）`, link: demandLink(id) });
    }
    await audit(k, trx, actorOf(auth), {
      action: 'opening.demand_propose',
      objectType: 'open_demand',
      objectId: id,
      details: { title, provider: provider?.id ?? null },
    });
    return viewOf(trx, auth, id);
  });
}

/** Supports a demand, once per user (a second support is refused); open and planned demands only. */
export async function supportDemand(k: Kernel, authOrNull: AuthContext | null, id: string): Promise<DemandView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const d = await repo.lockDemand(trx, id);
    if (!d) throw notFound('开放需求', id);
    if (!supportable(d.status)) throw new AppError('INVALID_STATE', '该需求已答复办结，不能再支持', { source: ART.collect });
    if (!(await repo.addSupport(trx, id, auth.user.id, k.clock.now()))) throw new AppError('DUPLICATE', '您已支持过该需求，每人只能支持一次');
    await audit(k, trx, actorOf(auth), { action: 'opening.demand_support', objectType: 'open_demand', objectId: id });
    return viewOf(trx, auth, id);
  });
}

/** Withdraws the caller's support. */
export async function unsupportDemand(k: Kernel, authOrNull: AuthContext | null, id: string): Promise<DemandView> {
  const auth = requireAuth(authOrNull);
  return k.db.kysely.transaction().execute(async (trx) => {
    const d = await repo.lockDemand(trx, id);
    if (!d) throw notFound('开放需求', id);
    if (!(await repo.removeSupport(trx, id, auth.user.id))) throw new AppError('NOT_FOUND', '您尚未支持该需求');
    await audit(k, trx, actorOf(auth), { action: 'opening.demand_unsupport', objectType: 'open_demand', objectId: id });
    return viewOf(trx, auth, id);
  });
}

/**
 * The authority answers (000 第十八条): planned, opened (naming the open entry) or refused (with
 * its basis). The answer is public; the proposer is notified; the answer duty is met. A planned
 * demand may be answered again when the data is opened or finally refused.
 */
export async function answerDemand(k: Kernel, authOrNull: AuthContext | null, id: string, body: AnswerDemandBody): Promise<DemandView> {
  const auth = requireAuth(authOrNull);
  requirePermission(canAnswer(auth), ANSWER_NEEDS);
  return k.db.kysely.transaction().execute(async (trx) => {
    const d = await repo.lockDemand(trx, id);
    if (!d) throw notFound('开放需求', id);
    if (!answerable(d.status)) throw new AppError('INVALID_STATE', `该需求已答复为「${d.status === 'opened' ? '已开放' : '不予开放'}」，不能再答复`, { source: ART.collect });
    const problems = answerProblems(body);
    if (problems.length > 0) throw new AppError('RULE_VIOLATION', problems.map((p) => p.message).join('；'), { fields: problems, source: ART.collect });
    let entryId: string | null = null;
    if (body.status === 'opened' && body.entryId) {
      const e = await repo.findPublishedEntry(trx, body.entryId);
      if (!e) throw notFound('已发布的目录', body.entryId);
      if (e.open_attr === 'none') throw new AppError('RULE_VIOLATION', `目录「${e.name}」属于不予开放类，不能作为已开放的答复`, { source: ART.collect });
      entryId = e.id;
    }
    const now = k.clock.now();
    const reply = body.reply.trim();
    const basis = body.basis?.trim() || null;
    await repo.updateDemand(trx, id, { status: body.status, reply, reply_basis: basis, entry_id: entryId, answered_by: auth.user.id, answered_org_id: auth.org.id, answered_at: now });
    await meetDuty(k, trx, OPEN_DEMAND_CASE, id, ANSWER_DUTY);
    const label = { planned: '已列入开放计划', opened: '已开放', refused: '不予开放' }[body.status];
    await notify(k, trx, { orgId: d.proposer_org_id, kind: 'opening.demand_answered', title: `开放需求答复：「${d.title}」${label}`, body: `${auth.org.name}：${reply}${basis ? `。依据：${basis}` : ''}`, link: `/open/demands?case=${id}` });
    await audit(k, trx, actorOf(auth), {
      action: 'opening.demand_answer',
      objectType: 'open_demand',
      objectId: id,
      details: { status: body.status, reply, basis, entryId },
    });
    return viewOf(trx, auth, id);
  });
}

/** The public list of demands with their answers; no login needed. */
export async function listDemands(k: Kernel, auth: AuthContext | null, q: DemandQuery): Promise<{ items: DemandView[]; total: number }> {
  const db = k.db.kysely;
  const filter: repo.DemandFilter = { ...(q.status ? { status: q.status } : {}), ...(q.q ? { q: q.q } : {}) };
  const [rows, total] = await Promise.all([repo.listDemands(db, filter, { limit: q.limit ?? 20, offset: q.offset ?? 0, sort: q.sort ?? 'newest' }), repo.countDemands(db, filter)]);
  return { items: await views(db, auth, rows), total };
}

/** One demand with its answer; public. */
export async function getDemand(k: Kernel, auth: AuthContext | null, id: string): Promise<DemandView> {
  return viewOf(k.db.kysely, auth, id);
}

export interface DemandFigures {
  year: number;
  total: number;
  byStatus: Record<DemandStatus, number>;
  answered: number;
  supports: number;
}

/** Figures of the demands proposed in a Beijing-time year, for the open data report. */
export async function demandFigures(db: Executor, year: number): Promise<DemandFigures> {
  const rows = await repo.demandsBetween(db, beijingStartOfDay(`${year}-01-01`), beijingStartOfDay(`${year + 1}-01-01`));
  const byStatus: Record<DemandStatus, number> = { open: 0, planned: 0, opened: 0, refused: 0 };
  let supports = 0;
  for (const r of rows) {
    byStatus[r.status] += 1;
    supports += r.support_count;
  }
  return { year, total: rows.length, byStatus, answered: rows.length - byStatus.open, supports };
}
