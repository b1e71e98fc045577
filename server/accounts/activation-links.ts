import type { Transaction } from 'kysely';
import type { Database, Db } from '../db/schema';
import type { ServerContext } from '../context';
import { issueToken } from '../support/secret-token';
import { accountStore } from './account-store';

/** What one signup asked for, kept with the link it was mailed: activating that link applies it. */
export interface PendingSignup {
  passwordHash: string;
  firstName: string;
  lastName: string;
  company: string | null;
  locale: 'en' | 'nl';
}

/**
 * An ActivationLink is a single-use token with a fixed lifetime (ACTIVATION_LINK_TTL). Issuing a new one
 * supersedes every older link of the account, so only the newest mail works. The link carries the
 * signup it belongs to (docs/security.md 31): activating it sets that signup's password, never the one
 * of whoever signed up first. Issuing a link also counts as activity of the pending account, which is
 * removed PENDING_ACCOUNT_TTL after its last link.
 */
export async function issueActivationLink(
  ctx: Pick<ServerContext, 'clock' | 'random' | 'config'>,
  trx: Transaction<Database>,
  accountId: string,
  signup: PendingSignup | null,
): Promise<string> {
  const now = ctx.clock.now();
  await trx
    .updateTable('activation_links')
    .set({ superseded_at: now })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute();
  await accountStore.touch(trx, accountId, now);
  const issued = issueToken(ctx.random);
  await trx
    .insertInto('activation_links')
    .values({
      id: issued.id,
      account_id: accountId,
      secret_hash: issued.secretHash,
      created_at: now,
      expires_at: now + ctx.config.activationLinkTtlMs,
      used_at: null,
      superseded_at: null,
      signup: signup && JSON.stringify(signup),
    })
    .execute();
  return `${ctx.config.publicUrl}/activate?token=${encodeURIComponent(issued.token)}`;
}

/** The signup the account's newest link carries: a resend mails a link for the same signup. */
export async function latestSignup(
  trx: Transaction<Database>,
  accountId: string,
): Promise<PendingSignup | null> {
  const newest = await trx
    .selectFrom('activation_links')
    .select('signup')
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return parseSignup(newest?.signup ?? null);
}

/** A link and the account it activates, by the link's id. */
export async function linkWithAccount(db: Db, id: string) {
  return db
    .selectFrom('activation_links')
    .innerJoin('accounts', 'accounts.id', 'activation_links.account_id')
    .select([
      'activation_links.id',
      'activation_links.account_id',
      'activation_links.secret_hash',
      'activation_links.expires_at',
      'activation_links.used_at',
      'activation_links.superseded_at',
      'activation_links.signup',
      'accounts.activated_at',
      'accounts.contested_at',
      'accounts.email',
      'accounts.first_name',
      'accounts.last_name',
    ])
    .where('activation_links.id', '=', id)
    .executeTakeFirst();
}

/** Uses a link, once: of two parallel activations only one finds it unused. */
export async function consumeLink(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('activation_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export function parseSignup(json: string | null): PendingSignup | null {
  return json === null ? null : (JSON.parse(json) as PendingSignup);
}
