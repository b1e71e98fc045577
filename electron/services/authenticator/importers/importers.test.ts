import { readFile } from 'node:fs/promises';
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../../test/helpers/desktop';
import { AuthenticatorVault, vaultFileName } from '../vault';
import { importAegis } from './aegis';
import { importAny } from './detect';
import { base32, importGoogleMigration } from './google-migration';
import { importOtpauthList } from './otpauth-list';
import { importTwoFas } from './two-fas';
import { tempDirs } from '../../../../test/helpers/temp-dirs';
import { codeOf } from '../../../../test/helpers/error-code';
import {
  airCanada,
  deno,
  everyEntry,
  issuu,
  readFixture as fixture,
  steam,
  wwe,
} from '../../../../test/fixtures/authenticator-interop/expected';

const newDataDir = tempDirs('wem-import-');

describe('importing other apps’ exports', () => {
  it('reads every entry of a list of otpauth URIs, the Steam one included', async () => {
    const { entries, report } = importOtpauthList(await fixture('plain.txt'));
    expect(entries).toEqual(everyEntry);
    expect(report).toMatchObject({ imported: 7, errors: [], unsupported: [] });
  });

  it('reads a plain Aegis vault exactly, the Steam entry included', async () => {
    const { entries, report } = await importAegis(await fixture('aegis_plain.json'));
    expect(entries).toEqual(everyEntry);
    expect(report).toMatchObject({ imported: 7, errors: [], unsupported: [] });
  });

  it('reads a password-encrypted Aegis vault with its password', async () => {
    const { entries, report } = await importAny(await fixture('aegis_encrypted.json'), 'test');
    expect(entries).toEqual(everyEntry);
    expect(report.unsupported).toEqual([]);
  });

  it('refuses an encrypted Aegis vault with a wrong or missing password', async () => {
    const content = await fixture('aegis_encrypted.json');
    expect(await codeOf(importAegis(content, 'Test'))).toBe('wrong_password');
    expect(await codeOf(importAegis(content))).toBe('password_required');
  });

  it('leaves the vault exactly as it was when an import is refused', async () => {
    const dataDir = await newDataDir();
    const vault = new AuthenticatorVault({ dataDir, secrets: new MemorySecretStore() });
    await vault.add(deno);
    const before = await readFile(path.join(dataDir, vaultFileName));
    const importInto = async (content: string, password?: string) =>
      vault.addMany((await importAny(content, password)).entries);
    expect(await codeOf(importInto(await fixture('aegis_encrypted.json'), 'wrong'))).toBe('wrong_password');
    expect(await codeOf(importInto('{"header": {}, "db": 1'))).toBe('damaged_file');
    expect(await readFile(path.join(dataDir, vaultFileName))).toEqual(before);
    expect(await vault.list()).toHaveLength(1);
  });

  it('reads a plain 2FAS backup exactly, the Steam entry included', async () => {
    const { entries, report } = await importTwoFas(await fixture('2fas_authenticator_plain_v4.2fas'));
    expect(entries).toEqual([deno, issuu, airCanada, wwe, steam]);
    expect(report).toMatchObject({ imported: 5, errors: [], unsupported: [] });
  });

  it('says a damaged file is damaged', async () => {
    const aegis = await fixture('aegis_encrypted.json');
    const cut = aegis.slice(0, aegis.length / 2);
    const tampered = aegis.replace('"db": "R', '"db": "S');
    expect(await codeOf(importAny(cut, 'test'))).toBe('damaged_file');
    expect(await codeOf(importAegis(tampered, 'test'))).toBe('damaged_file');
    expect(await codeOf(importAny('{"services": 3, "schemaVersion": 4}'))).toBe('damaged_file');
    expect(await codeOf(importAny('hello\nworld\n'))).toBe('damaged_file');
    expect(await codeOf(importAny('otpauth-migration://offline?data=%%%'))).toBe('damaged_file');
  });

  it('reports a bad line of a URI list by its number without its secret', async () => {
    const { entries, report } = importOtpauthList(
      'otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n\notpauth://totp/C:d?secret=NOT-BASE32-1\n',
    );
    expect(entries).toHaveLength(1);
    expect(report.errors).toEqual([{ position: 3, issuer: 'C', label: 'd', reason: 'invalid_secret' }]);
  });
});

