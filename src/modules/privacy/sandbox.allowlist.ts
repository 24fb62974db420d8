/**
 * What a sandbox query may use (数据可用不可见; 002 第十一条), written out deliberately: the
 * operators, the aggregates, the scalar functions and their constant arguments, the types a value
 * may be cast to. Everything else — `string_agg`, `array_agg`, `json_agg`, window functions,
 * `set_config`, `current_setting`, `pg_*`, `lo_*`, `dblink`, `query_to_xml`, file and sequence
 * functions — is refused by not being here.
 */
import { SANDBOX_AGGREGATES } from './sandbox.types.js';

/** Arithmetic: the only operators an `aggregate_only` value may pass through on its way to an aggregate. */
export const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);
/** Comparisons: what `filter_only` and `group_key` columns may meet in WHERE, against constants. */
export const COMPARISON = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
export const AGGREGATES = new Set<string>(SANDBOX_AGGREGATES);
/**
 * Scalar functions a query may call: on plain columns, and on group keys (a derived group key such
 * as `left(region, 4)` or `date_trunc('month', d)`); never on the other restricted columns.
 */
export const SCALAR_FUNCTIONS = new Set([
  'round',
  'floor',
  'ceil',
  'ceiling',
  'abs',
  'lower',
  'upper',
  'length',
  'char_length',
  'substr',
  'substring',
  'left',
  'date_trunc',
  'date_part',
  'extract',
]);
/** Functions the parser writes qualified by `pg_catalog` for SQL syntax (`EXTRACT(… FROM …)`, `SUBSTRING(… FROM …)`). */
export const SQL_SYNTAX_FUNCTIONS = new Set(['extract', 'substring']);
/** Date fields `date_trunc`, `date_part` and `extract` accept. */
export const DATE_FIELDS = new Set([
  'microseconds',
  'milliseconds',
  'second',
  'minute',
  'hour',
  'day',
  'dow',
  'isodow',
  'doy',
  'week',
  'month',
  'quarter',
  'year',
  'isoyear',
  'decade',
  'century',
  'millennium',
  'epoch',
]);
/** Types a value may be cast to (no `regclass` and kin, which read the catalog). */
export const CAST_TYPES = new Set([
  'int2',
  'int4',
  'int8',
  'smallint',
  'integer',
  'int',
  'bigint',
  'numeric',
  'decimal',
  'float4',
  'float8',
  'real',
  'double precision',
  'text',
  'varchar',
  'bpchar',
  'char',
  'date',
  'timestamp',
  'timestamptz',
  'time',
  'interval',
  'bool',
  'boolean',
]);
export const STATEMENT_NAMES: Record<string, string> = {
  CopyStmt: 'COPY',
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  DoStmt: 'DO',
  ExplainStmt: 'EXPLAIN',
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CreateStmt: 'CREATE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  DropStmt: 'DROP',
  TransactionStmt: '事务控制',
  CallStmt: 'CALL',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  ListenStmt: 'LISTEN',
  NotifyStmt: 'NOTIFY',
  LockStmt: 'LOCK',
  GrantStmt: 'GRANT',
};
