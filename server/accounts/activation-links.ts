import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { ServerContext } from '../context';
import { issueToken } from '../support/secret-token';

/**
 * An ActivationLink is a single-use token with a fixed lifetime (ACTIVATION_LINK_TTL). Issuing a new one
 * supersedes every older link of the account, so only the newest mail works.
 */
export async function issueActivationLink(
  ctx: Pick<ServerContext, 'clock' | 'random' | 'config'>,
  trx: Transaction<Database>,
  accountId: string,
): Promise<string> {
  const now = ctx.clock.now();
  await trx
    .updateTable('activation_links')
    .set({ superseded_at: now })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .where('superseded_at', 'is', null)
    .execute();
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
    })
    .execute();
  return `${ctx.config.publicUrl}/activate?token=${encodeURIComponent(issued.token)}`;
}
