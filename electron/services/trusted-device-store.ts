import { normaliseEmail } from '../../common/domain/email';
import { normaliseServerUrl } from './portal-client';
import type { SecretStore } from './secret-store';

/** The keychain entry's service name, as the user sees it in their keychain manager. */
export const trustedDeviceService = 'WEM Account trusted device';

/** One entry per server and account: `<normalised server URL>|<normalised email>`. */
export function trustedDeviceAccount(serverUrl: string, email: string): string {
  return `${normaliseServerUrl(serverUrl)}|${normaliseEmail(email)}`;
}

/**
 * The "trust this computer" token (docs/api.md rule 4) in the OS keychain and nowhere else. A missing or
 * locked keychain surfaces as the SecretStore's DesktopError; this store never falls back to a file.
 */
export class TrustedDeviceStore {
  constructor(private readonly secrets: SecretStore) {}

  get(serverUrl: string, email: string): Promise<string | undefined> {
    return this.secrets.get(trustedDeviceService, trustedDeviceAccount(serverUrl, email));
  }

  save(serverUrl: string, email: string, token: string): Promise<void> {
    return this.secrets.set(trustedDeviceService, trustedDeviceAccount(serverUrl, email), token);
  }

  /** True when a token was there. */
  forget(serverUrl: string, email: string): Promise<boolean> {
    return this.secrets.delete(trustedDeviceService, trustedDeviceAccount(serverUrl, email));
  }
}
