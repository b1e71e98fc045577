import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createGuardrails, generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  airbnb,
  airCanada,
  deno,
  everyEntry,
  fixtureDir,
  issuu,
  spdx,
  steam,
  wwe,
} from '../../../../test/fixtures/authenticator-interop/expected';
import { codeOf } from '../../../../test/helpers/error-code';
import type { OtpAccount } from '../account';
import { toCodeView } from '../codes';
import { exportEncryptedBackup } from '../exporters/encrypted-backup';
import { importAny } from './detect';

// Issue 17: every format is read from a real export made by its app (test/fixtures/authenticator-
// interop/README.md names each file's source and licence), field by field, and each imported entry
// makes the code an independent implementation makes at a fixed time.

const fixture = (name: string) => readFile(path.join(fixtureDir, name));
/** Map-ordered formats (FreeOTP, Ente) list entries in no fixed order: compare them sorted. */
const sorted = (accounts: OtpAccount[]) =>
  [...accounts].sort((a, b) => `${a.issuer}/${a.label}`.localeCompare(`${b.issuer}/${b.label}`));
/** An account as an app that only knows TOTP (and perhaps only the defaults) took it in. */
const asTotp = (account: OtpAccount, defaults = false): OtpAccount => ({
  type: 'totp',
  issuer: account.issuer,
  label: account.label,
  secret: account.secret,
  algorithm: defaults ? 'SHA1' : account.algorithm,
  digits: defaults ? 6 : account.digits,
  period: account.type === 'totp' && !defaults ? account.period : 30,
});
const sixOtp = [deno, spdx, airbnb, issuu, airCanada, wwe];
const steamAs = (label: string): OtpAccount => ({ ...steam, issuer: 'Steam', label });

/** [file, password, what it must import as] — each from the app named in the README's table. */
const cases: [string, string | undefined, OtpAccount[]][] = [
  // 2FAS schema 1 has no types, algorithms, digits or periods: every entry is TOTP with the defaults.
  ['2fas_authenticator.json', undefined, sixOtp.map((a) => asTotp(a, true))],
  // Schema 2 knew TOTP only: the HOTP accounts were added to 2FAS as TOTP.
  ['2fas_authenticator_plain.2fas', undefined, [deno, airbnb, asTotp(issuu), asTotp(wwe)]],
  ['2fas_authenticator_encrypted.2fas', 'test', [deno, airbnb, asTotp(issuu), asTotp(wwe)]],
  ['2fas_authenticator_plain_v3.2fas', undefined, sixOtp],
  ['2fas_authenticator_encrypted_v3.2fas', 'test', sixOtp],
  ['2fas_authenticator_plain_v4.2fas', undefined, [deno, issuu, airCanada, wwe, steam]],
  ['2fas_authenticator_encrypted_v4.2fas', 'test', [deno, issuu, airCanada, wwe, steam]],
  ['andotp_plain.json', undefined, everyEntry],
  ['andotp_encrypted.bin', 'test', everyEntry],
  ['andotp_encrypted_old.bin', 'test', sixOtp],
  ['freeotp.xml', undefined, [wwe, airbnb, deno, issuu]],
  ['freeotp_v2_api23.xml', 'test', sixOtp],
  ['freeotp_v2_api34.xml', 'test', sixOtp],
  ['freeotp_v2_null_algo.xml', 'test', [deno]],
  ['freeotp_plus.json', undefined, sixOtp],
  ['bitwarden.json', undefined, [deno, spdx, airbnb, steamAs('Test Steam')]],
  ['bitwarden.csv', undefined, [deno, spdx, airbnb, steamAs('Test 4')]],
  ['stratum_plain.json', undefined, everyEntry],
  ['stratum_encrypted.bin', 'test', everyEntry],
  ['stratum_encrypted_legacy.bin', 'test', everyEntry],
  ['proton_authenticator.json', undefined, [deno, spdx, airbnb]],
  ['steam.json', undefined, [steamAs('Sophia')]],
  ['steam_old.json', undefined, [steamAs('Sophia')]],
  ['ente_auth.txt', undefined, everyEntry],
  ['plain.txt', undefined, everyEntry],
];

const fixedTime = 1_893_456_000_000; // 2030-01-01T00:00:00Z
/**
 * Steam Guard codes of the fixtures' Steam secret, computed outside this code base (Python's hmac
 * and hashlib, Steam's alphabet written out by hand), at epoch seconds 0, 1 700 000 000 and the
 * fixed time above.
 */
const steamVectors: [number, string][] = [
  [0, 'C2F47'],
  [1_700_000_000_000, '747JR'],
  [fixedTime, 'BHYJD'],
];

const anyLength = createGuardrails({ MIN_SECRET_BYTES: 1, MAX_SECRET_BYTES: 256 });
function otplibCode(account: OtpAccount, nowMs: number): Promise<string> {
  const algorithm = account.algorithm.toLowerCase() as 'sha1' | 'sha256' | 'sha512';
  return account.type === 'hotp'
    ? generate({
        strategy: 'hotp',
        secret: account.secret,
        counter: account.counter,
        digits: account.digits,
        algorithm,
        guardrails: anyLength,
      })
    : generate({
        secret: account.secret,
        epoch: nowMs / 1000,
        period: account.period,
        digits: account.digits,
        algorithm,
        guardrails: anyLength,
      });
}

