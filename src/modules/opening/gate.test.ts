/**
 * The anonymisation gate and the open data plane (000 第十九条): 省公安厅 (gat) opens a people
 * dataset unconditionally. Until its live version passes the gate the public cannot read it; a
 * dataset whose quasi-identifiers single people out is refused, and passes once generalised; the
 * class sizes at k-1 and k; a direct identifier kept refuses; consent opens; reads carry the
 * treatments; a new load is checked again inside its commit. An entry without personal
 * information opens at once, and the reads filter, search, sort, page and stream.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import type { CatalogField } from '../catalog/tables.js';
import { makePublishedEntry } from '../ingest/factories.js';
import { synthIdNumber, synthUscc } from '../ingest/synth.js';
import { Crypto, ephemeralKeys } from '../../kernel/crypto.js';
import { generalise, parseGeneralisation, pseudonym, sm3Hmac } from '../privacy/anonymity.js';
import { gateKeyed } from './gate.keys.js';
import { generaliseSql, colRef } from './gate.sql.js';
import { openAccess, openRows, openRowStream } from './open-data.js';

let env: TestEnv;
let as: (login: string) => Client;
const db = () => env.k.db.kysely;

const PEOPLE: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'name', label: '姓名', type: 'string', required: true, piiKind: 'name' },
  { name: 'region', label: '户籍地区划', type: 'string', piiKind: 'region_code' },
  { name: 'birth', label: '出生日期', type: 'date', piiKind: 'birth_date' },
  { name: 'sex', label: '性别', type: 'string' },
  { name: 'allowance', label: '补贴金额', type: 'integer' },
];
const PLAIN: CatalogField[] = [
  { name: 'station', label: '监测站编号', type: 'string', key: true, required: true },
  { name: 'city', label: '所在市县', type: 'string' },
  { name: 'aqi', label: '空气质量指数', type: 'integer' },
  { name: 'day', label: '监测日期', type: 'date' },
];

interface Person {
  id_number: string;
  name: string;
  region: string;
  birth: string;
  sex: string;
  allowance: string;
}

/** `women` women and 20 - `women` men, all of Haikou (460105 / 460106), each born on a day of their own in 1990. */
function people(women: number, total = 20): Person[] {
  return Array.from({ length: total }, (_, i) => {
    const day = `1990-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    return {
      id_number: synthIdNumber(i % 2 ? '460106' : '460105', day.replace(/-/g, ''), i + 1),
      name: `居民${i + 1}`,
      region: i % 2 ? '460106' : '460105',
      birth: day,
      sex: i < women ? '女' : '男',
      allowance: String(100 * ((i % 3) + 1)),
    };
  });
}

const csv = (fields: CatalogField[], rows: Array<Record<string, string>>) =>
  `${fields.map((f) => f.name).join(',')}\n${rows.map((r) => fields.map((f) => r[f.name] ?? '').join(',')).join('\n')}\n`;

async function load(entryId: string, body: string, login = 'gat_clerk') {
  const c = as(login);
  const res = await env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/entries/${entryId}/loads?mode=replace`,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' },
    payload: body,
  });
  return ok(res, 201) as { status: string; versionNo: number; rowsAccepted: number };
}

