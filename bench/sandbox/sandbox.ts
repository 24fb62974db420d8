/**
 * How the sandbox benchmark runs a query through the sandbox, two ways:
 * - `service`: `runQuery` — the use case `POST /api/v1/sandbox/queries` calls — with the caller's
 *   auth context: the views of the org's grants, the policy check, the run (temporary views named
 *   by the entry codes, the restricted role, read-only, statement timeout, probes, the query capped
 *   by `LIMIT cap + 1`, rollback), the group threshold, the record and the audit event;
 * - `steps`: the same parts called one by one (`sandboxViews`, `checkSandboxQuery`,
 *   `runSandboxQuery`, `suppressSmallGroups`), each timed: where the service's time goes. No record,
 *   no audit event: `service` − `steps` is what recording the query costs.
 */
import type { AuthContext } from '../../src/kernel/auth.js';
import type { Kernel } from '../../src/kernel/context.js';
import { checkSandboxQuery } from '../../src/modules/privacy/sandbox.policy.js';
import { isolates, suppressSmallGroups, tempViewSql } from '../../src/modules/privacy/sandbox.rules.js';
import { runSandboxQuery } from '../../src/modules/privacy/sandbox.run.js';
import { runQuery, sandboxViews } from '../../src/modules/privacy/sandbox.service.js';

export type SandboxPath = 'service' | 'steps';

export interface SandboxOutcome {
  /** The rows shown (hidden columns stripped). */
  rows: unknown[][];
  suppressed: number;
  /** Milliseconds of each part, where the path times them. */
  steps: Record<string, number>;
}

/** One sandbox path: runs a query as an operator would, throwing when the sandbox refuses it. */
export type SandboxRun = (sql: string) => Promise<SandboxOutcome>;

/** A stopwatch of named parts. */
function laps() {
  const steps: Record<string, number> = {};
  let t = performance.now();
  return {
    steps,
    lap(name: string) {
      const now = performance.now();
      steps[name] = (steps[name] ?? 0) + (now - t);
      t = now;
    },
  };
}

/** The two sandbox paths for the caller `auth` (a user of the sandbox grant's subject org). */
export function sandboxPaths(k: Kernel, auth: AuthContext): Record<SandboxPath, SandboxRun> {
  const refused = (v: { rule: string; column: string | null; message: string }) => new Error(`refused: ${v.rule} ${v.column ?? ''} ${v.message}`);

  const service: SandboxRun = async (sql) => {
    const r = await runQuery(k, auth, sql);
    return { rows: r.rows, suppressed: r.suppressedGroups, steps: {} };
  };

  const steps: SandboxRun = async (sql) => {
    const w = laps();
    const { views } = await sandboxViews(k, auth, k.clock.now());
    w.lap('views');
    const d = await checkSandboxQuery(
      sql,
      views.map((v) => v.view),
    );
    w.lap('check');
    if (!d.ok) throw refused(d.violation);
    const q = d.query;
    const read = views.filter((v) => q.views.includes(v.view.name));
    const out = await runSandboxQuery(k.db, {
      views: read.map((v) => ({ name: v.view.name, createSql: tempViewSql(v) })),
      probes: q.probes,
      isolates: (rows) => isolates(rows, q.minGroupSize),
      sql: q.sql,
      rowCap: k.config.sandboxRowCap,
      timeoutMs: k.config.sandboxStatementTimeoutMs,
    });
    w.lap('run');
    if (!out.ok) throw new Error(`refused: ${out.reason}`);
    const at = q.subjectsColumn ? out.columns.lastIndexOf(q.subjectsColumn) : -1;
    const kept = suppressSmallGroups(out.rows, at < 0 ? null : at, q.minGroupSize);
    const rows = kept.rows.map((r) => r.slice(0, q.outputs.length));
    w.lap('threshold');
    return { rows, suppressed: kept.suppressed, steps: w.steps };
  };

  return { service, steps };
}
