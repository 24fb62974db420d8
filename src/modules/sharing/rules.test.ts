import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../kernel/auth.js';
import { AppError } from '../../kernel/errors.js';
import {
  canConsentExtension,
  canDecide,
  canRequest,
  canSign,
  canViewRequest,
  clearFieldsProblems,
  effectiveGrantStatus,
  grantRefusal,
  grantWorkflow,
  instantConditionsMet,
  onSignature,
  requestProblems,
  shareRequestWorkflow,
} from './rules.js';

function auth(orgRoles: string[], userRoles: string[], orgId = 'req'): AuthContext {
  return {
    user: { id: 'u', login: 'u', name: 'u', orgId, roles: userRoles },
    org: { id: orgId, name: 'org', uscc: null, kind: 'organization', regionCode: '460000', roles: orgRoles },
    roles: [...orgRoles, ...userRoles],
    via: 'session',
    apiKeyId: null,
  };
}
const req = { provider_org_id: 'prov', requester_org_id: 'req' };

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('who may do what (000 第十四条)', () => {
  it('institution clerks, data officers and org admins request; others do not', () => {
    for (const r of ['clerk', 'data_officer', 'org_admin']) expect(canRequest(auth(['institution'], [r]))).toBe(true);
    expect(canRequest(auth(['institution'], ['reviewer']))).toBe(false);
    expect(canRequest(auth(['operator'], ['org_admin']))).toBe(false);
    expect(canRequest(auth(['public'], ['org_admin']))).toBe(false);
  });

  it("only the requester's data officer signs", () => {
    expect(canSign(auth(['institution'], ['data_officer']), req)).toBe(true);
    expect(canSign(auth(['institution'], ['clerk']), req)).toBe(false);
    expect(canSign(auth(['institution'], ['org_admin']), req)).toBe(false);
    expect(canSign(auth(['institution'], ['data_officer'], 'prov'), req)).toBe(false);
  });

  it('operators and developers request in-platform analysis only (003 第三条; 004 第二十五条); buyers and the public never', () => {
    for (const org of ['operator', 'developer', 'institution']) {
      for (const r of ['clerk', 'org_admin']) expect(canRequest(auth([org], [r]), 'sandbox'), `${org} ${r}`).toBe(true);
    }
    for (const m of ['api', 'batch', 'file']) expect(canRequest(auth(['operator'], ['clerk']), m)).toBe(false);
    expect(canRequest(auth(['operator'], ['reviewer']), 'sandbox')).toBe(false);
    expect(canRequest(auth(['buyer'], ['org_admin']), 'sandbox')).toBe(false);
    expect(canRequest(auth(['public'], ['org_admin']), 'sandbox')).toBe(false);
  });

  it("an operator's or developer's org admin signs for it, not its clerk; an institution's admin still does not", () => {
    expect(canSign(auth(['operator'], ['org_admin']), req)).toBe(true);
    expect(canSign(auth(['developer'], ['org_admin']), req)).toBe(true);
    expect(canSign(auth(['operator'], ['clerk']), req)).toBe(false);
    expect(canSign(auth(['operator'], ['org_admin'], 'prov'), req)).toBe(false);
    expect(canSign(auth(['institution', 'operator'], ['org_admin']), req)).toBe(false);
  });

  it("the provider's data officer or org admin answers, not its clerk nor the requester", () => {
    expect(canDecide(auth(['institution'], ['data_officer'], 'prov'), req)).toBe(true);
    expect(canDecide(auth(['institution'], ['org_admin'], 'prov'), req)).toBe(true);
    expect(canDecide(auth(['institution'], ['clerk'], 'prov'), req)).toBe(false);
    expect(canDecide(auth(['institution'], ['data_officer']), req)).toBe(false);
  });

  it('the approver the profile names consents to extensions through a reviewer or org admin', () => {
    expect(canConsentExtension(auth(['sharing_authority'], ['reviewer'], 'a'), ['sharing_authority'])).toBe(true);
    expect(canConsentExtension(auth(['sharing_authority'], ['org_admin'], 'a'), ['sharing_authority'])).toBe(true);
    expect(canConsentExtension(auth(['sharing_authority'], ['clerk'], 'a'), ['sharing_authority'])).toBe(false);
    expect(canConsentExtension(auth(['data_authority'], ['reviewer'], 'a'), ['sharing_authority'])).toBe(false);
    expect(canConsentExtension(auth(['sharing_authority'], ['reviewer'], 'a'), null)).toBe(false);
  });

  it('both sides, the authority and the platform admin read a signed request; others do not', () => {
    const r = { ...req, status: 'pending' as const };
    expect(canViewRequest(auth(['institution'], ['clerk']), r)).toBe(true);
    expect(canViewRequest(auth(['institution'], ['clerk'], 'prov'), r)).toBe(true);
    expect(canViewRequest(auth(['sharing_authority'], ['reviewer'], 'a'), r)).toBe(true);
    expect(canViewRequest(auth(['platform_admin'], ['org_admin'], 'p'), r)).toBe(true);
    expect(canViewRequest(auth(['platform_admin'], ['clerk'], 'p'), r)).toBe(false);
    expect(canViewRequest(auth(['institution'], ['org_admin'], 'other'), r)).toBe(false);
  });

  it('keeps an unsigned request from the provider and the authority', () => {
    const r = { ...req, status: 'awaiting_signature' as const };
    expect(canViewRequest(auth(['institution'], ['clerk']), r)).toBe(true);
    expect(canViewRequest(auth(['institution'], ['data_officer'], 'prov'), r)).toBe(false);
    expect(canViewRequest(auth(['sharing_authority'], ['reviewer'], 'a'), r)).toBe(false);
    expect(canViewRequest(auth(['platform_admin'], ['org_admin'], 'p'), r)).toBe(true);
  });
});

