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
import { issueActivationLink } from './activation-links';

type SignupInput = z.output<typeof signupRequest>;

/** Signups from one address per hour: generous for an office behind one NAT, a wall for a script. */
export const signupIpLimit = { max: 100, windowMs: 3_600_000 };
/** Notices to the owner of a taken address per hour: repeated signups must not flood their inbox. */
export const takenNoticeLimit = { max: 3, windowMs: 3_600_000 };

/**
 * Signup answers the same whether or not the address is taken (SECURITY.md 1): same status, same body,
 * the same work (one password hash, one queued mail). The owner of a taken address gets a notice mail
 * instead of a second account; if their account is still inactive, the notice carries a fresh link.
 */
export class SignupService {
  constructor(private readonly ctx: ServerContext) {}

  async signup(input: SignupInput, ip: string | null): Promise<void> {
    const reasons = checkPassword(input.password, input);
    if (reasons.length > 0) throw new ApiError('weak_password', { reasons });
    const byIp = await this.ctx.limiter.consume(`signup-ip:${ip ?? 'unknown'}`, signupIpLimit);
    if (!byIp.allowed)
      throw new ApiError('rate_limited', { retryAfterSeconds: Math.ceil(byIp.retryAfterMs / 1000) });

    const passwordHash = await this.ctx.hasher.hash(input.password);
    const emailNormalized = normaliseEmail(input.email);
    const locale = input.locale ?? 'en';

    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('accounts')
          .select(['id', 'email', 'first_name', 'locale', 'activated_at'])
          .where('email_normalized', '=', emailNormalized)
          .executeTakeFirst();
        if (existing) {
          await this.notifyOwner(trx, existing, ip);
          return;
        }
        const now = this.ctx.clock.now();
        const accountId = newId(this.ctx.random);
        await trx
          .insertInto('accounts')
          .values({
            id: accountId,
            email: input.email,
            email_normalized: emailNormalized,
            first_name: input.firstName,
            last_name: input.lastName,
            company: input.company || null,
            locale,
            password_hash: passwordHash,
            created_at: now,
            activated_at: null,
            updated_at: now,
          })
          .execute();
        const link = await issueActivationLink(this.ctx, trx, accountId);
        await this.ctx.outbox.queueMail(trx, {
          to: input.email,
          locale,
          template: 'activation',
          variables: {
            firstName: input.firstName,
            link,
            validFor: describeDuration(this.ctx.config.activationLinkTtlMs, locale),
          },
        });
        await this.ctx.audit.record(trx, { accountId, actor: 'user', action: 'account.created', ip });
      });
    } catch (error) {
      // Two signups for one address raced and the other committed first: this one is "taken" now.
      if (!isUniqueViolation(error)) throw error;
      await this.ctx.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('accounts')
          .select(['id', 'email', 'first_name', 'locale', 'activated_at'])
          .where('email_normalized', '=', emailNormalized)
          .executeTakeFirstOrThrow();
        await this.notifyOwner(trx, existing, ip);
      });
    }
    this.ctx.outbox.kick();
  }

  private async notifyOwner(
    trx: Transaction<Database>,
    account: { id: string; email: string; first_name: string; locale: string; activated_at: number | null },
    ip: string | null,
  ): Promise<void> {
    const locale = asLocale(account.locale);
    await this.ctx.audit.record(trx, {
      accountId: account.id,
      actor: 'system',
      action: 'account.signup_repeated',
      ip,
    });
    const notice = await this.ctx.limiter.consume(`signup-notice:${account.id}`, takenNoticeLimit, trx);
    if (!notice.allowed) return;
    const activationLink =
      account.activated_at === null ? await issueActivationLink(this.ctx, trx, account.id) : undefined;
    await this.ctx.outbox.queueMail(trx, {
      to: account.email,
      locale,
      template: 'account_exists',
      variables: {
        firstName: account.first_name,
        signInUrl: this.ctx.config.publicUrl,
        activationLink,
        validFor: describeDuration(this.ctx.config.activationLinkTtlMs, locale),
      },
    });
  }
}
