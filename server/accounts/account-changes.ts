import type { MeResponse, UpdateMeRequest } from '../../common/contract/http';
import { asLocale } from '../../common/contract/fields';
import { normaliseEmail } from '../../common/domain/email';
import { checkPassword } from '../../common/domain/password-policy';
import type { ServerContext } from '../context';
import { isUniqueViolation } from '../db/errors';
import { transact } from '../db/transact';
import { describeDuration } from '../delivery/mail-templates';
import { ApiError } from '../http/api-error';
import type { Limit } from '../http/rate-limiter';
import type { PasswordGuard } from '../login/password-guard';
import { accountForMail, noticeToOwner } from '../mfa/notices';
import { requirePrivileged } from '../sessions/privilege';
import type { Session, Sessions } from '../sessions/sessions';
import type { TrustedDevices } from '../sessions/trusted-devices';
import { issueToken, parseToken, secretMatches } from '../support/secret-token';
import { accountStore } from './account-store';
import { confirmCurrentPassword } from './current-password';
import { emailChangeStore, linkProblem, passwordResetStore } from './lifecycle-links-store';
import { myDetails } from './me';

/** docs/api.md "Account lifecycle": email-change requests, 5 an hour per account. */
export const emailChangeLimit: Limit = { max: 5, windowMs: 3_600_000 };
/** The confirmation link to a new address works once, for a day. */
export const emailChangeTtlMs = 24 * 3_600_000;

/**
 * The changes a signed-in owner makes in My details (docs/api.md "Account lifecycle",
 * docs/security.md 65-69): profile, password and address. Password and address need a privileged
 * session and the current password; each change is mailed to the address the account had when it
 * was made.
 */
export class AccountChanges {
  constructor(
    private readonly ctx: ServerContext,
    private readonly guard: PasswordGuard,
    private readonly sessions: Sessions,
    private readonly devices: TrustedDevices,
  ) {}

  /** PATCH /v1/me: only the given fields change; an empty company clears it. Mails follow `locale`. */
  async updateProfile(session: Session, changes: UpdateMeRequest): Promise<MeResponse> {
    const set = {
      ...(changes.firstName === undefined ? {} : { first_name: changes.firstName }),
      ...(changes.lastName === undefined ? {} : { last_name: changes.lastName }),
      ...(changes.company === undefined ? {} : { company: changes.company || null }),
      ...(changes.locale === undefined ? {} : { locale: changes.locale }),
    };
    if (Object.keys(set).length > 0) {
      await transact(this.ctx, async (trx) => {
        await accountStore.updateProfile(trx, session.accountId, set, this.ctx.clock.now());
        await this.ctx.audit.record(trx, {
          accountId: session.accountId,
          actor: 'user',
          action: 'account.profile_changed',
          // Which fields, never their values: the audit log keeps facts, not personal data.
          detail: { fields: Object.keys(changes).sort().join(',') },
        });
      });
    }
    return myDetails(this.ctx.db, session);
  }

  /**
   * Keeps this session; ends the others and every trusted computer (docs/security.md 17), and voids open
   * reset links, which were asked for under the old password.
   */
  async changePassword(
    session: Session,
    currentPassword: string,
    newPassword: string,
    ip: string | null,
  ): Promise<void> {
    requirePrivileged(session, this.ctx.clock.now());
    const account = await confirmCurrentPassword(
      this.ctx,
      this.guard,
      session.accountId,
      currentPassword,
      ip,
    );
    const reasons = checkPassword(newPassword, {
      email: account.email,
      firstName: account.first_name,
      lastName: account.last_name,
    });
    if (reasons.length > 0) throw new ApiError('weak_password', { reasons });
    const passwordHash = await this.ctx.hasher.hash(newPassword);
    await transact(this.ctx, async (trx) => {
      const now = this.ctx.clock.now();
      await accountStore.setPassword(trx, account.id, passwordHash, now);
      await this.devices.revokeAll(trx, account.id, session.id);
      await this.sessions.revokeAll(trx, account.id, session.id);
      await passwordResetStore.supersede(trx, account.id, now);
      await noticeToOwner(this.ctx, trx, await accountForMail(trx, account.id), 'password_changed', {
        how: 'changed',
      });
      await this.ctx.audit.record(trx, {
        accountId: account.id,
        actor: 'user',
        action: 'account.password_changed',
        ip,
      });
    });
  }

