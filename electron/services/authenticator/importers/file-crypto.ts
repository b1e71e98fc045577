import { createDecipheriv, createHash, pbkdf2 } from 'node:crypto';

/**
 * The key derivations and ciphers other apps' encrypted exports use, all from Node's crypto. The
 * iteration counts some files carry are checked by their readers before anything is derived, so a
 * crafted file cannot make the app work for minutes.
 */

/** PBKDF2 cost above which a file is refused unread: 10× andOTP's highest default, ~2 s here. */
export const maxPbkdf2Iterations = 2_000_000;

export function pbkdf2Key(
  password: string,
  salt: Uint8Array,
  iterations: number,
  digest: 'sha1' | 'sha256' | 'sha512',
  length = 32,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, length, digest, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export function sha256(data: string): Buffer {
  return createHash('sha256').update(data, 'utf8').digest();
}

/**
 * AES-GCM (128 or 256 by key length) with the 16-byte tag at the end of `sealed`, as Java's and
 * Android's ciphers write it. Undefined when it does not open (wrong key or changed data).
 */
export function openGcm(key: Buffer, nonce: Buffer, sealed: Buffer, aad?: Buffer): Buffer | undefined {
  if (sealed.length < 16 || nonce.length === 0 || ![16, 24, 32].includes(key.length)) return undefined;
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, nonce);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** AES-256-CBC with PKCS#7 padding. Undefined when the padding does not check (most wrong keys). */
export function openCbc(key: Buffer, iv: Buffer, data: Buffer): Buffer | undefined {
  if (key.length !== 32 || iv.length !== 16 || data.length === 0 || data.length % 16 !== 0) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** UTF-8 text when `bytes` are valid UTF-8 (a leading BOM dropped), else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}
