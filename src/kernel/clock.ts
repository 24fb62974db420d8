/**
 * The one clock. Every "now" in Gongshu comes from an injected `Clock`; dates and deadlines are
 * reckoned in Beijing time (UTC+8, no daylight saving) whatever the server's zone.
 */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and then runs on in real time (`GONGSHU_NOW`). */
export function startingClock(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** A clock for tests: stands still until moved. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing calendar date (`YYYY-MM-DD`) of an instant. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Beijing calendar day begins (00:00 +08:00). */
export function beijingStartOfDay(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** The instant a Beijing calendar day ends (24:00, i.e. the next day's 00:00 +08:00). */
export function beijingEndOfDay(date: string): Date {
  return new Date(beijingStartOfDay(date).getTime() + 86_400_000);
}

/** An ISO timestamp shown in Beijing time, e.g. `2026-09-18T10:00:00+08:00`. */
export function beijingIso(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}
