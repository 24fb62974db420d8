/**
 * Short citations (`000 第十三条`) as the reader should see them: 《海南省促进公共数据资源开发利用办法》
 * 第十三条, from the active jurisdiction's documents (loaded once per visit, like the regions).
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Jurisdiction, JurisdictionDocument } from '../api/types';

let cached: Promise<Jurisdiction> | null = null;

/** The active jurisdiction profile, loaded once per visit. */
export function loadJurisdiction(): Promise<Jurisdiction> {
  if (!cached) {
    cached = api.jurisdiction();
    cached.catch(() => {
      cached = null; // the next hint tries again; meanwhile the short citation is shown
    });
  }
  return cached;
}

/** The active jurisdiction (undefined until it has loaded). */
export function useJurisdiction(): Jurisdiction | undefined {
  const [j, setJ] = useState<Jurisdiction | undefined>(undefined);
  useEffect(() => {
    let current = true;
    loadJurisdiction()
      .then((x) => current && setJ(x))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  return j;
}

/** A numeric parameter of the active jurisdiction (e.g. `catalogUpdateDays`) with its source, if set. */
export function useNumberParam(key: string): { value: number; source: string } | undefined {
  const p = useJurisdiction()?.params[key];
  return p && typeof p.value === 'number' ? { value: p.value, source: p.source } : undefined;
}

const DOCUMENT_PART = /^(\d{3})\s*(.*)$/;

/** `000 第十三条; 001 第十二条` → `《…办法》第十三条；《…办法》第十二条`; unknown parts stay as they are. */
export function describeSource(documents: readonly JurisdictionDocument[], source: string): string {
  return source
    .split(/[;；]\s*/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const m = DOCUMENT_PART.exec(part);
      const doc = m ? documents.find((d) => d.code === m[1]) : undefined;
      return m && doc ? `《${doc.title}》${m[2] ?? ''}` : part;
    })
    .join('；');
}

/** A function turning short citations into full ones (the short form until the documents arrive). */
export function useLawText(): (source: string) => string {
  const documents = useJurisdiction()?.documents ?? [];
  return (source) => describeSource(documents, source);
}