describe('importing real exports of other apps', () => {
  it.each(cases)('reads %s exactly, every field of every entry', async (file, password, expected) => {
    const { entries, report } = await importAny(await fixture(file), password);
    expect(sorted(entries)).toEqual(sorted(expected));
    expect(report).toEqual({ imported: expected.length, unsupported: [], errors: [] });
  });

  it.each(cases)('makes from %s the codes an independent implementation makes', async (file, password) => {
    const { entries } = await importAny(await fixture(file), password);
    for (const account of entries) {
      const view = toCodeView({ ...account, id: 'x', order: 0 }, fixedTime);
      if (account.type === 'steam') expect(view.code, file).toBe('BHYJD');
      else expect(view.code, `${file} ${account.issuer}`).toBe(await otplibCode(account, fixedTime));
    }
  });

  it('writes Steam Guard codes as the reference vectors say', () => {
    for (const [time, code] of steamVectors)
      expect(toCodeView({ ...steam, id: 's', order: 0 }, time)).toMatchObject({
        code,
        digits: 5,
        period: 30,
      });
  });

  it('gives the same entries after import, encrypted backup and import again', async () => {
    for (const [file, password] of cases.filter(
      ([name]) => name.includes('encrypted') || name.endsWith('.xml'),
    )) {
      const { entries } = await importAny(await fixture(file), password);
      const backup = await exportEncryptedBackup(entries, 'a round trip password');
      const again = await importAny(backup, 'a round trip password');
      expect(again.entries, file).toEqual(entries);
    }
  }, 60_000);
});

describe('refusing an encrypted export without its password, or with a wrong one', () => {
  const encrypted: [string, string][] = [
    ['2fas_authenticator_encrypted_v4.2fas', 'two_fas_encrypted'],
    ['andotp_encrypted.bin', 'andotp_encrypted'],
    ['freeotp_v2_api34.xml', 'freeotp_backup'],
    ['stratum_encrypted.bin', 'authenticator_pro_encrypted'],
    ['stratum_encrypted_legacy.bin', 'authenticator_pro_legacy'],
  ];

  it.each(encrypted)('asks for the password of %s, naming its format', async (file, format) => {
    await expect(importAny(await fixture(file))).rejects.toMatchObject({
      code: 'password_required',
      details: { reasons: [format] },
    });
  });

  it.each(encrypted)('says a wrong password for %s is wrong, naming its format', async (file, format) => {
    await expect(importAny(await fixture(file), 'not the password')).rejects.toMatchObject({
      code: 'wrong_password',
      details: { reasons: [format] },
    });
  });
});

describe('refusing a whole file with the format it looked like', () => {
  it('names an encrypted Bitwarden export and an unknown file', async () => {
    const bitwarden = JSON.stringify({ encrypted: true, encKeyValidation_DO_NOT_EDIT: 'x', data: 'y' });
    await expect(importAny(bitwarden)).rejects.toMatchObject({
      code: 'damaged_file',
      details: { reasons: ['bitwarden_encrypted', 'unsupported_encryption'] },
    });
    await expect(importAny('{"hello": "world"}')).rejects.toMatchObject({
      details: { reasons: ['unknown', 'not_recognised'] },
    });
    const twoFas = JSON.parse((await fixture('2fas_authenticator_plain_v4.2fas')).toString('utf8'));
    await expect(importAny(JSON.stringify({ ...twoFas, schemaVersion: 5 }))).rejects.toMatchObject({
      details: { reasons: ['two_fas', 'unsupported_version'] },
    });
    expect(await codeOf(importAny(Buffer.from('AUTHENTICATORPRO')))).toBe('damaged_file');
  });
});

describe('what the exports hold besides the fixtures', () => {
  it('reads a bare Bitwarden secret as TOTP with the defaults, named after the item', async () => {
    const csv = [
      'folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp',
      ',,login,"Forum, old",,,,jane,,jbsw y3dp ehpk 3pxp',
      ',,login,No code,,,,joe,,',
      ',,login,Broken,,,,ann,,otpauth://totp/X:y?secret=NOT-BASE32-1',
    ].join('\n');
    const { entries, report } = await importAny(csv);
    expect(entries).toEqual([
      {
        type: 'totp',
        issuer: 'Forum, old',
        label: 'jane',
        secret: 'JBSWY3DPEHPK3PXP',
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ]);
    expect(report.errors).toEqual([{ position: 3, issuer: 'X', label: 'y', reason: 'invalid_secret' }]);
  });

  it('refuses Proton’s password-protected export and names it', async () => {
    await expect(
      importAny(JSON.stringify({ version: 1, salt: 'c2FsdA==', content: 'Y29udGVudA==' })),
    ).rejects.toMatchObject({
      code: 'damaged_file',
      details: { reasons: ['proton_encrypted', 'unsupported_encryption'] },
    });
  });

  it('names a Steam file entry without a code secret instead of dropping it', async () => {
    const { entries, report } = await importAny(
      JSON.stringify({ account_name: 'sophia', identity_secret: 'x' }),
    );
    expect(entries).toEqual([]);
    expect(report.errors).toEqual([
      { position: 1, issuer: 'Steam', label: 'sophia', reason: 'missing_secret' },
    ]);
  });
});
