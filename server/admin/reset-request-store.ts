import type { Insertable, Selectable } from 'kysely';
import type { Db, MfaResetRequestTable } from '../db/schema';

export type ResetRequestRow = Selectable<MfaResetRequestTable>;
export type ResetRequestStatus = 'pending' | 'approved' | 'denied';

/** Every statement on mfa_reset_requests: filed at login (login/mfa-login.ts), decided by support. */
export const resetRequestStore = {
  async pendingCount(db: Db, accountId: string): Promise<number> {
    const row = await db
      .selectFrom('mfa_reset_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async insert(db: Db, row: Insertable<MfaResetRequestTable>): Promise<void> {
    await db.insertInto('mfa_reset_requests').values(row).execute();
  },

  async find(db: Db, id: string): Promise<ResetRequestRow | undefined> {
    return db.selectFrom('mfa_reset_requests').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The requests with their account's name and address, oldest first. */
  async listWithAccounts(db: Db, status?: ResetRequestStatus) {
    let query = db
      .selectFrom('mfa_reset_requests')
      .innerJoin('accounts', 'accounts.id', 'mfa_reset_requests.account_id')
      .select([
        'mfa_reset_requests.id',
        'mfa_reset_requests.account_id',
        'mfa_reset_requests.reason',
        'mfa_reset_requests.status',
        'mfa_reset_requests.created_at',
        'mfa_reset_requests.decided_at',
        'mfa_reset_requests.decided_by',
        'mfa_reset_requests.note',
        'accounts.email',
        'accounts.first_name',
        'accounts.last_name',
      ])
      .orderBy('mfa_reset_requests.created_at');
    if (status) query = query.where('mfa_reset_requests.status', '=', status);
    return query.execute();
  },

  /** Decides a pending request; false when it was no longer pending (a parallel decision won). */
  async decide(
    db: Db,
    id: string,
    decision: { status: 'approved' | 'denied'; at: number; by: string; note: string },
  ): Promise<boolean> {
    const result = await db
      .updateTable('mfa_reset_requests')
      .set({ status: decision.status, decided_at: decision.at, decided_by: decision.by, note: decision.note })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  },

  /** Denies every other pending request of the account, with a note saying why. */
  async denyPending(db: Db, accountId: string, at: number, by: string, note: string): Promise<void> {
    await db
      .updateTable('mfa_reset_requests')
      .set({ status: 'denied', decided_at: at, decided_by: by, note })
      .where('account_id', '=', accountId)
      .where('status', '=', 'pending')
      .execute();
  },
};
