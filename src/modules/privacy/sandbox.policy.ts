/**
 * The sandbox policy check (数据可用不可见; 002 第十一、二十三条; 003 第三条): a query is parsed by
 * PostgreSQL's own parser (libpg-query), walked against the column policies of the granted views,
 * and either refused — naming the rule broken and the column to blame — or rewritten into the SQL
 * the sandbox runs: deparsed from the checked tree (comments gone), with hidden columns appended for
 * the group threshold and differential privacy, and the differencing probes of its WHERE conditions
 * (each top-level condition removed; each arm of an OR and each value of an IN or NOT IN list
 * added or dropped). The deparser is trusted only where it is exact: the query's tree is deparsed
 * and parsed again, and a query whose tree changes is refused rather than run changed.
 *
 * How policies travel (as in SecretFlow SCQL): every value carries the base columns it is computed
 * from and how (`direct`, through `arith`metic, through a scalar `func`tion, or through an `other`
 * construct such as CASE, a cast, a comparison or LIKE). A subquery or CTE output column keeps that
 * lineage, so its most restrictive source decides what the outer query may do with it; an aggregate
 * over legal arguments yields a releasable value.
 *
 * Deliberate limits, each closing a way to single a person out:
 * - aggregation happens in the outermost SELECT only (it is where the group threshold is counted);
 *   subqueries and CTEs select rows, without GROUP BY, DISTINCT, ORDER BY, LIMIT or set operations;
 * - an aggregating query may not read a subquery or CTE that has its own WHERE (`isolating_condition`):
 *   the differencing probes test the conditions of the aggregating block, so a condition hidden
 *   below it would escape them — the message says to move the filter to the outer query;
 * - `JOIN … ON` holds only column equalities (filters belong in WHERE, where they are probed);
 *   `JOIN … USING (k)` is the equality of `k` on both sides, and a bare `k` after it is the merged
 *   column under both sides' policies; NATURAL JOIN, which names no column, is refused;
 * - no subquery in an expression, no VALUES, no FILTER on aggregates, no window functions;
 * - a restricted column is never a divisor and never cast, and integer arithmetic on an
 *   `aggregate_only` column is done in numeric: a runtime error (division by zero, overflow) would
 *   otherwise answer a yes/no question about one row.
 *
 * A view without a subject column is taken to hold one subject per row: the threshold counts its
 * rows (`count(*)`), and under differential privacy one row is one subject's contribution.
 *
 * Under differential privacy a query reads one view (a join multiplies one subject's rows); each
 * subject contributes at most m rows — m = `maxRowsPerSubject`, or 1 when the view has one row per
 * subject — so COUNT has sensitivity m and a SUM clamped to [lo, hi] has m·max(|lo|, |hi|).
 *
 * By design, comparisons with constants on `filter_only` and `group_key` columns tell which rows
 * meet them: a non-aggregating query may output plain columns of the rows a filter selects. A column
 * that must not be compared at all is `aggregate_only` or `hidden`.
 */
import { loadModule, parseSync } from 'libpg-query';
import { deparseSync } from 'pgsql-deparser';
import {
  and,
  colRef,
  conjuncts,
  DATE_TIME_VALUE_FUNCTIONS,
  exprKey,
  floatNode,
  funcCall,
  intConst,
  isConstant,
  kindOf,
  minMax,
  names,
  nullNode,
  numberConst,
  quoteIdent,
  resTarget,
  str,
  stringConst,
  type PgNode,
} from './sandbox.ast.js';
import { AGGREGATES, ARITHMETIC, CAST_TYPES, COMPARISON, DATE_FIELDS, SCALAR_FUNCTIONS, SQL_SYNTAX_FUNCTIONS, STATEMENT_NAMES } from './sandbox.allowlist.js';
import {
  COLUMN_POLICY_LABELS,
  type CheckedQuery,
  type DpOutput,
  type OutputColumn,
  type PolicyDecision,
  type PolicyViolation,
  type SandboxAggregate,
  type SandboxColumn,
  type SandboxView,
} from './sandbox.types.js';

/** Prefix of every name the check generates; queries may not use it. */
export const HIDDEN_PREFIX = '__gs_';
/** The hidden column with the number of distinct subjects of each group. */
export const SUBJECTS_COLUMN = '__gs_subjects';

let loading: Promise<void> | null = null;

/**
 * Checks a sandbox query against the column policies of the views granted to its author and, when
 * it is accepted, returns the SQL to run with its hidden columns and differencing probes. Pure: no
 * database is touched (002 第十一条).
 */
export async function checkSandboxQuery(sql: string, views: readonly SandboxView[]): Promise<PolicyDecision> {
  await (loading ??= loadModule());
  return checkLoaded(sql, views);
}

/** `checkSandboxQuery` once the parser is loaded (benchmarks and callers that already awaited it). */
export function checkLoaded(sql: string, views: readonly SandboxView[]): PolicyDecision {
  let tree: PgNode;
  try {
    tree = parseSync(sql) as PgNode;
  } catch (err) {
    return { ok: false, violation: syntaxViolation(sql, err) };
  }
  try {
    return { ok: true, query: new Checker(views).check(tree) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, violation: err.violation };
    // Deny by default: a shape of tree the check did not foresee is refused, never let through.
    return {
      ok: false,
      violation: { rule: 'construct_not_allowed', column: null, message: `查询中有平台无法检查的写法，已拒绝（${err instanceof Error ? err.message : String(err)}）` },
    };
  }
}

/** Loads the parser (idempotent); `checkLoaded` may be called once it resolves. */
export function loadPolicyParser(): Promise<void> {
  return (loading ??= loadModule());
}

// ── Refusals ──

class Refusal extends Error {
  constructor(readonly violation: PolicyViolation) {
    super(violation.message);
  }
}

function refuse(rule: string, column: string | null, message: string): never {
  throw new Refusal({ rule, column, message });
}

const SYNTAX_PHRASES: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^syntax error at or near "(.*)"$/, (m) => `“${m[1]}”附近有语法错误`],
  [/^syntax error at end of input$/, () => '语句在结尾处不完整'],
  [/^unterminated quoted string/, () => '字符串的引号没有闭合'],
  [/^unterminated quoted identifier/, () => '标识符的双引号没有闭合'],
  [/^unterminated \/\* comment/, () => '注释 /* 没有闭合'],
];

function syntaxViolation(sql: string, err: unknown): PolicyViolation {
  const e = err as { message?: string; sqlDetails?: { message?: string; cursorPosition?: number } };
  const raw = e.sqlDetails?.message ?? e.message ?? String(err);
  const pos = e.sqlDetails?.cursorPosition;
  let where = '';
  if (typeof pos === 'number' && pos >= 0) {
    const before = sql.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    where = `（第 ${line} 行第 ${col} 列）`;
  }
  const phrase = SYNTAX_PHRASES.map(([re, f]) => {
    const m = raw.match(re);
    return m ? f(m) : null;
  }).find((x) => x !== null);
  return { rule: 'syntax', column: null, message: `SQL 语法错误${where}：${phrase ? `${phrase}（${raw}）` : raw}` };
}

// ── Lineage ──

type Mode = 'direct' | 'arith' | 'func' | 'other';
const RANK: Record<Mode, number> = { direct: 0, arith: 1, func: 2, other: 3 };
const worse = (a: Mode, b: Mode): Mode => (RANK[a] >= RANK[b] ? a : b);

interface Source {
  view: SandboxView;
  column: SandboxColumn;
  /** `view.column`, as refusals name it. */
  label: string;
}
interface Lineage {
  src: Source;
  mode: Mode;
}
/** A column a FROM item exposes: a view's column or a subquery's output, with what it is computed from. */
interface RelColumn {
  name: string;
  /** Empty when computed from constants alone. */
  lineage: Lineage[];
}
interface ViewUse {
  view: SandboxView;
  alias: string;
  /** The `{ RangeVar }` node in the tree (rewritten in place under differential privacy). */
  node: PgNode;
}
interface Entry {
  alias: string;
  columns: RelColumn[];
  view?: ViewUse;
  block?: Block;
  /** The merged columns of a `JOIN … USING (…)`: reached by their bare names only, never qualified. */
  merged?: true;
  /** Names a USING join merged: reached in this entry only qualified (`a.k`); bare `k` is the merged column. */
  shadowed?: Set<string>;
}
interface Block {
  stmt: PgNode;
  entries: Entry[];
  columns: RelColumn[];
  /** It, or a block it reads, has a WHERE. */
  filtered: boolean;
  /** Its hidden subject columns, once exposed to an outer aggregating block. */
  exposed?: Array<{ view: SandboxView; name: string | null }>;
}
interface Cte {
  block: Block;
  columns: RelColumn[];
}

