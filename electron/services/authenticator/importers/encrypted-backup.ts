import { createDecipheriv } from 'node:crypto';
import {
  backupAssociatedData,
  backupFormat,
  backupVersion,
  boundedScryptParams,
  deriveBackupKey,
} from '../exporters/encrypted-backup';
import {
  damagedFile,
  ImportCollector,
  num,
  passwordRequired,
  record,
  text,
  wrongPassword,
  type ImportResult,
} from './import-result';

/** Reads a backup written by exporters/encrypted-backup.ts (docs/authenticator-backup.md). */
export async function importEncryptedBackup(content: string, password?: string): Promise<ImportResult> {
  let file: Record<string, unknown> | undefined;
  try {
    file = record(JSON.parse(content));
  } catch {
    throw damagedFile('wem_backup');
  }
  const kdf = record(file?.kdf);
  const cipher = record(file?.cipher);
  if (!file || file.format !== backupFormat || !kdf || !cipher) throw damagedFile('wem_backup');
  if (file.version !== backupVersion) throw damagedFile('wem_backup', 'unsupported_version');
  const salt = text(kdf.salt);
  if (kdf.name !== 'scrypt' || cipher.name !== 'aes-256-gcm' || !salt)
    throw damagedFile('wem_backup', 'unsupported_version');
  // Bounded: enough for stronger future defaults, neither a memory bomb nor a RangeError from scrypt.
  const params = boundedScryptParams(num(kdf.N), num(kdf.r), num(kdf.p));
  if (!params) throw damagedFile('wem_backup');
  const { N: n, r, p } = params;
  if (!password) throw passwordRequired('wem_backup');

  const key = await deriveBackupKey(password, Buffer.from(salt, 'base64'), params);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(text(cipher.nonce), 'base64'));
    decipher.setAAD(backupAssociatedData({ kdf: { name: 'scrypt', N: n, r, p, salt } }));
    decipher.setAuthTag(Buffer.from(text(cipher.tag), 'base64'));
    plain = Buffer.concat([decipher.update(Buffer.from(text(file.ciphertext), 'base64')), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong key from a changed ciphertext; a wrong password is by far the likelier.
    throw wrongPassword('wem_backup');
  }

  let entries: unknown;
  try {
    entries = record(JSON.parse(plain.toString('utf8')))?.entries;
  } catch {
    throw damagedFile('wem_backup');
  }
  if (!Array.isArray(entries)) throw damagedFile('wem_backup');
  const collector = new ImportCollector();
  entries.forEach((item: unknown, index) => {
    const entry = record(item) ?? {};
    const type = text(entry.type);
    // Steam entries are in backups since issue 17; a type unknown to this version is named, not dropped.
    if (type !== 'totp' && type !== 'hotp' && type !== 'steam')
      return collector.error(index + 1, text(entry.issuer), text(entry.label), 'unsupported_type');
    collector.add(index + 1, {
      type,
      issuer: text(entry.issuer),
      label: text(entry.label),
      secret: text(entry.secret),
      algorithm: text(entry.algorithm),
      digits: num(entry.digits),
      period: num(entry.period),
      counter: num(entry.counter),
    });
  });
  return collector.result();
}
