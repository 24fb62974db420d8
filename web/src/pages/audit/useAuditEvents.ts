import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type AuditQuery } from '../../api/client';
import type { AuditEvent } from '../../api/types';

const PAGE = 50;

/** Audit events newest first, fetched 50 at a time by sequence cursor (`before`). */
export function useAuditEvents(query: AuditQuery, key: string) {
  const [items, setItems] = useState<AuditEvent[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const queryRef = useRef(query);
  queryRef.current = query;

  const fetchPage = useCallback(async (before: number | undefined, gen: number) => {
    setLoading(true);
    try {
      const page = await api.audit.events({ ...queryRef.current, limit: PAGE, before });
      if (gen !== generation.current) return;
      setItems((prev) => (before === undefined ? page.items : [...prev, ...page.items]));
      setNextBefore(page.nextBefore);
      setError(null);
    } catch (e) {
      if (gen === generation.current) setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e)));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    const gen = ++generation.current;
    setItems([]);
    setNextBefore(null);
    void fetchPage(undefined, gen);
  }, [key, fetchPage]);

  const loadMore = useCallback(() => {
    if (nextBefore !== null) void fetchPage(nextBefore, generation.current);
  }, [nextBefore, fetchPage]);

  return { items, nextBefore, loading, error, loadMore };
}