type Place = 'derive' | 'output' | 'where' | 'group' | 'having' | 'order' | 'on';
interface Ctx {
  scope: Entry[];
  place: Place;
  /** The block aggregates (outputs must be grouped or aggregated). */
  aggregating: boolean;
  /** Keys of the GROUP BY expressions (aggregating block, outside aggregates). */
  groupKeys: Set<string> | null;
  inAgg: SandboxAggregate | null;
  mode: Mode;
}
interface Info {
  lineage: Lineage[];
  agg: boolean;
}
const CONST: Info = { lineage: [], agg: false };

interface AggUse {
  name: SandboxAggregate;
  body: PgNode;
  arg: PgNode | null;
  lineage: Lineage[];
  place: Place;
}

const policyLabel = (s: Source) => `${s.label}（${COLUMN_POLICY_LABELS[s.column.policy]}）`;

// ── The check ──

class Checker {
  private readonly views = new Map<string, SandboxView>();
  private readonly uses: ViewUse[] = [];
  private readonly aggs: AggUse[] = [];
  private hiddenSeq = 0;

  constructor(views: readonly SandboxView[]) {
    for (const v of views) this.views.set(v.name, v);
  }

  check(tree: PgNode): CheckedQuery {
    const stmts = (tree.stmts ?? []) as PgNode[];
    if (stmts.length !== 1) {
      refuse('one_select', null, stmts.length === 0 ? '没有可执行的语句：请提交一条 SELECT 查询' : `一次只能提交一条 SELECT 语句，收到 ${stmts.length} 条`);
    }
    const [kind, stmt] = kindOf((stmts[0] as PgNode).stmt as PgNode);
    if (kind !== 'SelectStmt') {
      refuse('one_select', null, `沙箱只执行 SELECT 查询，不能执行 ${STATEMENT_NAMES[kind] ?? kind.replace(/Stmt$/, '')} 语句`);
    }
    faithfulDeparse(tree);
    if (stmt.op !== 'SETOP_NONE') return this.setOperation(stmt);
    return this.top(stmt);
  }

  // ── Statement shapes ──

  private common(stmt: PgNode): void {
    if (stmt.intoClause) refuse('construct_not_allowed', null, '不能使用 SELECT … INTO 建表');
    if (stmt.lockingClause?.length) refuse('construct_not_allowed', null, '不能使用 FOR UPDATE / FOR SHARE 等行锁');
    if (stmt.windowClause?.length) refuse('function_not_allowed', null, '不能使用窗口函数（WINDOW 子句）');
    if (stmt.valuesLists?.length) refuse('construct_not_allowed', null, '不能使用 VALUES 构造数据行');
    for (const t of (stmt.targetList ?? []) as PgNode[]) this.checkName(t.ResTarget?.name as string | undefined);
  }

  private checkName(name: string | undefined): void {
    if (name && name.toLowerCase().startsWith(HIDDEN_PREFIX)) {
      refuse('construct_not_allowed', null, `名称 ${name} 以 ${HIDDEN_PREFIX} 开头，这是平台保留的前缀`);
    }
  }

  private withClause(stmt: PgNode, ctes: Map<string, Cte>): Map<string, Cte> {
    const w = stmt.withClause as PgNode | undefined;
    if (!w) return ctes;
    if (w.recursive) refuse('construct_not_allowed', null, '不能使用 WITH RECURSIVE');
    const inScope = new Map(ctes);
    for (const c of (w.ctes ?? []) as PgNode[]) {
      const cte = c.CommonTableExpr as PgNode;
      const name = String(cte.ctename);
      this.checkName(name);
      if (cte.search_clause || cte.cycle_clause) refuse('construct_not_allowed', null, `WITH ${name} 不能使用 SEARCH / CYCLE`);
      const q = cte.ctequery?.SelectStmt as PgNode | undefined;
      if (!q) refuse('construct_not_allowed', null, `WITH ${name} 中只能是 SELECT，不能写入数据`);
      const block = this.derived(q, inScope, `WITH ${name}`);
      const aliases = names(cte.aliascolnames);
      aliases.forEach((a) => this.checkName(a));
      const columns = block.columns.map((col, i) => ({ name: aliases[i] ?? col.name, lineage: col.lineage }));
      inScope.set(name, { block, columns });
    }
    return inScope;
  }

  /** A subquery or CTE: selects rows, does not aggregate. */
  private derived(stmt: PgNode, outer: Map<string, Cte>, what: string): Block {
    if (stmt.op !== 'SETOP_NONE') refuse('construct_not_allowed', null, `${what}中不能使用 UNION / INTERSECT / EXCEPT（集合运算只能在最外层，且只作用于明文字段）`);
    this.common(stmt);
    const ctes = this.withClause(stmt, outer);
    if (!stmt.fromClause?.length) refuse('construct_not_allowed', null, `${what}必须读取授权的视图`);
    if (stmt.groupClause?.length || stmt.havingClause) refuse('construct_not_allowed', null, `${what}中不能分组：聚合只能在最外层查询中进行`);
    if (stmt.distinctClause) refuse('construct_not_allowed', null, `${what}中不能使用 DISTINCT`);
    if (stmt.sortClause?.length || stmt.limitCount || stmt.limitOffset) {
      refuse('construct_not_allowed', null, `${what}中不能使用 ORDER BY / LIMIT / OFFSET（取前几行可以单独挑出个人）`);
    }
    const entries = this.from(stmt.fromClause as PgNode[], ctes);
    const base = { scope: entries, aggregating: false, groupKeys: null, inAgg: null, mode: 'direct' as Mode };
    if (stmt.whereClause) this.where(stmt.whereClause as PgNode, { ...base, place: 'where' });
    const columns: RelColumn[] = [];
    for (const t of (stmt.targetList ?? []) as PgNode[]) {
      const r = t.ResTarget as PgNode;
      const star = this.star(r.val as PgNode, entries);
      if (star) {
        columns.push(...star);
        continue;
      }
      const info = this.expr(r.val as PgNode, { ...base, place: 'derive' });
      if (info.agg) refuse('construct_not_allowed', null, `${what}中不能使用聚合函数：聚合只能在最外层查询中进行`);
      columns.push({ name: (r.name as string | undefined) ?? defaultName(r.val as PgNode), lineage: info.lineage });
    }
    return { stmt, entries, columns, filtered: Boolean(stmt.whereClause) || entries.some((e) => e.block?.filtered) };
  }

  /** UNION / INTERSECT / EXCEPT: only at the top, each branch a plain SELECT of plain columns. */
  private setOperation(stmt: PgNode): CheckedQuery {
    const ctes = this.withClause(stmt, new Map());
    let first: Block | null = null;
    const branches: PgNode[] = [];
    const collect = (s: PgNode) => {
      if (s.op === 'SETOP_NONE') branches.push(s);
      else {
        if (s !== stmt && (s.sortClause?.length || s.limitCount)) refuse('construct_not_allowed', null, '集合运算的分支中不能使用 ORDER BY / LIMIT');
        // branches are bare SelectStmt bodies
        collect(s.larg as PgNode);
        collect(s.rarg as PgNode);
      }
    };
    collect(stmt);
    for (const b of branches) {
      const block = this.derived(b, ctes, '集合运算的分支');
      for (const col of block.columns) {
        for (const l of col.lineage) {
          if (l.src.column.policy !== 'plain') {
            refuse(l.src.column.policy, l.src.label, `UNION / INTERSECT / EXCEPT 只能作用于明文字段，${policyLabel(l.src)}不能出现在集合运算的结果中`);
          }
        }
      }
      first ??= block;
    }
    if (stmt.lockingClause?.length) refuse('construct_not_allowed', null, '不能使用 FOR UPDATE / FOR SHARE 等行锁');
    const outNames = (first as Block).columns.map((c) => c.name);
    for (const s of (stmt.sortClause ?? []) as PgNode[]) {
      if (s.SortBy.useOp) refuse('construct_not_allowed', null, '不能使用 ORDER BY … USING 运算符');
      const node = s.SortBy.node as PgNode;
      const ordinal = intConst(node);
      const ref = node.ColumnRef ? names(node.ColumnRef.fields) : null;
      if (!(ordinal !== null || (ref?.length === 1 && outNames.includes(ref[0] as string)))) {
        refuse('construct_not_allowed', null, '集合运算的 ORDER BY 只能按输出列的名称或序号排序');
      }
    }
    this.limit(stmt);
    return this.finish(stmt, outNames.map((name) => ({ name, kind: 'plain' })), false, null);
  }

