import { dictionary } from '@zxcvbn-ts/language-common';
import { codePointLength } from './text';

/**
 * Password rules after NIST SP 800-63B: length 8..128 code points after NFC, no composition rules,
 * no truncation, and refusal of passwords that attackers try first. Shared by the server (which
 * decides) and the app (which explains while the user types).
 */

export const minPasswordLength = 8;
export const maxPasswordLength = 128;

export const passwordProblems = [
  'too_short',
  'too_long',
  'common',
  'repetitive',
  'sequential',
  'contains_personal_info',
] as const;
export type PasswordProblem = (typeof passwordProblems)[number];

export interface PasswordContext {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

let commonPasswords: ReadonlySet<string> | undefined;
function isCommon(candidate: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  const lower = candidate.toLowerCase();
  // "Password1!" is as guessable as "password": strip the digits and symbols people bolt on.
  const stem = lower.replace(/[\d\p{P}\p{S}]+$/u, '');
  return commonPasswords.has(lower) || (codePointLength(stem) >= 4 && commonPasswords.has(stem));
}

function isRepetitive(chars: string[]): boolean {
  // The same short unit over and over: "aaaaaaaa", "abababab", "123123123".
  for (let unit = 1; unit <= 3; unit++) {
    if (chars.length < unit * 3) break;
    if (chars.every((c, i) => c === chars[i % unit])) return true;
  }
  return false;
}

function isSequential(chars: string[]): boolean {
  const codes = chars.map((c) => c.toLowerCase().codePointAt(0) ?? 0);
  const steps = codes.slice(1).map((code, i) => code - (codes[i] ?? 0));
  return steps.length > 0 && steps.every((s) => s === steps[0] && Math.abs(s) === 1);
}

function personalWords(context: PasswordContext): string[] {
  const local = context.email?.split('@')[0] ?? '';
  return [local, context.firstName ?? '', context.lastName ?? '']
    .map((w) => w.trim().toLowerCase())
    .filter((w) => codePointLength(w) >= 3);
}

/** The problems of a password, empty when it is acceptable. The caller NFC-normalises nothing: we do. */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordProblem[] {
  const normalised = password.normalize('NFC');
  const chars = [...normalised];
  const problems: PasswordProblem[] = [];
  if (chars.length < minPasswordLength) problems.push('too_short');
  if (chars.length > maxPasswordLength) problems.push('too_long');
  if (problems.length > 0) return problems;

  if (isCommon(normalised)) problems.push('common');
  else if (isRepetitive(chars)) problems.push('repetitive');
  else if (isSequential(chars)) problems.push('sequential');

  const lower = normalised.toLowerCase();
  if (personalWords(context).some((w) => lower.includes(w))) problems.push('contains_personal_info');
  return problems;
}
