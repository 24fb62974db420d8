/**
 * Rules of the scheduled pull: accepted addresses and headers, schedule bounds, the regular slots
 * of each update frequency in Beijing time, and the back-off after failures — each at its edges.
 */
import { describe, expect, it } from 'vitest';
import {
  FAILURES_BEFORE_NOTICE,
  MAX_HEADERS,
  MAX_INTERVAL_MINUTES,
  MIN_INTERVAL_MINUTES,
  addressProblem,
  auditUrl,
  bodyExcerpt,
  headerProblems,
  hostProblem,
  nextRunAfter,
  nextSlot,
  noticeDue,
  periodMinutes,
  scheduleProblem,
  urlProblem,
  type PullSchedule,
} from './pull.js';

const at = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();
const daily: PullSchedule = { kind: 'frequency', hour: 2 };

describe('addressProblem and hostProblem', () => {
  it('refuses this machine’s and link-local addresses, IPv4 and IPv6, mapped ones too', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '0.0.0.0', '169.254.169.254', '::1', '::', 'fe80::1', '::ffff:127.0.0.1']) expect(addressProblem(ip), ip).not.toBeNull();
  });
  it('lets public and private (intranet) addresses through', () => {
    for (const ip of ['10.1.2.3', '172.16.0.9', '192.168.1.20', '203.0.113.7', '128.0.0.1', '169.253.255.255', '2001:db8::1']) expect(addressProblem(ip), ip).toBeNull();
  });
  it('knows localhost by name and IP literals in brackets; other names wait to be resolved', () => {
    expect(hostProblem('localhost')).toContain('本机');
    expect(hostProblem('api.localhost')).toContain('本机');
    expect(hostProblem('[::1]')).not.toBeNull();
    expect(hostProblem('169.254.169.254')).not.toBeNull();
    expect(hostProblem('data.hainan.gov.cn')).toBeNull();
  });
});

describe('urlProblem', () => {
  it('accepts http and https addresses', () => {
    expect(urlProblem('http://127.0.0.1:8080/data.csv')).toBeNull();
    expect(urlProblem('https://data.example.gov.cn/api/people?since=2026-01-01')).toBeNull();
  });
  it('refuses other schemes, malformed addresses and credentials in the address', () => {
    expect(urlProblem('ftp://example.com/a.csv')).toContain('只能登记 http 或 https');
    expect(urlProblem('file:///etc/passwd')).toContain('不接受 file');
    expect(urlProblem('data:text/csv,a,b')).toContain('不接受 data');
    expect(urlProblem('not a url')).toContain('不是有效的网址');
    expect(urlProblem('https://user:secret@example.com/a.csv')).toContain('不能含用户名或密码');
  });
  it('bounds the length', () => {
    const base = 'https://example.com/';
    expect(urlProblem(base + 'a'.repeat(2000 - base.length))).toBeNull();
    expect(urlProblem(base + 'a'.repeat(2001 - base.length))).toContain('过长');
  });
});

describe('headerProblems', () => {
  it('accepts an Authorization header and a kept value (no value given)', () => {
    expect(headerProblems([{ name: 'Authorization', value: 'Bearer abc' }, { name: 'X-Api-Key' }])).toEqual([]);
  });
  it('refuses bad names, reserved names, duplicates, empty values and line breaks', () => {
    const p = headerProblems([
      { name: 'Bad Name', value: 'x' },
      { name: 'Host', value: 'x' },
      { name: 'X-Key', value: 'a' },
      { name: 'x-key', value: 'b' },
      { name: 'X-Empty', value: '' },
      { name: 'X-Inject', value: 'a\r\nEvil: 1' },
    ]);
    expect(p.map((x) => [x.index, x.field])).toEqual([
      [0, 'name'],
      [1, 'name'],
      [3, 'name'],
      [4, 'value'],
      [5, 'value'],
    ]);
  });
  it(`allows ${MAX_HEADERS} headers, not one more`, () => {
    const hs = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `X-H${i}`, value: 'v' }));
    expect(headerProblems(hs(MAX_HEADERS))).toEqual([]);
    expect(headerProblems(hs(MAX_HEADERS + 1))[0]?.message).toContain(`最多 ${MAX_HEADERS} 个`);
  });
});

