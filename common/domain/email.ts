/**
 * Email addresses are kept as typed (trimmed, NFC) for display and mailing, and compared through their
 * normalised form: compatibility forms folded (NFKC: fullwidth "ｊａｎｅ" is "jane"), lower-cased, and
 * the domain in its ASCII (punycode) spelling, so "bücher.example" and "xn--bcher-kva.example" are one
 * mailbox. Providers treat the local part case-insensitively in practice, and two accounts differing
 * only in such spellings would be an impersonation risk (docs/security.md 38). Invisible characters
 * (zero-width, soft hyphen, bidi controls) are refused outright by `isValidEmail`.
 */

export const maxEmailLength = 254;

// Deliberately permissive on the local part (RFC 5322 allows much), strict on structure: one @, a
// dotted domain, no spaces. The mailed activation link is the real proof of the address.
const emailShape = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/u;

export function tidyEmail(raw: string): string {
  return raw.trim().normalize('NFC');
}

export function normaliseEmail(raw: string): string {
  const email = tidyEmail(raw).normalize('NFKC').toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  return `${email.slice(0, at)}@${asciiDomain(email.slice(at + 1))}`;
}

/** The domain as DNS knows it (IDNA to punycode, trailing dot dropped); unchanged if it is no hostname. */
function asciiDomain(domain: string): string {
  const bare = domain.replace(/\.$/, '');
  try {
    return new URL(`http://${bare}/`).hostname;
  } catch {
    return bare;
  }
}

// Characters that render as nothing: two addresses that differ only by them look identical on screen.
const invisible = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;

export function isValidEmail(raw: string): boolean {
  const email = tidyEmail(raw);
  return email.length <= maxEmailLength && emailShape.test(email) && !invisible.test(email);
}

// Providers known to ignore dots in the local part; everything after a "+" is ignored almost everywhere.
const dotlessProviders = new Set(['gmail.com', 'googlemail.com']);

/**
 * The mailbox an address really reaches, for counting sends: "Jane.Doe+x@GoogleMail.com" and
 * "janedoe@gmail.com" land in one inbox, so a mail bomb through plus-tags counts as one target.
 * Never used to identify an account (a provider that does honour "+" would then merge two people).
 */
export function canonicalMailbox(raw: string): string {
  const email = normaliseEmail(raw);
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  let local = email.slice(0, at).replace(/\+.*$/, '');
  let domain = email.slice(at + 1);
  if (dotlessProviders.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/** "jane@example.net" -> "j•••@example.net": enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  // The first code point, not UTF-16 unit: half an emoji is a lone surrogate that breaks JSON and mail.
  const first = String.fromCodePoint(email.codePointAt(0) ?? 0x2022);
  return `${first}•••${email.slice(at)}`;
}