/** A published entry of gat, opened unconditionally; its code. */
async function openEntry(fields: CatalogField[], name: string, attr: 'unconditional' | 'conditional' | 'none' = 'unconditional') {
  const id = await makePublishedEntry(env.k, '海南省公安厅', fields, name, { openAttr: attr });
  const code = (await db().selectFrom('catalog_entries').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code;
  return { id, code };
}

const gateUrl = (code: string, tail = '') => `/api/v1/open/entries/${code}/gate${tail}`;
const reports = (entryId: string) => db().selectFrom('opening_gate_reports').selectAll().where('entry_id', '=', entryId).orderBy('seq').execute();

/** The plan that anonymises the people dataset: identifiers out, birth to the year, region to the city. */
const GOOD_PLAN = {
  treatments: { id_number: 'pseudonymise', name: 'drop', region: 'generalise:city', birth: 'generalise:year', sex: 'keep', allowance: 'keep' },
  quasiIdentifiers: ['sex'],
  sensitive: 'allowance',
};

beforeAll(async () => {
  env = await testEnv();
  as = await signIn(env.app, ['gat_clerk', 'gat_officer', 'scj_clerk', 'yshj_reviewer']);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('an entry without personal information', () => {
  const E = { id: '', code: '' };
  const rows = Array.from({ length: 25 }, (_, i) => ({
    station: `S${String(i + 1).padStart(3, '0')}`,
    city: i % 2 ? '三亚市' : '海口市',
    aqi: String(20 + i),
    day: `2026-09-${String((i % 9) + 1).padStart(2, '0')}`,
  }));

  beforeAll(async () => {
    Object.assign(E, await openEntry(PLAIN, '空气质量监测日报'));
  });

  it('is refused while no data is loaded, then opens at once without a gate', async () => {
    expect(await openAccess(db(), E.code)).toMatchObject({ ok: false, status: 409, code: 'no_data' });
    await load(E.id, csv(PLAIN, rows));
    const a = await openAccess(db(), E.code);
    expect(a).toMatchObject({ ok: true, entryId: E.id, versionNo: 1, total: 25 });
    if (!a.ok) return;
    expect(a.columns.map((c) => [c.name, c.type, c.treatment])).toEqual([
      ['station', 'string', null],
      ['city', 'string', null],
      ['aqi', 'integer', null],
      ['day', 'date', null],
    ]);
    const view = ok(await as('gat_clerk').get(gateUrl(E.code)));
    expect(view).toMatchObject({ needed: false, status: 'not_needed', k: 5 });
  });

  it('reads pages in key order with typed values, filters, contains-search and sort', async () => {
    const p1 = await openRows(env.k, db(), E.code, { limit: 10, offset: 0 });
    expect(p1.total).toBe(25);
    expect(p1.rows).toHaveLength(10);
    expect(p1.rows[0]).toEqual({ station: 'S001', city: '海口市', aqi: 20, day: '2026-09-01' });
    const p3 = await openRows(env.k, db(), E.code, { limit: 10, offset: 20 });
    expect(p3.rows.map((r) => r.station)).toEqual(['S021', 'S022', 'S023', 'S024', 'S025']);

    const sanya = await openRows(env.k, db(), E.code, { filters: { city: '三亚市' }, limit: 100, offset: 0 });
    expect(sanya.total).toBe(12);
    expect(sanya.rows.every((r) => r.city === '三亚市')).toBe(true);
    const one = await openRows(env.k, db(), E.code, { filters: { aqi: '30' }, fields: ['station', 'aqi'], limit: 5, offset: 0 });
    expect(one).toMatchObject({ total: 1, rows: [{ station: 'S011', aqi: 30 }] });
    expect(one.columns.map((c) => c.name)).toEqual(['station', 'aqi']);

    const q = await openRows(env.k, db(), E.code, { q: 's02', limit: 100, offset: 0 });
    expect(q.rows.map((r) => r.station)).toEqual(['S020', 'S021', 'S022', 'S023', 'S024', 'S025']);

    const top = await openRows(env.k, db(), E.code, { sort: [{ field: 'aqi', desc: true }], limit: 2, offset: 0 });
    expect(top.rows.map((r) => r.aqi)).toEqual([44, 43]);
  });

  it('refuses a filter on a field it does not open, or a value not of its type', async () => {
    await expect(openRows(env.k, db(), E.code, { filters: { nope: 'x' }, limit: 5, offset: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(openRows(env.k, db(), E.code, { filters: { aqi: 'many' }, limit: 5, offset: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('streams every row in batches', async () => {
    const all: Record<string, unknown>[] = [];
    for await (const batch of openRowStream(env.k, db(), E.code)) all.push(...batch);
    expect(all).toHaveLength(25);
    expect(new Set(all.map((r) => r.station)).size).toBe(25);
  });

  it('conditional and not-open entries are not read here, citing their articles', async () => {
    const cond = await openEntry(PLAIN, '有条件开放数据', 'conditional');
    await load(cond.id, csv(PLAIN, rows.slice(0, 3)));
    expect(await openAccess(db(), cond.code)).toMatchObject({ ok: false, status: 403, code: 'conditional', source: '000 第二十条' });
    await expect(openRows(env.k, db(), cond.code, { limit: 5, offset: 0 })).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'conditional' } });
    const none = await openEntry(PLAIN, '不予开放数据', 'none');
    expect(await openAccess(db(), none.code)).toMatchObject({ ok: false, status: 403, code: 'not_open', source: '000 第十九条' });
    expect(await openAccess(db(), 'NO-SUCH-CODE')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('the gate of a people dataset', () => {
  const E = { id: '', code: '' };
  let pseudonyms: string[] = [];

  beforeAll(async () => {
    Object.assign(E, await openEntry(PEOPLE, '困难群众补贴名册'));
    await load(E.id, csv(PEOPLE, people(10) as unknown as Array<Record<string, string>>));
  });

  it('blocks opening until the live version passes the gate', async () => {
    const a = await openAccess(db(), E.code);
    expect(a).toMatchObject({ ok: false, status: 409, code: 'gate_required', source: '000 第十九条' });
    await expect(openRows(env.k, db(), E.code, { limit: 5, offset: 0 })).rejects.toMatchObject({ code: 'INVALID_STATE', source: '000 第十九条', details: { reason: 'gate_required' } });
    const view = ok(await as('gat_clerk').get(gateUrl(E.code)));
    expect(view).toMatchObject({ needed: true, status: 'pending', plan: null, live: { versionNo: 1, rows: 20 } });
    // Undeclared personal information is a problem of the (empty) plan.
    expect((view.problems as Array<{ field: string }>).map((p) => p.field)).toEqual(expect.arrayContaining(['id_number', 'name', 'region', 'birth']));
  });

  it('only the provider manages the gate; the authority may read it', async () => {
    refused(await as('scj_clerk').put(gateUrl(E.code, '/plan'), GOOD_PLAN), 403, 'FORBIDDEN');
    refused(await as('scj_clerk').post(gateUrl(E.code, '/run')), 403, 'FORBIDDEN');
    refused(await as('scj_clerk').get(gateUrl(E.code)), 403, 'FORBIDDEN');
    refused(await as('yshj_reviewer').put(gateUrl(E.code, '/plan'), GOOD_PLAN), 403, 'FORBIDDEN');
    ok(await as('yshj_reviewer').get(gateUrl(E.code)));
    const anon = await env.app.inject({ method: 'GET', url: gateUrl(E.code) });
    expect(anon.statusCode).toBe(401);
  });

  it('refuses a plan it cannot read: unknown fields, treatments, a generalisation not fitting the type', async () => {
    const e = refused(
      await as('gat_clerk').put(gateUrl(E.code, '/plan'), { treatments: { nope: 'drop', name: 'blur', sex: 'generalise:band:10', allowance: 'generalise:band:x' }, quasiIdentifiers: ['ghost'] }),
      400,
      'VALIDATION',
      '000 第十九条',
    );
    expect(e.fields?.map((f) => f.field).sort()).toEqual(['allowance', 'ghost', 'name', 'nope', 'sex']);
  });

  it('refuses a dataset with a unique quasi-identifier combination, listing the combinations, and passes it once generalised', async () => {
    // Region and date of birth kept: every person is alone in their class.
    const exact = { ...GOOD_PLAN, treatments: { ...GOOD_PLAN.treatments, region: 'keep', birth: 'keep' } };
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), exact));
    const failed = ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201);
    expect(failed).toMatchObject({ status: 'failed', basis: 'k_anonymity', k: 5, rows: 20, classes: 20, smallestClass: 1, classesBelowK: 20, rowsBelowK: 20, versionNo: 1, trigger: 'manual' });
    expect(failed.examples).toHaveLength(10);
    expect(failed.examples[0]).toEqual({ size: 1, values: { region: '460105', birth: '1990-01-01', sex: '女' } });
    expect(failed.reason).toContain('k=5');
    expect(await openAccess(db(), E.code)).toMatchObject({ ok: false, status: 409, code: 'gate_failed', source: '000 第十九条' });

    // Birth to the year, region to the city: two classes of 10.
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), GOOD_PLAN));
    const passed = ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201);
    expect(passed).toMatchObject({ status: 'passed', basis: 'anonymised', rows: 20, classes: 2, smallestClass: 10, classesBelowK: 0, rowsBelowK: 0, examples: [], l: 3 });
    const a = await openAccess(db(), E.code);
    expect(a).toMatchObject({ ok: true, versionNo: 1, total: 20 });

    // Kept with the version, audited.
    const rs = await reports(E.id);
    expect(rs.map((r) => [r.version_no, r.status])).toEqual([
      [1, 'failed'],
      [1, 'passed'],
    ]);
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'opening.gate_run').where('object_id', '=', E.id).execute();
    expect(ev).toHaveLength(2);
    const planEv = await db().selectFrom('audit_events').selectAll().where('action', '=', 'opening.gate_plan').where('object_id', '=', E.id).execute();
    expect(planEv).toHaveLength(2);
  });

  it('applies the treatments on reads: identifiers out or pseudonymised, quasi-identifiers generalised', async () => {
    const a = await openAccess(db(), E.code);
    if (!a.ok) throw new Error('not open');
    expect(a.columns.map((c) => [c.name, c.type, c.treatment])).toEqual([
      ['id_number', 'string', 'pseudonymise'],
      ['region', 'string', 'generalise:city'],
      ['birth', 'string', 'generalise:year'],
      ['sex', 'string', null],
      ['allowance', 'integer', null],
    ]);
    const page = await openRows(env.k, db(), E.code, { limit: 100, offset: 0 });
    expect(page.total).toBe(20);
    const src = people(10);
    for (const r of page.rows) {
      expect(Object.keys(r)).toEqual(['id_number', 'region', 'birth', 'sex', 'allowance']);
      expect(r.region).toBe('460100');
      expect(r.birth).toBe('1990');
      expect(r.id_number).toMatch(/^[0-9a-f]{16}$/);
      expect(src.map((p) => p.id_number)).not.toContain(r.id_number);
    }
    // A pseudonym is stable (the same on every read) and one per person.
    expect(new Set(page.rows.map((r) => r.id_number)).size).toBe(20);
    const again = await openRows(env.k, db(), E.code, { limit: 100, offset: 0 });
    expect(again.rows.map((r) => r.id_number)).toEqual(page.rows.map((r) => r.id_number));
    pseudonyms = page.rows.map((r) => String(r.id_number));
    // Filters on a generalised value; never on a pseudonym.
    expect((await openRows(env.k, db(), E.code, { filters: { birth: '1990', sex: '女' }, limit: 100, offset: 0 })).total).toBe(10);
    await expect(openRows(env.k, db(), E.code, { filters: { id_number: String(page.rows[0]?.id_number) }, limit: 5, offset: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(openRows(env.k, db(), E.code, { fields: ['name'], limit: 5, offset: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
    // Searching does not reach a dropped or pseudonymised column.
    expect((await openRows(env.k, db(), E.code, { q: '居民', limit: 5, offset: 0 })).total).toBe(0);
    const streamed: Record<string, unknown>[] = [];
    for await (const b of openRowStream(env.k, db(), E.code)) streamed.push(...b);
    expect(streamed.map((r) => r.id_number).sort()).toEqual(page.rows.map((r) => r.id_number).sort());
    expect(streamed.every((r) => !('name' in r) && r.birth === '1990')).toBe(true);
  });

  it('reads through the plan its passing report checked, not one edited since', async () => {
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { ...GOOD_PLAN, treatments: { ...GOOD_PLAN.treatments, birth: 'keep' } }));
    const page = await openRows(env.k, db(), E.code, { limit: 100, offset: 0 });
    expect(page.rows[0]?.birth).toBe('1990');
    // The entry's pseudonym key outlives plan edits: the same person keeps the same pseudonym.
    expect(page.rows.map((r) => r.id_number)).toEqual(pseudonyms);
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), GOOD_PLAN));
  });

  it('checks each new load inside its commit: k-1 in a class refuses, k passes', async () => {
    // 4 women (k-1) and 16 men: the class of women is below k.
    const v2 = await load(E.id, csv(PEOPLE, people(4) as unknown as Array<Record<string, string>>));
    expect(v2.versionNo).toBe(2);
    const r2 = (await reports(E.id)).filter((r) => r.version_no === 2);
    expect(r2).toHaveLength(1);
    expect(r2[0]).toMatchObject({ status: 'failed', basis: 'k_anonymity', trigger: 'load', classes_below_k: 1, rows_below_k: 4, smallest_class: 4 });
    expect(r2[0]?.examples).toEqual([{ size: 4, values: { region: '460100', birth: '1990', sex: '女' } }]);
    expect(await openAccess(db(), E.code)).toMatchObject({ ok: false, status: 409, code: 'gate_failed' });

    // 5 women (k) and 15 men: every class has at least k.
    const v3 = await load(E.id, csv(PEOPLE, people(5) as unknown as Array<Record<string, string>>));
    const r3 = (await reports(E.id)).filter((r) => r.version_no === v3.versionNo);
    expect(r3[0]).toMatchObject({ status: 'passed', trigger: 'load', smallest_class: 5, classes_below_k: 0 });
    expect(await openAccess(db(), E.code)).toMatchObject({ ok: true, versionNo: v3.versionNo });
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'opening.gate_run').where('object_id', '=', E.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ trigger: 'load', status: 'passed', versionNo: v3.versionNo });
  });

  it('a direct identifier kept refuses, naming it, whatever the classes', async () => {
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { ...GOOD_PLAN, treatments: { ...GOOD_PLAN.treatments, name: 'keep' } }));
    const r = ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201);
    expect(r).toMatchObject({ status: 'failed', basis: 'plan' });
    expect(r.problems).toEqual([{ field: 'name', message: '姓名是直接标识符，须删除或假名化后方可开放' }]);
    const a = await openAccess(db(), E.code);
    expect(a).toMatchObject({ ok: false, code: 'gate_failed' });
    if (!a.ok) expect(a.reason).toContain('姓名是直接标识符');
  });

  it('a required l-diversity of the sensitive attribute is checked', async () => {
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { ...GOOD_PLAN, minL: 4 }));
    const r = ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201);
    expect(r).toMatchObject({ status: 'failed', basis: 'l_diversity', l: 3 });
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { ...GOOD_PLAN, minL: 3 }));
    expect(ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201)).toMatchObject({ status: 'passed', l: 3 });
  });

  it('the subjects’ consent opens the data as treated, recorded with its reference', async () => {
    const incomplete = refused(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { treatments: {}, quasiIdentifiers: [], consent: { reference: 'SQ-2026-001', attachment: '' } }), 400, 'VALIDATION');
    expect(incomplete.fields?.map((f) => f.field)).toEqual(['consent.attachment']);
    const consent = { reference: 'SQ-2026-001', attachment: '困难群众补贴公示授权同意书（扫描件，共 20 份）' };
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { treatments: { id_number: 'drop' }, quasiIdentifiers: [], consent }));
    const r = ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201);
    expect(r).toMatchObject({ status: 'passed', basis: 'consent', plan: { consent: { reference: 'SQ-2026-001' } } });
    const page = await openRows(env.k, db(), E.code, { limit: 1, offset: 0 });
    expect(Object.keys(page.rows[0] ?? {})).toEqual(['name', 'region', 'birth', 'sex', 'allowance']);
    expect(page.rows[0]).toMatchObject({ region: expect.stringMatching(/^46010[56]$/), birth: expect.stringMatching(/^1990-\d{2}-\d{2}$/) });
  });
});

