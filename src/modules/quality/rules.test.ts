import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../kernel/auth.js';
import type { CatalogField } from '../catalog/tables.js';
import {
  dailyTrend,
  canAnswer,
  canReport,
  completeness,
  completenessFields,
  correctionWorkflow,
  daysBetween,
  frequencyDays,
  mean,
  overall,
  reportProblems,
  share,
  tableIdentifiers,
  timeliness,
  uniqueness,
  usccFields,
} from './rules.js';

const fields: CatalogField[] = [
  { name: 'uscc', label: '统一社会信用代码', type: 'string', key: true, required: true },
  { name: 'year', label: '年度', type: 'integer', key: true },
  { name: 'name', label: '企业名称', type: 'string', required: true },
  { name: 'phone', label: '联系电话', type: 'string', piiKind: 'phone' },
];

const auth = (orgId: string, roles: string[]): AuthContext => ({
  user: { id: 'u', login: 'u', name: 'u', orgId, roles },
  org: { id: orgId, name: 'o', uscc: null, kind: 'organization', regionCode: '460000', roles: ['institution'] },
  roles,
  via: 'session',
  apiKeyId: null,
});

describe('who reports and answers', () => {
  it('lets any org but the provider report', () => {
    expect(canReport(auth('a', ['clerk']), { provider_org_id: 'p' })).toBe(true);
    expect(canReport(auth('p', ['clerk']), { provider_org_id: 'p' })).toBe(false);
  });
  it('lets the provider’s clerk, data officer or org admin answer, and no one else', () => {
    for (const r of ['clerk', 'data_officer', 'org_admin']) expect(canAnswer(auth('p', [r]), { provider_org_id: 'p' })).toBe(true);
    expect(canAnswer(auth('p', ['reviewer']), { provider_org_id: 'p' })).toBe(false);
    expect(canAnswer(auth('a', ['org_admin']), { provider_org_id: 'p' })).toBe(false);
  });
});

describe('reportProblems', () => {
  const base = { description: '名称有误' };
  it('accepts a row named by all key fields, or by a line', () => {
    expect(reportProblems({ ...base, rowKey: { uscc: 'X', year: 2025 }, field: 'name' }, fields)).toEqual([]);
    expect(reportProblems({ ...base, line: 3 }, fields)).toEqual([]);
  });
  it('names a missing key field, a non-key field, an unknown field and a missing row', () => {
    const p = reportProblems({ ...base, rowKey: { uscc: 'X', name: 'Y' }, field: 'colour' }, fields);
    expect(p.map((x) => x.field)).toEqual(['rowKey/name', 'rowKey/year', 'field']);
    expect(p[1]?.message).toContain('「年度」');
    expect(reportProblems({ ...base, rowKey: { uscc: 'X', year: null } }, fields)[0]?.field).toBe('rowKey/year');
    expect(reportProblems({ description: ' ' }, fields).map((x) => x.field)).toEqual(['description', 'rowKey']);
  });
  it('takes any data item as row key when the entry has no key', () => {
    const noKey = fields.map((f) => ({ ...f, key: false }));
    expect(reportProblems({ ...base, rowKey: { name: 'Y' } }, noKey)).toEqual([]);
    expect(reportProblems({ ...base, rowKey: {} }, noKey)[0]?.field).toBe('rowKey');
  });
});

describe('correctionWorkflow', () => {
  it('moves an open case to corrected or not_wrong, the latter with a reason', () => {
    expect(correctionWorkflow.apply('open', 'correct', { mayAnswer: true, reason: null })).toBe('corrected');
    expect(correctionWorkflow.apply('open', 'reject', { mayAnswer: true, reason: '无误' })).toBe('not_wrong');
    expect(() => correctionWorkflow.apply('open', 'reject', { mayAnswer: true, reason: ' ' })).toThrow(/理由/);
    expect(() => correctionWorkflow.apply('open', 'correct', { mayAnswer: false, reason: null })).toThrow(/无权/);
    expect(() => correctionWorkflow.apply('corrected', 'reject', { mayAnswer: true, reason: 'x' })).toThrow(/当前状态/);
  });
});

