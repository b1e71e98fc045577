import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Random } from './random';

/**
 * The server key encrypts what must be readable again later (TOTP seeds, queued mails carrying links
 * and codes). It comes from SECRET_KEY or, on a single embedded install, is generated once into
 * DATA_DIR with mode 0600. Every box names the key it was sealed with, so a rotated key can re-encrypt.
 */
export function loadOrCreateSecretKey(
  secretKey: string | undefined,
  dataDir: string,
  random: Random,
): Buffer {
  if (secretKey) return Buffer.from(secretKey, 'base64');
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = random.bytes(32);
  // 'wx' fails if another process created it first; then we read theirs.
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return key;
  } catch {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }
}

/** A key for one purpose (HMAC of codes, sealing of seeds), derived so that no two purposes share one. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `wem-account:${purpose}`, 32));
}

/** The id of the server key a sealed value names ("v1.<keyId>.…"), or undefined if it is not one. */
export function sealedKeyId(box: string): string | undefined {
  const [version, keyId] = box.split('.');
  return version === 'v1' && keyId ? keyId : undefined;
}

export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(
    masterKey: Buffer,
    purpose: string,
    private readonly random: Random,
  ) {
    this.key = deriveKey(masterKey, purpose);
    this.keyId = createHash('sha256').update(masterKey).digest('base64url').slice(0, 8);
  }

  /** "v1.<keyId>.<iv>.<ciphertext>.<tag>", all base64url. */
  seal(plaintext: string): string {
    const iv = this.random.bytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      this.keyId,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  open(box: string): string {
    const [version, keyId, iv, body, tag] = box.split('.');
    if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('Not a sealed value');
    if (keyId !== this.keyId) throw new Error(`Sealed with another server key (${keyId})`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
