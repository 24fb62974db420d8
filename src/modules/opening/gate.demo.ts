/**
 * The demo province's anonymisation plans (000 第十九条): every published, unconditionally open
 * demo entry holding personal information or commercial secrets gets the plan its provider would
 * declare — direct identifiers dropped, other personal information kept as quasi-identifiers,
 * commercial secrets suppressed — so that its demo data, loaded afterwards through ingest, is
 * checked by the gate on commit (ingest/hooks.ts) and opens once it passes.
 */
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import { isDirectIdentifier } from '../privacy/anonymity.js';
import { newPseudonymNonce } from './gate.keys.js';
import { needsGate } from './gate.rules.js';

export async function insertDemoGatePlans(k: Pick<Kernel, 'clock'>, trx: Trx): Promise<number> {
  const entries = await trx
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'v.fields'])
    .where('v.open_attr', '=', 'unconditional')
    .execute();
  let n = 0;
  for (const e of entries) {
    if (!needsGate(e.fields)) continue;
    const treatments: Record<string, string> = {};
    for (const f of e.fields) {
      if (isDirectIdentifier(f.piiKind)) treatments[f.name] = 'drop';
      else if (f.commercialSecret) treatments[f.name] = 'generalise:suppress';
      else if (f.piiKind?.trim()) treatments[f.name] = 'keep';
    }
    await trx
      .insertInto('opening_gate_plans')
      .values({ entry_id: e.id, treatments: JSON.stringify(treatments), quasi_identifiers: [], sensitive: null, min_l: null, consent: null, pseudonym_nonce: newPseudonymNonce(), updated_by: null, updated_at: k.clock.now() })
      .execute();
    n++;
  }
  return n;
}
