/** The dispute rules of 000 第十六条: route, who acts, and every transition of the state machine. */
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../kernel/auth.js';
import { AppError } from '../../kernel/errors.js';
import {
  canOpenDispute,
  canViewDispute,
  disputeActions,
  disputeEvent,
  disputeRoute,
  disputeWorkflow,
  governmentOf,
  isClosed,
  isDisputeAuthority,
  isDisputeParty,
  nextActor,
  type DisputeCtx,
} from './disputes.rules.js';

const ART16 = '000 第十六条';
const auth = (orgId: string, userRoles: string[], orgRoles: string[] = ['institution']): AuthContext => ({
  user: { id: `u-${orgId}`, login: 'x', name: 'x', orgId, roles: userRoles },
  org: { id: orgId, name: orgId, uscc: null, kind: 'organization', regionCode: '460000', roles: orgRoles },
  roles: [...orgRoles, ...userRoles],
  via: 'session',
  apiKeyId: null,
});
const d = { claimant_org_id: 'A', respondent_org_id: 'B', authority_org_id: 'Y' };
const party: DisputeCtx = { isParty: true, isAuthority: false, outcome: '达成一致', text: '双方同意按原申请范围共享' };
const authority: DisputeCtx = { isParty: false, isAuthority: true, outcome: '协调意见', text: '经协调……' };

function throws(fn: () => unknown, code: string, source?: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe(code);
    if (source !== undefined) expect((e as AppError).source).toBe(source);
    return;
  }
  throw new Error('expected a refusal');
}

describe('route (000 第十六条)', () => {
  it('keeps a dispute of one region at that level, starting with negotiation', () => {
    expect(disputeRoute({ code: '460000', level: 1 }, { code: '460000', level: 1 }, '460000')).toEqual({ route: 'same_level', levelRegionCode: '460000', initial: 'negotiation' });
    expect(disputeRoute({ code: '460100', level: 2 }, { code: '460100', level: 2 }, '460000')).toEqual({ route: 'same_level', levelRegionCode: '460100', initial: 'negotiation' });
  });
  it('sends a cross-level dispute straight to the provincial authority’s coordination', () => {
    expect(disputeRoute({ code: '460100', level: 2 }, { code: '460000', level: 1 }, '460000')).toEqual({ route: 'cross_level', levelRegionCode: '460000', initial: 'coordination' });
  });
  it('sends a cross-region dispute at one level straight to the provincial authority’s coordination', () => {
    expect(disputeRoute({ code: '460100', level: 2 }, { code: '460200', level: 2 }, '460000')).toEqual({ route: 'cross_region', levelRegionCode: '460000', initial: 'coordination' });
  });
  it('names the government that decides', () => {
    expect(governmentOf('海南省')).toBe('海南省人民政府');
    expect(governmentOf('海口市')).toBe('海口市人民政府');
  });
});

describe('who acts', () => {
  it('lets either party’s data officer or org admin open a dispute, not a clerk nor a stranger', () => {
    expect(canOpenDispute(auth('A', ['data_officer']), ['A', 'B'])).toBe(true);
    expect(canOpenDispute(auth('B', ['org_admin']), ['A', 'B'])).toBe(true);
    expect(canOpenDispute(auth('A', ['clerk']), ['A', 'B'])).toBe(false);
    expect(canOpenDispute(auth('C', ['data_officer']), ['A', 'B'])).toBe(false);
  });
  it('tells the parties from the coordinating authority', () => {
    expect(isDisputeParty(auth('A', ['data_officer']), d)).toBe(true);
    expect(isDisputeParty(auth('B', ['clerk']), d)).toBe(false);
    expect(isDisputeParty(auth('Y', ['org_admin'], ['sharing_authority']), d)).toBe(false);
    expect(isDisputeAuthority(auth('Y', ['reviewer'], ['sharing_authority']), d)).toBe(true);
    expect(isDisputeAuthority(auth('Y', ['clerk'], ['sharing_authority']), d)).toBe(false);
    expect(isDisputeAuthority(auth('Z', ['reviewer'], ['sharing_authority']), d)).toBe(false);
  });
  it('shows a dispute to the parties, the authority and the platform admin only', () => {
    expect(canViewDispute(auth('A', ['clerk']), d)).toBe(true);
    expect(canViewDispute(auth('Y', ['clerk'], ['sharing_authority']), d)).toBe(true);
    expect(canViewDispute(auth('P', ['org_admin'], ['platform_admin']), d)).toBe(true);
    expect(canViewDispute(auth('P', ['clerk'], ['platform_admin']), d)).toBe(false);
    expect(canViewDispute(auth('Z', ['reviewer'], ['sharing_authority']), d)).toBe(false);
  });
});

describe('state machine', () => {
  it('negotiation: the parties resolve it or take it to coordination', () => {
    expect(disputeWorkflow.apply('negotiation', disputeEvent('resolve', 'negotiation'), party)).toBe('resolved');
    expect(disputeWorkflow.apply('negotiation', disputeEvent('escalate', 'negotiation'), party)).toBe('coordination');
    throws(() => disputeWorkflow.apply('negotiation', disputeEvent('resolve', 'negotiation'), authority), 'FORBIDDEN', ART16);
    throws(() => disputeEvent('decide', 'negotiation'), 'INVALID_STATE', ART16);
  });
  it('coordination: the authority resolves it or submits it to the government', () => {
    expect(disputeWorkflow.apply('coordination', disputeEvent('resolve', 'coordination'), authority)).toBe('resolved');
    expect(disputeWorkflow.apply('coordination', disputeEvent('escalate', 'coordination'), authority)).toBe('decision');
    throws(() => disputeWorkflow.apply('coordination', disputeEvent('escalate', 'coordination'), party), 'FORBIDDEN', ART16);
    throws(() => disputeEvent('decide', 'coordination'), 'INVALID_STATE');
  });
  it('decision: the authority records the government’s decision, nothing else', () => {
    expect(disputeWorkflow.apply('decision', disputeEvent('decide', 'decision'), authority)).toBe('decided');
    throws(() => disputeWorkflow.apply('decision', 'decide', party), 'FORBIDDEN');
    throws(() => disputeEvent('resolve', 'decision'), 'INVALID_STATE');
    throws(() => disputeEvent('escalate', 'decision'), 'INVALID_STATE');
  });
  it('closed disputes take no step', () => {
    for (const s of ['resolved', 'decided'] as const) {
      expect(isClosed(s)).toBe(true);
      expect(disputeActions(s)).toEqual([]);
      expect(nextActor(s)).toBeNull();
      for (const a of ['resolve', 'escalate', 'decide'] as const) throws(() => disputeEvent(a, s), 'INVALID_STATE');
    }
    expect(isClosed('decision')).toBe(false);
  });
  it('every step records its outcome and text', () => {
    throws(() => disputeWorkflow.apply('negotiation', 'escalate_to_coordination', { ...party, outcome: ' ' }), 'RULE_VIOLATION', ART16);
    throws(() => disputeWorkflow.apply('coordination', 'escalate_to_decision', { ...authority, text: null }), 'RULE_VIOLATION', ART16);
    throws(() => disputeWorkflow.apply('decision', 'decide', { ...authority, text: '' }), 'RULE_VIOLATION', ART16);
  });
  it('names who acts next', () => {
    expect(nextActor('negotiation')).toBe('parties');
    expect(nextActor('coordination')).toBe('authority');
    expect(nextActor('decision')).toBe('authority');
    expect(disputeActions('negotiation')).toEqual(['resolve', 'escalate']);
    expect(disputeActions('decision')).toEqual(['decide']);
  });
});
