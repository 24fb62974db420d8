/**
 * The sandbox over HTTP (数据可用不可见; 002 第十一条): 海南数据运营有限公司 holds sandbox grants of
 * 省公安厅's people data and queries views named by the entry codes. Accepted GROUP BY queries
 * answer counts with groups below the threshold dropped and counted (k and k − 1 subjects); a query
 * the column policies refuse is recorded, audited and answered 422 with the rule and the column;
 * the differencing attack is refused by its probe; a suspended or expired grant refuses at once;
 * results stay on the platform until released (blocked when they hold ID numbers, waiting for the
 * implementing agency where the grant says so); row cap, statement timeout and the ε budget hold.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import type { Config } from '../../kernel/config.js';
import { makePublishedEntry, PEOPLE_FIELDS } from '../ingest/factories.js';
import { synthBankCard, synthIdNumber, synthUscc } from '../ingest/synth.js';
import { runSandboxQuery, SANDBOX_ROLE } from './sandbox.run.js';

const K = 10;
const ROW_CAP = 50;

/**
 * 300 people by district: 200 in 秀英区, 80 in 龙华区, exactly k = 10 in 琼山区, k − 1 = 9 in
 * 美兰区, 1 in 海棠区. One person of 秀英区 is born on a date no one else has (the differencing
 * target); all others are born 1990-03-07.
 */
const DISTRICTS: Array<[string, number]> = [
  ['460105', 200],
  ['460106', 80],
  ['460107', K],
  ['460108', K - 1],
  ['460202', 1],
];
const TARGET_BIRTH = '1970-01-01';

function people(): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let i = 0;
  for (const [region, n] of DISTRICTS) {
    for (let j = 0; j < n; j++) {
      i++;
      out.push({
        id_number: synthIdNumber(region, '19900307', i),
        name: `居民${i}`,
        mobile: `139${String(i).padStart(8, '0')}`,
        card: synthBankCard(i),
        region,
        company: synthUscc('460100', i),
        birth: i === 1 ? TARGET_BIRTH : '1990-03-07',
        household: String((i % 5) + 1),
        income: `${1000 + i}.50`,
        active: i % 2 ? 'true' : 'false',
        updated_at: '2026-09-18T10:00:00+08:00',
      });
    }
  }
  return out;
}
const PEOPLE = people();
const csvOf = (rows: Array<Record<string, string>>) => `${PEOPLE_FIELDS.map((f) => f.name).join(',')}\n${rows.map((r) => PEOPLE_FIELDS.map((f) => r[f.name]).join(',')).join('\n')}\n`;

/** The policies of the main grant: the ID number joins and counts subjects, never shows. */
const POLICIES = {
  id_number: 'join_key',
  name: 'hidden',
  mobile: 'hidden',
  region: 'group_key',
  birth: 'filter_only',
  household: 'plain',
  income: 'aggregate_only',
  active: 'filter_only',
};
/** A grant that shows ID numbers in clear (for the release scan). */
const PLAIN_ID_POLICIES = { id_number: 'plain', household: 'plain' };

interface Fixture {
  env: TestEnv;
  /** Entry codes. */
  A: string;
  B: string;
  C: string;
  grants: { A: string; B: string; C: string };
}

