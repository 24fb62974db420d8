/**
 * Quality rules: who may report and answer a correction (000 第四十二条; 003 第十六条), what a
 * report and an answer must carry, the correction case's state machine, and the pure scoring
 * formulas of the quality dimensions (000 第四十一条: 及时、完整、准确). No I/O.
 */
import { AppError, type FieldError } from '../../kernel/errors.js';
import { hasUserRole, type AuthContext } from '../../kernel/auth.js';
import { defineWorkflow } from '../../kernel/workflow.js';
import type { CatalogField } from '../catalog/tables.js';
import type { CorrectionStatus } from './tables.js';

/** The articles the quality module rests on. */
export const ART = {
  quality: '000 第四十一条',
  correction: '000 第四十二条',
} as const;

// ── Corrections (校核纠错) ──

/** The provider's staff who answer a correction: its clerk, data officer or org admin. */
export const ANSWER_NEEDS = '提供单位的经办人、数据工作机构负责人或机构管理员';

/** 数据需求单位: any signed-in org that uses the data, but not the provider itself (it corrects its own data directly). */
export function canReport(auth: AuthContext, entry: { provider_org_id: string }): boolean {
  return auth.org.id !== entry.provider_org_id;
}

/** The provider verifies, corrects and answers (000 第四十二条). */
export function canAnswer(auth: AuthContext, c: { provider_org_id: string }): boolean {
  return auth.org.id === c.provider_org_id && (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));
}

/** Who may read a case: the reporter's org, the provider, the sharing authority (统筹) and the platform. */
export function canView(auth: AuthContext, c: { provider_org_id: string; reporter_org_id: string }): boolean {
  return (
    auth.org.id === c.provider_org_id ||
    auth.org.id === c.reporter_org_id ||
    auth.org.roles.includes('sharing_authority') ||
    auth.org.roles.includes('platform_admin') ||
    auth.org.roles.includes('auditor')
  );
}

export type RowKey = Record<string, string | number | boolean | null>;

export interface ReportInput {
  rowKey?: RowKey | undefined;
  line?: number | undefined;
  field?: string | undefined;
  reportedValue?: string | undefined;
  expectedValue?: string | undefined;
  description: string;
}

const fieldName = (f: CatalogField) => `「${f.label}」（${f.name}）`;

/**
 * The problems of a report against the entry's published data items: the row is named by the
 * values of all its key fields (or by a line), the field is one of the entry's, and the problem
 * is described. Empty when the report is acceptable.
 */
