/** Pure rules of conditional open applications (000 第二十条) and demand answers (000 第十八条), at their edges. */
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../kernel/auth.js';
import { AppError } from '../../kernel/errors.js';
import { applicationProblems, applicationRefusal, approverRolesOf, canDecide, extensionOutcome, nextVoteRole, onTimeRate, openApplicationWorkflow } from './applications.rules.js';
import { answerProblems, canAnswer, publicProposer, supportable } from './demands.rules.js';
import type { ExtensionVote } from './applications.tables.js';

const auth = (orgRoles: string[], userRoles: string[], orgId = 'o1'): AuthContext => ({
  user: { id: 'u', login: 'u', name: '用户', orgId, roles: userRoles },
  org: { id: orgId, name: '机构', uscc: null, kind: 'organization', regionCode: '460000', roles: orgRoles },
  roles: [...orgRoles, ...userRoles],
  via: 'session',
  apiKeyId: null,
});
const label = (r: string) => ({ personal_info: '涉及个人信息' })[r] ?? r;
const vote = (decision: 'consent' | 'refuse'): ExtensionVote => ({ decision, comment: '意见', userId: 'u', userName: 'n', orgId: 'o', orgName: 'o', at: '2026-10-08T00:00:00Z' });

describe('which entries take applications (000 第十九、二十条)', () => {
  it('takes a conditional entry', () => {
    expect(applicationRefusal({ code: 'C1', open_attr: 'conditional', not_open_reason: null }, label)).toBeNull();
  });
  it('points an unconditional entry to its download', () => {
    const r = applicationRefusal({ code: 'C1', open_attr: 'unconditional', not_open_reason: null }, label);
    expect(r?.source).toBe('000 第二十条');
    expect(r?.message).toContain('/open/datasets/C1');
  });
  it('refuses an entry not open, naming its reason', () => {
    const r = applicationRefusal({ code: 'C1', open_attr: 'none', not_open_reason: 'personal_info' }, label);
    expect(r).toMatchObject({ source: '000 第十九条' });
    expect(r?.message).toContain('涉及个人信息');
  });
});

describe('what an application carries (000 第二十条)', () => {
  const entry = { fields: [{ name: 'a' }, { name: 'b' }] };
  const good = { fields: ['a'], purpose: '研究', scenario: '场景', validUntil: '2026-10-01', securityMeasures: '加密存储', method: 'api' };
  it('accepts a complete application with a time limit of tomorrow', () => {
    expect(applicationProblems(good, entry, '2026-09-30')).toEqual([]);
  });
  it('refuses a time limit of today', () => {
    expect(applicationProblems(good, entry, '2026-10-01').map((p) => p.field)).toEqual(['validUntil']);
  });
  it('names each missing statement, unknown or repeated field and bad method', () => {
    const p = applicationProblems({ fields: ['a', 'a', 'z'], purpose: ' ', scenario: '', validUntil: 'x', securityMeasures: '', method: 'batch' }, entry, '2026-09-30');
    expect(p.map((x) => x.field)).toEqual(['purpose', 'scenario', 'securityMeasures', 'fields/1', 'fields/2', 'method', 'validUntil']);
  });
  it('needs at least one field', () => {
    expect(applicationProblems({ ...good, fields: [] }, entry, '2026-09-30').map((p) => p.field)).toEqual(['fields']);
  });
});

describe('the answer (000 第二十条)', () => {
  const provider = auth(['institution'], ['data_officer'], 'p');
  it('lets the provider’s reviewer, data officer or org admin answer, not its clerk nor another org', () => {
    expect(canDecide(provider, { provider_org_id: 'p' })).toBe(true);
    expect(canDecide(auth(['institution'], ['reviewer'], 'p'), { provider_org_id: 'p' })).toBe(true);
    expect(canDecide(auth(['institution'], ['clerk'], 'p'), { provider_org_id: 'p' })).toBe(false);
    expect(canDecide(provider, { provider_org_id: 'q' })).toBe(false);
  });
  it('approves a pending application', () => {
    expect(openApplicationWorkflow.apply('pending', 'approve', { mayAct: true })).toBe('approved');
  });
  it('refuses only with both reason and legal basis', () => {
    const refuse = (reason: string | null, basis: string | null) => () => openApplicationWorkflow.apply('pending', 'refuse', { mayAct: true, reason, basis });
    expect(refuse('理由', null)).toThrow(/法律依据/);
    expect(refuse(null, '依据')).toThrow(/理由/);
    expect(refuse(' ', ' ')).toThrow(AppError);
    expect(refuse('理由', '依据')()).toBe('refused');
  });
  it('does not answer twice', () => {
    expect(() => openApplicationWorkflow.apply('approved', 'refuse', { mayAct: true, reason: 'r', basis: 'b' })).toThrow(/当前状态/);
  });
});

