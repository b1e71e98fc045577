import { createCipheriv, randomBytes as nodeRandomBytes, scrypt } from 'node:crypto';
import { accountOf, type OtpAccount } from '../account';

/**
 * The app's own backup (docs/authenticator-backup.md): the accounts as JSON, encrypted with
 * AES-256-GCM under a key derived from the user's password with scrypt. The envelope is plain JSON
 * so any tool can read it with the documented parameters.
 */
export const backupFormat = 'wem-authenticator-backup';
export const backupVersion = 1;
export const backupScrypt = { N: 2 ** 17, r: 8, p: 1 } as const;

export interface BackupEnvelope {
  format: typeof backupFormat;
  version: typeof backupVersion;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; nonce: string; tag: string };
  ciphertext: string;
}

/** The GCM associated data: format, version and KDF parameters, so none can be changed unnoticed. */
export function backupAssociatedData(envelope: Pick<BackupEnvelope, 'kdf'>): Buffer {
  const { N, r, p, salt } = envelope.kdf;
  return Buffer.from(`${backupFormat}/${backupVersion}/scrypt/${N}/${r}/${p}/${salt}`);
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** At most 256 MiB (scrypt needs 128·N·r bytes) and 4× the work of our own backups (N·r·p ≤ 2^22). */
const maxScryptMemoryBytes = 256 * 1024 * 1024;
const maxScryptWork = 4 * backupScrypt.N * backupScrypt.r * backupScrypt.p;

/**
 * Scrypt parameters read from a file (ours or Aegis's), checked before any work: whole numbers of at
 * least 1, N a power of two, and within the bounds above, so that a crafted file can neither make
 * scrypt throw nor make the app spend gigabytes or minutes. Undefined when they are not.
 */
export function boundedScryptParams(N: unknown, r: unknown, p: unknown): ScryptParams | undefined {
  const whole = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;
  if (!whole(N) || !whole(r) || !whole(p) || N < 2 || !Number.isInteger(Math.log2(N))) return undefined;
  if (128 * N * r > maxScryptMemoryBytes || N * r * p > maxScryptWork) return undefined;
  return { N, r, p };
}

export function deriveBackupKey(password: string, salt: Buffer, params: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      Buffer.from(password.normalize('NFC'), 'utf8'),
      salt,
      32,
      { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

export async function exportEncryptedBackup(
  accounts: OtpAccount[],
  password: string,
  randomBytes: (count: number) => Buffer = nodeRandomBytes,
): Promise<string> {
  const plaintext = JSON.stringify({ entries: accounts.map(accountOf) });
  const envelope = await sealBackup(plaintext, password, backupScrypt, randomBytes);
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/** Any plaintext in the backup envelope, under a key from `password` with the given scrypt cost. */
export async function sealBackup(
  plaintext: string,
  password: string,
  params: ScryptParams,
  randomBytes: (count: number) => Buffer = nodeRandomBytes,
): Promise<BackupEnvelope> {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const kdf = { name: 'scrypt' as const, ...params, salt: salt.toString('base64') };
  const key = await deriveBackupKey(password, salt, params);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(backupAssociatedData({ kdf }));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    format: backupFormat,
    version: backupVersion,
    kdf,
    cipher: {
      name: 'aes-256-gcm',
      nonce: nonce.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
    ciphertext: ciphertext.toString('base64'),
  };
}
