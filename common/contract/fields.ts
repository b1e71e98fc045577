import { z } from 'zod';
import { isValidEmail, maxEmailLength, tidyEmail } from '../domain/email';
import { isCleanText } from '../domain/text';

/**
 * Field schemas shared by every request. Each string is bounded and refuses lone surrogates and control
 * characters, so malformed or tricky input is a 400 with a field name instead of a database error.
 */

interface TextOptions {
  /** Line breaks belong in a reason or a note, never in a name: there they forge lines in mails. */
  multiline?: boolean;
}

export function cleanText(max: number, { multiline = false }: TextOptions = {}) {
  return z
    .string()
    .max(max, { error: 'too_long' })
    .refine((value) => isCleanText(value) && (multiline || !/[\t\n]/.test(value)), {
      error: 'invalid_characters',
    });
}

export function requiredText(max: number, options: TextOptions = {}) {
  return z
    .string()
    .transform((value) => value.trim().normalize('NFC'))
    .pipe(cleanText(max, options).min(1, { error: 'required' }));
}

export const emailField = z
  .string()
  .max(maxEmailLength + 64, { error: 'too_long' })
  .refine(isCleanText, { error: 'invalid_characters' })
  .transform(tidyEmail)
  .refine(isValidEmail, { error: 'invalid_email' })
  .meta({ format: 'email', example: 'jane@example.net' });

/** Passwords are never trimmed or truncated; the length rules are checked by the policy, which says why. */
export const passwordField = z
  .string()
  .min(1, { error: 'required' })
  .max(4096, { error: 'too_long' })
  .refine((value) => value.isWellFormed(), { error: 'invalid_characters' });

/** Opaque tokens we issued: `<id>.<secret>` in base64url. Anything else is refused before a lookup. */
export const tokenField = z
  .string()
  .min(1, { error: 'required' })
  .max(200, { error: 'too_long' })
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/, { error: 'invalid' });

/**
 * The id of a record we created (an account, factor, login, trusted device, reset request,
 * authenticator entry): checked before any lookup, wherever an id arrives (path, body, query, IPC).
 */
export const idField = z
  .string()
  .min(1, { error: 'required' })
  .max(64, { error: 'too_long' })
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'invalid' });

export const localeField = z.enum(['en', 'nl']);
export type Locale = z.infer<typeof localeField>;

/** Stored locales are ours, but a row from an older version must still get a mail: default to English. */
export function asLocale(value: string | null | undefined): Locale {
  return value === 'nl' ? 'nl' : 'en';
}

export const isoTime = z.iso.datetime().meta({ example: '2026-11-29T10:00:00.000Z' });
