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
