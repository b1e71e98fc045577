import { DesktopError } from '../desktop-error';

/**
 * How long the API keeps a login that owes a factor (docs/architecture.md "MFA": 15 minutes), counted
 * on this computer's clock from the password step's answer, so a skewed clock cannot end it early.
 */
export const pendingLoginLifetimeMs = 15 * 60_000;

/** A password step that asked for a factor: kept in main, its loginId never reaches the renderer. */
export interface PendingLogin {
  loginId: string;
  email: string;
  serverUrl: string;
  expiresAt: number;
}

/** Codes after which the server has forgotten the login: asking again needs a new password step. */
const endsTheLogin = ['login_expired', 'login_not_found', 'too_many_attempts'];

/**
 * At most one login in progress. It ends when a factor proves it, when the server says it is gone,
 * when the user goes back to sign in, when the server address changes, and on its own at `expiresAt`,
 * so nothing of an abandoned sign-in lingers in main.
 */
export class LoginInProgress {
  private pending: PendingLogin | undefined;

  constructor(private readonly now: () => number) {}

  begin(login: Omit<PendingLogin, 'expiresAt'>): void {
    this.pending = { ...login, expiresAt: this.now() + pendingLoginLifetimeMs };
  }

  /** The login for the server the app talks to now, refused once it has expired or was cancelled. */
  require(serverUrl: string): PendingLogin {
    const login = this.pending;
    if (!login || login.serverUrl !== serverUrl) throw new DesktopError('no_login_in_progress');
    if (this.now() >= login.expiresAt) {
      this.pending = undefined;
      throw new DesktopError('login_expired');
    }
    return login;
  }

  /** Rethrows `error`, forgetting the login first when the server has forgotten it. */
  endOn(error: unknown): never {
    if (error instanceof DesktopError && endsTheLogin.includes(error.code)) this.pending = undefined;
    throw error;
  }

  /** Also handed on as a callback (a new server address), hence an arrow. */
  readonly cancel = (): void => {
    this.pending = undefined;
  };
}
