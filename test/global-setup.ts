/**
 * Builds, once per migration set, a PGlite snapshot of an empty migrated database; each test
 * file then starts its in-memory database from the snapshot instead of running initdb and the
 * migrations again (several seconds per file otherwise).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listMigrations, migrate } from '../src/kernel/migrate.js';
import { openPglite } from '../src/kernel/db.js';

/** Where the snapshot of the current migration set lives. */
export function snapshotPath(): string {
  const hash = crypto.createHash('sha256');
  for (const m of listMigrations()) hash.update(path.basename(m.file)).update(fs.readFileSync(m.file));
  return path.resolve('node_modules/.cache/gongshu-test', `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

export default async function setup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const file = snapshotPath();
  const dir = path.dirname(file);
  if (!fs.existsSync(file)) {
    const db = await openPglite(undefined);
    await migrate(db);
    const dump = await (db.pglite as NonNullable<typeof db.pglite>).dumpDataDir('none');
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
    await db.close();
  }
}
