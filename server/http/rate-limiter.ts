import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { Clock } from '../support/clock';

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
  async consume(
    key: string,
    limit: Limit,
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<LimitDecision> {
    const now = this.clock.now();
    const windowStart = now - limit.windowMs;
    const row = await db
      .insertInto('rate_limits')
      .values({ key, window_start: now, count: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql<number>`case when rate_limits.window_start <= ${windowStart} then 1 else rate_limits.count + 1 end`,
          window_start: sql<number>`case when rate_limits.window_start <= ${windowStart} then ${now} else rate_limits.window_start end`,
        }),
      )
      .returning(['count', 'window_start'])
      .executeTakeFirstOrThrow();
    const allowed = Number(row.count) <= limit.max;
    return {
      allowed,
      count: Number(row.count),
      retryAfterMs: allowed ? 0 : Math.max(0, Number(row.window_start) + limit.windowMs - now),
    };
  }

  /** Hands back one event, e.g. when a counted attempt turned out to be legitimate. */
  async release(key: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    await db
      .updateTable('rate_limits')
      .set({ count: sql<number>`case when count > 0 then count - 1 else 0 end` })
      .where('key', '=', key)
      .execute();
  }

  async reset(key: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    await db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }
}
