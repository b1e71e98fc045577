import type { AccountChanges } from '../accounts/account-changes';
import type { AccountDeletion } from '../accounts/account-deletion';
import type { ActivationService } from '../accounts/activation';
import type { PasswordResets } from '../accounts/password-reset';
import { accountStore } from '../accounts/account-store';
import type { SignupService } from '../accounts/signup';
import type { ServerContext } from '../context';
import type { LoginService } from '../login/login-service';
import type { MfaLogin } from '../login/mfa-login';
import type { FactorManagement } from '../mfa/factor-management';
import type { StepUp } from '../mfa/step-up';
import type { Session, Sessions } from '../sessions/sessions';
import type { TrustedDevices } from '../sessions/trusted-devices';
import { cookiesOf, portalCookieNames, serializeCookie, type PortalCookieNames } from './cookies';

export interface PortalServiceParts {
  signup: SignupService;
  activation: ActivationService;
  login: LoginService;
  mfaLogin: MfaLogin;
  factors: FactorManagement;
  stepUp: StepUp;
  sessions: Sessions;
  devices: TrustedDevices;
  resets: PasswordResets;
  changes: AccountChanges;
  deletion: AccountDeletion;
  version: string;
}

/**
 * What the portal's routes share: the server's own services (the /v1 routes call the same ones) and
 * the browser's cookie session (docs/api.md, "Login portal").
 */
export class PortalServices {
  readonly cookies: PortalCookieNames;
  readonly secure: boolean;
  readonly signup: SignupService;
  readonly activation: ActivationService;
  readonly login: LoginService;
  readonly mfaLogin: MfaLogin;
  readonly factors: FactorManagement;
  readonly stepUp: StepUp;
  readonly sessions: Sessions;
  readonly devices: TrustedDevices;
  readonly resets: PasswordResets;
  readonly changes: AccountChanges;
  readonly deletion: AccountDeletion;
  readonly version: string;

  constructor(
    readonly ctx: ServerContext,
    parts: PortalServiceParts,
  ) {
    this.cookies = portalCookieNames(ctx.config.publicUrl);
    this.secure = ctx.config.publicUrl.startsWith('https://');
    ({
      signup: this.signup,
      activation: this.activation,
      login: this.login,
      mfaLogin: this.mfaLogin,
      factors: this.factors,
      stepUp: this.stepUp,
      sessions: this.sessions,
      devices: this.devices,
      resets: this.resets,
      changes: this.changes,
      deletion: this.deletion,
      version: this.version,
    } = parts);
  }

  /** The live session the browser's portal cookie names, if any. */
  browserSession = async (cookieHeader: string | undefined): Promise<Session | undefined> => {
    const token = cookiesOf(cookieHeader).get(this.cookies.session);
    return token ? this.sessions.authenticate(token) : undefined;
  };

  async emailOf(accountId: string): Promise<string | null> {
    return (await accountStore.profile(this.ctx.db, accountId))?.email ?? null;
  }

  /**
   * An explicit sign-out (the portal's, or a relying party's logout): ends the session, revokes the
   * browser's trusted device and returns the Set-Cookie values that clear every portal cookie
   * (docs/security.md 50).
   */
  async signOut(cookieHeader: string | undefined, ip: string | null): Promise<string[]> {
    const cookies = cookiesOf(cookieHeader);
    const current = await this.browserSession(cookieHeader);
    if (current) {
      const trusted = cookies.get(this.cookies.trusted);
      await this.ctx.db.transaction().execute(async (trx) => {
        await this.sessions.revoke(trx, current.id);
        if (trusted) await this.devices.revokeByToken(trx, current.accountId, trusted);
        await this.ctx.audit.record(trx, {
          accountId: current.accountId,
          actor: 'user',
          action: 'session.revoked',
          detail: { reason: 'logout' },
          ip,
        });
      });
    }
    return this.clearAll();
  }

  /** Set-Cookie values that clear every portal cookie of this browser. */
  clearAll(): string[] {
    const { session, trusted, login, fresh, reset } = this.cookies;
    return [session, trusted, login, fresh, reset].map((name) =>
      serializeCookie(name, '', { secure: this.secure, maxAge: 0 }),
    );
  }
}
