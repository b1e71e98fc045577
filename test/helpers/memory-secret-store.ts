import type { ClientErrorCode } from '../../common/contract/errors';
import { DesktopError } from '../../electron/services/desktop-error';
import type { SecretStore } from '../../electron/services/secret-store';

/**
 * A keychain in memory, with the real one's failure modes on demand: `fail('keychain_locked')` makes
 * every call throw what electron/services/keychain.ts throws for a locked or missing keychain.
 */
export class MemorySecretStore implements SecretStore {
  readonly entries = new Map<string, string>();
  private failure: ClientErrorCode | undefined;

  fail(code: 'keychain_locked' | 'keychain_unavailable' | undefined): void {
    this.failure = code;
  }

  private check(): void {
    if (this.failure) throw new DesktopError(this.failure);
  }

  async get(service: string, account: string): Promise<string | undefined> {
    this.check();
    return this.entries.get(`${service}\n${account}`);
  }

  async set(service: string, account: string, secret: string): Promise<void> {
    this.check();
    this.entries.set(`${service}\n${account}`, secret);
  }

  async delete(service: string, account: string): Promise<boolean> {
    this.check();
    return this.entries.delete(`${service}\n${account}`);
  }
}