describe('the key of the pseudonyms: the database alone is not enough', () => {
  const E = { id: '', code: '' };
  const ids = people(10).map((p) => p.id_number);
  const published = async () => (await openRows(env.k, db(), E.code, { limit: 100, offset: 0 })).rows.map((r) => String(r.id_number));
  const nonceOf = async () => (await db().selectFrom('opening_gate_plans').select('pseudonym_nonce').where('entry_id', '=', E.id).executeTakeFirstOrThrow()).pseudonym_nonce;

  beforeAll(async () => {
    Object.assign(E, await openEntry(PEOPLE, '城乡低保对象名册'));
    await load(E.id, csv(PEOPLE, people(10) as unknown as Array<Record<string, string>>));
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), GOOD_PLAN));
    expect(ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201)).toMatchObject({ status: 'passed' });
  });

  it('keeps a nonce, not a key: the column is renamed and says so', async () => {
    const cols = await sql<{ column_name: string; note: string | null }>`
      SELECT a.attname AS column_name, col_description(a.attrelid, a.attnum) AS note
        FROM pg_attribute a WHERE a.attrelid = 'opening_gate_plans'::regclass AND a.attnum > 0 AND NOT a.attisdropped`.execute(db());
    const names = cols.rows.map((c) => c.column_name);
    expect(names).toContain('pseudonym_nonce');
    expect(names).not.toContain('pseudonym_key');
    expect(cols.rows.find((c) => c.column_name === 'pseudonym_nonce')?.note).toContain('Not a key on its own');
    expect(await nonceOf()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the same nonce and platform secret give the same pseudonyms, across gate runs', async () => {
    const before = await published();
    const nonce = await nonceOf();
    // The published pseudonym is the one the platform secret, the entry and the nonce give.
    const keyed = gateKeyed(env.k, E.id, nonce);
    expect([...before].sort()).toEqual(ids.map((id) => String(pseudonym(keyed, id))).sort());
    expect(ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201)).toMatchObject({ status: 'passed' });
    expect(await nonceOf()).toBe(nonce);
    expect(await published()).toEqual(before);
  });

  it('a report lists a pseudonymised quasi-identifier under the same pseudonyms the public reads', async () => {
    // The ID number counted as a quasi-identifier: every person is a class of one.
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { ...GOOD_PLAN, quasiIdentifiers: ['sex', 'id_number'] }));
    const failed = ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201) as { status: string; examples: Array<{ values: Record<string, unknown> }> };
    expect(failed.status).toBe('failed');
    const keyed = gateKeyed(env.k, E.id, await nonceOf());
    const expected = new Set(ids.map((id) => pseudonym(keyed, id)));
    expect(failed.examples.length).toBeGreaterThan(0);
    for (const ex of failed.examples) expect(expected.has(String(ex.values.id_number))).toBe(true);
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), GOOD_PLAN));
    expect(ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201)).toMatchObject({ status: 'passed' });
  });

  it('another platform secret gives other pseudonyms', async () => {
    const mine = await published();
    const other = await openRows({ crypto: new Crypto(ephemeralKeys()) }, db(), E.code, { limit: 100, offset: 0 });
    const theirs = other.rows.map((r) => String(r.id_number));
    expect(theirs).toHaveLength(mine.length);
    expect(theirs.every((p, i) => /^[0-9a-f]{16}$/.test(p) && p !== mine[i])).toBe(true);
  });

  it('the nonce alone, used as the HMAC key, does not reproduce the published pseudonyms', async () => {
    const mine = new Set(await published());
    const nonce = await nonceOf();
    expect(mine.size).toBe(ids.length);
    const fromNonce = ids.map((id) => String(pseudonym(sm3Hmac(nonce), id)));
    expect(fromNonce.filter((p) => mine.has(p))).toEqual([]);
  });

  it('a new nonce re-keys the entry', async () => {
    const before = await published();
    await db().updateTable('opening_gate_plans').set({ pseudonym_nonce: 'c'.repeat(64) }).where('entry_id', '=', E.id).execute();
    const after = await published();
    expect(after.every((p, i) => p !== before[i])).toBe(true);
    expect([...after].sort()).toEqual(ids.map((id) => String(pseudonym(gateKeyed(env.k, E.id, 'c'.repeat(64)), id))).sort());
  });
});

