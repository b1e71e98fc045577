import { normaliseEmail } from '../../common/domain/email';
import { asLocale } from '../../common/contract/fields';
import type { ServerContext } from '../context';
import { describeDuration } from '../delivery/mail-templates';
import { ApiError } from '../http/api-error';
import { parseToken, secretMatches } from '../support/secret-token';
import { issueActivationLink } from './activation-links';

/** Resend: 3 per 15 minutes per address (known or not: the limit must not reveal which). */
export const resendLimit = { max: 3, windowMs: 15 * 60_000 };
export const resendIpLimit = { max: 30, windowMs: 60 * 60_000 };

/**
 * Activation consumes the link with one conditional UPDATE (`used_at IS NULL`), so two parallel clicks
 * activate once and the loser is told the account is already active.
 */
export class ActivationService {
  constructor(private readonly ctx: ServerContext) {}

  async activate(token: string, ip: string | null): Promise<void> {
    const parsed = parseToken(token);
    if (!parsed) throw new ApiError('activation_invalid');
    const now = this.ctx.clock.now();

    await this.ctx.db.transaction().execute(async (trx) => {
      const link = await trx
        .selectFrom('activation_links')
        .innerJoin('accounts', 'accounts.id', 'activation_links.account_id')
        .select([
          'activation_links.id',
          'activation_links.account_id',
          'activation_links.secret_hash',
          'activation_links.expires_at',
          'activation_links.used_at',
          'activation_links.superseded_at',
          'accounts.activated_at',
        ])
        .where('activation_links.id', '=', parsed.id)
        .executeTakeFirst();
      if (!link || !secretMatches(parsed.secret, link.secret_hash)) throw new ApiError('activation_invalid');
      if (link.used_at !== null || link.activated_at !== null) throw new ApiError('activation_used');
      if (link.superseded_at !== null) {
        throw new ApiError('activation_invalid', {
          message: 'A newer activation link was sent. Use the link in the most recent mail.',
          reason: 'superseded',
        });
      }
      if (now >= link.expires_at) throw new ApiError('activation_expired');

      const consumed = await trx
        .updateTable('activation_links')
        .set({ used_at: now })
        .where('id', '=', link.id)
        .where('used_at', 'is', null)
        .where('superseded_at', 'is', null)
        .executeTakeFirst();
      if (consumed.numUpdatedRows !== 1n) throw new ApiError('activation_used');
      await trx
        .updateTable('accounts')
        .set({ activated_at: now, updated_at: now })
        .where('id', '=', link.account_id)
        .where('activated_at', 'is', null)
        .execute();
      await this.ctx.audit.record(trx, {
        accountId: link.account_id,
        actor: 'user',
        action: 'account.activated',
        ip,
      });
    });
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

    let queued = false;
    await this.ctx.db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom('accounts')
        .select(['id', 'email', 'first_name', 'locale', 'activated_at'])
        .where('email_normalized', '=', emailNormalized)
        .executeTakeFirst();
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
        const link = await issueActivationLink(this.ctx, trx, account.id);
        await this.ctx.outbox.queueMail(trx, {
          to: account.email,
          locale,
          template: 'activation',
          variables: {
            firstName: account.first_name,
            link,
            validFor: describeDuration(this.ctx.config.activationLinkTtlMs, locale),
          },
        });
      }
      await this.ctx.audit.record(trx, {
        accountId: account.id,
        actor: 'user',
        action: 'account.activation_resent',
        ip,
      });
      queued = true;
    });
    if (queued) this.ctx.outbox.kick();
  }
}