  private limit(stmt: PgNode): void {
    for (const n of [stmt.limitCount, stmt.limitOffset] as Array<PgNode | undefined>) {
      if (n && !isConstant(n)) refuse('construct_not_allowed', null, 'LIMIT / OFFSET 只能是常量');
    }
  }

  /** The outermost SELECT: the only block that may aggregate. */
  private top(stmt: PgNode): CheckedQuery {
    this.common(stmt);
    const ctes = this.withClause(stmt, new Map());
    if (!stmt.fromClause?.length) refuse('construct_not_allowed', null, '查询必须读取授权的视图（FROM 子句）');
    const entries = this.from(stmt.fromClause as PgNode[], ctes);
    const targets = (stmt.targetList ?? []) as PgNode[];
    const aggregating =
      Boolean(stmt.groupClause?.length || stmt.havingClause) ||
      targets.some((t) => hasAggregate(t.ResTarget.val)) ||
      ((stmt.sortClause ?? []) as PgNode[]).some((s) => hasAggregate(s.SortBy.node));
    if (aggregating && entries.some((e) => e.block?.filtered)) {
      refuse(
        'isolating_condition',
        null,
        '聚合查询读取的子查询或 WITH 中带有 WHERE 条件：请把筛选条件移到最外层查询的 WHERE 中（平台逐个检验最外层的筛选条件是否只圈出极少数人，藏在子查询里的条件无法检验）',
      );
    }
    const base = { scope: entries, aggregating, groupKeys: null, inAgg: null, mode: 'direct' as Mode };
    if (stmt.whereClause) this.where(stmt.whereClause as PgNode, { ...base, place: 'where' });

    // GROUP BY: ordinals and output names stand for the output's expression.
    const groupExprs: PgNode[] = [];
    const groupKeys = new Set<string>();
    for (const g of (stmt.groupClause ?? []) as PgNode[]) {
      if (g.GroupingSet) refuse('construct_not_allowed', null, '不能使用 GROUPING SETS / ROLLUP / CUBE');
      const e = this.outputRef(g, targets, entries, 'group') ?? g;
      const info = this.expr(e, { ...base, place: 'group' });
      if (info.agg) refuse('construct_not_allowed', null, 'GROUP BY 中不能使用聚合函数');
      groupExprs.push(e);
      groupKeys.add(this.key(e, entries));
    }
    if (stmt.groupDistinct) refuse('construct_not_allowed', null, '不能使用 GROUP BY DISTINCT');

    const outCtx: Ctx = { ...base, place: 'output', groupKeys: aggregating ? groupKeys : null };
    const outputs: OutputColumn[] = [];
    const targetInfos: Info[] = [];
    for (const t of targets) {
      const r = t.ResTarget as PgNode;
      const star = this.star(r.val as PgNode, entries);
      if (star) {
        if (aggregating) refuse('construct_not_allowed', null, '分组聚合查询中不能使用 *，请列出分组键和聚合');
        for (const col of star) {
          for (const l of col.lineage) this.allowed({ src: l.src, mode: l.mode }, outCtx);
          outputs.push({ name: col.name, kind: 'plain' });
          targetInfos.push({ lineage: col.lineage, agg: false });
        }
        continue;
      }
      const val = r.val as PgNode;
      const info = this.expr(val, outCtx);
      targetInfos.push(info);
      const name = (r.name as string | undefined) ?? defaultName(val);
      r.name = name; // the result's column names are the outputs' names, whatever PostgreSQL would default to
      const fn = val.FuncCall as PgNode | undefined;
      const aggName = fn && !fn.over && names(fn.funcname).length === 1 ? String(names(fn.funcname)[0]) : '';
      if (AGGREGATES.has(aggName)) {
        const numeric = (aggName === 'min' || aggName === 'max') && this.numericValue(val);
        outputs.push({ name, kind: 'aggregate', aggregate: aggName as SandboxAggregate, ...(numeric ? { numeric: true as const } : {}) });
      } else if (info.agg) outputs.push({ name, kind: 'aggregate', ...(this.numericValue(val) ? { numeric: true as const } : {}) });
      else outputs.push({ name, kind: aggregating ? 'group_key' : 'plain' });
    }
    if (stmt.havingClause) this.expr(stmt.havingClause as PgNode, { ...outCtx, place: 'having' });
    for (const s of (stmt.sortClause ?? []) as PgNode[]) {
      if (s.SortBy.useOp) refuse('construct_not_allowed', null, '不能使用 ORDER BY … USING 运算符');
      const node = s.SortBy.node as PgNode;
      // ordinals count the columns * expands to, as targetInfos does
      const i = this.outputIndex(node, targets, entries, 'order', targetInfos.length);
      if (i !== null) {
        if ((targetInfos[i] as Info).agg) this.aggs.push({ name: 'count', body: {}, arg: null, lineage: [], place: 'order' });
        continue;
      }
      this.expr(node, { ...outCtx, place: 'order' });
    }
    if (stmt.distinctClause) {
      if ((stmt.distinctClause as PgNode[]).some((d) => Object.keys(d).length > 0)) refuse('construct_not_allowed', null, '不能使用 DISTINCT ON');
      if (aggregating) refuse('construct_not_allowed', null, '分组聚合查询中不能再用 DISTINCT');
    }
    this.limit(stmt);
    return this.finish(stmt, outputs, aggregating, aggregating ? { entries, groupExprs } : null);
  }

  /**
   * Whether an aggregating output is a number computed over the group (for the release scan):
   * COUNT, SUM and AVG; MIN and MAX of columns declared numeric and not personal information (a
   * mobile number stored as a number is a value of the data), directly or through arithmetic; and
   * arithmetic, ROUND, FLOOR, CEIL and ABS of those and numeric constants. Anything else — MIN of a
   * text column, a cast, CASE — may be a value of the data and is not.
   */
  private numericValue(node: PgNode): boolean {
    const [kind, b] = kindOf(node);
    switch (kind) {
      case 'A_Const':
        return Boolean(b.ival || b.fval);
      case 'A_Expr': {
        if (b.kind !== 'AEXPR_OP' || !ARITHMETIC.has(names(b.name).join('.'))) return false;
        return [b.lexpr, b.rexpr].filter(Boolean).every((o) => this.numericValue(o as PgNode));
      }
      case 'FuncCall': {
        const path = names(b.funcname);
        const name = path.length === 1 ? String(path[0]) : '';
        if (b.over) return false;
        if (name === 'count' || name === 'sum' || name === 'avg') return true;
        if (name === 'min' || name === 'max') {
          const lineage = this.aggs.find((a) => a.body === b)?.lineage ?? [];
          return lineage.length > 0 && lineage.every((l) => NUMERIC_TYPES.has(l.src.column.type) && !l.src.column.piiKind && RANK[l.mode] <= RANK.arith);
        }
        const args = (b.args ?? []) as PgNode[];
        return NUMERIC_FUNCTIONS.has(name) && args.length >= 1 && this.numericValue(args[0] as PgNode);
      }
      default:
        return false;
    }
  }

  /** The output a GROUP BY / ORDER BY item names by ordinal or by output name, if it does. */
  private outputIndex(node: PgNode, targets: PgNode[], scope: Entry[], place: 'group' | 'order', width = targets.length): number | null {
    const ordinal = intConst(node);
    if (ordinal !== null) {
      if (ordinal < 1 || ordinal > width) refuse('construct_not_allowed', null, `${place === 'group' ? 'GROUP BY' : 'ORDER BY'} 的序号 ${ordinal} 超出输出列的范围`);
      return ordinal - 1;
    }
    const ref = node.ColumnRef ? names(node.ColumnRef.fields) : null;
    if (ref?.length !== 1) return null;
    const name = ref[0] as string;
    const i = targets.findIndex((t) => t.ResTarget.name === name);
    if (i < 0) return null;
    // GROUP BY prefers an input column of that name, ORDER BY the output (as PostgreSQL does).
    if (place === 'group' && scope.some((e) => e.columns.some((c) => c.name === name))) return null;
    return i;
  }

