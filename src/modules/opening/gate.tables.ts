/** Kysely table types of the opening gate (migrations/0020, 0024). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: objects in, objects out (written as JSON text). */
type Json<T> = ColumnType<T, string, string>;

/** The subjects' consent to opening (000 第十九条第三款第三项). */
export interface GateConsent {
  /** The reference of the consent record (e.g. 授权同意书编号). */
  reference: string;
  /** What is attached as its evidence. */
  attachment: string;
  scope?: string | null;
}

/** The provider's declaration: each field's treatment, the quasi-identifiers, the sensitive attribute, consent. */
export interface GatePlan {
  treatments: Record<string, string>;
  quasiIdentifiers: string[];
  sensitive: string | null;
  minL: number | null;
  consent: GateConsent | null;
}

export interface GateExample {
  values: Record<string, unknown>;
  size: number;
}

export interface GateProblem {
  field: string;
  message: string;
}

export type GateStatus = 'passed' | 'failed';
export type GateBasis = 'anonymised' | 'consent' | 'not_needed' | 'plan' | 'k_anonymity' | 'l_diversity';

export interface OpeningGatePlansTable {
  entry_id: string;
  treatments: Json<Record<string, string>>;
  quasi_identifiers: ColumnType<string[], string[] | undefined, string[]>;
  sensitive: string | null;
  min_l: number | null;
  consent: Json<GateConsent | null> | null;
  /** The per-plan nonce of the entry's pseudonyms (hex): not a key on its own (`gatePseudonymKey`). */
  pseudonym_nonce: string;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface OpeningGateReportsTable {
  id: string;
  /** bigint identity: the order reports were made in. */
  seq: Generated<number>;
  entry_id: string;
  version_no: number;
  status: GateStatus;
  basis: GateBasis;
  reason: Generated<string>;
  k: number;
  /** bigint: read back as a number (db.ts). */
  rows: number;
  classes: Generated<number>;
  smallest_class: number | null;
  classes_below_k: Generated<number>;
  rows_below_k: Generated<number>;
  examples: Json<GateExample[]>;
  l: number | null;
  problems: Json<GateProblem[]>;
  plan: Json<GatePlan>;
  trigger: 'manual' | 'load';
  checked_by: string | null;
  checked_at: Timestamp;
}

export interface OpeningGateTables {
  opening_gate_plans: OpeningGatePlansTable;
  opening_gate_reports: OpeningGateReportsTable;
}
