import { openGcm, pbkdf2Key, utf8Text } from './file-crypto';
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

/** 2FAS's key derivation for encrypted backups: PBKDF2-HMAC-SHA256, 10 000 rounds, 256-bit AES-GCM key. */
const iterations = 10_000;
/** Schemas 1 to 4 are read; a later one may carry fields this reader would drop silently. */
const newestSchema = 4;

/**
 * A 2FAS backup (`.2fas`; schema 1–4, github.com/twofas/2fas-android). Plain: `services` holds the
 * accounts. Encrypted: `servicesEncrypted` is `ciphertext:salt:iv` in base64, the ciphertext with
 * its GCM tag at the end; it opens to the JSON array `services` would hold.
 */
export async function importTwoFas(content: string, password?: string): Promise<ImportResult> {
  const file = record(parseJson(content, 'two_fas'));
  const schema = file?.schemaVersion;
  if (!file || typeof schema !== 'number') throw damagedFile('two_fas');
  const encrypted = typeof file.servicesEncrypted === 'string';
  const format = encrypted ? 'two_fas_encrypted' : 'two_fas';
  if (!Number.isInteger(schema) || schema < 1 || schema > newestSchema)
    throw damagedFile(format, 'unsupported_version');
  const services = encrypted ? await decrypt(text(file.servicesEncrypted), password) : file.services;
  if (!Array.isArray(services)) throw damagedFile(format);

  const collector = new ImportCollector();
  services.forEach((item: unknown, index) => {
    const service = record(item);
    const otp = record(service?.otp);
    const issuer = text(service?.name) || text(otp?.issuer);
    const label = text(otp?.account) || text(otp?.label);
    if (!service || !otp) return collector.error(index + 1, issuer, label, 'damaged_entry');
    // Schema 1 has no tokenType (nor digits, period, algorithm): TOTP with the defaults.
    const type = text(otp.tokenType) || 'TOTP';
    collector.addAnyType(index + 1, {
      type,
      issuer,
      label,
      secret: text(service.secret),
      algorithm: text(otp.algorithm) || undefined,
      digits: num(otp.digits),
      period: num(otp.period),
      counter: num(otp.counter),
    });
  });
  return collector.result();
}

async function decrypt(sealed: string, password: string | undefined): Promise<unknown> {
  const parts = sealed.split(':').map((part) => Buffer.from(part, 'base64'));
  const [data, salt, iv] = parts;
  if (parts.length < 3 || !data || !salt || !iv || iv.length === 0 || salt.length === 0)
    throw damagedFile('two_fas_encrypted');
  if (!password) throw passwordRequired('two_fas_encrypted');
  const key = await pbkdf2Key(password, salt, iterations, 'sha256');
  const plain = openGcm(key, iv, data);
  if (!plain) throw wrongPassword('two_fas_encrypted');
  const json = utf8Text(plain);
  if (json === undefined) throw damagedFile('two_fas_encrypted');
  return parseJson(json, 'two_fas_encrypted');
}
