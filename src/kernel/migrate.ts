/**
 * Plain-SQL, numbered, forward-only migrations from `migrations/NNNN_description.sql`, each
 * applied in its own transaction and recorded in `schema_migrations`. Concurrent starts on one
 * PostgreSQL server serialise on an advisory lock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './db.js';

export const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

const MIGRATION_LOCK = 7_411_001;

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export function listMigrations(dir = migrationsDir): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4), file: path.join(dir, f) }));
}

/** Applies the migrations not yet applied; returns the names applied. */
export async function migrate(db: Db, dir = migrationsDir): Promise<string[]> {
  await db.execScript(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const m of listMigrations(dir)) {
    const text = fs.readFileSync(m.file, 'utf8');
    // The lock and the check run inside the migration's own transaction, so two instances
    // starting together apply each migration once.
    const script = `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM schema_migrations WHERE version = ${m.version}) THEN
    RAISE EXCEPTION 'gongshu:already-applied';
  END IF;
END $$;
${text}
;
INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}');`;
    const done = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations WHERE version = ${m.version}`.execute(db.kysely);
    if ((done.rows[0]?.n ?? 0) > 0) continue;
    try {
      await db.execScript(script);
      applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
    } catch (err) {
      if (err instanceof Error && err.message.includes('gongshu:already-applied')) continue;
      throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`);
    }
  }
  return applied;
}
