import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixtureDir, readFixture } from '../fixtures/authenticator-interop/expected';
import { toOtpAccount, type OtpProblem } from '../../electron/services/authenticator/account';
import {
  backupFormat,
  backupVersion,
  sealBackup,
} from '../../electron/services/authenticator/exporters/encrypted-backup';
import { importAny } from '../../electron/services/authenticator/importers/detect';
import type { ImportResult } from '../../electron/services/authenticator/importers/import-result';
import { describeOtpauth, parseOtpauth } from '../../electron/services/authenticator/otpauth';
import { AuthenticatorVault, vaultFileName } from '../../electron/services/authenticator/vault';
import { DesktopError } from '../../electron/services/desktop-error';
import { MemorySecretStore } from '../helpers/desktop';
import { tempDirs } from '../helpers/temp-dirs';

// Issue 17 adds the importers of 2FAS (encrypted), andOTP, FreeOTP 1/2, FreeOTP+, Bitwarden,
// Authenticator Pro, Proton and Steam: mutations of their real exports, changed bytes of the
// encrypted ones (with and without the password), arbitrary bytes behind each binary marker and
// JSON shaped like each format.
// Issue 8: property-based fuzzing of the local authenticator's parsers (otpauth URIs, the importers
// of Aegis, 2FAS, Google's migration links and URI lists, and the app's encrypted backup), with
// arbitrary text, files shaped like each format, and mutations of real exports. Only the documented
// refusals come out (DesktopError invalid_otpauth, damaged_file, password_required, wrong_password),
// never a TypeError or RangeError, never a hang; what an import accepts the vault accepts too, and a
// refused import leaves the vault file as it was. Seeded, so a failure names a case that reproduces.
// (QR decoding is fuzzed with its own module.)

const seed = 8_2025;
/** Longer than any legitimate import here takes (the encrypted fixture's scrypt, on a busy machine). */
const hangMs = 15_000;
const importRefusals = ['damaged_file', 'password_required', 'wrong_password'];
const otpProblems: OtpProblem[] = [
  'not_otpauth',
  'unsupported_type',
  'missing_label',
  'missing_secret',
  'invalid_secret',
  'invalid_issuer',
  'invalid_label',
  'invalid_algorithm',
  'invalid_digits',
  'invalid_period',
  'invalid_counter',
];

const newDataDir = tempDirs('wem-fuzz-auth-');

