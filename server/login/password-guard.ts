import type { Kysely } from 'kysely';
import type { Database, PasswordGuardTable } from '../db/schema';
import type { Clock } from '../support/clock';

/**
 * Failed-password limiting per account (docs/security.md 8-9), keyed on the normalised email so unknown and
 * known addresses behave the same. Five tries are free; after that each try opens the next one only
 * after a doubling delay (1 s, 2 s, 4 s … capped at 15 min), and never more than 100 tries an hour.
 *
 * An attempt is reserved *before* the password is checked, with a compare-and-set on the row: parallel
 * requests (or several API instances) cannot all slip through the same free slot. A correct password
 * gives the slot back and clears the delay.
 */

export const guardPolicy = {
  freeAttempts: 5,
  firstDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  maxPerHour: 100,
} as const;

const hourMs = 3_600_000;
const maxReservePasses = 8;

export function delayAfter(attempts: number): number {
  if (attempts < guardPolicy.freeAttempts) return 0;
  const doublings = Math.min(attempts - guardPolicy.freeAttempts, 20);
  return Math.min(guardPolicy.firstDelayMs * 2 ** doublings, guardPolicy.maxDelayMs);
}

export class PasswordGuard {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** True when this attempt may check the password. False means: answer exactly as for a wrong one. */
  async reserve(key: string): Promise<boolean> {
    const now = this.clock.now();
    await this.db
      .insertInto('password_guards')
      .values({ key, attempts: 0, next_allowed_at: 0, hour_start: now, hour_count: 0 })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    // Someone else took the slot between our read and write (two sign-ins at once, from two computers
    // or instances): read again and judge anew. Each pass that writes takes one slot, so parallel
    // guessers still get exactly the free tries and then the delay; the bound only stops a livelock.
    for (let pass = 0; pass < maxReservePasses; pass += 1) {
      const taken = await this.tryReserve(key, now);
      if (taken !== 'conflict') return taken;
    }
    return false;
  }

  private async tryReserve(key: string, now: number): Promise<boolean | 'conflict'> {
    const row = await this.read(key);
    if (!row || now < row.next_allowed_at) return false;

    const freshHour = now - row.hour_start >= hourMs;
    const hourCount = freshHour ? 0 : row.hour_count;
    if (hourCount >= guardPolicy.maxPerHour) return false;

    const attempts = row.attempts + 1;
    const result = await this.db
      .updateTable('password_guards')
      .set({
        attempts,
        next_allowed_at: now + delayAfter(attempts),
        hour_start: freshHour ? now : row.hour_start,
        hour_count: hourCount + 1,
      })
      .where('key', '=', key)
      .where('attempts', '=', row.attempts)
      .where('hour_count', '=', row.hour_count)
      .where('hour_start', '=', row.hour_start)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n ? true : 'conflict';
  }

  /** Consecutive failures so far (0 for an unknown key). */
  async failures(key: string): Promise<number> {
    return (await this.read(key))?.attempts ?? 0;
  }

  /** The password was right: forget the failures (the attempt does not count toward the hour either). */
  async succeeded(key: string): Promise<void> {
    const row = await this.read(key);
    if (!row) return;
    await this.db
      .updateTable('password_guards')
      .set({ attempts: 0, next_allowed_at: 0, hour_count: Math.max(0, row.hour_count - 1) })
      .where('key', '=', key)
      .execute();
  }

  private read(key: string): Promise<PasswordGuardTable | undefined> {
    return this.db.selectFrom('password_guards').selectAll().where('key', '=', key).executeTakeFirst();
  }
}
