import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type TestEnv } from '../../test/harness.js';
import { checkExtension, dueFrom, extendDuty, meetDuty, cancelDuty, openDuty, sweepOverdue, type DutyInput } from './deadlines.js';
import { AppError } from './errors.js';
import { loadCalendar } from './calendar-repo.js';

let env: TestEnv;
let gat: string; // owner: 海南省公安厅
let sjj: string; // supervisor: 海南省数据局
let n = 0;

const db = () => env.k.db.kysely;
const SOURCE = '000 第十四条';

/** Opens a duty owned by 省公安厅 and supervised by 省数据局, with a unique case id. */
function open(input: Partial<DutyInput> = {}) {
  n++;
  return db()
    .transaction()
    .execute((trx) =>
      openDuty(env.k, trx, {
        caseType: 'share_request',
        caseId: `case-${n}`,
        duty: 'reply',
        title: `答复共享申请 ${n}`,
        ownerOrgId: gat,
        supervisorOrgId: sjj,
        link: `/share/${n}`,
        source: SOURCE,
        workingDays: 2,
        ...input,
      }),
    );
}

const sweep = () => db().transaction().execute((trx) => sweepOverdue(env.k, trx));
const duty = (id: string) => db().selectFrom('duties').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const notificationsAbout = (title: string) => db().selectFrom('notifications').selectAll().where('title', 'like', `%${title}`).orderBy('org_id').execute();

/** The duty as `GET /api/v1/duties` shows it to a 省公安厅 clerk, signed in at the clock's now. */
async function viewOf(id: string, status?: 'open' | 'overdue' | 'all') {
  const clerk = await loginAs(env.app, 'gat_clerk');
  const res = await clerk.get(`/api/v1/duties${status ? `?status=${status}` : ''}`);
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: Array<Record<string, unknown>> }).items.find((d) => d.id === id);
}

beforeAll(async () => {
  env = await testEnv();
  const orgs = await db().selectFrom('orgs').select(['id', 'name']).execute();
  const byName = (name: string) => {
    const o = orgs.find((x) => x.name === name);
    if (!o) throw new Error(`no org ${name}`);
    return o.id;
  };
  gat = byName('海南省公安厅');
  sjj = byName('海南省数据局');
});

afterAll(async () => {
  await env?.close();
});

describe('openDuty', () => {
  it('ends 2 working days from 2026-09-30 10:00 Beijing at the end of 2026-10-09 (16:00Z)', async () => {
    const d = await open({ startedAt: new Date('2026-09-30T10:00:00+08:00') });
    expect(d.due_date).toBe('2026-10-09');
    expect(d.due_at?.toISOString()).toBe('2026-10-09T16:00:00.000Z');
    expect(d.status).toBe('open');
    expect(d.overdue_at).toBeNull();
    expect(d.calendar_fallback).toBe(false);
    expect(d.working_days).toBe(2);
  });

  it('starts at the kernel clock when no start is given', async () => {
    env.clock.set('2026-09-11T09:00:00+08:00'); // a Friday
    const d = await open({ workingDays: 1 });
    expect(d.started_at.toISOString()).toBe('2026-09-11T01:00:00.000Z');
    expect(d.due_date).toBe('2026-09-14');
  });

  it('counts a late-evening start from its Beijing date', async () => {
    // 23:30 Beijing on Monday 09-14 is 15:30Z the same day.
    const d = await open({ startedAt: new Date('2026-09-14T23:30:00+08:00'), workingDays: 1 });
    expect(d.due_date).toBe('2026-09-15');
    const late = await open({ startedAt: new Date('2026-09-30T23:59:59+08:00') });
    expect(late.due_date).toBe('2026-10-09');
  });

  it('counts an early-morning start from its Beijing date although the UTC date is the day before', async () => {
    // 00:30 Beijing on Monday 09-14 is 16:30Z on Sunday 09-13.
    const d = await open({ startedAt: new Date('2026-09-13T16:30:00Z'), workingDays: 1 });
    expect(d.due_date).toBe('2026-09-15');
    expect(d.due_at?.toISOString()).toBe('2026-09-15T16:00:00.000Z');
    // One minute earlier it is still Sunday 09-13 in Beijing.
    const sunday = await open({ startedAt: new Date('2026-09-13T15:59:00Z'), workingDays: 1 });
    expect(sunday.due_date).toBe('2026-09-14');
  });

  it('records the Monday–Friday fallback when the period runs into 2027', async () => {
    const d = await open({ startedAt: new Date('2026-12-30T10:00:00+08:00'), workingDays: 3 });
    expect(d.due_date).toBe('2027-01-04');
    expect(d.calendar_fallback).toBe(true);
  });

  it('sets no due date for a duty without a working-day limit', async () => {
    const d = await open({ workingDays: null, startedAt: new Date('2026-01-05T10:00:00+08:00') });
    expect(d.due_date).toBeNull();
    expect(d.due_at).toBeNull();
    expect(d.calendar_fallback).toBe(false);
  });

  it('agrees with dueFrom on the calendar in the database', async () => {
    const cal = await loadCalendar(db());
    expect(dueFrom(cal, new Date('2026-09-30T10:00:00+08:00'), 2)).toEqual({ dueDate: '2026-10-09', dueAt: new Date('2026-10-09T16:00:00Z'), fallback: false });
    expect(dueFrom(cal, new Date('2025-12-31T10:00:00+08:00'), 1).dueDate).toBe('2026-01-04');
  });

  it('refuses a second open duty of the same kind on the same case', async () => {
    await open({ caseId: 'dup-case' });
    await expect(open({ caseId: 'dup-case' })).rejects.toThrow(/duties_case_duty_open_idx/);
  });
});

