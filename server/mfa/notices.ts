import { asLocale } from '../../common/contract/fields';
import type { ServerContext } from '../context';
import type { MailTemplate, MailVariables } from '../delivery/mail-templates';
import type { AccountForMail, Db } from './factor-strategy';
import { accountStore } from '../accounts/account-store';

/** Loads what a mail to the account owner needs. */
export function accountForMail(db: Db, accountId: string): Promise<AccountForMail> {
  return accountStore.forMail(db, accountId);
}

/**
 * Every factor change, new trusted computer and MFA reset is mailed to the account's own address
 * (docs/security.md 20), in the transaction that made the change, so an intruder cannot act unseen.
 */
export async function noticeToOwner<T extends MailTemplate>(
  ctx: Pick<ServerContext, 'outbox'>,
  db: Db,
  account: AccountForMail,
  template: T,
  variables: Omit<MailVariables[T], 'firstName'>,
): Promise<void> {
  await ctx.outbox.queueMail(db, {
    to: account.email,
    locale: asLocale(account.locale),
    template,
    variables: { firstName: account.first_name, ...variables } as MailVariables[T],
  });
}

/** The abuse patterns an owner is told about, each at most once a day (docs/security.md 33-34). */
export type AbuseNotice = 'codes_limited' | 'codes_failing' | 'password_attempts';

/**
 * Tells the owner that someone is at their account (sends refused, wrong codes, a guessed password):
 * once a day per pattern, not once per event, so the notice cannot itself become a mail bomb.
 */
export async function abuseNoticeToOwner(
  ctx: Pick<ServerContext, 'outbox' | 'limiter'>,
  db: Db,
  accountId: string,
  template: AbuseNotice,
): Promise<void> {
  const once = await ctx.limiter.consume(
    `notice:${template}:${accountId}`,
    { max: 1, windowMs: 86_400_000 },
    db,
  );
  if (!once.allowed) return;
  await noticeToOwner(ctx, db, await accountForMail(db, accountId), template, {});
}
