/**
 * `gongshu seed-demo`: the demo province. Runs in one transaction with its audit event; refuses
 * to run on a database that already holds orgs.
 */
import crypto from 'node:crypto';
import { audit } from '../kernel/audit.js';
import { SYSTEM_ACTOR, type Kernel } from '../kernel/context.js';
import { DEMO_ORGS, hasOrgs, insertDemoIdentity } from '../modules/identity/demo.js';
import { insertDemoCatalog } from '../modules/catalog/demo.js';
import { insertDemoCollections } from '../modules/collections/demo.js';
import { insertDemoGatePlans } from '../modules/opening/gate.demo.js';
import { loadDemoDatasets, type DemoDatasetsResult } from '../modules/ingest/demo.js';
import { insertDemoSandboxGrants } from '../modules/sharing/demo.js';

export interface SeedResult {
  seeded: boolean;
  /** Set when the admin password was generated because GONGSHU_ADMIN_PASSWORD was unset. */
  generatedAdminPassword: string | null;
  orgs: number;
  users: number;
  catalogEntries: number;
  /** The demo datasets loaded after the province was created (null: none, `GONGSHU_DEMO_POPULATION=0`). */
  datasets: DemoDatasetsResult | null;
}

/** A random password that passes the platform's password policy. */
export function generatePassword(): string {
  return `Gs-${crypto.randomBytes(9).toString('base64url')}9`;
}

export async function seedDemo(k: Kernel): Promise<SeedResult> {
  const generated = k.config.adminPassword ? null : generatePassword();
  const adminPassword = k.config.adminPassword ?? (generated as string);
  const result = await k.db.kysely.transaction().execute(async (trx) => {
    if (await hasOrgs(trx)) return { seeded: false, generatedAdminPassword: null, orgs: 0, users: 0, catalogEntries: 0 };
    const ids = await insertDemoIdentity(k, trx, { admin: adminPassword, demo: k.config.demoPassword });
    const users = DEMO_ORGS.reduce((n, o) => n + o.users.length, 0);
    const catalog = await insertDemoCatalog(k, trx, ids);
    await insertDemoCollections(k, trx, ids);
    await insertDemoGatePlans(k, trx);
    await audit(k, trx, SYSTEM_ACTOR, {
      action: 'demo.seed',
      objectType: 'platform',
      objectId: k.profile.id,
      details: { orgs: ids.size, users, catalogEntries: catalog.entries, jurisdiction: k.profile.id },
    });
    return { seeded: true, generatedAdminPassword: generated, orgs: ids.size, users, catalogEntries: catalog.entries };
  });
  // The demo's sandbox grants go through the sharing services (request → sign → answer), audited like any other.
  if (result.seeded) await insertDemoSandboxGrants(k);
  // The demo datasets go in through the ingest path, each load its own use case, once the catalog exists.
  if (!result.seeded || k.config.demoPopulation === 0) return { ...result, datasets: null };
  return { ...result, datasets: await loadDemoDatasets(k, { population: k.config.demoPopulation }) };
}