/** Settles within `hangMs`, or fails the property naming the hang. */
async function withinTime<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${hangMs} ms`)), hangMs);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** The refusal's code when it is one of `codes`; anything else (a TypeError, another code) is rethrown. */
function documented(error: unknown, codes: readonly string[]): string {
  if (error instanceof DesktopError && codes.includes(error.code)) return error.code;
  throw error;
}

// --- Arbitraries ---------------------------------------------------------------------------------

const base32ish = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abc =-18'.split('')),
  maxLength: 60,
});
const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
/** Numbers and number-like strings around every bound the parsers check. */
const numberish = fc.oneof(
  fc.constantFrom(0, 1, 5, 6, 7, 8, 9, 30, 3600, 3601, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER + 2),
  fc.integer(),
  fc.double(),
  fc.constantFrom('6', '30', '', ' 8 ', '1e3', '0x10', 'NaN'),
);
const otpAlgorithmish = fc.oneof(fc.constantFrom('SHA1', 'sha256', 'SHA-512', 'MD5', ''), anyText);
const otpTypeish = fc.oneof(fc.constantFrom('totp', 'hotp', 'TOTP', 'steam', 'motp', ''), anyText);
const fieldValue = fc.oneof(anyText, numberish, fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

/** otpauth URIs built from parts that are each either valid or arbitrary, percent-encoded or raw. */
const otpauthUri = fc
  .record({
    scheme: fc.constantFrom(
      'otpauth://',
      'otpauth://',
      'OTPAUTH://',
      'otpauth:',
      'otpauth:///',
      'http://',
      '',
    ),
    type: fc.oneof(fc.constantFrom('totp', 'hotp'), otpTypeish),
    label: fc.oneof(fc.constantFrom('ACME:jane@example.com', 'Mason', 'A%3AB', ':x', 'é'), anyText),
    encode: fc.boolean(),
    secret: fc.oneof(
      fc.constantFrom('JBSWY3DPEHPK3PXP', 'jbsw y3dp', '4SJHB4GSD43FZBAI7C2HLRJGPQ'),
      base32ish,
    ),
    params: fc.array(
      fc.tuple(
        fc.constantFrom('issuer', 'algorithm', 'digits', 'period', 'counter', 'secret', 'image', 'x'),
        fc.oneof(
          fc.constantFrom('ACME', 'SHA256', '8', '60', '5'),
          base32ish,
          anyText,
          numberish.map(String),
        ),
      ),
      { maxLength: 5 },
    ),
  })
  .map(({ scheme, type, label, encode, secret, params }) => {
    const query = [['secret', secret] as const, ...params]
      .map(([key, value]) => `${key}=${encode ? encoded(value, encodeURIComponent) : value}`)
      .join('&');
    return `${scheme}${type}/${encode ? encoded(label, encodeURI) : label}?${query}`;
  });

/** Percent-encoded, or as it is where it cannot be (a lone surrogate). */
function encoded(value: string, encode: (text: string) => string): string {
  try {
    return encode(value);
  } catch {
    return value;
  }
}

/** Entries a backup of ours holds, with every optional part varied within what is valid. */
const validBackupEntry = fc.record({
  type: fc.constantFrom('totp', 'hotp'),
  issuer: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
  label: fc.constantFrom('jane@example.com', 'Mason', 'ü'),
  secret: fc.constantFrom('JBSWY3DPEHPK3PXP', '4SJHB4GSD43FZBAI7C2HLRJGPQ', 'jbsw y3dp-ehpk 3pxp'),
  algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512'),
  digits: fc.constantFrom(6, 7, 8),
  period: fc.integer({ min: 1, max: 3600 }),
  counter: fc.nat(),
});

/** The same valid account as Aegis and 2FAS write it. */
const validAegisEntry = validBackupEntry.map((e) => ({
  type: e.type,
  name: e.label,
  issuer: e.issuer,
  info: { secret: e.secret, algo: e.algorithm, digits: e.digits, period: e.period, counter: e.counter },
}));
const validTwoFasService = validBackupEntry.map((e) => ({
  name: e.issuer,
  secret: e.secret,
  otp: {
    account: e.label,
    issuer: e.issuer,
    digits: e.digits,
    period: e.period,
    counter: e.counter,
    algorithm: e.algorithm,
    tokenType: e.type.toUpperCase(),
  },
}));

const aegisEntry = fc.record(
  {
    type: otpTypeish,
    name: anyText,
    issuer: anyText,
    info: fc.oneof(
      fc.record(
        {
          secret: fc.oneof(base32ish, fieldValue),
          algo: otpAlgorithmish,
          digits: numberish,
          period: numberish,
          counter: numberish,
        },
        { requiredKeys: [] },
      ),
      fieldValue,
    ),
  },
  { requiredKeys: [] },
);

/** Scrypt parameters small enough to run in microseconds, and broken ones. */
const tinyScrypt = fc.record({
  n: fc.constantFrom(2, 4, 16, 3, 0, -16, 1.5, '16'),
  r: fc.constantFrom(1, 2, 0, -1, '1'),
  p: fc.constantFrom(1, 0, 2),
});
const hex = (bytes: number) =>
  fc.oneof(
    fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex')),
    anyText,
  );

const aegisFile = fc.record({
  version: fieldValue,
  header: fc.oneof(
    fc.record({ slots: fc.constant(null), params: fc.constant(null) }),
    fc.record({
      slots: fc.array(
        fc.record({
          type: fc.constantFrom(1, 0, 2, '1'),
          key: hex(32),
          key_params: fc.record({ nonce: hex(12), tag: hex(16) }),
          n: tinyScrypt.map((s) => s.n),
          r: tinyScrypt.map((s) => s.r),
          p: tinyScrypt.map((s) => s.p),
          salt: hex(32),
        }),
        { maxLength: 2 },
      ),
      params: fc.record({ nonce: hex(12), tag: hex(16) }),
    }),
    fieldValue,
  ),
  db: fc.oneof(
    fc.record({
      version: fieldValue,
      entries: fc.oneof(fc.array(fc.oneof(validAegisEntry, aegisEntry), { maxLength: 5 }), fieldValue),
    }),
    fc.base64String({ maxLength: 80 }),
    fieldValue,
  ),
});

const twoFasFile = fc.record(
  {
    schemaVersion: fc.oneof(fc.constant(4), fieldValue),
    servicesEncrypted: fc.oneof(fc.base64String({ maxLength: 40 }), fieldValue),
    services: fc.oneof(
      fc.array(validTwoFasService, { maxLength: 4 }),
      fc.array(
        fc.record(
          {
            name: anyText,
            secret: fc.oneof(base32ish, fieldValue),
            otp: fc.oneof(
              fc.record(
                {
                  account: anyText,
                  label: anyText,
                  issuer: anyText,
                  digits: numberish,
                  period: numberish,
                  counter: numberish,
                  algorithm: otpAlgorithmish,
                  tokenType: fc.oneof(fc.constantFrom('TOTP', 'HOTP', 'STEAM'), anyText),
                },
                { requiredKeys: [] },
              ),
              fieldValue,
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 5 },
      ),
      fieldValue,
    ),
  },
  { requiredKeys: ['schemaVersion'] },
);

const migrationSchema = protobuf
  .parse(
    `syntax = "proto3";
  message MigrationPayload {
    message OtpParameters {
      bytes secret = 1; string name = 2; string issuer = 3; int32 algorithm = 4;
      int32 digits = 5; int32 type = 6; int64 counter = 7;
    }
    repeated OtpParameters otp_parameters = 1;
    int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
  }`,
  )
  .root.lookupType('MigrationPayload');

/** Google's migration links with arbitrary bytes, or a real protobuf payload of arbitrary fields. */
const migrationLink = fc
  .oneof(
    fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    fc
      .array(
        fc.record({
          secret: fc.uint8Array({ maxLength: 300 }),
          name: anyText,
          issuer: anyText,
          algorithm: fc.integer({ min: -2, max: 6 }),
          digits: fc.integer({ min: -2, max: 4 }),
          type: fc.integer({ min: -2, max: 4 }),
          counter: fc.oneof(fc.nat(), fc.constantFrom(-1, 2 ** 53, Number.MAX_SAFE_INTEGER)),
        }),
        { maxLength: 4 },
      )
      .map((otpParameters) => {
        const message = migrationSchema.fromObject({ otpParameters, version: 1, batchSize: 1 });
        return Buffer.from(migrationSchema.encode(message).finish()).toString('base64');
      }),
    fc.string({ maxLength: 40 }),
  )
  .chain((data) =>
    fc.constantFrom(
      `otpauth-migration://offline?data=${encodeURIComponent(data)}`,
      `otpauth-migration://offline?data=${data}`,
      `otpauth-migration://online?data=${encodeURIComponent(data)}`,
      `otpauth-migration://offline?data=${encodeURIComponent(data)}\n otpauth-migration://offline`,
    ),
  );