  private outputRef(node: PgNode, targets: PgNode[], scope: Entry[], place: 'group' | 'order'): PgNode | null {
    const i = this.outputIndex(node, targets, scope, place);
    if (i === null) return null;
    const val = targets[i]?.ResTarget.val as PgNode;
    if (this.star(val, scope)) refuse('construct_not_allowed', null, `GROUP BY 不能指向 *`);
    return val;
  }

  // ── FROM ──

  private from(items: PgNode[], ctes: Map<string, Cte>): Entry[] {
    const entries: Entry[] = [];
    for (const item of items) this.fromItem(item, ctes, entries);
    return entries;
  }

  private fromItem(item: PgNode, ctes: Map<string, Cte>, entries: Entry[]): void {
    const [kind, b] = kindOf(item);
    switch (kind) {
      case 'RangeVar': {
        const rel = String(b.relname);
        if (b.schemaname || b.catalogname) {
          const full = [b.catalogname, b.schemaname, rel].filter(Boolean).join('.');
          refuse('relation_not_allowed', null, `不能引用带模式名的关系 ${full}：只能查询授权的视图，用带双引号的名称，如 "HN-GAT-0001"`);
        }
        const alias = (b.alias?.aliasname as string | undefined) ?? rel;
        this.checkName(alias);
        const colAliases = names(b.alias?.colnames);
        colAliases.forEach((a) => this.checkName(a));
        const cte = ctes.get(rel);
        if (cte) {
          entries.push({ alias, block: cte.block, columns: cte.columns.map((c, i) => ({ name: colAliases[i] ?? c.name, lineage: c.lineage })) });
          return;
        }
        const view = this.views.get(rel);
        if (!view) {
          refuse('relation_not_allowed', null, `关系 "${rel}" 不是授权给你的视图：只能查询授权的视图，名称须与视图名完全一致（含大小写，用双引号）`);
        }
        const use: ViewUse = { view, alias, node: item };
        this.uses.push(use);
        entries.push({
          alias,
          view: use,
          columns: view.columns.map((c, i) => ({
            name: colAliases[i] ?? c.name,
            lineage: [{ src: { view, column: c, label: `${view.name}.${c.name}` }, mode: 'direct' }],
          })),
        });
        return;
      }
      case 'RangeSubselect': {
        if (b.lateral) refuse('construct_not_allowed', null, '不能使用 LATERAL 子查询');
        const q = b.subquery?.SelectStmt as PgNode;
        const alias = (b.alias?.aliasname as string | undefined) ?? '';
        this.checkName(alias);
        const colAliases = names(b.alias?.colnames);
        colAliases.forEach((a) => this.checkName(a));
        const block = this.derived(q, ctes, '子查询');
        entries.push({ alias, block, columns: block.columns.map((c, i) => ({ name: colAliases[i] ?? c.name, lineage: c.lineage })) });
        return;
      }
      case 'JoinExpr': {
        // NATURAL JOIN joins on every column the two sides share, restricted ones included, without naming them.
        if (b.isNatural) refuse('construct_not_allowed', null, '不能使用 NATURAL JOIN（它按两边所有同名字段关联，不写明字段），请写明 JOIN … ON 或 JOIN … USING (…) 的关联字段');
        if (b.alias || b.join_using_alias) refuse('construct_not_allowed', null, '不能给 JOIN 整体起别名');
        const left: Entry[] = [];
        const right: Entry[] = [];
        this.fromItem(b.larg as PgNode, ctes, left);
        this.fromItem(b.rarg as PgNode, ctes, right);
        const both = [...left, ...right];
        const ctx: Ctx = { scope: both, place: 'on', aggregating: false, groupKeys: null, inAgg: null, mode: 'direct' };
        // USING (k) is the join condition `left.k = right.k`; bare `k` then names the merged column,
        // computed from both sides: it carries both lineages, so the stricter policy of the two governs it.
        const merged: RelColumn[] = [];
        for (const n of names(b.usingClause)) {
          if (merged.some((c) => c.name === n)) refuse('construct_not_allowed', n, `JOIN … USING 中的字段 ${n} 重复`);
          const l = this.joinOperand(colRef(n), { ...ctx, scope: left });
          const r = this.joinOperand(colRef(n), { ...ctx, scope: right });
          merged.push({ name: n, lineage: [...l.lineage, ...r.lineage] });
        }
        for (const c of conjuncts(b.quals as PgNode | undefined)) {
          const e = c.A_Expr as PgNode | undefined;
          if (!(e && e.kind === 'AEXPR_OP' && names(e.name).join('.') === '=' && e.lexpr?.ColumnRef && e.rexpr?.ColumnRef)) {
            refuse('construct_not_allowed', null, 'JOIN … ON 只能是两个字段的等值条件（a.x = b.y，可用 AND 连接），其余筛选条件请写在 WHERE 中');
          }
          this.joinOperand(e.lexpr as PgNode, ctx);
          this.joinOperand(e.rexpr as PgNode, ctx);
        }
        if (merged.length) {
          for (const e of both) {
            for (const c of merged) if (e.columns.some((x) => x.name === c.name)) (e.shadowed ??= new Set()).add(c.name);
          }
          // first, as `*` lists the merged columns before the others (PostgreSQL's order)
          entries.push({ alias: '', columns: merged, merged: true });
        }
        entries.push(...both);
        return;
      }
      case 'RangeFunction':
        refuse('function_not_allowed', null, 'FROM 中不能调用函数，只能查询授权的视图');
      // falls through (refuse never returns)
      case 'RangeTableSample':
        refuse('construct_not_allowed', null, '不能使用 TABLESAMPLE 抽样');
      // falls through
      default:
        refuse('construct_not_allowed', null, `FROM 中不支持 ${kind}，只能查询授权的视图、子查询和 WITH`);
    }
  }

  private joinOperand(ref: PgNode, ctx: Ctx): RelColumn {
    const col = this.resolve(ref.ColumnRef as PgNode, ctx.scope);
    if (col.lineage.length === 0) refuse('construct_not_allowed', null, `关联字段 ${col.name} 必须来自授权的视图`);
    for (const l of col.lineage) this.allowed(l, ctx, 'join');
    return col;
  }

  // ── Names ──

  private resolve(ref: PgNode, scope: Entry[]): RelColumn {
    return this.lookup(ref, scope).col;
  }

  private lookup(ref: PgNode, scope: Entry[]): { col: RelColumn; id: string } {
    const path = names(ref.fields);
    if (path.includes('*')) refuse('construct_not_allowed', null, '* 只能单独作为输出列（SELECT * 或 SELECT v.*）');
    if (path.length > 2) refuse('relation_not_allowed', null, `不能使用带模式名的字段引用 ${path.join('.')}`);
    const name = path[path.length - 1] as string;
    if (path.length === 2) {
      const i = scope.findIndex((e) => !e.merged && e.alias === path[0]);
      const col = scope[i]?.columns.find((c) => c.name === name);
      if (!col) refuse('unknown_column', path.join('.'), i < 0 ? `查询中没有名为 ${path[0]} 的表或别名` : `${path[0]} 中没有字段 ${name}`);
      return { col, id: `${i}:${name}` };
    }
    let found: { col: RelColumn; id: string } | null = null;
    scope.forEach((e, i) => {
      const col = e.shadowed?.has(name) ? undefined : e.columns.find((c) => c.name === name);
      if (!col) return;
      if (found) refuse('unknown_column', name, `字段 ${name} 有歧义，请写明表名或别名，如 v.${name}`);
      found = { col, id: `${i}:${name}` };
    });
    if (!found) refuse('unknown_column', name, `没有字段 ${name}`);
    return found;
  }

  /** The columns `*` or `alias.*` stands for (null when `node` is not a star); refused unless all are plain. */
  private star(node: PgNode, scope: Entry[]): RelColumn[] | null {
    const fields = node.ColumnRef?.fields as PgNode[] | undefined;
    if (!fields || !fields[fields.length - 1]?.A_Star) return null;
    const path = names(fields);
    if (path.length > 2) refuse('relation_not_allowed', null, `不能使用带模式名的引用 ${path.join('.')}`);
    let cols: RelColumn[];
    if (path.length === 2) {
      const e = scope.find((x) => !x.merged && x.alias === path[0]);
      if (!e) refuse('unknown_column', path.join('.'), `查询中没有名为 ${path[0]} 的表或别名`);
      cols = e.columns;
    } else cols = scope.flatMap((e) => e.columns.filter((c) => !e.shadowed?.has(c.name)));
    for (const c of cols) {
      for (const l of c.lineage) {
        if (l.src.column.policy !== 'plain') {
          refuse(l.src.column.policy, l.src.label, `* 只能展开全为明文的字段：${policyLabel(l.src)}不能输出，请逐个列出可输出的字段`);
        }
      }
    }
    return cols;
  }

