import { factorType, type ChallengeResponse, type PasswordResetStarted } from '../../common/contract/http';
import { asLocale } from '../../common/contract/fields';
import { normaliseEmail } from '../../common/domain/email';
import { checkPassword } from '../../common/domain/password-policy';
import type { ServerContext } from '../context';
import type { Db } from '../db/schema';
import { transact } from '../db/transact';
import { describeDuration } from '../delivery/mail-templates';
import { ApiError } from '../http/api-error';
import type { Limit } from '../http/rate-limiter';
import type { PasswordGuard } from '../login/password-guard';
import type { Challenges } from '../mfa/challenges';
import { factorStore } from '../mfa/factor-store';
import type { MfaFlow, MfaFlows } from '../mfa/flows';
import { accountForMail, noticeToOwner } from '../mfa/notices';
import type { Sessions } from '../sessions/sessions';
import type { TrustedDevices } from '../sessions/trusted-devices';
import { iso } from '../support/clock';
import { EvenTiming } from '../support/even-timing';
import { issueToken, parseToken, secretMatches } from '../support/secret-token';
import { accountStore } from './account-store';
import { linkProblem, passwordResetStore } from './lifecycle-links-store';

/** docs/api.md "Account lifecycle": 3 requests an hour per address, 20 per client address. */
export const resetAddressLimit: Limit = { max: 3, windowMs: 3_600_000 };
export const resetIpLimit: Limit = { max: 20, windowMs: 3_600_000 };
/**
 * Factor steps one link may start. Each has the login's five code attempts; without a cap, asking
 * /verify again would hand a guesser who holds the mailbox five more every time (docs/security.md 59).
 */
export const factorStepsPerLink: Limit = { max: 3, windowMs: 24 * 3_600_000 };

type PasswordReset = NonNullable<Awaited<ReturnType<typeof passwordResetStore.byId>>>;

/**
 * Forgot password (docs/api.md "Account lifecycle", docs/security.md 59-64). The mailed link alone never
 * sets a password when the account has a factor: /verify starts a "reset" flow — the login's challenge
 * and verify machinery with its code limits, replay rules and attempt caps — and /complete accepts the
 * new password only once that flow has proven a factor. Completing uses the link with one conditional
 * UPDATE (one winner of parallel completes) and ends every session and trusted computer.
 */
export class PasswordResets {
  private readonly timing = new EvenTiming();

  constructor(
    private readonly ctx: ServerContext,
    private readonly flows: MfaFlows,
    private readonly challenges: Challenges,
    private readonly sessions: Sessions,
    private readonly devices: TrustedDevices,
    private readonly guard: PasswordGuard,
  ) {}

  /**
   * Mails a link to an active account's address. Unknown and inactive addresses get the same answer,
   * after the same time, and are counted against the same limits.
   */
  async request(email: string, ip: string | null): Promise<void> {
    const emailNormalized = normaliseEmail(email);
    for (const [key, limit] of [
      [`reset:${emailNormalized}`, resetAddressLimit],
      [`reset-ip:${ip ?? 'unknown'}`, resetIpLimit],
    ] as const) {
      const decision = await this.ctx.limiter.consume(key, limit);
      if (!decision.allowed)
        throw new ApiError('rate_limited', { retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000) });
    }

