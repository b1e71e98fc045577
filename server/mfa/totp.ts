import { generateURI, ScureBase32Plugin, verify } from 'otplib';

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

/** The time step a code belongs to when it is valid now (±1 step) and newer than `afterStep`. */
export async function verifyTotp(
  secret: string,
  code: string,
  nowMs: number,
  afterStep: number | null,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: totpParameters.period,
    ...totpParameters,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