const backupEntry = fc.record(
  {
    type: otpTypeish,
    issuer: anyText,
    label: anyText,
    secret: fc.oneof(base32ish, fieldValue),
    algorithm: otpAlgorithmish,
    digits: numberish,
    period: numberish,
    counter: numberish,
  },
  { requiredKeys: [] },
);

/**
 * The app's own backup, encrypted for real (with scrypt parameters small enough for thousands of
 * runs) around an arbitrary plaintext, so the reader's decrypted side is fuzzed too.
 */
/** A backup of any plaintext, with a cheap scrypt so fuzzing stays fast. */
async function backupOf(plaintext: string, password: string): Promise<string> {
  return JSON.stringify(await sealBackup(plaintext, password, { N: 16, r: 1, p: 1 }));
}

const backupPlaintext = fc.oneof(
  fc
    .array(fc.oneof(validBackupEntry, backupEntry), { maxLength: 5 })
    .map((entries) => JSON.stringify({ entries })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  anyText,
);

/** A backup-shaped envelope with arbitrary parts (and tiny or broken scrypt parameters). */
const backupEnvelope = fc.record(
  {
    format: fc.oneof(fc.constant(backupFormat), fieldValue),
    version: fc.oneof(fc.constant(backupVersion), fieldValue),
    kdf: fc.oneof(
      fc.record({
        name: fc.constantFrom('scrypt', 'argon2'),
        N: tinyScrypt.map((s) => s.n),
        r: tinyScrypt.map((s) => s.r),
        p: tinyScrypt.map((s) => s.p),
        salt: fc.oneof(fc.base64String({ maxLength: 24 }), fieldValue),
      }),
      fieldValue,
    ),
    cipher: fc.oneof(
      fc.record({
        name: fc.constantFrom('aes-256-gcm', 'aes-128-cbc'),
        nonce: fc.oneof(fc.base64String({ maxLength: 24 }), fieldValue),
        tag: fc.oneof(fc.base64String({ maxLength: 32 }), fieldValue),
      }),
      fieldValue,
    ),
    ciphertext: fc.oneof(fc.base64String({ maxLength: 80 }), fieldValue),
  },
  { requiredKeys: ['format'] },
);

// --- Mutations of real files ---------------------------------------------------------------------

type Json = ReturnType<typeof JSON.parse>;

/** Every path into a JSON value (objects and arrays), the root included. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** A copy of `value` with the thing at `at` replaced by `replacement` (or removed, when undefined). */
function replaceAt(value: Json, at: (string | number)[], replacement: Json): Json {
  if (at.length === 0) return replacement;
  const copy = structuredClone(value);
  let parent = copy;
  for (const key of at.slice(0, -1)) parent = parent[key];
  const last = at.at(-1)!;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

const textEdit = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'replace', 'truncate', 'duplicate'),
  at: fc.nat(),
  length: fc.nat({ max: 40 }),
  text: fc.string({ unit: 'binary', maxLength: 12 }),
});
type TextEdit = typeof textEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdits(content: string, edits: TextEdit[]): string {
  let text = content;
  for (const edit of edits) {
    const at = text.length === 0 ? 0 : edit.at % text.length;
    const end = Math.min(text.length, at + edit.length);
    if (edit.kind === 'delete') text = text.slice(0, at) + text.slice(end);
    else if (edit.kind === 'insert') text = text.slice(0, at) + edit.text + text.slice(at);
    else if (edit.kind === 'replace') text = text.slice(0, at) + edit.text + text.slice(end);
    else if (edit.kind === 'truncate') text = text.slice(0, at);
    else text = text.slice(0, end) + text.slice(at, end) + text.slice(end);
  }
  return text;
}

