import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Text messages share the outbox; a message the provider refuses for good is marked, not retried.
  await db.schema.alterTable('outbox').addColumn('failed_at', 'bigint').execute();

  // One row per factor. `target` is the address or E.164 number codes go to; `secret` is the TOTP seed
  // sealed with the server key; `last_totp_step` refuses a TOTP code from a step already accepted.
  await db.schema
    .createTable('mfa_factors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('secret', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('last_totp_step', 'bigint')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('mfa_factors_account').on('mfa_factors').column('account_id').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('factor_id', 'text', (c) => c.notNull().references('mfa_factors.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('recovery_codes_factor').on('recovery_codes').column('factor_id').execute();

  // A challenge flow: a login after the password, a step-up of a session, or the enrollment of a
  // factor. It expires, counts wrong codes (kept across resends) and burns at the cap.
  await db.schema
    .createTable('mfa_flows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('session_id', 'text')
    .addColumn('factor_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_at', 'bigint')
    .addColumn('burned_at', 'bigint')
    .execute();
  await db.schema.createIndex('mfa_flows_account').on('mfa_flows').column('account_id').execute();

  // Mailed and texted codes: 6 digits, hashed, bound to one flow and one factor, single use.
  await db.schema
    .createTable('mfa_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('flow_id', 'text', (c) => c.notNull().references('mfa_flows.id').onDelete('cascade'))
    .addColumn('factor_id', 'text', (c) => c.notNull().references('mfa_factors.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('superseded_at', 'bigint')
    .execute();
  await db.schema.createIndex('mfa_codes_flow').on('mfa_codes').columns(['flow_id', 'factor_id']).execute();

  await db.schema
    .createTable('trusted_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('trusted_devices_account').on('trusted_devices').column('account_id').execute();

  await db.schema
    .createTable('mfa_reset_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .addColumn('note', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema
    .createIndex('mfa_reset_requests_status')
    .on('mfa_reset_requests')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('failed_at').execute();
  for (const table of [
    'mfa_reset_requests',
    'trusted_devices',
    'mfa_codes',
    'mfa_flows',
    'recovery_codes',
    'mfa_factors',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
