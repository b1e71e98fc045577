import { sql, type Kysely } from 'kysely';
import { compiled, type Slots } from '../db/compiled';
import type { Database, Db, PasswordGuardTable } from '../db/schema';
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

const createGuard = compiled((db, s: Slots<{ key: string; now: number }>) =>
  db
    .insertInto('password_guards')
    .values({ key: s.key, attempts: 0, next_allowed_at: 0, hour_start: s.now, hour_count: 0 })
    .onConflict((oc) => oc.column('key').doNothing()),
);
const guardByKey = compiled((db, s: Slots<{ key: string }>) =>
  db.selectFrom('password_guards').selectAll().where('key', '=', s.key),
);
/** One statement: no read first, so a right password costs the guard a single write. */
const forgiveGuard = compiled((db, s: Slots<{ key: string }>) =>
  db
    .updateTable('password_guards')
    .set({
      attempts: 0,
      next_allowed_at: 0,
      hour_count: sql<number>`case when hour_count > 0 then hour_count - 1 else 0 end`,
    })
    .where('key', '=', s.key),
);

/** Compare-and-set: the slot is taken only if nobody changed the row since it was read. */
const takeSlot = compiled(
  (
    db,
    s: Slots<{
      key: string;
      attempts: number;
      nextAllowedAt: number;
      hourStart: number;
      hourCount: number;
      seenAttempts: number;
      seenHourCount: number;
      seenHourStart: number;
    }>,
  ) =>
    db
      .updateTable('password_guards')
      .set({
        attempts: s.attempts,
        next_allowed_at: s.nextAllowedAt,
        hour_start: s.hourStart,
        hour_count: s.hourCount,
      })
      .where('key', '=', s.key)
      .where('attempts', '=', s.seenAttempts)
      .where('hour_count', '=', s.seenHourCount)
      .where('hour_start', '=', s.seenHourStart),
);

export class PasswordGuard {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** True when this attempt may check the password. False means: answer exactly as for a wrong one. */
  async reserve(key: string): Promise<boolean> {
    const now = this.clock.now();
    // Most sign-ins are of addresses seen before: read first, create the row only when it is missing.
    let row = await this.read(key);
    if (!row) {
      await createGuard.run(this.db, { key, now });
      row = await this.read(key);
    }
    // Someone else took the slot between our read and write (two sign-ins at once, from two computers
    // or instances): read again and judge anew. Each pass that writes takes one slot, so parallel
    // guessers still get exactly the free tries and then the delay; the bound only stops a livelock.
    for (let pass = 0; pass < maxReservePasses; pass += 1) {
      const taken = await this.tryReserve(key, now, row);
      if (taken !== 'conflict') return taken;
      row = await this.read(key);
    }
    return false;
  }

  private async tryReserve(
    key: string,
    now: number,
    row: PasswordGuardTable | undefined,
  ): Promise<boolean | 'conflict'> {
    if (!row || now < row.next_allowed_at) return false;

    const freshHour = now - row.hour_start >= hourMs;
    const hourCount = freshHour ? 0 : row.hour_count;
    if (hourCount >= guardPolicy.maxPerHour) return false;

    const attempts = row.attempts + 1;
    const result = await takeSlot.run(this.db, {
      key,
      attempts,
      nextAllowedAt: now + delayAfter(attempts),
      hourStart: freshHour ? now : row.hour_start,
      hourCount: hourCount + 1,
      seenAttempts: row.attempts,
      seenHourCount: row.hour_count,
      seenHourStart: row.hour_start,
    });
    return result.numAffectedRows === 1n ? true : 'conflict';
  }

  /** Consecutive failures so far (0 for an unknown key). */
  async failures(key: string): Promise<number> {
    return (await this.read(key))?.attempts ?? 0;
  }

  /** The password was right: forget the failures (the attempt does not count toward the hour either). */
  async succeeded(key: string): Promise<void> {
    await forgiveGuard.run(this.db, { key });
  }

  private read(key: string): Promise<PasswordGuardTable | undefined> {
    return guardByKey.first(this.db, { key });
  }

  /** Drops the guard of a key that no longer names anyone (a deleted account's address). */
  async forget(key: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('password_guards').where('key', '=', key).execute();
  }
}
