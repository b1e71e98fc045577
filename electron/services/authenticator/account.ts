import { DesktopError } from '../ipc-router';

/**
 * One authenticator account as the user added it: everything needed to compute its codes. It holds
 * the shared secret, so it lives in main only (docs/security.md 22); the renderer gets a CodeView.
 */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
export type OtpDigits = 6 | 7 | 8;

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
export type OtpAccount = TotpAccount | HotpAccount;

/** A stored account: its id and its place in the user's list. */
export type AuthenticatorEntry = OtpAccount & { id: string; order: number };

export const otpAlgorithms: readonly OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
export const maxPeriodSeconds = 3600;
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
  unsupported_type: ['type', 'Only TOTP and HOTP accounts are supported.'],
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

/** Strips spaces, dashes and padding, uppercases; refuses anything that is not Base32 of 1–256 bytes. */
export function normaliseSecret(input: string): string {
  const secret = input.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  if (secret === '') throw otpProblem('missing_secret');
  // A Base32 group of 8 characters holds 5 bytes; 1, 3 or 6 trailing characters cannot end a byte.
  if (!/^[A-Z2-7]+$/.test(secret) || [1, 3, 6].includes(secret.length % 8))
    throw otpProblem('invalid_secret');
  if (Math.floor((secret.length * 5) / 8) > maxSecretBytes) throw otpProblem('invalid_secret');
  return secret;
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
  type: 'totp' | 'hotp';
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
  const base = {
    issuer: cleanText(input.issuer ?? '', 'invalid_issuer'),
    label,
    secret: normaliseSecret(input.secret),
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
  return entry.type === 'totp'
    ? { type: 'totp', issuer, label, secret, algorithm, digits, period: entry.period }
    : { type: 'hotp', issuer, label, secret, algorithm, digits, counter: entry.counter };
}
