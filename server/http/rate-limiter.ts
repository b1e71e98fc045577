import { sql, type Kysely } from 'kysely';
import type { Database, Db } from '../db/schema';
import type { Clock } from '../support/clock';
import { compiled, type Slots } from '../db/compiled';

export interface Limit {
  /** How many events the window allows. */
  max: number;
  windowMs: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** Events in the current window, this one included. */
  count: number;
  /** When the window frees up again; only meaningful when refused. */
  retryAfterMs: number;
}

const countEvent = compiled((db, s: Slots<{ key: string; now: number; windowStart: number }>) =>
  db
    .insertInto('rate_limits')
    .values({ key: s.key, window_start: s.now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limits.window_start <= ${s.windowStart} then 1 else rate_limits.count + 1 end`,
        window_start: sql<number>`case when rate_limits.window_start <= ${s.windowStart} then ${s.now} else rate_limits.window_start end`,
      }),
    )
    .returning(['count', 'window_start']),
);
const handBack = compiled((db, s: Slots<{ key: string }>) =>
  db
    .updateTable('rate_limits')
    .set({ count: sql<number>`case when count > 0 then count - 1 else 0 end` })
    .where('key', '=', s.key),
);

/**
 * Fixed-window counters kept in the database, so every API instance shares them. One atomic upsert
 * counts and decides: fifty parallel requests cannot all read "under the limit".
 */
export class RateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Pass `db` when inside a transaction: SQLite has one connection, and waiting for it would deadlock. */
  async consume(key: string, limit: Limit, db: Db = this.db): Promise<LimitDecision> {
    const now = this.clock.now();
    const row = await countEvent.first(db, { key, now, windowStart: now - limit.windowMs });
    if (!row) throw new Error('rate limit upsert returned no row');
    const allowed = Number(row.count) <= limit.max;
    return {
      allowed,
      count: Number(row.count),
      retryAfterMs: allowed ? 0 : Math.max(0, Number(row.window_start) + limit.windowMs - now),
    };
  }

  /** Hands back one event, e.g. when a counted attempt turned out to be legitimate. */
  async release(key: string, db: Db = this.db): Promise<void> {
    await handBack.run(db, { key });
  }

  async reset(key: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }
}
