import { sql, type Insertable, type Selectable } from 'kysely';
import type { Dialect } from '../db/connect';
import type { Db, OutboxTable } from '../db/schema';

export type OutboxRow = Selectable<OutboxTable>;

/** Every statement on the outbox table: queued by Outbox, delivered by OutboxWorker, counted by /metrics. */
export const outboxStore = {
  async insert(db: Db, row: Insertable<OutboxTable>): Promise<void> {
    await db.insertInto('outbox').values(row).execute();
  },

  /**
   * Claims up to `limit` due messages for `leaseMs`: a claim that lapses (a worker died) is due again.
   * On PostgreSQL rows locked by another instance's claim are skipped rather than waited for.
   */
  async claimDue(
    db: Db,
    dialect: Dialect,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<OutboxRow[]> {
    const due = db
      .selectFrom('outbox')
      .select('id')
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    const dueIds = dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    return db
      .updateTable('outbox')
      .set({ claimed_until: now + leaseMs })
      .where('id', 'in', dueIds)
      .returningAll()
      .execute();
  },

  /** Extends a claim still held as `claimedUntil`; false when another worker took the message over. */
  async renewClaim(db: Db, id: string, claimedUntil: number, next: number): Promise<boolean> {
    const renewed = await db
      .updateTable('outbox')
      .set({ claimed_until: next })
      .where('id', '=', id)
      .where('claimed_until', '=', claimedUntil)
      .where('sent_at', 'is', null)
      .executeTakeFirst();
    return renewed.numUpdatedRows !== 0n;
  },

  /** Delivered: the sealed payload is dropped, the row stays as a record. */
  async markSent(db: Db, id: string, now: number): Promise<void> {
    await db
      .updateTable('outbox')
      .set({
        sent_at: now,
        payload: null,
        claimed_until: null,
        last_error: null,
        attempts: sql`attempts + 1`,
      })
      .where('id', '=', id)
      .execute();
  },

  /** Refused for good: never retried, payload dropped. */
  async markFailed(db: Db, id: string, attempts: number, now: number, reason: string): Promise<void> {
    await db
      .updateTable('outbox')
      .set({ attempts, failed_at: now, payload: null, claimed_until: null, last_error: reason })
      .where('id', '=', id)
      .execute();
  },

  async scheduleRetry(db: Db, id: string, attempts: number, at: number, reason: string): Promise<void> {
    await db
      .updateTable('outbox')
      .set({ attempts, next_attempt_at: at, claimed_until: null, last_error: reason })
      .where('id', '=', id)
      .execute();
  },

  /** Messages waiting per channel, across all instances. */
  async waitingByChannel(db: Db): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('outbox')
      .select(['channel', (eb) => eb.fn.countAll<number>().as('waiting')])
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .groupBy('channel')
      .execute();
    return new Map(rows.map((row) => [row.channel, Number(row.waiting)]));
  },

  /** Sealed payloads after `afterId` in id order (locked on PostgreSQL): the key rotation's batches. */
  async sealedBatch(db: Db, afterId: string, limit: number, lock: boolean) {
    const query = db
      .selectFrom('outbox')
      .select(['id', 'payload'])
      .where('payload', 'is not', null)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    const rows = await (lock ? query.forUpdate() : query).execute();
    return rows.map((row) => ({ id: row.id, sealed: row.payload ?? '' }));
  },

  /** Replaces a sealed payload only if it is still `from`. */
  async replaceSealed(db: Db, id: string, from: string, to: string): Promise<boolean> {
    const result = await db
      .updateTable('outbox')
      .set({ payload: to })
      .where('id', '=', id)
      .where('payload', '=', from)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  },
};
