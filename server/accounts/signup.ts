import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { normaliseEmail } from '../../common/domain/email';
import { asLocale } from '../../common/contract/fields';
import { checkPassword } from '../../common/domain/password-policy';
import type { signupRequest } from '../../common/contract/http';
import type { ServerContext } from '../context';
import { isUniqueViolation } from '../db/errors';
import type { Database } from '../db/schema';
import { describeDuration } from '../delivery/mail-templates';
import { ApiError } from '../http/api-error';
import { newId } from '../support/random';
import { issueActivationLink, type PendingSignup } from './activation-links';
import { removeIfExpired } from './pending-accounts';
import { transact } from '../db/transact';
import { accountStore } from './account-store';

type SignupInput = z.output<typeof signupRequest>;

/** Signups from one address per hour: generous for an office behind one NAT, a wall for a script. */
export const signupIpLimit = { max: 100, windowMs: 3_600_000 };
/** Notices to the owner of a taken address per hour: repeated signups must not flood their inbox. */
export const takenNoticeLimit = { max: 3, windowMs: 3_600_000 };

type ExistingAccount = {
  id: string;
  email: string;
  first_name: string;
  locale: string;
  activated_at: number | null;
};

/**
 * Signup answers the same whether or not the address is taken (docs/security.md 1): same status, same
 * body, the same work (one password hash, one queued mail). The owner of an active account gets a
 * notice instead of a second account.
 *
 * A second signup for an address that is still pending is how an account gets pre-hijacked
 * (docs/security.md 31): whoever signed up first chose a password, and the mailbox owner would activate
 * it. So every activation link carries the signup that asked for it, and an account that received more
 * than one signup is *contested*: its password is chosen by whoever opens a link from the mailbox, at
 * activation. Nothing in that mail comes from the signup form: the address is not proven yet.
 */
export class SignupService {
  constructor(private readonly ctx: ServerContext) {}

  async signup(input: SignupInput, ip: string | null): Promise<void> {
    const reasons = checkPassword(input.password, input);
    if (reasons.length > 0) throw new ApiError('weak_password', { reasons });
    const byIp = await this.ctx.limiter.consume(`signup-ip:${ip ?? 'unknown'}`, signupIpLimit);
    if (!byIp.allowed)
      throw new ApiError('rate_limited', { retryAfterSeconds: Math.ceil(byIp.retryAfterMs / 1000) });

    const signup: PendingSignup = {
      passwordHash: await this.ctx.hasher.hash(input.password),
      firstName: input.firstName,
      lastName: input.lastName,
      company: input.company || null,
      locale: input.locale ?? 'en',
    };
    const emailNormalized = normaliseEmail(input.email);

    const attempt = () =>
      transact(this.ctx, async (trx) => {
        await removeIfExpired(this.ctx, trx, emailNormalized);
        const existing = await accountStore.byEmail(trx, emailNormalized);
        if (existing) await this.repeated(trx, existing, signup, ip);
        else await this.create(trx, input.email, emailNormalized, signup, ip);
      });
    try {
      await attempt();
    } catch (error) {
      // Two signups for one address raced and the other committed first: this one is a repeat now.
      if (!isUniqueViolation(error)) throw error;
      await attempt();
    }
  }

  private async create(
    trx: Transaction<Database>,
    email: string,
    emailNormalized: string,
    signup: PendingSignup,
    ip: string | null,
  ): Promise<void> {
    const now = this.ctx.clock.now();
    const accountId = newId(this.ctx.random);
    await accountStore.insert(trx, {
      id: accountId,
      email,
      email_normalized: emailNormalized,
      first_name: signup.firstName,
      last_name: signup.lastName,
      company: signup.company,
      locale: signup.locale,
      password_hash: signup.passwordHash,
      created_at: now,
      activated_at: null,
      updated_at: now,
      contested_at: null,
    });
    const link = await issueActivationLink(this.ctx, trx, accountId, signup);
    await this.ctx.outbox.queueMail(trx, {
      to: email,
      locale: signup.locale,
      template: 'activation',
      variables: {
        link,
        validFor: describeDuration(this.ctx.config.activationLinkTtlMs, signup.locale),
        choosePassword: false,
      },
    });
    await this.ctx.audit.record(trx, { accountId, actor: 'user', action: 'account.created', ip });
  }

  private async repeated(
    trx: Transaction<Database>,
    account: ExistingAccount,
    signup: PendingSignup,
    ip: string | null,
  ): Promise<void> {
    const pending = account.activated_at === null;
    if (pending) {
      // Recorded before the notice limit: a flood of signups must not leave a password someone else
      // chose in place just because the mails stopped.
      await accountStore.markContested(trx, account.id, this.ctx.clock.now());
    }
    await this.ctx.audit.record(trx, {
      accountId: account.id,
      actor: 'system',
      action: pending ? 'account.signup_contested' : 'account.signup_repeated',
      ip,
    });
    const notice = await this.ctx.limiter.consume(`signup-notice:${account.id}`, takenNoticeLimit, trx);
    if (!notice.allowed) return;
    // A pending account's owner is not known yet: the mail greets nobody and names no one.
    const locale = pending ? signup.locale : asLocale(account.locale);
    await this.ctx.outbox.queueMail(trx, {
      to: account.email,
      locale,
      template: 'account_exists',
      variables: {
        firstName: pending ? undefined : account.first_name,
        signInUrl: this.ctx.config.publicUrl,
        activationLink: pending ? await issueActivationLink(this.ctx, trx, account.id, signup) : undefined,
        validFor: describeDuration(this.ctx.config.activationLinkTtlMs, locale),
      },
    });
  }
}
