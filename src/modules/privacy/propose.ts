/**
 * The kind of personal information a field holds, proposed from a sample of its values (000
 * 第六条: the catalog declares each data item's personal information). Pure.
 */
import { CONFIDENCE_RANK, DETECTED_KIND_LABELS, detect, type Confidence, type DetectHint, type DetectedKind } from './detectors.js';

/** Share of the sampled values that must match a kind for it to be proposed. */
export const PROPOSE_MIN_SHARE = 0.5;
/** For names seen only by their shape (no label saying so), the share must be higher. */
export const PROPOSE_MIN_SHARE_SHAPE_ONLY = 0.8;

export interface KindProposal {
  /** The proposed kind, or null when no kind covers enough of the sample. */
  kind: DetectedKind | null;
  kindLabel: string | null;
  /** The confidence most of the matching values were detected with. */
  confidence: Confidence | null;
  /** Matching values / sampled values (0 when nothing was sampled). */
  share: number;
  matched: number;
  sampled: number;
}

/**
 * Proposes the kind that most of `values` are detected as, when it covers at least
 * `PROPOSE_MIN_SHARE` of them (`PROPOSE_MIN_SHARE_SHAPE_ONLY` when every match is only
 * `possible`, e.g. short Chinese words that begin with a surname).
 */
export function proposeKind(values: readonly string[], hint: DetectHint = {}): KindProposal {
  const counts = new Map<DetectedKind, { n: number; byConfidence: Record<Confidence, number> }>();
  for (const v of values) {
    const d = detect(v, hint);
    if (!d) continue;
    let c = counts.get(d.kind);
    if (!c) counts.set(d.kind, (c = { n: 0, byConfidence: { certain: 0, likely: 0, possible: 0 } }));
    c.n++;
    c.byConfidence[d.confidence]++;
  }
  let best: [DetectedKind, { n: number; byConfidence: Record<Confidence, number> }] | null = null;
  for (const e of counts) if (!best || e[1].n > best[1].n) best = e;
  const sampled = values.length;
  const none: KindProposal = { kind: null, kindLabel: null, confidence: null, share: 0, matched: 0, sampled };
  if (!best || sampled === 0) return none;
  const [kind, c] = best;
  const share = c.n / sampled;
  const confidence = (Object.keys(c.byConfidence) as Confidence[]).reduce((a, b) => (c.byConfidence[b] > c.byConfidence[a] || (c.byConfidence[b] === c.byConfidence[a] && CONFIDENCE_RANK[b] > CONFIDENCE_RANK[a]) ? b : a));
  const onlyShape = c.byConfidence.possible === c.n;
  if (share < (onlyShape ? PROPOSE_MIN_SHARE_SHAPE_ONLY : PROPOSE_MIN_SHARE)) return { ...none, share: round(share), matched: c.n };
  return { kind, kindLabel: DETECTED_KIND_LABELS[kind], confidence, share: round(share), matched: c.n, sampled };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