/** A published entry of 省公安厅 loaded with `rows`; returns its id and code. */
async function loadedEntry(env: TestEnv, name: string, rows: Array<Record<string, string>>): Promise<{ id: string; code: string }> {
  const id = await makePublishedEntry(env.k, '海南省公安厅', PEOPLE_FIELDS, name, { provisionMethods: ['api', 'batch'] });
  const code = (await env.k.db.kysely.selectFrom('catalog_entries').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
  const gat = await signIn(env.app, ['gat_clerk']);
  const load = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${id}/loads?mode=replace`,
    headers: { cookie: gat('gat_clerk').cookie, 'x-csrf-token': gat('gat_clerk').csrf, 'content-type': 'text/csv' },
    payload: csvOf(rows),
  });
  expect(ok(load, 201)).toMatchObject({ status: 'committed', rowsAccepted: rows.length });
  return { id, code };
}

/** A sandbox grant of 省公安厅's entry to 海南数据运营有限公司, written as the sharing module stores one. */
async function sandboxGrant(env: TestEnv, entryId: string, settings: { policies: Record<string, string>; minGroupSize?: number | null; dp?: { budget: number; perQuery: number } | null; releaseApproval?: boolean }): Promise<string> {
  const db = env.k.db.kysely;
  const org = async (name: string) => (await db.selectFrom('orgs').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const id = randomUUID();
  const now = env.k.clock.now();
  await sql`
    INSERT INTO grants (id, subject_org_id, provider_org_id, entry_id, fields, row_filter, purpose, methods, valid_from, valid_until,
                        source_case_type, source_case_id, status, created_at, column_policies, min_group_size,
                        dp_epsilon_budget, dp_epsilon_per_query, dp_max_rows_per_subject, release_approval)
    VALUES (${id}, ${await org('海南数据运营有限公司')}, ${await org('海南省公安厅')}, ${entryId}, ${Object.keys(settings.policies)}, NULL,
            '人口结构分析；使用范围：沙箱内聚合统计', ${['sandbox']}, ${now}, ${new Date('2027-09-30T16:00:00Z')},
            'share_request', ${randomUUID()}, 'active', ${now}, ${JSON.stringify(settings.policies)}::jsonb, ${settings.minGroupSize ?? null},
            ${settings.dp?.budget ?? null}, ${settings.dp?.perQuery ?? null}, ${settings.dp ? 1 : null}, ${settings.releaseApproval ?? false})`.execute(db);
  return id;
}

async function fixture(config: Partial<Config>): Promise<Fixture> {
  const env = await testEnv({ config });
  const a = await loadedEntry(env, '测试人口数据（沙箱）', PEOPLE);
  const b = await loadedEntry(env, '测试人口数据（明文号码）', PEOPLE.slice(0, 12));
  const c = await loadedEntry(env, '测试人口数据（差分隐私）', PEOPLE);
  return {
    env,
    A: a.code,
    B: b.code,
    C: c.code,
    grants: {
      A: await sandboxGrant(env, a.id, { policies: POLICIES, minGroupSize: K }),
      B: await sandboxGrant(env, b.id, { policies: PLAIN_ID_POLICIES, minGroupSize: K }),
      C: await sandboxGrant(env, c.id, { policies: POLICIES, minGroupSize: K, dp: { budget: 1, perQuery: 0.5 } }),
    },
  };
}

type Result = { id: string; columns: Array<{ name: string; kind: string; aggregate?: string }>; rows: unknown[][]; suppressedGroups: number; epsilonSpent: number; truncated: boolean; rowCount: number };
type Violation = { code: string; message: string; column: string | null; rule: string; source?: string; queryId: string };

let f: Fixture;
let as: Awaited<ReturnType<typeof signIn>>;
const db = () => f.env.k.db.kysely;
const query = (text: string, login = 'yunying_engineer') => as(login).post('/api/v1/sandbox/queries', { sql: text });
const accepted = async (text: string, login = 'yunying_engineer') => ok<Result>(await query(text, login), 201);
const violation = async (text: string) => {
  const res = await query(text);
  refused(res, 422, 'policy_violation');
  return (res.json() as { error: Violation }).error;
};
const record = (id: string) => db().selectFrom('sandbox_queries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const eventsOf = (id: string) => db().selectFrom('audit_events').selectAll().where('object_type', '=', 'sandbox_query').where('object_id', '=', id).orderBy('seq').execute();

beforeAll(async () => {
  f = await fixture({ sandboxRowCap: ROW_CAP });
  as = await signIn(f.env.app, ['yunying_engineer', 'yunying_admin', 'kaifa_dev', 'ssjg_clerk', 'expert_li', 'gat_clerk']);
}, 180_000);

afterAll(async () => {
  await f?.env.close();
});

describe('views', () => {
  it('lists the org’s sandbox views with column types, labels, policies, the threshold and the ε left', async () => {
    const v = ok<{ views: Array<Record<string, any>>; unavailable: unknown[] }>(await as('yunying_engineer').get('/api/v1/sandbox/views'));
    expect(v.views.map((x) => x.name).sort()).toEqual([f.A, f.B, f.C].sort());
    const a = v.views.find((x) => x.name === f.A);
    expect(a).toMatchObject({ grantId: f.grants.A, minGroupSize: K, subjectColumn: 'id_number', dp: null });
    expect(a?.columns).toContainEqual(expect.objectContaining({ name: 'income', label: '月收入', type: 'number', policy: 'aggregate_only' }));
    expect(a?.columns).toContainEqual(expect.objectContaining({ name: 'region', policy: 'group_key' }));
    // Granted fields without a policy are hidden (deny by default); fields not granted are not there.
    expect(a?.columns.map((c: { name: string }) => c.name)).not.toContain('card');
    const c = v.views.find((x) => x.name === f.C);
    expect(c?.dp).toMatchObject({ budget: 1, perQuery: 0.5, spent: 0, remaining: 1 });
  });

  it('other orgs see no views; a person of the org without a data role may not query', async () => {
    const other = ok<{ views: unknown[] }>(await as('kaifa_dev').get('/api/v1/sandbox/views'));
    expect(other.views).toEqual([]);
    refused(await query(`SELECT region, count(*) AS n FROM "${f.A}" GROUP BY region`, 'kaifa_dev'), 403, 'FORBIDDEN');
    refused(await as('expert_li').get('/api/v1/sandbox/views'), 403, 'FORBIDDEN');
  });
});

describe('accepted queries and the group threshold', () => {
  it('answers a GROUP BY with counts; groups of k subjects are shown, of k − 1 or fewer dropped and counted', async () => {
    const r = await accepted(`SELECT region, count(*) AS n FROM "${f.A}" GROUP BY region ORDER BY region`);
    expect(r.columns).toEqual([
      { name: 'region', kind: 'group_key' },
      { name: 'n', kind: 'aggregate', aggregate: 'count' },
    ]);
    // 琼山区 has exactly k = 10 and is shown; 美兰区 (k − 1) and 海棠区 (1) are dropped.
    expect(r.rows).toEqual([
      ['460105', 200],
      ['460106', 80],
      ['460107', K],
    ]);
    expect(r).toMatchObject({ suppressedGroups: 2, epsilonSpent: 0, truncated: false, rowCount: 3, minGroupSize: K });
    const row = await record(r.id);
    expect(row).toMatchObject({ decision: 'accepted', row_count: 3, suppressed_groups: 2, grant_ids: [f.grants.A], release_status: null });
    expect(row.output_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.rows).toEqual(r.rows);
    const [ev] = await eventsOf(r.id);
    expect(ev).toMatchObject({ action: 'sandbox.query', grant_id: f.grants.A });
    expect(ev?.details).toMatchObject({ decision: 'accepted', rowCount: 3, suppressedGroups: 2, epsilon: '0', outputHash: row.output_hash });
    expect(String(ev?.details.sql)).toContain('GROUP BY region');
  });

  it('aggregates an aggregate-only column per group', async () => {
    const r = await accepted(`SELECT region, sum(income) AS total FROM "${f.A}" WHERE active = true GROUP BY region ORDER BY region`);
    expect(r.columns.map((c) => c.kind)).toEqual(['group_key', 'aggregate']);
    // Of 秀英区's 200, the odd-numbered people (persons 1…199) are active: 100 subjects ≥ k.
    const expected = PEOPLE.filter((p, i) => p.region === '460105' && (i + 1) % 2 === 1).reduce((s, p) => s + Number(p.income), 0);
    expect(Number(r.rows[0]?.[1])).toBeCloseTo(expected, 2);
  });

  it('never shows the hidden columns the check adds (the subject count)', async () => {
    const r = await accepted(`SELECT region, count(*) AS n FROM "${f.A}" GROUP BY region`);
    for (const row of r.rows) expect(row).toHaveLength(2);
  });
});

describe('refusals', () => {
  it('a policy violation is 422 naming the rule and the column, recorded as rejected and audited', async () => {
    const e = await violation(`SELECT name FROM "${f.A}"`);
    expect(e).toMatchObject({ code: 'policy_violation', rule: 'hidden', source: '002 第十一条' });
    expect(e.column).toContain('name');
    expect(e.message).toEqual(expect.any(String));
    const row = await record(e.queryId);
    expect(row).toMatchObject({ decision: 'rejected', org_id: expect.any(String), rows: null });
    expect(row.violation).toMatchObject({ rule: 'hidden' });
    const [ev] = await eventsOf(e.queryId);
    expect(ev).toMatchObject({ action: 'sandbox.query_rejected' });
    expect(ev?.details).toMatchObject({ rule: 'hidden', decision: 'rejected' });

    const agg = await violation(`SELECT income FROM "${f.A}"`);
    expect(agg.rule).toBe('aggregate_only');
    expect(agg.column).toContain('income');
  });

  it('refuses the differencing attack: the second of two queries whose groups differ by one person', async () => {
    const first = await accepted(`SELECT region, count(*) AS n FROM "${f.A}" GROUP BY region ORDER BY region`);
    expect(first.rows[0]).toEqual(['460105', 200]);
    const e = await violation(`SELECT region, count(*) AS n FROM "${f.A}" WHERE birth > '${TARGET_BIRTH}' GROUP BY region ORDER BY region`);
    expect(e.rule).toBe('isolating_condition');
    expect(e.source).toBe('002 第十一条');
    const row = await record(e.queryId);
    expect(row).toMatchObject({ decision: 'rejected', grant_ids: [f.grants.A], rows: null });
    expect((await eventsOf(e.queryId))[0]?.action).toBe('sandbox.query_rejected');
    // A condition that removes k or more subjects from every group it touches is no attack.
    await accepted(`SELECT region, count(*) AS n FROM "${f.A}" WHERE active = true GROUP BY region`);
  });

  it('refuses, naming the status, a query under a suspended or expired grant, and again accepts it once resumed', async () => {
    const text = `SELECT household, count(*) AS n FROM "${f.B}" GROUP BY household`;
    await sql`UPDATE grants SET status = 'suspended' WHERE id = ${f.grants.B}`.execute(db());
    const s = refused(await query(text), 403, 'FORBIDDEN', '000 第十四条');
    expect(s.message).toContain('暂停');
    const before = await db().selectFrom('grants').select('valid_until').where('id', '=', f.grants.B).executeTakeFirstOrThrow();
    await sql`UPDATE grants SET status = 'active', valid_until = ${new Date(f.env.clock.now().getTime() - 1000)}, valid_from = ${new Date(f.env.clock.now().getTime() - 86_400_000)} WHERE id = ${f.grants.B}`.execute(db());
    const x = refused(await query(text), 403, 'FORBIDDEN', '000 第十四条');
    expect(x.message).toContain('过使用时限');
    const views = ok<{ views: Array<{ name: string }>; unavailable: Array<{ code: string; status: string }> }>(await as('yunying_engineer').get('/api/v1/sandbox/views'));
    expect(views.views.map((v) => v.name)).not.toContain(f.B);
    expect(views.unavailable).toContainEqual(expect.objectContaining({ code: f.B, status: 'expired' }));
    await sql`UPDATE grants SET valid_until = ${before.valid_until} WHERE id = ${f.grants.B}`.execute(db());
    await accepted(`SELECT household FROM "${f.B}"`);
  });

  it('another org cannot see, list or release my query', async () => {
    const mine = await accepted(`SELECT region, count(*) AS n FROM "${f.A}" GROUP BY region`);
    refused(await as('kaifa_dev').get(`/api/v1/sandbox/queries/${mine.id}`), 404, 'NOT_FOUND');
    refused(await as('kaifa_dev').post(`/api/v1/sandbox/queries/${mine.id}/release`), 404, 'NOT_FOUND');
    refused(await as('kaifa_dev').get(`/api/v1/sandbox/queries/${mine.id}/download`), 404, 'NOT_FOUND');
    expect(ok<{ total: number }>(await as('kaifa_dev').get('/api/v1/sandbox/queries')).total).toBe(0);
    // The same org's other people see it.
    expect(ok<{ id: string }>(await as('yunying_admin').get(`/api/v1/sandbox/queries/${mine.id}`)).id).toBe(mine.id);
    const list = ok<{ items: Array<{ id: string }>; total: number }>(await as('yunying_engineer').get('/api/v1/sandbox/queries?limit=200'));
    expect(list.items.map((i) => i.id)).toContain(mine.id);
    expect(list.total).toBeGreaterThanOrEqual(list.items.length);
  });
});

describe('release (出域审查)', () => {
  it('blocks a result holding ID numbers, naming the column and the kind; it cannot be downloaded', async () => {
    const r = await accepted(`SELECT id_number, household FROM "${f.B}"`);
    expect(r.rows).toHaveLength(12);
    const res = await as('yunying_engineer').post(`/api/v1/sandbox/queries/${r.id}/release`);
    const e = refused(res, 422, 'output_contains_identifiers', '002 第十一条');
    expect(e.message).toContain('id_number');
    expect((res.json() as { error: { columns: string[]; findings: Array<{ column: string; kind: string; count: number }> } }).error.findings).toEqual([{ column: 'id_number', kind: 'id_number', count: 12 }]);
    const row = await record(r.id);
    expect(row.release_status).toBe('blocked');
    expect(row.release_scan).toEqual([{ column: 'id_number', kind: 'id_number', count: 12 }]);
    expect((await eventsOf(r.id)).map((x) => x.action)).toEqual(['sandbox.query', 'sandbox.release_blocked']);
    refused(await as('yunying_engineer').get(`/api/v1/sandbox/queries/${r.id}/download`), 409, 'INVALID_STATE');
  });

  it('releases a vetted result at once when the grant needs no approval; downloads only after release', async () => {
    const r = await accepted(`SELECT region, count(*) AS n FROM "${f.A}" GROUP BY region ORDER BY region`);
    refused(await as('yunying_engineer').get(`/api/v1/sandbox/queries/${r.id}/download`), 409, 'INVALID_STATE');
    const rel = ok<{ releaseStatus: string; releaseScan: unknown[] }>(await as('yunying_engineer').post(`/api/v1/sandbox/queries/${r.id}/release`));
    expect(rel).toMatchObject({ releaseStatus: 'released', releaseScan: [] });
    refused(await as('yunying_engineer').post(`/api/v1/sandbox/queries/${r.id}/release`), 409, 'INVALID_STATE');
    const csv = await as('yunying_engineer').get(`/api/v1/sandbox/queries/${r.id}/download?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.replace(/^\uFEFF/, '')).toBe('region,n\n460105,200\n460106,80\n460107,10\n');
    const json = ok<{ rows: unknown[][]; outputHash: string }>(await as('yunying_engineer').get(`/api/v1/sandbox/queries/${r.id}/download?format=json`));
    expect(json.rows).toEqual(r.rows);
    expect((await eventsOf(r.id)).map((x) => x.action)).toEqual(['sandbox.query', 'sandbox.release', 'sandbox.download', 'sandbox.download']);
  });

  it('waits for the implementing agency when the grant says so: approve releases, refuse needs a reason', async () => {
    await sql`UPDATE grants SET release_approval = true WHERE id = ${f.grants.A}`.execute(db());
    try {
      const r = await accepted(`SELECT household, count(*) AS n FROM "${f.A}" GROUP BY household ORDER BY household`);
      expect(ok<{ releaseStatus: string }>(await as('yunying_engineer').post(`/api/v1/sandbox/queries/${r.id}/release`)).releaseStatus).toBe('pending_approval');
      refused(await as('yunying_engineer').get(`/api/v1/sandbox/queries/${r.id}/download`), 409, 'INVALID_STATE');
      const agency = await db().selectFrom('orgs').select('id').where('name', '=', '海南省公共数据授权运营实施中心').executeTakeFirstOrThrow();
      const note = await db().selectFrom('notifications').selectAll().where('org_id', '=', agency.id).where('kind', '=', 'sandbox.release_pending').execute();
      expect(note.length).toBeGreaterThanOrEqual(1);
      // The agency sees it waiting and may read the result it reviews; others may not decide.
      const waiting = ok<{ items: Array<{ id: string; releaseStatus: string }> }>(await as('ssjg_clerk').get('/api/v1/sandbox/releases?status=pending_approval'));
      expect(waiting.items.map((i) => i.id)).toEqual([r.id]);
      // Without a status, every result whose release was asked; a status narrows the list.
      const all = ok<{ items: Array<{ id: string; releaseStatus: string | null }> }>(await as('ssjg_clerk').get('/api/v1/sandbox/releases?limit=200'));
      expect(all.items.map((i) => i.id)).toContain(r.id);
      expect(all.items.every((i) => i.releaseStatus !== null)).toBe(true);
      const released = ok<{ items: Array<{ id: string; releaseStatus: string }> }>(await as('ssjg_clerk').get('/api/v1/sandbox/releases?status=released&limit=200'));
      expect(released.items.map((i) => i.id)).not.toContain(r.id);
      expect(released.items.every((i) => i.releaseStatus === 'released')).toBe(true);
      expect(ok<{ rows: unknown[][] }>(await as('ssjg_clerk').get(`/api/v1/sandbox/queries/${r.id}`)).rows).toEqual(r.rows);
      refused(await as('yunying_admin').post(`/api/v1/sandbox/queries/${r.id}/release/decide`, { decision: 'approve' }), 403, 'FORBIDDEN');
      refused(await as('expert_li').post(`/api/v1/sandbox/queries/${r.id}/release/decide`, { decision: 'approve' }), 403, 'FORBIDDEN');
      refused(await as('yunying_engineer').get('/api/v1/sandbox/releases'), 403, 'FORBIDDEN');
      refused(await as('ssjg_clerk').post(`/api/v1/sandbox/queries/${r.id}/release/decide`, { decision: 'refuse' }), 400, 'VALIDATION');
      expect(ok<{ releaseStatus: string }>(await as('ssjg_clerk').post(`/api/v1/sandbox/queries/${r.id}/release/decide`, { decision: 'approve', reason: '聚合结果，无个人信息' })).releaseStatus).toBe('released');
      refused(await as('ssjg_clerk').post(`/api/v1/sandbox/queries/${r.id}/release/decide`, { decision: 'approve' }), 409, 'INVALID_STATE');
      expect((await as('yunying_engineer').get(`/api/v1/sandbox/queries/${r.id}/download`)).statusCode).toBe(200);
      expect((await eventsOf(r.id)).map((x) => x.action)).toEqual(['sandbox.query', 'sandbox.release_requested', 'sandbox.release_approve', 'sandbox.download']);

      const other = await accepted(`SELECT household, count(*) AS n FROM "${f.A}" GROUP BY household`);
      ok(await as('yunying_engineer').post(`/api/v1/sandbox/queries/${other.id}/release`));
      expect(ok<{ releaseStatus: string }>(await as('ssjg_clerk').post(`/api/v1/sandbox/queries/${other.id}/release/decide`, { decision: 'refuse', reason: '超出场景用途' })).releaseStatus).toBe('refused');
      refused(await as('yunying_engineer').get(`/api/v1/sandbox/queries/${other.id}/download`), 409, 'INVALID_STATE');
      const refusedList = ok<{ items: Array<{ id: string; releaseReason: string }> }>(await as('ssjg_clerk').get('/api/v1/sandbox/releases?status=refused'));
      expect(refusedList.items).toContainEqual(expect.objectContaining({ id: other.id, releaseReason: '超出场景用途' }));
    } finally {
      await sql`UPDATE grants SET release_approval = false WHERE id = ${f.grants.A}`.execute(db());
    }
  });

  it('a rejected query has nothing to release', async () => {
    const e = await violation(`SELECT name FROM "${f.A}"`);
    refused(await as('yunying_engineer').post(`/api/v1/sandbox/queries/${e.queryId}/release`), 409, 'INVALID_STATE');
  });
});

