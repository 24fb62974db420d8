import type { HighlightSegment } from '../../api/types';

/**
 * Text with the searched words marked. Segments are rendered as text nodes — never as HTML — so
 * whatever an entry's name or description holds cannot inject markup.
 */
export function Highlight({ segments, fallback }: { segments: readonly HighlightSegment[] | undefined; fallback: string }) {
  if (!segments || segments.length === 0) return <>{fallback}</>;
  return (
    <>
      {segments.map((s, i) =>
        s.hit ? (
          <mark key={i} className="hit">
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
