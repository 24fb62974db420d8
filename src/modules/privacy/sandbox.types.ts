/**
 * The sandbox's vocabulary (数据可用不可见; 002 第十一、二十三条; 003 第三条): column policies, the
 * views a sandbox grant exposes, what the policy check decides, and what an accepted query returns.
 * Shared by the policy check (sandbox.policy.ts), the differential-privacy rules (dp.ts), the
 * service that runs queries (sandbox.service.ts) and the web page.
 */
import type { CatalogField } from '../catalog/tables.js';

type FieldType = CatalogField['type'];

/**
 * What a query may do with a column; a column without a policy is `hidden` (deny by default).
 * - `plain`: anything, including output row by row;
 * - `aggregate_only`: only as the argument of SUM/AVG/COUNT/MIN/MAX;
 * - `group_key`: grouped by and shown (groups below the threshold dropped), and compared in WHERE;
 * - `join_key`: only in join conditions (`a.x = b.y`), never output;
 * - `filter_only`: only in WHERE comparisons with constants, never output;
 * - `hidden`: never referenced.
 */
export const COLUMN_POLICIES = ['plain', 'aggregate_only', 'group_key', 'join_key', 'filter_only', 'hidden'] as const;
export type ColumnPolicy = (typeof COLUMN_POLICIES)[number];

export const COLUMN_POLICY_LABELS: Record<ColumnPolicy, string> = {
  plain: '明文可见',
  aggregate_only: '仅可聚合',
  group_key: '分组键',
  join_key: '仅可关联',
  filter_only: '仅可筛选',
  hidden: '不可见',
};

/** The aggregates a sandbox query may compute. */
export const SANDBOX_AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type SandboxAggregate = (typeof SANDBOX_AGGREGATES)[number];

/** A column of a sandbox view. */
export interface SandboxColumn {
  name: string;
  type: FieldType;
  policy: ColumnPolicy;
  /** The field's personal-information kind (a mobile number stored as a number is still one), or null. */
  piiKind?: string | null;
}

/** A granted entry as it appears in the sandbox: a view named by its entry code (quoted in SQL). */
export interface SandboxView {
  /** The entry code, e.g. `HN-GAT-0001`: the view's name, written `"HN-GAT-0001"` in SQL. */
  name: string;
  columns: readonly SandboxColumn[];
  /** The column naming the data subject (the person or company), e.g. `id_number`; null if none. */
  subjectColumn: string | null;
  /** The subject column holds one row per subject (it is the dataset's key). */
  subjectUnique: boolean;
  /** Smallest number of distinct subjects a released group may cover. */
  minGroupSize: number;
  /** Differential privacy for this view's grant, or null. */
  dp: { bounds: Readonly<Record<string, readonly [number, number]>>; maxRowsPerSubject: number } | null;
}

/** Why a query was refused: the rule broken and, where one is to blame, the column. */
export interface PolicyViolation {
  /**
   * A column policy (`aggregate_only`, `group_key`, `join_key`, `filter_only`, `hidden`) or one of
   * the statement rules: `syntax`, `one_select`, `relation_not_allowed`, `function_not_allowed`,
   * `construct_not_allowed`, `aggregate_argument`, `isolating_condition`, `dp_unsupported`,
   * `epsilon_exhausted`, `unknown_column`.
   */
  rule: string;
  /** `view.column` (or the bare name when no view owns it); null for statement rules. */
  column: string | null;
  /** Chinese, for the person who wrote the query. */
  message: string;
}

/** One output column of an accepted query. */
export interface OutputColumn {
  /** The name the result shows. */
  name: string;
  /** `plain`: row values of plain columns; `group_key`: a grouped value; `aggregate`: an aggregate. */
  kind: 'plain' | 'group_key' | 'aggregate';
  aggregate?: SandboxAggregate;
  /**
   * The aggregate's value is a number computed over the group, not a value read from a row: MIN or
   * MAX of a numeric column, or arithmetic on aggregates. COUNT, SUM and AVG always are, so it is not
   * set for them (see `computedNumber` in sandbox.rules.ts). The release scan does not read such
   * numbers as identifiers (an 11-digit sum is no mobile number).
   */
  numeric?: true;
  /** Under differential privacy, how the executor builds the noisy value from hidden columns. */
  dp?: DpOutput;
}

/**
 * Under differential privacy an aggregate output is computed from hidden result columns:
 * `count` and `sum` from `value`, `avg` as noisy `sum` / noisy `count`.
 */
export type DpOutput =
  | { aggregate: 'count'; value: string; sensitivity: number }
  | { aggregate: 'sum'; value: string; sensitivity: number }
  | {
      aggregate: 'avg';
      sum: string;
      count: string;
      sumSensitivity: number;
      countSensitivity: number;
      /** The averaged field's bounds [lo, hi]: the noisy mean is kept inside them (else within ±max(|lo|, |hi|)). */
      bounds?: readonly [number, number];
    };

/** What the policy check decides for an accepted query. */
export interface CheckedQuery {
  /**
   * The SQL to run, deparsed from the checked parse tree (comments gone), with the hidden columns
   * below appended to the aggregating block's output. Views are referenced by their quoted names.
   */
  sql: string;
  outputs: OutputColumn[];
  /** The views read. */
  views: string[];
  /** The query aggregates (its rows are groups), so the group threshold applies. */
  aggregated: boolean;
  /**
   * Hidden column holding the number of distinct subjects of each group (the smallest over the
   * views joined); rows below `minGroupSize` are dropped and counted. Null when not aggregated.
   */
  subjectsColumn: string | null;
  /** The strictest `minGroupSize` of the views read. */
  minGroupSize: number;
  /**
   * Queries that test each top-level WHERE condition of the aggregating block for isolating a few
   * subjects (differencing): each returns per group `base` (subjects without the condition) and
   * `kept` (with it); a group with kept ≥ minGroupSize and 1 ≤ base − kept < minGroupSize refuses
   * the query with rule `isolating_condition`, naming `condition` (the condition's SQL text).
   * Each arm of an OR and each value of an IN list is also tested: `base` counts the subjects of
   * the whole condition, `kept` those of the other arms, so `condition` (the arm) is what adding it
   * brings in; and each value of a NOT IN list: `kept` with the whole condition, `base` without
   * that one exclusion (`condition`, e.g. `x <> 'v'`).
   */
  probes: Array<{ condition: string; sql: string }>;
  /** All hidden columns, in result order, to strip before the result is shown. */
  hiddenColumns: string[];
  /** Differential privacy applies (some view read has dp). */
  dp: boolean;
}

export type PolicyDecision = { ok: true; query: CheckedQuery } | { ok: false; violation: PolicyViolation };
