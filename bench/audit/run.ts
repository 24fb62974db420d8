/**
 * Audit chain benchmark (issue 2, "Tests and benchmark").
 *
 *   npm run bench -- [--db pglite|postgres|both] [--events N] [--verify-events N] [--rounds N] [--reps N]
 *
 * Writes: one "use case" transaction = one business INSERT + its audit event through `audit()`,
 * against the baseline = the same transaction with the same business INSERT plus a plain INSERT
 * of the same event row into an unchained copy of `audit_events` (same columns and indexes). That
 * baseline is the physical limit of writing those rows on this machine. Rounds alternate between
 * the two so drift hits both alike. Target: audited / baseline ≥ 0.5.
 *
 * Verification: `verifyChain` over a chain of `--verify-events` events, next to the raw read
 * limit (the same query in the same batches through the same driver, no hashing), and the
 * in-memory cost of hashing the same rows (canonical JSON and SM3 separately). Target on
 * PostgreSQL: ≥ 100,000 events/s.
 *
 * Prints a table and then one `BENCH_JSON {...}` line. Timings never go into tests.
 */
import os from 'node:os';
import { chooseDatabases, fmt, machineFacts, parseCommandLine, positiveInt, printMachine, round, table } from '../common.js';
import { benchVerify, benchWrites, openEnv, type StageResult, type WriteResult } from './lib.js';

const USAGE = 'usage: npm run bench -- [--db pglite|postgres|both] [--events N] [--verify-events N] [--rounds N] [--reps N] [--url postgres://…]';

function options(argv: string[]) {
  const { common, values } = parseCommandLine(
    argv,
    { events: { type: 'string' }, 'verify-events': { type: 'string' }, rounds: { type: 'string' }, reps: { type: 'string' } },
    USAGE,
  );
  return {
    ...common,
    events: positiveInt('events', values.events, 20_000),
    verifyEvents: values['verify-events'] === undefined ? undefined : positiveInt('verify-events', values['verify-events'], 1),
    rounds: positiveInt('rounds', values.rounds, 4),
    reps: positiveInt('reps', values.reps, 3),
  };
}

async function main() {
  const o = options(process.argv.slice(2));
  const { kinds, skipped } = await chooseDatabases(o);
  const machine = machineFacts();
  printMachine('Gongshu audit benchmark', machine);
  console.log(`writes: ${fmt(o.events)} transactions per mode and concurrency, ${o.rounds} alternating rounds; verification reps: ${o.reps} (median)\n`);

  const results: Record<string, unknown> = {};
  for (const kind of kinds) {
    const env = await openEnv(kind, o.url);
    try {
      console.log(`== ${env.serverFacts.server}`);
      if (kind === 'postgres') {
        const f = env.serverFacts;
        console.log(`   fsync=${f.fsync} synchronous_commit=${f.synchronous_commit} wal_sync_method=${f.wal_sync_method} shared_buffers=${f.shared_buffers} commit_delay=${f.commit_delay}`);
      }
      const conc = kind === 'postgres' ? [1, 8] : [1];
      const writes: WriteResult[] = [];
      for (const c of conc) {
        process.stderr.write(`   writes, concurrency ${c}…\n`);
        writes.push(await benchWrites(env.k, o.events, c, o.rounds));
      }
      console.log('\n   Writes: business INSERT + audit() vs business INSERT + plain INSERT of the same event row (one transaction each)');
      console.log(
        table(
          ['   concurrency', 'audited tx/s', 'baseline tx/s', 'ratio', 'target', 'audited p50/p99 ms', 'baseline p50/p99 ms', ''],
          writes.map((w) => [
            `   ${w.concurrency}`,
            w.audited_tx_s,
            w.baseline_tx_s,
            w.ratio.toFixed(2),
            '≥ 0.50',
            `${w.audited_p50_ms.toFixed(2)} / ${w.audited_p99_ms.toFixed(2)}`,
            `${w.baseline_p50_ms.toFixed(2)} / ${w.baseline_p99_ms.toFixed(2)}`,
            w.pass ? 'PASS' : 'FAIL',
          ]),
        ),
      );

      const target = o.verifyEvents ?? 200_000;
      process.stderr.write(`   building a ${fmt(target)}-event chain and verifying…\n`);
      const v = await benchVerify(env, target, o.reps);
      console.log(`\n   Verification: chain of ${fmt(v.events)} events (${fmt(v.checkpoints_verified)} SM2 checkpoints), built in ${v.chain_build_s} s`);
      const us = (eps: number) => (1e6 / eps).toFixed(2);
      const cpu = (x: number | null) => (x === null ? '–' : x.toFixed(2));
      const row = (name: string, st: StageResult, note: string) => [
        name,
        st.events_s,
        st.best_events_s,
        us(st.events_s),
        cpu(st.client_cpu_us_per_event),
        cpu(st.server_cpu_us_per_event),
        note,
      ];
      console.log(
        table(
          ['   stage', 'events/s', 'best', 'wall µs/ev', 'node CPU µs/ev', 'server CPU µs/ev', 'note'],
          [
            row(`   verifyChain (whole chain, ${v.workers === 1 ? 'one walk' : `${v.workers} worker threads`})`, v.verify, v.target ? `target ≥ ${fmt(v.target)}: ${v.pass ? 'PASS' : 'FAIL'}` : 'no target on PGlite'),
            row('   read limit: same query + batches, no hashing', v.read, 'one connection, one walk: the limit of a single walk'),
            row('   hash check in memory (eventHash per row)', v.hash_in_memory, 'verifyChain minus the database'),
            row('     of which canonical JSON of the body', v.canonical_json, ''),
            row('     of which SM3 of the same payloads', v.sm3, `one-shot crypto.hash, as src; ${v.sm3_mb_s} MB/s, ${v.avg_hashed_bytes} B/event`),
          ],
        ),
      );
      if (kind === 'pglite') console.log('   (PGlite runs the database inside this process: its work is in "node CPU")');
      console.log('');
      results[kind] = { server: env.serverFacts, writes, verify: v };
    } finally {
      await env.close();
    }
  }
  machine.load_avg_end = os.loadavg().map((x) => round(x, 2));
  console.log(`load average at end: ${machine.load_avg_end.join(' ')}`);
  console.log(`BENCH_JSON ${JSON.stringify({ bench: 'audit', at: new Date().toISOString(), machine, options: { db: o.db, events: o.events, verify_events: o.verifyEvents ?? 200_000, rounds: o.rounds, reps: o.reps }, skipped, results })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