    // Only an active account gets a link; the others wait as long as mailing one takes.
    const known = await accountStore.byEmail(this.ctx.db, emailNormalized);
    if (!known || known.activated_at === null) {
      await this.timing.short(async () => {});
      return;
    }
    await this.timing.full(() =>
      transact(this.ctx, async (trx) => {
        const account = await accountStore.byEmail(trx, emailNormalized);
        if (!account || account.activated_at === null) return;
        await this.issue(trx, account, ip);
      }),
    );
  }

  private async issue(
    trx: Db,
    account: NonNullable<Awaited<ReturnType<typeof accountStore.byEmail>>>,
    ip: string | null,
  ): Promise<void> {
    const now = this.ctx.clock.now();
    await passwordResetStore.supersede(trx, account.id, now);
    const issued = issueToken(this.ctx.random);
    await passwordResetStore.insert(trx, {
      id: issued.id,
      account_id: account.id,
      secret_hash: issued.secretHash,
      created_at: now,
      expires_at: now + this.ctx.config.passwordResetTtlMs,
      used_at: null,
      superseded_at: null,
    });
    const locale = asLocale(account.locale);
    await this.ctx.outbox.queueMail(trx, {
      to: account.email,
      locale,
      template: 'password_reset',
      variables: {
        firstName: account.first_name,
        link: `${this.ctx.config.publicUrl}/reset-password?token=${encodeURIComponent(issued.token)}`,
        validFor: describeDuration(this.ctx.config.passwordResetTtlMs, locale),
      },
    });
    await this.ctx.audit.record(trx, {
      accountId: account.id,
      actor: 'user',
      action: 'account.password_reset_requested',
      ip,
    });
  }

  /** Checks the link without using it and opens its factor step (a resetId, 15 minutes). */
  async verify(token: string): Promise<PasswordResetStarted> {
    const parsed = parseToken(token);
    if (!parsed) throw new ApiError('reset_invalid');
    const reset = await passwordResetStore.byId(this.ctx.db, parsed.id);
    if (!reset || !secretMatches(parsed.secret, reset.secret_hash)) throw new ApiError('reset_invalid');
    this.refuseUnusable(reset);
    const steps = await this.ctx.limiter.consume(`reset-steps:${reset.id}`, factorStepsPerLink);
    if (!steps.allowed) throw new ApiError('too_many_attempts');

    const flow = await this.flows.create(this.ctx.db, 'reset', reset.account_id, {
      passwordResetId: reset.id,
    });
    const factors = (await factorStore.forLogin(this.ctx.db, reset.account_id)).flatMap(
      ({ id, type, label }) => {
        const known = factorType.safeParse(type);
        return known.success ? [{ id, type: known.data, label }] : [];
      },
    );
    return {
      resetId: flow.id,
      expiresAt: iso(Math.min(flow.expires_at, reset.expires_at)),
      factors,
    };
  }

  async challenge(resetId: string, factorId: string, ip: string | null): Promise<ChallengeResponse> {
    const { flow } = await this.resetFlow(resetId);
    return this.challenges.challenge(flow, factorId, ip);
  }

  /** Proves a factor for the reset: no session is made, the flow is marked as proven (completed). */
  async verifyFactor(resetId: string, factorId: string, code: string, ip: string | null): Promise<void> {
    const { flow } = await this.resetFlow(resetId);
    if (flow.completed_at !== null) return;
    const factor = await this.challenges.factorFor(this.ctx.db, flow, factorId);
    await this.challenges.verify(flow, factor, code, ip, async (trx) => {
      await this.ctx.audit.record(trx, {
        accountId: flow.account_id,
        actor: 'user',
        action: 'account.password_reset_factor_verified',
        detail: { factor: factor.type },
        ip,
      });
    });
  }

  /**
   * Sets the new password. The factor must have been proven in this flow when the account has any
   * factor to prove (docs/security.md 59); an account that never finished enrolling resets with the
   * link alone and enrolls at its next sign-in.
   */
  async complete(resetId: string, password: string, ip: string | null): Promise<void> {
    const { flow, reset } = await this.resetFlow(resetId, { burnedMeansUnproven: true });
    if (flow.completed_at === null && (await factorStore.forLogin(this.ctx.db, flow.account_id)).length > 0)
      throw new ApiError('factor_required');
    const account = await accountStore.forPasswordCheck(this.ctx.db, flow.account_id);
    if (!account) throw new ApiError('reset_invalid');
    const reasons = checkPassword(password, {
      email: account.email,
      firstName: account.first_name,
      lastName: account.last_name,
    });
    if (reasons.length > 0) throw new ApiError('weak_password', { reasons });
    const passwordHash = await this.ctx.hasher.hash(password);

    await transact(this.ctx, async (trx) => {
      const now = this.ctx.clock.now();
      if (!(await passwordResetStore.consume(trx, reset.id, now))) await this.refuseLost(trx, reset.id);
      await accountStore.setPassword(trx, account.id, passwordHash, now);
      await this.sessions.revokeAll(trx, account.id);
      await this.devices.revokeAll(trx, account.id);
      await noticeToOwner(this.ctx, trx, await accountForMail(trx, account.id), 'password_changed', {
        how: 'reset',
      });
      await this.ctx.audit.record(trx, {
        accountId: account.id,
        actor: 'user',
        action: 'account.password_reset',
        detail: { factorProven: flow.completed_at !== null },
        ip,
      });
    });
    // The owner proved the mailbox (and a factor): earlier wrong guesses no longer hold them back.
    await this.guard.succeeded(`login:${account.email_normalized}`);
  }

  /** The reset flow behind a resetId and its link, if both may still be used. */
  private async resetFlow(
    resetId: string,
    options: { burnedMeansUnproven?: boolean } = {},
  ): Promise<{ flow: MfaFlow; reset: PasswordReset }> {
    const flow = await this.flows.find(this.ctx.db, resetId);
    if (!flow || flow.kind !== 'reset' || flow.password_reset_id === null)
      throw new ApiError('reset_invalid');
    const reset = await passwordResetStore.byId(this.ctx.db, flow.password_reset_id);
    if (!reset) throw new ApiError('reset_invalid');
    this.refuseUnusable(reset);
    if (this.ctx.clock.now() >= flow.expires_at) throw new ApiError('reset_expired');
    if (flow.burned_at !== null && !options.burnedMeansUnproven) throw new ApiError('too_many_attempts');
    return { flow, reset };
  }

  private refuseUnusable(reset: PasswordReset): void {
    switch (linkProblem(reset, this.ctx.clock.now())) {
      case 'used':
        throw new ApiError('reset_used');
      case 'superseded':
        throw new ApiError('reset_invalid', {
          message: 'A newer password reset link was sent. Use the link in the most recent mail.',
          reason: 'superseded',
        });
      case 'expired':
        throw new ApiError('reset_expired');
      case undefined:
        return;
    }
  }

  /** A parallel request used, voided or outlived the link first: say which. */
  private async refuseLost(db: Db, id: string): Promise<never> {
    const now = await passwordResetStore.byId(db, id);
    if (now) this.refuseUnusable(now);
    throw new ApiError('reset_used');
  }
}
