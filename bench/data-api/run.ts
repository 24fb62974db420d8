/**
 * `npm run bench:data-api`: the data service API against the bare SQL (api.ts), then, when that
 * benchmark is present, the batch export's (export.ts, `runExportBench`). Prints the tables, then
 * one `BENCH_JSON {...}` line with every result.
 */
import fs from 'node:fs';
import { runApiBench } from './api.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const results: Record<string, unknown> = { api: await runApiBench(argv) };
  const exportBench = new URL('./export.ts', import.meta.url);
  if (fs.existsSync(exportBench)) {
    const mod = (await import(exportBench.href)) as { runExportBench?: () => Promise<unknown> };
    if (typeof mod.runExportBench === 'function') results.export = await mod.runExportBench();
  }
  console.log(`BENCH_JSON ${JSON.stringify(results)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
