import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, freshDatabase } from '../../test/helpers/harness';
import { FixedClock } from '../support/clock';
import { PasswordGuard } from './password-guard';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const key = 'login:jane@example.net';

for (const dialect of dialects) {
  describe(`PasswordGuard [${dialect}]`, () => {
    let clock: FixedClock;
    let guard: PasswordGuard;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'wem-guard-'));
      const database = await freshDatabase(dialect, dataDir);
      clock = new FixedClock();
      guard = new PasswordGuard(database.handle.db, clock);
      cleanup = async () => {
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      };
    });

    afterEach(async () => {
      await cleanup();
    });

    async function reserveTimes(times: number, guardKey = key): Promise<boolean[]> {
      const results = [];
      for (let i = 0; i < times; i += 1) results.push(await guard.reserve(guardKey));
      return results;
    }

    it('gives five free attempts and then refuses until a delay has passed', async () => {
      expect(await reserveTimes(6)).toEqual([true, true, true, true, true, false]);
    });

    it('doubles the delay after each further attempt, from 1 s up to a cap of 15 minutes', async () => {
      await reserveTimes(5);
      const expectedDelays = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900].map((s) => s * second);
      for (const delay of expectedDelays) {
        clock.advance(delay - 1);
        expect(await guard.reserve(key)).toBe(false);
        clock.advance(1);
        expect(await guard.reserve(key)).toBe(true);
      }
    });

    it('does not lengthen the delay for attempts that were refused', async () => {
      await reserveTimes(5);
      clock.advance(500);
      expect(await reserveTimes(10)).toEqual(Array(10).fill(false));
      clock.advance(500);
      expect(await guard.reserve(key)).toBe(true);
    });

    it('clears the delay once the right password is given', async () => {
      await reserveTimes(5);
      clock.advance(second);
      expect(await guard.reserve(key)).toBe(true);
      await guard.succeeded(key);
      expect(await reserveTimes(6)).toEqual([true, true, true, true, true, false]);
    });

    it('keeps one account locked without touching another', async () => {
      await reserveTimes(6);
      expect(await reserveTimes(5, 'login:john@example.net')).toEqual(Array(5).fill(true));
      expect(await guard.reserve(key)).toBe(false);
    });

    it('never allows more than 100 attempts in an hour when the clock moves past every delay', async () => {
      // Attack for 90 minutes, trying again within 10 s of each delay's end.
      const allowedAt: number[] = [];
      const start = clock.now();
      while (clock.now() - start < 90 * minute) {
        if (await guard.reserve(key)) allowedAt.push(clock.now());
        else clock.advance(10 * second);
      }
      expect(allowedAt.length).toBeGreaterThan(15);
      for (const at of allowedAt) {
        const inHour = allowedAt.filter((t) => t >= at && t < at + hour);
        expect(inHour.length).toBeLessThanOrEqual(100);
      }
      // After the delays reach their cap, one attempt per 15 minutes is all that is left.
      const lastHour = allowedAt.filter((t) => t >= start + 30 * minute);
      expect(lastHour.length).toBeGreaterThanOrEqual(3);
      expect(lastHour.length).toBeLessThanOrEqual(4);
    });

    it('caps failures at 100 an hour even when right passwords keep clearing the delay', async () => {
      let failures = 0;
      let refusedAfterCap = false;
      const start = clock.now();
      for (let i = 0; i < 200 && clock.now() - start < hour; i += 1) {
        clock.advance(second);
        if (!(await guard.reserve(key))) {
          refusedAfterCap = true;
          break;
        }
        // Four wrong passwords, then the right one: the delay never starts.
        if (i % 5 === 4) await guard.succeeded(key);
        else failures += 1;
      }
      expect(refusedAfterCap).toBe(true);
      expect(failures).toBe(100);
      // Even the right password is not checked until the hour is over.
      clock.advance(30 * minute);
      expect(await guard.reserve(key)).toBe(false);
      clock.set(start + hour + second);
      expect(await guard.reserve(key)).toBe(true);
    });

    it('lets at most the free attempts through when fifty arrive at once', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => guard.reserve(key)));
      const allowed = results.filter(Boolean).length;
      expect(allowed).toBeGreaterThanOrEqual(1);
      expect(allowed).toBeLessThanOrEqual(5);
    });

    it('lets two sign-ins that arrive at once both check their password', async () => {
      // Jane signs in on her laptop and her desktop in the same instant: neither is turned away.
      for (let round = 0; round < 5; round += 1) {
        expect(await Promise.all([guard.reserve(key), guard.reserve(key)])).toEqual([true, true]);
        await guard.succeeded(key);
        await guard.succeeded(key);
      }
    });

    it('still counts the free attempts left after a parallel burst', async () => {
      const burst = await Promise.all(Array.from({ length: 50 }, () => guard.reserve(key)));
      const used = burst.filter(Boolean).length;
      const rest = await reserveTimes(6);
      expect(rest.filter(Boolean)).toHaveLength(5 - used);
    });
  });
}