describe('what a request carries (000 第十四条)', () => {
  const entry = { fields: [{ name: 'uscc' }, { name: 'name' }, { name: 'phone' }], provision_methods: ['api', 'batch'] };
  const ok = { fields: ['uscc', 'name'], basis: '《行政许可法》', scenario: '审批核验', scope: '本厅审批处', method: 'api', validUntil: '2027-12-31' };

  it('accepts a complete request', () => {
    expect(requestProblems(ok, entry, '2026-09-30')).toEqual([]);
  });

  it('names each problem', () => {
    const p = requestProblems({ fields: ['uscc', 'uscc', 'secret'], basis: ' ', scenario: '', scope: '', method: 'file', validUntil: '2026-09-30' }, entry, '2026-09-30');
    expect(p.map((x) => x.field)).toEqual(['basis', 'scenario', 'scope', 'fields/1', 'fields/2', 'method', 'validUntil']);
    expect(requestProblems({ ...ok, fields: [] }, entry, '2026-09-30').map((x) => x.field)).toEqual(['fields']);
    expect(requestProblems({ ...ok, method: 'sandbox' }, entry, '2026-09-30').map((x) => x.field)).toEqual(['method']);
    expect(requestProblems({ ...ok, validUntil: '2026-02-30x' }, entry, '2026-09-30').map((x) => x.field)).toEqual(['validUntil']);
  });

  it('takes a time limit from tomorrow on', () => {
    expect(requestProblems({ ...ok, validUntil: '2026-10-01' }, entry, '2026-09-30')).toEqual([]);
    expect(requestProblems({ ...ok, validUntil: '2026-09-30' }, entry, '2026-09-30')).toHaveLength(1);
  });
});

describe('instant-share conditions', () => {
  const requester = { orgId: 'gat', orgRoles: ['institution'] };
  it('grant nothing when unset or empty', () => {
    expect(instantConditionsMet(null, requester, ['a'])).toBe(false);
    expect(instantConditionsMet({ requester_org_ids: [], requester_org_roles: [], fields: null }, requester, ['a'])).toBe(false);
  });
  it('need every condition that is set', () => {
    const c = { requester_org_ids: ['gat'], requester_org_roles: [], fields: ['a', 'b'] };
    expect(instantConditionsMet(c, requester, ['a'])).toBe(true);
    expect(instantConditionsMet(c, requester, ['a', 'b'])).toBe(true);
    expect(instantConditionsMet(c, requester, ['a', 'c'])).toBe(false);
    expect(instantConditionsMet(c, { orgId: 'scj', orgRoles: ['institution'] }, ['a'])).toBe(false);
    expect(instantConditionsMet({ requester_org_ids: [], requester_org_roles: ['institution'], fields: null }, requester, ['z'])).toBe(true);
    expect(instantConditionsMet({ requester_org_ids: [], requester_org_roles: ['operator'], fields: null }, requester, ['z'])).toBe(false);
  });
});

