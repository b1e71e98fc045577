import { DesktopError } from '../desktop-error';
import type { TrustedDeviceStore } from '../trusted-device-store';

export function isKeychainError(error: unknown): error is DesktopError {
  return (
    error instanceof DesktopError &&
    (error.code === 'keychain_unavailable' || error.code === 'keychain_locked')
  );
}

/**
 * This computer's trusted-device token for an account, read where a missing or locked keychain must
 * not stop the step that asked: the sign-in then simply asks for a factor (docs/security.md 25).
 */
export class TrustedComputer {
  constructor(readonly store: TrustedDeviceStore) {}

  /** The keychain's token, or nothing when there is none or the keychain cannot be read. */
  async token(serverUrl: string, email: string): Promise<string | undefined> {
    try {
      return await this.store.get(serverUrl, email);
    } catch (error) {
      if (isKeychainError(error)) return undefined;
      throw error;
    }
  }

  async forget(serverUrl: string, email: string): Promise<void> {
    try {
      await this.store.forget(serverUrl, email);
    } catch (error) {
      if (!isKeychainError(error)) throw error;
    }
  }
}
