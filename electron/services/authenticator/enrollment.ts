import { DesktopError } from '../desktop-error';
import type { TotpAccount } from './account';
import { parseOtpauth } from './otpauth';

/** As long as the API keeps an enrollment open (server/mfa/flows.ts: 30 minutes). */
export const enrollmentMemoryMs = 30 * 60_000;
/** The issuer this app files the WEM account's own entry under. */
export const wemIssuer = 'WEM';

/**
 * The WEM account's TOTP factors that were added but not verified yet, by factor id, so that "Use
 * this computer as the authenticator" can add the secret to the vault without the page sending it
 * back. Main's memory only; forgotten once verified, after the enrollment's lifetime, or at sign-out.
 */
export class PendingEnrollments {
  private readonly byFactor = new Map<string, { account: TotpAccount; expiresAt: number }>();

  constructor(private readonly now: () => number) {}

  /** From a factors.add reply; a URI this app cannot read is simply not remembered. */
  remember(factorId: string, otpauthUri: string): void {
    let account;
    try {
      account = parseOtpauth(otpauthUri);
    } catch {
      return;
    }
    if (account.type !== 'totp') return;
    this.byFactor.set(factorId, {
      account: { ...account, issuer: wemIssuer },
      expiresAt: this.now() + enrollmentMemoryMs,
    });
  }

  get(factorId: string): TotpAccount {
    const pending = this.byFactor.get(factorId);
    if (!pending || this.now() >= pending.expiresAt) {
      this.byFactor.delete(factorId);
      throw new DesktopError('enrollment_not_pending');
    }
    return pending.account;
  }

  forget(factorId: string): void {
    this.byFactor.delete(factorId);
  }

  clear(): void {
    this.byFactor.clear();
  }
}
