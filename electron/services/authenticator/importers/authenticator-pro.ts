import { argon2idAsync } from '@noble/hashes/argon2.js';
import { openCbc, openGcm, pbkdf2Key, utf8Text } from './file-crypto';
import {
  damagedFile,
  ImportCollector,
  num,
  parseJson,
  passwordRequired,
  record,
  text,
  wrongPassword,
  type ImportResult,
} from './import-result';

/**
 * Authenticator Pro, now Stratum (github.com/jamie-mh/AuthenticatorPro): a JSON backup
 * `{ Authenticators: [...] }`, plain or encrypted.
 * - Encrypted: "AUTHENTICATORPRO", 16-byte salt, 12-byte nonce, AES-256-GCM (tag last); the key is
 *   Argon2id(password, salt, 3 passes, 64 MiB, 4 lanes, 32 bytes).
 * - Legacy encrypted: "AuthenticatorPro", 20-byte salt, 16-byte IV, AES-256-CBC; the key is
 *   PBKDF2-HMAC-SHA1(password, salt, 64 000 rounds, 32 bytes).
 */
export const authenticatorProHeader = 'AUTHENTICATORPRO';
export const authenticatorProLegacyHeader = 'AuthenticatorPro';

/** Its type numbers (AuthenticatorType) and algorithms (HashAlgorithm). */
const types: Record<number, string> = { 1: 'hotp', 2: 'totp', 3: 'motp', 4: 'steam', 5: 'yandex' };
const algorithms: Record<number, string> = { 0: 'SHA1', 1: 'SHA256', 2: 'SHA512' };

export function importAuthenticatorPro(content: string): ImportResult {
  return readBackup(parseJson(content, 'authenticator_pro'), 'authenticator_pro');
}

export async function importAuthenticatorProEncrypted(
  bytes: Buffer,
  password?: string,
): Promise<ImportResult> {
  const header = bytes.subarray(0, 16).toString('latin1');
  if (header === authenticatorProHeader) {
    const salt = bytes.subarray(16, 32);
    const nonce = bytes.subarray(32, 44);
    if (bytes.length < 44 + 16) throw damagedFile('authenticator_pro_encrypted');
    if (!password) throw passwordRequired('authenticator_pro_encrypted');
    // Pure JS (audited @noble/hashes), so the desktop bundle needs no native module; ~1 s, and it
    // yields to the event loop while it works. The parameters are fixed by the format, not the file.
    const key = await argon2idAsync(Buffer.from(password, 'utf8'), salt, {
      t: 3,
      m: 64 * 1024,
      p: 4,
      dkLen: 32,
    });
    const plain = openGcm(Buffer.from(key), nonce, bytes.subarray(44));
    if (!plain) throw wrongPassword('authenticator_pro_encrypted');
    return readDecrypted(plain, 'authenticator_pro_encrypted');
  }
  if (header === authenticatorProLegacyHeader) {
    const salt = bytes.subarray(16, 36);
    const iv = bytes.subarray(36, 52);
    if (bytes.length < 52 + 16) throw damagedFile('authenticator_pro_legacy');
    if (!password) throw passwordRequired('authenticator_pro_legacy');
    const key = await pbkdf2Key(password, salt, 64_000, 'sha1');
    const plain = openCbc(key, iv, bytes.subarray(52));
    // CBC padding checks out by chance for about 1 wrong key in 256: the JSON must read too.
    const json = plain === undefined ? undefined : utf8Text(plain);
    if (json === undefined) throw wrongPassword('authenticator_pro_legacy');
    let backup: unknown;
    try {
      backup = JSON.parse(json);
    } catch {
      throw wrongPassword('authenticator_pro_legacy');
    }
    return readBackup(backup, 'authenticator_pro_legacy');
  }
  throw damagedFile('unknown', 'not_recognised');
}

function readDecrypted(plain: Buffer, format: 'authenticator_pro_encrypted'): ImportResult {
  const json = utf8Text(plain);
  if (json === undefined) throw damagedFile(format);
  return readBackup(parseJson(json, format), format);
}

function readBackup(
  backup: unknown,
  format: 'authenticator_pro' | 'authenticator_pro_encrypted' | 'authenticator_pro_legacy',
): ImportResult {
  const authenticators = record(backup)?.Authenticators;
  if (!Array.isArray(authenticators)) throw damagedFile(format);
  const collector = new ImportCollector();
  authenticators.forEach((item: unknown, index) => {
    const entry = record(item);
    const issuer = text(entry?.Issuer);
    // Authenticator Pro lets the account name be empty; this app needs one, so the issuer stands in.
    const label = text(entry?.Username) || issuer;
    if (!entry) return collector.error(index + 1, '', '', 'damaged_entry');
    const type = types[num(entry.Type) ?? -1] ?? 'unknown';
    const algorithm = algorithms[num(entry.Algorithm) ?? -1];
    if (algorithm === undefined && type !== 'unknown')
      return collector.skip({ issuer, label, type: text(entry.Algorithm), reason: 'unsupported_algorithm' });
    collector.addAnyType(index + 1, {
      type,
      issuer,
      label,
      secret: text(entry.Secret),
      algorithm,
      digits: num(entry.Digits),
      period: num(entry.Period),
      counter: num(entry.Counter),
    });
  });
  return collector.result();
}
