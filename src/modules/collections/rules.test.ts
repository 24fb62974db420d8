/** The pure rules of base and theme databases (000 第十条), at their edges. */
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../kernel/auth.js';
import { canDeclareSourceUpdate, canManage, canRead, collectionProblems, isFresh, isOverdue, nextDue, sourceUpdateDue } from './rules.js';

const auth = (orgRoles: string[], userRoles: string[], via: 'session' | 'api_key' = 'session', orgId = 'p'): AuthContext => ({
  user: { id: 'u', login: 'u', name: 'u', orgId, roles: userRoles },
  org: { id: orgId, name: 'o', uscc: null, kind: 'organization', regionCode: '460000', roles: orgRoles },
  roles: [...orgRoles, ...userRoles],
  via,
  apiKeyId: via === 'api_key' ? 'k' : null,
});

describe('who', () => {
  it('manages: the platform operator’s org admin only', () => {
    expect(canManage(auth(['platform_admin'], ['org_admin']))).toBe(true);
    expect(canManage(auth(['platform_admin'], ['clerk']))).toBe(false);
    expect(canManage(auth(['sharing_authority'], ['org_admin']))).toBe(false);
  });
  it('reads: every org that browses the catalog, not the public', () => {
    expect(canRead(auth(['institution'], ['clerk']))).toBe(true);
    expect(canRead(auth(['auditor'], []))).toBe(true);
    expect(canRead(auth(['public'], []))).toBe(false);
  });
  it('declares a change at the source: the provider’s clerk, data officer, org admin or API key', () => {
    const entry = { provider_org_id: 'p' };
    for (const r of ['clerk', 'data_officer', 'org_admin']) expect(canDeclareSourceUpdate(auth(['institution'], [r]), entry)).toBe(true);
    expect(canDeclareSourceUpdate(auth(['institution'], ['reviewer']), entry)).toBe(false);
    expect(canDeclareSourceUpdate(auth(['institution'], [], 'api_key'), entry)).toBe(true);
    expect(canDeclareSourceUpdate(auth(['institution'], ['clerk'], 'session', 'other'), entry)).toBe(false);
    expect(canDeclareSourceUpdate(auth(['institution'], [], 'api_key', 'other'), entry)).toBe(false);
  });
});

describe('sourceUpdateDue (一日内)', () => {
  it('ends at 24:00 of the Beijing day after the update', () => {
    expect(sourceUpdateDue(new Date('2026-09-18T00:00:00+08:00'))).toMatchObject({ dueDate: '2026-09-19', dueAt: new Date('2026-09-20T00:00:00+08:00') });
    expect(sourceUpdateDue(new Date('2026-09-18T23:59:59+08:00')).dueDate).toBe('2026-09-19');
    expect(sourceUpdateDue(new Date('2026-09-19T00:00:00+08:00')).dueDate).toBe('2026-09-20');
  });
  it('counts calendar days: a weekend or holiday does not stretch it', () => {
    // Friday before the National Day holiday.
    expect(sourceUpdateDue(new Date('2026-09-30T12:00:00+08:00')).dueDate).toBe('2026-10-01');
  });
});

describe('freshness', () => {
  const at = (s: string) => new Date(s);
  const now = at('2026-09-19T12:00:00+08:00');
  it('is the soonest due of the open duties', () => {
    expect(nextDue({ lastLoadAt: null, openDuties: [] })).toBeNull();
    expect(nextDue({ lastLoadAt: null, openDuties: [{ due_at: null }, { due_at: at('2026-09-21T00:00:00+08:00') }, { due_at: at('2026-09-20T00:00:00+08:00') }] })).toEqual(at('2026-09-20T00:00:00+08:00'));
  });
  it('is overdue from the due instant on', () => {
    expect(isOverdue({ lastLoadAt: now, openDuties: [{ due_at: at('2026-09-19T12:00:00.001+08:00') }] }, now)).toBe(false);
    expect(isOverdue({ lastLoadAt: now, openDuties: [{ due_at: now }] }, now)).toBe(true);
  });
  it('is fresh when loaded and nothing is overdue', () => {
    expect(isFresh({ lastLoadAt: null, openDuties: [] }, now)).toBe(false);
    expect(isFresh({ lastLoadAt: now, openDuties: [] }, now)).toBe(true);
    expect(isFresh({ lastLoadAt: now, openDuties: [{ due_at: at('2026-09-19T11:00:00+08:00') }] }, now)).toBe(false);
  });
});

describe('collectionProblems', () => {
  it('needs a well-formed code, a kind and a name on creation', () => {
    expect(collectionProblems({ code: 'base-population', kind: 'base', name: '人口基础库' }, true)).toEqual([]);
    expect(collectionProblems({ code: 'Base', kind: 'base', name: '人口基础库' }, true).map((p) => p.field)).toEqual(['code']);
    expect(collectionProblems({ code: 'b', kind: 'base', name: 'x' }, true).map((p) => p.field)).toEqual(['code']);
    expect(collectionProblems({ code: 'base-x', name: ' ' }, true).map((p) => p.field)).toEqual(['kind', 'name']);
  });
  it('checks only what an edit changes', () => {
    expect(collectionProblems({}, false)).toEqual([]);
    expect(collectionProblems({ name: '' }, false).map((p) => p.field)).toEqual(['name']);
  });
});
