import { maxPbkdf2Iterations, openGcm, pbkdf2Key, sha256, utf8Text } from './file-crypto';
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
 * andOTP (github.com/andOTP/andOTP, archived): a JSON array of entries, plain or encrypted. The
 * encrypted file has no marker: [4-byte big-endian PBKDF2-HMAC-SHA1 iterations][12-byte salt]
 * [12-byte nonce][AES-256-GCM ciphertext + tag]; andOTP before 0.6.3 wrote [nonce][ciphertext + tag]
 * under SHA-256(password). Both are tried, the current format first.
 */
export function importAndOtp(content: string): ImportResult {
  const entries = parseJson(content, 'andotp');
  if (!Array.isArray(entries)) throw damagedFile('andotp');
  return readEntries(entries);
}

const saltBytes = 12;
const nonceBytes = 12;
const tagBytes = 16;

export async function importAndOtpEncrypted(bytes: Buffer, password?: string): Promise<ImportResult> {
  if (bytes.length < nonceBytes + tagBytes) throw damagedFile('andotp_encrypted');
  if (!password) throw passwordRequired('andotp_encrypted');
  const iterations = bytes.readUInt32BE(0);
  let plain: Buffer | undefined;
  if (
    iterations >= 1 &&
    iterations <= maxPbkdf2Iterations &&
    bytes.length > 4 + saltBytes + nonceBytes + tagBytes
  ) {
    const salt = bytes.subarray(4, 4 + saltBytes);
    const key = await pbkdf2Key(password, salt, iterations, 'sha1');
    const start = 4 + saltBytes;
    plain = openGcm(key, bytes.subarray(start, start + nonceBytes), bytes.subarray(start + nonceBytes));
  }
  // The old format: a key that is only a hash of the password, kept so old backups still open.
  plain ??= openGcm(sha256(password), bytes.subarray(0, nonceBytes), bytes.subarray(nonceBytes));
  if (!plain) throw wrongPassword('andotp_encrypted');
  const json = utf8Text(plain);
  const entries = json === undefined ? undefined : parseJson(json, 'andotp_encrypted');
  if (!Array.isArray(entries)) throw damagedFile('andotp_encrypted');
  return readEntries(entries);
}

function readEntries(entries: unknown[]): ImportResult {
  const collector = new ImportCollector();
  entries.forEach((item, index) => {
    const entry = record(item);
    if (!entry) return collector.error(index + 1, '', '', 'damaged_entry');
    // Old andOTP wrote no issuer and "Issuer - Issuer:name" as the label (Aegis keeps "Issuer:name";
    // the issuer is dropped from it here, as the current format writes it).
    let issuer = text(entry.issuer);
    let label = text(entry.label);
    if (!('issuer' in entry)) {
      const parts = label.split(' - ');
      if (parts.length > 1) [issuer, label] = [parts[0] ?? '', parts.slice(1).join(' - ')];
    }
    if (issuer !== '' && label.startsWith(`${issuer}:`)) label = label.slice(issuer.length + 1);
    collector.addAnyType(index + 1, {
      type: text(entry.type) || 'unknown',
      issuer,
      label,
      secret: text(entry.secret),
      algorithm: text(entry.algorithm) || undefined,
      digits: num(entry.digits),
      period: num(entry.period),
      counter: num(entry.counter),
    });
  });
  return collector.result();
}
