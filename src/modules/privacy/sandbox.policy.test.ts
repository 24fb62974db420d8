/**
 * The sandbox policy check and its attack regression suite (002 第十一条): every attack is refused
 * with the rule and the column to blame, or accepted in a form the group threshold and the
 * differencing probes neutralise — shown by running the generated SQL on PGlite over tables named
 * like the views.
 */
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSandboxQuery } from './sandbox.policy.js';
import { isolates, suppressSmallGroups } from './sandbox.rules.js';
import { POP, VIEWS, VIS } from './sandbox.fixtures.js';
import type { CheckedQuery, PolicyViolation, SandboxView } from './sandbox.types.js';


async function accepted(sql: string, views: readonly SandboxView[] = VIEWS): Promise<CheckedQuery> {
  const d = await checkSandboxQuery(sql, views);
  if (!d.ok) throw new Error(`refused: ${d.violation.rule} ${d.violation.column ?? ''} ${d.violation.message}`);
  return d.query;
}

async function refusal(sql: string, views: readonly SandboxView[] = VIEWS): Promise<PolicyViolation> {
  const d = await checkSandboxQuery(sql, views);
  if (d.ok) throw new Error(`accepted: ${d.query.sql}`);
  expect(d.violation.message).toMatch(/[\u4e00-\u9fa5]/);
  return d.violation;
}

type Attack = [what: string, sql: string, rule: string, column: string | null];
const P = '"HN-GAT-0001"';
const V = '"HN-WJW-0002"';

function refusedAll(cases: Attack[]) {
  it.each(cases)('refuses %s', async (_what, sql, rule, column) => {
    const v = await refusal(sql);
    expect({ rule: v.rule, column: v.column }).toEqual({ rule, column });
  });
}

describe('statements', () => {
  refusedAll([
    ['two statements', `SELECT gender FROM ${P}; SELECT gender FROM ${P}`, 'one_select', null],
    ['a second statement after a block comment', `SELECT gender FROM ${P} /* ; */ ; DELETE FROM ${P}`, 'one_select', null],
    ['a statement hidden behind a line comment on the next line', `SELECT gender FROM ${P} -- harmless\n; DROP TABLE ${P}`, 'one_select', null],
    ['an empty query', '-- nothing', 'one_select', null],
    ['COPY to a file', `COPY ${P} TO '/tmp/x.csv'`, 'one_select', null],
    ['COPY of a query to a program', `COPY (SELECT * FROM ${P}) TO PROGRAM 'curl x'`, 'one_select', null],
    ['SET role', 'SET ROLE postgres', 'one_select', null],
    ['DO', "DO $$ BEGIN PERFORM 1; END $$", 'one_select', null],
    ['EXPLAIN', `EXPLAIN ANALYZE SELECT gender FROM ${P}`, 'one_select', null],
    ['INSERT', `INSERT INTO ${P} (gender) VALUES ('F')`, 'one_select', null],
    ['SELECT INTO', `SELECT gender INTO copy_of FROM ${P}`, 'construct_not_allowed', null],
    ['FOR UPDATE', `SELECT gender FROM ${P} FOR UPDATE`, 'construct_not_allowed', null],
    ['FOR SHARE in a set operation', `SELECT gender FROM ${P} UNION SELECT hospital FROM ${V} FOR SHARE`, 'construct_not_allowed', null],
    ['a writable CTE', `WITH d AS (DELETE FROM ${P} RETURNING gender) SELECT gender FROM d`, 'construct_not_allowed', null],
    ['WITH RECURSIVE', `WITH RECURSIVE r AS (SELECT gender FROM ${P}) SELECT gender FROM r`, 'construct_not_allowed', null],
    ['a function in FROM (LATERAL)', `SELECT gender FROM ${P}, LATERAL generate_series(1, 2) g`, 'function_not_allowed', null],
    ['a function in FROM', 'SELECT * FROM pg_ls_dir(\'.\')', 'function_not_allowed', null],
    ['a LATERAL subquery', `SELECT a.gender FROM ${P} a, LATERAL (SELECT hospital FROM ${V}) b`, 'construct_not_allowed', null],
    ['TABLESAMPLE', `SELECT gender FROM ${P} TABLESAMPLE SYSTEM (1)`, 'construct_not_allowed', null],
    ['VALUES rows joined as a filter', `SELECT count(*) FROM ${P} a JOIN (VALUES ('k1')) x(k) ON a.person_key = x.k`, 'construct_not_allowed', null],
    ['a query without FROM', 'SELECT 1', 'construct_not_allowed', null],
    ['a parameter', `SELECT gender FROM ${P} WHERE gender = $1`, 'construct_not_allowed', null],
    ['a clause the deparser would change (WITH TIES)', `SELECT region, count(*) FROM ${P} GROUP BY region ORDER BY 2 DESC FETCH FIRST 1 ROWS WITH TIES`, 'construct_not_allowed', null],
  ]);

  it('reports a syntax error in Chinese with its line and column', async () => {
    const v = await refusal(`SELECT gender\nFORM ${P}`);
    expect(v.rule).toBe('syntax');
    expect(v.column).toBeNull();
    expect(v.message).toContain('SQL 语法错误（第 2 行第 6 列）');
    expect(v.message).toContain('syntax error at or near');
    const end = await refusal(`SELECT gender FROM ${P} WHERE`);
    expect(end.message).toContain('语句在结尾处不完整');
    expect((await refusal(`SELECT gender FROM ${P} /* never closed`)).rule).toBe('syntax');
  });

  it('drops comments, nested ones included, from the SQL it runs', async () => {
    const q = await accepted(`/* outer /* nested ; DROP TABLE x; */ still a comment; */ SELECT gender -- the column\nFROM ${P}`);
    expect(q.sql).toBe(`SELECT gender AS gender FROM ${P}`);
  });
});

describe('relations', () => {
  refusedAll([
    ['pg_catalog', 'SELECT relname FROM pg_catalog.pg_class', 'relation_not_allowed', null],
    ['a catalog table without its schema', 'SELECT rolname FROM pg_authid', 'relation_not_allowed', null],
    ['information_schema', 'SELECT column_name FROM information_schema.columns', 'relation_not_allowed', null],
    ['a quoted catalog', 'SELECT * FROM "pg_catalog"."pg_shadow"', 'relation_not_allowed', null],
    ['a schema-qualified view', `SELECT gender FROM public.${P}`, 'relation_not_allowed', null],
    ['the data schema', 'SELECT gender FROM datasets.t_hn_gat_0001', 'relation_not_allowed', null],
    ['a catalog-qualified view', `SELECT gender FROM gongshu.public.${P}`, 'relation_not_allowed', null],
    ['a view of another grant', 'SELECT * FROM "HN-GAT-0099"', 'relation_not_allowed', null],
    ['the view name in other case', 'SELECT gender FROM "hn-gat-0001"', 'relation_not_allowed', null],
    ['the view name with a trailing space', 'SELECT gender FROM "HN-GAT-0001 "', 'relation_not_allowed', null],
    ['a schema-qualified column', `SELECT public.${P}.gender FROM ${P}`, 'relation_not_allowed', null],
    ['a column in other case', `SELECT "Gender" FROM ${P}`, 'unknown_column', 'Gender'],
    ['an alias that is not in the query', `SELECT x.gender FROM ${P} a`, 'unknown_column', 'x.gender'],
    ['an ambiguous column', `SELECT count(*) FROM ${P} a JOIN ${V} b ON a.person_key = b.person_key WHERE person_key = 'k'`, 'unknown_column', 'person_key'],
    ['an alias in the reserved prefix', `SELECT gender AS __gs_subjects FROM ${P}`, 'construct_not_allowed', null],
    ['a CTE in the reserved prefix', `WITH __gs_x AS (SELECT gender FROM ${P}) SELECT gender FROM __gs_x`, 'construct_not_allowed', null],
  ]);

  it('reads a view by its quoted name, aliased or not, and a unicode-escaped spelling of it', async () => {
    expect((await accepted(`SELECT gender FROM ${P}`)).views).toEqual(['HN-GAT-0001']);
    expect((await accepted(`SELECT p.gender FROM ${P} AS p`)).sql).toBe(`SELECT p.gender AS gender FROM ${P} AS p`);
    expect((await accepted(`SELECT ${P}.gender FROM ${P}`)).views).toEqual(['HN-GAT-0001']);
    expect((await accepted('SELECT gender FROM U&"\\0048N-GAT-0001"')).sql).toBe(`SELECT gender AS gender FROM ${P}`);
  });
});