describe('the extension vote (000 第二十条: both must consent)', () => {
  const both = ['sharing_authority', 'platform_admin'];
  it('waits until every approver consents', () => {
    expect(extensionOutcome({}, both)).toBe('requested');
    expect(extensionOutcome({ sharing_authority: vote('consent') }, both)).toBe('requested');
    expect(extensionOutcome({ sharing_authority: vote('consent'), platform_admin: vote('consent') }, both)).toBe('consented');
  });
  it('is refused when either refuses, whatever the other said', () => {
    expect(extensionOutcome({ platform_admin: vote('refuse') }, both)).toBe('refused');
    expect(extensionOutcome({ sharing_authority: vote('consent'), platform_admin: vote('refuse') }, both)).toBe('refused');
  });
  it('knows who votes for which approver, once', () => {
    expect(approverRolesOf(auth(['sharing_authority'], ['reviewer']), ['sharing_authority', 'platform_admin'])).toEqual(['sharing_authority']);
    expect(approverRolesOf(auth(['sharing_authority'], ['clerk']), ['sharing_authority', 'platform_admin'])).toEqual([]);
    expect(approverRolesOf(auth(['platform_admin'], ['clerk']), ['sharing_authority', 'platform_admin'])).toEqual(['platform_admin']);
    expect(approverRolesOf(auth(['data_authority'], ['reviewer']), ['sharing_authority', 'platform_admin'])).toEqual([]);
    expect(nextVoteRole(['sharing_authority'], {})).toBe('sharing_authority');
    expect(nextVoteRole(['sharing_authority'], { sharing_authority: vote('consent') })).toBeNull();
  });
});

describe('on-time rate', () => {
  const due = new Date('2026-10-09T16:00:00Z');
  it('counts an answer just before the window ends as on time and one at its end as late', () => {
    expect(onTimeRate([{ decidedAt: new Date(due.getTime() - 1), dueAt: due }, { decidedAt: due, dueAt: due }])).toBe(0.5);
  });
  it('is null without timed answers', () => {
    expect(onTimeRate([])).toBeNull();
    expect(onTimeRate([{ decidedAt: due, dueAt: null }])).toBeNull();
  });
});

describe('demand answers (000 第十八条)', () => {
  it('needs a reply, the entry when opened and the basis when refused', () => {
    expect(answerProblems({ status: 'planned', reply: '列入 2027 年计划' })).toEqual([]);
    expect(answerProblems({ status: 'opened', reply: '已开放' }).map((p) => p.field)).toEqual(['entryId']);
    expect(answerProblems({ status: 'opened', reply: '已开放', entryId: 'e' })).toEqual([]);
    expect(answerProblems({ status: 'refused', reply: '涉及个人信息' }).map((p) => p.field)).toEqual(['basis']);
    expect(answerProblems({ status: 'refused', reply: '涉及个人信息', basis: '000 第十九条' })).toEqual([]);
    expect(answerProblems({ status: 'planned', reply: ' ' }).map((p) => p.field)).toEqual(['reply']);
  });
  it('lets the sharing or data authority’s reviewer answer', () => {
    expect(canAnswer(auth(['sharing_authority'], ['reviewer']))).toBe(true);
    expect(canAnswer(auth(['data_authority'], ['org_admin']))).toBe(true);
    expect(canAnswer(auth(['institution'], ['org_admin']))).toBe(false);
    expect(canAnswer(auth(['sharing_authority'], ['clerk']))).toBe(false);
  });
  it('closes support once opened or refused', () => {
    expect(supportable('open')).toBe(true);
    expect(supportable('planned')).toBe(true);
    expect(supportable('opened')).toBe(false);
    expect(supportable('refused')).toBe(false);
  });
  it('shows a person by surname only', () => {
    expect(publicProposer({ name: '张三', kind: 'person' })).toBe('张*');
    expect(publicProposer({ name: '海南椰林食品有限公司', kind: 'organization' })).toBe('海南椰林食品有限公司');
  });
});
