import { describe, expect, it } from 'vitest';
import { dueTimes, runOpenLoop, type Timer } from '../../bench/lib/open-loop';
import { median, percentile } from '../../bench/lib/stats';

/**
 * The benchmark's latency figure (issue 7, figure 2) is only as honest as its generator: requests must
 * leave on an even schedule whatever the server does, and a wait must show up in the latency even when
 * the generator itself was late. A virtual clock makes that exact.
 */

/** A clock that moves only when someone sleeps on it; `lag` makes every sleep overshoot, like a busy core. */
function virtualTimer(lag = 0): Timer & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms + lag;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('the open-loop load generator', () => {
  it('spaces requests evenly: 20 per second for one second are due every 50 ms', () => {
    expect(dueTimes(20, 1000)).toEqual(Array.from({ length: 20 }, (_, i) => i * 50));
  });

  it('sends every request on time even while none of the earlier ones has been answered', async () => {
    const timer = virtualTimer();
    const sentAt: number[] = [];
    const pending: (() => void)[] = [];
    const result = await runOpenLoop({
      ratePerSecond: 10,
      durationMs: 1000,
      timer,
      send: (index) =>
        new Promise<boolean>((resolve) => {
          sentAt.push(timer.now());
          pending.push(() => resolve(true));
          // The server answers nothing until the last request is in, then everything at once.
          if (index === 9) {
            timer.advance(250);
            pending.forEach((answer) => answer());
          }
        }),
    });
    expect(sentAt).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    // Each waited from its due time until the one late answer at 1150 ms.
    expect(result.latenciesMs).toEqual([1150, 1050, 950, 850, 750, 650, 550, 450, 350, 250]);
    expect(result.failures).toBe(0);
  });

  it('counts a lagging generator against the server, from each request’s due time', async () => {
    const timer = virtualTimer(3);
    const result = await runOpenLoop({
      ratePerSecond: 100,
      durationMs: 100,
      timer,
      // Answered the instant it is sent: any latency is the generator's own lag.
      send: async () => true,
    });
    expect(result.maxSendLagMs).toBeGreaterThanOrEqual(3);
    expect(Math.min(...result.latenciesMs.slice(1))).toBeGreaterThanOrEqual(3);
  });

  it('counts refused and failed requests as failures, not as fast answers', async () => {
    const result = await runOpenLoop({
      ratePerSecond: 10,
      durationMs: 400,
      timer: virtualTimer(),
      send: async (index) => {
        if (index === 1) throw new Error('connection reset');
        return index !== 2;
      },
    });
    expect(result.failures).toBe(2);
    expect(result.sent).toBe(4);
  });
});

describe('the benchmark statistics', () => {
  it('reports percentiles as latencies that were actually observed (nearest rank)', () => {
    const samples = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(samples, 0.9)).toBe(9);
    expect(percentile(samples, 0.5)).toBe(5);
    expect(percentile(samples, 1)).toBe(10);
    expect(percentile([42], 0.9)).toBe(42);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
  });
});
