import { asLocale } from '../../common/contract/fields';
import type { ServerContext } from '../context';
import type { MailTemplate, MailVariables } from '../delivery/mail-templates';
import type { AccountForMail, Db } from './factor-strategy';

/** Loads what a mail to the account owner needs. */
export async function accountForMail(db: Db, accountId: string): Promise<AccountForMail> {
  return db
    .selectFrom('accounts')
    .select(['id', 'email', 'first_name', 'locale'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
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
