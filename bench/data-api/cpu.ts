/** CPU accounting shared by the data service API benchmark's two processes. */

/** CPU seconds the backends used between two readings (a backend started in between counts from zero, one gone is left out). */
export function cpuBetween(before: Record<number, number> | null, after: Record<number, number> | null): number | null {
  if (!before || !after) return null;
  let sum = 0;
  for (const [pid, t] of Object.entries(after)) sum += t - (before[Number(pid)] ?? 0);
  return sum;
}
