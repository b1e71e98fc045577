import { z } from 'zod';
import { maxPeriodSeconds } from './authenticator-limits';

/**
 * The numbers of an account typed by hand, as text from the form's fields: each refusal's message is
 * the problem code the screen words (authenticator.problem.*), the same codes main gives for the
 * fields it checks (electron/services/authenticator/account.ts). A blank field is refused, not
 * replaced by a default the user did not see.
 */
const wholeNumber = (problem: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, problem)
    .transform(Number)
    .pipe(z.number().int(problem).min(min, problem).max(max, problem));

export const manualEntryNumbers = {
  digits: wholeNumber('invalid_digits', 6, 8),
  period: wholeNumber('invalid_period', 1, maxPeriodSeconds),
  counter: wholeNumber('invalid_counter', 0, Number.MAX_SAFE_INTEGER),
} as const;
export type ManualNumberField = keyof typeof manualEntryNumbers;

/**
 * The typed numbers the chosen type uses (Steam: none, TOTP: digits and period, HOTP: digits and
 * counter) -> the values to send, or the problem code of each bad field.
 */
export function parseManualNumbers(
  type: 'totp' | 'hotp' | 'steam',
  typed: Record<ManualNumberField, string>,
):
  | { ok: true; value: { digits?: number; period?: number; counter?: number } }
  | { ok: false; fields: Partial<Record<ManualNumberField, string>> } {
  const used: ManualNumberField[] =
    type === 'steam' ? [] : type === 'totp' ? ['digits', 'period'] : ['digits', 'counter'];
  const value: { digits?: number; period?: number; counter?: number } = {};
  const fields: Partial<Record<ManualNumberField, string>> = {};
  for (const field of used) {
    const parsed = manualEntryNumbers[field].safeParse(typed[field]);
    if (parsed.success) value[field] = parsed.data;
    else fields[field] = parsed.error.issues[0]?.message ?? `invalid_${field}`;
  }
  return Object.keys(fields).length > 0 ? { ok: false, fields } : { ok: true, value };
}