describe('sweepOverdue', () => {
  it('marks a duty overdue at its due_at and not one millisecond before', async () => {
    const d = await open({ startedAt: new Date('2026-09-30T10:00:00+08:00') });
    const dueAt = d.due_at as Date;
    env.clock.set(new Date(dueAt.getTime() - 1));
    await sweep();
    expect((await duty(d.id)).overdue_at).toBeNull();
    expect(await notificationsAbout(d.title)).toEqual([]);

    env.clock.set(dueAt);
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect((await duty(d.id)).overdue_at?.toISOString()).toBe(dueAt.toISOString());
  });

  it('notifies the owner and the supervising org once, even when run twice', async () => {
    const d = await open({ startedAt: new Date('2026-09-14T10:00:00+08:00'), workingDays: 1 });
    env.clock.set('2026-09-16T00:00:00+08:00');
    await sweep();
    await sweep();
    env.clock.set('2026-09-17T10:00:00+08:00');
    expect(await sweep()).toBe(0);
    const notes = await notificationsAbout(d.title);
    expect(notes).toHaveLength(2);
    const owner = notes.find((x) => x.org_id === gat);
    const supervisor = notes.find((x) => x.org_id === sjj);
    expect(owner).toMatchObject({ kind: 'duty.overdue', title: `已逾期：${d.title}`, link: d.link });
    expect(owner?.body).toContain('2026-09-15');
    expect(owner?.body).toContain(SOURCE);
    expect(supervisor).toMatchObject({ kind: 'duty.overdue_supervised', title: `下级事项逾期：${d.title}` });
  });

  it('notifies only the owner when there is no supervisor, or the owner supervises itself', async () => {
    const a = await open({ startedAt: new Date('2026-09-14T10:00:00+08:00'), workingDays: 1, supervisorOrgId: null });
    const b = await open({ startedAt: new Date('2026-09-14T10:00:00+08:00'), workingDays: 1, supervisorOrgId: gat });
    env.clock.set('2026-09-16T00:00:00+08:00');
    await sweep();
    expect((await notificationsAbout(a.title)).map((x) => x.org_id)).toEqual([gat]);
    expect((await notificationsAbout(b.title)).map((x) => x.org_id)).toEqual([gat]);
  });

  it('never marks a duty without a deadline, however old', async () => {
    const d = await open({ workingDays: null, startedAt: new Date('2024-01-02T10:00:00+08:00') });
    env.clock.set('2030-01-01T00:00:00+08:00');
    await sweep();
    expect((await duty(d.id)).overdue_at).toBeNull();
    expect(await notificationsAbout(d.title)).toEqual([]);
  });

  it('leaves met and cancelled duties alone', async () => {
    const met = await open({ startedAt: new Date('2026-09-14T10:00:00+08:00'), workingDays: 1 });
    const cancelled = await open({ startedAt: new Date('2026-09-14T10:00:00+08:00'), workingDays: 1 });
    env.clock.set('2026-09-15T12:00:00+08:00');
    expect(await db().transaction().execute((trx) => meetDuty(env.k, trx, met.case_type, met.case_id, met.duty))).toBe(true);
    expect(await db().transaction().execute((trx) => meetDuty(env.k, trx, met.case_type, met.case_id, met.duty))).toBe(false);
    await db().transaction().execute((trx) => cancelDuty(trx, cancelled.case_type, cancelled.case_id, cancelled.duty));
    env.clock.set('2026-09-20T12:00:00+08:00');
    await sweep();
    expect(await duty(met.id)).toMatchObject({ status: 'met', overdue_at: null });
    expect((await duty(met.id)).met_at?.toISOString()).toBe('2026-09-15T04:00:00.000Z');
    expect(await duty(cancelled.id)).toMatchObject({ status: 'cancelled', overdue_at: null });
  });
});

