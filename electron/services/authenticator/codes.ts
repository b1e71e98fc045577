import { createHmac } from 'node:crypto';
import { ScureBase32Plugin } from 'otplib';
import type { AuthenticatorEntry } from './account';
import type { AuthenticatorVault } from './vault';

/**
 * What the renderer may see of an entry (docs/security.md 22): names and codes, never the secret, the
 * algorithm or the HOTP counter. TOTP: the code now, the next period's code and the seconds left in
 * this period. HOTP: the code at the current counter; `nextCode`, `period` and `secondsLeft` are null.
 */
export interface CodeView {
  id: string;
  issuer: string;
  label: string;
  type: 'totp' | 'hotp';
  digits: number;
  period: number | null;
  code: string;
  nextCode: string | null;
  secondsLeft: number | null;
}

const base32 = new ScureBase32Plugin();

/** Codes for the vault's entries at the injected clock's time (milliseconds since the epoch). */
export class AuthenticatorCodes {
  constructor(
    private readonly vault: AuthenticatorVault,
    private readonly now: () => number,
  ) {}

  async views(): Promise<CodeView[]> {
    const entries = await this.vault.list();
    const nowMs = this.now();
    return entries.map((entry) => codeView(entry, nowMs));
  }

  /** HOTP: the user asked for the next code, so the counter moves on (and is saved) first. */
  async nextHotpCode(id: string): Promise<CodeView> {
    return codeView(await this.vault.incrementCounter(id), this.now());
  }
}

/** One entry's code (and next code) at `nowMs`; synchronous, since a promise per entry cost as much as its code. */
export function codeView(entry: AuthenticatorEntry, nowMs: number): CodeView {
  const key = base32.decode(entry.secret);
  const hash = hashOf(entry);
  const names = {
    id: entry.id,
    issuer: entry.issuer,
    label: entry.label,
    type: entry.type,
    digits: entry.digits,
  };
  if (entry.type === 'hotp') {
    const code = hotp(key, entry.counter, entry.digits, hash);
    return { ...names, period: null, code, nextCode: null, secondsLeft: null };
  }
  const epoch = Math.floor(nowMs / 1000);
  const period = entry.period;
  const step = Math.floor(epoch / period);
  const code = hotp(key, step, entry.digits, hash);
  const nextCode = hotp(key, step + 1, entry.digits, hash);
  return { ...names, period, code, nextCode, secondsLeft: period - (epoch % period) };
}

/**
 * RFC 4226 (and RFC 6238 with counter = step): HMAC of the 8-byte big-endian counter, dynamic
 * truncation, the last `digits` decimal digits. Computed with Node's HMAC rather than otplib's
 * generate(), whose pure-JS hashing and per-call checks took 15 ms for 100 entries (bench/, figure 8;
 * the target is 4 ms); secrets are checked once, by account.ts, when an entry is added.
 */
function hotp(key: Uint8Array, counter: number, digits: number, hash: 'sha1' | 'sha256' | 'sha512'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(hash, key).update(message).digest();
  const offset = mac.readUInt8(mac.length - 1) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

function hashOf(entry: AuthenticatorEntry): 'sha1' | 'sha256' | 'sha512' {
  return entry.algorithm === 'SHA1' ? 'sha1' : entry.algorithm === 'SHA256' ? 'sha256' : 'sha512';
}
