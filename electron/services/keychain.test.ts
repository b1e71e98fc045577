import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageOf } from '../../common/contract/errors';
import { inChildProcess, inPrivateSession, requireSecretService } from '../../test/helpers/keychain';
import { createKeychain } from './keychain';
import type { SecretStore } from './secret-store';

// These tests use the real gnome-keyring of the session bus `npm test` starts; nothing is mocked.

/** The keychain of this test run, failing with what to install when there is no Secret Service. */
function keychain(): SecretStore {
  requireSecretService();
  return createKeychain();
}

/** A service name no other test uses, so tests running side by side never share an entry. */
function uniqueService(): string {
  return `wem-account-test-${randomBytes(6).toString('hex')}`;
}

describe('the OS keychain on a real Secret Service', () => {
  it('keeps a secret and gives it back', async () => {
    const store = keychain();
    const service = uniqueService();
    await store.set(service, 'ada@example.com', 'trusted-device-token-1');
    expect(await store.get(service, 'ada@example.com')).toBe('trusted-device-token-1');
    await store.delete(service, 'ada@example.com');
  });

  it('has nothing for an account it never stored', async () => {
    const store = keychain();
    expect(await store.get(uniqueService(), 'nobody@example.com')).toBeUndefined();
  });

  it('replaces a secret that is stored again for the same account', async () => {
    const store = keychain();
    const service = uniqueService();
    await store.set(service, 'ada@example.com', 'first');
    await store.set(service, 'ada@example.com', 'second');
    expect(await store.get(service, 'ada@example.com')).toBe('second');
    expect(await store.delete(service, 'ada@example.com')).toBe(true);
    // Overwriting left one entry, not two: after one delete nothing remains.
    expect(await store.get(service, 'ada@example.com')).toBeUndefined();
  });

  it('forgets a deleted secret and says whether there was one to delete', async () => {
    const store = keychain();
    const service = uniqueService();
    await store.set(service, 'ada@example.com', 'token');
    expect(await store.delete(service, 'ada@example.com')).toBe(true);
    expect(await store.get(service, 'ada@example.com')).toBeUndefined();
    expect(await store.delete(service, 'ada@example.com')).toBe(false);
  });

  it('keeps the secrets of different accounts and servers apart', async () => {
    const store = keychain();
    const [first, second] = [uniqueService(), uniqueService()];
    await store.set(first, 'ada@example.com', 'ada-on-first');
    await store.set(first, 'bob@example.com', 'bob-on-first');
    await store.set(second, 'ada@example.com', 'ada-on-second');
    expect(await store.get(first, 'ada@example.com')).toBe('ada-on-first');
    expect(await store.get(first, 'bob@example.com')).toBe('bob-on-first');
    expect(await store.get(second, 'ada@example.com')).toBe('ada-on-second');

    expect(await store.delete(first, 'ada@example.com')).toBe(true);
    expect(await store.get(first, 'bob@example.com')).toBe('bob-on-first');
    expect(await store.get(second, 'ada@example.com')).toBe('ada-on-second');
    await store.delete(first, 'bob@example.com');
    await store.delete(second, 'ada@example.com');
  });

  it('keeps unicode secrets and account names exactly', async () => {
    const store = keychain();
    const service = `${uniqueService()}-https://wém.example/ñ`;
    const account = 'zoë.ørsted@exämple.com';
    const secret = 'pässwörd 🔑 ключ 鍵 — \u00e9 vs e\u0301, tab\tand\nnewline';
    await store.set(service, account, secret);
    expect(await store.get(service, account)).toBe(secret);
    expect(await store.delete(service, account)).toBe(true);
  });

  it('keeps a long secret whole', async () => {
    const store = keychain();
    const service = uniqueService();
    const secret = randomBytes(3000).toString('base64');
    await store.set(service, 'ada@example.com', secret);
    expect(await store.get(service, 'ada@example.com')).toBe(secret);
    await store.delete(service, 'ada@example.com');
  });

  it('stores in the OS keychain itself, where another process reads and deletes it', async () => {
    const store = keychain();
    const service = uniqueService();
    await store.set(service, 'ada@example.com', 'shared-through-the-keyring');

    const [read, deleted] = await inChildProcess(
      [
        { op: 'get', service, account: 'ada@example.com' },
        { op: 'delete', service, account: 'ada@example.com' },
      ],
      process.env.DBUS_SESSION_BUS_ADDRESS,
    );
    expect(read).toEqual({ ok: true, value: 'shared-through-the-keyring' });
    expect(deleted).toEqual({ ok: true, value: true });
    expect(await store.get(service, 'ada@example.com')).toBeUndefined();
  });
});

describe('a computer without a usable keychain', () => {
  const steps = (service: string) =>
    [
      { op: 'get', service, account: 'ada@example.com' },
      { op: 'set', service, account: 'ada@example.com', secret: 'never-kept-anywhere' },
      { op: 'delete', service, account: 'ada@example.com' },
    ] as const;
  const unavailable = {
    ok: false,
    name: 'DesktopError',
    code: 'keychain_unavailable',
    message: messageOf('keychain_unavailable'),
  };

  it('refuses every operation when there is no D-Bus session at all', async () => {
    requireSecretService();
    const outcomes = await inChildProcess([...steps(uniqueService())], undefined);
    expect(outcomes).toEqual([unavailable, unavailable, unavailable]);
  });

  it('refuses every operation when the session bus is gone', async () => {
    requireSecretService();
    const dir = await mkdtemp(join(tmpdir(), 'wem-dead-bus-'));
    try {
      const outcomes = await inChildProcess([...steps(uniqueService())], `unix:path=${join(dir, 'bus')}`);
      expect(outcomes).toEqual([unavailable, unavailable, unavailable]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses every operation when no Secret Service runs on the session bus', async () => {
    requireSecretService();
    const outcomes = await inPrivateSession('no-provider', [...steps(uniqueService())]);
    expect(outcomes).toEqual([unavailable, unavailable, unavailable]);
  });

  it('refuses to store when the Secret Service has no keyring to store in, and keeps nothing', async () => {
    requireSecretService();
    const service = uniqueService();
    const outcomes = await inPrivateSession('activated-without-keyring', [
      ...steps(service),
      { op: 'get', service, account: 'ada@example.com' },
    ]);
    expect(outcomes).toEqual([
      { ok: true, value: null },
      {
        ok: false,
        name: 'DesktopError',
        code: 'keychain_unavailable',
        message: expect.stringMatching(/no default keyring/i),
      },
      { ok: true, value: false },
      { ok: true, value: null },
    ]);
  });
});

describe('a locked keychain', () => {
  const locked = {
    ok: false,
    name: 'DesktopError',
    code: 'keychain_locked',
    message: messageOf('keychain_locked'),
  };

  it('refuses to read, overwrite or delete a secret until it is unlocked, without hanging', async () => {
    requireSecretService();
    const service = uniqueService();
    const account = 'ada@example.com';
    const started = Date.now();
    const outcomes = await inPrivateSession('unlocked', [
      { op: 'set', service, account, secret: 'kept-before-locking' },
      { op: 'lock' },
      { op: 'get', service, account },
      { op: 'set', service, account, secret: 'written-while-locked' },
      { op: 'delete', service, account },
    ]);
    expect(outcomes).toEqual([{ ok: true, value: null }, { ok: true, value: true }, locked, locked, locked]);
    // Nobody can answer gnome-keyring's unlock prompt here: it must fail at once, not wait.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
