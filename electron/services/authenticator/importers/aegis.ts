import { createDecipheriv, scrypt } from 'node:crypto';
import { boundedScryptParams } from '../exporters/encrypted-backup';
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

/** Aegis key slots of type 1 are password slots (0 raw, 2 biometric). */
const passwordSlot = 1;

/**
 * An Aegis vault export (github.com/beemdevelopment/Aegis, docs/vault.md), plain or encrypted with a
 * password: scrypt(password, slot salt, N, r, p) → 32-byte key that opens the slot's master key with
 * AES-256-GCM, which opens the base64 `db` with AES-256-GCM (header.params nonce and tag).
 */
export async function importAegis(content: string, password?: string): Promise<ImportResult> {
  const file = record(parseJson(content, 'aegis'));
  const header = record(file?.header);
  if (!file || !header || file.db === undefined) throw damagedFile('aegis');
  const db =
    header.slots === null || header.slots === undefined ? record(file.db) : await decryptDb(file, password);
  const entries = db?.entries;
  if (!Array.isArray(entries)) throw damagedFile('aegis');

  const collector = new ImportCollector();
  entries.forEach((item: unknown, index) => {
    const entry = record(item);
    const info = record(entry?.info);
    const type = text(entry?.type).toLowerCase();
    const issuer = text(entry?.issuer);
    const label = text(entry?.name);
    if (!entry || !info) return collector.error(index + 1, issuer, label, 'damaged_entry');
    collector.addAnyType(index + 1, {
      type: type || 'unknown',
      issuer,
      label,
      secret: text(info.secret),
      algorithm: text(info.algo),
      digits: num(info.digits),
      period: type === 'hotp' ? undefined : num(info.period),
      counter: type === 'hotp' ? num(info.counter) : undefined,
    });
  });
  return collector.result();
}

async function decryptDb(file: Record<string, unknown>, password: string | undefined) {
  const header = record(file.header);
  const params = record(header?.params);
  const slots = Array.isArray(header?.slots) ? header.slots.map(record) : [];
  const passwordSlots = slots.filter((slot) => slot?.type === passwordSlot);
  if (!params || typeof file.db !== 'string' || passwordSlots.length === 0)
    throw damagedFile('aegis_encrypted');
  if (!password) throw passwordRequired('aegis_encrypted');

  for (const slot of passwordSlots) {
    const masterKey = await openSlot(slot as Record<string, unknown>, password);
    if (masterKey === undefined) continue;
    const plain = gcmOpen(masterKey, hex(params.nonce), hex(params.tag), Buffer.from(file.db, 'base64'));
    if (plain === undefined) throw damagedFile('aegis_encrypted');
    return record(parseJson(plain.toString('utf8'), 'aegis_encrypted'));
  }
  throw wrongPassword('aegis_encrypted');
}

async function openSlot(slot: Record<string, unknown>, password: string): Promise<Buffer | undefined> {
  // Bounded, so a crafted file can neither make scrypt throw nor make the app spend gigabytes.
  const params = boundedScryptParams(num(slot.n), num(slot.r), num(slot.p));
  const keyParams = record(slot.key_params);
  if (!params || !keyParams) throw damagedFile('aegis_encrypted');
  const { N: n, r, p } = params;
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      Buffer.from(password, 'utf8'),
      hex(slot.salt),
      32,
      { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 },
      (error, key) => (error ? reject(damagedFile('aegis_encrypted')) : resolve(key)),
    ),
  );
  return gcmOpen(derived, hex(keyParams.nonce), hex(keyParams.tag), hex(slot.key));
}

function gcmOpen(key: Buffer, nonce: Buffer, tag: Buffer, ciphertext: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

function hex(value: unknown): Buffer {
  if (typeof value !== 'string' || !/^([0-9a-f]{2})+$/i.test(value)) throw damagedFile('aegis_encrypted');
  return Buffer.from(value, 'hex');
}
