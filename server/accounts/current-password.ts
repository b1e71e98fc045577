import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { guardPolicy, type PasswordGuard } from '../login/password-guard';
import { abuseNoticeToOwner } from '../mfa/notices';
import { accountStore } from './account-store';

export type AccountForPasswordCheck = NonNullable<Awaited<ReturnType<typeof accountStore.forPasswordCheck>>>;

/**
 * Asks for the current password before a change that could take the account over (password, address,
 * deletion). Guessed under the same guard as the login's password (docs/security.md 8-9), keyed on the
 * same address, so a stolen session gives no second place to guess it.
 */
export async function confirmCurrentPassword(
  ctx: ServerContext,
  guard: PasswordGuard,
  accountId: string,
  password: string,
  ip: string | null,
): Promise<AccountForPasswordCheck> {
  const account = await accountStore.forPasswordCheck(ctx.db, accountId);
  if (!account) throw new ApiError('unauthenticated');
  const key = `login:${account.email_normalized}`;
  if (!(await guard.reserve(key))) {
    await ctx.hasher.verifyDummy(password);
    throw new ApiError('invalid_credentials');
  }
  if (!(await ctx.hasher.verify(account.password_hash, password))) {
    await ctx.audit.record(ctx.db, { accountId, actor: 'user', action: 'login.password_failed', ip });
    if ((await guard.failures(key)) >= guardPolicy.freeAttempts)
      await abuseNoticeToOwner(ctx, ctx.db, accountId, 'password_attempts');
    throw new ApiError('invalid_credentials');
  }
  await guard.succeeded(key);
  return account;
}