describe('commercial secrets', () => {
  it('need a treatment other than keep, unless consent is recorded', async () => {
    const fields: CatalogField[] = [
      { name: 'uscc', label: '统一社会信用代码', type: 'string', key: true, required: true },
      { name: 'turnover', label: '营业收入', type: 'integer', commercialSecret: true },
    ];
    const E = await openEntry(fields, '企业经营数据');
    const rows = Array.from({ length: 6 }, (_, i) => ({ uscc: `C${i}`, turnover: String(1000 * (i + 1)) }));
    await load(E.id, csv(fields, rows));
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { treatments: { turnover: 'keep' }, quasiIdentifiers: [] }));
    const r = ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201);
    expect(r).toMatchObject({ status: 'failed', basis: 'plan', problems: [{ field: 'turnover' }] });
    ok(await as('gat_clerk').put(gateUrl(E.code, '/plan'), { treatments: { turnover: 'generalise:band:5000' }, quasiIdentifiers: [] }));
    // No personal information: the only class is all 6 rows.
    expect(ok(await as('gat_clerk').post(gateUrl(E.code, '/run')), 201)).toMatchObject({ status: 'passed', basis: 'anonymised' });
    const page = await openRows(env.k, db(), E.code, { limit: 10, offset: 0 });
    expect(page.rows.map((x) => x.turnover)).toEqual(['0-4999', '0-4999', '0-4999', '0-4999', '5000-9999', '5000-9999']);
  });
});

