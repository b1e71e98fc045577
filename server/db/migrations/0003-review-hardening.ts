import { sql, type Kysely } from 'kysely';
import { normaliseEmail } from '../../../common/domain/email';

/**
 * After the outside review of 2026-12 (docs/security.md 31-35):
 * - an activation link carries the signup that asked for it (its password hash and profile), so
 *   activating sets *that* signup's password, never an earlier signer's; an account that received a
 *   second signup while pending is "contested" and its password is chosen at activation;
 * - MFA reset requests of one account are kept side by side (no unique pending row is assumed);
 * - addresses are re-normalised with the stricter rules (compatibility forms, IDN domains as
 *   punycode), so look-alike spellings of one mailbox meet on one account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('activation_links').addColumn('signup', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('contested_at', 'bigint').execute();
  await db.schema
    .createIndex('accounts_pending')
    .on('accounts')
    .columns(['activated_at', 'updated_at'])
    .execute();

  const rows = await sql<{ id: string; email: string; email_normalized: string }>`
    select id, email, email_normalized from accounts`.execute(db);
  const taken = new Set(rows.rows.map((row) => row.email_normalized));
  for (const row of rows.rows) {
    const renormalised = normaliseEmail(row.email);
    // Two old rows that now meet stay apart: the older spelling keeps its key, nothing is merged.
    if (renormalised === row.email_normalized || taken.has(renormalised)) continue;
    taken.add(renormalised);
    await sql`update accounts set email_normalized = ${renormalised} where id = ${row.id}`.execute(db);
  }
}