  private key(node: PgNode, scope: Entry[]): string {
    return exprKey(node, (ref) => this.lookup(ref, scope).id);
  }

  // ── Column policies ──

  /** Whether a value of `l`'s source may be used where `ctx` says; refuses naming the rule and column. */
  private allowed(l: Lineage, ctx: Ctx, special?: 'cmp' | 'join'): void {
    const s = l.src;
    const rank = RANK[l.mode];
    const { place, inAgg } = ctx;
    const shown = place === 'output' || place === 'having' || place === 'order';
    switch (s.column.policy) {
      case 'plain':
        if (shown && ctx.aggregating && !inAgg) {
          refuse('construct_not_allowed', s.label, `${s.label} 须出现在 GROUP BY 中，或放在聚合函数内`);
        }
        return;
      case 'hidden':
        return refuse('hidden', s.label, `${s.label} 不可见，不能在查询中引用`);
      case 'aggregate_only':
        if (inAgg) {
          if (rank <= RANK.arith) return;
          return refuse('aggregate_argument', s.label, `${policyLabel(s)}：聚合函数的参数只能是字段、常量和四则运算，不能用 CASE、类型转换或其他函数`);
        }
        if (place === 'derive' && rank <= RANK.arith) return;
        return refuse(
          'aggregate_only',
          s.label,
          `${s.label} 仅可聚合：只能作为 SUM/AVG/COUNT/MIN/MAX 的参数使用${place === 'order' ? '，不能用于排序' : place === 'where' ? '，不能用于筛选' : ''}`,
        );
      case 'filter_only':
        if (!inAgg && l.mode === 'direct' && ((place === 'where' && special === 'cmp') || place === 'derive')) return;
        return refuse('filter_only', s.label, `${s.label} 仅可筛选：只能在 WHERE 中与常量比较（= <> < <= > >= IN BETWEEN IS NULL），不能输出、聚合或做模式匹配`);
      case 'join_key':
        if (!inAgg && l.mode === 'direct' && (special === 'join' || place === 'derive')) return;
        return refuse('join_key', s.label, `${s.label} 仅可关联：只能用于 JOIN … ON 的等值条件，不能输出、筛选或聚合`);
      case 'group_key':
        if (inAgg) {
          if (inAgg === 'count' && rank <= RANK.func) return;
          return refuse('group_key', s.label, `${s.label} 是分组键：只能分组输出，在聚合函数中只能计数（COUNT）`);
        }
        if (special && l.mode === 'direct') return;
        if ((place === 'derive' || place === 'group') && rank <= RANK.func) return;
        if (place === 'where') return refuse('group_key', s.label, `${s.label} 是分组键：在 WHERE 中只能与常量比较（= <> < <= > >= IN BETWEEN IS NULL），不能做模式匹配`);
        if (place === 'derive' || place === 'group') return refuse('group_key', s.label, `${s.label} 是分组键：不能用于 CASE、类型转换、比较或模式匹配`);
        return refuse(
          'group_key',
          s.label,
          ctx.aggregating ? `${s.label} 是分组键：须出现在 GROUP BY 中才能输出或排序` : `${s.label} 是分组键：只能在分组聚合查询（GROUP BY）中按组输出`,
        );
    }
  }

  private column(ref: PgNode, ctx: Ctx, special?: 'cmp' | 'join'): Info {
    const col = this.resolve(ref, ctx.scope);
    const lineage = col.lineage.map((l) => ({ src: l.src, mode: worse(l.mode, ctx.mode) }));
    for (const l of lineage) this.allowed(l, ctx, special);
    return { lineage, agg: false };
  }

  // ── WHERE ──

  private where(node: PgNode, ctx: Ctx): void {
    const [kind, b] = kindOf(node);
    if (kind === 'BoolExpr') {
      for (const a of b.args as PgNode[]) this.where(a, ctx);
      return;
    }
    if (kind === 'ColumnRef') {
      this.column(b, ctx, 'cmp');
      return;
    }
    if (kind === 'NullTest' || kind === 'BooleanTest') {
      if (b.arg?.ColumnRef) this.column(b.arg.ColumnRef as PgNode, ctx, 'cmp');
      else this.expr(node, ctx);
      return;
    }
    if (kind === 'A_Expr') {
      const op = names(b.name).join('.');
      const compares =
        (b.kind === 'AEXPR_OP' && COMPARISON.has(op)) ||
        b.kind === 'AEXPR_DISTINCT' ||
        b.kind === 'AEXPR_NOT_DISTINCT' ||
        (b.kind === 'AEXPR_IN' && (op === '=' || op === '<>')) ||
        (typeof b.kind === 'string' && b.kind.startsWith('AEXPR_BETWEEN')) ||
        (typeof b.kind === 'string' && b.kind.startsWith('AEXPR_NOT_BETWEEN'));
      if (compares) {
        const l = b.lexpr as PgNode | undefined;
        const r = b.rexpr as PgNode | undefined;
        if (l?.ColumnRef && isConstant(r)) return void this.column(l.ColumnRef as PgNode, ctx, 'cmp');
        if (r?.ColumnRef && isConstant(l) && b.kind === 'AEXPR_OP') return void this.column(r.ColumnRef as PgNode, ctx, 'cmp');
      }
    }
    this.expr(node, ctx);
  }

  // ── Expressions ──

  private expr(node: PgNode, ctx: Ctx): Info {
    if (ctx.groupKeys && !ctx.inAgg && !node.A_Const && ctx.groupKeys.has(this.key(node, ctx.scope))) return CONST;
    const [kind, b] = kindOf(node);
    switch (kind) {
      case 'ColumnRef':
        return this.column(b, ctx);
      case 'A_Const':
        return CONST;
      case 'TypeCast': {
        const type = names(b.typeName?.names).filter((n) => n !== 'pg_catalog').join('.');
        if (!CAST_TYPES.has(type) || b.typeName?.arrayBounds) refuse('function_not_allowed', null, `不能转换为类型 ${type || '?'}`);
        if (isConstant(b.arg as PgNode)) return CONST;
        return this.expr(b.arg as PgNode, { ...ctx, mode: worse(ctx.mode, 'other') });
      }
      case 'A_Expr':
        return this.aExpr(b, ctx);
      case 'BoolExpr':
      case 'NullTest':
      case 'BooleanTest': {
        const args = kind === 'BoolExpr' ? (b.args as PgNode[]) : [b.arg as PgNode];
        return this.all(args, { ...ctx, mode: worse(ctx.mode, 'other') });
      }
      case 'FuncCall':
        return this.funcCall(b, ctx);
      case 'CaseExpr': {
        const parts: PgNode[] = [];
        if (b.arg) parts.push(b.arg as PgNode);
        for (const w of b.args as PgNode[]) parts.push(w.CaseWhen.expr as PgNode, w.CaseWhen.result as PgNode);
        if (b.defresult) parts.push(b.defresult as PgNode);
        return this.all(parts, { ...ctx, mode: worse(ctx.mode, 'other') });
      }
      case 'CoalesceExpr':
      case 'MinMaxExpr':
        return this.all(b.args as PgNode[], { ...ctx, mode: worse(ctx.mode, 'func') });
      case 'SQLValueFunction':
        if (DATE_TIME_VALUE_FUNCTIONS.has(String(b.op))) return CONST;
        return refuse('function_not_allowed', null, '不能读取当前用户、角色、库或模式等服务器信息');
      case 'SubLink':
        return refuse('construct_not_allowed', null, '表达式中不能使用子查询（IN/EXISTS/标量子查询），请改用 JOIN 或 WITH');
      case 'ParamRef':
        return refuse('construct_not_allowed', null, '不能使用参数占位符 $n');
      default:
        return refuse('construct_not_allowed', null, `不支持的表达式（${kind}）`);
    }
  }

  private all(nodes: PgNode[], ctx: Ctx): Info {
    const lineage: Lineage[] = [];
    let agg = false;
    for (const n of nodes) {
      if (!n) continue;
      if (n.List) {
        const inner = this.all(n.List.items as PgNode[], ctx);
        lineage.push(...inner.lineage);
        agg ||= inner.agg;
        continue;
      }
      const i = this.expr(n, ctx);
      lineage.push(...i.lineage);
      agg ||= i.agg;
    }
    return { lineage, agg };
  }

