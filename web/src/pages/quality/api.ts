/** Typed calls of the quality API (src/modules/quality/routes.ts). */
import { request } from '../../api/client';

export type Dimension = 'completeness' | 'validity' | 'uniqueness' | 'consistency' | 'timeliness';
export const DIMENSIONS: readonly Dimension[] = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'];
/** Shares in [0, 1]; null when the dimension could not be measured. */
export type ScoreValues = Record<Dimension | 'overall', number | null>;

export interface ScoreView extends ScoreValues {
  loadId: string;
  versionNo: number;
  at: string;
  rowsTotal: number;
}

export interface EntryScores {
  entry: { id: string; code: string; name: string; updateFrequency: string };
  provider: { id: string; name: string };
  latest: ScoreView | null;
  history: ScoreView[];
}

/** On `date`, the average of each entry's latest score as of that day's end. */
export interface TrendPoint extends ScoreValues {
  date: string;
  entries: number;
}

export interface OrgScores {
  province: { regionCode: string; scoredEntries: number; orgs: number; average: ScoreValues; trendDays: number; trend: TrendPoint[] };
  orgs: Array<{
    orgId: string;
    orgName: string;
    scoredEntries: number;
    average: ScoreValues;
    entries: Array<{ entryId: string; name: string | null; at: string; versionNo: number } & ScoreValues>;
  }>;
}

/** One institution's quality page. */
export interface OrgQuality {
  org: { id: string; name: string; regionCode: string };
  scoredEntries: number;
  average: ScoreValues;
  entries: Array<{ entryId: string; code: string; name: string | null; at: string; versionNo: number } & ScoreValues>;
  trendDays: number;
  trend: TrendPoint[];
}

export const qualityApi = {
  orgQuality: (orgId: string) => request<OrgQuality>('GET', `/api/v1/quality/scores/orgs/${encodeURIComponent(orgId)}`),
  entryScores: (entryId: string) => request<EntryScores>('GET', '/api/v1/quality/scores', { query: { entryId } }),
  orgScores: () => request<OrgScores>('GET', '/api/v1/quality/scores/orgs'),
};

export type CorrectionStatus = 'open' | 'corrected' | 'not_wrong';
export type RowKey = Record<string, string | number | boolean | null>;

/** A duty on the ledger as the quality API shows it. */
export interface CorrectionDuty {
  id: string;
  status: 'open' | 'met' | 'cancelled';
  startedAt: string;
  workingDays: number | null;
  dueDate: string | null;
  dueAt: string | null;
  overdue: boolean;
  remainingWorkingDays: number | null;
  ageWorkingDays: number;
  extensionCount: number;
  extendedDays: number;
  source: string;
}

export interface Correction {
  id: string;
  entry: { id: string; code: string; name: string | null };
  provider: { id: string; name: string };
  reporter: { orgId: string; orgName: string; userId: string; userName: string };
  rowKey: RowKey | null;
  line: number | null;
  field: string | null;
  fieldLabel: string | null;
  reportedValue: string | null;
  expectedValue: string | null;
  description: string;
  status: CorrectionStatus;
  reason: string | null;
  loadId: string | null;
  answeredAt: string | null;
  late: boolean;
  createdAt: string;
  duty: CorrectionDuty | null;
}

export interface CorrectionReport {
  entryId: string;
  rowKey?: RowKey;
  line?: number;
  field?: string;
  reportedValue?: string;
  expectedValue?: string;
  description: string;
}

export interface CorrectionAnswer {
  outcome: 'corrected' | 'not_wrong';
  reason?: string;
  loadId?: string;
}

export const correctionsApi = {
  list: (q: { role: 'mine' | 'provider'; status?: CorrectionStatus }) => request<{ items: Correction[] }>('GET', '/api/v1/quality/corrections', { query: q }),
  get: (id: string) => request<Correction>('GET', `/api/v1/quality/corrections/${encodeURIComponent(id)}`),
  report: (body: CorrectionReport) => request<Correction>('POST', '/api/v1/quality/corrections', { body }),
  answer: (id: string, body: CorrectionAnswer) => request<Correction>('POST', `/api/v1/quality/corrections/${encodeURIComponent(id)}/answer`, { body }),
};
