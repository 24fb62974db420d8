import type { WizardValues } from './model';

/** The kinds of personal information handed over by 识别个人信息 (router state `adoptPii`: field name → kind), or null. */
export function adoptedPiiKinds(state: unknown): Record<string, string> | null {
  const raw = (state as { adoptPii?: unknown } | null | undefined)?.adoptPii;
  if (!raw || typeof raw !== 'object') return null;
  const out = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * The form's values with the adopted kinds filled into the data items' 个人信息; an item that
 * holds personal information is graded at least important, as choosing the kind by hand does.
 */
export function withAdoptedPii(values: WizardValues, kinds: Record<string, string> | null): WizardValues {
  if (!kinds) return values;
  return {
    ...values,
    fields: values.fields.map((f) => {
      const kind = kinds[f.name];
      if (!kind) return f;
      return { ...f, piiKind: kind, sensitivity: !f.sensitivity || f.sensitivity === 'general' ? 'important' : f.sensitivity };
    }),
  };
}
