import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto';
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

/** The short id a sealed value carries of the server key that sealed it. */
export function keyIdOf(masterKey: Buffer): string {
  return createHash('sha256').update(masterKey).digest('base64url').slice(0, 8);
}

/**
 * Seals with the server key; opens what it sealed and, while a rotation is under way
 * (PREVIOUS_SECRET_KEY), what the previous key sealed, so nothing stops working before
 * `rotate-secret-key` has re-encrypted it.
 */
export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;
  private readonly previous: { keyId: string; key: Buffer } | undefined;

  constructor(
    masterKey: Buffer,
    purpose: string,
    private readonly random: Random,
    previousMasterKey?: Buffer,
  ) {
    this.key = deriveKey(masterKey, purpose);
    this.keyId = keyIdOf(masterKey);
    this.previous = previousMasterKey
      ? { keyId: keyIdOf(previousMasterKey), key: deriveKey(previousMasterKey, purpose) }
      : undefined;
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
    const key = keyId === this.keyId ? this.key : this.previousKey(keyId);
    if (!key) throw new Error(`Sealed with another server key (${keyId})`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  private previousKey(keyId: string | undefined): Buffer | undefined {
    return this.previous && keyId === this.previous.keyId ? this.previous.key : undefined;
  }
}

/**
 * Keyed digests (HMAC-SHA-256) of short secrets such as codes, for one purpose: made with the server
 * key, and checked against the previous key's digest too while PREVIOUS_SECRET_KEY is set, since a
 * digest cannot be re-keyed without the secret it hides.
 */
export class KeyedDigest {
  private readonly keys: Buffer[];

  constructor(current: Buffer, previous?: Buffer) {
    this.keys = previous ? [current, previous] : [current];
  }

  /** The digest to store, with the current key. */
  digest(text: string): string {
    return digestWith(this.keys[0]!, text);
  }

  /** Every digest `text` may be stored under: the current key's, then the previous key's. */
  candidates(text: string): string[] {
    return this.keys.map((key) => digestWith(key, text));
  }

  /** Whether `stored` is the digest of `text` under either key, compared in constant time. */
  matches(text: string, stored: string): boolean {
    const expected = Buffer.from(stored, 'base64url');
    let found = false;
    for (const candidate of this.candidates(text)) {
      const actual = Buffer.from(candidate, 'base64url');
      if (actual.length === expected.length && timingSafeEqual(actual, expected)) found = true;
    }
    return found;
  }
}

function digestWith(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}