describe('scheduleProblem', () => {
  it('bounds an explicit interval on both sides', () => {
    expect(scheduleProblem({ kind: 'interval', minutes: MIN_INTERVAL_MINUTES })).toBeNull();
    expect(scheduleProblem({ kind: 'interval', minutes: MIN_INTERVAL_MINUTES - 1 })).toContain('不能短于 5 分钟');
    expect(scheduleProblem({ kind: 'interval', minutes: MAX_INTERVAL_MINUTES })).toBeNull();
    expect(scheduleProblem({ kind: 'interval', minutes: MAX_INTERVAL_MINUTES + 1 })).toContain('不能长于');
  });
  it('takes hours 0 to 23', () => {
    expect(scheduleProblem({ kind: 'frequency', hour: 0 })).toBeNull();
    expect(scheduleProblem({ kind: 'frequency', hour: 23 })).toBeNull();
    expect(scheduleProblem({ kind: 'frequency', hour: 24 })).toContain('0 至 23');
    expect(scheduleProblem({ kind: 'frequency', hour: -1 })).toContain('0 至 23');
  });
});

describe('nextSlot', () => {
  it('realtime: every 15 minutes; an interval: every n minutes', () => {
    expect(iso(nextSlot(daily, 'realtime', at('2026-09-18T10:00:00+08:00')))).toBe(iso(at('2026-09-18T10:15:00+08:00')));
    expect(iso(nextSlot({ kind: 'interval', minutes: 45 }, 'daily', at('2026-09-18T10:00:00+08:00')))).toBe(iso(at('2026-09-18T10:45:00+08:00')));
  });
  it('daily: at the hour in Beijing time, strictly after the instant', () => {
    expect(iso(nextSlot(daily, 'daily', at('2026-09-18T01:59:59+08:00')))).toBe(iso(at('2026-09-18T02:00:00+08:00')));
    expect(iso(nextSlot(daily, 'daily', at('2026-09-18T02:00:00+08:00')))).toBe(iso(at('2026-09-19T02:00:00+08:00')));
    // 20:00 UTC is already the next Beijing day (04:00): its 02:00 has passed.
    expect(iso(nextSlot(daily, 'daily', at('2026-09-18T20:00:00Z')))).toBe(iso(at('2026-09-20T02:00:00+08:00')));
    // 17:30 UTC is 01:30 Beijing on the 19th.
    expect(iso(nextSlot(daily, 'daily', at('2026-09-18T17:30:00Z')))).toBe(iso(at('2026-09-19T02:00:00+08:00')));
  });
  it('irregular is looked at daily', () => {
    expect(iso(nextSlot(daily, 'irregular', at('2026-09-18T10:00:00+08:00')))).toBe(iso(at('2026-09-19T02:00:00+08:00')));
  });
  it('weekly: on Monday at the hour', () => {
    // 2026-09-18 is a Friday; 2026-09-21 a Monday.
    expect(iso(nextSlot(daily, 'weekly', at('2026-09-18T10:00:00+08:00')))).toBe(iso(at('2026-09-21T02:00:00+08:00')));
    expect(iso(nextSlot(daily, 'weekly', at('2026-09-21T01:00:00+08:00')))).toBe(iso(at('2026-09-21T02:00:00+08:00')));
    expect(iso(nextSlot(daily, 'weekly', at('2026-09-21T02:00:00+08:00')))).toBe(iso(at('2026-09-28T02:00:00+08:00')));
    // Sunday evening Beijing time.
    expect(iso(nextSlot(daily, 'weekly', at('2026-09-20T23:00:00+08:00')))).toBe(iso(at('2026-09-21T02:00:00+08:00')));
  });
  it('monthly: on the 1st; across a year end', () => {
    expect(iso(nextSlot(daily, 'monthly', at('2026-09-18T10:00:00+08:00')))).toBe(iso(at('2026-10-01T02:00:00+08:00')));
    expect(iso(nextSlot(daily, 'monthly', at('2026-10-01T01:00:00+08:00')))).toBe(iso(at('2026-10-01T02:00:00+08:00')));
    expect(iso(nextSlot(daily, 'monthly', at('2026-12-05T10:00:00+08:00')))).toBe(iso(at('2027-01-01T02:00:00+08:00')));
  });
  it('quarterly: on the 1st of January, April, July and October', () => {
    expect(iso(nextSlot(daily, 'quarterly', at('2026-09-18T10:00:00+08:00')))).toBe(iso(at('2026-10-01T02:00:00+08:00')));
    expect(iso(nextSlot(daily, 'quarterly', at('2026-10-01T02:00:00+08:00')))).toBe(iso(at('2027-01-01T02:00:00+08:00')));
    expect(iso(nextSlot(daily, 'quarterly', at('2026-07-01T01:00:00+08:00')))).toBe(iso(at('2026-07-01T02:00:00+08:00')));
  });
  it('yearly: on 1 January', () => {
    expect(iso(nextSlot({ kind: 'frequency', hour: 0 }, 'yearly', at('2026-09-18T10:00:00+08:00')))).toBe(iso(at('2027-01-01T00:00:00+08:00')));
    expect(iso(nextSlot({ kind: 'frequency', hour: 3 }, 'yearly', at('2026-01-01T02:59:00+08:00')))).toBe(iso(at('2026-01-01T03:00:00+08:00')));
  });
});