describe('the request state machine', () => {
  it('on signature follows the share attribute (000 第十二、十四条)', () => {
    expect(onSignature('unconditional', { instantMet: false, unconditionalImmediate: true })).toEqual({ event: 'sign_grant', outcome: 'automatic' });
    expect(onSignature('unconditional', { instantMet: false, unconditionalImmediate: false })).toEqual({ event: 'sign_pend', outcome: null });
    expect(onSignature('none', { instantMet: true, unconditionalImmediate: true })).toEqual({ event: 'sign_refuse', outcome: 'not_shared' });
    expect(onSignature('conditional', { instantMet: true, unconditionalImmediate: true })).toEqual({ event: 'sign_grant', outcome: 'instant_conditions' });
    expect(onSignature('conditional', { instantMet: false, unconditionalImmediate: true })).toEqual({ event: 'sign_pend', outcome: null });
  });

  it('moves awaiting_signature → approved | refused | pending, and pending → approved | refused', () => {
    expect(shareRequestWorkflow.apply('awaiting_signature', 'sign_grant', { mayAct: true })).toBe('approved');
    expect(shareRequestWorkflow.apply('awaiting_signature', 'sign_refuse', { mayAct: true })).toBe('refused');
    expect(shareRequestWorkflow.apply('awaiting_signature', 'sign_pend', { mayAct: true })).toBe('pending');
    expect(shareRequestWorkflow.apply('pending', 'approve', { mayAct: true })).toBe('approved');
    expect(shareRequestWorkflow.apply('pending', 'refuse', { mayAct: true, reason: '超出职责', basis: '《某法》第三条' })).toBe('refused');
  });

  it('refuses the wrong actor, the wrong state, and a refusal without reason or basis', () => {
    expect(refusal(() => shareRequestWorkflow.apply('awaiting_signature', 'sign_pend', { mayAct: false })).code).toBe('FORBIDDEN');
    expect(refusal(() => shareRequestWorkflow.apply('pending', 'sign_pend', { mayAct: true })).code).toBe('INVALID_STATE');
    expect(refusal(() => shareRequestWorkflow.apply('approved', 'refuse', { mayAct: true, reason: 'r', basis: 'b' })).code).toBe('INVALID_STATE');
    const noBasis = refusal(() => shareRequestWorkflow.apply('pending', 'refuse', { mayAct: true, reason: '不需要', basis: ' ' }));
    expect(noBasis.code).toBe('RULE_VIOLATION');
    expect(noBasis.source).toBe('000 第十四条');
    expect(noBasis.message).toContain('依据');
    expect(refusal(() => shareRequestWorkflow.apply('pending', 'refuse', { mayAct: true, basis: 'b' })).message).toContain('理由');
  });
});

describe('grants', () => {
  const until = new Date('2026-12-31T15:59:59.999Z');
  it('read as expired from valid_until on, unless revoked', () => {
    expect(effectiveGrantStatus({ status: 'active', valid_until: until }, new Date('2026-12-31T15:59:59.998Z'))).toBe('active');
    expect(effectiveGrantStatus({ status: 'active', valid_until: until }, until)).toBe('expired');
    expect(effectiveGrantStatus({ status: 'suspended', valid_until: until }, new Date('2027-01-01'))).toBe('expired');
    expect(effectiveGrantStatus({ status: 'revoked', valid_until: until }, new Date('2027-01-01'))).toBe('revoked');
  });

  it('suspend, resume and revoke with a reason; revoked is final', () => {
    expect(grantWorkflow.apply('active', 'suspend', { mayAct: true, reason: 'r' })).toBe('suspended');
    expect(grantWorkflow.apply('suspended', 'resume', { mayAct: true, reason: 'r' })).toBe('active');
    expect(grantWorkflow.apply('suspended', 'revoke', { mayAct: true, reason: 'r' })).toBe('revoked');
    expect(refusal(() => grantWorkflow.apply('revoked', 'resume', { mayAct: true, reason: 'r' })).code).toBe('INVALID_STATE');
    expect(refusal(() => grantWorkflow.apply('active', 'resume', { mayAct: true, reason: 'r' })).code).toBe('INVALID_STATE');
    expect(refusal(() => grantWorkflow.apply('active', 'suspend', { mayAct: true, reason: ' ' })).code).toBe('RULE_VIOLATION');
    expect(refusal(() => grantWorkflow.apply('active', 'suspend', { mayAct: false, reason: 'r' })).code).toBe('FORBIDDEN');
  });

  it('name why a read is refused', () => {
    expect(grantRefusal('suspended')).toContain('暂停');
    expect(grantRefusal('revoked')).toContain('撤销');
    expect(grantRefusal('expired')).toContain('时限');
    expect(grantRefusal('none')).toContain('没有');
  });
});

describe('fields released in clear', () => {
  const granted = ['id_number', 'name', 'gender'];
  const pii = ['id_number', 'name'];
  const fields = (f: string[], reason: string | null = '核验需要', at?: string) => clearFieldsProblems(f, granted, pii, reason, at).map((p) => p.field);

  it('accepts none at all, without a reason', () => {
    expect(fields([], null)).toEqual([]);
  });

  it('accepts granted personal fields with a reason, and names each problem by position', () => {
    expect(fields(['name', 'id_number'])).toEqual([]);
    expect(fields(['address'])).toEqual(['clearFields/0']);
    expect(fields(['name', 'gender'])).toEqual(['clearFields/1']);
    expect(fields(['name', 'name'])).toEqual(['clearFields/1']);
  });

  it('needs a reason for any field in clear, under the field the caller names', () => {
    expect(fields(['name'], '  ')).toEqual(['clearReason']);
    expect(fields(['name'], null)).toEqual(['clearReason']);
    expect(fields(['name'], '', 'fields')).toEqual(['reason']);
    expect(fields(['gender'], '', 'fields')).toEqual(['fields/0', 'reason']);
  });
});