  private aExpr(b: PgNode, ctx: Ctx): Info {
    const op = names(b.name).join('.');
    const operands = [b.lexpr, b.rexpr].filter(Boolean) as PgNode[];
    switch (b.kind) {
      case 'AEXPR_OP':
        if (ARITHMETIC.has(op)) {
          const sub = { ...ctx, mode: worse(ctx.mode, 'arith') };
          if ((op === '/' || op === '%') && b.rexpr) {
            const divisor = b.rexpr as PgNode;
            if (isConstant(divisor)) {
              const n = constantNumber(divisor);
              if (n === null || n === 0) refuse('construct_not_allowed', null, '常量除数须是不为 0 的数字');
            } else {
              const d = this.expr(divisor, sub);
              const restricted = d.lineage.find((l) => l.src.column.policy !== 'plain');
              if (restricted) {
                refuse(restricted.src.column.policy, restricted.src.label, `${policyLabel(restricted.src)}不能作除数（除以零的报错会透露它的取值）`);
              }
            }
          }
          const info = this.all(operands, sub);
          for (const o of operands) numericForArithmetic(o, info);
          return info;
        }
        if (COMPARISON.has(op)) return this.all(operands, { ...ctx, mode: worse(ctx.mode, 'other') });
        if (op === '||') return this.all(operands, { ...ctx, mode: worse(ctx.mode, 'func') });
        return refuse('function_not_allowed', null, `运算符 ${op} 不在允许的列表中（允许 + - * / % 、比较和 ||）`);
      case 'AEXPR_NULLIF':
        return this.all(operands, { ...ctx, mode: worse(ctx.mode, 'func') });
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT':
      case 'AEXPR_IN':
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN':
      case 'AEXPR_BETWEEN_SYM':
      case 'AEXPR_NOT_BETWEEN_SYM':
        return this.all(operands, { ...ctx, mode: worse(ctx.mode, 'other') });
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE':
      case 'AEXPR_SIMILAR':
        // the pattern is checked as the operand it is, ESCAPE or not
        return this.all([b.lexpr as PgNode, patternOf(b)], { ...ctx, mode: worse(ctx.mode, 'other') });
      default:
        return refuse('construct_not_allowed', null, `不支持的运算（${String(b.kind).replace('AEXPR_', '')}）`);
    }
  }

  private funcCall(b: PgNode, ctx: Ctx): Info {
    const path = names(b.funcname);
    const name = path[path.length - 1] as string;
    if (b.over) refuse('function_not_allowed', null, `不能使用窗口函数 ${name}() OVER (…)`);
    if (path.length > 1 && !(path.length === 2 && path[0] === 'pg_catalog' && b.funcformat === 'COERCE_SQL_SYNTAX' && SQL_SYNTAX_FUNCTIONS.has(name))) {
      refuse('function_not_allowed', null, `不能调用带模式名的函数 ${path.join('.')}`);
    }
    if (AGGREGATES.has(name)) return this.aggregate(name as SandboxAggregate, b, ctx);
    if (!SCALAR_FUNCTIONS.has(name)) refuse('function_not_allowed', null, `函数 ${name} 不在允许的列表中`);
    if (b.agg_star || b.agg_distinct || b.agg_filter || b.agg_order || b.agg_within_group || b.func_variadic) {
      refuse('construct_not_allowed', null, `函数 ${name} 的写法不被允许`);
    }
    const args = (b.args ?? []) as PgNode[];
    scalarArguments(name, args);
    return this.all(args, { ...ctx, mode: worse(ctx.mode, 'func') });
  }

  private aggregate(name: SandboxAggregate, b: PgNode, ctx: Ctx): Info {
    if (ctx.inAgg) refuse('construct_not_allowed', null, '聚合函数不能嵌套');
    if (ctx.place === 'derive') refuse('construct_not_allowed', null, '子查询和 WITH 中不能聚合：聚合只能在最外层查询中进行');
    if (ctx.place === 'where' || ctx.place === 'group' || ctx.place === 'on') refuse('construct_not_allowed', null, 'WHERE、GROUP BY 和 JOIN 条件中不能使用聚合函数');
    if (b.agg_filter) refuse('aggregate_argument', null, `${name.toUpperCase()} 不能带 FILTER 子句（筛选条件请写在 WHERE 中）`);
    if (b.agg_order?.length || b.agg_within_group || b.func_variadic) refuse('aggregate_argument', null, `${name.toUpperCase()} 中不能排序`);
    if (b.agg_star) {
      if (name !== 'count') refuse('aggregate_argument', null, `${name.toUpperCase()}(*) 不被允许`);
      this.aggs.push({ name, body: b, arg: null, lineage: [], place: ctx.place });
      return { lineage: [], agg: true };
    }
    const args = (b.args ?? []) as PgNode[];
    if (args.length !== 1) refuse('aggregate_argument', null, `${name.toUpperCase()} 只能有一个参数`);
    const arg = args[0] as PgNode;
    const info = this.expr(arg, { ...ctx, inAgg: name, mode: 'direct', groupKeys: null });
    if (info.agg) refuse('construct_not_allowed', null, '聚合函数不能嵌套');
    this.aggs.push({ name, body: b, arg, lineage: info.lineage, place: ctx.place });
    return { lineage: [], agg: true };
  }

  // ── The SQL to run ──

  private finish(
    stmt: PgNode,
    outputs: OutputColumn[],
    aggregated: boolean,
    agg: { entries: Entry[]; groupExprs: PgNode[] } | null,
  ): CheckedQuery {
    const read = [...new Set(this.uses.map((u) => u.view))];
    const minGroupSize = read.reduce((m, v) => Math.max(m, v.minGroupSize), 0);
    const dp = read.some((v) => v.dp);
    const hiddenColumns: string[] = [];
    const probes: CheckedQuery['probes'] = [];
    let subjectsColumn: string | null = null;

    if (agg) {
      const targets = stmt.targetList as PgNode[];
      if (dp) {
        this.differentialPrivacy(targets, outputs, hiddenColumns);
        this.boundContributions();
      }
      const subjects = this.subjects(agg.entries);
      targets.push(resTarget(subjects(), SUBJECTS_COLUMN));
      hiddenColumns.push(SUBJECTS_COLUMN);
      subjectsColumn = SUBJECTS_COLUMN;
      const conds = conjuncts(stmt.whereClause as PgNode | undefined);
      // kept: the subjects meeting `kept`, among those of `where`; base: all of `where`'s.
      const probe = (condition: PgNode, kept: PgNode, where: PgNode[]) => {
        const body: PgNode = {
          targetList: [resTarget(subjects(kept), 'kept'), resTarget(subjects(), 'base')],
          fromClause: stmt.fromClause,
          limitOption: 'LIMIT_OPTION_DEFAULT',
          op: 'SETOP_NONE',
        };
        if (stmt.withClause) body.withClause = stmt.withClause;
        const w = and(where);
        if (w) body.whereClause = w;
        if (agg.groupExprs.length) body.groupClause = agg.groupExprs;
        if (probes.length >= MAX_PROBES) {
          refuse('construct_not_allowed', null, `筛选条件过多：平台逐个检验每个条件（含 OR 和 IN 列表的每一项），最多 ${MAX_PROBES} 项，请减少条件`);
        }
        probes.push({ condition: deparseSync(condition, { pretty: false }), sql: deparseSync({ SelectStmt: body }, { pretty: false }) });
      };
      conds.forEach((c, i) => {
        const others = conds.filter((_, j) => j !== i);
        // Removing the condition: does it leave out a few subjects?
        probe(c, c, others);
        // Each alternative of an OR or an IN list: does adding it bring in a few subjects?
        for (const alt of alternatives(c)) probe(alt.condition, alt.rest, conds);
        // Each value of a NOT IN list: does excluding it leave out a few subjects?
        for (const ex of exclusions(c)) probe(ex.condition, c, [...others, ex.rest]);
      });
    }
    return {
      sql: deparseSync({ SelectStmt: stmt }, { pretty: false }),
      outputs,
      views: read.map((v) => v.name),
      aggregated,
      subjectsColumn,
      minGroupSize,
      probes,
      hiddenColumns,
      dp,
    };
  }

