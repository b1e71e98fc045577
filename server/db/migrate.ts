import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Database } from './schema';
import * as m0001 from './migrations/0001-accounts';
import * as m0002 from './migrations/0002-mfa';
import * as m0003 from './migrations/0003-review-hardening';
import * as m0004 from './migrations/0004-oidc';
import * as m0005 from './migrations/0005-account-lifecycle';

// Listed here rather than read from a folder, so the migrations travel with a bundled server.
const migrations: Record<string, Migration> = {
  '0001-accounts': m0001,
  '0002-mfa': m0002,
  '0003-review-hardening': m0003,
  '0004-oidc': m0004,
  '0005-account-lifecycle': m0005,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/**
 * Brings the schema up to date. Safe when several instances start at once: Kysely's migrator holds a
 * lock row (PostgreSQL) or the database file lock (SQLite) while it runs.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrations this server knows that the database has not applied: empty when the schema is current. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const known = await new Migrator({ db, provider }).getMigrations();
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