describe('functions and operators', () => {
  refusedAll([
    ['string_agg', `SELECT string_agg(gender, ',') FROM ${P}`, 'function_not_allowed', null],
    ['array_agg', `SELECT array_agg(income) FROM ${P}`, 'function_not_allowed', null],
    ['json_agg', `SELECT json_agg(region) FROM ${P}`, 'function_not_allowed', null],
    ['jsonb_agg', `SELECT region, jsonb_agg(income) FROM ${P} GROUP BY region`, 'function_not_allowed', null],
    ['xmlagg', `SELECT xmlagg(xmlelement(name x, gender)) FROM ${P}`, 'function_not_allowed', null],
    ['set_config', `SELECT set_config('statement_timeout', '0', false) FROM ${P}`, 'function_not_allowed', null],
    ['set_config in WHERE', `SELECT gender FROM ${P} WHERE set_config('role', 'postgres', false) IS NOT NULL`, 'function_not_allowed', null],
    ['current_setting', `SELECT current_setting('data_directory') FROM ${P}`, 'function_not_allowed', null],
    ['pg_read_file', `SELECT pg_read_file('/etc/passwd') FROM ${P}`, 'function_not_allowed', null],
    ['pg_sleep (a timing channel)', `SELECT gender FROM ${P} WHERE pg_sleep(1) IS NULL`, 'function_not_allowed', null],
    ['lo_import', `SELECT lo_import('/etc/passwd') FROM ${P}`, 'function_not_allowed', null],
    ['dblink', `SELECT dblink('host=x', 'select 1') FROM ${P}`, 'function_not_allowed', null],
    ['query_to_xml', `SELECT query_to_xml('select * from pg_authid', true, true, '') FROM ${P}`, 'function_not_allowed', null],
    ['nextval', `SELECT nextval('s') FROM ${P}`, 'function_not_allowed', null],
    ['a schema-qualified function', `SELECT pg_catalog.lower(gender) FROM ${P}`, 'function_not_allowed', null],
    ['current_user', `SELECT current_user FROM ${P}`, 'function_not_allowed', null],
    ['a regex operator', `SELECT gender FROM ${P} WHERE gender ~ 'F'`, 'function_not_allowed', null],
    ['a qualified operator', `SELECT gender FROM ${P} WHERE gender OPERATOR(pg_catalog.=) 'F'`, 'function_not_allowed', null],
    ['a cast to regclass', `SELECT 'pg_authid'::regclass FROM ${P}`, 'function_not_allowed', null],
    ['a window function', `SELECT gender, rank() OVER (ORDER BY gender) FROM ${P}`, 'function_not_allowed', null],
    ['an aggregate as a window', `SELECT gender, sum(income) OVER (PARTITION BY gender) FROM ${P}`, 'function_not_allowed', null],
    ['a WINDOW clause', `SELECT gender FROM ${P} WINDOW w AS (ORDER BY gender)`, 'function_not_allowed', null],
    ['row_number to pick one row', `SELECT gender FROM (SELECT gender, row_number() OVER () AS n FROM ${P}) s WHERE n = 1`, 'function_not_allowed', null],
    ['date_trunc with an unknown unit (a runtime error as an oracle)', `SELECT date_trunc('fortnight', visit_date) FROM ${V}`, 'function_not_allowed', null],
    ['substr with a negative length', `SELECT substr(hospital, 1, -1) FROM ${V}`, 'function_not_allowed', null],
    ['division by constant zero', `SELECT region, sum(income / 0) FROM ${P} GROUP BY region`, 'construct_not_allowed', null],
    ['division by a signed zero', `SELECT region, sum(income / -0.0) FROM ${P} GROUP BY region`, 'construct_not_allowed', null],
    ['modulo by a text constant', `SELECT region, sum(income % '0'::int) FROM ${P} GROUP BY region`, 'construct_not_allowed', null],
    ['ORDER BY … USING an operator', `SELECT gender FROM ${P} ORDER BY gender USING ~<~`, 'construct_not_allowed', null],
    ['a nested aggregate', `SELECT region, sum(count(*)) FROM ${P} GROUP BY region`, 'construct_not_allowed', null],
    ['an aggregate in WHERE', `SELECT region FROM ${P} WHERE count(*) > 1 GROUP BY region`, 'construct_not_allowed', null],
  ]);

  it('allows the allow-listed functions on plain columns and group keys', async () => {
    const q = await accepted(
      `SELECT date_trunc('month', visit_date) AS m, extract(year FROM visit_date) AS y, upper(left(hospital, 2)) AS h, round(avg(cost), 2) AS c ` +
        `FROM ${V} GROUP BY 1, 2, 3`,
    );
    expect(q.outputs.map((o) => o.kind)).toEqual(['group_key', 'group_key', 'group_key', 'aggregate']);
    const g = await accepted(`SELECT left(region, 4) AS city, count(*) FROM ${P} GROUP BY left(region, 4)`);
    expect(g.outputs[0]).toEqual({ name: 'city', kind: 'group_key' });
    await accepted(`SELECT lower(hospital), length(hospital), coalesce(hospital, '?'), nullif(hospital, ''), substr(hospital, 1, 2), abs(1), floor(1.5), ceil(1.5) FROM ${V}`);
  });
});

