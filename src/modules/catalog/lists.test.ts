/**
 * The catalog's lists over HTTP: membership of the negative, open and operation lists at their
 * edges; the negative list's joint review; the provider's consent; registration and its public
 * lookup; every action refused to the wrong role, and one audit event per state change.
 * Published entries are made by a factory that writes the rows directly, so these tests do not
 * depend on the entry workflow.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { demoUscc } from '../identity/demo.js';
import { indexVersion } from './search.js';
import type { Attr, CatalogField, Grade } from './tables.js';
import { jointReview, catalogGaps, normalizeQueryCode, registrationCode, QUERY_CODE_ALPHABET } from './lists.rules.js';

let env: TestEnv;
const db = () => env.k.db.kysely;
const clients = new Map<string, Client>();
const as = (login: string) => {
  const c = clients.get(login);
  if (!c) throw new Error(`not signed in: ${login}`);
  return c;
};
const orgIds = new Map<string, string>();
const org = (name: string) => {
  const id = orgIds.get(name);
  if (!id) throw new Error(`no org ${name}`);
  return id;
};
const anon = (url: string) => env.app.inject({ method: 'GET', url });

type ErrorBody = { error: { code: string; message: string; source?: string; fields?: Array<{ field: string; message: string }> } };
const errorOf = (res: LightMyRequestResponse) => (res.json() as ErrorBody).error;
function expectError(res: LightMyRequestResponse, status: number, code: string, source?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const e = errorOf(res);
  expect(e.code).toBe(code);
  if (source) expect(e.source).toBe(source);
  return e;
}
function ok(res: LightMyRequestResponse, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

const GAT = '海南省公安厅';
// Two institutions of the tests' own, so that the demo catalog does not blur the lists' edges.
const T1 = '海南省列表测试甲厅';
const T2 = '海南省列表测试乙局';
const TEST_USERS: Array<[string, string, string[]]> = [
  [T1, 't1_clerk', ['clerk']],
  [T1, 't1_officer', ['data_officer']],
  [T1, 't1_admin', ['org_admin']],
  [T2, 't2_clerk', ['clerk']],
  [T2, 't2_officer', ['data_officer']],
];

// ── factory: a published entry written straight to the tables ───────────────────────────────

interface EntryOverrides {
  provider?: string;
  name?: string;
  shareAttr?: Attr;
  openAttr?: Attr;
  operationAttr?: boolean;
  grade?: Grade;
  priorityAreas?: string[];
  fields?: CatalogField[];
  usageConditions?: string;
  status?: 'draft' | 'published';
}

let seq = 0;
const FIELDS: CatalogField[] = [
  { name: 'uscc', label: '统一社会信用代码', type: 'string', required: true, key: true, piiKind: 'uscc' },
  { name: 'reg_date', label: '成立日期', type: 'date' },
];

function versionRow(entryId: string, version: number, o: EntryOverrides) {
  const now = env.clock.now();
  const shareAttr = o.shareAttr ?? 'unconditional';
  const openAttr = o.openAttr ?? 'none';
  const status = o.status ?? 'published';
  return {
    id: randomUUID(),
    entry_id: entryId,
    version,
    status,
    name: o.name ?? `测试目录${seq}`,
    description: '测试用目录',
    format: 'table',
    fields: JSON.stringify(o.fields ?? FIELDS),
    share_attr: shareAttr,
    share_conditions: shareAttr === 'conditional' ? JSON.stringify({ scope: '省级机构', usage: '行政审批' }) : null,
    no_share_basis: shareAttr === 'none' ? '《中华人民共和国保守国家秘密法》' : null,
    open_attr: openAttr,
    open_conditions: openAttr === 'conditional' ? JSON.stringify({ conditions: '实名申请', use: '科研' }) : null,
    not_open_reason: openAttr === 'none' ? 'commercial_secret' : null,
    open_safeguards: '[]',
    operation_attr: o.operationAttr ?? true,
    provision_methods: ['api', 'batch'],
    usage_conditions: o.usageConditions ?? '依申请使用',
    update_frequency: 'daily',
    category: '测试',
    grade: o.grade ?? 'general',
    priority_areas: o.priorityAreas ?? [],
    assessments: JSON.stringify({ secrecyRisk: { done: true, note: '内部评估意见' }, piiImpact: { done: true } }),
    created_at: now,
    updated_at: now,
    published_at: status === 'published' ? now : null,
  };
}

/** Makes an entry whose version 1 is published (or a draft), indexed for search. */
async function makeCatalogEntry(o: EntryOverrides = {}) {
  seq++;
  const id = randomUUID();
  const now = env.clock.now();
  const v = versionRow(id, 1, o);
  await db()
    .insertInto('catalog_entries')
    .values({ id, code: `T460000-${String(seq).padStart(4, '0')}`, provider_org_id: org(o.provider ?? T1), region_code: '460000', seq, published_version: v.status === 'published' ? 1 : null, latest_version: 1, created_at: now, updated_at: now })
    .execute();
  await db().insertInto('catalog_versions').values(v).execute();
  await indexVersion(db(), v.id);
  return { id, versionId: v.id, name: v.name };
}

/** Publishes version n+1 of an entry, superseding the one in force. */
async function republish(entryId: string, o: EntryOverrides) {
  const e = await db().selectFrom('catalog_entries').selectAll().where('id', '=', entryId).executeTakeFirstOrThrow();
  const next = e.latest_version + 1;
  await db().updateTable('catalog_versions').set({ status: 'superseded' }).where('entry_id', '=', entryId).where('status', '=', 'published').execute();
  const v = versionRow(entryId, next, o);
  await db().insertInto('catalog_versions').values(v).execute();
  await db().updateTable('catalog_entries').set({ published_version: next, latest_version: next }).where('id', '=', entryId).execute();
  return { versionId: v.id };
}

