import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../test/helpers/desktop';
import type { OtpAccount } from './account';
import { AuthenticatorVault, vaultFileName, vaultKeyAccount, vaultKeyService } from './vault';
import { tempDirs } from '../../../test/helpers/temp-dirs';
import { codeOf } from '../../../test/helpers/error-code';

const newDataDir = tempDirs('wem-vault-');

const deno: OtpAccount = {
  type: 'totp',
  issuer: 'Deno',
  label: 'mason@example.com',
  secret: '4SJHB4GSD43FZBAI7C2HLRJGPQ',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};
const wwe: OtpAccount = {
  type: 'hotp',
  issuer: 'WWE',
  label: 'mason-wrestles',
  secret: '5VAML3X35THCEBVRLV24CGBKOY',
  algorithm: 'SHA512',
  digits: 8,
  counter: 10300,
};

async function setup() {
  const dataDir = await newDataDir();
  const secrets = new MemorySecretStore();
  return {
    dataDir,
    secrets,
    vault: new AuthenticatorVault({ dataDir, secrets }),
    file: path.join(dataDir, vaultFileName),
  };
}

describe('the authenticator vault', () => {
  it('keeps entries across restarts, with rename, reorder and delete', async () => {
    const { dataDir, secrets, vault } = await setup();
    const a = await vault.add(deno);
    const b = await vault.add(wwe);
    await vault.rename(a.id, { label: 'mason (work)' });
    await vault.reorder([b.id, a.id]);
    const reopened = new AuthenticatorVault({ dataDir, secrets });
    expect((await reopened.list()).map((entry) => [entry.issuer, entry.label, entry.order])).toEqual([
      ['WWE', 'mason-wrestles', 0],
      ['Deno', 'mason (work)', 1],
    ]);
    await reopened.delete(b.id);
    expect(await new AuthenticatorVault({ dataDir, secrets }).list()).toEqual([
      { ...deno, label: 'mason (work)', id: a.id, order: 0 },
    ]);
    expect(await codeOf(reopened.reorder([a.id, a.id]))).toBe('validation_failed');
    expect(await codeOf(reopened.delete('nope'))).toBe('not_found');
  });

  it('creates its key in the keychain on first use and never writes a secret or name in clear', async () => {
    const { secrets, vault, file } = await setup();
    expect(await vault.list()).toEqual([]);
    expect(secrets.entries.size).toBe(0);
    await vault.add(deno);
    await vault.add(wwe);
    expect(Buffer.from((await secrets.get(vaultKeyService, vaultKeyAccount)) ?? '', 'base64')).toHaveLength(
      32,
    );
    const onDisk = await readFile(file, 'utf8');
    for (const clear of [deno.secret, wwe.secret, deno.issuer, deno.label, wwe.label, 'totp', 'SHA512'])
      expect(onDisk).not.toContain(clear);
  });

  it('cannot be read without its key', async () => {
    const { dataDir, secrets, vault } = await setup();
    await vault.add(deno);
    const otherKeychain = new MemorySecretStore();
    await otherKeychain.set(vaultKeyService, vaultKeyAccount, Buffer.alloc(32, 7).toString('base64'));
    expect(await codeOf(new AuthenticatorVault({ dataDir, secrets: otherKeychain }).list())).toBe(
      'vault_damaged',
    );
    await secrets.delete(vaultKeyService, vaultKeyAccount);
    expect(await codeOf(new AuthenticatorVault({ dataDir, secrets }).list())).toBe('vault_key_missing');
    expect(await codeOf(new AuthenticatorVault({ dataDir, secrets }).add(wwe))).toBe('vault_key_missing');
  });

  it('writes nothing anywhere when the keychain is locked or missing', async () => {
    for (const failure of ['keychain_locked', 'keychain_unavailable'] as const) {
      const { dataDir, secrets, vault } = await setup();
      secrets.fail(failure);
      expect(await codeOf(vault.add(deno))).toBe(failure);
      expect(await readdir(dataDir)).toEqual([]);
    }
  });

  it('reports a damaged vault and never overwrites it', async () => {
    const { vault, file } = await setup();
    await vault.add(deno);
    const original = await readFile(file);
    const flipped = Buffer.from(original);
    const envelope = JSON.parse(flipped.toString('utf8')) as { ciphertext: string };
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const damaged = JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64') });
    for (const content of [damaged, '{"format":"wem-auth', '']) {
      await writeFile(file, content);
      expect(await codeOf(vault.list())).toBe('vault_damaged');
      expect(await codeOf(vault.add(wwe))).toBe('vault_damaged');
      expect(await readFile(file, 'utf8')).toBe(content);
    }
  });

  it('survives a crash between writing the new vault and renaming it', async () => {
    const { dataDir, secrets, vault, file } = await setup();
    const first = await vault.add(deno);
    // What a crash before rename leaves behind: a (here half-written) temp file next to the vault.
    await writeFile(`${file}.0badc0ffee00.tmp`, '{"format":"wem-authenticator-vault","nonce":"');
    const reopened = new AuthenticatorVault({ dataDir, secrets });
    expect(await reopened.list()).toEqual([{ ...deno, id: first.id, order: 0 }]);
    await reopened.add(wwe);
    expect((await new AuthenticatorVault({ dataDir, secrets }).list()).map((entry) => entry.issuer)).toEqual([
      'Deno',
      'WWE',
    ]);
  });

  it('refuses an invalid account without touching the file', async () => {
    const { vault, file } = await setup();
    await vault.add(deno);
    const before = await readFile(file, 'utf8');
    expect(await codeOf(vault.add({ ...deno, period: 0 }))).toBe('invalid_otpauth');
    expect(await codeOf(vault.addMany([wwe, { ...deno, secret: 'not base32!' }]))).toBe('invalid_otpauth');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('serialises concurrent changes so none is lost', async () => {
    const { dataDir, secrets, vault } = await setup();
    await Promise.all(Array.from({ length: 8 }, (_, index) => vault.add({ ...deno, label: `user${index}` })));
    expect(await new AuthenticatorVault({ dataDir, secrets }).list()).toHaveLength(8);
  });
});
