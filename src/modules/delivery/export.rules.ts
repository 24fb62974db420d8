/**
 * Batch export rules (批量交换, 000 第八条、第十四条、第十五条): who may export under which grant,
 * the expiring download token, and the per-delivery watermark — a few canary rows, plausible
 * synthetic rows made from a real row of the file with their identifying values replaced, placed
 * at positions derived from the export's secret seed. A canary's fingerprint (SM3 of its content)
 * is kept with the export, so `gongshu trace` names the delivery of any file in which one canary
 * survives intact. No I/O.
 */
import { hasUserRole, type AuthContext } from '../../kernel/auth.js';
import { idNumberCheckChar, usccCheckChar } from '../../kernel/codes.js';
import { sm3 } from '../../kernel/crypto.js';
import { synthIdNumber, synthUscc } from '../ingest/synth.js';
import type { FieldType, Scalar } from './rules.js';
import type { ExportMethod } from './export.tables.js';

/** Hours a download link stays valid after the export is ready. */
export const DOWNLOAD_HOURS = 24;
/** Real rows read and written per page. */
export const EXPORT_PAGE = 1000;
export const MIN_CANARIES = 4;
export const MAX_CANARIES = 32;
/** One more canary per this many real rows (between the minimum and the maximum). */
export const ROWS_PER_CANARY = 5000;

export const EXPORT_NEEDS = '被授权单位的经办人、数据工作机构负责人或机构管理员';

