import type { Insertable } from 'kysely';
import type { Db, EmailChangeTable, PasswordResetTable } from '../db/schema';

/**
 * Every statement on password_resets and email_changes: mailed single-use links of the account
 * lifecycle (docs/api.md "Account lifecycle"). Both are split tokens (only SHA-256 of the secret is
 * stored); using one is one conditional UPDATE, so of parallel uses exactly one wins.
 */

type LinkTable = 'password_resets' | 'email_changes';

/** Voids the account's links of one kind that are still open: only the newest mail works. */
async function supersede(db: Db, table: LinkTable, accountId: string, now: number): Promise<void> {
  await db
    .updateTable(table)
    .set({ superseded_at: now })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute();
}

/** Uses a link once: false when it was used, voided or expired meanwhile (another request won). */
async function consume(db: Db, table: LinkTable, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export const passwordResetStore = {
  supersede: (db: Db, accountId: string, now: number) => supersede(db, 'password_resets', accountId, now),
  consume: (db: Db, id: string, now: number) => consume(db, 'password_resets', id, now),

  async insert(db: Db, row: Insertable<PasswordResetTable>): Promise<void> {
    await db.insertInto('password_resets').values(row).execute();
  },

  byId(db: Db, id: string) {
    return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
  },
};

export const emailChangeStore = {
  supersede: (db: Db, accountId: string, now: number) => supersede(db, 'email_changes', accountId, now),
  consume: (db: Db, id: string, now: number) => consume(db, 'email_changes', id, now),

  async insert(db: Db, row: Insertable<EmailChangeTable>): Promise<void> {
    await db.insertInto('email_changes').values(row).execute();
  },

  byId(db: Db, id: string) {
    return db.selectFrom('email_changes').selectAll().where('id', '=', id).executeTakeFirst();
  },
};

/** Why a link cannot be used, in the order a person should hear it; undefined when it can. */
export function linkProblem(
  link: { used_at: number | null; superseded_at: number | null; expires_at: number },
  now: number,
): 'used' | 'superseded' | 'expired' | undefined {
  if (link.used_at !== null) return 'used';
  if (link.superseded_at !== null) return 'superseded';
  if (now >= link.expires_at) return 'expired';
  return undefined;
}
