import { parsePhoneNumberFromString, type CountryCode, type NumberType } from 'libphonenumber-js/max';

/**
 * Phone numbers for the SMS factor are stored and sent as E.164 ("+31612345678") and shown masked.
 *
 * The 'max' metadata (~40 kB gzipped, against ~20 kB for the default 'min') is needed for the number
 * type: 'min' has no type patterns for most countries (a Dutch landline is indistinguishable from a
 * mobile), and the 'mobile' set calls a landline merely invalid, so the person would not learn why.
 * As a side effect 'max' also checks the digits strictly instead of only the length.
 */

export type { CountryCode };

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: 'invalid' | 'not_mobile' };

// Generous for "+31 (0)6 - 12 34 56 78" styles, yet bounds the work done on hostile input.
const maxPhoneInputLength = 40;

/**
 * Types that may receive an SMS. `undefined` is a valid number whose country has no type patterns:
 * given the benefit of the doubt. Everything else is refused: a landline cannot receive the code, and
 * premium-rate, shared-cost and personal (redirect) numbers are how SMS toll fraud earns its money.
 */
const textableTypes: ReadonlySet<NumberType> = new Set<NumberType>([
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'VOIP',
  undefined,
]);

/**
 * Reads a number as a person types it: with spaces, dashes, brackets, a national trunk prefix ("06…"
 * with `defaultCountry` NL) or an international one ("0031…", "+31…"). Text around the number, letters
 * and extensions are refused rather than guessed at.
 */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): PhoneResult {
  let text = raw.trim();
  if (text.length === 0 || text.length > maxPhoneInputLength) return { ok: false, reason: 'invalid' };
  // Without a home country, "00" can only be the international prefix (it is in most of the world).
  if (defaultCountry === undefined && text.startsWith('00')) text = `+${text.slice(2)}`;

  const phone = parsePhoneNumberFromString(text, { defaultCountry, extract: false });
  if (!phone || phone.ext !== undefined || !phone.isValid()) return { ok: false, reason: 'invalid' };
  if (!textableTypes.has(phone.getType())) return { ok: false, reason: 'not_mobile' };
  return { ok: true, e164: phone.number };
}

/** "+31612345678" -> "•••• 78": the login screen's "SMS to •••• 78", enough to recognise one's own. */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  return digits.length >= 2 ? `•••• ${digits.slice(-2)}` : '••••';
}

/** The country and calling code of a stored E.164 number ("+31612345678" -> NL, "31"). */
export function phoneCountry(e164: string): { country: CountryCode | undefined; callingCode: string } {
  const phone = parsePhoneNumberFromString(e164);
  return { country: phone?.country, callingCode: phone?.countryCallingCode ?? 'unknown' };
}
