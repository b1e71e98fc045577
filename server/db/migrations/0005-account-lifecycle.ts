import type { Kysely } from 'kysely';

/**
 * Account lifecycle (docs/api.md "Account lifecycle"):
 * - `password_resets`: mailed reset links, split tokens (only SHA-256 of the secret), single use, and
 *   superseded by a newer link of the same account;
 * - `email_changes`: the link mailed to a new address; the address moves to the account only when it is
 *   confirmed;
 * - `mfa_flows.password_reset_id`: a factor step ("reset" flow) belongs to the reset link it proves.
 * Both tables cascade with their account, so deleting an account leaves neither behind.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('superseded_at', 'bigint')
    .execute();
  await db.schema.createIndex('password_resets_account').on('password_resets').column('account_id').execute();

  await db.schema
    .createTable('email_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('new_email', 'text', (c) => c.notNull())
    .addColumn('new_email_normalized', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('superseded_at', 'bigint')
    .execute();
  await db.schema.createIndex('email_changes_account').on('email_changes').column('account_id').execute();

  await db.schema.alterTable('mfa_flows').addColumn('password_reset_id', 'text').execute();
}
