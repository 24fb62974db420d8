/**
 * Reading quality scores (000 第四十一条: monitoring and evaluation): an entry's history for
 * charting, each institution's average of its entries' latest scores, and the province's; and
 * registering the base data that the consistency dimension checks against.
 */
import { audit } from '../../kernel/audit.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { actorOf, hasUserRole, isPlatformAdmin, requirePermission, type AuthContext } from '../../kernel/auth.js';
import type { Actor, Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { beijingDate } from '../../kernel/clock.js';
import { dailyTrend, DIMENSIONS, mean, type DatedScore, type Dimension, type TrendPoint } from './rules.js';
import type { ReferenceBody } from './schema.js';
import * as repo from './repo.js';

/** Each dimension and the overall score as a share in [0, 1]; null when not measured. */
export type ScoreValues = Record<Dimension | 'overall', number | null>;

export interface ScoreView extends ScoreValues {
  loadId: string;
  versionNo: number;
  at: string;
  rowsTotal: number;
  details: Record<string, unknown>;
}

const values = (r: ScoreValues): ScoreValues => ({
  completeness: r.completeness,
  validity: r.validity,
  uniqueness: r.uniqueness,
  consistency: r.consistency,
  timeliness: r.timeliness,
  overall: r.overall,
});

const scoreView = (r: repo.ScoreRow): ScoreView => ({
  loadId: r.load_id,
  versionNo: r.version_no,
  at: r.at.toISOString(),
  rowsTotal: r.rows_total,
  ...values(r),
  details: r.details,
});

function average(rows: readonly ScoreValues[]): ScoreValues {
  const out = { overall: mean(rows.map((r) => r.overall)) } as ScoreValues;
  for (const d of DIMENSIONS) out[d] = mean(rows.map((r) => r[d]));
  return out;
}

/** An entry's score history, oldest first, and its latest score. Any signed-in user; 404 for an unpublished entry. */
export async function entryScores(k: Kernel, _auth: AuthContext, entryId: string) {
  const db = k.db.kysely;
  const e = await repo.findPublishedEntry(db, entryId);
  if (!e) throw notFound('已发布的目录', entryId);
  const history = (await repo.scoreHistory(db, entryId)).map(scoreView);
  return {
    entry: { id: e.id, code: e.code, name: e.name, updateFrequency: e.update_frequency },
    provider: { id: e.provider_org_id, name: e.provider_name },
    latest: history.at(-1) ?? null,
    history,
  };
}

/** How far back a trend reaches. */
export const TREND_DAYS = 180;

/**
 * The daily trend over the last `TREND_DAYS` of an org's entries (or all entries): it starts from
 * each entry's latest score before the window, so entries scored earlier still count.
 */
async function trendOf(k: Kernel, orgId: string | null): Promise<TrendPoint[]> {
  const db = k.db.kysely;
  const since = new Date(k.clock.now().getTime() - TREND_DAYS * 86_400_000);
  const start = beijingDate(since);
  const [before, within] = await Promise.all([repo.latestScores(db, { ...(orgId ? { orgId } : {}), before: since }), repo.scoresSince(db, orgId, since)]);
  const dated = (r: { entry_id: string; at: Date } & ScoreValues, date: string): DatedScore => ({ entryId: r.entry_id, date, scores: values(r) });
  return dailyTrend([...before.map((r) => dated(r, start)), ...within.map((r) => dated(r, beijingDate(r.at)))]);
}

/**
 * One institution's quality page (000 第四十一条): the average of its entries' latest scores,
 * each entry's latest score, and the daily trend. Any signed-in user, as the province's page.
 */
export async function orgQuality(k: Kernel, _auth: AuthContext, orgId: string) {
  const db = k.db.kysely;
  const org = await repo.findOrg(db, orgId);
  if (!org) throw notFound('机构', orgId);
  const latest = await repo.latestScores(db, { orgId });
  const entries = latest
    .map((r) => ({ entryId: r.entry_id, code: r.entry_code, name: r.entry_name, at: r.at.toISOString(), versionNo: r.version_no, ...values(r) }))
    .sort((a, b) => (a.overall ?? -1) - (b.overall ?? -1) || (a.name ?? '').localeCompare(b.name ?? '', 'zh'));
  return {
    org: { id: org.id, name: org.name, regionCode: org.region_code.trim() },
    scoredEntries: entries.length,
    average: average(entries),
    entries,
    trendDays: TREND_DAYS,
    trend: await trendOf(k, orgId),
  };
}

/** Per institution: the average of its entries' latest scores; and the province-wide average over all scored entries, with its trend. */
export async function orgScores(k: Kernel, _auth: AuthContext) {
  const latest = await repo.latestScores(k.db.kysely);
  const byOrg = new Map<string, { orgId: string; orgName: string; entries: Array<{ entryId: string; name: string | null; at: string; versionNo: number } & ScoreValues> }>();
  for (const r of latest) {
    const o = byOrg.get(r.provider_org_id) ?? { orgId: r.provider_org_id, orgName: r.provider_name, entries: [] };
    o.entries.push({ entryId: r.entry_id, name: r.entry_name, at: r.at.toISOString(), versionNo: r.version_no, ...values(r) });
    byOrg.set(r.provider_org_id, o);
  }
  const orgs = [...byOrg.values()]
    .map((o) => ({ ...o, scoredEntries: o.entries.length, average: average(o.entries) }))
    .sort((a, b) => (b.average.overall ?? -1) - (a.average.overall ?? -1) || a.orgName.localeCompare(b.orgName, 'zh'));
  return {
    province: { regionCode: k.profile.region.code, scoredEntries: latest.length, orgs: orgs.length, average: average(latest.map(values)), trendDays: TREND_DAYS, trend: await trendOf(k, null) },
    orgs,
  };
}

/**
 * Registers the base data that credit codes are checked against (000 第十条 legal-person base
 * database): the platform operator or the sharing authority names a published entry and its field.
 */
export async function setReference(k: Kernel, auth: AuthContext, kind: 'uscc', body: ReferenceBody) {
  requirePermission(isPlatformAdmin(auth) || (auth.org.roles.includes('sharing_authority') && (hasUserRole(auth, 'reviewer') || hasUserRole(auth, 'org_admin'))), '平台管理员或营商环境建设主管部门');
  return k.db.kysely.transaction().execute((trx) => registerReference(k, trx, actorOf(auth), kind, body));
}

/**
 * The transition behind `setReference`, in the caller's transaction and without the permission
 * check — for the demo seed (as the platform) to register 企业营业执照信息.uscc.
 */
export async function registerReference(k: Kernel, trx: Trx, actor: Actor, kind: 'uscc', body: ReferenceBody) {
  const e = await repo.findPublishedEntry(trx, body.entryId);
  if (!e) throw notFound('已发布的目录', body.entryId);
  if (!e.fields.some((f) => f.name === body.field)) {
    throw new AppError('VALIDATION', `字段 ${body.field} 不是目录「${e.name}」的数据项`, { fields: [{ field: 'field', message: '不是该目录的数据项' }] });
  }
  await repo.upsertReference(trx, { kind, entry_id: e.id, field: body.field, updated_at: k.clock.now() });
  await audit(k, trx, actor, { action: 'quality.reference_set', objectType: 'catalog_entry', objectId: e.id, details: { kind, field: body.field } });
  return { kind, entryId: e.id, entryName: e.name, field: body.field };
}
