/** Typed calls of the gate API (src/modules/opening/gate.routes.ts, 开放前匿名化审查, 000 第十九条). */
import { request } from '../../api/client';

export type GateStatus = 'not_needed' | 'passed' | 'failed' | 'pending';
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

export interface GateConsent {
  reference: string;
  attachment: string;
  scope?: string | null;
}

export interface GatePlan {
  treatments: Record<string, string>;
  quasiIdentifiers: string[];
  sensitive: string | null;
  minL: number | null;
  consent: GateConsent | null;
}

export interface GateProblem {
  field: string;
  message: string;
}

export interface GateReport {
  id: string;
  versionNo: number;
  status: 'passed' | 'failed';
  basis: 'anonymised' | 'consent' | 'not_needed' | 'plan' | 'k_anonymity' | 'l_diversity';
  reason: string;
  k: number;
  rows: number;
  classes: number;
  smallestClass: number | null;
  classesBelowK: number;
  rowsBelowK: number;
  examples: Array<{ values: Record<string, unknown>; size: number }>;
  l: number | null;
  problems: GateProblem[];
  plan: GatePlan;
  trigger: 'manual' | 'load';
  checkedBy: string | null;
  checkedAt: string;
  source: string;
}

export interface GateFieldView {
  name: string;
  label: string;
  type: FieldType;
  piiKind: string | null;
  commercialSecret: boolean;
  directIdentifier: boolean;
  treatment: string | null;
  treatmentLabel: string | null;
  quasiIdentifier: boolean;
}

export interface GateView {
  entry: { id: string; code: string; name: string; openAttr: 'unconditional' | 'conditional' | 'none'; providerOrgId: string };
  needed: boolean;
  k: number;
  source: string;
  fields: GateFieldView[];
  plan: GatePlan | null;
  problems: GateProblem[];
  live: { versionNo: number; rows: number } | null;
  report: GateReport | null;
  history: GateReport[];
  status: GateStatus;
  mayManage: boolean;
}

export interface GatePlanInput {
  treatments: Record<string, string>;
  quasiIdentifiers: string[];
  sensitive?: string | null;
  minL?: number | null;
  consent?: GateConsent | null;
}

const base = (code: string) => `/api/v1/open/entries/${encodeURIComponent(code)}/gate`;

export const gateApi = {
  get: (code: string) => request<GateView>('GET', base(code)),
  savePlan: (code: string, plan: GatePlanInput) => request<GateView>('PUT', `${base(code)}/plan`, { body: plan }),
  run: (code: string) => request<GateReport>('POST', `${base(code)}/run`),
};

/** The treatments offered for a field of a type (a generalisation only where it applies). */
export function treatmentChoices(type: FieldType): string[] {
  const g = (s: string) => `generalise:${s}`;
  const common = ['keep', 'drop', 'pseudonymise'];
  switch (type) {
    case 'date':
    case 'datetime':
      return [...common, g('month'), g('year'), g('suppress')];
    case 'integer':
    case 'number':
      return [...common, g('band:5'), g('band:10'), g('band:20'), g('band:100'), g('band:1000'), g('band:10000'), g('suppress')];
    case 'boolean':
      return [...common, g('suppress')];
    case 'string':
      return [...common, g('city'), g('province'), g('birth_year'), g('id_region:2'), g('id_region:4'), g('id_region:6'), g('month'), g('year'), g('truncate:1'), g('truncate:3'), g('truncate:6'), g('suppress')];
  }
}