describe('importing a Google Authenticator export', () => {
  const proto = `syntax = "proto3";
    message MigrationPayload {
      enum Algorithm { ALGORITHM_UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
      enum DigitCount { DIGIT_COUNT_UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
      enum OtpType { OTP_TYPE_UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
      message OtpParameters {
        bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
        DigitCount digits = 5; OtpType type = 6; int64 counter = 7;
      }
      repeated OtpParameters otp_parameters = 1;
      int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
    }`;
  const Payload = protobuf.parse(proto).root.lookupType('MigrationPayload');
  const secrets = [
    Buffer.from('12345678901234567890'),
    Buffer.from('hello-google-auth'),
    Buffer.from('0123456789abcdef0123'),
  ];

  function migrationUri(parameters: Record<string, unknown>[]): string {
    const message = Payload.fromObject({
      otpParameters: parameters,
      version: 1,
      batchSize: 1,
      batchIndex: 0,
      batchId: 42,
    });
    const data = Buffer.from(Payload.encode(message).finish()).toString('base64');
    return `otpauth-migration://offline?data=${encodeURIComponent(data)}`;
  }

  it('reads TOTP and HOTP accounts from the protobuf payload and names the MD5 one', async () => {
    const uri = migrationUri([
      {
        secret: secrets[0],
        name: 'Google:jane@gmail.com',
        issuer: 'Google',
        algorithm: 1,
        digits: 1,
        type: 2,
      },
      { secret: secrets[1], name: 'GitHub:jane', issuer: '', algorithm: 3, digits: 2, type: 1, counter: 7 },
      { secret: secrets[2], name: 'legacy', issuer: 'Old', algorithm: 4, digits: 1, type: 2 },
    ]);
    const { entries, report } = await importAny(uri);
    expect(entries).toEqual([
      {
        type: 'totp',
        issuer: 'Google',
        label: 'jane@gmail.com',
        secret: base32(secrets[0] ?? Buffer.alloc(0)),
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
      {
        type: 'hotp',
        issuer: 'GitHub',
        label: 'jane',
        secret: base32(secrets[1] ?? Buffer.alloc(0)),
        algorithm: 'SHA512',
        digits: 8,
        counter: 7,
      },
    ]);
    expect(entries[0]?.secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(report).toMatchObject({
      imported: 2,
      errors: [],
      unsupported: [{ issuer: 'Old', label: 'legacy', type: 'MD5', reason: 'unsupported_algorithm' }],
    });
  });

  it('reads several QR codes’ URIs, one per line', async () => {
    const first = migrationUri([
      { secret: secrets[0], name: 'a', issuer: 'A', algorithm: 1, digits: 1, type: 2 },
    ]);
    const second = migrationUri([
      { secret: secrets[1], name: 'b', issuer: 'B', algorithm: 2, digits: 1, type: 2 },
    ]);
    const { entries } = importGoogleMigration(`${first}\n${second}\n`);
    expect(entries.map((entry) => [entry.issuer, entry.algorithm])).toEqual([
      ['A', 'SHA1'],
      ['B', 'SHA256'],
    ]);
  });

  it('reads a link whose base64 holds a raw +, as QR readers and chats leave it', async () => {
    // Secret bytes chosen so the payload's base64 has a "+"; URLSearchParams would make it a space.
    let uri = '';
    for (let i = 0; i < 4096 && !uri.includes('+'); i += 1) {
      const secret = Buffer.from([i & 0xff, i >> 8, 0xfb, 0xef, 0xbe, 0xf8, 0x3e, 0xfb, 0xef, 0xbe]);
      const raw = migrationUri([{ secret, name: 'plus', issuer: 'P', algorithm: 1, digits: 1, type: 2 }]);
      uri = decodeURIComponent(raw);
    }
    expect(uri).toContain('+');
    const { entries } = await importAny(uri);
    expect(entries).toHaveLength(1);
  });

  it('reads an entry of unspecified type as TOTP, as Google Authenticator and Aegis do', async () => {
    const uri = migrationUri([
      { secret: secrets[0], name: 'u', issuer: 'U', algorithm: 0, digits: 0, type: 0 },
    ]);
    const { entries } = await importAny(uri);
    expect(entries).toMatchObject([{ type: 'totp', algorithm: 'SHA1', digits: 6, period: 30 }]);
  });
});

describe('naming what a list holds besides otpauth links', () => {
  it('names a motp:// line as an unsupported MOTP entry, not as a bad line', () => {
    const { entries, report } = importOtpauthList(
      'otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\nmotp://Bank:jane?secret=abcdef0123456789\n',
    );
    expect(entries).toHaveLength(1);
    expect(report.errors).toEqual([]);
    expect(report.unsupported).toEqual([
      { issuer: '', label: 'Bank:jane', type: 'motp', reason: 'unsupported_type' },
    ]);
  });
});
