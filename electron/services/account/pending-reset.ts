import { DesktopError } from '../desktop-error';

/**
 * How long the API keeps a reset's `resetId` (docs/api.md "Account lifecycle": 15 minutes), counted on
 * this computer's clock from the link's check, so a skewed clock cannot end it early.
 */
export const pendingResetLifetimeMs = 15 * 60_000;

/** An opened reset link: kept in main, its resetId never reaches the renderer (docs/security.md 73). */
export interface PendingReset {
  resetId: string;
  serverUrl: string;
  expiresAt: number;
}

/** Codes after which the server has forgotten the reset: going on needs the link (or a new one) again. */
const endsTheReset = ['reset_invalid', 'reset_expired', 'reset_used', 'too_many_attempts'];

/**
 * At most one password reset in progress, like a login that owes a factor: it ends when the new
 * password is set, when the server says it is gone, when the user goes back, when the server address
 * changes, and on its own at `expiresAt`.
 */
export class ResetInProgress {
  private pending: PendingReset | undefined;

  constructor(private readonly now: () => number) {}

  begin(reset: Omit<PendingReset, 'expiresAt'>): void {
    this.pending = { ...reset, expiresAt: this.now() + pendingResetLifetimeMs };
  }

  /** The reset for the server the app talks to now, refused once it has expired or was cancelled. */
  require(serverUrl: string): PendingReset {
    const reset = this.pending;
    if (!reset || reset.serverUrl !== serverUrl) throw new DesktopError('no_reset_in_progress');
    if (this.now() >= reset.expiresAt) {
      this.pending = undefined;
      throw new DesktopError('reset_expired');
    }
    return reset;
  }

  /** Rethrows `error`, forgetting the reset first when the server has forgotten it. */
  endOn(error: unknown): never {
    if (error instanceof DesktopError && endsTheReset.includes(error.code)) this.pending = undefined;
    throw error;
  }

  /** Also handed on as a callback (a new server address), hence an arrow. */
  readonly cancel = (): void => {
    this.pending = undefined;
  };
}
