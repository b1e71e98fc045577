import { describe, expect, it } from 'vitest';
import { rewriteVaultEntries } from '../../../test/helpers/authenticator';
import { MemorySecretStore } from '../../../test/helpers/desktop';
import { codeOf } from '../../../test/helpers/error-code';
import { tempDirs } from '../../../test/helpers/temp-dirs';
import { IpcRouter } from '../ipc-router';
import { normaliseSecret, toOtpAccount } from './account';
import { accountFromManual, accountsFromText } from './adding';
import { AuthenticatorCodes } from './codes';
import { importAny } from './importers/detect';
import { AuthenticatorVault } from './vault';

// Issue 17: a secret whose last Base32 character carries bits beyond the last byte ("…QED2") was
// accepted, then the code generator refused it and the whole code list went blank. Every way in now
// reads a secret as the generator does; an entry that is already bad shows with its problem while
// the others keep their codes; a local fault is never called the server's.

const newDataDir = tempDirs('wem-bad-secret-');
/** 20 characters = 100 bits: 12 whole bytes and 4 spare bits, which "2" (11010) sets. */
const spareBits = 'JBSWY3DPEHPK3PXPQED2';
const cleared = 'JBSWY3DPEHPK3PXPQEDQ';

describe('secrets read the way the code generator reads them', () => {
  it('clears the spare bits of the last character, as Aegis and Google Authenticator ignore them', () => {
    expect(normaliseSecret(spareBits)).toBe(cleared);
    expect(normaliseSecret(cleared)).toBe(cleared);
  });

  it('takes the same secret from a link, typed fields and every importer, and makes codes with it', async () => {
    const link = `otpauth://totp/ACME:jane?secret=${spareBits}`;
    const fromLink = accountsFromText(link).entries[0];
    const typed = accountFromManual({ label: 'jane', secret: spareBits }).entries[0];
    const fromList = (await importAny(`${link}\n${link.replace('jane', 'joe')}\n`)).entries[0];
    const aegis = JSON.stringify({
      version: 1,
      header: { slots: null, params: null },
      db: {
        version: 1,
        entries: [
          {
            type: 'totp',
            name: 'jane',
            issuer: 'ACME',
            info: { secret: spareBits, algo: 'SHA1', digits: 6, period: 30 },
          },
        ],
      },
    });
    const fromAegis = (await importAny(aegis)).entries[0];
    for (const account of [fromLink, typed, fromList, fromAegis]) expect(account?.secret).toBe(cleared);
  });

  it('refuses lengths no byte string has, with the reason', () => {
    expect(() => toOtpAccount({ type: 'totp', label: 'x', secret: 'JBSWY3DPE' })).toThrow(
      expect.objectContaining({
        code: 'invalid_otpauth',
        details: expect.objectContaining({ reasons: ['invalid_secret'] }),
      }),
    );
  });
});

describe('a vault with an entry that makes no codes', () => {
  it('lists it with its problem while the others keep their codes, and keeps it through other changes', async () => {
    const dataDir = await newDataDir();
    const secrets = new MemorySecretStore();
    const vault = new AuthenticatorVault({ dataDir, secrets });
    await vault.add(toOtpAccount({ type: 'totp', issuer: 'Good', label: 'one', secret: 'JBSWY3DPEHPK3PXP' }));
    await vault.add(toOtpAccount({ type: 'totp', issuer: 'Bad', label: 'two', secret: 'JBSWY3DPEHPK3PXP' }));
    await rewriteVaultEntries(dataDir, secrets, (entries) => {
      (entries[1] as Record<string, unknown>).secret = 'JBSWY3DPE';
    });
    const codes = new AuthenticatorCodes(vault, () => 1_893_456_000_000);
    const views = await codes.views();
    expect(views.map(({ issuer, problem, code }) => ({ issuer, problem, hasCode: code !== '' }))).toEqual([
      { issuer: 'Good', problem: null, hasCode: true },
      { issuer: 'Bad', problem: 'invalid_secret', hasCode: false },
    ]);
    expect(await vault.list()).toHaveLength(1);

    // Adding another entry rewrites the vault: the bad one is kept as it was, to be deleted by the user.
    await vault.add(toOtpAccount({ type: 'hotp', issuer: 'Third', label: 'three', secret: 'GEZDGNBV' }));
    const again = await codes.views();
    expect(again.map((view) => view.issuer)).toEqual(['Good', 'Bad', 'Third']);
    const bad = again[1]!;
    expect(await codeOf(vault.rename(bad.id, { label: 'renamed' }))).toBe('validation_failed');
    await vault.delete(bad.id);
    expect((await codes.views()).map((view) => view.problem)).toEqual([null, null]);
  });
});

describe('a fault in the app itself', () => {
  it('is reported as the app’s, never as the server’s', async () => {
    const router = new IpcRouter({
      'authenticator.list': () => Promise.reject(new TypeError('a bug')),
    } as never);
    expect(await router.dispatch('authenticator.list', {})).toMatchObject({
      ok: false,
      error: { code: 'app_error' },
    });
  });
});
