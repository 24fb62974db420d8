import type { Duty } from '../../api/types';

/** Soonest due first (so overdue duties lead); duties without a deadline last. */
export function sortDuties(duties: readonly Duty[]): Duty[] {
  const key = (d: Duty) => d.dueAt ?? (d.dueDate ? `${d.dueDate}T23:59:59+08:00` : null);
  return [...duties].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null && kb === null) return a.startedAt.localeCompare(b.startedAt);
    if (ka === null) return 1;
    if (kb === null) return -1;
    return Date.parse(ka) - Date.parse(kb);
  });
}
