import type { FactorType } from '../../common/contract/http';

/**
 * How a sign-in was made, in the words the login portal's ID tokens use (docs/oidc.md): `acr` says
 * whether a second factor was checked in this sign-in or a trusted computer stood in for it, `amr`
 * lists RFC 8176 method names.
 */
export const acrValues = {
  mfa: 'urn:wem:acr:mfa',
  trustedDevice: 'urn:wem:acr:trusted-device',
} as const;
export type Acr = (typeof acrValues)[keyof typeof acrValues];

/**
 * RFC 8176 has `otp` and `sms` but no name for a code sent by mail: a mailed code and a recovery code
 * are one-time passwords, so both are `otp` (docs/oidc.md).
 */
const methodOf: Record<FactorType, string> = {
  totp: 'otp',
  sms: 'sms',
  email: 'otp',
  recovery_codes: 'otp',
};

/** The amr of a sign-in that checked the password and then this factor. */
export function amrWithFactor(type: string): string[] {
  const method = (methodOf as Record<string, string | undefined>)[type] ?? 'otp';
  return ['pwd', method, 'mfa'];
}

/** The amr of a sign-in that checked the password only (a trusted computer, or no factor yet). */
export const passwordOnly: readonly string[] = ['pwd'];