describe('limits', () => {
  it(`cuts a result at the row cap (${ROW_CAP}) and says so; a result of exactly the cap is whole`, async () => {
    const whole = await accepted(`SELECT household FROM "${f.A}" LIMIT ${ROW_CAP}`);
    expect(whole).toMatchObject({ rowCount: ROW_CAP, truncated: false });
    const cut = await accepted(`SELECT household FROM "${f.A}" LIMIT ${ROW_CAP + 1}`);
    expect(cut).toMatchObject({ rowCount: ROW_CAP, truncated: true });
    expect(cut.rows).toHaveLength(ROW_CAP);
    expect((await record(cut.id)).truncated).toBe(true);
  });

  it('refuses once the ε budget would be exceeded, running and charging nothing; spending exactly the rest is allowed', async () => {
    const text = `SELECT region, count(*) AS n FROM "${f.C}" GROUP BY region`;
    const spent = async () => Number((await sql<{ s: string | null }>`SELECT sum(epsilon)::text AS s FROM sandbox_epsilon_ledger WHERE grant_id = ${f.grants.C}`.execute(db())).rows[0]?.s ?? 0);
    const first = await accepted(text);
    expect(first.epsilonSpent).toBe(0.5);
    // Noisy counts, but the groups (and their number) are those of the data.
    expect(first.rows.length).toBeLessThanOrEqual(3);
    expect(await spent()).toBe(0.5);
    const second = await accepted(text);
    expect(second.epsilonSpent).toBe(0.5);
    expect(await spent()).toBe(1);
    const e = await violation(text);
    expect(e).toMatchObject({ rule: 'epsilon_exhausted', source: '002 第十一条' });
    expect(await spent()).toBe(1);
    expect(await record(e.queryId)).toMatchObject({ decision: 'rejected', rows: null, epsilon_spent: expect.stringMatching(/^0(\.0+)?$/) });
    const views = ok<{ views: Array<{ name: string; dp: { remaining: number } | null }> }>(await as('yunying_engineer').get('/api/v1/sandbox/views'));
    expect(views.views.find((v) => v.name === f.C)?.dp?.remaining).toBe(0);
    // Other datasets are not touched by that budget.
    await accepted(`SELECT region, count(*) AS n FROM "${f.A}" GROUP BY region`);
  });
});

