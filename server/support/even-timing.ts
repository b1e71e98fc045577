import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Makes a request that did little take about as long as one that did the real work, so the time of an
 * answer does not tell which it was (no enumeration, docs/security.md 61). The real work's time is
 * learned as it happens (a moving average on this instance); the short path waits out the difference.
 * Wall time, not the injected Clock: this is about what a client can measure, not about expiry.
 */
export class EvenTiming {
  private typicalMs: number;

  constructor(initialMs = 5) {
    this.typicalMs = initialMs;
  }

  /** Runs the full work and learns how long it takes. */
  async full<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.typicalMs = 0.8 * this.typicalMs + 0.2 * (performance.now() - started);
    return result;
  }

  /** Runs the short path and then waits as long as the full work typically takes. */
  async short<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    const remaining = this.typicalMs - (performance.now() - started);
    if (remaining > 0) await sleep(remaining);
    return result;
  }
}
