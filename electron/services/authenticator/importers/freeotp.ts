import { XMLParser } from 'fast-xml-parser';
import javaDeserialization from 'java-deserialization';
import { base32Of } from '../account';
import { maxPbkdf2Iterations, openGcm, pbkdf2Key } from './file-crypto';
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
 * FreeOTP (github.com/freeotp/freeotp-android) and FreeOTP+ (github.com/helloworld1/FreeOTPPlus).
 * A token is JSON: type, issuerExt, label, algo, digits, period, counter and the secret as signed
 * bytes. FreeOTP 1 keeps tokens in Android shared preferences (`tokens.xml`: one <string> per token,
 * plus `tokenOrder`); FreeOTP+ exports `{ tokenOrder, tokens: [...] }`. FreeOTP 2's backup
 * (`externalBackup.xml`, despite its name) is a Java-serialized HashMap<String, String>: `masterKey`
 * (the AES key, sealed with PBKDF2(password) and AES-GCM) and per token `<uuid>` (its secret, sealed
 * with the master key) and `<uuid>-token` (its other fields).
 */
export function importFreeOtpXml(content: string): ImportResult {
  let map: unknown;
  try {
    map = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true }).parse(
      content,
      true,
    );
  } catch {
    throw damagedFile('freeotp');
  }
  const strings = record(record(map)?.map)?.string;
  const items = Array.isArray(strings) ? strings : strings === undefined ? [] : [strings];
  const tokens = items
    .map((item: unknown) => record(item))
    .filter((item) => item !== undefined && text(item['@name']) !== 'tokenOrder')
    .map((item) => {
      try {
        return JSON.parse(text(item?.['#text'])) as unknown;
      } catch {
        return undefined;
      }
    });
  if (tokens.length === 0) throw damagedFile('freeotp', 'no_entries');
  return readTokens(tokens);
}

export function importFreeOtpPlus(content: string): ImportResult {
  const tokens = record(parseJson(content, 'freeotp_plus'))?.tokens;
  if (!Array.isArray(tokens)) throw damagedFile('freeotp_plus');
  return readTokens(tokens);
}

/** Java serialization's stream magic: what FreeOTP 2's backup starts with. */
export const javaSerializationMagic = 0xaced;

export async function importFreeOtpBackup(bytes: Buffer, password?: string): Promise<ImportResult> {
  const map = serializedStringMap(bytes);
  const masterKey = record(parseJsonOr(map.get('masterKey')));
  const sealed = record(masterKey?.mEncryptedKey);
  const algorithm = text(masterKey?.mAlgorithm);
  const iterations = num(masterKey?.mIterations) ?? 0;
  const digest = { PBKDF2withHmacSHA1: 'sha1', PBKDF2withHmacSHA512: 'sha512' } as const;
  if (
    !sealed ||
    !(algorithm in digest) ||
    !Number.isSafeInteger(iterations) ||
    iterations < 1 ||
    iterations > maxPbkdf2Iterations
  )
    throw damagedFile('freeotp_backup');
  if (!password) throw passwordRequired('freeotp_backup');
  const passwordKey = await pbkdf2Key(
    password,
    signedBytes(masterKey?.mSalt),
    iterations,
    digest[algorithm as keyof typeof digest],
  );
  const key = openSealed(passwordKey, sealed);
  if (!key) throw wrongPassword('freeotp_backup');

  const collector = new ImportCollector();
  let position = 0;
  for (const [name, value] of map) {
    if (name === 'masterKey' || name.endsWith('-token')) continue;
    position += 1;
    const token = record(parseJsonOr(map.get(`${name}-token`)));
    const secret = record(parseJsonOr(text(record(parseJsonOr(value))?.key)));
    const opened = token && secret ? openSealed(key, secret) : undefined;
    if (!token || !opened) {
      collector.error(position, text(token?.issuerExt), text(token?.label), 'undecryptable_entry');
      continue;
    }
    addToken(collector, position, token, opened, 0);
  }
  return collector.result();
}

