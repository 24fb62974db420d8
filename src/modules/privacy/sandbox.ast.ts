/**
 * Small helpers over PostgreSQL's raw parse tree (libpg-query v17, the JSON form of the tree the
 * server's own parser builds) for the sandbox policy check: reading names and constants, comparing
 * expressions, and building the nodes the check appends (hidden columns, probes, the differential
 * privacy rewrite). Pure, no I/O.
 */

/** A node of the raw parse tree: `{ ColumnRef: {...} }`, `{ FuncCall: {...} }`, … (one key). */
// The tree is JSON whose shape depends on the node's kind; the check reads it field by field.
export type PgNode = Record<string, any>;

/** The kind of a node (`ColumnRef`, `A_Expr`, …) and its body. */
export function kindOf(node: PgNode): [string, PgNode] {
  for (const k in node) return [k, node[k] as PgNode];
  return ['', {}];
}

/** The strings of a name list (`[{String:{sval}}]`); `*` for `A_Star`. */
export function names(list: PgNode[] | undefined): string[] {
  if (!list) return [];
  return list.map((n) => (n.String ? String(n.String.sval) : n.A_Star ? '*' : '?'));
}

/** The value of a string constant, or null. */
export function stringConst(node: PgNode | undefined): string | null {
  const c = node?.A_Const as PgNode | undefined;
  return c?.sval ? String(c.sval.sval ?? '') : null;
}

/** The value of an integer constant (`0` is stored as an empty `ival`), or null. */
export function intConst(node: PgNode | undefined): number | null {
  const c = node?.A_Const as PgNode | undefined;
  return c?.ival ? Number(c.ival.ival ?? 0) : null;
}

/** The value of a numeric constant (integer or decimal), or null. */
export function numberConst(node: PgNode | undefined): number | null {
  const c = node?.A_Const as PgNode | undefined;
  if (!c) return null;
  if (c.ival) return Number(c.ival.ival ?? 0);
  if (c.fval) return Number(c.fval.fval);
  return null;
}

/**
 * A constant the query writer typed: a literal, a literal cast to a type (`'2024-01-01'::date`),
 * a signed literal, a list of them (`IN (…)`, `BETWEEN … AND …`), or the current date and time.
 */
export function isConstant(node: PgNode | undefined): boolean {
  if (!node) return false;
  const [k, b] = kindOf(node);
  switch (k) {
    case 'A_Const':
      return true;
    case 'TypeCast':
      return isConstant(b.arg);
    case 'List':
      return (b.items as PgNode[] | undefined)?.every(isConstant) ?? true;
    case 'A_Expr': {
      if (b.kind !== 'AEXPR_OP') return false;
      const op = names(b.name).join('.');
      if (!b.lexpr) return op === '-' && isConstant(b.rexpr);
      // arithmetic of constants: `CURRENT_DATE - 3650`, `interval '1 day' * 7`
      return ['+', '-', '*'].includes(op) && isConstant(b.lexpr) && isConstant(b.rexpr);
    }
    case 'SQLValueFunction':
      return DATE_TIME_VALUE_FUNCTIONS.has(String(b.op));
    default:
      return false;
  }
}

/** `CURRENT_DATE`, `CURRENT_TIMESTAMP`, … — but not `CURRENT_USER` and the like (they describe the server). */
export const DATE_TIME_VALUE_FUNCTIONS = new Set([
  'SVFOP_CURRENT_DATE',
  'SVFOP_CURRENT_TIME',
  'SVFOP_CURRENT_TIME_N',
  'SVFOP_CURRENT_TIMESTAMP',
  'SVFOP_CURRENT_TIMESTAMP_N',
  'SVFOP_LOCALTIME',
  'SVFOP_LOCALTIME_N',
  'SVFOP_LOCALTIMESTAMP',
  'SVFOP_LOCALTIMESTAMP_N',
]);

/**
 * A key that is equal for two expressions that mean the same thing: the tree without source
 * positions, each column reference replaced by what `resolve` says it denotes (so `region` and
 * `v.region` compare equal).
 */
export function exprKey(node: unknown, resolve: (ref: PgNode) => string): string {
  if (Array.isArray(node)) return `[${node.map((n) => exprKey(n, resolve)).join(',')}]`;
  if (node === null || typeof node !== 'object') return JSON.stringify(node);
  const obj = node as PgNode;
  if (obj.ColumnRef) return `#${resolve(obj.ColumnRef as PgNode)}`;
  let out = '{';
  for (const k of Object.keys(obj).sort()) {
    if (k === 'location') continue;
    out += `${k}:${exprKey(obj[k], resolve)},`;
  }
  return `${out}}`;
}

// ── Builders ──

export const str = (s: string): PgNode => ({ String: { sval: s } });
export const colRef = (...path: string[]): PgNode => ({ ColumnRef: { fields: path.map(str) } });
export const intNode = (n: number): PgNode => ({ A_Const: { ival: n === 0 ? {} : { ival: n } } });
export const floatNode = (n: number): PgNode =>
  Number.isInteger(n) && Math.abs(n) < 2 ** 31 ? intNode(n) : { A_Const: { fval: { fval: String(n) } } };
export const nullNode = (): PgNode => ({ A_Const: { isnull: true } });
export const resTarget = (val: PgNode, name?: string): PgNode => ({ ResTarget: name ? { name, val } : { val } });

/** `name(args)` as an aggregate or scalar call; `star` for `count(*)`. */
export function funcCall(
  name: string,
  args: PgNode[],
  opts: { distinct?: boolean; star?: boolean; filter?: PgNode } = {},
): PgNode {
  const body: PgNode = { funcname: [str(name)], funcformat: 'COERCE_EXPLICIT_CALL' };
  if (args.length) body.args = args;
  if (opts.star) body.agg_star = true;
  if (opts.distinct) body.agg_distinct = true;
  if (opts.filter) body.agg_filter = opts.filter;
  return { FuncCall: body };
}

/** `LEAST(…)` / `GREATEST(…)`; one argument stands for itself. */
export function minMax(op: 'IS_LEAST' | 'IS_GREATEST', args: PgNode[]): PgNode {
  return args.length === 1 ? (args[0] as PgNode) : { MinMaxExpr: { op, args } };
}

/** The conjunction of `parts` (none: undefined). */
export function and(parts: PgNode[]): PgNode | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { BoolExpr: { boolop: 'AND_EXPR', args: parts } };
}

/** The top-level conjuncts of a condition (`a AND b AND c` → three). */
export function conjuncts(node: PgNode | undefined): PgNode[] {
  if (!node) return [];
  const b = node.BoolExpr as PgNode | undefined;
  if (b && b.boolop === 'AND_EXPR') return (b.args as PgNode[]).flatMap(conjuncts);
  return [node];
}

/** An identifier as SQL writes it: always double-quoted, quotes doubled. */
export const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
