import { createHmac, timingSafeEqual } from 'node:crypto';
import { generateURI, ScureBase32Plugin } from 'otplib';
import { decimalCode, truncatedHmac } from '../../common/domain/otp';

const base32 = new ScureBase32Plugin();

/**
 * The authenticator-app factor's arithmetic (RFC 6238): SHA-1, 6 digits, 30-second steps — what
 * Google Authenticator and every other app read from the QR code. A code is accepted one step either
 * side of now, and only for a step later than the last one accepted (replay protection).
 */
export const totpParameters = { algorithm: 'sha1', digits: 6, period: 30 } as const;
export const totpIssuer = 'WEM';

/** 160 random bits, the RFC 4226 recommendation, Base32 as authenticator apps expect. */
export function newTotpSecret(randomBytes: (count: number) => Buffer): string {
  return base32.encode(randomBytes(20), { padding: false });
}

export function totpUri(accountEmail: string, secret: string): string {
  return generateURI({ issuer: totpIssuer, label: accountEmail, secret, ...totpParameters });
}

/**
 * The time step a code belongs to when it is valid now (±1 step) and newer than `afterStep`. Computed
 * with Node's HMAC (common/domain/otp.ts) rather than otplib's verify(), whose pure-JS SHA-1 was a
 * sixth of a verification's time (bench/, figure 3). Every step is compared, in constant time.
 */
export function verifyTotp(
  secret: string,
  code: string,
  nowMs: number,
  afterStep: number | null,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const key = base32.decode(secret);
  const hmac = (message: Uint8Array) => createHmac(totpParameters.algorithm, key).update(message).digest();
  const now = Math.floor(nowMs / 1000 / totpParameters.period);
  const typed = Buffer.from(code);
  let matched: number | undefined;
  for (const step of [now - 1, now, now + 1]) {
    const expected = Buffer.from(decimalCode(truncatedHmac(hmac, step), totpParameters.digits));
    const fresh = afterStep === null || step > afterStep;
    if (timingSafeEqual(expected, typed) && fresh && matched === undefined) matched = step;
  }
  return matched;
}
