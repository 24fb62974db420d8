/**
 * Base and theme databases (基础数据库、主题数据库, 000 第十条): who manages and who reads them, who
 * declares that data changed at the source, the one-day aggregation period, and what makes a
 * member "fresh". Pure rules, no I/O.
 */
import { hasUserRole, isPlatformAdmin, type AuthContext } from '../../kernel/auth.js';
import { AppError, type FieldError } from '../../kernel/errors.js';
import { calendarDueFrom, type DueDate } from '../../kernel/deadlines.js';
import type { CollectionKind } from './tables.js';

export const ART_COLLECTIONS = '000 第十条';

export const KINDS: readonly CollectionKind[] = ['base', 'theme'];
export const KIND_LABELS: Record<CollectionKind, string> = { base: '基础数据库', theme: '主题数据库' };

/** Ledger case type and duty of a source update: aggregate it within one day (case id = the declaration). */
export const SOURCE_UPDATE_CASE = 'source_update';
export const SOURCE_UPDATE_DUTY = 'aggregate';
/** "在数据更新后一日内向省大数据公共服务平台归集" (000 第十条). */
export const SOURCE_UPDATE_DAYS = 1;

/** The platform operator (省大数据建设运营机构) builds and curates the collections. */
export const canManage = (auth: AuthContext): boolean => isPlatformAdmin(auth);
export const MANAGE_NEEDS = '平台管理员（platform_admin 机构的 org_admin）';

/** Every signed-in org that may browse the catalog — all but the public, who use the open-data portal. */
export const canRead = (auth: AuthContext): boolean => auth.org.roles.some((r) => r !== 'public');
export const READ_NEEDS = '可查阅公共数据资源目录的机构用户';

/**
 * The provider declares that its data changed at the source: its clerk, data officer or org admin,
 * or a machine client holding an API key of the provider org (its own system reporting the change).
 */
export function canDeclareSourceUpdate(auth: AuthContext, entry: { provider_org_id: string }): boolean {
  if (auth.org.id !== entry.provider_org_id) return false;
  return auth.via === 'api_key' || hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin');
}
export const DECLARE_NEEDS = '目录提供单位的经办人、数据工作机构负责人、机构管理员或本单位的 API 密钥';

/** When a change at the source must have been aggregated: the end of the next Beijing day. */
export const sourceUpdateDue = (updatedAt: Date): DueDate => calendarDueFrom(updatedAt, SOURCE_UPDATE_DAYS);

/** A collection code: lower-case letters, digits and hyphens, e.g. `base-population`. */
export const CODE_RE = /^[a-z][a-z0-9-]{1,47}$/;

export interface CollectionInput {
  code?: string | undefined;
  kind?: CollectionKind | undefined;
  name?: string | undefined;
  description?: string | undefined;
}

/** Problems of a new or edited collection (code and kind only on creation). Empty when acceptable. */
export function collectionProblems(input: CollectionInput, creating: boolean): FieldError[] {
  const out: FieldError[] = [];
  if (creating || input.code !== undefined) {
    if (!input.code || !CODE_RE.test(input.code)) out.push({ field: 'code', message: '编码须以小写字母开头，由小写字母、数字和连字符组成（2–48 位）' });
  }
  if (creating && (!input.kind || !KINDS.includes(input.kind))) out.push({ field: 'kind', message: '类型须为基础数据库（base）或主题数据库（theme）' });
  if ((creating || input.name !== undefined) && !input.name?.trim()) out.push({ field: 'name', message: '请填写名称' });
  return out;
}

export function assertCollection(input: CollectionInput, creating: boolean): void {
  const fields = collectionProblems(input, creating);
  if (fields.length > 0) throw new AppError('VALIDATION', fields.map((f) => f.message).join('；'), { fields });
}

/** What the collection pages show of one member's aggregation. */
export interface MemberFreshness {
  lastLoadAt: Date | null;
  /** Open timeliness and source-update duties of the entry. */
  openDuties: ReadonlyArray<{ due_at: Date | null }>;
}

/** The soonest due of the open duties; null when none has a due time. */
export function nextDue(m: MemberFreshness): Date | null {
  let best: Date | null = null;
  for (const d of m.openDuties) if (d.due_at && (!best || d.due_at.getTime() < best.getTime())) best = d.due_at;
  return best;
}

/** Overdue: an open duty whose window has ended. */
export const isOverdue = (m: MemberFreshness, now: Date): boolean => m.openDuties.some((d) => d.due_at !== null && d.due_at.getTime() <= now.getTime());

/** Fresh: loaded at least once, and nothing owed is overdue. */
export const isFresh = (m: MemberFreshness, now: Date): boolean => m.lastLoadAt !== null && !isOverdue(m, now);