describe('GET /api/v1/duties', () => {
  it('counts remaining working days down to 0 on the due day, then shows the duty overdue', async () => {
    const d = await open({ startedAt: new Date('2026-09-30T10:00:00+08:00') }); // due 2026-10-09

    env.clock.set('2026-09-30T12:00:00+08:00');
    expect(await viewOf(d.id)).toMatchObject({ overdue: false, remainingWorkingDays: 2, overdueWorkingDays: null, dueDate: '2026-10-09', dueAt: '2026-10-09T16:00:00.000Z' });

    env.clock.set('2026-10-05T12:00:00+08:00'); // inside the 国庆 block
    expect(await viewOf(d.id)).toMatchObject({ overdue: false, remainingWorkingDays: 2 });

    env.clock.set('2026-10-08T12:00:00+08:00');
    expect(await viewOf(d.id)).toMatchObject({ overdue: false, remainingWorkingDays: 1 });

    env.clock.set('2026-10-09T23:59:59.999+08:00');
    expect(await viewOf(d.id)).toMatchObject({ overdue: false, remainingWorkingDays: 0, overdueWorkingDays: null });

    // 2026-10-10 is an adjusted working Saturday: one working day overdue at once.
    env.clock.set('2026-10-10T00:00:00+08:00');
    expect(await viewOf(d.id)).toMatchObject({ overdue: true, remainingWorkingDays: null, overdueWorkingDays: 1 });

    env.clock.set('2026-10-13T09:00:00+08:00');
    expect(await viewOf(d.id)).toMatchObject({ overdue: true, overdueWorkingDays: 3 });
  });

  it('counts 0 overdue working days on a weekend right after the due date', async () => {
    const d = await open({ startedAt: new Date('2026-09-16T10:00:00+08:00') }); // Wed → due Fri 09-18
    expect(d.due_date).toBe('2026-09-18');
    env.clock.set('2026-09-19T10:00:00+08:00'); // Saturday
    expect(await viewOf(d.id)).toMatchObject({ overdue: true, overdueWorkingDays: 0 });
  });

  it('lists open duties soonest first, those without a deadline last, and filters overdue ones', async () => {
    env.clock.set('2026-11-02T10:00:00+08:00');
    const soon = await open({ workingDays: 1 });
    const later = await open({ workingDays: 5 });
    const none = await open({ workingDays: null });
    const clerk = await loginAs(env.app, 'gat_clerk');
    const items = (await clerk.get('/api/v1/duties')).json().items as Array<{ id: string; overdue: boolean; sourceText: string; remainingWorkingDays: number | null }>;
    const ids = items.map((i) => i.id);
    expect(ids.indexOf(soon.id)).toBeLessThan(ids.indexOf(later.id));
    expect(ids.indexOf(none.id)).toBe(ids.length - 1);
    expect(items.find((i) => i.id === none.id)).toMatchObject({ overdue: false, remainingWorkingDays: null });
    expect(items.find((i) => i.id === soon.id)?.sourceText).toContain('第十四条');

    const overdue = (await clerk.get('/api/v1/duties?status=overdue')).json().items as Array<{ id: string; overdue: boolean }>;
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((i) => i.overdue)).toBe(true);
    expect(overdue.map((i) => i.id)).not.toContain(soon.id);
  });

  it('shows an org only its own duties', async () => {
    env.clock.set('2026-11-02T10:00:00+08:00');
    const d = await open();
    const other = await loginAs(env.app, 'scj_clerk');
    const items = (await other.get('/api/v1/duties?status=all')).json().items as Array<{ id: string }>;
    expect(items.map((i) => i.id)).not.toContain(d.id);
  });

  it('refuses an unauthenticated caller with 401 and a bad status with 400', async () => {
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/duties' })).statusCode).toBe(401);
    env.clock.set('2026-11-02T10:00:00+08:00');
    const clerk = await loginAs(env.app, 'gat_clerk');
    expect((await clerk.get('/api/v1/duties?status=late')).statusCode).toBe(400);
  });

  it('shows the overdue notification to the owner org on GET /api/v1/notifications', async () => {
    const d = await open({ startedAt: new Date('2026-11-02T10:00:00+08:00'), workingDays: 1 });
    env.clock.set('2026-11-04T10:00:00+08:00');
    await sweep();
    const clerk = await loginAs(env.app, 'gat_clerk');
    const body = (await clerk.get('/api/v1/notifications')).json() as { items: Array<{ title: string }>; unread: number };
    expect(body.items.map((i) => i.title)).toContain(`已逾期：${d.title}`);
    expect(body.unread).toBeGreaterThan(0);
    const supervisor = await loginAs(env.app, 'sjj_reviewer');
    const sup = (await supervisor.get('/api/v1/notifications')).json() as { items: Array<{ title: string }> };
    expect(sup.items.map((i) => i.title)).toContain(`下级事项逾期：${d.title}`);
  });
});

