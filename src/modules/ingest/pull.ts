/**
 * Rules of the scheduled pull (定时拉取, 000 第八条 "服务接口"): which addresses and request headers
 * a source may have, when it runs next — from the entry's published update frequency or an
 * explicit interval — and how consecutive failures back off. Pure: no I/O, every instant passed in.
 */
import { BlockList, isIP } from 'node:net';

export const ART_PULL = '000 第八条';

/** A realtime entry is pulled every 15 minutes. */
export const REALTIME_MINUTES = 15;
/** Bounds of an explicit interval: not more often than every 5 minutes, at least once a week. */
export const MIN_INTERVAL_MINUTES = 5;
export const MAX_INTERVAL_MINUTES = 7 * 24 * 60;
/** The Beijing hour of day-or-longer slots when none is registered (night, off business hours). */
export const DEFAULT_HOUR = 2;
/** After this many failures in a row the provider org is notified (once per streak). */
export const FAILURES_BEFORE_NOTICE = 3;
/** The first retry of a day-or-longer schedule, doubled on each further failure up to a day. */
export const LONG_RETRY_MINUTES = 30;
export const MAX_HEADERS = 10;
export const MAX_HEADER_VALUE = 4096;
export const MAX_URL_LENGTH = 2000;

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** How a source is scheduled. */
export type PullSchedule = { kind: 'frequency'; hour: number } | { kind: 'interval'; minutes: number };

/**
 * Why an address cannot be pulled, or null when it can: http or https only (no file:, ftp:,
 * data: …), and no user name or password in it — credentials go in a request header, stored
 * encrypted, never in an address shown on the page.
 */
export function urlProblem(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) return `接口地址过长（不超过 ${MAX_URL_LENGTH} 个字符）`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '接口地址不是有效的网址';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `只能登记 http 或 https 接口地址，不接受 ${url.protocol.replace(/:$/, '')}`;
  if (!url.hostname) return '接口地址缺少主机名';
  if (url.username || url.password) return '接口地址中不能含用户名或密码，请改用请求头（如 Authorization）登记凭据';
  return null;
}

/**
 * Addresses a pull never fetches from unless the platform allows it (`INGEST_PULL_ALLOW_LOCAL`):
 * this machine (loopback, unspecified) and link-local ones (cloud instance metadata at
 * 169.254.169.254), so a registered address cannot reach the platform's own services. Private
 * ranges (10/8, 172.16/12, 192.168/16) stay allowed: government intranets use them.
 */
