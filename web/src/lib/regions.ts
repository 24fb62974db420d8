/** Regions (GB/T 2260) change rarely: loaded once per visit and shared by every selector. */
import { api } from '../api/client';
import type { Region } from '../api/types';

let cached: Promise<Region[]> | null = null;

export function loadRegions(): Promise<Region[]> {
  if (!cached) {
    cached = api.regions().then((r) => r.items);
    cached.catch(() => {
      cached = null; // let the next selector try again
    });
  }
  return cached;
}

export interface RegionNode {
  value: string;
  title: string;
  children?: RegionNode[];
}

/** The flat region list as a province → city → county tree, in code order. */
export function regionTree(regions: readonly Region[]): RegionNode[] {
  const sorted = [...regions].sort((a, b) => a.code.localeCompare(b.code));
  const nodes = new Map<string, RegionNode>();
  for (const r of sorted) nodes.set(r.code, { value: r.code, title: r.name });
  const roots: RegionNode[] = [];
  for (const r of sorted) {
    const node = nodes.get(r.code);
    if (!node) continue;
    const parent = r.parentCode ? nodes.get(r.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}
