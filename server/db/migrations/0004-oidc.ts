import type { Kysely } from 'kysely';

/**
 * The WEM Login Portal (docs/oidc.md): the OpenID provider's state, its clients and signing keys, the
 * desktop app's hand-off tickets, and how each session was authenticated (its amr and acr).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Everything oidc-provider keeps (sessions, interactions, codes, tokens, grants), one row per model
  // and id; nothing lives in an instance's memory, so any number of instances serve one provider.
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['kind', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').columns(['kind', 'uid']).execute();
  await db.schema.createIndex('oidc_payloads_expiry').on('oidc_payloads').column('expires_at').execute();

  // Relying parties, registered with `npm run admin -- client add`. `metadata` is the client's OpenID
  // registration metadata (JSON); a confidential client's secret is sealed with the server key.
  await db.schema
    .createTable('oidc_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text')
    .addColumn('first_party', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('launch_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Signing keys (private JWKs sealed with the server key). One ES256 and one RS256 key per generation;
  // the unique generation makes two instances starting at once agree on the first keys.
  await db.schema
    .createTable('oidc_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('jwk_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('oidc_keys_generation')
    .on('oidc_keys')
    .columns(['generation', 'alg'])
    .unique()
    .execute();

  // The desktop app's "Open Modeler": a split token (only SHA-256 of its secret kept), single use, 60 s,
  // bound to one account and one client, carrying how the desktop session was authenticated.
  await db.schema
    .createTable('handoff_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('acr', 'text', (c) => c.notNull())
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  // How a session was authenticated (RFC 8176 names, space-separated) and its assurance (docs/oidc.md);
  // null on sessions older than this migration, which count as a password alone.
  await db.schema.alterTable('sessions').addColumn('amr', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('acr', 'text').execute();
}