describe('the demo province', () => {
  it('declares the plan of its open entry with personal information, so that its data opens once loaded', async () => {
    const e = await db()
      .selectFrom('catalog_entries as e')
      .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
      .select(['e.id', 'e.code', 'v.fields'])
      .where('v.name', '=', '企业营业执照信息')
      .executeTakeFirstOrThrow();
    const plan = await db().selectFrom('opening_gate_plans').selectAll().where('entry_id', '=', e.id).executeTakeFirstOrThrow();
    expect(plan.treatments).toEqual({ legal_rep: 'drop' });
    expect(await openAccess(db(), e.code)).toMatchObject({ ok: false });
    const rows = Array.from({ length: 6 }, (_, i) => ({ uscc: synthUscc('460100', i + 1), name: `企业${i + 1}`, type: '有限责任公司', legal_rep: `法人${i + 1}`, reg_date: '2020-01-01', reg_capital: '100' }));
    await load(e.id, csv(e.fields, rows), 'scj_clerk');
    const a = await openAccess(db(), e.code);
    expect(a).toMatchObject({ ok: true, total: 6 });
    if (a.ok) expect(a.columns.map((c) => c.name)).not.toContain('legal_rep');
  });
});

describe('the SQL generalisations match the rules', () => {
  it('gives the same values as privacy/anonymity.ts', async () => {
    const cases: Array<[string, 'string' | 'integer' | 'date' | 'datetime', unknown]> = [
      ['month', 'date', '2026-09-18'],
      ['year', 'date', '2026-01-01'],
      ['month', 'datetime', '2026-09-30T17:30:00Z'],
      ['year', 'datetime', '2026-12-31T16:00:00Z'],
      ['month', 'string', '2026-09-18'],
      ['band:10', 'integer', 37],
      ['band:10', 'integer', -3],
      ['band:5', 'integer', 0],
      ['city', 'string', '460105'],
      ['province', 'string', '460105'],
      ['city', 'string', '4601'],
      ['birth_year', 'string', '46010519900307123X'],
      ['birth_year', 'string', '460105900307123'],
      ['birth_year', 'string', 'abc'],
      ['id_region:4', 'string', '46010519900307123X'],
      ['id_region:2', 'string', '460105900307123'],
      ['truncate:3', 'string', '海南省海口市'],
      ['truncate:4', 'integer', 123456],
      ['suppress', 'string', '13900000000'],
      ['suppress', 'string', null],
    ];
    const types = { string: 'text', integer: 'bigint', date: 'date', datetime: 'timestamptz' };
    for (const [spec, type, value] of cases) {
      const g = parseGeneralisation(spec);
      if (!g.ok) throw new Error(g.reason);
      const r = await sql<{ v: string | null }>`SELECT ${generaliseSql(g.value, colRef('x'), type)} AS v FROM (SELECT ${value}::${sql.raw(types[type])} AS x) t`.execute(db());
      expect([spec, type, value, r.rows[0]?.v ?? null]).toEqual([spec, type, value, generalise(g.value, value)]);
    }
  });
});
