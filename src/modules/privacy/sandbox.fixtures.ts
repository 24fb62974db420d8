/**
 * Sandbox views to check queries against, without a database: the policy tests' and the policy
 * benchmark's. Shaped like demo datasets, one of each kind of subject and policy.
 */
import type { SandboxView } from './sandbox.types.js';

/** 人口基础信息: one row per person. */
export const POP: SandboxView = {
  name: 'HN-GAT-0001',
  subjectColumn: 'id_number',
  subjectUnique: true,
  minGroupSize: 10,
  dp: null,
  columns: [
    { name: 'id_number', type: 'string', policy: 'filter_only' },
    { name: 'name', type: 'string', policy: 'hidden' },
    { name: 'person_key', type: 'string', policy: 'join_key' },
    { name: 'region', type: 'string', policy: 'group_key' },
    { name: 'birth_date', type: 'date', policy: 'group_key' },
    { name: 'gender', type: 'string', policy: 'plain' },
    { name: 'income', type: 'integer', policy: 'aggregate_only' },
  ],
};
/** 就诊记录: several rows per person. */
export const VIS: SandboxView = {
  name: 'HN-WJW-0002',
  subjectColumn: 'person_key',
  subjectUnique: false,
  minGroupSize: 5,
  dp: null,
  columns: [
    { name: 'person_key', type: 'string', policy: 'join_key' },
    { name: 'hospital', type: 'string', policy: 'plain' },
    { name: 'visit_date', type: 'date', policy: 'plain' },
    { name: 'cost', type: 'number', policy: 'aggregate_only' },
    { name: 'diagnosis', type: 'string', policy: 'filter_only' },
  ],
};
/** 公交客流: no person in it. */
export const BUS: SandboxView = {
  name: 'HN-ZJT-0003',
  subjectColumn: null,
  subjectUnique: false,
  minGroupSize: 3,
  dp: null,
  columns: [
    { name: 'line', type: 'string', policy: 'plain' },
    { name: 'station', type: 'string', policy: 'plain' },
    { name: 'riders', type: 'integer', policy: 'plain' },
  ],
};
/** 社保缴费, under differential privacy. */
export const SSB: SandboxView = {
  name: 'HN-SBJ-0004',
  subjectColumn: 'id_number',
  subjectUnique: false,
  minGroupSize: 10,
  dp: { bounds: { amount: [0, 5000] }, maxRowsPerSubject: 3 },
  columns: [
    { name: 'id_number', type: 'string', policy: 'hidden' },
    { name: 'city', type: 'string', policy: 'group_key' },
    { name: 'amount', type: 'number', policy: 'aggregate_only' },
    { name: 'months', type: 'integer', policy: 'aggregate_only' },
    { name: 'kind', type: 'string', policy: 'plain' },
  ],
};
export const VIEWS = [POP, VIS, BUS, SSB];
