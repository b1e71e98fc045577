/** Time is injected everywhere so that expiry edges are tested with a fixed clock, never with sleeps. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock for tests: stands still until told to move. */
export class FixedClock implements Clock {
  constructor(private time: number = Date.UTC(2026, 10, 29, 9, 0, 0)) {}
  now(): number {
    return this.time;
  }
  set(time: number): void {
    this.time = time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