/** Arbitrary edits of a file's text, or one structural change of its JSON (a value replaced or removed). */
function mutationsOf(content: string): fc.Arbitrary<string> {
  const asText = fc
    .array(textEdit, { minLength: 1, maxLength: 4 })
    .map((edits) => applyEdits(content, edits));
  let json: Json;
  try {
    json = JSON.parse(content);
  } catch {
    return asText;
  }
  const paths = pathsOf(json);
  const structural = fc
    .record({
      at: fc.nat({ max: paths.length - 1 }),
      replacement: fc.option(fc.oneof(fieldValue, numberish), { nil: undefined }),
    })
    .map(({ at, replacement }) => JSON.stringify(replaceAt(json, paths[at]!, replacement)) ?? '');
  return fc.oneof(asText, structural);
}

// --- The properties ------------------------------------------------------------------------------

describe('fuzzing the otpauth parser', () => {
  it('reads an arbitrary string as a valid account or refuses it as invalid_otpauth with a reason', () => {
    const reasons = new Set<string | undefined>();
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(otpauthUri, anyText), (uri) => {
        let account;
        try {
          account = parseOtpauth(uri);
        } catch (error) {
          documented(error, ['invalid_otpauth']);
          const reason = (error as DesktopError).details.reasons?.[0];
          expect(otpProblems).toContain(reason);
          reasons.add(reason);
          return;
        }
        accepted += 1;
        // What it accepts is an account the rest of the app accepts unchanged.
        expect(toOtpAccount(account)).toEqual(account);
        expect(describeOtpauth(uri)).toMatchObject({ type: account.type, label: account.label });
      }),
      { numRuns: 2_000, seed },
    );
    // The runs reached the parser's every corner: accepted links and most kinds of refusal.
    expect(accepted).toBeGreaterThan(0);
    expect(reasons.size).toBeGreaterThanOrEqual(otpProblems.length - 2);
  });
});

