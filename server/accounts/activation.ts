import { normaliseEmail } from '../../common/domain/email';
import { asLocale } from '../../common/contract/fields';
import type { ServerContext } from '../context';
import { describeDuration } from '../delivery/mail-templates';
import { ApiError } from '../http/api-error';
import { checkPassword } from '../../common/domain/password-policy';
import type { Db } from '../db/schema';
import { parseToken, secretMatches } from '../support/secret-token';
import {
  consumeLink,
  issueActivationLink,
  latestSignup,
  linkWithAccount,
  parseSignup,
} from './activation-links';
import { transact } from '../db/transact';
import { accountStore } from './account-store';

/** Resend: 3 per 15 minutes per address (known or not: the limit must not reveal which). */
export const resendLimit = { max: 3, windowMs: 15 * 60_000 };
export const resendIpLimit = { max: 30, windowMs: 60 * 60_000 };

/**
 * Activation consumes the link with one conditional UPDATE (`used_at IS NULL`), so two parallel clicks
 * activate once and the loser is told the account is already active.
 *
 * It also decides the account's password (docs/security.md 31): the one of the signup the link was
 * mailed for, or — when the request brings one — the password typed at activation by whoever holds the
 * mailbox. A contested account (two signups while pending) only activates with a password typed here:
 * any link in that mailbox may have been asked for by someone else.
 */
export class ActivationService {
  constructor(private readonly ctx: ServerContext) {}

  async activate(token: string, password: string | undefined, ip: string | null): Promise<void> {
    const parsed = parseToken(token);
    if (!parsed) throw new ApiError('activation_invalid');
    const link = await this.usableLink(this.ctx.db, parsed);
    const signup = parseSignup(link.signup);

    let passwordHash = signup?.passwordHash;
    if (password !== undefined) {
      const reasons = checkPassword(password, {
        email: link.email,
        firstName: signup?.firstName ?? link.first_name,
        lastName: signup?.lastName ?? link.last_name,
      });
      if (reasons.length > 0) throw new ApiError('weak_password', { reasons });
      passwordHash = await this.ctx.hasher.hash(password);
    } else if (link.contested_at !== null) {
      throw new ApiError('activation_password_required');
    }

    await this.ctx.db.transaction().execute(async (trx) => {
      const now = this.ctx.clock.now();
      const current = await this.usableLink(trx, parsed);
      // A second signup landed while the password was being hashed: this link may be someone else's.
      if (password === undefined && current.contested_at !== null)
        throw new ApiError('activation_password_required');
      if (!(await consumeLink(trx, current.id, now))) throw new ApiError('activation_used');
      await accountStore.activate(trx, current.account_id, now, {
        ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
        ...(signup
          ? {
              first_name: signup.firstName,
              last_name: signup.lastName,
              company: signup.company,
              locale: signup.locale,
            }
          : {}),
      });
      await this.ctx.audit.record(trx, {
        accountId: current.account_id,
        actor: 'user',
        action: 'account.activated',
        detail: { passwordChosenAtActivation: password !== undefined },
        ip,
      });
    });
  }

  /** The link behind a token if it may still activate; the contract's error otherwise. */
  private async usableLink(db: Db, parsed: { id: string; secret: string }) {
    const link = await linkWithAccount(db, parsed.id);
    if (!link || !secretMatches(parsed.secret, link.secret_hash)) throw new ApiError('activation_invalid');
    if (link.used_at !== null || link.activated_at !== null) throw new ApiError('activation_used');
    if (link.superseded_at !== null) {
      throw new ApiError('activation_invalid', {
        message: 'A newer activation link was sent. Use the link in the most recent mail.',
        reason: 'superseded',
      });
    }
    if (this.ctx.clock.now() >= link.expires_at) throw new ApiError('activation_expired');
    return link;
  }

  async resend(email: string, ip: string | null): Promise<void> {
    const emailNormalized = normaliseEmail(email);
    for (const [key, limit] of [
      [`resend:${emailNormalized}`, resendLimit],
      [`resend-ip:${ip ?? 'unknown'}`, resendIpLimit],
    ] as const) {
      const decision = await this.ctx.limiter.consume(key, limit);
      if (!decision.allowed) {
        throw new ApiError('rate_limited', { retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000) });
      }
    }

    await transact(this.ctx, async (trx) => {
      const account = await accountStore.byEmail(trx, emailNormalized);
      if (!account) return;
      const locale = asLocale(account.locale);
      if (account.activated_at !== null) {
        await this.ctx.outbox.queueMail(trx, {
          to: account.email,
          locale,
          template: 'already_active',
          variables: { firstName: account.first_name, signInUrl: this.ctx.config.publicUrl },
        });
      } else {
        const link = await issueActivationLink(
          this.ctx,
          trx,
          account.id,
          await latestSignup(trx, account.id),
        );
        await this.ctx.outbox.queueMail(trx, {
          to: account.email,
          locale,
          template: 'activation',
          variables: {
            link,
            validFor: describeDuration(this.ctx.config.activationLinkTtlMs, locale),
            choosePassword: account.contested_at !== null,
          },
        });
      }
      await this.ctx.audit.record(trx, {
        accountId: account.id,
        actor: 'user',
        action: 'account.activation_resent',
        ip,
      });
    });
  }
}