  /**
   * The number of distinct subjects of a group (optionally of the rows meeting `filter`): `count(*)`
   * when one view whose rows are its subjects is read, else the least of `count(DISTINCT subject)`
   * over the views read — each view's subject column brought up through the subqueries and CTEs
   * that read it as a hidden column.
   */
  private subjects(entries: Entry[]): (filter?: PgNode) => PgNode {
    const read = instances(entries);
    const rows = (filter?: PgNode) => funcCall('count', [], { star: true, filter });
    if (read.length === 1 && (read[0]?.subjectUnique || !read[0]?.subjectColumn)) return rows;
    if (read.every((v) => !v.subjectColumn)) return rows;
    const keyed = this.subjectRefs(entries).flatMap((r) => (r.expr ? [r.expr] : []));
    return (filter) => minMax('IS_LEAST', keyed.map((e) => funcCall('count', [e], { distinct: true, filter })));
  }

  private subjectRefs(entries: Entry[]): Array<{ view: SandboxView; expr: PgNode | null }> {
    const out: Array<{ view: SandboxView; expr: PgNode | null }> = [];
    for (const e of entries) {
      const at = (col: string) => (e.alias ? colRef(e.alias, col) : colRef(col));
      if (e.view) out.push({ view: e.view.view, expr: e.view.view.subjectColumn ? at(e.view.view.subjectColumn) : null });
      else if (e.block) for (const x of this.expose(e.block)) out.push({ view: x.view, expr: x.name ? at(x.name) : null });
    }
    return out;
  }

  private expose(block: Block): Array<{ view: SandboxView; name: string | null }> {
    if (block.exposed) return block.exposed;
    const exposed = this.subjectRefs(block.entries).map((r) => {
      if (!r.expr) return { view: r.view, name: null };
      const name = `${HIDDEN_PREFIX}s${++this.hiddenSeq}`;
      (block.stmt.targetList as PgNode[]).push(resTarget(r.expr, name));
      return { view: r.view, name };
    });
    block.exposed = exposed;
    return exposed;
  }

  /**
   * Differential privacy (002 第十一条): only COUNT, SUM and AVG as whole outputs; each becomes
   * hidden columns the executor adds noise to (SUM/AVG arguments clamped to the field's bounds), and
   * the output's own cell is NULL until then.
   */
  private differentialPrivacy(targets: PgNode[], outputs: OutputColumn[], hidden: string[]): void {
    if (this.uses.length > 1) refuse('dp_unsupported', null, '差分隐私保护的数据一次只能查询一个视图（关联会放大单个主体的影响）');
    const use = this.uses[0] as ViewUse;
    const view = use.view;
    const m = view.subjectUnique || !view.subjectColumn ? 1 : (view.dp?.maxRowsPerSubject ?? 1);
    for (const a of this.aggs) {
      const col = a.lineage[0]?.src.label ?? null;
      if (a.name === 'min' || a.name === 'max') refuse('dp_unsupported', col, `差分隐私下不能使用 ${a.name.toUpperCase()}，只能用 COUNT、SUM、AVG`);
      if (a.place !== 'output') refuse('dp_unsupported', col, '差分隐私下聚合结果只能直接输出，不能用于 HAVING 或 ORDER BY');
    }
    targets.forEach((t, i) => {
      const r = t.ResTarget as PgNode;
      const out = outputs[i] as OutputColumn;
      const fn = r.val.FuncCall as PgNode | undefined;
      if (out.kind !== 'aggregate') return;
      if (!fn || !out.aggregate) refuse('dp_unsupported', null, `差分隐私下聚合只能直接输出（${out.name} 是聚合的表达式）`);
      const n = i + 1;
      let dpOut: DpOutput;
      if (out.aggregate === 'count') {
        const value = `${HIDDEN_PREFIX}dp${n}_count`;
        targets.push(resTarget({ FuncCall: fn }, value));
        hidden.push(value);
        dpOut = { aggregate: 'count', value, sensitivity: m };
      } else {
        const arg = (fn.args as PgNode[])[0] as PgNode;
        const a = this.aggs.find((x) => x.body === fn);
        const src = a?.lineage.length === 1 && a.lineage[0]?.mode === 'direct' && arg.ColumnRef ? a.lineage[0].src : null;
        if (!src) refuse('dp_unsupported', a?.lineage[0]?.src.label ?? null, `差分隐私下 ${out.aggregate.toUpperCase()} 的参数只能是一个有界字段`);
        if (fn.agg_distinct) refuse('dp_unsupported', src.label, `差分隐私下不能使用 ${out.aggregate.toUpperCase()}(DISTINCT …)`);
        const bounds = view.dp?.bounds[src.column.name];
        if (!bounds) refuse('dp_unsupported', src.label, `${src.label} 没有设定差分隐私的取值范围，不能求和或求平均`);
        const [lo, hi] = bounds;
        const clamped = minMax('IS_LEAST', [minMax('IS_GREATEST', [arg, floatNode(lo)]), floatNode(hi)]);
        const sum = `${HIDDEN_PREFIX}dp${n}_sum`;
        targets.push(resTarget(funcCall('sum', [clamped]), sum));
        hidden.push(sum);
        const sumSensitivity = m * Math.max(Math.abs(lo), Math.abs(hi));
        if (out.aggregate === 'sum') dpOut = { aggregate: 'sum', value: sum, sensitivity: sumSensitivity };
        else {
          const count = `${HIDDEN_PREFIX}dp${n}_count`;
          targets.push(resTarget(funcCall('count', [arg]), count));
          hidden.push(count);
          dpOut = { aggregate: 'avg', sum, count, sumSensitivity, countSensitivity: m, bounds: [lo, hi] };
        }
      }
      out.dp = dpOut;
      r.val = nullNode();
    });
  }

  /** Keeps at most `maxRowsPerSubject` rows per subject of each view with differential privacy. */
  private boundContributions(): void {
    for (const u of this.uses) {
      const v = u.view;
      if (!v.dp || v.subjectUnique || !v.subjectColumn) continue;
      const cols = v.columns.map((c) => quoteIdent(c.name)).join(', ');
      const rn = `${HIDDEN_PREFIX}rn`;
      const sql =
        `SELECT ${cols} FROM (SELECT *, row_number() OVER (PARTITION BY ${quoteIdent(v.subjectColumn)}) AS ${rn} FROM ${quoteIdent(v.name)}) AS ${HIDDEN_PREFIX}dp ` +
        `WHERE ${rn} <= ${Math.max(1, Math.floor(v.dp.maxRowsPerSubject))}`;
      const inner = ((parseSync(sql) as PgNode).stmts[0] as PgNode).stmt as PgNode;
      const rv = u.node.RangeVar as PgNode;
      const colnames = rv.alias?.colnames as PgNode[] | undefined;
      delete u.node.RangeVar;
      u.node.RangeSubselect = { subquery: inner, alias: { aliasname: u.alias, ...(colnames ? { colnames } : {}) } };
    }
  }
}

// ── Helpers ──

const POSITIONS = new Set(['location', 'stmt_len', 'stmt_location']);

/** Whether two parse trees are the same but for source positions. */
function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameTree(x, b[i]));
  if (Array.isArray(b)) return false;
  const x = a as PgNode;
  const y = b as PgNode;
  let n = 0;
  for (const k in x) {
    if (POSITIONS.has(k)) continue;
    n++;
    if (!(k in y) || !sameTree(x[k], y[k])) return false;
  }
  for (const k in y) if (!POSITIONS.has(k)) n--;
  return n === 0;
}

/**
 * The SQL that runs is deparsed from the checked tree, so the deparser must render the query
 * exactly: its text is parsed again and must give the same tree (a construct the deparser renders
 * differently, such as `FETCH FIRST … WITH TIES`, is refused rather than run changed).
 */
function faithfulDeparse(tree: PgNode): void {
  let same = false;
  try {
    same = sameTree((parseSync(deparseSync(tree, { pretty: false })) as PgNode).stmts, tree.stmts);
  } catch {
    same = false;
  }
  if (!same) refuse('construct_not_allowed', null, '这条查询含有平台不能原样改写的写法（如 FETCH FIRST … WITH TIES），请换一种写法');
}

/** The views a FROM list reads, once per reference, through its subqueries and CTEs. */
function instances(entries: Entry[]): SandboxView[] {
  return entries.flatMap((e) => (e.view ? [e.view.view] : e.block ? instances(e.block.entries) : []));
}

