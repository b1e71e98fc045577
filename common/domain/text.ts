/**
 * Rules for text that users type. JSON allows lone surrogates and control characters that PostgreSQL
 * refuses (or that render as invisible tricks), so every stored string passes through here first.
 */

// C0/C1 controls except tab, plus bidi overrides and isolates that can disguise what a name says.
// eslint-disable-next-line no-control-regex
const forbiddenCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

export function isCleanText(value: string): boolean {
  return value.isWellFormed() && !forbiddenCharacters.test(value);
}

/** Length as a person counts it: Unicode code points after NFC, not UTF-16 units. */
export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Longest trusted-computer name kept, in code points. */
export const maxDeviceNameLength = 48;

/**
 * A trusted computer's name as the client chose it, reduced to a name: letters, digits, spaces and
 * ' ( ) - _ only, at most 48 code points. It is shown in My details and in the owner's notice mail,
 * where someone who got in must not be able to write a sentence or a link ("Claim your prize at
 * https://…") to the owner (docs/security.md 38).
 */
export function asDeviceName(raw: string | undefined): string {
  const words = (raw ?? '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} '’()_-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...words].slice(0, maxDeviceNameLength).join('').trim() || 'Unnamed computer';
}
