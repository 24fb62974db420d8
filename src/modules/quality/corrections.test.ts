/**
 * Corrections (校核纠错, 000 第四十二条) over HTTP, on the working-day calendar around National Day
 * 2026 (10-01…10-07 off, Saturday 10-10 a 调休 working day): the provider verifies, corrects and
 * answers within 5 working days in Hainan (7 in Henan, 003 第十六条); an answer on the last day is
 * on time, a case left unanswered is marked overdue by the sweep.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { ok, refused } from '../../../test/assert.js';
import { sweepOverdue } from '../../kernel/deadlines.js';
import { synthUscc } from '../ingest/synth.js';
import { lookups } from '../../../test/lookups.js';

let env: TestEnv;
const clients = new Map<string, Client>();
const as = (login: string) => {
  const c = clients.get(login);
  if (!c) throw new Error(`not signed in: ${login}`);
  return c;
};
const db = () => env.k.db.kysely;
const { orgId } = lookups(db);
const LOGINS = ['hkfgw_analyst', 'scj_clerk', 'scj_officer', 'gat_clerk', 'yshj_reviewer', 'zhangsan'];
const HAINAN = '000 第四十二条';

async function entryId(name: string): Promise<string> {
  const r = await db()
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select('e.id')
    .where('v.name', '=', name)
    .executeTakeFirstOrThrow();
  return r.id;
}
const report = (login: string, b: Record<string, unknown>) => as(login).post('/api/v1/quality/corrections', b);
const answer = (login: string, id: string, b: Record<string, unknown>) => as(login).post(`/api/v1/quality/corrections/${id}/answer`, b);
const dutyOf = (caseId: string) => db().selectFrom('duties').selectAll().where('case_type', '=', 'quality_correction').where('case_id', '=', caseId).executeTakeFirstOrThrow();
const sweep = () => db().transaction().execute((trx) => sweepOverdue(env.k, trx));

let licences = ''; // 企业营业执照信息 of 省市场监管局
const USCC = '91460000MA5T4XYZ1Q';
const reportBody = (extra: Record<string, unknown> = {}) => ({
  entryId: licences,
  rowKey: { uscc: USCC },
  field: 'name',
  reportedValue: '海南椰林食品有线公司',
  expectedValue: '海南椰林食品有限公司',
  description: '企业名称有错别字，与营业执照原件不符',
  ...extra,
});

beforeAll(async () => {
  // Wednesday 30 September 2026, the eve of National Day.
  env = await testEnv({ now: '2026-09-30T10:00:00+08:00', config: { loginRateLimitPerMinute: 100_000, sessionTtlHours: 24 * 30 } });
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
  licences = await entryId('企业营业执照信息');
});

afterAll(async () => {
  await env?.close();
});

describe('reporting a correction (000 第四十二条)', () => {
  let first = '';

  it('opens 5 working days for the provider, skipping National Day, and notifies it', async () => {
    const c = ok(await report('hkfgw_analyst', reportBody()), 201);
    first = c.id;
    expect(c).toMatchObject({
      entry: { id: licences, name: '企业营业执照信息' },
      provider: { name: '海南省市场监督管理局' },
      reporter: { orgName: '海口市发展和改革委员会' },
      rowKey: { uscc: USCC },
      field: 'name',
      fieldLabel: '企业名称',
      status: 'open',
      late: false,
    });
    // 10-08 Thu, 10-09 Fri, 10-10 Sat (调休), 10-12 Mon, 10-13 Tue.
    expect(c.duty).toMatchObject({ status: 'open', workingDays: 5, dueDate: '2026-10-13', source: HAINAN, remainingWorkingDays: 5, overdue: false });
    const scj = await orgId('海南省市场监督管理局');
    const row = await dutyOf(first);
    expect(row).toMatchObject({ duty: 'answer', owner_org_id: scj, supervisor_org_id: await orgId('海南省营商环境建设厅'), due_date: '2026-10-13' });
    expect(row.due_at?.toISOString()).toBe('2026-10-13T16:00:00.000Z');
    const note = await db().selectFrom('notifications').selectAll().where('org_id', '=', scj).where('kind', '=', 'quality.correction_reported').executeTakeFirstOrThrow();
    expect(note.body).toContain('2026-10-13');
    expect(note.title).toContain('企业名称');
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'quality.correction_report').where('object_id', '=', first).executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ entryId: licences, field: 'name', dueDate: '2026-10-13', rowKeyFields: ['uscc'] });
    // Key values may be personal information: the audit chain never keeps them.
    expect(JSON.stringify(ev.details)).not.toContain(USCC);
  });

  it('names the row by all its key fields or a line, and the field among the entry’s data items', async () => {
    const noKey = refused(await report('hkfgw_analyst', reportBody({ rowKey: { name: '海南椰林' } })), 400, 'VALIDATION');
    expect(noKey.message).toContain('统一社会信用代码');
    expect(noKey.fields?.map((f) => f.field)).toEqual(['rowKey/name', 'rowKey/uscc']);
    const badField = refused(await report('hkfgw_analyst', reportBody({ field: 'colour' })), 400, 'VALIDATION');
    expect(badField.message).toContain('colour');
    const { rowKey: _omit, ...withoutRow } = reportBody();
    expect(refused(await report('hkfgw_analyst', withoutRow), 400, 'VALIDATION').fields?.[0]?.field).toBe('rowKey');
    refused(await report('hkfgw_analyst', reportBody({ description: '  ' })), 400, 'VALIDATION');
    const byLine = ok(await report('zhangsan', { ...withoutRow, line: 42 }), 201);
    expect(byLine).toMatchObject({ line: 42, rowKey: null });
  });

  it('is refused to the provider itself, citing the article, and 404 for an unknown entry', async () => {
    refused(await report('scj_clerk', reportBody()), 422, 'RULE_VIOLATION', HAINAN);
    refused(await report('hkfgw_analyst', reportBody({ entryId: '00000000-0000-4000-8000-000000000000' })), 404, 'NOT_FOUND');
  });

  it('is listed for the reporter (mine) and the provider (provider), and hidden from others', async () => {
    const mine = ok(await as('hkfgw_analyst').get('/api/v1/quality/corrections?role=mine'));
    expect(mine.items.map((c: { id: string }) => c.id)).toEqual([first]);
    const provider = ok(await as('scj_clerk').get('/api/v1/quality/corrections?role=provider&status=open'));
    expect(provider.items).toHaveLength(2);
    expect(ok(await as('scj_clerk').get('/api/v1/quality/corrections?role=provider&status=corrected')).items).toEqual([]);
    expect(ok(await as('gat_clerk').get('/api/v1/quality/corrections?role=provider')).items).toEqual([]);
    ok(await as('yshj_reviewer').get(`/api/v1/quality/corrections/${first}`));
    refused(await as('gat_clerk').get(`/api/v1/quality/corrections/${first}`), 404, 'NOT_FOUND');
  });

  it('is answered by the provider only; not wrong needs a reason; no extension in Hainan', async () => {
    refused(await answer('hkfgw_analyst', first, { outcome: 'corrected' }), 403, 'FORBIDDEN');
    refused(await answer('gat_clerk', first, { outcome: 'corrected' }), 404, 'NOT_FOUND');
    refused(await answer('scj_clerk', first, { outcome: 'not_wrong' }), 422, 'RULE_VIOLATION', HAINAN);
    refused(await answer('scj_clerk', first, { outcome: 'maybe' }), 400, 'VALIDATION');
    const ext = refused(await as('scj_officer').post(`/api/v1/quality/corrections/${first}/extend`, { days: 2, reason: '需现场核查' }), 422, 'RULE_VIOLATION', HAINAN);
    expect(ext.message).toContain('5 个工作日');
    expect((await dutyOf(first)).status).toBe('open');
  });
});

describe('the answer deadline on both sides (5 working days)', () => {
  let onTime = '';
  let overdue = '';
  let before = ''; // a load that landed before the report: it cannot be the fix

  /** The provider loads 企业营业执照信息 with the company's name; returns the committed load's id. */
  const loadLicences = async (name: string): Promise<string> => {
    const csv = `uscc,name,type,reg_date\n${synthUscc('460000', 1)},${name},有限责任公司,2020-05-01\n`;
    const c = as('scj_clerk');
    const res = await env.app.inject({
      method: 'POST',
      url: `/api/v1/catalog/entries/${licences}/loads`,
      headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'text/csv' },
      payload: csv,
    });
    return ok(res, 201).id;
  };

  it('takes an answer on the last day as on time, linked to the load that fixed it', async () => {
    env.clock.set('2026-09-29T10:00:00+08:00');
    before = await loadLicences('海南椰林食品有线公司');
    env.clock.set('2026-09-30T10:00:00+08:00');
    onTime = ok(await report('hkfgw_analyst', reportBody({ description: '成立日期有误', field: 'reg_date' })), 201).id;
    overdue = ok(await report('hkfgw_analyst', reportBody({ description: '注册资本有误', field: 'reg_capital' })), 201).id;

    env.clock.set('2026-10-13T23:00:00+08:00');
    const loadId = await loadLicences('海南椰林食品有限公司');
    refused(await answer('scj_clerk', onTime, { outcome: 'corrected', reason: '已更正', loadId: before }), 400, 'VALIDATION', HAINAN);
    refused(await answer('scj_clerk', onTime, { outcome: 'corrected', reason: '已更正', loadId: '11111111-2222-4333-8444-555555555555' }), 400, 'VALIDATION', HAINAN);
    refused(await answer('scj_clerk', onTime, { outcome: 'not_wrong', reason: '经核实无误', loadId }), 400, 'VALIDATION', HAINAN);
    env.clock.set('2026-10-13T23:30:00+08:00');
    const c = ok(await answer('scj_clerk', onTime, { outcome: 'corrected', reason: '已按原始登记更正', loadId }));
    expect(c).toMatchObject({ status: 'corrected', loadId, late: false, duty: { status: 'met', overdue: false } });
    const reporterNote = await db().selectFrom('notifications').selectAll().where('kind', '=', 'quality.correction_answered').executeTakeFirstOrThrow();
    expect(reporterNote).toMatchObject({ org_id: await orgId('海口市发展和改革委员会') });
    expect(reporterNote.title).toContain('已更正');
    const ev = await db().selectFrom('audit_events').selectAll().where('action', '=', 'quality.correction_answer').where('object_id', '=', onTime).executeTakeFirstOrThrow();
    expect(ev.details).toMatchObject({ outcome: 'corrected', loadId });
    refused(await answer('scj_clerk', onTime, { outcome: 'not_wrong', reason: '再答一次' }), 409, 'INVALID_STATE');
  });

  it('marks the unanswered case overdue once the window has ended, and shows a late answer as late', async () => {
    env.clock.set('2026-10-14T00:00:01+08:00');
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect((await dutyOf(onTime)).overdue_at).toBeNull();
    expect((await dutyOf(overdue)).overdue_at?.toISOString()).toBe('2026-10-13T16:00:01.000Z');
    const scj = await orgId('海南省市场监督管理局');
    const notes = await db().selectFrom('notifications').select('title').where('org_id', '=', scj).where('kind', '=', 'duty.overdue').execute();
    expect(notes.some((n) => n.title.includes('注册资本') || n.title.includes('企业营业执照信息'))).toBe(true);
    expect(ok(await as('hkfgw_analyst').get(`/api/v1/quality/corrections/${overdue}`))).toMatchObject({ late: true, duty: { overdue: true } });

    const late = ok(await answer('scj_officer', overdue, { outcome: 'not_wrong', reason: '经核实，注册资本与登记一致' }));
    expect(late).toMatchObject({ status: 'not_wrong', reason: '经核实，注册资本与登记一致', late: true, duty: { status: 'met' } });
  });
});

describe('Henan (003 第十六条)', () => {
  it('gives the provider 7 working days', async () => {
    const henan = await testEnv({ now: '2026-09-30T10:00:00+08:00', config: { jurisdiction: 'henan-2025' } });
    try {
      const analyst = await loginAs(henan.app, 'hkfgw_analyst');
      const { id } = await henan.k.db.kysely
        .selectFrom('catalog_entries as e')
        .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
        .select('e.id')
        .where('v.name', '=', '企业营业执照信息')
        .executeTakeFirstOrThrow();
      const res = await analyst.post('/api/v1/quality/corrections', { ...reportBody(), entryId: id });
      expect(res.statusCode, res.body).toBe(201);
      // 10-08, 10-09, 10-10 (调休), 10-12 … 10-15.
      expect(res.json().duty).toMatchObject({ workingDays: 7, dueDate: '2026-10-15', source: '003 第十六条' });
    } finally {
      await henan.close();
    }
  });
});