/** The AppError `fn` throws, or a failure if it throws none. */
function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('checkExtension (Decisions 3)', () => {
  const dueAt = new Date('2026-10-09T16:00:00Z');
  const limits = { maxDays: 5, maxExtensions: 1, source: '000 第十四条' };
  const openDutyRow = { status: 'open', due_at: dueAt, extension_count: 0 };

  it('allows an extension asked one millisecond before the window ends', () => {
    expect(() => checkExtension(openDutyRow, new Date(dueAt.getTime() - 1), 5, limits)).not.toThrow();
  });

  it('refuses an extension asked at the moment the window ends, citing the article', () => {
    const err = refusal(() => checkExtension(openDutyRow, dueAt, 5, limits));
    expect(err).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第十四条' });
    expect(err.message).toContain('届满前');
    expect(refusal(() => checkExtension(openDutyRow, new Date(dueAt.getTime() + 86_400_000), 1, limits)).code).toBe('RULE_VIOLATION');
  });

  it('allows exactly the maximum days and refuses one more', () => {
    const before = new Date('2026-10-01T00:00:00Z');
    expect(() => checkExtension(openDutyRow, before, 5, limits)).not.toThrow();
    const err = refusal(() => checkExtension(openDutyRow, before, 6, limits));
    expect(err).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第十四条' });
    expect(err.message).toContain('5');
  });

  it('refuses zero, negative and fractional days, and allows one', () => {
    const before = new Date('2026-10-01T00:00:00Z');
    expect(() => checkExtension(openDutyRow, before, 1, limits)).not.toThrow();
    for (const days of [0, -1, 1.5]) expect(refusal(() => checkExtension(openDutyRow, before, days, limits)).code, String(days)).toBe('RULE_VIOLATION');
  });

  it('allows the last permitted extension and refuses the one after it', () => {
    const before = new Date('2026-10-01T00:00:00Z');
    const twice = { ...limits, maxExtensions: 2 };
    expect(() => checkExtension({ ...openDutyRow, extension_count: 1 }, before, 1, twice)).not.toThrow();
    expect(refusal(() => checkExtension({ ...openDutyRow, extension_count: 2 }, before, 1, twice))).toMatchObject({ code: 'RULE_VIOLATION', source: '000 第十四条' });
    expect(refusal(() => checkExtension({ ...openDutyRow, extension_count: 1 }, before, 1, limits)).message).toContain('1 次');
  });

  it('refuses a duty that is no longer open or has no deadline with INVALID_STATE', () => {
    const before = new Date('2026-10-01T00:00:00Z');
    expect(refusal(() => checkExtension({ ...openDutyRow, status: 'met' }, before, 1, limits)).code).toBe('INVALID_STATE');
    expect(refusal(() => checkExtension({ ...openDutyRow, due_at: null }, before, 1, limits)).code).toBe('INVALID_STATE');
  });
});

