/**
 * Catalog search benchmark (issue 3, "Tests and benchmark").
 *
 *   npm run bench:catalog -- [--db pglite|postgres|both] [--entries N] [--queries N] [--scan-queries N] [--seed N] [--explain]
 *
 * Generates a catalog of `--entries` entries (default 100,000) from vocabularies of departments,
 * subjects, data words and data-item labels across the province's ~380 providers, bulk-loads it
 * with each version's search document cut by the same tokenizer and written by the same SQL as
 * `indexVersion`, then times two-word Chinese queries through the real service function
 * (`searchEntries`: words, an optional filter, the page of 20 with highlights, the total and every
 * facet), against the physical comparison in the same run: a plain
 * `ILIKE '%w1%' AND ILIKE '%w2%'` scan of the same table for the same words (total + newest 20),
 * over the same text the index holds (name, description, data items, category, usage conditions),
 * and — for reference — over name and description only, the cheapest scan anyone would write.
 * Targets on PostgreSQL: p95 < 50 ms and ≥ 20× faster than the scan of the same text (medians).
 * The open catalog of the same generated catalog (its unconditionally and conditionally open
 * entries) is timed too, through the portal's `listOpenEntries` and CKAN's `package_search`: words,
 * browsing pages deep into the catalog, the order by name, each with its facets (no target).
 *
 * Prints a table and then one `BENCH_JSON {...}` line. Timings never go into tests.
 */
import os from 'node:os';
import { sql } from 'kysely';
import { chooseDatabases, fmt, machineFacts, parseCommandLine, positiveInt, printMachine, round, table } from '../common.js';
import { searchEntries } from '../../src/modules/catalog/search.service.js';
import { parseQuery, tsQueryText } from '../../src/modules/catalog/search.js';
import { runAction } from '../../src/modules/opening/ckan.js';
import { listOpenEntries } from '../../src/modules/opening/service.js';
import {
  benchAuth,
  generateQueries,
  ilikeScan,
  indexOnly,
  insertProviders,
  latency,
  loadCatalog,
  openEnv,
  pct,
  recallGap,
  timeEach,
  type BenchQuery,
  type Latency,
} from './lib.js';

const USAGE = 'usage: npm run bench:catalog -- [--db pglite|postgres|both] [--entries N] [--queries N] [--scan-queries N] [--seed N] [--explain] [--url postgres://…]';

function options(argv: string[]) {
  const { common, values } = parseCommandLine(
    argv,
    { entries: { type: 'string' }, queries: { type: 'string' }, 'scan-queries': { type: 'string' }, seed: { type: 'string' }, explain: { type: 'boolean' } },
    USAGE,
  );
  const queries = positiveInt('queries', values.queries, 200);
  return {
    ...common,
    entries: positiveInt('entries', values.entries, 100_000),
    queries,
    scanQueries: Math.min(positiveInt('scan-queries', values['scan-queries'], 40), queries),
    seed: positiveInt('seed', values.seed, 20260918),
    explain: values.explain === true,
  };
}

const input = (q: BenchQuery) => ({ q: q.q, limit: 20, ...(q.filter ?? {}) }) as Parameters<typeof searchEntries>[2];

