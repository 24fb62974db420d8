/** Paging and the common filters of the sharing lists (requests, grants, use requests, disputes, extensions). */
import { beijingStartOfDay } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import { DEFAULT_PAGE, type ListFilter } from './schema.js';

/** The page a query asks for: `limit` (default 50) from `offset` (default 0). */
export const pageOf = (q: Pick<ListFilter, 'limit' | 'offset'>) => ({ limit: q.limit ?? DEFAULT_PAGE, offset: q.offset ?? 0 });

/**
 * The entry, the other org and the creation date range of a list query: `from` and `to` are
 * Beijing dates, both inclusive (`to` runs to the end of its day).
 */
export function listFilter(q: ListFilter): { entryId?: string; counterpartOrgId?: string; createdFrom?: Date; createdBefore?: Date } {
  if (q.from && q.to && q.from > q.to) {
    throw new AppError('VALIDATION', `日期范围有误：起始日期 ${q.from} 晚于截止日期 ${q.to}`, { fields: [{ field: 'from', message: '起始日期不能晚于截止日期' }] });
  }
  return {
    ...(q.entryId ? { entryId: q.entryId } : {}),
    ...(q.counterpartOrgId ? { counterpartOrgId: q.counterpartOrgId } : {}),
    ...(q.from ? { createdFrom: beijingStartOfDay(q.from) } : {}),
    ...(q.to ? { createdBefore: new Date(beijingStartOfDay(q.to).getTime() + 86_400_000) } : {}),
  };
}
