import { describe, expect, it } from 'vitest';
import { MemorySecretStore, stringsIn } from '../../../test/helpers/desktop';
import { codeViewFields } from '../../../test/helpers/authenticator';
import type { TotpAccount } from './account';
import { AuthenticatorCodes } from './codes';
import { base32 } from './importers/google-migration';
import { AuthenticatorVault } from './vault';
import { tempDirs } from '../../../test/helpers/temp-dirs';

const newDataDir = tempDirs('wem-codes-');

/** RFC 6238 Appendix B: the seeds per algorithm and the 8-digit codes at each time. */
const seeds = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;
const vectors: [seconds: number, sha1: string, sha256: string, sha512: string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

async function vaultWithClock() {
  const dataDir = await newDataDir();
  const vault = new AuthenticatorVault({ dataDir, secrets: new MemorySecretStore() });
  const clock = { now: 0 };
  return { vault, clock, codes: new AuthenticatorCodes(vault, () => clock.now) };
}

function rfcAccount(algorithm: keyof typeof seeds): TotpAccount {
  return {
    type: 'totp',
    issuer: 'RFC 6238',
    label: `vector ${algorithm.toLowerCase()}`,
    secret: base32(Buffer.from(seeds[algorithm])),
    algorithm,
    digits: 8,
    period: 30,
  };
}

describe('authenticator codes', () => {
  it('gives the RFC 6238 codes for SHA1, SHA256 and SHA512 entries stored in the vault', async () => {
    const { vault, clock, codes } = await vaultWithClock();
    await vault.addMany([rfcAccount('SHA1'), rfcAccount('SHA256'), rfcAccount('SHA512')]);
    for (const [seconds, ...expected] of vectors) {
      clock.now = seconds * 1000;
      expect((await codes.views()).map((view) => view.code)).toEqual(expected);
      // Thirty seconds earlier, the same codes are the "next" ones.
      clock.now = (seconds - 30) * 1000;
      expect((await codes.views()).map((view) => view.nextCode)).toEqual(expected);
    }
  });

  it('counts down the seconds left in the period', async () => {
    const { vault, clock, codes } = await vaultWithClock();
    await vault.add({ ...rfcAccount('SHA1'), period: 20 });
    clock.now = 1_000_000 * 20 * 1000 + 10_500;
    expect((await codes.views())[0]).toMatchObject({ period: 20, secondsLeft: 10 });
    clock.now += 9_000;
    expect((await codes.views())[0]).toMatchObject({ secondsLeft: 1 });
    const before = (await codes.views())[0];
    clock.now += 1_000;
    const after = (await codes.views())[0];
    expect(after).toMatchObject({ secondsLeft: 20, code: before?.nextCode });
  });

  it('moves a HOTP counter only when the next code is asked for (RFC 4226 vectors)', async () => {
    const { vault, clock, codes } = await vaultWithClock();
    const hotp = await vault.add({
      type: 'hotp',
      issuer: 'RFC 4226',
      label: 'test',
      secret: base32(Buffer.from(seeds.SHA1)),
      algorithm: 'SHA1',
      digits: 6,
      counter: 0,
    });
    expect((await codes.views())[0]).toMatchObject({ code: '755224', nextCode: null, secondsLeft: null });
    clock.now += 3_600_000;
    expect((await codes.views())[0]?.code).toBe('755224');
    expect((await codes.nextHotpCode(hotp.id)).code).toBe('287082');
    expect((await codes.nextHotpCode(hotp.id)).code).toBe('359152');
    expect(await vault.get(hotp.id)).toMatchObject({ counter: 2 });
  });

  it('never puts a secret, an algorithm or a counter in what the renderer sees', async () => {
    const { vault, clock, codes } = await vaultWithClock();
    const hotp = await vault.add({
      type: 'hotp',
      issuer: 'WWE',
      label: 'Mason',
      secret: '5VAML3X35THCEBVRLV24CGBKOY',
      algorithm: 'SHA512',
      digits: 8,
      counter: 10300,
    });
    await vault.addMany([rfcAccount('SHA1'), rfcAccount('SHA512')]);
    clock.now = 1_700_000_000_000;
    const entries = await vault.list();
    const seen = [...stringsIn(await codes.views()), ...stringsIn(await codes.nextHotpCode(hotp.id))];
    for (const entry of entries) {
      expect(seen.join('\n')).not.toContain(entry.secret);
      expect(seen).not.toContain(entry.algorithm);
    }
    for (const view of await codes.views()) expect(Object.keys(view).sort()).toEqual(codeViewFields);
  });
});