describe('scoring formulas', () => {
  it('shares are clamped to [0, 1] and null over nothing', () => {
    expect(share(3, 4)).toBe(0.75);
    expect(share(5, 4)).toBe(1);
    expect(share(0, 0)).toBeNull();
    expect(completeness(6, 4, 2)).toBe(0.75);
    expect(completeness(0, 0, 2)).toBeNull();
    expect(uniqueness(3, 4, true)).toBe(0.75);
    expect(uniqueness(3, 4, false)).toBeNull();
  });
  it('measures completeness over required and key fields, or all fields when none is required', () => {
    expect(completenessFields(fields).map((f) => f.name)).toEqual(['uscc', 'year', 'name']);
    expect(completenessFields([{ name: 'a', label: 'A', type: 'string' }]).map((f) => f.name)).toEqual(['a']);
  });
  it('finds credit-code fields by kind or label', () => {
    expect(usccFields([...fields, { name: 'x', label: 'X', type: 'string', piiKind: 'uscc' }]).map((f) => f.name)).toEqual(['uscc', 'x']);
  });
  it('times a load against its update frequency on both sides of the period', () => {
    expect(daysBetween('2026-09-30', '2026-10-01')).toBe(1);
    expect(timeliness('daily', '2026-10-12', '2026-10-13')).toBe(1);
    expect(timeliness('daily', '2026-10-12', '2026-10-14')).toBe(0.5);
    expect(timeliness('weekly', '2026-10-01', '2026-10-08')).toBe(1);
    expect(timeliness('weekly', '2026-10-01', '2026-10-15')).toBe(0.5);
    expect(timeliness('monthly', '2026-01-01', '2026-02-01')).toBe(1);
    expect(timeliness('daily', null, '2026-10-13')).toBeNull();
    expect(timeliness('irregular', '2026-01-01', '2026-10-13')).toBeNull();
    expect(frequencyDays('yearly')).toBe(366);
  });
  it('weights the measured dimensions and leaves out the rest', () => {
    expect(overall({ completeness: 1, validity: 1, uniqueness: 1, consistency: 1, timeliness: 1 })).toBe(1);
    expect(overall({ completeness: 1, validity: 0.8, uniqueness: 0.75, consistency: null, timeliness: null })).toBe(0.8571);
    expect(overall({ completeness: null, validity: null, uniqueness: null, consistency: null, timeliness: null })).toBeNull();
    expect(mean([0.5, null, 1])).toBe(0.75);
    expect(mean([null])).toBeNull();
  });
  it('splits schema.table and refuses anything else', () => {
    expect(tableIdentifiers('datasets.e_1_v2')).toEqual(['datasets', 'e_1_v2']);
    for (const bad of ['e_1', 'a.b.c', 'datasets."x"', 'datasets.x; drop table y', '']) expect(() => tableIdentifiers(bad)).toThrow();
  });
});

describe('dailyTrend', () => {
  const s = (overall: number | null, completeness: number | null = overall) => ({ completeness, validity: null, uniqueness: null, consistency: null, timeliness: null, overall });
  it('averages each entry’s latest score at the end of every day on which one was scored', () => {
    const t = dailyTrend([
      { entryId: 'a', date: '2026-10-01', scores: s(0.5) },
      { entryId: 'a', date: '2026-10-01', scores: s(0.7) },
      { entryId: 'b', date: '2026-10-03', scores: s(0.9) },
      { entryId: 'a', date: '2026-10-05', scores: s(1, null) },
    ]);
    expect(t).toEqual([
      { date: '2026-10-01', entries: 1, overall: 0.7, completeness: 0.7, validity: null, uniqueness: null, consistency: null, timeliness: null },
      { date: '2026-10-03', entries: 2, overall: 0.8, completeness: 0.8, validity: null, uniqueness: null, consistency: null, timeliness: null },
      { date: '2026-10-05', entries: 2, overall: 0.95, completeness: 0.9, validity: null, uniqueness: null, consistency: null, timeliness: null },
    ]);
  });
  it('is empty without scores', () => {
    expect(dailyTrend([])).toEqual([]);
  });
});