export function reportProblems(input: ReportInput, fields: readonly CatalogField[]): FieldError[] {
  const out: FieldError[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (!input.description.trim()) out.push({ field: 'description', message: '请说明数据不准确或不完整的情况' });
  if (input.rowKey === undefined && input.line === undefined) {
    out.push({ field: 'rowKey', message: '请用主键字段的值（rowKey）或行号（line）指明有误的记录' });
  }
  if (input.rowKey !== undefined) {
    const keys = fields.filter((f) => f.key);
    const named = Object.keys(input.rowKey);
    if (named.length === 0) out.push({ field: 'rowKey', message: '行标识不能为空' });
    for (const n of named) {
      const f = byName.get(n);
      if (!f) out.push({ field: `rowKey/${n}`, message: `字段 ${n} 不是该目录的数据项` });
      else if (keys.length > 0 && !f.key) out.push({ field: `rowKey/${n}`, message: `数据项${fieldName(f)}不是主键字段` });
    }
    for (const k of keys) {
      const v = input.rowKey[k.name];
      if (v === undefined || v === null || String(v).trim() === '') out.push({ field: `rowKey/${k.name}`, message: `缺少主键字段${fieldName(k)}的值` });
    }
  }
  if (input.field !== undefined && !byName.has(input.field)) out.push({ field: 'field', message: `字段 ${input.field} 不是该目录的数据项` });
  return out;
}

/** The correction case: open → corrected | not_wrong, taken by the provider only. */
export const correctionWorkflow = defineWorkflow<CorrectionStatus, 'correct' | 'reject', { mayAnswer: boolean; reason: string | null }>('校核申请', {
  correct: {
    from: ['open'],
    to: 'corrected',
    guard: (c) => (c.mayAnswer ? null : { code: 'FORBIDDEN', message: `无权答复校核申请：需要${ANSWER_NEEDS}` }),
  },
  reject: {
    from: ['open'],
    to: 'not_wrong',
    guard: (c) =>
      !c.mayAnswer
        ? { code: 'FORBIDDEN', message: `无权答复校核申请：需要${ANSWER_NEEDS}` }
        : c.reason?.trim()
          ? null
          : { message: '核实数据无误的，须说明理由（reason）', source: ART.correction },
  },
});

// ── Scores (000 第四十一条) ──

export type Dimension = 'completeness' | 'validity' | 'uniqueness' | 'consistency' | 'timeliness';
export const DIMENSIONS: readonly Dimension[] = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'];

/** Weights of the overall score; a dimension that cannot be measured (null) is left out and the rest re-weighted. */
export const WEIGHTS: Readonly<Record<Dimension, number>> = {
  completeness: 0.25,
  validity: 0.25,
  uniqueness: 0.2,
  consistency: 0.15,
  timeliness: 0.15,
};

export type Scores = Record<Dimension, number | null>;

/** A share in [0, 1]; null when there is nothing to measure. */
export function share(part: number, whole: number): number | null {
  if (!(whole > 0)) return null;
  return Math.min(1, Math.max(0, part / whole));
}

/** The fields completeness is measured over: the required ones, or all when none is required. */
export function completenessFields(fields: readonly CatalogField[]): CatalogField[] {
  const required = fields.filter((f) => f.required || f.key);
  return required.length > 0 ? required : [...fields];
}

/** Completeness: filled cells over all cells of the measured fields. */
export const completeness = (filledCells: number, rows: number, fieldCount: number) => share(filledCells, rows * fieldCount);
/** Validity: accepted rows over the rows of the load. */
export const validity = (accepted: number, total: number) => share(accepted, total);
/** Uniqueness of the key: distinct key tuples over rows; null without key fields. */
export const uniqueness = (distinctKeys: number, rows: number, hasKey: boolean) => (hasKey ? share(distinctKeys, rows) : null);
/** Consistency with base data: referencing values found in the reference over those checked. */
export const consistency = (found: number, checked: number) => share(found, checked);

/**
 * Fields holding a unified social credit code (统一社会信用代码, GB 32100), checked against the
 * legal-person base data: marked `piiKind: 'uscc'`, or labelled so (the demo catalog labels them
 * without a kind).
 */
export function usccFields(fields: readonly CatalogField[]): CatalogField[] {
  return fields.filter((f) => f.type === 'string' && (f.piiKind === 'uscc' || f.label.includes('统一社会信用代码')));
}

/** Calendar days an update frequency allows between two loads; null when it sets no period. */
export function frequencyDays(freq: string): number | null {
  switch (freq) {
    case 'realtime':
    case 'daily':
      return 1;
    case 'weekly':
      return 7;
    case 'monthly':
      return 31;
    case 'quarterly':
      return 92;
    case 'yearly':
      return 366;
    default:
      return null;
  }
}

/** Whole days from one Beijing date (YYYY-MM-DD) to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Timeliness of a load: 1 when it came within the period of the update frequency after the
 * previous load (Beijing dates), else period / days taken (a load twice as late scores 0.5).
 * Null for the first load or an irregular frequency: there is no period to be late against.
 */
export function timeliness(freq: string, previousDate: string | null, date: string): number | null {
  const period = frequencyDays(freq);
  if (period === null || previousDate === null) return null;
  const gap = daysBetween(previousDate, date);
  return gap <= period ? 1 : period / gap;
}

/** The overall score: the weighted mean of the measured dimensions; null when none was measured. */
export function overall(s: Scores): number | null {
  let sum = 0;
  let weight = 0;
  for (const d of DIMENSIONS) {
    const v = s[d];
    if (v === null) continue;
    sum += WEIGHTS[d] * v;
    weight += WEIGHTS[d];
  }
  return weight > 0 ? round4(sum / weight) : null;
}

/** Scores are stored to 4 decimals: 0.1234 = 12.34 %. */
export const round4 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10_000) / 10_000);

/** The mean of the non-null values; null when there are none. */
export function mean(values: ReadonlyArray<number | null>): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? round4(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
}

/** One score of one entry, on its Beijing date: what a trend is drawn from. */
export interface DatedScore {
  entryId: string;
  /** YYYY-MM-DD, Beijing time. */
  date: string;
  scores: Scores & { overall: number | null };
}

/** A point of a trend: on `date`, the average over each entry's latest score as of that day's end. */
export interface TrendPoint extends Record<Dimension | 'overall', number | null> {
  date: string;
  entries: number;
}

/**
 * The trend of a set of entries (an institution's, or the province's): for every day on which
 * one of them was scored, the average of every scored entry's latest score at the end of that
 * day — so an entry scored once keeps counting on later days, as it does on the quality page.
 * `scores` must be oldest first.
 */
export function dailyTrend(scores: readonly DatedScore[]): TrendPoint[] {
  const latest = new Map<string, DatedScore['scores']>();
  const out: TrendPoint[] = [];
  const close = (date: string) => {
    const all = [...latest.values()];
    const point = { date, entries: all.length, overall: mean(all.map((s) => s.overall)) } as TrendPoint;
    for (const d of DIMENSIONS) point[d] = mean(all.map((s) => s[d]));
    out.push(point);
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as DatedScore;
    latest.set(s.entryId, s.scores);
    const next = scores[i + 1];
    if (!next || next.date !== s.date) close(s.date);
  }
  return out;
}

/** Splits `schema.table` into identifiers; throws on anything else (the name is quoted, never spliced). */
export function tableIdentifiers(tableName: string): [string, string] {
  const m = /^([A-Za-z_][A-Za-z0-9_]{0,62})\.([A-Za-z_][A-Za-z0-9_$]{0,62})$/.exec(tableName);
  if (!m?.[1] || !m[2]) throw new AppError('VALIDATION', `数据集表名须为 schema.table：${tableName}`);
  return [m[1], m[2]];
}
