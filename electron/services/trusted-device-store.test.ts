import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../test/helpers/desktop';
import { TrustedDeviceStore, trustedDeviceAccount, trustedDeviceService } from './trusted-device-store';

describe('trusted-device store', () => {
  it('keeps one token per server and account under the app’s keychain service', async () => {
    const secrets = new MemorySecretStore();
    const store = new TrustedDeviceStore(secrets);
    await store.save('https://accounts.example.com/', 'Jane@Example.net', 'device.token-1');
    expect([...secrets.entries.keys()]).toEqual([
      `${trustedDeviceService}\nhttps://accounts.example.com|jane@example.net`,
    ]);
    expect(await store.get('HTTPS://accounts.example.com', ' jane@example.NET ')).toBe('device.token-1');
    expect(await store.get('https://other.example.com', 'jane@example.net')).toBeUndefined();
    expect(await store.get('https://accounts.example.com', 'john@example.net')).toBeUndefined();
  });

  it('forgets the token and says whether there was one', async () => {
    const store = new TrustedDeviceStore(new MemorySecretStore());
    await store.save('http://127.0.0.1:4300', 'jane@example.net', 'device.token-1');
    expect(await store.forget('http://127.0.0.1:4300/', 'JANE@example.net')).toBe(true);
    expect(await store.get('http://127.0.0.1:4300', 'jane@example.net')).toBeUndefined();
    expect(await store.forget('http://127.0.0.1:4300', 'jane@example.net')).toBe(false);
  });

  it('passes a locked or missing keychain on instead of keeping the token anywhere else', async () => {
    const secrets = new MemorySecretStore();
    const store = new TrustedDeviceStore(secrets);
    secrets.fail('keychain_locked');
    await expect(store.save('http://127.0.0.1:4300', 'jane@example.net', 't.1')).rejects.toMatchObject({
      code: 'keychain_locked',
    });
    secrets.fail('keychain_unavailable');
    await expect(store.get('http://127.0.0.1:4300', 'jane@example.net')).rejects.toMatchObject({
      code: 'keychain_unavailable',
    });
    secrets.fail(undefined);
    expect(secrets.entries.size).toBe(0);
  });

  it('names the entry by server and account', () => {
    expect(trustedDeviceAccount('http://LOCALHOST:4300/', 'A@B.nl')).toBe('http://localhost:4300|a@b.nl');
  });
});
