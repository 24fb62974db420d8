/**
 * The demo catalog: every entry passes the rules it would meet on submission, the catalog covers
 * every attribute value and share/open combination, and the seeded database shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { DEMO_CATALOG } from './demo-data.js';
import { DEMO_SEATS } from './demo.js';
import { ATTRS, GRADES, NEGATIVE_LIST_SEATS, PROVISION_METHODS, UPDATE_FREQUENCIES } from './model.js';
import { normalizeEntry, submissionViolations } from './rules.js';

describe('the demo catalog data', () => {
  it('has at least 40 entries, each passing every rule of submission', () => {
    expect(DEMO_CATALOG.length).toBeGreaterThanOrEqual(40);
    for (const d of DEMO_CATALOG) expect({ name: d.input.name, violations: submissionViolations(normalizeEntry(d.input)) }).toEqual({ name: d.input.name, violations: [] });
  });

  it('has unique names per provider', () => {
    const keys = DEMO_CATALOG.map((d) => `${d.provider}/${d.input.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('covers every attribute value, grade, provision method and update frequency', () => {
    const published = DEMO_CATALOG.filter((d) => d.state === 'published').map((d) => d.input);
    for (const a of ATTRS) {
      expect(published.some((i) => i.shareAttr === a), `share ${a}`).toBe(true);
      expect(published.some((i) => i.openAttr === a), `open ${a}`).toBe(true);
    }
    for (const g of GRADES) expect(published.some((i) => i.grade === g), `grade ${g}`).toBe(true);
    for (const m of PROVISION_METHODS) expect(published.some((i) => i.provisionMethods.includes(m)), `method ${m}`).toBe(true);
    for (const f of UPDATE_FREQUENCIES) expect(published.some((i) => i.updateFrequency === f), `frequency ${f}`).toBe(true);
    expect(new Set(published.map((i) => i.operationAttr))).toEqual(new Set([true, false]));
    // Every share × open combination that makes sense: not shared but open to the public does not.
    for (const share of ATTRS) {
      for (const open of ATTRS) {
        if (share === 'none' && open !== 'none') continue;
        expect(published.some((i) => i.shareAttr === share && i.openAttr === open), `share ${share} × open ${open}`).toBe(true);
      }
    }
  });

  it('leaves entries in every lifecycle state for the demo tour', () => {
    expect(new Set(DEMO_CATALOG.map((d) => d.state))).toEqual(new Set(['published', 'draft', 'submitted', 'returned']));
  });

  it('assigns every seat of the joint review', () => {
    expect(Object.keys(DEMO_SEATS).sort()).toEqual([...NEGATIVE_LIST_SEATS].sort());
  });
});

describe('the seeded demo province', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await testEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  it('holds the catalog, searchable, with the review duty of each submitted entry', async () => {
    const db = env.k.db.kysely;
    const entries = await db.selectFrom('catalog_entries').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(entries.n)).toBe(DEMO_CATALOG.length);
    const unindexed = await db.selectFrom('catalog_versions').select('id').where('search_doc', 'is', null).execute();
    expect(unindexed).toEqual([]);
    const submitted = DEMO_CATALOG.filter((d) => d.state === 'submitted').length;
    const duties = await db.selectFrom('duties').select('id').where('case_type', '=', 'catalog_review').where('status', '=', 'open').execute();
    expect(duties).toHaveLength(submitted);
    const seats = await db.selectFrom('catalog_review_seats').select('seat').execute();
    expect(seats).toHaveLength(NEGATIVE_LIST_SEATS.length);
    // The joint review: two entries still awaiting every seat, the others agreed by all.
    const open = await db.selectFrom('duties').select('case_id').where('case_type', '=', 'catalog_negative_review').where('status', '=', 'open').execute();
    expect(open).toHaveLength(2 * NEGATIVE_LIST_SEATS.length);
    const negative = DEMO_CATALOG.filter((d) => d.state === 'published' && d.input.shareAttr !== 'unconditional').length;
    const signoffs = await db.selectFrom('catalog_negative_signoffs').select('id').execute();
    expect(signoffs).toHaveLength((negative - 2) * NEGATIVE_LIST_SEATS.length);
  });
});