describe('fuzzing the importers with a real vault', () => {
  let vault: AuthenticatorVault;
  let vaultFile: string;
  /** How the runs of a test ended, so that it can check the fuzzer reached the paths that matter. */
  const outcomes = new Map<string, number>();

  beforeEach(async () => {
    outcomes.clear();
    const dataDir = await newDataDir();
    vault = new AuthenticatorVault({ dataDir, secrets: new MemorySecretStore() });
    vaultFile = path.join(dataDir, vaultFileName);
  });

  /**
   * Imports `content` as the app does (read it all, then add every entry in one vault write). A
   * refusal must be documented and leave the vault file byte for byte; an accepted file's entries
   * must all be valid and all be added.
   */
  async function importIntoVault(content: string | Buffer, password?: string): Promise<void> {
    const fileBefore = await readFile(vaultFile).catch(() => undefined);
    const countBefore = (await vault.list()).length;
    let result: ImportResult;
    try {
      result = await withinTime(importAny(content, password), 'import');
    } catch (error) {
      const code = documented(error, importRefusals);
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      expect(await readFile(vaultFile).catch(() => undefined)).toEqual(fileBefore);
      return;
    }
    const kind = result.entries.length > 0 ? 'imported' : 'nothing imported';
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    expect(result.report.imported).toBe(result.entries.length);
    for (const entry of result.entries) expect(toOtpAccount(entry)).toEqual(entry);
    for (const error of result.report.errors) expect(error.position).toBeGreaterThanOrEqual(1);
    if (result.entries.length > 0) await vault.addMany(result.entries);
    expect(await vault.list()).toHaveLength(countBefore + result.entries.length);
    // Every write re-encrypts the whole vault: start small again now and then (the key stays).
    if (countBefore + result.entries.length > 30) await rm(vaultFile);
  }

  const password = fc.option(fc.constantFrom('test', 'wrong', ''), { nil: undefined });

  it('refuses arbitrary text and bytes with a documented error, or imports valid entries', async () => {
    const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'));
    const lines = fc.array(fc.oneof(otpauthUri, anyText), { maxLength: 6 }).map((l) => l.join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, bytes, lines, fc.json()), password, (content, pw) =>
        importIntoVault(content, pw),
      ),
      { numRuns: 300, seed },
    );
  });

  it('refuses files shaped like Aegis, 2FAS and WEM backups with arbitrary fields, or imports valid entries', async () => {
    const shaped = fc.oneof(
      aegisFile.map((file) => JSON.stringify(file)),
      twoFasFile.map((file) => JSON.stringify(file)),
      backupEnvelope.map((file) => JSON.stringify(file)),
      migrationLink,
    );
    await fc.assert(
      fc.asyncProperty(shaped, password, (content, pw) => importIntoVault(content, pw)),
      { numRuns: 300, seed },
    );
    expect(Object.fromEntries(outcomes)).toMatchObject({
      imported: expect.any(Number),
      damaged_file: expect.any(Number),
      password_required: expect.any(Number),
    });
  });

  it('reads backups whose decrypted content is arbitrary as entries or a documented refusal', async () => {
    await fc.assert(
      fc.asyncProperty(backupPlaintext, fc.constantFrom('right', 'wrong'), async (plaintext, which) => {
        const backup = await backupOf(plaintext, 'a backup password');
        await importIntoVault(backup, which === 'right' ? 'a backup password' : 'not the password');
      }),
      { numRuns: 200, seed },
    );
    expect(Object.fromEntries(outcomes)).toMatchObject({
      imported: expect.any(Number),
      wrong_password: expect.any(Number),
    });
  });

  it('refuses mutations of the real plain exports with a documented error, or imports valid entries', async () => {
    for (const name of ['plain.txt', 'aegis_plain.json', '2fas_authenticator_plain_v4.2fas']) {
      const content = await readFixture(name);
      await fc.assert(
        fc.asyncProperty(mutationsOf(content), (mutated) => importIntoVault(mutated)),
        { numRuns: 100, seed },
      );
      expect(outcomes.get('imported'), name).toBeGreaterThan(0);
      expect(outcomes.get('damaged_file'), name).toBeGreaterThan(0);
      outcomes.clear();
    }
  }, 60_000);

  it('refuses mutations of the encrypted Aegis export, with and without its password', async () => {
    const content = await readFixture('aegis_encrypted.json');
    // Without a password the reader stops before scrypt: many runs are cheap.
    await fc.assert(
      fc.asyncProperty(mutationsOf(content), (mutated) => importIntoVault(mutated)),
      { numRuns: 200, seed },
    );
    // With it, each run that keeps the key slot intact costs one real scrypt (N=32768): a few runs.
    outcomes.clear();
    await fc.assert(
      fc.asyncProperty(mutationsOf(content), (mutated) => importIntoVault(mutated, 'test')),
      { numRuns: 12, seed },
    );
    expect(outcomes.get('imported'), 'some mutations still decrypt').toBeGreaterThan(0);
  }, 120_000);
});