describe('extendDuty', () => {
  const limits = { maxDays: 5, maxExtensions: 1, source: '000 第十四条' };
  const extend = (id: string, days: number) => db().transaction().execute((trx) => extendDuty(env.k, trx, id, days, limits));

  it('counts the extension from the end of the current window, not from today', async () => {
    const d = await open({ startedAt: new Date('2026-09-30T10:00:00+08:00') }); // due 10-09
    env.clock.set('2026-09-30T12:00:00+08:00');
    const e = await extend(d.id, 3);
    // 10-10 (adjusted Saturday), 10-12, 10-13.
    expect(e.due_date).toBe('2026-10-13');
    expect(e.due_at?.toISOString()).toBe('2026-10-13T16:00:00.000Z');
    expect(e).toMatchObject({ extension_count: 1, extended_days: 3 });
  });

  it('refuses a second extension when one is allowed, leaving the duty as it was', async () => {
    const d = await open({ startedAt: new Date('2026-11-02T10:00:00+08:00') });
    env.clock.set('2026-11-02T12:00:00+08:00');
    const once = await extend(d.id, 1);
    await expect(extend(d.id, 1)).rejects.toMatchObject({ code: 'RULE_VIOLATION', source: '000 第十四条' });
    expect(await duty(d.id)).toMatchObject({ due_date: once.due_date, extension_count: 1, extended_days: 1 });
  });

  it('refuses an extension asked at the end of the window', async () => {
    const d = await open({ startedAt: new Date('2026-11-02T10:00:00+08:00') });
    env.clock.set(d.due_at as Date);
    await expect(extend(d.id, 1)).rejects.toMatchObject({ code: 'RULE_VIOLATION' });
    env.clock.set(new Date((d.due_at as Date).getTime() - 1));
    await expect(extend(d.id, 1)).resolves.toMatchObject({ extension_count: 1 });
  });

  it('marks the duty as using the fallback calendar when the extension runs into 2027', async () => {
    const d = await open({ startedAt: new Date('2026-12-28T10:00:00+08:00') });
    expect(d).toMatchObject({ due_date: '2026-12-30', calendar_fallback: false });
    env.clock.set('2026-12-28T12:00:00+08:00');
    expect(await extend(d.id, 2)).toMatchObject({ due_date: '2027-01-01', calendar_fallback: true });
  });

  it('refuses an unknown duty with NOT_FOUND', async () => {
    await expect(extend('00000000-0000-4000-8000-000000000000', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a period counted in calendar days (000 第十条 "一日内")', () => {
  it('is due at 24:00 of the next day even on a weekend, and counts down and overdue in calendar days', async () => {
    env.clock.set('2026-09-11T09:00:00+08:00'); // a Friday
    const d = await open({ workingDays: null, calendarDays: 1, source: '000 第十条' });
    expect(d).toMatchObject({ due_date: '2026-09-12', working_days: null });
    expect(await viewOf(d.id)).toMatchObject({ dayKind: 'calendar', remainingCalendarDays: 1, remainingWorkingDays: null, overdue: false });
    env.clock.set('2026-09-12T23:59:59+08:00'); // Saturday, the last day
    expect(await viewOf(d.id)).toMatchObject({ remainingCalendarDays: 0, overdue: false });
    env.clock.set('2026-09-14T09:00:00+08:00'); // the Monday after
    expect(await viewOf(d.id)).toMatchObject({ overdue: true, overdueCalendarDays: 2, overdueWorkingDays: null });
    // A working-day duty says so.
    const w = await open();
    expect(await viewOf(w.id)).toMatchObject({ dayKind: 'working', remainingCalendarDays: null });
  });
});