describe('the executor', () => {
  it('runs as the restricted role on PostgreSQL, which cannot read the data tables directly, only the views', async () => {
    const live = await db().selectFrom('dataset_versions').select('table_name').where('live', '=', true).executeTakeFirstOrThrow();
    const plan = (text: string) => ({ views: [], probes: [], isolates: () => false, sql: text, rowCap: 10, timeoutMs: 5000 });
    if (f.env.k.db.kind === 'postgres') {
      const who = await runSandboxQuery(f.env.k.db, plan('SELECT current_user AS u'));
      expect(who).toMatchObject({ ok: true, rows: [[SANDBOX_ROLE]], role: SANDBOX_ROLE });
      await expect(runSandboxQuery(f.env.k.db, plan(`SELECT count(*) FROM datasets."${live.table_name}"`))).rejects.toThrow(/permission denied/);
    }
    // Read-only on both engines: a statement that writes fails.
    await expect(runSandboxQuery(f.env.k.db, { ...plan('SELECT 1'), probes: [{ condition: 'x', sql: 'CREATE TEMP TABLE sandbox_write (a int)' }] })).rejects.toThrow(/read-only/);
    await expect(
      runSandboxQuery(f.env.k.db, { ...plan('SELECT 1'), views: [{ name: 'x', createSql: 'CREATE TEMP VIEW "x" AS SELECT 1 AS one' }], sql: `SELECT * FROM "x"` }),
    ).resolves.toMatchObject({ ok: true, rows: [[1]] });
    // The temporary views vanish with the rollback.
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_catalog.pg_class WHERE relname = 'x' AND relpersistence = 't'`.execute(db());
    expect(left.rows[0]?.n).toBe(0);
  });
});

describe('statement timeout', () => {
  let t: Fixture;
  let tas: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    t = await fixture({ sandboxStatementTimeoutMs: 100 });
    tas = await signIn(t.env.app, ['yunying_engineer']);
  }, 180_000);
  afterAll(async () => {
    await t?.env.close();
  });

  it('refuses a query that runs past the time limit with query_timeout, recorded; a light query under the same limit runs', async () => {
    ok(await tas('yunying_engineer').post('/api/v1/sandbox/queries', { sql: `SELECT household, count(*) AS n FROM "${t.A}" GROUP BY household` }), 201);
    // A million joined rows: PostgreSQL cancels the statement; PGlite cannot interrupt one, so it
    // finishes the join (several times the limit even on an idle machine) and its result is discarded.
    const heavy = `CROSS JOIN "${t.A}" b CROSS JOIN "${t.B}" c`;
    const res = await tas('yunying_engineer').post('/api/v1/sandbox/queries', { sql: `SELECT a.household, count(*) AS n FROM "${t.A}" a ${heavy} GROUP BY a.household` });
    const e = refused(res, 422, 'query_timeout');
    expect(e.message).toContain('0.1 秒');
    const id = (res.json() as { error: { queryId: string } }).error.queryId;
    const row = await t.env.k.db.kysely.selectFrom('sandbox_queries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ decision: 'rejected', rows: null });
    expect(row.violation).toMatchObject({ rule: 'query_timeout' });
  }, 120_000);
});

describe('release scan of the numbers aggregates compute', () => {
  it('releases an aggregate number that looks like a mobile number, marked numeric in the recorded columns', async () => {
    // max(income) is 1300.50: rounded and scaled it reads 13010000000, the shape of a mobile number
    const r = await accepted(`SELECT round(max(income)) * 10000000 AS scaled, max(income) AS top FROM "${f.A}"`);
    expect(r.rows).toEqual([['13010000000', '1300.50']]);
    expect(r.columns).toEqual([
      { name: 'scaled', kind: 'aggregate', numeric: true },
      { name: 'top', kind: 'aggregate', aggregate: 'max', numeric: true },
    ]);
    const rel = ok<{ releaseStatus: string; releaseScan: unknown[] }>(await as('yunying_engineer').post(`/api/v1/sandbox/queries/${r.id}/release`));
    expect(rel).toMatchObject({ releaseStatus: 'released', releaseScan: [] });
  });

  it('blocks MIN of a text column that yields an ID number: it is a value of the data', async () => {
    const r = await accepted(`SELECT min(id_number) AS first_id, count(*) AS n FROM "${f.B}"`);
    expect(r.rows).toHaveLength(1);
    const res = await as('yunying_engineer').post(`/api/v1/sandbox/queries/${r.id}/release`);
    refused(res, 422, 'output_contains_identifiers', '002 第十一条');
    expect((res.json() as { error: { findings: unknown[] } }).error.findings).toEqual([{ column: 'first_id', kind: 'id_number', count: 1 }]);
  });
});
