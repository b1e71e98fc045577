import { setTimeout as sleep } from 'node:timers/promises';

/** Recent durations of the full work kept to judge its typical time. */
const samplesKept = 15;

/**
 * Makes a request that did little take about as long as one that did the real work, so the time of an
 * answer does not tell which it was (no enumeration, docs/security.md 61). The real work's time is
 * learned as it happens on this instance: the fastest of recent runs, what the work costs when nothing
 * else competes (load only ever adds time, to both paths alike); the short path waits out the difference. Wall time, not the injected Clock: this is about
 * what a client can measure, not about expiry.
 */
export class EvenTiming {
  private readonly samples: number[] = [];

  constructor(private readonly initialMs = 5) {}

  /** Runs the full work and learns how long it takes. */
  async full<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.samples.push(performance.now() - started);
    if (this.samples.length > samplesKept) this.samples.shift();
    return result;
  }

  /** Runs the short path and then waits as long as the full work typically takes. */
  async short<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    await until(started + this.typicalMs());
    return result;
  }

  private typicalMs(): number {
    if (this.samples.length === 0) return this.initialMs;
    return Math.min(...this.samples);
  }
}

/**
 * Waits until `deadline` (performance.now() time). A timer alone fires early or late by a millisecond
 * (the event loop's clock is cached), as much as the work itself takes on SQLite: the timer covers all
 * but the last millisecond, and yielding to other requests covers that.
 */
async function until(deadline: number): Promise<void> {
  const coarse = deadline - performance.now() - 1;
  if (coarse >= 1) await sleep(coarse);
  while (performance.now() < deadline) await new Promise<void>((resolve) => setImmediate(resolve));
}