function readTokens(tokens: unknown[]): ImportResult {
  const collector = new ImportCollector();
  tokens.forEach((item, index) => {
    const token = record(item);
    if (!token) return collector.error(index + 1, '', '', 'damaged_entry');
    addToken(collector, index + 1, token, signedBytes(token.secret), 1);
  });
  return collector.result();
}

/**
 * `counterShift`: FreeOTP 1 and FreeOTP+ store an HOTP counter one below the next code's (they count
 * up before making a code); this app shows the code at its counter, so they are read one up.
 * FreeOTP 2 stores the next code's counter itself.
 */
function addToken(
  collector: ImportCollector,
  position: number,
  token: Record<string, unknown>,
  secret: Buffer,
  counterShift: number,
) {
  const issuer = text(token.issuerExt) || text(token.issuerInt);
  const type = text(token.type).toLowerCase();
  collector.addAnyType(position, {
    // FreeOTP has no Steam type; its Steam tokens are TOTP under the issuer "Steam" (as Aegis reads them).
    type: type === 'totp' && issuer === 'Steam' ? 'steam' : type || 'unknown',
    issuer,
    label: text(token.label),
    secret: secret.length > 0 ? base32Of(secret) : '',
    algorithm: text(token.algo) || undefined,
    digits: num(token.digits),
    period: num(token.period),
    counter: type === 'hotp' ? (num(token.counter) ?? 0) + counterShift : undefined,
  });
}

/** `{mCipher, mCipherText, mParameters, mToken}`: AES-GCM, the nonce in DER parameters, mToken as AAD. */
function openSealed(key: Buffer, sealed: Record<string, unknown>): Buffer | undefined {
  if (text(sealed.mCipher) !== 'AES/GCM/NoPadding') return undefined;
  const nonce = gcmNonce(signedBytes(sealed.mParameters));
  if (!nonce) return undefined;
  return openGcm(key, nonce, signedBytes(sealed.mCipherText), Buffer.from(text(sealed.mToken), 'utf8'));
}

/**
 * Java's GCMParameters encoding: DER SEQUENCE { OCTET STRING nonce, INTEGER tagLength }, or the
 * OCTET STRING alone. Only these two fixed shapes with short lengths occur, so no general ASN.1
 * parser is needed for them.
 */
function gcmNonce(der: Buffer): Buffer | undefined {
  // Android 6 (API 23) wrote the bare OCTET STRING; later versions the SEQUENCE.
  const start = der[0] === 0x04 ? 0 : der[0] === 0x30 ? 2 : -1;
  if (start < 0 || der[start] !== 0x04) return undefined;
  const length = der[start + 1] ?? 0;
  if (length < 12 || length > 16 || der.length < start + 2 + length) return undefined;
  return der.subarray(start + 2, start + 2 + length);
}

/** Java's signed bytes as a JSON array (-128..127) to a Buffer; anything else is empty. */
function signedBytes(value: unknown): Buffer {
  if (!Array.isArray(value) || value.length > 4096) return Buffer.alloc(0);
  if (!value.every((byte) => Number.isInteger(byte) && byte >= -128 && byte <= 255)) return Buffer.alloc(0);
  return Buffer.from(value.map((byte: number) => byte & 0xff));
}

function parseJsonOr(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The HashMap<String, String> of a Java serialization stream, read with java-deserialization. */
function serializedStringMap(bytes: Buffer): Map<string, string> {
  let contents: unknown[];
  try {
    contents = javaDeserialization.parse(bytes);
  } catch {
    throw damagedFile('freeotp_backup');
  }
  const map = (record(contents[0]) as { map?: unknown } | undefined)?.map;
  if (!(map instanceof Map)) throw damagedFile('freeotp_backup');
  const strings = new Map<string, string>();
  for (const [key, value] of map) {
    if (typeof key === 'string' && typeof value === 'string') strings.set(key, value);
  }
  if (!strings.has('masterKey')) throw damagedFile('freeotp_backup');
  return strings;
}
