import { createGuardrails, generate } from 'otplib';
import type { AuthenticatorEntry } from './account';
import type { AuthenticatorVault } from './vault';

/**
 * What the renderer may see of an entry (SECURITY.md 22): names and codes, never the secret, the
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

/**
 * Real services issue secrets shorter than otplib's 128-bit default (Google's own are 80 bits) and
 * some longer than 64 bytes; the authenticator computes what it was given, within account.ts's limits.
 */
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 1, MAX_SECRET_BYTES: 256 });

/** Codes for the vault's entries at the injected clock's time (milliseconds since the epoch). */
export class AuthenticatorCodes {
  constructor(
    private readonly vault: AuthenticatorVault,
    private readonly now: () => number,
  ) {}

  async views(): Promise<CodeView[]> {
    const entries = await this.vault.list();
    const nowMs = this.now();
    return Promise.all(entries.map((entry) => codeView(entry, nowMs)));
  }

  /** HOTP: the user asked for the next code, so the counter moves on (and is saved) first. */
  async nextHotpCode(id: string): Promise<CodeView> {
    return codeView(await this.vault.incrementCounter(id), this.now());
  }
}

export async function codeView(entry: AuthenticatorEntry, nowMs: number): Promise<CodeView> {
  const common = { secret: entry.secret, algorithm: hashOf(entry), digits: entry.digits, guardrails };
  const names = {
    id: entry.id,
    issuer: entry.issuer,
    label: entry.label,
    type: entry.type,
    digits: entry.digits,
  };
  if (entry.type === 'hotp') {
    const code = await generate({ ...common, strategy: 'hotp', counter: entry.counter });
    return { ...names, period: null, code, nextCode: null, secondsLeft: null };
  }
  const epoch = Math.floor(nowMs / 1000);
  const period = entry.period;
  const [code, nextCode] = await Promise.all([
    generate({ ...common, period, epoch }),
    generate({ ...common, period, epoch: epoch + period }),
  ]);
  return { ...names, period, code, nextCode, secondsLeft: period - (epoch % period) };
}

function hashOf(entry: AuthenticatorEntry): 'sha1' | 'sha256' | 'sha512' {
  return entry.algorithm === 'SHA1' ? 'sha1' : entry.algorithm === 'SHA256' ? 'sha256' : 'sha512';
}