/** Catalog types whose values are numbers. */
const NUMERIC_TYPES: ReadonlySet<string> = new Set(['integer', 'number']);
/** Scalar functions that keep a number a number (their other arguments are constants). */
const NUMERIC_FUNCTIONS: ReadonlySet<string> = new Set(['round', 'floor', 'ceil', 'ceiling', 'abs']);

/** The most differencing probes one query may need. */
const MAX_PROBES = 64;

/**
 * The alternatives of a condition — the arms of `a OR b OR c`, the values of `x IN (1, 2, 3)` —
 * each with the condition the others make up; none for any other condition.
 */
function alternatives(c: PgNode): Array<{ condition: PgNode; rest: PgNode }> {
  const b = c.BoolExpr as PgNode | undefined;
  if (b?.boolop === 'OR_EXPR') {
    const arms = disjuncts(c);
    return arms.map((arm, k) => {
      const rest = arms.filter((_, j) => j !== k);
      return { condition: arm, rest: rest.length === 1 ? (rest[0] as PgNode) : { BoolExpr: { boolop: 'OR_EXPR', args: rest } } };
    });
  }
  const e = c.A_Expr as PgNode | undefined;
  const items = e?.rexpr?.List?.items as PgNode[] | undefined;
  if (e?.kind === 'AEXPR_IN' && names(e.name).join('.') === '=' && items && items.length > 1) {
    return items.map((item, k) => ({
      condition: { A_Expr: { kind: 'AEXPR_OP', name: e.name, lexpr: e.lexpr, rexpr: item } },
      rest: { A_Expr: { kind: 'AEXPR_IN', name: e.name, lexpr: e.lexpr, rexpr: { List: { items: items.filter((_, j) => j !== k) } } } },
    }));
  }
  return [];
}

/** The values of `x NOT IN (1, 2, 3)`, each as `x <> v` with the NOT IN of the others. */
function exclusions(c: PgNode): Array<{ condition: PgNode; rest: PgNode }> {
  const e = c.A_Expr as PgNode | undefined;
  const items = e?.rexpr?.List?.items as PgNode[] | undefined;
  if (!(e?.kind === 'AEXPR_IN' && names(e.name).join('.') === '<>' && items && items.length > 1)) return [];
  return items.map((item, k) => ({
    condition: { A_Expr: { kind: 'AEXPR_OP', name: e.name, lexpr: e.lexpr, rexpr: item } },
    rest: { A_Expr: { kind: 'AEXPR_IN', name: e.name, lexpr: e.lexpr, rexpr: { List: { items: items.filter((_, j) => j !== k) } } } },
  }));
}

function disjuncts(c: PgNode): PgNode[] {
  const b = c.BoolExpr as PgNode | undefined;
  if (b?.boolop === 'OR_EXPR') return (b.args as PgNode[]).flatMap(disjuncts);
  return [c];
}

/**
 * The pattern of a LIKE, ILIKE or SIMILAR TO. The parser writes `p ESCAPE 'e'` as
 * `pg_catalog.like_escape(p, 'e')` (`similar_to_escape(p[, 'e'])` for SIMILAR TO, even without
 * ESCAPE); that call is the operator's own syntax, not a function the query calls, so the pattern is
 * what is checked. The escape must be a constant of at most one character (else PostgreSQL fails).
 */
function patternOf(b: PgNode): PgNode {
  const rexpr = b.rexpr as PgNode;
  const fn = rexpr.FuncCall as PgNode | undefined;
  if (!fn) return rexpr;
  const path = names(fn.funcname);
  const syntax = b.kind === 'AEXPR_SIMILAR' ? 'similar_to_escape' : 'like_escape';
  if (!(path.length === 2 && path[0] === 'pg_catalog' && path[1] === syntax)) return rexpr;
  const args = (fn.args ?? []) as PgNode[];
  const plain = !(fn.agg_star || fn.agg_distinct || fn.agg_filter || fn.agg_order || fn.agg_within_group || fn.func_variadic || fn.over);
  const escape = args.length === 2 ? stringConst(args[1]) : null;
  const escapeOk = args.length === 1 ? syntax === 'similar_to_escape' : args.length === 2 && escape !== null && [...escape].length <= 1;
  if (!plain || !escapeOk) refuse('construct_not_allowed', null, 'LIKE / SIMILAR TO 的 ESCAPE 只能是一个字符的字符串常量，如 ESCAPE \'!\'');
  return args[0] as PgNode;
}

/** Whether an expression computes an aggregate (outside window functions and subqueries). */
function hasAggregate(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasAggregate);
  if (node === null || typeof node !== 'object') return false;
  const obj = node as PgNode;
  if (obj.SubLink) return false;
  const fn = obj.FuncCall as PgNode | undefined;
  if (fn && !fn.over) {
    const path = names(fn.funcname);
    if (path.length === 1 && AGGREGATES.has(path[0] as string)) return true;
  }
  for (const k in obj) if (k !== 'location' && hasAggregate(obj[k])) return true;
  return false;
}

/** The constant arguments of scalar functions must be sane, so no row makes the function fail. */
function scalarArguments(name: string, args: PgNode[]): void {
  const bad = (why: string): never => refuse('function_not_allowed', null, `${name}() 的参数不合要求：${why}`);
  switch (name) {
    case 'date_trunc':
    case 'date_part':
    case 'extract': {
      const field = stringConst(args[0])?.toLowerCase();
      if (!field || !DATE_FIELDS.has(field)) bad('第一个参数须是日期单位常量，如 \'month\'');
      if (args.length !== 2) bad('须有两个参数');
      return;
    }
    case 'substr':
    case 'substring':
      if (args.length < 2 || args.length > 3) bad('须有两或三个参数');
      if (intConst(args[1]) === null) bad('起始位置须是整数常量');
      if (args.length === 3 && (intConst(args[2]) ?? -1) < 0) bad('长度须是非负整数常量');
      return;
    case 'left':
      if (args.length !== 2 || intConst(args[1]) === null) bad('长度须是整数常量');
      return;
    case 'round':
      if (args.length === 2 && intConst(args[1]) === null) bad('小数位数须是整数常量');
      if (args.length < 1 || args.length > 2) bad('须有一或两个参数');
      return;
    default:
      if (args.length !== 1) bad('须有一个参数');
  }
}

/** The value of a numeric constant, signed or cast (`-2`, `'3'::int` is not a number here), or null. */
function constantNumber(node: PgNode): number | null {
  const n = numberConst(node);
  if (n !== null) return n;
  const e = node.A_Expr as PgNode | undefined;
  if (e && !e.lexpr && names(e.name).join('.') === '-') {
    const inner = constantNumber(e.rexpr as PgNode);
    return inner === null ? null : -inner;
  }
  if (node.TypeCast) return constantNumber(node.TypeCast.arg as PgNode);
  return null;
}

/** Integer arithmetic on a restricted column is done in numeric (an overflow error would reveal a value). */
function numericForArithmetic(operand: PgNode, info: Info): void {
  if (!operand.ColumnRef) return;
  if (!info.lineage.some((l) => l.src.column.policy === 'aggregate_only' && l.src.column.type === 'integer')) return;
  const ref = operand.ColumnRef as PgNode;
  delete operand.ColumnRef;
  operand.TypeCast = { arg: { ColumnRef: ref }, typeName: { names: [str('pg_catalog'), str('numeric')], typemod: -1 } };
}

/** The name PostgreSQL gives an output without `AS`. */
function defaultName(node: PgNode): string {
  const [kind, b] = kindOf(node);
  switch (kind) {
    case 'ColumnRef': {
      const path = names(b.fields);
      return path[path.length - 1] as string;
    }
    case 'FuncCall': {
      const path = names(b.funcname);
      return path[path.length - 1] as string;
    }
    case 'TypeCast':
      return b.arg && !b.arg.A_Const ? defaultName(b.arg as PgNode) : (names(b.typeName?.names).pop() ?? '?column?');
    case 'CaseExpr':
      return 'case';
    case 'CoalesceExpr':
      return 'coalesce';
    case 'MinMaxExpr':
      return b.op === 'IS_LEAST' ? 'least' : 'greatest';
    case 'A_Expr':
      return b.kind === 'AEXPR_NULLIF' ? 'nullif' : '?column?';
    case 'SQLValueFunction':
      return String(b.op).replace(/^SVFOP_/, '').replace(/_N$/, '').toLowerCase();
    default:
      return '?column?';
  }
}
