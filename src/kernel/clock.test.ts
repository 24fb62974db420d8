import { afterEach, describe, expect, it, vi } from 'vitest';
import { beijingDate, beijingEndOfDay, beijingIso, beijingStartOfDay, ManualClock, startingClock, systemClock } from './clock.js';

describe('Beijing dates', () => {
  it('gives the same Beijing date up to 15:59:59.999Z and the next one from 16:00:00Z', () => {
    expect(beijingDate(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    expect(beijingDate(new Date('2026-09-30T15:59:59.999Z'))).toBe('2026-09-30');
    expect(beijingDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
  });

  it('turns the year at 2025-12-31T16:00:00Z', () => {
    expect(beijingDate(new Date('2025-12-31T15:59:59Z'))).toBe('2025-12-31');
    expect(beijingDate(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });

  it('reads an instant written with +08:00 as that Beijing date', () => {
    expect(beijingDate(new Date('2026-09-30T23:30:00+08:00'))).toBe('2026-09-30');
    expect(beijingDate(new Date('2026-10-01T00:00:00+08:00'))).toBe('2026-10-01');
  });

  it('starts a Beijing day at 16:00Z the day before and ends it 24 hours later', () => {
    expect(beijingStartOfDay('2026-10-09').toISOString()).toBe('2026-10-08T16:00:00.000Z');
    expect(beijingEndOfDay('2026-10-09').toISOString()).toBe('2026-10-09T16:00:00.000Z');
    expect(beijingEndOfDay('2026-12-31').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('shows an instant in Beijing time with its +08:00 offset', () => {
    expect(beijingIso(new Date('2026-09-18T02:00:00Z'))).toBe('2026-09-18T10:00:00+08:00');
    expect(beijingIso(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01T00:30:00+08:00');
  });

  it('does not depend on the process time zone', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(beijingDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
      expect(beijingEndOfDay('2026-10-09').toISOString()).toBe('2026-10-09T16:00:00.000Z');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('startingClock (GONGSHU_NOW)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts at the given instant and then runs on in real time', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const clock = startingClock(new Date('2026-09-18T10:00:00+08:00'));
    expect(clock.now().toISOString()).toBe('2026-09-18T02:00:00.000Z');
    vi.advanceTimersByTime(90_000);
    expect(clock.now().toISOString()).toBe('2026-09-18T02:01:30.000Z');
    vi.advanceTimersByTime(86_400_000);
    expect(beijingDate(clock.now())).toBe('2026-09-19');
  });

  it('moves on without fake timers too', async () => {
    const clock = startingClock(new Date('2026-09-18T10:00:00+08:00'));
    const first = clock.now().getTime();
    expect(Math.abs(first - Date.parse('2026-09-18T02:00:00Z'))).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 25));
    expect(clock.now().getTime()).toBeGreaterThan(first);
  });
});

describe('ManualClock', () => {
  it('stands still until set or advanced', () => {
    const clock = new ManualClock('2026-09-18T10:00:00+08:00');
    const a = clock.now();
    expect(clock.now().getTime()).toBe(a.getTime());
    clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2026-09-18T02:01:00.000Z');
    clock.advanceDays(2);
    expect(clock.now().toISOString()).toBe('2026-09-20T02:01:00.000Z');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('hands out copies, so a caller cannot move it by mutating a returned Date', () => {
    const clock = new ManualClock('2026-09-18T02:00:00Z');
    clock.now().setUTCFullYear(1999);
    expect(clock.now().toISOString()).toBe('2026-09-18T02:00:00.000Z');
  });
});

describe('systemClock', () => {
  it('tells the real time', () => {
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(1_000);
  });
});