  /**
   * Mails a link to the new address; the account keeps its address until the link is used. The old
   * address is told now. A taken address gets the same answer and its owner a notice (no enumeration).
   */
  async requestEmailChange(
    session: Session,
    newEmail: string,
    password: string,
    ip: string | null,
  ): Promise<void> {
    requirePrivileged(session, this.ctx.clock.now());
    const account = await confirmCurrentPassword(this.ctx, this.guard, session.accountId, password, ip);
    const limit = await this.ctx.limiter.consume(`email-change:${account.id}`, emailChangeLimit);
    if (!limit.allowed)
      throw new ApiError('rate_limited', { retryAfterSeconds: Math.ceil(limit.retryAfterMs / 1000) });
    const emailNormalized = normaliseEmail(newEmail);
    if (emailNormalized === account.email_normalized) return;

    await transact(this.ctx, async (trx) => {
      const now = this.ctx.clock.now();
      const owner = await accountForMail(trx, account.id);
      await noticeToOwner(this.ctx, trx, owner, 'email_change_requested', { newEmail });
      const taken = await accountStore.byEmail(trx, emailNormalized);
      if (taken) {
        // A pending account's name was typed by whoever signed up: greet its mailbox by no name.
        await this.ctx.outbox.queueMail(trx, {
          to: taken.email,
          locale: asLocale(taken.locale),
          template: 'email_change_taken',
          variables: { firstName: taken.activated_at === null ? '' : taken.first_name },
        });
      } else {
        await emailChangeStore.supersede(trx, account.id, now);
        const issued = issueToken(this.ctx.random);
        await emailChangeStore.insert(trx, {
          id: issued.id,
          account_id: account.id,
          new_email: newEmail,
          new_email_normalized: emailNormalized,
          secret_hash: issued.secretHash,
          created_at: now,
          expires_at: now + emailChangeTtlMs,
          used_at: null,
          superseded_at: null,
        });
        const locale = asLocale(owner.locale);
        await this.ctx.outbox.queueMail(trx, {
          to: newEmail,
          locale,
          template: 'email_change_link',
          variables: {
            link: `${this.ctx.config.publicUrl}/confirm-email?token=${encodeURIComponent(issued.token)}`,
            validFor: describeDuration(emailChangeTtlMs, locale),
          },
        });
      }
      await this.ctx.audit.record(trx, {
        accountId: account.id,
        actor: 'user',
        action: 'account.email_change_requested',
        ip,
      });
    });
  }

  /**
   * Uses the link once and moves the account to the new address; from now on the login is by that
   * address. The old address is told again. Open reset links, mailed to the old address, are voided.
   */
  async confirmEmailChange(token: string, ip: string | null): Promise<{ email: string }> {
    const parsed = parseToken(token);
    if (!parsed) throw new ApiError('email_change_invalid');
    const change = await emailChangeStore.byId(this.ctx.db, parsed.id);
    if (!change || !secretMatches(parsed.secret, change.secret_hash))
      throw new ApiError('email_change_invalid');
    switch (linkProblem(change, this.ctx.clock.now())) {
      case 'used':
        throw new ApiError('email_change_used');
      case 'superseded':
        throw new ApiError('email_change_invalid', { reason: 'superseded' });
      case 'expired':
        throw new ApiError('email_change_expired');
      case undefined:
        break;
    }
    try {
      await transact(this.ctx, async (trx) => {
        const now = this.ctx.clock.now();
        const taken = await accountStore.byEmail(trx, change.new_email_normalized);
        if (taken && taken.id !== change.account_id) throw new ApiError('email_taken');
        if (!(await emailChangeStore.consume(trx, change.id, now))) throw new ApiError('email_change_used');
        const before = await accountForMail(trx, change.account_id);
        await accountStore.changeEmail(
          trx,
          change.account_id,
          change.new_email,
          change.new_email_normalized,
          now,
        );
        await passwordResetStore.supersede(trx, change.account_id, now);
        await noticeToOwner(this.ctx, trx, before, 'email_changed', { newEmail: change.new_email });
        await this.ctx.audit.record(trx, {
          accountId: change.account_id,
          actor: 'user',
          action: 'account.email_changed',
          ip,
        });
      });
    } catch (error) {
      // Someone signed up with the address between the check and the move.
      if (isUniqueViolation(error)) throw new ApiError('email_taken');
      throw error;
    }
    return { email: change.new_email };
  }
}