const LOCAL = new BlockList();
LOCAL.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('0.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL.addAddress('::1', 'ipv6');
LOCAL.addAddress('::', 'ipv6');
LOCAL.addSubnet('fe80::', 10, 'ipv6');

/** Why a pull may not fetch from the IP address `ip`, or null when it may. */
export function addressProblem(ip: string): string | null {
  const family = isIP(ip);
  if (family === 0) return `不是 IP 地址：${ip}`;
  return LOCAL.check(ip, family === 6 ? 'ipv6' : 'ipv4') ? `${ip} 是本机或链路本地地址，平台不从这类地址拉取数据` : null;
}

/** Why the address's host, as written, is local (`localhost` or a local IP literal); null otherwise. Names are checked again once resolved. */
export function hostProblem(hostname: string): string | null {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} 指向本机，平台不从本机地址拉取数据`;
  return isIP(host) ? addressProblem(host) : null;
}

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** Headers the platform sets itself (connection framing, the conditional request). */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'if-none-match', 'if-modified-since', 'accept-encoding']);

/** Problems of a set of request headers, each with the index of the header it concerns. */
export function headerProblems(headers: ReadonlyArray<{ name: string; value?: string | undefined }>): Array<{ index: number; field: 'name' | 'value'; message: string }> {
  const out: Array<{ index: number; field: 'name' | 'value'; message: string }> = [];
  if (headers.length > MAX_HEADERS) out.push({ index: MAX_HEADERS, field: 'name', message: `请求头最多 ${MAX_HEADERS} 个` });
  const seen = new Set<string>();
  headers.forEach((h, index) => {
    const lower = h.name.toLowerCase();
    if (!HEADER_NAME.test(h.name)) out.push({ index, field: 'name', message: `请求头名称“${h.name}”无效：只能用字母、数字和连字符` });
    else if (RESERVED_HEADERS.has(lower)) out.push({ index, field: 'name', message: `请求头“${h.name}”由平台设置，不能登记` });
    else if (seen.has(lower)) out.push({ index, field: 'name', message: `请求头“${h.name}”重复` });
    seen.add(lower);
    if (h.value !== undefined) {
      if (h.value.length === 0) out.push({ index, field: 'value', message: `请求头“${h.name}”的值不能为空` });
      else if (h.value.length > MAX_HEADER_VALUE) out.push({ index, field: 'value', message: `请求头“${h.name}”的值过长（不超过 ${MAX_HEADER_VALUE} 个字符）` });
      else if (/[\r\n\0]/.test(h.value)) out.push({ index, field: 'value', message: `请求头“${h.name}”的值不能含换行` });
    }
  });
  return out;
}

/** Why an explicit interval or hour is out of bounds, or null. */
export function scheduleProblem(s: PullSchedule): string | null {
  if (s.kind === 'interval') {
    if (!Number.isInteger(s.minutes) || s.minutes < MIN_INTERVAL_MINUTES) return `拉取间隔不能短于 ${MIN_INTERVAL_MINUTES} 分钟`;
    if (s.minutes > MAX_INTERVAL_MINUTES) return `拉取间隔不能长于 ${MAX_INTERVAL_MINUTES} 分钟（7 天）；更长的周期请按目录的更新频率拉取`;
    return null;
  }
  if (!Number.isInteger(s.hour) || s.hour < 0 || s.hour > 23) return '拉取时刻应为 0 至 23 点（北京时间）';
  return null;
}

/** Minutes between regular runs (months and years counted at their shortest). */
export function periodMinutes(s: PullSchedule, updateFrequency: string): number {
  if (s.kind === 'interval') return s.minutes;
  switch (updateFrequency) {
    case 'realtime':
      return REALTIME_MINUTES;
    case 'weekly':
      return 7 * DAY_MINUTES;
    case 'monthly':
      return 28 * DAY_MINUTES;
    case 'quarterly':
      return 89 * DAY_MINUTES;
    case 'yearly':
      return 365 * DAY_MINUTES;
    default:
      // daily, and irregular: with conditional requests a daily look costs little and lands a
      // change within a day (000 第十条's one day for base data).
      return DAY_MINUTES;
  }
}

/** The instant of Beijing wall time y-m-d h:00 (month 0-based; overflow rolls over). */
const beijing = (y: number, m: number, d: number, h: number) => new Date(Date.UTC(y, m, d, h) - BEIJING_OFFSET_MS);

/**
 * The first regular run strictly after `after`: realtime every 15 minutes, an interval every n
 * minutes; daily at the registered hour (Beijing time), weekly on Monday, monthly on the 1st,
 * quarterly on the 1st of January, April, July and October, yearly on 1 January — each at that
 * hour. An irregular frequency is looked at daily.
 */
export function nextSlot(s: PullSchedule, updateFrequency: string, after: Date): Date {
  if (s.kind === 'interval' || updateFrequency === 'realtime') return new Date(after.getTime() + periodMinutes(s, updateFrequency) * MINUTE);
  const b = new Date(after.getTime() + BEIJING_OFFSET_MS);
  const y = b.getUTCFullYear();
  const m = b.getUTCMonth();
  const d = b.getUTCDate();
  const h = s.hour;
  const first = (c: Date, next: () => Date) => (c.getTime() > after.getTime() ? c : next());
  switch (updateFrequency) {
    case 'weekly': {
      const sinceMonday = (b.getUTCDay() + 6) % 7;
      return first(beijing(y, m, d - sinceMonday, h), () => beijing(y, m, d - sinceMonday + 7, h));
    }
    case 'monthly':
      return first(beijing(y, m, 1, h), () => beijing(y, m + 1, 1, h));
    case 'quarterly': {
      const q = m - (m % 3);
      return first(beijing(y, q, 1, h), () => beijing(y, q + 3, 1, h));
    }
    case 'yearly':
      return first(beijing(y, 0, 1, h), () => beijing(y + 1, 0, 1, h));
    default:
      return first(beijing(y, m, d, h), () => beijing(y, m, d + 1, h));
  }
}

/**
 * When a source runs next after a run that ended at `at` with `failures` failures in a row (0
 * after a success). Schedules shorter than a day back off by doubling the period up to a day;
 * day-or-longer schedules retry after 30 minutes, doubling up to a day, but never later than
 * their next regular slot, so a missed daily update is retried the same day.
 */
export function nextRunAfter(s: PullSchedule, updateFrequency: string, at: Date, failures: number): Date {
  const slot = nextSlot(s, updateFrequency, at);
  if (failures <= 0) return slot;
  const period = periodMinutes(s, updateFrequency);
  // 2^failures overflows nothing here: the exponent is capped before it matters.
  const doubled = (base: number, n: number) => Math.min(base * 2 ** Math.min(n, 20), DAY_MINUTES);
  if (period < DAY_MINUTES) return new Date(at.getTime() + doubled(period, failures) * MINUTE);
  const retry = new Date(at.getTime() + doubled(LONG_RETRY_MINUTES, failures - 1) * MINUTE);
  return retry.getTime() < slot.getTime() ? retry : slot;
}

/** The provider org is told once per streak of failures, when it reaches the threshold. */
export const noticeDue = (failures: number) => failures === FAILURES_BEFORE_NOTICE;

/** A short, single-line excerpt of a response body for the run record. */
export function bodyExcerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** The address as recorded in the audit log: no query string or fragment (they may carry tokens). */
export function auditUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '';
  }
}
