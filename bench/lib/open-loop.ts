/**
 * An open-loop load generator's clockwork: request i is due at start + i / rate, whether or not the
 * earlier ones have been answered. Latency runs from the time a request was *due*, not from when it
 * went out, so a generator that falls behind cannot hide the wait (no coordinated omission).
 * autocannon's `overallRate` is not this: each connection sends its quota at the start of every
 * second and then idles, which measures bursts (see bench/README.md).
 */

export interface Timer {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface OpenLoopOptions {
  ratePerSecond: number;
  durationMs: number;
  /** Sends request `index`; resolves true for an expected answer, false for anything else. */
  send: (index: number) => Promise<boolean>;
  timer?: Timer;
}

export interface OpenLoopResult {
  /** Per answered request, from its due time to its answer, in due order. */
  latenciesMs: number[];
  sent: number;
  failures: number;
  /** The most any request left after its due time: the generator's own lag, already inside latenciesMs. */
  maxSendLagMs: number;
  /** Requests per second actually offered: sent / (last due time - first due time). */
  offeredRate: number;
}

/** Due times, in ms after the start, of an evenly spaced run. */
export function dueTimes(ratePerSecond: number, durationMs: number): number[] {
  if (!(ratePerSecond > 0)) throw new Error(`rate must be positive, got ${ratePerSecond}`);
  const count = Math.max(1, Math.floor((ratePerSecond * durationMs) / 1000));
  const interval = 1000 / ratePerSecond;
  return Array.from({ length: count }, (_, index) => index * interval);
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const timer = options.timer ?? realTimer;
  const due = dueTimes(options.ratePerSecond, options.durationMs);
  const latencies = new Array<number>(due.length);
  let failures = 0;
  let maxSendLagMs = 0;
  const answers: Promise<void>[] = [];
  const start = timer.now();
  for (const [index, offset] of due.entries()) {
    const dueAt = start + offset;
    const wait = dueAt - timer.now();
    if (wait > 0) await timer.sleep(wait);
    maxSendLagMs = Math.max(maxSendLagMs, timer.now() - dueAt);
    answers.push(
      options.send(index).then(
        (ok) => {
          latencies[index] = timer.now() - dueAt;
          if (!ok) failures++;
        },
        () => {
          latencies[index] = timer.now() - dueAt;
          failures++;
        },
      ),
    );
  }
  await Promise.all(answers);
  const span = due.length > 1 ? (due[due.length - 1] as number) / 1000 : Number.NaN;
  return {
    latenciesMs: latencies,
    sent: due.length,
    failures,
    maxSendLagMs,
    offeredRate: due.length > 1 ? (due.length - 1) / span : Number.NaN,
  };
}