describe('column policies', () => {
  refusedAll([
    // each policy, outside its place
    ['an aggregate_only column output row by row', `SELECT income FROM ${P}`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['a filter_only column output', `SELECT id_number FROM ${P}`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['a hidden column output', `SELECT name FROM ${P}`, 'hidden', 'HN-GAT-0001.name'],
    ['a hidden column in WHERE', `SELECT gender, max(income) FROM ${P} WHERE name = '张三' GROUP BY gender`, 'hidden', 'HN-GAT-0001.name'],
    ['a hidden column counted', `SELECT count(name) FROM ${P}`, 'hidden', 'HN-GAT-0001.name'],
    ['a join_key column output', `SELECT person_key FROM ${P}`, 'join_key', 'HN-GAT-0001.person_key'],
    ['a join_key compared in WHERE', `SELECT count(*) FROM ${P} WHERE person_key = 'k1'`, 'join_key', 'HN-GAT-0001.person_key'],
    ['a join_key grouped', `SELECT count(*) FROM ${P} GROUP BY person_key`, 'join_key', 'HN-GAT-0001.person_key'],
    ['a group_key output without grouping', `SELECT region FROM ${P}`, 'group_key', 'HN-GAT-0001.region'],
    ['a group_key output beside a different grouping', `SELECT region, count(*) FROM ${P} GROUP BY left(region, 4)`, 'group_key', 'HN-GAT-0001.region'],
    ['a group_key under MAX', `SELECT gender, max(region) FROM ${P} GROUP BY gender`, 'group_key', 'HN-GAT-0001.region'],
    ['a plain column neither grouped nor aggregated', `SELECT gender, count(*) FROM ${P}`, 'construct_not_allowed', 'HN-GAT-0001.gender'],
    ['an aggregate_only column grouped', `SELECT count(*) FROM ${P} GROUP BY income`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['an aggregate_only column in WHERE', `SELECT count(*) FROM ${P} WHERE income > 100000`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['an aggregate_only column in HAVING outside an aggregate', `SELECT region, count(*) FROM ${P} GROUP BY region HAVING income > 1`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['a filter_only column in an aggregate', `SELECT count(DISTINCT id_number) FROM ${P}`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['a filter_only column compared with another column', `SELECT count(*) FROM ${P} WHERE id_number = gender`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['a filter_only column in arithmetic', `SELECT count(*) FROM ${V} WHERE length(diagnosis) = 3`, 'filter_only', 'HN-WJW-0002.diagnosis'],
    // * expansion
    ['* over restricted columns', `SELECT * FROM ${P}`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['alias.* over restricted columns', `SELECT b.* FROM ${V} b`, 'join_key', 'HN-WJW-0002.person_key'],
    ['* in a subquery over restricted columns', `SELECT count(*) FROM (SELECT * FROM ${P}) s`, 'filter_only', 'HN-GAT-0001.id_number'],
  ]);

  it('accepts each policy in its place (the other side of each refusal)', async () => {
    await accepted(`SELECT region, count(*), sum(income), avg(income), min(income), max(income) FROM ${P} GROUP BY region`);
    await accepted(`SELECT region, sum(income * 12 + 1000) AS yearly FROM ${P} GROUP BY region`);
    await accepted(`SELECT region, sum(income / 12), avg(-income % 7) FROM ${P} GROUP BY region`);
    await accepted(`SELECT count(*) FROM ${P} WHERE id_number = '460100199001011234'`);
    await accepted(`SELECT count(*) FROM ${P} WHERE id_number IN ('a', 'b') AND id_number IS NOT NULL AND region BETWEEN '4601' AND '4602'`);
    await accepted(`SELECT gender, count(DISTINCT region) FROM ${P} GROUP BY gender`);
    await accepted(`SELECT a.region, count(*) FROM ${P} a JOIN ${V} b ON a.person_key = b.person_key GROUP BY a.region`);
    await accepted(`SELECT line, station, riders FROM "HN-ZJT-0003"`);
    await accepted(`SELECT count(*) FROM ${P} WHERE birth_date > CURRENT_DATE - 3650 AND birth_date <= DATE '2020-01-01' + 7`);
    await accepted('SELECT * FROM "HN-ZJT-0003" ORDER BY 3 DESC');
    const star = await accepted('SELECT * FROM "HN-ZJT-0003"');
    expect(star.outputs.map((o) => o.name)).toEqual(['line', 'station', 'riders']);
    expect(star.aggregated).toBe(false);
    expect(star.probes).toEqual([]);
    expect(star.subjectsColumn).toBeNull();
  });
});

describe('the attack regression suite', () => {
  refusedAll([
    // CASE, inside and outside aggregates
    ['CASE picking one person inside SUM', `SELECT sum(CASE WHEN id_number = '4601' THEN income ELSE 0 END) FROM ${P}`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['CASE over an aggregate_only column inside SUM', `SELECT sum(CASE WHEN gender = 'F' THEN income END) FROM ${P}`, 'aggregate_argument', 'HN-GAT-0001.income'],
    ['CASE bucketing an aggregate_only column', `SELECT CASE WHEN income > 10000 THEN 'rich' ELSE 'poor' END AS c, count(*) FROM ${P} GROUP BY 1`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['CASE over a group key as an output', `SELECT CASE WHEN region = '4601' THEN 1 END FROM ${P}`, 'group_key', 'HN-GAT-0001.region'],
    ['CASE over a hidden column', `SELECT count(CASE WHEN name = '张三' THEN 1 END) FROM ${P}`, 'hidden', 'HN-GAT-0001.name'],
    // casts
    ['a cast of an aggregate_only column in SUM (error text leaks it)', `SELECT sum(income::text::int) FROM ${P}`, 'aggregate_argument', 'HN-GAT-0001.income'],
    ['a cast of a filter_only column in WHERE', `SELECT count(*) FROM ${P} WHERE id_number::bigint > 460000`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['CAST of a hidden column', `SELECT count(*) FROM ${P} WHERE CAST(name AS int) = 1`, 'hidden', 'HN-GAT-0001.name'],
    ['a cast of a group key', `SELECT region::int, count(*) FROM ${P} GROUP BY 1`, 'group_key', 'HN-GAT-0001.region'],
    // functions that could single out a row
    ['a function around an aggregate_only argument', `SELECT sum(abs(income)) FROM ${P}`, 'aggregate_argument', 'HN-GAT-0001.income'],
    ['coalesce around an aggregate_only argument', `SELECT max(coalesce(income, 0)) FROM ${P}`, 'aggregate_argument', 'HN-GAT-0001.income'],
    ['FILTER on an aggregate', `SELECT sum(income) FILTER (WHERE id_number = '4601') FROM ${P}`, 'aggregate_argument', null],
    ['an aggregate_only divisor (division by zero as an oracle)', `SELECT sum(1 / (income - 5000)) FROM ${P}`, 'aggregate_only', 'HN-GAT-0001.income'],
    // LIKE probing
    ['LIKE on a filter_only column', `SELECT count(*) FROM ${P} WHERE id_number LIKE '4601%'`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['ILIKE on a filter_only column', `SELECT count(*) FROM ${V} WHERE diagnosis ILIKE '%hiv%'`, 'filter_only', 'HN-WJW-0002.diagnosis'],
    ['SIMILAR TO on a filter_only column', `SELECT count(*) FROM ${P} WHERE id_number SIMILAR TO '46%'`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['LIKE on a group key', `SELECT count(*) FROM ${P} WHERE region LIKE '46%'`, 'group_key', 'HN-GAT-0001.region'],
    ['LIKE on a hidden column', `SELECT count(*) FROM ${P} WHERE name LIKE '张%'`, 'hidden', 'HN-GAT-0001.name'],
    // ORDER BY … LIMIT 1
    ['ORDER BY an aggregate_only column LIMIT 1', `SELECT gender FROM ${P} ORDER BY income DESC LIMIT 1`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['ORDER BY an aggregate_only column in a grouped query', `SELECT region, count(*) FROM ${P} GROUP BY region ORDER BY income LIMIT 1`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['ORDER BY a filter_only column', `SELECT gender FROM ${P} ORDER BY id_number LIMIT 1`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['LIMIT 1 inside a subquery', `SELECT avg(income) FROM (SELECT income FROM ${P} ORDER BY income DESC LIMIT 1) s`, 'construct_not_allowed', null],
    ['a non-constant LIMIT', `SELECT gender FROM ${P} LIMIT length('x')`, 'construct_not_allowed', null],
    // UNION
    ['UNION of a group key', `SELECT gender FROM ${P} UNION SELECT region FROM ${P}`, 'group_key', 'HN-GAT-0001.region'],
    ['UNION ALL of a filter_only column', `SELECT gender FROM ${P} UNION ALL SELECT id_number FROM ${P}`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['EXCEPT of an aggregate_only column', `SELECT gender FROM ${P} EXCEPT SELECT income::text FROM ${P}`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['UNION of aggregates', `SELECT count(*) FROM ${P} UNION SELECT count(*) FROM ${P} WHERE id_number <> '4601'`, 'construct_not_allowed', null],
    ['UNION inside a subquery', `SELECT count(*) FROM (SELECT gender FROM ${P} UNION SELECT hospital FROM ${V}) u`, 'construct_not_allowed', null],
    // subqueries and CTEs
    ['an aggregate_only column through a subquery', `SELECT x FROM (SELECT income AS x FROM ${P}) s`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['an aggregate_only column through arithmetic in a CTE', `WITH t AS (SELECT income * 2 AS doubled FROM ${P}) SELECT doubled FROM t`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['a filter_only column renamed in a CTE', `WITH t AS (SELECT id_number AS k FROM ${P}) SELECT k FROM t`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['a CTE column renamed by the CTE alias list', `WITH t(a, b) AS (SELECT gender, income FROM ${P}) SELECT b FROM t`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['a function of an aggregate_only column in a subquery', `SELECT sum(x) FROM (SELECT abs(income) AS x FROM ${P}) s`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['CASE in a subquery then MIN outside', `SELECT min(x) FROM (SELECT CASE WHEN gender = 'F' THEN income END AS x FROM ${P}) s`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['a filtered subquery under an aggregate', `SELECT min(x) FROM (SELECT income AS x FROM ${P} WHERE id_number = '4601') s`, 'isolating_condition', null],
    ['a filtered CTE under an aggregate', `WITH one AS (SELECT income FROM ${P} WHERE gender = 'F') SELECT sum(income) FROM one`, 'isolating_condition', null],
    ['a filtered CTE two levels down', `WITH one AS (SELECT income FROM ${P} WHERE gender = 'F'), two AS (SELECT income FROM one) SELECT sum(income) FROM two`, 'isolating_condition', null],
    ['an aggregate in a CTE', `WITH t AS (SELECT region, sum(income) AS s FROM ${P} GROUP BY region) SELECT s FROM t`, 'construct_not_allowed', null],
    ['an aggregate in a subquery', `SELECT m FROM (SELECT max(income) AS m FROM ${P}) s`, 'construct_not_allowed', null],
    ['a scalar subquery', `SELECT count(*) FROM ${P} WHERE gender = (SELECT min(gender) FROM ${P})`, 'construct_not_allowed', null],
    ['IN (subquery)', `SELECT count(*) FROM ${P} WHERE gender IN (SELECT hospital FROM ${V})`, 'construct_not_allowed', null],
    ['EXISTS', `SELECT gender FROM ${P} WHERE EXISTS (SELECT 1 FROM ${V})`, 'construct_not_allowed', null],
    ['a subquery as an output', `SELECT gender, (SELECT max(income) FROM ${P}) FROM ${P}`, 'construct_not_allowed', null],
    // JOIN ON a restricted column
    ['JOIN ON a hidden column', `SELECT count(*) FROM ${P} a JOIN ${V} b ON a.name = b.hospital`, 'hidden', 'HN-GAT-0001.name'],
    ['JOIN ON a filter_only column', `SELECT count(*) FROM ${P} a JOIN ${V} b ON a.id_number = b.person_key`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['JOIN ON an aggregate_only column', `SELECT count(*) FROM ${P} a JOIN ${V} b ON a.income = b.cost`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['JOIN USING a hidden column', `SELECT count(*) FROM ${P} a JOIN (SELECT name FROM ${P}) b USING (name)`, 'hidden', 'HN-GAT-0001.name'],
    ['a filter inside JOIN ON', `SELECT count(*) FROM ${P} a JOIN ${V} b ON a.person_key = b.person_key AND b.hospital = 'X'`, 'construct_not_allowed', null],
    ['a join key compared with a constant in ON', `SELECT count(*) FROM ${P} a JOIN ${V} b ON a.person_key = 'k1'`, 'construct_not_allowed', null],
    ['a join to a constant column', `SELECT count(*) FROM ${P} a JOIN (SELECT 'k1' AS k FROM "HN-ZJT-0003") x ON a.person_key = x.k`, 'construct_not_allowed', null],
    ['NATURAL JOIN', `SELECT count(*) FROM ${P} NATURAL JOIN ${V}`, 'construct_not_allowed', null],
    ['a join key as an output through a subquery', `SELECT k FROM (SELECT person_key AS k FROM ${V}) s`, 'join_key', 'HN-WJW-0002.person_key'],
    // DISTINCT ON and grouping sets
    ['DISTINCT ON', `SELECT DISTINCT ON (gender) gender FROM ${P}`, 'construct_not_allowed', null],
    ['ROLLUP', `SELECT region, count(*) FROM ${P} GROUP BY ROLLUP (region)`, 'construct_not_allowed', null],
    ['more alternatives than can be probed', `SELECT count(*) FROM ${P} WHERE id_number IN (${Array.from({ length: 70 }, (_, i) => `'${i}'`).join(', ')})`, 'construct_not_allowed', null],
  ]);

  it('accepts MIN/MAX through WHERE id = … but the group threshold suppresses the single person', async () => {
    const q = await accepted(`SELECT min(income), max(income) FROM ${P} WHERE id_number = '460100000000000001'`);
    expect(q.aggregated).toBe(true);
    expect(q.subjectsColumn).toBe('__gs_subjects');
    expect(q.minGroupSize).toBe(10);
    expect(q.sql).toBe(`SELECT min(income) AS min, max(income) AS max, count(*) AS __gs_subjects FROM ${P} WHERE id_number = '460100000000000001'`);
  });
});

describe('accepted queries: the SQL, hidden columns and probes', () => {
  it('GROUP BY a group key with COUNT and AVG of an aggregate_only column', async () => {
    const q = await accepted(`SELECT region, count(*) AS people, avg(income) FROM ${P} WHERE gender = 'F' AND birth_date < '1990-01-01' GROUP BY region ORDER BY people DESC`);
    expect(q.sql).toBe(
      `SELECT region AS region, count(*) AS people, avg(income) AS avg, count(*) AS __gs_subjects FROM ${P} ` +
        `WHERE gender = 'F' AND birth_date < '1990-01-01' GROUP BY region ORDER BY people DESC`,
    );
    expect(q.outputs).toEqual([
      { name: 'region', kind: 'group_key' },
      { name: 'people', kind: 'aggregate', aggregate: 'count' },
      { name: 'avg', kind: 'aggregate', aggregate: 'avg' },
    ]);
    expect(q.hiddenColumns).toEqual(['__gs_subjects']);
    expect(q.probes).toEqual([
      {
        condition: "gender = 'F'",
        sql: `SELECT count(*) FILTER (WHERE gender = 'F') AS kept, count(*) AS base FROM ${P} WHERE birth_date < '1990-01-01' GROUP BY region`,
      },
      {
        condition: "birth_date < '1990-01-01'",
        sql: `SELECT count(*) FILTER (WHERE birth_date < '1990-01-01') AS kept, count(*) AS base FROM ${P} WHERE gender = 'F' GROUP BY region`,
      },
    ]);
    expect(q.dp).toBe(false);
  });

  it('a join on join keys counts the distinct subjects of each view and keeps the least', async () => {
    const q = await accepted(`SELECT a.region, count(*) AS visits, sum(b.cost) FROM ${P} a JOIN ${V} b ON a.person_key = b.person_key GROUP BY 1`);
    expect(q.sql).toBe(
      `SELECT a.region AS region, count(*) AS visits, sum(b.cost) AS sum, LEAST(count(DISTINCT a.id_number), count(DISTINCT b.person_key)) AS __gs_subjects ` +
        `FROM ${P} AS a JOIN ${V} AS b ON a.person_key = b.person_key GROUP BY 1`,
    );
    expect(q.views).toEqual(['HN-GAT-0001', 'HN-WJW-0002']);
    expect(q.minGroupSize).toBe(10);
    expect(q.probes).toEqual([]);
  });

  it('a CTE of plain columns carries the subject up as a hidden column', async () => {
    const q = await accepted(`WITH v AS (SELECT hospital, cost FROM ${V}) SELECT hospital, avg(cost) FROM v GROUP BY hospital`);
    expect(q.sql).toBe(
      `WITH v AS (SELECT hospital, cost, ${V}.person_key AS __gs_s1 FROM ${V}) ` +
        `SELECT hospital AS hospital, avg(cost) AS avg, count(DISTINCT v.__gs_s1) AS __gs_subjects FROM v GROUP BY hospital`,
    );
  });

  it('a CTE over a view with one row per subject needs no hidden column: count(*) counts its subjects', async () => {
    const q = await accepted(`WITH g AS (SELECT gender, income FROM ${P}) SELECT gender, sum(income) FROM g GROUP BY gender`);
    expect(q.sql).toBe(`WITH g AS (SELECT gender, income FROM ${P}) SELECT gender AS gender, sum(income) AS sum, count(*) AS __gs_subjects FROM g GROUP BY gender`);
  });

  it('integer arithmetic on an aggregate_only column is done in numeric', async () => {
    const q = await accepted(`SELECT region, sum(income * 1000000) FROM ${P} GROUP BY region`);
    expect(q.sql).toContain('sum(income::numeric * 1000000)');
  });

  it('a query over a view without subjects counts its rows', async () => {
    const q = await accepted('SELECT line, sum(riders) FROM "HN-ZJT-0003" GROUP BY line');
    expect(q.sql).toBe('SELECT line AS line, sum(riders) AS sum, count(*) AS __gs_subjects FROM "HN-ZJT-0003" GROUP BY line');
    expect(q.minGroupSize).toBe(3);
  });

  it('a plain query has no threshold and no probes', async () => {
    const q = await accepted(`SELECT hospital, visit_date FROM ${V} WHERE diagnosis = 'J10' ORDER BY visit_date LIMIT 10`);
    expect(q).toMatchObject({ aggregated: false, subjectsColumn: null, probes: [], hiddenColumns: [] });
    expect(q.sql).toBe(`SELECT hospital AS hospital, visit_date AS visit_date FROM ${V} WHERE diagnosis = 'J10' ORDER BY visit_date LIMIT 10`);
  });

  it('UNION of plain columns is accepted', async () => {
    const q = await accepted(`SELECT gender AS v FROM ${P} UNION SELECT hospital FROM ${V} ORDER BY 1`);
    expect(q.outputs).toEqual([{ name: 'v', kind: 'plain' }]);
    expect(q.aggregated).toBe(false);
  });
});

describe('differential privacy', () => {
  const S = '"HN-SBJ-0004"';
  it('clamps SUM/AVG to the bounds, bounds rows per subject, and describes each noisy output', async () => {
    const q = await accepted(`SELECT city, count(*), sum(amount), avg(amount) AS mean FROM ${S} GROUP BY city`);
    expect(q.dp).toBe(true);
    expect(q.sql).toBe(
      'SELECT city AS city, NULL AS count, NULL AS sum, NULL AS mean, count(*) AS __gs_dp2_count, ' +
        'sum(LEAST(GREATEST(amount, 0), 5000)) AS __gs_dp3_sum, sum(LEAST(GREATEST(amount, 0), 5000)) AS __gs_dp4_sum, count(amount) AS __gs_dp4_count, ' +
        'count(DISTINCT "HN-SBJ-0004".id_number) AS __gs_subjects ' +
        `FROM ( SELECT id_number, city, amount, months, kind FROM ( SELECT *, row_number() OVER (PARTITION BY id_number) AS __gs_rn FROM ${S} ) AS __gs_dp WHERE __gs_rn <= 3 ) AS ${S} GROUP BY city`,
    );
    expect(q.outputs).toEqual([
      { name: 'city', kind: 'group_key' },
      { name: 'count', kind: 'aggregate', aggregate: 'count', dp: { aggregate: 'count', value: '__gs_dp2_count', sensitivity: 3 } },
      { name: 'sum', kind: 'aggregate', aggregate: 'sum', dp: { aggregate: 'sum', value: '__gs_dp3_sum', sensitivity: 15000 } },
      {
        name: 'mean',
        kind: 'aggregate',
        aggregate: 'avg',
        dp: { aggregate: 'avg', sum: '__gs_dp4_sum', count: '__gs_dp4_count', sumSensitivity: 15000, countSensitivity: 3, bounds: [0, 5000] },
      },
    ]);
    expect(q.hiddenColumns).toEqual(['__gs_dp2_count', '__gs_dp3_sum', '__gs_dp4_sum', '__gs_dp4_count', '__gs_subjects']);
  });

  refusedAll([
    ['MIN under differential privacy', 'SELECT city, min(amount) FROM "HN-SBJ-0004" GROUP BY city', 'dp_unsupported', 'HN-SBJ-0004.amount'],
    ['MAX under differential privacy', 'SELECT max(amount) FROM "HN-SBJ-0004"', 'dp_unsupported', 'HN-SBJ-0004.amount'],
    ['a SUM of a field without bounds', 'SELECT sum(months) FROM "HN-SBJ-0004"', 'dp_unsupported', 'HN-SBJ-0004.months'],
    ['a SUM of an expression', 'SELECT sum(amount * 2) FROM "HN-SBJ-0004"', 'dp_unsupported', 'HN-SBJ-0004.amount'],
    ['an expression of aggregates', 'SELECT sum(amount) / count(*) FROM "HN-SBJ-0004"', 'dp_unsupported', null],
    ['ORDER BY a noisy aggregate', 'SELECT city, count(*) FROM "HN-SBJ-0004" GROUP BY city ORDER BY 2 DESC', 'dp_unsupported', null],
    ['HAVING on a noisy aggregate', 'SELECT city, count(*) FROM "HN-SBJ-0004" GROUP BY city HAVING count(*) > 100', 'dp_unsupported', null],
    ['a join', `SELECT s.city, count(*) FROM "HN-SBJ-0004" s JOIN ${P} p ON s.kind = p.gender GROUP BY s.city`, 'dp_unsupported', null],
  ]);
});

// ── The generated SQL runs, and the threshold and probes neutralise what the checks let through ──

/** Where the generated SQL is run: PGlite in memory, and PostgreSQL in a schema of its own when TEST_DATABASE_URL is set. */
interface Runner {
  query(sql: string): Promise<{ fields: string[]; rows: Array<Record<string, unknown>>; arrays: unknown[][] }>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function pgliteRunner(): Promise<Runner> {
  const db = await PGlite.create();
  return {
    async query(sql) {
      const r = await db.query<Record<string, unknown>>(sql);
      const fields = r.fields.map((f) => f.name);
      return { fields, rows: r.rows, arrays: r.rows.map((row) => fields.map((f) => row[f])) };
    },
    async exec(sql) {
      await db.exec(sql);
    },
    close: () => db.close(),
  };
}

async function postgresRunner(url: string): Promise<Runner> {
  const schema = `sandbox_policy_${crypto.randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  return {
    async query(sql) {
      const r = await client.query({ text: sql, rowMode: 'array' });
      const fields = r.fields.map((f) => f.name);
      const arrays = r.rows as unknown[][];
      return { fields, arrays, rows: arrays.map((a) => Object.fromEntries(fields.map((f, i) => [f, a[i]]))) };
    },
    async exec(sql) {
      await client.query(sql);
    },
    async close() {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

const RUNNERS: Array<[string, () => Promise<Runner>]> = [['PGlite', pgliteRunner]];
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl) RUNNERS.push(['PostgreSQL', () => postgresRunner(serverUrl)]);
const counts = (rs: Array<Record<string, unknown>>) => rs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));

describe.each(RUNNERS)('generated SQL on %s', (_name, open) => {
  let db: Runner;
  const rows = async (sql: string) => (await db.query(sql)).rows;

  beforeAll(async () => {
    db = await open();
    await db.exec(`
      CREATE TABLE "HN-GAT-0001" (id_number text, name text, person_key text, region text, birth_date date, gender text, income integer);
      INSERT INTO "HN-GAT-0001"
        SELECT '4601' || lpad(i::text, 14, '0'), '人' || i, 'k' || i, CASE WHEN i <= 20 THEN '460100' ELSE '460200' END,
               DATE '1980-01-01' + i * 100, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, 3000 + i * 100
        FROM generate_series(1, 31) AS i;
      CREATE TABLE "HN-WJW-0002" (person_key text, hospital text, visit_date date, cost numeric, diagnosis text);
      INSERT INTO "HN-WJW-0002" SELECT 'k' || (i % 31 + 1), CASE WHEN i % 3 = 0 THEN '省人民医院' ELSE '市中心医院' END, DATE '2025-01-01' + i, 100 + i, 'J10'
        FROM generate_series(1, 90) AS i;
      CREATE TABLE "HN-ZJT-0003" (line text, station text, riders integer);
      INSERT INTO "HN-ZJT-0003" VALUES ('1', 'A', 10), ('1', 'B', 20), ('2', 'C', 5);
      CREATE TABLE "HN-SBJ-0004" (id_number text, city text, amount numeric, months integer, kind text);
      INSERT INTO "HN-SBJ-0004" SELECT 'p' || (i % 12), CASE WHEN i % 2 = 0 THEN '海口' ELSE '三亚' END, i * 1000, 1, 'x' FROM generate_series(1, 60) AS i;
    `);
  });
  afterAll(async () => {
    await db.close();
  });

  const runs = [
    `SELECT region, count(*) AS people, avg(income) FROM "HN-GAT-0001" WHERE gender = 'F' AND birth_date < '2000-01-01' GROUP BY region ORDER BY people DESC`,
    `SELECT a.region, count(*) AS visits, sum(b.cost) FROM "HN-GAT-0001" a JOIN "HN-WJW-0002" b ON a.person_key = b.person_key GROUP BY 1`,
    `WITH v AS (SELECT hospital, cost FROM "HN-WJW-0002") SELECT hospital, avg(cost) FROM v GROUP BY hospital`,
    `SELECT x.region, sum(x.income) FROM (SELECT region, income, person_key FROM "HN-GAT-0001") x JOIN (SELECT person_key FROM "HN-WJW-0002") y ON x.person_key = y.person_key GROUP BY x.region`,
    `SELECT g, count(*) FROM (SELECT left(region, 4) AS g, person_key FROM "HN-GAT-0001") s JOIN "HN-WJW-0002" w ON s.person_key = w.person_key GROUP BY g`,
    `SELECT region, sum(income * 1000000) FROM "HN-GAT-0001" GROUP BY region`,
    'SELECT line, sum(riders) FROM "HN-ZJT-0003" GROUP BY line',
    'SELECT city, count(*), sum(amount), avg(amount) AS mean FROM "HN-SBJ-0004" GROUP BY city',
    `SELECT gender AS v FROM "HN-GAT-0001" UNION SELECT hospital FROM "HN-WJW-0002" ORDER BY 1`,
    `SELECT date_trunc('month', visit_date) AS m, count(*) FROM "HN-WJW-0002" WHERE diagnosis = 'J10' GROUP BY 1 ORDER BY 1`,
  ];

  it.each(runs)('runs %s with its hidden columns and probes', async (sql) => {
    const q = await accepted(sql);
    const res = await db.query(q.sql);
    expect(res.fields).toEqual([...q.outputs.map((o) => o.name), ...q.hiddenColumns]);
    for (const p of q.probes) {
      const pr = await rows(p.sql);
      for (const r of pr) expect(Number(r.base)).toBeGreaterThanOrEqual(Number(r.kept));
    }
  });

  it('drops the group of one person that MIN/MAX through WHERE id = … would reveal', async () => {
    const q = await accepted(`SELECT min(income), max(income) FROM "HN-GAT-0001" WHERE id_number = '460100000000000007'`);
    const res = await db.query(q.sql);
    expect(res.arrays).toHaveLength(1);
    expect(Number(res.arrays[0]?.[2])).toBe(1);
    expect(suppressSmallGroups(res.arrays, 2, q.minGroupSize)).toEqual({ rows: [], suppressed: 1 });
  });

  it('the differencing probe catches two queries whose groups differ by one person', async () => {
    // sum over everyone in 460100, and over everyone but one: the difference is that person's income
    const q = await accepted(`SELECT region, sum(income) FROM "HN-GAT-0001" WHERE region = '460100' AND id_number <> '460100000000000007' GROUP BY region`);
    const byCondition = new Map(q.probes.map((p) => [p.condition, p.sql]));
    const isolating = await rows(byCondition.get("id_number <> '460100000000000007'") as string);
    expect(counts(isolating)).toEqual([{ kept: 19, base: 20 }]);
    expect(isolates(isolating as Array<{ base: unknown; kept: unknown }>, q.minGroupSize)).toBe(true);
    const broad = await rows(byCondition.get("region = '460100'") as string);
    expect(isolates(broad as Array<{ base: unknown; kept: unknown }>, q.minGroupSize)).toBe(false);
  });

  it('the probes test each arm of an OR and each value of an IN list: adding one person is caught', async () => {
    // 460200 has 11 people; person 7 lives in 460100: the OR adds exactly one person to the count
    const q = await accepted(`SELECT count(*), avg(income) FROM "HN-GAT-0001" WHERE gender IN ('F', 'M') AND (region = '460200' OR id_number = '460100000000000007')`);
    expect(q.probes.map((p) => p.condition)).toEqual([
      "gender IN ('F', 'M')",
      "gender = 'F'",
      "gender = 'M'",
      "region = '460200' OR id_number = '460100000000000007'",
      "region = '460200'",
      "id_number = '460100000000000007'",
    ]);
    const results = new Map<string, Array<{ base: unknown; kept: unknown }>>();
    for (const p of q.probes) results.set(p.condition, counts(await rows(p.sql)) as Array<{ base: unknown; kept: unknown }>);
    expect(results.get("id_number = '460100000000000007'")).toEqual([{ kept: 11, base: 12 }]);
    expect(isolates(results.get("id_number = '460100000000000007'") ?? [], q.minGroupSize)).toBe(true);
    expect(isolates(results.get("region = '460200'") ?? [], q.minGroupSize)).toBe(false);
    expect(isolates(results.get("gender = 'F'") ?? [], q.minGroupSize)).toBe(false);
  });

  it('the probes test each value of a NOT IN list: excluding one person is caught', async () => {
    const q = await accepted(`SELECT region, count(*) FROM "HN-GAT-0001" WHERE id_number NOT IN ('460100000000000007', 'nobody') GROUP BY region ORDER BY region`);
    expect(q.probes.map((p) => p.condition)).toEqual([
      "id_number NOT IN ('460100000000000007', 'nobody')",
      "id_number <> '460100000000000007'",
      "id_number <> 'nobody'",
    ]);
    const seven = counts(await rows(q.probes[1]?.sql as string)) as Array<{ base: unknown; kept: unknown }>;
    expect(seven).toContainEqual({ kept: 19, base: 20 });
    expect(isolates(seven, q.minGroupSize)).toBe(true);
    expect(isolates(counts(await rows(q.probes[2]?.sql as string)) as Array<{ base: unknown; kept: unknown }>, q.minGroupSize)).toBe(false);
  });

  it('small groups: grouping by a key unique to each person leaves every group below the threshold', async () => {
    const q = await accepted('SELECT birth_date, sum(income) FROM "HN-GAT-0001" GROUP BY birth_date');
    const res = await db.query(q.sql);
    expect(res.arrays).toHaveLength(31);
    expect(suppressSmallGroups(res.arrays, 2, q.minGroupSize)).toEqual({ rows: [], suppressed: 31 });
  });

  it('the probes of a join count distinct subjects per view', async () => {
    const q = await accepted(
      `SELECT b.hospital, count(*) FROM "HN-GAT-0001" a JOIN "HN-WJW-0002" b ON a.person_key = b.person_key WHERE a.gender = 'F' AND b.diagnosis = 'J10' GROUP BY b.hospital`,
    );
    expect(q.probes[0]?.sql).toContain('LEAST(count(DISTINCT a.id_number) FILTER (WHERE a.gender = \'F\'), count(DISTINCT b.person_key) FILTER (WHERE a.gender = \'F\')) AS kept');
    const r = await rows(q.probes[0]?.sql as string);
    expect(r.length).toBe(2);
  });

  it('under differential privacy each subject adds at most maxRowsPerSubject rows and sums are clamped', async () => {
    const q = await accepted('SELECT city, count(*), sum(amount) FROM "HN-SBJ-0004" GROUP BY city ORDER BY city');
    const r = await rows(q.sql);
    // 12 subjects × 5 rows each; at most 3 kept per subject: 36 rows, split 18/18 between the cities
    const total = r.reduce((s, x) => s + Number(x.__gs_dp2_count), 0);
    expect(total).toBe(36);
    for (const x of r) {
      expect(x.count).toBeNull();
      expect(Number(x.__gs_dp3_sum)).toBeLessThanOrEqual(Number(x.__gs_dp2_count) * 5000);
    }
  });
});

// ── JOIN … USING, LIKE … ESCAPE, and what the outputs tell the release scan ──

/** 就业登记: several rows per person; shares `region` (a group key) and `person_key` with 人口基础信息. */
const EMP: SandboxView = {
  name: 'HN-RSJ-0005',
  subjectColumn: 'person_key',
  subjectUnique: false,
  minGroupSize: 5,
  dp: null,
  columns: [
    { name: 'person_key', type: 'string', policy: 'join_key' },
    { name: 'region', type: 'string', policy: 'group_key' },
    { name: 'gender', type: 'string', policy: 'group_key' },
    { name: 'employer', type: 'string', policy: 'plain' },
    { name: 'salary', type: 'number', policy: 'aggregate_only' },
  ],
};
const E = '"HN-RSJ-0005"';
const B3 = '"HN-ZJT-0003"';
const WITH_EMP = [...VIEWS, EMP];

describe('JOIN … USING: a bare USING column is the merged column, under the stricter policy of the two sides', () => {
  it('groups, shows and compares a group key merged from two group keys', async () => {
    const q = await accepted(`SELECT region, count(*) FROM ${P} JOIN ${E} USING (region) WHERE region = '460100' GROUP BY region`, WITH_EMP);
    expect(q.outputs).toEqual([
      { name: 'region', kind: 'group_key' },
      { name: 'count', kind: 'aggregate', aggregate: 'count' },
    ]);
    expect(q.views).toEqual(['HN-GAT-0001', 'HN-RSJ-0005']);
    expect(q.probes.map((p) => p.condition)).toEqual(["region = '460100'"]);
    expect(q.sql).toContain(`FROM ${P} JOIN ${E} USING (region) WHERE region = '460100' GROUP BY region`);
  });

  it('accepts the join keys as the USING condition, with bare references to other columns and GROUP BY an ordinal', async () => {
    const q = await accepted(`SELECT "b"."hospital", count(*) FROM ${P} JOIN ${V} "b" USING (person_key) WHERE gender = 'F' GROUP BY 1`);
    expect(q.sql).toContain('LEAST(count(DISTINCT "HN-GAT-0001".id_number), count(DISTINCT b.person_key)) AS __gs_subjects');
    await accepted(`SELECT a.region, sum(e.salary) FROM ${P} a JOIN ${E} e USING (person_key, region) GROUP BY a.region`, WITH_EMP);
    // the sides stay reachable by their names
    await accepted(`SELECT a.region, count(*) FROM ${P} a JOIN ${E} e USING (region) GROUP BY a.region`, WITH_EMP);
    // a second USING join merges the merged column again
    await accepted(`SELECT count(*) FROM ${P} JOIN ${V} USING (person_key) JOIN ${E} USING (person_key)`, WITH_EMP);
  });

  it('a group key merged with a plain column is a group key: grouped yes, row by row no', async () => {
    await accepted(`SELECT gender, count(*) FROM ${P} JOIN ${E} USING (gender) GROUP BY gender`, WITH_EMP);
    const v = await refusal(`SELECT gender FROM ${P} JOIN ${E} USING (gender)`, WITH_EMP);
    expect({ rule: v.rule, column: v.column }).toEqual({ rule: 'group_key', column: 'HN-RSJ-0005.gender' });
  });

  it('`*` over a USING join lists the merged column once, then each side’s other columns', async () => {
    const q = await accepted(`SELECT * FROM ${B3} a JOIN ${B3} b USING (line)`);
    expect(q.outputs.map((o) => o.name)).toEqual(['line', 'station', 'riders', 'station', 'riders']);
    const side = await accepted(`SELECT b.* FROM ${B3} a JOIN ${B3} b USING (line)`);
    expect(side.outputs.map((o) => o.name)).toEqual(['line', 'station', 'riders']);
  });

  const cases: Attack[] = [
    ['outputting a join key through the merged column', `SELECT person_key FROM ${P} JOIN ${V} USING (person_key)`, 'join_key', 'HN-GAT-0001.person_key'],
    ['grouping by a merged join key', `SELECT person_key, count(*) FROM ${P} JOIN ${V} USING (person_key) GROUP BY person_key`, 'join_key', 'HN-GAT-0001.person_key'],
    ['comparing a merged join key with a constant', `SELECT count(*) FROM ${P} JOIN ${V} USING (person_key) WHERE person_key = 'k1'`, 'join_key', 'HN-GAT-0001.person_key'],
    ['counting a merged join key', `SELECT count(DISTINCT person_key) FROM ${P} JOIN ${V} USING (person_key)`, 'join_key', 'HN-GAT-0001.person_key'],
    [
      'grouping by a column that is a group key on one side and a join key on the other',
      `SELECT region, count(*) FROM ${P} JOIN (SELECT person_key AS region FROM ${V}) s USING (region) GROUP BY region`,
      'join_key',
      'HN-WJW-0002.person_key',
    ],
    [
      'comparing a column that is a join key on one side',
      `SELECT count(*) FROM ${P} JOIN (SELECT person_key AS region FROM ${V}) s USING (region) WHERE region = '460100'`,
      'join_key',
      'HN-WJW-0002.person_key',
    ],
    ['USING a filter_only column', `SELECT count(*) FROM ${P} a JOIN (SELECT diagnosis AS id_number FROM ${V}) b USING (id_number)`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['USING an aggregate_only column', `SELECT count(*) FROM ${P} JOIN (SELECT cost AS income FROM ${V}) b USING (income)`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['a bare USING column beside a third view with the same name', `SELECT count(*) FROM ${P} JOIN ${V} USING (person_key) JOIN ${E} x ON x.person_key = person_key`, 'unknown_column', 'person_key'],
    ['a USING column named twice', `SELECT count(*) FROM ${P} JOIN ${V} USING (person_key, person_key)`, 'construct_not_allowed', 'person_key'],
    ['NATURAL JOIN (joins on every shared column without naming them)', `SELECT count(*) FROM ${P} NATURAL JOIN ${E}`, 'construct_not_allowed', null],
  ];
  it.each(cases)('refuses %s', async (_what, sql, rule, column) => {
    const v = await refusal(sql, WITH_EMP);
    expect({ rule: v.rule, column: v.column }).toEqual({ rule, column });
  });

  it('names USING in the refusal of NATURAL JOIN', async () => {
    expect((await refusal(`SELECT count(*) FROM ${P} NATURAL JOIN ${V}`)).message).toContain('USING');
  });
});

describe('LIKE … ESCAPE: checked as plain LIKE', () => {
  it('accepts LIKE, ILIKE, NOT LIKE and SIMILAR TO with a one-character escape on plain columns', async () => {
    const q = await accepted(`SELECT hospital FROM ${V} WHERE hospital LIKE '省!%%' ESCAPE '!'`);
    expect(q.sql).toBe(`SELECT hospital AS hospital FROM ${V} WHERE hospital LIKE pg_catalog.like_escape('省!%%', '!')`);
    await accepted(`SELECT hospital FROM ${V} WHERE hospital ILIKE '%!_x' ESCAPE '!' OR hospital NOT LIKE 'a#%' ESCAPE '#'`);
    await accepted(`SELECT hospital FROM ${V} WHERE hospital SIMILAR TO '(省|市)%' ESCAPE '#'`);
    await accepted(`SELECT hospital FROM ${V} WHERE hospital SIMILAR TO '(省|市)%'`);
    await accepted(`SELECT hospital FROM ${V} WHERE hospital LIKE 'a%' ESCAPE ''`);
  });

  it('probes a LIKE … ESCAPE condition of an aggregating query like any other condition', async () => {
    const q = await accepted(`SELECT gender, count(*) FROM ${P} WHERE gender LIKE 'F!_%' ESCAPE '!' GROUP BY gender`);
    expect(q.probes.map((p) => p.condition)).toEqual(["gender LIKE pg_catalog.like_escape('F!_%', '!')"]);
  });

  refusedAll([
    ['LIKE … ESCAPE on a filter_only column', `SELECT count(*) FROM ${P} WHERE id_number LIKE '4601!%%' ESCAPE '!'`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['ILIKE … ESCAPE on a filter_only column', `SELECT count(*) FROM ${V} WHERE diagnosis ILIKE '%hiv!_%' ESCAPE '!'`, 'filter_only', 'HN-WJW-0002.diagnosis'],
    ['NOT LIKE … ESCAPE on a filter_only column', `SELECT count(*) FROM ${P} WHERE id_number NOT LIKE '4601%' ESCAPE '!'`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['SIMILAR TO … ESCAPE on a filter_only column', `SELECT count(*) FROM ${P} WHERE id_number SIMILAR TO '46%' ESCAPE '#'`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['a filter_only column as the pattern of LIKE … ESCAPE', `SELECT count(*) FROM ${P} WHERE '4601' LIKE id_number ESCAPE '!'`, 'filter_only', 'HN-GAT-0001.id_number'],
    ['LIKE … ESCAPE on an aggregate_only column', `SELECT count(*) FROM ${P} WHERE income::text LIKE '5%' ESCAPE '!'`, 'aggregate_only', 'HN-GAT-0001.income'],
    ['LIKE … ESCAPE inside an aggregate over an aggregate_only column', `SELECT count(*), sum(CASE WHEN income::text LIKE '5%' ESCAPE '!' THEN 1 END) FROM ${P}`, 'aggregate_argument', 'HN-GAT-0001.income'],
    ['LIKE … ESCAPE on a group key', `SELECT count(*) FROM ${P} WHERE region LIKE '46!%' ESCAPE '!'`, 'group_key', 'HN-GAT-0001.region'],
    ['LIKE … ESCAPE on a hidden column', `SELECT count(*) FROM ${P} WHERE name LIKE '张%' ESCAPE '!'`, 'hidden', 'HN-GAT-0001.name'],
    ['an escape taken from a column', `SELECT hospital FROM ${V} WHERE hospital LIKE 'a%' ESCAPE hospital`, 'construct_not_allowed', null],
    ['an escape of two characters', `SELECT hospital FROM ${V} WHERE hospital LIKE 'a%' ESCAPE '!!'`, 'construct_not_allowed', null],
    ['like_escape called as a function', `SELECT hospital FROM ${V} WHERE hospital = like_escape('a', '!')`, 'function_not_allowed', null],
  ]);
});

describe('outputs the release scan may skip: numbers aggregates compute', () => {
  it('marks MIN/MAX of numeric columns and arithmetic on aggregates as numeric, never MIN/MAX of text or dates', async () => {
    const q = await accepted(
      `SELECT hospital, min(cost), max(cost * 2) AS top, min(visit_date), max(hospital) AS last, sum(cost) / count(*) AS mean, round(avg(cost), 2) AS r, ` +
        `max(length(hospital)) AS len, count(*) FROM ${V} GROUP BY hospital`,
    );
    expect(q.outputs).toEqual([
      { name: 'hospital', kind: 'group_key' },
      { name: 'min', kind: 'aggregate', aggregate: 'min', numeric: true },
      { name: 'top', kind: 'aggregate', aggregate: 'max', numeric: true },
      { name: 'min', kind: 'aggregate', aggregate: 'min' },
      { name: 'last', kind: 'aggregate', aggregate: 'max' },
      { name: 'mean', kind: 'aggregate', numeric: true },
      { name: 'r', kind: 'aggregate', numeric: true },
      // a function of text may be anything: not marked
      { name: 'len', kind: 'aggregate', aggregate: 'max' },
      { name: 'count', kind: 'aggregate', aggregate: 'count' },
    ]);
    const cast = await accepted(`SELECT max(riders)::text AS t, max(riders) || '' AS s FROM ${B3}`);
    expect(cast.outputs).toEqual([
      { name: 't', kind: 'aggregate' },
      { name: 's', kind: 'aggregate' },
    ]);
  });

  it('never marks MIN/MAX of a numeric column that holds personal information (a mobile number stored as a number)', async () => {
    const phones: SandboxView = { ...VIS, columns: VIS.columns.map((c) => (c.name === 'cost' ? { ...c, piiKind: 'mobile' } : c)) };
    const q = await accepted(`SELECT hospital, max(cost) AS top, sum(cost) AS total FROM ${V} GROUP BY hospital`, [phones]);
    expect(q.outputs).toEqual([
      { name: 'hospital', kind: 'group_key' },
      { name: 'top', kind: 'aggregate', aggregate: 'max' },
      { name: 'total', kind: 'aggregate', aggregate: 'sum' },
    ]);
    // The same query over the column without a kind: MAX is a computed number.
    expect((await accepted(`SELECT hospital, max(cost) AS top FROM ${V} GROUP BY hospital`, [VIS])).outputs[1]).toEqual({ name: 'top', kind: 'aggregate', aggregate: 'max', numeric: true });
  });
});

/** The USING and ESCAPE forms run as checked, with their hidden columns and probes. */
describe.each(RUNNERS)('USING and ESCAPE on %s', (_name, open) => {
  let db: Runner;
  beforeAll(async () => {
    db = await open();
    await db.exec(`
      CREATE TABLE "HN-GAT-0001" (id_number text, name text, person_key text, region text, birth_date date, gender text, income integer);
      INSERT INTO "HN-GAT-0001"
        SELECT '4601' || lpad(i::text, 14, '0'), '人' || i, 'k' || i, CASE WHEN i <= 20 THEN '460100' ELSE '460200' END,
               DATE '1980-01-01' + i * 100, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, 3000 + i * 100
        FROM generate_series(1, 31) AS i;
      CREATE TABLE "HN-WJW-0002" (person_key text, hospital text, visit_date date, cost numeric, diagnosis text);
      INSERT INTO "HN-WJW-0002" SELECT 'k' || (i % 31 + 1), CASE WHEN i % 3 = 0 THEN '省人民医院' ELSE '市_中心医院' END, DATE '2025-01-01' + i, 100 + i, 'J10'
        FROM generate_series(1, 90) AS i;
      CREATE TABLE "HN-ZJT-0003" (line text, station text, riders integer);
      INSERT INTO "HN-ZJT-0003" VALUES ('1', 'A', 10), ('1', 'B', 20), ('2', 'C', 5);
      CREATE TABLE "HN-RSJ-0005" (person_key text, region text, gender text, employer text, salary numeric);
      INSERT INTO "HN-RSJ-0005" SELECT 'k' || i, CASE WHEN i <= 20 THEN '460100' ELSE '460200' END, 'F', '单位' || (i % 3), 5000 + i FROM generate_series(1, 31) AS i;
    `);
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([
    `SELECT "b"."hospital", count(*) FROM "HN-GAT-0001" JOIN "HN-WJW-0002" "b" USING (person_key) WHERE gender = 'F' GROUP BY 1`,
    `SELECT region, count(*), sum(salary) FROM "HN-GAT-0001" JOIN "HN-RSJ-0005" USING (person_key, region) WHERE region = '460100' GROUP BY region`,
    `SELECT count(*) FROM "HN-GAT-0001" JOIN "HN-WJW-0002" USING (person_key) JOIN "HN-RSJ-0005" USING (person_key)`,
    `SELECT * FROM "HN-ZJT-0003" a JOIN "HN-ZJT-0003" b USING (line)`,
    `SELECT hospital, count(*) FROM "HN-WJW-0002" WHERE hospital LIKE '市!_%' ESCAPE '!' GROUP BY hospital`,
  ])('runs %s with its hidden columns and probes', async (sql) => {
    const q = await accepted(sql, WITH_EMP);
    const res = await db.query(q.sql);
    expect(res.fields).toEqual([...q.outputs.map((o) => o.name), ...q.hiddenColumns]);
    expect(res.arrays.length).toBeGreaterThan(0);
    for (const p of q.probes) {
      for (const r of (await db.query(p.sql)).rows) expect(Number(r.base)).toBeGreaterThanOrEqual(Number(r.kept));
    }
  });

  it('the merged column counts the rows both sides agree on', async () => {
    const q = await accepted(`SELECT region, count(*) FROM "HN-GAT-0001" JOIN "HN-RSJ-0005" USING (person_key, region) GROUP BY region ORDER BY region`, WITH_EMP);
    expect(counts((await db.query(q.sql)).rows)).toEqual([
      { region: 460100, count: 20, __gs_subjects: 20 },
      { region: 460200, count: 11, __gs_subjects: 11 },
    ]);
  });

  it('ESCAPE makes the wildcard a literal: only the hospital whose name has “_” after 市 matches', async () => {
    const escaped = await accepted(`SELECT hospital, count(*) FROM "HN-WJW-0002" WHERE hospital LIKE '市!_%' ESCAPE '!' GROUP BY hospital`);
    expect((await db.query(escaped.sql)).rows.map((r) => r.hospital)).toEqual(['市_中心医院']);
    const none = await accepted(`SELECT hospital, count(*) FROM "HN-WJW-0002" WHERE hospital LIKE '省!_%' ESCAPE '!' GROUP BY hospital`);
    expect((await db.query(none.sql)).rows).toEqual([]);
  });
});
