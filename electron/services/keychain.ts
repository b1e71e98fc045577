import { AsyncEntry } from '@napi-rs/keyring';
import { DesktopError } from './desktop-error';
import type { SecretStore } from './secret-store';

/**
 * The OS keychain behind SecretStore: the Keychain on macOS, the Credential Manager on Windows and
 * the Secret Service (gnome-keyring, KWallet) over D-Bus on Linux. On Linux the store is pinned to
 * the Secret Service, so a machine without one refuses instead of silently using the kernel keyring
 * or anything else: secrets live in the keychain or nowhere.
 *
 * Every failure becomes a DesktopError:
 * - `keychain_unavailable`: no D-Bus session, no Secret Service provider on it, no default keyring;
 * - `keychain_locked`: the keyring is locked and the unlock prompt was dismissed or could not be shown.
 * The platform's reason rides along as the error's `cause` for diagnostics; it never contains the
 * secret (the library does not put secrets in its errors) and the message shown is always ours.
 */
export function createKeychain(): SecretStore {
  return {
    async get(service, account) {
      const secret = await withEntry(service, account, (entry) => entry.getPassword());
      return secret ?? undefined;
    },
    async set(service, account, secret) {
      await withEntry(service, account, (entry) => entry.setPassword(secret));
    },
    async delete(service, account) {
      return withEntry(service, account, (entry) => entry.deleteCredential());
    },
  };
}

async function withEntry<T>(
  service: string,
  account: string,
  use: (entry: AsyncEntry) => Promise<T>,
): Promise<T> {
  try {
    // The constructor already connects to the session bus, so it throws where there is none.
    const entry = new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
    return await use(entry);
  } catch (error) {
    throw keychainError(error);
  }
}

const noDefaultKeyring =
  'Your keychain has no default keyring to keep secrets in. Create one (for example in Passwords and Keys) and try again.';
const duplicateEntries =
  'Your keychain holds more than one entry for this account. Remove the duplicates in your keychain app and try again.';

/**
 * Maps the library's errors (all `GenericFailure`, told apart only by their text) to the contract's
 * codes. The texts are those of keyring-core and dbus-secret-service as shipped in @napi-rs/keyring 2.
 */
function keychainError(error: unknown): DesktopError {
  const reason = error instanceof Error ? error.message : String(error);
  let mapped: DesktopError;
  if (/object locked|prompt (was )?dismissed|before prompt completed/i.test(reason)) {
    mapped = new DesktopError('keychain_locked');
  } else if (/no result found|result not returned/i.test(reason)) {
    // The Secret Service answers but has no default collection to create the item in.
    mapped = new DesktopError('keychain_unavailable', { message: noDefaultKeyring });
  } else if (/is matched by/i.test(reason)) {
    mapped = new DesktopError('keychain_unavailable', { message: duplicateEntries });
  } else {
    // No session bus, a dead bus, no Secret Service provider, or any other platform failure.
    mapped = new DesktopError('keychain_unavailable');
  }
  mapped.cause = reason;
  return mapped;
}
