/**
 * Email addresses are kept as typed (trimmed, NFC) for display and mailing, and compared through their
 * normalised form: the whole address lower-cased. Providers treat the local part case-insensitively in
 * practice, and two accounts differing only in case would be an impersonation risk.
 */

export const maxEmailLength = 254;

// Deliberately permissive on the local part (RFC 5322 allows much), strict on structure: one @, a
// dotted domain, no spaces. The mailed activation link is the real proof of the address.
const emailShape = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/u;

export function tidyEmail(raw: string): string {
  return raw.trim().normalize('NFC');
}

export function normaliseEmail(raw: string): string {
  return tidyEmail(raw).toLowerCase();
}

export function isValidEmail(raw: string): boolean {
  const email = tidyEmail(raw);
  return email.length <= maxEmailLength && emailShape.test(email);
}

/** "jane@example.net" -> "j•••@example.net": enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  // The first code point, not UTF-16 unit: half an emoji is a lone surrogate that breaks JSON and mail.
  const first = String.fromCodePoint(email.codePointAt(0) ?? 0x2022);
  return `${first}•••${email.slice(at)}`;
}
