import { normaliseEmail } from '../../common/domain/email';
import { factorType, type FactorType, type LoginResponse } from '../../common/contract/http';
import type { MfaFlows } from '../mfa/flows';
import { countsAsFactor } from '../mfa/factor-strategy';
import type { TrustedDevices } from '../mfa/trusted-devices';
import { iso } from '../support/clock';
import type { ServerContext } from '../context';
import { ApiError } from '../http/api-error';
import type { PasswordGuard } from './password-guard';
import type { NewSession, Sessions } from './sessions';

/** Failed password attempts one client address may make in 15 minutes, over all accounts. */
export const loginIpLimit = { max: 100, windowMs: 15 * 60_000 };

export interface LoginInput {
  email: string;
  password: string;
  deviceToken?: string | undefined;
}

/**
 * The password step of login. Unknown address, wrong password and a locked account give the same
 * answer after the same work (one argon2 verification), so neither the answer nor its timing tells an
 * attacker which it was (SECURITY.md 8). Whether the account is activated is told only after a correct
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
      }
      throw new ApiError('invalid_credentials');
    }

    const account = await this.findAccount(emailNormalized);
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
      throw new ApiError('invalid_credentials');
    }
    await this.guard.succeeded(guardKey);
    await this.ctx.limiter.release(`login-ip:${ip ?? 'unknown'}`);

    if (account.activated_at === null) throw new ApiError('account_not_activated');

    const factors = await this.loginFactors(account.id);
    // Recovery codes alone are a fallback, not MFA: such an account enrolls a real factor first.
    if (!factors.some((factor) => countsAsFactor(factor.type))) {
      // Until the account has a factor, the only way forward is enrolling one (API.md rule 3). This is
      // also where an approved MFA reset leads.
      const session = await this.startSession(
        account.id,
        { scope: 'enrollment' },
        { scope: 'enrollment' },
        ip,
      );
      return { state: 'mfa_enrollment_required', session };
    }

    // A trusted computer skips the factor, only with this account's right password (SECURITY.md 16).
    // The session is not privileged: changing factors still asks for one.
    const deviceId = await this.devices.recognise(this.ctx.db, account.id, input.deviceToken);
    if (deviceId) {
      const session = await this.startSession(
        account.id,
        { scope: 'full', trustedDeviceId: deviceId },
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
    return this.ctx.db.transaction().execute(async (trx) => {
      const session = await this.sessions.create(trx, accountId, options);
      await this.ctx.audit.record(trx, { accountId, actor: 'user', action: 'login.succeeded', detail, ip });
      return session;
    });
  }

  /** Active factors to choose from; recovery codes only while some are left. */
  private async loginFactors(accountId: string): Promise<{ id: string; type: FactorType; label: string }[]> {
    const rows = await this.ctx.db
      .selectFrom('mfa_factors')
      .select(['id', 'type', 'label', 'created_at'])
      .where('account_id', '=', accountId)
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([
          eb('type', '!=', 'recovery_codes'),
          eb.exists(
            eb
              .selectFrom('recovery_codes')
              .select('recovery_codes.id')
              .whereRef('recovery_codes.factor_id', '=', 'mfa_factors.id')
              .where('recovery_codes.used_at', 'is', null),
          ),
        ]),
      )
      .orderBy('created_at')
      .execute();
    return rows.flatMap(({ id, type, label }) => (isFactorType(type) ? [{ id, type, label }] : []));
  }

  private findAccount(emailNormalized: string) {
    return this.ctx.db
      .selectFrom('accounts')
      .select(['id', 'password_hash', 'activated_at'])
      .where('email_normalized', '=', emailNormalized)
      .executeTakeFirst();
  }
}

function isFactorType(type: string): type is FactorType {
  return factorType.safeParse(type).success;
}
