import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { defineWorkflow } from './workflow.js';

type State = 'draft' | 'submitted' | 'approved' | 'rejected' | 'withdrawn';
type Event = 'submit' | 'approve' | 'reject' | 'withdraw';
interface Ctx {
  isReviewer: boolean;
  reason?: string;
}

const review = defineWorkflow<State, Event, Ctx>('目录审核', {
  submit: { from: ['draft', 'rejected'], to: 'submitted' },
  approve: {
    from: ['submitted'],
    to: 'approved',
    guard: (c) => (c.isReviewer ? null : { message: '需要审核人（reviewer）', code: 'FORBIDDEN' }),
  },
  reject: {
    from: ['submitted'],
    to: 'rejected',
    guard: (c) => (c.reason ? null : { message: '驳回须说明理由', source: '000 第七条' }),
  },
  withdraw: { from: ['draft', 'submitted'], to: 'withdrawn' },
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

describe('defineWorkflow', () => {
  it('lists the events each state allows, ignoring guards', () => {
    expect(review.events('draft').sort()).toEqual(['submit', 'withdraw']);
    expect(review.events('submitted').sort()).toEqual(['approve', 'reject', 'withdraw']);
    expect(review.events('rejected')).toEqual(['submit']);
    expect(review.events('approved')).toEqual([]);
    expect(review.events('withdrawn')).toEqual([]);
  });

  it('moves to the target state when the transition is allowed', () => {
    expect(review.apply('draft', 'submit', { isReviewer: false })).toBe('submitted');
    expect(review.apply('rejected', 'submit', { isReviewer: false })).toBe('submitted');
    expect(review.apply('submitted', 'approve', { isReviewer: true })).toBe('approved');
    expect(review.apply('submitted', 'reject', { isReviewer: true, reason: '字段缺失' })).toBe('rejected');
  });

  it('refuses an event from the wrong state with INVALID_STATE (409) naming the states', () => {
    const err = refusal(() => review.apply('approved', 'withdraw', { isReviewer: true }));
    expect(err.code).toBe('INVALID_STATE');
    expect(err.status).toBe(409);
    expect(err.message).toContain('目录审核');
    expect(err.message).toContain('approved');
    expect(err.message).toContain('draft / submitted');
  });

  it('checks the state before the guard', () => {
    expect(refusal(() => review.apply('draft', 'approve', { isReviewer: false })).code).toBe('INVALID_STATE');
  });

  it('refuses with the guard code FORBIDDEN (403) when the actor lacks the role', () => {
    const err = refusal(() => review.apply('submitted', 'approve', { isReviewer: false }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.status).toBe(403);
    expect(err.message).toBe('需要审核人（reviewer）');
    expect(err.source).toBeUndefined();
  });

  it('refuses with RULE_VIOLATION (422) citing the article when a rule refuses', () => {
    const err = refusal(() => review.apply('submitted', 'reject', { isReviewer: true }));
    expect(err.code).toBe('RULE_VIOLATION');
    expect(err.status).toBe(422);
    expect(err.source).toBe('000 第七条');
    expect(err.toJSON()).toEqual({ error: { code: 'RULE_VIOLATION', message: '驳回须说明理由', source: '000 第七条' } });
  });

  it.each(['publish', 'toString', 'constructor', '__proto__', 'hasOwnProperty'])('refuses the unknown event %s with INVALID_STATE', (event) => {
    const err = refusal(() => review.apply('draft', event as Event, { isReviewer: true }));
    expect(err.code).toBe('INVALID_STATE');
    expect(err.message).toContain(event);
  });

  it('keeps its transitions frozen, unaffected by later changes to the definition', () => {
    const defs = { go: { from: ['a'] as const, to: 'b' as const } };
    const wf = defineWorkflow<'a' | 'b', 'go', null>('w', defs);
    expect(Object.isFrozen(wf.transitions)).toBe(true);
    expect(() => {
      (wf.transitions as Record<string, unknown>).go = { from: ['b'], to: 'a' };
    }).toThrow(TypeError);
    (defs as Record<string, unknown>).go = { from: ['b'], to: 'a' };
    expect(wf.apply('a', 'go', null)).toBe('b');
  });
});
