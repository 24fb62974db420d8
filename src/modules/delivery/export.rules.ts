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
/** Real rows read and written per page (the page path). */
export const EXPORT_PAGE = 1000;
/** Progress is recorded after this many rows, or after PROGRESS_MS, whichever comes first. */
export const PROGRESS_ROWS = 100_000;
export const PROGRESS_MS = 500;
/** From this many rows, an export on PostgreSQL with unique keys streams its two halves at once. */
export const SPLIT_ROWS = 200_000;
export const MIN_CANARIES = 4;
export const MAX_CANARIES = 32;
/** One more canary per this many real rows (between the minimum and the maximum). */
export const ROWS_PER_CANARY = 5000;

export const EXPORT_NEEDS = '被授权单位的经办人、数据工作机构负责人或机构管理员';

/** The subject org's clerk, data officer or org admin exports its grants' data. */
export const canExport = (auth: AuthContext, g: { subject_org_id: string }): boolean =>
  auth.org.id === g.subject_org_id && (hasUserRole(auth, 'clerk') || hasUserRole(auth, 'data_officer') || hasUserRole(auth, 'org_admin') || auth.org.kind === 'person');

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

/**
 * A Bloom filter of the lines written (the fast path): a line is hashed over its bytes — two
 * 32-bit multiplicative hashes in one pass, four slots by double hashing — with `:null` read as
 * `:""`, so that an NDJSON line differing from another only by null against empty text (which
 * the row fingerprint does not tell apart either) hashes the same. Canary lines are hashed the
 * same way. A false positive only drops a canary; about 2 bytes per line.
 */
export class LineFilter {
  private readonly bits: Uint8Array;
  private readonly size: number;
  private h1 = 0;
  private h2 = 0;
  constructor(expected: number) {
    this.size = Math.max(1024, Math.ceil(expected) * 16);
    this.bits = new Uint8Array(Math.ceil(this.size / 8));
  }
  private hash(b: Uint8Array, start: number, end: number): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = start; i < end; i++) {
      let c = b[i] as number;
      if (c === 0x3a && i + 4 < end && b[i + 1] === 0x6e && b[i + 2] === 0x75 && b[i + 3] === 0x6c && b[i + 4] === 0x6c) {
        // `:null` as `:""`
        h1 = Math.imul(h1 ^ 0x3a, 16777619);
        h2 = Math.imul(h2 ^ 0x3a, 0x5bd1e995);
        h2 ^= h2 >>> 15;
        h1 = Math.imul(h1 ^ 0x22, 16777619);
        h2 = Math.imul(h2 ^ 0x22, 0x5bd1e995);
        h2 ^= h2 >>> 15;
        c = 0x22;
        i += 4;
      }
      h1 = Math.imul(h1 ^ c, 16777619);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    this.h1 = fmix(h1);
    this.h2 = fmix(h2) | 1;
  }
  private slot(i: number): number {
    return ((this.h1 + Math.imul(i, this.h2)) >>> 0) % this.size;
  }
  /**
   * Hashes the CSV row that starts at `start` — up to the line break outside quotes, included —
   * and returns where it ends, or -1 when `b` ends inside it. `addHashed` then adds it.
   */
  scanCsvRow(b: Uint8Array, start: number): number {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    let quoted = false;
    const end = b.length;
    for (let i = start; i < end; i++) {
      let c = b[i] as number;
      if (c === 0x22) quoted = !quoted;
      else if (c === 0x3a && i + 4 < end && b[i + 1] === 0x6e && b[i + 2] === 0x75 && b[i + 3] === 0x6c && b[i + 4] === 0x6c) {
        h1 = Math.imul(h1 ^ 0x3a, 16777619);
        h2 = Math.imul(h2 ^ 0x3a, 0x5bd1e995);
        h2 ^= h2 >>> 15;
        h1 = Math.imul(h1 ^ 0x22, 16777619);
        h2 = Math.imul(h2 ^ 0x22, 0x5bd1e995);
        h2 ^= h2 >>> 15;
        c = 0x22;
        i += 4;
      }
      h1 = Math.imul(h1 ^ c, 16777619);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
      if (c === 0x0a && !quoted) {
        this.h1 = fmix(h1);
        this.h2 = fmix(h2) | 1;
        return i + 1;
      }
    }
    return -1;
  }
  /** Adds the row `scanCsvRow` hashed last. */
  addHashed(): void {
    for (let i = 0; i < 4; i++) {
      const s = this.slot(i);
      this.bits[s >> 3] = (this.bits[s >> 3] as number) | (1 << (s & 7));
    }
  }
  add(b: Uint8Array, start = 0, end = b.length): void {
    this.hash(b, start, end);
    for (let i = 0; i < 4; i++) {
      const s = this.slot(i);
      this.bits[s >> 3] = (this.bits[s >> 3] as number) | (1 << (s & 7));
    }
  }
  mayHave(b: Uint8Array, start = 0, end = b.length): boolean {
    this.hash(b, start, end);
    for (let i = 0; i < 4; i++) {
      const s = this.slot(i);
      if (((this.bits[s >> 3] as number) & (1 << (s & 7))) === 0) return false;
    }
    return true;
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A line of `COPY … TO` text output as the text it stands for: PostgreSQL writes a backslash
 * before `\\` and as `\b \f \n \r \t \v` for those control characters; nothing else is escaped.
 */
export function unescapeCopyText(b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(b.length);
  let o = 0;
  for (let i = 0; i < b.length; i++) {
    let c = b[i] as number;
    if (c === 0x5c && i + 1 < b.length) {
      const e = b[++i] as number;
      c = e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x66 ? 0x0c : e === 0x76 ? 0x0b : e;
    }
    out[o++] = c;
  }
  return out.subarray(0, o);
}

/**
 * A complete CSV row (without its line break) cut before its last field: the text before it and
 * the field's value (unquoted, quotes undoubled).
 */
export function splitLastCsvField(row: string): { before: string; value: string } {
  let i = 0;
  let start = 0;
  for (;;) {
    start = i;
    if (row[i] === '"') {
      i++;
      while (i < row.length) {
        if (row[i] === '"') {
          if (row[i + 1] === '"') i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
    } else {
      while (i < row.length && row[i] !== ',') i++;
    }
    if (i < row.length && row[i] === ',') {
      i++;
      continue;
    }
    break;
  }
  const field = row.slice(start);
  return { before: row.slice(0, start), value: field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field };
}