const countEvents = async (action: string, objectId?: string) => {
  let q = db().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', action);
  if (objectId) q = q.where('object_id', '=', objectId);
  return Number((await q.executeTakeFirstOrThrow()).n);
};
const notificationsOf = (orgId: string, kind: string) => db().selectFrom('notifications').selectAll().where('org_id', '=', orgId).where('kind', '=', kind).execute();

const LOGINS = [
  'admin',
  'yshj_reviewer',
  'yshj_admin',
  'sjj_reviewer',
  'dsj_clerk',
  'gat_clerk',
  'gat_officer',
  'gat_admin',
  'scj_officer',
  'ssjg_clerk',
  'wx_reviewer',
  'bb_reviewer',
  'bm_reviewer',
  'aq_reviewer',
  'auditor_wx',
  'kaifa_dev',
  'yunying_admin',
  'zhangsan',
];

beforeAll(async () => {
  env = await testEnv({ config: { loginRateLimitPerMinute: 100_000 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
  let n = 900;
  for (const name of [T1, T2]) {
    const created = ok(await as('admin').post('/api/v1/orgs', { name, uscc: demoUscc('11', '460000', n++), regionCode: '460000', roles: ['institution'] }), 201) as { id: string };
    orgIds.set(name, created.id);
  }
  for (const [orgName, login, roles] of TEST_USERS) {
    ok(await as('admin').post('/api/v1/users', { orgId: org(orgName), login, name: login, password: DEMO_PASSWORD, roles }), 201);
    clients.set(login, await loginAs(env.app, login));
  }
  for (const o of await db().selectFrom('orgs').select(['id', 'name']).execute()) orgIds.set(o.name, o.id);
});

afterAll(async () => {
  await env?.close();
});

// ── pure rules ─────────────────────────────────────────────────────────────────────────────

describe('list rules', () => {
  it('a joint review is pending until every seat agrees, disputed as soon as one disagrees', () => {
    expect(jointReview([]).state).toBe('pending');
    expect(jointReview([]).missing).toHaveLength(7);
    const six = ['sharing_authority', 'cyberspace', 'staffing', 'secrecy', 'public_security', 'state_security'].map((seat) => ({ seat, decision: 'agree' as const }));
    expect(jointReview(six)).toMatchObject({ state: 'pending', missing: ['platform_operator'] });
    expect(jointReview([...six, { seat: 'platform_operator', decision: 'agree' }]).state).toBe('confirmed');
    expect(jointReview([...six, { seat: 'platform_operator', decision: 'disagree' }])).toMatchObject({ state: 'disputed', disagreed: ['platform_operator'] });
    expect(jointReview([{ seat: 'cyberspace', decision: 'disagree' }]).state).toBe('disputed');
    // A seat that is not one of 000 第十一条's does not count.
    expect(jointReview([...six, { seat: 'legal_affairs', decision: 'agree' }]).state).toBe('pending');
  });

  it('a catalog missing any item 000 第六条 requires has gaps', () => {
    const full = {
      name: '企业信息',
      fields: FIELDS,
      format: 'table',
      updateFrequency: 'daily',
      shareAttr: 'conditional' as const,
      shareConditions: { scope: '省级', usage: '审批' },
      noShareBasis: null,
      openAttr: 'none' as const,
      provisionMethods: ['api'],
      usageConditions: '依申请',
      category: '市场监管',
      grade: 'general' as const,
    };
    expect(catalogGaps(full)).toEqual([]);
    expect(catalogGaps({ ...full, fields: [] }).map((g) => g.field)).toEqual(['fields']);
    expect(catalogGaps({ ...full, usageConditions: '  ' }).map((g) => g.field)).toEqual(['usageConditions']);
    expect(catalogGaps({ ...full, provisionMethods: [] }).map((g) => g.field)).toEqual(['provisionMethods']);
    expect(catalogGaps({ ...full, shareConditions: { scope: '', usage: '审批' } }).map((g) => g.field)).toEqual(['shareConditions']);
    expect(catalogGaps({ ...full, shareAttr: 'none', noShareBasis: null }).map((g) => g.field)).toEqual(['noShareBasis']);
  });

  it('codes: registration codes keep their order past six digits; query codes normalise', () => {
    expect(registrationCode('460000', 2026, 123)).toBe('DJ460000-2026-000123');
    expect(registrationCode('460000', 2026, 1234567)).toBe('DJ460000-2026-1234567');
    expect(normalizeQueryCode(' k7mq-3xpa ')).toBe('K7MQ3XPA');
    expect(QUERY_CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });
});

// ── the negative list and its joint review ─────────────────────────────────────────────────

describe('negative list (000 第十一条)', () => {
  const e: Record<string, { id: string; versionId: string; name: string }> = {};
  let supersededV1 = '';
  const BB = '中共海南省委机构编制委员会办公室';

  beforeAll(async () => {
    e.conditional = await makeCatalogEntry({ provider: T1, shareAttr: 'conditional', name: '负面-有条件共享' });
    e.noneT1 = await makeCatalogEntry({ provider: T1, shareAttr: 'none', name: '负面-不予共享-甲' });
    e.none = await makeCatalogEntry({ provider: T2, shareAttr: 'none', name: '负面-不予共享' });
    e.unconditional = await makeCatalogEntry({ provider: T1, shareAttr: 'unconditional', name: '负面-无条件共享' });
    e.draft = await makeCatalogEntry({ provider: T1, shareAttr: 'none', status: 'draft', name: '负面-草稿' });
    e.changed = await makeCatalogEntry({ provider: T1, shareAttr: 'none', name: '负面-已改为无条件' });
    supersededV1 = e.changed.versionId;
    await republish(e.changed.id, { shareAttr: 'unconditional', name: '负面-已改为无条件' });
  });

  const names = (body: { items: Array<{ entry: { name: string } }> }) => body.items.map((i) => i.entry.name);

  it('holds published conditional and not-shared entries, not unconditional ones, drafts or superseded versions', async () => {
    const body = ok(await as('gat_clerk').get(`/api/v1/catalog/negative-list?provider=${org(T1)}`));
    expect(names(body)).toEqual(['负面-有条件共享', '负面-不予共享-甲']);
    expect(body.total).toBe(2);
    const all = names(ok(await as('gat_clerk').get('/api/v1/catalog/negative-list?limit=500')));
    expect(all).toEqual(expect.arrayContaining(['负面-有条件共享', '负面-不予共享-甲', '负面-不予共享']));
    for (const out of ['负面-无条件共享', '负面-草稿', '负面-已改为无条件']) expect(all).not.toContain(out);
    const item = body.items[0];
    expect(item.review.state).toBe('pending');
    expect(item.review.signoffs).toEqual([]);
    expect(item.review.missing).toHaveLength(7);
    expect(item.review.missing[0]).toEqual({ seat: 'sharing_authority', label: '营商环境建设主管部门', org: { id: org('海南省营商环境建设厅'), name: '海南省营商环境建设厅' } });
    expect(item.entry).toMatchObject({ shareAttr: 'conditional', provider: { id: org(T1), name: T1 }, status: 'published', version: 1 });
  });

  it('filters by provider and share attribute, and pages', async () => {
    expect(names(ok(await as('gat_clerk').get(`/api/v1/catalog/negative-list?provider=${org(T2)}`)))).toEqual(['负面-不予共享']);
    expect(names(ok(await as('gat_clerk').get(`/api/v1/catalog/negative-list?provider=${org(T1)}&shareAttr=none`)))).toEqual(['负面-不予共享-甲']);
    expect(names(ok(await as('gat_clerk').get(`/api/v1/catalog/negative-list?provider=${org(T2)}&shareAttr=conditional`)))).toEqual([]);
    const page = ok(await as('gat_clerk').get(`/api/v1/catalog/negative-list?provider=${org(T1)}&limit=1&offset=1`));
    expect(page.total).toBe(2);
    expect(names(page)).toEqual(['负面-不予共享-甲']);
    expectError(await as('gat_clerk').get('/api/v1/catalog/negative-list?shareAttr=unconditional'), 400, 'VALIDATION');
  });

  it('is readable by anyone signed in, not anonymously', async () => {
    ok(await as('zhangsan').get('/api/v1/catalog/negative-list'));
    expectError(await anon('/api/v1/catalog/negative-list'), 401, 'UNAUTHENTICATED');
    expectError(await anon('/api/v1/catalog/review-seats'), 401, 'UNAUTHENTICATED');
  });

  it('seats are assigned by the platform admin only, to orgs that exist, the authority seats to orgs with that role', async () => {
    const seats = ok(await as('gat_clerk').get('/api/v1/catalog/review-seats'));
    expect(seats.items.map((s: { seat: string }) => s.seat)).toEqual(['sharing_authority', 'cyberspace', 'staffing', 'secrecy', 'public_security', 'state_security', 'platform_operator']);
    expect(seats.items.find((s: { seat: string }) => s.seat === 'staffing')).toEqual({ seat: 'staffing', label: '机构编制部门', org: { id: org(BB), name: BB } });
    const before = await countEvents('catalog.seat_assign');

    expect(expectError(await as('yshj_admin').put('/api/v1/catalog/review-seats', { staffing: null }), 403, 'FORBIDDEN').message).toMatch(/平台管理员/);
    expectError(await as('admin').put('/api/v1/catalog/review-seats', { sharing_authority: org(GAT) }), 422, 'RULE_VIOLATION', '000 第十一条');
    expectError(await as('admin').put('/api/v1/catalog/review-seats', { platform_operator: org('海南省营商环境建设厅') }), 422, 'RULE_VIOLATION', '000 第十一条');
    expectError(await as('admin').put('/api/v1/catalog/review-seats', { cyberspace: randomUUID() }), 422, 'INVALID_CODE');
    expectError(await as('admin').put('/api/v1/catalog/review-seats', { legal_affairs: org(GAT) }), 400, 'VALIDATION');
    expectError(await as('admin').put('/api/v1/catalog/review-seats', {}), 400, 'VALIDATION');
    expect(await countEvents('catalog.seat_assign')).toBe(before);

    // Cleared, the seat's org can no longer sign; given back, it can.
    expect(ok(await as('admin').put('/api/v1/catalog/review-seats', { staffing: null })).items.find((s: { seat: string }) => s.seat === 'staffing').org).toBeNull();
    expectError(await as('bb_reviewer').post(`/api/v1/catalog/negative-list/${e.conditional!.versionId}/signoffs`, { seat: 'staffing', decision: 'agree' }), 403, 'FORBIDDEN');
    ok(await as('admin').put('/api/v1/catalog/review-seats', { staffing: org(BB), public_security: org(GAT) }));
    expect(await countEvents('catalog.seat_assign')).toBe(before + 2);
    const last = await db().selectFrom('audit_events').select('details').where('action', '=', 'catalog.seat_assign').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    // Only what changed is recorded.
    expect(last.details).toEqual({ changes: [{ seat: 'staffing', from: null, to: org(BB) }] });
  });

  it('a seat is signed only by a reviewer or org admin of the org holding it', async () => {
    const url = `/api/v1/catalog/negative-list/${e.conditional!.versionId}/signoffs`;
    expect(expectError(await as('gat_clerk').post(url, { seat: 'public_security', decision: 'agree' }), 403, 'FORBIDDEN').message).toMatch(/审核人（reviewer）或机构管理员（org_admin）/);
    expectError(await as('yshj_reviewer').post(url, { seat: 'cyberspace', decision: 'agree' }), 403, 'FORBIDDEN');
    expectError(await as('auditor_wx').post(url, { seat: 'cyberspace', decision: 'agree' }), 403, 'FORBIDDEN');
    expectError(await as('admin').post(url, { seat: 'sharing_authority', decision: 'agree' }), 403, 'FORBIDDEN');
    expectError(await as('t1_admin').post(url, { seat: 'public_security', decision: 'agree' }), 403, 'FORBIDDEN');
    expectError(await env.app.inject({ method: 'POST', url, payload: { seat: 'cyberspace', decision: 'agree' } }), 401, 'UNAUTHENTICATED');
    expect(await countEvents('catalog.negative_signoff')).toBe(0);
  });

  it('only versions on the negative list can be signed; unknown versions are 404', async () => {
    const sign = (versionId: string) => as('yshj_reviewer').post(`/api/v1/catalog/negative-list/${versionId}/signoffs`, { seat: 'sharing_authority', decision: 'agree' });
    expectError(await sign(e.unconditional!.versionId), 409, 'INVALID_STATE', '000 第十一条');
    expectError(await sign(e.draft!.versionId), 409, 'INVALID_STATE');
    expectError(await sign(supersededV1), 409, 'INVALID_STATE');
    expectError(await sign(randomUUID()), 404, 'NOT_FOUND');
    expectError(await as('gat_clerk').get(`/api/v1/catalog/negative-list/${e.unconditional!.versionId}`), 409, 'INVALID_STATE');
    expectError(await as('gat_clerk').get(`/api/v1/catalog/negative-list/${randomUUID()}`), 404, 'NOT_FOUND');
    expect(await countEvents('catalog.negative_signoff')).toBe(0);
  });

  it('moves pending → confirmed when every seat agrees, once per seat, and tells the provider', async () => {
    const url = `/api/v1/catalog/negative-list/${e.conditional!.versionId}/signoffs`;
    const first = ok(await as('yshj_reviewer').post(url, { seat: 'sharing_authority', decision: 'agree', comment: '同意' }), 201);
    expect(first.review.state).toBe('pending');
    expect(first.review.missing.map((m: { seat: string }) => m.seat)).not.toContain('sharing_authority');
    expect(first.review.missing.find((m: { seat: string }) => m.seat === 'staffing').org.name).toBe(BB);
    expect(first.review.signoffs[0]).toMatchObject({ seat: 'sharing_authority', seatLabel: '营商环境建设主管部门', decision: 'agree', comment: '同意', user: { name: '陈静' }, org: { name: '海南省营商环境建设厅' } });
    expectError(await as('yshj_reviewer').post(url, { seat: 'sharing_authority', decision: 'disagree', comment: '改主意' }), 409, 'DUPLICATE');

    const rest: Array<[string, string]> = [
      ['wx_reviewer', 'cyberspace'],
      ['bb_reviewer', 'staffing'],
      ['bm_reviewer', 'secrecy'],
      ['gat_admin', 'public_security'],
      ['aq_reviewer', 'state_security'],
    ];
    for (const [login, seat] of rest) expect(ok(await as(login).post(url, { seat, decision: 'agree' }), 201).review.state).toBe('pending');
    expect(await notificationsOf(org(T1), 'catalog.negative_list_confirmed')).toHaveLength(0);
    const last = ok(await as('admin').post(url, { seat: 'platform_operator', decision: 'agree' }), 201);
    expect(last.review.state).toBe('confirmed');
    expect(last.review.missing).toEqual([]);
    expect(last.review.signoffs).toHaveLength(7);
    expect(await notificationsOf(org(T1), 'catalog.negative_list_confirmed')).toHaveLength(1);
    expect(await countEvents('catalog.negative_signoff', e.conditional!.versionId)).toBe(7);
  });

  it('a disagreement needs a comment and makes the item disputed', async () => {
    const url = `/api/v1/catalog/negative-list/${e.none!.versionId}/signoffs`;
    const err = expectError(await as('bb_reviewer').post(url, { seat: 'staffing', decision: 'disagree', comment: '  ' }), 422, 'RULE_VIOLATION', '000 第十一条');
    expect(err.fields?.[0]?.field).toBe('comment');
    expect(await countEvents('catalog.negative_signoff', e.none!.versionId)).toBe(0);
    const res = ok(await as('bb_reviewer').post(url, { seat: 'staffing', decision: 'disagree', comment: '职能调整后应当共享' }), 201);
    expect(res.review.state).toBe('disputed');
    expect(await notificationsOf(org(T2), 'catalog.negative_list_disputed')).toHaveLength(1);
    // Others may still record their views; it stays disputed.
    expect(ok(await as('yshj_reviewer').post(url, { seat: 'sharing_authority', decision: 'agree' }), 201).review.state).toBe('disputed');
    const ev = await db().selectFrom('audit_events').select(['details', 'actor_org_id']).where('action', '=', 'catalog.negative_signoff').where('object_id', '=', e.none!.versionId).orderBy('seq').execute();
    expect(ev.map((x) => x.details)).toEqual([
      expect.objectContaining({ seat: 'staffing', decision: 'disagree', comment: '职能调整后应当共享', state: 'disputed' }),
      expect.objectContaining({ seat: 'sharing_authority', decision: 'agree', state: 'disputed' }),
    ]);
    expect(ev[0]?.actor_org_id).toBe(org(BB));
  });

  it('filters by review state', async () => {
    const byState = async (provider: string, state: string) => names(ok(await as('auditor_wx').get(`/api/v1/catalog/negative-list?provider=${org(provider)}&state=${state}`)));
    expect(await byState(T1, 'confirmed')).toEqual(['负面-有条件共享']);
    expect(await byState(T1, 'pending')).toEqual(['负面-不予共享-甲']);
    expect(await byState(T1, 'disputed')).toEqual([]);
    expect(await byState(T2, 'disputed')).toEqual(['负面-不予共享']);
    expect(await byState(T2, 'pending')).toEqual([]);
    const one = ok(await as('auditor_wx').get(`/api/v1/catalog/negative-list/${e.none!.versionId}`));
    expect(one.review.state).toBe('disputed');
    expect(one.review.signoffs.find((s: { seat: string }) => s.seat === 'staffing').comment).toBe('职能调整后应当共享');
  });

  it('a new published version starts its joint review afresh', async () => {
    const { versionId } = await republish(e.conditional!.id, { provider: T1, shareAttr: 'conditional', name: '负面-有条件共享' });
    const one = ok(await as('gat_clerk').get(`/api/v1/catalog/negative-list/${versionId}`));
    expect(one.review.state).toBe('pending');
    expect(one.entry.version).toBe(2);
    expectError(await as('yshj_reviewer').post(`/api/v1/catalog/negative-list/${e.conditional!.versionId}/signoffs`, { seat: 'sharing_authority', decision: 'agree' }), 409, 'INVALID_STATE');
  });
});

// ── the open catalog and positive lists ─────────────────────────────────────────────────────

describe('open list and positive lists (000 第十八、十九条)', () => {
  beforeAll(async () => {
    await makeCatalogEntry({ provider: T1, openAttr: 'unconditional', priorityAreas: ['ecology', 'livelihood'], name: '开放-无条件-生态' });
    await makeCatalogEntry({ provider: T1, openAttr: 'conditional', name: '开放-有条件' });
    await makeCatalogEntry({ provider: T1, openAttr: 'none', name: '开放-不予开放' });
    await makeCatalogEntry({ provider: T1, openAttr: 'unconditional', status: 'draft', name: '开放-草稿' });
    await makeCatalogEntry({ provider: T2, openAttr: 'unconditional', priorityAreas: ['industry'], name: '开放-产业' });
  });

  const names = (body: { items: Array<{ name: string }> }) => body.items.map((i) => i.name);

  it('is public and holds published unconditional and conditional open entries only, without internal assessments', async () => {
    const res = await anon(`/api/v1/catalog/open-list?provider=${org(T1)}`);
    const body = ok(res);
    expect(names(body)).toEqual(['开放-无条件-生态', '开放-有条件']);
    expect(body.total).toBe(2);
    const all = names(ok(await anon('/api/v1/catalog/open-list?limit=500')));
    expect(all).toEqual(expect.arrayContaining(['开放-无条件-生态', '开放-有条件', '开放-产业']));
    expect(all).not.toContain('开放-不予开放');
    expect(all).not.toContain('开放-草稿');
    const conditional = body.items[1];
    expect(conditional).toMatchObject({ openAttr: 'conditional', openConditions: { conditions: '实名申请', use: '科研' }, provider: { name: T1 } });
    expect(conditional).not.toHaveProperty('assessments');
    expect(conditional).not.toHaveProperty('reviewComment');
    expect(res.body).not.toContain('内部评估意见');
  });

  it('filters by provider, open attribute and priority area', async () => {
    expect(names(ok(await anon(`/api/v1/catalog/open-list?provider=${org(T2)}`)))).toEqual(['开放-产业']);
    expect(names(ok(await anon(`/api/v1/catalog/open-list?provider=${org(T1)}&openAttr=conditional`)))).toEqual(['开放-有条件']);
    expect(names(ok(await anon(`/api/v1/catalog/open-list?provider=${org(T1)}&openAttr=unconditional`)))).toEqual(['开放-无条件-生态']);
    expect(names(ok(await anon(`/api/v1/catalog/open-list?provider=${org(T1)}&priorityArea=ecology`)))).toEqual(['开放-无条件-生态']);
    expect(names(ok(await anon(`/api/v1/catalog/open-list?provider=${org(T1)}&priorityArea=industry`)))).toEqual([]);
    expect(names(ok(await anon(`/api/v1/catalog/open-list?provider=${org(T1)}&category=${encodeURIComponent('测试')}&limit=1`)))).toEqual(['开放-无条件-生态']);
    expectError(await anon('/api/v1/catalog/open-list?openAttr=none'), 400, 'VALIDATION');
    expectError(await anon('/api/v1/catalog/open-list?priorityArea=tourism'), 400, 'VALIDATION');
  });

  it('gives each institution its positive list, priority areas counted and flagged first', async () => {
    const all = ok(await anon('/api/v1/catalog/positive-lists'));
    const find = (name: string) => all.items.find((i: { provider: { name: string } }) => i.provider.name === name);
    expect(find(T1)).toEqual({ provider: { id: org(T1), name: T1 }, total: 2, priority: 1, byArea: { industry: 0, ecology: 1, livelihood: 1, business_environment: 0 } });
    expect(find(T2)).toMatchObject({ total: 1, priority: 1, byArea: { industry: 1 } });
    expect(find('海南省公共数据授权运营实施中心')).toBeUndefined();

    const one = ok(await anon(`/api/v1/catalog/positive-lists/${org(T1)}`));
    expect(one).toMatchObject({ provider: { name: T1 }, total: 2, priority: 1, matched: 2 });
    expect(one.items.map((i: { name: string; priority: boolean }) => [i.name, i.priority])).toEqual([
      ['开放-无条件-生态', true],
      ['开放-有条件', false],
    ]);
    expect(ok(await anon(`/api/v1/catalog/positive-lists/${org(T1)}?priorityArea=livelihood`)).matched).toBe(1);
    const empty = ok(await anon(`/api/v1/catalog/positive-lists/${org('海南省公共数据授权运营实施中心')}`));
    expect(empty).toMatchObject({ total: 0, priority: 0, matched: 0, items: [] });
    expectError(await anon(`/api/v1/catalog/positive-lists/${randomUUID()}`), 404, 'NOT_FOUND');
  });
});

// ── the authorized-operation catalog, consent and registration ─────────────────────────────

describe('operation list (000 第二十七、二十八条) and registration (000 第二十九条)', () => {
  const e: Record<string, { id: string; versionId: string; name: string }> = {};
  const items: Record<string, string> = {};
  let queryCode = '';
  let ownQueryCode = '';
  const SSJG = '海南省公共数据授权运营实施中心';

  beforeAll(async () => {
    e.own = await makeCatalogEntry({ provider: T1, name: '运营-甲厅自有' });
    e.core = await makeCatalogEntry({ provider: T1, grade: 'core', name: '运营-核心数据' });
    e.important = await makeCatalogEntry({ provider: T1, grade: 'important', name: '运营-重要数据' });
    e.noOp = await makeCatalogEntry({ provider: T1, operationAttr: false, name: '运营-不授权运营' });
    e.shared = await makeCatalogEntry({ provider: T2, name: '运营-乙局共享' });
    e.refused = await makeCatalogEntry({ provider: T2, name: '运营-将被拒绝' });
    e.noUsage = await makeCatalogEntry({ provider: T1, usageConditions: '', name: '运营-缺使用条件' });
    e.noFields = await makeCatalogEntry({ provider: T1, fields: [], name: '运营-缺数据项' });
    e.draft = await makeCatalogEntry({ provider: T1, status: 'draft', name: '运营-草稿' });
  });

  const list = (login: string, body: Record<string, unknown>) => as(login).post('/api/v1/catalog/operation-list', body);
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id);

  it('refuses listers other than the data authority, the implementing agency and the provider’s officer', async () => {
    for (const login of ['t1_clerk', 'gat_officer', 'kaifa_dev', 'yunying_admin', 'auditor_wx', 'zhangsan', 'yshj_reviewer']) {
      const err = expectError(await list(login, { entryId: e.own!.id }), 403, 'FORBIDDEN');
      expect(err.message).toMatch(/数据主管部门（data_authority）或实施机构（implementing_agency）/);
    }
    expectError(await env.app.inject({ method: 'POST', url: '/api/v1/catalog/operation-list', payload: { entryId: e.own!.id } }), 401, 'UNAUTHENTICATED');
    expect(await countEvents('catalog.operation_list')).toBe(0);
  });

  it('never lists core data or a version whose operation attribute is no, citing 000 第二十七条', async () => {
    expect(expectError(await list('ssjg_clerk', { entryId: e.core!.id }), 422, 'RULE_VIOLATION', '000 第二十七条').message).toMatch(/核心数据/);
    expect(expectError(await list('t1_officer', { entryId: e.core!.id }), 422, 'RULE_VIOLATION', '000 第二十七条').message).toMatch(/核心数据/);
    expect(expectError(await list('t1_officer', { entryId: e.noOp!.id }), 422, 'RULE_VIOLATION', '000 第二十七条').message).toMatch(/授权运营属性/);
    expectError(await list('ssjg_clerk', { entryId: e.draft!.id }), 409, 'INVALID_STATE');
    expectError(await list('ssjg_clerk', { entryId: randomUUID() }), 404, 'NOT_FOUND');
    // Important (重要) data is not barred by its grade.
    expect(ok(await list('t1_admin', { entryId: e.important!.id }), 201).status).toBe('listed');
    expect(await countEvents('catalog.operation_list')).toBe(1);
  });

  it('lists the provider’s own entry at once, once', async () => {
    const item = ok(await list('t1_officer', { entryId: e.own!.id, note: '甲厅自有数据' }), 201);
    expect(item).toMatchObject({ status: 'listed', viaSharing: false, note: '甲厅自有数据', listedBy: { id: org(T1), name: T1 }, consent: null, registration: null });
    expect(item.entry).toMatchObject({ name: '运营-甲厅自有', version: 1, operationAttr: true });
    expect(item.listedAt).not.toBeNull();
    items.own = item.id;
    expectError(await list('ssjg_clerk', { entryId: e.own!.id }), 409, 'INVALID_STATE');
    expectError(await list('t1_officer', { entryId: e.noUsage!.id, viaSharing: true }), 422, 'RULE_VIOLATION', '000 第二十七条');
    expect(await countEvents('catalog.operation_list', item.id)).toBe(1);
  });

  it('an entry listed by another org awaits its provider’s consent, seen only by the orgs involved', async () => {
    expectError(await list('ssjg_clerk', { entryId: e.shared!.id, viaSharing: false }), 422, 'RULE_VIOLATION', '000 第二十七条');
    const item = ok(await list('ssjg_clerk', { entryId: e.shared!.id, viaSharing: true, note: '场景：企业信用评估' }), 201);
    expect(item).toMatchObject({ status: 'awaiting_consent', viaSharing: true, listedAt: null, listedBy: { name: SSJG } });
    items.shared = item.id;
    expect(await notificationsOf(org(T2), 'catalog.operation_consent_requested')).toHaveLength(1);
    // The data authority may list too (viaSharing inferred).
    const byAuthority = ok(await list('sjj_reviewer', { entryId: e.refused!.id }), 201);
    expect(byAuthority).toMatchObject({ status: 'awaiting_consent', viaSharing: true });
    items.refused = byAuthority.id;

    expect(ids(ok(await as('auditor_wx').get(`/api/v1/catalog/operation-list?provider=${org(T2)}`)))).toEqual([]);
    const awaitingFor = async (login: string) => ids(ok(await as(login).get('/api/v1/catalog/operation-list?status=awaiting_consent')));
    expect((await awaitingFor('t2_officer')).sort()).toEqual([items.shared, items.refused].sort());
    expect((await awaitingFor('t2_clerk')).sort()).toEqual([items.shared, items.refused].sort());
    expect(await awaitingFor('ssjg_clerk')).toEqual(expect.arrayContaining([items.shared, items.refused]));
    expect(await awaitingFor('t1_officer')).toEqual([]);
    expect(await awaitingFor('kaifa_dev')).toEqual([]);
    expect(ok(await as('t2_officer').get(`/api/v1/catalog/operation-list?status=awaiting_consent&provider=${org(T2)}&entryId=${e.shared!.id}`)).total).toBe(1);
    expectError(await as('kaifa_dev').get(`/api/v1/catalog/operation-list/${items.shared}`), 404, 'NOT_FOUND');
    expect(ok(await as('t2_clerk').get(`/api/v1/catalog/operation-list/${items.shared}`)).status).toBe('awaiting_consent');
    expect(ok(await as('kaifa_dev').get(`/api/v1/catalog/operation-list/${items.own}`)).status).toBe('listed');
  });

  it('consent is given or refused by the provider’s data officer or org admin only', async () => {
    const consent = (login: string, id: string, body: Record<string, unknown>) => as(login).post(`/api/v1/catalog/operation-list/${id}/consent`, body);
    for (const login of ['t2_clerk', 't1_officer', 'ssjg_clerk', 'admin', 'sjj_reviewer']) {
      expect(expectError(await consent(login, items.shared!, { decision: 'give' }), 403, 'FORBIDDEN').message).toMatch(/数据提供单位/);
    }
    const err = expectError(await consent('t2_officer', items.refused!, { decision: 'refuse' }), 422, 'RULE_VIOLATION', '000 第二十七条');
    expect(err.fields?.[0]?.field).toBe('comment');
    expectError(await consent('t2_officer', randomUUID(), { decision: 'give' }), 404, 'NOT_FOUND');
    expectError(await consent('t1_officer', items.own!, { decision: 'give' }), 409, 'INVALID_STATE');
    expectError(await consent('t2_officer', items.shared!, { decision: 'maybe' }), 400, 'VALIDATION');
    expect(await countEvents('catalog.operation_consent')).toBe(0);

    const given = ok(await consent('t2_officer', items.shared!, { decision: 'give', comment: '同意用于信用评估' }));
    expect(given).toMatchObject({ status: 'listed', consent: { decision: 'give', by: { name: 't2_officer' }, comment: '同意用于信用评估' } });
    expect(given.listedAt).not.toBeNull();
    expectError(await consent('t2_officer', items.shared!, { decision: 'refuse', comment: '反悔' }), 409, 'INVALID_STATE');

    const refused = ok(await consent('t2_officer', items.refused!, { decision: 'refuse', comment: '涉及商业秘密' }));
    expect(refused).toMatchObject({ status: 'refused', listedAt: null, consent: { decision: 'refuse', comment: '涉及商业秘密' } });
    expect(await notificationsOf(org(SSJG), 'catalog.operation_consent_give')).toHaveLength(1);
    expect(await notificationsOf(org('海南省数据局'), 'catalog.operation_consent_refuse')).toHaveLength(1);
    expect(await countEvents('catalog.operation_consent')).toBe(2);

    const listed = ids(ok(await as('zhangsan').get('/api/v1/catalog/operation-list?limit=500')));
    expect(listed).toEqual(expect.arrayContaining([items.own, items.shared]));
    expect(listed).not.toContain(items.refused);
    expect(ids(ok(await as('sjj_reviewer').get(`/api/v1/catalog/operation-list?status=refused&provider=${org(T2)}`)))).toEqual([items.refused]);
    expect(ids(ok(await as('zhangsan').get('/api/v1/catalog/operation-list?status=refused')))).toEqual([]);
  });

  it('registration is refused for an item not listed, to the wrong roles, and for an incomplete catalog', async () => {
    const register = (login: string, id: string) => as(login).post(`/api/v1/catalog/operation-list/${id}/registration`);
    for (const login of ['t1_officer', 't2_officer', 'yshj_reviewer', 'auditor_wx', 'kaifa_dev', 'dsj_clerk']) {
      expect(expectError(await register(login, items.shared!), 403, 'FORBIDDEN').message).toMatch(/平台管理员/);
    }
    expect(expectError(await register('ssjg_clerk', items.refused!), 422, 'RULE_VIOLATION', '000 第二十九条').message).toMatch(/已列入授权运营目录/);
    expectError(await register('ssjg_clerk', randomUUID()), 404, 'NOT_FOUND');

    const noUsage = ok(await list('t1_officer', { entryId: e.noUsage!.id }), 201).id as string;
    const err = expectError(await register('ssjg_clerk', noUsage), 422, 'RULE_VIOLATION', '000 第二十九条');
    expect(err.message).toMatch(/使用条件/);
    expect(err.fields?.map((f) => f.field)).toEqual(['usageConditions']);
    const noFields = ok(await list('t1_officer', { entryId: e.noFields!.id }), 201).id as string;
    expect(expectError(await register('ssjg_clerk', noFields), 422, 'RULE_VIOLATION', '000 第二十九条').fields?.map((f) => f.field)).toEqual(['fields']);
    expect(await countEvents('catalog.register')).toBe(0);
  });

  it('registers a listed item with a uniform code, a query code and its version, once per version', async () => {
    const reg = ok(await as('ssjg_clerk').post(`/api/v1/catalog/operation-list/${items.shared}/registration`), 201);
    expect(reg.registrationCode).toMatch(/^DJ460000-2026-\d{6}$/);
    expect(reg.queryCode).toMatch(new RegExp(`^[${QUERY_CODE_ALPHABET}]{8}$`));
    expect(reg).toMatchObject({ version: 1, entry: { id: e.shared!.id, name: '运营-乙局共享', provider: { name: T2 }, publishedVersion: 1 }, operation: { itemId: items.shared, status: 'listed', listedBy: { name: SSJG } } });
    queryCode = reg.queryCode;
    expectError(await as('ssjg_clerk').post(`/api/v1/catalog/operation-list/${items.shared}/registration`), 409, 'DUPLICATE');
    expect(await countEvents('catalog.register')).toBe(1);
    expect(await notificationsOf(org(T2), 'catalog.registered')).toHaveLength(1);

    // Two at once (the data authority and the platform admin) take consecutive numbers.
    const importantItem = await itemOf(e.important!.id);
    const [second, third] = await Promise.all([
      as('admin').post(`/api/v1/catalog/operation-list/${items.own}/registration`),
      as('sjj_reviewer').post(`/api/v1/catalog/operation-list/${importantItem}/registration`),
    ]).then((rs) => rs.map((r) => ok(r, 201)));
    const n = (code: string) => Number(code.slice(-6));
    expect([n(second.registrationCode), n(third.registrationCode)].sort()).toEqual([n(reg.registrationCode) + 1, n(reg.registrationCode) + 2]);
    expect(new Set([reg.queryCode, second.queryCode, third.queryCode]).size).toBe(3);
    ownQueryCode = second.queryCode;

    const view = ok(await as('ssjg_clerk').get(`/api/v1/catalog/operation-list/${items.shared}`));
    expect(view.registration).toMatchObject({ registrationCode: reg.registrationCode, queryCode, version: 1 });
    const ev = await db().selectFrom('audit_events').select('details').where('action', '=', 'catalog.register').orderBy('seq').executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ itemId: items.shared, entryId: e.shared!.id, version: 1, registrationCode: reg.registrationCode, queryCode });
  });

  it('anyone can look a registration up by its query code without signing in', async () => {
    const doc = ok(await anon('/api/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/catalog/negative-list', '/api/v1/catalog/open-list', '/api/v1/catalog/operation-list', '/api/v1/catalog/registrations/{queryCode}']));
    const found = ok(await anon(`/api/v1/catalog/registrations/${queryCode}`));
    expect(found).toMatchObject({ queryCode, version: 1, entry: { name: '运营-乙局共享', provider: { id: org(T2), name: T2 } }, operation: { status: 'listed' } });
    expect(found.registeredAt).toBe(env.clock.now().toISOString());
    const typed = `${queryCode.slice(0, 4).toLowerCase()}-${queryCode.slice(4)}`;
    expect(ok(await anon(`/api/v1/catalog/registrations/${typed}`)).registrationCode).toBe(found.registrationCode);
    expectError(await anon('/api/v1/catalog/registrations/ZZZZ2222'), 404, 'NOT_FOUND');
    expectError(await anon('/api/v1/catalog/registrations/%3Cscript%3E'), 400, 'VALIDATION');
  });

  it('a new version that no longer allows operation cannot be registered', async () => {
    await republish(e.shared!.id, { provider: T2, operationAttr: false, name: '运营-乙局共享' });
    expectError(await as('ssjg_clerk').post(`/api/v1/catalog/operation-list/${items.shared}/registration`), 422, 'RULE_VIOLATION', '000 第二十七条');
    // The registration of version 1 stays as it was, and says which version is in force now.
    expect(ok(await anon(`/api/v1/catalog/registrations/${queryCode}`))).toMatchObject({ version: 1, entry: { publishedVersion: 2 } });
  });

  it('an item is taken off by the provider or the operation bodies, audited, and can be listed again', async () => {
    for (const login of ['yunying_admin', 't1_clerk', 't2_officer']) {
      expect(expectError(await as(login).post(`/api/v1/catalog/operation-list/${items.own}/remove`, { reason: '试试' }), 403, 'FORBIDDEN').message).toMatch(/数据主管部门/);
    }
    expectError(await as('t2_officer').del(`/api/v1/catalog/operation-list/${items.own}`), 403, 'FORBIDDEN');
    expectError(await as('t1_officer').del(`/api/v1/catalog/operation-list/${randomUUID()}`), 404, 'NOT_FOUND');
    expect(await countEvents('catalog.operation_remove')).toBe(0);

    const removed = ok(await as('t1_officer').post(`/api/v1/catalog/operation-list/${items.own}/remove`, { reason: '数据来源调整' }));
    expect(removed.status).toBe('removed');
    expectError(await as('t1_officer').post(`/api/v1/catalog/operation-list/${items.own}/remove`, {}), 409, 'INVALID_STATE');
    expectError(await as('ssjg_clerk').post(`/api/v1/catalog/operation-list/${items.own}/registration`), 422, 'RULE_VIOLATION', '000 第二十九条');
    const ev = await db().selectFrom('audit_events').select(['details']).where('action', '=', 'catalog.operation_remove').where('object_id', '=', items.own!).execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]?.details).toMatchObject({ reason: '数据来源调整', from: 'listed' });
    // The registration of a removed item still answers, and says so.
    expect(ok(await anon(`/api/v1/catalog/registrations/${ownQueryCode}`)).operation.status).toBe('removed');

    const again = ok(await list('t1_officer', { entryId: e.own!.id }), 201);
    expect(again.id).not.toBe(items.own);
    expect(ok(await as('ssjg_clerk').del(`/api/v1/catalog/operation-list/${again.id}`)).status).toBe('removed');
    expect(await notificationsOf(org(T1), 'catalog.operation_removed')).toHaveLength(1);
    // The provider withdraws data another org listed with its consent.
    expect(ok(await as('t2_officer').post(`/api/v1/catalog/operation-list/${items.shared}/remove`, { reason: '撤回同意' })).status).toBe('removed');
    expect(await notificationsOf(org(SSJG), 'catalog.operation_removed')).toHaveLength(1);
    expect(await countEvents('catalog.operation_remove')).toBe(3);

    const gone = ids(ok(await as('t1_officer').get('/api/v1/catalog/operation-list?status=removed')));
    expect(gone.sort()).toEqual([items.own, again.id].sort());
    expect(ids(ok(await as('t1_officer').get(`/api/v1/catalog/operation-list?provider=${org(T1)}&limit=500`)))).not.toContain(items.own);
    expectError(await anon('/api/v1/catalog/operation-list'), 401, 'UNAUTHENTICATED');
  });
});

/** The id of the live operation item of an entry. */
async function itemOf(entryId: string): Promise<string> {
  const r = await db().selectFrom('catalog_operation_items').select('id').where('entry_id', '=', entryId).where('status', 'in', ['listed', 'awaiting_consent']).executeTakeFirstOrThrow();
  return r.id;
}
