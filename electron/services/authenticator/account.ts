import { ScureBase32Plugin } from 'otplib';
import { DesktopError } from '../desktop-error';
import { maxPeriodSeconds } from '../../../common/contract/authenticator-limits';

/**
 * One authenticator account as the user added it: everything needed to compute its codes. It holds
 * the shared secret, so it lives in main only (docs/security.md 22); the renderer gets a CodeView.
 */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
export type OtpDigits = 5 | 6 | 7 | 8;

interface OtpAccountBase {
  issuer: string;
  label: string;
  /** Base32, normalised: uppercase A–Z2–7, no spaces, no padding. */
  secret: string;
  algorithm: OtpAlgorithm;
  digits: OtpDigits;
}
export type TotpAccount = OtpAccountBase & { type: 'totp'; period: number };
export type HotpAccount = OtpAccountBase & { type: 'hotp'; counter: number };
/**
 * Steam Guard: TOTP with SHA1 and a 30 s period whose value is written as 5 characters of Steam's
 * alphabet (codes.ts). Algorithm, digits and period are always those; they are kept for one shape.
 */
export type SteamAccount = OtpAccountBase & { type: 'steam'; period: 30 };
export type OtpAccount = TotpAccount | HotpAccount | SteamAccount;
export type OtpType = OtpAccount['type'];
export const otpTypes: readonly OtpType[] = ['totp', 'hotp', 'steam'];

/** A stored account: its id and its place in the user's list. */
export type AuthenticatorEntry = OtpAccount & { id: string; order: number };

export const otpAlgorithms: readonly OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
export const maxSecretBytes = 256;
const maxTextLength = 200;

/** Why an account (or one part of an otpauth URI) was refused, one code per bad part. */
export type OtpProblem =
  | 'not_otpauth'
  | 'unsupported_type'
  | 'missing_label'
  | 'missing_secret'
  | 'invalid_secret'
  | 'invalid_issuer'
  | 'invalid_label'
  | 'invalid_algorithm'
  | 'invalid_digits'
  | 'invalid_period'
  | 'invalid_counter';

const problemText: Record<OtpProblem, [field: string, message: string]> = {
  not_otpauth: ['uri', 'This is not an otpauth:// link.'],
  unsupported_type: ['type', 'Only TOTP, HOTP and Steam accounts are supported.'],
  missing_label: ['label', 'The account name is missing.'],
  missing_secret: ['secret', 'The secret is missing.'],
  invalid_secret: ['secret', 'The secret is not valid Base32.'],
  invalid_issuer: ['issuer', 'The issuer is too long or has control characters.'],
  invalid_label: ['label', 'The account name is too long or has control characters.'],
  invalid_algorithm: ['algorithm', 'The algorithm must be SHA1, SHA256 or SHA512.'],
  invalid_digits: ['digits', 'Codes must have 6, 7 or 8 digits.'],
  invalid_period: ['period', `The period must be a whole number of seconds from 1 to ${maxPeriodSeconds}.`],
  invalid_counter: ['counter', 'The counter must be a whole number, 0 or more.'],
};

/** `invalid_otpauth`, naming the bad part in `fields` and its problem code in `reasons`. */
export function otpProblem(problem: OtpProblem): DesktopError {
  const [field, message] = problemText[problem];
  return new DesktopError('invalid_otpauth', { fields: { [field]: message }, reasons: [problem] });
}

const base32 = new ScureBase32Plugin();
const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Strips spaces, dashes and padding, uppercases; refuses anything that is not Base32 of 1–256 bytes.
 * The last character may carry bits beyond the last whole byte: other apps (Aegis, Google
 * Authenticator) ignore them, the code generator's decoder refuses them, so they are cleared here —
 * the same key, written the one way the generator reads. The result is decoded once with the
 * generator's own decoder, so an entry accepted here always makes codes (issue 17).
 */