/** The subject org's clerk, data officer or org admin exports its grants' data. */
export const canExport = (auth: AuthContext, g: { subject_org_id: string }): boolean =>
  auth.org.id === g.subject_org_id && (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin'));

/**
 * The delivery method an export runs as: batch exchange when the grant names `batch`, else a
 * file download when it names `file`; null when it names neither (the service API only).
 * File download is the same export job and the same checks, recorded as `file`.
 */
export function exportMethod(methods: readonly string[]): ExportMethod | null {
  if (methods.includes('batch')) return 'batch';
  if (methods.includes('file')) return 'file';
  return null;
}

// ── Download token ──

type Mac = (data: string) => string;
const tokenPayload = (exportId: string, expiresMs: number) => `gongshu.export.download:${exportId}:${expiresMs}`;

/** `<expiry ms>.<HMAC-SM3 of id and expiry>`: a link to one export, valid until its expiry. */
export function downloadToken(mac: Mac, exportId: string, expiresAt: Date): string {
  const ms = expiresAt.getTime();
  return `${ms}.${mac(tokenPayload(exportId, ms))}`;
}

/** Whether a token is this export's and unexpired at `now`: `ok`, `invalid` or `expired`. */
export function checkDownloadToken(mac: Mac, exportId: string, token: string, now: Date): 'ok' | 'invalid' | 'expired' {
  const m = /^(\d{1,15})\.([0-9a-f]{64})$/.exec(token);
  if (!m) return 'invalid';
  const ms = Number(m[1]);
  if (mac(tokenPayload(exportId, ms)) !== m[2]) return 'invalid';
  return now.getTime() >= ms ? 'expired' : 'ok';
}

// ── Watermark ──

/** How many canary rows an export of `total` real rows carries: none in an empty file. */
export function canaryCount(total: number): number {
  if (total <= 0) return 0;
  return Math.min(MAX_CANARIES, Math.max(MIN_CANARIES, Math.ceil(total / ROWS_PER_CANARY)));
}

/** A 32-bit number drawn from the seed for `label`. */
export function draw(seed: string, label: string): number {
  return Number.parseInt(sm3(`${seed}:${label}`).slice(0, 8), 16);
}

/**
 * Where the canaries go: canary j follows real row `positions[j]` (1-based, so every canary has a
 * real row before it to be modelled on), ascending. Deterministic in the seed.
 */
export function canaryPositions(seed: string, total: number, count: number): number[] {
  if (total <= 0) return [];
  return Array.from({ length: count }, (_, j) => 1 + (draw(seed, `pos:${j}`) % total)).sort((a, b) => a - b);
}

const ID_NUMBER = /^\d{6}(\d{8})\d{3}[\dX]$/;
const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const MOBILE = /^1\d{10}$/;
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力海鹏晨雪梅琳斌宇浩凯';

export interface CanaryColumn {
  name: string;
  type: FieldType;
  piiKind?: string | null | undefined;
}

/**
 * Canary j of an export, modelled on a real row (values as delivered before masking): ID numbers
 * keep their region and birth date with a new sequence and a valid check character, credit codes
 * keep their region with a new body, mobiles keep their prefix, names their surname, decimal
 * numbers move within ±10 % keeping their precision; everything else is copied. The caller then
 * masks it like any row, and keeps it only if no real row of the file has the same fingerprint.
 */
export function canaryRow(seed: string, j: number, template: Readonly<Record<string, Scalar | null>>, columns: readonly CanaryColumn[]): Record<string, Scalar | null> {
  const out: Record<string, Scalar | null> = {};
  for (const c of columns) {
    const v = template[c.name] ?? null;
    const n = draw(seed, `c:${j}:${c.name}`);
    out[c.name] = v === null ? null : canaryValue(c, v, n);
  }
  return out;
}

function canaryValue(c: CanaryColumn, v: Scalar, n: number): Scalar {
  if (c.type === 'number' && typeof v === 'number') {
    const s = String(v);
    const decimals = s.includes('.') ? Math.min(4, s.length - s.indexOf('.') - 1) : 0;
    const moved = v * (0.9 + (n % 2001) / 10_000);
    const r = Number(moved.toFixed(Math.max(decimals, 2)));
    return r === v ? Number((v + 0.01).toFixed(Math.max(decimals, 2))) : r;
  }
  if (c.type !== 'string' || typeof v !== 'string') return v;
  // A credit code of digits only looks like an ID number: the column's kind decides, then the check character.
  const uscc = USCC.test(v) && (c.piiKind === 'uscc' || usccCheckChar(v.slice(0, 17)) === v[17]);
  const id = c.piiKind === 'uscc' ? null : ID_NUMBER.exec(v);
  if (id && (c.piiKind === 'id_number' || idNumberCheckChar(v.slice(0, 17)) === v[17])) {
    const seq = (Number(v.slice(14, 17)) + 1 + (n % 998)) % 1000;
    return synthIdNumber(v.slice(0, 6), id[1] as string, seq);
  }
  if (uscc) {
    const body = Number(v.slice(8, 17));
    return synthUscc(v.slice(2, 8), Number.isSafeInteger(body) ? (body + 1 + (n % 999_999_998)) % 1_000_000_000 : n % 1_000_000_000);
  }
  if (MOBILE.test(v)) return `${v.slice(0, 3)}${String(n % 100_000_000).padStart(8, '0')}`;
  if (c.piiKind === 'name' && v.length >= 2) {
    const chars = Array.from(GIVEN);
    const a = chars[n % chars.length] as string;
    const b = chars[Math.floor(n / chars.length) % chars.length] as string;
    return `${Array.from(v)[0]}${n % 3 === 0 ? a : `${a}${b}`}`;
  }
  return v;
}

/**
 * The fingerprint of a row as a file holds it: SM3 over its fields in name order, each value as
 * text (null and empty alike). A CSV row and the same row as NDJSON have the same fingerprint.
 */
export function rowFingerprint(row: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(row).sort();
  return sm3(names.map((n) => `${n}\u001f${cellText(row[n])}`).join('\u001e'));
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The fingerprints of the real rows written, to drop a canary that happens to equal one (a
 * canary must never match a file that was not this export). A Bloom filter: a false positive
 * only drops a canary, a real row is never missed; about 2 bytes per row, never the rows.
 */
export class FingerprintFilter {
  private readonly bits: Uint8Array;
  private readonly size: number;
  constructor(expected: number) {
    this.size = Math.max(1024, Math.ceil(expected) * 16);
    this.bits = new Uint8Array(Math.ceil(this.size / 8));
  }
  private *slots(fp: string): Generator<number> {
    for (let i = 0; i < 4; i++) yield Number.parseInt(fp.slice(i * 8, i * 8 + 8), 16) % this.size;
  }
  add(fp: string): void {
    for (const s of this.slots(fp)) this.bits[s >> 3] = (this.bits[s >> 3] as number) | (1 << (s & 7));
  }
  mayHave(fp: string): boolean {
    for (const s of this.slots(fp)) if (((this.bits[s >> 3] as number) & (1 << (s & 7))) === 0) return false;
    return true;
  }
}
