import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, freshDatabase } from '../../test/helpers/harness';
import { FixedClock } from '../support/clock';
import { RateLimiter } from './rate-limiter';

const minute = 60_000;
const limit = { max: 3, windowMs: minute };

for (const dialect of dialects) {
  describe(`RateLimiter [${dialect}]`, () => {
    let clock: FixedClock;
    let limiter: RateLimiter;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-limiter-'));
      const database = await freshDatabase(dialect, dataDir);
      clock = new FixedClock();
      limiter = new RateLimiter(database.handle.db, clock);
      cleanup = async () => {
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      };
    });

    afterEach(async () => {
      await cleanup();
    });

    async function consumeTimes(key: string, times: number) {
      const decisions = [];
      for (let i = 0; i < times; i += 1) decisions.push(await limiter.consume(key, limit));
      return decisions;
    }

    it('allows the maximum and then refuses, saying when to come back', async () => {
      const decisions = await consumeTimes('resend:jane@example.net', limit.max + 2);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
      expect(decisions[3]?.retryAfterMs).toBe(minute);

      clock.advance(20_000);
      const later = await limiter.consume('resend:jane@example.net', limit);
      expect(later).toEqual({ allowed: false, count: 6, retryAfterMs: 40_000 });
    });

    it('stays shut until the window ends and then opens a full new window', async () => {
      await consumeTimes('k', limit.max);
      clock.advance(minute - 1);
      expect((await limiter.consume('k', limit)).allowed).toBe(false);

      clock.advance(1);
      const fresh = await consumeTimes('k', limit.max + 1);
      expect(fresh.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(fresh[3]?.retryAfterMs).toBe(minute);
    });

    it('keeps separate counts per key', async () => {
      await consumeTimes('resend:a@example.net', limit.max + 1);
      const other = await consumeTimes('resend:b@example.net', limit.max);
      expect(other.every((d) => d.allowed)).toBe(true);
      expect((await limiter.consume('resend:a@example.net', limit)).allowed).toBe(false);
    });

    it('lets exactly the maximum through when fifty requests arrive at once', async () => {
      const max = 7;
      const decisions = await Promise.all(
        Array.from({ length: 50 }, () => limiter.consume('burst', { max, windowMs: minute })),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(max);
      for (const refused of decisions.filter((d) => !d.allowed)) expect(refused.retryAfterMs).toBe(minute);
    });

    it('gives one event back on release and forgets the key on reset', async () => {
      await consumeTimes('k', limit.max);
      await limiter.release('k');
      expect((await limiter.consume('k', limit)).allowed).toBe(true);
      expect((await limiter.consume('k', limit)).allowed).toBe(false);

      await limiter.reset('k');
      expect((await consumeTimes('k', limit.max)).every((d) => d.allowed)).toBe(true);
    });
  });
}
