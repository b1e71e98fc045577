/**
 * Where the desktop app keeps secrets: the OS keychain (electron/services/keychain.ts), never a file.
 * Implementations throw DesktopError('keychain_unavailable' | 'keychain_locked') with a clear message
 * when there is no keychain or it is locked, and never fall back to anything else.
 */
export interface SecretStore {
  get(service: string, account: string): Promise<string | undefined>;
  set(service: string, account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(service: string, account: string): Promise<boolean>;
}
