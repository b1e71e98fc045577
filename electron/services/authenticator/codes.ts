import { createHmac } from 'node:crypto';
import { decimalCode, truncatedHmac } from '../../../common/domain/otp';
import { secretBytes, type AuthenticatorEntry } from './account';
import type { AuthenticatorVault, ProblemEntry } from './vault';

/**
 * What the renderer may see of an entry (docs/security.md 22): names and codes, never the secret, the
 * algorithm or the HOTP counter. TOTP: the code now, the next period's code and the seconds left in
 * this period. HOTP: the code at the current counter; `nextCode`, `period` and `secondsLeft` are null.
 */
export interface CodeView {
  id: string;
  issuer: string;
  label: string;
  type: 'totp' | 'hotp' | 'steam';
  digits: number;
  period: number | null;
  code: string;
  nextCode: string | null;
  secondsLeft: number | null;
  /** Why this stored entry makes no codes (its code fields are then empty); null for a sound one. */
  problem: string | null;
}

/** Steam Guard's 26 characters: a code is the TOTP value written in this base, lowest digit first. */
const steamAlphabet = '23456789BCDFGHJKMNPQRTVWXY';

/** Codes for the vault's entries at the injected clock's time (milliseconds since the epoch). */
export class AuthenticatorCodes {
  constructor(
    private readonly vault: AuthenticatorVault,
    private readonly now: () => number,
  ) {}

  /**
   * Every stored entry's view. One that cannot make codes (a damaged entry, or one an older version
   * let in) is shown with its problem instead of hiding the others (issue 17).
   */
  async views(): Promise<CodeView[]> {
    const entries = await this.vault.listForView();
    const nowMs = this.now();
    return entries.map((entry) => {
      if ('problem' in entry) return problemView(entry);
      try {
        return toCodeView(entry, nowMs);
      } catch {
        return problemView({ ...entry, problem: 'invalid_secret' });
      }
    });
  }

  /** HOTP: the user asked for the next code, so the counter moves on (and is saved) first. */
  async nextHotpCode(id: string): Promise<CodeView> {
    return toCodeView(await this.vault.incrementCounter(id), this.now());
  }
}

/** One entry's code (and next code) at `nowMs`; synchronous, since a promise per entry cost as much as its code. */
export function toCodeView(entry: AuthenticatorEntry, nowMs: number): CodeView {
  const key = secretBytes(entry.secret);
  const hash = hashOf(entry);
  const names = {
    id: entry.id,
    issuer: entry.issuer,
    label: entry.label,
    type: entry.type,
    digits: entry.digits,
    problem: null,
  };
  if (entry.type === 'hotp') {
    const code = hotp(key, entry.counter, entry.digits, hash);
    return { ...names, period: null, code, nextCode: null, secondsLeft: null };
  }
  const epoch = Math.floor(nowMs / 1000);
  const period = entry.period;
  const step = Math.floor(epoch / period);
  const write = entry.type === 'steam' ? steamCode : (value: number) => decimalCode(value, entry.digits);
  const code = write(truncated(key, step, hash));
  const nextCode = write(truncated(key, step + 1, hash));
  return { ...names, period, code, nextCode, secondsLeft: period - (epoch % period) };
}

/** A stored entry that makes no codes: its names and the problem, no code. */
function problemView(entry: Pick<ProblemEntry, 'id' | 'issuer' | 'label' | 'type' | 'problem'>): CodeView {
  return {
    id: entry.id,
    issuer: entry.issuer,
    label: entry.label,
    type: entry.type,
    digits: 0,
    period: null,
    code: '',
    nextCode: null,
    secondsLeft: null,
    problem: entry.problem,
  };
}

function hotp(key: Uint8Array, counter: number, digits: number, hash: 'sha1' | 'sha256' | 'sha512'): string {
  return decimalCode(truncated(key, counter, hash), digits);
}

/** Steam Guard (as Steam's app and Aegis make it): five characters, each the value mod 26, then / 26. */
export function steamCode(value: number): string {
  let rest = value;
  let code = '';
  for (let i = 0; i < 5; i += 1) {
    code += steamAlphabet[rest % steamAlphabet.length];
    rest = Math.floor(rest / steamAlphabet.length);
  }
  return code;
}

/**
 * RFC 4226 truncation (common/domain/otp.ts) over Node's HMAC rather than otplib's generate(), whose
 * pure-JS hashing and per-call checks took 15 ms for 100 entries (bench/, figure 8; the target is 4 ms);
 * secrets are checked once, by account.ts, when an entry is added.
 */
function truncated(key: Uint8Array, counter: number, hash: 'sha1' | 'sha256' | 'sha512'): number {
  return truncatedHmac((message) => createHmac(hash, key).update(message).digest(), counter);
}

function hashOf(entry: AuthenticatorEntry): 'sha1' | 'sha256' | 'sha512' {
  return entry.algorithm === 'SHA1' ? 'sha1' : entry.algorithm === 'SHA256' ? 'sha256' : 'sha512';
}
