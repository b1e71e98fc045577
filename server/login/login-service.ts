import { normaliseEmail } from '../../common/domain/email';
import { factorType, type FactorType, type LoginResponse } from '../../common/contract/http';
import type { MfaFlows } from '../mfa/flows';
import { countsAsFactor } from '../mfa/factor-strategy';
import type { TrustedDevices } from '../sessions/trusted-devices';
import { iso } from '../support/clock';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import { abuseNoticeToOwner } from '../mfa/notices';
import { guardPolicy, type PasswordGuard } from './password-guard';
import type { NewSession, Sessions } from '../sessions/sessions';
import { transact } from '../db/transact';
import { factorStore } from '../mfa/factor-store';
import { accountStore } from '../accounts/account-store';
import { acrValues, passwordOnly } from '../sessions/authentication-methods';

/** Failed password attempts one client address may make in 15 minutes, over all accounts. */
export const loginIpLimit = { max: 100, windowMs: 15 * 60_000 };
/** Wrong passwords with one trusted computer's token per hour before it stops bypassing the guard. */
export const trustedComputerPasswordBudget = { max: 5, windowMs: 3_600_000 };

type Account = NonNullable<Awaited<ReturnType<typeof accountStore.byEmail>>>;

export interface LoginInput {
  email: string;
  password: string;
  deviceToken?: string | undefined;
}

/**
 * The password step of login. Unknown address, wrong password and a locked account give the same
 * answer after the same work (one argon2 verification), so neither the answer nor its timing tells an
 * attacker which it was (docs/security.md 8). Whether the account is activated is told only after a correct
 * password.
 */
export class LoginService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly guard: PasswordGuard,
    private readonly sessions: Sessions,
    private readonly flows: MfaFlows,
    private readonly devices: TrustedDevices,
  ) {}

  async login(input: LoginInput, ip: string | null): Promise<LoginResponse> {
    const emailNormalized = normaliseEmail(input.email);
    const guardKey = `login:${emailNormalized}`;

    // The owner on a computer they trusted is not held back by what others do from the same network
    // (the per-address limit) or against the account (the password guard): a live device token of
    // this account has its own, small budget of wrong passwords instead.
    const trusted = await this.trustedComputer(emailNormalized, input.deviceToken);
    if (!trusted) {
      // One client spraying passwords over many accounts: counted per address, handed back on success.
      const byIp = await this.ctx.limiter.consume(`login-ip:${ip ?? 'unknown'}`, loginIpLimit);
      if (!byIp.allowed)
        throw new ApiError('rate_limited', { retryAfterSeconds: Math.ceil(byIp.retryAfterMs / 1000) });

      if (!(await this.guard.reserve(guardKey))) {
        await this.ctx.hasher.verifyDummy(input.password);
        const account = await this.findAccount(emailNormalized);
        if (account) {
          await this.ctx.audit.record(this.ctx.db, {
            accountId: account.id,
            actor: 'user',
            action: 'login.password_refused_locked',
            ip,
          });
          await this.warnOwner(account.id);
        }
        throw new ApiError('invalid_credentials');
      }
    }

    // A trusted computer's check already read the account.
    const account = trusted?.account ?? (await this.findAccount(emailNormalized));
    if (!account) {
      await this.ctx.hasher.verifyDummy(input.password);
      throw new ApiError('invalid_credentials');
    }
    if (!(await this.ctx.hasher.verify(account.password_hash, input.password))) {
      await this.ctx.audit.record(this.ctx.db, {
        accountId: account.id,
        actor: 'user',
        action: 'login.password_failed',
        ip,
      });
      if (!trusted && (await this.guard.failures(guardKey)) >= guardPolicy.freeAttempts)
        await this.warnOwner(account.id);
      throw new ApiError('invalid_credentials');
    }
    if (trusted) await this.ctx.limiter.release(trusted.budgetKey);
    else {
      await this.guard.succeeded(guardKey);
      await this.ctx.limiter.release(`login-ip:${ip ?? 'unknown'}`);
    }

    if (account.activated_at === null) throw new ApiError('account_not_activated');

    const factors = await this.loginFactors(account.id);
    // Recovery codes alone are a fallback, not MFA: such an account enrolls a real factor first.
    if (!factors.some((factor) => countsAsFactor(factor.type))) {
      // Until the account has a factor, the only way forward is enrolling one (docs/api.md rule 3). This is
      // also where an approved MFA reset leads.
      const session = await this.startSession(
        account.id,
        { scope: 'enrollment', amr: passwordOnly },
        { scope: 'enrollment' },
        ip,
      );
      return { state: 'mfa_enrollment_required', session };
    }

    // A trusted computer skips the factor, only with this account's right password (docs/security.md 16).
    // The session is not privileged: changing factors still asks for one.
    const deviceId = await this.devices.recognise(this.ctx.db, account.id, input.deviceToken);
    if (deviceId) {
      const session = await this.startSession(
        account.id,
        { scope: 'full', trustedDeviceId: deviceId, amr: passwordOnly, acr: acrValues.trustedDevice },
        { trustedDevice: deviceId },
        ip,
      );
      return { state: 'authenticated', session };
    }

    const flow = await this.flows.create(this.ctx.db, 'login', account.id);
    return { state: 'mfa_required', loginId: flow.id, expiresAt: iso(flow.expires_at), factors };
  }

  /** A session and its audit entry, written together. */
  private startSession(
    accountId: string,
    options: NewSession,
    detail: Record<string, string>,
    ip: string | null,
  ) {
    return transact(this.ctx, async (trx) => {
      const session = await this.sessions.create(trx, accountId, options);
      await this.ctx.audit.record(trx, { accountId, actor: 'user', action: 'login.succeeded', detail, ip });
      return session;
    });
  }

  /** Active factors to choose from; recovery codes only while some are left. */
  private async loginFactors(accountId: string): Promise<{ id: string; type: FactorType; label: string }[]> {
    const rows = await factorStore.forLogin(this.ctx.db, accountId);
    return rows.flatMap(({ id, type, label }) => (isFactorType(type) ? [{ id, type, label }] : []));
  }

  /**
   * The device behind `deviceToken` when it is a live trusted computer of the account at this address
   * and still has wrong-password budget; undefined otherwise (then the ordinary limits apply).
   */
  private async trustedComputer(
    emailNormalized: string,
    deviceToken: string | undefined,
  ): Promise<{ budgetKey: string; account: Account } | undefined> {
    if (!deviceToken) return undefined;
    const account = await this.findAccount(emailNormalized);
    const deviceId = account && (await this.devices.live(this.ctx.db, account.id, deviceToken));
    if (!deviceId) return undefined;
    const budgetKey = `device-login:${deviceId}`;
    const budget = await this.ctx.limiter.consume(budgetKey, trustedComputerPasswordBudget);
    return budget.allowed ? { budgetKey, account } : undefined;
  }

  /** Someone is failing at this account's password: its owner hears of it, once a day. */
  private async warnOwner(accountId: string): Promise<void> {
    await abuseNoticeToOwner(this.ctx, this.ctx.db, accountId, 'password_attempts');
  }

  private findAccount(emailNormalized: string): Promise<Account | undefined> {
    return accountStore.byEmail(this.ctx.db, emailNormalized);
  }
}

function isFactorType(type: string): type is FactorType {
  return factorType.safeParse(type).success;
}
