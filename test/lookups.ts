/** Rows the API tests look up to check what a use case wrote: orgs, entries, notifications, audit events. */
import type { Kysely } from 'kysely';
import type { Database } from '../src/database.js';

/** Look-ups over the database `db()` gives (a getter: the test's environment is made in beforeAll). */
export function lookups(db: () => Kysely<Database>) {
  return {
    /** An org's id by its name. */
    orgId: async (name: string): Promise<string> => (await db().selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id,
    /** A published entry's id by the name of its published version. */
    entryId: async (name: string): Promise<string> =>
      (
        await db()
          .selectFrom('catalog_entries as e')
          .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
          .select('e.id')
          .where('v.name', '=', name)
          .executeTakeFirstOrThrow()
      ).id,
    /** The notifications of one kind an org received. */
    notes: (org: string, kind: string) => db().selectFrom('notifications').selectAll().where('org_id', '=', org).where('kind', '=', kind).execute(),
    /** The audit events of one action on one object. */
    audits: (action: string, objectId: string) => db().selectFrom('audit_events').selectAll().where('action', '=', action).where('object_id', '=', objectId).execute(),
  };
}