describe('fuzzing the importers of issue 17 with a real vault', () => {
  let vault: AuthenticatorVault;
  let vaultFile: string;
  const outcomes = new Map<string, number>();

  beforeEach(async () => {
    outcomes.clear();
    const dataDir = await newDataDir();
    vault = new AuthenticatorVault({ dataDir, secrets: new MemorySecretStore() });
    vaultFile = path.join(dataDir, vaultFileName);
  });

  /** As above: a documented refusal that leaves the vault file byte for byte, or valid entries all added. */
  async function importIntoVault(content: string | Buffer, password?: string): Promise<void> {
    const fileBefore = await readFile(vaultFile).catch(() => undefined);
    const countBefore = (await vault.list()).length;
    let result: ImportResult;
    try {
      result = await withinTime(importAny(content, password), 'import');
    } catch (error) {
      const code = documented(error, importRefusals);
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      expect(await readFile(vaultFile).catch(() => undefined)).toEqual(fileBefore);
      return;
    }
    const kind = result.entries.length > 0 ? 'imported' : 'nothing imported';
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    expect(result.report.imported).toBe(result.entries.length);
    for (const entry of result.entries) expect(toOtpAccount(entry)).toEqual(entry);
    for (const error of result.report.errors) expect(error.position).toBeGreaterThanOrEqual(1);
    if (result.entries.length > 0) await vault.addMany(result.entries);
    expect(await vault.list()).toHaveLength(countBefore + result.entries.length);
    if (countBefore + result.entries.length > 30) await rm(vaultFile);
  }

  const password = fc.option(fc.constantFrom('test', 'wrong', ''), { nil: undefined });

  const plainExports = [
    '2fas_authenticator.json',
    'andotp_plain.json',
    'freeotp.xml',
    'freeotp_plus.json',
    'bitwarden.json',
    'bitwarden.csv',
    'stratum_plain.json',
    'proton_authenticator.json',
    'steam.json',
    'steam_old.json',
    'ente_auth.txt',
  ];

  it('refuses mutations of every other app’s plain export with a documented error, or imports valid entries', async () => {
    for (const name of plainExports) {
      const content = await readFixture(name);
      await fc.assert(
        fc.asyncProperty(mutationsOf(content), (mutated) => importIntoVault(mutated)),
        { numRuns: 60, seed },
      );
      expect(outcomes.get('imported'), name).toBeGreaterThan(0);
      outcomes.clear();
    }
  }, 120_000);

  /** A binary file with a few bytes changed, cut or added. */
  const byteEdits = (bytes: Buffer) =>
    fc
      .array(
        fc.record({
          kind: fc.constantFrom('flip', 'cut', 'append'),
          at: fc.nat(),
          value: fc.integer({ min: 1, max: 255 }),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((edits) => {
        let copy = Buffer.from(bytes);
        for (const edit of edits) {
          const at = edit.at % Math.max(1, copy.length);
          if (edit.kind === 'flip') copy[at] = (copy[at] ?? 0) ^ edit.value;
          else if (edit.kind === 'cut') copy = copy.subarray(0, at);
          else copy = Buffer.concat([copy, Buffer.from([edit.value])]);
        }
        return copy;
      });

  const encryptedExports = [
    '2fas_authenticator_encrypted_v4.2fas',
    'andotp_encrypted.bin',
    'andotp_encrypted_old.bin',
    'freeotp_v2_api34.xml',
    'stratum_encrypted.bin',
    'stratum_encrypted_legacy.bin',
  ];

  it('refuses changed bytes of every encrypted export, without and with its password', async () => {
    for (const name of encryptedExports) {
      const bytes = await readFile(path.join(fixtureDir, name));
      // Without a password the readers stop before any key derivation: many cheap runs.
      await fc.assert(
        fc.asyncProperty(byteEdits(bytes), (mutated) => importIntoVault(mutated)),
        { numRuns: 60, seed },
      );
      // With it, each run may cost one real key derivation (PBKDF2, Argon2id): a few runs.
      await fc.assert(
        fc.asyncProperty(byteEdits(bytes), (mutated) => importIntoVault(mutated, 'test')),
        { numRuns: 8, seed },
      );
      expect(outcomes.get('imported') ?? 0, name).toBe(0);
      outcomes.clear();
    }
  }, 240_000);

  it('refuses arbitrary bytes behind each binary format’s marker, and shaped JSON of each format', async () => {
    const magic = fc.constantFrom(
      Buffer.from([0xac, 0xed, 0x00, 0x05]),
      Buffer.from('AUTHENTICATORPRO'),
      Buffer.from('AuthenticatorPro'),
      Buffer.alloc(0),
    );
    const binary = fc
      .tuple(magic, fc.uint8Array({ maxLength: 200 }))
      .map(([head, tail]) => Buffer.concat([head, Buffer.from(tail)]));
    const shaped = fc.oneof(
      fc.record({
        Authenticators: fc.array(
          fc.dictionary(
            fc.constantFrom(
              'Type',
              'Issuer',
              'Username',
              'Secret',
              'Algorithm',
              'Digits',
              'Period',
              'Counter',
            ),
            fieldValue,
          ),
          { maxLength: 4 },
        ),
      }),
      fc.record({
        tokenOrder: fc.constant([]),
        tokens: fc.array(
          fc.dictionary(
            fc.constantFrom('type', 'issuerExt', 'label', 'secret', 'algo', 'digits', 'period', 'counter'),
            fc.oneof(fieldValue, fc.array(fc.integer({ min: -200, max: 300 }), { maxLength: 20 })),
          ),
          { maxLength: 4 },
        ),
      }),
      fc.record({
        encrypted: fc.boolean(),
        items: fc.array(
          fc.record({
            name: anyText,
            login: fc.record({
              totp: fc.oneof(otpauthUri, base32ish, fc.constant('steam://JBSWY3DP'), anyText),
            }),
          }),
          { maxLength: 4 },
        ),
      }),
      fc.record({
        version: fc.constant(1),
        entries: fc.array(
          fc.record({ content: fc.record({ uri: fc.oneof(otpauthUri, anyText), name: anyText }) }),
          { maxLength: 4 },
        ),
      }),
      fc.record({
        shared_secret: fc.oneof(fc.base64String({ maxLength: 40 }), anyText),
        account_name: anyText,
      }),
      fc.array(
        fc.dictionary(
          fc.constantFrom('secret', 'issuer', 'label', 'type', 'algorithm', 'digits', 'period', 'counter'),
          fieldValue,
        ),
        { maxLength: 4 },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          binary,
          shaped.map((value) => JSON.stringify(value)),
        ),
        password,
        (content, pw) => importIntoVault(content, pw),
      ),
      { numRuns: 300, seed },
    );
    expect(Object.fromEntries(outcomes)).toMatchObject({
      imported: expect.any(Number),
      damaged_file: expect.any(Number),
    });
  }, 240_000);
});

describe('key derivation parameters of a crafted file', () => {
  const aegisWithSlot = async (slot: Record<string, number>) => {
    const file = JSON.parse(await readFixture('aegis_encrypted.json'));
    Object.assign(file.header.slots[0], slot);
    return JSON.stringify(file);
  };
  const backupWithKdf = async (kdf: Record<string, number>) => {
    const file = JSON.parse(await backupOf('{"entries":[]}', 'a backup password'));
    Object.assign(file.kdf, kdf);
    return JSON.stringify(file);
  };
  const impossible: Record<string, number>[] = [
    { r: -1 },
    { n: 3, N: 3 },
    { p: 1.5 },
    { n: 2 ** 40, N: 2 ** 40 },
  ];
  // 4 GiB of memory and minutes of work, within the bounds the readers had (N ≤ 2^20, r ≤ 32, p ≤ 16).
  const exhausting = { n: 2 ** 20, N: 2 ** 20, r: 32, p: 16 };

  it('refuses parameters scrypt cannot take as a damaged file, not a RangeError', async () => {
    for (const params of impossible) {
      const aegis = importAny(await aegisWithSlot(params), 'test');
      await expect(aegis, JSON.stringify(params)).rejects.toMatchObject({ code: 'damaged_file' });
      const backup = importAny(await backupWithKdf(params), 'a backup password');
      await expect(backup, JSON.stringify(params)).rejects.toMatchObject({ code: 'damaged_file' });
    }
  });

  it('refuses parameters that would take gigabytes and minutes at once, before deriving anything', async () => {
    const started = performance.now();
    await expect(importAny(await aegisWithSlot(exhausting), 'test')).rejects.toMatchObject({
      code: 'damaged_file',
    });
    await expect(importAny(await backupWithKdf(exhausting), 'a backup password')).rejects.toMatchObject({
      code: 'damaged_file',
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('fuzzing the vault file', () => {
  it('reports a damaged vault file as vault_damaged, never as another error', async () => {
    const dataDir = await newDataDir();
    const secrets = new MemorySecretStore();
    const vault = new AuthenticatorVault({ dataDir, secrets });
    await vault.add(parseOtpauth('otpauth://totp/ACME:jane?secret=JBSWY3DPEHPK3PXP'));
    const file = path.join(dataDir, vaultFileName);
    const real = await readFile(file, 'utf8');
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutationsOf(real), anyText, fc.json()), async (content) => {
        await writeFile(file, content);
        let count: number;
        try {
          count = (await vault.list()).length;
        } catch (error) {
          documented(error, ['vault_damaged']);
          return;
        }
        // Only a change GCM does not cover (spacing, key order of the envelope) may still open.
        expect(count).toBe(1);
      }),
      { numRuns: 300, seed },
    );
  });
});
