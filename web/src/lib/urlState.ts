import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

export type UrlValues<K extends string> = { [P in K]: string | undefined };
export type UrlPatch<K extends string> = Partial<{ [P in K]: string | number | null | undefined }>;

/**
 * A list page's filters and paging, kept in the URL query so a view can be bookmarked, shared
 * and restored with the back button. Empty values are removed from the URL.
 */
export function useUrlState<K extends string>(keys: readonly K[]): [UrlValues<K>, (patch: UrlPatch<K>) => void, string] {
  const [params, setParams] = useSearchParams();
  const serialized = params.toString();

  const values = useMemo(() => {
    const v = {} as UrlValues<K>;
    for (const k of keys) v[k] = params.get(k) ?? undefined;
    return v;
    // `keys` is a constant list per page; the query string is the real input.
  }, [serialized]);

  const update = useCallback(
    (patch: UrlPatch<K>) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch) as [string, string | number | null | undefined][]) {
          if (v === undefined || v === null || v === '') next.delete(k);
          else next.set(k, String(v));
        }
        return next;
      });
    },
    [setParams],
  );

  return [values, update, serialized];
}

/** Page number and size from the URL, with bounds. */
export function readPaging(page: string | undefined, size: string | undefined, defaultSize = 20) {
  const p = Math.max(1, Number.parseInt(page ?? '1', 10) || 1);
  const s = Math.min(200, Math.max(5, Number.parseInt(size ?? String(defaultSize), 10) || defaultSize));
  return { page: p, pageSize: s, limit: s, offset: (p - 1) * s };
}