async function main() {
  const o = options(process.argv.slice(2));
  const { kinds, skipped } = await chooseDatabases(o);
  const machine = machineFacts();
  printMachine('Gongshu catalog search benchmark', machine);
  console.log(`${fmt(o.entries)} generated entries; ${fmt(o.queries)} two-word queries through searchEntries (page of 20, total, 10 facets), ${fmt(o.scanQueries)} of them also as an ILIKE scan\n`);

  const results: Record<string, unknown> = {};
  for (const kind of kinds) {
    const env = await openEnv(kind, o.url);
    try {
      const { k } = env;
      console.log(`== ${env.server}`);
      const providers = await insertProviders(k);
      let last = 0;
      const load = await loadCatalog(k, providers, o.entries, o.seed, (done) => {
        if (done - last >= 20_000 || done === o.entries) {
          process.stderr.write(`   loaded ${fmt(done)} entries\n`);
          last = done;
        }
      });
      const size = await sql<{ table_mb: number | string; gin_mb: number | string }>`
        SELECT round(pg_table_size('catalog_versions') / 1048576.0, 1) AS table_mb, round(pg_relation_size('catalog_versions_search_idx') / 1048576.0, 1) AS gin_mb`.execute(k.db.kysely);
      console.log(
        `   catalog: ${fmt(load.entries)} entries, ${fmt(load.versions)} versions, ${providers.length} providers; generated in ${load.generate_s} s (segmenter), loaded in ${load.load_s} s, VACUUM ANALYZE ${load.analyze_s} s; table ${size.rows[0]?.table_mb} MB, GIN index ${size.rows[0]?.gin_mb} MB`,
      );

      const auth = benchAuth(providers[0] as (typeof providers)[number]);
      const queries = generateQueries(o.queries, o.seed + 1, providers);
      const warm = generateQueries(20, o.seed + 2, providers);
      // Warm-up: plans, caches, the segmenter. Not counted.
      for (const q of warm) await searchEntries(k, auth, input(q));
      for (const q of warm.slice(0, 3)) {
        await ilikeScan(k, q.words, 'indexed_text');
        await ilikeScan(k, q.words, 'name_description');
      }

      // Search and scan interleaved, query by query, so that drift hits both alike.
      const searchMs: number[] = [];
      const scanMs: number[] = [];
      const scanNdMs: number[] = [];
      const searchOnScanMs: number[] = [];
      const totals: number[] = [];
      for (const [i, q] of queries.entries()) {
        let total = 0;
        const [t] = await timeEach([q], async (x) => {
          total = (await searchEntries(k, auth, input(x))).total;
        });
        searchMs.push(t as number);
        totals.push(total);
        if (i < o.scanQueries) {
          searchOnScanMs.push(t as number);
          scanMs.push(...(await timeEach([q], (x) => ilikeScan(k, x.words, 'indexed_text'))));
          scanNdMs.push(...(await timeEach([q], (x) => ilikeScan(k, x.words, 'name_description'))));
        }
      }
      const indexMs = await timeEach(queries, (q) => indexOnly(k, q.q));
      const browse = generateQueries(20, o.seed + 3, providers).map((q) => ({ ...q, q: '' }));
      const browseMs = await timeEach(browse, (q) => searchEntries(k, auth, input(q)));
      const oneWord = queries.slice(0, 50).map((q) => ({ ...q, q: q.words[0] }));
      const oneWordMs = await timeEach(oneWord, (q) => searchEntries(k, auth, input(q)));

      // The open catalog over the same entries: the portal's list and CKAN's package_search, each with its facets.
      const openCount = Number((await sql<{ n: number | string }>`SELECT count(*) AS n FROM catalog_versions WHERE status = 'published' AND open_attr IN ('unconditional', 'conditional')`.execute(k.db.kysely)).rows[0]?.n ?? 0);
      const openWords = queries.slice(0, 50);
      const openSearchMs = await timeEach(openWords, (q) => listOpenEntries(k, { q: q.q, limit: 20 }));
      const openBrowseMs = await timeEach(browse.map((_, i) => (i * 997) % Math.max(1, openCount)), (offset) => listOpenEntries(k, { sort: 'newest', limit: 20, offset }));
      const openNameMs = await timeEach(browse.slice(0, 10), () => listOpenEntries(k, { sort: 'name', limit: 20 }));
      const ckan = { k, auth: null, base: 'http://bench.invalid', meta: { ip: '127.0.0.1' } };
      const ckanMs = await timeEach(openWords.slice(0, 20), (q) => runAction(ckan, 'package_search', { q: q.q, rows: '20', 'facet.field': '["organization","res_format","tags","license_id"]' }));

      // Recall against the scan (untimed): ILIKE matches the index misses.
      let scanned = 0;
      let missed = 0;
      for (const q of queries.slice(0, o.scanQueries)) {
        const g = await recallGap(k, q.words, 'indexed_text');
        scanned += g.scan;
        missed += g.missed;
      }

      const s = latency(searchMs);
      const sc = latency(scanMs);
      const scNd = latency(scanNdMs);
      const ss = latency(searchOnScanMs);
      const speedup = round(sc.p50_ms / ss.p50_ms, 1);
      const speedupP95 = round(sc.p95_ms / ss.p95_ms, 1);
      const speedupNd = round(scNd.p50_ms / ss.p50_ms, 1);
      const speedupNdP95 = round(scNd.p95_ms / ss.p95_ms, 1);
      const isPg = kind === 'postgres';
      const passP95 = s.p95_ms < 50;
      const passRatio = speedup >= 20;
      const row = (name: string, l: Latency, note: string) => [`   ${name}`, l.n, l.p50_ms.toFixed(2), l.p95_ms.toFixed(2), l.max_ms.toFixed(2), note];
      console.log('');
      console.log(
        table(
          ['   measure', 'queries', 'p50 ms', 'p95 ms', 'max ms', 'note'],
          [
            row('searchEntries: 2 words + facets + page', s, `${isPg ? `target p95 < 50 ms: ${passP95 ? 'PASS' : 'FAIL'}` : 'no latency target on PGlite'}; matches per query p50 ${fmt(pct(totals, 50))}, p95 ${fmt(pct(totals, 95))}, max ${fmt(Math.max(...totals))}`),
            row('  same, on the scanned queries', ss, ''),
            row('ILIKE scan of the indexed text', sc, `same words, same text as the index, total + page: ×${speedup} at p50 (×${speedupP95} at p95), target ≥ ×20: ${passRatio ? 'PASS' : 'FAIL'}`),
            row('ILIKE scan of name + description', scNd, `the cheapest scan (less text than the index): ×${speedupNd} at p50 (×${speedupNdP95} at p95)`),
            row('bare GIN match count (same words)', latency(indexMs), 'the index alone: no facets, ranking, page'),
            row('searchEntries: 1 word + facets + page', latency(oneWordMs), 'first word of 50 of the queries'),
            row('searchEntries: no words (browse)', latency(browseMs), 'facets over the whole published catalog, newest first'),
            row('listOpenEntries: words + 4 facets', latency(openSearchMs), `the open catalog: ${fmt(openCount)} entries; by relevance`),
            row('listOpenEntries: browse, deep pages', latency(openBrowseMs), 'newest first, pages anywhere in the open catalog'),
            row('listOpenEntries: by name', latency(openNameMs), 'Chinese collation: the names of the matches sorted in the process'),
            row('package_search: words + 4 facets', latency(ckanMs), 'CKAN: page of 20 package dicts'),
          ],
        ),
      );
      console.log(`   recall vs the scan: the index finds ${scanned ? round((100 * (scanned - missed)) / scanned, 2) : 100}% of the ${fmt(scanned)} ILIKE matches of the indexed text (misses: words the segmenter cuts differently in context, e.g. 不动产权属 → 不动/产权/属)`);

      if (o.explain) {
        const q = queries.find((x) => x.filter === null) ?? (queries[0] as BenchQuery);
        console.log(`\n   EXPLAIN ANALYZE of the matched set for "${q.q}":`);
        const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM catalog_versions v JOIN catalog_entries e ON e.id = v.entry_id
          WHERE v.status = 'published' AND v.search_doc @@ ${tsQueryText(parseQuery(q.q))}::tsquery`.execute(k.db.kysely);
        for (const r of plan.rows) console.log(`     ${r['QUERY PLAN']}`);
      }
      console.log('');
      results[kind] = {
        server: env.server,
        load,
        table_mb: Number(size.rows[0]?.table_mb),
        gin_mb: Number(size.rows[0]?.gin_mb),
        search: s,
        search_on_scanned: ss,
        scan_indexed_text: sc,
        scan_name_description: scNd,
        index_only: latency(indexMs),
        one_word: latency(oneWordMs),
        browse: latency(browseMs),
        open_catalog: { entries: openCount, words: latency(openSearchMs), browse: latency(openBrowseMs), by_name: latency(openNameMs), package_search: latency(ckanMs) },
        matches: { p50: pct(totals, 50), p95: pct(totals, 95), max: Math.max(...totals) },
        speedup_p50: speedup,
        speedup_p95: speedupP95,
        speedup_name_description_p50: speedupNd,
        speedup_name_description_p95: speedupNdP95,
        recall_vs_scan: scanned ? round((scanned - missed) / scanned, 4) : 1,
        targets: { p95_ms: isPg ? 50 : null, speedup: 20 },
        pass: isPg ? passP95 && passRatio : null,
        pass_speedup: passRatio,
      };
    } finally {
      await env.close();
    }
  }
  machine.load_avg_end = os.loadavg().map((x) => round(x, 2));
  console.log(`load average at end: ${machine.load_avg_end.join(' ')}`);
  console.log(
    `BENCH_JSON ${JSON.stringify({ bench: 'catalog-search', at: new Date().toISOString(), machine, options: { db: o.db, entries: o.entries, queries: o.queries, scan_queries: o.scanQueries, seed: o.seed }, skipped, results })}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
