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

export function delayAfter(attempts: number): number {
  if (attempts < guardPolicy.freeAttempts) return 0;
  const doublings = Math.min(attempts - guardPolicy.freeAttempts, 20);
  return Math.min(guardPolicy.firstDelayMs * 2 ** doublings, guardPolicy.maxDelayMs);
}

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

/**
 * Takes a slot in one statement: the row is created at its first attempt or counted up, and only when
 * the delay has passed and the hour still has room (the WHERE of the upsert). Both dialects lock the
 * row for the statement, so parallel requests (or API instances) are counted one after the other and
 * cannot share a slot; no row comes back when the attempt is refused. The delay is delayAfter() in SQL.
 */
const takeSlot = compiled((db, s: Slots<{ key: string; now: number }>) => {
  const now = sql<number>`cast(${s.now} as bigint)`;
  const attempts = sql<number>`password_guards.attempts + 1`;
  const freshHour = sql<boolean>`${now} - password_guards.hour_start >= ${sql.lit(hourMs)}`;
  const doublings = sql<number>`case when ${attempts} - ${sql.lit(guardPolicy.freeAttempts)} < 20 then ${attempts} - ${sql.lit(guardPolicy.freeAttempts)} else 20 end`;
  const delay = sql<number>`case when ${attempts} < ${sql.lit(guardPolicy.freeAttempts)} then 0
    when ${sql.lit(guardPolicy.firstDelayMs)} * (1 << ${doublings}) < ${sql.lit(guardPolicy.maxDelayMs)}
      then ${sql.lit(guardPolicy.firstDelayMs)} * (1 << ${doublings})
    else ${sql.lit(guardPolicy.maxDelayMs)} end`;
  return db
    .insertInto('password_guards')
    .values({ key: s.key, attempts: 1, next_allowed_at: now, hour_start: now, hour_count: 1 })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({
          attempts,
          next_allowed_at: sql<number>`${now} + ${delay}`,
          hour_start: sql<number>`case when ${freshHour} then ${now} else password_guards.hour_start end`,
          hour_count: sql<number>`case when ${freshHour} then 1 else password_guards.hour_count + 1 end`,
        })
        .where(sql<boolean>`${now} >= password_guards.next_allowed_at`)
        .where(
          sql<boolean>`(case when ${freshHour} then 0 else password_guards.hour_count end) < ${sql.lit(guardPolicy.maxPerHour)}`,
        ),
    )
    .returning('attempts');
});

export class PasswordGuard {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** True when this attempt may check the password. False means: answer exactly as for a wrong one. */
  async reserve(key: string): Promise<boolean> {
    return (await takeSlot.first(this.db, { key, now: this.clock.now() })) !== undefined;
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
