/**
 * Chinese full-text search on the catalog. Text is cut into words with
 * `Intl.Segmenter('zh', { granularity: 'word' })` in Node, and the words are stored with
 * `to_tsvector('simple', …)`, so the index behaves the same on PGlite and PostgreSQL (neither
 * needs a Chinese parser). Queries are cut the same way.
 */
import { sql } from 'kysely';
import type { Executor } from '../../kernel/db.js';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The words of `text`, lower-cased, without punctuation or spaces. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (s.isWordLike) out.push(s.segment);
  }
  return out;
}

/** The words of `text` joined by spaces: what `to_tsvector('simple', …)` is given. */
export const tokenString = (text: string | null | undefined): string => (text ? tokenize(text).join(' ') : '');

/**
 * Rewrites one version's search document: name (weight A), description and data-item labels (B),
 * category, provider and usage conditions (C).
 */
export async function indexVersion(db: Executor, versionId: string): Promise<void> {
  const v = await db
    .selectFrom('catalog_versions as v')
    .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
    .innerJoin('orgs as o', 'o.id', 'e.provider_org_id')
    .select(['v.name', 'v.description', 'v.fields', 'v.category', 'v.usage_conditions', 'o.name as provider', 'e.code'])
    .where('v.id', '=', versionId)
    .executeTakeFirst();
  if (!v) return;
  const a = tokenString(v.name);
  const b = tokenString([v.description, ...v.fields.map((f) => `${f.label} ${f.name}`)].join(' '));
  const c = tokenString([v.category, v.provider, v.usage_conditions, v.code].join(' '));
  await sql`UPDATE catalog_versions SET search_doc =
      setweight(to_tsvector('simple', ${a}), 'A') || setweight(to_tsvector('simple', ${b}), 'B') || setweight(to_tsvector('simple', ${c}), 'C')
    WHERE id = ${versionId}`.execute(db);
}