describe('periodMinutes', () => {
  it('maps each frequency and an interval', () => {
    expect(periodMinutes(daily, 'realtime')).toBe(15);
    expect(periodMinutes(daily, 'daily')).toBe(1440);
    expect(periodMinutes(daily, 'irregular')).toBe(1440);
    expect(periodMinutes(daily, 'weekly')).toBe(10080);
    expect(periodMinutes({ kind: 'interval', minutes: 30 }, 'yearly')).toBe(30);
  });
});

describe('nextRunAfter', () => {
  const t0 = at('2026-09-18T10:00:00+08:00');
  const plus = (min: number) => iso(new Date(t0.getTime() + min * 60_000));
  it('after a success: the next regular slot', () => {
    expect(iso(nextRunAfter(daily, 'realtime', t0, 0))).toBe(plus(15));
    expect(iso(nextRunAfter(daily, 'daily', t0, 0))).toBe(iso(at('2026-09-19T02:00:00+08:00')));
  });
  it('shorter than a day: doubles the period per failure, up to a day', () => {
    expect(iso(nextRunAfter(daily, 'realtime', t0, 1))).toBe(plus(30));
    expect(iso(nextRunAfter(daily, 'realtime', t0, 2))).toBe(plus(60));
    expect(iso(nextRunAfter(daily, 'realtime', t0, 6))).toBe(plus(960));
    expect(iso(nextRunAfter(daily, 'realtime', t0, 7))).toBe(plus(1440));
    expect(iso(nextRunAfter(daily, 'realtime', t0, 50))).toBe(plus(1440));
    expect(iso(nextRunAfter({ kind: 'interval', minutes: 720 }, 'daily', t0, 1))).toBe(plus(1440));
  });
  it('a day or longer: retries after 30 minutes, doubling, never past the next regular slot', () => {
    expect(iso(nextRunAfter(daily, 'daily', t0, 1))).toBe(plus(30));
    expect(iso(nextRunAfter(daily, 'daily', t0, 2))).toBe(plus(60));
    expect(iso(nextRunAfter(daily, 'daily', t0, 5))).toBe(plus(480));
    // 16 h would be 02:00 the next day, the slot itself; 32 h is past it.
    expect(iso(nextRunAfter(daily, 'daily', t0, 6))).toBe(iso(at('2026-09-19T02:00:00+08:00')));
    expect(iso(nextRunAfter(daily, 'daily', t0, 7))).toBe(iso(at('2026-09-19T02:00:00+08:00')));
    expect(iso(nextRunAfter(daily, 'weekly', t0, 7))).toBe(plus(1440));
  });
});

describe('noticeDue', () => {
  it(`tells the org once, at ${FAILURES_BEFORE_NOTICE} failures in a row`, () => {
    expect(noticeDue(FAILURES_BEFORE_NOTICE - 1)).toBe(false);
    expect(noticeDue(FAILURES_BEFORE_NOTICE)).toBe(true);
    expect(noticeDue(FAILURES_BEFORE_NOTICE + 1)).toBe(false);
  });
});

describe('bodyExcerpt and auditUrl', () => {
  it('flattens and cuts a body; drops query and fragment from an address', () => {
    expect(bodyExcerpt('  internal\n\nerror  ')).toBe('internal error');
    expect(bodyExcerpt('x'.repeat(250))).toBe(`${'x'.repeat(200)}…`);
    expect(auditUrl('https://a.example/p/q.csv?token=secret#x')).toBe('https://a.example/p/q.csv');
  });
});
