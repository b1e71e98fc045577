import { sql, type Insertable, type Updateable } from 'kysely';
import type { Dialect } from '../db/connect';
import { compiled, type Slots } from '../db/compiled';
import type { AccountTable, Db } from '../db/schema';

/**
 * Every statement on the accounts table (services keep the rules, this module the SQL), except the
 * joins owned by other tables' modules: activation links, reset requests, GET /v1/me.
 */

const byEmail = compiled((db, s: Slots<{ emailNormalized: string }>) =>
  db
    .selectFrom('accounts')
    .select(['id', 'email', 'first_name', 'locale', 'password_hash', 'activated_at', 'contested_at'])
    .where('email_normalized', '=', s.emailNormalized),
);
const forMail = compiled((db, s: Slots<{ id: string }>) =>
  db.selectFrom('accounts').select(['id', 'email', 'first_name', 'locale']).where('id', '=', s.id),
);

/** The account and its factors in one statement (a LEFT JOIN: no factor is one row of nulls). */
const withFactors = compiled((db, s: Slots<{ accountId: string }>) =>
  db
    .selectFrom('accounts')
    .leftJoin('mfa_factors', 'mfa_factors.account_id', 'accounts.id')
    .select([
      'accounts.id',
      'accounts.email',
      'accounts.first_name',
      'accounts.last_name',
      'accounts.company',
      'accounts.locale',
      'accounts.created_at',
      'mfa_factors.id as factor_id',
      'mfa_factors.type as factor_type',
      'mfa_factors.label as factor_label',
      'mfa_factors.status as factor_status',
      'mfa_factors.created_at as factor_created_at',
      'mfa_factors.last_used_at as factor_last_used_at',
    ])
    .where('accounts.id', '=', s.accountId)
    .orderBy('mfa_factors.created_at'),
);

export const accountStore = {
  withFactors: (db: Db, accountId: string) => withFactors.rows(db, { accountId }),

  /** The account at a normalised address: what signup, activation, login and the CLI need of it. */
  byEmail: (db: Db, emailNormalized: string) => byEmail.first(db, { emailNormalized }),

  /** What a mail to the owner needs. */
  async forMail(db: Db, id: string) {
    const account = await forMail.first(db, { id });
    if (!account) throw new Error(`No account ${id}`);
    return account;
  },

  /** An activated account's profile, as the login portal's ID tokens and userinfo tell it (docs/oidc.md). */
  async profile(db: Db, id: string) {
    return db
      .selectFrom('accounts')
      .select(['id', 'email', 'first_name', 'last_name', 'locale'])
      .where('id', '=', id)
      .where('activated_at', 'is not', null)
      .executeTakeFirst();
  },

  async activatedAt(db: Db, id: string): Promise<number | null> {
    const row = await db
      .selectFrom('accounts')
      .select('activated_at')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.activated_at ?? null;
  },

  async insert(db: Db, account: Insertable<AccountTable> | Insertable<AccountTable>[]): Promise<void> {
    await db.insertInto('accounts').values(account).execute();
  },

  /** A second signup arrived while pending: from now on the password is chosen at activation. */
  async markContested(db: Db, id: string, now: number): Promise<void> {
    await db
      .updateTable('accounts')
      .set({ contested_at: now })
      .where('id', '=', id)
      .where('contested_at', 'is', null)
      .execute();
  },

  /** A pending account's activity (a link was mailed): the expiry counts from here. */
  async touch(db: Db, id: string, now: number): Promise<void> {
    await db.updateTable('accounts').set({ updated_at: now }).where('id', '=', id).execute();
  },

  /** Activates a pending account once, applying what the activation decided (password, profile). */
  async activate(
    db: Db,
    id: string,
    now: number,
    changes: Pick<
      Updateable<AccountTable>,
      'password_hash' | 'first_name' | 'last_name' | 'company' | 'locale'
    >,
  ): Promise<void> {
    await db
      .updateTable('accounts')
      .set({ ...changes, activated_at: now, updated_at: now, contested_at: null })
      .where('id', '=', id)
      .where('activated_at', 'is', null)
      .execute();
  },

  /**
   * What checking the current password and the password policy need of an account; undefined when it
   * was deleted meanwhile (a parallel deletion), which callers answer in their own words.
   */
  forPasswordCheck(db: Db, id: string) {
    return db
      .selectFrom('accounts')
      .select(['id', 'email', 'email_normalized', 'first_name', 'last_name', 'locale', 'password_hash'])
      .where('id', '=', id)
      .executeTakeFirst();
  },

  async setPassword(db: Db, id: string, passwordHash: string, now: number): Promise<void> {
    await db
      .updateTable('accounts')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('id', '=', id)
      .execute();
  },

  async updateProfile(
    db: Db,
    id: string,
    changes: Pick<Updateable<AccountTable>, 'first_name' | 'last_name' | 'company' | 'locale'>,
    now: number,
  ): Promise<void> {
    await db
      .updateTable('accounts')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .execute();
  },

  /** Moves the account to a confirmed address; a unique violation means another account has it now. */
  async changeEmail(db: Db, id: string, email: string, emailNormalized: string, now: number): Promise<void> {
    await db
      .updateTable('accounts')
      .set({ email, email_normalized: emailNormalized, updated_at: now })
      .where('id', '=', id)
      .execute();
  },

  /** Removes the account; its factors, sessions, devices, flows, links and requests cascade with it. */
  async remove(db: Db, id: string): Promise<boolean> {
    const result = await db.deleteFrom('accounts').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  },

  /** Never-activated accounts whose last link is older than `before`; one address, or all of them. */
  removeStalePending(db: Db, before: number, emailNormalized?: string) {
    let query = db.deleteFrom('accounts').where('activated_at', 'is', null).where('updated_at', '<=', before);
    if (emailNormalized !== undefined) query = query.where('email_normalized', '=', emailNormalized);
    return query.returning('id').execute();
  },

  /** Serialises changes of one account: a row lock on PostgreSQL; SQLite has a single writer anyway. */
  async lock(db: Db, id: string, dialect: Dialect): Promise<void> {
    if (dialect === 'postgres') {
      await sql`select id from accounts where id = ${id} for update`.execute(db);
    } else {
      await db
        .updateTable('accounts')
        .set({ updated_at: sql`updated_at` })
        .where('id', '=', id)
        .execute();
    }
  },
};