export function normaliseSecret(input: string): string {
  let secret = input.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  if (secret === '') throw otpProblem('missing_secret');
  // A Base32 group of 8 characters holds 5 bytes; 1, 3 or 6 trailing characters cannot end a byte.
  if (!/^[A-Z2-7]+$/.test(secret) || [1, 3, 6].includes(secret.length % 8))
    throw otpProblem('invalid_secret');
  if (Math.floor((secret.length * 5) / 8) > maxSecretBytes) throw otpProblem('invalid_secret');
  const spareBits = (secret.length * 5) % 8;
  if (spareBits > 0) {
    const last = base32Alphabet.indexOf(secret.at(-1) as string);
    secret = secret.slice(0, -1) + base32Alphabet[last & ~((1 << spareBits) - 1)];
  }
  try {
    base32.decode(secret);
  } catch {
    throw otpProblem('invalid_secret');
  }
  return secret;
}

/** The normalised Base32 form of raw key bytes (what importers of byte-array formats hand over). */
export function base32Of(bytes: Uint8Array): string {
  return base32.encode(bytes);
}

/** The key bytes of a normalised secret, as the code generator reads them. */
export function secretBytes(secret: string): Uint8Array {
  return base32.decode(secret);
}

export function parseAlgorithm(input: string): OtpAlgorithm {
  const algorithm = input.toUpperCase().replace('-', '');
  if (!otpAlgorithms.includes(algorithm as OtpAlgorithm)) throw otpProblem('invalid_algorithm');
  return algorithm as OtpAlgorithm;
}

export function parseDigits(input: number): OtpDigits {
  if (input !== 6 && input !== 7 && input !== 8) throw otpProblem('invalid_digits');
  return input;
}

export function parsePeriod(input: number): number {
  if (!Number.isInteger(input) || input < 1 || input > maxPeriodSeconds) throw otpProblem('invalid_period');
  return input;
}

export function parseCounter(input: number): number {
  if (!Number.isSafeInteger(input) || input < 0) throw otpProblem('invalid_counter');
  return input;
}

/** Trimmed; refused when too long or holding control characters. */
export function cleanText(input: string, problem: OtpProblem): string {
  const text = input.trim();
  // eslint-disable-next-line no-control-regex
  if (text.length > maxTextLength || /[\u0000-\u001f\u007f]/.test(text)) throw otpProblem(problem);
  return text;
}

/** Fields typed by hand or read by an importer, checked and normalised like a parsed URI. */
export interface OtpAccountInput {
  type: OtpType;
  issuer?: string;
  label: string;
  secret: string;
  algorithm?: string;
  digits?: number;
  period?: number;
  counter?: number;
}

export function toOtpAccount(input: OtpAccountInput): OtpAccount {
  const label = cleanText(input.label, 'invalid_label');
  if (label === '') throw otpProblem('missing_label');
  const issuer = cleanText(input.issuer ?? '', 'invalid_issuer');
  const secret = normaliseSecret(input.secret);
  // Steam Guard has one algorithm, length and period; other apps write them (Aegis: SHA1, 5, 30) or not.
  if (input.type === 'steam')
    return { type: 'steam', issuer, label, secret, algorithm: 'SHA1', digits: 5, period: 30 };
  if (input.type !== 'totp' && input.type !== 'hotp') throw otpProblem('unsupported_type');
  const base = {
    issuer,
    label,
    secret,
    algorithm: parseAlgorithm(input.algorithm ?? 'SHA1'),
    digits: parseDigits(input.digits ?? 6),
  };
  return input.type === 'totp'
    ? { type: 'totp', ...base, period: parsePeriod(input.period ?? 30) }
    : { type: 'hotp', ...base, counter: parseCounter(input.counter ?? 0) };
}

/** The account's own fields only (no id, no order, nothing extra), in a fixed key order. */
export function accountOf(entry: OtpAccount): OtpAccount {
  const { issuer, label, secret, algorithm, digits } = entry;
  if (entry.type === 'hotp')
    return { type: 'hotp', issuer, label, secret, algorithm, digits, counter: entry.counter };
  return entry.type === 'totp'
    ? { type: 'totp', issuer, label, secret, algorithm, digits, period: entry.period }
    : { type: 'steam', issuer, label, secret, algorithm, digits, period: entry.period };
}
