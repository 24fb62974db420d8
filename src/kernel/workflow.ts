/**
 * A small typed state-machine helper for case workflows (catalog review, share request, open
 * application…). Transitions are pure: given the current state, the event and the context they
 * return the next state or throw the refusal, citing its article where a rule refused it.
 */
import { AppError } from './errors.js';

export interface Refusal {
  message: string;
  source?: string;
  /** `FORBIDDEN` when the actor lacks the role, `RULE_VIOLATION` when a rule refuses. */
  code?: 'FORBIDDEN' | 'RULE_VIOLATION';
}

export interface Transition<S extends string, C> {
  from: readonly S[];
  to: S;
  /** Returns a refusal when this actor or this payload may not take the transition. */
  guard?: (ctx: C) => Refusal | null;
}

export interface Workflow<S extends string, E extends string, C> {
  readonly name: string;
  readonly transitions: Readonly<Record<E, Transition<S, C>>>;
  /** The events that may be taken from `state` (ignoring guards). */
  events(state: S): E[];
  /** The next state, or throws `INVALID_STATE` / the guard's refusal. */
  apply(state: S, event: E, ctx: C): S;
}

export function defineWorkflow<S extends string, E extends string, C>(name: string, transitions: Record<E, Transition<S, C>>): Workflow<S, E, C> {
  const frozen = Object.freeze({ ...transitions });
  return {
    name,
    transitions: frozen,
    events(state) {
      return (Object.keys(frozen) as E[]).filter((e) => frozen[e].from.includes(state));
    },
    apply(state, event, ctx) {
      // Own keys only: an event named `toString` or `constructor` is unknown, not inherited.
      const t = Object.hasOwn(frozen, event) ? frozen[event] : undefined;
      if (!t) throw new AppError('INVALID_STATE', `${name}：未知操作 ${event}`);
      if (!t.from.includes(state)) {
        throw new AppError('INVALID_STATE', `${name}：当前状态 ${state} 下不能执行 ${event}（须处于 ${t.from.join(' / ')}）`);
      }
      const refusal = t.guard?.(ctx);
      if (refusal) {
        throw new AppError(refusal.code ?? 'RULE_VIOLATION', refusal.message, refusal.source ? { source: refusal.source } : {});
      }
      return t.to;
    },
  };
}
