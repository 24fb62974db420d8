import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import type { MessageKey, Vars } from '../i18n';

type T = (key: MessageKey, vars?: Vars) => string;

/** A sentence for the user: the server's own message (already in Chinese), or ours for a lost connection. */
export function errorText(err: unknown, t: T): string {
  if (err instanceof ApiError) {
    if (err.code === 'NETWORK') return t('error.network');
    if (err.status === 403 && !err.message) return t('error.forbidden');
    return err.message || t('error.unknown');
  }
  if (err instanceof Error && err.message) return err.message;
  return t('error.unknown');
}

/** `/uscc`, `uscc`, `roles/0` or `days.3.day` → the form field it concerns (`uscc`, `roles`, `days`). */
function fieldName(path: string): string {
  return path.replace(/^[/.]+/, '').split(/[/.[]/)[0] ?? path;
}

/**
 * Puts the server's per-field messages under the fields they name (the form also shows the
 * server's whole sentence above, since a field message alone can be terse).
 */
export function applyFieldErrors(form: FormInstance, err: unknown, fields: readonly string[]): void {
  if (!(err instanceof ApiError) || err.fields.length === 0) return;
  const byField = new Map<string, string[]>();
  for (const f of err.fields) {
    const name = fieldName(f.field);
    if (fields.includes(name)) byField.set(name, [...(byField.get(name) ?? []), f.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
}
