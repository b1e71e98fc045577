import { asLocale } from '../../common/contract/fields';
import { normaliseEmail } from '../../common/domain/email';
import type { ServerContext } from '../context';
import type { Db } from '../db/schema';
import { transact } from '../db/transact';
import { ApiError } from '../http/api-error';
import type { PasswordGuard } from '../login/password-guard';
import { factorStore } from '../mfa/factor-store';
import { requirePrivileged } from '../sessions/privilege';
import type { Session } from '../sessions/sessions';
import { accountStore } from './account-store';
import { confirmCurrentPassword } from './current-password';

/**
 * What else must go when an account goes, run inside the deleting transaction: the composition root
 * lists one per part that keeps rows of an account outside the cascading foreign keys (for example the
 * OpenID Connect grants of the portal).
 */
export type AccountDeletedHook = (trx: Db, accountId: string) => Promise<void>;

export type Deleter = { kind: 'user'; ip: string | null } | { kind: 'operator'; name: string; note: string };

/**
 * Deleting an account (docs/api.md "Account lifecycle", docs/security.md 70-72): one transaction removes
 * the account row — factors, recovery codes, sessions, trusted devices, flows, links and reset
 * requests cascade with it — its undelivered mail, and its password guard; the audit log keeps its
 * lines without client addresses and one line saying it was deleted. A goodbye mail leaves after the
 * commit. The address is free at once: signing up with it makes a new account.
 */
export class AccountDeletion {
  constructor(
    private readonly ctx: ServerContext,
    private readonly guard: PasswordGuard,
    private readonly onAccountDeleted: readonly AccountDeletedHook[] = [],
  ) {}

  async deleteOwn(session: Session, password: string, ip: string | null): Promise<void> {
    requirePrivileged(session, this.ctx.clock.now());
    await confirmCurrentPassword(this.ctx, this.guard, session.accountId, password, ip);
    await this.remove(session.accountId, { kind: 'user', ip });
  }

  /** `npm run admin -- account delete <email> --note "<text>"`; not_found for an unknown address. */
  async deleteBySupport(email: string, note: string, operator: string): Promise<void> {
    const account = await accountStore.byEmail(this.ctx.db, normaliseEmail(email));
    if (!account) throw new ApiError('not_found', { message: `No account with the address ${email}.` });
    await this.remove(account.id, { kind: 'operator', name: operator, note });
  }

  private async remove(accountId: string, by: Deleter): Promise<void> {
    await transact(this.ctx, async (trx) => {
      await accountStore.lock(trx, accountId, this.ctx.dialect);
      const account = await accountStore.forPasswordCheck(trx, accountId);
      // A parallel deletion got there first: for the user their session is gone, for support the account.
      if (!account) throw new ApiError(by.kind === 'user' ? 'unauthenticated' : 'not_found');
      const factorTargets = await factorStore.targetsOf(trx, accountId);
      for (const hook of this.onAccountDeleted) await hook(trx, accountId);
      await this.ctx.outbox.removeUnsentTo(trx, [account.email, ...factorTargets]);
      // Counters keyed by the address name a person who asked to be forgotten.
      await this.guard.forget(`login:${account.email_normalized}`, trx);
      for (const key of [`reset:${account.email_normalized}`, `resend:${account.email_normalized}`])
        await this.ctx.limiter.reset(key, trx);
      await accountStore.remove(trx, accountId);
      await this.ctx.audit.anonymise(trx, accountId);
      await this.ctx.audit.record(trx, {
        accountId,
        actor: by.kind === 'user' ? 'user' : `operator:${by.name}`,
        action: 'account.deleted',
        // No address, name or note: the line outlives the person it was about.
        detail: { by: by.kind },
      });
      const locale = asLocale(account.locale);
      if (by.kind === 'user') {
        await this.ctx.outbox.queueMail(trx, {
          to: account.email,
          locale,
          template: 'account_deleted',
          variables: { firstName: account.first_name },
        });
      } else {
        await this.ctx.outbox.queueMail(trx, {
          to: account.email,
          locale,
          template: 'account_deleted_by_support',
          variables: { firstName: account.first_name, note: by.note },
        });
      }
    });
  }
}
